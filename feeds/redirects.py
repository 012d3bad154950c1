"""Permanent redirects: the feed URLs readers guess, and feeds the newsroom has moved.

Readers given a bare site URL look for autodiscovery links first and then try the usual
places (`/feed`, `/rss.xml`, `/atom.xml`, ...); people paste such URLs too. Each of those
answers 301 to the main feed in the matching format, so a guess becomes a subscription to
the canonical URL. A feed that moves (a retired CMS path, a renamed section) must answer 301
with the same entry ids, or every reader loses it or shows old items as new: `moved_feeds`
lists old path and new URL pairs. Readers that follow a 301 update the subscription.
A tag or author named by its label instead of its slug (`/tag/오디오`, `/feeds/tag/오디오.rss`),
and any facet's slug in capitals (`/feeds/section/ASIA.atom`), answers 301 to the slug's page
or feed when that exists (`labelled_slug`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final
from urllib.parse import quote, unquote_to_bytes, urlsplit

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from articles.store import Store
from feeds.config import SiteConfig
from feeds.request_line import raw_target_path, sent_path
from feeds.urls import (
    API_PREFIX,
    ARTICLES_PREFIX,
    CONVENTIONAL_FEEDS,
    FEEDS_PREFIX,
    FORMATS,
    FORWARDED_KEY,
    MAIN_FEED,
    public_base_url,
)

# Conventional feed locations and where each goes (None: the negotiated main feed).
CONVENTIONAL = CONVENTIONAL_FEEDS

# A move the newsroom made is for good: caches and readers may keep it for a year. A guessed
# location is kept for a day, so the site can later put something else there.
MOVED_MAX_AGE = 365 * 24 * 3600
CONVENTIONAL_MAX_AGE = 24 * 3600


def init_app(app: Flask, config: SiteConfig) -> None:
    """Register the configured moves and the conventional locations as exact routes (an
    exact rule wins over the `/feeds/<path>` rule, so a retired feed URL can be moved)."""
    moved = dict(config.feed_moves)
    for old, new in moved.items():
        app.add_url_rule(
            old,
            endpoint=f"redirects.moved:{old}",
            view_func=_redirect_view(new, MOVED_MAX_AGE),
            methods=["GET", "HEAD"],
        )
    for old, new in moved.items():
        if not _moves_a_whole_feed(old, new):
            continue
        # Subscribers hold the feed's formats and archives, not its extension-less URL.
        for each in FORMATS:
            if f"{old}.{each}" not in moved:  # a format moved on its own keeps its target
                app.add_url_rule(
                    f"{old}.{each}",
                    endpoint=f"redirects.moved:{old}.{each}",
                    view_func=_redirect_view(f"{new}.{each}", MOVED_MAX_AGE),
                    methods=["GET", "HEAD"],
                )
        app.add_url_rule(
            f"{old}/archive/<month>.<fmt>",
            endpoint=f"redirects.moved-archive:{old}",
            view_func=_archive_redirect_view(new),
            methods=["GET", "HEAD"],
        )
    for old, fmt in CONVENTIONAL.items():
        if old in moved:  # the newsroom's own move of that path comes first
            continue
        target = MAIN_FEED + (f".{fmt}" if fmt else "")
        app.add_url_rule(
            old,
            endpoint=f"redirects.conventional:{old}",
            view_func=_redirect_view(target, CONVENTIONAL_MAX_AGE),
            methods=["GET", "HEAD"],
        )


def _moves_a_whole_feed(old: str, new: str) -> bool:
    """Whether `old=new` moves a feed as a whole: both name a feed without a format
    (`/feeds/section/old=/feeds/section/asia`), so each format and archive moves with it."""
    if not old.startswith(FEEDS_PREFIX) or old.endswith("/"):
        return False
    return all(
        urlsplit(path).path.rsplit("/", 1)[-1].rpartition(".")[2] not in FORMATS
        and not urlsplit(path).query
        for path in (old, new)
    )


def _archive_redirect_view(new: str) -> Callable[..., Response]:
    def view(month: str, fmt: str) -> Response:
        if fmt not in FORMATS:
            raise NotFound(
                f"unknown feed format {fmt!r}: use .atom, .rss or .json; this feed moved to {new}"
            )
        return permanent_redirect(f"{new}/archive/{month}.{fmt}", MOVED_MAX_AGE)

    return view


def _redirect_view(target: str, max_age: int) -> Callable[[], Response]:
    # `moved_feeds` moves feeds: a target on another site is one too; a path here is a feed
    # when it is under FEEDS_PREFIX (`/old-page=/section/asia` moves a page).
    feed = True if not target.startswith("/") else None

    def view() -> Response:
        return permanent_redirect(target, max_age, feed=feed)

    return view


# The facet kinds whose slugs the registry gives to labels (a section's, a language's or a
# source's slug is the record's own).
LABELLED_KINDS = frozenset({"tag", "author"})


def labelled_slug(store: Store, kind: str, value: str) -> str | None:
    """The slug a facet URL's `value` stands for, when that is not `value` itself; else None:
    for a tag or author, the slug of the label `value` is (one label whatever its spelling,
    `articles.slugs.label_key`); for any kind, `value` in lower case when it is ASCII with
    capitals (slugs have none: `/feeds/section/ASIA.atom` means `asia`, as a language tag's
    case is redirected to its one spelling).

    The feed view and the facet pages redirect such a URL to the slug's, each only when the
    slug's document exists, so a label only non-public articles carry gets the same 404 as
    one never used.
    """
    if kind in LABELLED_KINDS:
        slug = store.slug_of_label(kind, value)
        if slug is not None and slug != value:
            return slug
    lowered = value.lower()
    return lowered if value.isascii() and lowered != value else None


# The methods a 301 is for: a client may turn any other into GET when it follows a 301
# (RFC 9110 15.4.2), so another method is redirected with 308, which keeps it (15.4.9).
SAFE_REDIRECT_METHODS: Final = frozenset({"GET", "HEAD"})


def redirect_text(target: str, *, feed: bool) -> str:
    """The body of a permanent redirect to `target` (an absolute URL): for a feed, that
    subscribers should subscribe to the new URL and lose no entries (a moved feed keeps its
    entry ids: they are stored, never derived from the URL); for any other document (a page,
    an article, a sitemap, robots.txt, a static file, the health check) only that it moved,
    since it has no subscribers and no entries."""
    if feed:
        return f"moved permanently: {target}\nSubscribe to that URL; entry ids are unchanged.\n"
    return (
        f"moved permanently: {target}\nThis document has moved to that URL; use it from now on.\n"
    )


def is_feed_target(target: str) -> bool:
    """Whether a redirect `target` (a path on this site, or an absolute URL) names a feed: a
    path under `FEEDS_PREFIX`, or a URL under the site's public base URL and that prefix."""
    if not target.startswith("/"):
        config: SiteConfig = current_app.extensions["feeds.config"]
        base = public_base_url(config)
        if not target.startswith(base + "/"):
            return False
        target = target[len(base) :]
    return urlsplit(target).path.startswith(FEEDS_PREFIX)


def permanent_redirect(
    target: str, max_age: int = CONVENTIONAL_MAX_AGE, *, feed: bool | None = None
) -> Response:
    """301 to `target` (a path on this site or an absolute URL), keeping the query string;
    308 for a method other than GET and HEAD. `feed` says whether `target` is a feed (the
    body's wording, `redirect_text`); None: whether its path is under `FEEDS_PREFIX`."""
    if feed is None:
        feed = is_feed_target(target)
    if target.startswith("/"):
        config: SiteConfig = current_app.extensions["feeds.config"]
        target = public_base_url(config) + target
    query = request.query_string.decode("latin-1")
    if query:
        target += ("&" if "?" in target else "?") + query
    response = Response(
        redirect_text(target, feed=feed),
        status=301 if request.method in SAFE_REDIRECT_METHODS else 308,
        mimetype="text/plain",
    )
    response.headers["Location"] = target
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


_SLASHES = re.compile("/{2,}")


def canonical_spelling() -> Response | None:
    """One spelling per document: a GET or HEAD whose path is another spelling of a path this
    site writes gets a 301 to the written one when that names a document, else that path's own
    answer at once (never a redirect to an error). Other spellings are:

    - dot segments (`/feeds/./all.atom`, `/feeds/x/../all.atom`), removed as RFC 3986 5.2.4
      resolves them (they were 404s);
    - doubled or trailing slashes (`/feeds//all.atom`, `/section/asia/`): merged and dropped.
      Werkzeug routes `//feeds/all.atom` as `/feeds/all.atom` (it drops leading slashes), so a
      leading run is merged whatever the route; elsewhere only a path no route takes is merged
      (an article id may hold `//`: `/articles/a//b`);
    - percent-encoding other than the site's own (`feeds.urls`: every character but the
      unreserved ones and the `/` between segments encoded, as UTF-8, in upper-case hex),
      when the server passes the request target as sent (REQUEST_URI: Werkzeug's server,
      uWSGI, mod_wsgi; RAW_URI: gunicorn): `/feeds/%61ll.atom` (RFC 3986 6.2.2.2: `%61` is
      `a`), `/feeds%2Fall.atom`, `/tag/%ec%98%a4` (lower-case hex). They were 200s, a second
      address of the document that caches and readers keep apart. A server that passes only
      the decoded path (Granian's WSGI) gives the app no way to tell these apart.

    Another method (POST, PUT, PATCH, DELETE) gets what the written path answers it: a 308
    (which keeps the method and body) when a route there takes the method, that path's 405
    with its `Allow` when only other methods are taken there (`/robots.txt/` was a 404 to a
    POST, though GET found the document), else the 404 as before; OPTIONS is left alone.

    The API's paths are left to its own 404 (its answers are never cached; this redirect is).
    """
    if request.method == "OPTIONS":
        return None
    environ = request.environ
    # As sent: Werkzeug's development server drops the slashes at the start of PATH_INFO.
    path = sent_path(environ)
    if not path.startswith("/"):
        return None  # `OPTIONS *` and the like: no path to spell
    target = _without_dot_segments(path)
    if target.startswith("//"):
        target = "/" + target.lstrip("/")
    if ("//" in target or (target.endswith("/") and target != "/")) and not _routed(target, path):
        target = _SLASHES.sub("/", target).rstrip("/") or "/"
    raw = _raw_path(environ, path)
    if target == path and (raw is None or raw == site_spelling(target)):
        return None
    if (target + "/").startswith(API_PREFIX) and not path.startswith("//"):
        return None
    sub_environ = {
        key: value
        for key, value in environ.items()
        if key not in ("REQUEST_URI", "RAW_URI")
        and (not key.startswith("feeds.") or key == FORWARDED_KEY)
    }
    sub_environ["PATH_INFO"] = target
    if request.method not in SAFE_REDIRECT_METHODS:
        taken = _taken(target)
        if taken is None:
            return None  # no route has the path: the request's own 404
        if taken:
            return permanent_redirect(site_spelling(target))  # a 308
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.request_context(sub_environ):
        answer = app.full_dispatch_request()
    if answer.status_code < 300 or answer.status_code == 304:
        answer.close()
        return permanent_redirect(site_spelling(target))
    return answer


def site_spelling(path: str) -> str:
    """`path` (a WSGI PATH_INFO: UTF-8 bytes read as Latin-1) percent-encoded as this site
    writes its URLs (`feeds.urls`): each segment's characters other than the unreserved ones
    (RFC 3986 2.3) in upper-case hex, and an article id as one segment, its slashes too
    (`/articles/a%2Fb`)."""
    raw = path.encode("latin-1")
    prefix = ARTICLES_PREFIX.encode()
    if raw.startswith(prefix) and len(raw) > len(prefix):
        return ARTICLES_PREFIX + quote(raw[len(prefix) :], safe="")
    return quote(raw, safe="/")


def _raw_path(environ: dict[str, object], path: str) -> str | None:
    """The path of the request target as the client sent it, when the server passes it and
    it is a spelling of `path`, the request's path as sent (`sent_path`), not one a proxy or a
    test rewrote; else None."""
    raw = raw_target_path(environ)
    if raw is None:
        return None
    script = str(environ.get("SCRIPT_NAME", ""))
    if script:
        if not raw.startswith(script):
            return None
        raw = raw[len(script) :]
    try:
        decoded = unquote_to_bytes(raw.encode("latin-1"))
    except UnicodeEncodeError:
        return None
    if decoded != path.encode("latin-1", "replace"):
        return None
    return raw


def _routed(target: str, path: str) -> bool:
    """Whether a route takes `target` as it is (an article id may hold `//` or end in `/`)."""
    if target == path:
        return request.routing_exception is None
    return _taken(target) is True


def _taken(target: str) -> bool | None:
    """Whether a route takes `target` with this request's method (True), only with others
    (False: a 405 there), or none takes it (None)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(target, method=request.method)
    except MethodNotAllowed:
        return False
    except HTTPException:
        return None
    return True


def _without_dot_segments(path: str) -> str:
    """`path` with its `.` and `..` segments resolved (RFC 3986 5.2.4); `..` never climbs
    above the root."""
    segments = path.split("/")
    if not any(segment in (".", "..") for segment in segments):
        return path
    out: list[str] = []
    for segment in segments[1:]:
        if segment == ".":
            continue
        if segment == "..":
            if out:
                out.pop()
            continue
        out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")  # `/a/b/..` is `/a/`: the dot segment leaves its slash
    return "/" + "/".join(out)
