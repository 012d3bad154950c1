"""The API validates records with the import command's validator, reporting every bad field.

Property tests (hypothesis) over records with any mix of good and bad fields: the API
accepts exactly what the import accepts (and builds the same article), and when it refuses,
its list of errors holds the import's error and names only fields that are bad on their own
or the import's own verdict. The id rule for URLs is the record's id rule.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from feeds.api.problems import Problem
from feeds.api.records import RecordRules, check_article_id, record_errors

RULES = RecordRules(zone=ZoneInfo("Asia/Seoul"), default_language="ko")

GOOD: dict[str, list[Any]] = {
    "title": ["제목", "Title"],
    "published": ["2025-07-30T10:00:00+09:00", "2025년 7월 30일", "Wed, 30 Jul 2025 01:00:00 GMT"],
    "updated": ["2025-07-31T10:00:00+09:00"],
    "status": ["published", "draft", "withheld"],
    "language": ["ko", "en-US"],
    "section": [{"slug": "asia", "label": "아시아"}, "아시아"],
    "tags": [[{"slug": "japan", "label": "일본"}], ["일본", "외교"], []],
    "authors": [["TRT 한국어"], [{"name": "Kim", "email": "kim@example.com"}]],
    "url": ["https://example.com/a", "/articles/x"],
    "body_html": ["<p>본문</p>"],
    "body_markdown": ["*본문*"],
    "image": [{"url": "https://example.com/i.png", "alt": "사진"}],
    "reading_time": [3],
    "x-cms": [{"anything": 1}],
}
BAD: dict[str, list[Any]] = {
    "title": ["", None, 5, "x" * 1001],
    "published": ["2025/13/45", 12, "", "tomorrow"],
    "updated": ["2024-01-01T00:00:00Z", "nope"],
    "status": ["gone", 1],
    "language": ["not a tag", 7],
    "section": [5, {"slug": "Bad Slug!"}],
    "tags": [5, [{"slug": "Bad Slug!"}]],
    "authors": [7, [{"name": ""}]],
    "url": ["ftp://x", "no spaces allowed.html x"],
    "body": [5],
    "image": [{"url": "javascript:alert(1)"}],
    "reading_time": [0, "3"],
    "colour": ["red"],
}
FIELDS = sorted(set(GOOD) | set(BAD))


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=8)):
        pool = GOOD.get(name, []) + BAD.get(name, [])
        record[name] = draw(st.sampled_from(pool))
    return record


def _import(raw: dict[str, Any]) -> Any:
    try:
        return article_from_mapping(
            {**raw, "id": "a1"}, where="", zone=RULES.zone, default_language="ko"
        )
    except InvalidArticle as exc:
        return exc


@settings(max_examples=300, deadline=None)
@given(records())
def test_the_api_accepts_exactly_what_the_import_accepts(raw: dict[str, Any]) -> None:
    expected = _import(raw)
    found = record_errors(raw, "a1", RULES)
    if not isinstance(expected, InvalidArticle):
        assert found == expected
        return
    assert isinstance(found, list) and found
    fields = [error["field"] for error in found]
    assert expected.field in fields
    assert {"field": expected.field, "reason": expected.reason} in found
    assert len(found) == len({(e["field"], e["reason"]) for e in found})
    probe = {"title": "t", "published": "1970-01-01T00:00:00Z"}
    good = {
        k: v for k, v in raw.items() if not isinstance(_import({**probe, k: v}), InvalidArticle)
    }
    for field in fields:  # every other field listed is bad on its own or among the good ones
        if field != expected.field:
            top = field.split(".")[0].split("[")[0]
            alone = _import({**probe, top: raw[top]})
            among = _import({**probe, **good, top: raw[top]})
            assert isinstance(alone, InvalidArticle) or isinstance(among, InvalidArticle), field


@given(st.text(max_size=220))
def test_url_ids_follow_the_record_id_rule(article_id: str) -> None:
    try:
        article_from_mapping(
            {"id": article_id, "title": "t", "published": "2025-07-30"},
            where="",
            zone=RULES.zone,
            default_language="ko",
        )
        valid = True
    except InvalidArticle as exc:
        valid = exc.field != "id"
    if valid:
        check_article_id(article_id)
    else:
        with pytest.raises(Problem) as raised:
            check_article_id(article_id)
        assert raised.value.status == 404
