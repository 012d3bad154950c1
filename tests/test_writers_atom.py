"""The Atom writer: RFC 4287 schema validity, feedparser, and every mapping feedgen gets wrong."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import feedparser
import pytest
from lxml import etree

from articles.model import Article
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
from tests.fixtures.schemas import ATOM_SCHEMA

A = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
DC = "{http://purl.org/dc/elements/1.1/}"
FH = "{http://purl.org/syndication/history/1.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def feeds_to_check() -> dict[str, Feed]:
    config = SiteConfig(
        tag_authority=TAG_AUTHORITY,
        logo_url="/static/logo.png",
        icon_url="/static/icon.png",
        rights="© TRT",
    )
    return {
        "edge cases with paging and stylesheet": make_feed(
            links=make_links(paging=True, stylesheet=f"{BASE_URL}/static/feed.xsl")
        ),
        "seed article, logo and rights": make_feed([seed_article()], config=config),
        "archive": make_feed(edge_articles()[1:3], links=make_links(archive=True, hub=None)),
        "empty": make_feed([], links=make_links(hub=None)),
    }


def parse(feed: Feed) -> Any:
    return etree.fromstring(render(feed, "atom"))


def entry_of(root: Any, article_id: str) -> Any:
    for entry in root.iterfind(f"{A}entry"):
        if entry.findtext(f"{A}id").endswith(f"article/{article_id}"):
            return entry
    raise AssertionError(f"no entry for {article_id}")


@pytest.mark.parametrize("name", list(feeds_to_check()))
def test_atom_validates_against_the_rfc_4287_schema(name: str) -> None:
    document = parse(feeds_to_check()[name])
    assert ATOM_SCHEMA.validate(document), ATOM_SCHEMA.error_log
    # The RFC grammar's Schematron rules, which RELAX NG does not run:
    for entry in document.iterfind(f"{A}entry"):
        assert entry.find(f"{A}author") is not None or document.find(f"{A}author") is not None
        assert entry.find(f"{A}link[@rel='alternate']") is not None


@pytest.mark.parametrize("name", list(feeds_to_check()))
def test_feedparser_reads_atom_without_complaint(name: str) -> None:
    parsed = feedparser.parse(render(feeds_to_check()[name], "atom"))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"


def test_schema_rejects_a_feed_without_required_elements() -> None:
    bad = etree.fromstring(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')
    assert not ATOM_SCHEMA.validate(bad)


def test_entry_links_keep_rel_type_length_and_title() -> None:
    root = parse(make_feed())
    future = entry_of(root, "future-2100")
    links = [dict(link.attrib) for link in future.iterfind(f"{A}link")]
    assert {
        "href": f"{BASE_URL}/articles/future-2100/far-future",
        "rel": "alternate",
        "type": "text/html",
    } in links
    assert {
        "href": f"{BASE_URL}/media/a.mp3",
        "rel": "enclosure",
        "type": "audio/mpeg",
        "length": "1234",
        "title": "Audio",
    } in links
    assert {"href": "https://www.aa.com.tr/", "rel": "via", "title": "AA"} in links
    seed = entry_of(root, "ccd83b53e90f73c2")
    related = seed.find(f"{A}link[@rel='related']")
    assert related.get("title") == "한국 외교부 장관, 동맹국과의 첫 회담을 위해 일본과 미국 방문"


def test_feed_links_self_alternate_hub_and_paging() -> None:
    root = parse(make_feed(links=make_links(paging=True)))
    links = {(link.get("rel"), link.get("href")) for link in root.iterfind(f"{A}link")}
    assert links == {
        ("self", f"{BASE_URL}/feeds/all.atom"),
        ("alternate", f"{BASE_URL}/all"),
        ("hub", "https://pubsubhubbub.appspot.com/"),
        ("first", f"{BASE_URL}/feeds/all.atom"),
        ("next", f"{BASE_URL}/feeds/all.atom?page=2"),
        ("last", f"{BASE_URL}/feeds/all.atom?page=3"),
    }


def test_archive_document_is_flagged_and_links_current_and_neighbours() -> None:
    root = parse(make_feed(edge_articles()[1:3], links=make_links(archive=True)))
    assert root.find(f"{FH}archive") is not None
    rels = {link.get("rel"): link.get("href") for link in root.iterfind(f"{A}link")}
    assert rels["current"] == f"{BASE_URL}/feeds/all.atom"
    assert rels["prev-archive"] == f"{BASE_URL}/feeds/all/2025-06.atom"
    assert rels["next-archive"] == f"{BASE_URL}/feeds/all/2025-08.atom"
    assert parse(make_feed([])).find(f"{FH}archive") is None


def test_feed_id_and_updated_come_from_the_model_never_now() -> None:
    root = parse(make_feed(edge_articles()[1:3]))
    assert root.findtext(f"{A}id") == f"tag:{TAG_AUTHORITY}:feed/all"
    assert root.findtext(f"{A}updated") == "2025-07-30T10:30:00+09:00"
    assert root.findtext(f"{A}generator") == "newsroom-feeds"
    assert root.find(f"{A}generator").get("version") is None


def test_same_feed_renders_the_same_bytes() -> None:
    assert render(make_feed(), "atom") == render(make_feed(), "atom")


def test_entry_dates_keep_the_articles_own_offset() -> None:
    seed = entry_of(parse(make_feed([seed_article()])), "ccd83b53e90f73c2")
    assert seed.findtext(f"{A}published") == "2025-07-30T09:00:00+09:00"
    assert seed.findtext(f"{A}updated") == "2025-07-30T10:30:00+09:00"


def test_summary_is_text_and_content_is_html() -> None:
    seed = entry_of(parse(make_feed([seed_article()])), "ccd83b53e90f73c2")
    assert seed.find(f"{A}summary").get("type") == "text"
    assert seed.findtext(f"{A}summary").startswith("조 장관은 인도-태평양")
    content = seed.find(f"{A}content")
    assert content.get("type") == "html"
    assert content.text.startswith("<figure><img src=")


def test_empty_summary_is_omitted() -> None:
    entry = entry_of(parse(make_feed(edge_articles()[:1])), "future-2100")
    assert entry.find(f"{A}summary") is None


def test_categories_carry_slug_label_and_scheme() -> None:
    seed = entry_of(parse(make_feed([seed_article()])), "ccd83b53e90f73c2")
    assert [dict(c.attrib) for c in seed.iterfind(f"{A}category")][:2] == [
        {"term": "asia", "scheme": f"{BASE_URL}/section/", "label": "아시아"},
        {"term": "japan", "scheme": f"{BASE_URL}/tag/", "label": "일본"},
    ]


def test_every_entry_has_an_author_and_the_feed_has_one_too() -> None:
    root = parse(make_feed())
    assert root.findtext(f"{A}author/{A}name") == "TRT 한국어 뉴스"
    hostile = entry_of(root, "hostile-text")
    assert hostile.findtext(f"{A}author/{A}name") == "TRT 한국어 뉴스"


def test_lead_image_as_media_content_with_caption_and_thumbnail() -> None:
    seed = entry_of(parse(make_feed([seed_article()])), "ccd83b53e90f73c2")
    media = seed.find(f"{MEDIA}content")
    assert dict(media.attrib) == {
        "url": f"{BASE_URL}/samples/images/jo-hyun.png",
        "medium": "image",
        "type": "image/png",
        "width": "1200",
        "height": "675",
    }
    assert media.findtext(f"{MEDIA}description").startswith("조 장관은 취임 후")
    assert media.find(f"{MEDIA}thumbnail").get("url") == media.get("url")


def test_source_credit_without_url_is_dc_source() -> None:
    seed = entry_of(parse(make_feed([seed_article()])), "ccd83b53e90f73c2")
    assert seed.findtext(f"{DC}source") == "AA"
    assert seed.find(f"{A}link[@rel='via']") is None


def test_entry_language_is_marked_only_when_it_differs() -> None:
    root = parse(make_feed())
    assert root.get(XML_LANG) == "ko"
    assert entry_of(root, "rtl-arabic").get(XML_LANG) == "ar"
    assert entry_of(root, "ccd83b53e90f73c2").get(XML_LANG) is None


def test_stylesheet_processing_instruction_follows_the_declaration() -> None:
    feed = make_feed([], links=make_links(stylesheet=f"{BASE_URL}/static/feed.xsl?v=1&x=2"))
    document = render(feed, "atom")
    assert document.startswith(
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<?xml-stylesheet type="text/xsl" href="http://127.0.0.1:5000/static/feed.xsl?v=1&amp;x=2"?>'
    )
    assert b"xml-stylesheet" not in render(make_feed([]), "atom")


def test_title_that_reads_as_markup_is_html_escaped_and_shown_as_written() -> None:
    document = render(make_feed([edge_articles()[2]]), "atom")
    assert (
        b'<title type="html">AT&#x26;amp;amp;T &#x26;lt;b&#x26;gt;bold&#x26;lt;/b&#x26;gt;'
        b" ]]&#x26;gt; bell and</title>" in document
    )
    parsed = feedparser.parse(document)
    assert shown(parsed.entries[0].title_detail) == "AT&amp;T <b>bold</b> ]]> bell and"


def test_plain_title_is_a_text_construct_escaped_once() -> None:
    article = replace(seed_article(), title="Bill & Ted: A < B, I <3 N.Y.")
    document = render(make_feed([article]), "atom")
    # `&` as `&#x26;` (the same character: feeds.writers.base.hex_ampersands)
    assert b"<title>Bill &#x26; Ted: A &lt; B, I &lt;3 N.Y.</title>" in document
    entry = feedparser.parse(document).entries[0]
    assert entry.title_detail.type == "text/plain"
    assert entry.title == "Bill & Ted: A < B, I <3 N.Y."


def test_rtl_and_emoji_survive_as_utf8() -> None:
    document = render(make_feed(), "atom")
    assert "مرحبا بالعالم — שלום".encode() in document
    assert "🚀".encode() in document


def huge(article: Article) -> Article:
    return replace(article, body_html="<p>" + "가나다라마바사 " * 700_000 + "</p>")


def test_five_megabyte_body_renders_whole() -> None:
    article = huge(seed_article())
    assert len(article.body_html.encode()) > 5_000_000
    document = render(make_feed([article]), "atom")
    assert len(document) > 5_000_000
    assert etree.fromstring(document, etree.XMLParser(huge_tree=True)) is not None


def test_namespaces_are_declared_once_on_the_root() -> None:
    document = render(make_feed(), "atom")
    assert document.count(b"xmlns") == 4
    assert b"ns0" not in document
