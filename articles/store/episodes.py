"""The feed queries of a podcast show: its `Episodes` selection read through the episode index.

A show's rows are the published articles with audio or video (`articles.episode`), in its
section and/or carrying its tag, visible at `now` (`published <= now`). They are read
through `ix_articles_status_episode_published` (newest first), the section compared on the
row and the tag through the tag link table's primary key; episodes are a small share of the
articles, so this stays a short index walk. Counts are counted (no `facet_counts` rows: a show
is configuration, not a value of the record). Same shapes as `articles.store.read`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.store.facets import Episodes, Facet
from articles.store.model import EntryKey, FacetInfo
from articles.store.read import TICK, entry_keys, month_bounds
from articles.store.schema import articles_table, tags_table


def _rows(selection: Episodes, query: sa.Select[Any]) -> sa.Select[Any]:
    """The selection's published episode rows (any publish time) on the articles table."""
    a = articles_table
    query = query.select_from(a).where(a.c.status == "published", a.c.episode.is_(True))
    if selection.section:
        query = query.where(a.c.section_slug == selection.section)
    if selection.tag:
        t = tags_table
        query = query.where(
            sa.exists().where(t.c.article_id == a.c.id, t.c.tag_slug == selection.tag)
        )
    return query


def keys_query(selection: Episodes, now: datetime) -> sa.Select[Any]:
    """SELECT the EntryKey columns of the show's visible episodes, newest first."""
    a = articles_table
    query = sa.select(
        a.c.id.label("id"),
        a.c.guid.label("guid"),
        a.c.published.label("published"),
        a.c.updated.label("updated"),
    )
    return (
        _rows(selection, query)
        .where(a.c.published <= now)
        .order_by(a.c.published.desc(), a.c.id.desc())
    )


def page_keys(
    conn: Connection, selection: Episodes, *, now: datetime, limit: int, offset: int = 0
) -> list[EntryKey]:
    return entry_keys(conn, keys_query(selection, now).limit(limit).offset(offset))


def count_visible(conn: Connection, selection: Episodes, now: datetime) -> int:
    a = articles_table
    query = _rows(selection, sa.select(sa.func.count())).where(a.c.published <= now)
    return int(conn.execute(query).scalar_one())


def next_visibility_change(conn: Connection, selection: Episodes, now: datetime) -> datetime | None:
    """The earliest publish time after `now` of the show's published (embargoed) episodes."""
    a = articles_table
    query = _rows(selection, sa.select(sa.func.min(a.c.published))).where(a.c.published > now)
    return conn.execute(query).scalar_one_or_none()


def first_published(
    conn: Connection, selection: Episodes, since: datetime, now: datetime
) -> datetime | None:
    """The earliest publish time in [since, now] of the show's visible episodes, or None."""
    a = articles_table
    query = _rows(selection, sa.select(sa.func.min(a.c.published))).where(
        a.c.published >= since, a.c.published <= now
    )
    return conn.execute(query).scalar_one_or_none()


def facet_info(
    conn: Connection, facet: Facet, selection: Episodes, now: datetime, label: str
) -> FacetInfo | None:
    """The show as a feed: `label` is its configured title."""
    keys = page_keys(conn, selection, now=now, limit=1)
    if not keys:
        return None
    return FacetInfo(facet, label, count_visible(conn, selection, now), keys[0].published)


def months(conn: Connection, selection: Episodes, now: datetime) -> list[str]:
    """UTC months with visible episodes, newest first: one index seek per month."""
    result: list[str] = []
    upper = now
    while True:
        keys = page_keys(conn, selection, now=upper, limit=1)
        if not keys:
            return result
        latest = keys[0].published
        result.append(f"{latest.year:04d}-{latest.month:02d}")
        upper = datetime(latest.year, latest.month, 1, tzinfo=UTC) - TICK


def month_keys(conn: Connection, selection: Episodes, month: str, now: datetime) -> list[EntryKey]:
    start, end = month_bounds(month)
    query = keys_query(selection, min(now, end - TICK)).where(articles_table.c.published >= start)
    return entry_keys(conn, query)
