"""Write stamps: the `updated` times the server gives the versions it dates itself.

Feeds write times in whole seconds (`feeds.writers.dates`), and the W3C validator warns when
two entries of one Atom feed give the same `atom:updated` ("Two entries with the same value
for atom:updated"); readers that sort by it cannot order them either. Two API writes in one
second, to different articles, were both dated that second. So every version the server
dates (an API write without its own later `updated`, a correction) claims a whole second no
earlier stamp has: the second of the write's clock, or, when that is taken, the next free one.

The latest claimed second is the change_sequence row 'stamp' (Unix seconds), moved inside the
write transaction that claims it (its row is locked until the commit), so processes writing
at once never share one. Writes faster than one a second run ahead of the clock, by at most
`LEAD`: past that, stamps may repeat a second (the feeds then warn; the times stay true to
within `LEAD`, inside the clock-skew allowance for `updated`, 300 s by default; the write
service keeps its lead within half that allowance).

A version stamped ahead is no newer than its write, though: a record made a few seconds after
a burst, and dated truthfully, is earlier than the burst's last stamps. So the store keeps the
time of the write of every stored version it stamped ahead (the `stamped_ahead` table), and
the upsert rule compares an incoming record with that time (`settled`): a record dated at or
after it replaces the stored version, and takes a stamp after the stored one, so `updated`
never goes back in a feed. A record's own `updated`, ahead of the clock or not, is its own
claim and is compared as it is.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.store.schema import change_sequence_table, stamped_ahead_table
from articles.store.sql import among

# How far ahead of the clock a burst of writes may date its versions.
LEAD: Final = timedelta(seconds=120)
_ROW: Final = "stamp"
# Plain SQL both databases read alike (SQLite 3.35+ and PostgreSQL: ON CONFLICT, RETURNING):
# four times cheaper than the same statements built with Core on every claim.
_CLAIM_ROW: Final = sa.text(
    f"INSERT INTO {change_sequence_table.name} (name, seq) VALUES ('{_ROW}', :first) "
    "ON CONFLICT (name) DO NOTHING"
)
# seq becomes max(want, min(seq + 1, cap)); `cap` is never below `want`.
_CLAIM: Final = sa.text(
    f"UPDATE {change_sequence_table.name} SET seq = CASE "
    "WHEN seq + 1 > :cap THEN :cap WHEN seq + 1 > :want THEN seq + 1 ELSE :want END "
    f"WHERE name = '{_ROW}' RETURNING seq"
)
_TICK: Final = timedelta(microseconds=1)  # the finest time both databases store


def claim_stamp(
    conn: Connection, now: datetime, after: datetime | None = None, lead: timedelta = LEAD
) -> datetime:
    """A whole second (aware UTC) for a version dated by the server at `now`: not before
    `now`'s second, later than `after` (the stored version's `updated`, when there is one) and
    than every stamp claimed before, unless that would be more than `lead` (whole seconds, at
    most `LEAD` by default) ahead of `now`. When the second after `after` is itself past the
    lead, the stamp is one microsecond after `after` (or `now`, if later), claiming nothing.

    Call inside a write transaction; the claim is undone with it. Errors: those of the
    connection (`sqlalchemy.exc.DBAPIError`).
    """
    want = math.floor(now.timestamp())
    cap = want + int(lead.total_seconds())
    if after is not None:
        past = math.floor(after.timestamp()) + 1
        if past > cap:
            # The stored version is dated at the lead or beyond (a burst of corrections of
            # one article, a record's own future `updated`): just after it, as before stamps.
            return max(after + _TICK, now).astimezone(UTC)
        want = max(want, past)
    conn.execute(_CLAIM_ROW, {"first": want - 1})
    second = conn.execute(_CLAIM, {"want": want, "cap": cap}).scalar_one()
    return datetime.fromtimestamp(int(second), UTC)


def settled(updated: datetime, written: datetime | None) -> datetime:
    """The time a stored version counts as of against an incoming record: its `updated`, or
    the time of its write (`written`, from `stamped_ahead`) when the server stamped it ahead
    of that (aware UTC)."""
    return updated if written is None or written >= updated else written


def keep_written(conn: Connection, written: dict[str, datetime], cleared: list[str]) -> None:
    """Record, for the articles in `written`, that their new version was stamped ahead at a
    write at that time (aware UTC); forget it for the ids in `cleared` (stored versions that
    were, replaced by versions that are not). Call inside the write transaction."""
    t = stamped_ahead_table
    gone = [*cleared, *written]
    if gone:
        conn.execute(t.delete().where(among(conn, t.c.article_id, gone)))
    if written:
        conn.execute(
            t.insert(), [{"article_id": key, "written": when} for key, when in written.items()]
        )
