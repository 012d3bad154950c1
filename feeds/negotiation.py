"""Content negotiation: which format an `Accept` header gets, whether it is a browser
navigating, which coding an `Accept-Encoding` gets, and `Vary` values (RFC 9110 12.5).

Shared by the app (`feeds.http`) and the static export's nginx maps (`feeds.export.nginx`),
so the two answer every header alike. Each function is cached by its header value.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from feeds.urls import FORMATS
from feeds.writers import MEDIA_TYPES

# Media types offered when the URL has no extension, in order of preference on a tie; the
# generic XML types get Atom, our default. The first three are the types served; the others
# are names a client may give them (an Atom document is XML, RFC 7303 8.1; a JSON Feed is
# JSON), which count only when named: `text/*` covers text/xml but no type served, so it is
# refused (406) like `image/*`, while `application/*` and `*/*` cover all three.
_OFFERED: dict[str, str] = {
    "application/atom+xml": "atom",
    "application/rss+xml": "rss",
    "application/feed+json": "json",
    "application/json": "json",
    "application/xml": "atom",
    "text/xml": "atom",
}
_SENT: dict[str, str] = {fmt: MEDIA_TYPES[fmt].split(";")[0] for fmt in FORMATS}
_SERVED: frozenset[str] = frozenset(_SENT.values())


# Browsers render application/atom+xml and application/rss+xml as plain text (or download it)
# and apply the xml-stylesheet instruction only to generic XML; feed readers never send an
# Accept that prefers HTML over feeds, so they keep the exact feed media types.
BROWSER_XML_TYPE = "application/xml; charset=utf-8"
_FEED_TYPES = ("application/atom+xml", "application/rss+xml")


@lru_cache(maxsize=512)
def for_browser(accept: str | None) -> bool:
    """Whether an Accept header is a browser navigating: HTML accepted, feed types never named,
    and `application/xml` (the type it would get, `BROWSER_XML_TYPE`) not refused with `q=0`."""
    if not accept or "text/html" not in accept:
        return False
    parsed = parse_accept_header(accept, MIMEAccept)
    if parsed.quality("text/html") <= 0:
        return False
    named = {value.lower() for value, _ in parsed}
    if any(media in named for media in _FEED_TYPES):
        return False
    return _quality(_media_ranges(accept), "application/xml") != 0


def _media_ranges(accept: str) -> list[tuple[str, str, float]]:
    """The `(type, subtype, q)` of each well-formed media range of an Accept header, lower
    case, parameters dropped (RFC 9110 12.5.1: they do not stop a range matching)."""
    ranges: list[tuple[str, str, float]] = []
    for value, quality in parse_accept_header(accept):
        media = value.split(";", 1)[0].strip().lower()
        kind, slash, sub = media.partition("/")
        if slash and kind and sub and not (kind == "*" and sub != "*"):
            ranges.append((kind, sub, quality))
    return ranges


def _best_range(
    ranges: list[tuple[str, str, float]], media: str, *, wildcards: bool = True
) -> tuple[int, float] | None:
    """(specificity, q-value) of the most specific range covering `media` (`type/subtype`
    2, then `type/*` 1, then `*/*` 0; the first of equals), or None when none does. Without
    `wildcards`, only a range naming `media` itself counts."""
    kind, _, sub = media.partition("/")
    match: tuple[int, float] | None = None
    for range_kind, range_sub, quality in ranges:
        if range_kind == kind and range_sub == sub:
            specificity = 2
        elif not wildcards:
            continue
        elif range_kind == kind and range_sub == "*":
            specificity = 1
        elif range_kind == "*":
            specificity = 0
        else:
            continue
        if match is None or specificity > match[0]:
            match = (specificity, quality)
    return match


def _quality(ranges: list[tuple[str, str, float]], media: str) -> float | None:
    """The q-value the most specific range gives `media` (`type/subtype`, then `type/*`,
    then `*/*`), or None when no range covers it."""
    match = _best_range(ranges, media)
    return None if match is None else match[1]


@lru_cache(maxsize=512)
def negotiate(accept: str | None) -> str | None:
    """The format for an `Accept` header: Atom when absent or `*/*`, None if nothing fits.

    RFC 9110 12.5.1: each offered type takes the quality of the most specific media range
    that matches it (`type/subtype`, then `type/*`, then `*/*`); parameters on a range
    (`;charset=utf-8`) do not stop it matching. The highest quality above 0 wins, a more
    specific match on a tie, then the order of `_OFFERED`. Wildcards match only the types
    served (see `_OFFERED`).
    """
    if not accept or not accept.strip():
        return "atom"
    ranges = _media_ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for order, offered in enumerate(_OFFERED):
        fmt = _OFFERED[offered]
        if offered not in _SERVED and _quality(ranges, _SENT[fmt]) == 0:
            # `application/json, application/feed+json;q=0`: the name counts for JSON Feed,
            # but the type it is sent as is refused (RFC 9110 12.5.1: q=0 is "not acceptable").
            continue
        # Wildcards match only the types served: `*/*` picks no format by `application/json`.
        match = _best_range(ranges, offered, wildcards=offered in _SERVED)
        if match is None or match[1] <= 0:
            continue
        rank = (match[1], match[0], -order)
        if best is None or rank > best:
            best, chosen = rank, fmt
    return chosen


def feed_media_type(fmt: str, accept: str | None) -> str:
    """The `Content-Type` a feed in `fmt` is sent with: its own (`MEDIA_TYPES`), or generic XML
    for Atom and RSS when a browser asks (`for_browser`)."""
    if fmt != "json" and for_browser(accept):
        return BROWSER_XML_TYPE
    return MEDIA_TYPES[fmt]


@lru_cache(maxsize=512)
def choose_encoding(accept_encoding: str) -> str | None:
    """`br`, `gzip` or None (identity) for an Accept-Encoding header, honouring q-values.

    Parsed by Werkzeug (an item with an invalid q-value is ignored); a named coding's q-value
    wins over `*`, `x-gzip` is gzip, and Brotli is preferred when the q-values tie. Identity
    wins only when it is named (or covered by `*`) with a q-value above every compressed
    coding's (`gzip;q=0.5, identity`); not named, it is acceptable but comes after any coding
    the client names. Whether identity may be sent at all is `identity_acceptable`.
    """
    qualities = _coding_qualities(accept_encoding)
    star = qualities.get("*")
    br = qualities.get("br", star or 0.0)
    gz = qualities.get("gzip", star or 0.0)
    best = max(br, gz)
    if best <= 0:
        return None
    identity = qualities.get("identity", star)
    if identity is not None and identity > best:
        return None
    return "br" if br >= gz else "gzip"


# The bodies of the 406 for an Accept-Encoding nothing the app sends satisfies (RFC 9110
# 12.5.3): a text document, sent as it is, gzip or br; a file sent only as it is (an image).
NO_CODING_MESSAGE: Final = (
    "406 Not Acceptable: your Accept-Encoding refuses an uncompressed body and names no "
    "coding this site sends; allow gzip, br or identity"
)
UNCOMPRESSED_ONLY_MESSAGE: Final = (
    "406 Not Acceptable: your Accept-Encoding refuses an uncompressed body, and this file is "
    "sent only uncompressed (an image gains nothing from compression); allow identity"
)


def identity_acceptable(accept_encoding: str) -> bool:
    """Whether a body without content coding is acceptable: unless the header says
    `identity;q=0`, or `*;q=0` without a more specific entry for identity (RFC 9110 12.5.3).
    When neither `choose_encoding` finds a coding nor this allows identity, nothing the app
    can send is acceptable: 406."""
    qualities = _coding_qualities(accept_encoding)
    return qualities.get("identity", qualities.get("*", 1.0)) > 0


def _coding_qualities(accept_encoding: str) -> dict[str, float]:
    qualities: dict[str, float] = {}
    for value, quality in parse_accept_header(accept_encoding):
        name = value.lower()
        qualities.setdefault("gzip" if name == "x-gzip" else name, quality)
    return qualities


def with_vary(vary: str, name: str) -> str:
    """A `Vary` value with `name` added unless it is named already (or `*`)."""
    names = [v.strip() for v in vary.split(",") if v.strip()]
    if any(n == "*" or n.lower() == name.lower() for n in names):
        return ", ".join(names)
    return ", ".join([*names, name])
