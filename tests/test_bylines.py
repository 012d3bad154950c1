"""Bylines and names: one rule (articles.bylines) for our JSON, Markdown front matter, ninjs
and the API. A list of authors is the people, one per item, as given (`Park, Ji-ho` is one);
one text is a byline, split as ninjs `by` is; every name is without its dateline and role."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.formats import article_from_mapping, article_from_markdown, article_from_ninjs
from articles.model import Article

SEOUL = ZoneInfo("Asia/Seoul")
CASE = "/work/shared/cases/rss-two-authors.json"


def from_json(authors: object) -> Article:
    raw = {"id": "b", "title": "T", "published": "2025-07-30", "authors": authors}
    return article_from_mapping(raw, where="t", zone=SEOUL, default_language="ko")


def from_markdown(authors: object) -> Article:
    front = json.dumps({"id": "b", "title": "T", "published": "2025-07-30", "authors": authors})
    text = f"---\n{front}\n---\nBody.\n"  # JSON is YAML: the value exactly as drawn
    return article_from_markdown(text, where="t.md", zone=SEOUL, default_language="ko")


def from_ninjs(by: str) -> Article:
    raw = {"uri": "urn:b", "type": "text", "headline": "T", "versioncreated": "2025-07-30",
           "by": by}  # fmt: skip
    return article_from_ninjs(raw, where="t", zone=SEOUL, default_language="ko")


def names(article: Article) -> list[str]:
    return [a.name for a in article.authors]


BYLINES = [
    ("Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe with John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe | John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe, with additional reporting by John Roe", ["Jane Doe", "John Roe"]),
    ("By Jane Doe, John Roe, and Jim Poe", ["Jane Doe", "John Roe", "Jim Poe"]),
    ("김철수 기자", ["김철수"]),
    ("김철수 및 이영희 기자", ["김철수", "이영희"]),
    ("김철수 이영희 기자", ["김철수", "이영희"]),
    ("워싱턴=김철수 특파원", ["김철수"]),
    ("记者 张三 李四", ["张三", "李四"]),
    ("新华社记者 张三", ["张三"]),
    ("山田太郎、鈴木花子", ["山田太郎", "鈴木花子"]),
    # One name written family name first, alone or among others.
    ("Park, Ji-ho", ["Park, Ji-ho"]),
    ("Park, Ji-ho, Lee Seo-yeon", ["Park, Ji-ho", "Lee Seo-yeon"]),
    ("Park, Ji-ho and Lee, Seo-yeon", ["Park, Ji-ho", "Lee, Seo-yeon"]),
    ("AP, Reuters", ["AP", "Reuters"]),  # capitals: two agencies, not one name
    ("김 철수 기자", ["김 철수"]),  # a one-syllable part: one name written with a space
    ("조 기자", ["조 기자"]),  # a surname alone: "reporter Jo" is how the byline names them
]


@pytest.mark.parametrize(("byline", "people"), BYLINES)
@pytest.mark.parametrize("read", [from_json, from_markdown, from_ninjs])
def test_a_byline_gives_the_same_people_in_every_format(
    read: Any, byline: str, people: list[str]
) -> None:
    assert names(read(byline)) == people


def test_the_shared_case_keeps_its_two_authors() -> None:
    with open(CASE, encoding="utf-8") as file:
        (raw,) = json.load(file)
    article = article_from_mapping(raw, where="case", zone=SEOUL, default_language="ko")
    assert names(article) == ["Park, Ji-ho", "Lee Seo-yeon"]


_PEOPLE = ["Jane Doe", "Park, Ji-ho", "Lee Seo-yeon", "김철수", "이영희", "张三", "山田太郎",
           "María José García", "John Roe, Jr."]  # fmt: skip
_ROLES = ["", " 기자", " 특파원", " 선임기자"]
_DATELINES = ["", "워싱턴=", "(서울=연합뉴스) "]


@settings(max_examples=200, deadline=None)
@given(
    people=st.lists(st.sampled_from(_PEOPLE), min_size=1, max_size=4, unique=True),
    extras=st.data(),
    read=st.sampled_from([from_json, from_markdown]),
)
def test_a_list_gives_each_item_as_one_person_without_dateline_or_role(
    people: list[str], extras: Any, read: Any
) -> None:
    """An item is never split (`Park, Ji-ho` is one person); a Korean dateline or role word
    beside a Hangul name is dropped, as in a ninjs byline, so one person is one author feed."""
    written = [
        extras.draw(st.sampled_from(_DATELINES)) + p + extras.draw(st.sampled_from(_ROLES))
        if p[0] in "김이"
        else p
        for p in people
    ]
    items = [{"name": w} if extras.draw(st.booleans(), label="as object") else w for w in written]
    assert names(read(items)) == people


_SEPARATORS = [", ", " and ", ", and ", " & ", " / ", "; ", " | ", " with ", "，", "、", " 및 ",
               "\n"]  # fmt: skip
_BYLINE_PEOPLE = ["Jane Doe", "John Roe", "Anderson Cooper", "김철수", "이영희", "张三", "山田太郎"]


@settings(max_examples=200, deadline=None)
@given(
    people=st.lists(st.sampled_from(_BYLINE_PEOPLE), min_size=1, max_size=4, unique=True),
    data=st.data(),
)
def test_one_text_is_a_byline_read_as_ninjs_by_is(people: list[str], data: Any) -> None:
    byline = people[0]
    for name in people[1:]:
        byline += data.draw(st.sampled_from(_SEPARATORS)) + name
    assert names(from_json(byline)) == names(from_ninjs(byline)) == people
