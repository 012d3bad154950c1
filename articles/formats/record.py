"""The record validator every input format shares: a mapping in our record shape -> Article.

Our JSON record format (the shape of `articles.model.article_to_dict`, with a few leniencies
for people writing records by hand) is validated here field by field; the other formats
(Markdown front matter, IPTC ninjs) translate their documents into this shape first and name
their own fields in errors through `origin`. Every text value goes through
`articles.text.record_text` (the XML character rule, then NFC), every body through
`sanitize_html`; any problem raises `InvalidArticle(where, field, reason)` and never another
exception. The readers of single values (text, ids, slugs, dates, URLs, numbers) are in
`articles.formats.values`; this module reads the record's structure: its keys, lists,
objects and body.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import quote
from zoneinfo import ZoneInfo

from articles.bylines import names_nobody, protect_addresses, read_byline, read_name
from articles.errors import InvalidArticle
from articles.formats.media import read_episode, read_media
from articles.formats.messages import kind, show
from articles.formats.values import (
    MAX_BODY_CHARS,
    MAX_READING_TIME,
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    ValueReader,
)
from articles.model import (
    Article,
    Author,
    Image,
    Link,
    Section,
    Source,
    Tag,
    Translation,
)
from articles.slugs import label_key
from articles.text import (
    HtmlTooDeep,
    MarkdownTooDeep,
    markdown_to_html,
    reading_time_minutes,
    record_text,
    sanitize_html,
    slugify,
    text_to_html,
)

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
_RECORD_FIELD_SET = frozenset(RECORD_FIELDS)
BODY_FIELDS = ("body_html", "body", "body_markdown")
# The members of the objects a record holds, by field (for a list field, of each item): the
# only names the validator takes there, and those a merge patch may name inside them.
OBJECT_MEMBERS: Mapping[str, tuple[str, ...]] = {
    "section": ("slug", "label"),
    "tags": ("slug", "label"),
    "authors": ("name", "slug", "uri", "email"),
    "image": ("url", "alt", "caption", "width", "height", "type"),
    "related": ("url", "title"),
    "source": ("name", "slug", "url"),
    "media": ("url", "length", "type", "duration", "title"),
    "translations": ("id", "language"),
    "episode": (
        "season", "number", "type", "explicit", "transcript_url", "transcript_type",
        "chapters_url",
    ),
}  # fmt: skip
# Fields of ours that no reader looks at: `x-anything` (notes, CMS ids) and `$schema`.
EXTENSION_PREFIX = "x-"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A credit line's label before the credited name, in the languages wire copy comes in: Korean
# (출처, 자료, 제공), English, German, French, Spanish, Portuguese, Italian, Dutch, the Nordic
# languages, Polish, Russian, Turkish, Japanese and Chinese (`출처:AA`, `Quelle: dpa`,
# `Källa: TT`, `出典：共同通信`, `来源：新华社`), followed by a colon or `=` (`출처=AA`).
_SOURCE_LABELS = (
    "출처", "자료", "제공", "source", "sources", "credit", "credits", "quelle", "fuente", "fonte",
    "fontes", "källa", "kilde", "kjelde", "lähde", "heimild", "bron", "źródło", "zdroj",
    "источник", "джерело", "kaynak", "πηγή", "出典", "出所", "出处", "出處", "来源", "來源",
    "资料来源", "資料來源", "消息来源", "消息來源",
)  # fmt: skip
_SOURCE_PREFIX = re.compile(
    r"^\s*(?:" + "|".join(map(re.escape, _SOURCE_LABELS)) + r")\s*[:：=＝]\s*", re.IGNORECASE
)
# Brackets a credit line is set in (`[출처: 연합뉴스]`, `(Source: AP)`, `【来源：新华社】`).
_CLOSING = {
    "[": "]", "(": ")", "（": "）", "［": "］", "【": "】", "〔": "〕", "〈": "〉", "《": "》"
}  # fmt: skip
_CREDIT_BRACKETS = re.compile(
    r"^\s*(["
    + re.escape("".join(_CLOSING))
    + r"])(?P<inner>.*)(["
    + re.escape("".join(_CLOSING.values()))
    + r"])\s*$",
    re.S,
)


def credit_name(line: str) -> str:
    """The name a credit line credits: `출처:AA`, `[출처: 연합뉴스]`, `(Source: AP)`,
    `Quelle: dpa` -> `AA`, `연합뉴스`, `AP`, `dpa`; a line without a credit label as it is
    (`AA`, `(주)한국경제`), brackets and all."""
    bracketed = _CREDIT_BRACKETS.match(line)
    if (
        bracketed is not None
        and _CLOSING.get(bracketed[1]) == bracketed[3]
        and _SOURCE_PREFIX.match(bracketed["inner"])
    ):
        line = bracketed["inner"]
    return _SOURCE_PREFIX.sub("", line).strip()


def unknown_field_reason(name: str) -> str | None:
    """Why `name` cannot be a member of a record (with the field it may be a typo of), or None
    when it can: a record field, `$schema`, or an `x-` field."""
    if name in _RECORD_FIELD_SET or name.startswith(EXTENSION_PREFIX) or name == "$schema":
        return None
    hint = difflib.get_close_matches(name, RECORD_FIELDS, n=1)
    advice = (
        f"did you mean '{hint[0]}'?"
        if hint
        else f"fields outside the record format must start with '{EXTENSION_PREFIX}'"
    )
    return f"unknown field ({advice})"


def unknown_member_reason(field: str, name: object) -> str | None:
    """Why `name` cannot be a member of the object the record field `field` holds (an item's,
    for a list field), with the member it may be a typo of; None when it can.

    The rule of `unknown_field_reason` one level down: the validator refuses such a member
    in a record, and a merge patch must not name one either, even as null.
    """
    allowed = OBJECT_MEMBERS[field]
    if name in allowed:
        return None
    hint = difflib.get_close_matches(name, allowed, n=1) if isinstance(name, str) else []
    advice = f"did you mean '{hint[0]}'?" if hint else f"allowed: {', '.join(allowed)}"
    return f"unknown field ({advice})"


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


def _leaves_slug(value: object, slug_key: str) -> bool:
    """Whether a section or source value leaves its slug to be derived (a bare label, or an
    object without a slug)."""
    return isinstance(value, str) or (isinstance(value, Mapping) and not value.get(slug_key))


def article_from_mapping(
    raw: object,
    *,
    where: str,
    zone: ZoneInfo,
    default_language: str,
    base_url: str = "",
    written_at: datetime | None = None,
) -> Article:
    """Validate one record in our JSON format and build its Article.

    `base_url` is the site's public URL, used only to resolve relative links in the body of an
    article that has no `url` of its own; when it is empty such links stay site-relative
    (`/articles/<id>` based) and the feed model adds the host.

    `written_at` is the time this version is being written when the writer knows it (the
    publishing API, which stamps `updated` with it): a record without `updated` then has
    `updated` = the earlier of `published` and `written_at`, so an embargo or a draft planned
    for later needs no `updated`; a published record (no embargo) has `updated` = `published`
    even when that is ahead of the write, since a client's clock may run a little ahead of the
    server's: the clock's rule (`articles.clock`, a few minutes' allowance) judges how far
    ahead it may be. Without it (files), `updated` defaults to `published` and an embargoed
    record must give it.
    """
    if not isinstance(raw, Mapping):
        raise InvalidArticle(where, "", f"expected a JSON object, got {kind(raw)}")
    builder = RecordBuilder(where, zone, default_language, base_url)
    builder.written_at = written_at
    return builder.build(raw)


def _source_name(raw: Mapping[Any, Any]) -> str | None:
    """The name of the record's source as given, to tell its agency in a byline."""
    source = raw.get("source")
    if isinstance(source, Mapping):
        source = source.get("name")
    if not isinstance(source, str):
        return None
    return credit_name(source) or None


class RecordBuilder(ValueReader):
    """Reads one record's fields into an Article, naming the record and field in every error."""

    # The time of the write, when the writer knows it (`article_from_mapping`'s `written_at`).
    written_at: datetime | None = None

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
        written_at = self.written_at
        if given_updated is None and embargoed is not None and written_at is None:
            # The embargo's end is in the future when the story is sent; `updated` may not be.
            raise self.fail(
                "updated",
                "required for an embargoed record: the time this version was written "
                "(not later than now)",
            )
        status = self.status(raw.get("status"))
        if given_updated is not None:
            updated = given_updated
        elif written_at is not None and (status != "published" or embargoed is not None):
            updated = min(published, written_at.astimezone(published.tzinfo))
        else:
            # A published story's version is not older than its publication, even when the
            # client's clock put that a moment ahead of this server's (`articles.clock`
            # allows a few minutes and refuses more, naming `published`).
            updated = published
        # A story written before it appears (an embargo, a draft planned for later) has a
        # version time before its publish time; a published one may not.
        if updated < published and embargoed is None and status == "published":
            raise self.fail(
                "updated",
                f"{updated.isoformat()} is earlier than published ({published.isoformat()}); "
                "`updated` is when this version was written, which for a published story is "
                "at or after its publish time: give this version's time (were the two "
                "swapped?), or leave `updated` out",
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
            authors=(authors := self.authors(raw.get("authors"), _source_name(raw)))[0],
            image=self.image(raw.get("image")),
            related=self.related(raw.get("related")),
            source=self.source(raw.get("source")) or self.credited(authors[1]),
            media=(media := read_media(self, raw.get("media"))),
            episode=read_episode(self, raw.get("episode"), media),
            rights=self.text(raw.get("rights"), "rights", limit=MAX_TEXT_LENGTH, no_markup=True)
            or None,
            reading_time=(
                reading_time_minutes(body_html or title, language)
                if reading_time is None
                else self.minutes(reading_time, "reading_time", 1, MAX_READING_TIME)
            ),
            translations=self.translations(raw.get("translations"), article_id),
            embargoed=embargoed,
            derived_slugs=frozenset(
                name
                for name, slug_key in (("section", "slug"), ("source", "slug"))
                if raw.get(name) is not None and _leaves_slug(raw[name], slug_key)
            ),
        )

    def _check_keys(self, raw: Mapping[Any, Any]) -> None:
        if not _RECORD_FIELD_SET.issuperset(raw):  # else every key is a field: nothing to say
            self._check_names(raw)
        given = [name for name in BODY_FIELDS if raw.get(name) is not None]
        if len(given) > 1:
            raise self.fail(given[1], f"give only one of {', '.join(given)}")

    def _check_names(self, raw: Mapping[Any, Any]) -> None:
        for key in raw:
            if not isinstance(key, str):
                raise self.fail("", f"field names must be text, got {key!r}")
            if key == "$schema" and not isinstance(raw[key], str | None):
                # The published schema says text (a URL); any other value is no statement.
                raise self.fail(
                    "$schema", "must be text: the URL of the JSON Schema the record follows"
                )
            reason = unknown_field_reason(key)
            if reason is not None:
                raise self.fail(show(key, quoted=False), reason)

    # -- the body

    def body(self, raw: Mapping[str, Any], article_id: str, url: str | None) -> str:
        field = next((name for name in BODY_FIELDS if raw.get(name) is not None), "body")
        try:
            return self._body(raw, article_id, url)
        except (HtmlTooDeep, MarkdownTooDeep) as exc:
            raise self.fail(field, str(exc)) from None

    def _body(self, raw: Mapping[str, Any], article_id: str, url: str | None) -> str:
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
            for i, p in enumerate(value):
                if p is None:  # as in every other list: an item is never "absent"
                    raise self.fail(f"body[{i}]", f"expected text, got {kind(p)}")
            paragraphs = [
                self.text(p, f"body[{i}]", limit=MAX_BODY_CHARS, single_line=False)
                for i, p in enumerate(value)
            ]
            if sum(len(p) for p in paragraphs) > MAX_BODY_CHARS:
                raise self.fail("body", f"longer than {MAX_BODY_CHARS:,} characters")
            html = "".join(text_to_html(p.replace("\n", " ")) for p in paragraphs if p)
            return sanitize_html(html, base)
        raise self.fail("body", f"expected text or a list of paragraphs, got {kind(value)}")

    # -- parts

    def section(self, value: object) -> Section | None:
        if value is None:
            return None
        slug, label = self.labelled(value, "section")
        return Section(slug=slug, label=label)

    def labelled(self, value: object, field: str) -> tuple[str, str]:
        """A `{slug, label}` object or a bare label; the missing half is derived."""
        if isinstance(value, str):
            label = self.text(value, field, required=True, limit=200, no_markup=True)
            return slugify(label), label
        if isinstance(value, Mapping):
            self.only(value, field, field.split("[", 1)[0])
            label = self.text(value.get("label"), f"{field}.label", limit=200, no_markup=True)
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
        if isinstance(value, str) and (mark := _list_mark(value)):
            # `tags: politics, korea` (YAML front matter) or `"tags": "a,b"` meant a list, and
            # was stored as the one tag `politics, korea`.
            raise self.fail(
                "tags",
                f"{show(value)} is one text holding {mark!r}, which would be one tag: give a "
                'list for several (["politics", "korea"]; in front matter [politics, korea]), '
                "or a list of one to keep it as one tag",
            )
        tags: dict[str, Tag] = {}
        for i, item in enumerate(self.listed(value, "tags")):
            slug, label = self.labelled(item, f"tags[{i}]")
            tags.setdefault(label_key(label), Tag(slug=slug, label=label))
        return tuple(tags.values())

    def authors(
        self, value: object, holder: str | None = None
    ) -> tuple[tuple[Author, ...], tuple[str, ...]]:
        """The authors, and the agencies their names credit (`articles.bylines`): a list of
        names or objects, each one person; or one text, a byline, split into the people it
        names (the rule ninjs `by` follows). Every name without what is not the person (a
        dateline, a role word, an e-mail address, which becomes the author's `email` when the
        item gives none); an agency's name (or `holder`'s, the record's own) is a credit, not a
        person, unless no person is named."""
        people: list[tuple[str, Author]] = []
        agencies: list[str] = []
        if isinstance(value, str):
            # Multi-line: a line break separates names, as in a ninjs byline.
            byline = self.text(
                protect_addresses(value),
                "authors",
                required=True,
                limit=2_000,
                single_line=False,
                no_markup=True,
            )
            read = read_byline(byline, holder)
            agencies += read.agencies
            for i, person in enumerate(read.authors):
                field = f"authors[{i}]"
                name = self.text(person.name, field, required=True, limit=200, no_markup=True)
                email = self.email(person.email, field)
                people.append((field, Author(name=name, slug=slugify(name), email=email)))
            if not people and not names_nobody(byline):
                people.append(("authors", Author(name=byline, slug=slugify(byline))))
        else:
            for i, item in enumerate(self.listed(value, "authors")):
                field = f"authors[{i}]"
                if isinstance(item, str):
                    text = self.text(
                        protect_addresses(item), field, required=True, limit=200, no_markup=True
                    )
                    read = read_name(text, holder)
                    agencies += read.agencies
                    for person in read.people:  # none for an agency's name: a credit
                        email = self.email(person.email, field)
                        author = Author(name=person.name, slug=slugify(person.name), email=email)
                        people.append((field, author))
                elif isinstance(item, Mapping):
                    self.only(item, field, "authors")
                    raw_name = item.get("name")
                    text = self.text(
                        protect_addresses(raw_name) if isinstance(raw_name, str) else raw_name,
                        f"{field}.name",
                        required=True,
                        limit=200,
                        no_markup=True,
                    )
                    read = read_name(text, holder)
                    agencies += read.agencies
                    if not read.people:
                        continue  # an agency's name: a credit
                    person = read.people[0]
                    email = self.text(item.get("email"), f"{field}.email", limit=254) or None
                    if email and not _EMAIL.match(email):
                        raise self.fail(f"{field}.email", f"{show(email)} is not an e-mail address")
                    author = Author(
                        name=person.name,
                        slug=self.slug(item.get("slug"), f"{field}.slug", feed=True)
                        or slugify(person.name),
                        uri=self.url(item.get("uri"), f"{field}.uri"),
                        email=email or self.email(person.email, f"{field}.name"),
                    )
                    people.append((field, author))
                else:
                    raise self.fail(field, f"expected a name or an object, got {kind(item)}")
            if not people and agencies:
                # Only agencies: they are the authors, so the entry is not the site's.
                people = [("authors", Author(name=a, slug=slugify(a))) for a in agencies]
        authors: dict[str, Author] = {}
        for _, author in people:
            authors.setdefault(label_key(author.name), author)  # one per name, as tags
        return tuple(authors.values()), tuple(dict.fromkeys(agencies))

    def email(self, value: str | None, field: str) -> str | None:
        """An e-mail address a name was written with, checked as `email` is."""
        if value is None:
            return None
        if not _EMAIL.match(value) or len(value) > 254:
            raise self.fail(field, f"{show(value)} is not an e-mail address")
        return value

    def credited(self, agencies: tuple[str, ...]) -> Source | None:
        """The source a record without one has: the first agency its byline credits."""
        if not agencies:
            return None
        name = self.text(agencies[0], "authors", limit=200, no_markup=True)
        return Source(name=name, slug=slugify(name)) if name else None

    def image(self, value: object) -> Image | None:
        if value is None:
            return None
        if isinstance(value, str):
            return Image(url=self.url(value, "image", required=True) or "")
        if not isinstance(value, Mapping):
            raise self.fail(
                "image", f"expected an object with url, alt, caption, got {kind(value)}"
            )
        self.only(value, "image", "image")
        return Image(
            url=self.url(value.get("url"), "image.url", required=True) or "",
            alt=self.text(value.get("alt"), "image.alt", limit=2_000, no_markup=True),
            caption=self.text(
                value.get("caption"), "image.caption", limit=MAX_TEXT_LENGTH, no_markup=True
            ),
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
                self.only(item, field, "related")
                links.append(
                    Link(
                        url=self.url(item.get("url"), f"{field}.url", required=True) or "",
                        title=self.text(
                            item.get("title"),
                            f"{field}.title",
                            limit=MAX_TITLE_LENGTH,
                            no_markup=True,
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
            name = credit_name(self.text(value, "source", limit=200, no_markup=True))
            if not name:
                raise self.fail("source", "required, but empty")
            return Source(name=name, slug=slugify(name))
        if not isinstance(value, Mapping):
            raise self.fail("source", f"expected a name or an object, got {kind(value)}")
        self.only(value, "source", "source")
        name = self.text(value.get("name"), "source.name", required=True, limit=200, no_markup=True)
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
            self.only(item, field, "translations")
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

    def only(self, value: Mapping[Any, Any], field: str, of: str) -> None:
        """Refuse a member of `value` (at `field`) that the objects of the record field `of`
        do not have (`OBJECT_MEMBERS`)."""
        for key in value:
            reason = unknown_member_reason(of, key)
            if reason is not None:
                raise self.fail(f"{field}.{show(key, quoted=False)}", reason)


# What separates the items of a list written as one text: comma and semicolon, and their
# ideographic and full-width forms (`정치、외교`, `정치，외교`).
LIST_MARKS: Final = (",", ";", "\u3001", "\uff0c", "\uff1b")


def _list_mark(text: str) -> str | None:
    """The first list separator in `text` (LIST_MARKS), or None."""
    return next((mark for mark in LIST_MARKS if mark in text), None)
