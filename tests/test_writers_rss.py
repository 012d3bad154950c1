"""The RSS 2.0 writer: feedparser, RFC 822 dates, links, enclosures and the extensions."""

from __future__ import annotations

import locale
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import feedparser
import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.model import Author, Image
from feeds.config import SiteConfig
from feeds.feed_types import Feed
from feeds.writers import render
from tests.fixtures.feeds import (
    BASE_URL,
    TAG_AUTHORITY,
    edge_articles,
    make_feed,
    make_links,
    seed_article,
    shown,
)

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
FH = "{http://purl.org/syndication/history/1.0}"
RFC822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


def channel(feed: Feed) -> Any:
    root = etree.fromstring(render(feed, "rss"))
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def item_of(chan: Any, article_id: str) -> Any:
    for item in chan.iterfind("item"):
        if item.findtext("guid").endswith(f"article/{article_id}"):
            return item
    raise AssertionError(f"no item for {article_id}")


@pytest.mark.parametrize(
    "feed",
    [
        make_feed(links=make_links(paging=True, stylesheet=f"{BASE_URL}/static/feed.xsl")),
        make_feed([seed_article()]),
        make_feed(edge_articles()[1:3], links=make_links(archive=True)),
        make_feed([], links=make_links(hub=None)),
    ],
    ids=["edge cases", "seed", "archive", "empty"],
)
def test_feedparser_reads_rss_without_complaint(feed: Feed) -> None:
    parsed = feedparser.parse(render(feed, "rss"))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"


def test_channel_link_is_the_html_page_and_atom_links_point_at_the_documents() -> None:
    chan = channel(make_feed(links=make_links(paging=True)))
    assert chan.findtext("link") == f"{BASE_URL}/all"
    links = [(link.get("rel"), link.get("href")) for link in chan.iterfind(f"{ATOM}link")]
    assert links == [
        ("self", f"{BASE_URL}/feeds/all.rss"),
        ("hub", "https://pubsubhubbub.appspot.com/"),
        ("first", f"{BASE_URL}/feeds/all.rss"),
        ("next", f"{BASE_URL}/feeds/all.rss?page=2"),
        ("last", f"{BASE_URL}/feeds/all.rss?page=3"),
    ]


def test_archive_channel_is_flagged() -> None:
    chan = channel(make_feed(edge_articles()[1:3], links=make_links(archive=True)))
    assert chan.find(f"{FH}archive") is not None
    rels = {link.get("rel") for link in chan.iterfind(f"{ATOM}link")}
    assert {"current", "prev-archive", "next-archive"} <= rels


def test_channel_fields_are_set_deliberately() -> None:
    config = SiteConfig(tag_authority=TAG_AUTHORITY, logo_url="/static/logo.png", rights="© TRT")
    chan = channel(make_feed(edge_articles()[1:3], config=config))
    assert chan.findtext("docs") == "https://www.rssboard.org/rss-specification"
    assert chan.findtext("generator") == "newsroom-feeds"
    assert chan.findtext("language") == "ko"
    assert chan.findtext("copyright") == "© TRT"
    assert chan.findtext("lastBuildDate") == "Wed, 30 Jul 2025 10:30:00 +0900"
    assert chan.findtext("description") == "모든 기사"
    assert chan.findtext("image/url") == f"{BASE_URL}/static/logo.png"
    assert chan.findtext("image/link") == chan.findtext("link")
    assert chan.find("image") is not None
    assert channel(make_feed([])).find("image") is None


def test_items_have_non_permalink_guids_and_rfc_822_dates() -> None:
    chan = channel(make_feed())
    for item in chan.iterfind("item"):
        assert item.find("guid").get("isPermaLink") == "false"
        assert RFC822.match(item.findtext("pubDate")), item.findtext("pubDate")
    seed = item_of(chan, "ccd83b53e90f73c2")
    assert seed.findtext("pubDate") == "Wed, 30 Jul 2025 09:00:00 +0900"
    assert item_of(chan, "epoch").findtext("pubDate") == "Thu, 01 Jan 1970 00:00:00 +0000"
    assert item_of(chan, "future-2100").findtext("pubDate") == "Fri, 01 Jan 2100 00:00:00 +0000"


def test_description_is_the_summary_and_content_encoded_the_html() -> None:
    chan = channel(make_feed())
    seed = item_of(chan, "ccd83b53e90f73c2")
    assert seed.findtext("description").startswith("조 장관은 인도-태평양")
    assert seed.findtext(f"{CONTENT}encoded").startswith("<figure><img src=")
    no_summary = item_of(chan, "future-2100")
    assert no_summary.findtext("description").startswith("word word")


def test_categories_show_labels_with_the_taxonomy_as_domain() -> None:
    seed = item_of(channel(make_feed([seed_article()])), "ccd83b53e90f73c2")
    assert [(c.text, c.get("domain")) for c in seed.iterfind("category")] == [
        ("아시아", f"{BASE_URL}/section/"),
        ("일본", f"{BASE_URL}/tag/"),
        ("외교", f"{BASE_URL}/tag/"),
    ]


def test_one_enclosure_and_the_rest_as_media_content() -> None:
    item = item_of(channel(make_feed(edge_articles()[:1])), "future-2100")
    enclosures = item.findall("enclosure")
    assert [dict(e.attrib) for e in enclosures] == [
        {"url": f"{BASE_URL}/media/a.mp3", "length": "1234", "type": "audio/mpeg"}
    ]
    others = item.findall(f"{MEDIA}content")
    assert [o.get("url") for o in others] == ["https://cdn.example.org/b.mp4"]
    assert others[0].get("fileSize") == "99999"


def test_lead_image_is_a_thumbnail_never_an_enclosure_or_media_content() -> None:
    # Podcast apps (gPodder's podcastparser) count every RSS media:content as downloadable
    # media; the lead image is media:thumbnail alone.
    seed = item_of(channel(make_feed([seed_article()])), "ccd83b53e90f73c2")
    assert seed.find("enclosure") is None
    assert seed.find(f"{MEDIA}content") is None
    thumbnail = seed.find(f"{MEDIA}thumbnail")
    assert thumbnail is not None and thumbnail.get("url", "").startswith("http")
    # feedparser takes an item-level media:title for the entry's title: none is written.
    assert seed.find(f"{MEDIA}title") is None


def test_readers_see_each_items_own_title_whatever_its_lead_image_caption(
    make_app: Callable[..., Flask],
) -> None:
    # The bundled samples (the seed story has a captioned lead image), as a newcomer sees them.
    body = make_app([], load_samples=True).test_client().get("/feeds/all.rss").data
    titles = [item.findtext("title") for item in etree.fromstring(body).iter("item")]
    assert b"media:thumbnail" in body
    assert [entry.title for entry in feedparser.parse(body).entries] == titles


def test_author_element_only_with_an_email_otherwise_dc_creator() -> None:
    chan = channel(make_feed())
    with_email = item_of(chan, "future-2100")
    assert with_email.findtext("author") == "k@example.org (Kim Min-ji)"
    assert with_email.find(f"{DC}creator") is None
    seed = item_of(chan, "ccd83b53e90f73c2")
    assert seed.find("author") is None
    assert seed.findtext(f"{DC}creator") == "TRT 한국어"
    mixed = replace(
        seed_article(),
        authors=(Author("A", "a", email="a@example.org"), Author("B", "b")),
    )
    item = item_of(channel(make_feed([mixed])), "ccd83b53e90f73c2")
    assert item.find("author") is None
    assert [c.text for c in item.iterfind(f"{DC}creator")] == ["A", "B"]


def test_several_bylines_with_addresses_are_one_dc_creator_each() -> None:
    both = replace(
        seed_article(),
        authors=(Author("A", "a", email="a@example.org"), Author("B", "b", email="b@x.org")),
    )
    item = item_of(channel(make_feed([both])), "ccd83b53e90f73c2")
    assert item.find("author") is None
    assert [c.text for c in item.iterfind(f"{DC}creator")] == ["A", "B"]


def test_source_credit_with_url_is_rss_source_else_dc_source() -> None:
    chan = channel(make_feed())
    future = item_of(chan, "future-2100")
    assert future.find("source").get("url") == "https://www.aa.com.tr/"
    assert future.findtext("source") == "AA"
    seed = item_of(chan, "ccd83b53e90f73c2")
    assert seed.find("source") is None
    assert seed.findtext(f"{DC}source") == "AA"


def test_related_links_are_atom_links_with_titles() -> None:
    seed = item_of(channel(make_feed([seed_article()])), "ccd83b53e90f73c2")
    related = seed.find(f"{ATOM}link")
    assert related.get("rel") == "related"
    assert related.get("href") == "https://www.trtworld.com/ko/article/korea-fm-visits"
    assert related.get("title").startswith("한국 외교부 장관")


def test_item_language_and_rights_only_when_set_and_different() -> None:
    chan = channel(make_feed())
    assert item_of(chan, "rtl-arabic").findtext(f"{DC}language") == "ar"
    assert item_of(chan, "ccd83b53e90f73c2").find(f"{DC}language") is None
    assert item_of(chan, "future-2100").findtext(f"{DC}rights") == "© 2100 Example"


def test_same_feed_renders_the_same_bytes_with_a_stylesheet() -> None:
    links = make_links(stylesheet=f"{BASE_URL}/static/feed.xsl")
    one, two = render(make_feed(links=links), "rss"), render(make_feed(links=links), "rss")
    assert one == two
    assert one.startswith(
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<?xml-stylesheet type="text/xsl" href="http://127.0.0.1:5000/static/feed.xsl"?>'
    )


def test_hostile_text_parses_back_as_written() -> None:
    parsed = feedparser.parse(render(make_feed([edge_articles()[2]]), "rss"))
    assert parsed.bozo == 0
    assert shown(parsed.entries[0].title_detail) == "AT&amp;T <b>bold</b> ]]> bell and"
    assert shown(parsed.entries[0].summary_detail) == "Summary with ]]> and  control & ampersand"


def test_namespaces_are_declared_once_on_the_root() -> None:
    document = render(make_feed(), "rss")
    assert document.count(b"xmlns") == 5
    assert b"ns0" not in document


def test_dates_never_go_through_the_process_wide_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> str:
        raise AssertionError("locale.setlocale called while rendering")

    monkeypatch.setattr(locale, "setlocale", refuse)
    chan = channel(make_feed())
    assert len(chan.findall("lastBuildDate")) == 1
    assert chan.findtext("lastBuildDate") == "Sat, 02 Jan 2100 00:00:00 +0000"


# Every way an item can come to have no text of its own to summarise: no summary, and a body
# that is empty, only markup, or only a lead image's figure.
_SUMMARIES = st.sampled_from(["", "요약입니다", "A & <b> as text"])
_BODIES = st.sampled_from(
    ["", "<p>본문 문장</p>", '<figure><img src="/a.png" alt=""></figure>', "<p> </p>"]
)
_IMAGES = st.sampled_from([None, Image(url="https://news.example.com/a.jpeg", alt="그림")])


@settings(max_examples=40, deadline=None)
@given(summary=_SUMMARIES, body=_BODIES, image=_IMAGES)
def test_an_item_with_content_always_has_a_description_before_it(
    summary: str, body: str, image: Image | None
) -> None:
    """RSS: content:encoded comes after a description (the W3C Feed Validation Service warns
    "Ensure description precedes content:encoded" otherwise, and Apple Podcasts expects every
    episode to have one), whatever the record leaves out."""
    article = replace(seed_article(), summary=summary, body_html=body, image=image)
    item = channel(make_feed([article])).find("item")
    names = [child.tag for child in item]
    if f"{CONTENT}encoded" in names:
        assert "description" in names, names
        assert names.index("description") < names.index(f"{CONTENT}encoded"), names
        assert (item.findtext("description") or "").strip(), etree.tostring(item)
