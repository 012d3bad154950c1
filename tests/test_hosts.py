"""The Host header: links are built from it when site_url is not set, so a Host that is not a
host is a 400 saying what to do (never a cacheable 200 with `http:/feeds/all.atom` links), and
`trusted_hosts` limits the site to its own names, as Flask's TRUSTED_HOSTS does."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from werkzeug.test import EnvironBuilder, run_wsgi_app
from werkzeug.wrappers import Response

from feeds.config import ConfigError, SiteConfig
from tests.fixtures.app import shared_client

NOT_HOSTS = ["a b", "[::1", "x:99999", "127.0.0.1:abc", "a/b", "user@host", "x:0", "ä"]


@pytest.fixture(scope="module")
def open_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """An app with no site_url and no trusted_hosts: links come from the Host header."""
    return _client(tmp_path_factory.mktemp("hosts"))


def _client(instance: Path, **settings: object) -> FlaskClient:
    return shared_client(instance, **settings)


def get(client: FlaskClient, path: str, host: str | None, protocol: str = "HTTP/1.1") -> Response:
    """GET `path` with this exact Host header (None: none), past the test client's own URL
    parsing (which refuses some of the hosts these tests send)."""
    environ = EnvironBuilder(path=path).get_environ()
    environ["SERVER_PROTOCOL"] = protocol
    if host is None:
        del environ["HTTP_HOST"]
    else:
        environ["HTTP_HOST"] = host
    body, status, headers = run_wsgi_app(client.application, environ, buffered=True)
    return Response(b"".join(body), status=status, headers=headers)


@pytest.mark.parametrize("host", NOT_HOSTS)
@pytest.mark.parametrize("path", ["/feeds/all.atom", "/feeds/all.json", "/", "/feeds.opml"])
def test_a_host_header_that_is_not_a_host_is_400_saying_what_to_do(
    open_client: FlaskClient, host: str, path: str
) -> None:
    response = get(open_client, path, host)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "not a valid host name" in body and "site_url" in body
    assert response.headers["Cache-Control"] == "no-store"


def test_a_forwarded_host_that_is_not_a_host_is_400_too(make_app: Callable[..., Flask]) -> None:
    client = make_app(trust_proxy_hops=1).test_client()
    response = client.get("/feeds/all.atom", headers={"X-Forwarded-Host": "a b"})
    assert response.status_code == 400


def test_with_site_url_the_host_header_does_not_matter(make_app: Callable[..., Flask]) -> None:
    client = make_app(site_url="https://news.example.com").test_client()
    response = get(client, "/feeds/all.json", "other.example:8080")
    assert response.status_code == 200
    data = json.loads(response.data)
    assert data["feed_url"] == "https://news.example.com/feeds/all.json"


def _links(response: Response) -> list[str]:
    """Every absolute link a response holds: Atom links and HTML href/src."""
    mimetype = response.mimetype
    data = response.data
    if "html" in mimetype:
        return re.findall(r'(?:href|src)="([^"]+)"', data.decode())
    root = etree.fromstring(data)
    return [str(href) for href in root.xpath("//@href")]


_HOST_CHARS = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\]")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    host=st.one_of(
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=30),
        st.from_regex(r"[a-z0-9.-]{1,20}(:[0-9]{1,6})?", fullmatch=True),
        st.from_regex(r"\[[0-9a-f:]{2,12}\](:[0-9]{1,6})?", fullmatch=True),
    ),
    path=st.sampled_from(["/feeds/all.atom", "/"]),
)
@example(host="a b", path="/feeds/all.atom")
@example(host="[::1", path="/feeds/all.atom")
@example(host="x:99999", path="/")
@example(host="[:0]", path="/feeds/all.atom")
@example(host="[::]", path="/feeds/all.atom")
@example(host="127.0.0.1:abc", path="/feeds/all.atom")
@example(host="news.example.com:8080", path="/feeds/all.atom")
def test_any_host_header_gives_a_400_or_links_to_that_host(
    open_client: FlaskClient, host: str, path: str
) -> None:
    response = get(open_client, path, host)
    status = response.status_code
    assert status in {200, 400}, (host, status)
    if status == 400:
        return
    expected = host.lower().removesuffix(":80")
    links = [link for link in _links(response) if "://" in link]
    assert links
    for link in links:
        parts = urlsplit(link)
        assert parts.scheme == "http", link
        assert parts.netloc.lower() == expected, link
        assert parts.port is None or 1 <= parts.port <= 65535, link
        name = parts.netloc if parts.port is None else parts.netloc.rsplit(":", 1)[0]
        assert parts.hostname and _HOST_CHARS.fullmatch(name), link


def test_trusted_hosts_allow_only_those_names(tmp_path: Path) -> None:
    client = _client(tmp_path, trusted_hosts="news.example.com, .example.org")
    for host in ("news.example.com", "news.example.com:8080", "a.example.org", "example.org"):
        assert get(client, "/feeds/all.atom", host).status_code == 200, host
    for host in ("evil.example", "news.example.com.evil", "localhost", "a b"):
        response = get(client, "/feeds/all.atom", host)
        assert response.status_code == 400, host
        assert "trusted_hosts" in response.get_data(as_text=True)


def test_trusted_hosts_are_checked_even_with_a_site_url(tmp_path: Path) -> None:
    client = _client(
        tmp_path, site_url="https://news.example.com", trusted_hosts="news.example.com"
    )
    assert get(client, "/", "other.example").status_code == 400


def test_a_trusted_host_that_is_not_a_host_name_is_refused_at_start() -> None:
    with pytest.raises(ConfigError, match="trusted_hosts: 'a_b'"):
        SiteConfig(trusted_hosts="ok.example, a_b").validated()


@pytest.fixture(scope="module")
def site_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """An app with site_url set: links never come from the Host header."""
    return _client(tmp_path_factory.mktemp("site-hosts"), site_url="https://news.example.com")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    host=st.one_of(
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=20),
        st.from_regex(r"[a-z0-9.-]{1,20}(:[0-9]{1,6})?", fullmatch=True),
        st.sampled_from([*NOT_HOSTS, "127.0.0.1:5830,other", "news.example.com"]),
    ),
    path=st.sampled_from(["/feeds/all.atom", "/", "/api/articles", "/sitemap.xml"]),
)
@example(host="a b", path="/feeds/all.atom")
@example(host="127.0.0.1:5830,other", path="/feeds/all.atom")
def test_a_host_is_refused_by_one_rule_whether_or_not_site_url_is_set(
    open_client: FlaskClient, site_client: FlaskClient, host: str, path: str
) -> None:
    """RFC 9112 3.2: a server answers 400 to a Host that is not a host (two Host lines reach
    the app joined by a comma). With site_url set such requests were a 200 (`Host: a b`);
    now the app refuses what it refuses without site_url, where no link could be written."""
    without = get(open_client, path, host).status_code == 400
    response = get(site_client, path, host)
    assert (response.status_code == 400) == without, (host, response.status_code)
    if without:
        assert "Host" in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/feeds/all.atom", "/", "/api/articles"])
def test_http_1_1_without_host_is_400_and_http_1_0_is_served(tmp_path: Path, path: str) -> None:
    """With the response memo on: an HTTP/1.0 answer without Host is never replayed to an
    HTTP/1.1 request without Host (the memo's key holds no protocol)."""
    client = _client(tmp_path, site_url="https://news.example.com", response_memo_ms=60_000)
    if path != "/api/articles":  # (the API needs a token)
        assert get(client, path, None, "HTTP/1.0").status_code == 200
    for _ in range(2):
        refused = get(client, path, None, "HTTP/1.1")
        assert refused.status_code == 400
        assert "needs a Host header" in refused.get_data(as_text=True)


# How each server presents an HTTP/1.1 request without Host: Werkzeug's development server and
# gunicorn leave HTTP_HOST out, Granian writes it empty (as it writes an empty Host line).
NO_HOST_SHAPES = {"werkzeug, gunicorn": None, "granian": ""}


@pytest.mark.parametrize("shape", NO_HOST_SHAPES)
@pytest.mark.parametrize("site_url", ["", "https://news.example.com"])
@pytest.mark.parametrize("path", ["/feeds/all.atom", "/", "/robots.txt", "/nope"])
def test_http_1_1_without_host_says_it_needs_one_under_every_server(
    open_client: FlaskClient, site_client: FlaskClient, shape: str, site_url: str, path: str
) -> None:
    """docs/http.md: such a request is a 400 saying it needs a Host header. Under Granian it
    said the Host "is not a valid host name" (and to set site_url, which would not help)."""
    client = site_client if site_url else open_client
    response = get(client, path, NO_HOST_SHAPES[shape])
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "needs a Host header" in body, body
    assert "not a valid host name" not in body
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("shape", NO_HOST_SHAPES)
def test_http_1_0_without_host_is_served_under_every_server(
    open_client: FlaskClient, shape: str
) -> None:
    for protocol in ("HTTP/1.0", "HTTP/1"):  # Granian writes HTTP/1.0 as HTTP/1
        response = get(open_client, "/feeds/all.atom", NO_HOST_SHAPES[shape], protocol)
        assert response.status_code == 200, (shape, protocol)
