"""`StoreReads`: the read methods of `Store` (`articles.store.core`), one connection each.

A mixin: the admin reads (one article, the listing, the count), the change log a follow run
watches (change sequence, changed feeds and articles), deletions and tombstones, the feed
queries by Facet (podcast shows through `articles.store.episodes`), months, page rows,
translation links and the slug registry's labels. Each opens a pooled reading connection
with `_connect()` and hands it to `articles.store.read` (the feed queries) or `tombstones`,
`page_reads`, `translations`, `article_reads` (or `episodes`, `linked`, `slugs`, `guids`);
`Store` supplies `_connect` (readiness, SQLAlchemy errors -> StoreError), `backend` and the
configured podcast shows. Times are aware UTC; months are "YYYY-MM" UTC months.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.model import Article
from articles.store import (
    article_reads,
    episodes,
    linked,
    page_reads,
    read,
    slugs,
    tombstones,
    translations,
)
from articles.store.facets import SELECTED_KINDS, SLUGGED_KINDS, Episodes, Facet
from articles.store.guids import guid_holders
from articles.store.model import (
    EntryKey,
    FacetInfo,
    GuidHolders,
    MonthSummary,
    PageRow,
    Tombstone,
    TranslationLink,
)
from articles.store.rows import utc
from articles.store.schema import (
    article_change_log_table,
    articles_table,
    change_sequence_table,
    facet_changes_table,
)


class StoreReads:
    """The reads of `Store`; its subclass `Store` supplies what they need (below)."""

    backend: str  # "sqlite" or "postgresql"
    _shows: dict[str, tuple[Episodes, str]]  # the configured podcast shows, by slug

    def _connect(self) -> AbstractContextManager[Connection]:
        """A pooled connection for reading (`Store._connect`)."""
        raise NotImplementedError

    # -- reading: admin -----------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, whatever its status, or None."""
        with self._connect() as conn:
            return article_reads.get(conn, article_id)

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
            keys = article_reads.list_keys(
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
            return article_reads.fetch(conn, [article_id for _, article_id in keys[offset:wanted]])

    def count(self) -> int:
        """How many articles are stored, in any state."""
        with self._connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(articles_table)).scalar_one()

    def tombstones(self) -> list[tuple[str, str, datetime]]:
        """(id, guid, deleted_at) of deleted articles, most recent deletion first."""
        with self._connect() as conn:
            return article_reads.deletions(conn)

    def gone_article_ids(self) -> list[str]:
        """Ids whose article page may be answered 410 Gone, sorted: every deleted article,
        and every one stored again since its deletion while readers cannot see it yet; ask
        `public_deletion` for each (a draft deleted was never public: a 404)."""
        with self._connect() as conn:
            return article_reads.gone_ids(conn)

    def feed_tombstones(
        self, facet: Facet, *, now: datetime, since: datetime, month: str | None = None
    ) -> list[Tombstone]:
        """The feed's RFC 6721 tombstones removed in (since, now], newest first.

        Only entries readers could have seen and that are not visible at `now`; `month`
        ("2025-07") keeps those of entries published in that UTC month (its archive).
        """
        bounds = None if month is None else read.month_bounds(month)
        with self._connect() as conn:
            return tombstones.tombstones(conn, facet, now, since, bounds)

    def last_removal(
        self, facet: Facet, *, now: datetime, month: str | None = None
    ) -> datetime | None:
        """When (aware UTC, not after `now`) the feed last lost an entry readers could see, by
        deletion, withdrawal or a renewed embargo; of an entry published in `month` ("2025-07")
        when given. None when it never did. Not bounded by the tombstone period: the record
        is kept until the entry is stored visible again."""
        bounds = None if month is None else read.month_bounds(month)
        with self._connect() as conn:
            return tombstones.last_removal(conn, facet, now, bounds)

    def removals_by_month(self, facet: Facet, *, now: datetime) -> dict[str, datetime]:
        """{UTC month ("2025-07"): when the feed last lost an entry published in it} for every
        month in which it lost one readers could see (deleted, withdrawn, embargoed again),
        not after `now`, however long ago: the record is kept until the entry is stored
        visible again."""
        with self._connect() as conn:
            return tombstones.removals_by_month(conn, facet, now)

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
            return tombstones.tombstone_ends(conn, facet, now, since, bounds)

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
            return tombstones.tombstone_months(conn, facet, now, since)

    def tombstoned_feeds(self, *, now: datetime, since: datetime) -> list[Facet]:
        """The feeds that recorded a tombstone removed in (since, now], by (kind, value)."""
        with self._connect() as conn:
            return tombstones.tombstoned_feeds(conn, now, since)

    def next_tombstone_end(self, *, now: datetime, period: timedelta) -> datetime | None:
        """The earliest moment after `now` at which a tombstone kept for `period` drops out of
        its feed's documents (its removal plus `period`; aware UTC), or None when none will.
        Nothing is written then: a follow run wakes for it (`feeds.export.schedule`)."""
        with self._connect() as conn:
            removed = tombstones.next_removal(conn, now - period)
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
                return tombstones.last_change(conn, facet, now, period)
            selection = self._selection(facet)
            if selection is None:
                return None
            found = [tombstones.last_change(conn, f, now, period) for f in selection.facets()]
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
            found = page_reads.month_changes(conn, months)
        return {month: min(when, now) for month, when in found.items()}

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

    def tombstone(self, article_id: str) -> tuple[str, datetime] | None:
        """(guid, deleted_at) of the deleted article `article_id`, or None if it was not."""
        with self._connect() as conn:
            return article_reads.tombstone(conn, article_id)

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
                found.update(page_reads.page_changes(conn, ordered[start : start + 500]))
        return found

    def public_deletion(self, article_id: str) -> datetime | None:
        """When the article `article_id` was deleted (aware UTC), if it was public then.

        None when no article with this id was deleted, or when it was a draft, withheld or
        still under embargo at its deletion: readers never saw those, so nothing may tell
        them that the id existed.
        """
        with self._connect() as conn:
            return article_reads.public_deletion(conn, article_id)

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
            return article_reads.fetch(conn, ids)

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
            return page_reads.page_rows(
                conn, now, since=since, before=before, limit=limit, offset=offset
            )

    def translation_links(self, ids: Sequence[str], *, now: datetime) -> list[TranslationLink]:
        """The visible other-language versions of each of these articles, both those its
        record names and those whose records name it (two indexed lookups, no documents)."""
        with self._connect() as conn:
            return translations.translation_links(conn, ids, now)

    def next_linked_appearance(self, ids: Sequence[str], *, now: datetime) -> datetime | None:
        """The earliest time after `now` an embargoed other-language version of one of these
        articles appears (their links then change with no write), or None (one indexed
        lookup, no documents)."""
        with self._connect() as conn:
            return translations.next_linked_appearance(conn, ids, now)

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
            return page_reads.month_summaries(conn, now, month)

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

    # -- podcast shows ------------------------------------------------------------------------

    def _selection(self, facet: Facet) -> Episodes | None:
        show = self._shows.get(facet.value)
        return None if show is None else show[0]
