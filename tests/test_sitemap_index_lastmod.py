"""The sitemap index dates each sitemap it names as that sitemap dates itself.

sitemaps.org: a `<sitemap>`'s `lastmod` is "the time that the corresponding Sitemap file was
modified"; crawlers compare it with their copy to decide what to fetch again. So each entry's
`lastmod` is the child's own `Last-Modified` as the app serves it (to the second), for every
kind of change: a new article, a backfill dated an hour ago (its `updated` is older than the
write), a correction, a withdrawal, a deletion, an embargo lifting, and, for the news sitemap,
an article leaving the two-day window by the clock alone. The index's own `Last-Modified`
moves with any entry's `lastmod`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from werkzeug.http import parse_date

from articles.model import Article
from articles.store import Store
from feeds import create_app
from feeds.sitemaps import SITEMAP_NS, Sitemaps
from tests.fixtures.app import NOW, Clock, article
from tests.fixtures.store import BACKENDS, fresh_database, make_article

BASE = "https://news.example.com"
NS = {"s": SITEMAP_NS}


def index_lastmods(client: FlaskClient) -> dict[str, datetime]:
    """{site-relative sitemap path: lastmod} of the sitemap index."""
    root = etree.fromstring(client.get("/sitemap.xml").data)
    return {
        str(e.findtext("s:loc", namespaces=NS)).removeprefix(BASE): datetime.fromisoformat(
            str(e.findtext("s:lastmod", namespaces=NS))
        )
        for e in root.xpath("//s:sitemap", namespaces=NS)
    }


def last_modified(client: FlaskClient, path: str) -> datetime:
    response = client.get(path)
    assert response.status_code == 200, path
    date = parse_date(response.headers["Last-Modified"])
    assert date is not None
    return date


def corpus() -> list[Article]:
    return [
        article("today", NOW - timedelta(hours=3)),
        article("yesterday", NOW - timedelta(hours=30)),
        article("last-month", NOW - timedelta(days=40)),
    ]


def test_a_backfilled_article_moves_its_sitemaps_lastmod_in_the_index(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """The tester's case: a record with published = updated = an hour before the import."""
    app = make_app(corpus(), site_url=BASE)
    client = app.test_client()
    before = index_lastmods(client)
    written = NOW + timedelta(minutes=10)
    backfill = NOW + timedelta(minutes=10) - timedelta(hours=1)
    app.extensions["feeds.store"].upsert_many([article("backfill", backfill)], now=written)
    clock.now = written + timedelta(minutes=1)
    after = index_lastmods(client)
    for path in ("/sitemaps/news.xml", "/sitemaps/articles-2025-08.xml"):
        assert "backfill" in client.get(path).get_data(as_text=True)
        assert after[path] == written == last_modified(client, path), path
        assert after[path] > before[path]
    assert after["/sitemaps/articles-2025-07.xml"] == before["/sitemaps/articles-2025-07.xml"]
    assert last_modified(client, "/sitemap.xml") >= written


def test_a_backfill_into_an_old_month_moves_that_months_lastmod(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(corpus(), site_url=BASE)
    client = app.test_client()
    written = NOW + timedelta(minutes=10)
    app.extensions["feeds.store"].upsert_many(
        [article("old-backfill", NOW - timedelta(days=35))], now=written
    )
    clock.now = written + timedelta(minutes=1)
    after = index_lastmods(client)
    path = "/sitemaps/articles-2025-07.xml"
    assert after[path] == written == last_modified(client, path)


def test_withholding_an_article_of_the_news_window_moves_the_news_sitemaps_lastmod(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """The tester's second case: the article leaves news.xml and its month's sitemap."""
    app = make_app(corpus(), site_url=BASE)
    client = app.test_client()
    store = app.extensions["feeds.store"]
    written = NOW + timedelta(minutes=10)
    stored = store.get("yesterday")
    store.upsert_many([replace(stored, status="withheld", updated=written)], now=written)
    clock.now = written + timedelta(minutes=1)
    assert "yesterday" not in client.get("/sitemaps/news.xml").get_data(as_text=True)
    after = index_lastmods(client)
    for path in ("/sitemaps/news.xml", "/sitemaps/articles-2025-08.xml"):
        assert after[path] == written == last_modified(client, path), path


def test_an_article_leaving_the_news_window_dates_the_news_sitemap_then(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """No write: "yesterday" (30 h old at NOW) leaves the window 18 h later, and the news
    sitemap changed at that moment."""
    client = make_app(corpus(), site_url=BASE).test_client()
    left = NOW - timedelta(hours=30) + timedelta(days=2)
    clock.now = left + timedelta(minutes=5)
    assert "yesterday" not in client.get("/sitemaps/news.xml").get_data(as_text=True)
    lastmod = index_lastmods(client)["/sitemaps/news.xml"]
    assert lastmod == left == last_modified(client, "/sitemaps/news.xml")


def test_a_deletion_after_an_article_left_the_window_keeps_the_news_date(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """An article of the month before the window's months leaves the window, then is deleted
    (no change to the news sitemap): its Last-Modified must not go back to an earlier time."""
    start = datetime(2025, 8, 2, 12, 0, tzinfo=UTC)
    clock.now = start
    articles = [
        article("jul-31", datetime(2025, 7, 31, 23, 0, tzinfo=UTC)),
        article("aug-1", datetime(2025, 8, 1, 1, 0, tzinfo=UTC)),
        article("aug-2", datetime(2025, 8, 2, 11, 0, tzinfo=UTC)),
    ]
    app = make_app(articles, site_url=BASE)
    client = app.test_client()
    clock.now = datetime(2025, 8, 3, 0, 30, tzinfo=UTC)  # jul-31 has left (at 2 Aug 23:00)
    seen = last_modified(client, "/sitemaps/news.xml")
    assert seen == datetime(2025, 8, 2, 23, 0, tzinfo=UTC)
    written = datetime(2025, 8, 3, 1, 0, tzinfo=UTC)
    app.extensions["feeds.store"].delete("jul-31", now=written)
    clock.now = datetime(2025, 8, 3, 2, 0, tzinfo=UTC)
    assert last_modified(client, "/sitemaps/news.xml") >= seen
    assert index_lastmods(client)["/sitemaps/news.xml"] >= seen


def test_every_part_of_a_long_month_is_dated_as_the_index_says(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    articles = [article(f"a{i}", NOW - timedelta(days=20, hours=i)) for i in range(5)]
    app = make_app(articles, site_url=BASE)
    store = app.extensions["feeds.store"]
    app.extensions["feeds.sitemaps"] = Sitemaps(store, app.extensions["feeds.config"], max_urls=2)
    client = app.test_client()
    written = NOW + timedelta(minutes=10)
    stored = store.get("a0")
    store.upsert_many([replace(stored, title="corrected", updated=written)], now=written)
    clock.now = written + timedelta(minutes=1)
    lastmods = index_lastmods(client)
    assert len(lastmods) == 3
    for path, lastmod in lastmods.items():
        assert lastmod == last_modified(client, path), path


# --- property: over random writes and waits -------------------------------------------------

START = datetime(2025, 8, 2, 12, 0, tzinfo=UTC)  # near a month's start: two months in the window
IDS = ("a", "b", "c", "d", "e")
STEP = timedelta(seconds=2)
# When a new record says it was published: just now, an hour ago (a backfill), 30 hours ago
# (the month before, inside the news window), 40 days ago (an old month).
AGES = {
    "now": STEP,
    "hour": timedelta(hours=1),
    "30h": timedelta(hours=30),
    "40d": timedelta(days=40),
}

operations = st.one_of(
    st.tuples(st.just("new"), st.sampled_from(IDS), st.sampled_from(sorted(AGES))),
    st.tuples(st.just("correct"), st.sampled_from(IDS)),
    st.tuples(st.just("withhold"), st.sampled_from(IDS)),
    st.tuples(st.just("delete"), st.sampled_from(IDS)),
    st.tuples(st.just("embargo"), st.sampled_from(IDS), st.integers(1, 3)),
    st.tuples(st.just("wait"), st.sampled_from([60, 3600, 20 * 3600, 2 * 86400, 3 * 86400])),
)


def apply(store: Store, operation: tuple[Any, ...], now: datetime) -> None:
    """One write at `now` (or none, when it does not apply)."""
    kind, *args = operation
    if kind == "wait":
        return
    stored = store.get(args[0])
    if kind == "new":
        if stored is None or stored.status != "published":
            published = now - AGES[args[1]]
            record = make_article(args[0], published=published, updated=published)
            store.upsert_many([record], now=now)
        return
    if stored is None:
        return
    if kind == "delete":
        store.delete(stored.id, now=now)
        return
    changes: dict[str, Any] = {"updated": max(stored.updated + STEP, now - STEP)}
    if kind == "correct":
        changes |= {"title": f"{stored.title} (corrected {now:%d %H%M%S})", "status": "published"}
    elif kind == "withhold":
        changes |= {"status": "withheld"}
    else:  # embargo: hidden until a few steps later, lifted by the clock (half a second off
        # the looks' whole seconds: a change in the look's own second is not dated yet)
        changes |= {"published": now + args[1] * STEP + timedelta(milliseconds=500)}
    store.upsert_many([replace(stored, **changes)], now=now)


def run(database_url: str, folder: Path, sequence: list[tuple[Any, ...]]) -> None:
    clock = Clock(START - timedelta(minutes=1))
    app: Flask = create_app(
        {
            "TESTING": True,
            "FEEDS_CLOCK": clock,
            "FEEDS_INSTANCE_PATH": str(folder),
            "database_url": database_url,
            "load_samples": False,
            "response_memo_ms": 0,
            "site_url": BASE,
        }
    )
    store: Store = app.extensions["feeds.store"]
    try:
        store.migrate()
        app.extensions["feeds.version"].since(clock.now)
        # Small files, so months run to several parts and the news sitemap is cut short.
        app.extensions["feeds.sitemaps"] = Sitemaps(
            store, app.extensions["feeds.config"], max_urls=2, news_max_urls=3
        )
        clock.now = START
        store.upsert_many(
            [
                article("b", START - timedelta(hours=30)),
                article("c", START - timedelta(days=40)),
            ],
            now=START,
        )
        client = app.test_client()
        seen: dict[str, tuple[bytes, datetime]] = {}  # each document's last copy and date
        for operation in [("wait", 60), *sequence]:
            clock.now += STEP
            apply(store, operation, clock.now)
            if operation[0] == "wait":
                clock.now += timedelta(seconds=operation[1])
            clock.now += STEP  # every write is a whole second old: dates can be sent
            index = client.get("/sitemap.xml")
            if index.status_code != 200:
                continue
            entries = index_lastmods(client)
            documents = {"/sitemap.xml": index}
            for path, lastmod in entries.items():
                child = client.get(path)
                assert child.status_code == 200, (path, operation)
                date = parse_date(child.headers["Last-Modified"])
                # The index says when the child changed, as the child itself says.
                assert lastmod == date, (path, operation, lastmod, date)
                documents[path] = child
            index_date = parse_date(index.headers["Last-Modified"])
            assert index_date is not None
            assert all(index_date >= lastmod for lastmod in entries.values())
            for path, response in documents.items():
                date = parse_date(response.headers["Last-Modified"])
                assert date is not None and date <= clock.now, (path, date)
                before = seen.get(path)
                if before is not None:
                    body, old = before
                    assert date >= old, (path, operation, old, date)  # never back
                    if response.data != body:  # changed since the crawler's copy: refetch
                        assert date > old, (path, operation, old, date)
                seen[path] = (response.data, date)
    finally:
        store.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(operations, min_size=1, max_size=8))
def test_the_index_dates_each_sitemap_as_it_dates_itself(
    backend: str, sequence: list[tuple[Any, ...]]
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="index-lastmod-"))
    try:
        with fresh_database(backend, folder) as url:
            run(url, folder, sequence)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fractions=st.lists(st.integers(0, 999_999), min_size=2, max_size=2, unique=True))
def test_the_index_keeps_its_etag_when_its_lastmods_move_within_the_second_they_show(
    make_app: Callable[..., Flask], clock: Clock, fractions: list[int]
) -> None:
    """Two deletions in one second, at any fractions of it: the index shows each `lastmod`
    to the second, so between them its bytes stay the same and so must its ETag (RFC 9110
    8.8.3; before, the ETag hashed the moments to the microsecond and changed)."""
    second = NOW + timedelta(minutes=5)
    clock.now = NOW
    extra = [article(f"extra-{i}", NOW - timedelta(hours=3, minutes=i)) for i in range(2)]
    app = make_app([*corpus(), *extra], site_url=BASE)
    client = app.test_client()
    service = app.extensions["articles.service"]
    first, then = sorted(fractions)
    clock.now = second + timedelta(microseconds=first)
    service.delete("extra-0")
    before = client.get("/sitemap.xml")
    clock.now = second + timedelta(microseconds=then)
    service.delete("extra-1")
    after = client.get("/sitemap.xml")
    assert before.status_code == after.status_code == 200
    assert after.data == before.data
    assert after.headers["ETag"] == before.headers["ETag"]
