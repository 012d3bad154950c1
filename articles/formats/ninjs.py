"""IPTC ninjs 1.x and 2.x news items -> Article (the field mapping is in docs/import-formats.md).

A ninjs document is translated into our record shape, remembering which ninjs field each of
our fields came from, and then validated by the shared record validator, so an error names the
ninjs field (`headlines (from headlines)`, `pubstatus`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from articles.dates import parse_datetime
from articles.errors import InvalidArticle
from articles.formats.record import RecordBuilder, kind, show
from articles.model import Article, Status
from articles.text import html_to_text

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
        raise InvalidArticle(where, "", f"expected a ninjs JSON object, got {kind(raw)}")
    ninjs = _Ninjs(raw, where, zone)
    record, origin = ninjs.record()
    builder = RecordBuilder(where, zone, default_language, base_url, origin)
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
        item_type = raw.get("type", "text")
        if item_type not in ("text", "composite"):
            raise self.fail(
                "type", f"a ninjs {show(item_type)} item is not an article; only text items are"
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
                field, f"expected a list of objects with role and value, got {kind(entries)}"
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
                raise self.fail("bodies", f"expected a list of objects, got {kind(bodies)}")
            for entry in bodies:
                what = f"{entry.get('contenttype', '')} {entry.get('role', '')}".lower()
                if html is None and "html" in what:
                    html, field = entry.get("value"), "bodies"
                elif text is None and ("text/plain" in what or entry.get("role") == "text"):
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
                "pubstatus", f"expected usable, withheld or canceled, got {show(value)}"
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
            raise self.fail(field, f"expected a list, got {kind(entries)}")
        return [e.get("name") for e in entries if isinstance(e, Mapping) and e.get("name")]

    def tags(self) -> tuple[object, str]:
        # Subjects without a name are code-only (IPTC media topic ids) and mean nothing to readers.
        names = self.names("subject") + self.names("subjects")
        keywords = self.raw.get("keywords")
        if isinstance(keywords, list):
            names += [k for k in keywords if k]
        elif keywords is not None:
            raise self.fail("keywords", f"expected a list of text, got {kind(keywords)}")
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
            raise self.fail("by", f"expected text, got {kind(by)}")
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
            raise self.fail("associations", f"expected a list of objects, got {kind(associations)}")
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
