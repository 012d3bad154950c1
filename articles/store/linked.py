"""The feeds that link an article as a translation, so change when its link changes.

An entry carries an `hreflang` link to each visible other-language version of its article
(`translations.translation_links`: the versions its record names and those whose records name it).
So when an article appears or disappears (published, embargo over, withdrawn, deleted),
changes its language or URL, or names other versions, the bytes of the feeds holding its
*counterparts* change too, though no counterpart was written. The write path adds those feeds
to the ones a write touched (their change times, the WebSub topics), and embargo lifts add
them to what they announce.

`partners(conn, ids)` are the articles linked with any of `ids`, either way;
`visible_feeds(conn, ids, now, shows)` the feeds, as (kind, value) with 'all', that the
visible ones among `ids` are in (podcast shows included for episodes).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.store.facets import ALL_KEY, LINKED_KINDS, ROW_KINDS, Episodes
from articles.store.schema import articles_table, translations_table
from articles.store.sql import among

# Ids per statement (each list is one bound parameter, `among`).
_CHUNK: Final = 500


def _chunks(ids: Collection[str]) -> list[list[str]]:
    ordered = sorted(ids)
    return [ordered[i : i + _CHUNK] for i in range(0, len(ordered), _CHUNK)]


def partners(conn: Connection, ids: Collection[str]) -> set[str]:
    """Ids of the articles linked as translations with any of `ids` (naming or named)."""
    t = translations_table
    found: set[str] = set()
    for part in _chunks(ids):
        query = sa.union(
            sa.select(t.c.other_id.label("id")).where(among(conn, t.c.article_id, part)),
            sa.select(t.c.article_id.label("id")).where(among(conn, t.c.other_id, part)),
        )
        found.update(row.id for row in conn.execute(query))
    return found


def visible_feeds(
    conn: Connection,
    ids: Collection[str],
    now: datetime,
    shows: Mapping[str, Episodes] | None = None,
) -> set[tuple[str, str]]:
    """The feeds, as (kind, value) with ('all', ''), of those of `ids` visible at `now`."""
    a = articles_table
    feeds: dict[str, set[tuple[str, str]]] = {}
    episodes: set[str] = set()
    for part in _chunks(ids):
        query = sa.select(
            a.c.id.label("id"),
            a.c.episode.label("episode"),
            *(kind.value.label(kind.name) for kind in ROW_KINDS),
        ).where(among(conn, a.c.id, part), a.c.status == "published", a.c.published <= now)
        for row in conn.execute(query):
            values = row._mapping
            feeds[row.id] = {ALL_KEY} | {
                (kind.name, values[kind.name]) for kind in ROW_KINDS if values[kind.name]
            }
            if row.episode:
                episodes.add(row.id)
    for part in _chunks(feeds):
        for kind in LINKED_KINDS:
            query = sa.select(kind.article_id.label("article_id"), kind.value.label("value")).where(
                among(conn, kind.article_id, part)
            )
            for row in conn.execute(query):
                feeds[row.article_id].add((kind.name, row.value))
    found: set[tuple[str, str]] = set()
    for article_id, article_feeds in feeds.items():
        found |= article_feeds
        if article_id in episodes:
            for slug, selection in (shows or {}).items():
                if {(f.kind, f.value) for f in selection.facets()} <= article_feeds:
                    found.add(("podcast", slug))
    return found
