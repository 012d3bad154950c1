"""Every path the app routes or writes, in one place: feeds, archives, pages, OPML, static files.

Paths here are relative to the site root and start with `/`; `/feeds/all.atom` under a site
served at `https://news.example.com/ko` is `https://news.example.com/ko/feeds/all.atom`. The
public root comes from `public_base_url` (the `site_url` setting, else the request's own root
after ProxyFix, which carries `X-Forwarded-Prefix` as the script root). Every absolute URL the
app writes is `base + path`, and every root-relative one (the stylesheet instruction) is
`site_path(base, path)`, so nothing the app writes can lose the prefix.

The names follow the site's two URL trees: a facet's *feed* lives under `/feeds/`
(`feed_path`, `feed_stem`, `archive_path`), its HTML *page* at the root (`facet_page_path`).
Facet values are percent-encoded as UTF-8 path segments; feed slugs are ASCII anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Final
from urllib.parse import quote, unquote_to_bytes, urlencode, urlsplit

from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import PathConverter

from articles.model import Article
from articles.store import FACET_KINDS, Facet, FacetKindName
from feeds.config import SiteConfig
from feeds.writers import FORMATS

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = [
    "ADMIN_PREFIX",
    "API_PREFIX",
    "AnyPathConverter",
    "ARTICLES_PREFIX",
    "ARCHIVE_SEGMENT",
    "CONVENTIONAL_FEEDS",
    "CSS_PATH",
    "FEEDS_PREFIX",
    "FORMATS",
    "FORWARDED_KEY",
    "HEALTH_PATH",
    "INDEX_PATH",
    "InvalidForwarded",
    "KIND_BY_SEGMENT",
    "MAIN_FEED",
    "NEWS_SITEMAP_PATH",
    "OPML_PATH",
    "ROBOTS_PATH",
    "SAMPLE_IMAGES_PREFIX",
    "SEGMENT_BY_KIND",
    "SITEMAP_INDEX_PATH",
    "SITEMAPS_PREFIX",
    "STATIC_PREFIX",
    "STYLESHEET_PATH",
    "SUBSCRIBERS_PAGE_PATH",
    "TrustedProxy",
    "archive_path",
    "article_page_path",
    "article_page_url",
    "article_url",
    "facet_page_path",
    "facet_page_url",
    "paged_path",
    "feed_path",
    "feed_stem",
    "feed_url",
    "forwarded_problem",
    "public_base_url",
    "public_path",
    "site_path",
    "sitemap_month_path",
    "usable_host",
    "usable_port",
    "usable_prefix",
    "sent_as_is",
]

# The URL word of each facet kind but "all" (`lang` for language), from the store's registry
# of kinds, in its order (the order the index and the OPML list them).
SEGMENT_BY_KIND: Final[dict[FacetKindName, str]] = {
    kind.name: kind.segment for kind in FACET_KINDS.values() if kind.name != "all"
}
KIND_BY_SEGMENT: Final[dict[str, FacetKindName]] = {
    seg: kind for kind, seg in SEGMENT_BY_KIND.items()
}

INDEX_PATH: Final = "/"
FEEDS_PREFIX: Final = "/feeds/"  # every feed document lives below it
ARCHIVE_SEGMENT: Final = "archive"  # /feeds/<facet>/archive/YYYY-MM.<fmt>
OPML_PATH: Final = "/feeds.opml"
HEALTH_PATH: Final = "/healthz"
API_PREFIX: Final = "/api/"  # the publishing API (feeds.api), whose answers are never cached
STATIC_PREFIX: Final = "/static/"
# The browser stylesheet of Atom and RSS. Written root-relative (site_path), because browsers
# apply an XSLT stylesheet only from the feed's own origin, and site_url may name another host.
STYLESHEET_PATH: Final = STATIC_PREFIX + "feed.xsl"
CSS_PATH: Final = STATIC_PREFIX + "feeds.css"
SAMPLE_IMAGES_PREFIX: Final = "/samples/images/"
ARTICLES_PREFIX: Final = "/articles/"
MAIN_FEED: Final = FEEDS_PREFIX + "all"  # the feed of every article, format by Accept
# Crawlers' documents (feeds.sitemaps): the sitemap index, the sitemaps it lists, robots.txt.
ROBOTS_PATH: Final = "/robots.txt"
SITEMAP_INDEX_PATH: Final = "/sitemap.xml"
SITEMAPS_PREFIX: Final = "/sitemaps/"
NEWS_SITEMAP_PATH: Final = SITEMAPS_PREFIX + "news.xml"
# Pages for the site's operators, behind a token (feeds.subscribers_page); robots.txt
# disallows the prefix and nothing public links there.
ADMIN_PREFIX: Final = "/admin/"
SUBSCRIBERS_PAGE_PATH: Final = ADMIN_PREFIX + "subscribers"

# Feed locations readers and people guess, and the format each leads to (None: the main feed,
# format by Accept). Answered with a 301 by feeds.redirects.
CONVENTIONAL_FEEDS: Final[dict[str, str | None]] = {
    "/feed": None,  # WordPress's (RSS there; here the reader's Accept decides)
    "/feed/": None,
    "/feeds": None,
    "/feeds/": None,
    "/rss": "rss",
    "/rss/": "rss",
    "/rss.xml": "rss",
    "/feed.rss": "rss",
    "/index.rss": "rss",
    "/index.xml": "rss",  # Hugo's
    "/feed.xml": "atom",  # Jekyll's name for its Atom feed
    "/atom": "atom",
    "/atom/": "atom",
    "/atom.xml": "atom",
    "/feed.atom": "atom",
    "/index.atom": "atom",
    "/feed.json": "json",
    "/feeds.json": "json",
}


def _segment(value: str) -> str:
    """Percent-encode one path segment completely (slashes too), as UTF-8."""
    return quote(value, safe="")


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"feed format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    return fmt


# --- paths (relative to the site root) ----------------------------------------------------------


def feed_stem(facet: Facet) -> str:
    """A facet's live feed without the format: `/feeds/all`, `/feeds/tag/economy`.

    Requested as is, the format is chosen by `Accept`; archives hang below it.
    """
    if facet.kind == "all":
        return MAIN_FEED
    return f"{FEEDS_PREFIX}{SEGMENT_BY_KIND[facet.kind]}/{_segment(facet.value)}"


def feed_path(facet: Facet, fmt: str) -> str:
    """A facet's live feed in one format: `/feeds/tag/economy.atom`; ValueError on a format
    that is not one of FORMATS."""
    return f"{feed_stem(facet)}.{_check_format(fmt)}"


def archive_path(facet: Facet, month: str, fmt: str) -> str:
    """One monthly archive document (RFC 5005): `/feeds/all/archive/2025-07.atom`."""
    return f"{feed_stem(facet)}/{ARCHIVE_SEGMENT}/{month}.{_check_format(fmt)}"


def paged_path(path: str, page: int, limit: int, default_limit: int) -> str:
    """A live feed's page as its canonical URL path: `page` only past 1, `limit` only when it
    is not the default (`/feeds/all.atom?page=2&limit=5`)."""
    args: dict[str, int] = {}
    if page != 1:
        args["page"] = page
    if limit != default_limit:
        args["limit"] = limit
    return f"{path}?{urlencode(args)}" if args else path


def facet_page_path(facet: Facet) -> str:
    """A facet's HTML page (its feeds' `alternate` link): `/` for all, `/section/asia`, ..."""
    if facet.kind == "all":
        return INDEX_PATH
    return f"/{SEGMENT_BY_KIND[facet.kind]}/{_segment(facet.value)}"


def article_page_path(article_id: str) -> str:
    """This site's page of one article: `/articles/<id>`, the id as one encoded segment."""
    return ARTICLES_PREFIX + _segment(article_id)


def sitemap_month_path(month: str, part: int = 1) -> str:
    """One monthly sitemap of article URLs: `/sitemaps/articles-2025-07.xml`; a month of more
    than 50,000 articles continues in `/sitemaps/articles-2025-07-2.xml`, ..."""
    suffix = "" if part == 1 else f"-{part}"
    return f"{SITEMAPS_PREFIX}articles-{month}{suffix}.xml"


def site_path(base_url: str, path: str) -> str:
    """`path` written root-relative under the public root: `/ko/static/feed.xsl` when the site
    is served at `https://news.example.com/ko`."""
    return urlsplit(base_url).path.rstrip("/") + path


def public_path(config: SiteConfig, path: str) -> str:
    """`path`, a path of the app's own routes (`/api/articles/x`, without the script root), as
    clients reach it, root-relative: under the path of `site_url` when one is set
    (`/ko/api/articles/x` for `https://news.example.com/ko`), else under this request's script
    root (what `X-Forwarded-Prefix` sets after ProxyFix). Needs a request context."""
    if config.site_url:
        return site_path(config.site_url, path)
    return request.script_root + path


# --- absolute URLs ------------------------------------------------------------------------------


def feed_url(facet: Facet, fmt: str, base_url: str) -> str:
    """Absolute URL of the facet's live feed document in `fmt` (atom, rss or json)."""
    return base_url.rstrip("/") + feed_path(facet, fmt)


def facet_page_url(facet: Facet, base_url: str) -> str:
    """Absolute URL of the facet's HTML page (the feeds' `alternate` link)."""
    return base_url.rstrip("/") + facet_page_path(facet)


def article_page_url(article: Article, base_url: str) -> str:
    """Absolute URL of this site's page for the article, whatever its external URL."""
    return base_url.rstrip("/") + article_page_path(article.id)


def article_url(article: Article, base_url: str) -> str:
    """Where a reader should go for the article: its external URL, else this site's page."""
    return article.url or article_page_url(article, base_url)


class AnyPathConverter(PathConverter):
    """Any path at all, including one that starts or ends with `/` or holds `//` (the built-in
    `path` converter needs a first character other than `/`). Registered as `any_path`."""

    regex = ".+?"
    part_isolating = False  # Werkzeug would infer True from a regex without "/"


# --- the public root of a request -------------------------------------------------------------


class InvalidHost(BadRequest):
    """The request's Host header cannot be the host of a URL, and no site_url is set."""

    description = (
        "the Host header of this request is not a valid host name (with an optional port), "
        "so no link to this site can be written; send the site's host name, "
        "or set site_url (FEEDS_SITE_URL) on the server"
    )


def public_base_url(config: SiteConfig) -> str:
    """The public root of the site, without a trailing slash: `https://news.example.com/ko`.

    The configured `site_url`, else this request's own root after ProxyFix (the host, and the
    script root that `X-Forwarded-Prefix` sets), which is fine for local use only. Raises a
    400 when that is needed and a part of it cannot be part of a URL: InvalidForwarded naming
    the trusted proxy's header (`forwarded_problem`), else InvalidHost for the Host header
    (Werkzeug checks its characters and port and reads an invalid one as empty).
    """
    if config.site_url:
        return config.site_url
    host_usable = usable_host(request.host)
    problem = forwarded_problem(request.environ, host_usable=host_usable)
    if problem is not None:
        raise problem
    if not host_usable:
        raise InvalidHost()
    return request.url_root.rstrip("/")


@lru_cache(maxsize=256)
def usable_host(host: str) -> bool:
    """Whether `host` (`name[:port]`, as Werkzeug gives it after checking its characters) can
    be the authority of a URL: not empty, a bracketed IPv6 address that is one, a port from 1
    to 65535 (Python's URL parser decides, as every reader of our links will)."""
    if not host:
        return False
    try:
        parts = urlsplit(f"//{host}")
        port = parts.port
    except ValueError:
        return False
    return bool(parts.hostname) and (port is None or port > 0)


# --- what a trusted proxy says of the public root ----------------------------------------------

# The environ key where TrustedProxy keeps the value of each X-Forwarded-* header it honoured.
FORWARDED_KEY: Final = "feeds.forwarded"
# The headers that shape the public root, in the order they are checked (the host last: a bad
# X-Forwarded-Port makes the host unusable too, and is the one to name).
_ROOT_HEADERS: Final = ("X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix")
_SCHEMES: Final = frozenset({"http", "https"})
_PORT = re.compile(r"[1-9][0-9]{0,4}")
# One segment of a path prefix: RFC 3986 pchar without `@` (a prefix that starts with one
# would read as user information in a link written by concatenation), written ASCII.
_PREFIX_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+;=:-]|%[0-9A-Fa-f]{2})+")
_NOT_IN_A_SEGMENT: Final = frozenset(b"/\\" + bytes(range(0x20)) + b"\x7f")

# What each header must be, as the 400 says it.
_MUST: Final[dict[str, str]] = {
    "X-Forwarded-Proto": "must be http or https",
    "X-Forwarded-Port": "must be a port number from 1 to 65535 in ASCII digits, no leading zero",
    "X-Forwarded-Prefix": (
        "must be a path starting with '/' (/news, /ko/feeds), each segment made of letters, "
        "digits and -._~!$&'()*+;=: or %XX escapes, with no empty segment, no '.' or '..' "
        "segment (nor an escaped one) and no escaped '/' or '\\'"
    ),
    "X-Forwarded-Host": "is not a valid host name (with an optional port)",
}


class TrustedProxy(ProxyFix):
    """Werkzeug's ProxyFix that also records, under FORWARDED_KEY, the value of each
    X-Forwarded-Proto/-Host/-Port/-Prefix header it honoured (the one `trust_proxy_hops` back),
    so `forwarded_problem` can check exactly what shapes the public root and name its header."""

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        trusted = {
            "X-Forwarded-Proto": self.x_proto,
            "X-Forwarded-Host": self.x_host,
            "X-Forwarded-Port": self.x_port,
            "X-Forwarded-Prefix": self.x_prefix,
        }
        honoured: dict[str, str] = {}
        for header, hops in trusted.items():
            key = "HTTP_" + header.upper().replace("-", "_")
            value = self._get_real_value(hops, environ.get(key))
            if value:  # (ProxyFix ignores an empty one, too)
                honoured[header] = value
        environ[FORWARDED_KEY] = honoured
        return super().__call__(environ, start_response)


class InvalidForwarded(BadRequest):
    """A header of the trusted proxy that shapes the public root cannot be part of a URL."""

    def __init__(self, header: str, value: str) -> None:
        shown = value if len(value) <= 60 else value[:60] + "..."
        super().__init__(
            f"the {header} header of this request ({shown!r}) {_MUST[header]}: it is part of "
            "every link to this site; fix the proxy that sends it"
        )


def forwarded_problem(
    environ: Mapping[str, object], *, host_usable: bool
) -> InvalidForwarded | None:
    """The 400 for the first header of the trusted proxy (recorded by TrustedProxy) that
    cannot be part of the public root, else None: X-Forwarded-Proto (`http` or `https`),
    X-Forwarded-Port (`usable_port`), X-Forwarded-Prefix (`usable_prefix`), and the
    X-Forwarded-Host when it made the request's host unusable (`host_usable` False). The one
    rule for every value a proxy sends that links are made of; the Host header itself is the
    caller's (`usable_host`)."""
    honoured = environ.get(FORWARDED_KEY)
    if not isinstance(honoured, dict) or not honoured:
        return None
    checks: dict[str, Callable[[str], bool]] = {
        "X-Forwarded-Proto": lambda value: value in _SCHEMES,
        "X-Forwarded-Port": usable_port,
        "X-Forwarded-Prefix": usable_prefix,
    }
    for header in _ROOT_HEADERS:
        value = honoured.get(header)
        if value is not None and not checks[header](value):
            return InvalidForwarded(header, value)
    host = honoured.get("X-Forwarded-Host")
    if host is not None and not host_usable:
        return InvalidForwarded("X-Forwarded-Host", host)
    return None


def usable_port(port: str) -> bool:
    """Whether `port` can be the port of a URL as this site writes it: 1 to 65535 in ASCII
    digits, no sign, space or leading zero."""
    return bool(_PORT.fullmatch(port)) and int(port) <= 65535


@lru_cache(maxsize=64)
def usable_prefix(prefix: str) -> bool:
    """Whether `prefix` (an X-Forwarded-Prefix, which becomes the script root) can stand
    between the host and every path the site writes: `/` or a path starting with `/` (a
    trailing `/` is dropped) whose segments are RFC 3986 pchar without `@`, none empty, none
    `.` or `..` (RFC 3986 5.2.4 would resolve them away), also when percent-encoded, and none
    holding an encoded `/`, `\\` or control character, with UTF-8 escapes. Anything else would
    put the prefix into the host (`ko`, `.evil.example`, `@evil.example`) or climb out of it
    (`/%2e%2e`)."""
    path = prefix.rstrip("/")
    if not path:
        return prefix.startswith("/")
    if not path.startswith("/"):
        return False
    for segment in path[1:].split("/"):
        if not _PREFIX_SEGMENT.fullmatch(segment):
            return False
        decoded = unquote_to_bytes(segment)
        if decoded in (b".", b"..") or not _NOT_IN_A_SEGMENT.isdisjoint(decoded):
            return False
        try:
            decoded.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def sent_as_is(path: str) -> bool:
    """Whether the document at `path` (a path of the app, without the site's prefix) is sent
    only as it is, never in a content coding: the sample images (an image gains nothing from
    compression). `feeds.pages` serves them so (a refused identity is a 406 there too) and
    the static export writes no compressed forms of them."""
    return path.startswith(SAMPLE_IMAGES_PREFIX)
