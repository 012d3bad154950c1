"""Hostile and arbitrary input: an Article or an InvalidArticle, never another exception."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import (
    RECORD_FIELDS,
    ParsedRecord,
    article_from_mapping,
    article_from_ninjs,
    read_records,
)
from articles.model import Article
from articles.text import clean_text

SEOUL = ZoneInfo("Asia/Seoul")

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
# Mostly real field names, so the values reach the field checks rather than the key check.
field_names = st.sampled_from(RECORD_FIELDS) | st.text(max_size=8)
nearly_valid = st.fixed_dictionaries(
    {"id": st.just("a1"), "title": st.just("t"), "published": st.just("2025-07-30")}
).flatmap(
    lambda base: st.dictionaries(st.sampled_from(RECORD_FIELDS), json_values, max_size=5).map(
        lambda extra: {**base, **extra}
    )
)


def _check_article_or_invalid(raw: Any) -> None:
    try:
        article = article_from_mapping(raw, where="fuzz", zone=SEOUL, default_language="ko")
    except InvalidArticle as exc:
        assert exc.where == "fuzz"
        assert exc.reason
        return
    for value in (article.id, article.title, article.summary, article.body_html):
        assert clean_text(value) == value  # nothing XML cannot carry gets through
    assert article.published.tzinfo is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(field_names, json_values, max_size=8) | json_values)
def test_arbitrary_json_gives_an_article_or_invalid_article(raw: Any) -> None:
    _check_article_or_invalid(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nearly_valid)
def test_valid_records_with_arbitrary_extra_values_give_an_article_or_invalid_article(
    raw: dict[str, Any],
) -> None:
    _check_article_or_invalid(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(
            ["uri", "headline", "headlines", "versioncreated", "bodies", "body_html", "by",
             "subjects", "genres", "associations", "pubstatus", "embargoed", "descriptions",
             "language", "type", "copyrightholder", "people", "keywords"]
        ),
        json_values,
        max_size=8,
    )
)  # fmt: skip
def test_arbitrary_ninjs_gives_an_article_or_invalid_article(raw: dict[str, Any]) -> None:
    try:
        article_from_ninjs(raw, where="fuzz", zone=SEOUL, default_language="ko")
    except InvalidArticle as exc:
        assert exc.where == "fuzz"


def test_hostile_records_give_clean_articles_or_clear_errors(
    hostile_articles: list[dict[str, Any]],
) -> None:
    articles: dict[str, Article] = {}
    errors: dict[str, str] = {}
    for raw in hostile_articles:
        try:
            article = article_from_mapping(raw, where="h", zone=SEOUL, default_language="ko")
        except InvalidArticle as exc:
            errors[raw["id"]] = str(exc)
            continue
        articles[raw["id"]] = article
        for value in (article.title, article.summary, article.body_html):
            assert clean_text(value) == value
        assert "<script" not in article.body_html and "javascript:" not in article.body_html
    assert articles["ctl"].title == "bell and null and escape"
    assert articles["surrogate"].title == "lone surrogate"
    assert "]]&gt;" in articles["cdata"].body_html
    assert articles["escaped"].title == "Tom &amp; Jerry &lt;b&gt;"  # text, kept literally
    assert "&amp;amp;" in articles["escaped"].body_html
    assert "\u202e" in articles["rtl"].title  # legal in XML, so kept
    assert articles["emoji"].title.startswith("👩🏽")
    assert errors == {
        "huge": "h: body_html: 5,242,887 characters; at most 1,000,000 are allowed",
        "\x00": "h: id: '\\x00' contains white space or control characters",
        "wrong-types": "h: title: expected text, got a list",
    }


# --------------------------------------------------------------------------- one rule, every format


def _in_every_format(tmp_path: Path, title: str, body: str) -> dict[str, ParsedRecord]:
    """The same record as our JSON, JSON Lines, Markdown and ninjs 2.x and 3.x, read back."""
    record = {"id": "a1", "title": title, "published": "2025-07-30", "body": body}
    ninjs2 = {"uri": "a1", "versioncreated": "2025-07-30", "headlines": [{"value": title}],
              "bodies": [{"contenttype": "text/plain", "value": body}]}  # fmt: skip
    ninjs3 = {"uri": "a1", "versionCreated": "2025-07-30", "headlines": [{"value": title}],
              "bodies": [{"contentType": "text/plain", "value": body}]}  # fmt: skip
    files = {
        "record.json": json.dumps(record),
        "record.jsonl": json.dumps(record) + "\n",
        "ninjs2.json": json.dumps(ninjs2),
        "ninjs3.json": json.dumps(ninjs3),
        "record.md": f"---\nid: a1\ntitle: {json.dumps(title)}\npublished: 2025-07-30\n---\n"
        + body,
    }
    results = {}
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        (results[name],) = read_records(path, zone=SEOUL, default_language="ko")
    return results


def test_nul_is_removed_alike_in_every_format(tmp_path: Path) -> None:
    results = _in_every_format(tmp_path, "a\x00b\x1fc", "x\x00y")
    for name, result in results.items():
        assert result.article is not None, (name, result.error)
        assert result.article.title == "abc", name
        assert result.article.body_html == "<p>xy</p>", name
        assert "\ufffd" not in result.article.body_html, name  # Markdown's replacement for NUL


@pytest.mark.parametrize("title", ["\u200b", "\ufeff", "\u200d\u200c", " \u2060 \u3164"])
def test_a_title_of_only_invisible_characters_is_missing_in_every_format(
    tmp_path: Path, title: str
) -> None:
    results = _in_every_format(tmp_path, title, "body")
    for name, result in results.items():
        assert result.error is not None, name
        assert result.error.field.startswith("title"), name
        assert "shows nothing" in result.error.reason, name


@given(st.lists(st.sampled_from(["\u200b", "\u200d", "\ufeff", " ", "\u2060", "\t"]), min_size=1))
def test_every_required_text_of_invisible_characters_counts_as_missing(parts: list[str]) -> None:
    blank = "".join(parts)
    for field, raw in [
        ("title", {"title": blank}),
        ("section", {"section": blank}),
        ("authors[0]", {"authors": [blank]}),
        ("authors[0].name", {"authors": [{"name": blank}]}),
        ("source.name", {"source": {"name": blank}}),
    ]:
        with pytest.raises(InvalidArticle) as caught:
            article_from_mapping(
                {"id": "a1", "title": "t", "published": "2025-07-30"} | raw,
                where="t",
                zone=SEOUL,
                default_language="ko",
            )
        assert caught.value.field == field
