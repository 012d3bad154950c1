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
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from articles.store.schema import change_sequence_table

# How far ahead of the clock a burst of writes may date its versions.
LEAD: Final = timedelta(seconds=120)
_ROW: Final = "stamp"
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
    cs = change_sequence_table
    insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    conn.execute(
        insert(cs).values(name=_ROW, seq=want - 1).on_conflict_do_nothing(index_elements=["name"])
    )
    following = cs.c.seq + 1
    # max(want, min(seq + 1, cap)), in SQL both databases read alike.
    next_free = sa.case((following > cap, cap), else_=following)
    claimed = sa.case((next_free > want, next_free), else_=want)
    second = conn.execute(
        cs.update().where(cs.c.name == _ROW).values(seq=claimed).returning(cs.c.seq)
    ).scalar_one()
    return datetime.fromtimestamp(int(second), UTC)
