"""The one write path for articles: create, replace, correct, delete and bulk import.

Every writer (the importer, `flask articles ...`, the publishing API to come) goes through an
`ArticleService`: it mints the guid of a new article, writes through the store in one
transaction, and after the commit announces a typed `articles.changes.Change` to its
listeners (the feeds package pings WebSub from there). Each method returns a `WriteResult`
saying what happened and why, and raises only the errors of `articles.errors`:
ArticleNotFound, ArticleExists, GuidConflict, StaleArticle, InvalidArticle, StoreError.

Conditional writes (HTTP If-Match, later) pass `if_updated`: the stored `updated` the caller
last saw; a different stored value raises StaleArticle and writes nothing.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from articles import audit
from articles.audit import Action as AuditAction
from articles.audit import AuditEntry
from articles.changes import Action, Change, ChangeListeners
from articles.clock import DEFAULT_MAX_SKEW, time_problem
from articles.errors import (
    ArticleDeleted,
    ArticleExists,
    ArticleNotFound,
    GuidConflict,
    InvalidArticle,
    StaleArticle,
)
from articles.ids import mint_guid
from articles.model import Article, article_from_dict
from articles.store import (
    Facet,
    PreparedArticle,
    Store,
    StoreTransaction,
    UpsertResult,
    prepare_article,
)
from articles.store.documents import load_document
from articles.store.stamps import LEAD

Outcome = Literal["created", "updated", "unchanged", "skipped", "deleted"]
# Why a record older than the stored version changes nothing (importer lines, API results).
OLDER_THAN_STORED: Final = "older than the stored version"
# A site rule on whole articles beyond the record format (a podcast show requiring https
# media, say): the (field, reason) of each problem; none means the article may be stored.
# Kept picklable (a module-level class instance) so import workers can run it too.
ArticleCheck = Callable[[Article], Iterable[tuple[str, str]]]
# The smallest step of a stored time: a correction without its own `updated` moves it this much
# past the stored one when the clock has not (a clock behind the stored value, say).
_TICK: Final = timedelta(microseconds=1)
# Who the audit trail names for a write whose caller names nobody (commands, scripts).
DEFAULT_ACTOR: Final = "cli"
# Fields a correction may not change: the article's identity.
_FIXED_FIELDS: Final = frozenset({"id", "guid"})


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class GuidMinter:
    """Gives a new article its RFC 4151 `tag:` guid (`articles.ids.mint_guid`) when it has none.

    Small and picklable, so parsing worker processes mint guids too. Raises InvalidValue (a
    ValueError) at construction when `tag_authority` cannot mint guids.
    """

    tag_authority: str

    def __post_init__(self) -> None:
        mint_guid(self.tag_authority, "check")  # a bad authority fails once, here

    def __call__(self, article: Article) -> Article:
        if article.guid:
            return article
        return article.with_guid(mint_guid(self.tag_authority, article.id))


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one write did to one article.

    `outcome` is created, updated, unchanged (the stored version again), skipped (older than
    the stored version: `reason` says so) or deleted;
    `article` the stored article after the write (None after a delete); `facets` the feeds
    whose content changed (empty when unchanged).
    """

    article_id: str
    outcome: Outcome
    article: Article | None
    facets: frozenset[Facet] = field(default_factory=frozenset)
    reason: str = ""


# Claims the `updated` of a version the server dates itself: `stamp(after)` is a whole second
# (aware UTC) later than `after` (the stored version's `updated`, or None) and than every other
# version the server dated, so no two entries of a feed share a second
# (`articles.store.stamps`).
Stamp = Callable[[datetime | None], datetime]


@dataclass(frozen=True, slots=True)
class Edit:
    """One article's change for `ArticleService.apply`.

    `build(stored, now, stamp)` gets the stored article (None when there is none) as the
    write transaction reads it, the time of the write (read under the write lock: see
    `ArticleService.apply`) and `stamp`, which claims the `updated` of a version the caller
    dates itself (`Stamp`), and returns the new version, or None to delete the article.
    Whatever it raises aborts the whole `apply`, so a caller's precondition checked there
    (HTTP If-Match) still holds when the transaction commits. `action` names the change in
    announcements and in the audit trail (a new article is always a `create`).
    """

    article_id: str
    build: Callable[[Article | None, datetime, Stamp], Article | None]
    action: Literal["replace", "correct", "delete"] = "replace"


class ArticleService:
    """Writes articles through `store` and announces each committed change to `listeners`.

    `clock` returns the current aware time (deletions are dated with it, corrections get it as
    their `updated`). `tag_authority` mints guids (`GuidMinter`). `zone` and
    `default_language` are the site's defaults for records that lack them, for the readers of
    untrusted input that feed this service (the importer, the API). Every write is checked
    against the clock (`articles.clock`): `updated` more than `max_clock_skew` ahead of it is
    refused, and so is a future `published` of a published record that is not an embargo.
    """

    def __init__(
        self,
        store: Store,
        *,
        tag_authority: str,
        clock: Callable[[], datetime] = _utc_now,
        listeners: ChangeListeners | None = None,
        zone: ZoneInfo | None = None,
        default_language: str = "ko",
        max_clock_skew: timedelta = DEFAULT_MAX_SKEW,
        checks: Sequence[ArticleCheck] = (),
    ) -> None:
        self.store = store
        self.max_clock_skew = max_clock_skew
        self.checks = tuple(checks)
        self.clock = clock
        self.minter = GuidMinter(tag_authority)
        self.listeners = listeners if listeners is not None else ChangeListeners()
        self.zone = zone or ZoneInfo("UTC")
        self.default_language = default_language

    @property
    def stamp_lead(self) -> timedelta:
        """How far ahead of the clock a burst of writes may date versions (`Stamp`): at most
        `articles.store.stamps.LEAD`, and half the clock-skew allowance `check_times` keeps,
        so a stamp is not refused as too far ahead (past the lead, one article's versions
        step by a microsecond, which the other half leaves room for)."""
        return min(LEAD, self.max_clock_skew / 2)

    @property
    def tag_authority(self) -> str:
        return self.minter.tag_authority

    def __repr__(self) -> str:
        return f"ArticleService({self.store!r}, {len(self.listeners)} listener(s))"

    # -- one article --------------------------------------------------------------------------

    def get(self, article_id: str) -> Article:
        """The stored article; ArticleNotFound when there is none (ArticleDeleted, with its
        deletion time, when it was deleted)."""
        article = self.store.get(article_id)
        if article is None:
            raise self.missing(article_id)
        return article

    def missing(self, article_id: str) -> ArticleNotFound:
        """The error for an id no article has: ArticleDeleted (guid and deletion time) when
        the store keeps a tombstone for it, else ArticleNotFound."""
        tombstone = self.store.tombstone(article_id)
        if tombstone is None:
            return ArticleNotFound(article_id)
        guid, deleted_at = tombstone
        # Whether a record with this id can be stored again without a guid of its own: the
        # guid minted for it is another article's only in data stored before that was refused.
        minted = mint_guid(self.tag_authority, article_id)
        holders = self.store.guid_holders([guid, minted])
        minted_holder = holders[minted].other_than(article_id) if minted in holders else None
        guid_holder = holders[guid].other_than(article_id) if guid in holders else None
        return ArticleDeleted(
            article_id,
            guid,
            deleted_at,
            minted_holder=None if minted_holder is None else (minted, minted_holder),
            guid_holder=guid_holder,
        )

    def problems(self, article: Article, now: datetime | None = None) -> list[tuple[str, str]]:
        """Every (field, reason) the site's rules find in `article`: each of the `checks` (a
        podcast show's https media) and the clock's (`check_times`, at `now`, default the
        clock's time). A writer that lists every problem at once (the API's 422) calls this
        before writing; the write itself still checks, under its lock."""
        found = [pair for check in self.checks for pair in check(article)]
        late = self.time_problem(
            article.id,
            status=article.status,
            published=article.published,
            updated=article.updated,
            embargoed=article.embargoed,
            now=now,
        )
        if late is not None:
            found.append((late.field, late.reason))
        return found

    def check(self, article: Article, where: str | None = None) -> None:
        """Run the site's `checks` on `article`; InvalidArticle naming `where` (default: the
        article's id) and the field for the first problem found."""
        for check in self.checks:
            for field_name, reason in check(article):
                raise InvalidArticle(
                    where or f"article {article.id!r}", field_name, reason, article_id=article.id
                )

    def create(self, article: Article, *, actor: str = DEFAULT_ACTOR) -> WriteResult:
        """Store a new article (its guid minted when it has none).

        Raises ArticleExists when the id is stored, GuidConflict when its guid is another's,
        InvalidArticle when one of the site's `checks` refuses it.
        Every write of the single-article methods is in the audit trail under `actor`.
        """
        self.check(article)
        article = self.minter(article)
        with self._transaction() as tx:
            now = self.clock()  # under the write lock: see `apply`
            self.check_times(article, now)
            if tx.get(article.id) is not None:
                raise ArticleExists(article.id)
            written = tx.upsert_many([article], now=now)
            self._audit(tx, actor, "create", article.id, None, article)
        return self._done("create", article.id, "created", article, written.affected)

    def replace(
        self,
        article: Article,
        *,
        if_updated: datetime | None = None,
        actor: str = DEFAULT_ACTOR,
    ) -> WriteResult:
        """Store the whole record: create it, or replace the stored one if this is newer.

        The stored guid is kept. The store's rule decides (`StoreTransaction.upsert_many`): a
        newer `updated`, or the same `updated` with different content, replaces; the same
        record again is `unchanged`; an older one is `skipped` (reason OLDER_THAN_STORED).
        Raises InvalidArticle for times the clock refuses (`check_times`). `if_updated`: see
        the module docstring.
        """
        self.check(article)
        article = self.minter(article)
        with self._transaction() as tx:
            now = self.clock()  # under the write lock: see `apply`
            self.check_times(article, now)
            current = tx.get(article.id)
            if current is None and if_updated is not None:
                raise ArticleNotFound(article.id)
            if current is not None:
                _check_version(current, if_updated)
            written = tx.upsert_many([article], now=now)
            if written.skipped:
                return WriteResult(article.id, "skipped", current, reason=OLDER_THAN_STORED)
            if written.unchanged:
                return WriteResult(article.id, "unchanged", current, reason="the stored version")
            outcome: Outcome = "created" if current is None else "updated"
            stored = tx.get(article.id)
            action: AuditAction = "create" if current is None else "replace"
            self._audit(tx, actor, action, article.id, current, stored)
        return self._done("replace", article.id, outcome, stored, written.affected)

    def correct(
        self,
        article_id: str,
        changes: Mapping[str, Any],
        *,
        if_updated: datetime | None = None,
        actor: str = DEFAULT_ACTOR,
    ) -> WriteResult:
        """Change some fields of a stored article (a partial update), keeping the rest.

        `changes` maps Article field names to valid values (parts as their dataclasses; an API
        validates untrusted input with `articles.formats` first). Without `updated` in `changes`
        the correction is dated now (or just after the stored time, if the clock is behind).
        Raises ArticleNotFound, StaleArticle, or InvalidArticle for an unknown or fixed field
        or an `updated` not later than the stored one.
        """
        where = f"article {article_id!r}"
        names = {f.name for f in dataclasses.fields(Article) if f.metadata.get("record", True)}
        for name in changes:
            if name not in names:
                raise InvalidArticle(where, name, "no such field", article_id=article_id)
            if name in _FIXED_FIELDS:
                raise InvalidArticle(
                    where, name, "cannot be changed by a correction", article_id=article_id
                )
        with self._told_when_deleted(), self._transaction() as tx:
            now = self.clock()  # under the write lock: see `apply`
            current = tx.get(article_id)
            if current is None:
                raise ArticleNotFound(article_id)
            _check_version(current, if_updated)
            values = dict(changes)
            if "updated" not in values:
                values["updated"] = tx.stamp(now, current.updated, lead=self.stamp_lead)
            try:
                corrected = dataclasses.replace(current, **values)
            except (TypeError, ValueError) as exc:
                raise InvalidArticle(where, "", str(exc), article_id=article_id) from None
            self.check(corrected, where)
            if corrected.updated <= current.updated:
                raise InvalidArticle(
                    where, "updated", _not_newer(corrected, current), article_id=article_id
                )
            self.check_times(corrected, now)
            written = tx.upsert_many([corrected], now=now)
            stored = tx.get(article_id)
            self._audit(tx, actor, "correct", article_id, current, stored)
        return self._done("correct", article_id, "updated", stored, written.affected)

    def delete(
        self,
        article_id: str,
        *,
        if_updated: datetime | None = None,
        actor: str = DEFAULT_ACTOR,
    ) -> WriteResult:
        """Remove an article, leaving a tombstone (id, guid, time); ArticleNotFound if none."""
        with self._told_when_deleted(), self._transaction() as tx:
            current = tx.get(article_id)
            if current is None:
                raise ArticleNotFound(article_id)
            _check_version(current, if_updated)
            facets = tx.delete(article_id, now=self.clock())
            self._audit(tx, actor, "delete", article_id, current, None)
        return self._done("delete", article_id, "deleted", None, facets)

    # -- many articles ------------------------------------------------------------------------

    def upsert_many(self, articles: Iterable[Article]) -> UpsertResult:
        """Store many articles in one transaction (guids minted), all or nothing.

        Each is new, updated, unchanged or skipped, as in `StoreTransaction.upsert_many`.
        Raises GuidConflict, InvalidArticle (times the clock refuses too) or StoreError and
        then writes nothing.
        """

        def checked(article: Article, now: datetime) -> Article:
            self.check_times(article, now)
            self.check(article)
            return self.minter(article)

        with self._transaction() as tx:
            now = self.clock()  # under the write lock: see `apply`
            result = tx.upsert_many((checked(article, now) for article in articles), now=now)
        self._announce_import(result)
        return result

    def prepare(self, article: Article) -> PreparedArticle:
        """The rows `BulkWrite.write` takes for `article`, its guid minted when missing;
        InvalidArticle when one of the site's `checks` refuses it."""
        self.check(article)
        return prepare_article(self.minter(article), self.store.backend)

    @contextmanager
    def bulk(self) -> Iterator[BulkWrite]:
        """One all-or-nothing bulk write (an import of one file), announced once committed.

        Write batches of `prepare`d articles through the yielded BulkWrite; call its
        `rollback()` to discard everything (nothing is announced then). An exception leaving
        the block rolls back too.
        """
        with self._transaction() as tx:
            writer = BulkWrite(tx, self)
            yield writer
        if not writer.rolled_back:
            self._announce_import(writer.result)

    # -- edits with an audit trail (the publishing API) -----------------------------------------

    def apply(self, edits: Sequence[Edit], *, actor: str) -> list[WriteResult]:
        """Make `edits` in one transaction, all or none, each recorded in the audit trail.

        A built version that equals the stored one but for an `updated` that is not newer is
        `unchanged` and not written. A changed version must have a newer `updated`
        (InvalidArticle otherwise). New articles get a guid minted; a stored guid is kept.
        Each edit names a different article (ValueError otherwise). New and replaced articles
        are written in one upsert each, so a batch costs about one statement per chunk, not
        per article. Each written change adds an `articles.audit` row (time, `actor`, id,
        action, the fields that changed) in the same transaction; after the commit one
        `Change` per action is announced. Raises what a `build` raises, ArticleNotFound
        (deleting nothing), GuidConflict, InvalidArticle or StoreError, and then nothing is
        written. Results come in the order of `edits`.
        """
        ids = [edit.article_id for edit in edits]
        if len(set(ids)) != len(ids):
            raise ValueError("apply: each edit must name a different article")
        results: dict[str, WriteResult] = {}
        entries: list[AuditEntry] = []
        with self._transaction() as tx:
            # The time of the write, read once the write lock is held: every write committed
            # before is older, and a reader that fetched a document before this write
            # committed did so before this time (or while it was being written), so the
            # documents' dates move past what that reader was told. Read before the lock (at
            # a request's arrival, say), two writes in flight together shared one stamp and
            # the later commit dated its changes before a fetch that had not seen them: a
            # 304 to If-Modified-Since for a changed document.
            now = self.clock()
            # action -> (stored before, new version) of the articles to write
            writes: dict[AuditAction, list[tuple[Article | None, Article]]] = {}
            for edit in edits:
                current = tx.get(edit.article_id)
                new = edit.build(
                    current, now, functools.partial(tx.stamp, now, lead=self.stamp_lead)
                )
                where = f"article {edit.article_id!r}"
                if new is None:
                    if current is None:
                        raise ArticleNotFound(edit.article_id)
                    facets = tx.delete(edit.article_id, now=now)
                    entries.append(AuditEntry(now, actor, edit.article_id, "delete"))
                    results[edit.article_id] = WriteResult(edit.article_id, "deleted", None, facets)
                    continue
                if new.id != edit.article_id:
                    raise InvalidArticle(where, "id", "an article's id never changes")
                self.check(new, where)
                if current is not None and new.updated <= current.updated:
                    if not same_content(new, current):
                        raise InvalidArticle(where, "updated", _not_newer(new, current))
                    results[new.id] = WriteResult(new.id, "unchanged", current, reason="no change")
                    continue
                if current is None:
                    new = self.minter(new)
                else:
                    new = dataclasses.replace(new, guid=current.guid)
                self.check_times(new, now)
                action: AuditAction = "create" if current is None else edit.action
                writes.setdefault(action, []).append((current, new))
            for action, pairs in writes.items():
                written = tx.upsert_many([new for _, new in pairs], now=now)
                for current, new in pairs:
                    stored = tx.get(new.id)  # as stored: the slug registry may have its say
                    fields = audit.changed_fields(current, stored)
                    entries.append(AuditEntry(now, actor, new.id, action, fields))
                    outcome: Outcome = "created" if current is None else "updated"
                    # The facets of the whole upsert: announcements go per action anyway.
                    results[new.id] = WriteResult(new.id, outcome, stored, written.affected)
            audit.record(tx.connection, entries)
        ordered = [results[article_id] for article_id in ids]
        self._announce_edits(entries, ordered)
        return ordered

    def _transaction(self) -> AbstractContextManager[StoreTransaction]:
        """A store transaction on the service's clock that knows its tag authority (a new
        article may not take the guid minted for another id: `Store.transaction`)."""
        return self.store.transaction(
            self.clock, tag_authority=self.tag_authority, stamp_lead=self.stamp_lead
        )

    @contextmanager
    def _told_when_deleted(self) -> Iterator[None]:
        """An ArticleNotFound raised inside (a write that found no article) becomes
        ArticleDeleted when the id was deleted, looked up once the transaction has ended."""
        try:
            yield
        except ArticleNotFound as exc:
            if type(exc) is not ArticleNotFound:
                raise
            raise self.missing(exc.article_id) from None

    def _audit(
        self,
        tx: StoreTransaction,
        actor: str,
        action: AuditAction,
        article_id: str,
        before: Article | None,
        after: Article | None,
    ) -> None:
        fields = audit.changed_fields(before, after)
        audit.record(tx.connection, [AuditEntry(self.clock(), actor, article_id, action, fields)])

    def _announce_edits(self, entries: list[AuditEntry], results: list[WriteResult]) -> None:
        touched = {result.article_id: result.facets for result in results}
        by_action: dict[AuditAction, list[str]] = {}
        for entry in entries:
            by_action.setdefault(entry.action, []).append(entry.article_id)
        for action, ids in by_action.items():
            facets = frozenset().union(*(touched[article_id] for article_id in ids))
            if facets:
                self.listeners.announce(Change(action, tuple(ids), facets, self.clock()))

    # -- rules ----------------------------------------------------------------------------------

    def time_problem(
        self,
        article_id: str,
        *,
        status: str,
        published: datetime,
        updated: datetime,
        embargoed: datetime | None,
        now: datetime | None = None,
        where: str = "",
    ) -> InvalidArticle | None:
        """Why a version with these times cannot be written now (`articles.clock`), or None."""
        return time_problem(
            article_id,
            status=status,
            published=published,
            updated=updated,
            embargoed=embargoed,
            now=now or self.clock(),
            max_skew=self.max_clock_skew,
            where=where,
        )

    def check_times(self, article: Article, now: datetime | None = None) -> None:
        """Raise InvalidArticle when the clock refuses the article's times (see above)."""
        problem = self.time_problem(
            article.id,
            status=article.status,
            published=article.published,
            updated=article.updated,
            embargoed=article.embargoed,
            now=now,
        )
        if problem is not None:
            raise problem

    # -- internals ----------------------------------------------------------------------------

    def _announce_import(self, result: UpsertResult) -> None:
        if result.affected:
            self.listeners.announce(
                Change("import", (), result.affected, self.clock(), result.new + result.updated)
            )

    def _done(
        self,
        action: Action,
        article_id: str,
        outcome: Outcome,
        article: Article | None,
        facets: frozenset[Facet],
    ) -> WriteResult:
        if facets:
            self.listeners.announce(Change(action, (article_id,), facets, self.clock()))
        return WriteResult(article_id, outcome, article, facets)


class BulkWrite:
    """Batches written inside one transaction by `ArticleService.bulk()`; totals in `result`.

    The time of the write (`now`) is the service's clock when the bulk write began.
    """

    def __init__(self, tx: StoreTransaction, service: ArticleService) -> None:
        self._tx = tx
        self._service = service
        self.now = service.clock()
        self.result = UpsertResult()

    @property
    def rolled_back(self) -> bool:
        return self._tx.rolled_back

    @property
    def committed(self) -> bool:
        """Whether the transaction has committed (its rows are in the store)."""
        return self._tx.committed

    def conflicts(self, batch: Sequence[PreparedArticle]) -> dict[int, GuidConflict]:
        """The records of `batch` whose guid another article has, by position (see
        `StoreTransaction.guid_conflicts`), so a caller that skips bad records can drop them."""
        return self._tx.guid_conflicts(batch)

    def time_problem(self, article: PreparedArticle, where: str = "") -> InvalidArticle | None:
        """Why the clock refuses this record's times at this write's `now`, or None."""
        return prepared_time_problem(self._service, article, self.now, where)

    def write(self, batch: Sequence[PreparedArticle]) -> UpsertResult:
        """Upsert a batch; raises GuidConflict or InvalidArticle (then roll back).

        `UpsertResult.older` gives the positions in `batch` of records older than the stored
        version (skipped).
        """
        for article in batch:
            problem = self.time_problem(article)
            if problem is not None:
                raise problem
        result = self._tx.upsert_prepared(batch, now=self.now)
        self.result += result
        return result

    def rollback(self) -> None:
        """Discard everything written in this bulk write; later writes raise RuntimeError."""
        self._tx.rollback()
        self.result = UpsertResult()


def same_content(new: Article, stored: Article) -> bool:
    """Whether storing `new` would change nothing in `stored` but its `updated` and guid.

    Tag and author slugs are left out: the store's slug registry gives them (a label keeps
    the slug it was first given, whatever slug a later record proposes for it); so are the
    section's and source's when `new` leaves them to be derived (`Article.derived_slugs`).
    """
    derived = new.derived_slugs
    return _slugless(
        dataclasses.replace(new, updated=stored.updated, guid=stored.guid), derived
    ) == _slugless(stored, derived)


def _slugless(article: Article, derived: frozenset[str] = frozenset()) -> Article:
    section, source = article.section, article.source
    return dataclasses.replace(
        article,
        tags=tuple(dataclasses.replace(t, slug="") for t in article.tags),
        authors=tuple(dataclasses.replace(a, slug="") for a in article.authors),
        section=dataclasses.replace(section, slug="")
        if section and "section" in derived
        else section,
        source=dataclasses.replace(source, slug="") if source and "source" in derived else source,
    )


def _check_version(current: Article, if_updated: datetime | None) -> None:
    if if_updated is not None and if_updated != current.updated:
        raise StaleArticle(current.id, if_updated.isoformat(), current.updated.isoformat())


def _not_newer(article: Article, current: Article) -> str:
    return (
        f"updated {article.updated.isoformat()} is not later than the stored "
        f"{current.updated.isoformat()}"
    )


def prepared_time_problem(
    service: ArticleService, article: PreparedArticle, now: datetime, where: str = ""
) -> InvalidArticle | None:
    """Why the clock refuses a prepared record's times at `now` (`articles.clock`), or None.

    The message gives the times as the record wrote them (its own offsets).
    """
    times = (article.published, article.updated, article.embargoed)
    if (
        service.time_problem(
            article.id,
            status=article.status,
            published=times[0],
            updated=times[1],
            embargoed=times[2],
            now=now,
        )
        is None
    ):
        return None
    written = article_from_dict(load_document(article.row["doc"]))
    return service.time_problem(
        article.id,
        status=article.status,
        published=written.published,
        updated=written.updated,
        embargoed=written.embargoed,
        now=now,
        where=where,
    )
