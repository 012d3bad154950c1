"""Feed URLs over HTTP: routes, content negotiation (`feeds.negotiation`), conditional GET,
caching and compression.

A request goes: parse the URL (`feeds.query`) -> read the page's entry keys and paging state
from the store (a few indexed queries, no article bodies) -> ETag -> 304 if the client's copy
is current -> else the rendered bytes from the in-process cache (`feeds.cache`), rendering
only on a miss. See docs/http.md for the URL map and the header rules.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, request
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed, SecurityError
from werkzeug.http import http_date

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

from sqlalchemy.exc import DataError

from articles.errors import UnstorableValue
from articles.store import Facet, Store
from feeds.assemble import document_feed, document_links, render_document
from feeds.cache import RenderCache
from feeds.config import SiteConfig
from feeds.documents import Document, Documents
from feeds.etag import (
    NOT_MODIFIED,
    PRECONDITION_FAILED,
    DocumentVersion,
    document_etag,
    precondition_status,
    quoted,
)
from feeds.fastpath import MEMO_KEY, MemoEntry, MemoKey, ResponseMemo
from feeds.negotiation import (
    NO_CODING_MESSAGE,
    UNCOMPRESSED_ONLY_MESSAGE,
    choose_encoding,
    feed_media_type,
    identity_acceptable,
    negotiate,
    with_vary,
)
from feeds.preview import (
    HTML_TYPE,
    VARY,
    build_preview,
    is_navigation,
    navigation_headers,
    preview_etag,
    render_preview,
)
from feeds.query import FeedQuery, NonCanonical, QueryError, parse_feed_path
from feeds.redirects import labelled_slug, permanent_redirect
from feeds.urls import (
    API_PREFIX,
    ARTICLES_PREFIX,
    CSS_PATH,
    FEEDS_PREFIX,
    FORMATS,
    HEALTH_PATH,
    KIND_BY_SEGMENT,
    ROBOTS_PATH,
    SITEMAP_INDEX_PATH,
    AnyPathConverter,
    feed_path,
    public_base_url,
)
from feeds.websub import is_topic, link_header

log = logging.getLogger(__name__)

bp = Blueprint("feeds", __name__)


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
        version: DocumentVersion | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.cache = cache
        self.clock = clock
        self.memo = memo or ResponseMemo(0)
        self.documents = Documents(store, config, version)

    def cache_control(self, doc: Document) -> tuple[int, str]:
        """`max-age` and the `Cache-Control` value of a document (see docs/http.md).

        A settled archive lives `archive_max_age`, everything else `cache_max_age`. Nothing
        is `immutable`: a deletion or a correction changes an archive too, and caches must
        learn of it. See `cache_policy` for a document an embargo ending will change.
        """
        max_age = self.config.archive_max_age if doc.settled else self.config.cache_max_age
        return cache_policy(self.config, max_age, doc.until_change)


def cache_policy(config: SiteConfig, max_age: int, until_change: float | None) -> tuple[int, str]:
    """(`max-age`, `Cache-Control`) of a public document kept `max_age` seconds at most that
    changes by the clock in `until_change` seconds (an embargo ending), or None.

    `stale-while-revalidate` and `stale-if-error` follow (RFC 5861), each only when the
    change is no sooner than the end of the staleness it allows: a cache may serve a stale
    copy that many seconds past `max-age` (section 3; section 4 when the origin fails), and
    must not show the version before the change after its time. A document the clock will
    change is kept no longer than that.
    """
    if until_change is not None:
        max_age = max(0, min(max_age, int(until_change)))
    value = f"public, max-age={max_age}"
    for name, seconds in (
        ("stale-while-revalidate", config.stale_while_revalidate),
        ("stale-if-error", config.stale_if_error),
    ):
        if until_change is None or until_change >= max_age + seconds:
            value += f", {name}={seconds}"
    return max_age, value


def undated_cache_control(value: str) -> str:
    """The `Cache-Control` of a public answer sent without `Last-Modified` (its latest change
    is too recent to date: `feeds.etag.settled_last_modified`): `s-maxage=0` added, so a
    shared cache does not keep it.

    A cache keeps the headers of the answer it stored: nginx revalidates an expired copy
    with its ETag and, on the app's 304, serves the stored headers again, so a copy stored
    in the second after a write stayed undated for as long as the document did not change,
    and every reader polling with `If-Modified-Since` got the whole document. With
    `s-maxage=0` nginx stores nothing (a cache that does store it must revalidate at each
    use, and takes the date from the 304, RFC 9111 4.3.4); the next answer, dated, is
    stored. Browsers and readers keep their `max-age`: their copy is validated by its ETag.
    """
    directives = [part.strip() for part in value.split(",")]
    if "public" not in directives or any(d.startswith("s-maxage=") for d in directives):
        return value
    return f"{value}, s-maxage=0"


def init_app(app: Flask, service: FeedService) -> None:
    """Attach the feed service and the feed blueprint to the app."""
    app.extensions["feeds.http"] = service
    app.register_blueprint(bp)


def _service() -> FeedService:
    service: FeedService = current_app.extensions["feeds.http"]
    return service


@bp.record_once
def _register_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["any_path"] = AnyPathConverter


# Slashes are not merged by Werkzeug here: the view itself decides where a misspelt feed URL
# goes (see _canonical_redirect), so a redirect never leads to an error.
@bp.get(FEEDS_PREFIX + "<any_path:subpath>", merge_slashes=False)
def feed(subpath: str) -> Response:
    """Serve one feed document: live, paged or a monthly archive, in any format."""
    service = _service()
    config = service.config
    base = public_base_url(config)
    canonical = "/".join(part for part in subpath.split("/") if part)
    if canonical != subpath and canonical:
        # `/feeds/all.atom/`, `/feeds/section//asia`: a slash added or doubled by hand or by a
        # CMS link; the feed is one step away, if there is one.
        return _canonical_redirect(service, canonical, base)
    try:
        query = parse_feed_path(
            subpath,
            request.args,
            limits=config.feed_limits,
            site=base,
        )
    except NonCanonical as exc:  # `lang/en-gb.atom`: the language's one spelling
        return _canonical_redirect(service, exc.canonical, base)
    except QueryError as exc:
        moved = _label_redirect(service, subpath, base)
        return moved if moved is not None else error_response(exc.status, exc.message)

    negotiated = query.fmt is None
    accept = request.headers.get("Accept")
    if negotiated:
        fmt = negotiate(accept)
        if fmt is None:
            return _not_acceptable(query)
        query = query.with_format(fmt)
    fmt = query.fmt or "atom"

    now = service.clock()
    read_at = service.memo.clock()  # the memo's clock at `now`: replay limits count from here
    try:
        doc = service.documents.describe(query, now, site=base)
    except QueryError as exc:
        # `section/ASIA.atom`: a well-formed path naming no feed may still spell one.
        moved = _label_redirect(service, subpath, base) if exc.status == 404 else None
        if moved is not None:
            return moved
        return error_response(exc.status, exc.message)

    self_query = "" if query.month is not None else self_query_string(request.args, query)
    links = document_links(query, doc, base, self_query, service.config.feed_limits(query.facet)[0])
    opaque = feed_etag(config, base, self_query, query, doc)
    if is_navigation(*navigation_headers(request.headers)):
        # A person opened the feed in a browser: the same document as an HTML page.
        full = feed_etag(config, base, self_query, query, doc, every_part=True)
        return _preview(service, query, doc, links, base, full)
    modified = feed_last_modified(doc)
    headers: dict[str, str] = {
        "Cache-Control": service.cache_control(doc)[1],
        # Accept picks the format of an extension-less URL; Accept and the navigation headers
        # decide between the feed and its HTML preview (feeds.preview).
        "Vary": VARY,
    }
    if negotiated:
        headers["Content-Location"] = links[fmt]["self"] or ""
    if config.hub_url and is_topic(links[fmt]["self"] or "", query.facet, fmt, base):
        headers["Link"] = link_header(config.hub_url, links[fmt]["self"] or "")
    memo_key = request.environ.get(MEMO_KEY)

    def remember(body: bytes | None, bare: dict[str, str], full: dict[str, str]) -> None:
        if memo_key is not None:
            _remember(service, memo_key, opaque, modified, body, bare, doc, now, read_at, full)

    return document_response(
        opaque=opaque,
        render=lambda: _render(service, query, doc, links, base),
        media_type=feed_media_type(fmt, accept),
        headers=headers,
        modified=modified,
        now=now,
        cache=service.cache,
        answered=remember,
    )


def document_response(
    *,
    opaque: str,
    render: Callable[[], bytes],
    media_type: str,
    headers: Mapping[str, str],
    modified: datetime | None = None,
    now: datetime | None = None,
    cache: RenderCache | None = None,
    answered: Callable[[bytes | None, dict[str, str], dict[str, str]], None] | None = None,
    compressible: bool = True,
) -> Response:
    """The answer to a GET of one text document the app serves: feeds, their preview pages,
    the index, facet and article pages, OPML, sitemaps, robots.txt and the static files.

    `opaque` is the document's ETag without quotes or coding suffix (it names every byte of
    it), `render()` makes its bytes on a miss of the render cache (`cache`, default the app's
    `feeds.cache`), `headers` its own (Cache-Control, Vary, ...), `modified` its Last-Modified
    (whole seconds, UTC; None: none sent), `now` the request's time. The content coding is
    chosen from `Accept-Encoding` with q-values (`choose_encoding`), `Vary` names
    `Accept-Encoding`, each coding has its own strong ETag (`feeds.etag.quoted`: `"x"`,
    `"x-gz"`, `"x-br"`), and the preconditions are weighed in RFC 9110's order
    (`feeds.etag.precondition_status`): If-Match or If-Unmodified-Since failing gives 412, and
    If-None-Match holding the tag of any coding, or else If-Modified-Since not before
    `modified`, a 304 without rendering. The body is
    compressed once per document and process and kept beside the identity bytes
    (`RenderCache.variant`), so the static export, which writes `feeds.cache.compress` of the
    identity bytes, holds the same bytes. `answered(body, headers_of_304, headers_of_200)` is
    told the outcome (body None for a 304), for the response memo. A document that is not
    `compressible` (an image) is sent only as it is, under the same rule (RFC 9110 12.5.3):
    a header that refuses identity gets the 406 (`_no_acceptable_coding`), whatever coding it
    names, so it too varies on `Accept-Encoding`.
    """
    accept_encoding = request.headers.get("Accept-Encoding", "")
    coding = choose_encoding(accept_encoding) if compressible else None
    bare: dict[str, str] = {"ETag": quoted(opaque, coding), **headers}
    # Even a document sent only as it is depends on Accept-Encoding: refused, it is a 406.
    bare["Vary"] = with_vary(headers.get("Vary", ""), "Accept-Encoding")
    if modified is not None:
        bare["Last-Modified"] = http_date(modified)
    elif "Cache-Control" in bare:
        bare["Cache-Control"] = undated_cache_control(bare["Cache-Control"])
    outcome = precondition_status(
        request.headers.get("If-Match"),
        request.headers.get("If-Unmodified-Since"),
        request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"),
        opaque,
        modified,
        now,
    )
    if outcome == PRECONDITION_FAILED:
        return precondition_failed(bare)
    if outcome == NOT_MODIFIED:
        if answered is not None:
            answered(None, bare, bare)
        return NotModified(status=304, headers=bare)
    if coding is None and not identity_acceptable(accept_encoding):
        return _no_acceptable_coding(bare, compressible)
    if cache is None:
        cache = current_app.extensions["feeds.cache"]
    entry = cache.get_or_render(opaque, render)
    data = entry.body
    full = dict(bare)
    if coding is not None:
        data = cache.variant(opaque, entry, coding)
        full["Content-Encoding"] = coding
    full["Content-Type"] = media_type
    if answered is not None:
        answered(data, bare, full)
    return Response(data, status=200, headers=full)


def _label_redirect(service: FeedService, subpath: str, base: str) -> Response | None:
    """`/feeds/tag/오디오.rss` (percent-encoded or not): a tag or author named by its label, as
    people write and share it, answers 301 to its slug's feed (same format, archive and
    query) when that document exists. None otherwise, so a label only non-public articles
    carry gets the same 404 as one never used."""
    parts = subpath.split("/")
    if len(parts) < 2 or parts[0] not in KIND_BY_SEGMENT:
        return None
    label, ext = parts[1], ""
    if len(parts) == 2:
        stem, dot, fmt = label.rpartition(".")
        if dot and fmt in FORMATS:
            label, ext = stem, dot + fmt
    slug = labelled_slug(service.store, KIND_BY_SEGMENT[parts[0]], label)
    if slug is None:
        return None
    canonical = "/".join([parts[0], slug + ext, *parts[2:]])
    exc = _document_error(service, canonical, base)
    if exc is None:
        return permanent_redirect(FEEDS_PREFIX + canonical)
    if _document_error(service, f"{parts[0]}/{slug}", base, MultiDict()) is None:
        # The slug's feed is served, not this document of it (a month it never had, a page
        # past its end): that document's own reason, never a redirect to it.
        return error_response(exc.status, exc.message, feed=FEEDS_PREFIX + canonical)
    return None


def _canonical_redirect(service: FeedService, canonical: str, base: str) -> Response:
    """301 to the canonical spelling of a feed URL when that names a document; otherwise the
    error that URL would get, at once (never a redirect to a 404)."""
    canonical, exc = _canonical_document(service, canonical, base)
    if exc is not None:
        return error_response(exc.status, exc.message, feed=FEEDS_PREFIX + canonical)
    return permanent_redirect(FEEDS_PREFIX + canonical)


def _document_error(
    service: FeedService, canonical: str, base: str, args: MultiDict[str, str] | None = None
) -> QueryError | None:
    """None when the feed path `canonical` (with this request's query, or `args`) names a
    document in its own spelling, else the error it would get: checked before any redirect
    to it, so none leads to a 404 or to another redirect."""
    config = service.config
    try:
        query = parse_feed_path(
            canonical,
            request.args if args is None else args,
            limits=config.feed_limits,
            site=base,
        )
        service.documents.describe(query, service.clock(), site=base)
    except QueryError as exc:
        return exc
    return None


def _canonical_document(
    service: FeedService, path: str, base: str
) -> tuple[str, QueryError | None]:
    """The feed path `path` in its canonical spelling (slashes already merged; a language's
    case), and the error it gets (None: it names a document)."""
    exc = _document_error(service, path, base)
    if isinstance(exc, NonCanonical):
        path = exc.canonical
        exc = _document_error(service, path, base)
    return path, exc


def _remember(
    service: FeedService,
    key: MemoKey,
    opaque: str,
    modified: datetime | None,
    body: bytes | None,
    not_modified_headers: dict[str, str],
    doc: Document,
    now: datetime,
    read_at: float,
    headers: dict[str, str] | None = None,
) -> None:
    """Keep this answer for identical requests in the next moment (see feeds.fastpath);
    `read_at` is the memo clock's reading when the request read `now`.

    An answer without Last-Modified (the latest change is in `now`'s second, or ahead of the
    clock: `feeds.etag.settled_last_modified`) is kept only until that second ends. Past it,
    another worker may already send the date; a replay without one would then contradict it
    (a dated 200, then an undated 304 for the same document).
    """
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
            expires=service.memo.expiry(
                _memo_lifetime(doc.until_change, modified, now), since=read_at
            ),
        ),
    )


def _memo_lifetime(
    until_change: float | None, modified: datetime | None, now: datetime
) -> float | None:
    """Seconds an answer may be replayed besides the memo's window (None: no limit of its
    own): until the document changes by the clock, and for an undated answer (`modified`
    None) until the end of `now`'s whole second, when a date may become promised."""
    if modified is not None:
        return until_change
    rest = 1.0 - now.microsecond / 1_000_000
    return rest if until_change is None else min(until_change, rest)


@bp.get(HEALTH_PATH)
def healthz() -> Response:
    """200 `ok` when the database answers a trivial query, else 503."""
    try:
        # One indexed row of the main table: proves the connection and the schema.
        _service().store.page_keys(Facet("all", ""), now=datetime.now(UTC), limit=1)
    except Exception as exc:  # any failure to reach the database means "not healthy"
        # One line with the reason: a load balancer asks often, and the cause is the same.
        log.warning("health check: the database did not answer: %s", exc)
        return _text(503, "database unavailable\n", {"Cache-Control": "no-store"})
    return _text(200, "ok\n", {"Cache-Control": "no-store"})


def feed_etag(
    config: SiteConfig,
    base: str,
    self_query: str,
    query: FeedQuery,
    doc: Document,
    *,
    every_part: bool = False,
) -> str:
    """The opaque part of a feed document's ETag (`feeds.etag.document_etag`), from the query
    step's state alone: no rendering. The feed view and the static export both use it. It
    hashes what the document's format shows, so a write the document does not show (an
    entry removed past its page, a tombstone JSON Feed does not carry) leaves it alone;
    `every_part` hashes the whole state, the count of entries included, for the HTML preview
    (`feeds.preview.preview_etag`), which shows more than any one format."""
    return document_etag(
        fingerprint=config.fingerprint(),
        base_url=base + self_query,  # the self link repeats the request's query
        fmt=query.fmt or "atom",
        facet_kind=query.facet.kind,
        facet_value=query.facet.value,
        page=query.page,
        limit=query.limit,
        month=query.month,
        keys=doc.keys,
        total=doc.total,
        last_page=doc.last_page,
        archive_links=doc.archive_links,
        empty_updated=doc.empty_updated,
        translations=doc.translations,  # their hreflang links are in the bytes
        tombstones=doc.tombstones,
        has_page=doc.has_page,  # its alternate link: the facet's page or the front page
        every_part=every_part or query.facet.kind == "podcast",  # a show's own writer
    )


def feed_last_modified(doc: Document) -> datetime | None:
    """A feed document's Last-Modified (aware UTC, whole seconds), or None while its latest
    change is too recent to date (`feeds.etag.settled_last_modified`).

    Entries that link other-language versions keep it: a version appearing, leaving or
    changing moves the feed's change time (the store's write path marks every feed whose
    entries link it, `articles.store.linked`), or, when its embargo ends, the link's own time
    (`Documents`), so the date moves forward whenever the links do.
    """
    return doc.modified


def self_query_string(args: Mapping[str, str], query: FeedQuery) -> str:
    """The query string of the document's own URL: its paging arguments in the client's order.

    Only `page` and `limit` are kept (tracking parameters and the like are dropped), written
    with the parsed values, so `?limit=5&page=2` stays as it came (`?page=02` is refused by
    feeds.query: a number has one spelling).
    """
    values = {"page": query.page, "limit": query.limit}
    parts = [f"{name}={values[name]}" for name in args if name in values]
    return "?" + "&".join(parts) if parts else ""


def _render(
    service: FeedService,
    query: FeedQuery,
    doc: Document,
    links: dict[str, dict[str, str | None]],
    base: str,
) -> bytes:
    """Fetch the page's articles and write the document (only on a cache miss)."""
    fmt = query.fmt or "atom"
    feed = document_feed(service.config, service.store, query, doc, links, base)
    return render_document(service.config, feed, query.facet, fmt)


def _preview(
    service: FeedService,
    query: FeedQuery,
    doc: Document,
    links: dict[str, dict[str, str | None]],
    base: str,
    opaque: str,
) -> Response:
    """The browser's HTML page of the document (feeds.preview), from the same feed model:
    its own ETag (`preview_etag`, derived from the feed's whole state, `opaque`, so a
    revalidation reads no rows),
    `Cache-Control: private` and the feed document's Last-Modified (`Document.modified`: it
    shows the same entries, and its floor, the documents' version, moves with a release
    that changes the page)."""

    config = service.config
    fmt = query.fmt or "atom"

    def page() -> bytes:
        view = build_preview(
            document_feed(config, service.store, query, doc, links, base),
            fmt=fmt,
            subscribe_url=base + feed_path(query.facet, fmt),
            zone=config.zone,
            page=query.page,
            limit=query.limit,
            last_page=doc.last_page,
            total=doc.total,
            month=query.month,
        )
        context = {"site": config, "base": base, "css_url": base + CSS_PATH}
        return render_preview(view, context)

    max_age = max(0, min(service.cache_control(doc)[0], config.cache_max_age))
    return document_response(
        opaque=preview_etag(opaque),
        render=page,
        media_type=HTML_TYPE,
        headers={"Cache-Control": f"private, max-age={max_age}", "Vary": VARY},
        modified=doc.modified,
        now=service.clock(),
        cache=service.cache,
    )


def _not_acceptable(query: FeedQuery) -> Response:
    base = public_base_url(_service().config)
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


def _no_acceptable_coding(headers: Mapping[str, str], compressible: bool = True) -> Response:
    """406 when Accept-Encoding refuses identity (`identity;q=0`, `*;q=0`) and names no coding
    the document is sent in (RFC 9110 12.5.3): it said the uncompressed body is not
    acceptable. A document sent only as it is (an image, not `compressible`) has no coding at
    all, so `gzip, identity;q=0` refuses it too (it used to get the uncompressed body)."""
    return error_response(
        406,
        NO_CODING_MESSAGE if compressible else UNCOMPRESSED_ONLY_MESSAGE,
        headers={"Vary": headers.get("Vary", "Accept-Encoding")},
    )


def precondition_failed(headers: Mapping[str, str]) -> Response:
    """412 (RFC 9110 15.5.13) for a GET whose If-Match or If-Unmodified-Since fails: the
    document's validators go with it, so the client can tell what it holds is not current."""
    kept = {name: headers[name] for name in ("ETag", "Last-Modified", "Vary") if name in headers}
    return error_response(
        412,
        "precondition failed: this document's current ETag and Last-Modified are in the "
        "headers; drop If-Match and If-Unmodified-Since to get it",
        headers=kept,
    )


def _text(status: int, body: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(body, status=status, mimetype="text/plain")
    if headers:
        response.headers.update(headers)
    return response


def error_response(
    status: int, message: str, *, feed: str | None = None, headers: dict[str, Any] | None = None
) -> Response:
    """A short client-error body saying what to do: JSON on a feed URL whose format is JSON
    Feed, else plain text. `feed` is the feed path whose format decides (default: this
    request's). The format of a feed URL without an extension is the one `Accept` chooses
    (`feeds.negotiation.negotiate`), so the error's body depends on `Accept` there too and
    carries `Vary: Accept` (RFC 9110 12.5.5), whatever its status."""
    as_json, by_accept = _error_format(feed if feed is not None else request.path)
    if as_json:
        body = json.dumps({"error": message, "status": status}, ensure_ascii=False) + "\n"
        response = Response(body, status=status, mimetype="application/json")
    else:
        response = Response(message + "\n", status=status, mimetype="text/plain")
    # A 404 may be stored but is checked with us at every use: an embargo that ends may fill
    # it, and a lifetime cut short only for the feeds it will fill would give them away. So
    # may a 410 (a feed whose entries were all removed): a new entry brings it back.
    response.headers["Cache-Control"] = "no-cache" if status in (404, 410) else "no-store"
    if headers:
        response.headers.update(headers)
    if by_accept:
        response.headers["Vary"] = with_vary(response.headers.get("Vary", ""), "Accept")
    return response


def _error_format(path: str) -> tuple[bool, bool]:
    """(whether an error at `path` is JSON, whether `Accept` chose that): a feed URL's format
    is its extension's, or without one (`/feeds/all`, `/feeds/tag/x/`) the negotiated one."""
    if not path.startswith(FEEDS_PREFIX):
        return False, False
    last = path.rsplit("/", 1)[-1]
    if "." in last:
        return last.endswith(".json"), False
    return negotiate(request.headers.get("Accept")) == "json", True


_HTTP_HINTS: dict[int, str] = {
    404: "not found: see {site}/ for the list of feeds",
}

# What each route serves, as a 405's body names it (`method_not_allowed_message`), and
# whether its content comes from the articles (so a write is the publishing API's to make).
# Keyed by endpoint; `redirects.*` are the conventional and moved feed locations.
_KINDS: dict[str, tuple[str, bool]] = {
    "feeds.feed": ("this feed", True),
    "feeds.healthz": ("the health check", False),
    "pages.index": ("the front page", True),
    "pages.facet_page": ("this {segment} page", True),
    "pages.article_page": ("this article's page", True),
    "pages.opml": ("the OPML list of feeds", True),
    "pages.feed_stylesheet": ("the feeds' XSL stylesheet", False),
    "pages.feed_css": ("the style sheet", False),
    "pages.sample_image": ("this sample image", False),
    "subscribers_page.subscribers_page": ("the subscriber counts page", False),
    "subscribers_page.sign_in": ("the subscriber counts page", False),
    "subscribers_page.sign_out": ("the subscriber counts page's sign-out", False),
    "sitemaps.crawler_document": ("this sitemap", True),
    "redirects": ("this address (a redirect)", True),
}
# The crawlers' documents by path: one route serves them all.
_CRAWLER_KINDS: dict[str, str] = {
    ROBOTS_PATH: "robots.txt",
    SITEMAP_INDEX_PATH: "the sitemap index",
}
# The order a 405's body lists the methods in (Allow's own order is the router's).
_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def document_kind(path: str, methods: Sequence[str]) -> tuple[str, bool]:
    """(what the route at `path` serves, as a sentence names it: "this feed", "robots.txt",
    "this article's page", ...; whether its content comes from the articles) for a request
    one of `methods` would route. "this document" for a path no route names."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in methods:
        try:
            endpoint, args = adapter.match(path, method=method)
        except HTTPException:
            continue
        if endpoint == "sitemaps.crawler_document" and path in _CRAWLER_KINDS:
            return _CRAWLER_KINDS[path], path != ROBOTS_PATH
        noun, from_articles = _KINDS.get(endpoint) or _KINDS.get(
            endpoint.partition(".")[0], ("this document", False)
        )
        return noun.format(**{k: v for k, v in args.items() if isinstance(v, str)}), (from_articles)
    return "this document", False


def method_not_allowed_message(path: str, method: str, allowed: Sequence[str]) -> str:
    """The body of a 405 outside the API: which document this is, the methods it takes (as
    its `Allow` lists them), and for a write (POST, PUT, PATCH, DELETE) to a document made
    from the articles, where articles are written: the publishing API (docs/api.md), naming
    the article's own API URL on an article's page."""
    taken = [m for m in _METHOD_ORDER if m in allowed]
    kind, from_articles = document_kind(path, taken)
    said = ", ".join(taken[:-1]) + f" or {taken[-1]}" if len(taken) > 1 else "".join(taken)
    verb = "is read with" if set(taken) <= {"GET", "HEAD"} else "takes"
    message = f"405 Method Not Allowed: {kind} does not take {method}"
    if said:
        message += f"; it {verb} {said}"
    message += " (the Allow header lists the methods)"
    if method in WRITE_METHODS and from_articles:
        site = _site_root()
        if path.startswith(ARTICLES_PREFIX) and len(path) > len(ARTICLES_PREFIX):
            api = f"{site}{API_PREFIX}articles/{quote(path[len(ARTICLES_PREFIX) :], safe='')}"
            message += (
                f". To change or delete this article, send PUT, PATCH or DELETE to {api} "
                "with an API token (see docs/api.md)"
            )
        else:
            message += (
                ". The feeds, pages and sitemaps are made from the articles, which are "
                f"published, changed and deleted through the publishing API: PUT, PATCH or "
                f"DELETE {site}{API_PREFIX}articles/<id> with an API token (see docs/api.md)"
            )
    return message


def _site_root() -> str:
    """The public base URL for a message, or "" (root-relative) when the Host is unusable."""
    try:
        return public_base_url(_config())
    except HTTPException:
        return ""


def _config() -> SiteConfig:
    config: SiteConfig = current_app.extensions["feeds.config"]
    return config


def handle_http_error(exc: HTTPException) -> Response:
    """Every HTTP error as a short plain body (JSON for `.json` feed URLs)."""
    status = exc.code or 500
    if status == 501:  # a method no route implements (feeds.request_line): says which do
        return error_response(status, f"501 Not Implemented: {exc.description}")
    if status >= 500:
        return _text(status, "the server could not answer this request; please retry later\n")
    if isinstance(exc, SecurityError):  # Flask's TRUSTED_HOSTS check
        return error_response(
            status,
            "400 Bad Request: the Host header names a host this site does not answer for; "
            "use the site's own address (the server's trusted_hosts setting lists them)",
        )
    hint = _HTTP_HINTS.get(status)
    message = (
        hint.replace("{site}", _site_root()) if hint else f"{status} {exc.name}: {exc.description}"
    )
    # Keep the headers the exception carries, e.g. Allow on 405.
    extra = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    if isinstance(exc, MethodNotAllowed):
        allowed = [m.strip() for m in str(extra.get("Allow", "")).split(",") if m.strip()]
        message = method_not_allowed_message(request.path, request.method, allowed)
    return error_response(status, message, headers=extra)


def handle_server_error(exc: Exception) -> Response:
    """Unexpected failure: Flask has logged it; answer with a plain message."""
    return _text(
        500,
        "internal error: the problem has been logged; please retry later\n",
        {"Cache-Control": "no-store"},
    )


def handle_database_error(exc: Exception) -> Response:
    """The database is unreachable: 503 so caches may serve their stale copy (stale-if-error).

    A value of the request the database refused (UnstorableValue, SQLAlchemy's DataError) is
    the client's error, never reported as an outage: 400 (feeds.request_text refuses the
    known cases before any query; this is the net under it)."""
    if isinstance(exc, UnstorableValue | DataError):
        log.warning("the database refused a value while serving %r: %s", request.path, exc)
        return error_response(400, "400 Bad Request: a value in this URL cannot be looked up")
    log.error("database error while serving %s: %s", request.path, exc)
    return _text(
        503,
        "the article database is unavailable; please retry shortly\n",
        {"Retry-After": "30", "Cache-Control": "no-store"},
    )
