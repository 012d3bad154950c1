"""The store's value types: what its queries return and what its writes report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from articles.store.facets import Facet


@dataclass(frozen=True, slots=True)
class EntryKey:
    """What a feed page needs to compute its ETag and paging without loading documents."""

    id: str
    guid: str
    published: datetime
    updated: datetime


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """Counts per incoming record, and the feeds readers see change (for WebSub pings).

    `unchanged` counts records equal to the stored version (same `updated`, same content);
    `skipped` those older than the stored version, and `older` their positions in the input
    of the one call that returned this result (a sum of results keeps the counts only).
    `affected` holds the feeds whose visible content changed at the time of the write: a
    version that is under embargo, a draft or withheld touches none until it is visible.
    `overruled` holds, of those older records, the ones whose status differs from the stored
    version's: (position, the stored version's `updated`, its status). Such a record asked
    for a status (a takedown, a republication) that was not applied. `older_than` gives, in
    the order of `older`, the stored version's `updated` each was older than.
    """

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    affected: frozenset[Facet] = field(default_factory=frozenset)
    skipped: int = 0
    older: tuple[int, ...] = ()
    overruled: tuple[tuple[int, datetime, str], ...] = ()
    older_than: tuple[datetime, ...] = ()

    def __add__(self, other: UpsertResult) -> UpsertResult:
        return UpsertResult(
            self.new + other.new,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.affected | other.affected,
            self.skipped + other.skipped,
        )


@dataclass(frozen=True, slots=True)
class GuidHolders:
    """Who has a guid: the stored article whose guid it is, and the deleted article whose
    guid it was (`retired_guids`: kept for good, even once that id is published again) with
    the time of that deletion; either may be None. Two different ids only in data written
    before a deleted article's guid was refused to others.
    """

    stored: str | None = None
    retired: str | None = None
    retired_at: datetime | None = None

    def other_than(self, article_id: str) -> str | None:
        """The id of an article other than `article_id` that has (or had) the guid, if any:
        the stored one first."""
        for holder in (self.stored, self.retired):
            if holder is not None and holder != article_id:
                return holder
        return None


@dataclass(frozen=True, slots=True)
class Tombstone:
    """An entry that left a feed while readers could have seen it (RFC 6721 deleted-entry).

    `guid` is the entry's id as feeds published it; `when` the time it was removed (aware
    UTC); `reason` is "deleted" or "withdrawn" (status changed, or put back under embargo).
    """

    guid: str
    when: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class FacetInfo:
    """A feed that has visible articles: its label (from the newest article), size and age."""

    facet: Facet
    label: str
    count: int
    latest: datetime


@dataclass(frozen=True, slots=True)
class PageRow:
    """What a sitemap lists of one visible article, read from narrow columns (no document).

    `url` is the newsroom's canonical URL, or None when the article lives only on this site.
    """

    id: str
    url: str | None
    title: str
    language: str
    published: datetime
    updated: datetime

    @property
    def modified(self) -> datetime:
        """When the article last changed as readers see it: `updated`, or `published` when
        that is later (an embargo that lifted after the last write: the article was not
        there to read before), as every feed format writes its entry's date."""
        return self.published if self.published > self.updated else self.updated


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """One UTC month ("2025-07") with visible articles: how many, and the newest change of
    one as readers see it (`PageRow.modified`: `updated`, or `published` when later)."""

    month: str
    count: int
    updated: datetime


@dataclass(frozen=True, slots=True)
class TranslationLink:
    """A visible other-language version of an article: named by its record, or naming it.

    `url` is the version's canonical URL as stored (None: its page on this site);
    `updated` and `published` the version's own: the link appeared at the later of the two at
    the latest (an embargo ending makes it appear with no write; a write that adds, removes
    or changes a link is recorded apart: `facet_changes`, `article_page_changes`).
    """

    article_id: str
    other_id: str
    language: str
    url: str | None
    updated: datetime
    published: datetime

    @property
    def since(self) -> datetime:
        """The latest time the link itself can have changed without a write."""
        return max(self.updated, self.published)
