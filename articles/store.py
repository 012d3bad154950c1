"""The article database: tables, upsert, delete with tombstones, and the feed queries by Facet.

SQLAlchemy Core over SQLite (the embedded default, one file) or PostgreSQL
(`postgresql+psycopg://`). The schema is created and changed only by the Alembic migrations in
`articles/migrations`; `Store.migrate()` runs them. Every feed question takes `now` explicitly:
an article is visible when `status = 'published'` and `published <= now`, so embargoed articles
appear by themselves when their time comes.

Times are stored as UTC instants (timestamptz on PostgreSQL, fixed-width UTC text on SQLite so
text order is time order); the article's original offset lives on in the JSON document.
"""

from __future__ import annotations

import os
import sqlite3
import time
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from itertools import chain
from pathlib import Path
from typing import Any, Final, Literal, NamedTuple, Protocol, TypeVar

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.engine.url import URL, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

from articles.errors import ArticleNotFound
from articles.model import STATUSES, Article, article_fields, article_from_dict

FacetKind = Literal["all", "section", "tag", "author", "language", "source"]
FACET_KINDS: Final[tuple[FacetKind, ...]] = (
    "all",
    "section",
    "tag",
    "author",
    "language",
    "source",
)

# Rows read or written per statement inside one upsert transaction: big enough to amortise the
# round trips, small enough to stay under SQLite's bound-parameter limit in `IN (...)` lists.
CHUNK_SIZE: Final = 500
# A fixed key for pg_advisory_xact_lock so concurrent `migrate()` calls queue instead of racing.
MIGRATION_LOCK_KEY: Final = 0x6665656473  # "feeds"
WRITE_LOCK_KEY: Final = 0x6665656474
SQLITE_BUSY_TIMEOUT_MS: Final = 30_000
# Page cache of a SQLite write transaction, in KiB (see Store._write_cache).
SQLITE_WRITE_CACHE_KIB: Final = 32_768
# The smallest step both back-ends store (microseconds): `< t` is `<= t - _TICK`.
_TICK: Final = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Facet:
    """One feed's selection: everything, or one section, tag, author, language or source."""

    kind: FacetKind
    value: str = ""

    def __post_init__(self) -> None:
        if self.kind not in FACET_KINDS:
            raise ValueError(f"facet: unknown kind {self.kind!r}, expected one of {FACET_KINDS}")
        if (self.kind == "all") != (self.value == ""):
            raise ValueError(f"facet {self.kind!r}: a value is required for all kinds but 'all'")


ALL: Final = Facet("all")


@dataclass(frozen=True, slots=True)
class EntryKey:
    """What a feed page needs to compute its ETag and paging without loading documents."""

    id: str
    guid: str
    published: datetime
    updated: datetime


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """Counts per incoming record, and the feeds whose content changed (for WebSub pings)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    affected: frozenset[Facet] = field(default_factory=frozenset)

    def __add__(self, other: UpsertResult) -> UpsertResult:
        return UpsertResult(
            self.new + other.new,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.affected | other.affected,
        )


@dataclass(frozen=True, slots=True)
class FacetInfo:
    """A feed that has visible articles: its label (from the newest article), size and age."""

    facet: Facet
    label: str
    count: int
    latest: datetime


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware datetime stored as a UTC instant and read back as an aware UTC datetime.

    SQLite has no time zone type: SQLAlchemy writes the wall-clock digits, so values are
    converted to UTC first, which also makes the fixed-width text sort in time order.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored: add a zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = sa.MetaData()
_Doc = sa.JSON().with_variant(JSONB(), "postgresql")
# Ids break ties in feed order; byte order ("C") on PostgreSQL matches SQLite's, whatever the
# database's default collation, so both back-ends list equal-time articles the same way.
_Id = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")

articles_table = sa.Table(
    "articles",
    metadata,
    sa.Column("id", _Id, primary_key=True),
    sa.Column("guid", sa.Text, nullable=False, unique=True),
    sa.Column("slug", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("section_slug", sa.Text),
    sa.Column("section_label", sa.Text),
    sa.Column("source_slug", sa.Text),
    sa.Column("source_label", sa.Text),
    sa.Column("published", UTCDateTime, nullable=False),
    sa.Column("updated", UTCDateTime, nullable=False),
    # Last, so SQLite reads the narrow columns without touching the document's overflow pages.
    sa.Column("doc", _Doc, nullable=False),
)

# Each feed index ends with (updated, guid) so page_keys is answered from the index alone.
sa.Index(
    "ix_articles_status_published",
    articles_table.c.status,
    articles_table.c.published.desc(),
    articles_table.c.id.desc(),
    articles_table.c.updated,
    articles_table.c.guid,
)
for _column in ("section_slug", "language", "source_slug"):
    sa.Index(
        f"ix_articles_status_{_column}_published",
        articles_table.c.status,
        articles_table.c[_column],
        articles_table.c.published.desc(),
        articles_table.c.id.desc(),
        articles_table.c.updated,
        articles_table.c.guid,
    )


def _facet_link_table(name: str, slug: str, label: str) -> sa.Table:
    """A tag or author link with status and published copied in, for one-range-scan feeds."""
    table = sa.Table(
        name,
        metadata,
        sa.Column(
            "article_id",
            _Id,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(slug, sa.Text, primary_key=True),
        sa.Column(label, sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("published", UTCDateTime, nullable=False),
    )
    sa.Index(
        f"ix_{name}_{slug}_status_published",
        table.c[slug],
        table.c.status,
        table.c.published.desc(),
        table.c.article_id.desc(),
    )
    return table


tags_table = _facet_link_table("article_tags", "tag_slug", "tag_label")
authors_table = _facet_link_table("article_authors", "author_slug", "author_name")

# How many published articles each feed has, whatever their publish time, kept in step by every
# write. A feed's visible count is this minus its embargoed rows (published > now), which are
# few: so counting costs two index seeks instead of a pass over the whole feed.
facet_counts_table = sa.Table(
    "facet_counts",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, primary_key=True),
    sa.Column("published_count", sa.Integer, nullable=False),
)

# Tombstones for deleted articles (RFC 6721 deleted-entry later): the guid readers knew and the
# feeds the article was in, so a feed can announce the deletion.
deleted_table = sa.Table(
    "deleted_articles",
    metadata,
    sa.Column("id", _Id, primary_key=True),
    sa.Column("guid", sa.Text, nullable=False),
    sa.Column("deleted_at", UTCDateTime, nullable=False),
    sa.Column("published", UTCDateTime, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("section_slug", sa.Text),
    sa.Column("source_slug", sa.Text),
    sa.Column("tag_slugs", sa.JSON, nullable=False),
    sa.Column("author_slugs", sa.JSON, nullable=False),
)
sa.Index("ix_deleted_articles_deleted_at", deleted_table.c.deleted_at.desc())


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL, sending every PostgreSQL spelling to the psycopg 3 driver.

    Hosting platforms write `postgres://` or `postgresql://`; SQLAlchemy would reject the first
    and pick psycopg2 for the second.
    """
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _json_dumps(value: Any) -> str:
    # orjson: UTF-8 as is (no ASCII escapes), compact, and several times faster than json for the
    # documents every import writes and every feed request reads back.
    return orjson.dumps(value).decode()


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, json_serializer=_json_dumps, json_deserializer=orjson.loads)
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return sa.create_engine(
        url,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        pool_size=5,
        max_overflow=10,
        pool_pre_ping=True,  # survive server restarts and idle-connection reaping
        pool_recycle=1800,
    )


SQLITE_PAGE_SIZE = 16384


def _switch_to_wal(cursor: Any) -> None:
    """Turn WAL on, retrying while another process does the same to a new file.

    Changing the journal mode needs an exclusive lock and SQLite may answer "database is
    locked" at once instead of waiting out busy_timeout, as when several workers start on a
    fresh database together.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.01
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module so `begin` can say BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        # A new file. Articles are several KB of JSON each: bigger pages mean shorter overflow
        # chains (only possible before WAL is on). WAL: readers never wait for the writer.
        cursor.execute(f"PRAGMA page_size = {SQLITE_PAGE_SIZE}")
        _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that upgrades later fails
    # at once with "database is locked" instead of waiting out busy_timeout.
    if connection.get_execution_options().get("feeds_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def _dispose_after_fork(ref: weakref.ReferenceType[Store]) -> None:
    store = ref()
    if store is not None:
        store.dispose(close=False)


class Store:
    """The article database behind one URL; safe to build in each worker process.

    No connection is opened until the first query. After a fork the child drops the pooled
    connections it inherited (they belong to the parent) and opens its own.
    """

    def __init__(self, url: str | URL) -> None:
        self.url = normalise_url(url)
        self.backend = self.url.get_backend_name()
        if self.backend not in ("sqlite", "postgresql"):
            raise ValueError(
                f"database_url: unsupported database {self.backend!r}; "
                "use sqlite:///path.db or postgresql+psycopg://user:password@host/db"
            )
        self._engine = _create_engine(self.url)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=partial(_dispose_after_fork, weakref.ref(self)))

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"

    @property
    def engine(self) -> Engine:
        return self._engine

    def dispose(self, *, close: bool = True) -> None:
        """Drop pooled connections (close=False after a fork: leave the parent's alone)."""
        self._engine.dispose(close=close)

    # -- schema -------------------------------------------------------------------------------

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to `revision` (alembic upgrade), safe when many workers start at once.

        PostgreSQL: a transaction-scoped advisory lock queues concurrent callers; SQLite:
        BEGIN IMMEDIATE does the same. Whoever comes second finds the schema current.
        """
        from alembic import command

        with self._write_connection() as conn, conn.begin():
            if self.backend == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
            command.upgrade(alembic_config(conn), revision)

    def schema_revision(self) -> tuple[str | None, str]:
        """The schema's current Alembic revision (None when empty) and the newest one known."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        with self._engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            head = ScriptDirectory.from_config(alembic_config(conn)).get_current_head()
        return current, head or ""

    # -- writing ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        """One write transaction: commits when the block ends, rolls back on an exception.

        Callers that must write many batches all-or-nothing (the importer) use this; calling
        `rollback()` on it discards everything and turns later writes into errors.

        Writers are serialised: SQLite's BEGIN IMMEDIATE takes the write lock, PostgreSQL takes
        a transaction-scoped advisory lock, so the read-compare-write of an upsert never races
        another writer (readers are never blocked).
        """
        with self._write_connection() as conn, self._write_cache(conn):
            tx = conn.begin()
            writer = StoreTransaction(conn, tx)
            try:
                if self.backend == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITE_LOCK_KEY)))
                yield writer
            except BaseException:
                if tx.is_active:
                    tx.rollback()
                raise
            if writer.rolled_back:
                if tx.is_active:
                    tx.rollback()
            else:
                tx.commit()

    @contextmanager
    def _write_cache(self, conn: Connection) -> Iterator[None]:
        """SQLite: a larger page cache while this connection writes, the usual one after.

        A large import touches index pages all over a growing file; with SQLite's default 2 MB
        cache they are read back and spilled to the WAL again and again. Only for the writer:
        pooled readers keep the small default, so serving processes stay lean.
        """
        if self.backend != "sqlite":
            yield
            return
        # On the driver's connection: through SQLAlchemy the pragma would begin a transaction.
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        usual = dbapi.execute("PRAGMA cache_size").fetchone()[0]
        dbapi.execute(f"PRAGMA cache_size = {-SQLITE_WRITE_CACHE_KIB}")
        try:
            yield
        finally:
            dbapi.execute(f"PRAGMA cache_size = {int(usual)}")

    def upsert_many(self, articles: Iterable[Article]) -> UpsertResult:
        """Insert new articles and replace stored ones that are older, all in one transaction."""
        with self.transaction() as tx:
            return tx.upsert_many(articles)

    def delete(self, article_id: str, *, now: datetime | None = None) -> frozenset[Facet]:
        """Remove an article, leave a tombstone, and return the feeds it was in."""
        with self.transaction() as tx:
            return tx.delete(article_id, now=now)

    # -- reading: admin -----------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, whatever its status, or None."""
        query = sa.select(articles_table.c.doc).where(articles_table.c.id == article_id)
        with self._engine.connect() as conn:
            doc = conn.execute(query).scalar_one_or_none()
        return None if doc is None else article_from_dict(doc)

    def list_articles(
        self,
        *,
        section: str | None = None,
        tag: str | None = None,
        author: str | None = None,
        status: str | None = None,
        language: str | None = None,
        source: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Article]:
        """Articles in any state for the admin listing, newest first, filtered as given.

        There is no index on `published` alone: each status is read through the facet indexes
        (which start with status, or with the tag/author slug then status), in feed order,
        and the per-status lists are merged here. So the cost follows offset + limit, not the
        size of the table.
        """
        a = articles_table
        wanted = offset + limit
        keys: list[tuple[datetime, str]] = []
        with self._engine.connect() as conn:
            for each in (status,) if status is not None else STATUSES:
                if tag is not None or author is not None:
                    link = tags_table if tag is not None else authors_table
                    slug = link.c.tag_slug if tag is not None else link.c.author_slug
                    query = (
                        sa.select(link.c.published, link.c.article_id)
                        .join_from(link, a, a.c.id == link.c.article_id)
                        .where(slug == (tag if tag is not None else author), link.c.status == each)
                        .order_by(link.c.published.desc(), link.c.article_id.desc())
                    )
                    if tag is not None and author is not None:
                        query = query.where(
                            a.c.id.in_(
                                sa.select(authors_table.c.article_id).where(
                                    authors_table.c.author_slug == author
                                )
                            )
                        )
                else:
                    query = (
                        sa.select(a.c.published, a.c.id)
                        .where(a.c.status == each)
                        .order_by(a.c.published.desc(), a.c.id.desc())
                    )
                for column, value in (
                    (a.c.section_slug, section),
                    (a.c.language, language),
                    (a.c.source_slug, source),
                ):
                    if value is not None:
                        query = query.where(column == value)
                keys.extend(tuple(row) for row in conn.execute(query.limit(wanted)))
        # Feed order across statuses; ids compare as code points, like the byte order above.
        keys.sort(reverse=True)
        return self.fetch([article_id for _, article_id in keys[offset:wanted]])

    def count(self) -> int:
        """How many articles are stored, in any state."""
        with self._engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(articles_table)).scalar_one()

    def tombstones(self) -> list[tuple[str, str, datetime]]:
        """(id, guid, deleted_at) of deleted articles, most recent deletion first."""
        d = deleted_table
        query = sa.select(d.c.id, d.c.guid, d.c.deleted_at).order_by(d.c.deleted_at.desc())
        with self._engine.connect() as conn:
            return [(row.id, row.guid, row.deleted_at) for row in conn.execute(query)]

    # -- reading: feeds -----------------------------------------------------------------------

    def page_keys(
        self, facet: Facet, *, now: datetime, limit: int, offset: int = 0
    ) -> list[EntryKey]:
        """Keys of one page of a feed, newest first (published desc, id desc); index only."""
        query = _keys_query(facet, now).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            return [EntryKey(*row) for row in conn.execute(query)]

    def fetch(self, ids: Sequence[str]) -> list[Article]:
        """The articles with these ids in the order given, in one query; unknown ids left out."""
        if not ids:
            return []
        query = sa.select(articles_table.c.id, articles_table.c.doc).where(
            articles_table.c.id.in_(list(ids))
        )
        with self._engine.connect() as conn:
            docs = {row.id: row.doc for row in conn.execute(query)}
        return [article_from_dict(docs[i]) for i in ids if i in docs]

    def count_visible(self, facet: Facet, *, now: datetime) -> int:
        """How many articles the feed holds at `now`.

        The feed's published count (kept by every write) minus its embargoed articles: two
        index seeks, whatever the size of the feed.
        """
        with self._engine.connect() as conn:
            return self._count_visible(conn, facet, now)

    def _count_visible(self, conn: Connection, facet: Facet, now: datetime) -> int:
        fc = facet_counts_table
        total = conn.execute(
            sa.select(fc.c.published_count).where(
                fc.c.kind == facet.kind, fc.c.value == facet.value
            )
        ).scalar_one_or_none()
        if not total:
            return 0
        embargoed = _embargoed_counts(conn, facet.kind, now, facet.value)
        return int(total) - embargoed.get(facet.value, 0)

    def facet_info(self, facet: Facet, *, now: datetime) -> FacetInfo | None:
        """Label, size and newest publish time of one feed, or None when it has nothing visible."""
        with self._engine.connect() as conn:
            return self._facet_info(conn, facet, now, None)

    def _facet_info(
        self, conn: Connection, facet: Facet, now: datetime, count: int | None
    ) -> FacetInfo | None:
        label_column = _facet_label_column(facet.kind)
        newest = _visible_query(facet, now, label_column, _published_column(facet.kind))
        row = conn.execute(newest.limit(1)).first()
        if row is None:
            return None
        if count is None:
            count = self._count_visible(conn, facet, now)
        label = facet.value if facet.kind == "language" else row[0] or facet.value
        return FacetInfo(facet, label, count, row[1])

    def facets(self, *, now: datetime) -> list[FacetInfo]:
        """Every feed with visible articles: 'all' first, then by kind, then by value.

        A facet's label is the one its newest visible article carries. Counts come from
        facet_counts less each kind's embargoed rows; then one index seek per facet finds its
        label and newest publish time.
        """
        fc = facet_counts_table
        order = {kind: number for number, kind in enumerate(FACET_KINDS)}
        result: list[FacetInfo] = []
        with self._engine.connect() as conn:
            stored = conn.execute(
                sa.select(fc.c.kind, fc.c.value, fc.c.published_count).where(
                    fc.c.published_count > 0
                )
            ).all()
            embargoed = {kind: _embargoed_counts(conn, kind, now) for kind in FACET_KINDS}
            for kind, value, total in sorted(stored, key=lambda r: (order[r[0]], r[1])):
                count = total - embargoed[kind].get(value, 0)
                if count > 0:
                    info = self._facet_info(conn, Facet(kind, value), now, count)
                    if info is not None:
                        result.append(info)
        return result

    def months(self, facet: Facet, *, now: datetime) -> list[str]:
        """The UTC months ("2025-07") in which the feed has visible articles, newest first.

        One index seek per month (newest publish time before the previous month's start), so
        the cost follows the number of months, not of articles.
        """
        published = _published_column(facet.kind)
        result: list[str] = []
        upper = now
        with self._engine.connect() as conn:
            while True:
                # A single upper bound: with two (`<= now` and `< month start`) the planner may
                # seek on `now` and filter its way down through every newer article.
                query = _visible_query(facet, upper, published).limit(1)
                latest = conn.execute(query).scalar_one_or_none()
                if latest is None:
                    return result
                result.append(f"{latest.year:04d}-{latest.month:02d}")
                upper = datetime(latest.year, latest.month, 1, tzinfo=UTC) - _TICK

    def month_keys(self, facet: Facet, month: str, *, now: datetime) -> list[EntryKey]:
        """Keys of every visible article of the feed published in the UTC month, newest first."""
        start, end = month_bounds(month)
        published = _published_column(facet.kind)
        query = _keys_query(facet, min(now, end - _TICK)).where(published >= start)
        with self._engine.connect() as conn:
            return [EntryKey(*row) for row in conn.execute(query)]

    def next_visibility_change(self, *, now: datetime) -> datetime | None:
        """The earliest publish time after `now` of a published (embargoed) article, or None."""
        a = articles_table
        query = sa.select(sa.func.min(a.c.published)).where(
            a.c.status == "published", a.c.published > now
        )
        with self._engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    def explain_page_keys(
        self, facet: Facet, *, now: datetime, limit: int, offset: int = 0
    ) -> list[str]:
        """The database's plan for `page_keys`, one line per step (for docs and checks).

        SQLite: the detail column of EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN's text lines.
        """
        query = _keys_query(facet, now).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            # Raw cursor rows: SQLAlchemy would map them onto the SELECT's own column types.
            rows = conn.execute(_Explain(query)).cursor.fetchall()
        return [str(row[-1]) if self.backend == "sqlite" else str(row[0]) for row in rows]

    # -- internals ----------------------------------------------------------------------------

    def _write_connection(self) -> Connection:
        return self._engine.connect().execution_options(feeds_write=True)


class StoreTransaction:
    """Writes inside one open transaction; get one from `Store.transaction()`."""

    def __init__(self, conn: Connection, transaction: sa.RootTransaction) -> None:
        self._conn = conn
        self._transaction = transaction
        self.rolled_back = False

    def rollback(self) -> None:
        """Discard everything written in this transaction now (releasing the write lock).

        Later writes through this object raise RuntimeError.
        """
        if self._transaction.is_active:
            self._transaction.rollback()
        self.rolled_back = True

    def _check_open(self) -> None:
        if self.rolled_back:
            raise RuntimeError("this store transaction was rolled back; start a new one")

    def guid_conflicts(self, articles: Sequence[PreparedArticle]) -> dict[int, tuple[str, str]]:
        """The articles `upsert_prepared` would refuse for their guid, by position, each with
        (guid, id of the article that has it): a new id whose guid already belongs to a stored
        article (this transaction's writes included) or to a new id earlier in `articles`. A
        stored id keeps its stored guid whatever the record says, so it never conflicts. Lets
        an importer that skips bad records drop exactly these instead of the whole batch."""
        self._check_open()
        a = articles_table
        stored_ids: set[str] = set()
        owners: dict[str, str] = {}
        ids = list({article.id for article in articles})
        guids = list({article.guid for article in articles if article.guid})
        for start in range(0, len(ids), CHUNK_SIZE):
            query = sa.select(a.c.id).where(a.c.id.in_(ids[start : start + CHUNK_SIZE]))
            stored_ids.update(self._conn.execute(query).scalars())
        for start in range(0, len(guids), CHUNK_SIZE):
            query = sa.select(a.c.guid, a.c.id).where(
                a.c.guid.in_(guids[start : start + CHUNK_SIZE])
            )
            owners.update({row.guid: row.id for row in self._conn.execute(query)})
        accepted: set[str] = set()  # new ids with a record accepted (later ones are updates)
        conflicts: dict[int, tuple[str, str]] = {}
        for position, article in enumerate(articles):
            if article.id in stored_ids or article.id in accepted or not article.guid:
                continue  # an update keeps the stored or pending guid; no guid: upsert says so
            owner = owners.setdefault(article.guid, article.id)
            if owner != article.id:
                conflicts[position] = (article.guid, owner)
            else:
                accepted.add(article.id)
        return conflicts

    def upsert_many(self, articles: Iterable[Article]) -> UpsertResult:
        """Insert or replace articles; counts are per record, applied in input order.

        A new id is inserted (its guid must be set). A stored id is replaced only when the
        incoming `updated` is newer, keeping the stored guid; otherwise it is unchanged. A
        repeated id in the input follows the same rule against the record before it.
        """
        backend = self._conn.dialect.name
        return self.upsert_prepared(prepare_article(article, backend) for article in articles)

    def upsert_prepared(self, articles: Iterable[PreparedArticle]) -> UpsertResult:
        """`upsert_many` for articles already turned into rows by `prepare_article`."""
        self._check_open()
        total = UpsertResult()
        chunk: list[PreparedArticle] = []
        for article in articles:
            chunk.append(article)
            if len(chunk) >= CHUNK_SIZE:
                total += self._upsert_chunk(chunk)
                chunk = []
        if chunk:
            total += self._upsert_chunk(chunk)
        return total

    def _upsert_chunk(self, chunk: list[PreparedArticle]) -> UpsertResult:
        conn = self._conn
        a = articles_table
        ids = list({article.id for article in chunk})
        existing = {
            row.id: row
            for row in conn.execute(
                sa.select(
                    a.c.id,
                    a.c.guid,
                    a.c.updated,
                    a.c.status,
                    a.c.language,
                    a.c.section_slug,
                    a.c.source_slug,
                ).where(a.c.id.in_(ids))
            )
        }
        # Apply the records in order against what is stored or pending, so a repeated id
        # behaves exactly as if the records had come in separate calls.
        inserts: dict[str, PreparedArticle] = {}
        replaces: dict[str, PreparedArticle] = {}
        new = updated = unchanged = 0
        for article in chunk:
            pending = inserts.get(article.id) or replaces.get(article.id)
            if pending is None and article.id not in existing:
                if not article.guid:
                    raise ValueError(
                        f"article {article.id!r}: guid: must be set before the first store "
                        "(mint it with articles.ids.mint_guid)"
                    )
                inserts[article.id] = article
                new += 1
                continue
            current_updated = pending.updated if pending else existing[article.id].updated
            if article.updated <= current_updated:
                unchanged += 1
                continue
            guid: str = pending.guid if pending and pending.guid else existing[article.id].guid
            if article.guid != guid:
                article = _with_guid(article, guid)
            if article.id in inserts:
                inserts[article.id] = article
            else:
                replaces[article.id] = article
            updated += 1
        if not inserts and not replaces:
            return UpsertResult(new, updated, unchanged, frozenset())

        self._check_guids_free(inserts)
        # The rows go to the driver as they are: SQLAlchemy's per-row parameter processing cost
        # more than the inserts themselves, and prepare_article already did the conversions.
        sql = _write_statements(conn.dialect)
        # Published-count changes per feed, as (kind, value): -1 for each feed a stored
        # published version was in, +1 for each feed a written published version is in.
        deltas: Counter[tuple[str, str]] = Counter()
        if replaces:
            for facets in self._stored_facets(list(replaces), existing).values():
                deltas.subtract(facets)
            replace_ids = list(replaces)
            conn.execute(tags_table.delete().where(tags_table.c.article_id.in_(replace_ids)))
            conn.execute(authors_table.delete().where(authors_table.c.article_id.in_(replace_ids)))
            conn.exec_driver_sql(sql.update, [(*x.row[1:], x.id) for x in replaces.values()])
        if inserts:
            conn.execute(deleted_table.delete().where(deleted_table.c.id.in_(list(inserts))))
            conn.exec_driver_sql(sql.insert, [x.row for x in inserts.values()])
        written = [*inserts.values(), *replaces.values()]
        tag_rows = [
            (x.id, slug, label, x.status, x.row[_PUBLISHED])
            for x in written
            for slug, label in x.tags
        ]
        author_rows = [
            (x.id, slug, name, x.status, x.row[_PUBLISHED])
            for x in written
            for slug, name in x.authors
        ]
        if tag_rows:
            conn.exec_driver_sql(sql.tags, tag_rows)
        if author_rows:
            conn.exec_driver_sql(sql.authors, author_rows)
        published = [x.facets for x in written if x.status == "published"]
        deltas.update(chain.from_iterable(published))  # one count in C, not one per article
        if published:
            deltas[_ALL_KEY] += len(published)
        self._add_counts(deltas)
        # Every feed a published version was or is in changed, even where the count did not.
        affected = frozenset(Facet(kind, value) for kind, value in deltas)  # type: ignore[arg-type]
        return UpsertResult(new, updated, unchanged, affected)

    def _check_guids_free(self, inserts: Mapping[str, PreparedArticle]) -> None:
        by_guid: dict[str, str] = {}
        for article in inserts.values():
            assert article.guid is not None
            other = by_guid.setdefault(article.guid, article.id)
            if other != article.id:
                raise ValueError(
                    f"article {article.id!r}: guid: {article.guid!r} is also the guid of "
                    f"article {other!r}"
                )
        a = articles_table
        clash = self._conn.execute(
            sa.select(a.c.id, a.c.guid).where(a.c.guid.in_(list(by_guid))).limit(1)
        ).first()
        if clash is not None:
            raise ValueError(
                f"article {by_guid[clash.guid]!r}: guid: {clash.guid!r} already belongs to "
                f"stored article {clash.id!r}"
            )

    def _stored_facets(
        self, ids: list[str], existing: Mapping[str, Any]
    ) -> dict[str, set[tuple[str, str]]]:
        """The feeds (with 'all') each stored version is in, as (kind, value), if published."""
        facets: dict[str, set[tuple[str, str]]] = {}
        for i in ids:
            row = existing[i]
            if row.status != "published":
                continue
            facets[i] = {_ALL_KEY, ("language", row.language)}
            if row.section_slug:
                facets[i].add(("section", row.section_slug))
            if row.source_slug:
                facets[i].add(("source", row.source_slug))
        if not facets:
            return facets
        links: tuple[tuple[sa.Table, str, sa.Column[str]], ...] = (
            (tags_table, "tag", tags_table.c.tag_slug),
            (authors_table, "author", authors_table.c.author_slug),
        )
        for table, kind, column in links:
            query = sa.select(table.c.article_id, column).where(
                table.c.article_id.in_(list(facets))
            )
            for article_id, value in self._conn.execute(query):
                facets[article_id].add((kind, value))
        return facets

    def _add_counts(self, deltas: Mapping[tuple[str, str], int]) -> None:
        """Apply published-count changes, keyed by (kind, value), to facet_counts."""
        rows = [
            {"kind": kind, "value": value, "published_count": n}
            for (kind, value), n in deltas.items()
            if n
        ]
        if not rows:
            return
        insert = sqlite_insert if self._conn.dialect.name == "sqlite" else postgresql_insert
        statement = insert(facet_counts_table)
        statement = statement.on_conflict_do_update(
            index_elements=["kind", "value"],
            set_={
                "published_count": facet_counts_table.c.published_count
                + statement.excluded.published_count
            },
        )
        self._conn.execute(statement, rows)

    def delete(self, article_id: str, *, now: datetime | None = None) -> frozenset[Facet]:
        """Remove the article and its tag/author links, record a tombstone, return its feeds."""
        self._check_open()
        a = articles_table
        doc = self._conn.execute(
            sa.select(a.c.doc).where(a.c.id == article_id)
        ).scalar_one_or_none()
        if doc is None:
            raise ArticleNotFound(article_id)
        article = article_from_dict(doc)
        # Links go explicitly too: SQLite enforces ON DELETE CASCADE only with foreign_keys on,
        # and a connection made by another tool may not have it.
        self._conn.execute(tags_table.delete().where(tags_table.c.article_id == article_id))
        self._conn.execute(authors_table.delete().where(authors_table.c.article_id == article_id))
        self._conn.execute(a.delete().where(a.c.id == article_id))
        self._conn.execute(deleted_table.delete().where(deleted_table.c.id == article_id))
        self._conn.execute(
            deleted_table.insert(),
            {
                "id": article.id,
                "guid": article.guid,
                "deleted_at": now or datetime.now(UTC),
                "published": article.published,
                "status": article.status,
                "language": article.language,
                "section_slug": article.section.slug if article.section else None,
                "source_slug": article.source.slug if article.source else None,
                "tag_slugs": [t.slug for t in article.tags],
                "author_slugs": [au.slug for au in article.authors],
            },
        )
        facets = {ALL} | article_facets(article)
        if article.status == "published":
            self._add_counts({(facet.kind, facet.value): -1 for facet in facets})
        return frozenset(facets)


def article_facets(article: Article) -> set[Facet]:
    """Every feed but 'all' that this article belongs to."""
    facets = {Facet("language", article.language)}
    if article.section:
        facets.add(Facet("section", article.section.slug))
    if article.source:
        facets.add(Facet("source", article.source.slug))
    facets.update(Facet("tag", t.slug) for t in article.tags)
    facets.update(Facet("author", au.slug) for au in article.authors)
    return facets


_ROW_COLUMNS: Final = tuple(c.name for c in articles_table.columns)


class PreparedArticle(NamedTuple):
    """An article turned into the rows the store writes, ready for the database's driver.

    Built by `prepare_article` (cheap to pickle: parse workers send these to the writer) so
    the writing process only compares, inserts and counts. `row` holds the articles columns in
    table order with times as the driver takes them; `doc` inside it is the JSON text.
    """

    id: str
    guid: str | None
    updated: datetime
    status: str
    row: tuple[Any, ...]
    tags: tuple[tuple[str, str], ...]  # (slug, label), repeated slugs dropped
    authors: tuple[tuple[str, str], ...]  # (slug, name), repeated slugs dropped
    facets: tuple[tuple[str, str], ...]  # (kind, value) of every feed but 'all'


def prepare_article(article: Article, backend: str) -> PreparedArticle:
    """The rows `StoreTransaction.upsert_prepared` writes for one article on `backend`.

    `backend` is `Store.backend` ("sqlite" or "postgresql"): SQLite gets times as the
    fixed-width UTC text the UTCDateTime column stores, PostgreSQL aware UTC datetimes.
    """
    as_db = _sqlite_time if backend == "sqlite" else _utc
    published = as_db(article.published)
    section, source = article.section, article.source
    row = (
        article.id,
        article.guid,
        article.slug,
        article.url,
        article.title,
        article.status,
        article.language,
        section.slug if section else None,
        section.label if section else None,
        source.slug if source else None,
        source.name if source else None,
        published,
        as_db(article.updated),
        _document(article),
    )
    tags = tuple((t.slug, t.label) for t in _unique(article.tags))
    authors = tuple((au.slug, au.name) for au in _unique(article.authors))
    return PreparedArticle(
        article.id,
        article.guid,
        _utc(article.updated),  # the same instant; UTC pickles small for parse workers
        article.status,
        row,
        tags,
        authors,
        _facet_keys(article),
    )


def _document(article: Article) -> str:
    """`article_to_dict(article)` as JSON text, written straight from the dataclasses."""
    return _json_dumps(article_fields(article))


def _facet_keys(article: Article) -> tuple[tuple[str, str], ...]:
    """`article_facets(article)` as (kind, value) pairs, without building Facets."""
    keys = {("language", article.language)}
    if article.section:
        keys.add(("section", article.section.slug))
    if article.source:
        keys.add(("source", article.source.slug))
    keys.update(("tag", t.slug) for t in article.tags)
    keys.update(("author", au.slug) for au in article.authors)
    return tuple(keys)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} cannot be stored: add a zone")
    return value.astimezone(UTC)


def _sqlite_time(value: datetime) -> str:
    # The text SQLAlchemy's SQLite DateTime writes for UTCDateTime's naive UTC value, so rows
    # written here and through Core compare and sort alike.
    v = _utc(value)
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
        f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"
    )


def _with_guid(prepared: PreparedArticle, guid: str) -> PreparedArticle:
    """The same article under the stored guid (the row's column and its JSON document)."""
    row = list(prepared.row)
    row[1] = guid
    doc = orjson.loads(row[-1])
    doc["guid"] = guid  # same key, same place: the document matches article_to_dict's
    row[-1] = _json_dumps(doc)
    return prepared._replace(guid=guid, row=tuple(row))


_PUBLISHED: Final = _ROW_COLUMNS.index("published")
_ALL_KEY: Final = ("all", "")


@dataclass(frozen=True, slots=True)
class _WriteStatements:
    insert: str
    update: str
    tags: str
    authors: str


@cache
def _write_statements(dialect: Dialect) -> _WriteStatements:
    """The driver-level SQL of the bulk writes, in the dialect's placeholder style."""
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    doc = mark if dialect.name == "sqlite" else f"CAST({mark} AS jsonb)"
    values = {name: doc if name == "doc" else mark for name in _ROW_COLUMNS}
    link = ", ".join([mark] * 5)
    return _WriteStatements(
        insert=f"INSERT INTO articles ({', '.join(values)}) VALUES ({', '.join(values.values())})",
        update=(
            "UPDATE articles SET "
            + ", ".join(f"{name} = {value}" for name, value in values.items() if name != "id")
            + f" WHERE id = {mark}"
        ),
        tags=(
            "INSERT INTO article_tags (article_id, tag_slug, tag_label, status, published) "
            f"VALUES ({link})"
        ),
        authors=(
            "INSERT INTO article_authors (article_id, author_slug, author_name, status, "
            f"published) VALUES ({link})"
        ),
    )


class _Slugged(Protocol):
    @property
    def slug(self) -> str: ...


_S = TypeVar("_S", bound=_Slugged)


def _unique(items: Iterable[_S]) -> list[_S]:
    """Items with a repeated slug dropped (the link tables key on slug), first one kept."""
    seen: set[str] = set()
    result = []
    for item in items:
        if item.slug not in seen:
            seen.add(item.slug)
            result.append(item)
    return result


def _facet_value_column(kind: FacetKind) -> sa.ColumnElement[Any]:
    return {
        "section": articles_table.c.section_slug,
        "language": articles_table.c.language,
        "source": articles_table.c.source_slug,
        "tag": tags_table.c.tag_slug,
        "author": authors_table.c.author_slug,
    }[kind]


def _facet_label_column(kind: FacetKind) -> sa.ColumnElement[Any]:
    if kind == "all":
        return sa.literal("")
    return {
        "section": articles_table.c.section_label,
        "language": articles_table.c.language,
        "source": articles_table.c.source_label,
        "tag": tags_table.c.tag_label,
        "author": authors_table.c.author_name,
    }[kind]


def _published_column(kind: FacetKind) -> sa.ColumnElement[datetime]:
    if kind == "tag":
        return tags_table.c.published
    if kind == "author":
        return authors_table.c.published
    return articles_table.c.published


def _visible_where(kind: FacetKind, now: datetime, query: sa.Select[Any]) -> sa.Select[Any]:
    """Restrict to visible rows, filtering on the table whose index serves the facet."""
    if kind in ("tag", "author"):
        link = tags_table if kind == "tag" else authors_table
        return query.where(link.c.status == "published", link.c.published <= now)
    a = articles_table
    return query.where(a.c.status == "published", a.c.published <= now)


def _visible_query(
    facet: Facet, now: datetime, *columns: Any, join_articles: bool = False
) -> sa.Select[Any]:
    """SELECT columns of the facet's visible rows, newest first (aggregates get no order).

    Tag and author feeds read the link table's index; `join_articles` adds the articles row
    (by primary key) when a column of it is selected.
    """
    query = _visible_where(facet.kind, now, sa.select(*columns))
    a = articles_table
    if facet.kind in ("tag", "author"):
        link = tags_table if facet.kind == "tag" else authors_table
        query = query.where(_facet_value_column(facet.kind) == facet.value)
        if join_articles:
            query = query.join_from(link, a, a.c.id == link.c.article_id)
        else:
            query = query.select_from(link)
        order = (link.c.published.desc(), link.c.article_id.desc())
    else:
        if facet.kind != "all":
            query = query.where(_facet_value_column(facet.kind) == facet.value)
        query = query.select_from(a)
        order = (a.c.published.desc(), a.c.id.desc())
    if len(columns) == 1 and isinstance(columns[0], sa.FunctionElement):
        return query  # an aggregate: no order
    return query.order_by(*order)


def _embargoed_counts(
    conn: Connection, kind: FacetKind, now: datetime, value: str | None = None
) -> dict[str, int]:
    """Published rows with a publish time after `now`, per facet value of one kind.

    Embargoed articles are few, so both forms read only the future end of an index: one
    facet seeks its own index; a whole kind walks the embargoed articles through
    (status, published) and counts their values here. (A GROUP BY would walk the facet
    index from end to end instead, to save a sort.)
    """
    a = articles_table
    if kind == "all" or value is not None:
        facet = ALL if kind == "all" else Facet(kind, value or "")
        future = _facet_rows(facet, sa.select(sa.func.count()))
        future = future.where(_published_column(kind) > now)
        return {facet.value: conn.execute(future).scalar_one()}
    query = sa.select(_facet_value_column(kind)).where(
        a.c.status == "published", a.c.published > now
    )
    if kind in ("tag", "author"):
        link = tags_table if kind == "tag" else authors_table
        query = query.select_from(a.join(link, link.c.article_id == a.c.id))
    else:
        query = query.select_from(a)
    return dict(Counter(v for v in conn.execute(query).scalars() if v is not None))


def _facet_rows(facet: Facet, query: sa.Select[Any]) -> sa.Select[Any]:
    """The facet's published rows (any publish time), from the table its index covers."""
    if facet.kind in ("tag", "author"):
        link = tags_table if facet.kind == "tag" else authors_table
        return query.select_from(link).where(
            _facet_value_column(facet.kind) == facet.value, link.c.status == "published"
        )
    a = articles_table
    query = query.select_from(a).where(a.c.status == "published")
    if facet.kind != "all":
        query = query.where(_facet_value_column(facet.kind) == facet.value)
    return query


def _keys_query(facet: Facet, now: datetime) -> sa.Select[Any]:
    a = articles_table
    return _visible_query(
        facet, now, a.c.id, a.c.guid, a.c.published, a.c.updated, join_articles=True
    )


class _Explain(Executable, ClauseElement):
    """EXPLAIN (QUERY PLAN) of a statement, with its parameters bound as usual."""

    inherit_cache = False

    def __init__(self, statement: sa.Select[Any]) -> None:
        self.statement = statement


@compiles(_Explain)
def _compile_explain(element: _Explain, compiler: Any, **kw: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if compiler.dialect.name == "sqlite" else "EXPLAIN "
    return prefix + compiler.process(element.statement, **kw)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a "YYYY-MM" month in UTC; ValueError naming the value when malformed."""
    try:
        year_text, month_text = month.split("-")
        if len(year_text) != 4 or len(month_text) != 2:
            raise ValueError
        start = datetime(int(year_text), int(month_text), 1, tzinfo=UTC)
    except ValueError:
        raise ValueError(f"month: expected YYYY-MM, got {month!r}") from None
    end = (
        datetime(start.year + 1, 1, 1, tzinfo=UTC)
        if start.month == 12
        else datetime(start.year, start.month + 1, 1, tzinfo=UTC)
    )
    return start, end


# -- Alembic ----------------------------------------------------------------------------------

MIGRATIONS_DIR: Final = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic Config built in code (no alembic.ini), bound to `connection` when given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
        config.set_main_option(
            "sqlalchemy.url",
            connection.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
        )
    return config
