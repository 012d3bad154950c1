"""A request target sent with raw UTF-8 bytes reaches the app as PEP 3333 has it, under `flask run`.

Found: curl sends a URL's characters as they are given (`curl .../feeds/tag/오디오.rss` puts the
bytes `EC 98 A4 ...` in the request line). Granian and gunicorn pass them in PATH_INFO one
Latin-1 character a byte, and the app answers 301 to the tag's slug (docs/http.md). Werkzeug's
development server, the README's first command, read them twice over: Python's http.server
decodes the request line as Latin-1, and Werkzeug then encoded those characters as UTF-8 once
more, so the app saw mojibake: a 404 "no tag feed 'ì\\x98¤ë...'" and, since every byte counted
three times, a 414 for a 2,716-byte URL. `feeds.request_line.keep_sent_target` now puts the
target's bytes in PATH_INFO, QUERY_STRING and REQUEST_URI as sent.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote_to_bytes

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.serving import BaseWSGIServer, make_server

from feeds.request_line import keep_sent_target
from tests.fixtures.app import shared_client

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def _serve(app: object) -> Iterator[BaseWSGIServer]:
    keep_sent_target()  # as create_app does for `flask run`
    server = make_server("127.0.0.1", 0, app, threaded=True)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(5)


def _echo(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    keys = ("PATH_INFO", "QUERY_STRING", "REQUEST_URI", "RAW_URI")
    body = json.dumps({key: environ.get(key) for key in keys}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


@pytest.fixture(scope="module")
def echo_server() -> Iterator[BaseWSGIServer]:
    yield from _serve(_echo)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    return shared_client(tmp_path_factory.mktemp("raw-targets"))


@pytest.fixture(scope="module")
def app_server(client: FlaskClient) -> Iterator[BaseWSGIServer]:
    yield from _serve(client.application)


def _send(server: BaseWSGIServer, target: bytes) -> tuple[int, dict[str, str], bytes]:
    """One GET with `target` written into the request line byte for byte."""
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    try:
        connection.putrequest("GET", "/", skip_accept_encoding=True)  # replaced below
        connection._buffer[0] = b"GET " + target + b" HTTP/1.1"  # type: ignore[attr-defined]
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# http.server splits the request line, which it reads as Latin-1, at any white space: bytes
# 0x85 (NEL) and 0xA0 (NBSP) too, so a character whose UTF-8 holds one is its 400 "Bad request
# syntax" before Werkzeug or the app see anything (`가` is EA B0 80; `Å` is C3 85).
_SPLIT_BYTES = frozenset({0x85, 0xA0})

_segment_text = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters="?#/%"
    ),
    min_size=1,
    max_size=12,
).filter(lambda text: not text.isascii() and not _SPLIT_BYTES & set(text.encode()))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    segment=_segment_text,
    encoded=_segment_text,
    query=st.one_of(st.just(""), _segment_text),
)
def test_raw_bytes_reach_the_environ_as_sent(
    echo_server: BaseWSGIServer, segment: str, encoded: str, query: str
) -> None:
    """PATH_INFO is the target's path percent-decoded to bytes (raw and `%XX` alike),
    QUERY_STRING and REQUEST_URI its bytes as sent, each byte one Latin-1 character."""
    path = "/x/" + segment + "/" + quote(encoded)
    target = (path + ("?q=" + query if query else "")).encode()
    status, _, body = _send(echo_server, target)
    assert status == 200
    seen = json.loads(body)
    as_wsgi = target.decode("latin-1")
    assert seen["PATH_INFO"] == unquote_to_bytes(path.encode()).decode("latin-1")
    assert seen["QUERY_STRING"] == (("q=" + query).encode().decode("latin-1") if query else "")
    assert seen["REQUEST_URI"] == as_wsgi
    assert seen["RAW_URI"] == as_wsgi


def test_a_leading_double_slash_keeps_its_raw_bytes(echo_server: BaseWSGIServer) -> None:
    target = "//feeds/tag/오디오.rss".encode()
    _, _, body = _send(echo_server, target)
    seen = json.loads(body)
    assert seen["REQUEST_URI"] == target.decode("latin-1")
    assert seen["PATH_INFO"] == "/feeds/tag/오디오.rss".encode().decode("latin-1")


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/feeds/tag/일본.rss", "/feeds/tag/japan.rss"),
        ("/tag/일본", "/tag/japan"),
        ("/feeds/tag/일본/archive/2025-08.atom", "/feeds/tag/japan/archive/2025-08.atom"),
    ],
)
def test_a_label_sent_raw_is_redirected_under_flask_run(
    app_server: BaseWSGIServer, target: str, location: str
) -> None:
    """As percent-encoded and under Granian: the label's slug (it was a 404 in mojibake)."""
    host, port = app_server.server_address[:2]
    status, headers, _ = _send(app_server, target.encode())
    assert status == 301, target
    assert headers["Location"] == f"http://{host}:{port}{location}"


def test_a_raw_target_is_measured_in_the_bytes_sent(app_server: BaseWSGIServer) -> None:
    """A 2,716-byte target is no 414 (it counted as 16,216); one past 8,190 bytes still is."""
    short = ("/articles/" + "가" * 900).encode()
    status, _, body = _send(app_server, short)
    assert len(short) < 8190
    assert status == 404, body[:120]
    long = ("/articles/" + "가" * 2800).encode()
    status, _, body = _send(app_server, long)
    assert status == 414
    assert f"{len(long):,} bytes".encode() in body


@pytest.mark.parametrize("path", ["/feeds/" + "./" * 4100 + "all.atom", "/section//" + "/" * 8200])
def test_an_overlong_spelling_is_a_414_not_a_redirect(client: FlaskClient, path: str) -> None:
    """The size is the request's as sent, checked before its spelling is redirected: a
    8,215-byte path of dot segments was a 301 to `/feeds/all.atom`."""
    response = client.get(path)
    assert response.status_code == 414
    assert "Location" not in response.headers
