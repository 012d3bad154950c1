"""The store dates each UTC month's changes (`month_changes`, migration 0016).

Every write that changes what readers see of an article moves the change time of the month
it was seen in and of the month it is seen in now, on SQLite and PostgreSQL; writes readers
cannot see (drafts, embargoed stories) move none, and a time never goes back.
"""

from __future__ import annotations

from datetime import timedelta

from articles.store import Store
from tests.fixtures.store import T0, make_article

LATER = T0 + timedelta(days=40)  # 2025-09-08: after both months below


def test_a_new_article_moves_its_month(store: Store) -> None:
    store.upsert_many([make_article("a1")], now=LATER)
    assert store.month_changes(now=LATER) == {"2025-07": LATER}
    assert store.month_changes(["2025-07", "2025-08"], now=LATER) == {"2025-07": LATER}


def test_moving_an_article_to_another_month_moves_both(store: Store) -> None:
    store.upsert_many([make_article("a1")], now=LATER)
    moved = make_article("a1", minutes=60 * 24 * 5, title="moved")  # 2025-08-04
    written = LATER + timedelta(minutes=1)
    store.upsert_many([moved], now=written)
    assert store.month_changes(now=written) == {"2025-07": written, "2025-08": written}


def test_withdrawal_deletion_and_a_new_embargo_move_the_month(store: Store) -> None:
    store.upsert_many([make_article("a1"), make_article("a2"), make_article("a3")], now=LATER)
    steps = [
        lambda at: store.upsert_many(
            [make_article("a1", status="withheld", updated=T0 + timedelta(seconds=1))], now=at
        ),
        lambda at: store.delete("a2", now=at),
        lambda at: store.upsert_many(
            [make_article("a3", published=at + timedelta(hours=1), updated=at)], now=at
        ),
    ]
    at = LATER
    for step in steps:
        at += timedelta(minutes=1)
        step(at)
        assert store.month_changes(now=at) == {"2025-07": at}


def test_writes_readers_cannot_see_move_no_month(store: Store) -> None:
    store.upsert_many([make_article("d1", status="draft")], now=LATER)
    embargoed = make_article("e1", published=LATER + timedelta(days=1), updated=LATER)
    store.upsert_many([embargoed], now=LATER)
    assert store.month_changes(now=LATER) == {}


def test_a_month_change_never_goes_back_and_is_never_after_now(store: Store) -> None:
    store.upsert_many([make_article("a1")], now=LATER)
    store.upsert_many([make_article("a1", title="older clock")], now=LATER - timedelta(hours=1))
    assert store.month_changes(now=LATER) == {"2025-07": LATER}
    assert store.month_changes(now=LATER - timedelta(hours=2)) == {
        "2025-07": LATER - timedelta(hours=2)
    }
