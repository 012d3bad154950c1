"""Atom 1.0 (RFC 4287), written with feedgen (head) and our own entry hook.

`AtomWriter` writes the core of RFC 4287; RFC 5005 history, WebSub, Media RSS, the source
credit and the stylesheet instruction are extensions (`feeds.writers.extensions`). Plain text
is a text construct of `type="text"`, or `type="html"` holding the text HTML-escaped when the
text reads as markup (`base.reads_as_markup`): every reader, including those that read text
constructs as HTML, shows it as written.
"""

from __future__ import annotations

from typing import Any, ClassVar

from lxml.etree import SubElement

from feeds.model import Entry, Feed
from feeds.writers import _feedgen_fixes as fixes
from feeds.writers._feedgen_fixes import XML_LANG
from feeds.writers.base import XmlWriter, as_html, long_text, long_texts, reads_as_markup
from feeds.writers.dates import rfc3339

_TEXT = {"type": "text"}
_HTML = {"type": "html"}


def text_construct(parent: Any, tag: str, text: str, *, always_typed: bool = False) -> Any:
    """Append an Atom text construct (RFC 4287 section 3.1) showing the plain `text`.

    `type` is written for html, and for text only when `always_typed` (it is the default).
    """
    if reads_as_markup(text):
        element = SubElement(parent, tag, _HTML)
        element.text = as_html(text)
    else:
        element = SubElement(parent, tag, _TEXT) if always_typed else SubElement(parent, tag)
        element.text = text
    return element


def _retext(element: Any, text: str) -> None:
    """Rewrite a text construct feedgen wrote (always as plain text)."""
    if reads_as_markup(text):
        element.set("type", "html")
        element.text = as_html(text)


class AtomWriter(XmlWriter):
    """Atom 1.0; hooks as in `feeds.writers.base`. `parent` is `<feed>`, `item` `<entry>`."""

    format: ClassVar[str] = "atom"

    def render(self, feed: Feed) -> bytes:
        """The feed as an Atom 1.0 document (UTF-8 bytes)."""
        with long_texts():
            links = feed.links.for_format("atom")
            fg = fixes.new_generator(feed, self._namespaces)
            fg.link(href=links.self, rel="self", type=fixes.MEDIA_TYPES["atom"])
            fg.link(href=feed.links.html, rel="alternate", type="text/html")
            author = {"name": feed.author.name}
            if feed.author.email:
                author["email"] = feed.author.email
            fg.author(author)
            if feed.icon:
                fg.icon(feed.icon)
            if feed.logo:
                fg.logo(feed.logo)
            root, _ = fg._create_atom(extensions=True)
            for name, value in self.root_attributes(feed).items():
                root.set(name, value)
            self.add_root_elements(root, feed)
            self.add_items(root, "entry", feed)
            return self.serialize(root, feed)

    def add_root_elements(self, parent: Any, feed: Feed) -> None:
        """Fix up feedgen's head: RFC 3339 `updated`, typed title, subtitle's own language."""
        fixes.child(parent, "updated").text = rfc3339(feed.updated)
        _retext(fixes.child(parent, "title"), feed.title)
        if feed.subtitle:
            subtitle = fixes.child(parent, "subtitle")
            _retext(subtitle, feed.subtitle)
            if feed.subtitle_language and feed.subtitle_language != feed.language:
                subtitle.set(XML_LANG, feed.subtitle_language)
        if feed.rights:
            _retext(fixes.child(parent, "rights"), feed.rights)
        super().add_root_elements(parent, feed)

    def item_attributes(self, entry: Entry, feed: Feed) -> dict[str, str]:
        attributes = super().item_attributes(entry, feed)
        if entry.language and entry.language != feed.language:
            attributes[XML_LANG] = entry.language
        return attributes

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed) -> None:
        """Append the entry's RFC 4287 elements, then the extensions'."""
        # Unqualified names, like feedgen's: its root carries the Atom default namespace. Direct
        # SubElement calls: this loop is most of the render time (bench/render.py).
        SubElement(item, "id").text = entry.id
        text_construct(item, "title", entry.title)
        SubElement(item, "updated").text = rfc3339(entry.updated)
        SubElement(item, "published").text = rfc3339(entry.published)
        for author in entry.authors:
            person = SubElement(item, "author")
            SubElement(person, "name").text = author.name
            if author.email:
                SubElement(person, "email").text = author.email
            if author.uri:
                SubElement(person, "uri").text = author.uri
        SubElement(item, "link", {"href": entry.link, "rel": "alternate", "type": "text/html"})
        for related in entry.related:
            attrs = {"href": related.url, "rel": "related", "type": "text/html"}
            if related.title:
                attrs["title"] = related.title
            SubElement(item, "link", attrs)
        for enclosure in entry.enclosures:
            attrs = {"href": enclosure.url, "rel": "enclosure", "type": enclosure.type}
            if enclosure.length:
                attrs["length"] = str(enclosure.length)
            if enclosure.title:
                attrs["title"] = enclosure.title
            SubElement(item, "link", attrs)
        for category in entry.categories:
            SubElement(
                item,
                "category",
                {"term": category.term, "scheme": category.scheme, "label": category.label},
            )
        if entry.summary:
            text_construct(item, "summary", entry.summary, always_typed=True)
        # A blank <content> is flagged by validators; the alternate link stands in for it.
        if entry.content_html:
            long_text(SubElement(item, "content", _HTML), entry.content_html)
        if entry.rights:
            text_construct(item, "rights", entry.rights)
        super().add_item_elements(item, entry, feed)
