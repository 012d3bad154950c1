"""Last-Modified is a promise in whole seconds: it is sent only for a change a second old.

Two changes within one second share one HTTP date, so a client that fetched between them and
revalidates with `If-Modified-Since` alone must not be told "not modified"
(RFC 9110 8.8.2.2, `feeds.etag.settled_last_modified`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.http import http_date, parse_date

from feeds.etag import settled_last_modified
from feeds.urls import ARTICLES_PREFIX
from tests.fixtures.app import NOW, Clock, article

SECOND = NOW.replace(minute=5)  # a whole second well after the fixture's articles


def _newest(changes: list[datetime], at: datetime) -> datetime | None:
    return max((c for c in changes if c <= at), default=None)


def _not_modified(since: datetime | None, modified: datetime | None) -> bool:
    """The server's If-Modified-Since rule (feeds.etag.is_fresh): `modified <= since`."""
    return since is not None and modified is not None and modified <= since


_offsets = st.integers(min_value=0, max_value=5_000_000)  # microseconds within 5 s


@settings(max_examples=400, deadline=None)
@given(
    changes=st.lists(_offsets, min_size=1, max_size=6),
    first=_offsets,
    later=st.integers(min_value=0, max_value=5_000_000),
)
def test_a_304_to_if_modified_since_means_nothing_changed_since_that_fetch(
    changes: list[int], first: int, later: int
) -> None:
    base = datetime(2025, 8, 10, 12, 0, tzinfo=UTC)
    times = sorted(base + timedelta(microseconds=c) for c in changes)
    t1 = base + timedelta(microseconds=first)
    t2 = t1 + timedelta(microseconds=later)
    sent = settled_last_modified(_newest(times, t1), t1)
    now_modified = settled_last_modified(_newest(times, t2), t2)
    if _not_modified(sent, now_modified):
        assert not any(t1 < c <= t2 for c in times), (sent, now_modified)
    for at, value in ((t1, sent), (t2, now_modified)):
        if value is not None:
            assert value <= at and value.microsecond == 0 and value.tzinfo is not None
    if sent is not None and now_modified is not None:
        assert now_modified >= sent  # never goes back


def test_no_date_while_the_change_is_in_the_current_second_or_ahead_of_the_clock() -> None:
    assert settled_last_modified(SECOND + timedelta(milliseconds=200), SECOND) is None
    at = SECOND + timedelta(milliseconds=900)
    assert settled_last_modified(SECOND + timedelta(milliseconds=200), at) is None
    assert settled_last_modified(SECOND + timedelta(days=3), SECOND) is None
    assert settled_last_modified(None, SECOND) is None
    later = SECOND + timedelta(seconds=1)
    assert settled_last_modified(SECOND + timedelta(milliseconds=200), later) == SECOND


def test_two_writes_in_one_second_never_give_a_304_for_the_second(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app()
    store = app.extensions["feeds.store"]
    client = app.test_client()
    first_write = SECOND + timedelta(milliseconds=100)
    store.upsert_many([article("same-second-a", first_write)], now=first_write)
    clock.now = SECOND + timedelta(milliseconds=500)
    fetched = client.get("/feeds/all.atom")
    assert fetched.status_code == 200
    seen = fetched.headers.get("Last-Modified")
    # Not the current second: a later write in it would leave the date unchanged.
    assert seen is None or parse_date(seen) < SECOND
    second_write = SECOND + timedelta(milliseconds=700)
    store.upsert_many([article("same-second-b", second_write)], now=second_write)
    clock.now = SECOND + timedelta(milliseconds=1900)
    # A client holding what it was given must not be told the document is unchanged (with a
    # date of the writes' own second, as once sent here, it was: a 304).
    for since in filter(None, (seen,)):
        again = client.get("/feeds/all.atom", headers={"If-Modified-Since": since})
        assert again.status_code == 200, since
        assert b"same-second-b" in again.data
    # Once the change is a second old the date is sent, and it is the change's second.
    settled = client.get("/feeds/all.atom")
    assert settled.headers["Last-Modified"] == http_date(SECOND)


def test_an_article_page_follows_the_same_rule(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app()
    store = app.extensions["feeds.store"]
    client = app.test_client()
    written = SECOND + timedelta(milliseconds=100)
    store.upsert_many([article("page-same-second", written)], now=written)
    path = ARTICLES_PREFIX + "page-same-second"
    clock.now = SECOND + timedelta(milliseconds=600)
    first = client.get(path)
    assert first.status_code == 200
    assert "Last-Modified" not in first.headers
    clock.now = SECOND + timedelta(seconds=2)
    assert client.get(path).headers["Last-Modified"] == http_date(SECOND)


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/all.atom",
        "/feeds/section/asia.json",
        "/feeds/all/archive/2025-08.rss",
        ARTICLES_PREFIX + "undated-in-caches",
        "/section/asia",
        "/",
        "/feeds.opml",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_an_undated_answer_is_kept_by_no_shared_cache(
    make_app: Callable[..., Flask], clock: Clock, path: str
) -> None:
    """A cache serves the headers of the answer it stored again after each 304 (nginx does),
    so an answer without Last-Modified, stored in the second after a write, would stay undated
    there for as long as the document does not change: it says `s-maxage=0` (nginx stores
    nothing; a cache that does revalidates at each use), and once dated it does not."""
    app = make_app()
    store = app.extensions["feeds.store"]
    client = app.test_client()
    written = SECOND + timedelta(milliseconds=100)
    store.upsert_many([article("undated-in-caches", written)], now=written)
    clock.now = SECOND + timedelta(milliseconds=600)
    undated = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert undated.status_code == 200
    assert "Last-Modified" not in undated.headers  # the test's premise
    directives = [d.strip() for d in undated.headers["Cache-Control"].split(",")]
    assert directives[0] == "public" and "s-maxage=0" in directives
    # The 304 the cache gets when it revalidates says the same.
    again = client.get(path, headers={"If-None-Match": undated.headers["ETag"]})
    assert again.status_code == 304
    assert "s-maxage=0" in again.headers["Cache-Control"]
    clock.now = SECOND + timedelta(seconds=2)
    dated = client.get(path)
    assert dated.headers["Last-Modified"] == http_date(SECOND)
    assert "s-maxage" not in dated.headers["Cache-Control"]
