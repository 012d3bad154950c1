"""Markdown records: YAML front matter for the fields, CommonMark for the body."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_markdown
from articles.model import Article, Section

SEOUL = ZoneInfo("Asia/Seoul")

STORY = """\
---
id: md-1
title: 조 외교부 장관, 도쿄 방문
published: 2025-07-30 09:00
section: 아시아
tags: [외교, 일본]
source: 출처:AA
reading_time: 4
---
조 장관은 **화요일** 도쿄에서 [회담](../articles/other)을 가졌다.

> "실용적인" 외교

| a | b |
|---|---|
| 1 | 2 |

<script>alert(1)</script>
"""


def parse(text: str) -> Article:
    return article_from_markdown(text, where="story.md", zone=SEOUL, default_language="ko")


def test_front_matter_fields_and_markdown_body_become_an_article() -> None:
    article = parse(STORY)
    assert article.id == "md-1"
    assert article.title == "조 외교부 장관, 도쿄 방문"
    assert article.published.isoformat() == "2025-07-30T09:00:00+09:00"
    assert article.section == Section(slug="asia", label="아시아")
    assert [t.label for t in article.tags] == ["외교", "일본"]
    assert article.source is not None and article.source.name == "AA"
    assert article.reading_time == 4
    assert "<strong>화요일</strong>" in article.body_html
    assert '<a href="/articles/other" rel="noopener noreferrer">회담</a>' in article.body_html
    assert "<blockquote>" in article.body_html
    assert "<td>1</td>" in article.body_html


def test_raw_html_in_markdown_is_shown_as_text_not_run() -> None:
    body = parse(STORY).body_html
    assert "<script>" not in body
    assert "&lt;script&gt;" in body


def test_yaml_dates_follow_the_record_date_rules() -> None:
    article = parse(
        "---\nid: a\ntitle: t\npublished: 2025-07-30\nupdated: 2025-07-31T00:00:00Z\n---\n"
    )
    assert article.published.isoformat() == "2025-07-30T00:00:00+09:00"
    assert article.updated.isoformat() == "2025-07-31T00:00:00+00:00"
    naive = parse("---\nid: a\ntitle: t\npublished: 2025-07-30T09:00:00\n---\n")
    assert naive.published.isoformat() == "2025-07-30T09:00:00+09:00"  # site zone, not UTC
    assert article.body_html == ""


def test_front_matter_body_is_allowed_when_the_markdown_part_is_empty() -> None:
    article = parse("---\nid: a\ntitle: t\npublished: 2025-07-30\nbody: [one, two]\n---\n\n")
    assert article.body_html == "<p>one</p><p>two</p>"


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("no front matter", "", "no YAML front matter"),
        ('+++\nid = "a"\ntitle = "t"\n+++\nBody\n', "front matter", "TOML front matter"),
        ('+++\r\nid = "a"\r\n+++\r\n', "front matter", "write the fields as YAML"),
        ("---\nid: a\ntitle: [unclosed\n---\n", "front matter", "not valid YAML"),
        ("---\n- a\n- b\n---\n", "front matter", "expected fields, got a list"),
        ("---\nid: a\ntitle: t\npublished: 2025-13-45\n---\n", "published", "cannot read"),
        ("---\nid: a\ntitle: t\npublished: 2025-07-30\nbody_html: <p>x</p>\n---\nMore\n",
         "body_html", "give one or the other"),
        ("---\nid: a\ntitle: t\npublished: 2025-07-30\n1: x\n---\n", "",
         "field names must be text"),
    ],
)  # fmt: skip
def test_bad_markdown_records_name_the_file_and_field(text: str, field: str, reason: str) -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse(text)
    assert caught.value.where == "story.md"
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_yaml_error_message_gives_the_line_in_the_file() -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse("---\nid: a\ntitle: t\n  bad: indent\n---\n")
    assert "line 4" in caught.value.reason


@pytest.mark.parametrize(
    "text",
    [
        "---\nid: nofm\ntitle: x\npublished: 2025-07-30\n",
        "---\r\nid: a\r\ntitle: t\r\npublished: 2025-07-30\r\n\r\nThe body.\r\n",
        "---  \nid: a\ntitle: t\n----\nbody after four dashes\n",
        "\ufeff---\nid: a\n -- -\n",
        "---\n",
        "---",
    ],
)
def test_front_matter_left_open_is_named_as_such(text: str) -> None:
    # It used to say "no YAML front matter" of a file whose first line opens one.
    with pytest.raises(InvalidArticle) as caught:
        parse(text)
    assert caught.value.field == "front matter"
    assert "no closing '---' line" in caught.value.reason
    assert "no YAML front matter" not in caught.value.reason


@given(
    st.lists(
        st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n")).filter(
            lambda line: line.rstrip(" \t") not in ("---", "...")
        ),
        max_size=6,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
def test_an_opening_line_without_a_closing_one_is_always_reported_open(
    lines: list[str], newline: str
) -> None:
    text = newline.join(["---", *lines]) + newline
    with pytest.raises(InvalidArticle) as caught:
        parse(text)
    assert "no closing '---' line" in caught.value.reason
