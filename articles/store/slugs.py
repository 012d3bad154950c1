"""The slug registry: one slug per tag or author label (and section or source label whose slug
the record left to derive), different labels never sharing one.

The first label readers see gets a slug; a different label (`articles.slugs.label_key`) whose
slug would be the same gets `slug-2`, then `slug-3`, ...; a slug once readers could see it is
never changed or given to another label, even after every article with it is deleted. A label
only non-public articles carry (drafts, withheld, embargoed) holds a provisional slug,
renumbered by `articles.store.slug_claims` so it never outranks a label readers see; a section's
or source's slug a record gives itself is claimed for good at once (`SlugRegistry.note`).
Writers are serialised by the store's write lock, and a claim is also safe without it: the
table's unique constraints decide, a lost race is read back or retried with the next number.

The write path gives the registry's slugs to the rows it writes here too: `give_row_slugs`
(sections and sources whose slug a record left to derive) and `give_link_slugs` (tags and
authors), with `relabelled` rewriting an article's links, feeds and document to match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from articles.slugs import label_key, numbered
from articles.store.documents import dump_like, load_document
from articles.store.facets import LINKED_KINDS, SLUGGED_KINDS, Members
from articles.store.rows import PreparedArticle
from articles.store.schema import slugs_table

# Label keys looked up per statement (well under SQLite's bound-parameter limit).
_LOOKUP_CHUNK: Final = 400
_SLUGGED_NAMES: Final = frozenset(kind.name for kind in SLUGGED_KINDS)
# `shown_from` of the claims made for good at once (a section's or source's slug a record gives
# itself, `SlugRegistry.note`).
FOR_GOOD: Final = datetime(1970, 1, 1, tzinfo=UTC)
# The kinds on the articles row whose slugs the registry gives when a record leaves them to be
# derived from the label (`Article.derived_slugs`).
ROW_SLUGGED: Final = ("section", "source")


def _inserted(conn: Connection, row: Mapping[str, Any]) -> bool:
    """Insert a slugs row unless its label or slug is taken; whether it was inserted. Told by
    RETURNING: the driver's rowcount for `ON CONFLICT DO NOTHING` is -1 on PostgreSQL
    (psycopg), which read as "inserted" registered slugs another label held."""
    insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    statement = insert(slugs_table).on_conflict_do_nothing().returning(slugs_table.c.label_key)
    return conn.execute(statement, row).first() is not None


class SlugRegistry:
    """The slugs table as one write transaction sees it, with what it learnt kept in memory."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._known: dict[tuple[str, str], str] = {}  # (kind, label key) -> slug
        # (kind, label key) -> when readers first could see it (None: not yet known to), for
        # every claim `_known` holds.
        self.shown: dict[tuple[str, str], datetime | None] = {}
        self.new: set[tuple[str, str]] = set()  # claims made in this transaction
        # kind -> a time at which no claim of the kind was provisional (`slug_claims`): still
        # so at any later time until this transaction makes one.
        self.none_provisional: dict[str, datetime] = {}
        # (kind, label as spelled) -> slug, for every spelling `resolve` has seen: the write
        # path's fast lookup, without working out label keys again.
        self.by_label: dict[tuple[str, str], str] = {}

    def slug(self, kind: str, label: str) -> str:
        """The slug given to `label`; KeyError when `resolve` has not seen it."""
        return self._known[(kind, label_key(label))]

    def resolve(self, wanted: Iterable[tuple[str, str, str]]) -> None:
        """Learn, or claim, the slug of every (kind, label, slug the record proposes).

        A label seen before keeps its slug whatever the record proposes; a new one claims the
        proposed slug, or the first numbered form of it no other label has.
        """
        wanted = list(wanted)
        missing: dict[tuple[str, str], tuple[str, str]] = {}
        for kind, label, proposed in wanted:
            key = (kind, label_key(label))
            if key not in self._known and key not in missing:
                missing[key] = (proposed, label)
        if missing:
            self._load(list(missing))
            for key, (proposed, label) in missing.items():
                if key not in self._known:
                    self._known[key] = self._claim(key[0], key[1], proposed, label)
        for kind, label, _ in wanted:
            self.by_label[(kind, label)] = self._known[(kind, label_key(label))]

    def note(self, kind: str, label: str, slug: str, *, again: bool = False) -> None:
        """Register a slug a record gave explicitly (a section's or source's own slug), for its
        label, when neither is registered yet: a label later given without a slug then gets it,
        and no other label's derived slug takes it. A slug may name several labels this way
        (`asia` for `아시아` and `Asia`); only the first is registered. `again`: try once more
        though this transaction saw the label (`slug_claims` moved a provisional claim off
        the slug)."""
        if (kind, label) in self.by_label and not again:
            return
        key = (kind, label_key(label))
        if key not in self._known:
            self._load([key])
        if key not in self._known:
            shown = FOR_GOOD
            row = {
                "kind": kind,
                "label_key": key[1],
                "slug": slug,
                "label": label,
                "base": slug,
                "shown_from": shown,
            }
            if _inserted(self._conn, row):
                self._known[key] = slug
                self.shown[key] = shown
                self.new.add(key)
        self.by_label[(kind, label)] = self._known.get(key, slug)

    def _load(self, keys: list[tuple[str, str]]) -> None:
        t = slugs_table
        by_kind: dict[str, list[str]] = {}
        for kind, key in keys:
            by_kind.setdefault(kind, []).append(key)
        for kind, label_keys in by_kind.items():
            for start in range(0, len(label_keys), _LOOKUP_CHUNK):
                query = sa.select(
                    t.c.label_key.label("label_key"),
                    t.c.slug.label("slug"),
                    t.c.shown_from.label("shown_from"),
                ).where(
                    t.c.kind == kind, t.c.label_key.in_(label_keys[start : start + _LOOKUP_CHUNK])
                )
                for row in self._conn.execute(query):
                    self._known[(kind, row.label_key)] = row.slug
                    self.shown[(kind, row.label_key)] = row.shown_from

    def moved(self, kind: str, slugs: Mapping[str, str]) -> None:
        """Learn that claims of `kind` moved (label key -> new slug; `slug_claims`)."""
        for key, slug in slugs.items():
            self._known[(kind, key)] = slug
        for spelled in [s for s in self.by_label if s[0] == kind]:
            new = slugs.get(label_key(spelled[1]))
            if new is not None:
                self.by_label[spelled] = new

    def _taken(self, kind: str, base: str) -> set[str]:
        t = slugs_table
        pattern = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%"
        query = sa.select(t.c.slug).where(
            t.c.kind == kind, sa.or_(t.c.slug == base, t.c.slug.like(pattern, escape="\\"))
        )
        return set(self._conn.execute(query).scalars())

    def _claim(self, kind: str, key: str, proposed: str, label: str) -> str:
        slug = self._claim_row(kind, key, proposed, label)
        if (kind, key) not in self.shown:
            # Provisional: `slug_claims.settle` dates it in the same write.
            self.shown[(kind, key)] = None
            self.new.add((kind, key))
            self.none_provisional.pop(kind, None)
        return slug

    def _claim_row(self, kind: str, key: str, proposed: str, label: str) -> str:
        shown = None  # provisional until `slug_claims.settle` dates it
        # Most new labels get the slug they propose: try it before reading which numbered
        # forms are taken (one statement per new label instead of two).
        first = numbered(proposed, 1)
        row = {
            "kind": kind,
            "label_key": key,
            "slug": first,
            "label": label,
            "base": proposed,
            "shown_from": shown,
        }
        if _inserted(self._conn, row):
            return first
        taken = self._taken(kind, proposed)
        number = 1
        while True:
            slug = numbered(proposed, number)
            number += 1
            if slug in taken:
                continue
            row = {**row, "slug": slug}
            if _inserted(self._conn, row):
                return slug
            # Another writer was first: it claimed this label (use its slug) or this slug.
            claimed = self._conn.execute(
                sa.select(slugs_table.c.slug, slugs_table.c.shown_from).where(
                    slugs_table.c.kind == kind, slugs_table.c.label_key == key
                )
            ).one_or_none()
            if claimed is not None:
                self.shown[(kind, key)] = claimed.shown_from
                return str(claimed.slug)
            taken.add(slug)


def relabelled(
    registry: SlugRegistry,
    links: tuple[Members, ...],
    facets: tuple[tuple[str, str], ...],
    doc: bytes | str,
) -> tuple[tuple[Members, ...], tuple[tuple[str, str], ...], bytes | str]:
    """The links (per kind of `LINKED_KINDS`), facets and JSON document with the registry's
    slugs (all resolved before); the links of kinds without slugs (language) as they are."""
    resolved = tuple(
        tuple((registry.slug(kind.name, label), label) for _, label in pairs)
        if kind.slugged
        else pairs
        for kind, pairs in zip(LINKED_KINDS, links, strict=True)
    )
    kept = [key for key in facets if key[0] not in _SLUGGED_NAMES]
    for kind, pairs in zip(LINKED_KINDS, resolved, strict=True):
        if kind.slugged:
            kept.extend((kind.name, slug) for slug, _ in pairs)
    document: dict[str, Any] = load_document(doc)
    for kind in SLUGGED_KINDS:
        items, seen = [], set()
        for item in document.get(kind.document) or ():
            item["slug"] = registry.slug(kind.name, item[kind.document_label])
            if item["slug"] not in seen:  # two spellings of one label: the first is kept
                seen.add(item["slug"])
                items.append(item)
        document[kind.document] = items
    return resolved, tuple(dict.fromkeys(kept)), dump_like(document, doc)


# Kind -> (slug column, label column) of the articles row, for the kinds of `ROW_SLUGGED`.
_SLUGGED_ROW_KINDS: Final[Mapping[str, tuple[str, str]]] = {
    name: (f"{name}_slug", f"{name}_label") for name in ROW_SLUGGED
}


def _with_row_slugs(article: PreparedArticle, slugs: Mapping[str, str]) -> PreparedArticle:
    """`article` with the slugs of its section and source (`slugs`: kind -> slug) replaced
    in its row, its feeds and its document."""
    row = dict(article.row)
    doc = load_document(row["doc"])
    facets = list(article.facets)
    for name, slug in slugs.items():
        column = _SLUGGED_ROW_KINDS[name][0]
        old = row[column]
        row[column] = slug
        doc[name]["slug"] = slug
        facets = [(name, slug) if key == (name, old) else key for key in facets]
    row["doc"] = dump_like(doc, row["doc"])
    return article._replace(row=row, facets=tuple(dict.fromkeys(facets)))


def give_link_slugs(registry: SlugRegistry, articles: dict[str, PreparedArticle]) -> None:
    """Put the registry's slug on every tag and author of `articles` (id -> prepared rows),
    claiming new ones, in place."""
    known = registry.by_label
    # The slugged kinds' places in `links` (per kind of LINKED_KINDS).
    places = [(n, kind.name) for n, kind in enumerate(LINKED_KINDS) if kind.slugged]
    # Plain loops, one pass in the usual case (every label known, with the slug the record
    # proposes): this runs for every link of every article written.
    missing = []
    differ = []  # ids with a link the registry does not know, or knows under another slug
    for article_id, x in articles.items():
        same = True
        for n, name in places:
            for slug, label in x.links[n]:
                given = known.get((name, label))
                if given is None:
                    missing.append((name, label, slug))
                    same = False
                elif given != slug:
                    same = False
        if not same:
            differ.append(article_id)
    if missing:
        registry.resolve(missing)
    for article_id in differ:
        x = articles[article_id]
        if all(known[(name, label)] == slug for n, name in places for slug, label in x.links[n]):
            continue  # its new labels got the slugs it proposed
        links, facets, doc = relabelled(registry, x.links, x.facets, x.row["doc"])
        articles[article_id] = x._replace(row={**x.row, "doc": doc}, links=links, facets=facets)


def give_row_slugs(registry: SlugRegistry, chunk: list[PreparedArticle]) -> list[PreparedArticle]:
    """The articles with the registry's slug on every section and source whose slug the
    record left to derive (claiming new ones); explicit slugs are registered for their
    label when both are new. The writer runs this before the stored versions are compared,
    so a record repeating a stored one is `unchanged` whatever slug it proposes."""
    known = registry.by_label
    wanted: list[tuple[str, str, str]] = []
    for x in chunk:
        for name, (slug_column, label_column) in _SLUGGED_ROW_KINDS.items():
            slug, label = x.row[slug_column], x.row[label_column]
            if slug is None or (name, label) in known:
                continue
            if name in x.derived:
                wanted.append((name, label, slug))
            else:
                registry.note(name, label, slug)
    if wanted:
        registry.resolve(wanted)
    given = []
    for x in chunk:
        changes: dict[str, str] = {}
        for name in x.derived:
            slug_column, label_column = _SLUGGED_ROW_KINDS[name]
            slug = x.row[slug_column]
            if slug is not None:
                registered = known[(name, x.row[label_column])]
                if registered != slug:
                    changes[name] = registered
        given.append(_with_row_slugs(x, changes) if changes else x)
    return given


def label_slugs(
    conn: Connection, kinds: Iterable[str], now: datetime
) -> list[tuple[str, str, str, str]]:
    """Every (kind, label as first spelled, label key, slug) the registry holds for `kinds`
    that readers could see by `now`, by kind and slug (a provisional claim is nobody's
    business: its slug may still change)."""
    t = slugs_table
    query = (
        sa.select(t.c.kind, t.c.label, t.c.label_key, t.c.slug)
        .where(t.c.kind.in_(sorted(set(kinds))), t.c.shown_from <= now)
        .order_by(t.c.kind, t.c.slug)
    )
    return [(r.kind, r.label, r.label_key, r.slug) for r in conn.execute(query)]


def slug_of_label(conn: Connection, kind: str, label: str, now: datetime) -> str | None:
    """The slug the registry gave `label` (`articles.slugs.label_key`) of a linked kind (tag,
    author), or None, also while readers could not see it by `now`: one primary-key lookup."""
    t = slugs_table
    query = sa.select(t.c.slug).where(
        t.c.kind == kind, t.c.label_key == label_key(label), t.c.shown_from <= now
    )
    slug: str | None = conn.execute(query).scalar_one_or_none()
    return slug


def label_of_slug(conn: Connection, kind: str, slug: str) -> str | None:
    """The label as first spelled that holds `slug` for `kind`, or None: one lookup on the
    registry's unique (kind, slug). A row never changes, so neither does the answer."""
    t = slugs_table
    query = sa.select(t.c.label).where(t.c.kind == kind, t.c.slug == slug)
    label: str | None = conn.execute(query).scalar_one_or_none()
    return label
