"""Feed counts and change times summed over one write transaction, written once at its end.

`StoreTransaction` adds to a `FeedTotals` as it writes articles (published-count changes per
feed, the latest change time per feed) and calls `flush` before the commit, and before anyone
else gets the connection: one upsert per feed for the whole transaction instead of one per
feed per chunk of articles. Nothing in the transaction reads these rows back in between.
Feeds are keyed by (kind, value), as `articles.store.facets` names them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from articles.store.schema import (
    change_sequence_table,
    facet_changes_table,
    facet_counts_table,
)

FeedKey = tuple[str, str]  # (kind, value), e.g. ("tag", "japan"); ("all", "") for every article


class FeedTotals:
    """What one transaction changes in `facet_counts` and `facet_changes`, until `flush`."""

    def __init__(self) -> None:
        self._counts: Counter[FeedKey] = Counter()
        self._changes: dict[FeedKey, datetime] = {}

    def add_counts(self, deltas: Mapping[FeedKey, int]) -> None:
        """Add published-count changes (+1 per feed a published version enters, -1 per feed
        one leaves)."""
        self._counts.update(deltas)

    def mark_changed(self, feeds: Iterable[FeedKey], now: datetime) -> None:
        """Move each feed's change time to `now` (never back: a later one is kept)."""
        pending = self._changes
        for key in feeds:
            when = pending.get(key)
            if when is None or now > when:
                pending[key] = now

    def clear(self) -> None:
        """Forget everything summed (the transaction was rolled back)."""
        self._counts.clear()
        self._changes.clear()

    def flush(self, conn: Connection) -> None:
        """Write what was summed so far on `conn` (inside its transaction) and start afresh."""
        counts, self._counts = self._counts, Counter()
        changes, self._changes = self._changes, {}
        _write_counts(conn, counts)
        _write_changes(conn, changes)


def _write_counts(conn: Connection, deltas: Mapping[FeedKey, int]) -> None:
    rows = [
        {"kind": kind, "value": value, "published_count": n}
        for (kind, value), n in deltas.items()
        if n
    ]
    if not rows:
        return
    fc = facet_counts_table
    insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    statement = insert(fc)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "value"],
        set_={"published_count": fc.c.published_count + statement.excluded.published_count},
    )
    conn.execute(statement, rows)


def _write_changes(conn: Connection, changes: Mapping[FeedKey, datetime]) -> None:
    if not changes:
        return
    # The change sequence as this transaction moved it (its row is locked until the commit,
    # so no other writer's value can be in between): the feeds' `seq`.
    cs = change_sequence_table
    seq = conn.execute(sa.select(cs.c.seq).where(cs.c.name == "articles")).scalar_one()
    rows = [
        {"kind": kind, "value": value, "changed_at": when, "seq": seq}
        for (kind, value), when in changes.items()
    ]
    fc = facet_changes_table
    insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    statement = insert(fc)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "value"],
        set_={
            "seq": statement.excluded.seq,
            "changed_at": sa.case(
                (statement.excluded.changed_at > fc.c.changed_at, statement.excluded.changed_at),
                else_=fc.c.changed_at,
            ),
        },
    )
    conn.execute(statement, rows)
