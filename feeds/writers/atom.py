"""Atom 1.0 (RFC 4287), written with feedgen (head) and our own entry hook.

`AtomWriter` writes the core of RFC 4287; RFC 5005 history, WebSub, Media RSS, the source
credit and the stylesheet instruction are extensions (`feeds.writers.extensions`). Plain text
is a text construct of `type="text"`, or `type="html"` holding the text HTML-escaped when the
text reads as markup (`base.reads_as_markup`): every reader, including those that read text
constructs as HTML, shows it as written. `&` is written `&#x26;` (`base.hex_ampersands`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from lxml.etree import SubElement

from feeds.feed_types import Entry, Feed
from feeds.writers import _feedgen_fixes as fixes
from feeds.writers._feedgen_fixes import XML_LANG
from feeds.writers.base import (
    XmlWriter,
    add_markup,
    as_html,
    escape_text,
    hex_ampersands,
    reads_as_markup,
    xml_attr,
    xml_text,
)
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


def text_markup(tag: str, text: str, *, always_typed: bool = False) -> str:
    """`text_construct` as markup (`base.add_markup`)."""
    if reads_as_markup(text):
        return f'<{tag} type="html">{xml_text(as_html(text))}</{tag}>'
    if always_typed:
        return f'<{tag} type="text">{xml_text(text)}</{tag}>'
    return f"<{tag}>{xml_text(text)}</{tag}>"


def _retext(element: Any, text: str) -> None:
    """Rewrite a text construct feedgen wrote (always as plain text)."""
    if reads_as_markup(text):
        element.set("type", "html")
        element.text = as_html(text)


class AtomWriter(XmlWriter):
    """Atom 1.0; hooks as in `feeds.writers.base`. `parent` is `<feed>`, `item` `<entry>`."""

    format: ClassVar[str] = "atom"

    def document(self, feed: Feed) -> bytes:
        """The feed as an Atom 1.0 document (UTF-8 bytes); `render` is the entry point."""
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
        return hex_ampersands(self.serialize(root, feed), b"<feed")

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
        # Unqualified names, like feedgen's: its root carries the Atom default namespace.
        # Written as markup (`base.add_markup`): this loop is most of the render time
        # (bench/render.py).
        parts = [
            f"<id>{xml_text(entry.id)}</id>",
            text_markup("title", entry.title),
            f"<updated>{rfc3339(entry.updated)}</updated>",
            f"<published>{rfc3339(entry.published)}</published>",
        ]
        for author in entry.authors:
            person = f"<author><name>{xml_text(author.name)}</name>"
            if author.email:
                person += f"<email>{xml_text(author.email)}</email>"
            if author.uri:
                person += f"<uri>{xml_text(author.uri)}</uri>"
            parts.append(person + "</author>")
        parts.append(f'<link href="{xml_attr(entry.link)}" rel="alternate" type="text/html"/>')
        for related in entry.related:
            link = f'<link href="{xml_attr(related.url)}" rel="related" type="text/html"'
            if related.title:
                link += f' title="{xml_attr(related.title)}"'
            parts.append(link + "/>")
        for enclosure in entry.enclosures:
            link = (
                f'<link href="{xml_attr(enclosure.url)}" rel="enclosure" '
                f'type="{xml_attr(enclosure.type)}"'
            )
            if enclosure.length:
                link += f' length="{xml_attr(str(enclosure.length))}"'
            if enclosure.title:
                link += f' title="{xml_attr(enclosure.title)}"'
            parts.append(link + "/>")
        for category in entry.categories:
            parts.append(
                f'<category term="{xml_attr(category.term)}" '
                f'scheme="{xml_attr(category.scheme)}" label="{xml_attr(category.label)}"/>'
            )
        if entry.summary:
            parts.append(text_markup("summary", entry.summary, always_typed=True))
        # A blank <content> is flagged by validators; the alternate link stands in for it.
        if entry.content_html:
            parts.append('<content type="html">')
            body = escape_text(entry.content_html)
            after = ["</content>"]
        else:
            body, after = b"", parts
        if entry.rights:
            after.append(text_markup("rights", entry.rights))
        if after is parts:
            add_markup(item, "".join(parts))
        else:
            add_markup(item, "".join(parts), body, "".join(after))
        super().add_item_elements(item, entry, feed)
