"""What the site's pages and sitemaps read, as functions of an open connection: the visible
articles' page rows, each UTC month's count and newest change, when a write last changed a
month or an article's page (`month_changes`, `article_page_changes`).

Times are aware UTC; months are "YYYY-MM" UTC months (`read.month_bounds`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.store.facets import ALL
from articles.store.model import MonthSummary, PageRow
from articles.store.read import TICK, month_bounds, visible_query
from articles.store.schema import articles_table, month_changes_table, page_changes_table
from articles.store.sql import one_of


def page_rows(
    conn: Connection,
    now: datetime,
    *,
    since: datetime | None = None,
    before: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[PageRow]:
    """PageRows of the visible articles published in [since, before), newest first."""
    a = articles_table
    upper = now if before is None else min(now, before - TICK)
    query = visible_query(
        ALL,
        upper,
        a.c.id.label("id"),
        a.c.url.label("url"),
        a.c.title.label("title"),
        a.c.language.label("language"),
        a.c.published.label("published"),
        a.c.updated.label("updated"),
    )
    if since is not None:
        query = query.where(a.c.published >= since)
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [
        PageRow(
            id=row.id,
            url=row.url,
            title=row.title,
            language=row.language,
            published=row.published,
            updated=row.updated,
        )
        for row in conn.execute(query)
    ]


def page_changes(conn: Connection, ids: Sequence[str]) -> dict[str, datetime]:
    """{article id: when a write last changed its page other than through the article's own
    `updated`} for those of `ids` that have such a time (`article_page_changes`)."""
    if not ids:
        return {}
    p = page_changes_table
    query = sa.select(p.c.article_id, p.c.changed_at).where(one_of(conn, p.c.article_id, ids))
    return {row.article_id: row.changed_at for row in conn.execute(query)}


def month_changes(conn: Connection, months: Sequence[str] | None) -> dict[str, datetime]:
    """{UTC month: when a write last changed what readers see of its articles}
    (`month_changes`), for `months` (every recorded month when None)."""
    mc = month_changes_table
    query = sa.select(mc.c.month, mc.c.changed_at)
    if months is not None:
        if not months:
            return {}
        query = query.where(one_of(conn, mc.c.month, months))
    return {row.month: row.changed_at for row in conn.execute(query)}


def month_summaries(
    conn: Connection, now: datetime, month: str | None = None
) -> list[MonthSummary]:
    """Each UTC month with visible articles, newest first: its count and newest change.

    One pass over the (status, published, id, updated) index, grouped by month; with `month`
    ("2025-07"), over that month's range of it only.
    """
    a = articles_table
    if conn.dialect.name == "sqlite":
        # Stored as fixed-width UTC text ("2025-07-30 01:00:00.000000").
        month_of: Any = sa.func.substr(a.c.published, 1, 7)
    else:
        month_of = sa.func.to_char(sa.func.timezone("UTC", a.c.published), "YYYY-MM")
    query = (
        sa.select(
            month_of.label("month"),
            sa.func.count().label("n"),
            sa.func.max(a.c.updated).label("updated"),
            sa.func.max(a.c.published).label("published"),
        )
        .where(a.c.status == "published", a.c.published <= now)
        .group_by(month_of)
        .order_by(month_of.desc())
    )
    if month is not None:
        start, end = month_bounds(month)
        query = query.where(a.c.published >= start, a.c.published < end)
    result = []
    for row in conn.execute(query):
        # The newest change as readers see it (`PageRow.modified`): the newest `updated`, or
        # the newest publication when later (an embargo lifting after the last write).
        updated, published = _aggregate_time(row.updated), _aggregate_time(row.published)
        newest = published if published > updated else updated
        result.append(MonthSummary(month=row.month, count=int(row.n), updated=newest))
    return result


def _aggregate_time(value: Any) -> datetime:
    """An aggregate's time as an aware datetime (SQLite returns it untyped, as text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
