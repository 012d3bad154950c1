"""The headers of a trusted proxy that make up the public root (X-Forwarded-Proto, -Host,
-Port, -Prefix) are checked by one rule (`feeds.urls.forwarded_problem`): a value that cannot
be part of a URL is a 400 naming the header and what it must be, `no-store`, on every path.

Found with `trust_proxy_hops = 1` and no site_url: `X-Forwarded-Prefix: ko` was a 500
(`Port could not be cast to integer value as '5312ko'`) on feeds, pages, robots.txt, the
sitemaps and 404s; `@evil.example` and `.evil.example` put the prefix into the host of every
link (`http://news.example.com@evil.example/feeds/all.atom`), `X-Forwarded-Proto: javascript`
made `javascript://...` links and `/%2e%2e` a `/../feeds/all.atom`, all in cacheable 200s.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from werkzeug.http import parse_list_header
from werkzeug.test import EnvironBuilder, run_wsgi_app
from werkzeug.wrappers import Response

from feeds.urls import usable_port, usable_prefix
from tests.fixtures.app import shared_client

# Every kind of answer that writes the public root: feeds (with and without a format),
# pages, an article, the crawlers' documents, OPML, a feed's 404 and a path no route takes.
PATHS = [
    "/feeds/all.atom",
    "/feeds/all.json",
    "/feeds/all",
    "/feeds/all/archive/2025-07.rss",
    "/",
    "/section/world",
    "/articles/jul-1",
    "/robots.txt",
    "/sitemap.xml",
    "/feeds.opml",
    "/feeds/tag/nonexist.atom",
    "/feeds/tag/nonexist",
    "/nope",
]

BAD = [
    ("X-Forwarded-Prefix", "ko"),
    ("X-Forwarded-Prefix", "@evil.example"),
    ("X-Forwarded-Prefix", ".evil.example"),
    ("X-Forwarded-Prefix", "/%2e%2e"),
    ("X-Forwarded-Prefix", "/news/%2E"),
    ("X-Forwarded-Prefix", "/a/../b"),
    ("X-Forwarded-Prefix", "/a//b"),
    ("X-Forwarded-Prefix", "/a%2Fb"),
    ("X-Forwarded-Prefix", "/a%5Cb"),
    ("X-Forwarded-Prefix", "/a?b"),
    ("X-Forwarded-Prefix", "/a#b"),
    ("X-Forwarded-Prefix", "/a@b"),
    ("X-Forwarded-Prefix", "/\xed\x95\x9c"),  # 한 unencoded, as a server passes it
    ("X-Forwarded-Prefix", "/%FF"),
    ("X-Forwarded-Proto", "javascript"),
    ("X-Forwarded-Proto", "ftp"),
    ("X-Forwarded-Proto", "HTTPS"),
    ("X-Forwarded-Port", "abc"),
    ("X-Forwarded-Port", "0"),
    ("X-Forwarded-Port", "65536"),
    ("X-Forwarded-Port", "080"),
    ("X-Forwarded-Port", "+80"),
    ("X-Forwarded-Host", "a b"),
    ("X-Forwarded-Host", "news.example.com:99999"),
    ("X-Forwarded-Host", "user@evil.example"),
]


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """One trusted proxy in front, no site_url: links come from the forwarded headers."""
    return shared_client(tmp_path_factory.mktemp("forwarded"), trust_proxy_hops=1)


def get(
    client: FlaskClient, path: str, headers: dict[str, str], host: str = "127.0.0.1:5312"
) -> Response:
    """GET with these exact headers, past the test client's own URL parsing."""
    environ = EnvironBuilder(path=path).get_environ()
    environ["SERVER_PROTOCOL"] = "HTTP/1.1"
    environ["HTTP_HOST"] = host
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    body, status, response_headers = run_wsgi_app(client.application, environ, buffered=True)
    return Response(b"".join(body), status=status, headers=response_headers)


@pytest.mark.parametrize(("header", "value"), BAD)
@pytest.mark.parametrize("path", PATHS)
def test_a_forwarded_value_that_cannot_be_in_a_url_is_a_400_naming_it(
    proxied: FlaskClient, path: str, header: str, value: str
) -> None:
    response = get(proxied, path, {header: value}, host="news.example.com")
    assert response.status_code == 400, (path, header, value, response.status_code)
    body = response.get_data(as_text=True)
    assert f"the {header} header" in body, body
    assert "must be" in body or "is not a valid host name" in body
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["//feeds/all.atom", "/feeds/./all.atom", "/feeds/all.atom/"])
def test_a_path_that_would_be_redirected_is_refused_too(proxied: FlaskClient, path: str) -> None:
    response = get(proxied, path, {"X-Forwarded-Prefix": "@evil.example"})
    assert response.status_code == 400
    assert "X-Forwarded-Prefix" in response.get_data(as_text=True)


def test_good_forwarded_values_make_the_links(proxied: FlaskClient) -> None:
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "news.example.com",
        "X-Forwarded-Port": "8443",
        "X-Forwarded-Prefix": "/ko/",
    }
    response = get(proxied, "/feeds/all.json", headers)
    assert response.status_code == 200
    assert json.loads(response.data)["feed_url"] == (
        "https://news.example.com:8443/ko/feeds/all.json"
    )


@pytest.mark.parametrize(
    "prefix", ["/", "/news", "/news/", "/ko/feeds", "/a%20b", "/%ED%95%9C", "/a.b", "/~x", "/a:b"]
)
def test_prefixes_that_are_paths_are_usable(prefix: str) -> None:
    assert usable_prefix(prefix)


@pytest.mark.parametrize("port", ["1", "80", "8443", "65535"])
def test_ports_in_range_are_usable(port: str) -> None:
    assert usable_port(port)


# --- property: whatever a proxy sends, no 5xx, and a 200 links only its own root ------------

_VALUES = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=12),
    st.from_regex(r"(/[a-z0-9.%@:~-]{0,6}){1,3}/?", fullmatch=True),
    st.from_regex(r"[0-9]{1,6}", fullmatch=True),
    st.sampled_from(
        [
            "ko",
            "@evil.example",
            ".evil.example",
            "/%2e%2e",
            "/%2E",
            "/news",
            "/",
            "//",
            "http",
            "https",
            "javascript",
            "HTTP",
            "8443",
            "0",
            "080",
            "news.example.com",
            "news.example.com:8080",
            "[::1]",
            "a b",
            "/a, /b",
            '"/q"',
            "x, https",
        ]
    ),
)
_HEADERS = st.dictionaries(
    st.sampled_from(
        ["X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix"]
    ),
    _VALUES,
    max_size=4,
)


def _honoured(value: str | None) -> str | None:
    """The value ProxyFix takes with one trusted hop: the last of the list."""
    if not value:
        return None
    values = parse_list_header(value)
    return values[-1] if values and values[-1] else None


def _links(response: Response) -> list[str]:
    """Every URL a 200 writes for this site: XML `href` and `loc`, JSON Feed's, HTML's
    `href`/`src`, robots.txt's `Sitemap:` lines and the `Content-Location`."""
    data = response.data
    links = [response.headers[h] for h in ("Content-Location", "Location") if h in response.headers]
    mimetype = response.mimetype
    if "html" in mimetype:
        links += re.findall(r'(?:href|src)="([^"]+)"', data.decode())
    elif "json" in mimetype:
        feed = json.loads(data)
        links += [feed.get(k) for k in ("feed_url", "home_page_url", "next_url") if feed.get(k)]
        links += [item["url"] for item in feed.get("items", []) if "url" in item]
    elif "xml" in mimetype or "opml" in mimetype:
        root = etree.fromstring(data)
        links += [str(h) for h in root.xpath("//@href | //@xmlUrl | //@htmlUrl")]
        links += [str(t).strip() for t in root.xpath("//*[local-name()='loc']/text()")]
        links += re.findall(r'href="([^"]+)"', data.split(b"?>", 1)[0].decode())
    elif mimetype == "text/plain":
        links += re.findall(r"^Sitemap: (\S+)$", data.decode(), re.M)
    return [link.replace("&amp;", "&") for link in links if link and not link.startswith("#")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=_HEADERS,
    host=st.sampled_from(["127.0.0.1:5312", "news.example.com", "a b", "[::1]:8080"]),
    path=st.sampled_from(PATHS),
)
@example(headers={"X-Forwarded-Prefix": "ko"}, host="127.0.0.1:5312", path="/")
@example(headers={"X-Forwarded-Prefix": "@evil.example"}, host="news.example.com", path="/")
@example(headers={"X-Forwarded-Proto": "javascript"}, host="news.example.com", path="/")
@example(headers={"X-Forwarded-Prefix": "/%2e%2e"}, host="news.example.com", path="/robots.txt")
@example(headers={"X-Forwarded-Prefix": "/ko/"}, host="news.example.com", path="/sitemap.xml")
def test_whatever_a_proxy_sends_no_5xx_and_links_stay_on_the_validated_root(
    proxied: FlaskClient, headers: dict[str, str], host: str, path: str
) -> None:
    response = get(proxied, path, headers, host=host)
    status = response.status_code
    assert status < 500, (headers, host, path, status)
    if status >= 400:
        assert response.headers["Cache-Control"] in ("no-store", "no-cache")
        return
    if status != 200:
        return
    proto = _honoured(headers.get("X-Forwarded-Proto")) or "http"
    netloc = (_honoured(headers.get("X-Forwarded-Host")) or host).lower()
    port = _honoured(headers.get("X-Forwarded-Port"))
    if port is not None:
        netloc = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
        netloc = f"{netloc}:{port}"
    netloc = netloc.removesuffix(":80" if proto == "http" else ":443")
    prefix = (_honoured(headers.get("X-Forwarded-Prefix")) or "").rstrip("/")
    assert proto in ("http", "https")
    for link in _links(response):
        if link.startswith("/"):  # root-relative: the stylesheet
            assert not link.startswith("//") and link.startswith(prefix + "/"), link
            continue
        parts = urlsplit(link)
        assert parts.netloc.lower() == netloc, (link, netloc)  # the corpus links nowhere else
        assert parts.scheme == proto, link
        assert "@" not in parts.netloc, link
        assert parts.path.startswith(prefix + "/"), (link, prefix)
        segments = unquote(parts.path).split("/")
        assert "." not in segments and ".." not in segments, link
    assert _links(response) or path == "/nope"
