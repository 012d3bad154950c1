"""Readers of the values in a record's fields: text, ids, slugs, dates, URLs, numbers.

`ValueReader` holds one record's context (where it came from, the site's time zone and
default language, the origin of translated fields) and reads one value at a time; each reader
returns the value in its canonical form or raises `InvalidArticle(where, field, reason)`
naming the field, never another exception. `articles.formats.record.RecordBuilder` builds on
it for the record's structure (lists, objects, the body); `articles.formats.media` reads the
media and episode fields with it.

Shapes and the standards followed:

- text: a JSON string; the XML 1.0 character rule and Unicode NFC
  (`articles.text.record_text`), white space collapsed for single-line fields, a length limit
  in characters (code points) after cleaning.
- ids: text of at most `MAX_ID_LENGTH` characters without white space, controls or invisible
  characters, NFC; a whole number is taken as its decimal text.
- slugs: lower-case a-z, 0-9, `-`, `_` (and `.` where the slug names no feed), at most 100.
- dates: RFC 3339 / ISO 8601 and the other forms `articles.dates.parse_datetime` reads, in
  the site's zone when no offset is given.
- languages: BCP 47 tags (RFC 5646), written in their canonical case (`zh-Hant`, `ko-KR`).
- URLs: absolute http(s) URLs (RFC 3986; IRIs allowed, scheme written in lower case) or
  site paths starting with `/`, by the URL rule (`articles.urls.canonical_url`).
- numbers: JSON numbers (RFC 8259: `1200.0` is 1200); reading times in whole minutes,
  written as numbers, as newsrooms write them (`4분`, `4 min read`) or as ISO 8601 durations.
- MIME types: RFC 6838 `type/subtype` with optional parameters.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from articles.dates import parse_datetime
from articles.errors import InvalidArticle
from articles.formats.media import iso_duration_seconds
from articles.formats.messages import kind, show
from articles.languages import LanguageError, canonical_language
from articles.model import STATUSES, Status
from articles.text import (
    EDGE_INVISIBLE,
    clean_text,
    has_invisible,
    is_blank,
    markup_text,
    reads_as_markup,
    record_text,
    unwrap_cdata,
)
from articles.urls import PLAIN_HTTP_URL, URLError, canonical_url

MAX_ID_LENGTH = 200
MAX_TITLE_LENGTH = 1_000
MAX_TEXT_LENGTH = 20_000
MAX_URL_LENGTH = 4_000
# Aggregators give up on feeds of about 1 MB, so a single body larger than that is a mistake.
MAX_BODY_CHARS = 1_000_000
MAX_READING_TIME = 1_000

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$")
# A section's, tag's, author's or source's slug names its feed (`/feeds/tag/<slug>.atom`), so
# it is also a feed name (feeds.query): no '.', which would read as the format's extension.
_FACET_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?$")
_MIME = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
    r"(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|\"[^\"]*\"))*$"
)
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
# Language tags as given -> their canonical form (`language`): the same few tags on every record.
_LANGUAGES: dict[str, str] = {}
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
# Invisible characters trimmed from the ends of text (articles.text.EDGE_INVISIBLE).
_EDGE_INVISIBLE = EDGE_INVISIBLE


# Unregistered spellings of MP3's type that CMSs, agencies and old systems send, each for the
# one registered type (IANA, RFC 3003: `audio/mpeg`, MPEG-1/2 audio, MP3 among it), which is
# the type Apple Podcasts lists for .mp3. A player or directory matching types exactly may
# not take the alias. `audio/x-m4a` is not here: it is the type Apple lists for .m4a.
MIME_ALIASES: dict[str, str] = {
    alias: "audio/mpeg"
    for alias in (
        "audio/mp3", "audio/x-mp3", "audio/mpeg3", "audio/x-mpeg3", "audio/x-mpeg-3",
        "audio/x-mpeg", "audio/mpg", "audio/x-mpg",
    )
}  # fmt: skip


def registered_mime(text: str) -> str:
    """`text` (a MIME type, parameters allowed) with its `type/subtype` in lower case (they
    are case-insensitive, RFC 6838 4.2, and lower case is how registries, Apple Podcasts and
    feed readers compare them: `AUDIO/MPEG` is `audio/mpeg`) and an alias of `MIME_ALIASES`
    replaced by its registered type. Parameters are kept as written (their values may be
    case-sensitive)."""
    essence, semicolon, parameters = text.partition(";")
    lowered = essence.strip().lower()
    return MIME_ALIASES.get(lowered, lowered) + semicolon + parameters


def facet_slug(value: str) -> str | None:
    """`value` as the slug of a section, tag, author or source (lower-case a-z, 0-9, '-',
    '_', at most 100 characters, a letter or digit at each end), ASCII capitals read as lower
    case as records' slugs are (`World` is `world`); None when no facet slug can be it."""
    return _as_slug(value, feed=True)


def _as_slug(text: str, *, feed: bool) -> str | None:
    """The one slug rule: ASCII written in lower case first, then the slug pattern (`.` only
    in a slug that names no feed); None when `text` is no slug."""
    if text.isascii():
        # `World` is the slug `world`: URLs of feeds and pages are written in lower case.
        text = text.lower()
    return text if (_FACET_SLUG if feed else _SLUG).fullmatch(text) else None


class ValueReader:
    """Reads the values of one record's fields, naming the record and field in every error."""

    max_title_length = MAX_TITLE_LENGTH  # titles of the article and of its media

    def __init__(
        self,
        where: str,
        zone: ZoneInfo,
        default_language: str,
        base_url: str,
        origin: Mapping[str, str] | None = None,
    ) -> None:
        self.where = where
        self.zone = zone
        self.default_language = default_language
        self.base_url = base_url.rstrip("/")
        # For records translated from another format: our field -> the field it came from.
        self.origin = origin or {}

    def fail(self, field: str, reason: str) -> InvalidArticle:
        """The error for `field` (`tags[3].label`), naming where it came from in the source
        format when the record was translated (`tags[3] (from keywords[2])`)."""
        # The origin of the item (`tags[3]`: one keyword) when known, else of the whole field.
        item = re.match(r"[^.\[]*(?:\[\d+\])?", field)
        top = re.split(r"[.\[]", field, maxsplit=1)[0]
        source = self.origin.get(item.group(0) if item else top) or self.origin.get(top)
        if source:
            field = f"{field} (from {source})"
        return InvalidArticle(self.where, field, reason)

    # -- scalar fields

    def text(
        self,
        value: object,
        field: str,
        *,
        required: bool = False,
        limit: int = MAX_TEXT_LENGTH,
        single_line: bool = True,
        no_markup: bool = False,
        bidi: bool = True,
    ) -> str:
        """Plain text: cleaned, white space collapsed (unless multi-line), within a limit.

        A JSON string (None is "" unless `required`) -> the text with characters XML 1.0
        cannot carry removed, in NFC (`articles.text.record_text`), stripped, invisible
        characters trimmed from its ends, and for single-line fields every run of white space
        one U+0020. `limit` is in characters (code points) after cleaning; a value over four
        times the limit is refused before cleaning. Raises InvalidArticle when the value is
        not text, is required but missing or shows nothing, or is too long.

        `no_markup`: a field feeds write where no format can say its text is not HTML (an
        Atom `name`, a category `label`, a link `title`, RSS `category` and `dc:*`), so text
        there that reads as markup is markup: the value is what an HTML reading of it shows
        (`articles.text.markup_text`: `<b>Kim</b>` -> `Kim`, `&amp;` -> `&`). One that still
        reads as markup after that (`a&#b`) is refused.
        """
        if (
            type(value) is str
            and single_line
            and not (no_markup and ("<" in value or "&" in value))
            and "<![" not in value
            and 0 < len(value) <= limit
            and value.isascii()
            and value.isprintable()
            and value[0] != " "
            and value[-1] != " "
            and "  " not in value
        ):
            # Printable ASCII with no spaces to collapse, as most ids, slugs, URLs and codes
            # are: `_text` would give it back as it is (tests/test_parse_shortcuts.py).
            return value
        return self._text(
            value,
            field,
            required=required,
            limit=limit,
            single_line=single_line,
            no_markup=no_markup,
            bidi=bidi,
        )

    def _text(
        self,
        value: object,
        field: str,
        *,
        required: bool,
        limit: int,
        single_line: bool,
        no_markup: bool = False,
        bidi: bool = True,
    ) -> str:
        """`text` by every rule, for any value (`bidi`: balance bidirectional controls, as
        `articles.text.clean_text` does; not for a URL)."""
        if value is None:
            if required:
                raise self.fail(field, "required, but missing")
            return ""
        if not isinstance(value, str):
            raise self.fail(field, f"expected text, got {kind(value)}")
        if len(value) > limit * 4:  # cheap early refusal before cleaning megabytes
            raise self.fail(field, f"{len(value):,} characters; at most {limit:,} are allowed")
        if not single_line:
            cleaned = record_text(value, bidi=bidi).strip()
        else:
            # Printable text (the common case) has nothing XML-illegal and no white space but
            # U+0020, so it needs only NFC (none if ASCII), and collapsing only where spaces
            # double or pad it.
            printable = value.isprintable()
            if printable:
                cleaned = value if value.isascii() else unicodedata.normalize("NFC", value)
            else:
                cleaned = record_text(value, bidi=bidi)
            if (
                (not printable and not cleaned.isprintable())
                or "  " in cleaned
                or cleaned[:1] == " "
                or cleaned[-1:] == " "
            ):
                cleaned = " ".join(cleaned.split())
        if "<![" in cleaned:  # XML's quoting of its content (`articles.text.unwrap_cdata`)
            cleaned = unwrap_cdata(cleaned).strip()
        if no_markup and ("<" in cleaned or "&" in cleaned):
            shown = markup_text(cleaned)
            if reads_as_markup(shown):
                also = f", and so does the text it shows, {show(shown)}" if shown != cleaned else ""
                raise self.fail(
                    field,
                    f"{show(value)} reads as HTML markup{also}; this field is plain text, "
                    "which feeds cannot mark as text (readers would read it as HTML): "
                    "write the text itself",
                )
            if shown != cleaned:  # references may name characters XML cannot carry
                cleaned = " ".join(record_text(shown).split())
        # Stripped non-empty ASCII always shows something (its controls are gone).
        if cleaned and not cleaned.isascii() and is_blank(cleaned):
            # Zero-width spaces, joiners, a byte order mark: nothing a reader would see.
            if required:
                raise self.fail(
                    field,
                    "required, but it shows nothing (only white space or invisible characters "
                    f"such as {_invisible_names(cleaned)})",
                )
            cleaned = ""
        if cleaned and (cleaned[0] in _EDGE_INVISIBLE or cleaned[-1] in _EDGE_INVISIBLE):
            # A byte order mark or zero-width space at either end is left over from joined
            # files or copied text: trimmed like white space (inside the text they stay).
            cleaned = cleaned.strip(_EDGE_INVISIBLE + " \t\n")
        if required and not cleaned:
            raise self.fail(field, "required, but empty")
        if len(cleaned) > limit:
            raise self.fail(field, f"{len(cleaned):,} characters; at most {limit:,} are allowed")
        return cleaned

    def identifier(self, value: object, field: str = "id") -> str:
        """An article id: text or a whole number (its decimal text), 1 to `MAX_ID_LENGTH`
        characters, no white space, control or invisible characters, in NFC, and, split at
        `/`, no segment `.` or `..` (it ends a page's path, RFC 3986 5.2.4). Raises
        InvalidArticle otherwise."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is None:
            raise self.fail(field, "required, but missing")
        if not isinstance(value, str):
            raise self.fail(field, f"expected text, got {kind(value)}")
        if not value:
            raise self.fail(field, "required, but empty")
        if len(value) > MAX_ID_LENGTH:
            raise self.fail(field, f"{len(value):,} characters; at most {MAX_ID_LENGTH} allowed")
        if _SPACE_OR_CONTROL.search(value) or clean_text(value) != value:
            raise self.fail(field, f"{show(value)} contains white space or control characters")
        if not value.isascii():
            if has_invisible(value):  # ASCII ones: caught just above
                raise self.fail(
                    field,
                    f"{show(value)} contains invisible characters ({_invisible_names(value)})",
                )
            # One spelling per id, as for all text: `e` + U+0301 (NFD, as macOS writes file
            # names) and `é` are the same story, not two articles at two addresses.
            value = unicodedata.normalize("NFC", value)
        if "." in value or "/" in value:
            self._check_segments(value, field)
        return value

    def _check_segments(self, value: str, field: str) -> None:
        """The id is the end of a path (`/articles/<id>`, `/` allowed): browsers, readers,
        proxies and the server remove `.` and `..` segments (RFC 3986 5.2.4), so no link
        could reach an id with one. (An empty segment, as in a wire service's
        `http://tt.se/...`, is kept and its page reached.)"""
        for segment in value.split("/"):
            if segment in (".", ".."):
                raise self.fail(
                    field,
                    f"{show(value)} cannot name a page (a '{segment}' path segment); use letters",
                )

    def guid(self, value: object) -> str | None:
        """The record's permanent id: a URI (RFC 3986 `scheme:rest`, such as a tag URI,
        RFC 4151), at most `MAX_URL_LENGTH` characters; None when absent."""
        if (
            type(value) is str
            and len(value) <= MAX_URL_LENGTH
            and value.isascii()
            and value.isprintable()
            and _URI_SCHEME.match(value)
        ):
            return value  # no space anywhere (the pattern): `_guid` gives it back as it is
        return self._guid(value)

    def _guid(self, value: object) -> str | None:
        if value is None:
            return None
        text = self.text(value, "guid", limit=MAX_URL_LENGTH, bidi=False)
        if not _URI_SCHEME.match(text):
            raise self.fail(
                "guid", f"expected a URI such as 'tag:example.org,2025:a1', got {show(text)}"
            )
        return text

    def slug(self, value: object, field: str, *, feed: bool = False) -> str:
        """A slug: lower-case a-z, 0-9, '-', '_' (and '.', except in one that names a feed).

        At most 100 characters, starting and ending with a letter or digit; ASCII is written in
        lower case first (`World` is `world`). "" when absent; raises InvalidArticle otherwise.
        """
        if type(value) is str and (_FACET_SLUG if feed else _SLUG).fullmatch(value):
            return value  # already a slug: `_slug` gives it back as it is
        return self._slug(value, field, feed=feed)

    def _slug(self, value: object, field: str, *, feed: bool) -> str:
        if value is None:
            return ""
        text = self.text(value, field, limit=100)
        slug = _as_slug(text, feed=feed)
        if slug is None:
            allowed = "'-', '_'" if feed else "'-', '.', '_'"
            shown = text.lower() if text.isascii() else text
            raise self.fail(
                field,
                f"{show(shown)} is not a slug (lower-case a-z, 0-9, {allowed}; "
                "at most 100 characters)",
            )
        return slug

    def date(self, value: object, field: str) -> datetime | None:
        """An aware datetime with a whole-minute offset, from RFC 3339 / ISO 8601 text or the
        other forms `articles.dates.parse_datetime` reads, in the site's zone when the text
        gives no offset; None when absent. Raises InvalidArticle with the parser's reason."""
        if value is None:
            return None
        try:
            return parse_datetime(value, zone=self.zone)
        except ValueError as exc:
            raise self.fail(field, str(exc)) from None

    def language(self, value: object, field: str = "language") -> str:
        """A BCP 47 language tag (RFC 5646) in its canonical form (`articles.languages`):
        `kor` -> `ko`, `iw` -> `he`, `ko_kr` -> `ko-KR`; a tag no registry holds is refused.
        The site's default language when absent."""
        if type(value) is str:
            known = _LANGUAGES.get(value)
            if known is not None:
                return known
            tag = self._language(value, field)
            # Kept when read from the text as it is (not the builder's default language), so
            # the tag depends on the value alone. A site has a handful; bounded for any input.
            if (
                value
                and value.isascii()
                and value.isprintable()
                and " " not in value
                and len(_LANGUAGES) < 1_000
            ):
                _LANGUAGES[value] = tag
            return tag
        return self._language(value, field)

    def _language(self, value: object, field: str) -> str:
        text = self.text(value, field, limit=64) if value is not None else ""
        try:
            return canonical_language(text or self.default_language)
        except LanguageError as exc:
            raise self.fail(field, str(exc)) from None

    def status(self, value: object) -> Status:
        """One of `articles.model.STATUSES`; `published` when absent."""
        if value is None:
            return "published"
        if value not in STATUSES:
            raise self.fail("status", f"expected one of {', '.join(STATUSES)}, got {show(value)}")
        return value  # type: ignore[return-value]  # narrowed by the membership test

    def url(self, value: object, field: str, *, required: bool = False) -> str | None:
        """An absolute http(s) URL (IRIs allowed) or a site-relative path starting with `/`.

        RFC 3986/3987 with the WHATWG URL standard's leniencies: a space after the host is
        written `%20` (and every other character an IRI cannot hold percent-encoded), an HTML
        character reference (`&amp;`) is decoded, the scheme is written in lower
        case (`articles.urls.canonical_url`). At most `MAX_URL_LENGTH` characters. None when
        absent and not `required`.
        """
        if (
            type(value) is str
            and len(value) <= MAX_URL_LENGTH
            and value.isascii()
            and value.isprintable()
            and value.startswith("http")
            and not ("&" in value and ";" in value)
            and PLAIN_HTTP_URL.match(value)
        ):
            # The common case: no space, control, character reference or upper-case scheme
            # to handle, so `_url` would give it back as it is.
            return value
        return self._url(value, field, required=required)

    def _url(self, value: object, field: str, *, required: bool) -> str | None:
        if value is None:
            if required:
                raise self.fail(field, "required, but missing")
            return None
        text = self.text(value, field, limit=MAX_URL_LENGTH, required=required, bidi=False)
        if not text:
            return None
        try:
            return canonical_url(text)
        except URLError as exc:
            raise self.fail(field, exc.message(show(exc.url))) from None

    def integer(self, value: object, field: str, low: int, high: int) -> int:
        """A whole JSON number (RFC 8259: `1200.0` is 1200, `true` is not a number) within
        `low` to `high` inclusive. Raises InvalidArticle otherwise."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON has one kind of number: 1200.0 is 1200 (RFC 8259 6)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"expected a whole number, got {kind(value)}")
        if not low <= value <= high:
            raise self.fail(field, f"{value} is outside {low} to {high:,}")
        return value

    def minutes(self, value: object, field: str, low: int, high: int) -> int:
        """Whole minutes, as a number or as a newsroom writes a reading time: `4`, `4.0`, `"4"`,
        `"4분"`, `"4분 읽기"`, `"4 min read"`, `"4分"`, `"４"`, or an ISO 8601 duration (`"PT4M"`,
        `"PT3M30S"`). A fraction of a minute counts as a minute, as the computed reading time
        is rounded up.
        """
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str):
            number = _minutes_in_text(value)
        if number is None or number != number or number in (float("inf"), float("-inf")):
            raise self.fail(
                field,
                "expected whole minutes such as 4, '4분', '4 min' or 'PT4M', "
                f"got {kind(value) if not isinstance(value, str) else show(value)}",
            )
        whole = math.ceil(number)
        if not low <= whole <= high:
            given = show(value) if isinstance(value, str) else value
            raise self.fail(field, f"{given} is outside {low} to {high:,} minutes")
        return whole

    def optional_integer(self, value: object, field: str, low: int, high: int) -> int | None:
        """`integer`, or None when absent."""
        return None if value is None else self.integer(value, field, low, high)

    def mime(self, value: object, field: str, *, required: bool = False) -> str | None:
        """A MIME type (RFC 6838 `type/subtype`, parameters allowed) of at most 255
        characters; None when absent and not `required`. An unregistered alias of a
        registered type (`MIME_ALIASES`: `audio/mp3`) is written as the registered one."""
        text = self.text(value, field, required=required, limit=255)
        if not text:
            return None
        if not _MIME.match(text):
            raise self.fail(field, f"{show(text)} is not a MIME type such as 'audio/mpeg'")
        return registered_mime(text)

    def big_text(self, value: object, field: str) -> str:
        """A body's source text as given (cleaned later, with the body): a JSON string of at
        most `MAX_BODY_CHARS` characters."""
        if not isinstance(value, str):
            raise self.fail(field, f"expected text, got {kind(value)}")
        if len(value) > MAX_BODY_CHARS:
            raise self.fail(
                field, f"{len(value):,} characters; at most {MAX_BODY_CHARS:,} are allowed"
            )
        return value


# --------------------------------------------------------------------------- numbers

# A reading time as written beside a story: a number, a unit of minutes, words around it.
_MINUTES = re.compile(
    r"(?:(?:reading\s*time|read\s*time|읽기\s*시간|읽는\s*시간)\s*[:：]?\s*)?(?:약|about|~)?\s*"
    r"(?P<n>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:[.,]\d+)?)\s*"  # `1,234`: thousands; `3,5`: 3.5
    r"(?:분|分钟|分鐘|分|mins?\.?|minutes?|m)?"
    r"(?:\s*(?:읽기|분량|read|reading|で読めます|阅读|閱讀))?",
    re.IGNORECASE,
)


def _minutes_in_text(value: str) -> float | None:
    """The minutes a reading time written as text names, or None when it names none."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text or len(text) > 60:
        return None
    match = _MINUTES.fullmatch(text)
    if match is not None:
        digits = match["n"]
        grouped = digits.count(",") > 1 or (digits[-4:-3] == "," and "." not in digits)
        return float(digits.replace(",", "") if grouped else digits.replace(",", "."))
    # A reading time is read in any script's digits (`PT٤M`); the ISO 8601 reader, which
    # media durations share, takes ASCII ones only.
    seconds = iso_duration_seconds(_ascii_digits(text))
    return None if seconds is None else seconds / 60


def _ascii_digits(text: str) -> str:
    """`text` with every decimal digit of another script written as its ASCII digit."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


# --------------------------------------------------------------------------- messages


def _invisible_names(text: str) -> str:
    """The Unicode names of the invisible characters in text, for messages (at most three)."""
    names: list[str] = []
    for char in text:
        if has_invisible(char) or (char.isspace() and char != " "):
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            label = f"U+{ord(char):04X} {name}" if not name.startswith("U+") else name
            if label not in names:
                names.append(label)
        if len(names) == 3:
            break
    return ", ".join(names) or "spaces"
