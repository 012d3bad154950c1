"""The write path: upsert, delete with tombstones; feed counts and change times are summed in
`articles.store.feed_totals`, tombstones, embargo lifts and change times kept by
`articles.store.visibility`.

`StoreTransaction` writes the rows `articles.store.rows.prepare_article` makes inside one open
transaction. Rows are dictionaries keyed by column name and every statement names its columns,
so nothing depends on the order of a table's columns.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import chain
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from articles.errors import ArticleNotFound, GuidConflict, InvalidArticle
from articles.model import Article, article_from_dict
from articles.store import slug_claims
from articles.store.facets import (
    ALL_KEY,
    FACET_KINDS,
    LINKED_KINDS,
    ROW_KINDS,
    SLUGGED_KINDS,
    Episodes,
    Facet,
    FacetKind,
    facet_keys,
)
from articles.store.feed_totals import FeedTotals
from articles.store.guids import GuidRules
from articles.store.linked import partners, visible_feeds
from articles.store.model import UpsertResult
from articles.store.rows import (
    ROW_COLUMNS,
    PreparedArticle,
    content_of,
    moved_past,
    prepare_article,
    stated_updated,
    utc,
    with_guid,
    with_updated,
)
from articles.store.schema import (
    articles_table,
    deleted_table,
    stamped_ahead_table,
    translations_table,
)
from articles.store.slugs import SlugRegistry, give_link_slugs, give_row_slugs
from articles.store.sql import among
from articles.store.stamps import LEAD, claim_stamp, keep_written, settled
from articles.store.visibility import Visibility, VisibilityChange, visible

# Rows read or written per statement inside one upsert transaction: big enough to amortise the
# round trips, small enough to stay under SQLite's bound-parameter limit in `IN (...)` lists.
CHUNK_SIZE: Final = 500


@dataclass(frozen=True, slots=True)
class _WriteStatements:
    insert: str
    update: str
    links: tuple[str, ...]  # per kind of LINKED_KINDS


@cache
def _write_statements(dialect: Dialect) -> _WriteStatements:
    """The driver-level SQL of the bulk writes, with named parameters in the dialect's style."""
    sqlite = dialect.name == "sqlite"

    def mark(name: str) -> str:
        return f":{name}" if sqlite else f"%({name})s"

    values = {
        name: mark(name) if name != "doc" or sqlite else f"CAST({mark(name)} AS jsonb)"
        for name in ROW_COLUMNS
    }
    place = "?" if dialect.paramstyle == "qmark" else "%s"
    links = tuple(
        f"INSERT INTO {kind.table.name} ({', '.join(_link_columns(kind))}) "
        f"VALUES ({', '.join(place for _ in _link_columns(kind))})"
        for kind in LINKED_KINDS
    )
    return _WriteStatements(
        insert=f"INSERT INTO articles ({', '.join(values)}) VALUES ({', '.join(values.values())})",
        update=(
            "UPDATE articles SET "
            + ", ".join(f"{name} = {value}" for name, value in values.items() if name != "id")
            + f" WHERE id = {mark('id')}"
        ),
        links=links,
    )


# A row's values in the order of ROW_COLUMNS (as COPY takes them), picked in C.
_row_values: Final = operator.itemgetter(*ROW_COLUMNS)


def _link_columns(kind: FacetKind) -> tuple[str, ...]:
    """The columns of a link row, in the order its INSERT names them: article id, value,
    label (unless the value is its own label), status, published; the rows are built in
    this order right where they are written."""
    label = () if kind.own_label else (str(kind.label_column),)
    return ("article_id", str(kind.value_column), *label, "status", "published")


class StoreTransaction:
    """Writes inside one open transaction; get one from `Store.transaction()`."""

    def __init__(
        self,
        conn: Connection,
        transaction: sa.RootTransaction,
        shows: Mapping[str, Episodes] | None = None,
        clock: Callable[[], datetime] | None = None,
        *,
        tag_authority: str | None = None,
        stamp_lead: timedelta = LEAD,
    ) -> None:
        self._conn = conn
        # How far ahead of the clock this writer's stamps may go (`stamp`), and the stamps it
        # gave ahead of the clock, each with the time of its write (`stamps.keep_written`).
        self._stamp_lead = stamp_lead
        self._stamped_ahead: dict[datetime, datetime] = {}
        # The site's tagging entity, when the writer gave it (`Store.transaction`): the guids
        # it mints are its articles' own (`articles.store.guids`).
        self._guids = GuidRules(conn, tag_authority)
        # The writer's clock, read at each flush (just before the commit): the change times
        # written are never earlier than it (`FeedTotals.settle`).
        self._clock = clock
        self._transaction = transaction
        # Podcast shows by slug: a show's feed changes (and keeps tombstones) with its episodes.
        self._shows: Mapping[str, Episodes] = shows or {}
        self._slugs: SlugRegistry | None = None  # made at the first write
        self.rolled_back = False
        self.committed = False  # set by `Store.transaction` once the commit has returned
        # Feed counts and change times, summed and written by `flush()` (articles.store.
        # feed_totals): before the commit, and before anyone else gets the connection.
        self._totals = FeedTotals()
        # Tombstones, embargo lifts, change times and the change sequence of every write
        # (articles.store.visibility).
        self._visibility = Visibility(conn, self._shows, self._totals)

    @property
    def backend(self) -> str:
        return self._conn.dialect.name

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for rows other modules keep beside the articles
        (the audit trail) that must commit or roll back with them."""
        self._check_open()
        self.flush()
        return self._conn

    def flush(self) -> None:
        """Write the feed counts and change times summed so far (`Store.transaction` calls
        this before it commits)."""
        if self.rolled_back:
            return
        if self._clock is not None:
            self._totals.settle(self._clock())
        self._totals.flush(self._conn)

    def rollback(self) -> None:
        """Discard everything written in this transaction now (releasing the write lock).

        Later writes through this object raise RuntimeError.
        """
        if self._transaction.is_active:
            self._transaction.rollback()
        self.rolled_back = True
        self._totals.clear()

    def _check_open(self) -> None:
        if self.rolled_back:
            raise RuntimeError("this store transaction was rolled back; start a new one")

    def stamp(
        self, now: datetime, after: datetime | None = None, *, lead: timedelta | None = None
    ) -> datetime:
        """A whole second for a version the server dates at `now`, later than `after` and no
        other version's, at most `lead` ahead (default: the transaction's; see
        `articles.store.stamps.claim_stamp`): aware UTC. A version written with a stamp ahead
        of `now` counts as of `now` against later records (`stamps.settled`)."""
        self._check_open()
        when = claim_stamp(self._conn, now, after, self._stamp_lead if lead is None else lead)
        if when > now:
            self._stamped_ahead[when] = utc(now)
        return when

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id as this transaction sees it, or None."""
        self._check_open()
        a = articles_table
        doc = self._conn.execute(
            sa.select(a.c.doc).where(a.c.id == article_id)
        ).scalar_one_or_none()
        return None if doc is None else article_from_dict(doc)

    def guid_conflicts(self, articles: Sequence[PreparedArticle]) -> dict[int, GuidConflict]:
        """The articles `upsert_prepared` would refuse for their guid, by position: a new id
        whose guid is another article's (`articles.store.guids`: a stored article's, this
        transaction's writes included, a new id's earlier in `articles`, a deleted article's,
        or the one minted for another id). A stored id keeps its stored guid whatever the
        record says, so it never conflicts. Lets an importer that skips bad records drop
        exactly these instead of the whole batch."""
        self._check_open()
        return self._guids.conflicts(articles)

    def upsert_many(
        self, articles: Iterable[Article], *, now: datetime | None = None
    ) -> UpsertResult:
        """Insert or replace articles; counts are per record, applied in input order.

        A new id is inserted (its guid must be set: InvalidArticle otherwise). A stored id is
        replaced when the incoming `updated` is newer, or equal with different content (see
        `content_of`), keeping the stored guid; an equal record is unchanged, an older one
        skipped (its position in `UpsertResult.older`). A repeated id in the input follows
        the same rule against the record before it. A new id whose guid is another article's
        (a stored one's, a deleted one's, or the one minted for another id: `guids`)
        raises GuidConflict. `now` (default: the wall clock) is the time of the write: what
        readers could see before and after it decides tombstones, change times and pings.
        """
        backend = self._conn.dialect.name
        prepared = (prepare_article(article, backend) for article in articles)
        return self.upsert_prepared(prepared, now=now)

    def upsert_prepared(
        self, articles: Iterable[PreparedArticle], *, now: datetime | None = None
    ) -> UpsertResult:
        """`upsert_many` for articles already turned into rows by `prepare_article`."""
        self._check_open()
        now = utc(now or datetime.now(UTC))
        total = UpsertResult()
        older: list[int] = []
        older_than: list[datetime] = []
        overruled: list[tuple[int, datetime, str]] = []
        chunk: list[PreparedArticle] = []
        offset = 0
        for article in articles:
            chunk.append(article)
            if len(chunk) >= CHUNK_SIZE:
                result = self._upsert_chunk(chunk, now)
                older.extend(offset + i for i in result.older)
                older_than.extend(result.older_than)
                overruled.extend((offset + i, u, s) for i, u, s in result.overruled)
                total += result
                offset += len(chunk)
                chunk = []
        if chunk:
            result = self._upsert_chunk(chunk, now)
            older.extend(offset + i for i in result.older)
            older_than.extend(result.older_than)
            overruled.extend((offset + i, u, s) for i, u, s in result.overruled)
            total += result
        return replace(
            total, older=tuple(older), overruled=tuple(overruled), older_than=tuple(older_than)
        )

    def _upsert_chunk(self, chunk: list[PreparedArticle], now: datetime) -> UpsertResult:
        chunk = give_row_slugs(self._registry(), chunk)
        conn = self._conn
        a, s = articles_table, stamped_ahead_table
        ids = list({article.id for article in chunk})
        existing = {
            row.id: row
            for row in conn.execute(
                sa.select(
                    a.c.id.label("id"),
                    a.c.guid.label("guid"),
                    a.c.updated.label("updated"),
                    a.c.status.label("status"),
                    a.c.published.label("published"),
                    a.c.episode.label("episode"),
                    # What counterparts' hreflang links to it show (articles.store.linked).
                    a.c.language.label("link_language"),
                    a.c.url.label("link_url"),
                    *(kind.value.label(kind.name) for kind in ROW_KINDS),
                    # Set when the stored version was stamped ahead of its write (`stamps`).
                    s.c.written.label("written"),
                )
                .select_from(a.outerjoin(s, s.c.article_id == a.c.id))
                .where(among(conn, a.c.id, ids))
            )
        }
        # Records that repeat the stored `updated` are compared by content: read those docs. A
        # version stored without a new `updated` sits a few ticks past the time its document
        # states (see `_moved_past`), so a record just under the stored time may repeat it too.
        same_time = list(
            {
                x.id
                for x in chunk
                if x.id in existing
                and (
                    timedelta(0) <= existing[x.id].updated - x.updated < RESTAMP_WINDOW
                    # Or made after a version stamped ahead was written: the same, or newer.
                    or settled(existing[x.id].updated, existing[x.id].written)
                    <= x.updated
                    < existing[x.id].updated
                )
            }
        )
        stored_docs: dict[str, Any] = {}
        if same_time:
            query = sa.select(a.c.id.label("id"), a.c.doc.label("doc")).where(
                among(conn, a.c.id, same_time)
            )
            stored_docs.update((row.id, row.doc) for row in conn.execute(query))
        # Apply the records in order against what is stored or pending, so a repeated id
        # behaves exactly as if the records had come in separate calls.
        inserts: dict[str, PreparedArticle] = {}
        replaces: dict[str, PreparedArticle] = {}
        new = updated = unchanged = skipped = 0
        older: list[int] = []
        older_than: list[datetime] = []
        overruled: list[tuple[int, datetime, str]] = []
        restamped: set[str] = set()
        # Of the versions to write, those stamped ahead of the clock: id -> time of the write.
        ahead: dict[str, datetime] = {}
        for position, article in enumerate(chunk):
            pending = inserts.get(article.id) or replaces.get(article.id)
            if pending is None and article.id not in existing:
                if not article.guid:
                    raise InvalidArticle(
                        f"article {article.id!r}",
                        "guid",
                        "must be set before the first store (mint it with articles.ids.mint_guid)",
                        article_id=article.id,
                    )
                inserts[article.id] = article
                if article.updated in self._stamped_ahead:
                    ahead[article.id] = self._stamped_ahead[article.updated]
                new += 1
                continue
            current_updated = pending.updated if pending else existing[article.id].updated
            current_doc = pending.row["doc"] if pending else stored_docs.get(article.id)
            if article.updated <= current_updated and (
                article.updated == current_updated
                or (current_doc is not None and article.updated == stated_updated(current_doc))
            ):
                # The stored version's own time: the same record, or a change made without a
                # new `updated` (a correction, a takedown).
                if current_doc is not None and content_of(article.row["doc"]) == content_of(
                    current_doc
                ):
                    unchanged += 1
                    continue
                article = moved_past(article, current_updated)
                restamped.add(article.id)
            elif article.updated < current_updated and article.updated >= settled(
                current_updated, ahead.get(article.id) if pending else existing[article.id].written
            ):
                # Stored (or pending) with a stamp ahead of its write, and this record was made
                # at or after that write: the same record again, or a newer one, dated after
                # the stamp so `updated` never goes back.
                if current_doc is not None and content_of(article.row["doc"]) == content_of(
                    current_doc
                ):
                    unchanged += 1
                    continue
                article = with_updated(article, self.stamp(now, current_updated))
            elif article.updated < current_updated:
                skipped += 1
                older.append(position)
                older_than.append(current_updated)
                current_status = pending.status if pending else existing[article.id].status
                if article.status != current_status:
                    overruled.append((position, current_updated, current_status))
                continue
            guid: str = pending.guid if pending and pending.guid else existing[article.id].guid
            if article.guid != guid:
                article = with_guid(article, guid)
            if article.updated in self._stamped_ahead:
                ahead[article.id] = self._stamped_ahead[article.updated]
            else:
                ahead.pop(article.id, None)
            if article.id in inserts:
                inserts[article.id] = article
            else:
                replaces[article.id] = article
            updated += 1
        if not inserts and not replaces:
            return UpsertResult(
                new,
                updated,
                unchanged,
                frozenset(),
                skipped,
                tuple(older),
                tuple(overruled),
                tuple(older_than),
            )

        self._guids.check_free(inserts)
        registry = self._registry()
        give_link_slugs(registry, inserts)
        give_link_slugs(registry, replaces)
        # A label's slug is claimed for good when readers first see it (`slug_claims`).
        gone = self._stored_slugs(list(replaces), existing)
        written = [*inserts.values(), *replaces.values()]
        if slug_claims.settle(
            conn, registry, self._totals, written, gone=gone, replaced=replaces, now=now
        ):
            give_link_slugs(registry, inserts)
            give_link_slugs(registry, replaces)
            for batch in (inserts, replaces):
                batch.update((x.id, x) for x in give_row_slugs(registry, list(batch.values())))
        # The rows go to the driver as they are: SQLAlchemy's per-row parameter processing cost
        # more than the inserts themselves, and prepare_article already did the conversions.
        sql = _write_statements(conn.dialect)
        # Published-count changes per feed, as (kind, value): -1 for each feed a stored
        # published version was in, +1 for each feed a written published version is in.
        deltas: Counter[tuple[str, str]] = Counter()
        stored_facets: dict[str, set[tuple[str, str]]] = {}
        old_names: dict[str, set[str]] = {}
        if replaces:
            stored_facets = self._stored_facets(list(replaces), existing)
            for facets in stored_facets.values():
                deltas.subtract(facets)
            replace_ids = list(replaces)
            for kind in LINKED_KINDS:
                conn.execute(kind.table.delete().where(among(conn, kind.article_id, replace_ids)))
            t = translations_table
            old_names = self._visibility.named(replace_ids)
            conn.execute(t.delete().where(among(conn, t.c.article_id, replace_ids)))
            conn.exec_driver_sql(sql.update, [x.row for x in replaces.values()])
        # PostgreSQL takes new rows as one COPY stream per table: no statement per row.
        copying = conn.dialect.name == "postgresql"
        # New ids that were never deleted have no tombstones and no embargo lift to clear.
        clean: set[str] = set()
        if inserts:
            clean = self._visibility.clean_ids(list(inserts))
            if copying:
                self._copy(
                    "articles",
                    ROW_COLUMNS,
                    [_row_values(x.row) for x in inserts.values()],
                )
            else:
                conn.exec_driver_sql(sql.insert, [x.row for x in inserts.values()])
        cleared = [
            key for key in replaces if existing[key].written is not None and key not in ahead
        ]
        if ahead or cleared:
            keep_written(conn, ahead, cleared)
        written = [*inserts.values(), *replaces.values()]
        for number, statement in enumerate(sql.links):
            # Positional, in the order the statement itself names its columns (_link_columns).
            kind = LINKED_KINDS[number]
            rows: list[tuple[Any, ...]] = (
                [
                    (x.id, value, x.status, x.row["published"])
                    for x in written
                    for value, _ in x.links[number]
                ]
                if kind.own_label
                else [
                    (x.id, value, label, x.status, x.row["published"])
                    for x in written
                    for value, label in x.links[number]
                ]
            )
            if rows and copying:
                self._copy(kind.table.name, _link_columns(kind), rows)
            elif rows:
                conn.exec_driver_sql(statement, rows)
        translation_rows = [
            {"article_id": x.id, "other_id": other} for x in written for other in x.translations
        ]
        if translation_rows:
            conn.execute(translations_table.insert(), translation_rows)
        published = [x.facets for x in written if x.status == "published"]
        deltas.update(chain.from_iterable(published))  # one count in C, not one per article
        if published:
            deltas[ALL_KEY] += len(published)
        self._totals.add_counts(deltas)
        changes = []
        for x in written:
            row = existing.get(x.id)
            was = row is not None and visible(row.status, row.published, now)
            feeds = frozenset((ALL_KEY, *x.facets))
            changes.append(
                VisibilityChange(
                    id=x.id,
                    guid=x.guid or "",
                    before=frozenset(stored_facets.get(x.id, ())) if was else None,
                    before_published=row.published if row is not None else None,
                    after=feeds if visible(x.status, x.published, now) else None,
                    lift_at=x.published if x.status == "published" and x.published > now else None,
                    after_published=x.published,
                    before_episode=bool(row is not None and row.episode),
                    after_episode=bool(x.row["episode"]),
                    stored_in=feeds,
                )
            )
        # A record with the stored `updated` and other content changes the page with no date
        # moving: its change time does.
        same_time_written = [x.id for x in replaces.values() if x.id in restamped]
        if same_time_written:
            self._visibility.pages_changed(same_time_written, now)
        relinked = self._visibility.relinked_feeds(written, existing, old_names, now)
        affected = self._visibility.record(changes, now, linked=relinked, clean=clean)
        return UpsertResult(
            new,
            updated,
            unchanged,
            affected,
            skipped,
            tuple(older),
            tuple(overruled),
            tuple(older_than),
        )

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """PostgreSQL: `rows` (values in the order of `columns`) into `table` by COPY FROM STDIN.

        Inside this transaction, on its connection; a database error leaves as SQLAlchemy's
        (IntegrityError for a duplicate key, ...), like any other statement's.
        """
        dbapi: Any = self._conn.connection.dbapi_connection  # a psycopg Connection
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        error = self._conn.dialect.loaded_dbapi.Error
        try:
            with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except error as exc:
            raise sa.exc.DBAPIError.instance(statement, None, exc, error) from exc

    def _registry(self) -> SlugRegistry:
        """The transaction's slug registry, made at its first write."""
        if self._slugs is None:
            self._slugs = SlugRegistry(self._conn)
        return self._slugs

    def _stored_slugs(self, ids: list[str], existing: Mapping[str, Any]) -> dict[str, list[str]]:
        """kind -> the tag, author, section and source slugs the stored versions of `ids`
        carry (`existing`: their rows as `_upsert_chunk` read them)."""
        slugs: dict[str, list[str]] = {}
        if not ids:
            return slugs
        for kind in ROW_KINDS:
            slugs[kind.name] = [
                existing[i]._mapping[kind.name] for i in ids if existing[i]._mapping[kind.name]
            ]
        for kind in SLUGGED_KINDS:
            query = sa.select(kind.value).where(among(self._conn, kind.article_id, ids))
            slugs[kind.name] = list(self._conn.execute(query).scalars())
        return slugs

    def _stored_facets(
        self, ids: list[str], existing: Mapping[str, Any]
    ) -> dict[str, set[tuple[str, str]]]:
        """The feeds (with 'all') each stored version is in, as (kind, value), if published."""
        facets: dict[str, set[tuple[str, str]]] = {}
        for i in ids:
            row = existing[i]
            if row.status != "published":
                continue
            facets[i] = {ALL_KEY}
            for kind in ROW_KINDS:
                value = row._mapping[kind.name]
                if value:
                    facets[i].add((kind.name, value))
        if not facets:
            return facets
        for kind in LINKED_KINDS:
            query = sa.select(kind.article_id.label("article_id"), kind.value.label("value")).where(
                among(self._conn, kind.article_id, facets)
            )
            for row in self._conn.execute(query):
                facets[row.article_id].add((kind.name, row.value))
        return facets

    def delete(self, article_id: str, *, now: datetime | None = None) -> frozenset[Facet]:
        """Remove the article and its links, record a tombstone, return the feeds readers see
        change (none for an article that was not visible at `now`).

        When readers could see it, each feed it was in gets an RFC 6721 tombstone dated `now`
        (default: the wall clock); one withdrawn earlier keeps the tombstones it has.
        Raises ArticleNotFound when no article has this id.
        """
        self._check_open()
        now = utc(now or datetime.now(UTC))
        article = self.get(article_id)
        if article is None:
            raise ArticleNotFound(article_id)
        # Links go explicitly too: SQLite enforces ON DELETE CASCADE only with foreign_keys on,
        # and a connection made by another tool may not have it.
        for kind in LINKED_KINDS:
            self._conn.execute(kind.table.delete().where(kind.article_id == article_id))
        was = article.is_visible_at(now)
        # Its counterparts' entries link it while it is visible: their feeds change too.
        others = partners(self._conn, [article_id]) - {article_id} if was else set()
        t = translations_table
        self._conn.execute(t.delete().where(t.c.article_id == article_id))
        s = stamped_ahead_table
        self._conn.execute(s.delete().where(s.c.article_id == article_id))
        a = articles_table
        self._conn.execute(a.delete().where(a.c.id == article_id))
        self._conn.execute(deleted_table.delete().where(deleted_table.c.id == article_id))
        tags, authors = (FACET_KINDS[name].members(article) for name in ("tag", "author"))
        self._visibility.note_deletion()
        self._guids.retire(article, now)
        self._conn.execute(
            deleted_table.insert(),
            {
                "id": article.id,
                "guid": article.guid,
                "deleted_at": now,
                "published": article.published,
                "status": article.status,
                "language": article.language,
                "section_slug": article.section.slug if article.section else None,
                "source_slug": article.source.slug if article.source else None,
                "tag_slugs": [value for value, _ in tags],
                "author_slugs": [value for value, _ in authors],
            },
        )
        keys = {ALL_KEY, *facet_keys(article)}
        if article.status == "published":
            self._totals.add_counts({key: -1 for key in keys})
        # Its labels may have been only its: their provisional slugs are renumbered.
        slug_claims.settle(
            self._conn,
            self._registry(),
            self._totals,
            (),
            gone={
                "tag": [v for v, _ in tags],
                "author": [v for v, _ in authors],
                "section": [article.section.slug] if article.section else [],
                "source": [article.source.slug] if article.source else [],
            },
            replaced=(),
            now=now,
        )
        relinked = visible_feeds(self._conn, others, now, self._shows) if others else set()
        # The counterparts' pages no longer link it; its own id may come back with an older
        # `updated` than readers last saw.
        self._visibility.pages_changed([article_id, *others], now)
        change = VisibilityChange(
            id=article.id,
            guid=article.guid or "",
            before=frozenset(keys) if was else None,
            before_published=article.published,
            after=None,
            lift_at=None,
            before_episode=bool(article.episode_media),
        )
        return self._visibility.record([change], now, reason="deleted", linked=relinked)


# How far past the time its document states a stored version may sit (`moved_past`: one tick a
# change made without a new `updated`; a million such changes to one article stay inside).
RESTAMP_WINDOW: Final = timedelta(seconds=1)
