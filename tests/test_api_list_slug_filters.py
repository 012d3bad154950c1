"""The list's facet filters (`section`, `tag`, `author`, `source`) take a slug.

A value no slug can be (`Not A Slug`, `아시아`, `a.b`) used to list nothing, as if the filter
were right and no article matched; it is a 400 naming the parameter and the rule. Capitals
are read as lower case, as records' slugs and feed URLs are (`Asia` lists `asia`).
"""

from __future__ import annotations

import re

import jsonschema
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from articles.formats.values import facet_slug
from tests.fixtures.api import ApiClient, openapi

FILTERS = ("section", "tag", "author", "source")
SLUG = re.compile(r"^[a-z0-9]([a-z0-9_-]{0,98}[a-z0-9])?$")


def _ids(api: ApiClient, query: str) -> list[str]:
    response = api.get(f"/api/articles?{query}", token="read")
    assert response.status_code == 200, response.get_json()
    return [a["id"] for a in response.get_json()["articles"]]


@given(name=st.sampled_from(FILTERS), value=st.text(min_size=1, max_size=40))
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_value_no_slug_can_be_is_a_400_naming_the_filter(
    api: ApiClient, name: str, value: str
) -> None:
    assume(facet_slug(value) is None and "\x00" not in value)
    response = api.get("/api/articles", query_string={name: value}, token="read")
    assert response.status_code == 400, value
    (error,) = response.get_json()["errors"]
    assert error["field"] == name and "slug" in error["reason"], error
    parameters = openapi()["paths"]["/api/articles"]["get"]["parameters"]
    (parameter,) = [p for p in parameters if p["name"] == name]
    if len(value) <= 200:  # the document says the same of it
        assert not jsonschema.Draft202012Validator(parameter["schema"]).is_valid(value)


@given(
    name=st.sampled_from(FILTERS),
    value=st.sampled_from(["asia", "world", "japan", "aa", "trt-korean", "nowhere", "x_1"]),
    mask=st.lists(st.booleans(), min_size=1, max_size=12),
)
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_capitals_list_what_the_slug_lists(
    api: ApiClient, name: str, value: str, mask: list[bool]
) -> None:
    padded = (mask + [False] * len(value))[: len(value)]
    written = "".join(c.upper() if up else c for c, up in zip(value, padded, strict=True))
    assert SLUG.fullmatch(value)
    assert _ids(api, f"{name}={written}") == _ids(api, f"{name}={value}")


def test_the_examples(api: ApiClient) -> None:
    assert _ids(api, "section=Asia") == _ids(api, "section=asia") != []
    for value in ("Not A Slug", "아시아", "a.b", "-asia", "asia-"):
        response = api.get("/api/articles", query_string={"section": value}, token="read")
        assert response.status_code == 400, value
    assert _ids(api, "section=nowhere") == []  # a slug no article has: an empty list
