"""`Store`: the article database behind one URL, its reads and its write transactions.

SQLAlchemy Core over SQLite (the embedded default, one file) or PostgreSQL
(`postgresql+psycopg://`). The schema is created and changed only by the Alembic migrations in
`articles/migrations`; `Store.migrate()` runs them. Every error of the database reaches callers
as `articles.errors.StoreError` (`StoreUnavailable` when it cannot be reached or opened).
"""

from __future__ import annotations

import json
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import SQLAlchemyError

from articles.errors import InvalidValue, StoreFull
from articles.model import Article
from articles.store import episodes, linked, read, slugs, versions
from articles.store import migrate as migrations
from articles.store.engine import (
    BACKENDS,
    SQLITE_WRITE_CACHE_KIB,
    create_engine,
    normalise_url,
    reading,
    translated,
)
from articles.store.facets import SELECTED_KINDS, SLUGGED_KINDS, Episodes, Facet
from articles.store.guids import guid_holders
from articles.store.migrate import Migration
from articles.store.model import (
    EntryKey,
    FacetInfo,
    GuidHolders,
    MonthSummary,
    PageRow,
    Tombstone,
    TranslationLink,
    UpsertResult,
)
from articles.store.rows import utc
from articles.store.schema import (
    article_change_log_table,
    articles_table,
    change_sequence_table,
    embargo_lifts_table,
    facet_changes_table,
)
from articles.store.stamps import LEAD
from articles.store.write import StoreTransaction

WRITE_LOCK_KEY: Final = 0x6665656474
# Seconds between tries of start-up work that failed on a full disk (`Store._ready_to_read`).
FULL_RETRY_S: Final = 30.0


def _dispose_after_fork(ref: weakref.ReferenceType[Store]) -> None:
    store = ref()
    if store is not None:
        store.dispose(close=False)


class Store:
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
            raise translated(exc) from exc

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
            raise translated(exc) from exc

    def last_migration(self) -> Migration | None:
        """The newest recorded schema upgrade (when, from, to, by whom), or None."""
        try:
            with self._engine.connect() as conn:
                return migrations.last_migration(conn)
        except SQLAlchemyError as exc:
            raise translated(exc) from exc

    def schema_revision(self) -> tuple[str | None, str]:
        """The schema's current Alembic revision (None when empty) and the newest one known."""
        try:
            with self._engine.connect() as conn:
                return migrations.current_revision(conn), migrations.head_revision(conn)
        except SQLAlchemyError as exc:
            raise translated(exc) from exc

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
            raise translated(exc) from exc

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
            raise translated(exc) from exc

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

    # -- reading: admin -----------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, whatever its status, or None."""
        with self._connect() as conn:
            return read.get(conn, article_id)

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
        before: tuple[datetime, str] | None = None,
    ) -> list[Article]:
        """Articles in any state for the admin listing, newest first, filtered as given.

        `language` selects as the language feed does (RFC 4647 basic filtering: `ko` lists
        `ko` and `ko-KR`). `before` = (published, id) of the last article of a previous page:
        the page after it (keyset paging, stable while articles are added or removed; the
        publishing API's cursor).

        There is no index on `published` alone: each status is read through the facet indexes
        (which start with status, or with the tag/author slug or language then status), in
        feed order, and the per-status lists are merged here. So the cost follows offset +
        limit, not the size of the table.
        """
        wanted = offset + limit
        with self._connect() as conn:
            keys = read.list_keys(
                conn,
                section=section,
                tag=tag,
                author=author,
                status=status,
                language=language,
                source=source,
                wanted=wanted,
                before=before,
            )
            # Feed order across statuses; ids compare as code points, like the byte order above.
            keys.sort(reverse=True)
            return read.fetch(conn, [article_id for _, article_id in keys[offset:wanted]])

    def count(self) -> int:
        """How many articles are stored, in any state."""
        with self._connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(articles_table)).scalar_one()

    def tombstones(self) -> list[tuple[str, str, datetime]]:
        """(id, guid, deleted_at) of deleted articles, most recent deletion first."""
        with self._connect() as conn:
            return read.deletions(conn)

    def feed_tombstones(
        self, facet: Facet, *, now: datetime, since: datetime, month: str | None = None
    ) -> list[Tombstone]:
        """The feed's RFC 6721 tombstones removed in (since, now], newest first.

        Only entries readers could have seen and that are not visible at `now`; `month`
        ("2025-07") keeps those of entries published in that UTC month (its archive).
        """
        bounds = None if month is None else read.month_bounds(month)
        with self._connect() as conn:
            return read.tombstones(conn, facet, now, since, bounds)

    def last_removal(
        self, facet: Facet, *, now: datetime, month: str | None = None
    ) -> datetime | None:
        """When (aware UTC, not after `now`) the feed last lost an entry readers could see, by
        deletion, withdrawal or a renewed embargo; of an entry published in `month` ("2025-07")
        when given. None when it never did. Not bounded by the tombstone period: the record
        is kept until the entry is stored visible again."""
        bounds = None if month is None else read.month_bounds(month)
        with self._connect() as conn:
            return read.last_removal(conn, facet, now, bounds)

    def removals_by_month(self, facet: Facet, *, now: datetime) -> dict[str, datetime]:
        """{UTC month ("2025-07"): when the feed last lost an entry published in it} for every
        month in which it lost one readers could see (deleted, withdrawn, embargoed again),
        not after `now`, however long ago: the record is kept until the entry is stored
        visible again."""
        with self._connect() as conn:
            return read.removals_by_month(conn, facet, now)

    def tombstone_ends(
        self, facet: Facet, *, now: datetime, since: datetime, month: str | None = None
    ) -> tuple[datetime | None, datetime | None]:
        """(latest, next): when the feed's tombstones removed after `since` last stopped (not
        after `now`) and will next stop (after `now`) being shown because their entry became
        visible again by the clock, a renewed embargo ending; of entries published in `month`
        ("2025-07") when given. Aware UTC or None. No write happens then: this is how the
        documents that showed them learn when they changed, and when they will."""
        bounds = None if month is None else read.month_bounds(month)
        with self._connect() as conn:
            return read.tombstone_ends(conn, facet, now, since, bounds)

    def first_published(self, facet: Facet, *, since: datetime, now: datetime) -> datetime | None:
        """The earliest publish time in [since, now] of the feed's visible articles (aware UTC),
        or None: when, at the earliest, the feed had an entry after `since`."""
        if facet.kind in SELECTED_KINDS:
            selection = self._selection(facet)
            if selection is None:
                return None
            with self._connect() as conn:
                return episodes.first_published(conn, selection, since, now)
        with self._connect() as conn:
            return read.first_published(conn, facet, since, now)

    def tombstone_months(self, facet: Facet, *, now: datetime, since: datetime) -> list[str]:
        """The UTC months ("2025-07") of the entries the feed shows tombstones of at `now`
        (removed in (since, now]), newest first: the archives that carry them."""
        with self._connect() as conn:
            return read.tombstone_months(conn, facet, now, since)

    def tombstoned_feeds(self, *, now: datetime, since: datetime) -> list[Facet]:
        """The feeds that recorded a tombstone removed in (since, now], by (kind, value)."""
        with self._connect() as conn:
            return read.tombstoned_feeds(conn, now, since)

    def next_tombstone_end(self, *, now: datetime, period: timedelta) -> datetime | None:
        """The earliest moment after `now` at which a tombstone kept for `period` drops out of
        its feed's documents (its removal plus `period`; aware UTC), or None when none will.
        Nothing is written then: a follow run wakes for it (`feeds.export.schedule`)."""
        with self._connect() as conn:
            removed = read.next_removal(conn, now - period)
        return None if removed is None else removed + period

    def last_change(
        self, facet: Facet, *, now: datetime, period: timedelta | None
    ) -> datetime | None:
        """When, at the latest (not after `now`), a write changed what the feed shows, or a
        tombstone kept for `period` dropped out of it (`period` None: writes only, for the
        documents that show no tombstones: a facet's HTML page, the index); None when nothing
        ever did.

        A podcast show's own changes are not recorded apart: its selection's feeds (its
        section's and tag's) change whenever it does, so their latest change stands for it
        (never too early, so the show's Last-Modified never goes back).
        """
        with self._connect() as conn:
            if facet.kind not in SELECTED_KINDS:
                return read.last_change(conn, facet, now, period)
            selection = self._selection(facet)
            if selection is None:
                return None
            found = [read.last_change(conn, f, now, period) for f in selection.facets()]
            moments = [moment for moment in found if moment is not None]
            return max(moments) if moments else None

    def month_changes(
        self, months: Sequence[str] | None = None, *, now: datetime
    ) -> dict[str, datetime]:
        """{UTC month ("2025-07"): when (aware UTC, not after `now`) a write last changed what
        readers see of the articles published in it}: one added, corrected, withdrawn,
        deleted, put back under embargo, or moved to or from the month. For `months`, or
        every month a write changed when None (one row per month: a small table). Months no
        write changed since the table came (migration 0017) are absent; an embargo lifting
        is no write (the article's `published` dates it)."""
        with self._connect() as conn:
            found = read.month_changes(conn, months)
        return {month: min(when, now) for month, when in found.items()}

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
            for article_id in read.due_lifts(conn, now):
                done = conn.execute(
                    lifts.update()
                    .where(lifts.c.article_id == article_id, lifts.c.announced_at.is_(None))
                    .values(announced_at=now)
                )
                if done.rowcount == 1:
                    claimed.append(article_id)
            conn.execute(lifts.delete().where(lifts.c.announced_at < now - timedelta(days=1)))
            found = read.fetch(conn, claimed)
        return [article for article in found if article.is_visible_at(now)]

    def change_seq(self) -> int:
        """The store's change sequence: a number every committed write that changed an article
        (from any process) has moved forward; compare two readings to learn whether anything
        was written in between. One indexed read."""
        cs = change_sequence_table
        with self._connect() as conn:
            query = sa.select(cs.c.seq).where(cs.c.name == "articles")
            value = conn.execute(query).scalar_one_or_none()
        return int(value or 0)

    def changed_feeds(self, since: int) -> frozenset[Facet]:
        """The feeds (with 'all' and podcast shows) a write changed after the change sequence
        read `since` (`change_seq`): an entry added, corrected, withdrawn, deleted or
        re-linked. One indexed read; clock-independent. Changes by the clock alone (an
        embargo lifting) are not writes and are not listed."""
        fc = facet_changes_table
        with self._connect() as conn:
            rows = conn.execute(sa.select(fc.c.kind, fc.c.value).where(fc.c.seq > since)).all()
        return frozenset(Facet(kind, value) for kind, value in rows)

    def changed_articles(self, since: int) -> frozenset[str] | None:
        """The ids of the articles a write inserted, replaced or deleted after the change
        sequence read `since` (`change_seq`), from `article_change_log` (indexed by sequence:
        the rows read are those writes', whatever the store's size); None when the log no
        longer reaches back to `since` (it keeps the last `LOG_KEEP` sequence numbers): the
        caller must then look at every article. Changes by the clock (an embargo lifting)
        are no writes and are not listed."""
        cs, log = change_sequence_table, article_change_log_table
        with self._connect() as conn:
            start = conn.execute(sa.select(cs.c.seq).where(cs.c.name == "article_log")).scalar()
            if start is not None and since < start:
                return None
            rows = conn.execute(sa.select(log.c.ids).where(log.c.seq > since)).scalars()
            return frozenset(i for ids in rows for i in json.loads(ids))

    def latest_deletion(self) -> datetime | None:
        """When the most recent deletion happened (aware UTC), or None if there was none."""
        with self._connect() as conn:
            return read.latest_deletion(conn)

    def tombstone(self, article_id: str) -> tuple[str, datetime] | None:
        """(guid, deleted_at) of the deleted article `article_id`, or None if it was not."""
        with self._connect() as conn:
            return read.tombstone(conn, article_id)

    def guid_holders(self, guids: Iterable[str]) -> dict[str, GuidHolders]:
        """The articles that have or had each of `guids`: the stored one whose guid it is,
        the deleted one whose guid it was (`GuidHolders`); only the guids some article has
        or had."""
        with self._connect() as conn:
            return guid_holders(conn, guids)

    def page_changes(self, ids: Sequence[str]) -> dict[str, datetime]:
        """{article id: when (aware UTC) a write last changed its page other than through its
        own `updated`}: a linked version in another language appearing, leaving or changing
        its language or URL, the article replaced with the same `updated` and other content,
        or deleted. Only the ids that have such a time (one indexed read)."""
        found: dict[str, datetime] = {}
        with self._connect() as conn:
            ordered = list(dict.fromkeys(ids))
            for start in range(0, len(ordered), 500):
                found.update(read.page_changes(conn, ordered[start : start + 500]))
        return found

    def public_deletion(self, article_id: str) -> datetime | None:
        """When the article `article_id` was deleted (aware UTC), if it was public then.

        None when no article with this id was deleted, or when it was a draft, withheld or
        still under embargo at its deletion: readers never saw those, so nothing may tell
        them that the id existed.
        """
        with self._connect() as conn:
            return read.public_deletion(conn, article_id)

    # -- reading: feeds -----------------------------------------------------------------------

    def page_keys(
        self, facet: Facet, *, now: datetime, limit: int, offset: int = 0
    ) -> list[EntryKey]:
        """Keys of one page of a feed, newest first (published desc, id desc); index only."""
        if facet.kind in SELECTED_KINDS:
            selection = self._selection(facet)
            if selection is None:
                return []
            with self._connect() as conn:
                return episodes.page_keys(conn, selection, now=now, limit=limit, offset=offset)
        with self._connect() as conn:
            return read.page_keys(conn, facet, now=now, limit=limit, offset=offset)

    def fetch(self, ids: Sequence[str]) -> list[Article]:
        """The articles with these ids in the order given, in one query; unknown ids left out."""
        with self._connect() as conn:
            return read.fetch(conn, ids)

    def count_visible(self, facet: Facet, *, now: datetime) -> int:
        """How many articles the feed holds at `now`.

        The feed's published count (kept by every write) minus its embargoed articles: two
        index seeks, whatever the size of the feed. A podcast show's episodes are counted.
        """
        if facet.kind in SELECTED_KINDS:
            selection = self._selection(facet)
            if selection is None:
                return 0
            with self._connect() as conn:
                return episodes.count_visible(conn, selection, now)
        with self._connect() as conn:
            return read.count_visible(conn, facet, now)

    def facet_info(self, facet: Facet, *, now: datetime) -> FacetInfo | None:
        """Label, size and newest publish time of one feed, or None when it has nothing visible.

        A podcast show's label is its configured title."""
        if facet.kind in SELECTED_KINDS:
            show = self._shows.get(facet.value)
            if show is None:
                return None
            with self._connect() as conn:
                return episodes.facet_info(conn, facet, show[0], now, show[1])
        with self._connect() as conn:
            return read.facet_info(conn, facet, now)

    def facets(self, *, now: datetime) -> list[FacetInfo]:
        """Every feed with visible articles: 'all' first, then by kind, then by value.

        A facet's label is the one its newest visible article carries. Counts come from
        facet_counts less each kind's embargoed rows; then one index seek per facet finds its
        label and newest publish time. The configured podcast shows with visible episodes
        come last, in slug order.
        """
        with self._connect() as conn:
            found = read.facets(conn, now)
            for slug, (selection, title) in sorted(self._shows.items()):
                info = episodes.facet_info(conn, Facet("podcast", slug), selection, now, title)
                if info is not None:
                    found.append(info)
            return found

    def months(self, facet: Facet, *, now: datetime) -> list[str]:
        """The UTC months ("2025-07") in which the feed has visible articles, newest first.

        One index seek per month (newest publish time before the previous month's start), so
        the cost follows the number of months, not of articles.
        """
        if facet.kind in SELECTED_KINDS:
            selection = self._selection(facet)
            if selection is None:
                return []
            with self._connect() as conn:
                return episodes.months(conn, selection, now)
        with self._connect() as conn:
            return read.months(conn, facet, now)

    def month_keys(self, facet: Facet, month: str, *, now: datetime) -> list[EntryKey]:
        """Keys of every visible article of the feed published in the UTC month, newest first.

        Raises InvalidValue (a ValueError) when `month` is not YYYY-MM.
        """
        read.month_bounds(month)  # a bad month is the caller's error, before any connection
        if facet.kind in SELECTED_KINDS:
            selection = self._selection(facet)
            if selection is None:
                return []
            with self._connect() as conn:
                return episodes.month_keys(conn, selection, month, now)
        with self._connect() as conn:
            return read.month_keys(conn, facet, month, now)

    def page_rows(
        self,
        *,
        now: datetime,
        since: datetime | None = None,
        before: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[PageRow]:
        """Id, canonical URL, title, language and times of the visible articles published in
        [since, before), newest first (published desc, id desc): narrow columns, no documents.
        """
        with self._connect() as conn:
            return read.page_rows(conn, now, since=since, before=before, limit=limit, offset=offset)

    def translation_links(self, ids: Sequence[str], *, now: datetime) -> list[TranslationLink]:
        """The visible other-language versions of each of these articles, both those its
        record names and those whose records name it (two indexed lookups, no documents)."""
        with self._connect() as conn:
            return read.translation_links(conn, ids, now)

    def linked_feeds(self, ids: Sequence[str], *, now: datetime) -> frozenset[Facet]:
        """The feeds holding a visible article linked as a translation with any of `ids`:
        their entries' hreflang links change when one of `ids` appears or goes (embargo
        lifts announce them; writes add them themselves, articles.store.linked)."""
        shows = {slug: show[0] for slug, show in self._shows.items()}
        with self._connect() as conn:
            feeds = linked.visible_feeds(conn, linked.partners(conn, ids), now, shows)
        return frozenset(Facet(kind, value) for kind, value in feeds)  # type: ignore[arg-type]

    def month_summaries(self, *, now: datetime, month: str | None = None) -> list[MonthSummary]:
        """Each UTC month with visible articles, newest first, with its count and newest
        change as readers see it (one grouped pass over the publish-time index); with
        `month` ("2025-07"), that month's alone (a pass over its range), or none."""
        with self._connect() as conn:
            return read.month_summaries(conn, now, month)

    def next_visibility_change(
        self, *, now: datetime, facet: Facet | None = None
    ) -> datetime | None:
        """The earliest publish time after `now` of a published (embargoed) article, or None;
        of the feed `facet` only, when given (a podcast show: of its coming episodes)."""
        if facet is not None and facet.kind in SELECTED_KINDS:
            selection = self._selection(facet)
            if selection is None:
                return None
            with self._connect() as conn:
                return episodes.next_visibility_change(conn, selection, now)
        with self._connect() as conn:
            return read.next_visibility_change(conn, now, facet)

    def explain_page_keys(
        self, facet: Facet, *, now: datetime, limit: int, offset: int = 0
    ) -> list[str]:
        """The database's plan for `page_keys`, one line per step (for docs and checks).

        SQLite: the detail column of EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN's text lines.
        """
        selection = self._selection(facet) if facet.kind in SELECTED_KINDS else None
        keys = (
            read.keys_query(facet, now)
            if selection is None
            else episodes.keys_query(selection, now)
        )
        query = keys.limit(limit).offset(offset)
        with self._connect() as conn:
            # Raw cursor rows: SQLAlchemy would map them onto the SELECT's own column types.
            rows = conn.execute(read.Explain(query)).cursor.fetchall()
        return [str(row[-1]) if self.backend == "sqlite" else str(row[0]) for row in rows]

    def slug_of_label(self, kind: str, label: str, *, now: datetime | None = None) -> str | None:
        """The slug of a tag or author label (`articles.slugs.label_key` spellings are one
        label) readers could see by `now` (default: the wall clock), or None: for a tag or
        author named by its label in a URL. Whether its feed holds anything visible is
        `facet_info`'s to say."""
        if kind not in {each.name for each in SLUGGED_KINDS}:
            return None
        with self._connect() as conn:
            return slugs.slug_of_label(conn, kind, label, utc(now or datetime.now(UTC)))

    def label_of_slug(self, kind: str, slug: str) -> str | None:
        """The label the slug registry holds for a facet's slug (`아시아` for section `asia`,
        as first spelled), or None: for a feed whose articles are all gone, whose title can no
        longer take the label from them."""
        with self._connect() as conn:
            return slugs.label_of_slug(conn, kind, slug)

    def label_slugs(self, *, now: datetime | None = None) -> list[tuple[str, str, str, str]]:
        """Every tag and author label the slug registry holds that readers could see by `now`
        (default: the wall clock): (kind, label as first spelled, label key, slug), by kind
        and slug (`slug_of_label` answers one; the static export writes them all as
        redirects). A label only non-public articles carry is not listed."""
        with self._connect() as conn:
            kinds = (each.name for each in SLUGGED_KINDS)
            return slugs.label_slugs(conn, kinds, utc(now or datetime.now(UTC)))

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

    def _selection(self, facet: Facet) -> Episodes | None:
        show = self._shows.get(facet.value)
        return None if show is None else show[0]

    # -- internals ----------------------------------------------------------------------------

    def _write_connection(self) -> Connection:
        return self._engine.connect().execution_options(feeds_write=True)
