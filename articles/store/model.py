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


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """One UTC month ("2025-07") with visible articles: how many, and the newest `updated`."""

    month: str
    count: int
    updated: datetime


@dataclass(frozen=True, slots=True)
class TranslationLink:
    """A visible other-language version of an article: named by its record, or naming it.

    `url` is the version's canonical URL as stored (None: its page on this site).
    """

    article_id: str
    other_id: str
    language: str
    url: str | None
    updated: datetime
