"""Bylines and names: one rule (articles.bylines) for our JSON, Markdown front matter, ninjs
and the API. A list of authors is the people, one per item, as given (`Park, Ji-ho` is one);
one text is a byline, split as ninjs `by` is; every name is without its dateline and role."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.bylines import is_agency
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
    # Words read two ways (articles.bylines' rules): `&` inside a word or an organisation's
    # name, a "by" word that is a name's particle, a comma that lists credits.
    ("AT&T Newsroom", ["AT&T Newsroom"]),
    ("Johnson & Johnson Staff", ["Johnson & Johnson Staff"]),
    ("Kim & Lee", ["Kim", "Lee"]),
    ("Von Braun", ["Von Braun"]),
    ("Von der Leyen", ["Von der Leyen"]),
    ("Reuters, Bloomberg", ["Reuters", "Bloomberg"]),
    ("Doe, J.", ["Doe, J."]),
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


# Capitalised Latin words that are none of the words a byline reads otherwise (conjunctions,
# "by" words, job titles, group words, name suffixes, agencies).
_NOT_NAMES = re.compile(
    r"(?i)with|door|staff|writers?|reporters?|correspondents?|editors?|photographers?"
    r"|contributors?|newsroom|newsdesk|desk|team|bureau|office|press|communications"
)
_WORD = st.from_regex(r"[A-Z][a-z]{3,9}", fullmatch=True).filter(
    lambda w: not _NOT_NAMES.match(w) and not is_agency(w)  # `Ansa`, `Lusa`: credits
)
_TWO_WORDS = st.lists(_WORD, min_size=2, max_size=2, unique_by=str.casefold)
_OTHERS = st.lists(
    st.sampled_from(["Jane Doe", "John Roe", "김철수", "张三"]), max_size=2, unique=True
)
_SEPARATOR = st.sampled_from([", ", " and ", " & ", "; ", " / "])


def _byline(first: str, others: list[str], data: Any) -> str:
    return first + "".join(data.draw(_SEPARATOR) + other for other in others)


def _both(byline: str) -> list[str]:
    """The names of a byline, the same read as our `authors` text and as ninjs `by`."""
    ours, theirs = names(from_json(byline)), names(from_ninjs(byline))
    assert ours == theirs, byline
    return ours


@settings(max_examples=150, deadline=None)
@given(
    # Not a character reference HTML decodes (`A&LT` reads as `A<`, `&amp`): a byline is
    # text whose HTML reading is what readers see, so such a word is no `AT&T`.
    word=st.from_regex(r"[A-Z][A-Za-z0-9]{0,3}&[A-Za-z0-9]{1,4}", fullmatch=True).filter(
        lambda w: html.unescape(w) == w
    ),
    rest=st.sampled_from(["", " Newsroom", " Global", " Group"]),
    others=_OTHERS,
    data=st.data(),
)
def test_an_ampersand_inside_a_latin_word_is_part_of_that_word(
    word: str, rest: str, others: list[str], data: Any
) -> None:
    """`AT&T` is one word of a name, wherever it stands; the `&` between names still splits."""
    people = [word + rest, *others]
    assert _both(_byline(people[0], others, data)) == people


@settings(max_examples=150, deadline=None)
@given(
    company=_TWO_WORDS,
    group=st.sampled_from(["Staff", "Newsroom", "Desk", "Team", "Press Office", "Newsdesk"]),
    others=_OTHERS,
    data=st.data(),
)
def test_an_ampersand_in_an_organisations_name_before_its_group_word_is_one_credit(
    company: list[str], group: str, others: list[str], data: Any
) -> None:
    """`Johnson & Johnson Staff` is one credit; `Kim & Lee` (no group word) two people."""
    credit = f"{company[0]} & {company[1]} {group}"
    assert _both(_byline(credit, others, data)) == [credit, *others]
    assert _both(f"{company[0]} & {company[1]}") == list(company)


@settings(max_examples=150, deadline=None)
@given(
    particle=st.sampled_from(["Von", "von", "VON", "Di", "di", "Af", "af"]),
    family=st.one_of(_WORD, st.tuples(st.sampled_from(["der", "dem", "la"]), _WORD).map(" ".join)),
    given_name=_WORD,
    others=_OTHERS,
    data=st.data(),
)
def test_a_by_word_that_is_a_names_particle_is_the_by_only_before_a_whole_name(
    particle: str, family: str, given_name: str, others: list[str], data: Any
) -> None:
    """`Von Braun`, `Di Maio`, `von der Leyen`: the particle is part of the name; before a
    whole name (`Von Christian Hollmann`) it is the byline's "by", as `By` always is."""
    name = f"{particle} {family}"
    assert _both(_byline(name, others, data)) == [name, *others]
    whole = f"{given_name} {family}"
    for by in (particle, "By", "Av"):
        assert _both(_byline(f"{by} {whole}", others, data)) == [whole, *others]


_GIVEN_FORMS = st.one_of(
    st.from_regex(r"[A-Z][a-z]{1,5}-[A-Za-z][a-z]{1,5}", fullmatch=True),
    st.from_regex(r"(?:[A-Z]\.){1,3}", fullmatch=True),
)


@settings(max_examples=150, deadline=None)
@given(family=_WORD, given_name=_GIVEN_FORMS, others=_OTHERS, data=st.data())
def test_a_comma_before_a_given_names_form_is_a_name_written_family_name_first(
    family: str, given_name: str, others: list[str], data: Any
) -> None:
    """`Park, Ji-ho`, `Doe, J.`: one person, family name first."""
    name = f"{family}, {given_name}"
    assert _both(_byline(name, others, data)) == [name, *others]


@settings(max_examples=150, deadline=None)
@given(credits=_TWO_WORDS, others=_OTHERS, data=st.data())
def test_a_comma_between_two_plain_words_lists_two_credits(
    credits: list[str], others: list[str], data: Any
) -> None:
    """`Reuters, Bloomberg`: two credits, as bylines list them."""
    assert _both(_byline(", ".join(credits), others, data)) == [*credits, *others]
