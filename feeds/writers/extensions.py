"""The optional parts of our documents, written as extensions through the writers' hooks.

Each is a `FeedExtension` (`feeds.writers.base`); `DEFAULT_EXTENSIONS` is what every document
carries. They are the models for new ones (podcast namespaces, RFC 6721 tombstones,
translations): declare the namespaces, add feed-level and entry-level elements, per format.

- `WebSub`: the hub: Atom `link rel="hub"`, RSS `atom:link rel="hub"`, JSON Feed `hubs`.
- `FeedHistory` (RFC 5005): paging and archive links (Atom `link`, RSS `atom:link`),
  `fh:archive`, `fh:complete` (JSON Feed's `next_url` is core JSON Feed).
- `DublinCore` (RSS): `dc:creator` per name, `dc:language`, `dc:rights`.
- `SourceCredit`: Atom `link rel="via"` and `dc:source`; RSS `source url=…`, else
  `dc:source`; JSON Feed `_source`.
- `MediaRSS` (Atom, RSS): the lead image, as `media:content` in Atom and `media:thumbnail` in
  RSS (podcast apps count every RSS `media:content` as an episode's media); in RSS also the
  enclosures after the first.
- `Stylesheet` (Atom, RSS): `<?xml-stylesheet?>`.
- `Translations` (feeds.writers.translations): hreflang alternates of each entry.
- `Tombstones` (Atom, `feeds.writers.tombstones`): RFC 6721 `at:deleted-entry`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from lxml.etree import SubElement

from feeds.feed_types import Entry, Feed
from feeds.writers._feedgen_fixes import ATOM_NS, DC_NS, FH_NS, MEDIA_NS, MEDIA_TYPES
from feeds.writers.base import XML_FORMATS, FeedExtension, add_markup, element, xml_attr, xml_text
from feeds.writers.rss import rss_author
from feeds.writers.tombstones import Tombstones
from feeds.writers.translations import Translations

ATOM_LINK = f"{{{ATOM_NS}}}link"
DC_CREATOR = f"{{{DC_NS}}}creator"
DC_LANGUAGE = f"{{{DC_NS}}}language"
DC_RIGHTS = f"{{{DC_NS}}}rights"
DC_SOURCE = f"{{{DC_NS}}}source"
FH_ARCHIVE = f"{{{FH_NS}}}archive"
FH_COMPLETE = f"{{{FH_NS}}}complete"
MEDIA_CONTENT = f"{{{MEDIA_NS}}}content"
MEDIA_DESCRIPTION = f"{{{MEDIA_NS}}}description"
MEDIA_THUMBNAIL = f"{{{MEDIA_NS}}}thumbnail"
MEDIA_TITLE = f"{{{MEDIA_NS}}}title"
_PLAIN = {"type": "plain"}


def _link_tag(fmt: str) -> str:
    """Atom's own `link`; in RSS the Atom namespace's `atom:link`."""
    return "link" if fmt == "atom" else ATOM_LINK


class WebSub(FeedExtension):
    """The WebSub hub (W3C WebSub section 4) that pushes this document's updates."""

    def add_root_elements(self, parent: Any, feed: Feed, fmt: str) -> None:
        if feed.links.hub:
            SubElement(parent, _link_tag(fmt), {"href": feed.links.hub, "rel": "hub"})

    def add_root_fields(self, document: dict[str, Any], feed: Feed) -> None:
        if feed.links.hub:
            document["hubs"] = [{"type": "WebSub", "url": feed.links.hub}]


class FeedHistory(FeedExtension):
    """RFC 5005: paged feeds (`first`/`previous`/`next`/`last`) and archived feeds (`current`,
    `prev-archive`/`next-archive`, `fh:archive`, `fh:complete` for an archive that holds every
    entry of its feed)."""

    formats: ClassVar[frozenset[str]] = XML_FORMATS

    def namespaces(self, fmt: str) -> Mapping[str, str]:
        return {"fh": FH_NS}

    def add_root_elements(self, parent: Any, feed: Feed, fmt: str) -> None:
        tag = _link_tag(fmt)
        media_type = MEDIA_TYPES[fmt]
        for rel, url in feed.links.for_format(fmt).paging():
            SubElement(parent, tag, {"href": url, "rel": rel, "type": media_type})
        if feed.links.archive:
            SubElement(parent, FH_ARCHIVE)
        if feed.links.complete:
            SubElement(parent, FH_COMPLETE)


class DublinCore(FeedExtension):
    """RSS items: `dc:creator` once per byline name when `<author>` cannot carry the bylines
    (`rss.rss_author`), `dc:language` when the entry's differs from the feed's, `dc:rights`."""

    formats: ClassVar[frozenset[str]] = frozenset({"rss"})

    def namespaces(self, fmt: str) -> Mapping[str, str]:
        return {"dc": DC_NS}

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed, fmt: str) -> None:
        parts = []
        if rss_author(entry) is None:
            for author in entry.authors:
                parts.append(f"<dc:creator>{xml_text(author.name)}</dc:creator>")
        if entry.language and entry.language != feed.language:
            parts.append(f"<dc:language>{xml_text(entry.language)}</dc:language>")
        if entry.rights:
            parts.append(f"<dc:rights>{xml_text(entry.rights)}</dc:rights>")
        if parts:
            add_markup(item, "".join(parts))


class SourceCredit(FeedExtension):
    """The agency or outlet credited for an entry (`출처:AA`)."""

    def namespaces(self, fmt: str) -> Mapping[str, str]:
        return {"dc": DC_NS}

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed, fmt: str) -> None:
        source = entry.source
        if source is None:
            return
        name = xml_text(source.name)
        if fmt == "atom":
            via = ""
            if source.url:
                via = (
                    f'<link href="{xml_attr(source.url)}" rel="via" '
                    f'title="{xml_attr(source.name)}"/>'
                )
            add_markup(item, f"{via}<dc:source>{name}</dc:source>")
        elif source.url:
            add_markup(item, f'<source url="{xml_attr(source.url)}">{name}</source>')
        else:
            add_markup(item, f"<dc:source>{name}</dc:source>")

    def add_item_fields(self, item: dict[str, Any], entry: Entry, feed: Feed) -> None:
        if entry.source is not None:
            # Extensions are `_`-prefixed objects (JSON Feed 1.1, "Extensions").
            source = {"name": entry.source.name}
            if entry.source.url:
                source["url"] = entry.source.url
            item["_source"] = source


class MediaRSS(FeedExtension):
    """Media RSS: the lead image; in RSS also the enclosures after the first (RSS allows one
    `<enclosure>`).

    Atom: the image as `media:content` (`medium="image"`, caption or alt text, thumbnail).
    RSS: the image as an item-level `media:thumbnail` only (no caption element: feedparser
    takes an item-level `media:title` for the entry's title), since gPodder's podcastparser
    (and the apps built on it) count every RSS `media:content`, whatever its medium, as one
    of the item's downloadable media.
    """

    formats: ClassVar[frozenset[str]] = XML_FORMATS

    def namespaces(self, fmt: str) -> Mapping[str, str]:
        return {"media": MEDIA_NS}

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed, fmt: str) -> None:
        parts = []
        image = entry.image
        if image is not None and fmt == "rss":
            thumbnail = {"url": image.url}
            if image.width:
                thumbnail["width"] = str(image.width)
            if image.height:
                thumbnail["height"] = str(image.height)
            # No item-level media:title for the caption: feedparser reads it as the entry's
            # title. The caption stays in the content's <figcaption>.
            parts.append(element("media:thumbnail", None, thumbnail))
        elif image is not None:
            attrs = {"url": image.url, "medium": "image"}
            if image.type:
                attrs["type"] = image.type
            if image.width:
                attrs["width"] = str(image.width)
            if image.height:
                attrs["height"] = str(image.height)
            content = element("media:content", None, attrs)[:-2] + ">"
            if image.caption or image.alt:
                content += element("media:description", image.caption or image.alt, _PLAIN)
            content += f'<media:thumbnail url="{xml_attr(image.url)}"/>'
            parts.append(content + "</media:content>")
        if fmt == "rss":
            for enclosure in entry.enclosures[1:]:
                attrs = {"url": enclosure.url, "type": enclosure.type}
                if enclosure.length:
                    attrs["fileSize"] = str(enclosure.length)
                if enclosure.duration:
                    attrs["duration"] = str(enclosure.duration)
                if enclosure.title:
                    content = element("media:content", None, attrs)[:-2] + ">"
                    content += element("media:title", enclosure.title, _PLAIN)
                    parts.append(content + "</media:content>")
                else:
                    parts.append(element("media:content", None, attrs))
        if parts:
            add_markup(item, "".join(parts))


class Stylesheet(FeedExtension):
    """`<?xml-stylesheet type="text/xsl"?>`, so a browser shows the document as a page."""

    formats: ClassVar[frozenset[str]] = XML_FORMATS

    def processing_instructions(self, feed: Feed, fmt: str) -> Iterable[tuple[str, str]]:
        if not feed.links.stylesheet:
            return ()
        href = html.escape(feed.links.stylesheet, quote=True)
        return (("xml-stylesheet", f'type="text/xsl" href="{href}"'),)


DEFAULT_EXTENSIONS: tuple[FeedExtension, ...] = (
    WebSub(),
    FeedHistory(),
    DublinCore(),
    SourceCredit(),
    MediaRSS(),
    Stylesheet(),
    Translations(),
    Tombstones(),
)

__all__ = [
    "DEFAULT_EXTENSIONS",
    "DublinCore",
    "FeedHistory",
    "MediaRSS",
    "SourceCredit",
    "Stylesheet",
    "Translations",
    "WebSub",
]
