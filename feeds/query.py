"""Feed URL -> FeedQuery: which facet, page, item limit, format or archive month a URL means.

Everything a client can put in a feed URL is checked here, once, so the views below only see
valid values. A mistake becomes a `QueryError` carrying the HTTP status (400 for a malformed
parameter, 404 for a feed or format that does not exist) and a message that says what to do.
Unknown query parameters are ignored (trackers add `utm_*`, readers add cache busters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from articles.errors import InvalidValue
from articles.formats.values import facet_slug
from articles.languages import LanguageError, canonical_language
from articles.store import Facet, month_bounds
from feeds.urls import ARCHIVE_SEGMENT, FORMATS, KIND_BY_SEGMENT

# Besides every slug (`facet_slug`), the other names a feed URL may carry and the feed view
# redirects to their slug: a slug in capitals, a tag's or author's label spelled in ASCII.
# Language codes look like `ko` or `zh-Hant`. Bounded so a hostile URL cannot make us look up
# a megabyte of text.
_OTHER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,119}")
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
# A number in a URL is ASCII digits in the one spelling the app writes: no sign, no spaces,
# no `_`, no other script's digits (all of which Python's int() reads) and no leading zero.
CANONICAL_NUMBER = re.compile(r"[1-9][0-9]*")
# Pages past this are past the end of any feed; capping keeps int() away from huge strings.
PAGE_CAP = 10**12


class QueryError(Exception):
    """A feed URL the client got wrong; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


class NonCanonical(QueryError):
    """A feed URL that names a document in a spelling other than its own (`lang/en-gb` for
    `lang/en-GB`): `canonical` is the path after `/feeds/` to redirect to (301)."""

    def __init__(self, canonical: str) -> None:
        super().__init__(301, f"moved permanently to {canonical}")
        self.canonical = canonical


@dataclass(frozen=True, slots=True)
class FeedQuery:
    """A validated feed request: `fmt` is None when the format is left to `Accept`."""

    facet: Facet
    fmt: str | None
    page: int = 1
    limit: int = 50
    month: str | None = None  # "2025-07" for a monthly archive document

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def with_format(self, fmt: str) -> FeedQuery:
        return FeedQuery(self.facet, fmt, self.page, self.limit, self.month)


def parse_feed_path(
    subpath: str,
    args: Mapping[str, str],
    *,
    limits: Callable[[Facet], tuple[int, int]],
    site: str = "",
) -> FeedQuery:
    """Read the part of a URL after `/feeds/` and its query string into a FeedQuery.

    `limits` gives a facet's default and largest `limit` (`SiteConfig.feed_limits`). `site`
    is the public base URL the error messages write links under ("": root-relative).
    """
    parts = subpath.split("/")
    fmt: str | None = None
    last = parts[-1]
    if "." in last:
        last, _, ext = last.rpartition(".")
        if ext not in FORMATS:
            raise QueryError(
                404,
                f"unknown feed format {_show(ext)!r}: use .atom, .rss or .json, "
                "or leave the extension off to choose by the Accept header",
            )
        fmt = ext
        parts[-1] = last

    month: str | None = None
    if len(parts) >= 3 and parts[-2] == ARCHIVE_SEGMENT:
        month = parts[-1]
        parts = parts[:-2]
        if not is_month(month):
            raise QueryError(
                404,
                f"no archive {_show(month)!r}: archive months are written YYYY-MM, e.g. 2025-07, "
                "from 0001-01 to 9999-11",
            )

    facet = _facet(parts, site)
    if facet.kind == "language" and facet.value != parts[1]:
        # BCP 47 tags are case-insensitive (RFC 5646 2.1.1): one URL per language feed.
        parts[1] = facet.value
        if month is not None:
            parts += [ARCHIVE_SEGMENT, month]
        raise NonCanonical("/".join(parts) + (f".{fmt}" if fmt else ""))
    if month is not None and ("page" in args or "limit" in args):
        # Any paging parameter, whatever its value (`?page=1` too): an archive has no pages,
        # and a URL that names one must not become a second address of the same document.
        raise QueryError(
            400, "archive documents hold a whole month: drop the page and limit parameters"
        )
    _once(args, ("page", "limit"))
    page, limit = _paging(args, *limits(facet))
    return FeedQuery(facet=facet, fmt=fmt, page=page, limit=limit, month=month)


def is_feed_name(value: str) -> bool:
    """Whether `value` can name a feed in a URL (`/feeds/tag/<value>.atom`): every slug of a
    section, tag, author, source or podcast show (`articles.formats.values.facet_slug`, the
    one rule records and `[podcasts.<slug>]` tables are checked by, so nothing they name is
    out of reach), and a short ASCII spelling of one (capitals, a tag or author by its label),
    which is redirected to its slug's feed."""
    # The cheap pattern first (it takes every slug there is today); the slug rule itself after
    # it, so a change of that rule can never leave a slug without its feeds.
    return _OTHER_NAME.fullmatch(value) is not None or facet_slug(value) is not None


def _facet(parts: list[str], site: str) -> Facet:
    if parts == ["all"]:
        return Facet("all", "")
    if len(parts) == 2 and parts[0] in KIND_BY_SEGMENT:
        value = parts[1]
        if not is_feed_name(value):
            raise QueryError(
                404,
                f"no {parts[0]} feed {_show(value)!r}: feed names are short ASCII slugs "
                f"(letters, digits, - and _); see {site}/ for the list of feeds",
            )
        kind = KIND_BY_SEGMENT[parts[0]]
        if kind == "language":
            try:
                value = canonical_language(value)
            except LanguageError as exc:
                raise QueryError(404, f"no {parts[0]} feed {_show(value)!r}: {exc}") from None
        return Facet(kind, value)
    if len(parts) <= 2 and parts[0] in KIND_BY_SEGMENT:
        # `/feeds/section`, `/feeds/section/`: the kind without a name.
        raise QueryError(
            404,
            f"no feed named here: {parts[0]} feeds are {site}/feeds/{parts[0]}/<slug>.atom "
            f"(also .rss and .json); see {site}/ for every one there is",
        )
    raise QueryError(
        404,
        f"no such feed: feed URLs are {site}/feeds/all.atom or {site}/feeds/<kind>/<slug>.atom "
        f"with kind one of {', '.join(KIND_BY_SEGMENT)} (also .rss and .json); "
        f"see {site}/ for the list",
    )


def _once(args: Mapping[str, str], names: tuple[str, ...]) -> None:
    """Each paging parameter at most once: `?page=1&page=2` names no one document (and caches
    and this server could read it differently), so it is refused rather than guessed."""
    getlist = getattr(args, "getlist", None)  # a MultiDict keeps every value; a dict only one
    if getlist is None:
        return
    for name in names:
        values = getlist(name)
        if len(values) > 1:
            raise QueryError(
                400,
                f"{name} is given {len(values)} times; give it once "
                f"(e.g. ?{name}={_show(values[0])})",
            )


def is_month(text: str) -> bool:
    """Whether `text` is a month the app can name in a URL: `YYYY-MM` in ASCII digits whose
    bounds the store can represent (`0000-01` and `9999-12`, whose end is in year 10000,
    cannot)."""
    if not _MONTH.fullmatch(text):
        return False
    try:
        month_bounds(text)
    except InvalidValue:
        return False
    return True


def _paging(args: Mapping[str, str], default_limit: int, max_limit: int) -> tuple[int, int]:
    limit = default_limit
    raw_limit = args.get("limit")
    if raw_limit is not None:
        if (
            not CANONICAL_NUMBER.fullmatch(raw_limit)
            or len(raw_limit) > 9
            or not 1 <= int(raw_limit) <= max_limit
        ):
            raise QueryError(
                400,
                f"limit must be a whole number from 1 to {max_limit} written in ASCII digits "
                f"without leading zeros, got {_show(raw_limit)!r}",
            )
        limit = int(raw_limit)
    page = 1
    raw_page = args.get("page")
    if raw_page is not None:
        if not CANONICAL_NUMBER.fullmatch(raw_page):
            raise QueryError(
                400,
                "page must be a whole number from 1 up written in ASCII digits without "
                f"leading zeros, got {_show(raw_page)!r}",
            )
        page = int(raw_page) if len(raw_page) <= 12 else PAGE_CAP
    return page, limit


def _show(text: str) -> str:
    """Client text echoed in a message, cut short so an error body stays small."""
    return text if len(text) <= 40 else text[:40] + "..."
