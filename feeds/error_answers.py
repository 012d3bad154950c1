"""Error answers outside the publishing API: short bodies that say what to do.

`error_response` is every client error's body (JSON on a JSON Feed URL, else plain text),
`text_response` a plain-text answer, `method_not_allowed_message` the body of a 405 (which
document this is, the methods it takes, where articles are written), and the app's error
handlers (`handle_http_error`, `handle_server_error`, `handle_database_error`). See docs/http.md.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, SecurityError

from articles.errors import UnstorableValue
from feeds.config import SiteConfig
from feeds.negotiation import negotiate, with_vary
from feeds.urls import (
    API_PREFIX,
    ARTICLES_PREFIX,
    FEEDS_PREFIX,
    ROBOTS_PATH,
    SITEMAP_INDEX_PATH,
    public_base_url,
)

# The logger the feed view's error answers have always written to (logging filters name it).
log = logging.getLogger("feeds.http")


def text_response(status: int, body: str, headers: dict[str, str] | None = None) -> Response:
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
        return text_response(
            status, "the server could not answer this request; please retry later\n"
        )
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
    return text_response(
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
    return text_response(
        503,
        "the article database is unavailable; please retry shortly\n",
        {"Retry-After": "30", "Cache-Control": "no-store"},
    )
