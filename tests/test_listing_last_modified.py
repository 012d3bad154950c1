"""Property: the documents that list articles (the index, facet and show pages, the OPML
lists, robots.txt, the sitemap index, the monthly and news sitemaps, a feed's preview page)
date every change of their bytes, on SQLite and PostgreSQL.

Over random sequences of writes (a new article, a correction, a withdrawal, a deletion, an
embargo that the clock then lifts, a translation named or dropped), with the clock moving:
every 200 carries Last-Modified (each look is a whole second after the last write); it is
never later than the answer and never goes back; whenever a document's bytes differ from the
last copy a client got, its date is later than that copy's, so `If-Modified-Since` with the
old date gets the new bytes (200), and with the current date a 304. A document that went away
(404) and came back counts as changed against the copy before it went. Looks fall on whole
seconds and lifts between them: a change in the look's own second gets no date yet
(`feeds.etag.settled_last_modified`).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_date

from articles.model import Article, Section, Tag, Translation
from articles.store import Store
from feeds import create_app
from tests.fixtures.app import Clock
from tests.fixtures.store import BACKENDS, fresh_database, make_article

START = datetime(2025, 8, 2, 12, 0, tzinfo=UTC)  # two months of articles: July and August
IDS = ("a", "b", "c", "d")
SECTIONS = ("asia", "world")
STEP = timedelta(seconds=2)
NAVIGATION = {
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
}
DOCUMENTS = (
    "/",
    "/feeds.opml",
    "/feeds.opml?format=json",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemaps/articles-2025-07.xml",
    "/sitemaps/articles-2025-08.xml",
    "/sitemaps/news.xml",
    "/section/asia",
    "/section/world",
    "/tag/shared",
    "/tag/only-a",
    "/lang/en",
)

operations = st.one_of(
    st.tuples(
        st.just("new"),
        st.sampled_from(IDS),
        st.sampled_from(SECTIONS),
        st.sampled_from(["july", "recent"]),
    ),
    st.tuples(st.just("correct"), st.sampled_from(IDS), st.booleans()),
    st.tuples(st.just("withdraw"), st.sampled_from(IDS)),
    st.tuples(st.just("delete"), st.sampled_from(IDS)),
    st.tuples(st.just("embargo"), st.sampled_from(IDS), st.integers(1, 3)),
    st.tuples(st.just("translate"), st.sampled_from(IDS), st.sampled_from(IDS)),
    st.tuples(st.just("wait"), st.sampled_from([1, 60, 3600, 2 * 86400])),
)


def _new(article_id: str, section: str, when: str, now: datetime) -> Article:
    published = datetime(2025, 7, 20, 9, 0, tzinfo=UTC) if when == "july" else now - STEP
    return make_article(
        article_id,
        published=published,
        updated=published,
        language="en" if article_id in "ab" else "ko",
        title=f"Title of {article_id}",
        section=Section(section, section.title()),
        tags=(Tag(f"only-{article_id}", f"Only {article_id}"), Tag("shared", "Shared")),
    )


def apply(store: Store, operation: tuple[Any, ...], now: datetime) -> None:
    """One write at `now` (or none, when it does not apply)."""
    kind, *args = operation
    if kind == "new":
        article_id, section, when = args
        if store.get(article_id) is None:
            store.upsert_many([_new(article_id, section, when, now)], now=now)
        return
    if kind == "wait":
        return
    stored = store.get(args[0])
    if stored is None:
        return
    if kind == "delete":
        store.delete(stored.id, now=now)
        return
    changes: dict[str, Any]
    if kind == "correct":  # with a new `updated`, or repeating the stored one
        changes = {"title": f"{stored.title} (corrected {now:%H%M%S})", "status": "published"}
        if args[1]:
            changes["updated"] = max(stored.updated, now - STEP)
    elif kind == "withdraw":
        changes = {"status": "withheld"}
    elif kind == "embargo":  # hidden until a few steps later: the clock lifts it, no write
        # Half a second off: every look is at a whole second, so none falls in the lift's
        # second (a change in the current second is not dated yet, by the settled rule).
        changes = {"published": now + args[1] * STEP + timedelta(milliseconds=500)}
    else:  # translate: name another version, or drop the names
        other = args[1]
        names = () if other == stored.id or stored.translations else (Translation(other, "en"),)
        changes = {"translations": names}
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
            "site_url": "https://news.example.com",
        }
    )
    store: Store = app.extensions["feeds.store"]
    try:
        store.migrate()  # PostgreSQL is migrated as a deliberate step
        # The settings came into use before the first write (as at any start-up).
        app.extensions["feeds.version"].since(clock.now)
        clock.now = START
        store.upsert_many(
            [_new("c", "asia", "july", START), _new("d", "world", "recent", START)], now=START
        )
        client = app.test_client()
        last: dict[str, tuple[bytes, str]] = {}  # the last copy a client got, and its date
        for operation in [("wait", 1), *sequence]:
            clock.now += STEP
            apply(store, operation, clock.now)
            if operation[0] == "wait":
                clock.now += timedelta(seconds=operation[1])
            clock.now += STEP  # the write is a whole second old: a date can be sent
            paths = [*DOCUMENTS, "/feeds/all.atom"]
            for path in paths:
                headers = NAVIGATION if path.startswith("/feeds/") else {}
                response = client.get(path, headers=headers)
                if response.status_code != 200:
                    assert response.status_code in (404, 410), (path, response.status_code)
                    continue
                modified = response.headers.get("Last-Modified")
                assert modified, (path, operation)
                date = parse_date(modified)
                assert date is not None and date <= clock.now, (path, modified)
                if path.startswith("/feeds.opml"):  # its head dates it as the header does
                    head = ElementTree.fromstring(response.data).find("head")
                    assert head is not None and head.find("dateCreated") is None
                    assert head.findtext("dateModified") == modified, (path, operation)
                before = last.get(path)
                if before is not None:
                    body, old = before
                    old_date = parse_date(old)
                    assert old_date is not None
                    assert date >= old_date, (path, operation, old, modified)  # never back
                    if response.data != body:
                        assert date > old_date, (path, operation, old, modified)
                        again = client.get(path, headers={**headers, "If-Modified-Since": old})
                        assert again.status_code == 200, (path, operation)
                current = client.get(path, headers={**headers, "If-Modified-Since": modified})
                assert current.status_code == 304, (path, operation)
                last[path] = (response.data, modified)
    finally:
        store.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(operations, min_size=1, max_size=6))
def test_every_listing_dates_each_change_of_its_bytes(
    backend: str, sequence: list[tuple[Any, ...]]
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="listing-dates-"))
    try:
        with fresh_database(backend, folder) as url:
            run(url, folder, sequence)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
