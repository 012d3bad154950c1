"""Where a misspelt feed URL goes: a doubled or added slash, a language's case, a tag or author
named by its label. Each answers 301 to the feed's canonical URL only when that names a
document; otherwise the error that URL would get, at once (never a redirect to a 404)."""

from __future__ import annotations

from flask import Response, request
from werkzeug.datastructures import MultiDict

from feeds.error_answers import error_response
from feeds.feed_service import FeedService
from feeds.query import NonCanonical, QueryError, parse_feed_path
from feeds.redirects import labelled_slug, permanent_redirect
from feeds.urls import FEEDS_PREFIX, FORMATS, KIND_BY_SEGMENT


def label_redirect(service: FeedService, subpath: str, base: str) -> Response | None:
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


def canonical_redirect(service: FeedService, canonical: str, base: str) -> Response:
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
