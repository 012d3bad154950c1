"""Validators of a feed document computed from the database alone, without rendering it.

The ETag hashes everything the document shows: the settings (config fingerprint), the public
base URL (self and entry links are absolute), the code's output version, the format, the query
(facet, page, limit or archive month), each entry's (id, guid, updated), and the paging state
(total visible count, so the `last` link), archive neighbours (prev/next-archive links) and
the RFC 6721 tombstones it carries (guid, when): a past month that loses an entry gets a new
tag.
An article's `updated` moves whenever its record changes (the store replaces a record only when
`updated` is newer), so equal keys mean equal bytes. Visibility is computed for an explicit
`now`: when an embargoed article becomes visible the page's keys change and so does the ETag.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Final

from werkzeug.http import parse_etags

from articles.errors import StoreFull
from articles.store import EntryKey, Store, Tombstone, TranslationLink
from feeds.config import SiteConfig
from feeds.feed_types import entry_updated
from feeds.feed_types import feed_updated as model_feed_updated
from feeds.http_dates import if_modified_since as modified_since_date
from feeds.http_dates import parse_http_date
from feeds.writers.dates import rfc3339

_ROOT = Path(__file__).resolve().parent.parent
# Everything of ours that can change a document's bytes or headers: both packages' code,
# found by walking them (so a new module, a split module or a new writer is never left out),
# and the templates and static files the pages and the browser view are made of.
CODE_PACKAGES = ("articles", "feeds")
CODE_ASSETS = ("feeds/templates", "feeds/static")


def code_files(root: Path = _ROOT) -> list[Path]:
    """Every `.py` file of the packages below `root` and every file of their assets, sorted."""
    found: set[Path] = set()
    for package in CODE_PACKAGES:
        found.update(p for p in (root / package).rglob("*.py") if "__pycache__" not in p.parts)
    for assets in CODE_ASSETS:
        found.update(p for p in (root / assets).rglob("*") if p.is_file())
    return sorted(found)


def output_version(sources: Iterable[Path], root: Path = _ROOT) -> str:
    """A hash of the code that turns rows into bytes: each file's path (below `root`) and bytes.

    Any change to that code, deployed without a version bump, still gives new tags, so no
    cache keeps old bytes under a tag that now means different ones.
    """
    digest = hashlib.blake2b(digest_size=8)
    for source in sources:
        name = source.relative_to(root).as_posix() if source.is_relative_to(root) else source.name
        digest.update(name.encode() + b"\0")
        digest.update(source.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


OUTPUT_SOURCES = code_files()
OUTPUT_VERSION = output_version(OUTPUT_SOURCES)
try:
    PACKAGE_VERSION = metadata.version("newsroom-feeds")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    PACKAGE_VERSION = "0"

ENCODING_SUFFIX: dict[str, str] = {"gzip": "-gz", "br": "-br"}


def version_fingerprint(config: SiteConfig) -> str:
    """A hash of everything besides the articles that shapes every document's bytes: the code
    (`OUTPUT_VERSION`, `PACKAGE_VERSION`) and the settings (`SiteConfig.fingerprint`), the
    same parts every ETag hashes."""
    parts = (OUTPUT_VERSION, PACKAGE_VERSION, config.fingerprint())
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


log = logging.getLogger(__name__)
# Seconds between tries to record a version while the database's disk is full.
FULL_RETRY_S: Final = 30.0


class DocumentVersion:
    """When the documents' current version (`version_fingerprint`) came into use, as the store
    records it (`Store.adopt_version`): a lower bound of every Last-Modified.

    A new setting (a show's title, the site's title, `site_url`, ...) or a release whose
    writers change the output changes a document's bytes while no article moves; with this
    time in every Last-Modified, a client that validates with `If-Modified-Since` alone gets
    the new bytes. Asked once per process (at start-up, else at the first document), then
    kept: the version cannot change while the process runs.
    """

    def __init__(self, store: Store, config: SiteConfig) -> None:
        self.store = store
        self.fingerprint = version_fingerprint(config)
        self._since: datetime | None = None
        self._lock = threading.Lock()
        self._fallback: datetime | None = None  # while the disk is full (`_adopt`)
        self._retry_at = 0.0

    def since(self, now: datetime) -> datetime:
        """The time (aware UTC) the version came into use; `now` when this process is the
        first to use it after another version."""
        since = self._since
        if since is None:
            with self._lock:
                since = self._since
                if since is None:
                    since = self._adopt(now)
        return since

    def _adopt(self, now: datetime) -> datetime:
        """Record the version, or, while the database's disk is full (a new version's row
        cannot be written), go on with the time of the first try, kept in this process and
        recorded at a later try (every FULL_RETRY_S): reads never fail for want of it, and
        the recorded time is later, so no Last-Modified goes back."""
        if self._fallback is not None and time.monotonic() < self._retry_at:
            return self._fallback
        try:
            since = self._since = self.store.adopt_version(self.fingerprint, now=now)
            return since
        except StoreFull as exc:
            if self._fallback is None:
                log.warning(
                    "the database's disk is full: the documents' version is not recorded "
                    "(%s); serving with %s until it can be",
                    exc.reason,
                    now.isoformat(),
                )
                self._fallback = now
            self._retry_at = time.monotonic() + FULL_RETRY_S
            return self._fallback


# What each format's writer shows of a document besides its head and entries
# (`feeds.writers`). Atom: the RFC 5005 paging and archive links (`last`, `next`,
# `prev-archive`, `next-archive`, `current`, fh:complete), the RFC 6721 tombstones and the
# feed's `updated` (its entries' and tombstones' newest time, or the empty feed's). RSS: the
# same links (as atom:link) and `lastBuildDate`, the same `updated`; no tombstone itself.
# JSON Feed: `next_url` only (no `last`, no archive link, no feed date, no tombstone).
# Anything else (a podcast show's writer, the HTML preview) is hashed with every part.
SHOWS_PAGING_LINKS: Final = frozenset({"atom", "rss"})
SHOWS_TOMBSTONES: Final = frozenset({"atom"})
SHOWS_FEED_UPDATED: Final = frozenset({"atom", "rss"})
PROJECTED_FORMATS: Final = frozenset({"atom", "rss", "json"})


def feed_updated(
    keys: Sequence[EntryKey], tombstones: Sequence[Tombstone], empty_updated: datetime | None
) -> datetime | None:
    """The `updated` a feed document shows (`feeds.model.build_feed`): the newest of its
    entries' times (an entry's `updated`, never before its `published`) and its tombstones'
    `when`, else `empty_updated` (None: the model's fixed instant)."""
    return model_feed_updated(
        (entry_updated(k.published, k.updated) for k in keys),
        (t.when for t in tombstones),
        empty_updated,
    )


def document_etag(
    *,
    fingerprint: str,
    base_url: str,
    fmt: str,
    facet_kind: str,
    facet_value: str,
    page: int,
    limit: int,
    month: str | None,
    keys: Sequence[EntryKey],
    total: int,
    last_page: int,
    archive_links: Sequence[str | None],
    empty_updated: datetime | None = None,
    translations: Iterable[TranslationLink] = (),
    tombstones: Sequence[Tombstone] = (),
    has_page: bool = True,
    every_part: bool = False,
) -> str:
    """The opaque part of the document's strong ETag (no quotes, no encoding suffix).

    It hashes exactly what the `fmt` document shows, so equal bytes give equal tags and
    different bytes different ones (RFC 9110 8.8.3: a strong validator changes with the
    representation's bytes, and only then a poller is sent them again). For "atom", "rss"
    and "json" that is the head (code, settings, base URL and self query, format, facet,
    page, limit, month), the entries' keys and linked versions, the facet page's existence
    (`has_page`: the `alternate` link) and, per format (`SHOWS_*`): the paging state (the
    last page, which the `last` and `next` links name; JSON Feed only whether a `next_url`
    exists) and the archive months linked (`archive_links`: newest, prev, next), the
    tombstones (guid, when), and the feed's `updated` (`feed_updated`: `empty_updated` counts
    only for a document with no entry and no tombstone). The feed's `total` count is shown
    by no feed format: a removal or an addition outside the document that leaves its last
    page where it was changes no byte of it.

    `every_part` (and any other `fmt`, e.g. a podcast show's writer) hashes every part,
    `total` included: for the HTML preview, which shows the count, and for writers whose
    output is not projected here.
    """
    projected = fmt in PROJECTED_FORMATS and not every_part
    parts: list[str] = []
    if not projected:
        parts += [str(total), str(last_page), *(link or "" for link in archive_links)]
        parts.append(empty_updated.isoformat() if empty_updated is not None else "")
    else:
        if fmt in SHOWS_PAGING_LINKS:
            # `last`, `next` (live pages) and the archive months (prev-archive, next-archive,
            # and whether a `current` link is left out: fh:complete).
            live = month is None
            parts += [str(last_page) if live else "", *(link or "" for link in archive_links)]
        elif month is None:  # JSON Feed: `next_url` on a live page before the last
            parts.append("next" if page < last_page else "")
        if fmt in SHOWS_FEED_UPDATED:
            # As written (`feeds.writers.dates`: whole seconds, the value's own offset), so
            # an `updated` that moves only below the second (a deletion's `when` giving way
            # to an entry stamped in that second) changes neither the bytes nor the tag.
            shown = feed_updated(keys, tombstones, empty_updated)
            parts.append(rfc3339(shown) if shown is not None else "")
    h = hashlib.blake2b(digest_size=16)
    head = "\x1f".join(
        (
            OUTPUT_VERSION,
            PACKAGE_VERSION,
            fingerprint,
            base_url,
            fmt,
            facet_kind,
            facet_value,
            str(page),
            str(limit),
            month or "",
            "every" if not projected else "shown",
            *parts,
            "" if has_page else "no-page",
        )
    )
    h.update(head.encode())
    for key in keys:
        h.update(f"\x1e{key.id}\x1f{key.guid}\x1f{key.updated.isoformat()}".encode())
    for link in translations:  # the entries' linked other-language versions
        h.update(
            f"\x1d{link.article_id}\x1f{link.other_id}\x1f{link.language}\x1f{link.url}"
            f"\x1f{link.updated.isoformat()}".encode()
        )
    if not projected or fmt in SHOWS_TOMBSTONES:
        for stone in tombstones:
            h.update(f"\x1d{stone.guid}\x1f{rfc3339(stone.when)}".encode())
    return h.hexdigest()


def quoted(opaque: str, encoding: str | None) -> str:
    """The ETag header value for one representation: a strong tag distinct per encoding."""
    return f'"{opaque}{ENCODING_SUFFIX.get(encoding or "", "")}"'


def settled_last_modified(newest: datetime | None, now: datetime) -> datetime | None:
    """The Last-Modified to send (aware UTC, whole seconds) for a representation whose latest
    change is `newest` (aware), as seen at `now`; None when no date can be promised.

    HTTP dates have whole seconds, and RFC 9110 8.8.2.2 counts a modification date as a
    validator only once it lies at least a second in the past: two changes within one second
    give the same date, so a client that fetched between them and revalidates with
    `If-Modified-Since` alone would get a 304 for a document that changed. So the date is sent
    only when `newest` falls in a whole second before `now`'s; while the latest change is in
    the current second (or later: a date ahead of the clock), none is sent and clients keep
    the ETag, which changes with the bytes. Never later than `now`, never going back for a
    document whose `newest` never goes back.
    """
    if newest is None:
        return None
    second = newest.astimezone(UTC).replace(microsecond=0)
    if second >= now.astimezone(UTC).replace(microsecond=0):
        return None
    return second


def is_fresh(
    if_none_match: str | None,
    if_modified_since: str | None,
    opaque: str,
    modified: datetime | None,
    now: datetime | None = None,
) -> bool:
    """Whether the client's copy of the document is current (the answer is then a 304).

    RFC 9110 13.2.2: If-None-Match decides when present, with the weak comparison GET uses
    (13.1.2: `W/` ignored, lists, `*`), and accepts the tag of any encoding of the document,
    since the content is the same. Otherwise If-Modified-Since, compared with `<=` on whole
    seconds, when it is one valid HTTP-date not later than `now` (`feeds.http_dates`: read
    strictly, in its three forms); any other value is ignored (13.1.3), so it never gives a
    304. A valid date later than the server's clock is compared as any other, so it gives a
    304 when the document is not newer: RFC 9110 13.1.3 ignores only a value that is not one
    valid HTTP-date (RFC 2616 14.25 called a future date invalid; RFC 7232 dropped that), and
    nginx answers it alike (docs/http.md). `now` (aware) is the server's clock, which places
    a two-digit rfc850 year; None reads the system clock.
    """
    if if_none_match is not None:
        etags = parse_etags(if_none_match)
        return any(etags.contains_weak(opaque + suffix) for suffix in _ALL_SUFFIXES)
    if if_modified_since is None or modified is None:
        return False
    since = modified_since_date(if_modified_since, now or datetime.now(UTC))
    return since is not None and modified <= since


# The outcomes of a GET's preconditions: send the document, 304, 412.
SEND: Final = 200
NOT_MODIFIED: Final = 304
PRECONDITION_FAILED: Final = 412


def precondition_status(
    if_match: str | None,
    if_unmodified_since: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    opaque: str,
    modified: datetime | None,
    now: datetime | None,
) -> int:
    """SEND, NOT_MODIFIED or PRECONDITION_FAILED for a GET or HEAD of the document whose
    ETag is `opaque` (any coding's) and Last-Modified `modified`, evaluated in RFC 9110
    13.2.2's order:

    1. If-Match: none of its tags is the document's by the strong comparison (13.1.1: a `W/`
       tag never matches; `*` does, the document exists) -> 412;
    2. else If-Unmodified-Since: the document changed after that date (13.1.4; ignored when
       it is not one valid HTTP-date, `feeds.http_dates`, or the document has no
       Last-Modified) -> 412;
    3. If-None-Match, else If-Modified-Since: `is_fresh` at `now` -> 304 (`now` may be None
       only when no If-Modified-Since is to be weighed).
    """
    if if_match is not None:
        etags = parse_etags(if_match)
        if not etags.star_tag and not any(etags.contains(opaque + s) for s in _ALL_SUFFIXES):
            return PRECONDITION_FAILED
    elif if_unmodified_since is not None and modified is not None:
        since = parse_http_date(if_unmodified_since, now)
        if since is not None and modified > since:
            return PRECONDITION_FAILED
    if is_fresh(if_none_match, if_modified_since, opaque, modified, now):
        return NOT_MODIFIED
    return SEND


_ALL_SUFFIXES = ("", *ENCODING_SUFFIX.values())
