"""The JSON Feed 1.1 writer: the spec's rules (a JSON Schema), key order, extensions."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

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
)
from tests.fixtures.schemas import JSON_FEED


def document(feed: Feed) -> Any:
    return json.loads(render(feed, "json"))


def item_of(doc: Any, article_id: str) -> Any:
    return next(i for i in doc["items"] if i["id"].endswith(f"article/{article_id}"))


FEEDS = {
    "edge cases": make_feed(links=make_links(paging=True)),
    "seed with logo": make_feed(
        [seed_article()],
        config=SiteConfig(tag_authority=TAG_AUTHORITY, logo_url="/l.png", icon_url="/i.png"),
    ),
    "archive": make_feed(edge_articles()[1:3], links=make_links(archive=True)),
    "empty": make_feed([], links=make_links(hub=None)),
}


@pytest.mark.parametrize("name", list(FEEDS))
def test_json_feed_follows_the_1_1_rules(name: str) -> None:
    doc = document(FEEDS[name])
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in JSON_FEED.iter_errors(doc)]
    assert errors == []
    for item in doc["items"]:
        for key in ("date_published", "date_modified"):
            assert datetime.fromisoformat(item[key]).tzinfo is not None


def test_schema_catches_an_item_without_content_or_a_numeric_id() -> None:
    bad = {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": 1}]}
    assert len(list(JSON_FEED.iter_errors(bad))) == 2


def test_top_level_fields_and_their_order() -> None:
    doc = document(FEEDS["edge cases"])
    assert list(doc)[:4] == ["version", "title", "home_page_url", "feed_url"]
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["home_page_url"] == f"{BASE_URL}/all"
    assert doc["feed_url"] == f"{BASE_URL}/feeds/all.json"
    assert doc["next_url"] == f"{BASE_URL}/feeds/all.json?page=2"
    assert doc["hubs"] == [{"type": "WebSub", "url": "https://pubsubhubbub.appspot.com/"}]
    assert doc["authors"] == [{"name": "TRT 한국어 뉴스"}]
    assert doc["language"] == "ko"
    assert "next_url" not in document(FEEDS["empty"])


def test_icon_is_the_logo_and_favicon_the_icon() -> None:
    doc = document(FEEDS["seed with logo"])
    assert doc["icon"] == f"{BASE_URL}/l.png"
    assert doc["favicon"] == f"{BASE_URL}/i.png"


def test_items_carry_id_content_dates_authors_tags_and_image() -> None:
    seed = item_of(document(FEEDS["edge cases"]), "ccd83b53e90f73c2")
    assert seed["id"] == f"tag:{TAG_AUTHORITY}:article/ccd83b53e90f73c2"
    assert seed["url"] == f"{BASE_URL}/articles/ccd83b53e90f73c2/jo-oegyobu-janggwan"
    assert seed["content_html"].startswith("<figure><img src=")
    assert seed["summary"].startswith("조 장관은")
    assert seed["date_published"] == "2025-07-30T09:00:00+09:00"
    assert seed["date_modified"] == "2025-07-30T10:30:00+09:00"
    assert seed["authors"] == [{"name": "TRT 한국어"}]
    assert seed["tags"] == ["아시아", "일본", "외교"]
    assert seed["image"] == f"{BASE_URL}/samples/images/jo-hyun.png"
    assert seed["language"] == "ko"
    assert seed["_source"] == {"name": "AA"}


def test_attachments_and_source_extension() -> None:
    future = item_of(document(FEEDS["edge cases"]), "future-2100")
    assert future["attachments"] == [
        {
            "url": f"{BASE_URL}/media/a.mp3",
            "mime_type": "audio/mpeg",
            "title": "Audio",
            "size_in_bytes": 1234,
            "duration_in_seconds": 61,
        },
        {
            "url": "https://cdn.example.org/b.mp4",
            "mime_type": "video/mp4",
            "title": "Video",
            "size_in_bytes": 99999,
        },
    ]
    assert future["_source"] == {"name": "AA", "url": "https://www.aa.com.tr/"}
    assert future["authors"] == [{"name": "Kim Min-ji", "url": f"{BASE_URL}/author/kim-min-ji"}]
    assert "summary" not in future


def test_text_is_utf8_not_escaped_and_bytes_are_stable() -> None:
    raw = render(FEEDS["edge cases"], "json")
    assert "조 외교부 장관".encode() in raw
    assert "🚀".encode() in raw
    assert b"\\u" not in raw
    assert raw == render(make_feed(links=make_links(paging=True)), "json")


def test_hostile_text_round_trips() -> None:
    hostile = item_of(document(FEEDS["edge cases"]), "hostile-text")
    assert hostile["title"] == "AT&amp;T <b>bold</b> ]]> bell and"
