"""The API's list of a record's errors names only what the client sent wrong.

`record_errors` validates each field on its own to list every bad field. A field is listed
only when it fails among the record's own values: a record the import accepts, with one
field made bad, gets exactly that field's error, the import's reason, never a comparison
with a value the client did not send (found: an embargoed record without `published`, or
one published before 1970, was told its `embargoed` or `updated` differs from a
`published` of 1970-01-01, the validator's stand-in). In a batch, an entry that is not a
JSON object is named as such (it was told its `id` is required), and a field beside
`articles` by its own name.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from articles.model import Article
from feeds.api.records import RecordRules, not_a_record, record_errors
from tests import strategies
from tests.fixtures.api import ApiClient, record

RULES = RecordRules(zone=ZoneInfo("Asia/Seoul"), default_language="ko")
# One bad value per field kind: a range, a name, a choice, a syntax, a link.
BAD_FIELDS = st.sampled_from(
    [
        ("reading_time", 0),
        ("colour", "red"),
        ("status", "gone"),
        ("language", "not a tag"),
        ("url", "ftp://example.com/x"),
        ("tags", [{"slug": "Bad Slug!"}]),
    ]
)


def _import(raw: dict[str, Any]) -> Article | InvalidArticle:
    try:
        return article_from_mapping(raw, where="", zone=RULES.zone, default_language="ko")
    except InvalidArticle as exc:
        return exc


def _only_error(raw: dict[str, Any]) -> dict[str, str]:
    """The import's one error for `raw`, which must be about `reading_time`."""
    expected = _import(raw)
    assert isinstance(expected, InvalidArticle) and expected.field == "reading_time"
    return {"field": expected.field, "reason": expected.reason}


def _errors_of(raw: dict[str, Any]) -> list[dict[str, str]]:
    # The URL's id as the API reads it (NFC, like every record id).
    found = record_errors(raw, unicodedata.normalize("NFC", str(raw["id"])), RULES)
    assert isinstance(found, list), "a record with a bad field was accepted"
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(record=strategies.records(), bad=BAD_FIELDS)
def test_one_bad_field_in_a_good_record_is_the_only_error(
    record: dict[str, Any], bad: tuple[str, Any]
) -> None:
    good = _import(record)
    if isinstance(good, InvalidArticle):
        return  # the property is about records the import accepts
    name, value = bad
    raw = {**record, name: value}
    expected = _import(raw)
    assert isinstance(expected, InvalidArticle)
    assert _errors_of(raw) == [{"field": expected.field, "reason": expected.reason}]


def test_an_embargo_without_published_is_not_compared_with_a_stand_in() -> None:
    raw = {
        "id": "secret-1",
        "title": "Merger",
        "embargoed": "2030-07-30T10:00:00+09:00",
        "updated": "2025-07-31T10:00:00+09:00",
        "reading_time": -5,
    }
    assert _errors_of(raw) == [_only_error(raw)]


def test_a_story_from_before_1970_is_not_compared_with_a_stand_in() -> None:
    raw = {
        "id": "old-1",
        "title": "Armistice",
        "published": "1953-07-27T10:00:00+09:00",
        "updated": "1960-07-31T10:00:00+09:00",
        "reading_time": -5,
    }
    assert _errors_of(raw) == [_only_error(raw)]


def test_a_real_rule_between_fields_is_still_listed() -> None:
    raw = {
        "id": "a1",
        "title": "t",
        "published": "2025-07-30T10:00:00+09:00",
        "updated": "2025-07-01T10:00:00+09:00",
        "reading_time": -5,
    }
    fields = {error["field"] for error in _errors_of(raw)}
    assert fields == {"updated", "reading_time"}


not_objects = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=not_objects, before=st.integers(0, 2))
def test_a_batch_entry_that_is_not_a_record_is_named_as_such(
    api: ApiClient, value: Any, before: int
) -> None:
    good = [record(id=f"ok-{i}") for i in range(before)]
    response = api.post("/api/articles/batch", json={"articles": [*good, value]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": f"articles[{before}]", "reason": not_a_record(value)}
    ]
    assert "JSON object" in not_a_record(value)


def test_an_unknown_field_beside_the_batch_is_named(api: ApiClient) -> None:
    response = api.post("/api/articles/batch", json={"articles": [record(id="x1")], "extra": 1})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["extra"]


# One bad value per member of a media item; the others stay good.
BAD_MEDIA_MEMBERS = {
    "url": "ftp://cdn.example.org/a.mp3",
    "length": -5,
    "type": "not a type",
    "duration": -3,
    "title": 7,
}
GOOD_MEDIA = {"url": "https://cdn.example.org/a.mp3", "length": 100, "type": "audio/mpeg"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.lists(
        st.sets(st.sampled_from(sorted(BAD_MEDIA_MEMBERS)), max_size=len(BAD_MEDIA_MEMBERS)),
        min_size=1,
        max_size=3,
    ),
    bad_author=st.booleans(),
    missing=st.lists(st.sets(st.sampled_from(sorted(GOOD_MEDIA))), min_size=3, max_size=3),
)
def test_every_member_in_error_of_every_item_is_listed(
    items: list[set[str]], bad_author: bool, missing: list[set[str]]
) -> None:
    """docs/api.md: every field in error is listed. `length: -5, duration: -3` in one media
    item is two errors, not only `length`; a required member left out (`type`) is listed
    beside the bad ones after it (`duration: "5분"` was not)."""
    media = [{**GOOD_MEDIA, **{m: BAD_MEDIA_MEMBERS[m] for m in bad}} for bad in items]
    for item, left_out in zip(media, missing, strict=False):
        for member in left_out:
            item.pop(member)
    raw = {**record(), "media": media}
    if bad_author:
        raw["authors"] = ["Kim", {"name": "Lee", "email": "not an address"}, 3]
    errors = record_errors(raw, "a1", RULES)
    listed = {e["field"] for e in errors} if isinstance(errors, list) else set()
    expected = {f"media[{i}].{m}" for i, bad in enumerate(items) for m in bad} | {
        f"media[{i}].{m}" for i, left_out in enumerate(missing[: len(items)]) for m in left_out
    }
    if bad_author:
        expected |= {"authors[1].email", "authors[2]"}
    assert listed == expected, errors
