"""IPTC ninjs 1.x and 2.x news items -> Article, and the translation every ninjs version shares.

A ninjs item is translated into our record shape, remembering which ninjs field each of our
fields came from, and then validated by the shared record validator, so an error names the
ninjs field (`title (from headlines)`, `pubstatus`). `NinjsItem` does the translation; it reads
every ninjs field through `name(...)`, the spelling of the item's version: 1.x and 2.x spell
the fields in lower case (`versioncreated`, `pubstatus`, `contenttype`), ninjs 3 in camelCase
(`articles.formats.ninjs3`). Which version an item is, is told by `articles.formats.ninjs_version`.
The field mapping is in docs/import-formats.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from articles.dates import parse_datetime
from articles.errors import InvalidArticle
from articles.formats.messages import kind as describe
from articles.formats.messages import show
from articles.model import Status
from articles.text import html_to_text, is_blank, markup_text

# The agency's publication status, honoured in every version. `canceled` (the agency took the
# story back) becomes `withheld`, the status that keeps an article out of every feed.
PUB_STATUS: dict[str, Status] = {
    "usable": "published",
    "withheld": "withheld",
    "canceled": "withheld",
    "cancelled": "withheld",
}
# Item types that hold an article; the others (picture, graphic, event, planning) describe
# something else and are refused, one record at a time. An audio or video item is an article
# whose media is its rendition (a podcast episode, when a show takes its section or tag).
ARTICLE_TYPES = ("text", "composite", "component", "audio", "video")
MEDIA_TYPES = ("audio", "video")
# Image types browsers and feed readers show. A picture's largest rendition is often its
# original (a TIFF, a camera's raw file) that none of them does: the lead image is the largest
# rendition in one of these, else the largest other image, and never a rendition of another
# kind (an HTML page, a PDF).
SHOWN_IMAGE_TYPES = frozenset(
    {"image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/apng", "image/gif",
     "image/webp", "image/avif", "image/svg+xml"}
)  # fmt: skip
_HTML_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.S | re.I)
# Markdown bodies (RFC 7763's type, and the unregistered one still written).
_MARKDOWN_TYPES = ("text/markdown", "text/x-markdown")
_NITF_BODY = re.compile(r"<body\.content\b[^>]*>(.*)</body\.content\s*>", re.S | re.I)


class NinjsItem:
    """Translates one ninjs item into our record shape, naming ninjs fields in errors.

    Subclasses give the spelling of their version's fields in `NAMES` (our key: the lower-case
    2.x name; value: the version's name, or None when the version has no such field).
    """

    VERSION: ClassVar[str] = "1.x/2.x"
    NAMES: ClassVar[Mapping[str, str | None]] = {}

    def __init__(self, raw: Mapping[str, Any], where: str, zone: ZoneInfo) -> None:
        self.raw = raw
        self.where = where
        self.zone = zone
        self.tag_origin: dict[str, str] = {}  # `tags[3]` -> `keywords[1]`, filled by tags()

    def name(self, field: str) -> str:
        """The spelling of a (2.x-named) field in this item's version; `""` when it has none."""
        spelled = self.NAMES.get(field, field)
        return spelled if spelled is not None else ""

    def get(self, field: str, item: Mapping[str, Any] | None = None) -> Any:
        """The value of a (2.x-named) field of the item, or of one of its parts."""
        spelled = self.name(field)
        return (self.raw if item is None else item).get(spelled) if spelled else None

    def fail(self, field: str, reason: str) -> InvalidArticle:
        return InvalidArticle(self.where, field, reason)

    def record(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Our record's fields, and for each the ninjs field it came from.

        Raises InvalidArticle for the ninjs fields that cannot be translated, every one of
        them (`faults`); `article_from_ninjs` adds the faults of the fields translated."""
        record, origin, faults = self.translated()
        if faults:
            pairs = [pair for _, pair in faults]
            raise InvalidArticle(self.where, *pairs[0], faults=pairs)
        return record, origin

    def translated(
        self,
    ) -> tuple[dict[str, Any], dict[str, str], list[tuple[str, tuple[str, str]]]]:
        """Our record's fields, for each the ninjs field it came from, and the faults met
        (our field left out, (ninjs field, reason)), every step tried whatever the others
        gave. An item that is not an article (`check_type`) stops at once."""
        self.check_type()
        origin: dict[str, str] = {}
        record: dict[str, Any] = {}
        faults: list[tuple[str, tuple[str, str]]] = []

        def attempt(ours: str, step: Callable[[], Any], default: Any) -> Any:
            try:
                return step()
            except InvalidArticle as exc:
                faults.append((ours, (exc.field, exc.reason)))
                return default

        id_key = "uri" if self.raw.get("uri") is not None else "guid"
        record["id"], origin["id"] = self.raw.get(id_key), id_key
        record["title"], origin["title"] = attempt("title", self.headline, (None, "headline"))
        record["summary"], origin["summary"] = attempt("summary", self.summary, (None, ""))
        body = attempt("body_html", lambda: self.body(record["title"]), None)
        if body:
            record[body[0]], origin[body[0]] = body[1], body[2]
        published, updated = attempt("published", self.dates, ((None, ""), (None, "")))
        record["published"], origin["published"] = published
        record["updated"], origin["updated"] = updated
        if published[1] and published[1] == self.name("embargoed"):
            record["embargoed"], origin["embargoed"] = published
        record["language"], origin["language"] = self.raw.get("language"), "language"
        record["status"], origin["status"] = (
            attempt("status", self.status, None),
            self.name("pubstatus"),
        )
        source = attempt("source", self.source, (None, ""))
        record["source"], origin["source"] = source
        record["tags"], origin["tags"] = attempt("tags", self.tags, (None, ""))
        record["section"], origin["section"] = attempt("section", self.section, (None, ""))
        record["authors"], origin["authors"] = attempt("authors", self.authors, (None, ""))
        record["rights"], origin["rights"] = attempt("rights", self.rights, (None, ""))
        record["image"], origin["image"] = attempt("image", self.image, (None, ""))
        record["translations"], origin["translations"] = attempt(
            "translations", self.translations, (None, "")
        )
        record["media"], origin["media"] = attempt("media", self.media, (None, ""))
        origin.update(self.tag_origin)
        return {k: v for k, v in record.items() if v is not None}, origin, faults

    def check_type(self) -> None:
        item_type = kind_of(self.raw.get("type"))
        if item_type is None:
            # An item without a type is text, unless it describes an event or a planning.
            for field in ("eventdetails", "plannedcoverage"):
                if self.get(field) is not None:
                    raise self.fail(
                        self.name(field),
                        "this ninjs item describes an event or a planning, not an article; "
                        "only text items are imported",
                    )
            return
        if not isinstance(item_type, str):
            # A number or a list is no type at all: said as what it is, not quoted as text.
            raise self.fail(
                "type",
                f"expected text such as 'text', got {describe(item_type)}; only text, audio "
                f"and video items ({', '.join(ARTICLE_TYPES)}) are imported",
            )
        if item_type not in ARTICLE_TYPES:
            raise self.fail(
                "type",
                f"a ninjs {show(item_type)} item is not an article; only text, audio and video "
                f"items ({', '.join(ARTICLE_TYPES)}) are imported",
            )

    # Each helper returns (value, the ninjs field it came from).

    def headline(self) -> tuple[object, str]:
        if self.raw.get("headline") is not None:  # 1.x
            return self.raw["headline"], "headline"
        return self.pick_value("headlines", ("main",)), "headlines"

    def summary(self) -> tuple[object, str]:
        raw = self.raw
        if raw.get("description_text") is not None:  # 1.x
            return raw["description_text"], "description_text"
        if isinstance(raw.get("description_html"), str):  # 1.x
            return html_to_text(raw["description_html"]), "description_html"
        roles = ("summary", "abstract", "teaser", "lead", "description", "text")
        return self.pick_value("descriptions", roles), "descriptions"

    def entries(self, field: str) -> list[Mapping[str, Any]]:
        """A list of objects (`headlines`, `bodies`, ...); refused when it is something else."""
        entries = self.raw.get(field)
        if entries is None:
            return []
        if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
            raise self.fail(field, f"expected a list of objects, got {describe(entries)}")
        return entries

    def is_html(self, entry: Mapping[str, Any]) -> bool:
        """HTML or XHTML by its content type (`text/html`, `application/xhtml+xml`) or role."""
        return "html" in f"{self.get('contenttype', entry) or ''} {entry.get('role') or ''}".lower()

    def pick_value(self, field: str, roles: tuple[str, ...]) -> object:
        """The `value` of the entry with the first preferred role, else of the first entry;
        an entry whose text shows nothing (empty, white space, `<p></p>`) only when no entry
        shows anything (an empty `main` headline beside a `short` one is no headline)."""
        entries = self.entries(field)
        if not entries:
            return None

        def text(entry: Mapping[str, Any]) -> object:
            value = entry.get("value")
            if isinstance(value, str) and self.is_html(entry):
                return html_to_text(value)
            return value

        def rank(entry: Mapping[str, Any]) -> tuple[bool, int]:
            # Roles are IPTC's lower-case words; `Main` and `SUMMARY` are the same roles.
            role = entry.get("role")
            role = role.strip().lower() if isinstance(role, str) else role
            value = text(entry)
            blank = value is None or (isinstance(value, str) and is_blank(value))
            return blank, roles.index(role) if role in roles else len(roles)

        return text(min(entries, key=rank))

    def body(self, title: object) -> tuple[str, object, str] | None:
        """The body: the HTML one (the inner part of a full document), else NITF, else
        Markdown, else text.

        Raises InvalidArticle when the item has bodies but none in a content type read here
        (a story must not go out without its text in silence)."""
        raw = self.raw
        html: object = raw.get("body_html")  # 1.x
        field = "body_html"
        text: object = raw.get("body_text")  # 1.x
        text_field = "body_text"
        nitf: object = None
        markdown: object = None
        unread: str | None = None  # the first body in a content type not read here
        if html is None:
            for index, entry in enumerate(self.entries("bodies")):
                content_type = str(self.get("contenttype", entry) or "").strip().lower()
                role = str(entry.get("role") or "").lower()
                if self.is_html(entry):
                    if html is None:
                        html, field = entry.get("value"), "bodies"
                elif "nitf" in f"{content_type} {role}":
                    if nitf is None:
                        nitf = entry.get("value")
                elif content_type.startswith(_MARKDOWN_TYPES):
                    if markdown is None:
                        markdown = entry.get("value")
                elif content_type.startswith("text/plain") or role == "text" or not content_type:
                    if text is None:
                        text, text_field = entry.get("value"), "bodies"
                elif unread is None:
                    unread = f"bodies[{index}].{self.name('contenttype')}"
        if html is None and isinstance(nitf, str):
            inner = _NITF_BODY.search(nitf)
            if inner:
                html, field = inner.group(1), "bodies"
            elif unread is None:
                unread = f"bodies[{self._first_nitf()}]"
        if html is None and markdown is not None:
            return "body_markdown", markdown, "bodies"
        if html is None and text is None and unread is not None:
            raise self.fail(
                unread,
                "no body of this item is in a content type read here (text/html, "
                "application/xhtml+xml, NITF with body.content, text/markdown, text/plain), "
                "so the story would go out without its text",
            )
        if isinstance(html, str):
            inner = _HTML_BODY.search(html)
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

    def _first_nitf(self) -> int:
        for index, entry in enumerate(self.entries("bodies")):
            role = str(entry.get("role") or "")
            if "nitf" in f"{self.get('contenttype', entry) or ''} {role}".lower():
                return index
        return 0

    def date(self, field: str) -> datetime | None:
        name = self.name(field)
        value = self.raw.get(name) if name else None
        if value is None:
            return None
        return parse_datetime(value, zone=self.zone, where=self.where, field=name)

    def dates(self) -> tuple[tuple[object, str], tuple[object, str]]:
        version = self.date("versioncreated")
        first = self.date("firstcreated")
        first_field = "firstcreated"
        if first is None:
            first, first_field = self.date("contentcreated"), "contentcreated"
        embargo = self.date("embargoed")
        # An embargo is the time the story may first appear, so it is the publish time.
        published: datetime | None
        if embargo is not None:
            published, field = embargo, self.name("embargoed")
        elif first is not None:
            published, field = first, self.name(first_field)
        else:
            published, field = version, self.name("versioncreated")
        if published is None:
            raise self.fail(
                self.name("versioncreated"),
                f"required (or {self.name('firstcreated')}), but missing",
            )
        if embargo is not None:
            # The version's own time, earlier than the embargo's end (None: the record
            # validator asks for it).
            return (published, field), (version, self.name("versioncreated"))
        updated = version if version is not None and version > published else published
        return (published, field), (updated, self.name("versioncreated"))

    def status(self) -> str | None:
        field = self.name("pubstatus")
        value = self.raw.get(field)
        if value is None:
            return None
        # IPTC's codes are lower case; `Usable` (as NewsML-G2 tools write qcodes' names) is
        # the same status, never a reason to publish a withheld story or refuse a usable one.
        key = value.strip().lower() if isinstance(value, str) else ""
        if key not in PUB_STATUS:
            got = show(value) if isinstance(value, str) else describe(value)
            raise self.fail(field, f"expected usable, withheld or canceled, got {got}")
        return PUB_STATUS[key]

    def source(self) -> tuple[object, str]:
        raw = self.raw
        provider = raw.get("provider")  # 1.x
        if isinstance(provider, Mapping) and isinstance(provider.get("name"), str):
            return self.named_source(provider), "provider"
        if isinstance(provider, str):
            return provider, "provider"
        holder = self.name("copyrightholder")
        if isinstance(raw.get(holder), str) and raw[holder].strip():
            return raw[holder], holder
        for field in ("infosources", "infosource"):
            infosource = self.get(field)
            if (
                isinstance(infosource, list)
                and infosource
                and isinstance(infosource[0], Mapping)
                and infosource[0].get("name")
            ):
                return self.named_source(infosource[0]), self.name(field)
        return None, holder

    @staticmethod
    def named_source(entry: Mapping[str, Any]) -> dict[str, Any]:
        uri = entry.get("uri")
        url = uri if isinstance(uri, str) and uri.startswith(("http://", "https://")) else None
        return {"name": entry.get("name"), "url": url}

    def names(self, field: str) -> list[object]:
        return [name for _, name in self.named_entries(field)]

    def named_entries(self, field: str) -> list[tuple[int, object]]:
        """(index, name) of the entries of a list of objects that have a name."""
        entries = self.raw.get(field)
        if entries is None:
            return []
        if not isinstance(entries, list):
            raise self.fail(field, f"expected a list, got {describe(entries)}")
        return [
            (i, e.get("name"))
            for i, e in enumerate(entries)
            if isinstance(e, Mapping) and e.get("name")
        ]

    def tags(self) -> tuple[object, str]:
        """The subjects' names, then the keywords; `self.tag_origin` says where each came from
        (`tags[3]` -> `keywords[1]`), so an error names the ninjs field that holds the value."""
        # Subjects without a name are code-only (IPTC media topic ids) and mean nothing to readers.
        names: list[object] = []
        for field in ("subject", "subjects"):
            for index, name in self.named_entries(field):
                self.tag_origin[f"tags[{len(names)}]"] = f"{field}[{index}].name"
                names.append(name)
        keywords = self.raw.get("keywords")
        if isinstance(keywords, list):
            for index, keyword in enumerate(keywords):
                if keyword:
                    self.tag_origin[f"tags[{len(names)}]"] = f"keywords[{index}]"
                    names.append(keyword)
        elif keywords is not None:
            raise self.fail("keywords", f"expected a list of text, got {describe(keywords)}")
        return names, "subjects" if not keywords else "subjects, keywords"

    def section(self) -> tuple[object, str]:
        names = self.names("genre") + self.names("genres")
        return (names[0] if names else None), "genres"

    def authors(self) -> tuple[object, str]:
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
        field = "by" if raw.get("by") is not None else "byline"  # 1.x: byline
        by = raw.get(field)
        if by is None:
            return None, "by"
        if not isinstance(by, str):
            raise self.fail(field, f"expected text, got {describe(by)}")
        if not markup_text(by).strip():
            return None, field  # a byline that shows nothing names nobody
        # A byline is one text, read as our `authors` text is (articles.bylines): split into
        # the people it names, the agencies it credits (the record's source, `dpa` in `Von
        # Christian Hollmann, dpa`) not among them unless it names nobody else (`by: "AA"`).
        return by, field

    def rights(self) -> tuple[object, str]:
        for field in ("copyrightnotice", "usageterms"):
            value = self.get(field)
            if isinstance(value, str) and value.strip():
                return value, self.name(field)
            if value is not None and not isinstance(value, str):
                return value, self.name(field)  # refused, naming the field, by the validator
        return None, self.name("copyrightnotice")

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
                "associations", f"expected a list of objects, got {describe(associations)}"
            )
        for item in items:
            if not isinstance(item, Mapping) or kind_of(item.get("type")) not in (
                "picture",
                "graphic",
            ):
                continue
            rendition = self.largest_rendition(item.get("renditions"))
            if rendition is None:
                continue
            caption = self.caption(item)
            return {
                "url": rendition.get("href"),
                "alt": caption,
                "caption": caption,
                "width": _measure(rendition.get("width")),
                "height": _measure(rendition.get("height")),
                "type": self.get("contenttype", rendition) or rendition.get("mimetype"),
            }, "associations"
        return None, "associations"

    def translations(self) -> tuple[object, str]:
        """The story in other languages: text associations whose `language` differs from the
        item's (and whose `rel`, when given, speaks of a translation), by their `uri`, the id
        their own ninjs items are imported under."""
        associations = self.raw.get("associations")
        if isinstance(associations, Mapping):  # ninjs 1.x: keyed by name
            items: list[Any] = list(associations.values())
        elif isinstance(associations, list):
            items = associations
        else:
            return None, "associations"
        own = str(self.raw.get("language") or "").lower()
        found = []
        for item in items:
            if not isinstance(item, Mapping) or kind_of(item.get("type", "text")) != "text":
                continue
            language, uri, rel = item.get("language"), item.get("uri"), item.get("rel")
            if not isinstance(language, str) or not isinstance(uri, str) or not uri.strip():
                continue
            if not language.strip() or language.lower() == own:
                continue
            if isinstance(rel, str) and "translat" not in rel.lower():
                continue
            found.append({"id": uri, "language": language})
        return (found or None), "associations"

    def media(self) -> tuple[object, str]:
        """The audio or video of the item: an audio/video item's own rendition, else those of
        its audio/video associations; each as `{url, length, type, duration, title}`.

        Of an item's renditions the one named `main` is taken (else the largest) among those
        whose content type is audio/... or video/... (or, without a type, of the item's own
        type): a wire item offers one recording in several encodings, and a podcast episode
        is one file. ninjs gives `duration` in seconds (fractions allowed; rounded here).
        """
        media: list[dict[str, Any]] = []
        if kind_of(self.raw.get("type")) in MEDIA_TYPES:
            chosen = self.media_rendition(
                self.raw.get("renditions"), str(kind_of(self.raw["type"]))
            )
            if chosen is not None:
                media.append(chosen)
            return media or None, "renditions"
        associations = self.raw.get("associations")
        items = list(associations.values()) if isinstance(associations, Mapping) else associations
        if isinstance(items, list):
            for item in items:
                if isinstance(item, Mapping) and kind_of(item.get("type")) in MEDIA_TYPES:
                    chosen = self.media_rendition(
                        item.get("renditions"), str(kind_of(item["type"]))
                    )
                    if chosen is not None:
                        media.append(chosen)
        return media or None, "associations"

    def media_rendition(self, renditions: object, item_type: str) -> dict[str, Any] | None:
        if isinstance(renditions, Mapping):  # ninjs 1.x: keyed by name
            renditions = [{"name": k, **v} for k, v in renditions.items() if isinstance(v, Mapping)]
        if not isinstance(renditions, list):
            return None

        def playable(r: object) -> bool:
            if not isinstance(r, Mapping) or not isinstance(r.get("href"), str):
                return False
            content_type = self.get("contenttype", r) or r.get("mimetype")
            if content_type is None:
                return True
            return str(content_type).lower().startswith(("audio/", "video/"))

        usable = [r for r in renditions if playable(r)]
        if not usable:
            return None
        main = [r for r in usable if r.get("name") == "main"]

        def size(r: Mapping[str, Any]) -> int:
            n = self.get("sizeinbytes", r)
            return n if isinstance(n, int) else 0

        chosen = main[0] if main else max(usable, key=size)
        content_type = self.get("contenttype", chosen) or chosen.get("mimetype")
        medium: dict[str, Any] = {
            "url": chosen.get("href"),
            "length": self.get("sizeinbytes", chosen),
            # Without a content type, the item's own type says what it is; the validator
            # refuses a bare "audio" for want of a subtype, naming the renditions.
            "type": content_type if content_type is not None else item_type,
        }
        if chosen.get("duration") is not None:
            medium["duration"] = chosen["duration"]
        if isinstance(chosen.get("title"), str):
            medium["title"] = chosen["title"]
        return medium

    def largest_rendition(self, renditions: object) -> Mapping[str, Any] | None:
        if isinstance(renditions, Mapping):  # ninjs 1.x: keyed by name
            renditions = list(renditions.values())
        if not isinstance(renditions, list):
            return None

        def shown(r: Mapping[str, Any]) -> int:
            """2 for a type browsers and feed readers show (or none given), 1 for another
            image type (a TIFF or raw original), 0 for a rendition that is no image."""
            content_type = self.get("contenttype", r) or r.get("mimetype")
            if not isinstance(content_type, str):
                return 2
            media_type = content_type.split(";")[0].strip().lower()
            if media_type in SHOWN_IMAGE_TYPES:
                return 2
            return 1 if media_type.startswith("image/") else 0

        def rank(r: Mapping[str, Any]) -> tuple[int, float, float]:
            w, h = _measure(r.get("width")), _measure(r.get("height"))
            n = _measure(self.get("sizeinbytes", r))
            area = w * h if isinstance(w, int) and isinstance(h, int) else 0
            return shown(r), area, n if isinstance(n, int) else 0

        usable = [
            r
            for r in renditions
            if isinstance(r, Mapping)
            and isinstance(r.get("href"), str)
            and r["href"].startswith(("http://", "https://"))
            and shown(r)
        ]
        return max(usable, key=rank, default=None)

    def caption(self, item: Mapping[str, Any]) -> str:
        for field in ("body_text", "description_text"):  # 1.x
            if isinstance(item.get(field), str):
                return str(item[field])
        descriptions = item.get("descriptions")
        if isinstance(descriptions, list):
            for entry in descriptions:
                if isinstance(entry, Mapping) and isinstance(entry.get("value"), str):
                    value = str(entry["value"])
                    return html_to_text(value) if self.is_html(entry) else value
        return ""


def kind_of(value: object) -> object:
    """An item's `type` in IPTC's lower case (`Text` is `text`); other values as they are."""
    return value.strip().lower() if isinstance(value, str) else value


def _measure(value: object) -> object:
    """A rendition's width, height or size in bytes, which ninjs types as any JSON number.

    A whole number written as such (`1200`, `1200.0`) is that int; zero or less, which agencies
    send for "not known", is None (no size); a fraction is rounded. Anything else is returned as
    it is, for the record validator to refuse naming the field.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if value != value or value in (float("inf"), float("-inf")):
        return value
    return round(value) if value > 0 else None


class Ninjs2Item(NinjsItem):
    """A ninjs 1.x or 2.x item: every field under its lower-case name."""

    VERSION = "1.x/2.x"
    NAMES: ClassVar[Mapping[str, str | None]] = {
        # 3.x only: an item of these versions has no such field.
        "eventdetails": None,
        "plannedcoverage": None,
    }
