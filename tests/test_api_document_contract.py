"""What the OpenAPI document says a request may hold is what the API takes, and the other way
round (schemathesis's positive and negative checks against the live server found each one):

- a record's `$schema` is text in the document, and `{}` or `[null, null]` was taken (200);
- a merge patch's members were any names in the document, while the API refuses a member that
  is no record field (422): the document now names them (`propertyNames`);
- a refused `language` query value was answered "the query string has parameters this
  operation does not accept", which names no mistake of the client's.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from tests.fixtures.api import ApiClient, openapi, record

_IDS = itertools.count()
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)


def _valid(instance: Any, schema: dict[str, Any]) -> bool:
    resolver_root = {"components": openapi()["components"], **schema}
    validator = jsonschema.Draft202012Validator(resolver_root)
    return validator.is_valid(instance)


@FUZZ
@given(value=JSON_VALUES)
def test_a_records_schema_member_is_taken_only_as_text(api: ApiClient, value: Any) -> None:
    documented = openapi()["components"]["schemas"]["ArticleRecord"]["properties"]["$schema"]
    article_id = f"s-{next(_IDS)}"
    response = api.put(f"/api/articles/{article_id}", json=record(**{"$schema": value}))
    if _valid(value, documented):
        assert response.status_code in (200, 201), response.get_json()
    else:
        assert response.status_code == 422
        assert "$schema" in [error["field"] for error in response.get_json()["errors"]]
        assert api.store.get(article_id) is None


def test_an_imported_records_schema_member_follows_the_same_rule() -> None:
    raw = {"id": "a", "title": "t", "published": "2025-07-30T10:00:00+09:00", "$schema": 5}

    def parse(value: dict[str, Any]) -> None:
        article_from_mapping(value, where="", zone=ZoneInfo("Asia/Seoul"), default_language="ko")

    try:
        parse(raw)
    except InvalidArticle as refused:
        assert refused.field == "$schema"
    else:
        raise AssertionError("a $schema that is not text was taken")
    parse({**raw, "$schema": "https://example.com/record.schema.json"})


_NAMES = st.one_of(
    st.sampled_from(["title", "summary", "x-note", "x-", "X-note", "headline", "titel", "$schema"]),
    st.text(st.sampled_from("abx-_$é"), min_size=1, max_size=6),
)


@FUZZ
@given(name=_NAMES, null=st.booleans())
def test_a_merge_patch_may_name_what_the_document_lists(
    api: ApiClient, name: str, null: bool
) -> None:
    """Null or not: `{"summry": null}` was a 200 that removed nothing (RFC 7396 makes a
    null for an absent member a no-op), where the client meant `summary`."""
    operation = openapi()["paths"]["/api/articles/{article_id}"]["patch"]
    schema = operation["requestBody"]["content"]["application/merge-patch+json"]["schema"]
    values = {"title": "새 제목", "summary": "새 요약", "$schema": "https://example.com/s"}
    patch = {name: None if null and name != "title" else values.get(name, "x")}
    response = api.patch(
        "/api/articles/jul-1",
        data=json.dumps(patch),
        headers={"Content-Type": "application/merge-patch+json"},
    )
    refused = response.status_code == 422 and any(
        error["field"] == name for error in response.get_json()["errors"]
    )
    assert refused == (not _valid(patch, schema)), (name, response.get_json())
    if not _valid(patch, schema):
        assert any(error["field"] == name for error in response.get_json()["errors"])
    elif name in values or name.startswith("x-"):
        assert response.status_code == 200, (name, response.get_json())


def test_a_refused_query_value_is_named_with_what_to_do(api: ApiClient) -> None:
    response = api.get("/api/articles?language=0000")
    body = response.get_json()
    assert response.status_code == 400
    assert "does not accept" not in body["detail"] and "errors" in body["detail"]
    assert body["errors"] == [
        {"field": "language", "reason": "'0000' does not start with a language such as 'ko'"}
    ]
    parameter = next(
        p
        for p in openapi()["paths"]["/api/articles"]["get"]["parameters"]
        if p["name"] == "language"
    )
    assert re.fullmatch(parameter["schema"]["pattern"], "0000") is None
    for tag in ("ko", "en-gb", "en_GB", "zh-Hant-TW", "i-klingon"):
        assert re.fullmatch(parameter["schema"]["pattern"], tag), tag
        assert api.get(f"/api/articles?language={tag}").status_code == 200, tag


_QUERY_NAMES = st.sampled_from(["limit", "status", "section", "language", "foo", "utm_source"])
_QUERY_VALUES = st.sampled_from(["5", "published", "asia", "ko", "x"])


@FUZZ
@given(pairs=st.lists(st.tuples(_QUERY_NAMES, _QUERY_VALUES), min_size=1, max_size=5))
def test_a_refused_query_names_each_parameter_and_what_to_do(
    api: ApiClient, pairs: list[tuple[str, str]]
) -> None:
    """`limit=5&limit=6` was refused as "Input should be a valid integer", an unknown
    parameter as "Extra inputs are not permitted": now the repeated parameter is named with
    how often it was given, the unknown one with the names the operation takes."""
    query = "&".join(f"{name}={value}" for name, value in pairs)
    response = api.get(f"/api/articles?{query}")
    names = [name for name, _value in pairs]
    if response.status_code == 200:
        assert len(set(names)) == len(names) and not {"foo", "utm_source"} & set(names)
        return
    assert response.status_code == 400
    errors = {error["field"]: error["reason"] for error in response.get_json()["errors"]}
    for name in set(names):
        if names.count(name) > 1:
            assert errors[name] == f"given {names.count(name)} times; give it once"
        elif name in ("foo", "utm_source"):
            assert errors[name].startswith("unknown parameter; this operation takes status,")
    assert not {"Input should be a valid integer", "Extra inputs are not permitted"} & set(
        errors.values()
    )


def test_an_empty_filter_is_refused_saying_to_leave_it_out(api: ApiClient) -> None:
    """`?section=` listed no article at all (a filter on the empty slug), where a client
    meant no filter; the document now says minLength 1 for every filter."""
    parameters = openapi()["paths"]["/api/articles"]["get"]["parameters"]
    for name in ("section", "tag", "author", "language", "source"):
        response = api.get(f"/api/articles?{name}=")
        assert response.status_code == 400, name
        (error,) = response.get_json()["errors"]
        assert error["field"] == name and "leave the parameter out" in error["reason"]
        (parameter,) = [p for p in parameters if p["name"] == name]
        assert not jsonschema.Draft202012Validator(parameter["schema"]).is_valid("")
    assert api.get("/api/articles?cursor=").status_code == 200  # the first page, as before


_PATCH_FIELDS = st.sampled_from(
    [
        "slug", "title", "published", "updated", "language", "status", "url", "summary",
        "body_html", "section", "tags", "authors", "image", "related", "source", "media",
        "rights", "reading_time", "translations", "embargoed", "body", "body_markdown",
    ]
)  # fmt: skip
# Values a client may send by mistake: other JSON types, objects with members of the field.
_PATCH_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.lists(st.one_of(st.integers(0, 2), st.text("ab", max_size=2)), max_size=2),
    st.dictionaries(
        st.sampled_from(["label", "slug", "name", "url", "alt", "x"]),
        st.one_of(st.none(), st.integers(0, 2), st.sampled_from(["경제", "https://a.example/i"])),
        max_size=2,
    ),
)


def _names(field: str, errors: list[dict[str, str]]) -> bool:
    return any(
        error["field"] == field or error["field"].startswith((f"{field}.", f"{field}["))
        for error in errors
    )


@FUZZ
@given(field=_PATCH_FIELDS, value=_PATCH_VALUES)
def test_a_merge_patch_member_the_document_takes_is_not_refused_for_its_kind(
    api: ApiClient, field: str, value: Any
) -> None:
    """The document gave a merge patch's members no schema but their names, so
    `{"language": [[true]]}` or `{"tags": 5}` were valid patches by it and refused 422
    (schemathesis, positive data). Each member now has the record field's schema (objects
    merge: any of their members, null for those that may be left out)."""
    operation = openapi()["paths"]["/api/articles/{article_id}"]["patch"]
    schema = operation["requestBody"]["content"]["application/merge-patch+json"]["schema"]
    patch = {field: value}
    # Every object field stored, so an object in the patch merges into one (onto nothing, an
    # image without its url is incomplete: a rule the document cannot state).
    path = f"/api/articles/p-{next(_IDS)}"
    stored = record(image={"url": "https://a.example/i.png"}, source={"name": "AA"})
    assert api.put(path, json=stored).status_code == 201
    response = api.patch(
        path,
        data=json.dumps(patch),
        headers={"Content-Type": "application/merge-patch+json"},
    )
    # Removing `published` leaves an article that needs it (no `embargoed`): a rule between
    # two fields (published or embargoed), which the document states only for the record.
    between_fields = patch == {"published": None}
    if _valid(patch, schema) and not between_fields:
        refused = response.status_code == 422 and _names(field, response.get_json()["errors"])
        assert not refused, (patch, response.get_json()["errors"])


@given(text=st.text(" \t\n\u3000", max_size=3))
@FUZZ
def test_blank_dates_are_refused_by_the_document_as_by_the_api(api: ApiClient, text: str) -> None:
    """`"published": ""` was a valid record by the document and a 422 ("expected a date, got
    empty text"): a date's schema now needs a character that is not white space."""
    schemas = openapi()["components"]["schemas"]["ArticleRecord"]["properties"]
    for field in ("published", "updated", "embargoed"):
        assert not _valid(text, schemas[field]), field
        response = api.put(f"/api/articles/d-{next(_IDS)}", json=record(**{field: text}))
        assert response.status_code == 422
        assert field in [error["field"] for error in response.get_json()["errors"]]


def test_the_language_parameter_takes_only_what_could_be_a_language() -> None:
    """`language=A` (and `abcd`) matched the documented pattern and were refused 400:
    registered languages have 2 or 3 letters (RFC 5646 2.2.1), or are grandfathered `i-`."""
    parameter = next(
        p
        for p in openapi()["paths"]["/api/articles"]["get"]["parameters"]
        if p["name"] == "language"
    )
    pattern = parameter["schema"]["pattern"]
    for refused in ("A", "q", "x", "abcd", "abcdefgh", "i", "x-foo", "ko-", "-ko"):
        assert re.fullmatch(pattern, refused) is None, refused
    for taken in ("ko", "kor", "en-GB", "zh_Hant_TW", "i-klingon", "sgn-BE-FR"):
        assert re.fullmatch(pattern, taken), taken


def test_a_merge_patch_with_two_body_forms_is_invalid_by_the_document_as_by_the_api(
    api: ApiClient,
) -> None:
    """`{"body": "x", "body_markdown": "y"}` was a valid patch by the document and a 422
    ("give only one of body, body_markdown"), as a record with both already was invalid."""
    operation = openapi()["paths"]["/api/articles/{article_id}"]["patch"]
    schema = operation["requestBody"]["content"]["application/merge-patch+json"]["schema"]
    forms = ("body_html", "body", "body_markdown")
    for first, second in itertools.combinations(forms, 2):
        patch = {first: "<p>a</p>", second: "b"}
        assert not _valid(patch, schema), patch
        response = api.patch(
            "/api/articles/jul-1",
            data=json.dumps(patch),
            headers={"Content-Type": "application/merge-patch+json"},
        )
        assert response.status_code == 422, patch
        assert _valid({first: "<p>a</p>", second: None}, schema)
