"""`Store`: the article database behind one URL, its set-up and its write transactions.

Its reads come from the mixin `articles.store.reads.StoreReads`; this module keeps the
engine, readiness (`prepare_with`), the connections, migrations and the write entry points.

SQLAlchemy Core over SQLite (the embedded default, one file) or PostgreSQL
(`postgresql+psycopg://`). The schema is created and changed only by the Alembic migrations in
`articles/migrations`; `Store.migrate()` runs them. Every error of the database reaches callers
as `articles.errors.StoreError` (`StoreUnavailable` when it cannot be reached or opened).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from functools import partial
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import SQLAlchemyError

from articles.errors import InvalidValue, StoreFull
from articles.model import Article
from articles.store import article_reads, versions
from articles.store import migrate as migrations
from articles.store.engine import (
    BACKENDS,
    SQLITE_WRITE_CACHE_KIB,
    create_engine,
    normalise_url,
    reading,
    translated,
)
from articles.store.facets import SELECTED_KINDS, Episodes, Facet
from articles.store.migrate import Migration
from articles.store.model import UpsertResult
from articles.store.reads import StoreReads
from articles.store.schema import embargo_lifts_table
from articles.store.stamps import LEAD
from articles.store.write import StoreTransaction

WRITE_LOCK_KEY: Final = 0x6665656474
# Seconds between tries of start-up work that failed on a full disk (`Store._ready_to_read`).
FULL_RETRY_S: Final = 30.0


def _dispose_after_fork(ref: weakref.ReferenceType[Store]) -> None:
    store = ref()
    if store is not None:
        store.dispose(close=False)


class Store(StoreReads):
    """The article database behind one URL; safe to build in each worker process.

    No connection is opened until the first query, so building a Store never fails for a
    database that cannot be reached: the first query raises StoreUnavailable instead, and
    later ones succeed once it can be. After a fork the child drops the pooled connections it
    inherited (they belong to the parent) and opens its own. Raises InvalidValue (a
    ValueError) for a URL of another database.
    """

    def __init__(self, url: str | URL) -> None:
        self.url = normalise_url(url)
        self.backend = self.url.get_backend_name()
        if self.backend not in BACKENDS:
            raise InvalidValue(
                "database_url",
                f"unsupported database {self.backend!r}; "
                "use sqlite:///path.db or postgresql+psycopg://user:password@host/db",
            )
        self._engine = create_engine(self.url)
        self._prepare: Callable[[Store], None] | None = None
        self._prepare_lock = threading.RLock()
        self._preparing = False
        self._full_at: float | None = None  # when start-up work last failed on a full disk
        self._shows: dict[str, tuple[Episodes, str]] = {}
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=partial(_dispose_after_fork, weakref.ref(self)))

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def location(self) -> str:
        """Where the data lives, for messages: the SQLite file, or the URL without password."""
        if self.backend == "sqlite":
            return self.url.database or ":memory:"
        return self.url.render_as_string(hide_password=True)

    @property
    def sqlite_file(self) -> str | None:
        """The SQLite database file, for messages about opening it; None on PostgreSQL."""
        return self.url.database or ":memory:" if self.backend == "sqlite" else None

    def dispose(self, *, close: bool = True) -> None:
        """Drop pooled connections (close=False after a fork: leave the parent's alone)."""
        self._engine.dispose(close=close)

    # -- readiness ----------------------------------------------------------------------------

    def prepare_with(self, prepare: Callable[[Store], None]) -> None:
        """Run `prepare(store)` before the first query that finds the database reachable.

        For the app's start-up work (create the schema, load samples) when the database cannot
        be opened yet: each query tries `prepare` again until it succeeds, raising
        StoreUnavailable meanwhile; afterwards it is never run again. Call `ready()` to try now.
        """
        self._prepare = prepare

    def ready(self) -> None:
        """Run the pending `prepare_with` callable now; raises StoreError if it fails."""
        with self._prepare_lock:  # other threads wait; the preparing thread's own queries pass
            prepare = self._prepare
            if prepare is None or self._preparing:
                return
            self._preparing = True
            try:
                prepare(self)
                self._prepare = None
                self._full_at = None
            except StoreFull:
                self._full_at = time.monotonic()
                raise
            finally:
                self._preparing = False

    def _ready_to_read(self) -> None:
        """`ready()` for a read. Start-up work that failed on a full disk (it writes: the
        samples, a version's row) does not stop reads of what is stored: they go on, and the
        work is tried again at most every FULL_RETRY_S seconds (writes still raise
        StoreFull)."""
        full_at = self._full_at
        if full_at is not None and time.monotonic() - full_at < FULL_RETRY_S:
            return
        with suppress(StoreFull):
            self.ready()

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A pooled connection for reading, with SQLAlchemy's errors translated."""
        if self._prepare is not None:
            self._ready_to_read()
        try:
            with reading(self._engine.connect()) as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise translated(exc, sqlite_file=self.sqlite_file) from exc

    # -- schema -------------------------------------------------------------------------------

    def migrate(self, revision: str = "head", *, by: str = "") -> None:
        """Bring the schema to `revision` (alembic upgrade), safe when many workers start at once.

        PostgreSQL: a transaction-scoped advisory lock queues concurrent callers; SQLite:
        BEGIN IMMEDIATE does the same. Whoever comes second finds the schema current. An
        upgrade that changes the revision is recorded with `by` (who ran it), for
        `last_migration()`.
        """
        try:
            with self._write_connection() as conn, conn.begin():
                if self.backend == "postgresql":
                    conn.execute(
                        sa.select(sa.func.pg_advisory_xact_lock(migrations.MIGRATION_LOCK_KEY))
                    )
                before = migrations.current_revision(conn)
                migrations.upgrade(conn, revision)
                migrations.record(conn, before, migrations.current_revision(conn), by)
        except SQLAlchemyError as exc:
            raise translated(exc, sqlite_file=self.sqlite_file) from exc

    def last_migration(self) -> Migration | None:
        """The newest recorded schema upgrade (when, from, to, by whom), or None."""
        try:
            with self._engine.connect() as conn:
                return migrations.last_migration(conn)
        except SQLAlchemyError as exc:
            raise translated(exc, sqlite_file=self.sqlite_file) from exc

    def schema_revision(self) -> tuple[str | None, str]:
        """The schema's current Alembic revision (None when empty) and the newest one known."""
        try:
            with self._engine.connect() as conn:
                return migrations.current_revision(conn), migrations.head_revision(conn)
        except SQLAlchemyError as exc:
            raise translated(exc, sqlite_file=self.sqlite_file) from exc

    def adopt_version(self, fingerprint: str, *, now: datetime) -> datetime:
        """When the documents' version `fingerprint` (settings and code, as the caller hashes
        them) came into use: recorded as `now` by the first process that finds another one
        the latest (`articles.store.versions.adopt`), read back by the others. Aware UTC.

        Serialised like the writers (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock),
        so processes starting at once agree on one time.
        """
        if self._prepare is not None:
            self.ready()
        try:
            with self._write_connection() as conn, conn.begin():
                if self.backend == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITE_LOCK_KEY)))
                return versions.adopt(conn, fingerprint, now)
        except SQLAlchemyError as exc:
            raise translated(exc, sqlite_file=self.sqlite_file) from exc

    # -- writing ------------------------------------------------------------------------------

    @contextmanager
    def transaction(
        self,
        clock: Callable[[], datetime] | None = None,
        *,
        tag_authority: str | None = None,
        stamp_lead: timedelta = LEAD,
    ) -> Iterator[StoreTransaction]:
        """One write transaction: commits when the block ends, rolls back on an exception.

        `tag_authority`, when given, is the site's tagging entity (`articles.ids.mint_guid`):
        a new article may not then carry the guid minted for another id (GuidConflict), and
        the message for a guid that another article has says when it is the one minted for
        the article's own id. The write service passes its own, and its `stamp_lead` (how far
        ahead of the clock `StoreTransaction.stamp` may date versions).

        `clock`, when given, is read as the transaction writes its feed, page and month change
        times (just before the commit): none is earlier than it, however long the transaction
        held the write lock (`FeedTotals.settle`). Writers with a clock (the write service)
        pass theirs; the change times are otherwise the `now` each write was given.

        Callers that must write many batches all-or-nothing (the importer) use this; calling
        `rollback()` on it discards everything and turns later writes into errors.

        Writers are serialised: SQLite's BEGIN IMMEDIATE takes the write lock, PostgreSQL takes
        a transaction-scoped advisory lock, so the read-compare-write of an upsert never races
        another writer (readers are never blocked). SQLAlchemy errors raised inside the block
        leave it as StoreError.
        """
        if self._prepare is not None:
            self.ready()
        try:
            with self._write_connection() as conn, self._write_cache(conn):
                tx = conn.begin()
                writer = StoreTransaction(
                    conn,
                    tx,
                    {slug: show[0] for slug, show in self._shows.items()},
                    clock,
                    tag_authority=tag_authority,
                    stamp_lead=stamp_lead,
                )
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
                    writer.flush()  # the feed counts and change times it summed
                    tx.commit()
                    writer.committed = True
        except SQLAlchemyError as exc:
            raise translated(exc, sqlite_file=self.sqlite_file) from exc

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
            # A KeyboardInterrupt inside a statement makes SQLAlchemy invalidate (close) the
            # connection, which rolls the transaction back; there is no cache left to restore.
            if not conn.invalidated:
                dbapi.execute(f"PRAGMA cache_size = {int(usual)}")

    def upsert_many(
        self, articles: Iterable[Article], *, now: datetime | None = None
    ) -> UpsertResult:
        """Insert new articles and replace stored ones that are older, all in one transaction
        (see `StoreTransaction.upsert_many`; `now` is the time of the write)."""
        with self.transaction() as tx:
            return tx.upsert_many(articles, now=now)

    def delete(self, article_id: str, *, now: datetime | None = None) -> frozenset[Facet]:
        """Remove an article, leave a tombstone, and return the feeds it was in.

        Raises ArticleNotFound when no article has this id.
        """
        with self.transaction() as tx:
            return tx.delete(article_id, now=now)

    def claim_lifts(self, *, now: datetime) -> list[Article]:
        """Claim every embargo lift due at `now` and return the articles now visible.

        Each due lift is claimed with an atomic UPDATE (`announced_at` set only where it is
        still empty), so however many processes ask at once, each lift goes to exactly one.
        Lifts announced more than a day ago are forgotten.
        """
        lifts = embargo_lifts_table
        with self.transaction() as tx:
            conn = tx.connection
            claimed = []
            for article_id in article_reads.due_lifts(conn, now):
                done = conn.execute(
                    lifts.update()
                    .where(lifts.c.article_id == article_id, lifts.c.announced_at.is_(None))
                    .values(announced_at=now)
                )
                if done.rowcount == 1:
                    claimed.append(article_id)
            conn.execute(lifts.delete().where(lifts.c.announced_at < now - timedelta(days=1)))
            found = article_reads.fetch(conn, claimed)
        return [article for article in found if article.is_visible_at(now)]

    # -- podcast shows --------------------------------------------------------------------------

    def configure_shows(self, shows: Mapping[str, tuple[Episodes, str]]) -> None:
        """Name the podcast shows: `{slug: (selection, title)}`; `Facet("podcast", slug)` then
        reads the show's episodes (unknown slugs hold nothing). Replaces any earlier shows."""
        self._shows = dict(shows)

    @property
    def shows(self) -> Mapping[str, tuple[Episodes, str]]:
        return dict(self._shows)

    def is_configured(self, facet: Facet) -> bool:
        """Whether the feed exists by configuration, whatever it holds: "all" and each
        configured show (a show waiting for its first episode, or whose episodes were all
        removed, is still the show)."""
        return facet.kind == "all" or (facet.kind in SELECTED_KINDS and facet.value in self._shows)

    # -- internals ----------------------------------------------------------------------------

    def _write_connection(self) -> Connection:
        return self._engine.connect().execution_options(feeds_write=True)
