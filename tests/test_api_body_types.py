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

from feeds.api.body import body_type_refusal
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


_FIELD_TEXT = st.sampled_from(["title", "summary", "rights"])
_IDS = iter(range(10**6))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=_FIELD_TEXT,
    surrogate=st.integers(0xD800, 0xDFFF),
    before=st.text(alphabet="가나ab", min_size=1, max_size=4),
)
def test_a_body_is_read_as_an_imported_file_is(
    api: ApiClient, field: str, surrogate: int, before: str
) -> None:
    # RFC 8259 8.2 allows an escaped lone surrogate; an imported file reads it and the text
    # rule removes it, while the API answered 400 "not valid JSON: no low surrogate in string"
    # for the same record. One reading for every input path.
    path = f"/api/articles/sur-{next(_IDS)}"  # a new article for each example
    text = orjson.dumps(record(**{field: before + "X"})).decode()
    body = text.replace(f'{before}X"', f'{before}\\u{surrogate:04x}"', 1).encode()
    response = api.put(path, data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["record"][field] == before
    patched = api.patch(
        path,
        data=f'{{"{field}": "{before}\\u{surrogate:04x}!"}}'.encode(),
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["record"][field] == f"{before}!"


def test_numbers_beyond_a_double_are_refused_naming_the_field(api: ApiClient) -> None:
    # `1e999` and an integer of 5,000 digits are JSON (RFC 8259 6 sets no limit): an import
    # refuses the record naming the field; the API answered 400 "not valid JSON".
    for value, reason in (("1e999", "got a number (inf)"), ("1" + "0" * 5000, "5,001 digits")):
        body = orjson.dumps(record(reading_time=1)).replace(
            b'"reading_time":1', b'"reading_time":' + value.encode()
        )
        response = api.put(
            "/api/articles/num-1", data=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.get_json()
        (error,) = response.get_json()["errors"]
        assert error["field"] == "reading_time" and reason in error["reason"], error
    not_json = api.put(
        "/api/articles/num-1",
        data=b'{"title": "t", "reading_time": NaN}',
        headers={"Content-Type": "application/json"},
    )
    assert not_json.status_code == 400  # NaN is not JSON at all
