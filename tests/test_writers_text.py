"""What readers see: plain text (titles, summaries) shows as written in every format, and
every byline is its own author. Readers parse with feedparser; JSON Feed's plain-text fields
are read as they are (feedparser 6 does not read JSON Feed)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.model import Author, Media
from feeds.writers import render
from feeds.writers.base import reads_as_markup
from tests.fixtures.feeds import make_feed, normalised, seed_article, shown

DC = "{http://purl.org/dc/elements/1.1/}"
SENTENCE = "Union says offer is <unacceptable> & walks out."


def strike() -> object:
    """cases/rss-plain-text-summary.json as an Article."""
    return replace(
        seed_article(),
        id="desc-lt-1",
        guid="tag:feeds.example.org,2025:article/desc-lt-1",
        title="Port strike talks resume",
        summary=SENTENCE,
        image=None,
    )


def test_plain_text_summary_with_markup_characters_reads_as_written_in_rss() -> None:
    document = render(make_feed([strike()]), "rss")  # type: ignore[list-item]
    assert (
        b"<description>Union says offer is &#x26;lt;unacceptable&#x26;gt; &#x26;amp; walks out."
        b"</description>" in document
    )
    entry = feedparser.parse(document).entries[0]
    assert entry.summary_detail.type == "text/html"
    assert shown(entry.summary_detail) == SENTENCE


def test_plain_text_summary_with_markup_characters_reads_as_written_in_atom_and_json() -> None:
    feed = make_feed([strike()])  # type: ignore[list-item]
    entry = feedparser.parse(render(feed, "atom")).entries[0]
    assert shown(entry.summary_detail) == SENTENCE
    assert json.loads(render(feed, "json"))["items"][0]["summary"] == SENTENCE


def test_channel_description_is_html_showing_the_site_description() -> None:
    feed = replace(make_feed([]), subtitle="News & <views>")
    channel = etree.fromstring(render(feed, "rss")).find("channel")
    assert channel.findtext("description") == "News &amp; &lt;views&gt;"
    assert shown(feedparser.parse(render(feed, "rss")).feed.subtitle_detail) == "News & <views>"
    assert shown(feedparser.parse(render(feed, "atom")).feed.subtitle_detail) == "News & <views>"


def test_reads_as_markup_only_when_html_would_show_something_else() -> None:
    for text in ("AT&T", "A < B", "I <3 N.Y.", "Bill & Ted", "R&D; 5 > 3", "&;", "a &  b"):
        assert not reads_as_markup(text), text
    for text in ("<b>x</b>", "</p>", "a <br", "AT&amp;T", "&lt;", "&copy 2025", "&#38;", "<!--"):
        assert reads_as_markup(text), text


FRAGMENTS = st.sampled_from(
    [
        "&amp;", "&lt;", "&gt;", "&quot;", "&#38;", "&#x26;", "&#x3C;", "&copy", "&nbsp;",
        "&bogus;", "&", "<", ">", "<b>", "</b>", "<p>", "<!--", "-->", "<![CDATA[", "]]>",
        "\"", "'", "<unacceptable>", " & ", "\n", "  ", "\t", "R&D", "a<b", "1 < 2",
    ]
)  # fmt: skip
# No control, surrogate or unassigned characters: the model removes those XML cannot carry
# (tested in test_feed_model), and the property is about what readers show of the rest.
PLAIN = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cn")), max_size=12)
TEXTS = st.lists(st.one_of(FRAGMENTS, PLAIN), min_size=1, max_size=8).map("".join)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _mojibake_like(text: str) -> bool:
    """feedparser re-decodes a value that is valid UTF-8 read as Latin-1 (`Ã©` shows as `é`):
    a reader heuristic no feed can avoid, so such texts are left out of the property."""
    try:
        return text.encode("latin-1").decode("utf-8") != text
    except UnicodeError:
        return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXTS, summary=TEXTS)
def test_any_plain_text_title_and_summary_show_as_written_in_every_format(
    title: str, summary: str
) -> None:
    assume(title.strip() and summary.strip())
    article = replace(seed_article(), title=title, summary=summary, image=None, related=())
    feed = make_feed([article])
    # What the writers are given: the text as written, trimmed (and NFC where the model
    # normalises); the model's own hygiene is tested in test_feed_model and test_text_hygiene.
    written_title, written_summary = feed.entries[0].title, feed.entries[0].summary
    assert nfc(written_title) == nfc(title.strip()) and nfc(written_summary) == nfc(summary.strip())
    assume(not _mojibake_like(written_title) and not _mojibake_like(written_summary))
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(render(feed, fmt))
        assert parsed.bozo == 0, (fmt, parsed.get("bozo_exception"))
        entry = parsed.entries[0]
        assert normalised(shown(entry.title_detail)) == normalised(written_title), fmt
        assert normalised(shown(entry.summary_detail)) == normalised(written_summary), fmt
    item = json.loads(render(feed, "json"))["items"][0]
    assert (item["title"], item["summary"]) == (written_title, written_summary)


def test_each_byline_is_its_own_dc_creator_and_readers_see_both() -> None:
    """cases/rss-two-authors.json: no comma-joined name."""
    names = ["Park, Ji-ho", "Lee Seo-yeon"]
    article = replace(
        seed_article(),
        title="Budget talks stall",
        summary="Two reporters.",
        authors=(Author(names[0], "park-ji-ho"), Author(names[1], "lee-seo-yeon")),
    )
    feed = make_feed([article])
    rss = render(feed, "rss")
    item = etree.fromstring(rss).find("channel/item")
    assert [c.text for c in item.iterfind(f"{DC}creator")] == names
    assert item.find("author") is None
    for fmt in ("rss", "atom"):
        entry = feedparser.parse(render(feed, fmt)).entries[0]
        assert [a["name"] for a in entry.authors] == names, fmt
    doc = json.loads(render(feed, "json"))
    assert [a["name"] for a in doc["items"][0]["authors"]] == names


def test_a_single_byline_with_an_address_is_the_rss_author_element() -> None:
    article = replace(seed_article(), authors=(Author("Kim Min-ji", "kim", email="k@example.org"),))
    item = etree.fromstring(render(make_feed([article]), "rss")).find("channel/item")
    assert item.findtext("author") == "k@example.org (Kim Min-ji)"
    assert item.find(f"{DC}creator") is None
    entry = feedparser.parse(render(make_feed([article]), "rss")).entries[0]
    assert entry.author_detail["name"] == "Kim Min-ji"
    assert entry.author_detail["email"] == "k@example.org"


def test_a_title_that_reads_as_markup_marks_the_rss_document_with_hex_references() -> None:
    plain = render(make_feed([seed_article()]), "rss")
    marked = render(make_feed([replace(seed_article(), title="<b>Bold</b> claims")]), "rss")
    assert b"&#x26;" not in plain
    assert b"<title>&#x26;lt;b&#x26;gt;Bold&#x26;lt;/b&#x26;gt; claims</title>" in marked
    assert b"&amp;" not in marked
    entry = feedparser.parse(marked).entries[0]
    assert shown(entry.title_detail) == "<b>Bold</b> claims"


def test_enclosure_titles_do_not_change_what_readers_show_as_the_title() -> None:
    article = replace(
        seed_article(),
        title="A & B",
        media=(
            Media("https://cdn.example.org/a.mp3", 1, "audio/mpeg"),
            Media("https://cdn.example.org/b.mp4", 2, "video/mp4", title="<clip>"),
        ),
    )
    entry = feedparser.parse(render(make_feed([article]), "rss")).entries[0]
    assert entry.title == "A & B"


STYLESHEET = etree.XSLT(
    etree.parse(str(Path(__file__).parents[1] / "feeds" / "static" / "feed.xsl"))
)


def _page_text(document: bytes) -> str:
    page = STYLESHEET(etree.fromstring(document))
    return " ".join(etree.fromstring(str(page).split("\n", 1)[1], etree.HTMLParser()).itertext())


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_browser_stylesheet_shows_plain_text_as_written(fmt: str) -> None:
    """feed.xsl, for browsers that still apply it, is a reader too."""
    titles = ["AT&amp;T says <b>no</b>", "A < B & C", "Port strike talks resume"]
    articles = [
        replace(
            strike(),  # type: ignore[type-var]
            id=f"x{n}",
            guid=f"tag:feeds.example.org,2025:article/x{n}",
            title=title,
        )
        for n, title in enumerate(titles)
    ]
    feed = replace(make_feed(articles), title="News & <views>", subtitle="Tom &amp; Jerry")
    text = normalised(_page_text(render(feed, fmt)))
    for expected in [*titles, SENTENCE, "News & <views>"]:
        assert expected in text, (expected, text)
    if fmt == "atom":
        assert "Tom &amp; Jerry" in text
