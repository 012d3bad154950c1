"""Sitemaps and robots.txt: what crawlers read to find every article.

- `/sitemap.xml`: a sitemap index (sitemaps.org 0.9) naming the monthly sitemaps and the
  Google News sitemap, each with the time it last changed as `lastmod`.
- `/sitemaps/articles-YYYY-MM.xml`: every visible article published in that UTC month (the
  months of the feed archives), newest first: its canonical URL (the newsroom's own when the
  record gives one, else this site's article page) and `lastmod`. A month of more than 50,000
  articles continues in `articles-YYYY-MM-2.xml`, ... (the protocol's limit per file).
- `/sitemaps/news.xml`: the Google News sitemap: the articles published in the last two days,
  at most 1,000, newest first, each with `news:publication` (the site's title and the
  article's language as Google wants it), `news:publication_date` and `news:title`.
- `/robots.txt`: allows everything but the operators' pages (`/admin/`) and names the
  sitemap index and the news sitemap.

Only visible articles appear (published status, publish time not in the future): drafts,
withheld and embargoed articles are never named. A sitemap with nothing to list is not served
(404) and not named, since the schemas require at least one entry.

Each document is described first (`Sitemaps.describe(path, now, base)`: a few indexed reads, no
request needed, so a static export builds the same bytes) and rendered only when its ETag is
not in the render cache. HTTP: as the feeds (`feeds.responses.document_response`): a strong ETag per
content coding, conditional GET, gzip and Brotli, `Cache-Control` never past the next change
(an embargo lifting, an article leaving the two-day window). `Last-Modified` is the document's
`latest` (see `CrawlerDocument`: the store's change time of each month it lists, since deleting
or unpublishing an article moves none of its entries' dates, `Store.month_changes`; its
articles' times; an article leaving the news window), never earlier than the documents'
version, settled as every document's (docs/sitemaps.md). The index's `lastmod` of each
sitemap is that sitemap's own `latest` (`month_parts`, `_news_latest`), so it equals the
sitemap's Last-Modified and moves with every change of it: a backfill or a deletion as much
as a new article, an article leaving the news window by the clock.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, current_app, request

from articles.store import ALL, MonthSummary, PageRow, Store, month_bounds
from feeds.config import SiteConfig
from feeds.documents import utc_month
from feeds.error_answers import error_response
from feeds.etag import OUTPUT_VERSION, PACKAGE_VERSION, DocumentVersion, settled_last_modified
from feeds.hygiene import to_uri
from feeds.query import is_month
from feeds.responses import cache_policy, document_response
from feeds.urls import (
    ADMIN_PREFIX,
    NEWS_SITEMAP_PATH,
    ROBOTS_PATH,
    SITEMAP_INDEX_PATH,
    SITEMAPS_PREFIX,
    article_page_path,
    public_base_url,
    sitemap_month_path,
)

SITEMAP_NS: Final = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS: Final = "http://www.google.com/schemas/sitemap-news/0.9"
_XML_HEAD: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'
# sitemaps.org: a <loc> "must be less than 2,048 characters" (sitemap.xsd's tLoc: at most
# 2,048). Counted here as written in the document: the URI (non-ASCII percent-encoded) with
# XML's escapes (`&` is `&amp;`), which is never shorter than the value the schema counts, so
# the bound below holds for the bytes too.
MAX_LOC_LENGTH: Final = 2_047
# sitemaps.org: at most 50,000 URLs and 50 MB (52,428,800 bytes, uncompressed) per sitemap,
# 50,000 sitemaps per index. A monthly sitemap's entry is at most `_URL_ENTRY_BYTES` plus
# its <loc>, so a part holds as many as fit in 50 MB with every <loc> at its longest (24,777):
# parts are counted from the month's article count alone (`month_parts`), and 50,000 URLs of
# 2,047 bytes would make 106 MB.
MAX_SITEMAP_BYTES: Final = 52_428_800
_URL_ENTRY_BYTES: Final = len(
    "  <url><loc></loc><lastmod>2025-07-30T01:00:00+00:00</lastmod></url>\n"
)
_URLSET_BYTES: Final = len(f'{_XML_HEAD}<urlset xmlns="{SITEMAP_NS}">\n</urlset>\n')
MAX_URLS: Final = min(
    50_000, (MAX_SITEMAP_BYTES - _URLSET_BYTES) // (_URL_ENTRY_BYTES + MAX_LOC_LENGTH)
)
# Google News: articles of the last two days, at most 1,000 per news sitemap.
NEWS_WINDOW: Final = timedelta(days=2)
NEWS_MAX_URLS: Final = 1_000
# The store's time resolution: an article leaves the window just after `published` + window.
TICK: Final = timedelta(microseconds=1)
SITEMAP_TYPE: Final = "application/xml; charset=utf-8"
ROBOTS_TYPE: Final = "text/plain; charset=utf-8"
VARY: Final = "Accept-Encoding"

_MONTH_PATH = re.compile(
    # ASCII digits (`\d` would take any script's), and part 1 only without its number:
    # `articles-2025-07-1.xml` would be a second address of `articles-2025-07.xml`.
    re.escape(SITEMAPS_PREFIX)
    + r"articles-([0-9]{4}-(?:0[1-9]|1[0-2]))(?:-([2-9]|[1-9][0-9]{1,5}))?\.xml"
)


class NoSuchSitemap(LookupError):
    """The path names no sitemap document now; `message` says what exists instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CrawlerDocument:
    """One sitemap or robots.txt as described at a moment: its validators and how to render it.

    `opaque` is the ETag without quotes or coding suffix; `until_change` the seconds until the
    document changes by itself (None: only a write changes it); `render()` writes the bytes;
    `latest` the latest change of what it shows, from the store (aware; the documents'
    version, a floor of every Last-Modified, is the caller's to add).
    """

    path: str
    media_type: str
    opaque: str
    until_change: float | None
    render: Callable[[], bytes]
    latest: datetime


class Sitemaps:
    """Describes and renders the crawler documents of one site from the store.

    `max_urls` and `news_max_urls` are the per-file limits (smaller in tests).
    """

    def __init__(
        self,
        store: Store,
        config: SiteConfig,
        *,
        max_urls: int = MAX_URLS,
        news_max_urls: int = NEWS_MAX_URLS,
    ) -> None:
        self.store = store
        self.config = config
        self.max_urls = max_urls
        self.news_max_urls = news_max_urls

    # -- what exists ----------------------------------------------------------------------------

    def month_parts(
        self,
        months: Sequence[MonthSummary],
        changes: Mapping[str, datetime] | None = None,
        floor: datetime | None = None,
    ) -> list[tuple[str, int, datetime]]:
        """(month, part, lastmod) of every monthly sitemap, newest month first.

        `lastmod` is what each part's own `latest` is (`_month_latest`): the month's last
        write (`changes`, from `Store.month_changes`), the newest change of its visible
        articles (`MonthSummary.updated`) and `floor` (the documents' version), the latest."""
        changes = changes or {}
        parts = []
        for summary in months:
            lastmod = _month_latest(changes.get(summary.month), summary.updated, floor)
            for part in range(1, max(1, math.ceil(summary.count / self.max_urls)) + 1):
                parts.append((summary.month, part, lastmod))
        return parts

    def news_rows(self, now: datetime) -> list[PageRow]:
        return self.store.page_rows(now=now, since=now - NEWS_WINDOW, limit=self.news_max_urls)

    def paths(self, now: datetime) -> list[str]:
        """Every crawler document's path at `now`: robots.txt, then the index and what it names."""
        months = self.store.month_summaries(now=now)
        found = [ROBOTS_PATH]
        if months:
            found.append(SITEMAP_INDEX_PATH)
            found += [sitemap_month_path(m, p) for m, p, _ in self.month_parts(months)]
        if self.news_rows(now):
            found.append(NEWS_SITEMAP_PATH)
        return found

    # -- describing -----------------------------------------------------------------------------

    def describe(
        self, path: str, now: datetime, base: str, floor: datetime | None = None
    ) -> CrawlerDocument:
        """The document at `path` (site-relative) at `now`, for the public root `base`;
        `floor` is the time the documents' version came into use (`DocumentVersion.since`),
        the earliest `latest` of every document and so of every `lastmod` the index gives.

        Its `until_change` is the sooner of the moments it changes by the clock alone (an
        article leaving the news window) and the first embargo lift within `cache_max_age`
        that changes it (`changing_lift`): a lift that leaves its bytes as they are does not
        shorten its max-age, so no crawler document tells that an embargo is coming unless
        the story will be in it. Raises NoSuchSitemap for a path that names no document now.
        """
        doc = self._describe(path, now, base, floor)
        lift = self.changing_lift(path, now, base, doc.opaque, floor)
        if lift is None:
            return doc
        until = (lift - now).total_seconds()
        if doc.until_change is not None:
            until = min(until, doc.until_change)
        return replace(doc, until_change=max(0.0, until))

    def changing_lift(
        self, path: str, now: datetime, base: str, opaque: str, floor: datetime | None = None
    ) -> datetime | None:
        """The first embargo lift after `now`, within `cache_max_age`, after which the document
        at `path` is not the one `opaque` names (described again as of that moment), or None.

        Later lifts cannot matter: a cache keeps the document `cache_max_age` at most.
        """
        horizon = now + timedelta(seconds=self.config.cache_max_age)
        moment = self.store.next_visibility_change(now=now)
        while moment is not None and moment <= horizon:
            try:
                if self._describe(path, moment, base, floor).opaque != opaque:
                    return moment
            except NoSuchSitemap:
                return moment
            moment = self.store.next_visibility_change(now=moment)
        return None

    def _describe(
        self, path: str, now: datetime, base: str, floor: datetime | None
    ) -> CrawlerDocument:
        """`describe` with `until_change` from the clock's changes alone (no lifts)."""
        if path == ROBOTS_PATH:
            return self._robots(now, base)
        if path == SITEMAP_INDEX_PATH:
            return self._index(now, base, floor)
        if path == NEWS_SITEMAP_PATH:
            return self._news(now, base, floor)
        match = _MONTH_PATH.fullmatch(path)
        if match is None or not is_month(match.group(1)):
            raise NoSuchSitemap(f"no such sitemap; the sitemap index is {base}{SITEMAP_INDEX_PATH}")
        return self._month(match.group(1), int(match.group(2) or 1), now, base, floor)

    def _until_change(self, now: datetime, *moments: datetime | None) -> float | None:
        """Seconds until the soonest of `moments` (the clock's own changes; lifts: `describe`)."""
        upcoming = [m for m in moments if m is not None]
        return None if not upcoming else max(0.0, (min(upcoming) - now).total_seconds())

    def _news_leaves(self, rows: Sequence[PageRow]) -> datetime | None:
        """When the oldest listed article leaves the two-day window (the list changes then)."""
        return rows[-1].published + NEWS_WINDOW if rows else None

    # -- when they changed ----------------------------------------------------------------------

    def _news_left(self, now: datetime) -> datetime | None:
        """When, at the latest, an article last left the two-day window by the clock alone
        (no write): the newest one published before the window, plus the window."""
        before = self.store.page_rows(now=now - NEWS_WINDOW - TICK, limit=1)
        return before[0].published + NEWS_WINDOW + TICK if before else None

    def _news_latest(
        self, rows: Sequence[PageRow], now: datetime, floor: datetime | None
    ) -> datetime:
        """The news sitemap's `latest` at `now`, listing `rows` (not empty), as its own
        Last-Modified and the index's `lastmod` of it give it. The latest of:

        - the listed articles' own times (`PageRow.modified`: a correction, an embargo
          lifting); each is listed only while published in the last two days, so every one is
          later than now minus the window, and no change before that can be the latest;
        - the moment an article last left the window by the clock (`_news_left`);
        - for each month an article of the window could have been published in at a write
          since then (the months of the last two windows), its last write
          (`Store.month_changes`: an article added, backfilled, corrected, withdrawn, deleted,
          moved), but no later than the window after the month's end: a write after that
          changed no article of the month the news sitemap then listed, and one before it
          may have (an article of the month that left the window and was deleted later
          changed the news sitemap when it left, which that bound dates);
        - `floor`, the documents' version.

        A bound, never earlier than a change of the bytes: a write to any article of those
        months moves it, listed or not."""
        months = sorted({utc_month(now - 2 * NEWS_WINDOW), utc_month(now)})  # 4 days: 2 at most
        writes = [
            min(when, month_bounds(month)[1] + NEWS_WINDOW)
            for month, when in self.store.month_changes(months, now=now).items()
        ]
        return _latest([*writes, *_row_times(rows), self._news_left(now), floor])

    def _site_change(self, now: datetime) -> list[datetime | None]:
        """The moments that date a document naming the months and the news sitemap (the
        index, robots.txt): every month's last write (`Store.month_changes`), the newest
        visible article (an embargo lifting is no write) and the last article to leave the
        news window."""
        newest = self.store.page_keys(ALL, now=now, limit=1)
        changes = self.store.month_changes(now=now)
        return [
            max(changes.values(), default=None),
            max((max(k.updated, k.published) for k in newest), default=None),
            self._news_left(now),
        ]

    def _robots(self, now: datetime, base: str) -> CrawlerDocument:
        has_index = bool(self.store.month_summaries(now=now))
        news = self.news_rows(now)
        named = ([SITEMAP_INDEX_PATH] if has_index else []) + ([NEWS_SITEMAP_PATH] if news else [])
        return CrawlerDocument(
            path=ROBOTS_PATH,
            media_type=ROBOTS_TYPE,
            opaque=self._etag("robots", base, named),
            # It names the news sitemap until the newest listed article leaves the window.
            until_change=self._until_change(now, news[0].published + NEWS_WINDOW if news else None),
            render=lambda: render_robots(
                [base + path for path in named], disallow=[urlsplit(base).path + ADMIN_PREFIX]
            ),
            latest=_latest(self._site_change(now)),
        )

    def _index(self, now: datetime, base: str, floor: datetime | None) -> CrawlerDocument:
        months = self.store.month_summaries(now=now)
        if not months:
            raise NoSuchSitemap("no sitemap yet: nothing is published")
        news = self.news_rows(now)
        # Each entry's lastmod is its sitemap's own `latest`, from the same reads it dates
        # itself by: so it moves with every change of that sitemap, and equals its
        # Last-Modified (to the second).
        changes = self.store.month_changes(now=now)
        entries = [
            (sitemap_month_path(m, p), u) for m, p, u in self.month_parts(months, changes, floor)
        ]
        if news:
            entries.insert(0, (NEWS_SITEMAP_PATH, self._news_latest(news, now, floor)))
        return CrawlerDocument(
            path=SITEMAP_INDEX_PATH,
            media_type=SITEMAP_TYPE,
            opaque=self._etag("index", base, [(p, w3c_datetime(u)) for p, u in entries]),
            until_change=self._until_change(now, self._news_leaves(news)),
            render=lambda: render_sitemap_index([(base + p, u) for p, u in entries]),
            latest=_latest([*self._site_change(now), *(u for _, u in entries)]),
        )

    def _month(
        self, month: str, part: int, now: datetime, base: str, floor: datetime | None
    ) -> CrawlerDocument:
        start, end = month_bounds(month)
        path = sitemap_month_path(month, part)
        rows = (
            self.store.page_rows(
                now=now,
                since=start,
                before=end,
                limit=self.max_urls,
                offset=(part - 1) * self.max_urls,
            )
            if start <= now
            else []
        )
        if not rows:
            raise NoSuchSitemap(
                f"no sitemap {path}: nothing visible was published then; "
                f"the sitemap index {base}{SITEMAP_INDEX_PATH} lists every sitemap"
            )
        # Every part is dated as the whole month (a later part shifts when an article of the
        # month appears, by a write or by its embargo lifting), as the index dates it: by the
        # month's last write and the newest change of its articles, read from the rows when
        # this part is the whole month.
        if part == 1 and len(rows) < self.max_urls:
            newest = max(_row_times(rows))
        else:
            (summary,) = self.store.month_summaries(now=now, month=month)
            newest = summary.updated
        changed = self.store.month_changes([month], now=now).get(month)
        return CrawlerDocument(
            path=path,
            media_type=SITEMAP_TYPE,
            opaque=self._etag("month", base, month, part, urlset_entries(rows, base)),
            until_change=self._until_change(now),
            render=lambda: render_urlset(rows, base),
            latest=_month_latest(changed, newest, floor),
        )

    def _news(self, now: datetime, base: str, floor: datetime | None) -> CrawlerDocument:
        rows = self.news_rows(now)
        if not rows:
            raise NoSuchSitemap(
                "no news sitemap now: nothing was published in the last two days; "
                f"the sitemap index {base}{SITEMAP_INDEX_PATH} lists every sitemap"
            )
        name = self.config.title
        return CrawlerDocument(
            path=NEWS_SITEMAP_PATH,
            media_type=SITEMAP_TYPE,
            opaque=self._etag("news", base, news_entries(rows, base)),
            until_change=self._until_change(now, self._news_leaves(rows)),
            render=lambda: render_news_sitemap(rows, base, name),
            latest=self._news_latest(rows, now, floor),
        )

    def _etag(self, *parts: object) -> str:
        digest = hashlib.blake2b(digest_size=16)
        for part in (OUTPUT_VERSION, PACKAGE_VERSION, self.config.fingerprint(), *parts):
            digest.update(repr(part).encode())
            digest.update(b"\x1f")
        return digest.hexdigest()


def _row_times(rows: Iterable[PageRow]) -> list[datetime]:
    """Each listed article's latest own time: its `updated`, or its `published` when it
    appeared later (an embargo lifting)."""
    return [r.modified for r in rows]


def _month_latest(changed: datetime | None, newest: datetime, floor: datetime | None) -> datetime:
    """A monthly sitemap's `latest` (each part's, and the index's `lastmod` of it): the
    month's last write (`Store.month_changes`: a deletion or withdrawal moves no listed
    article's date, a backfill's `updated` is older than its write), the newest change of its
    visible articles (`newest`: an embargo lifting is no write) and the documents' version."""
    return _latest([changed, newest, floor])


def _latest(moments: Iterable[datetime | None]) -> datetime:
    """The latest of the known moments (the epoch when none is: then only the documents'
    version dates the document)."""
    return max((m for m in moments if m is not None), default=_EPOCH)


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def urlset_entries(rows: Iterable[PageRow], base: str) -> list[tuple[str, str]]:
    """What a monthly sitemap shows of each listed row, as written: (`loc`, `lastmod`). The
    page is rendered from these and its ETag hashes them, so equal bytes have equal tags
    (RFC 9110 8.8.3) and a change of the bytes is a change of the tag."""
    return [(url, w3c_datetime(row.modified)) for row, url in _listed(rows, base)]


def news_entries(rows: Iterable[PageRow], base: str) -> list[tuple[str, str, str, str, str]]:
    """What the news sitemap shows of each listed row, as written: (`loc`, `lastmod`,
    `news:language`, `news:publication_date`, `news:title`); rendered from these and hashed
    into its ETag, as `urlset_entries`."""
    return [
        (
            url,
            w3c_datetime(row.modified),
            news_language(row.language),
            w3c_datetime(row.published),
            row.title,
        )
        for row, url in _listed(rows, base)
    ]


# --- writing ------------------------------------------------------------------------------------


def w3c_datetime(moment: datetime) -> str:
    """A W3C Datetime (the profile of ISO 8601 sitemaps use), in UTC to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def row_url(row: PageRow, base: str) -> str | None:
    """The URL a sitemap names for the article, as a URI: its canonical URL (the newsroom's
    own, else this site's page of it); when that is longer than a sitemap's `<loc>` may be
    (`MAX_LOC_LENGTH`), this site's page of it, which names the canonical URL with
    `rel="canonical"`, so a crawler reaches it from there; None (not listed) when that page's
    URL is too long as well."""
    page = to_uri(base + article_page_path(row.id), base)
    if row.url:
        own = to_uri(row.url, base)
        if len(escape(own)) <= MAX_LOC_LENGTH:
            return own
    return page if len(escape(page)) <= MAX_LOC_LENGTH else None


def _listed(rows: Iterable[PageRow], base: str) -> Iterator[tuple[PageRow, str]]:
    """Each row with the URL its sitemap names (`row_url`), the rows no sitemap can name left
    out."""
    for row in rows:
        url = row_url(row, base)
        if url is not None:
            yield row, url


def news_language(language: str) -> str:
    """The article's BCP 47 language as Google News wants it: the ISO 639 code in lower case,
    except Chinese: `zh-cn` (Simplified) or `zh-tw` (Traditional: Hant, TW, HK, MO)."""
    subtags = language.lower().split("-")
    if subtags[0] == "zh":
        return "zh-tw" if {"hant", "tw", "hk", "mo"} & set(subtags[1:]) else "zh-cn"
    return subtags[0]


def render_sitemap_index(entries: Iterable[tuple[str, datetime]]) -> bytes:
    """A sitemapindex of (absolute sitemap URL, lastmod) pairs."""
    parts = [_XML_HEAD, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for url, lastmod in entries:
        parts.append(
            f"  <sitemap><loc>{escape(url)}</loc>"
            f"<lastmod>{w3c_datetime(lastmod)}</lastmod></sitemap>\n"
        )
    parts.append("</sitemapindex>\n")
    return "".join(parts).encode()


def render_urlset(rows: Iterable[PageRow], base: str) -> bytes:
    """A urlset of the articles' canonical URLs with their last change (`PageRow.modified`)
    as lastmod."""
    parts = [_XML_HEAD, f'<urlset xmlns="{SITEMAP_NS}">\n']
    for url, lastmod in urlset_entries(rows, base):
        parts.append(f"  <url><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod></url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode()


def render_news_sitemap(rows: Iterable[PageRow], base: str, publication: str) -> bytes:
    """A Google News sitemap: each article's URL with publication name and language, its
    publication date and title (plain text, as stored)."""
    name = escape(publication)
    parts = [_XML_HEAD, f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n']
    for url, lastmod, language, published, title in news_entries(rows, base):
        parts.append(
            f"  <url>\n    <loc>{escape(url)}</loc>\n"
            f"    <lastmod>{lastmod}</lastmod>\n"
            "    <news:news>\n"
            f"      <news:publication><news:name>{name}</news:name>"
            f"<news:language>{language}</news:language></news:publication>\n"
            f"      <news:publication_date>{published}"
            "</news:publication_date>\n"
            f"      <news:title>{escape(title)}</news:title>\n"
            "    </news:news>\n  </url>\n"
        )
    parts.append("</urlset>\n")
    return "".join(parts).encode()


def render_robots(sitemaps: Iterable[str], disallow: Iterable[str] = ()) -> bytes:
    """robots.txt (RFC 9309): every agent may fetch everything but the `disallow` paths (the
    operators' pages, feeds.subscribers_page); the sitemaps named."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallow), "Allow: /", ""]
    lines += [f"Sitemap: {url}" for url in sitemaps]
    return ("\n".join(lines) + "\n").encode()


# --- HTTP ---------------------------------------------------------------------------------------

bp = Blueprint("sitemaps", __name__)
SERVICE_KEY: Final = "feeds.sitemaps"


def init_app(app: Flask, sitemaps: Sitemaps) -> None:
    app.extensions[SERVICE_KEY] = sitemaps
    app.register_blueprint(bp)


def cache_control(config: SiteConfig, until_change: float | None) -> str:
    """The feeds' live policy (`feeds.responses.cache_policy`): `cache_max_age`, never past the
    document's next change."""
    return cache_policy(config, config.cache_max_age, until_change)[1]


@bp.get(ROBOTS_PATH)
@bp.get(SITEMAP_INDEX_PATH)
@bp.get(SITEMAPS_PREFIX + "<name>")
def crawler_document(name: str = "") -> Response:
    """robots.txt, the sitemap index or one sitemap, with conditional GET and compression."""
    sitemaps: Sitemaps = current_app.extensions[SERVICE_KEY]
    config = sitemaps.config
    base = public_base_url(config)
    now = current_app.extensions["feeds.clock"]()
    version: DocumentVersion = current_app.extensions["feeds.version"]
    floor = version.since(now)
    try:
        doc = sitemaps.describe(request.path, now, base, floor=floor)
    except NoSuchSitemap as exc:
        return error_response(404, exc.message)
    return document_response(
        opaque=doc.opaque,
        render=doc.render,
        media_type=doc.media_type,
        headers={"Cache-Control": cache_control(config, doc.until_change), "Vary": VARY},
        # robots.txt's `latest` leaves the version out; the sitemaps' hold it already.
        modified=settled_last_modified(max(doc.latest, floor), now),
        now=now,
    )
