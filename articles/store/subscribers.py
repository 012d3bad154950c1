"""Subscriber counts in the database: rows per UTC day, feed path, source and key.

No feed knowledge here: `feeds.subscribers` decides what a row means (which aggregator, which
feed id, which hashed client). An aggregator row keeps the latest count it reported that day
(the newer `seen` wins); a direct client is one row per day and feed, keyed by a salted hash.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from articles.store.schema import subscriber_salts_table, subscribers_table

# The source of a direct client's row (aggregators' rows name the aggregator).
DIRECT = ""


@dataclass(frozen=True, slots=True)
class SubscriberRow:
    """One count: `subscribers` readers of `feed` (a path) via `source` on UTC `day`."""

    day: date
    feed: str
    source: str  # the aggregator's name, or DIRECT for one direct client
    key: str  # the aggregator's feed id ('' when it gives none), or the client's hash
    subscribers: int  # >= 0; 1 for a direct client
    seen: datetime  # aware; the last request that reported it


def _insert(engine: Engine) -> type[postgresql.Insert] | type[sqlite.Insert]:
    return postgresql.Insert if engine.dialect.name == "postgresql" else sqlite.Insert


def record_subscribers(engine: Engine, rows: Iterable[SubscriberRow]) -> int:
    """Upsert rows in one transaction (a newer `seen` replaces the count); returns how many."""
    values = [
        {
            "day": r.day,
            "feed": r.feed,
            "source": r.source,
            "key": r.key,
            "subscribers": r.subscribers,
            "seen": r.seen,
        }
        for r in rows
    ]
    if not values:
        return 0
    t = subscribers_table
    stmt = _insert(engine)(t)
    stmt = stmt.on_conflict_do_update(
        index_elements=[t.c.day, t.c.feed, t.c.source, t.c.key],
        set_={"subscribers": stmt.excluded.subscribers, "seen": stmt.excluded.seen},
        where=stmt.excluded.seen >= t.c.seen,
    )
    with engine.begin() as conn:
        conn.execute(stmt, values)
    return len(values)


def daily_salt(engine: Engine, day: date) -> bytes:
    """The secret salt of UTC `day` (made by whichever process asks first); older ones go.

    Salts from before the previous day are deleted, so a stored hash cannot be tested against
    guessed addresses once its day is over.
    """
    t = subscriber_salts_table
    with engine.begin() as conn:
        conn.execute(t.delete().where(t.c.day < day - timedelta(days=1)))
        stmt = _insert(engine)(t).values(day=day, salt=secrets.token_hex(32))
        conn.execute(stmt.on_conflict_do_nothing(index_elements=[t.c.day]))
        salt = conn.execute(sa.select(t.c.salt).where(t.c.day == day)).scalar_one()
    return bytes.fromhex(salt)


def subscriber_rows(engine: Engine, since: date) -> list[SubscriberRow]:
    """Every aggregator row from UTC day `since` on, oldest day first."""
    t = subscribers_table
    query = (
        sa.select(t)
        .where(t.c.day >= since, t.c.source != DIRECT)
        .order_by(t.c.day, t.c.feed, t.c.source, t.c.key)
    )
    with engine.connect() as conn:
        return [SubscriberRow(**row._mapping) for row in conn.execute(query)]


def direct_clients(engine: Engine, since: date) -> list[tuple[date, str, int]]:
    """(day, feed, distinct direct clients) from UTC day `since` on, oldest day first."""
    t = subscribers_table
    query = (
        sa.select(t.c.day, t.c.feed, sa.func.count())
        .where(t.c.day >= since, t.c.source == DIRECT)
        .group_by(t.c.day, t.c.feed)
        .order_by(t.c.day, t.c.feed)
    )
    with engine.connect() as conn:
        return [(row[0], row[1], int(row[2])) for row in conn.execute(query)]
