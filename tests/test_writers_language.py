"""A document says the language it is in: a language feed its own, a feed of one language that
one, a mixed feed the site's with per-entry languages; the site-language subtitle never claims
to be in another language."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import feedparser
from flask import Flask
from lxml import etree

from articles.model import Article
from feeds.writers import render
from tests.fixtures.app import NOW, article
from tests.fixtures.feeds import Facet, make_feed, seed_article

A = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITE_SUBTITLE = "모든 기사"  # the site description, in the site language (ko)


def in_language(article_id: str, language: str) -> Article:
    guid = f"tag:feeds.example.org,2025:article/{article_id}"
    return replace(seed_article(), id=article_id, guid=guid, language=language, image=None)


def documents(feed: Any) -> tuple[Any, Any, Any]:
    atom = etree.fromstring(render(feed, "atom"))
    channel = etree.fromstring(render(feed, "rss")).find("channel")
    return atom, channel, json.loads(render(feed, "json"))


def test_language_feed_is_in_its_language_and_marks_the_site_subtitle_as_korean() -> None:
    feed = make_feed([in_language("d1", "de")], facet=Facet("language", "de"), language="de")
    atom, channel, doc = documents(feed)
    assert atom.get(XML_LANG) == "de"
    subtitle = atom.find(f"{A}subtitle")
    assert (subtitle.text, subtitle.get(XML_LANG)) == (SITE_SUBTITLE, "ko")
    assert atom.find(f"{A}entry").get(XML_LANG) is None
    assert channel.findtext("language") == "de"
    assert channel.findtext("description") == channel.findtext("title")  # not the Korean text
    assert channel.find(f"item/{DC}language") is None
    assert doc["language"] == "de" and "description" not in doc
    parsed = feedparser.parse(render(feed, "atom"))
    assert parsed.bozo == 0
    assert parsed.feed.language == "de"
    assert parsed.feed.subtitle_detail.language == "ko"


def test_empty_language_feed_still_says_its_language() -> None:
    atom, channel, doc = documents(make_feed([], facet=Facet("language", "de"), language="de"))
    assert (atom.get(XML_LANG), channel.findtext("language"), doc["language"]) == ("de",) * 3


def test_feed_whose_entries_are_all_one_language_says_so() -> None:
    atom, channel, doc = documents(make_feed([in_language("e1", "en"), in_language("e2", "en")]))
    assert (atom.get(XML_LANG), channel.findtext("language"), doc["language"]) == ("en",) * 3
    assert atom.find(f"{A}subtitle").get(XML_LANG) == "ko"
    assert [e.get(XML_LANG) for e in atom.iterfind(f"{A}entry")] == [None, None]


def test_mixed_feed_keeps_the_site_language_and_marks_each_other_entry() -> None:
    feed = make_feed([in_language("e1", "en"), in_language("k1", "ko"), in_language("a1", "ar")])
    atom, channel, doc = documents(feed)
    assert (atom.get(XML_LANG), channel.findtext("language"), doc["language"]) == ("ko",) * 3
    assert atom.find(f"{A}subtitle").get(XML_LANG) is None
    assert channel.findtext("description") == SITE_SUBTITLE
    assert doc["description"] == SITE_SUBTITLE
    assert [e.get(XML_LANG) for e in atom.iterfind(f"{A}entry")] == ["en", None, "ar"]
    assert [i.findtext(f"{DC}language") for i in channel.iterfind("item")] == ["en", None, "ar"]
    assert [i["language"] for i in doc["items"]] == ["en", "ko", "ar"]
    languages = [e.title_detail.language for e in feedparser.parse(render(feed, "atom")).entries]
    assert languages == ["en", "ko", "ar"]


def test_served_language_feed_is_in_its_language(make_app: Callable[..., Flask]) -> None:
    app = make_app(
        [
            article("ko-1", NOW.replace(hour=1)),
            article("de-1", NOW.replace(hour=2), language="de", title="Gespräche in Tokio"),
        ],
        site_url="https://news.example.com",
    )
    client = app.test_client()
    german = etree.fromstring(client.get("/feeds/lang/de.atom").data)
    assert german.get(XML_LANG) == "de"
    assert german.find(f"{A}subtitle").get(XML_LANG) == "ko"
    channel = etree.fromstring(client.get("/feeds/lang/de.rss").data).find("channel")
    assert channel.findtext("language") == "de"
    assert client.get("/feeds/lang/de.json").get_json()["language"] == "de"
    mixed = etree.fromstring(client.get("/feeds/all.atom").data)
    assert mixed.get(XML_LANG) == "ko"
    assert [e.get(XML_LANG) for e in mixed.iterfind(f"{A}entry")] == ["de", None]
