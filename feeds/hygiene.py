"""Text and URL hygiene for the feed model: what every text and link becomes in a feed.

`feeds.entry_build` and `feeds.model` build entries and feeds with these rules. URLs: `absolute_url`
(site-relative to absolute), `to_uri` / `resolve_uri` (IRIs to valid URIs, RFC 3987 section
3.1), `absolute_html` (root-relative href/src/poster values in a body made absolute). Text:
`texts_clean` (whether `articles.text.clean_text`, the one rule for the characters XML 1.0
forbids, would change any of some texts) and `excerpt` (a plain-text opening of an HTML body).
None of them raises for any text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import quote

import orjson
from werkzeug.urls import iri_to_uri

from articles.text import clean_text

# Characters a URI may hold as they are (RFC 3986 reserved + unreserved, and `%` which starts an
# escape we keep, so an already-encoded URL is not encoded twice).
_URI_SAFE = "!#$&'()*+,/:;=?@[]~-._%"
_NEEDS_ENCODING = re.compile(r"[^A-Za-z0-9!#$&'()*+,/:;=?@\[\]~\-._%]|%(?![0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def absolute_url(url: str, base_url: str) -> str:
    """Resolve a site-relative URL (`/x`, `//host/x`) against `base_url`; others unchanged."""
    if url.startswith("//"):
        scheme = base_url.split(":", 1)[0] if ":" in base_url else "https"
        return f"{scheme}:{url}"
    if url.startswith("/"):
        return base_url.rstrip("/") + url
    return url


def to_uri(url: str, base_url: str = "") -> str:
    """The URL as a valid absolute URI: IRI characters percent-encoded per RFC 3987 section 3.1.

    Non-ASCII host names become IDNA (punycode); existing `%XX` escapes are kept; a lone `%`
    becomes `%25` (then werkzeug.urls.iri_to_uri). Never raises: a URL that cannot be split,
    or whose host IDNA refuses, is encoded as one string.
    """
    return resolve_uri(clean_text(url).strip(), base_url)


# A URL made only of characters a URI holds as they are, no `%` (the usual case): `resolve_uri`
# keeps it without the search for what needs encoding (a whole match is about half its time).
_AS_IS_URI = re.compile(r"[A-Za-z0-9!#$&'()*+,/:;=?@\[\]~\-._]*")


def resolve_uri(url: str, base_url: str) -> str:
    """`to_uri` of a URL already cleaned (`clean_text`) and stripped."""
    if url[:1] == "/":
        url = absolute_url(url, base_url)
    if ("%" not in url and _AS_IS_URI.fullmatch(url) is not None) or not _NEEDS_ENCODING.search(
        url
    ):
        return url
    url = _STRAY_PERCENT.sub("%25", url)
    try:
        # Werkzeug's RFC 3987 mapping: each part quoted with its own safe set, IDNA host.
        return iri_to_uri(url)
    except (ValueError, UnicodeError):  # unsplittable, a bad port, a host IDNA refuses
        return quote(url, safe=_URI_SAFE)


# `="/..."` (also protocol-relative `="//..."`) in the sanitised body; the attribute name is
# checked in `absolute_html`. Matching on `=` first is ten times faster than on the names.
_ROOT_RELATIVE_VALUE = re.compile(r"""(=\s*)(["'])(/[^"']*)\2""")
_URL_ATTRIBUTE_BEFORE = re.compile(r"""\s(?:href|src|poster)\s*$""", re.I)


def absolute_html(body: str, base_url: str) -> str:
    """The HTML with root-relative href/src/poster values made absolute (validators and readers
    resolve nothing against the feed URL reliably)."""
    # `_ROOT_RELATIVE_VALUE.sub`, searching from the first `=` (found by a byte search, many
    # times faster than the pattern's scan): a body with no attribute is not scanned again.
    first = body.find("=")
    match = _ROOT_RELATIVE_VALUE.search(body, first) if first >= 0 else None
    if match is None:
        return body
    pieces: list[str] = []
    done = 0
    while match is not None:
        start, end = match.span()
        pieces.append(body[done:start])
        if _URL_ATTRIBUTE_BEFORE.search(body, max(start - 16, 0), start):
            quote_char = match.group(2)
            url = absolute_url(match.group(3), base_url)
            pieces.append(f"{match.group(1)}{quote_char}{url}{quote_char}")
        else:
            pieces.append(match.group(0))
        done = end
        match = _ROOT_RELATIVE_VALUE.search(body, end)
    pieces.append(body[done:])
    return "".join(pieces)


_TAG = re.compile(r"<[^>]*>|<[^>]*$")
_SPACE = re.compile(r"\s+")
EXCERPT_CHARS = 280


def excerpt(body_html: str, limit: int = EXCERPT_CHARS) -> str:
    """A short plain-text opening of an HTML body, cut at a word boundary with an ellipsis."""
    # Only the start is needed; looking at a bounded prefix keeps a 5 MB body cheap.
    text = _TAG.sub(" ", body_html[: limit * 20])
    text = _SPACE.sub(" ", html.unescape(text)).strip()
    text = clean_text(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:") + "…"


# What orjson writes for the characters `clean_text` removes (checked for every code point by
# tests/test_feed_model_clean.py): C0 controls but tab, LF and CR as `\u00XX`, `\b` or `\f`;
# DEL as itself; the C1 controls but NEL as UTF-8 `C2 80`..`C2 9F`; U+FDD0..U+FDEF and
# U+FFFE/U+FFFF as `EF B7 90`..`EF B7 AF` and `EF BF BE`/`EF BF BF`, those of the other planes
# as four bytes ending `BF BE`/`BF BF`. A lone surrogate is
# refused (JSONEncodeError). Each search runs only when its single-byte lead is present (a
# byte search, many times faster than a pattern): bodies have `\` (line breaks, quotes),
# rarely the others.
_ESCAPED_CONTROL = re.compile(rb"\\(?:[bf]|u00)")
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x84\x86-\x9f]")
_NONCHARACTER_UTF8 = re.compile(rb"\xef(?:\xb7[\x90-\xaf]|\xbf[\xbe\xbf])")
# The noncharacters beyond U+FFFF (U+1FFFE ... U+10FFFF) in UTF-8: a lead byte F0..F4, then
# 8F/9F/AF/BF (the plane's low bits and 1111), BF, BE/BF.
_ASTRAL_NONCHARACTER_UTF8 = re.compile(rb"[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]")
# The bidirectional embeddings, overrides, isolates and their terminators (U+202A..U+202E,
# U+2066..U+2069), which `clean_text` balances: any of them means "look closer".
_BIDI_UTF8 = re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")


def texts_clean(texts: Iterable[str | None]) -> bool:
    """True only when `clean_text` leaves every text as it is (None counts as clean).

    False means "look closer": it is also the answer for some clean texts (a backslash before
    `b`, `f` or `u00`), whose callers then clean each text, which changes nothing. One C pass
    over all the texts (`orjson.dumps`, which reads CPython's string storage directly and
    writes UTF-8 with JSON escapes) and byte searches of its output: about a tenth of
    `clean_text`'s regular expression per character of non-ASCII text.
    """
    try:
        out = orjson.dumps(texts if isinstance(texts, list) else list(texts))
    except orjson.JSONEncodeError:  # a lone surrogate (UTF-8 cannot carry it)
        return False
    return not (
        (b"\\" in out and _ESCAPED_CONTROL.search(out) is not None)
        or b"\x7f" in out
        or (b"\xc2" in out and _C1_UTF8.search(out) is not None)
        or (b"\xef" in out and _NONCHARACTER_UTF8.search(out) is not None)
        or (
            (b"\xbf\xbe" in out or b"\xbf\xbf" in out)
            and _ASTRAL_NONCHARACTER_UTF8.search(out) is not None
        )
        or (b"\xe2" in out and _BIDI_UTF8.search(out) is not None)
    )
