"""Feed URLs over HTTP: the feed route (live, paged, archive; content negotiation by
`feeds.negotiation`), its browser preview and the health check.

A request goes: parse the URL (`feeds.query`) -> read the page's entry keys and paging state
from the store (a few indexed queries, no article bodies) -> ETag (`feeds.feed_service`) ->
304 if the client's copy is current -> else the rendered bytes from the in-process cache
(`feeds.cache`), rendering only on a miss (`feeds.responses.document_response`). A misspelt
feed URL is redirected by `feeds.feed_redirects`, errors answered by `feeds.error_answers`,
answers kept for the response memo by `feeds.feed_memo`. See docs/http.md for the URL map
and the header rules.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, current_app, request
from flask.blueprints import BlueprintSetupState

from articles.store import Facet
from feeds.assemble import document_feed, document_links, render_document
from feeds.documents import Document
from feeds.error_answers import error_response, text_response
from feeds.fastpath import MEMO_KEY
from feeds.feed_memo import remember as remember_answer
from feeds.feed_redirects import canonical_redirect, label_redirect
from feeds.feed_service import FeedService, feed_etag, feed_last_modified, self_query_string
from feeds.negotiation import feed_media_type, negotiate
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
from feeds.responses import document_response
from feeds.urls import (
    CSS_PATH,
    FEEDS_PREFIX,
    FORMATS,
    HEALTH_PATH,
    AnyPathConverter,
    feed_path,
    public_base_url,
)
from feeds.websub import is_topic, link_header

log = logging.getLogger(__name__)

bp = Blueprint("feeds", __name__)


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
# goes (see feeds.feed_redirects), so a redirect never leads to an error.
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
        return canonical_redirect(service, canonical, base)
    try:
        query = parse_feed_path(
            subpath,
            request.args,
            limits=config.feed_limits,
            site=base,
        )
    except NonCanonical as exc:  # `lang/en-gb.atom`: the language's one spelling
        return canonical_redirect(service, exc.canonical, base)
    except QueryError as exc:
        moved = label_redirect(service, subpath, base)
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
        moved = label_redirect(service, subpath, base) if exc.status == 404 else None
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
            remember_answer(
                service.memo, memo_key, opaque, modified, body, bare, doc, now, read_at, full
            )

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


@bp.get(HEALTH_PATH)
def healthz() -> Response:
    """200 `ok` when the database answers a trivial query, else 503."""
    try:
        # One indexed row of the main table: proves the connection and the schema.
        _service().store.page_keys(Facet("all", ""), now=datetime.now(UTC), limit=1)
    except Exception as exc:  # any failure to reach the database means "not healthy"
        # One line with the reason: a load balancer asks often, and the cause is the same.
        log.warning("health check: the database did not answer: %s", exc)
        return text_response(503, "database unavailable\n", {"Cache-Control": "no-store"})
    return text_response(200, "ok\n", {"Cache-Control": "no-store"})


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
    return text_response(
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
