"""Untrusted input -> validated Article.

Three record formats become Articles here, and nowhere else: our JSON record format (the shape
of `articles.model.article_to_dict`, with a few leniencies for people writing records by hand),
Markdown files with YAML front matter, and IPTC ninjs 1.x/2.x documents. `read_records` reads
files, folders and stdin and yields one `ParsedRecord` per record, so a bad record is reported
with its place (`seed.json: record 3`, `feed.jsonl: line 12`) and does not stop the others.

Every text value goes through `clean_text`, every body through `sanitize_html`; any problem with
a record raises `InvalidArticle(where, field, reason)` and never another exception.
docs/import-formats.md describes each format field by field.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, TextIO
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import orjson
import yaml
from markdown_it import MarkdownIt

from articles.dates import parse_datetime
from articles.errors import InvalidArticle, UnreadableInput
from articles.model import (
    STATUSES,
    Article,
    Author,
    Image,
    Link,
    Media,
    Section,
    Source,
    Status,
    Tag,
)
from articles.text import clean_text, html_to_text, reading_time_minutes, sanitize_html, slugify
from articles.text import text_to_html as _text_to_html

# File extensions `read_records` understands, with the name the CLI help shows for each.
FORMAT_NAMES: dict[str, str] = {
    ".json": "JSON: one record or a list of records (our format, or IPTC ninjs documents)",
    ".jsonl": "JSON Lines: one record per line",
    ".ndjson": "JSON Lines: one record per line",
    ".md": "Markdown with YAML front matter",
    ".markdown": "Markdown with YAML front matter",
}

MAX_ID_LENGTH = 200
MAX_TITLE_LENGTH = 1_000
MAX_TEXT_LENGTH = 20_000
MAX_URL_LENGTH = 4_000
# Aggregators give up on feeds of about 1 MB, so a single body larger than that is a mistake.
MAX_BODY_CHARS = 1_000_000
MAX_READING_TIME = 1_000

# Our record's fields: article_to_dict's keys plus the body alternatives for hand-written ones.
RECORD_FIELDS: tuple[str, ...] = (
    "id", "guid", "slug", "url", "title", "summary", "body_html", "body", "body_markdown",
    "published", "updated", "language", "status", "section", "tags", "authors", "image",
    "related", "source", "media", "rights", "reading_time",
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
_SOURCE_PREFIX = re.compile(r"^\s*(?:출처|source|credit)\s*[:：]\s*", re.IGNORECASE)

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


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
        raise InvalidArticle(where, "", f"expected a JSON object, got {_kind(raw)}")
    return _Builder(where, zone, default_language, base_url).build(raw)


class _Builder:
    """Reads the fields of one record, naming the record and field in every error."""

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
        top = re.split(r"[.\[]", field, maxsplit=1)[0]
        if top in self.origin:
            field = f"{field} (from {self.origin[top]})"
        return InvalidArticle(self.where, field, reason)

    # -- the record

    def build(self, raw: Mapping[Any, Any]) -> Article:
        self._check_keys(raw)
        article_id = self.identifier(raw.get("id"))
        title = self.text(raw.get("title"), "title", required=True, limit=MAX_TITLE_LENGTH)
        published = self.date(raw.get("published"), "published")
        if published is None:
            raise self.fail("published", "required, but missing")
        updated = self.date(raw.get("updated"), "updated") or published
        if updated < published:
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
            status=self.status(raw.get("status")),
            section=self.section(raw.get("section")),
            tags=self.tags(raw.get("tags")),
            authors=self.authors(raw.get("authors")),
            image=self.image(raw.get("image")),
            related=self.related(raw.get("related")),
            source=self.source(raw.get("source")),
            media=self.media(raw.get("media")),
            rights=self.text(raw.get("rights"), "rights", limit=MAX_TEXT_LENGTH) or None,
            reading_time=(
                reading_time_minutes(body_html or title, language)
                if reading_time is None
                else self.integer(reading_time, "reading_time", 1, MAX_READING_TIME)
            ),
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
            raise self.fail(_show(key, quoted=False), f"unknown field ({advice})")
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
            raise self.fail(field, f"expected text, got {_kind(value)}")
        if len(value) > limit * 4:  # cheap early refusal before cleaning megabytes
            raise self.fail(field, f"{len(value):,} characters; at most {limit:,} are allowed")
        if not single_line:
            cleaned = clean_text(value).strip()
        else:
            # Printable text (the common case) has nothing XML-illegal and no white space but
            # U+0020, so it needs only NFC, and collapsing only where spaces double or pad it.
            printable = value.isprintable()
            cleaned = unicodedata.normalize("NFC", value) if printable else clean_text(value)
            if (
                (not printable and not cleaned.isprintable())
                or "  " in cleaned
                or cleaned[:1] == " "
                or cleaned[-1:] == " "
            ):
                cleaned = " ".join(cleaned.split())
        if required and not cleaned:
            raise self.fail(field, "required, but empty")
        if len(cleaned) > limit:
            raise self.fail(field, f"{len(cleaned):,} characters; at most {limit:,} are allowed")
        return cleaned

    def identifier(self, value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is None:
            raise self.fail("id", "required, but missing")
        if not isinstance(value, str):
            raise self.fail("id", f"expected text, got {_kind(value)}")
        if not value:
            raise self.fail("id", "required, but empty")
        if len(value) > MAX_ID_LENGTH:
            raise self.fail("id", f"{len(value):,} characters; at most {MAX_ID_LENGTH} allowed")
        if _SPACE_OR_CONTROL.search(value) or clean_text(value) != value:
            raise self.fail("id", f"{_show(value)} contains white space or control characters")
        return value

    def guid(self, value: object) -> str | None:
        if value is None:
            return None
        text = self.text(value, "guid", limit=MAX_URL_LENGTH)
        if not _URI_SCHEME.match(text):
            raise self.fail(
                "guid", f"expected a URI such as 'tag:example.org,2025:a1', got {_show(text)}"
            )
        return text

    def slug(self, value: object, field: str) -> str:
        if value is None:
            return ""
        text = self.text(value, field, limit=100)
        if not _SLUG.match(text):
            raise self.fail(
                field,
                f"{_show(text)} is not a slug (lower-case a-z, 0-9, '-', '.', '_'; "
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

    def language(self, value: object) -> str:
        text = self.text(value, "language", limit=64) if value is not None else ""
        text = text or self.default_language
        match = _BCP47.match(text)
        if not match:
            raise self.fail(
                "language", f"{_show(text)} is not a BCP 47 language tag such as 'ko' or 'ko-KR'"
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
            raise self.fail("status", f"expected one of {', '.join(STATUSES)}, got {_show(value)}")
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
        if _SPACE_OR_CONTROL.search(text):
            raise self.fail(field, f"{_show(text)} contains white space; encode it as %20")
        if text.startswith("/") and not text.startswith("//"):
            return text
        if _PLAIN_HTTP_URL.match(text):
            return text  # the common case, which the checks below would accept too
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
                f"got {_show(text)}",
            )
        return text

    def integer(self, value: object, field: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"expected a whole number, got {_kind(value)}")
        if not low <= value <= high:
            raise self.fail(field, f"{value} is outside {low} to {high:,}")
        return value

    def optional_integer(self, value: object, field: str, low: int, high: int) -> int | None:
        return None if value is None else self.integer(value, field, low, high)

    def mime(self, value: object, field: str, *, required: bool = False) -> str | None:
        text = self.text(value, field, required=required, limit=255)
        if not text:
            return None
        if not _MIME.match(text):
            raise self.fail(field, f"{_show(text)} is not a MIME type such as 'audio/mpeg'")
        return text

    # -- the body

    def body(self, raw: Mapping[str, Any], article_id: str, url: str | None) -> str:
        base = url or f"{self.base_url}/articles/{quote(article_id, safe='')}"
        if raw.get("body_html") is not None:
            source = self.big_text(raw["body_html"], "body_html")
            return sanitize_html(source, base)
        if raw.get("body_markdown") is not None:
            source = self.big_text(raw["body_markdown"], "body_markdown")
            return sanitize_html(_markdown.render(source), base)
        value = raw.get("body")
        if value is None:
            return ""
        if isinstance(value, str):
            return sanitize_html(_text_to_html(self.big_text(value, "body")), base)
        if isinstance(value, list):
            paragraphs = [
                self.text(p, f"body[{i}]", limit=MAX_BODY_CHARS, single_line=False)
                for i, p in enumerate(value)
            ]
            if sum(len(p) for p in paragraphs) > MAX_BODY_CHARS:
                raise self.fail("body", f"longer than {MAX_BODY_CHARS:,} characters")
            html = "".join(_text_to_html(p.replace("\n", " ")) for p in paragraphs if p)
            return sanitize_html(html, base)
        raise self.fail("body", f"expected text or a list of paragraphs, got {_kind(value)}")

    def big_text(self, value: object, field: str) -> str:
        if not isinstance(value, str):
            raise self.fail(field, f"expected text, got {_kind(value)}")
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
            slug = self.slug(value.get("slug"), f"{field}.slug")
            if not label and not slug:
                raise self.fail(field, "needs a label or a slug")
            return slug or slugify(label), label or slug
        raise self.fail(
            field, f"expected a label or an object with slug and label, got {_kind(value)}"
        )

    def tags(self, value: object) -> tuple[Tag, ...]:
        tags: dict[str, Tag] = {}
        for i, item in enumerate(self.listed(value, "tags")):
            slug, label = self.labelled(item, f"tags[{i}]")
            tags.setdefault(slug, Tag(slug=slug, label=label))  # the first spelling wins
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
                    raise self.fail(f"{field}.email", f"{_show(email)} is not an e-mail address")
                author = Author(
                    name=name,
                    slug=self.slug(item.get("slug"), f"{field}.slug") or slugify(name),
                    uri=self.url(item.get("uri"), f"{field}.uri"),
                    email=email,
                )
            else:
                raise self.fail(field, f"expected a name or an object, got {_kind(item)}")
            authors.setdefault(author.slug, author)
        return tuple(authors.values())

    def image(self, value: object) -> Image | None:
        if value is None:
            return None
        if isinstance(value, str):
            return Image(url=self.url(value, "image", required=True) or "")
        if not isinstance(value, Mapping):
            raise self.fail(
                "image", f"expected an object with url, alt, caption, got {_kind(value)}"
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
                    field, f"expected a URL or an object with url and title, got {_kind(item)}"
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
            raise self.fail("source", f"expected a name or an object, got {_kind(value)}")
        self.only(value, "source", ("name", "slug", "url"))
        name = self.text(value.get("name"), "source.name", required=True, limit=200)
        return Source(
            name=name,
            slug=self.slug(value.get("slug"), "source.slug") or slugify(name),
            url=self.url(value.get("url"), "source.url"),
        )

    def media(self, value: object) -> tuple[Media, ...]:
        items = []
        for i, item in enumerate(self.listed(value, "media")):
            field = f"media[{i}]"
            if not isinstance(item, Mapping):
                raise self.fail(
                    field, f"expected an object with url, length, type, got {_kind(item)}"
                )
            self.only(item, field, ("url", "length", "type", "duration", "title"))
            if item.get("length") is None:
                raise self.fail(f"{field}.length", "required (the size in bytes), but missing")
            items.append(
                Media(
                    url=self.url(item.get("url"), f"{field}.url", required=True) or "",
                    length=self.integer(item["length"], f"{field}.length", 0, 2**53),
                    type=self.mime(item.get("type"), f"{field}.type", required=True) or "",
                    duration=self.optional_integer(
                        item.get("duration"), f"{field}.duration", 0, 10**7
                    ),
                    title=self.text(item.get("title"), f"{field}.title", limit=MAX_TITLE_LENGTH),
                )
            )
        return tuple(items)

    def listed(self, value: object, field: str) -> list[Any]:
        """A list field; a single value stands for a list of one."""
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return list(value)
        if isinstance(value, str | Mapping):
            return [value]
        raise self.fail(field, f"expected a list, got {_kind(value)}")

    def only(self, value: Mapping[Any, Any], field: str, names: Iterable[str]) -> None:
        allowed = tuple(names)
        for key in value:
            if key not in allowed:
                raise self.fail(
                    f"{field}.{_show(key, quoted=False)}",
                    f"unknown field (allowed: {', '.join(allowed)})",
                )


# --------------------------------------------------------------------------- Markdown


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that dates stay text for our own date rules.

    PyYAML would turn `2025-07-30 09:00` into text but `2025-07-30T09:00` into a UTC datetime
    and `2025-13-45` into an error about YAML; as text, all three follow the rules of
    articles.dates and a bad date is reported against its field.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def article_from_markdown(
    text: str, *, where: str, zone: ZoneInfo, default_language: str, base_url: str = ""
) -> Article:
    """A Markdown file: YAML front matter holding the record's fields, then the body.

    The body is CommonMark (tables and strikethrough on, raw HTML off) and is sanitised like
    every other body. A `body_html`, `body` or `body_markdown` in the front matter is allowed
    only when the Markdown after it is empty.
    """
    text = text.removeprefix("\ufeff")
    match = re.match(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", text, re.S | re.M)
    if not match:
        raise InvalidArticle(
            where,
            "",
            "no YAML front matter: the file must start with a '---' line, the fields, "
            "and another '---' line",
        )
    try:
        front = yaml.load(match.group(1), Loader=_FrontMatterLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        raise InvalidArticle(where, "front matter", f"not valid YAML: {exc.problem}{at}") from None
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        raise InvalidArticle(where, "front matter", f"not valid YAML: {exc}") from None
    if not isinstance(front, dict):
        raise InvalidArticle(where, "front matter", f"expected fields, got {_kind(front)}")
    body = text[match.end() :]
    if body.strip():
        given = [name for name in BODY_FIELDS if front.get(name) is not None]
        if given:
            raise InvalidArticle(
                where,
                given[0],
                "the body is the Markdown after the front matter; give one or the other",
            )
        front = {**front, "body_markdown": body}
    return article_from_mapping(
        front, where=where, zone=zone, default_language=default_language, base_url=base_url
    )


# --------------------------------------------------------------------------- IPTC ninjs

NINJS_KEYS = ("uri", "versioncreated", "headlines", "headline", "firstcreated", "pubstatus")
_NINJS_STATUS: dict[str, Status] = {
    "usable": "published",
    "withheld": "withheld",
    "canceled": "withheld",
    "cancelled": "withheld",
}
_BYLINE_PREFIX = re.compile(r"^\s*(?:by|von|av|par|por|door|di|af|от)\s+", re.IGNORECASE)
_BYLINE_SPLIT = re.compile(r"\s*(?:[,/&;]|\s(?:and|und|och|og|et|y|e|en|und)\s)\s*", re.IGNORECASE)


def is_ninjs(raw: Mapping[str, Any]) -> bool:
    """Whether a JSON object is a ninjs document rather than one of our records."""
    if "id" in raw and "title" in raw:
        return False
    return any(key in raw for key in NINJS_KEYS)


def article_from_ninjs(
    raw: object, *, where: str, zone: ZoneInfo, default_language: str, base_url: str = ""
) -> Article:
    """An IPTC ninjs 1.x or 2.x news item; the field mapping is in docs/import-formats.md."""
    if not isinstance(raw, Mapping):
        raise InvalidArticle(where, "", f"expected a ninjs JSON object, got {_kind(raw)}")
    ninjs = _Ninjs(raw, where, zone)
    record, origin = ninjs.record()
    builder = _Builder(where, zone, default_language, base_url, origin)
    return builder.build(record)


class _Ninjs:
    """Translates a ninjs document into our record shape, naming ninjs fields in errors."""

    def __init__(self, raw: Mapping[str, Any], where: str, zone: ZoneInfo) -> None:
        self.raw = raw
        self.where = where
        self.zone = zone

    def fail(self, field: str, reason: str) -> InvalidArticle:
        return InvalidArticle(self.where, field, reason)

    def record(self) -> tuple[dict[str, Any], dict[str, str]]:
        raw = self.raw
        origin: dict[str, str] = {}
        kind = raw.get("type", "text")
        if kind not in ("text", "composite"):
            raise self.fail(
                "type", f"a ninjs {_show(kind)} item is not an article; only text items are"
            )
        record: dict[str, Any] = {}
        id_key = "uri" if raw.get("uri") is not None else "guid"
        record["id"], origin["id"] = raw.get(id_key), id_key
        record["title"], origin["title"] = self.headline()
        record["summary"], origin["summary"] = self.summary()
        body = self.body(record["title"])
        if body:
            record[body[0]], origin[body[0]] = body[1], body[2]
        published, updated = self.dates()
        record["published"], origin["published"] = published
        record["updated"], origin["updated"] = updated
        record["language"], origin["language"] = raw.get("language"), "language"
        record["status"], origin["status"] = self.status(), "pubstatus"
        source = self.source()
        record["source"], origin["source"] = source
        record["tags"], origin["tags"] = self.tags()
        record["section"], origin["section"] = self.section()
        record["authors"], origin["authors"] = self.authors(source[0])
        record["rights"], origin["rights"] = self.rights()
        record["image"], origin["image"] = self.image()
        return {k: v for k, v in record.items() if v is not None}, origin

    # Each helper returns (value, the ninjs field it came from).

    def headline(self) -> tuple[object, str]:
        if self.raw.get("headline") is not None:
            return self.raw["headline"], "headline"
        return self.pick_value("headlines", ("main",)), "headlines"

    def summary(self) -> tuple[object, str]:
        raw = self.raw
        if raw.get("description_text") is not None:
            return raw["description_text"], "description_text"
        if isinstance(raw.get("description_html"), str):
            return html_to_text(raw["description_html"]), "description_html"
        roles = ("summary", "abstract", "teaser", "description", "text")
        return self.pick_value("descriptions", roles), "descriptions"

    def pick_value(self, field: str, roles: tuple[str, ...]) -> object:
        """The `value` of the entry with the first preferred role, else of the first entry."""
        entries = self.raw.get(field)
        if entries is None:
            return None
        if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
            raise self.fail(
                field, f"expected a list of objects with role and value, got {_kind(entries)}"
            )
        if not entries:
            return None
        ranked = sorted(
            entries,
            key=lambda e: roles.index(e.get("role")) if e.get("role") in roles else len(roles),
        )
        chosen = ranked[0]
        value = chosen.get("value")
        if isinstance(value, str) and "html" in str(chosen.get("contenttype", "")):
            return html_to_text(value)
        return value

    def body(self, title: object) -> tuple[str, object, str] | None:
        """The body, HTML preferred over text, the inner part of a full HTML document."""
        raw = self.raw
        html: object = raw.get("body_html")
        field = "body_html"
        text: object = raw.get("body_text")
        text_field = "body_text"
        bodies = raw.get("bodies")
        if html is None and bodies is not None:
            if not isinstance(bodies, list) or not all(isinstance(b, Mapping) for b in bodies):
                raise self.fail("bodies", f"expected a list of objects, got {_kind(bodies)}")
            for entry in bodies:
                kind = f"{entry.get('contenttype', '')} {entry.get('role', '')}".lower()
                if html is None and "html" in kind:
                    html, field = entry.get("value"), "bodies"
                elif text is None and ("text/plain" in kind or entry.get("role") == "text"):
                    text, text_field = entry.get("value"), "bodies"
        if isinstance(html, str):
            inner = re.search(r"<body\b[^>]*>(.*)</body\s*>", html, re.S | re.I)
            fragment = inner.group(1) if inner else html
            # Full documents repeat the headline as <h1>; the headline is carried separately.
            if isinstance(title, str):
                fragment = re.sub(
                    r"<h1\b[^>]*>(.*?)</h1\s*>",
                    lambda m: (
                        "" if html_to_text(m.group(1)) == " ".join(title.split()) else m.group(0)
                    ),
                    fragment,
                    count=1,
                    flags=re.S | re.I,
                )
            return "body_html", fragment, field
        if html is not None:
            return "body_html", html, field
        if isinstance(text, str):
            # ninjs plain text separates paragraphs with single newlines.
            return "body", [line for line in text.splitlines() if line.strip()], text_field
        if text is not None:
            return "body", text, text_field
        return None

    def date(self, field: str) -> datetime | None:
        value = self.raw.get(field)
        if value is None:
            return None
        return parse_datetime(value, zone=self.zone, where=self.where, field=field)

    def dates(self) -> tuple[tuple[object, str], tuple[object, str]]:
        version = self.date("versioncreated")
        first = self.date("firstcreated") or self.date("contentcreated")
        embargo = self.date("embargoed")
        # An embargo is the time the story may first appear, so it is the publish time.
        published: datetime | None
        if embargo is not None:
            published, field = embargo, "embargoed"
        elif first is not None:
            published = first
            field = "firstcreated" if self.raw.get("firstcreated") is not None else "contentcreated"
        else:
            published, field = version, "versioncreated"
        if published is None:
            raise self.fail("versioncreated", "required (or firstcreated), but missing")
        updated = version if version is not None and version > published else published
        return (published, field), (updated, "versioncreated")

    def status(self) -> str | None:
        value = self.raw.get("pubstatus")
        if value is None:
            return None
        if value not in _NINJS_STATUS:
            raise self.fail(
                "pubstatus", f"expected usable, withheld or canceled, got {_show(value)}"
            )
        return _NINJS_STATUS[value]

    def source(self) -> tuple[object, str]:
        raw = self.raw
        provider = raw.get("provider")
        if isinstance(provider, Mapping) and isinstance(provider.get("name"), str):
            return self.named_source(provider), "provider"
        if isinstance(provider, str):
            return provider, "provider"
        if isinstance(raw.get("copyrightholder"), str):
            return raw["copyrightholder"], "copyrightholder"
        infosource = raw.get("infosource")
        if isinstance(infosource, list) and infosource and isinstance(infosource[0], Mapping):
            return self.named_source(infosource[0]), "infosource"
        return None, "copyrightholder"

    @staticmethod
    def named_source(entry: Mapping[str, Any]) -> dict[str, Any]:
        uri = entry.get("uri")
        url = uri if isinstance(uri, str) and uri.startswith(("http://", "https://")) else None
        return {"name": entry.get("name"), "url": url}

    def names(self, field: str) -> list[object]:
        entries = self.raw.get(field)
        if entries is None:
            return []
        if not isinstance(entries, list):
            raise self.fail(field, f"expected a list, got {_kind(entries)}")
        return [e.get("name") for e in entries if isinstance(e, Mapping) and e.get("name")]

    def tags(self) -> tuple[object, str]:
        # Subjects without a name are code-only (IPTC media topic ids) and mean nothing to readers.
        names = self.names("subject") + self.names("subjects")
        keywords = self.raw.get("keywords")
        if isinstance(keywords, list):
            names += [k for k in keywords if k]
        elif keywords is not None:
            raise self.fail("keywords", f"expected a list of text, got {_kind(keywords)}")
        return names, "subjects"

    def section(self) -> tuple[object, str]:
        names = self.names("genre") + self.names("genres")
        return (names[0] if names else None), "genres"

    def authors(self, source: object) -> tuple[object, str]:
        raw = self.raw
        if isinstance(raw.get("authors"), list):
            return [
                a
                if isinstance(a, str)
                else {"name": a.get("name")}
                if isinstance(a, Mapping)
                else a
                for a in raw["authors"]
            ], "authors"
        people = raw.get("people")
        if isinstance(people, list):
            writers = [
                {"name": p.get("name")}
                for p in people
                if isinstance(p, Mapping)
                and "author" in f"{p.get('rel', '')} {p.get('role', '')}".lower()
            ]
            if writers:
                return writers, "people"
        by = raw.get("by")
        if by is None:
            return None, "by"
        if not isinstance(by, str):
            raise self.fail("by", f"expected text, got {_kind(by)}")
        agency = source.get("name") if isinstance(source, Mapping) else source
        skip = {str(agency).casefold()} if agency else set()
        names = [
            part
            for part in _BYLINE_SPLIT.split(_BYLINE_PREFIX.sub("", by))
            if part.strip() and part.strip().casefold() not in skip
        ]
        return names, "by"

    def rights(self) -> tuple[object, str]:
        for field in ("copyrightnotice", "usageterms"):
            if self.raw.get(field) is not None:
                return self.raw[field], field
        return None, "copyrightnotice"

    def image(self) -> tuple[object, str]:
        associations = self.raw.get("associations")
        if associations is None:
            return None, "associations"
        if isinstance(associations, Mapping):  # ninjs 1.x: keyed by name
            items = list(associations.values())
        elif isinstance(associations, list):
            items = associations
        else:
            raise self.fail(
                "associations", f"expected a list of objects, got {_kind(associations)}"
            )
        for item in items:
            if not isinstance(item, Mapping) or item.get("type") not in ("picture", "graphic"):
                continue
            rendition = self.largest_rendition(item.get("renditions"))
            if rendition is None:
                continue
            caption = self.caption(item)
            return {
                "url": rendition.get("href"),
                "alt": caption,
                "caption": caption,
                "width": rendition.get("width"),
                "height": rendition.get("height"),
                "type": rendition.get("contenttype") or rendition.get("mimetype"),
            }, "associations"
        return None, "associations"

    @staticmethod
    def largest_rendition(renditions: object) -> Mapping[str, Any] | None:
        if isinstance(renditions, Mapping):  # ninjs 1.x: keyed by name
            renditions = list(renditions.values())
        if not isinstance(renditions, list):
            return None

        def size(r: Mapping[str, Any]) -> tuple[int, int]:
            w, h, n = r.get("width"), r.get("height"), r.get("sizeinbytes")
            area = w * h if isinstance(w, int) and isinstance(h, int) else 0
            return area, n if isinstance(n, int) else 0

        usable = [
            r
            for r in renditions
            if isinstance(r, Mapping)
            and isinstance(r.get("href"), str)
            and r["href"].startswith(("http://", "https://"))
        ]
        return max(usable, key=size, default=None)

    @staticmethod
    def caption(item: Mapping[str, Any]) -> str:
        for field in ("body_text", "description_text"):
            if isinstance(item.get(field), str):
                return str(item[field])
        descriptions = item.get("descriptions")
        if isinstance(descriptions, list):
            for entry in descriptions:
                if isinstance(entry, Mapping) and isinstance(entry.get("value"), str):
                    value = str(entry["value"])
                    return html_to_text(value) if "html" in str(entry.get("contenttype")) else value
        return ""


# --------------------------------------------------------------------------- files and streams

Parse = Callable[[object, str], Article]


def read_records(
    source: str | Path,
    *,
    zone: ZoneInfo,
    default_language: str,
    stdin: TextIO | None = None,
    base_url: str = "",
) -> Iterator[ParsedRecord]:
    """Every record of a file, a folder (walked recursively in sorted order) or `-` for stdin.

    Raises UnreadableInput for an input that cannot be read at all (missing file, bad JSON
    document, unknown format); a bad record only becomes a ParsedRecord with an error.
    """
    reader = _Reader(zone, default_language, base_url)
    if str(source) == "-":
        yield from reader.stream(stdin if stdin is not None else sys.stdin, "stdin")
        return
    path = Path(source)
    if path.is_dir():
        for file in _walk(path):
            yield from reader.file(file)
    else:
        yield from reader.file(path)


def _walk(folder: Path) -> list[Path]:
    """Files in known formats under a folder, sorted; hidden files and folders are skipped."""
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in FORMAT_NAMES:
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


class RawLine(NamedTuple):
    """One line of a JSON Lines file as read, not yet decoded: where it is and its bytes.

    `offset` is the number of bytes of the file read up to the end of this line.
    """

    where: str
    offset: int
    data: bytes


def raw_json_lines(path: str | Path, name: str | None = None) -> Iterator[RawLine]:
    """The lines of a JSON Lines file as bytes, numbered, without decoding them.

    Binary lines, decoded one by one later: constant memory, and a bad byte spoils one line
    only. The UTF-8 byte order mark of the first line is dropped. Raises UnreadableInput when
    the file cannot be opened.
    """
    name = str(path) if name is None else name
    try:
        # A large buffer: records are kilobytes long, and the default 8 KiB means a read per line.
        handle = open(path, "rb", buffering=1 << 20)  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise UnreadableInput(f"{name}: cannot read: {exc.strerror or exc}") from None
    with handle:
        offset = 0
        for number, data in enumerate(handle, start=1):
            offset += len(data)
            if number == 1:
                data = data.removeprefix(b"\xef\xbb\xbf")
            yield RawLine(f"{name}: line {number}", offset, data)


class LineParser:
    """Parses raw JSON Lines lines into records, exactly as `read_records` does for a file.

    For callers that read the lines themselves (the importer hands chunks of them to worker
    processes); a blank line gives None.
    """

    def __init__(self, *, zone: ZoneInfo, default_language: str, base_url: str = "") -> None:
        self._reader = _Reader(zone, default_language, base_url)

    def parse(self, raw: RawLine) -> ParsedRecord | None:
        for record in self._reader.line(raw.data, raw.where):
            # Built directly: dataclasses.replace costs more than the rest of this method.
            return ParsedRecord(record.where, record.article, record.error, raw.offset)
        return None


class _Reader:
    def __init__(self, zone: ZoneInfo, default_language: str, base_url: str) -> None:
        self.zone = zone
        self.default_language = default_language
        self.base_url = base_url

    def record(self, raw: object, where: str) -> ParsedRecord:
        """One JSON value as a record: ours, or ninjs when its keys say so."""
        options = {
            "where": where,
            "zone": self.zone,
            "default_language": self.default_language,
            "base_url": self.base_url,
        }
        try:
            if isinstance(raw, Mapping) and is_ninjs(raw):
                return ParsedRecord(where, article_from_ninjs(raw, **options))  # type: ignore[arg-type]
            return ParsedRecord(where, article_from_mapping(raw, **options))  # type: ignore[arg-type]
        except InvalidArticle as exc:
            return ParsedRecord(where, error=exc)

    def markdown(self, text: str, where: str) -> ParsedRecord:
        try:
            article = article_from_markdown(
                text,
                where=where,
                zone=self.zone,
                default_language=self.default_language,
                base_url=self.base_url,
            )
        except InvalidArticle as exc:
            return ParsedRecord(where, error=exc)
        return ParsedRecord(where, article)

    def file(self, path: Path) -> Iterator[ParsedRecord]:
        name = str(path)
        suffix = path.suffix.lower()
        if suffix not in FORMAT_NAMES:
            if not path.exists():
                raise UnreadableInput(f"{name}: no such file or folder")
            known = ", ".join(FORMAT_NAMES)
            raise UnreadableInput(f"{name}: unknown format '{path.suffix}' (known: {known})")
        if suffix in (".jsonl", ".ndjson"):
            yield from self.json_lines(path, name)
            return
        text = _read_text(path, name)
        if suffix in (".md", ".markdown"):
            yield self.markdown(text, name)
        else:
            yield from self.document(_load_json(text, name), name)

    def document(self, data: object, name: str) -> Iterator[ParsedRecord]:
        if isinstance(data, dict):
            yield self.record(data, name)
        elif isinstance(data, list):
            for number, item in enumerate(data, start=1):
                yield self.record(item, f"{name}: record {number}")
        else:
            raise UnreadableInput(
                f"{name}: expected a JSON object or a list of them, got {_kind(data)}"
            )

    def json_lines(self, path: Path, name: str) -> Iterator[ParsedRecord]:
        for raw in raw_json_lines(path, name):
            for record in self.line(raw.data, raw.where):
                yield ParsedRecord(record.where, record.article, record.error, raw.offset)

    def line(self, raw_line: bytes | str, where: str) -> Iterator[ParsedRecord]:
        if isinstance(raw_line, bytes):
            # Fast path: orjson reads the UTF-8 bytes as they are, several times faster than
            # decode + json.loads. Whatever it refuses (bad UTF-8, lone surrogate escapes, huge
            # integers, blank lines, real errors) takes the standard path below, which accepts
            # what json accepts and words the errors.
            try:
                data = orjson.loads(raw_line)
            except orjson.JSONDecodeError:
                pass
            else:
                yield self.record(data, where)
                return
            try:
                raw_line = raw_line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield ParsedRecord(
                    where, error=InvalidArticle(where, "", f"not UTF-8 text ({exc.reason})")
                )
                return
        if not raw_line.strip():
            return
        try:
            data = json.loads(raw_line)
        except json.JSONDecodeError as exc:
            reason = f"not valid JSON: {exc.msg} at column {exc.colno}"
            yield ParsedRecord(where, error=InvalidArticle(where, "", reason))
            return
        except RecursionError:
            yield ParsedRecord(
                where, error=InvalidArticle(where, "", "not valid JSON: nested too deeply")
            )
            return
        yield self.record(data, where)

    def stream(self, handle: TextIO, name: str) -> Iterator[ParsedRecord]:
        """Standard input: Markdown, a JSON document or JSON Lines, told apart by the content.

        A first line that is a whole JSON object on its own means JSON Lines, read line by line
        as it arrives; otherwise the whole input is one document.
        """
        first = ""
        for first in handle:
            if first.strip():
                break
        first = first.removeprefix("\ufeff")
        if first.startswith("---"):
            yield self.markdown(first + handle.read(), name)
            return
        try:
            single = json.loads(first) if first.strip() else None
        except (json.JSONDecodeError, RecursionError):
            single = None
        if isinstance(single, dict):
            yield self.record(single, f"{name}: line 1")
            for number, line in enumerate(handle, start=2):
                yield from self.line(line, f"{name}: line {number}")
            return
        text = first + handle.read()
        if not text.strip():
            raise UnreadableInput(f"{name}: no input")
        yield from self.document(_load_json(text, name), name)


def _read_text(path: Path, name: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UnreadableInput(f"{name}: no such file or folder") from None
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except OSError as exc:
        raise UnreadableInput(f"{name}: cannot read: {exc.strerror or exc}") from None


def _load_json(text: str, name: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableInput(
            f"{name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise UnreadableInput(f"{name}: not valid JSON: nested too deeply") from None


# --------------------------------------------------------------------------- messages


def _kind(value: object) -> str:
    """How a wrong value is described in messages: `a number`, `a list`, `nothing (null)`."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"a number ({value!r})" if len(repr(value)) < 30 else "a number"
    if isinstance(value, str):
        return f"text {_show(value)}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _show(value: object, *, quoted: bool = True) -> str:
    """A value quoted for a message, shortened and with control characters made visible."""
    text = value if isinstance(value, str) else repr(value)
    # Escape only what cannot be seen (controls, lone surrogates); Hangul and the rest stay.
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'" if quoted else text
