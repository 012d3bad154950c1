"""A value quoted in an XML CDATA section (`<![CDATA[...]]>`, as RSS and NITF carry HTML and
text, copied into a record with its quotes) is its content, in every text field and body.

HTML reads a CDATA section as a bogus comment: a body wrapped in one came out mangled
(`Hello <b>world</b><p></p>]]&gt;`), a `rights` or caption in one was dropped in silence, a
tag or source in one was refused as empty, a title kept the quotes."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping, article_from_ninjs
from articles.model import Article

SEOUL = ZoneInfo("Asia/Seoul")
TEXTS = st.sampled_from(
    ["Seoul talks", "AT&T", "x < y", "<b>Kim</b>", "Union says offer is <unacceptable> & walks out",
     "외교", "共同通信", "© 2025 AA", "<p>Hello <b>world</b></p>", "<p>one</p><p>two</p>"]
) | st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=30).filter(
    lambda text: "]]>" not in text
)  # fmt: skip


def _set(record: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    if field == "tags":
        return {**record, "tags": [value]}
    if field == "caption":
        return {**record, "image": {"url": "https://example.com/a.jpg", "caption": value}}
    return {**record, field: value}


def _read(record: dict[str, Any]) -> Article | str:
    try:
        return article_from_mapping(record, where="c.json", zone=SEOUL, default_language="ko")
    except InvalidArticle as exc:
        return exc.reason if hasattr(exc, "reason") else "refused"


@given(
    field=st.sampled_from(["title", "summary", "rights", "tags", "source", "caption", "body_html"]),
    value=TEXTS,
)
@example(field="body_html", value="<p>Hello <b>world</b></p>")
@example(field="rights", value="© 2025 AA")
@example(field="title", value="Seoul talks")
def test_a_value_in_a_cdata_section_is_read_as_its_content(field: str, value: str) -> None:
    record = {"id": "c1", "title": "T", "published": "2025-07-30T09:00:00+09:00"}
    plain = _read(_set(record, field, value))
    quoted = _read(_set(record, field, f"<![CDATA[{value}]]>"))
    if isinstance(plain, Article):
        assert quoted == plain
    else:
        assert not isinstance(quoted, Article)


def test_a_ninjs_headline_and_body_in_cdata_sections() -> None:
    item = {
        "uri": "urn:example:1", "type": "text", "versioncreated": "2025-07-30T09:00:00+09:00",
        "headlines": [{"role": "main", "value": "<![CDATA[Militärövning i jätteformat]]>"}],
        "body_html": "<![CDATA[<p>Pandemin satte stopp &amp; mer.</p>]]>",
    }  # fmt: skip
    article = article_from_ninjs(item, where="n.json", zone=SEOUL, default_language="sv")
    assert article.title == "Militärövning i jätteformat"
    assert article.body_html == "<p>Pandemin satte stopp &amp; mer.</p>"


@pytest.mark.parametrize("value", ["<![CDATA[open", "a <![CDATA[ b"])
def test_an_unterminated_cdata_section_is_not_unwrapped(value: str) -> None:
    from articles.text import unwrap_cdata

    assert unwrap_cdata(value) == value
