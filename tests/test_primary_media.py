"""An item's primary medium: the one RSS `<enclosure>` and the first in every format.

RSS allows one enclosure per item, and podcast apps and readers take it (Apple,
podcastparser, feedparser) or the first enclosure listed (Atom links, JSON Feed attachments)
as the item's media file. The rule: the primary medium is the record's first audio or video
medium, else its first medium; every format lists it first, then the others in the record's
order (RSS as `media:content`), and a show's documents agree.
"""

from __future__ import annotations

import json
from dataclasses import replace
from io import BytesIO
from typing import Any

import feedparser
import podcastparser
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.model import Media, Section
from feeds.podcasts import Category, Show, show_feed
from feeds.writers import render
from feeds.writers.podcast import PODCAST_NS, render_show
from tests.fixtures.feeds import make_feed, make_links, seed_article

BASE = "https://news.example.com"
MEDIA = "{http://search.yahoo.com/mrss/}"
P = f"{{{PODCAST_NS}}}"
PLAYED = ("audio/", "video/")
TYPES = (
    "audio/mpeg",
    "audio/x-m4a",
    "AUDIO/MPEG",
    "video/mp4",
    "application/pdf",
    "image/jpeg",
    "text/vtt",
    "application/octet-stream",
    "application/epub+zip",
)

SHOW = Show(
    slug="briefing",
    title="Morning Briefing",
    owner_name="Audio Desk",
    owner_email="audio@news.example.com",
    artwork_url=f"{BASE}/briefing-3000.jpg",
    categories=(Category("News", "Daily News"),),
    section="briefing",
    language="ko",
)


@st.composite
def media_lists(draw: st.DrawFn) -> tuple[Media, ...]:
    """One to six media of mixed types, each at its own URL (some http:, for the shows)."""
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=6))
    media = []
    for i, kind in enumerate(types):
        scheme = draw(st.sampled_from(("https", "https", "http")))
        ext = kind.split("/")[1].split("+")[0].lower()
        media.append(
            Media(
                f"{scheme}://cdn.example.com/m{i}.{ext}",
                draw(st.integers(1, 2**40)),
                kind,
                duration=draw(st.none() | st.integers(1, 7200)),
                title=draw(st.sampled_from(("", "Audio", "Show notes"))),
            )
        )
    return tuple(media)


def feed_order(media: tuple[Media, ...]) -> list[Media]:
    """The oracle: the first audio or video medium, else the first; then the rest in order."""
    played = [m for m in media if m.type.lower().startswith(PLAYED)]
    primary = played[0] if played else media[0]
    return [primary, *(m for m in media if m is not primary)]


def documents(media: tuple[Media, ...]) -> dict[str, bytes]:
    article = replace(seed_article(), media=media, section=Section("briefing", "Briefing"))
    feed = make_feed([article], base_url=BASE, links=make_links(BASE, "/feeds/section/briefing"))
    return {fmt: render(feed, fmt) for fmt in ("rss", "atom", "json")}


def podcastparser_urls(body: bytes, fmt: str) -> list[str]:
    parsed = podcastparser.parse(f"{BASE}/feeds/section/briefing.{fmt}", BytesIO(body))
    (episode,) = parsed["episodes"]
    return [e["url"] for e in episode["enclosures"]]


@settings(max_examples=150, deadline=None)
@given(media_lists())
@example(  # the probe's case: show notes before the audio
    (
        Media("https://cdn.example.com/notes.pdf", 5000, "application/pdf"),
        Media("https://cdn.example.com/ep1.mp3", 12345, "audio/mpeg", duration=61),
    )
)
def test_every_format_lists_the_primary_medium_first_then_the_rest_in_record_order(
    media: tuple[Media, ...],
) -> None:
    expected = feed_order(media)
    urls = [m.url for m in expected]
    primary = expected[0]
    docs = documents(media)

    item = etree.fromstring(docs["rss"]).find("channel/item")
    (enclosure,) = item.findall("enclosure")
    assert dict(enclosure.attrib) == {
        "url": primary.url,
        "length": str(primary.length),
        "type": primary.type,
    }
    assert [c.get("url") for c in item.findall(f"{MEDIA}content")] == urls[1:]

    for fmt in ("rss", "atom"):
        assert podcastparser_urls(docs[fmt], fmt) == urls, fmt
        parsed = feedparser.parse(docs[fmt])
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.entries[0].enclosures[0].href == primary.url, fmt
    atom = feedparser.parse(docs["atom"]).entries[0]
    assert [e.href for e in atom.enclosures] == urls

    (json_item,) = json.loads(docs["json"])["items"]
    assert [a["url"] for a in json_item["attachments"]] == urls
    assert json_item["attachments"][0]["mime_type"] == primary.type


@settings(max_examples=150, deadline=None)
@given(media_lists())
@example(  # an episode offered as MP3 and as video, after its show notes
    (
        Media("https://cdn.example.com/notes.pdf", 5000, "application/pdf"),
        Media("https://cdn.example.com/ep1.mp3", 12345, "audio/mpeg", duration=61),
        Media("https://cdn.example.com/ep1.mp4", 99999, "video/mp4", title="Video"),
    )
)
def test_a_shows_three_formats_carry_the_same_files_with_the_same_primary(
    media: tuple[Media, ...],
) -> None:
    article = replace(seed_article(), media=media, section=Section("briefing", "Briefing"))
    feed = make_feed([article], base_url=BASE, links=make_links(BASE, "/feeds/podcast/briefing"))
    shown = show_feed(feed, SHOW, BASE)
    # The show serves the audio and video it may (https: it requires https), in feed order.
    playable = [
        m
        for m in feed_order(media)
        if m.type.lower().startswith(PLAYED) and m.url.startswith("https:")
    ]
    if not playable:
        assert not shown.entries
        return
    urls = [m.url for m in playable]
    docs = {fmt: render_show(shown, fmt, SHOW) for fmt in ("rss", "atom", "json")}
    item: Any = etree.fromstring(docs["rss"]).find("channel/item")
    (enclosure,) = item.findall("enclosure")
    assert enclosure.get("url") == urls[0]
    assert podcastparser_urls(docs["rss"], "rss") == urls[:1]  # no media:content in a show
    alternates = item.findall(f"{P}alternateEnclosure")
    assert [a.find(f"{P}source").get("uri") for a in alternates] == urls[1:]
    for alternate, medium in zip(alternates, playable[1:], strict=True):
        assert alternate.get("type") == medium.type
        assert alternate.get("length") == str(medium.length)
    assert [e.href for e in feedparser.parse(docs["atom"]).entries[0].enclosures] == urls
    (json_item,) = json.loads(docs["json"])["items"]
    assert [a["url"] for a in json_item["attachments"]] == urls
