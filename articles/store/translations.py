"""The visible other-language versions of articles (the translation links), as functions of
an open connection: the links an entry or page shows, and when the next one appears.

Which feeds a change of these links reaches is the write side's (`articles.store.linked`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.store.model import TranslationLink
from articles.store.schema import articles_table, translations_table
from articles.store.sql import one_of


def translation_links(conn: Connection, ids: Sequence[str], now: datetime) -> list[TranslationLink]:
    """The visible other-language versions of each article in `ids`: those its record names
    and those whose records name it, by article, then language and id."""
    if not ids:
        return []
    t = translations_table
    wanted = list(ids)
    pairs = sa.union(
        sa.select(t.c.article_id.label("article_id"), t.c.other_id.label("other_id")).where(
            one_of(conn, t.c.article_id, wanted)
        ),
        sa.select(t.c.other_id.label("article_id"), t.c.article_id.label("other_id")).where(
            one_of(conn, t.c.other_id, wanted)
        ),
    ).subquery()
    o = articles_table
    query = (
        sa.select(
            pairs.c.article_id.label("article_id"),
            o.c.id.label("other_id"),
            o.c.language.label("language"),
            o.c.url.label("url"),
            o.c.updated.label("updated"),
            o.c.published.label("published"),
        )
        .join_from(pairs, o, o.c.id == pairs.c.other_id)
        .where(o.c.status == "published", o.c.published <= now, o.c.id != pairs.c.article_id)
        .order_by(pairs.c.article_id, o.c.language, o.c.id)
    )
    return [
        TranslationLink(
            article_id=row.article_id,
            other_id=row.other_id,
            language=row.language,
            url=row.url,
            updated=row.updated,
            published=row.published,
        )
        for row in conn.execute(query)
    ]


def next_linked_appearance(conn: Connection, ids: Sequence[str], now: datetime) -> datetime | None:
    """The earliest publish time after `now` of a published (embargoed) article linked as a
    translation with any of `ids`, either way, or None: when it appears, the documents and
    pages showing one of `ids` gain its hreflang link."""
    if not ids:
        return None
    t = translations_table
    wanted = list(ids)
    others = sa.union(
        sa.select(t.c.other_id.label("other_id")).where(one_of(conn, t.c.article_id, wanted)),
        sa.select(t.c.article_id.label("other_id")).where(one_of(conn, t.c.other_id, wanted)),
    ).subquery()
    o = articles_table
    query = (
        sa.select(sa.func.min(o.c.published))
        .join_from(others, o, o.c.id == others.c.other_id)
        .where(o.c.status == "published", o.c.published > now)
    )
    return conn.execute(query).scalar_one_or_none()
