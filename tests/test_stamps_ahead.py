"""A version the server stamped ahead of the clock is no newer than its write.

Server-dated writes faster than one a second are stamped ahead of the clock (up to
`articles.store.stamps.LEAD`), so such a version's `updated` is later than its write. A
record made after that write, dated truthfully, was "older" than the stored stamp and the
importer skipped it: a correction imported seconds after a burst of API writes was lost.

The store's rule: a stored version the server stamped after its own write counts, against
an incoming record, as of that write (`stamped_ahead.written`). A record from then on replaces
it and is dated after the stored stamp (so `updated` never goes back in a feed); the same
record imported again is unchanged; a record older than the write is skipped, as before.
Versions dated by their record, ahead of the clock or not, behave exactly as before: a
record's `updated` is its own claim. On both back-ends.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importer import import_sources
from articles.service import ArticleService
from articles.store import Store
from articles.store.stamps import LEAD
from tests.fixtures.store import make_article

AUTHORITY = "feeds.example.org,2025"
T = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)
BURST = 30  # corrections in one second: stamped T .. T+29 s
_EXAMPLES = itertools.count()


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _burst(store: Store, clock: _Clock) -> ArticleService:
    """BURST stored articles, each corrected (server-dated) within the second T."""
    service = ArticleService(store, tag_authority=AUTHORITY, clock=clock)
    clock.now = T - timedelta(hours=1)
    store.upsert_many([make_article(f"b{n}", minutes=n) for n in range(BURST)])
    clock.now = T
    for n in range(BURST):
        service.correct(f"b{n}", {"summary": "고침"})
    return service


def _line(article_id: str, updated: datetime, **fields: Any) -> bytes:
    stored = make_article(article_id)
    data = {
        "id": article_id,
        "guid": stored.guid,
        "title": f"기사 {article_id}",
        "published": stored.published.isoformat(),
        "updated": updated.isoformat(),
        "section": {"slug": "asia", "label": "아시아"},
        "body_html": "<p>본문</p>",
        **fields,
    }
    return orjson.dumps(data) + b"\n"


def test_a_burst_is_stamped_ahead_of_the_clock(store: Store) -> None:
    clock = _Clock(T)
    _burst(store, clock)
    last = store.get(f"b{BURST - 1}")
    assert last is not None and last.updated == T + timedelta(seconds=BURST - 1)


def test_a_correction_made_after_the_write_replaces_a_version_stamped_ahead(
    store: Store, tmp_path: Path
) -> None:
    clock = _Clock(T)
    service = _burst(store, clock)
    ahead = store.get(f"b{BURST - 1}")
    assert ahead is not None
    # Ten seconds after the burst, a desk corrects it and dates the correction truthfully.
    clock.now = T + timedelta(seconds=10)
    source = tmp_path / "fix.jsonl"
    source.write_bytes(_line(ahead.id, clock.now, title="고친 제목"))
    report = import_sources(service, [str(source)])
    assert (report.updated, report.skipped, report.errors) == (1, 0, [])
    fixed = store.get(ahead.id)
    assert fixed is not None and fixed.title == "고친 제목"
    # Dated after the stamp it replaced: a feed's atom:updated never goes back.
    assert fixed.updated > ahead.updated
    assert fixed.updated.microsecond == 0
    # The same file again is the stored version: unchanged, not "older".
    clock.now = T + timedelta(seconds=12)
    again = import_sources(service, [str(source)])
    assert (again.updated, again.unchanged, again.skipped, again.notes) == (0, 1, 0, [])
    assert store.get(ahead.id) == fixed


def test_a_record_older_than_the_write_is_still_skipped(store: Store, tmp_path: Path) -> None:
    clock = _Clock(T)
    service = _burst(store, clock)
    ahead = store.get(f"b{BURST - 1}")
    assert ahead is not None
    clock.now = T + timedelta(seconds=10)
    source = tmp_path / "old.jsonl"
    source.write_bytes(_line(ahead.id, T - timedelta(seconds=5), title="낡은 제목"))
    report = import_sources(service, [str(source)])
    assert (report.updated, report.skipped) == (0, 1)
    assert store.get(ahead.id) == ahead


def test_a_records_own_updated_ahead_is_its_claim(store: Store) -> None:
    """A record's own `updated` ahead of the clock (a skewed clock) is compared as stated:
    only the server's stamps count from their write."""
    clock = _Clock(T)
    service = ArticleService(store, tag_authority=AUTHORITY, clock=clock)
    service.upsert_many([make_article("s1", updated=T + timedelta(seconds=200))])
    stored = store.get("s1")
    clock.now = T + timedelta(seconds=20)
    result = service.upsert_many(
        [make_article("s1", updated=T + timedelta(seconds=20), title="나중 제목")]
    )
    assert (result.updated, result.skipped) == (0, 1)
    assert store.get("s1") == stored


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ahead=st.integers(min_value=0, max_value=int(LEAD.total_seconds())),
    stated=st.integers(min_value=-30, max_value=int(LEAD.total_seconds()) + 30),
    later=st.integers(min_value=0, max_value=30),
)
def test_the_rule_for_any_stamp_and_incoming_date(
    store: Store, ahead: int, stated: int, later: int
) -> None:
    """The server stamps a correction `ahead` s after its write at t; a record stating
    t+`stated` arrives at t+`later`. It replaces the stored version exactly when it is dated
    at or after the stored `updated` or the write, and `updated` never goes back."""
    k = next(_EXAMPLES)  # one store for every example: an id and an hour each
    article_id, t = f"p{k}", T + timedelta(hours=k)
    clock = _Clock(t)
    service = ArticleService(store, tag_authority=AUTHORITY, clock=clock)
    first = make_article(article_id, updated=t + timedelta(seconds=ahead - 1))
    service.upsert_many([first])
    service.correct(article_id, {"summary": "고침"})  # stamped t+ahead: one after the stored
    before = store.get(article_id)
    assert before is not None and before.updated == t + timedelta(seconds=ahead)
    clock.now = t + timedelta(seconds=later)
    incoming = make_article(article_id, updated=t + timedelta(seconds=stated), title="새 제목")
    result = service.upsert_many([incoming])
    after = store.get(article_id)
    assert after is not None
    if stated >= ahead or stated >= 0:
        assert (result.updated, after.title) == (1, "새 제목")
        # The stored time itself is a change without a new `updated` (`rows.moved_past`).
        assert after.updated > before.updated or stated == ahead == (after.updated - t).seconds
    else:
        assert (result.skipped, after) == (1, before)
