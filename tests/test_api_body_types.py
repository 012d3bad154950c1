"""Request bodies are taken only in the media types the OpenAPI document names for the method,
in UTF-8: `application/json`, and for PATCH also `application/merge-patch+json` (RFC 7396).

Any `+json` type used to be taken as JSON: a merge patch sent with PUT replaced the whole
record (every field it left out was dropped), a JSON Patch (RFC 6902) sent with PATCH was read
as a merge patch, and `charset=iso-8859-1` was read as UTF-8 in silence.
"""

from __future__ import annotations

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.api.views import body_type_refusal
from tests.fixtures.api import ApiClient, openapi, record

DOCUMENTED = {
    method.upper(): set(operation["requestBody"]["content"])
    for path in openapi()["paths"].values()
    for method, operation in path.items()
    if "requestBody" in operation
}

_TYPES = st.sampled_from(
    [
        "application/json",
        "application/merge-patch+json",
        "application/json-patch+json",
        "application/problem+json",
        "application/vnd.api+json",
        "application/ld+json",
        "text/json",
        "text/plain",
        "application/x-www-form-urlencoded",
    ]
)
_CHARSETS = st.sampled_from(
    [None, "utf-8", "UTF-8", '"utf-8"', "utf8", "iso-8859-1", "latin1", "utf-16", "us-ascii", "x"]
)


def _content_type(mimetype: str, charset: str | None, upper: bool) -> str:
    written = mimetype.upper() if upper else mimetype
    return written if charset is None else f"{written}; charset={charset}"


def _taken(method: str, mimetype: str, charset: str | None) -> bool:
    plain = None if charset is None else charset.strip('"').lower()
    return mimetype in DOCUMENTED[method] and plain in (None, "utf-8")


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["PUT", "PATCH", "POST"]),
    mimetype=_TYPES,
    charset=_CHARSETS,
    upper=st.booleans(),
)
def test_a_body_is_taken_only_in_a_documented_type_and_utf8(
    api: ApiClient, method: str, mimetype: str, charset: str | None, upper: bool
) -> None:
    before = api.store.get("aug-1")
    if method == "PUT":
        path, body = "/api/articles/aug-1", record(title="다른 제목")
    elif method == "PATCH":
        path, body = "/api/articles/aug-1", {"summary": "고친 요약"}
    else:
        path, body = "/api/articles/batch", {"articles": [record(id="aug-1", title="다른 제목")]}
    response = api.request(
        method,
        path,
        data=orjson.dumps(body),
        headers={"Content-Type": _content_type(mimetype, charset, upper)},
    )
    if _taken(method, mimetype, charset):
        assert response.status_code == 200, response.get_json()
        return
    assert response.status_code == 415, (mimetype, charset, response.get_json())
    detail = response.get_json()["detail"]
    assert "send" in detail and "Content-Type: application/" in detail
    assert ("UTF-8" in detail) == (mimetype in DOCUMENTED[method])
    assert api.store.get("aug-1") == before
    if method == "PATCH":
        assert response.headers["Accept-Patch"] == "application/merge-patch+json"


def test_a_merge_patch_sent_with_put_replaces_nothing(api: ApiClient) -> None:
    before = api.store.get("aug-1")
    response = api.put(
        "/api/articles/aug-1",
        data=orjson.dumps({"title": "only the title"}),
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 415
    assert api.store.get("aug-1") == before


def test_the_rule_takes_what_the_document_names() -> None:
    for method, types in DOCUMENTED.items():
        for mimetype in types:
            assert body_type_refusal(method, mimetype, {}) is None
            assert body_type_refusal(method, mimetype, {"charset": "UTF-8"}) is None
            assert body_type_refusal(method, mimetype, {"charset": "iso-8859-1"}) is not None


def test_a_body_not_in_utf8_is_named_so(api: ApiClient) -> None:
    response = api.put(
        "/api/articles/x1",
        data='{"title": "café"}'.encode("latin-1"),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["detail"].startswith("the body is not UTF-8 (byte 0xE9 at offset")
