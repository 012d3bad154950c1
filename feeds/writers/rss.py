"""RSS 2.0 with the content and Atom (self link) modules, written with feedgen and our hooks.

`RssWriter` writes RSS 2.0's core; Dublin Core, Media RSS, RFC 5005 history, WebSub, the
source credit and the stylesheet instruction are extensions (`feeds.writers.extensions`).

Text: readers read `<description>` as HTML, so plain text goes there HTML-escaped once more
(`&amp;lt;` in the XML). A title is plain text, but many readers (feedparser among them) read
one that looks like markup as HTML: a title that reads as markup (`base.reads_as_markup`) is
written HTML-escaped, any other exactly as it is, so both kinds of reader show it as written.
Every document writes `&` as the hexadecimal character reference `&#x26;` throughout (the
same character to an XML parser), the RSS Best Practices Profile's encoding ("Character
Data") by which the W3C validator tells deliberately escaped text from HTML
(`base.hex_ampersands`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from lxml.etree import SubElement

from feeds.feed_types import Entry, Feed, Person
from feeds.writers import _feedgen_fixes as fixes
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
from feeds.writers.dates import rfc822


def rss_text(text: str) -> str:
    """A plain-text title as RSS readers show it as written (see the module docstring)."""
    return as_html(text) if reads_as_markup(text) else text


def rss_author(entry: Entry) -> Person | None:
    """The byline RSS's `<author>` carries: the only one, and only with an e-mail address.

    RSS allows one `<author>` per item and it must hold an address; validators flag an item
    with both `<author>` and `dc:creator`. Every other byline list is one `dc:creator` per
    name (the `DublinCore` extension).
    """
    if len(entry.authors) == 1 and entry.authors[0].email:
        return entry.authors[0]
    return None


class RssWriter(XmlWriter):
    """RSS 2.0; hooks as in `feeds.writers.base`. `parent` is `<channel>`, `item` `<item>`."""

    format: ClassVar[str] = "rss"
    # What feedgen declares on <rss> itself; listed so an extension cannot claim the prefixes.
    NAMESPACES: ClassVar[Mapping[str, str]] = {
        "atom": fixes.ATOM_NS,
        "content": "http://purl.org/rss/1.0/modules/content/",
    }

    def document(self, feed: Feed) -> bytes:
        """The feed as an RSS 2.0 document (UTF-8 bytes); `render` is the entry point."""
        links = feed.links.for_format("rss")
        fg = fixes.new_generator(feed, self._namespaces)
        if not feed.subtitle:
            fg.description(feed.description)
        fg.link(href=links.self, rel="self", type=fixes.MEDIA_TYPES["rss"])
        # The channel <link> is the last link added, whatever its rel: the HTML page goes last.
        fg.link(href=feed.links.html, rel="alternate")
        if feed.logo:
            fg.image(url=feed.logo, title=rss_text(feed.title), link=feed.links.html)
        root, _ = fg._create_rss(extensions=True)
        for name, value in self.root_attributes(feed).items():
            root.set(name, value)
        channel = root[0]
        self.add_root_elements(channel, feed)
        self.add_items(channel, "item", feed)
        return hex_ampersands(self.serialize(root, feed), b"<rss")

    def add_root_elements(self, parent: Any, feed: Feed) -> None:
        """Fix up feedgen's channel: titles and description as readers read them, and our
        `lastBuildDate` (the feed's `updated`, never now)."""
        fixes.child(parent, "title").text = rss_text(feed.title)
        # Plain text in the feed's language, else the title (RSS cannot mark a language here).
        fixes.child(parent, "description").text = as_html(feed.description)
        SubElement(parent, "lastBuildDate").text = rfc822(feed.updated)
        super().add_root_elements(parent, feed)

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed) -> None:
        """Append the item's RSS 2.0 elements, then the extensions'."""
        # Written as markup (`base.add_markup`): this loop is most of the render time.
        parts = [
            f"<title>{xml_text(rss_text(entry.title))}</title>",
            f"<link>{xml_text(entry.link)}</link>",
        ]
        # description is the short plain text (as HTML), content:encoded the full HTML. An
        # item with content always has a description before it (the W3C validator's
        # NeedDescriptionBeforeContent; Apple Podcasts expects one per episode): the title
        # when the record has no text to take an excerpt from.
        description = entry.excerpt or (entry.title if entry.content_html else "")
        if description:
            parts.append(f"<description>{xml_text(as_html(description))}</description>")
        before, body = "", b""
        if entry.content_html:
            parts.append("<content:encoded>")
            before, body = "".join(parts), escape_text(entry.content_html)
            parts = ["</content:encoded>"]
        author = rss_author(entry)
        if author is not None:
            parts.append(f"<author>{xml_text(f'{author.email} ({author.name})')}</author>")
        parts.append(f'<guid isPermaLink="false">{xml_text(entry.id)}</guid>')
        for category in entry.categories:
            parts.append(
                f'<category domain="{xml_attr(category.scheme)}">'
                f"{xml_text(category.label)}</category>"
            )
        if entry.enclosures:
            # One enclosure per item in RSS: the primary medium, first in the model's order
            # (`articles.model.primary_first`); the others go to media:content (MediaRSS).
            first = entry.enclosures[0]
            parts.append(
                f'<enclosure url="{xml_attr(first.url)}" length="{xml_attr(str(first.length))}" '
                f'type="{xml_attr(first.type)}"/>'
            )
        parts.append(f"<pubDate>{rfc822(entry.published)}</pubDate>")
        for related in entry.related:
            link = f'<atom:link href="{xml_attr(related.url)}" rel="related" type="text/html"'
            if related.title:
                link += f' title="{xml_attr(related.title)}"'
            parts.append(link + "/>")
        if body:
            add_markup(item, before, body, "".join(parts))
        else:
            add_markup(item, "".join(parts))
        super().add_item_elements(item, entry, feed)
