"""The browser view of a feed: an HTML page of the same document for a person who opens it.

Browsers are removing XSLT (Chromium 156 warns of it), so the `xml-stylesheet` instruction in
our Atom and RSS cannot be relied on to turn a feed into a page. Instead, when a request is a
browser's top-level navigation, the feed URL answers with an HTML preview of the very document
a reader would get (same entries, same paging and archive links), rendered from the feed model
with Jinja. Every other client (feed readers, aggregators, curl, a script in a page) keeps
getting the feed's own bytes, ETags and media type.

Which requests are navigations (`is_navigation`):

- with Fetch Metadata (every current browser, to HTTPS origins and localhost):
  `Sec-Fetch-Dest: document` and `Sec-Fetch-Mode: navigate`, and `Accept` takes `text/html`.
  A page cannot set `Sec-*` headers, and a `fetch()` from a web reader says `Sec-Fetch-Dest:
  empty`, so only a person typing or following the URL matches.
- without them (plain-HTTP origins other than localhost, browsers older than 2023):
  `Upgrade-Insecure-Requests: 1`, which browsers send only on navigations, and an `Accept`
  that names `text/html` with a higher q-value than every feed media type. Readers that list
  `text/html` at all rank the feed types above it or equal to it (ties go to the feed).

Both variants carry `Vary: VARY`, so caches keep them apart. The preview has its own ETag
(derived from the feed document's, which covers the code and templates too), conditional GET
and `Cache-Control: private`: a shared cache never stores it, so even a cache that ignores
`Vary` cannot hand the HTML to a feed reader.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import render_template
from werkzeug.datastructures import Headers, MIMEAccept
from werkzeug.http import parse_accept_header

from feeds.feed_types import Entry, Feed

# Request headers the choice between feed and preview depends on, with Accept-Encoding (the
# content coding): the `Vary` of every response a feed URL gives, feed or preview.
VARY: Final = "Accept, Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode, Upgrade-Insecure-Requests"

FEED_MEDIA_TYPES: Final = ("application/atom+xml", "application/rss+xml", "application/feed+json")
FORMAT_MEDIA_TYPES: Final = dict(zip(("atom", "rss", "json"), FEED_MEDIA_TYPES, strict=True))
FORMAT_LABELS: Final = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
HTML_TYPE: Final = "text/html; charset=utf-8"
TEMPLATE: Final = "feed_preview.html"

# --- which requests get the preview -------------------------------------------------------------


def is_navigation(
    accept: str | None, dest: str | None, mode: str | None, upgrade: str | None
) -> bool:
    """Whether a request with these headers is a browser opening the URL as a page.

    `accept`, `dest`, `mode`, `upgrade` are the values of `Accept`, `Sec-Fetch-Dest`,
    `Sec-Fetch-Mode` and `Upgrade-Insecure-Requests` (None when absent). See the module
    docstring for the rule; feed readers send none of the last three, so the common case
    returns at once.
    """
    if dest is None and upgrade is None:
        return False
    return _is_navigation(accept or "", dest, mode, upgrade)


@lru_cache(maxsize=512)
def _is_navigation(accept: str, dest: str | None, mode: str | None, upgrade: str | None) -> bool:
    parsed = parse_accept_header(accept, MIMEAccept)
    html = parsed.quality("text/html")
    if html <= 0:
        return False
    if dest is not None:
        # Fetch Metadata is present: it alone says whether this is a top-level navigation.
        return dest.strip().lower() == "document" and (mode or "").strip().lower() == "navigate"
    if (upgrade or "").strip() != "1":
        return False
    named = {value.lower() for value, _ in parsed}
    if "text/html" not in named:  # accepted only through */* or text/*: not a preference
        return False
    return all(html > parsed.quality(media) for media in FEED_MEDIA_TYPES)


def navigation_headers(
    headers: Headers | Mapping[str, str],
) -> tuple[str | None, str | None, str | None, str | None]:
    """The request headers `is_navigation` takes, in its argument order."""
    return (
        headers.get("Accept"),
        headers.get("Sec-Fetch-Dest"),
        headers.get("Sec-Fetch-Mode"),
        headers.get("Upgrade-Insecure-Requests"),
    )


# --- the view model -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreviewLink:
    """A link the page shows: what it says and where it goes."""

    label: str
    href: str


@dataclass(frozen=True, slots=True)
class Alternate:
    """The same document in one format: `<link rel="alternate">` and a link in the banner."""

    fmt: str
    media_type: str
    label: str
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class PreviewEntry:
    """One entry as the page lists it; `href` is None when the link is not http(s)."""

    title: str
    href: str | None
    language: str
    published: str  # ISO 8601 in the site's zone, for <time datetime>
    published_label: str
    updated: str  # the same for a correction (updated later than published), else ""
    updated_label: str
    authors: tuple[str, ...]
    section: str
    summary: str  # plain text; the template escapes it
    image: str | None
    image_alt: str
    source: str


@dataclass(frozen=True, slots=True)
class FeedPreview:
    """Everything the preview page shows, in plain values (no Article, no request)."""

    title: str
    subtitle: str
    language: str
    fmt: str
    format_label: str
    subscribe_url: str
    site_page: str | None
    alternates: tuple[Alternate, ...]
    entries: tuple[PreviewEntry, ...]
    paging: tuple[PreviewLink, ...]
    position: str  # "기사 1–50 / 120개 · 1/3쪽", or the archive's month
    is_archive: bool


# Labels of the RFC 5005 relations, in the order the page shows them.
_PAGING_LABELS: Final = {
    "current": "최신 기사 (current)",
    "first": "« 첫 페이지",
    "previous": "‹ 이전",
    "next": "다음 ›",
    "last": "마지막 페이지 »",
    "prev-archive": "‹ 이전 달 보관함",
    "next-archive": "다음 달 보관함 ›",
}
_ARCHIVE_MONTH = re.compile(r"/archive/(\d{4})-(\d{2})\.[a-z]+$")


def build_preview(
    feed: Feed,
    *,
    fmt: str,
    subscribe_url: str,
    zone: ZoneInfo,
    page: int = 1,
    limit: int = 50,
    last_page: int = 1,
    total: int = 0,
    month: str | None = None,
) -> FeedPreview:
    """The page's view of `feed` rendered as `fmt` ("atom", "rss" or "json").

    `subscribe_url` is the live feed's URL in `fmt` (what a reader should subscribe to, also
    from a later page or an archive); `zone` the site's zone for dates; `page` of `last_page`
    (`limit` entries a page, `total` in all) places a live page, `month` ("2025-07") names an
    archive. ValueError for an unknown format.
    """
    if fmt not in FORMAT_MEDIA_TYPES:
        raise ValueError(f"preview format: expected atom, rss or json, got {fmt!r}")
    documents = feed.links.documents
    alternates = tuple(
        Alternate(
            fmt=name,
            media_type=FORMAT_MEDIA_TYPES[name],
            label=FORMAT_LABELS[name],
            href=documents[name].self,
            current=name == fmt,
        )
        for name in sorted(documents, key=lambda n: (n != fmt, list(FORMAT_LABELS).index(n)))
        if name in FORMAT_MEDIA_TYPES
    )
    paging = dict(feed.links.for_format(fmt).paging())
    # `first` and `last` only where they lead elsewhere (a one-page feed links both to itself).
    hidden = {"first"} if page <= 1 else set()
    if page >= last_page:
        hidden.add("last")
    links = tuple(
        PreviewLink(_paging_label(rel, paging[rel]), paging[rel])
        for rel in _PAGING_LABELS
        if rel in paging and rel not in hidden
    )
    shown = len(feed.entries)
    if month is not None:
        year, mon = month.split("-")
        position = f"{int(year)}년 {int(mon)}월 보관함 · 기사 {shown}개"
    elif last_page > 1:
        first = (page - 1) * limit + 1
        position = f"기사 {first}–{first + shown - 1} / {total}개 · {page}/{last_page}쪽"
    elif shown:
        position = f"기사 {shown}개"
    else:
        position = "아직 기사가 없습니다"
    return FeedPreview(
        title=feed.title,
        subtitle=feed.subtitle,
        language=feed.language,
        fmt=fmt,
        format_label=FORMAT_LABELS[fmt],
        subscribe_url=subscribe_url,
        site_page=_web_url(feed.links.html),
        alternates=alternates,
        entries=tuple(_entry(entry, zone) for entry in feed.entries),
        paging=links,
        position=position,
        is_archive=month is not None,
    )


def _paging_label(rel: str, href: str) -> str:
    match = _ARCHIVE_MONTH.search(urlsplit(href).path)
    if rel in ("prev-archive", "next-archive") and match:
        name = f"{int(match.group(1))}년 {int(match.group(2))}월 보관함"
        return f"‹ {name}" if rel == "prev-archive" else f"{name} ›"
    return _PAGING_LABELS[rel]


def _web_url(url: str | None) -> str | None:
    """The URL if a browser may follow it from our page (http or https), else None."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def show_time(moment: datetime, language: str, zone: ZoneInfo) -> tuple[str, str]:
    """A moment in the site's zone as (ISO 8601, label): the label reads `2025년 7월 30일 10:00
    KST` for Korean entries, `2025-07-30 10:00 KST` for others."""
    local = moment.astimezone(zone)
    clock = f"{local:%H:%M} {local.tzname() or ''}".rstrip()
    if language.lower().startswith("ko"):
        label = f"{local.year}년 {local.month}월 {local.day}일 {clock}"
    else:
        label = f"{local:%Y-%m-%d} {clock}"
    return local.isoformat(), label


def _entry(entry: Entry, zone: ZoneInfo) -> PreviewEntry:
    published, published_label = show_time(entry.published, entry.language, zone)
    # A correction shows as such; an `updated` within a minute of publication is the same moment.
    updated, updated_label = "", ""
    if entry.updated - entry.published > timedelta(minutes=1):
        updated, updated_label = show_time(entry.updated, entry.language, zone)
    section = next((c.label for c in entry.categories if c.scheme.endswith("/section/")), "")
    return PreviewEntry(
        title=entry.title,
        href=_web_url(entry.link),
        language=entry.language,
        published=published,
        published_label=published_label,
        updated=updated,
        updated_label=updated_label,
        authors=tuple(person.name for person in entry.authors),
        section=section,
        # A headline-only record's excerpt is its headline again: shown once.
        summary="" if entry.excerpt.strip() == entry.title.strip() else entry.excerpt,
        image=_web_url(entry.image.url) if entry.image else None,
        image_alt=entry.image.alt if entry.image else "",
        source=entry.source.name if entry.source else "",
    )


# --- the response ---------------------------------------------------------------------------------


def preview_etag(feed_opaque: str) -> str:
    """The preview's opaque ETag, derived from the feed document's.

    The feed's whole-state tag (`feeds.feed_service.feed_etag` with `every_part`: the count of
    entries the page shows included) covers the rows, the settings, the query and every file
    of code, templates and static assets (feeds.etag), so the page changes exactly when it
    does; the prefix keeps the two representations' tags apart.
    """
    return hashlib.blake2b(f"preview\x1f{feed_opaque}".encode(), digest_size=16).hexdigest()


def render_preview(preview: FeedPreview, context: Mapping[str, object]) -> bytes:
    """The page as UTF-8 HTML; `context` adds what the site's base template needs
    (`site`, `base`, `css_url`). Needs a Flask app context."""
    discovery = [
        {"type": a.media_type, "title": f"{preview.title} ({a.label})", "href": a.href}
        for a in preview.alternates
    ]
    return render_template(TEMPLATE, preview=preview, discovery=discovery, **context).encode()
