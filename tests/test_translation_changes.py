"""A change to an article's translation links reaches the feeds of its counterparts.

Entries link their visible other-language versions (hreflang). When a version is published,
withdrawn, deleted, lifted from embargo, moves to another URL or language, or a record names
other versions, the feeds holding its counterparts change bytes although no counterpart was
written: their ETags change, their change times move and the hub is pinged for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from articles.cli import SERVICE_KEY
from articles.model import Article, Section, Source, Tag, Translation
from articles.store import ALL, Facet, Store, article_facets
from feeds.lifts import announce_lifts
from tests.fixtures.app import EMBARGO, NOW, Clock, article
from tests.fixtures.store import T0, make_article
from tests.test_websub import FLUSH, Hub

BASE = "https://news.example.com"


def korean(**changes: Any) -> Article:
    """The Korean story naming its English version: in feeds of its own."""
    fields: dict[str, Any] = {
        "section": Section("asia", "아시아"),
        "tags": (Tag("japan", "일본"),),
        "translations": (Translation("en-1", "en"),),
        **changes,
    }
    return make_article("ko-1", **fields)


def english(**changes: Any) -> Article:
    """The English version, in no feed the Korean one is in but 'all'."""
    fields: dict[str, Any] = {
        "language": "en",
        "title": "Seoul and Tokyo",
        "section": Section("world", "World"),
        "tags": (Tag("diplomacy", "Diplomacy"),),
        "source": Source("Wire", "wire"),
        "minutes": 5,
        **changes,
    }
    return make_article("en-1", **fields)


KOREAN_ONLY = article_facets(korean()) - article_facets(english())
LATER = T0 + timedelta(hours=1)


def test_the_two_versions_share_no_feed_but_all() -> None:
    assert {Facet("section", "asia"), Facet("tag", "japan"), Facet("language", "ko")} <= (
        KOREAN_ONLY
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"status": "draft"}, {}),  # the version is published
        ({}, {"status": "withheld"}),  # ... withdrawn
        ({}, {"url": "https://www.trt.example/en/1"}),  # ... moves
        ({}, {"language": "en-GB"}),  # ... changes its language
        # ... comes out of an embargo by a write
        ({"published": LATER + timedelta(days=1)}, {"published": LATER - timedelta(minutes=1)}),
    ],
)
def test_a_version_changing_its_link_touches_its_counterparts_feeds(
    store: Store, before: dict[str, Any], after: dict[str, Any]
) -> None:
    store.upsert_many([korean(), english(**before)], now=LATER)
    result = store.upsert_many([english(**after, updated=LATER)], now=LATER)
    assert result.updated == 1
    assert result.affected >= KOREAN_ONLY


def test_a_correction_that_leaves_the_link_alone_touches_only_its_own_feeds(store: Store) -> None:
    store.upsert_many([korean(), english()], now=LATER)
    result = store.upsert_many([english(title="Seoul, Tokyo", updated=LATER)], now=LATER)
    assert result.updated == 1
    assert result.affected == {ALL} | article_facets(english())
    assert not KOREAN_ONLY & result.affected


def test_deleting_a_visible_version_touches_its_counterparts_feeds(store: Store) -> None:
    store.upsert_many([korean(), english()], now=LATER)
    assert store.delete("en-1", now=LATER) >= KOREAN_ONLY


def test_a_hidden_counterpart_is_no_feed_to_touch(store: Store) -> None:
    store.upsert_many([korean(status="draft"), english(status="draft")], now=LATER)
    result = store.upsert_many([english(updated=LATER)], now=LATER)
    assert not KOREAN_ONLY & result.affected


def test_naming_or_dropping_a_version_touches_that_versions_feeds(store: Store) -> None:
    # Only the English record names the other: the pair is linked by that name alone.
    store.upsert_many([korean(translations=()), english()], now=LATER)
    named = store.upsert_many(
        [english(translations=(Translation("ko-1", "ko"),), updated=LATER)], now=LATER
    )
    assert named.affected >= KOREAN_ONLY  # the Korean entry gains its link to en-1
    dropped = store.upsert_many(
        [english(translations=(), updated=LATER + timedelta(minutes=1))], now=LATER
    )
    assert dropped.affected >= KOREAN_ONLY  # ... and loses it


def test_an_embargo_lift_announces_the_counterparts_feeds(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(
        [
            article("ko-1", NOW - timedelta(days=1), translations=(Translation("en-1", "en"),)),
            article("en-1", EMBARGO, updated=NOW, language="en", section=Section("world", "World")),
        ],
        site_url=BASE,
    )
    service = app.extensions[SERVICE_KEY]
    heard: list[Any] = []
    service.listeners.subscribe(heard.append)
    assert announce_lifts(service, EMBARGO + timedelta(minutes=1)) == ["en-1"]
    (change,) = heard
    assert {Facet("section", "asia"), Facet("language", "ko")} <= change.facets


@pytest.fixture
def hub() -> Iterator[Hub]:
    server = Hub()
    yield server
    server.stop()


def test_the_counterparts_feeds_get_a_new_etag_and_a_ping(
    make_app: Callable[..., Flask], clock: Clock, hub: Hub
) -> None:
    ko = article("ko-1", NOW - timedelta(days=1), translations=(Translation("en-1", "en"),))
    en = article(
        "en-1",
        NOW - timedelta(days=2),
        language="en",
        section=Section("world", "World"),
        status="draft",
    )
    app = make_app([ko, en], site_url=BASE, hub_url=hub.url)
    client = app.test_client()
    service = app.extensions[SERVICE_KEY]
    notifier = app.extensions["feeds.websub"]
    feed = "/feeds/section/asia.atom"  # the Korean story's section: the English one is not in it
    etags = [client.get(feed).headers["ETag"]]
    changes: list[Any] = [
        lambda: service.replace(
            article("en-1", NOW - timedelta(days=2), updated=NOW, language="en", section=en.section)
        ),  # published
        lambda: service.delete("en-1"),  # deleted
    ]
    for change in changes:
        assert notifier.flush(FLUSH)
        hub.pings.clear()
        change()
        assert notifier.flush(FLUSH)
        assert f"{BASE}{feed}" in hub.topics()
        assert f"{BASE}/feeds/lang/ko.atom" in hub.topics()
        answer = client.get(feed, headers={"If-None-Match": etags[-1]})
        assert answer.status_code == 200
        etags.append(answer.headers["ETag"])
    # Each change gave a new ETag; the last bytes are the first ones again (no link), and so
    # is their ETag.
    assert etags[0] != etags[1] != etags[2] == etags[0]
    assert b'hreflang="en"' not in client.get(feed).data
