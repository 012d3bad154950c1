"""Every workaround for feedgen 1.0.0, in one place.

feedgen writes the frame of our Atom and RSS documents: the feed/channel head with its links,
image, language and dates, and the namespace declarations. What it gets wrong is handled here:

- Its entry writers drop `rel`/`type`/`length`/`title` of Atom entry links, keep one RSS
  enclosure, and format RSS dates with `locale.setlocale` per call (process-wide, not
  thread-safe). So feedgen writes the feed head only and our `atom.add_entry` /
  `rss.add_item` append the entries to its tree, in the Feed's order (feedgen's `add_entry()`
  would also prepend by default). One pass per entry is also faster than feedgen's setters,
  its element building and a repair pass afterwards (bench/render.py).
- The feed `updated` and `lastBuildDate` default to "now" and `<generator>`/`<docs>` are its
  own: `new_generator` sets or clears them all, so the same Feed gives the same bytes; RSS
  dates (also `lastBuildDate`) are formatted by `rfc822`, never through `locale.setlocale`.
- The RSS channel `<link>` is the last link added, whatever its rel: the writer adds the HTML
  page last. Only `rel="self"` becomes an atom:link in RSS: `add_channel_links` adds the rest.
- A control character anywhere raises while serializing: `feeds.model` strips them first.
- No stylesheet option: `serialize` adds `<?xml-stylesheet?>`.
- Extension namespaces are declared on the root only through a registered extension: a no-op
  `_Namespaces` extension declares `dc:`, `media:` and `fh:` once on the root, so elements
  added afterwards use those prefixes.
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
EXTENSION_NAMESPACES = {"dc": DC_NS, "media": MEDIA_NS, "fh": FH_NS}

RSS_DOCS = "https://www.rssboard.org/rss-specification"
MEDIA_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}


class _Namespaces(BaseExtension):
    """A feed-level extension that writes nothing; it only declares our prefixes on the root."""

    def extend_ns(self) -> dict[str, str]:
        return EXTENSION_NAMESPACES


def new_generator(feed: Feed) -> FeedGenerator:
    """A FeedGenerator with every field that has a feedgen default set from the Feed."""
    fg = FeedGenerator()
    fg.register_extension("newsroom", _Namespaces, None, atom=True, rss=True)
    fg.id(feed.id)
    fg.title(feed.title)
    fg.updated(feed.updated)
    # feedgen sets lastBuildDate to now and formats it through locale.setlocale (process-wide,
    # racy under threads); clear it and write our own in add_channel_links.
    fg._FeedGenerator__rss_lastBuildDate = None
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


def sub(parent: Any, tag: str, text: str | None = None, attrs: dict[str, str] | None = None) -> Any:
    """Append a child element with optional text and attributes."""
    child = etree.SubElement(parent, tag, attrs) if attrs else etree.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def add_channel_links(channel: Any, feed: Feed) -> None:
    """The RSS channel's hub and RFC 5005 atom:links, `fh:archive` and `lastBuildDate`."""
    build_date = etree.SubElement(channel, "lastBuildDate")
    build_date.text = rfc822(feed.updated)
    extra: list[Any] = []
    if feed.links.hub:
        extra.append(etree.Element(f"{{{ATOM_NS}}}link", href=feed.links.hub, rel="hub"))
    for rel, url in feed.links.for_format("rss").paging():
        extra.append(
            etree.Element(f"{{{ATOM_NS}}}link", href=url, rel=rel, type=MEDIA_TYPES["rss"])
        )
    if feed.links.archive:
        extra.append(etree.Element(f"{{{FH_NS}}}archive"))
    if feed.links.complete:
        extra.append(etree.Element(f"{{{FH_NS}}}complete"))
    anchor = channel.find(f"{{{ATOM_NS}}}link")
    if anchor is None:
        anchor = channel.find("description")
    for item in reversed(extra):
        anchor.addnext(item)


def add_atom_archive_flag(root: Any, feed: Feed) -> None:
    """RFC 5005 `fh:archive` (called before the entries are added): this document is final.

    `fh:complete` too when the archive holds every entry of its feed, so readers (and
    validators) do not look for neighbouring archives that cannot exist.
    """
    if feed.links.archive:
        etree.SubElement(root, f"{{{FH_NS}}}archive")
    if feed.links.complete:
        etree.SubElement(root, f"{{{FH_NS}}}complete")


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
        content = sub(item, f"{{{MEDIA_NS}}}content", attrs=attrs)
        if image.caption or image.alt:
            sub(
                content,
                f"{{{MEDIA_NS}}}description",
                image.caption or image.alt,
                {"type": "plain"},
            )
        sub(content, f"{{{MEDIA_NS}}}thumbnail", attrs={"url": image.url})
    if extra_enclosures:
        for enclosure in entry.enclosures[1:]:
            attrs = {"url": enclosure.url, "type": enclosure.type}
            if enclosure.length:
                attrs["fileSize"] = str(enclosure.length)
            if enclosure.duration:
                attrs["duration"] = str(enclosure.duration)
            content = sub(item, f"{{{MEDIA_NS}}}content", attrs=attrs)
            if enclosure.title:
                sub(content, f"{{{MEDIA_NS}}}title", enclosure.title, {"type": "plain"})


def serialize(root: Any, feed: Feed) -> bytes:
    """UTF-8 bytes with the XML declaration and, when configured, the stylesheet PI."""
    if feed.links.stylesheet:
        href = html.escape(feed.links.stylesheet, quote=True)
        root.addprevious(
            etree.ProcessingInstruction("xml-stylesheet", f'type="text/xsl" href="{href}"')
        )
    return bytes(etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True))
