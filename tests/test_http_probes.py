"""Requests as odd clients send them: every one a 4xx saying what to do, or the document.

A URL's percent-encoded bytes are UTF-8 (RFC 3986 2.5, RFC 3987). A path whose bytes are not
is a 400 everywhere, with a body that says how to write the URL; Werkzeug would read those
bytes as U+FFFD, so `PUT /api/articles/%FF` created an article whose id is U+FFFD (and `%FE`
named the same one). An API query string is held to the same rule: a filter read as U+FFFD
would match nothing, in silence.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from urllib.parse import quote_from_bytes, unquote, unquote_to_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.serving import make_server

from tests.fixtures.api import ApiClient, record


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


not_utf8 = st.binary(min_size=1, max_size=8).filter(lambda raw: not _is_utf8(raw))
# Where a client names something by a path segment: each kind of page, feed and API resource.
PLACES = [
    "/api/articles/{}",
    "/articles/{}",
    "/feeds/tag/{}.atom",
    "/feeds/section/{}",
    "/section/{}",
    "/{}",
]


def _segment(raw: bytes) -> str:
    return quote_from_bytes(raw, safe="")


def _as_served(path: str, server: str = "pep3333") -> dict[str, str]:
    """The WSGI environ a server gives for `path`; Werkzeug's test client would decode the
    bytes itself.

    `pep3333` (Granian, gunicorn): the percent-decoded bytes as Latin-1. `werkzeug-dev`
    (`flask run`, the README's quick start): the path already decoded as UTF-8 with every
    bad byte read as U+FFFD, and the request target as sent in REQUEST_URI and RAW_URI.
    """
    target, _, query = path.partition("?")
    if server == "werkzeug-dev":
        decoded = unquote(target).encode("utf-8").decode("latin-1")
        return {"PATH_INFO": decoded, "QUERY_STRING": query, "REQUEST_URI": path, "RAW_URI": path}
    return {"PATH_INFO": unquote_to_bytes(target).decode("latin-1"), "QUERY_STRING": query}


SERVERS = ["pep3333", "werkzeug-dev"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=not_utf8,
    place=st.sampled_from(PLACES),
    method=st.sampled_from(["GET", "PUT"]),
    server=st.sampled_from(SERVERS),
)
def test_a_path_that_is_not_utf8_is_a_400_saying_how_to_write_it(
    api: ApiClient, raw: bytes, place: str, method: str, server: str
) -> None:
    path = place.format(_segment(raw))
    response = api.client.open(
        path,
        method=method,
        headers={"Authorization": f"Bearer {api.write_token}"},
        json=record() if method == "PUT" else None,
        environ_overrides=_as_served(path, server),
    )
    assert response.status_code == 400, (path, response.status_code)
    assert "UTF-8" in response.get_data(as_text=True)
    if path.startswith("/api/"):
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("server", SERVERS)
def test_put_with_an_id_that_is_not_utf8_creates_nothing(api: ApiClient, server: str) -> None:
    for raw in (b"\xff", b"\xfe", b"caf\xe9"):
        path = f"/api/articles/{_segment(raw)}"
        response = api.put(path, json=record(), environ_overrides=_as_served(path, server))
        assert response.status_code == 400
        assert "UTF-8" in response.get_json()["detail"]
    assert api.get(f"/api/articles/{_segment(chr(0xFFFD).encode())}").status_code == 404


@pytest.mark.parametrize("server", SERVERS)
def test_a_utf8_path_is_read_as_written(api: ApiClient, server: str) -> None:
    path = f"/api/articles/{_segment('기사-1'.encode())}"
    created = api.put(path, json=record(), environ_overrides=_as_served(path, server))
    assert created.status_code == 201
    assert created.get_json()["id"] == "기사-1"
    # The query, on the operation that takes one (a write takes none: a 400). `한` is no
    # slug, and the refusal quotes it as the client wrote it, not as mojibake.
    path = "/api/articles?section=%ED%95%9C"
    listed = api.get(path, environ_overrides=_as_served(path, server))
    assert listed.status_code == 400
    (error,) = listed.get_json()["errors"]
    assert error["field"] == "section" and "'한'" in error["reason"]
    # A real U+FFFD, written as its UTF-8 bytes, is a character like any other.
    path = f"/api/articles/{_segment(chr(0xFFFD).encode())}"
    assert (
        api.put(path, json=record(), environ_overrides=_as_served(path, server)).status_code == 201
    )


def test_flask_run_refuses_a_path_that_is_not_utf8(api: ApiClient) -> None:
    """Through Werkzeug's own server (`flask run`), which decodes the path before the app."""
    server = make_server("127.0.0.1", 0, api.client.application)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        connection.request(
            "PUT",
            "/api/articles/%FF",
            body=json.dumps(record()),
            headers={
                "Authorization": f"Bearer {api.write_token}",
                "Content-Type": "application/json",
            },
        )
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        # UTF-8 is read as written, percent-encoded or sent raw (as curl sends it).
        valid = []
        for target in (b"/feeds/tag/%ED%95%9C.atom", "/feeds/tag/한.atom".encode()):
            with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as sock:
                sock.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
                valid.append(sock.makefile("rb").readline())
    finally:
        server.shutdown()
    assert response.status == 400, body
    assert "UTF-8" in body
    assert all(b" 404 " in line for line in valid), valid  # no such tag, but read as written


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=not_utf8)
def test_an_api_query_that_is_not_utf8_is_a_400(api: ApiClient, raw: bytes) -> None:
    path = f"/api/articles?tag={_segment(raw)}"
    response = api.get(path, environ_overrides=_as_served(path))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "UTF-8" in response.get_json()["detail"]
