"""The record validator every input format shares: a mapping in our record shape -> Article.

Our JSON record format (the shape of `articles.model.article_to_dict`, with a few leniencies
for people writing records by hand) is validated here field by field; the other formats
(Markdown front matter, IPTC ninjs) translate their documents into this shape first and name
their own fields in errors through `origin`. Every text value goes through
`articles.text.record_text` (the XML character rule, then NFC), every body through
`sanitize_html`; any problem raises
`InvalidArticle(where, field, reason)` and never another exception.
"""

from __future__ import annotations

import difflib
import html
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from articles.dates import parse_datetime
from articles.errors import InvalidArticle
from articles.formats.media import iso_duration_seconds, read_episode, read_media
from articles.formats.messages import kind, show
from articles.model import (
    STATUSES,
    Article,
    Author,
    Image,
    Link,
    Section,
    Source,
    Status,
    Tag,
    Translation,
)
from articles.slugs import label_key
from articles.text import (
    clean_text,
    has_invisible,
    is_blank,
    markdown_to_html,
    reading_time_minutes,
    record_text,
    sanitize_html,
    slugify,
    text_to_html,
)

MAX_ID_LENGTH = 200
MAX_TITLE_LENGTH = 1_000
MAX_TEXT_LENGTH = 20_000
MAX_URL_LENGTH = 4_000
# Aggregators give up on feeds of about 1 MB, so a single body larger than that is a mistake.
MAX_BODY_CHARS = 1_000_000
MAX_READING_TIME = 1_000
# Items in one list field (tags, authors, related, media, translations): each tag or author
# is a feed of its own, announced to the WebSub hub in three formats, so one record of 5,000
# tags made 5,000 feeds and 15,000 pings.
MAX_LIST_ITEMS = 100
# Our record's fields: article_to_dict's keys plus the body alternatives for hand-written ones.
RECORD_FIELDS: tuple[str, ...] = (
    "id", "guid", "slug", "url", "title", "summary", "body_html", "body", "body_markdown",
    "published", "updated", "language", "status", "section", "tags", "authors", "image",
    "related", "source", "media", "rights", "reading_time", "translations",
    "embargoed", "episode",
)  # fmt: skip
BODY_FIELDS = ("body_html", "body", "body_markdown")
# Fields of ours that no reader looks at: `x-anything` (notes, CMS ids) and `$schema`.
EXTENSION_PREFIX = "x-"

_BCP47 = re.compile(
    r"^(?P<lang>[A-Za-z]{2,3})(?:-[A-Za-z]{3}){0,3}"  # language, extlang
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z\d]{2,8})+)*"  # extensions
    r"(?:-[xX](?:-[A-Za-z\d]{1,8})+)?$"  # private use
)
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$")
# A section's, tag's, author's or source's slug names its feed (`/feeds/tag/<slug>.atom`), so
# it is also a feed name (feeds.query): no '.', which would read as the format's extension.
_FACET_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?$")
_MIME = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
    r"(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|\"[^\"]*\"))*$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
# An http(s) URL with a plain host name and nothing that urlsplit could object to (no user
# info, brackets or port): always accepted by the full check in `url`, at a fraction of its cost.
_PLAIN_HTTP_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?:[/?#]\S*)?\Z")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
# An HTML character reference with its semicolon (`&amp;`, `&#38;`, `&#x26;`): in a URL it is
# an escaping mistake (a URL copied out of an HTML attribute), never part of the address.
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});"
)
# Invisible characters trimmed from the ends of text: byte order mark (zero-width no-break
# space), zero-width space, word joiner, Mongolian vowel separator. Not the joiners and
# direction marks, which shape or order the visible text next to them.
_EDGE_INVISIBLE = "\ufeff\u200b\u2060\u180e"
_SOURCE_PREFIX = re.compile(r"^\s*(?:출처|source|credit)\s*[:：]\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """One record read from an input: the Article, or the reason it was rejected."""

    where: str
    article: Article | None = None
    error: InvalidArticle | None = None
    # Bytes of the input read up to the end of this record, where the reader knows it (JSON
    # Lines files); 0 otherwise. Lets a progress bar move within one large file.
    offset: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


# --------------------------------------------------------------------------- our JSON format


def article_from_mapping(
    raw: object,
    *,
    where: str,
    zone: ZoneInfo,
    default_language: str,
    base_url: str = "",
) -> Article:
    """Validate one record in our JSON format and build its Article.

    `base_url` is the site's public URL, used only to resolve relative links in the body of an
    article that has no `url` of its own; when it is empty such links stay site-relative
    (`/articles/<id>` based) and the feed model adds the host.
    """
    if not isinstance(raw, Mapping):
        raise InvalidArticle(where, "", f"expected a JSON object, got {kind(raw)}")
    return RecordBuilder(where, zone, default_language, base_url).build(raw)


class RecordBuilder:
    """Reads the fields of one record, naming the record and field in every error."""

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
        # The origin of the item (`tags[3]`: one keyword) when known, else of the whole field.
        item = re.match(r"[^.\[]*(?:\[\d+\])?", field)
        top = re.split(r"[.\[]", field, maxsplit=1)[0]
        source = self.origin.get(item.group(0) if item else top) or self.origin.get(top)
        if source:
            field = f"{field} (from {source})"
        return InvalidArticle(self.where, field, reason)

    # -- the record

    def build(self, raw: Mapping[Any, Any]) -> Article:
        self._check_keys(raw)
        article_id = self.identifier(raw.get("id"))
        title = self.text(raw.get("title"), "title", required=True, limit=MAX_TITLE_LENGTH)
        embargoed = self.date(raw.get("embargoed"), "embargoed")
        published = self.date(raw.get("published"), "published") or embargoed
        if published is None:
            raise self.fail("published", "required, but missing")
        if embargoed is not None and embargoed != published:
            raise self.fail(
                "embargoed",
                f"{embargoed.isoformat()} differs from published ({published.isoformat()}); "
                "an embargoed story is published when its embargo ends: give the same time, "
                "or leave published out",
            )
        given_updated = self.date(raw.get("updated"), "updated")
        if given_updated is None and embargoed is not None:
            # The embargo's end is in the future when the story is sent; `updated` may not be.
            raise self.fail(
                "updated",
                "required for an embargoed record: the time this version was written "
                "(not later than now)",
            )
        updated = given_updated or published
        status = self.status(raw.get("status"))
        # A story written before it appears (an embargo, a draft planned for later) has a
        # version time before its publish time; a published one may not.
        if updated < published and embargoed is None and status == "published":
            raise self.fail(
                "updated",
                f"{updated.isoformat()} is earlier than published ({published.isoformat()})",
            )
        language = self.language(raw.get("language"))
        url = self.url(raw.get("url"), "url")
        body_html = self.body(raw, article_id, url)
        reading_time = raw.get("reading_time")
        return Article(
            id=article_id,
            guid=self.guid(raw.get("guid")),
            slug=self.slug(raw.get("slug"), "slug") or slugify(title),
            url=url,
            title=title,
            summary=self.text(raw.get("summary"), "summary", limit=MAX_TEXT_LENGTH),
            body_html=body_html,
            published=published,
            updated=updated,
            language=language,
            status=status,
            section=self.section(raw.get("section")),
            tags=self.tags(raw.get("tags")),
            authors=self.authors(raw.get("authors")),
            image=self.image(raw.get("image")),
            related=self.related(raw.get("related")),
            source=self.source(raw.get("source")),
            media=(media := read_media(self, raw.get("media"))),
            episode=read_episode(self, raw.get("episode"), media),
            rights=self.text(raw.get("rights"), "rights", limit=MAX_TEXT_LENGTH) or None,
            reading_time=(
                reading_time_minutes(body_html or title, language)
                if reading_time is None
                else self.minutes(reading_time, "reading_time", 1, MAX_READING_TIME)
            ),
            translations=self.translations(raw.get("translations"), article_id),
            embargoed=embargoed,
        )

    def _check_keys(self, raw: Mapping[Any, Any]) -> None:
        for key in raw:
            if not isinstance(key, str):
                raise self.fail("", f"field names must be text, got {key!r}")
            if key in RECORD_FIELDS or key.startswith(EXTENSION_PREFIX) or key == "$schema":
                continue
            hint = difflib.get_close_matches(key, RECORD_FIELDS, n=1)
            advice = (
                f"did you mean '{hint[0]}'?"
                if hint
                else f"fields outside the record format must start with '{EXTENSION_PREFIX}'"
            )
            raise self.fail(show(key, quoted=False), f"unknown field ({advice})")
        given = [name for name in BODY_FIELDS if raw.get(name) is not None]
        if len(given) > 1:
            raise self.fail(given[1], f"give only one of {', '.join(given)}")

    # -- scalar fields

    def text(
        self,
        value: object,
        field: str,
        *,
        required: bool = False,
        limit: int = MAX_TEXT_LENGTH,
        single_line: bool = True,
    ) -> str:
        """Plain text: cleaned, white space collapsed (unless multi-line), within a limit."""
        if value is None:
            if required:
                raise self.fail(field, "required, but missing")
            return ""
        if not isinstance(value, str):
            raise self.fail(field, f"expected text, got {kind(value)}")
        if len(value) > limit * 4:  # cheap early refusal before cleaning megabytes
            raise self.fail(field, f"{len(value):,} characters; at most {limit:,} are allowed")
        if not single_line:
            cleaned = record_text(value).strip()
        else:
            # Printable text (the common case) has nothing XML-illegal and no white space but
            # U+0020, so it needs only NFC (none if ASCII), and collapsing only where spaces
            # double or pad it.
            printable = value.isprintable()
            if printable:
                cleaned = value if value.isascii() else unicodedata.normalize("NFC", value)
            else:
                cleaned = record_text(value)
            if (
                (not printable and not cleaned.isprintable())
                or "  " in cleaned
                or cleaned[:1] == " "
                or cleaned[-1:] == " "
            ):
                cleaned = " ".join(cleaned.split())
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
        if value in (".", ".."):
            # The id is a path segment (`/articles/<id>`); browsers, readers and proxies remove
            # `.` and `..` segments (RFC 3986 5.2.4), encoded or not, so no link could reach it.
            raise self.fail(
                field, f"{show(value)} cannot name a page (a '.' or '..' path segment); use letters"
            )
        return value

    def guid(self, value: object) -> str | None:
        if value is None:
            return None
        text = self.text(value, "guid", limit=MAX_URL_LENGTH)
        if not _URI_SCHEME.match(text):
            raise self.fail(
                "guid", f"expected a URI such as 'tag:example.org,2025:a1', got {show(text)}"
            )
        return text

    def slug(self, value: object, field: str, *, feed: bool = False) -> str:
        """A slug: lower-case a-z, 0-9, '-', '_' (and '.', except in one that names a feed)."""
        if value is None:
            return ""
        text = self.text(value, field, limit=100)
        if text.isascii():
            # `World` is the slug `world`: URLs of feeds and pages are written in lower case.
            text = text.lower()
        if not (_FACET_SLUG if feed else _SLUG).match(text):
            allowed = "'-', '_'" if feed else "'-', '.', '_'"
            raise self.fail(
                field,
                f"{show(text)} is not a slug (lower-case a-z, 0-9, {allowed}; "
                "at most 100 characters)",
            )
        return text

    def date(self, value: object, field: str) -> datetime | None:
        if value is None:
            return None
        try:
            return parse_datetime(value, zone=self.zone)
        except ValueError as exc:
            raise self.fail(field, str(exc)) from None

    def language(self, value: object, field: str = "language") -> str:
        text = self.text(value, field, limit=64) if value is not None else ""
        # `ko_KR` (a POSIX or Java locale; Unicode's LDML allows `_`) is the tag `ko-KR`.
        text = (text or self.default_language).replace("_", "-")
        match = _BCP47.match(text)
        if not match:
            raise self.fail(
                field, f"{show(text)} is not a BCP 47 language tag such as 'ko' or 'ko-KR'"
            )
        # Canonical case: `ko`, `zh-Hant`, `ko-KR`.
        parts = text.split("-")
        out = [parts[0].lower()]
        for part in parts[1:]:
            if len(part) == 4 and part.isalpha() and part == match["script"]:
                out.append(part.title())
            elif len(part) == 2 and part.isalpha() and part == match["region"]:
                out.append(part.upper())
            else:
                out.append(part.lower())
        return "-".join(out)

    def status(self, value: object) -> Status:
        if value is None:
            return "published"
        if value not in STATUSES:
            raise self.fail("status", f"expected one of {', '.join(STATUSES)}, got {show(value)}")
        return value  # type: ignore[return-value]  # narrowed by the membership test

    def url(self, value: object, field: str, *, required: bool = False) -> str | None:
        """An absolute http(s) URL (IRIs allowed) or a site-relative path starting with `/`."""
        if value is None:
            if required:
                raise self.fail(field, "required, but missing")
            return None
        text = self.text(value, field, limit=MAX_URL_LENGTH, required=required)
        if not text:
            return None
        if "&" in text and ";" in text:
            # `https://x/?a=1&amp;b=2` means `https://x/?a=1&b=2` wherever HTML is read, and
            # feed readers decode RSS link text so: every format then gives the same address.
            # Only whole references are read; `&copy=2` (no semicolon) stays as written.
            text = _CHARACTER_REFERENCE.sub(lambda m: html.unescape(m.group(0)), text)
            unknown = _CHARACTER_REFERENCE.search(text)
            if unknown:
                # `&b;` names no character: readers would drop its `;` in RSS, not elsewhere.
                raise self.fail(
                    field,
                    f"{show(text)} contains {unknown.group(0)!r}, which reads as an HTML "
                    "character reference but names none; write '&' as %26",
                )
        if " " in text:
            # `https://cdn.example/Seoul talks.jpg`, as CMSs export file names: a space after
            # the host is `%20`, as every browser sends it (the WHATWG URL standard). Text is
            # single-line here, so other white space is gone; a space in the host is refused.
            scheme, sep, rest = text.partition("://")
            if not sep:
                scheme, rest = "", text if text.startswith("/") else ""
            authority = re.match(r"[^/?#]*", rest).group(0) if sep else ""  # type: ignore[union-attr]
            if rest and " " not in scheme + authority:
                after = rest[len(authority) :].replace(" ", "%20")
                text = scheme + sep + authority + after
        if _SPACE_OR_CONTROL.search(text):
            raise self.fail(field, f"{show(text)} contains white space; encode it as %20")
        if text.startswith("/") and not text.startswith("//"):
            return text
        if _PLAIN_HTTP_URL.match(text):
            # The common case, which the checks below would accept too. The scheme is written
            # in lower case (RFC 3986 6.2.2.1): `HTTPS:` is not a URI scheme JSON Feed's and
            # many readers' checks take.
            return text if text.startswith("http") else _lower_scheme(text)
        try:
            parts = urlsplit(text)
            host = parts.hostname
        except ValueError:
            host = None
            parts = None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
            raise self.fail(
                field,
                "expected an absolute http(s) URL or a site path starting with '/', "
                f"got {show(text)}",
            )
        return _lower_scheme(text)

    def integer(self, value: object, field: str, low: int, high: int) -> int:
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
        return None if value is None else self.integer(value, field, low, high)

    def mime(self, value: object, field: str, *, required: bool = False) -> str | None:
        text = self.text(value, field, required=required, limit=255)
        if not text:
            return None
        if not _MIME.match(text):
            raise self.fail(field, f"{show(text)} is not a MIME type such as 'audio/mpeg'")
        return text

    # -- the body

    def body(self, raw: Mapping[str, Any], article_id: str, url: str | None) -> str:
        base = url or f"{self.base_url}/articles/{quote(article_id, safe='')}"
        if raw.get("body_html") is not None:
            source = self.big_text(raw["body_html"], "body_html")
            return sanitize_html(source, base)
        if raw.get("body_markdown") is not None:
            source = self.big_text(raw["body_markdown"], "body_markdown")
            # Cleaned first: the Markdown parser would turn NUL into U+FFFD instead.
            return sanitize_html(markdown_to_html(record_text(source)), base)
        value = raw.get("body")
        if value is None:
            return ""
        if isinstance(value, str):
            return sanitize_html(text_to_html(self.big_text(value, "body")), base)
        if isinstance(value, list):
            paragraphs = [
                self.text(p, f"body[{i}]", limit=MAX_BODY_CHARS, single_line=False)
                for i, p in enumerate(value)
            ]
            if sum(len(p) for p in paragraphs) > MAX_BODY_CHARS:
                raise self.fail("body", f"longer than {MAX_BODY_CHARS:,} characters")
            html = "".join(text_to_html(p.replace("\n", " ")) for p in paragraphs if p)
            return sanitize_html(html, base)
        raise self.fail("body", f"expected text or a list of paragraphs, got {kind(value)}")

    def big_text(self, value: object, field: str) -> str:
        if not isinstance(value, str):
            raise self.fail(field, f"expected text, got {kind(value)}")
        if len(value) > MAX_BODY_CHARS:
            raise self.fail(
                field, f"{len(value):,} characters; at most {MAX_BODY_CHARS:,} are allowed"
            )
        return value

    # -- parts

    def section(self, value: object) -> Section | None:
        if value is None:
            return None
        slug, label = self.labelled(value, "section")
        return Section(slug=slug, label=label)

    def labelled(self, value: object, field: str) -> tuple[str, str]:
        """A `{slug, label}` object or a bare label; the missing half is derived."""
        if isinstance(value, str):
            label = self.text(value, field, required=True, limit=200)
            return slugify(label), label
        if isinstance(value, Mapping):
            self.only(value, field, ("slug", "label"))
            label = self.text(value.get("label"), f"{field}.label", limit=200)
            slug = self.slug(value.get("slug"), f"{field}.slug", feed=True)
            if not label and not slug:
                raise self.fail(field, "needs a label or a slug")
            return slug or slugify(label), label or slug
        raise self.fail(
            field, f"expected a label or an object with slug and label, got {kind(value)}"
        )

    def tags(self, value: object) -> tuple[Tag, ...]:
        # One tag per label (articles.slugs.label_key), the first spelling kept: `C++` and `C#`
        # are two tags even where their slugs agree (the store keeps their slugs apart).
        tags: dict[str, Tag] = {}
        for i, item in enumerate(self.listed(value, "tags")):
            slug, label = self.labelled(item, f"tags[{i}]")
            tags.setdefault(label_key(label), Tag(slug=slug, label=label))
        return tuple(tags.values())

    def authors(self, value: object) -> tuple[Author, ...]:
        authors: dict[str, Author] = {}
        for i, item in enumerate(self.listed(value, "authors")):
            field = f"authors[{i}]"
            if isinstance(item, str):
                name = self.text(item, field, required=True, limit=200)
                author = Author(name=name, slug=slugify(name))
            elif isinstance(item, Mapping):
                self.only(item, field, ("name", "slug", "uri", "email"))
                name = self.text(item.get("name"), f"{field}.name", required=True, limit=200)
                email = self.text(item.get("email"), f"{field}.email", limit=254) or None
                if email and not _EMAIL.match(email):
                    raise self.fail(f"{field}.email", f"{show(email)} is not an e-mail address")
                author = Author(
                    name=name,
                    slug=self.slug(item.get("slug"), f"{field}.slug", feed=True) or slugify(name),
                    uri=self.url(item.get("uri"), f"{field}.uri"),
                    email=email,
                )
            else:
                raise self.fail(field, f"expected a name or an object, got {kind(item)}")
            authors.setdefault(label_key(author.name), author)  # one per name, as tags
        return tuple(authors.values())

    def image(self, value: object) -> Image | None:
        if value is None:
            return None
        if isinstance(value, str):
            return Image(url=self.url(value, "image", required=True) or "")
        if not isinstance(value, Mapping):
            raise self.fail(
                "image", f"expected an object with url, alt, caption, got {kind(value)}"
            )
        self.only(value, "image", ("url", "alt", "caption", "width", "height", "type"))
        return Image(
            url=self.url(value.get("url"), "image.url", required=True) or "",
            alt=self.text(value.get("alt"), "image.alt", limit=2_000),
            caption=self.text(value.get("caption"), "image.caption", limit=MAX_TEXT_LENGTH),
            width=self.optional_integer(value.get("width"), "image.width", 1, 100_000),
            height=self.optional_integer(value.get("height"), "image.height", 1, 100_000),
            type=self.mime(value.get("type"), "image.type"),
        )

    def related(self, value: object) -> tuple[Link, ...]:
        links = []
        for i, item in enumerate(self.listed(value, "related")):
            field = f"related[{i}]"
            if isinstance(item, str):
                links.append(Link(url=self.url(item, field, required=True) or ""))
            elif isinstance(item, Mapping):
                self.only(item, field, ("url", "title"))
                links.append(
                    Link(
                        url=self.url(item.get("url"), f"{field}.url", required=True) or "",
                        title=self.text(
                            item.get("title"), f"{field}.title", limit=MAX_TITLE_LENGTH
                        ),
                    )
                )
            else:
                raise self.fail(
                    field, f"expected a URL or an object with url and title, got {kind(item)}"
                )
        return tuple(links)

    def source(self, value: object) -> Source | None:
        if value is None:
            return None
        if isinstance(value, str):
            name = _SOURCE_PREFIX.sub("", self.text(value, "source", limit=200))
            if not name:
                raise self.fail("source", "required, but empty")
            return Source(name=name, slug=slugify(name))
        if not isinstance(value, Mapping):
            raise self.fail("source", f"expected a name or an object, got {kind(value)}")
        self.only(value, "source", ("name", "slug", "url"))
        name = self.text(value.get("name"), "source.name", required=True, limit=200)
        return Source(
            name=name,
            slug=self.slug(value.get("slug"), "source.slug", feed=True) or slugify(name),
            url=self.url(value.get("url"), "source.url"),
        )

    def translations(self, value: object, article_id: str) -> tuple[Translation, ...]:
        """Other language versions: an id, or an object with `id` and optional `language`."""
        found: dict[str, Translation] = {}
        for i, item in enumerate(self.listed(value, "translations")):
            field = f"translations[{i}]"
            if isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
                item = {"id": item}  # a whole number is an id too, as the record's own `id`
            if not isinstance(item, Mapping):
                raise self.fail(
                    field,
                    f"expected an article id or an object with id and language, got {kind(item)}",
                )
            self.only(item, field, ("id", "language"))
            if item.get("id") is None:
                raise self.fail(f"{field}.id", "required (the other version's id), but missing")
            other = self.identifier(item.get("id"), f"{field}.id")
            if other == article_id:
                raise self.fail(f"{field}.id", "names the article itself")
            language = (
                None
                if item.get("language") is None
                else self.language(item.get("language"), f"{field}.language")
            )
            found.setdefault(other, Translation(id=other, language=language))
        return tuple(found.values())

    def listed(self, value: object, field: str) -> list[Any]:
        """A list field; a single value stands for a list of one."""
        if value is None:
            return []
        if isinstance(value, list | tuple):
            if len(value) > MAX_LIST_ITEMS:
                raise self.fail(
                    field, f"{len(value):,} items; at most {MAX_LIST_ITEMS} are allowed"
                )
            return list(value)
        if isinstance(value, str | Mapping):
            return [value]
        raise self.fail(field, f"expected a list, got {kind(value)}")

    def only(self, value: Mapping[Any, Any], field: str, names: Iterable[str]) -> None:
        allowed = tuple(names)
        for key in value:
            if key not in allowed:
                raise self.fail(
                    f"{field}.{show(key, quoted=False)}",
                    f"unknown field (allowed: {', '.join(allowed)})",
                )


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
    seconds = iso_duration_seconds(text)
    return None if seconds is None else seconds / 60


# --------------------------------------------------------------------------- messages


def _lower_scheme(url: str) -> str:
    """`HTTPS://example.org/` -> `https://example.org/`: the scheme in its canonical case."""
    scheme, colon, rest = url.partition(":")
    return f"{scheme.lower()}{colon}{rest}"


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
