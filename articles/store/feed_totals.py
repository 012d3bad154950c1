"""Feed counts and change times summed over one write transaction, written once at its end.

`StoreTransaction` adds to a `FeedTotals` as it writes articles (published-count changes per
feed, the latest change time per feed) and calls `flush` before the commit, and before anyone
else gets the connection: one upsert per feed for the whole transaction instead of one per
feed per chunk of articles. Nothing in the transaction reads these rows back in between.
Feeds are keyed by (kind, value), as `articles.store.facets` names them. The ids of the
articles the transaction changed go to `article_change_log` at the same flush, one row
for all of them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from articles.store.schema import (
    article_change_log_table,
    change_sequence_table,
    facet_changes_table,
    facet_counts_table,
    month_changes_table,
    page_changes_table,
)

FeedKey = tuple[str, str]  # (kind, value), e.g. ("tag", "japan"); ("all", "") for every article


class FeedTotals:
    """What one transaction changes in `facet_counts`, `facet_changes`,
    `article_page_changes` and `month_changes`, until `flush`."""

    def __init__(self) -> None:
        self._counts: Counter[FeedKey] = Counter()
        self._changes: dict[FeedKey, datetime] = {}
        self._pages: dict[str, datetime] = {}
        self._months: dict[str, datetime] = {}
        self._articles: set[str] = set()
        self._everything = False

    def add_counts(self, deltas: Mapping[FeedKey, int]) -> None:
        """Add published-count changes (+1 per feed a published version enters, -1 per feed
        one leaves)."""
        self._counts.update(deltas)

    def rename(self, moves: Mapping[FeedKey, FeedKey]) -> None:
        """Move the pending counts of feeds whose slug moved (`slug_claims`: provisional
        slugs only, whose feeds readers never saw) to their new keys."""
        moved = {moves[key]: self._counts.pop(key) for key in list(self._counts) if key in moves}
        self._counts.update(moved)

    def mark_changed(self, feeds: Iterable[FeedKey], now: datetime) -> None:
        """Move each feed's change time to `now` (never back: a later one is kept)."""
        pending = self._changes
        for key in feeds:
            when = pending.get(key)
            if when is None or now > when:
                pending[key] = now

    def mark_pages(self, ids: Iterable[str], now: datetime) -> None:
        """Move the page change time of each article to `now` (never back): a write changed
        its page other than through its own `updated` (`article_page_changes`)."""
        pending = self._pages
        for article_id in ids:
            when = pending.get(article_id)
            if when is None or now > when:
                pending[article_id] = now

    def mark_months(self, months: Iterable[str], now: datetime) -> None:
        """Move the change time of each UTC month ("2025-07") to `now` (never back): a write
        changed what readers see of the articles published in it (`month_changes`)."""
        pending = self._months
        for month in months:
            when = pending.get(month)
            if when is None or now > when:
                pending[month] = now

    def mark_articles(self, ids: Iterable[str]) -> None:
        """Note the articles the transaction changed (inserted, replaced, deleted).

        Past `LOG_MAX_IDS` articles the ids are dropped and the transaction is logged as
        having changed everything (a reader then looks at every article), so a 1M-record
        import keeps no id per record in memory.
        """
        if self._everything:
            return
        self._articles.update(ids)
        if len(self._articles) > LOG_MAX_IDS:
            self._articles.clear()
            self._everything = True

    def settle(self, at: datetime) -> None:
        """Move every change time summed so far to `at` when it is earlier (never back).

        A transaction's writes become visible when it commits, however long before that it
        took the write lock: `at` is the time it commits, so no reader has been told a date
        (`Last-Modified`) at or after a change it could not see.
        """
        self._changes = {key: max(when, at) for key, when in self._changes.items()}
        self._pages = {key: max(when, at) for key, when in self._pages.items()}
        self._months = {key: max(when, at) for key, when in self._months.items()}

    def clear(self) -> None:
        """Forget everything summed (the transaction was rolled back)."""
        self._counts.clear()
        self._changes.clear()
        self._pages.clear()
        self._months.clear()
        self._articles.clear()
        self._everything = False

    def flush(self, conn: Connection) -> None:
        """Write what was summed so far on `conn` (inside its transaction) and start afresh."""
        counts, self._counts = self._counts, Counter()
        changes, self._changes = self._changes, {}
        pages, self._pages = self._pages, {}
        months, self._months = self._months, {}
        articles, self._articles = self._articles, set()
        everything, self._everything = self._everything, False
        _write_counts(conn, counts)
        _write_changes(conn, changes)
        _write_page_changes(conn, pages)
        _write_month_changes(conn, months)
        _log_articles(conn, articles, everything=everything)


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


def _later(incoming: sa.ColumnElement[Any], stored: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The later of an upsert's incoming and stored change time: a change time never goes back
    (a write with an older clock keeps the stored one)."""
    return sa.case((incoming > stored, incoming), else_=stored)


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
    _upsert_later(conn, facet_changes_table, ("kind", "value"), rows, also=("seq",))


def _write_page_changes(conn: Connection, pages: Mapping[str, datetime]) -> None:
    rows = [{"article_id": i, "changed_at": when} for i, when in pages.items()]
    _upsert_later(conn, page_changes_table, ("article_id",), rows)


def _write_month_changes(conn: Connection, months: Mapping[str, datetime]) -> None:
    rows = [{"month": m, "changed_at": when} for m, when in months.items()]
    _upsert_later(conn, month_changes_table, ("month",), rows)


def _upsert_later(
    conn: Connection,
    table: sa.Table,
    key: tuple[str, ...],
    rows: list[dict[str, Any]],
    also: tuple[str, ...] = (),
) -> None:
    """Insert `rows` (`key` columns, `changed_at`, and the `also` columns) into a change-time
    table; a row already there keeps the later `changed_at` and takes the `also` values."""
    if not rows:
        return
    insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    statement = insert(table)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={
            **{name: excluded[name] for name in also},
            "changed_at": _later(excluded.changed_at, table.c.changed_at),
        },
    )
    conn.execute(statement, rows)


# Sequence numbers the article change log covers: older rows are removed (a reader that last
# looked before them reads everything, `Store.changed_articles` returning None).
LOG_KEEP = 100_000
# The log is pruned when a write's sequence number is a multiple of this (one indexed DELETE).
LOG_PRUNE_EVERY = 1000


# Most article ids one transaction logs; a bigger one (a large import) is logged as changing
# everything: the log then starts after it, and a reader from before it reads every article.
LOG_MAX_IDS = 10_000


def _log_articles(conn: Connection, ids: set[str], *, everything: bool = False) -> None:
    if not ids and not everything:
        return
    # The change sequence as this transaction moved it (its row is locked until the commit).
    cs = change_sequence_table
    seq = conn.execute(sa.select(cs.c.seq).where(cs.c.name == "articles")).scalar_one()
    log = article_change_log_table
    if everything:
        _log_starts_at(conn, seq)
        return
    conn.execute(log.insert().values(seq=seq, ids=json.dumps(sorted(ids), ensure_ascii=False)))
    if seq % LOG_PRUNE_EVERY == 0 and seq > LOG_KEEP:
        oldest = seq - LOG_KEEP
        conn.execute(log.delete().where(log.c.seq <= oldest))
        _log_starts_at(conn, oldest)


def _log_starts_at(conn: Connection, seq: int) -> None:
    """Move the reading from which the log is complete forward to `seq` (never back)."""
    cs = change_sequence_table
    marker = cs.c.name == "article_log"
    done = conn.execute(cs.update().where(marker, cs.c.seq < seq).values(seq=seq))
    if done.rowcount == 0 and conn.execute(sa.select(cs.c.seq).where(marker)).first() is None:
        conn.execute(cs.insert().values(name="article_log", seq=seq))
