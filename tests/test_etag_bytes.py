"""A feed document's ETag changes exactly when its bytes do (RFC 9110 8.8.3: a strong
validator), whatever write happened to the store, and its Last-Modified never goes back.

The ETag is computed from the database without rendering (`feeds.etag.document_etag`); it
must hash what the document's format shows and nothing else. A write the document does not
show (an entry removed past its page, a tombstone JSON Feed does not carry, a draft edited, a
month's entry withdrawn in another month's archive) must leave its tag alone, or every poller
is sent the same bytes again with a 200 instead of a 304.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_date

from articles.model import Section
from articles.service import ArticleService
from feeds import create_app
from tests.fixtures.app import Clock, article

START = datetime(2025, 8, 20, 12, 0, tzinfo=UTC)
JULY = datetime(2025, 7, 2, 8, 0, tzinfo=UTC)
COUNT = 11  # visible articles a01..a11 (every fourth day from 2 July), plus a draft
FORMATS = ("atom", "rss", "json")
DOCUMENTS = (
    "/feeds/all.{fmt}?limit=3",
    "/feeds/all.{fmt}?limit=3&page=2",
    "/feeds/section/world.{fmt}?limit=2",
    "/feeds/all/archive/2025-07.{fmt}",
    "/feeds/all/archive/2025-08.{fmt}",
)
URLS = tuple(doc.format(fmt=fmt) for doc in DOCUMENTS for fmt in FORMATS)

Snapshot = dict[str, tuple[bytes, str, str | None]]


def corpus() -> list[Any]:
    """Eleven visible articles from 2 July to 11 August 2025 (a03, a07, a11 in section world: a01 is
    the oldest, a11 the newest) and a draft."""
    found = [
        article(
            f"a{i:02d}",
            JULY + timedelta(days=4 * (i - 1)),
            **({"section": Section("world", "World")} if i % 4 == 3 else {}),
        )
        for i in range(1, COUNT + 1)
    ]
    found.append(article("draft", JULY, status="draft"))
    return found


def make(folder: str, clock: Clock, tombstone_days: int) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "FEEDS_CLOCK": clock,
            "FEEDS_INSTANCE_PATH": folder,
            "database_url": f"sqlite:///{folder}/articles.db",
            "load_samples": False,
            "response_memo_ms": 0,
            "site_url": "https://news.example.com",
            "tombstone_days": tombstone_days,
        }
    )
    app.extensions["feeds.store"].upsert_many(corpus(), now=clock.now)
    return app


def snapshot(client: FlaskClient) -> Snapshot:
    """Each served document's bytes, ETag and Last-Modified (documents answering 404 or 410
    left out)."""
    found: Snapshot = {}
    for url in URLS:
        response = client.get(url)
        if response.status_code == 200:
            found[url] = (
                response.data,
                response.headers["ETag"],
                response.headers.get("Last-Modified"),
            )
    return found


def check_validators(before: Snapshot, after: Snapshot, step: str) -> None:
    for url in before.keys() & after.keys():
        (body, tag, modified), (body2, tag2, modified2) = before[url], after[url]
        same = body == body2
        assert (tag == tag2) == same, (
            f"{step}: {url} {'kept' if same else 'changed'} its bytes but its ETag "
            f"{'changed' if same else 'did not'}"
        )
        if modified is not None and modified2 is not None:
            old, new = parse_date(modified), parse_date(modified2)
            assert old is not None and new is not None
            assert new >= old, f"{step}: {url} Last-Modified went back"


WRITES: dict[str, Callable[[ArticleService, str], object]] = {
    "delete": lambda service, target: service.delete(target),
    "withdraw": lambda service, target: service.correct(target, {"status": "draft"}),
    "correct": lambda service, target: service.correct(target, {"title": f"{target} corrected"}),
    "edit draft": lambda service, target: service.correct("draft", {"title": "still a draft"}),
}

# (write, target, tombstone_days, documents whose bytes the write leaves as they were)
UNSEEN = [
    # The oldest entry: past pages 1 and 2 of three entries; the last page stays the fourth.
    ("delete", "a01", 0, ["/feeds/all.{fmt}?limit=3", "/feeds/all.{fmt}?limit=3&page=2"]),
    ("withdraw", "a01", 0, ["/feeds/all.{fmt}?limit=3", "/feeds/all.{fmt}?limit=3&page=2"]),
]


@pytest.mark.parametrize(("write", "target", "tombstone_days", "documents"), UNSEEN)
def test_a_write_a_document_does_not_show_keeps_its_etag(
    tmp_path: Path, write: str, target: str, tombstone_days: int, documents: list[str]
) -> None:
    clock = Clock(START)
    app = make(str(tmp_path), clock, tombstone_days)
    client = app.test_client()
    before = snapshot(client)
    clock.now += timedelta(minutes=1)
    WRITES[write](app.extensions["articles.service"], target)
    clock.now += timedelta(minutes=1)
    after = snapshot(client)
    for url in (doc.format(fmt=fmt) for doc in documents for fmt in FORMATS):
        assert after[url][0] == before[url][0], f"{url}: the example's premise"
        assert after[url][1] == before[url][1], f"{url}: same bytes, new ETag after {write}"
    app.extensions["feeds.store"].dispose()


def test_json_feed_keeps_its_etag_when_a_tombstone_only_atom_carries_appears(
    tmp_path: Path,
) -> None:
    """Tombstones on: deleting an entry past the page gives the Atom document an
    at:deleted-entry (new bytes, new tag); JSON Feed carries none, so its tag stays."""
    clock = Clock(START)
    app = make(str(tmp_path), clock, 30)
    client = app.test_client()
    before = snapshot(client)
    clock.now += timedelta(minutes=1)
    app.extensions["articles.service"].delete("a01")
    clock.now += timedelta(minutes=1)
    after = snapshot(client)
    atom, json = "/feeds/all.atom?limit=3", "/feeds/all.json?limit=3"
    assert after[atom][0] != before[atom][0] and after[atom][1] != before[atom][1]
    assert after[json][0] == before[json][0] and after[json][1] == before[json][1]
    app.extensions["feeds.store"].dispose()


def test_the_preview_still_changes_with_the_count_it_shows(tmp_path: Path) -> None:
    """The HTML preview shows the feed's count of entries: its tag follows it, while the
    feed's own tag (no format shows the count) does not. (A guard of the fix: the preview's
    tag is made from the feed's whole state, not from the format's projection.)"""
    clock = Clock(START)
    app = make(str(tmp_path), clock, 0)
    client = app.test_client()
    navigate = {"Accept": "text/html", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    page = client.get("/feeds/all.atom?limit=3", headers=navigate)
    assert page.mimetype == "text/html"
    clock.now += timedelta(minutes=1)
    app.extensions["articles.service"].delete("a01")
    clock.now += timedelta(minutes=1)
    again = client.get("/feeds/all.atom?limit=3", headers=navigate)
    assert again.data != page.data
    assert again.headers["ETag"] != page.headers["ETag"]
    app.extensions["feeds.store"].dispose()


STEP = st.tuples(
    st.sampled_from(sorted(WRITES)),
    st.sampled_from([f"a{i:02d}" for i in range(1, COUNT + 1)]),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(STEP, min_size=1, max_size=5), tombstone_days=st.sampled_from([0, 30]))
@example(steps=[("delete", "a01")], tombstone_days=0)
@example(steps=[("withdraw", "a04"), ("delete", "a01")], tombstone_days=30)
def test_etag_changes_iff_the_bytes_do(steps: list[tuple[str, str]], tombstone_days: int) -> None:
    """For any sequence of writes (deletions, withdrawals, corrections, a draft's edits; many
    of them outside a given document), each document's ETag changes iff its bytes change, in
    every format, and its Last-Modified never goes back."""
    folder = tempfile.mkdtemp(prefix="etag-bytes-")
    clock = Clock(START)
    app = make(folder, clock, tombstone_days)
    try:
        client = app.test_client()
        service = app.extensions["articles.service"]
        before = snapshot(client)
        gone: set[str] = set()
        for write, target in steps:
            clock.now += timedelta(minutes=1)
            if target in gone and write != "edit draft":
                continue
            WRITES[write](service, target)
            if write in ("delete", "withdraw"):
                gone.add(target)
            clock.now += timedelta(minutes=1)
            after = snapshot(client)
            check_validators(before, after, f"{write} {target}")
            before = after
    finally:
        app.extensions["feeds.store"].dispose()
        shutil.rmtree(folder, ignore_errors=True)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(STEP, min_size=1, max_size=4),
    fractions=st.lists(st.integers(min_value=0, max_value=999_999), min_size=4, max_size=4),
)
@example(steps=[("correct", "a11"), ("delete", "a10")], fractions=[0, 500_000, 600_000, 700_000])
def test_etag_keeps_still_when_a_tombstone_expires_within_a_shown_second(
    steps: list[tuple[str, str]], fractions: list[int]
) -> None:
    """Writes come at any fraction of a second, and tombstones expire by the clock alone: the
    documents show whole seconds (`feeds.writers.dates`), so a feed whose `updated` moves only
    below the second, from a deletion's `when` to an entry's `updated` stamped in that same
    second, keeps its bytes and must keep its ETag (the RSS `lastBuildDate`, the Atom feed's
    `updated` once the tombstone has gone). Before, the ETag hashed the instant to the
    microsecond and changed with no byte changed."""
    folder = tempfile.mkdtemp(prefix="etag-seconds-")
    clock = Clock(START)
    app = make(folder, clock, tombstone_days=1)
    try:
        client = app.test_client()
        service = app.extensions["articles.service"]
        gone: set[str] = set()
        second = START + timedelta(minutes=1)
        for i, (write, target) in enumerate(steps):
            # Every write of the sequence in one second, at its own fraction of it.
            clock.now = second + timedelta(microseconds=sorted(fractions)[min(i, 3)])
            if target in gone and write != "edit draft":
                continue
            WRITES[write](service, target)
            if write in ("delete", "withdraw"):
                gone.add(target)
        clock.now = second + timedelta(seconds=5)
        before = snapshot(client)
        clock.now = second + timedelta(days=1, seconds=5)  # every tombstone has expired
        check_validators(before, snapshot(client), f"{steps} at {fractions}, a day later")
    finally:
        app.extensions["feeds.store"].dispose()
        shutil.rmtree(folder, ignore_errors=True)
