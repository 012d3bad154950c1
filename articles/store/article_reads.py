"""Articles by id, as functions of an open connection: one article, several in a given order,
the admin listing's keys, the deleted articles, the embargo lifts that are due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.model import STATUSES, Article, article_from_dict
from articles.store.facets import FACET_KINDS
from articles.store.schema import (
    articles_table,
    deleted_table,
    embargo_lifts_table,
    tombstones_table,
)
from articles.store.sql import one_of


def due_lifts(conn: Connection, now: datetime) -> list[str]:
    """Ids of embargoed articles whose lift is due and not yet claimed."""
    lifts = embargo_lifts_table
    query = (
        sa.select(lifts.c.article_id)
        .where(lifts.c.announced_at.is_(None), lifts.c.lift_at <= now)
        .order_by(lifts.c.lift_at, lifts.c.article_id)
    )
    return list(conn.execute(query).scalars())


def get(conn: Connection, article_id: str) -> Article | None:
    query = sa.select(articles_table.c.doc).where(articles_table.c.id == article_id)
    doc = conn.execute(query).scalar_one_or_none()
    return None if doc is None else article_from_dict(doc)


def fetch(conn: Connection, ids: Sequence[str]) -> list[Article]:
    if not ids:
        return []
    a = articles_table
    query = sa.select(a.c.id.label("id"), a.c.doc.label("doc")).where(one_of(conn, a.c.id, ids))
    docs = {row.id: row.doc for row in conn.execute(query)}
    return [article_from_dict(docs[i]) for i in ids if i in docs]


def list_keys(
    conn: Connection,
    *,
    section: str | None,
    tag: str | None,
    author: str | None,
    status: str | None,
    language: str | None,
    source: str | None,
    wanted: int,
    before: tuple[datetime, str] | None = None,
) -> list[tuple[datetime, str]]:
    """(published, id) of up to `wanted` articles per status, for `Store.list_articles`;
    with `before`, only those after that key in feed order (older, or as old with a lower id).
    `language` selects as its feed does: the tag and every tag it is a prefix of (RFC 4647
    basic filtering, `article_languages`)."""
    a = articles_table
    # The linked filters given, by the link table and value: the first drives the query.
    linked = [
        (FACET_KINDS[name], value)
        for name, value in (("tag", tag), ("author", author), ("language", language))
        if value is not None
    ]
    keys: list[tuple[datetime, str]] = []
    for each in (status,) if status is not None else STATUSES:
        if linked:
            kind, wanted_value = linked[0]
            query = (
                sa.select(kind.published.label("published"), kind.article_id.label("id"))
                .join_from(kind.table, a, a.c.id == kind.article_id)
                .where(kind.value == wanted_value, kind.status == each)
                .order_by(*kind.order())
            )
            for other, other_value in linked[1:]:
                # Checked per row by the other link table's primary key (article, value), so
                # the first one's index keeps driving the query in order.
                query = query.where(
                    sa.exists().where(
                        other.article_id == kind.article_id, other.value == other_value
                    )
                )
        else:
            query = (
                sa.select(a.c.published.label("published"), a.c.id.label("id"))
                .where(a.c.status == each)
                .order_by(a.c.published.desc(), a.c.id.desc())
            )
        for column, row_value in ((a.c.section_slug, section), (a.c.source_slug, source)):
            if row_value is not None:
                query = query.where(column == row_value)
        if before is not None:
            published, article_id = query.selected_columns.published, query.selected_columns.id
            query = query.where(
                sa.or_(
                    published < before[0],
                    sa.and_(published == before[0], article_id < before[1]),
                )
            )
        keys.extend((row.published, row.id) for row in conn.execute(query.limit(wanted)))
    return keys


def deletions(conn: Connection) -> list[tuple[str, str, datetime]]:
    d = deleted_table
    query = sa.select(
        d.c.id.label("id"), d.c.guid.label("guid"), d.c.deleted_at.label("deleted_at")
    ).order_by(d.c.deleted_at.desc())
    return [(row.id, row.guid, row.deleted_at) for row in conn.execute(query)]


def gone_ids(conn: Connection) -> list[str]:
    """The ids whose article page may be gone (410, `public_deletion`): deleted, or deleted
    and stored again since, their deletion's tombstone in the "all" feed still standing."""
    d, t = deleted_table, tombstones_table
    again = sa.select(t.c.article_id).where(t.c.kind == "all", t.c.reason == "deleted")
    query = sa.union(sa.select(d.c.id), again)
    return sorted(row[0] for row in conn.execute(query))


def tombstone(conn: Connection, article_id: str) -> tuple[str, datetime] | None:
    d = deleted_table
    query = sa.select(d.c.guid, d.c.deleted_at).where(d.c.id == article_id)
    row = conn.execute(query).first()
    return None if row is None else (row.guid, row.deleted_at)


def public_deletion(conn: Connection, article_id: str) -> datetime | None:
    """When `article_id` was deleted, if readers could see it at that moment; else None.

    An id stored again keeps its deletion for readers until it is visible again: the
    deletion's tombstone in the "all" feed stays until then (a write showing the article
    drops it; one hiding it again replaces it), so the caller asks only for an article that
    readers cannot see now."""
    d, t = deleted_table, tombstones_table
    query = sa.select(d.c.deleted_at).where(
        d.c.id == article_id, d.c.status == "published", d.c.published <= d.c.deleted_at
    )
    deleted_at: datetime | None = conn.execute(query).scalar()
    if deleted_at is None:
        query = sa.select(t.c.removed_at).where(
            t.c.article_id == article_id, t.c.kind == "all", t.c.reason == "deleted"
        )
        deleted_at = conn.execute(query).scalar()
    return deleted_at
