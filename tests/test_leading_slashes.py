"""A path that starts with `//` is one 301 to the path with one slash, under every server.

Found: under `flask run` (Werkzeug's development server) `//feeds/all.atom`, `///feeds/all.atom`,
`//section/asia`, `//robots.txt` and `//` were served (200), a second address of each document,
while Granian redirected them as docs/http.md says. Python's http.server replaces the leading
slashes with one before Werkzeug reads the target (gh-87389), so nothing in the environ told
the two apart; and where the target is kept (REQUEST_URI `//feeds/all.atom`, PATH_INFO
`/feeds/all.atom`, the pair Werkzeug makes from it) `feeds.redirects` took the pair for a
proxy's rewrite and did not redirect. Each server's environ shape is tested here, and
Werkzeug's own server over a socket.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from urllib.parse import unquote, urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tests.fixtures.app import module_client

DOCUMENTS = [
    "/feeds/all.atom",
    "/section/world",
    "/robots.txt",
    "/",
    "/feeds/all/archive/2025-07.rss",
]


def _werkzeug_path(target: str) -> str:
    """PATH_INFO as Werkzeug's server makes it from a target (`urlsplit`, which reads
    `//feeds/all.atom` as a host and a path)."""
    parts = urlsplit(target)
    path = f"/{parts.netloc}{parts.path}" if not parts.scheme and parts.netloc else parts.path
    return unquote(path, "latin-1")


# Each server's environ for a request target: (PATH_INFO, REQUEST_URI, RAW_URI).
SHAPES: dict[str, Callable[[str], tuple[str, str | None, str | None]]] = {
    # Werkzeug's development server (with `feeds.request_line.keep_sent_target`, or on a
    # Python whose http.server keeps the slashes): the target as sent, PATH_INFO from urlsplit.
    "werkzeug": lambda t: (_werkzeug_path(t), t, t),
    "gunicorn": lambda t: (unquote(t, "latin-1"), None, t),
    "uwsgi": lambda t: (unquote(t, "latin-1"), t, None),
    "granian": lambda t: (unquote(t, "latin-1"), None, None),  # the decoded path only
}


client = module_client("slashes")


def _get(client: FlaskClient, shape: str, target: str) -> tuple[int, str | None]:
    environ = EnvironBuilder(path="/").get_environ()
    path, request_uri, raw_uri = SHAPES[shape](target)
    environ["PATH_INFO"] = path
    for key, value in (("REQUEST_URI", request_uri), ("RAW_URI", raw_uri)):
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    _, status, headers = run_wsgi_app(client.application, environ, buffered=True)
    return int(status.split()[0]), headers.get("Location")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    ("target", "document"),
    [
        ("//feeds/all.atom", "/feeds/all.atom"),
        ("///feeds/all.atom", "/feeds/all.atom"),
        ("//section/world", "/section/world"),
        ("//robots.txt", "/robots.txt"),
        ("//", "/"),
        ("////feeds/all.atom", "/feeds/all.atom"),
    ],
)
def test_a_leading_double_slash_is_a_301_under_every_server(
    client: FlaskClient, shape: str, target: str, document: str
) -> None:
    assert _get(client, shape, target) == (301, "http://localhost" + document)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.sampled_from(list(SHAPES)),
    document=st.sampled_from(DOCUMENTS),
    slashes=st.integers(min_value=2, max_value=6),
)
def test_any_run_of_leading_slashes_before_a_document_is_one_301_to_it(
    client: FlaskClient, shape: str, document: str, slashes: int
) -> None:
    target = "/" * slashes + document.lstrip("/")
    assert _get(client, shape, target) == (301, "http://localhost" + document)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("target", DOCUMENTS)
def test_the_documents_own_path_is_served(client: FlaskClient, shape: str, target: str) -> None:
    assert _get(client, shape, target) == (200, None)


@pytest.fixture(scope="module")
def dev_server(client: FlaskClient) -> Iterator[BaseWSGIServer]:
    """Werkzeug's development server (what `flask run` starts) on 127.0.0.1."""
    server = make_server("127.0.0.1", 0, client.application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(5)


@pytest.mark.parametrize(
    ("target", "document"),
    [
        ("//feeds/all.atom", "/feeds/all.atom"),
        ("///feeds/all.atom", "/feeds/all.atom"),
        ("//section/world", "/section/world"),
        ("//robots.txt", "/robots.txt"),
        ("//", "/"),
        ("/feeds/all.atom", None),
    ],
)
def test_flask_runs_server_redirects_them_too(
    dev_server: BaseWSGIServer, target: str, document: str | None
) -> None:
    host, port = dev_server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if document is None:
        assert response.status == 200
    else:
        assert response.status == 301, target
        assert response.getheader("Location") == f"http://{host}:{port}{document}"
