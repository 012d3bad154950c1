"""build_feed: ids, links, dates, authors, categories and text hygiene, before any format."""

from __future__ import annotations

import html
import logging
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.model import Article
from feeds.config import SiteConfig
from feeds.feed_types import EMPTY_FEED_UPDATED, DocumentLinks, FeedLinks
from feeds.hygiene import absolute_html, excerpt, to_uri
from feeds.model import feed_id
from tests.fixtures.feeds import (
    BASE_URL,
    TAG_AUTHORITY,
    Facet,
    edge_articles,
    make_feed,
    seed_article,
)


def test_feed_id_is_a_tag_uri_from_the_authority_and_facet_not_the_host() -> None:
    one = make_feed(facet=Facet("section", "asia"), base_url="http://127.0.0.1:5000")
    other = make_feed(facet=Facet("section", "asia"), base_url="https://news.example.com")
    assert one.id == other.id == f"tag:{TAG_AUTHORITY}:feed/section/asia"


def test_feed_id_encodes_a_korean_facet_value() -> None:
    assert feed_id(TAG_AUTHORITY, Facet("tag", "외교 정책")) == (
        f"tag:{TAG_AUTHORITY}:feed/tag/%EC%99%B8%EA%B5%90%20%EC%A0%95%EC%B1%85"
    )
    assert feed_id(TAG_AUTHORITY, Facet("all")) == f"tag:{TAG_AUTHORITY}:feed/all"


def test_entry_ids_are_the_stored_guids() -> None:
    feed = make_feed([seed_article()])
    assert [e.id for e in feed.entries] == [seed_article().guid]


def test_duplicate_guid_keeps_the_first_entry_and_logs_the_second(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="feeds.model"):
        feed = make_feed()
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids))
    assert "duplicate-of-seed" not in [e.article_id for e in feed.entries]
    assert "article 'duplicate-of-seed': guid:" in caplog.text


def test_article_without_guid_is_left_out_with_a_message(caplog: pytest.LogCaptureFixture) -> None:
    article = replace(seed_article(), guid=None)
    with caplog.at_level(logging.WARNING, logger="feeds.model"):
        feed = make_feed([article])
    assert feed.entries == ()
    assert "article 'ccd83b53e90f73c2': guid: missing" in caplog.text


def test_feed_updated_is_the_newest_entry_updated_not_now() -> None:
    articles = edge_articles()[1:3]
    feed = make_feed(articles)
    assert feed.updated == max(a.updated for a in articles)


def test_empty_feed_updated_is_fixed_or_given() -> None:
    assert make_feed([]).updated == EMPTY_FEED_UPDATED
    given = datetime(2025, 1, 1, tzinfo=UTC)
    assert make_feed([], empty_updated=given).updated == given


def test_entry_updated_never_precedes_published() -> None:
    article = seed_article()
    backwards = replace(article, updated=article.published.replace(hour=1))
    entry = make_feed([backwards]).entries[0]
    assert entry.updated == entry.published


def test_entry_link_is_the_canonical_url_or_our_article_page() -> None:
    seed, rtl = edge_articles()[1], edge_articles()[3]
    feed = make_feed([seed, rtl])
    assert feed.entries[0].link == f"{BASE_URL}/articles/ccd83b53e90f73c2/jo-oegyobu-janggwan"
    assert feed.entries[1].link == (
        "https://example.org/%EA%B8%B0%EC%82%AC/%EC%84%9C%EC%9A%B8%20%EB%89%B4%EC%8A%A4"
        "?q=%ED%95%9C%EA%B5%AD#%EB%B6%80%EB%B6%84"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a/b?c=d", "https://example.org/a/b?c=d"),
        ("https://example.org/%EA%B8%B0%EC%82%AC", "https://example.org/%EA%B8%B0%EC%82%AC"),
        ("https://example.org/100%", "https://example.org/100%25"),
        ("https://example.org/기사", "https://example.org/%EA%B8%B0%EC%82%AC"),
        ("https://한국.example/x", "https://xn--3e0b707e.example/x"),
        ("/samples/images/x.png", f"{BASE_URL}/samples/images/x.png"),
        ("//cdn.example.org/x.png", "http://cdn.example.org/x.png"),
        ("https://example.org/a b", "https://example.org/a%20b"),
    ],
)
def test_to_uri_maps_iris_to_uris_without_double_encoding(url: str, expected: str) -> None:
    assert to_uri(url, BASE_URL) == expected


def test_site_relative_urls_in_the_body_become_absolute() -> None:
    body = (
        '<p><a href="/section/asia">a</a> <img src=\'/i.png\'> <a href="https://x.org/">x</a></p>'
    )
    assert absolute_html(body, BASE_URL) == (
        f"<p><a href=\"{BASE_URL}/section/asia\">a</a> <img src='{BASE_URL}/i.png'> "
        '<a href="https://x.org/">x</a></p>'
    )


def test_lead_image_is_absolute_and_shown_first_in_the_content() -> None:
    entry = make_feed([seed_article()]).entries[0]
    assert entry.image is not None
    assert entry.image.url == f"{BASE_URL}/samples/images/jo-hyun.png"
    assert entry.content_html.startswith(
        f'<figure><img src="{BASE_URL}/samples/images/jo-hyun.png" alt="조현 외교부 장관"'
    )
    assert "<figcaption>조 장관은 취임 후 첫 해외 순방으로" in entry.content_html
    assert f'href="{BASE_URL}/section/asia"' in entry.content_html


def test_lead_image_already_in_the_body_is_not_repeated() -> None:
    article = seed_article()
    body = f'<p><img src="{BASE_URL}/samples/images/jo-hyun.png"></p>'
    entry = make_feed([replace(article, body_html=body)]).entries[0]
    assert entry.content_html == body


def test_headline_only_record_gets_a_link_as_content() -> None:
    article = replace(seed_article(), body_html="", image=None)
    entry = make_feed([article]).entries[0]
    assert entry.content_html == f'<p><a href="{entry.link}">{html.escape(entry.title)}</a></p>'
    assert "&#x27;실용적&#x27;" in entry.content_html


def test_empty_summary_gives_a_plain_text_excerpt_of_the_body() -> None:
    entry = make_feed(edge_articles()[:1]).entries[0]
    assert entry.summary == ""
    assert entry.excerpt.startswith("word word")
    assert entry.excerpt.endswith("…")
    assert len(entry.excerpt) <= 281


def test_excerpt_unescapes_entities_and_drops_tags() -> None:
    assert excerpt("<p>A &amp; B <b>bold</b></p><p>next</p>") == "A & B bold next"
    assert excerpt("<p>cut in the middle of a <a hre") == "cut in the middle of a"


def test_control_characters_are_stripped_from_every_text() -> None:
    feed = make_feed([edge_articles()[2]])
    entry = feed.entries[0]
    for text in (entry.title, entry.summary, entry.content_html, entry.excerpt):
        assert not any(ord(c) < 32 and c not in "\t\n\r" for c in text)
        assert "\x7f" not in text
    # Plain text stays as written: an escaped entity in a title is not unescaped.
    assert entry.title == "AT&amp;T <b>bold</b> ]]> bell and"


def test_entry_without_author_gets_the_feed_author() -> None:
    config = SiteConfig(
        tag_authority=TAG_AUTHORITY, author_name="편집국", author_email="ed@example.org"
    )
    entry = make_feed([edge_articles()[2]], config=config).entries[0]
    assert [(a.name, a.email) for a in entry.authors] == [("편집국", "ed@example.org")]


def test_categories_are_section_then_tags_with_url_schemes() -> None:
    entry = make_feed([seed_article()]).entries[0]
    assert [(c.term, c.label, c.scheme) for c in entry.categories] == [
        ("asia", "아시아", f"{BASE_URL}/section/"),
        ("japan", "일본", f"{BASE_URL}/tag/"),
        ("diplomacy", "외교", f"{BASE_URL}/tag/"),
    ]


def in_language(article_id: str, language: str) -> Article:
    return replace(
        seed_article(), id=article_id, guid=f"tag:x,2025:{article_id}", language=language
    )


def test_feed_language_is_the_callers_else_the_one_entry_language_else_the_site_default() -> None:
    english = [in_language("e1", "en"), in_language("e2", "EN")]
    assert make_feed([]).language == "ko"
    assert make_feed([], facet=Facet("language", "de"), language="de").language == "de"
    assert make_feed(english).language == "en"
    assert make_feed([*english, in_language("k1", "ko")]).language == "ko"
    assert make_feed([*english, in_language("d1", "de")]).language == "ko"
    assert make_feed(english, language="de").language == "de"


def test_subtitle_in_the_site_language_keeps_its_language_on_a_feed_in_another() -> None:
    german = make_feed([in_language("d1", "de")], language="de")
    assert (german.subtitle, german.subtitle_language) == ("모든 기사", "ko")
    assert german.subtitle_in_feed_language == ""
    assert german.description == german.title
    korean = make_feed([in_language("k1", "ko")])
    assert (korean.subtitle_language, korean.description) == ("", "모든 기사")
    given = make_feed([in_language("d1", "de")], language="de", subtitle_language="de")
    assert given.subtitle_in_feed_language == "모든 기사"


def test_enclosure_urls_are_absolute_and_lengths_integers() -> None:
    entry = make_feed(edge_articles()[:1]).entries[0]
    assert [(e.url, e.length) for e in entry.enclosures] == [
        (f"{BASE_URL}/media/a.mp3", 1234),
        ("https://cdn.example.org/b.mp4", 99999),
    ]


def test_feed_links_name_the_missing_format() -> None:
    links = FeedLinks(html=BASE_URL, documents={"atom": DocumentLinks(self=f"{BASE_URL}/x.atom")})
    with pytest.raises(ValueError, match="no links for format 'rss'"):
        links.for_format("rss")


def test_paging_lists_only_the_links_that_are_set_in_a_fixed_order() -> None:
    links = DocumentLinks(self="s", next="n", first="f", prev_archive="pa")
    assert links.paging() == [("first", "f"), ("next", "n"), ("prev-archive", "pa")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_to_uri_of_any_text_is_an_ascii_uri_and_idempotent(url: str) -> None:
    """Werkzeug's iri_to_uri does the mapping; whatever a record holds, the result is ASCII
    without spaces or controls, and mapping it again changes nothing."""
    uri = to_uri(url, BASE_URL)
    assert uri.isascii()
    assert not any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in uri)
    assert to_uri(uri, BASE_URL) == uri
