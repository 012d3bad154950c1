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
