"""The feeds' RFC 6721 tombstones as readers see them, and the feeds' change times, as
functions of an open connection: the tombstones a feed shows, its latest removal (by month
too), when shown tombstones stop, the feeds with recent tombstones, a feed's last change.

Tombstones are written by the write path (`articles.store.visibility`); here they are read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.store.facets import Facet
from articles.store.model import Tombstone
from articles.store.schema import MOVED, articles_table, facet_changes_table, tombstones_table


def tombstone_ends(
    conn: Connection,
    facet: Facet,
    now: datetime,
    since: datetime,
    month: tuple[datetime, datetime] | None = None,
) -> tuple[datetime | None, datetime | None]:
    """(latest, next): when tombstones of the feed removed after `since` stopped, at the latest
    at or before `now`, and will next stop after `now`, being shown because their entry
    became visible again by the clock (a renewed embargo ending: `_shown_tombstone`); of
    entries published within `month` when given. Nothing is written then, so no change
    time records it."""
    t, a = tombstones_table, articles_table
    rows = (
        sa.select(sa.func.max(a.c.published).label("latest"))
        .select_from(t.join(a, a.c.id == t.c.article_id))
        .where(
            t.c.kind == facet.kind,
            t.c.value == facet.value,
            t.c.removed_at > since,
            t.c.reason != MOVED,
            a.c.guid == t.c.guid,
            a.c.status == "published",
            a.c.published > t.c.removed_at,
        )
    )
    if month is not None:
        rows = rows.where(t.c.published >= month[0], t.c.published < month[1])
    latest = conn.execute(rows.where(a.c.published <= now)).scalar_one_or_none()
    upcoming = rows.with_only_columns(sa.func.min(a.c.published)).where(a.c.published > now)
    return latest, conn.execute(upcoming).scalar_one_or_none()


def _shown_tombstone(facet: Facet, now: datetime, since: datetime) -> tuple[Any, ...]:
    """The conditions on a `feed_tombstones` row (outer-joined to `articles`) that the feed
    shows at `now`: the feed's, removed in (since, now], and its entry not visible again (an
    entry whose renewed embargo has ended is no longer deleted, whatever its row says). An
    entry taken out of this feed only (`MOVED`: its stored version is in other feeds, not
    this one, as the write side keeps it) stays deleted here however visible it is elsewhere,
    and so does the entry a deleted article was before it came back under another guid (the
    row's guid is not the article's): an entry id is never visible again once deleted."""
    t, a = tombstones_table, articles_table
    return (
        t.c.kind == facet.kind,
        t.c.value == facet.value,
        t.c.removed_at > since,
        t.c.removed_at <= now,
        sa.or_(
            t.c.reason == MOVED,
            a.c.id.is_(None),
            a.c.guid != t.c.guid,
            a.c.status != "published",
            a.c.published > now,
        ),
    )


def tombstones(
    conn: Connection,
    facet: Facet,
    now: datetime,
    since: datetime,
    month: tuple[datetime, datetime] | None = None,
) -> list[Tombstone]:
    """The feed's tombstones removed in (since, now], of entries not visible at `now`."""
    t, a = tombstones_table, articles_table
    query = (
        sa.select(
            t.c.guid.label("guid"),
            t.c.removed_at.label("removed_at"),
            t.c.reason.label("reason"),
        )
        .select_from(t.outerjoin(a, a.c.id == t.c.article_id))
        .where(*_shown_tombstone(facet, now, since))
        .order_by(t.c.removed_at.desc(), t.c.article_id.desc())
    )
    if month is not None:
        query = query.where(t.c.published >= month[0], t.c.published < month[1])
    return [Tombstone(row.guid, row.removed_at, row.reason) for row in conn.execute(query)]


def last_removal(
    conn: Connection, facet: Facet, now: datetime, month: tuple[datetime, datetime] | None = None
) -> datetime | None:
    """The latest `removed_at`, not after `now`, of any tombstone the feed ever recorded (of an
    entry published within `month`, when given), however old; None when it recorded none.

    Tombstones are only written for entries readers could see, and are kept past the
    tombstone period (dropped only when their entry is stored visible again)."""
    t = tombstones_table
    query = (
        sa.select(t.c.removed_at)
        .where(t.c.kind == facet.kind, t.c.value == facet.value, t.c.removed_at <= now)
        .order_by(t.c.removed_at.desc())
        .limit(1)
    )
    if month is not None:
        query = query.where(t.c.published >= month[0], t.c.published < month[1])
    return conn.execute(query).scalar_one_or_none()


def removals_by_month(conn: Connection, facet: Facet, now: datetime) -> dict[str, datetime]:
    """For each UTC month ("2025-07") in which the feed ever lost an entry readers could see
    (a tombstone removed at or before `now`, however old), the latest such removal."""
    t = tombstones_table
    query = sa.select(t.c.published.label("published"), t.c.removed_at.label("removed_at")).where(
        t.c.kind == facet.kind, t.c.value == facet.value, t.c.removed_at <= now
    )
    found: dict[str, datetime] = {}
    for row in conn.execute(query):
        published = row.published.astimezone(UTC)
        month = f"{published.year:04d}-{published.month:02d}"
        if month not in found or row.removed_at > found[month]:
            found[month] = row.removed_at
    return found


def tombstone_months(conn: Connection, facet: Facet, now: datetime, since: datetime) -> list[str]:
    """The UTC months ("2025-07") of the entries whose tombstones the feed shows at `now`
    (removed in (since, now], not visible at `now`), newest first."""
    t, a = tombstones_table, articles_table
    query = (
        sa.select(t.c.published.label("published"))
        .select_from(t.outerjoin(a, a.c.id == t.c.article_id))
        .where(*_shown_tombstone(facet, now, since))
    )
    found = {
        f"{p.astimezone(UTC).year:04d}-{p.astimezone(UTC).month:02d}"
        for p in conn.execute(query).scalars()
    }
    return sorted(found, reverse=True)


def next_removal(conn: Connection, after: datetime) -> datetime | None:
    """The earliest `removed_at` after `after` of any feed's tombstone, or None."""
    t = tombstones_table
    query = sa.select(sa.func.min(t.c.removed_at)).where(t.c.removed_at > after)
    return conn.execute(query).scalar_one_or_none()


def tombstoned_feeds(conn: Connection, now: datetime, since: datetime) -> list[Facet]:
    """The feeds with a tombstone removed in (since, now] (of entries whose visibility the
    caller checks), in (kind, value) order."""
    t = tombstones_table
    query = (
        sa.select(t.c.kind.label("kind"), t.c.value.label("value"))
        .where(t.c.removed_at > since, t.c.removed_at <= now)
        .distinct()
        .order_by(t.c.kind, t.c.value)
    )
    return [Facet(row.kind, row.value) for row in conn.execute(query)]


def last_change(
    conn: Connection, facet: Facet, now: datetime, period: timedelta | None
) -> datetime | None:
    """The latest moment, not after `now`, at which a write or the end of a tombstone's period
    changed what the feed shows (its entries' own times aside); `period` None: writes only
    (for documents that show no tombstones)."""
    fc, t = facet_changes_table, tombstones_table
    written = conn.execute(
        sa.select(fc.c.changed_at).where(fc.c.kind == facet.kind, fc.c.value == facet.value)
    ).scalar_one_or_none()
    expired = None
    if period is not None:
        expired = conn.execute(
            sa.select(t.c.removed_at)
            .where(t.c.kind == facet.kind, t.c.value == facet.value, t.c.removed_at <= now - period)
            .order_by(t.c.removed_at.desc())
            .limit(1)
        ).scalar_one_or_none()
    moments = [m for m in (written, expired + period if expired else None) if m is not None]
    return min(max(moments), now) if moments else None
