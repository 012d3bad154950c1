"""The versions of the documents made from the articles, and when each came into use.

A document's bytes depend on the articles and on everything else that shapes it: settings
and code. The caller names that by a fingerprint; `adopt` records when a fingerprint became
the one in use, so every Last-Modified made under it can be held at or after that time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.store.schema import document_versions_table

_TICK: Final = timedelta(microseconds=1)  # the finest time both databases store


def adopt(conn: Connection, fingerprint: str, now: datetime) -> datetime:
    """When `fingerprint` came into use, recording `now` (or just after the latest recorded
    time, if that is later) when another fingerprint was the latest to: aware UTC.

    The caller holds the store's write lock, so processes starting at once agree: the first
    records, the others read its time. A fingerprint in use before another one and back
    again gets a new time (its documents' bytes changed back at that moment).
    """
    t = document_versions_table
    latest = conn.execute(
        sa.select(t.c.fingerprint, t.c.since)
        .order_by(t.c.since.desc(), t.c.fingerprint.desc())
        .limit(1)
    ).first()
    if latest is not None and latest.fingerprint == fingerprint:
        since: datetime = latest.since
        return since
    # Strictly after the latest, so the latest is always one row: a tie would let two
    # processes of different versions each take the other's row for the latest.
    since = now if latest is None else max(now, latest.since + _TICK)
    updated = conn.execute(t.update().where(t.c.fingerprint == fingerprint).values(since=since))
    if updated.rowcount == 0:
        conn.execute(t.insert().values(fingerprint=fingerprint, since=since))
    return since
