"""Every workaround for feedgen 1.0.0, in one place.

feedgen writes the core of our Atom and RSS documents; this module sets it up so its defaults
cannot leak into our bytes, and then adds on its lxml tree what it cannot write:

- it drops `rel`/`type`/`length`/`title` of Atom *entry* links: we give feedgen only the
  alternate link and write the entry's other links (related, enclosure, via) ourselves;
- in RSS it writes only the `self` atom:link (no hub, no RFC 5005 links) and keeps only one
  enclosure: we add the atom:links and carry further media as `media:content`;
- the feed `updated`, `lastBuildDate` and each entry `updated` default to "now", and
  `<generator>`/`<docs>` are its own: we always set them, so the same Feed gives the same bytes;
- `add_entry()` prepends by default: we append, in the Feed's (newest first) order;
- RSS dates are formatted with `locale.setlocale` per call (process-wide, not thread-safe): we
  format item dates ourselves with `email.utils.format_datetime`;
- a control character raises while serializing: `feeds.model` strips them before we get here;
- no stylesheet processing instruction: we add `<?xml-stylesheet?>` on serialization;
- extension namespaces are only declared on the root through a registered extension: we
  register a no-op one so `dc:`, `media:` and `fh:` are declared once on the root.
"""

from __future__ import annotations

import html
from email.utils import format_datetime
from typing import Any

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.model import Entry, Feed

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
FH_NS = "http://purl.org/syndication/history/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

RSS_DOCS = "https://www.rssboard.org/rss-specification"
MEDIA_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}


class _Namespaces(BaseExtension):
    """A feed-level extension that writes nothing; it only declares our prefixes on the root."""

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC_NS, "media": MEDIA_NS, "fh": FH_NS}


def new_generator(feed: Feed) -> FeedGenerator:
    """A FeedGenerator with every field that has a feedgen default set from the Feed."""
    fg = FeedGenerator()
    fg.register_extension("newsroom", _Namespaces, None, atom=True, rss=True)
    fg.id(feed.id)
    fg.title(feed.title)
    fg.updated(feed.updated)
    fg.lastBuildDate(feed.updated)
    fg.generator(feed.generator)
    fg.docs(RSS_DOCS)
    fg.language(feed.language)
    if feed.subtitle:
        fg.subtitle(feed.subtitle)  # also the RSS description
    if feed.rights:
        fg.rights(feed.rights)
    return fg


def rfc822(value: Any) -> str:
    """An RFC 822 date with a four-digit year and a numeric offset, independent of the locale."""
    return format_datetime(value)


def _sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def add_atom_links(parent: Any, tag: str, feed: Feed, fmt: str) -> None:
    """The hub and RFC 5005 links of the `fmt` document, appended to `parent`."""
    if feed.links.hub:
        _sub(parent, tag, href=feed.links.hub, rel="hub")
    for rel, url in feed.links.for_format(fmt).paging():
        _sub(parent, tag, href=url, rel=rel, type=MEDIA_TYPES[fmt])


def add_archive_flag(parent: Any, before: Any | None) -> None:
    """RFC 5005 `fh:archive`: this document will never change."""
    flag = etree.Element(f"{{{FH_NS}}}archive")
    if before is not None:
        before.addprevious(flag)
    else:
        parent.append(flag)


def add_media(item: Any, entry: Entry, extra_enclosures: bool) -> None:
    """Media RSS for the lead image (and, in RSS, the enclosures after the first)."""
    image = entry.image
    if image is not None:
        attrs = {"url": image.url, "medium": "image"}
        if image.type:
            attrs["type"] = image.type
        if image.width:
            attrs["width"] = str(image.width)
        if image.height:
            attrs["height"] = str(image.height)
        content = _sub(item, f"{{{MEDIA_NS}}}content", **attrs)
        if image.caption or image.alt:
            _sub(content, f"{{{MEDIA_NS}}}description", image.caption or image.alt, type="plain")
        _sub(content, f"{{{MEDIA_NS}}}thumbnail", url=image.url)
    if extra_enclosures:
        for enclosure in entry.enclosures[1:]:
            attrs = {"url": enclosure.url, "type": enclosure.type}
            if enclosure.length:
                attrs["fileSize"] = str(enclosure.length)
            if enclosure.duration:
                attrs["duration"] = str(enclosure.duration)
            content = _sub(item, f"{{{MEDIA_NS}}}content", **attrs)
            if enclosure.title:
                _sub(content, f"{{{MEDIA_NS}}}title", enclosure.title, type="plain")


def fix_atom_entry(element: Any, entry: Entry, feed: Feed) -> None:
    """Give the entry the links and extensions feedgen drops or cannot write."""
    if entry.language and entry.language != feed.language:
        element.set(XML_LANG, entry.language)
    alternate = element.find("link")
    if alternate is not None:
        alternate.set("rel", "alternate")
        alternate.set("type", "text/html")
    for related in entry.related:
        attrs = {"href": related.url, "rel": "related", "type": "text/html"}
        if related.title:
            attrs["title"] = related.title
        _sub(element, "link", **attrs)
    for enclosure in entry.enclosures:
        attrs = {"href": enclosure.url, "rel": "enclosure", "type": enclosure.type}
        if enclosure.length:
            attrs["length"] = str(enclosure.length)
        if enclosure.title:
            attrs["title"] = enclosure.title
        _sub(element, "link", **attrs)
    if entry.source is not None:
        if entry.source.url:
            _sub(element, "link", href=entry.source.url, rel="via", title=entry.source.name)
        _sub(element, f"{{{DC_NS}}}source", entry.source.name)
    add_media(element, entry, extra_enclosures=False)


def fix_rss_item(item: Any, entry: Entry, feed: Feed) -> None:
    """Add what RSS items need beyond feedgen: dates, creators, links, credit, media."""
    _sub(item, "pubDate", rfc822(entry.published))
    if not all(author.email for author in entry.authors):
        for author in entry.authors:
            _sub(item, f"{{{DC_NS}}}creator", author.name)
    if entry.language and entry.language != feed.language:
        _sub(item, f"{{{DC_NS}}}language", entry.language)
    if entry.rights:
        _sub(item, f"{{{DC_NS}}}rights", entry.rights)
    for related in entry.related:
        attrs = {"href": related.url, "rel": "related", "type": "text/html"}
        if related.title:
            attrs["title"] = related.title
        _sub(item, f"{{{ATOM_NS}}}link", **attrs)
    if entry.source is not None:
        if entry.source.url:
            _sub(item, "source", entry.source.name, url=entry.source.url)
        else:
            _sub(item, f"{{{DC_NS}}}source", entry.source.name)
    add_media(item, entry, extra_enclosures=True)


def serialize(root: Any, feed: Feed) -> bytes:
    """UTF-8 bytes with the XML declaration and, when configured, the stylesheet PI."""
    if feed.links.stylesheet:
        href = html.escape(feed.links.stylesheet, quote=True)
        root.addprevious(
            etree.ProcessingInstruction("xml-stylesheet", f'type="text/xsl" href="{href}"')
        )
    return bytes(etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True))
