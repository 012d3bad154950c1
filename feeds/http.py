"""Feed URLs over HTTP: routes, content negotiation, conditional GET, caching and compression.

A request goes: parse the URL (`feeds.query`) -> read the page's entry keys and paging state
from the store (a few indexed queries, no article bodies) -> ETag -> 304 if the client's copy
is current -> else the rendered bytes from the in-process cache (`feeds.cache`), rendering
only on a miss. See docs/http.md for the URL map and the header rules.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.datastructures import Headers, MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date, parse_accept_header

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

from articles.model import Article
from articles.store import EntryKey, Facet, Store
from feeds import pages
from feeds.cache import RenderCache
from feeds.config import SiteConfig
from feeds.etag import (
    document_etag,
    if_none_match_matches,
    last_modified,
    not_modified_since,
    quoted,
)
from feeds.fastpath import MEMO_KEY, MemoEntry, MemoKey, ResponseMemo
from feeds.model import DocumentLinks, FeedLinks, build_feed
from feeds.query import (
    FORMATS,
    PAGE_CAP,
    FeedQuery,
    QueryError,
    archive_path,
    facet_path,
    feed_path,
    parse_feed_path,
)
from feeds.redirects import permanent_redirect
from feeds.websub import link_header
from feeds.writers import MEDIA_TYPES, render

log = logging.getLogger(__name__)

bp = Blueprint("feeds", __name__)

# Media types offered when the URL has no extension, in order of preference on a tie; the
# generic XML types get Atom, our default.
_OFFERED: dict[str, str] = {
    "application/atom+xml": "atom",
    "application/rss+xml": "rss",
    "application/feed+json": "json",
    "application/json": "json",
    "application/xml": "atom",
    "text/xml": "atom",
}
_OFFERED_LIST = list(_OFFERED)

# How long after a month ends its archive may still change (late corrections), before it is
# served as immutable.
ARCHIVE_SETTLE = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Document:
    """What the store says about one feed document: enough for the ETag and the links."""

    keys: Sequence[EntryKey]
    total: int
    last_page: int
    newest_month: str | None  # live feed page 1: target of prev-archive
    prev_month: str | None  # archive: the next older month with entries
    next_month: str | None  # archive: the next newer month with entries
    max_age: int
    cache_control: str
    # Seconds until the next embargoed article becomes visible (None: none is waiting); no
    # cache of this document may outlive it.
    until_change: float | None = None


class NotModified(Response):
    """A 304 that keeps Last-Modified.

    Werkzeug strips it with the other representation headers; RFC 9110 15.4.5 allows it, and
    readers that validate only with If-Modified-Since need it to keep their copy's date.
    """

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        headers = super().get_wsgi_headers(environ)
        modified = self.headers.get("Last-Modified")
        if modified is not None and "Last-Modified" not in headers:
            headers["Last-Modified"] = modified
        return headers


class FeedService:
    """The app-owned state the feed views use: settings, store, render cache and clock."""

    def __init__(
        self,
        config: SiteConfig,
        store: Store,
        cache: RenderCache,
        clock: Callable[[], datetime],
        memo: ResponseMemo | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.cache = cache
        self.clock = clock
        self.memo = memo or ResponseMemo(0)
        self.live_cache_tail = (
            f", stale-while-revalidate={config.stale_while_revalidate}"
            f", stale-if-error={config.stale_if_error}"
        )

    def describe(self, query: FeedQuery, now: datetime) -> Document:
        """Read the keys and paging state of the document `query` names; QueryError if none."""
        store = self.store
        if query.month is not None:
            return self._describe_archive(query, now)
        total = store.count_visible(query.facet, now=now)
        if total == 0 and query.facet.kind != "all":
            raise _unknown_facet(query.facet)

        last_page = max(1, math.ceil(total / query.limit))
        if query.page > last_page:
            first = _with_args(feed_path(query.facet, query.fmt or "atom"), 1, query.limit, self)
            raise QueryError(
                404,
                f"{'that page' if query.page >= PAGE_CAP else f'page {query.page}'} is past "
                f"the end: this feed has {last_page} page(s) of "
                f"{query.limit}; start at {first}",
            )
        keys = store.page_keys(query.facet, now=now, limit=query.limit, offset=query.offset)
        # prev-archive of the live feed: the archive of the newest entry's month. Archive months
        # are UTC months (the store groups by UTC), and page 1 starts with the newest entry, so
        # this needs no query of its own.
        newest_month = None
        if query.page == 1 and keys:
            newest_month = _utc_month(keys[0].published)
        until_change = self._until_change(now)
        max_age = _capped(self.config.cache_max_age, until_change)
        return Document(
            keys=keys,
            total=total,
            last_page=last_page,
            newest_month=newest_month,
            prev_month=None,
            next_month=None,
            max_age=max_age,
            cache_control=f"public, max-age={max_age}{self.live_cache_tail}",
            until_change=until_change,
        )

    def _describe_archive(self, query: FeedQuery, now: datetime) -> Document:
        month = query.month or ""
        months = self.store.months(query.facet, now=now)
        if not months and query.facet.kind != "all":
            raise _unknown_facet(query.facet)
        if month not in months:
            raise QueryError(
                404,
                f"no archive for {month}: nothing in this feed was published that month; "
                f"the live feed is {feed_path(query.facet, query.fmt or 'atom')}",
            )
        index = months.index(month)
        keys = self.store.month_keys(query.facet, month, now=now)
        until_change = None
        if self._settled(month, now):
            max_age = self.config.archive_max_age
            cache_control = f"public, max-age={max_age}, immutable"
        else:
            until_change = self._until_change(now)
            max_age = _capped(self.config.cache_max_age, until_change)
            cache_control = f"public, max-age={max_age}{self.live_cache_tail}"
        return Document(
            keys=keys,
            total=len(keys),
            last_page=1,
            newest_month=None,
            prev_month=months[index + 1] if index + 1 < len(months) else None,
            next_month=months[index - 1] if index > 0 else None,
            max_age=max_age,
            cache_control=cache_control,
            until_change=until_change,
        )

    def _until_change(self, now: datetime) -> float | None:
        upcoming = self.store.next_visibility_change(now=now)
        return None if upcoming is None else (upcoming - now).total_seconds()

    def _settled(self, month: str, now: datetime) -> bool:
        """Whether a month ended long enough ago to be final, both in UTC (how the store groups
        archives) and in the site's zone (what editors call "last month")."""
        year, mon = int(month[:4]), int(month[5:7])
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
        month_end = max(
            datetime(year, mon, 1, tzinfo=UTC), datetime(year, mon, 1, tzinfo=self.config.zone)
        )
        return now >= month_end + ARCHIVE_SETTLE


def _capped(max_age: int, until_change: float | None) -> int:
    """Cap a lifetime so no cache keeps a feed past the next embargo lifting."""
    if until_change is None:
        return max_age
    return max(0, min(max_age, int(until_change)))


def _unknown_facet(facet: Facet) -> QueryError:
    return QueryError(
        404,
        f"no {facet_path(facet).removeprefix('/feeds/')} feed: nothing is published under it; "
        "see / for the list of feeds",
    )


def _utc_month(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-{moment.month:02d}"


def init_app(app: Flask, service: FeedService) -> None:
    """Attach the feed service and the feed blueprint to the app."""
    app.extensions["feeds.http"] = service
    app.register_blueprint(bp)


def _service() -> FeedService:
    service: FeedService = current_app.extensions["feeds.http"]
    return service


def _with_args(path: str, page: int, limit: int, service: FeedService) -> str:
    args: dict[str, int] = {}
    if page != 1:
        args["page"] = page
    if limit != service.config.items_per_feed:
        args["limit"] = limit
    return f"{path}?{urlencode(args)}" if args else path


@bp.get("/feeds/<path:subpath>")
def feed(subpath: str) -> Response:
    """Serve one feed document: live, paged or a monthly archive, in any format."""
    service = _service()
    config = service.config
    if subpath.endswith("/") and subpath.strip("/"):
        # `/feeds/all.atom/`: a slash added by hand or by a CMS link; the feed is one step away.
        return permanent_redirect("/feeds/" + subpath.rstrip("/"))
    try:
        query = parse_feed_path(
            subpath,
            request.args,
            default_limit=config.items_per_feed,
            max_limit=config.max_items_per_feed,
        )
    except QueryError as exc:
        return error_response(exc.status, exc.message)

    negotiated = query.fmt is None
    accept = request.headers.get("Accept")
    if negotiated:
        fmt = negotiate(accept)
        if fmt is None:
            return _not_acceptable(query)
        query = query.with_format(fmt)
    fmt = query.fmt or "atom"

    now = service.clock()
    try:
        doc = service.describe(query, now)
    except QueryError as exc:
        return error_response(exc.status, exc.message, as_json=fmt == "json")

    base = pages.public_base_url(config)
    self_query = "" if query.month is not None else self_query_string(request.args, query)
    links = _links(service, query, doc, base, self_query)
    opaque = document_etag(
        fingerprint=config.fingerprint(),
        base_url=base + self_query,  # the self link repeats the request's query
        fmt=fmt,
        facet_kind=query.facet.kind,
        facet_value=query.facet.value,
        page=query.page,
        limit=query.limit,
        month=query.month,
        keys=doc.keys,
        total=doc.total,
        archive_links=(doc.newest_month, doc.prev_month, doc.next_month),
    )
    encoding = choose_encoding(request.headers.get("Accept-Encoding", ""))
    modified = last_modified(doc.keys, now)
    headers: dict[str, str] = {
        "ETag": quoted(opaque, encoding),
        "Cache-Control": doc.cache_control,
        # Accept picks the format of an extension-less URL and, for Atom and RSS, whether a
        # browser gets the XML as application/xml (so it applies the stylesheet).
        "Vary": "Accept, Accept-Encoding" if negotiated or fmt != "json" else "Accept-Encoding",
    }
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    if negotiated:
        headers["Content-Location"] = links[fmt]["self"] or ""
    if config.hub_url:
        headers["Link"] = link_header(config.hub_url, links[fmt]["self"] or "")

    inm = request.headers.get("If-None-Match")
    if inm is not None:
        fresh = if_none_match_matches(inm, opaque)
    else:
        ims = request.headers.get("If-Modified-Since")
        fresh = ims is not None and not_modified_since(ims, modified)
    memo_key = request.environ.get(MEMO_KEY)
    if fresh:
        if memo_key is not None:
            _remember(service, memo_key, opaque, modified, None, headers, doc)
        return NotModified(status=304, headers=headers)

    entry = service.cache.get_or_render(opaque, lambda: _render(service, query, doc, links, base))
    data = entry.body
    not_modified_headers = dict(headers)
    if encoding is not None:
        data = service.cache.variant(opaque, entry, encoding)
        headers["Content-Encoding"] = encoding
    headers["Content-Type"] = (
        BROWSER_XML_TYPE if fmt != "json" and for_browser(accept) else MEDIA_TYPES[fmt]
    )
    if memo_key is not None:
        _remember(service, memo_key, opaque, modified, data, not_modified_headers, doc, headers)
    return Response(data, status=200, headers=headers)


def _remember(
    service: FeedService,
    key: MemoKey,
    opaque: str,
    modified: datetime | None,
    body: bytes | None,
    not_modified_headers: dict[str, str],
    doc: Document,
    headers: dict[str, str] | None = None,
) -> None:
    """Keep this answer for identical requests in the next moment (see feeds.fastpath)."""
    full = [] if headers is None or body is None else list(headers.items())
    if full:
        full.append(("Content-Length", str(len(body or b""))))
    service.memo.put(
        key,
        MemoEntry(
            opaque=opaque,
            modified=modified,
            body=body,
            headers=full,
            not_modified_headers=list(not_modified_headers.items()),
            expires=service.memo.expiry(doc.until_change),
        ),
    )


@bp.get("/healthz")
def healthz() -> Response:
    """200 `ok` when the database answers a trivial query, else 503."""
    try:
        # One indexed row of the main table: proves the connection and the schema.
        _service().store.page_keys(Facet("all", ""), now=datetime.now(UTC), limit=1)
    except Exception:  # any failure to reach the database means "not healthy"
        log.exception("health check: the database did not answer")
        return _text(503, "database unavailable\n", {"Cache-Control": "no-store"})
    return _text(200, "ok\n", {"Cache-Control": "no-store"})


def self_query_string(args: Mapping[str, str], query: FeedQuery) -> str:
    """The query string of the document's own URL: its paging arguments in the client's order.

    Only `page` and `limit` are kept (tracking parameters and the like are dropped), written
    with the parsed values, so `?limit=5&page=2` stays as it came and `?page=02` becomes
    `?page=2`.
    """
    values = {"page": query.page, "limit": query.limit}
    parts = [f"{name}={values[name]}" for name in args if name in values]
    return "?" + "&".join(parts) if parts else ""


def _links(
    service: FeedService, query: FeedQuery, doc: Document, base: str, self_query: str
) -> dict[str, dict[str, str | None]]:
    """The RFC 5005 links of this document, per format, as absolute URLs."""
    facet = query.facet
    result: dict[str, dict[str, str | None]] = {}
    for fmt in FORMATS:
        if query.month is not None:
            only_month = doc.prev_month is None and doc.next_month is None
            result[fmt] = {
                "self": base + archive_path(facet, query.month, fmt),
                # A facet's only archive is complete (fh:complete), and a complete feed's
                # `current` may only point at itself (RFC 5005 section 2), so it has none.
                "current": None if only_month else base + feed_path(facet, fmt),
                "prev_archive": base + archive_path(facet, doc.prev_month, fmt)
                if doc.prev_month
                else None,
                "next_archive": base + archive_path(facet, doc.next_month, fmt)
                if doc.next_month
                else None,
            }
            continue
        path = feed_path(facet, fmt)

        def at(page: int, path: str = path) -> str:
            return base + _with_args(path, page, query.limit, service)

        result[fmt] = {
            # `self` repeats the request's own query (page and limit as the client wrote them),
            # so it names the very URL the document was fetched from; the others are canonical.
            "self": base + path + self_query,
            "first": at(1),
            "last": at(doc.last_page),
            "next": at(query.page + 1) if query.page < doc.last_page else None,
            "previous": at(query.page - 1) if query.page > 1 else None,
            "prev_archive": base + archive_path(facet, doc.newest_month, fmt)
            if doc.newest_month
            else None,
        }
    return result


def _render(
    service: FeedService,
    query: FeedQuery,
    doc: Document,
    links: dict[str, dict[str, str | None]],
    base: str,
) -> bytes:
    """Fetch the page's articles and write the document (only on a cache miss)."""
    config = service.config
    facet = query.facet
    articles = service.store.fetch([k.id for k in doc.keys])
    title = config.title
    if facet.kind != "all":
        # The facet first, in its own script: `아시아 — TRT 한국어 뉴스`.
        title = f"{facet_label(facet, articles)} — {title}"
    if query.month is not None:
        title = f"{title} ({query.month})"
    feed_links = FeedLinks(
        html=pages.facet_page_url(facet, base),
        documents={
            fmt: DocumentLinks(
                self=str(urls["self"]), **{k: v for k, v in urls.items() if k != "self"}
            )
            for fmt, urls in links.items()
        },
        hub=config.hub_url or None,
        stylesheet=pages.STYLESHEET_PATH,
        archive=query.month is not None,
        complete=query.month is not None and doc.prev_month is None and doc.next_month is None,
    )
    feed = build_feed(
        config,
        title=title,
        subtitle=config.description,
        facet=facet,
        articles=articles,
        links=feed_links,
        article_url=lambda article: pages.article_url(article, base),
        base_url=base,
    )
    return render(feed, query.fmt or "atom")


def facet_label(facet: Facet, articles: Sequence[Article]) -> str:
    """The facet's display name as the document's newest article spells it (`아시아`).

    Taken from the document's own articles, not the database at large, so a title changes only
    with the entries whose keys are in the ETag.
    """
    for article in articles:
        if facet.kind == "section" and article.section and article.section.slug == facet.value:
            return article.section.label or facet.value
        if facet.kind == "tag":
            for tag in article.tags:
                if tag.slug == facet.value:
                    return tag.label or facet.value
        if facet.kind == "author":
            for author in article.authors:
                if author.slug == facet.value:
                    return author.name
        if facet.kind == "source" and article.source and article.source.slug == facet.value:
            return article.source.name
    return facet.value


# Browsers render application/atom+xml and application/rss+xml as plain text (or download it)
# and apply the xml-stylesheet instruction only to generic XML; feed readers never send an
# Accept that prefers HTML over feeds, so they keep the exact feed media types.
BROWSER_XML_TYPE = "application/xml; charset=utf-8"
_FEED_TYPES = ("application/atom+xml", "application/rss+xml")


@lru_cache(maxsize=512)
def for_browser(accept: str | None) -> bool:
    """Whether an Accept header is a browser navigating: HTML accepted, feed types never named."""
    if not accept or "text/html" not in accept:
        return False
    parsed = parse_accept_header(accept, MIMEAccept)
    if parsed.quality("text/html") <= 0:
        return False
    named = {value.lower() for value, _ in parsed}
    return not any(media in named for media in _FEED_TYPES)


@lru_cache(maxsize=512)
def negotiate(accept: str | None) -> str | None:
    """The format for an `Accept` header: Atom when absent or `*/*`, None if nothing fits."""
    if not accept or not accept.strip():
        return "atom"
    best = parse_accept_header(accept, MIMEAccept).best_match(_OFFERED_LIST)
    return _OFFERED[best] if best else None


@lru_cache(maxsize=512)
def choose_encoding(accept_encoding: str) -> str | None:
    """`br`, `gzip` or None (identity) for an Accept-Encoding header, honouring q-values.

    A specific coding's q-value wins over `*`; Brotli is preferred when the q-values tie.
    """
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0 or math.isnan(q):
                    q = 0.0
        if name == "x-gzip":
            name = "gzip"
        qualities[name] = q
    star = qualities.get("*", 0.0)
    br = qualities.get("br", star)
    gz = qualities.get("gzip", star)
    if br <= 0 and gz <= 0:
        return None
    return "br" if br >= gz else "gzip"


def _not_acceptable(query: FeedQuery) -> Response:
    base = pages.public_base_url(_service().config)
    urls = "\n".join(
        f"  {_OFFERED_NAME[fmt]}: {base}{feed_path(query.facet, fmt)}" for fmt in FORMATS
    )
    return _text(
        406,
        "none of the formats in your Accept header is available; this feed is offered as\n"
        f"{urls}\n",
        {"Vary": "Accept", "Cache-Control": "no-store"},
    )


_OFFERED_NAME = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}


def _text(status: int, body: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(body, status=status, mimetype="text/plain")
    if headers:
        response.headers.update(headers)
    return response


def error_response(
    status: int, message: str, *, as_json: bool = False, headers: dict[str, Any] | None = None
) -> Response:
    """A short client-error body saying what to do: JSON for `.json` URLs, else plain text."""
    if as_json or (request.path.startswith("/feeds/") and request.path.endswith(".json")):
        body = json.dumps({"error": message, "status": status}, ensure_ascii=False) + "\n"
        response = Response(body, status=status, mimetype="application/json")
    else:
        response = Response(message + "\n", status=status, mimetype="text/plain")
    # Client errors may be cached briefly so a misconfigured reader does not hammer us.
    response.headers["Cache-Control"] = "public, max-age=60" if status == 404 else "no-store"
    if headers:
        response.headers.update(headers)
    return response


_HTTP_HINTS: dict[int, str] = {
    404: "not found: see / for the list of feeds",
    405: "method not allowed: feeds are read with GET or HEAD",
    414: "URL too long: feed URLs are short, see / for the list",
}


def handle_http_error(exc: HTTPException) -> Response:
    """Every HTTP error as a short plain body (JSON for `.json` feed URLs)."""
    status = exc.code or 500
    if status >= 500:
        return _text(status, "the server could not answer this request; please retry later\n")
    message = _HTTP_HINTS.get(status) or f"{status} {exc.name}: {exc.description}"
    # Keep the headers the exception carries, e.g. Allow on 405.
    extra = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return error_response(status, message, headers=extra)


def handle_server_error(exc: Exception) -> Response:
    """Unexpected failure: Flask has logged it; answer with a plain message."""
    return _text(
        500,
        "internal error: the problem has been logged; please retry later\n",
        {"Cache-Control": "no-store"},
    )


def handle_database_error(exc: Exception) -> Response:
    """The database is unreachable: 503 so caches may serve their stale copy (stale-if-error)."""
    log.error("database error while serving %s: %s", request.path, exc)
    return _text(
        503,
        "the article database is unavailable; please retry shortly\n",
        {"Retry-After": "30", "Cache-Control": "no-store"},
    )


def feed_urls(base: str, facets: Sequence[Facet]) -> list[str]:
    """Absolute URLs of the live feeds (every format) of the given facets, e.g. for WebSub."""
    return [base + feed_path(facet, fmt) for facet in facets for fmt in FORMATS]
