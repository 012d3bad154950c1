"""When a tag's or author's slug is claimed for good: when readers first can see it.

The rule (ARCHITECTURE.md, "slug registry"): a label's slug is claimed for good when readers
first can see an article carrying it: published, and its publish time reached, an embargo
lifting by the clock with no write included. Its `slugs.shown_from` row says when that is
(the earliest publication time of a published article carrying it). A claim whose
`shown_from` is not after a write's time is held: never changed again. Any other claim (only
drafts and withheld articles carry the label, `shown_from` NULL, or only embargoed ones,
`shown_from` later) is provisional: its slug is what the label would get if readers saw the
labels in the order they will, and moves when that order changes. So:

* a label readers see never gets `x-2` because of one they cannot see: at each write the
  provisional claims are numbered after the held ones, in this order: those this write makes
  visible (in the order the write names them), then embargoed ones by `shown_from` (then
  label key), then the rest by label key; each takes the first numbered form of the slug it
  asked for (`base`) that no held claim and no claim before it has;
* an embargo lifting by the clock needs no write: the claims it makes visible are the first
  of the provisional order already, so the next write finds them held with the slug they had.

A provisional slug moves only where no reader can see it: the slugs row, the link rows and
documents of the (non-public) articles carrying it, their feed counts. The publishing API
shows a non-public article's slugs as they stand (docs/api.md).

`settle` runs in every write transaction after the registry resolved the written labels
(`slugs.give_link_slugs`) and before their rows are written; its usual case, labels readers
see already, costs nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.slugs import label_key, numbered
from articles.store.facets import LINKED_KINDS, SLUGGED_KINDS, FacetKind
from articles.store.feed_totals import FeedTotals
from articles.store.rows import PreparedArticle
from articles.store.schema import articles_table, facet_counts_table, slugs_table
from articles.store.slugs import SlugRegistry
from articles.store.sql import among

# A slug in passing while claims swap slugs (slugs hold no `~`: articles.text.slugify).
_PASSING: Final = "~moving~{}"
_PLACES: Final = [(n, kind) for n, kind in enumerate(LINKED_KINDS) if kind.slugged]


def settle(
    conn: Connection,
    registry: SlugRegistry,
    totals: FeedTotals,
    written: Iterable[PreparedArticle],
    *,
    gone: Mapping[str, Iterable[str]],
    replaced: Iterable[str],
    now: datetime,
) -> bool:
    """Date the provisional claims a write touches and renumber the provisional claims of each
    kind it touched; True when a slug moved (the written articles then need relabelling).

    `written` are the versions being written (labels resolved), `gone` the slugs (kind ->
    slugs) of the stored versions they replace or a deletion removed, `replaced` the ids whose
    stored link rows the write replaces (not counted as carrying their labels any more).
    """
    written = list(written)
    moved = False
    for n, kind in _PLACES:
        order: dict[str, int] = {}  # label key -> place in the write, for the claims it touches
        earliest: dict[str, datetime] = {}  # label key -> earliest visible-able publication
        for x in written:
            for _, label in x.links[n]:
                key = label_key(label)
                order.setdefault(key, len(order))
                if x.status == "published" and (key not in earliest or x.published < earliest[key]):
                    earliest[key] = x.published
        touched = [k for k in order if not _held(registry.shown.get((kind.name, k)), now)]
        slugs = list(dict.fromkeys(gone.get(kind.name, ())))
        if slugs:
            t = slugs_table
            query = sa.select(t.c.label_key, t.c.shown_from).where(
                t.c.kind == kind.name, among(conn, t.c.slug, slugs)
            )
            for row in conn.execute(query):
                if not _held(row.shown_from, now) and row.label_key not in order:
                    order[row.label_key] = len(order)
                    touched.append(row.label_key)
        if not touched:
            continue
        shown = _shown_after(conn, kind, touched, earliest, replaced)
        t = slugs_table
        for key in touched:
            conn.execute(
                t.update()
                .where(t.c.kind == kind.name, t.c.label_key == key)
                .values(shown_from=shown.get(key))
            )
            registry.shown[(kind.name, key)] = shown.get(key)
        if all(
            (kind.name, key) in registry.new and _held(shown.get(key), now) for key in touched
        ) and not _any_provisional(conn, kind.name, now):
            continue  # new labels readers see, no provisional one: resolved as they should be
        moves = _renumber(conn, kind.name, order, touched, now)
        if moves:
            _move(conn, registry, totals, kind, moves)
            moved = True
    return moved


def _held(shown: datetime | None, now: datetime) -> bool:
    return shown is not None and shown <= now


def _shown_after(
    conn: Connection,
    kind: FacetKind,
    keys: list[str],
    earliest: Mapping[str, datetime],
    replaced: Iterable[str],
) -> dict[str, datetime]:
    """label key -> when readers first can see an article carrying it after the write."""
    slug_keys: dict[str, str] = {}
    t = slugs_table
    query = sa.select(t.c.label_key, t.c.slug).where(
        t.c.kind == kind.name, among(conn, t.c.label_key, keys)
    )
    for row in conn.execute(query):
        slug_keys[row.slug] = row.label_key
    shown = dict((k, v) for k, v in earliest.items() if k in set(keys))
    replaced = list(replaced)
    if slug_keys:
        link = kind.table
        first = sa.func.min(link.c.published).label("first")
        query = (
            sa.select(kind.value.label("slug"), first)
            .where(among(conn, kind.value, list(slug_keys)), link.c.status == "published")
            .group_by(kind.value)
        )
        if replaced:
            query = query.where(sa.not_(among(conn, kind.article_id, replaced)))
        for row in conn.execute(query):
            key = slug_keys[row.slug]
            when = row.first
            if key not in shown or when < shown[key]:
                shown[key] = when
    return shown


def _any_provisional(conn: Connection, kind: str, now: datetime) -> bool:
    t = slugs_table
    query = (
        sa.select(t.c.label_key)
        .where(t.c.kind == kind, sa.or_(t.c.shown_from.is_(None), t.c.shown_from > now))
        .limit(1)
    )
    return conn.execute(query).first() is not None


def _renumber(
    conn: Connection, kind: str, order: Mapping[str, int], touched: list[str], now: datetime
) -> dict[str, tuple[str, str]]:
    """label key -> (old slug, new slug) of the claims of `kind` that were not held before this
    write (`touched`: those it dated), numbered in the rule's order; only those whose slug
    changes."""
    t = slugs_table
    keys = touched
    query = sa.select(t.c.label_key, t.c.slug, t.c.base, t.c.shown_from).where(
        t.c.kind == kind,
        sa.or_(t.c.shown_from.is_(None), t.c.shown_from > now, among(conn, t.c.label_key, keys)),
    )
    claims = list(conn.execute(query))
    if not claims:
        return {}

    def rank(row: Any) -> tuple[Any, ...]:
        if _held(row.shown_from, now):  # made visible by this write
            return (0, order.get(row.label_key, len(order)), row.label_key)
        if row.shown_from is not None:  # embargoed: by when readers will see it
            return (1, row.shown_from, row.label_key)
        return (2, row.label_key)

    claims.sort(key=rank)
    own = {row.slug for row in claims}
    taken_by_base: dict[str, set[str]] = {}
    given: set[str] = set()
    moves: dict[str, tuple[str, str]] = {}
    for row in claims:
        if row.base not in taken_by_base:
            taken_by_base[row.base] = _held_slugs(conn, kind, row.base) - own
        taken = taken_by_base[row.base]
        number = 1
        while numbered(row.base, number) in taken or numbered(row.base, number) in given:
            number += 1
        slug = numbered(row.base, number)
        given.add(slug)
        if slug != row.slug:
            moves[row.label_key] = (row.slug, slug)
    return moves


def _held_slugs(conn: Connection, kind: str, base: str) -> set[str]:
    """The slugs of `kind` that are `base` or a numbered form of it (and a few others)."""
    t = slugs_table
    pattern = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%"
    query = sa.select(t.c.slug).where(
        t.c.kind == kind, sa.or_(t.c.slug == base, t.c.slug.like(pattern, escape="\\"))
    )
    return set(conn.execute(query).scalars())


def _move(
    conn: Connection,
    registry: SlugRegistry,
    totals: FeedTotals,
    kind: FacetKind,
    moves: Mapping[str, tuple[str, str]],
) -> None:
    """Give the claims their new slugs: the registry's rows, the link rows, documents and feed
    counts of the stored articles carrying them (in two steps, so claims may swap)."""
    t, c, link = slugs_table, facet_counts_table, kind.table
    steps = list(moves.items())
    passing = {key: _PASSING.format(i) for i, (key, _) in enumerate(steps)}
    ids = sorted(
        set(
            conn.execute(
                sa.select(kind.article_id).where(
                    among(conn, kind.value, [old for old, _ in moves.values()])
                )
            ).scalars()
        )
    )
    for key, (old, _) in steps:
        conn.execute(
            t.update().where(t.c.kind == kind.name, t.c.label_key == key).values(slug=passing[key])
        )
        conn.execute(link.update().where(kind.value == old).values({kind.value: passing[key]}))
        conn.execute(
            c.update().where(c.c.kind == kind.name, c.c.value == old).values(value=passing[key])
        )
    for key, (_, new) in steps:
        conn.execute(t.update().where(t.c.kind == kind.name, t.c.label_key == key).values(slug=new))
        conn.execute(link.update().where(kind.value == passing[key]).values({kind.value: new}))
        conn.execute(
            c.update().where(c.c.kind == kind.name, c.c.value == passing[key]).values(value=new)
        )
    totals.rename({(kind.name, old): (kind.name, new) for old, new in moves.values()})
    registry.moved(kind.name, {key: new for key, (_, new) in steps})
    if ids:
        a = articles_table
        new_by_key = {key: new for key, (_, new) in steps}
        rows = conn.execute(sa.select(a.c.id, a.c.doc).where(among(conn, a.c.id, ids))).all()
        for row in rows:
            doc = row.doc if isinstance(row.doc, dict) else orjson.loads(row.doc)
            for item in doc.get(kind.document) or ():
                moved_to = new_by_key.get(label_key(item[kind.document_label]))
                if moved_to is not None:
                    item["slug"] = moved_to
            conn.execute(a.update().where(a.c.id == row.id).values(doc=doc))


assert {kind.name for _, kind in _PLACES} == {kind.name for kind in SLUGGED_KINDS}
