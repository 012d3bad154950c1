"""Bidirectional controls: every embedding, override and isolate a text opens is closed in it
(UAX #9), so none reorders what a reader shows after a title, a name or a tag."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from zoneinfo import ZoneInfo

import feedparser
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.formats import article_from_mapping
from articles.text import balance_bidi, clean_text
from feeds.writers import render
from tests.fixtures.feeds import make_feed

SEOUL = ZoneInfo("Asia/Seoul")
LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
CONTROLS = LRE + RLE + PDF + LRO + RLO + LRI + RLI + FSI + PDI
_CONTROL = re.compile(f"[{CONTROLS}]")


def balanced(text: str) -> bool:
    """Whether every terminator in `text` closes an initiator and every initiator is closed
    before its paragraph ends (UAX #9 BD9, X6a, X7, X8): a PDF the innermost open embedding or
    override (not one outside an open isolate), a PDI its isolate and what opened inside it."""
    for paragraph in re.split("[\n\r\x85\u2029]", text):
        stack: list[str] = []
        for ch in paragraph:
            if ch in LRE + RLE + LRO + RLO:
                stack.append("embedding")
            elif ch in LRI + RLI + FSI:
                stack.append("isolate")
            elif ch == PDF:
                if not stack or stack[-1] != "embedding":
                    return False
                stack.pop()
            elif ch == PDI:
                if stack[-1:] != ["isolate"]:
                    return False  # nothing to close, or an embedding inside it left open
                stack.pop()
        if stack:
            return False
    return True


TEXTS = st.text(st.sampled_from(["a", "b", "א", "ب", " ", "1", "\n", *CONTROLS]), max_size=24)


@settings(max_examples=1000, deadline=None)
@given(TEXTS)
@example(f"Breaking{RLO} news")  # an RLO left open reversed the feed's title after it
@example(f"{PDF}a{PDI}")
@example(f"{RLE}a{RLI}b{PDF}c")  # a PDF inside an isolate closes nothing outside it
@example(f"{RLI}a{RLE}b{PDI}c")  # a PDI closes the embedding opened inside its isolate
def test_balanced_text_shows_the_same_and_leaks_no_direction(text: str) -> None:
    result = balance_bidi(text)
    assert balanced(result)
    assert _CONTROL.sub("", result) == _CONTROL.sub("", text)  # only controls change
    assert balance_bidi(result) == result
    if balanced(text):
        assert result == text
    # The cleaning every text takes applies it.
    assert balanced(clean_text(text))


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
@settings(max_examples=60, deadline=None)
@given(
    opener=st.sampled_from(LRE + RLE + LRO + RLO + LRI + RLI + FSI),
    stray=st.sampled_from(["", PDF, PDI]),
)
def test_a_title_name_and_tag_reach_every_feed_balanced(fmt: str, opener: str, stray: str) -> None:
    raw = {
        "id": "bidi",
        "title": f"{stray}Breaking: {opener}evil",
        "published": "2025-07-30",
        "authors": [f"Kim {opener}Ji-ho"],
        "tags": [f"{opener}tag{stray}"],
        "section": f"{opener}아시아",
    }
    article = article_from_mapping(raw, where="t", zone=SEOUL, default_language="ko")
    document = render(make_feed([article.with_guid("tag:example.org,2025:bidi")]), fmt)
    if fmt == "json":
        (item,) = json.loads(document)["items"]
        texts = [item["title"], *(a["name"] for a in item["authors"]), *item["tags"]]
    else:
        (entry,) = feedparser.parse(document).entries
        texts = [entry.title, entry.author, *(t.term for t in entry.tags)]
    assert any(opener in t for t in texts)
    assert all(balanced(t) for t in texts), texts


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_a_row_stored_before_the_rule_is_balanced_on_output(fmt: str) -> None:
    """The feed model cleans every text again (its fast check sees the controls' UTF-8)."""
    raw = {"id": "old", "title": "Old", "published": "2025-07-30"}
    article = article_from_mapping(raw, where="t", zone=SEOUL, default_language="ko")
    stored = replace(article, title=f"Old {RLO}row").with_guid("tag:example.org,2025:old")
    document = render(make_feed([stored]), fmt)
    title = (
        json.loads(document)["items"][0]["title"]
        if fmt == "json"
        else feedparser.parse(document).entries[0].title
    )
    assert title == f"Old {RLO}row{PDF}"


@pytest.mark.parametrize("control", [RLO, PDI, RLI + "x" + PDF])
@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_urls_ids_and_bodies_keep_their_controls_on_output(fmt: str, control: str) -> None:
    """URLs, ids and HTML bodies are read without the balancing (`bidi=False`): a URL holds
    the controls only percent-encoded, a body's paragraphs end every embedding. The feed model
    cleans a row again when any text holds a control (here the title), and must clean those
    the same way, or a link would gain a closer or lose a stray terminator: another URL."""
    raw = {
        "id": "links",
        "title": f"Title {RLO}open",
        "published": "2025-07-30",
        "url": f"https://example.org/a{control}b",
        "body_html": f'<p><a href="https://example.org/x{control}y">x</a> {RLO}text</p>',
    }
    article = article_from_mapping(raw, where="t", zone=SEOUL, default_language="ko")
    encoded = "".join(
        c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode()) for c in control
    )
    # Read: the URLs percent-encoded as they were, the body's text as it was.
    assert article.url == f"https://example.org/a{encoded}b"
    assert f'href="https://example.org/x{encoded}y"' in article.body_html
    assert article.body_html.endswith(f"</a> {RLO}text</p>")
    # A row holding the raw controls (as a store written before may) is written the same.
    stored = replace(
        article,
        url=f"https://example.org/a{control}b",
        body_html=f'<p><a href="https://example.org/x{control}y">x</a> {RLO}text</p>',
    ).with_guid(f"tag:example.org,2025:g{encoded}")
    rendered = render(make_feed([stored]), fmt)
    document = rendered.decode() if isinstance(rendered, bytes) else rendered
    assert f"https://example.org/a{encoded}b" in document
    # The body's HTML is cleaned on output, not sanitised again: its link stays as stored.
    assert f"https://example.org/x{control}y" in document
    # No closer added: the paragraph ends the override.
    assert f"{RLO}text</p>" in document.replace("&lt;/p&gt;", "</p>")
