"""The format-neutral feed's values: a Feed of Entries and their parts (frozen dataclasses),
with the rules of the dates they show.

`feeds.model.build_feed` makes them from articles (`feeds.entry_build` each Entry); the
writers in `feeds.writers` spell them in Atom, RSS or JSON Feed. Every text value here is
already free of characters XML 1.0 forbids, so a writer can serialize whatever it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, overload

from articles.model import Episode

Format = Literal["atom", "rss", "json"]

# The feed's `updated` when it has no entries: a fixed instant, so an empty feed's bytes (and
# ETag) never change by themselves. Callers may pass their own (`empty_updated=`).
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)


def entry_updated(published: datetime, updated: datetime) -> datetime:
    """The `updated` an entry shows (aware): the record's, but never before its `published`.

    An entry is never "updated" before it was published; a record that says so is read as
    updated at publication, so no format shows an impossible order. (`max`, with one
    comparison: two aware datetimes in distinct zone objects compare through both offsets.)
    The one rule for `build_feed` and for the ETags computed without building (`feeds.etag`).
    """
    return published if published > updated else updated


@overload
def feed_updated(
    entry_times: Iterable[datetime], removal_times: Iterable[datetime], empty: datetime
) -> datetime: ...
@overload
def feed_updated(
    entry_times: Iterable[datetime], removal_times: Iterable[datetime], empty: None
) -> datetime | None: ...
def feed_updated(
    entry_times: Iterable[datetime], removal_times: Iterable[datetime], empty: datetime | None
) -> datetime | None:
    """The `updated` a feed document shows: the newest of its entries' `entry_updated` times
    and its tombstones' times (a removal changes the feed, RFC 6721), else `empty`."""
    return max((*entry_times, *removal_times), default=empty)


@dataclass(frozen=True, slots=True)
class DocumentLinks:
    """The links of one rendered document: itself and its RFC 5005 neighbours (absolute URLs).

    `first`/`next`/`previous`/`last` page a current feed; `current`, `prev_archive` and
    `next_archive` link an archive document to the live feed and the neighbouring archives.
    """

    self: str
    first: str | None = None
    next: str | None = None
    previous: str | None = None
    last: str | None = None
    current: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None

    def paging(self) -> list[tuple[str, str]]:
        """The (IANA relation, URL) pairs that are set, `self` excluded, in a fixed order."""
        pairs = [
            ("first", self.first),
            ("previous", self.previous),
            ("next", self.next),
            ("last", self.last),
            ("current", self.current),
            ("prev-archive", self.prev_archive),
            ("next-archive", self.next_archive),
        ]
        return [(rel, url) for rel, url in pairs if url]


@dataclass(frozen=True)
class FeedLinks:
    """Every URL a feed document points at, built by the HTTP layer from the public base URL.

    `documents` maps each format ("atom", "rss", "json") to that document's own links: each
    format's `self` is the URL of that format. `html` is the page a browser shows for the same
    feed, `hub` the WebSub hub, `stylesheet` an XSL stylesheet for Atom and RSS. `archive` marks
    an immutable RFC 5005 archive document (`fh:archive`); `complete` adds `fh:complete` to an
    archive that holds every entry of its feed (its only month, so it has no neighbours to link).
    """

    html: str
    documents: Mapping[str, DocumentLinks]
    hub: str | None = None
    stylesheet: str | None = None
    archive: bool = False
    complete: bool = False

    def for_format(self, fmt: str) -> DocumentLinks:
        """The links of the `fmt` document; a missing format is a bug in the caller."""
        try:
            return self.documents[fmt]
        except KeyError:
            raise ValueError(f"FeedLinks.documents: no links for format {fmt!r}") from None


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    uri: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Category:
    """A section or tag: `term` is the slug, `label` what readers show, `scheme` its URL space."""

    term: str
    label: str
    scheme: str


@dataclass(frozen=True, slots=True)
class RelatedLink:
    url: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A downloadable attachment; `length` in bytes (0 when unknown, never None). An entry's
    enclosures have its primary medium first (`articles.model.primary_first`)."""

    url: str
    length: int
    type: str
    title: str = ""
    duration: int | None = None


@dataclass(frozen=True, slots=True)
class LeadImage:
    url: str
    alt: str = ""
    caption: str = ""
    width: int | None = None
    height: int | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Alternate:
    """The same story in another language (a translation the store holds, visible now):
    its BCP 47 language and canonical URL."""

    language: str
    url: str


@dataclass(frozen=True, slots=True)
class Credit:
    """The source credit (`출처:AA`); `url` only when the source has one."""

    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed, in the terms all three formats share."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    language: str
    summary: str  # plain text, may be empty
    content_html: str  # full body, absolute URLs, lead image figure first
    excerpt: str  # plain text: the summary, or the body's opening words when it is empty
    authors: tuple[Person, ...]
    categories: tuple[Category, ...] = ()
    related: tuple[RelatedLink, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()
    image: LeadImage | None = None
    source: Credit | None = None
    rights: str | None = None
    reading_time: int = 1
    article_id: str = ""
    alternates: tuple[Alternate, ...] = ()  # other language versions (translations)
    episode: Episode | None = None  # a podcast episode's numbers, type, transcript, chapters
    # Whether `authors` are the record's own byline; False when the record names nobody and
    # `authors` holds the feed's author in its place (formats that need an author get one, but
    # nothing may present it as a person of the story, e.g. podcast:person).
    bylined: bool = True


@dataclass(frozen=True, slots=True)
class DeletedEntry:
    """An entry readers may hold that was deleted or withdrawn (RFC 6721 at:deleted-entry):
    `ref` is its id exactly as feeds published it, `when` the time it was removed."""

    ref: str
    when: datetime


@dataclass(frozen=True)
class Feed:
    """One feed document's content, whatever the format it is rendered in.

    `deleted` lists the entries it tells readers to remove (newest first); only Atom has a
    standard for them (RFC 6721), see `feeds.writers.tombstones`.
    """

    id: str
    title: str
    subtitle: str
    language: str
    updated: datetime
    links: FeedLinks
    author: Person
    entries: tuple[Entry, ...]
    icon: str | None = None
    logo: str | None = None
    rights: str | None = None
    generator: str = "newsroom-feeds"
    # The subtitle's language when it is not the feed's (the site's description on a feed in
    # another language); "" means the feed's. Atom marks it with xml:lang; formats that cannot
    # mark it leave the subtitle out (JSON Feed) or use the title (RSS).
    subtitle_language: str = ""
    deleted: tuple[DeletedEntry, ...] = ()

    @property
    def subtitle_in_feed_language(self) -> str:
        """The subtitle when it is in the feed's language, else ""."""
        if self.subtitle_language and not same_language(self.subtitle_language, self.language):
            return ""
        return self.subtitle

    @property
    def description(self) -> str:
        """The RSS channel description, which must not be empty: the subtitle when it is in the
        feed's language, else the title."""
        return self.subtitle_in_feed_language or self.title


def same_language(one: str, other: str) -> bool:
    return one.lower() == other.lower()
