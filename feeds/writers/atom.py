"""Atom 1.0 (RFC 4287) with RFC 5005 paging/archive links, written with feedgen."""

from __future__ import annotations

from typing import Any

from lxml.etree import SubElement

from feeds.model import Entry, Feed
from feeds.writers import _feedgen_fixes as fixes
from feeds.writers._feedgen_fixes import DC_NS, XML_LANG

DC_SOURCE = f"{{{DC_NS}}}source"


def add_entry(root: Any, entry: Entry, feed: Feed) -> None:
    """Append one `<entry>`, with everything feedgen's own entry writer drops or cannot write."""
    # Unqualified names, like feedgen's: its root carries the Atom default namespace. Direct
    # SubElement calls: this loop is most of the render time (bench/render.py).
    el = SubElement(root, "entry")
    if entry.language and entry.language != feed.language:
        el.set(XML_LANG, entry.language)
    SubElement(el, "id").text = entry.id
    SubElement(el, "title").text = entry.title
    SubElement(el, "updated").text = entry.updated.isoformat()
    SubElement(el, "published").text = entry.published.isoformat()
    for author in entry.authors:
        person = SubElement(el, "author")
        SubElement(person, "name").text = author.name
        if author.email:
            SubElement(person, "email").text = author.email
        if author.uri:
            SubElement(person, "uri").text = author.uri
    SubElement(el, "link", {"href": entry.link, "rel": "alternate", "type": "text/html"})
    for related in entry.related:
        attrs = {"href": related.url, "rel": "related", "type": "text/html"}
        if related.title:
            attrs["title"] = related.title
        SubElement(el, "link", attrs)
    for enclosure in entry.enclosures:
        attrs = {"href": enclosure.url, "rel": "enclosure", "type": enclosure.type}
        if enclosure.length:
            attrs["length"] = str(enclosure.length)
        if enclosure.title:
            attrs["title"] = enclosure.title
        SubElement(el, "link", attrs)
    if entry.source is not None and entry.source.url:
        SubElement(el, "link", {"href": entry.source.url, "rel": "via", "title": entry.source.name})
    for category in entry.categories:
        SubElement(
            el,
            "category",
            {"term": category.term, "scheme": category.scheme, "label": category.label},
        )
    if entry.summary:
        SubElement(el, "summary", {"type": "text"}).text = entry.summary
    # A blank <content> is flagged by validators; the alternate link stands in for it.
    if entry.content_html:
        SubElement(el, "content", {"type": "html"}).text = entry.content_html
    if entry.rights:
        SubElement(el, "rights").text = entry.rights
    if entry.source is not None:
        SubElement(el, DC_SOURCE).text = entry.source.name
    fixes.add_media(el, entry, extra_enclosures=False)


def render(feed: Feed) -> bytes:
    """The feed as an Atom 1.0 document (UTF-8 bytes)."""
    links = feed.links.for_format("atom")
    fg = fixes.new_generator(feed)
    fg.link(href=links.self, rel="self", type=fixes.MEDIA_TYPES["atom"])
    fg.link(href=feed.links.html, rel="alternate", type="text/html")
    if feed.links.hub:
        fg.link(href=feed.links.hub, rel="hub")
    # Feed-level links keep their attributes in feedgen; only entry links lose them.
    for rel, url in links.paging():
        fg.link(href=url, rel=rel, type=fixes.MEDIA_TYPES["atom"])
    author = {"name": feed.author.name}
    if feed.author.email:
        author["email"] = feed.author.email
    fg.author(author)
    if feed.icon:
        fg.icon(feed.icon)
    if feed.logo:
        fg.logo(feed.logo)
    root, _ = fg._create_atom(extensions=True)
    fixes.add_atom_archive_flag(root, feed)
    for entry in feed.entries:
        add_entry(root, entry, feed)
    return fixes.serialize(root, feed)
