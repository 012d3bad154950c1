"""When a label's slug is claimed for good: when readers first can see it.

Labels: tags and authors (link rows), and sections and sources whose slug the record left to
derive from the label (`Article.derived_slugs`; a column of the articles row). A section or
source slug a record gives itself names its section under any label and is claimed for good at
once (`SlugRegistry.note`); a provisional claim never takes such a slug (one an article row
holds under another label, or one the write gives) nor one readers see.

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

A provisional slug moves only where no reader can see it: the slugs row, the link rows (tags,
authors) or the articles' column (sections, sources: only the rows whose label is the claim's)
and documents of the (non-public) articles carrying it, their feed counts. The publishing API
shows a non-public article's slugs as they stand (docs/api.md).

`settle` runs in every write transaction after the registry resolved the written labels
(`slugs.give_link_slugs`) and before their rows are written; its usual case, labels readers
see already, or new labels readers see while no claim of their kind is provisional (known
once per transaction), costs nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.model import STATUSES
from articles.slugs import label_key, numbered
from articles.store.facets import FACET_KINDS, LINKED_KINDS, SLUGGED_KINDS, FacetKind, Members
from articles.store.feed_totals import FeedTotals
from articles.store.rows import PreparedArticle
from articles.store.schema import articles_table, facet_counts_table, slugs_table
from articles.store.slugs import FOR_GOOD, ROW_SLUGGED, SlugRegistry
from articles.store.sql import among

# A slug in passing while claims swap slugs (slugs hold no `~`: articles.text.slugify).
_PASSING: Final = "~moving~{}"
# Numbered slugs looked up at once in the articles rows, past those the claims could need.
_LOOK_AHEAD: Final = 32


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a kind's claims live: `labels(x)` gives the (slug, label) pairs of the claims a
    written article carries; `row` says the slug is a column of the articles row."""

    kind: FacetKind
    labels: Callable[[PreparedArticle], Members]
    row: bool = False


def _linked(n: int) -> Callable[[PreparedArticle], Members]:
    return lambda x: x.links[n]


def _derived(kind: FacetKind) -> Callable[[PreparedArticle], Members]:
    slug_column, label_column = str(kind.value_column), str(kind.label_column)

    def labels(x: PreparedArticle) -> Members:
        slug = x.row[slug_column]
        if slug is None or kind.name not in x.derived:
            return ()
        return ((slug, x.row[label_column]),)

    return labels


def _given(kind: FacetKind, written: Iterable[PreparedArticle]) -> set[str]:
    """The slugs of `kind` the written records give themselves (sections, sources)."""
    column = str(kind.value_column)
    return {
        x.row[column] for x in written if kind.name not in x.derived and x.row[column] is not None
    }


_PLACES: Final = [
    *(_Place(kind, _linked(n)) for n, kind in enumerate(LINKED_KINDS) if kind.slugged),
    *(_Place(FACET_KINDS[name], _derived(FACET_KINDS[name]), row=True) for name in ROW_SLUGGED),
]


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
    slugs: tag, author, section, source) of the stored versions they replace or a deletion
    removed, `replaced` the ids whose stored rows the write replaces (not counted as carrying
    their labels any more, nor moved: their new versions are relabelled).
    """
    written = list(written)
    replaced = list(replaced)
    moved = False
    for place in _PLACES:
        kind = place.kind
        order: dict[str, int] = {}  # label key -> place in the write, for the claims it touches
        earliest: dict[str, datetime] = {}  # label key -> earliest visible-able publication
        for x in written:
            for _, label in place.labels(x):
                key = label_key(label)
                order.setdefault(key, len(order))
                if x.status == "published" and (key not in earliest or x.published < earliest[key]):
                    earliest[key] = x.published
        touched = [k for k in order if not _held(registry.shown.get((kind.name, k)), now)]
        slugs = list(dict.fromkeys(gone.get(kind.name, ())))
        given: set[str] = set()
        pinned: set[str] = set()
        if place.row:
            given = _given(kind, written)
            pinned = _pinned(registry, kind, written, now)
            for key in pinned:
                if key not in order:
                    order[key] = len(order)
                if key not in touched:
                    touched.append(key)
            if given and _any_provisional(conn, registry, kind.name, now):
                # A slug a record gives is never a provisional claim's: that claim moves.
                slugs.extend(sorted(given))
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
        shown = _shown_after(conn, place, touched, earliest, replaced)
        t = slugs_table
        for key in pinned:
            shown[key] = FOR_GOOD
        for key in touched:
            conn.execute(
                t.update()
                .where(t.c.kind == kind.name, t.c.label_key == key)
                .values(shown_from=shown.get(key))
            )
            registry.shown[(kind.name, key)] = shown.get(key)
            if not _held(shown.get(key), now):
                registry.none_provisional.pop(kind.name, None)
        if all(
            (kind.name, key) in registry.new and _held(shown.get(key), now) for key in touched
        ) and not _any_provisional(conn, registry, kind.name, now):
            continue  # new labels readers see, no provisional one: resolved as they should be
        moves = _renumber(conn, place, order, touched, now, given, pinned)
        if moves:
            if place.row:
                _move_rows(conn, registry, totals, kind, moves, replaced)
                _register_freed(registry, kind, written, {old for old, _ in moves.values()})
            else:
                _move(conn, registry, totals, kind, moves)
            moved = True
    return moved


def _pinned(
    registry: SlugRegistry, kind: FacetKind, written: Iterable[PreparedArticle], now: datetime
) -> set[str]:
    """The label keys of provisional claims of a row kind a written record gives its section's
    (source's) slug for itself, as the claim has it: claimed for good now, as a slug a record
    gives is (`SlugRegistry.note`), and never moved, so the record's slug stays its own."""
    slug_column, label_column = str(kind.value_column), str(kind.label_column)
    pinned = set()
    looked: set[str] = set()  # labels seen (most records of a batch share a few)
    for x in written:
        slug = x.row[slug_column]
        if slug is None or kind.name in x.derived:
            continue
        label = x.row[label_column]
        if label in looked or registry.by_label.get((kind.name, label)) != slug:
            continue
        looked.add(label)
        key = label_key(label)
        if (kind.name, key) in registry.shown and not _held(registry.shown[(kind.name, key)], now):
            pinned.add(key)
    return pinned


def _held(shown: datetime | None, now: datetime) -> bool:
    return shown is not None and shown <= now


def _shown_after(
    conn: Connection,
    place: _Place,
    keys: list[str],
    earliest: Mapping[str, datetime],
    replaced: list[str],
) -> dict[str, datetime]:
    """label key -> when readers first can see an article carrying it after the write."""
    kind = place.kind
    slug_keys: dict[str, str] = {}
    t = slugs_table
    query = sa.select(t.c.label_key, t.c.slug).where(
        t.c.kind == kind.name, among(conn, t.c.label_key, keys)
    )
    for row in conn.execute(query):
        slug_keys[row.slug] = row.label_key
    wanted = set(keys)
    shown = {k: v for k, v in earliest.items() if k in wanted}
    if slug_keys:
        table = kind.table
        first = sa.func.min(table.c.published).label("first")
        # A section's or source's slug column may hold a slug a record gave under another
        # label: only the rows whose label is the claim's carry the claim.
        label: list[sa.ColumnElement[Any]] = [kind.label()] if place.row else []
        firsts: sa.Select[Any] = (
            sa.select(kind.value.label("slug"), *(c.label("label") for c in label), first)
            .where(among(conn, kind.value, list(slug_keys)), table.c.status == "published")
            .group_by(kind.value, *label)
        )
        if replaced:
            firsts = firsts.where(sa.not_(among(conn, kind.article_id, replaced)))
        for found in conn.execute(firsts):
            key = slug_keys[found.slug]
            if place.row and label_key(found.label) != key:
                continue
            when = found.first
            if key not in shown or when < shown[key]:
                shown[key] = when
    return shown


def _any_provisional(conn: Connection, registry: SlugRegistry, kind: str, now: datetime) -> bool:
    """Whether a claim of `kind` is provisional at `now`; a "no" is kept for the transaction
    (`SlugRegistry.none_provisional`: only its own writes add provisional claims)."""
    since = registry.none_provisional.get(kind)
    if since is not None and since <= now:
        return False
    t = slugs_table
    query = (
        sa.select(t.c.label_key)
        .where(t.c.kind == kind, sa.or_(t.c.shown_from.is_(None), t.c.shown_from > now))
        .limit(1)
    )
    found = conn.execute(query).first() is not None
    if not found:
        registry.none_provisional[kind] = now
    return found


def _renumber(
    conn: Connection,
    place: _Place,
    order: Mapping[str, int],
    touched: list[str],
    now: datetime,
    given: set[str],
    pinned: set[str],
) -> dict[str, tuple[str, str]]:
    """label key -> (old slug, new slug) of the claims of the place's kind that were not held
    before this write (`touched`: those it dated), numbered in the rule's order; only those
    whose slug changes. `given`: the slugs the write's records give themselves (sections,
    sources), taken like the held ones; `pinned`: the claims that keep their slug
    (`_pinned`)."""
    kind = place.kind.name
    t = slugs_table
    keys = touched
    query = sa.select(t.c.label_key, t.c.slug, t.c.base, t.c.shown_from).where(
        t.c.kind == kind,
        sa.or_(t.c.shown_from.is_(None), t.c.shown_from > now, among(conn, t.c.label_key, keys)),
    )
    claims = [row for row in conn.execute(query) if row.label_key not in pinned]
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
    claimed = {(row.slug, row.label_key) for row in claims}
    taken_by_base: dict[str, set[str]] = {}
    checked: dict[str, int] = {}  # base -> numbers looked up in the articles rows (row kinds)
    assigned: set[str] = set()
    moves: dict[str, tuple[str, str]] = {}
    for row in claims:
        if row.base not in taken_by_base:
            taken_by_base[row.base] = (_held_slugs(conn, kind, row.base) - own) | given
            checked[row.base] = 0
        taken = taken_by_base[row.base]
        number = 1
        while True:
            if place.row and number > checked[row.base]:
                upto = number + len(claims) + _LOOK_AHEAD
                slugs = [numbered(row.base, n) for n in range(number, upto + 1)]
                taken |= _given_slugs(conn, place.kind, slugs, claimed)
                checked[row.base] = upto
            slug = numbered(row.base, number)
            if slug not in taken and slug not in assigned:
                break
            number += 1
        assigned.add(slug)
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


def _given_slugs(
    conn: Connection, kind: FacetKind, slugs: list[str], claimed: set[tuple[str, str]]
) -> set[str]:
    """Of `slugs` (of a row kind), those some stored article row holds other than as a
    provisional claim (`claimed`: (slug, label key)): slugs records gave themselves, under any
    label. Equality lookups on the feed index (status, slug), whatever the table's size."""
    value = kind.value
    query = (
        sa.select(value.label("slug"), kind.label().label("label"))
        .where(kind.status.in_(STATUSES), among(conn, value, slugs))
        .distinct()
    )
    return {
        row.slug for row in conn.execute(query) if (row.slug, label_key(row.label)) not in claimed
    }


def _register_freed(
    registry: SlugRegistry, kind: FacetKind, written: Iterable[PreparedArticle], freed: set[str]
) -> None:
    """Register the slugs written records give themselves that a provisional claim held (and
    just left), for their labels, as `SlugRegistry.note` would have had the slug been free."""
    slug_column, label_column = str(kind.value_column), str(kind.label_column)
    for x in written:
        slug = x.row[slug_column]
        if slug in freed and kind.name not in x.derived:
            registry.note(kind.name, x.row[label_column], slug, again=True)


def _move_rows(
    conn: Connection,
    registry: SlugRegistry,
    totals: FeedTotals,
    kind: FacetKind,
    moves: Mapping[str, tuple[str, str]],
    replaced: list[str],
) -> None:
    """Give claims of a row kind (section, source) their new slugs: the registry's rows, and
    the column, document and feed counts of the stored articles whose label is the claim's
    (not those this write replaces: their new versions get the new slug)."""
    t, a = slugs_table, articles_table
    steps = list(moves.items())
    passing = {key: _PASSING.format(i) for i, (key, _) in enumerate(steps)}
    new_for = {(old, key): new for key, (old, new) in steps}
    skip = set(replaced)
    query = sa.select(
        a.c.id, kind.label().label("label"), kind.value.label("slug"), a.c.status, a.c.doc
    ).where(a.c.status.in_(STATUSES), among(conn, kind.value, [old for old, _ in moves.values()]))
    counts: dict[tuple[str, str], int] = {}
    for row in conn.execute(query).all():
        new = new_for.get((row.slug, label_key(row.label)))
        if new is None or row.id in skip:
            continue
        doc = row.doc if isinstance(row.doc, dict) else orjson.loads(row.doc)
        doc[kind.name]["slug"] = new
        conn.execute(a.update().where(a.c.id == row.id).values({kind.value.name: new, "doc": doc}))
        if row.status == "published":  # counted in its feed (an embargoed one)
            counts[(kind.name, row.slug)] = counts.get((kind.name, row.slug), 0) - 1
            counts[(kind.name, new)] = counts.get((kind.name, new), 0) + 1
    for key, _ in steps:
        conn.execute(
            t.update().where(t.c.kind == kind.name, t.c.label_key == key).values(slug=passing[key])
        )
    for key, (_, new) in steps:
        conn.execute(t.update().where(t.c.kind == kind.name, t.c.label_key == key).values(slug=new))
    totals.add_counts(counts)
    registry.moved(kind.name, {key: new for key, (_, new) in steps})


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


assert {place.kind.name for place in _PLACES} == {
    *(kind.name for kind in SLUGGED_KINDS),
    *ROW_SLUGGED,
}
