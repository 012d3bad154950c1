"""Writers never fail on anything a validated Article can hold, and the output stays parseable."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.model import Author, Image, Link, Media, Section, Source, Tag
from feeds.writers import FORMATS, render
from tests.fixtures.feeds import make_feed, seed_article

any_text = st.text(max_size=60)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
instants = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2100, 12, 31), timezones=offsets
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=any_text,
    summary=any_text,
    body=any_text,
    name=any_text,
    caption=any_text,
    slug=any_text,
    url_tail=any_text,
    published=instants,
)
def test_any_text_renders_in_every_format_and_parses_back(
    title: str,
    summary: str,
    body: str,
    name: str,
    caption: str,
    slug: str,
    url_tail: str,
    published: datetime,
) -> None:
    article = replace(
        seed_article(),
        title=title,
        summary=summary,
        body_html=body,
        published=published,
        updated=published,
        section=Section(slug or "s", caption),
        tags=(Tag(slug or "t", title),),
        authors=(Author(name or "n", "n", uri=f"/author/{url_tail}"),),
        image=Image(url=f"/img/{url_tail}.png", caption=caption, alt=name),
        related=(Link(f"https://example.org/{url_tail}", title),),
        source=Source(name or "AA", "aa", url=f"https://example.org/{url_tail}"),
        media=(Media(f"/m/{url_tail}.mp3", 10, "audio/mpeg", title=caption),),
    )
    feed = make_feed([article])
    for fmt in FORMATS:
        document = render(feed, fmt)
        if fmt == "json":
            assert json.loads(document)["items"][0]["id"] == article.guid
        else:
            etree.fromstring(document)  # strict XML: raises on anything malformed
            parsed = feedparser.parse(document)
            assert parsed.bozo == 0, (fmt, parsed.get("bozo_exception"))
            assert parsed.entries[0].id == article.guid


def test_empty_feed_renders_in_every_format() -> None:
    feed = make_feed([])
    for fmt in FORMATS:
        assert render(feed, fmt)
    assert feed.updated == datetime(2000, 1, 1, tzinfo=UTC)
