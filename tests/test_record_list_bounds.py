"""Every list field of a record is bounded, like its texts: 100 items at most.

Each tag and author is a feed of its own, listed in the index and OPML and announced to the
WebSub hub in three formats; a list past the bound is refused naming the field and the count,
by the import and by the API alike (found: one `PUT` with 5,000 tags was accepted, made
5,000 feeds, 15,000 hub pings, and a 2.3 MB index page). The published JSON Schema says the
same (`maxItems`).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from articles.formats.record import MAX_LIST_ITEMS
from articles.schema import record_json_schema
from tests.fixtures.api import ApiClient, record

SEOUL = ZoneInfo("Asia/Seoul")
ITEMS: dict[str, Any] = {
    "tags": lambda i: {"slug": f"t{i}", "label": f"태그 {i}"},
    "authors": lambda i: f"기자 {i}",
    "related": lambda i: f"https://example.com/r/{i}",
    "translations": lambda i: f"other-{i}",
    "media": lambda i: {
        "url": f"https://cdn.example.com/{i}.jpg",
        "type": "image/jpeg",
        "length": 1000,
    },
}


def _read(field: str, count: int) -> Any:
    raw = {
        "id": "a1",
        "title": "제목",
        "published": "2025-07-30T10:00:00+09:00",
        field: [ITEMS[field](i) for i in range(count)],
    }
    try:
        return article_from_mapping(
            raw, where="x.json: record 1", zone=SEOUL, default_language="ko"
        )
    except InvalidArticle as exc:
        return exc


@settings(max_examples=40, deadline=None)
@given(field=st.sampled_from(sorted(ITEMS)), count=st.integers(0, MAX_LIST_ITEMS + 50))
def test_a_list_is_refused_past_the_bound_and_read_up_to_it(field: str, count: int) -> None:
    outcome = _read(field, count)
    if count > MAX_LIST_ITEMS:
        assert isinstance(outcome, InvalidArticle)
        assert outcome.field == field
        assert f"{count:,} items" in outcome.reason and str(MAX_LIST_ITEMS) in outcome.reason
    else:
        assert not isinstance(outcome, InvalidArticle), outcome


def test_the_schema_bounds_every_list() -> None:
    schema = record_json_schema()
    for field in ITEMS:
        described = schema["properties"][field]
        kinds = described.get("type")
        is_array = kinds == "array" or (isinstance(kinds, list) and "array" in kinds)
        arrays = [described] if is_array else described.get("anyOf", [])
        assert any(a.get("maxItems") == MAX_LIST_ITEMS for a in arrays), (field, described)


@pytest.mark.parametrize("count", [MAX_LIST_ITEMS, 5000])
def test_the_found_request(api: ApiClient, count: int) -> None:
    tags = [{"slug": f"t{i}", "label": f"T{i}"} for i in range(count)]
    response = api.put("/api/articles/many-tags", json=record(tags=tags))
    if count > MAX_LIST_ITEMS:
        assert response.status_code == 422
        assert response.get_json()["errors"] == [
            {"field": "tags", "reason": f"{count:,} items; at most {MAX_LIST_ITEMS} are allowed"}
        ]
        assert api.get("/api/articles/many-tags").status_code == 404
    else:
        assert response.status_code == 201
