"""Requests as odd clients send them: every one a 4xx saying what to do, or the document.

A URL's percent-encoded bytes are UTF-8 (RFC 3986 2.5, RFC 3987). A path whose bytes are not
is a 400 everywhere, with a body that says how to write the URL; Werkzeug would read those
bytes as U+FFFD, so `PUT /api/articles/%FF` created an article whose id is U+FFFD (and `%FE`
named the same one). An API query string is held to the same rule: a filter read as U+FFFD
would match nothing, in silence.
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes, unquote_to_bytes

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def _as_served(path: str) -> dict[str, str]:
    """The WSGI environ a server (Werkzeug's, Granian) gives for `path` (PEP 3333: the
    percent-decoded bytes as Latin-1); Werkzeug's test client would decode them itself."""
    target, _, query = path.partition("?")
    return {"PATH_INFO": unquote_to_bytes(target).decode("latin-1"), "QUERY_STRING": query}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=not_utf8, place=st.sampled_from(PLACES), method=st.sampled_from(["GET", "PUT"]))
def test_a_path_that_is_not_utf8_is_a_400_saying_how_to_write_it(
    api: ApiClient, raw: bytes, place: str, method: str
) -> None:
    path = place.format(_segment(raw))
    response = api.client.open(
        path,
        method=method,
        headers={"Authorization": f"Bearer {api.write_token}"},
        json=record() if method == "PUT" else None,
        environ_overrides=_as_served(path),
    )
    assert response.status_code == 400, (path, response.status_code)
    assert "UTF-8" in response.get_data(as_text=True)
    if path.startswith("/api/"):
        assert response.mimetype == "application/problem+json"


def test_put_with_an_id_that_is_not_utf8_creates_nothing(api: ApiClient) -> None:
    for raw in (b"\xff", b"\xfe", b"caf\xe9"):
        path = f"/api/articles/{_segment(raw)}"
        response = api.put(path, json=record(), environ_overrides=_as_served(path))
        assert response.status_code == 400
        assert "UTF-8" in response.get_json()["detail"]
    assert api.get(f"/api/articles/{_segment(chr(0xFFFD).encode())}").status_code == 404


def test_a_utf8_path_is_read_as_written(api: ApiClient) -> None:
    path = f"/api/articles/{_segment('기사-1'.encode())}"
    created = api.put(path, json=record(), environ_overrides=_as_served(path))
    assert created.status_code == 201
    assert created.get_json()["id"] == "기사-1"


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
