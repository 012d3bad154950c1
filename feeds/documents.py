"""The query step: what one feed document holds at a given time, from the store alone.

`Documents(store, config).describe(query, now)` takes a validated `FeedQuery` (from
`feeds.query`) and an aware `now`, and returns a frozen `Document`: the entry keys of the page
or archive month (newest first), the paging state, the archive months it links, and the inputs
of its cache policy (seconds until the next embargo lifts, whether an archive month is
settled). It reads a few indexed rows (no article bodies) and needs no request, so the HTTP
layer, a static export and a sitemap build the same documents. Visibility is that of `now`
(see ARCHITECTURE.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from dateutil.relativedelta import relativedelta

from articles.errors import InvalidValue
from articles.store import EntryKey, Facet, Store, Tombstone, TranslationLink, month_bounds
from feeds.config import SiteConfig
from feeds.etag import DocumentVersion, settled_last_modified
from feeds.query import PAGE_CAP, FeedQuery, QueryError
from feeds.urls import FEEDS_PREFIX, INDEX_PATH, feed_path, feed_stem, paged_path

# How long after a month ends its archive may still change (late corrections), before it is
# final and may be served as immutable.
ARCHIVE_SETTLE = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Document:
    """One feed document's state: enough for its ETag, its links and its cache policy.

    `keys` are the entries' keys, newest first. `total` is the number of visible entries of
    the feed (of the month, for an archive) and `last_page` its last page (1 for an archive).
    `newest_month` ("2025-07", page 1 of a live feed only) is the archive month its
    `prev-archive` links to; `prev_month` and `next_month` are an archive's nearest older and
    newer months with entries. `settled` is true for an archive whose month is final (it may
    be cached as immutable); `until_change` is the seconds until the next embargoed article
    becomes visible in this feed (None when none is waiting, or the document is settled): no
    copy of the document may be kept past it. `tombstones` are the RFC 6721 deleted entries
    it carries (entries readers could have seen that left the feed, or this month of it,
    within the tombstone period), newest first. `modified` is its Last-Modified: the latest
    change of what it shows (its entries' times, entries appearing, writes that added,
    corrected, withdrew or deleted one or changed the other-language versions they link,
    linked versions appearing when their embargo ends, tombstones expiring, and the settings
    and code that shape it coming into use: `feeds.etag.DocumentVersion`), in whole seconds,
    and None while that change is in `now`'s second or later
    (`feeds.etag.settled_last_modified`).
    `empty_updated` is, for a document without entries (the "all" feed of an empty store),
    the time it last changed: the latest deletion or schema set-up recorded in the database
    (None when neither is). `has_page` is whether the facet's HTML page exists, which every
    document of the feed links as its `alternate` (`facet_page_exists`): not when no article
    of the facet is visible any more (the feed and its archives are served with their
    tombstones while that page answers 404 or 410); they link the front page instead.
    """

    query: FeedQuery
    keys: Sequence[EntryKey]
    total: int
    last_page: int
    newest_month: str | None = None
    prev_month: str | None = None
    next_month: str | None = None
    settled: bool = False
    until_change: float | None = None
    # The entries' visible other-language versions (store.translation_links): linked by the
    # document, so part of its ETag.
    translations: tuple[TranslationLink, ...] = ()
    empty_updated: datetime | None = None
    tombstones: tuple[Tombstone, ...] = ()
    modified: datetime | None = None
    has_page: bool = True

    @property
    def is_archive(self) -> bool:
        return self.query.month is not None

    @property
    def is_complete(self) -> bool:
        """An archive with no neighbours holds every entry of its feed (RFC 5005 fh:complete)."""
        return self.is_archive and self.prev_month is None and self.next_month is None

    @property
    def archive_links(self) -> tuple[str | None, str | None, str | None]:
        """The archive months the document links: (newest, prev, next)."""
        return (self.newest_month, self.prev_month, self.next_month)


class Documents:
    """Builds Document states from the store, for the site's settings (zone, default limit).

    `describe(query, now, site=...)`: `site` is the public base URL that error messages name
    links under ("" writes them root-relative).
    """

    def __init__(
        self, store: Store, config: SiteConfig, version: DocumentVersion | None = None
    ) -> None:
        self.store = store
        # When the settings and code that shape the documents came into use: every document
        # changed then, whatever its entries say.
        self.version = version or DocumentVersion(store, config)
        self.zone = config.zone
        self.feed_limits = config.feed_limits
        self.tombstone_period = timedelta(days=config.tombstone_days)

    def describe(self, query: FeedQuery, now: datetime, *, site: str = "") -> Document:
        """The state of the document `query` names at `now`.

        Raises QueryError(404) when there is no such document: a facet with nothing visible, a
        page past the end, a month without entries. The "all" feed and each configured podcast
        show exist even when empty (`Store.is_configured`); another feed (or month archive)
        whose entries were all removed exists, empty, while it carries their RFC 6721
        tombstones (`tombstone_days`), and answers 410 Gone after.
        """
        if query.month is not None:
            return self._describe_archive(query, query.month, now, site)
        store = self.store
        total = store.count_visible(query.facet, now=now)
        tombstones = self._tombstones(query.facet, now)
        if total == 0 and not tombstones and not store.is_configured(query.facet):
            raise self._missing(query.facet, now, site)
        last_page = max(1, math.ceil(total / query.limit))
        if query.page > last_page:
            first = site + paged_path(
                feed_path(query.facet, query.fmt or "atom"),
                1,
                query.limit,
                self.feed_limits(query.facet)[0],
            )
            raise QueryError(
                404,
                f"{'that page' if query.page >= PAGE_CAP else f'page {query.page}'} is past "
                f"the end: this feed has {last_page} page(s) of {query.limit}; start at {first}",
            )
        keys = store.page_keys(query.facet, now=now, limit=query.limit, offset=query.offset)
        ended, upcoming = self._tombstone_ends(query.facet, now)
        # prev-archive of the live feed: the archive of the newest entry's month. Archive
        # months are UTC months (the store groups by UTC), and page 1 starts with the newest
        # entry, so this needs no query of its own.
        newest_month = utc_month(keys[0].published) if query.page == 1 and keys else None
        # Entries appear in publish order, so the newest one's arrival moved every page.
        newest = keys[:1] if query.page == 1 else self._newest(query.facet, now)
        translations = _translations(store, keys, now)
        return Document(
            query=query,
            keys=keys,
            total=total,
            last_page=last_page,
            newest_month=newest_month,
            empty_updated=None if keys else _emptied_at(store, query.facet, now),
            translations=translations,
            until_change=_sooner(
                _until_change(store, now, query.facet),
                _seconds_until(upcoming, now),
                _until_linked(store, keys, now),
            ),
            tombstones=tombstones,
            modified=self._modified(
                query.facet, now, keys, newest, tombstones, translations, ended=ended
            ),
            has_page=facet_page_exists(store, query.facet, visible=total > 0),
        )

    def shared_change(
        self, facet: Facet, now: datetime, month: str | None = None
    ) -> datetime | None:
        """The latest change every live page of the feed shows besides its own entries (its
        newest entry, its tombstones, its last change, the documents' version coming into
        use), or with `month` every archive of it that carries the same tombstones. A document's
        `modified` is `feeds.etag.settled_last_modified` of the later of this and its own
        entries' times."""
        newest = () if month is not None else self._newest(facet, now)
        return self._latest(
            facet, now, (), newest, self._tombstones(facet, now, month), month=month
        )

    def listing_change(self, facet: Facet, now: datetime, keys: Sequence[EntryKey]) -> datetime:
        """The latest change of a document that lists the feed's newest entries `keys` (newest
        first, the feed's newest included, or none) with its label and count: an HTML facet
        page, and for "all" the index and the OPML, which list every feed. It is the latest of
        the feed's last write (`facet_changes`; every write readers see moves "all", so that
        one dates every feed's list), its entries' times (`published` dates an embargo
        lifting, which is no write) and the settings and code coming into use. No
        tombstone's end: these documents show none. Not settled (see
        `feeds.etag.settled_last_modified`)."""
        moments = [max(k.updated, k.published) for k in keys]
        changed = self.store.last_change(facet, now=now, period=None)
        if changed is not None:
            moments.append(changed)
        moments.append(self.version.since(now))
        return max(moments)

    def _tombstones(
        self, facet: Facet, now: datetime, month: str | None = None
    ) -> tuple[Tombstone, ...]:
        if not self.tombstone_period:
            return ()
        since = now - self.tombstone_period
        return tuple(self.store.feed_tombstones(facet, now=now, since=since, month=month))

    def _newest(self, facet: Facet, now: datetime) -> Sequence[EntryKey]:
        return self.store.page_keys(facet, now=now, limit=1)

    def _modified(
        self,
        facet: Facet,
        now: datetime,
        keys: Sequence[EntryKey],
        newest: Sequence[EntryKey],
        tombstones: Sequence[Tombstone],
        translations: Sequence[TranslationLink] = (),
        *,
        month: str | None = None,
        ended: datetime | None = None,
    ) -> datetime | None:
        """Last-Modified: see `Document.modified`; whole seconds, UTC. `ended`: the latest
        end of a tombstone's showing (`_tombstone_ends`), as the caller already read it."""
        latest = self._latest(
            facet, now, keys, newest, tombstones, translations, month=month, ended=(ended,)
        )
        return settled_last_modified(latest, now)

    def _latest(
        self,
        facet: Facet,
        now: datetime,
        keys: Sequence[EntryKey],
        newest: Sequence[EntryKey],
        tombstones: Sequence[Tombstone],
        translations: Sequence[TranslationLink] = (),
        *,
        month: str | None = None,
        ended: tuple[datetime | None] | None = None,
    ) -> datetime | None:
        """The latest change of the feed's live document, or of its archive of `month`: its
        entries' times, its tombstones', its links', the feed's last write, the settings and
        code coming into use, and two changes the clock makes with no write (an embargo
        ending): a tombstone no longer shown because its entry is visible again, and, for an
        archive, its `next-archive` month appearing (the first entry after the month)."""
        moments = [max(k.updated, k.published) for k in (*keys, *newest)]
        moments.extend(t.when for t in tombstones)
        # A linked version appearing by the clock (its embargo ending) is no write: the link's
        # own time. Every write that adds, removes or changes a link moves the feed's change
        # time (`last_change`: the store marks the counterparts' feeds, articles.store.linked).
        moments.extend(link.since for link in translations)
        changed = self.store.last_change(facet, now=now, period=self.tombstone_period)
        if changed is not None:
            moments.append(changed)
        # `ended` as the caller read it (one query a document), or read here.
        (last_end,) = ended if ended is not None else self._tombstone_ends(facet, now, month)[:1]
        if last_end is not None:
            moments.append(last_end)
        if month is not None and _has_bounds(month):
            # Its neighbours are links of the archive: the nearest newer month exists since
            # the first entry after this month appeared (a write, or an embargo ending).
            after = self.store.first_published(facet, since=month_bounds(month)[1], now=now)
            if after is not None:
                moments.append(after)
        moments.append(self.version.since(now))
        return max(moments)

    def _tombstone_ends(
        self, facet: Facet, now: datetime, month: str | None = None
    ) -> tuple[datetime | None, datetime | None]:
        """(latest, next) moment a tombstone the document shows stopped or will stop being
        shown, its entry visible again when a renewed embargo ends (of the archive's month,
        for an archive): `Store.tombstone_ends` within the tombstone period."""
        if not self.tombstone_period:
            return None, None
        since = now - self.tombstone_period
        return self.store.tombstone_ends(facet, now=now, since=since, month=month)

    def _describe_archive(self, query: FeedQuery, month: str, now: datetime, site: str) -> Document:
        store = self.store
        months = store.months(query.facet, now=now)
        # A month whose every entry was removed keeps its archive while it carries their
        # tombstones; the archives link only months with entries (a settled archive's links
        # must not change when a tombstone expires).
        tombstones = self._tombstones(query.facet, now, month) if _has_bounds(month) else ()
        if month not in months and not tombstones:
            if (
                not months
                and not store.is_configured(query.facet)
                and not self._tombstones(query.facet, now)
            ):
                # The feed itself is gone; while its live document still carries tombstones,
                # a month it never had is that month's 404 below, as in any feed.
                raise self._missing(query.facet, now, site)
            removed = (
                store.last_removal(query.facet, now=now, month=month)
                if _has_bounds(month)
                else None
            )
            if removed is not None:
                # Its tombstones ended: their period passed, or their entries are visible
                # again, published in another month (a renewed embargo that has ended).
                raise QueryError(
                    410,
                    f"the archive for {month} is gone: every entry it held was removed or "
                    f"moved to another month, the last on {removed.astimezone(UTC):%Y-%m-%d}; "
                    f"the live feed is {site}{feed_path(query.facet, query.fmt or 'atom')}",
                )
            raise QueryError(
                404,
                f"no archive for {month}: nothing in this feed was published that month; "
                f"the live feed is {site}{feed_path(query.facet, query.fmt or 'atom')}",
            )
        older = [m for m in months if m < month]
        newer = [m for m in months if m > month]
        keys = store.month_keys(query.facet, month, now=now)
        translations = _translations(store, keys, now)
        settled = is_settled(month, now, self.zone)
        # An embargo ending changes the archive when its article lands in this month or in a
        # newer one while none has entries (a `next-archive` appears), and when a tombstone
        # it shows is of that article; settled or not, no copy may outlive that moment.
        lifting = _until_change(store, now, query.facet) if not newer else None
        ended, upcoming = self._tombstone_ends(query.facet, now, month)
        # ... and, settled or not, when a version its entries link appears (their hreflang
        # links change then, with no write).
        until = _sooner(lifting, _seconds_until(upcoming, now), _until_linked(store, keys, now))
        return Document(
            query=query,
            keys=keys,
            total=len(keys),
            last_page=1,
            prev_month=older[0] if older else None,
            next_month=newer[-1] if newer else None,
            settled=settled,
            translations=translations,
            until_change=until,
            tombstones=tombstones,
            modified=self._modified(
                query.facet, now, keys, (), tombstones, translations, month=month, ended=ended
            ),
            empty_updated=None if keys else _emptied_at(store, query.facet, now, month),
            # `months` are those with visible entries: none left, the facet's page is gone.
            has_page=facet_page_exists(store, query.facet, visible=bool(months)),
        )

    def archive_months(self, facet: Facet, now: datetime) -> list[str]:
        """The months ("2025-07") whose archive of the feed exists at `now`, newest first:
        those with visible entries, and those whose removed entries' tombstones it carries."""
        months = set(self.store.months(facet, now=now))
        if self.tombstone_period:
            since = now - self.tombstone_period
            months.update(self.store.tombstone_months(facet, now=now, since=since))
        return sorted(months, reverse=True)

    def _missing(self, facet: Facet, now: datetime, site: str) -> QueryError:
        """The error for a feed with nothing to show: 410 when it once showed entries that
        were all removed (and their tombstones have expired), else 404."""
        removed = self.store.last_removal(facet, now=now)
        if removed is None:
            return unknown_facet(facet, site)
        return QueryError(
            410,
            f"the {feed_stem(facet).removeprefix(FEEDS_PREFIX)} feed is gone: every entry of "
            f"it was removed, the last on {removed.astimezone(UTC):%Y-%m-%d}; see "
            f"{site}{INDEX_PATH} for the list of feeds",
        )


def facet_page_exists(store: Store, facet: Facet, *, visible: bool) -> bool:
    """Whether the facet's HTML page (`feeds.urls.facet_page_path`) answers 200, given whether
    any article of the facet is `visible`: the index always, a configured podcast show always
    (`Store.is_configured`), any other facet while it has a visible article (`feeds.pages`
    answers 404 or 410 otherwise). The one rule for the `alternate` link of every document of
    a feed: live, paged or a month's archive, in every format and its preview page."""
    return visible or store.is_configured(facet)


def _has_bounds(month: str) -> bool:
    """Whether the store can bound the month (a syntactically valid "0000-01" cannot)."""
    try:
        month_bounds(month)
    except InvalidValue:
        return False
    return True


def _emptied_at(
    store: Store, facet: Facet, now: datetime, month: str | None = None
) -> datetime | None:
    """When an empty feed last changed: its last entry taken out of it (deleted, withdrawn,
    embargoed again or moved out; of `month`'s archive when given), or the database set up
    (the newest recorded schema upgrade); stable until one of them happens again. Its own
    last removal keeps the date its tombstones gave it once they expire, so the feed's
    `updated` never goes back. Not any deletion on the site: deleting a draft or an embargoed
    story no reader saw would move every empty feed's date, ETag and Last-Modified, telling
    anyone who polls one that something unpublished was deleted, and when."""
    migration = store.last_migration()
    moments = [
        store.last_removal(facet, now=now, month=month),
        migration.applied_at if migration else None,
    ]
    return max((moment for moment in moments if moment is not None), default=None)


def _translations(
    store: Store, keys: Sequence[EntryKey], now: datetime
) -> tuple[TranslationLink, ...]:
    return tuple(store.translation_links([k.id for k in keys], now=now)) if keys else ()


def _until_change(store: Store, now: datetime, facet: Facet) -> float | None:
    """Seconds until the next embargoed article of this feed appears.

    Only the documents an embargoed article will change are capped by its embargo: no other
    feed's headers say that anything is waiting, or when.
    """
    upcoming = store.next_visibility_change(now=now, facet=facet)
    return None if upcoming is None else (upcoming - now).total_seconds()


def _until_linked(store: Store, keys: Sequence[EntryKey], now: datetime) -> float | None:
    """Seconds until an embargoed other-language version of one of the entries appears: the
    entry then links it (`translations`), so the document changes with no write."""
    if not keys:
        return None
    return _seconds_until(store.next_linked_appearance([k.id for k in keys], now=now), now)


def _seconds_until(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else (moment - now).total_seconds()


def _sooner(*seconds: float | None) -> float | None:
    """The soonest of the given times until a change (seconds), or None when none is given."""
    known = [value for value in seconds if value is not None]
    return min(known) if known else None


def unknown_facet(facet: Facet, site: str = "") -> QueryError:
    """The 404 for a facet with nothing visible under it."""
    return QueryError(
        404,
        f"no {feed_stem(facet).removeprefix(FEEDS_PREFIX)} feed: nothing is published under "
        f"it; see {site}{INDEX_PATH} for the list of feeds",
    )


def utc_month(moment: datetime) -> str:
    """The UTC month of an aware datetime, as archives name it: "2025-07"."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def is_settled(month: str, now: datetime, zone: tzinfo) -> bool:
    """Whether a month ("2025-07") ended at least ARCHIVE_SETTLE ago, both in UTC (how the
    store groups archives) and in `zone` (what editors call "last month")."""
    start = datetime.strptime(month, "%Y-%m")
    end = start + relativedelta(months=1)
    month_end = max(end.replace(tzinfo=UTC), end.replace(tzinfo=zone))
    return now >= month_end + ARCHIVE_SETTLE
