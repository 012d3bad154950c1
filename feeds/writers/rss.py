"""RSS 2.0 with the content and Atom (self link) modules, written with feedgen and our hooks.

`RssWriter` writes RSS 2.0's core; Dublin Core, Media RSS, RFC 5005 history, WebSub, the
source credit and the stylesheet instruction are extensions (`feeds.writers.extensions`).

Text: readers read `<description>` as HTML, so plain text goes there HTML-escaped once more
(`&amp;lt;` in the XML). A title is plain text, but many readers (feedparser among them) read
one that looks like markup as HTML: a title that reads as markup (`base.reads_as_markup`) is
written HTML-escaped, any other exactly as it is, so both kinds of reader show it as written.
A document with such a title writes `&` as the hexadecimal character reference `&#x26;`
throughout (the same character to an XML parser), the RSS Best Practices Profile's encoding
("Character Data") by which the W3C validator tells deliberately escaped text from HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from lxml.etree import SubElement

from feeds.model import Entry, Feed, Person
from feeds.writers import _feedgen_fixes as fixes
from feeds.writers.base import XmlWriter, as_html, long_text, long_texts, reads_as_markup
from feeds.writers.dates import rfc822

CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM_LINK = f"{{{fixes.ATOM_NS}}}link"
_NOT_PERMALINK = {"isPermaLink": "false"}


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

    def render(self, feed: Feed) -> bytes:
        """The feed as an RSS 2.0 document (UTF-8 bytes)."""
        with long_texts():
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
            document = self.serialize(root, feed)
            if reads_as_markup(feed.title) or any(reads_as_markup(e.title) for e in feed.entries):
                document = document.replace(b"&amp;", b"&#x26;")
            return document

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
        SubElement(item, "title").text = rss_text(entry.title)
        SubElement(item, "link").text = entry.link
        # description is the short plain text (as HTML), content:encoded the full HTML.
        if entry.excerpt:
            SubElement(item, "description").text = as_html(entry.excerpt)
        if entry.content_html:
            long_text(SubElement(item, CONTENT_ENCODED), entry.content_html)
        author = rss_author(entry)
        if author is not None:
            SubElement(item, "author").text = f"{author.email} ({author.name})"
        SubElement(item, "guid", _NOT_PERMALINK).text = entry.id
        for category in entry.categories:
            SubElement(item, "category", {"domain": category.scheme}).text = category.label
        if entry.enclosures:
            # One enclosure per item in RSS; the others go to media:content (MediaRSS).
            first = entry.enclosures[0]
            SubElement(
                item,
                "enclosure",
                {"url": first.url, "length": str(first.length), "type": first.type},
            )
        SubElement(item, "pubDate").text = rfc822(entry.published)
        for related in entry.related:
            attrs = {"href": related.url, "rel": "related", "type": "text/html"}
            if related.title:
                attrs["title"] = related.title
            SubElement(item, ATOM_LINK, attrs)
        super().add_item_elements(item, entry, feed)
