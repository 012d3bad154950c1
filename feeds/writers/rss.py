"""RSS 2.0 with the content, Dublin Core, Media RSS and Atom (self, hub, RFC 5005) extensions."""

from __future__ import annotations

from typing import Any

from lxml.etree import SubElement

from feeds.model import Entry, Feed
from feeds.writers import _feedgen_fixes as fixes
from feeds.writers._feedgen_fixes import ATOM_NS, DC_NS

CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = f"{{{DC_NS}}}creator"
DC_SOURCE = f"{{{DC_NS}}}source"
DC_LANGUAGE = f"{{{DC_NS}}}language"
DC_RIGHTS = f"{{{DC_NS}}}rights"
ATOM_LINK = f"{{{ATOM_NS}}}link"


def add_item(channel: Any, entry: Entry, feed: Feed) -> None:
    """Append one `<item>`, with what feedgen's item writer leaves out (see `_feedgen_fixes`)."""
    item = SubElement(channel, "item")
    SubElement(item, "title").text = entry.title
    SubElement(item, "link").text = entry.link
    # description is the short plain text, content:encoded the full HTML.
    if entry.excerpt:
        SubElement(item, "description").text = entry.excerpt
    if entry.content_html:
        SubElement(item, CONTENT_ENCODED).text = entry.content_html
    # RSS allows one <author> per item and it must hold an e-mail address; validators flag an
    # item with both <author> and dc:creator, or with several of either. So a single byline
    # with an address is <author>; anything else is one dc:creator naming every author.
    if len(entry.authors) == 1 and entry.authors[0].email:
        author = entry.authors[0]
        SubElement(item, "author").text = f"{author.email} ({author.name})"
    elif entry.authors:
        SubElement(item, DC_CREATOR).text = ", ".join(author.name for author in entry.authors)
    SubElement(item, "guid", {"isPermaLink": "false"}).text = entry.id
    for category in entry.categories:
        SubElement(item, "category", {"domain": category.scheme}).text = category.label
    if entry.enclosures:
        # One enclosure per item in RSS; the others go to media:content (fixes.add_media).
        first = entry.enclosures[0]
        SubElement(
            item, "enclosure", {"url": first.url, "length": str(first.length), "type": first.type}
        )
    SubElement(item, "pubDate").text = fixes.rfc822(entry.published)
    if entry.source is not None and entry.source.url:
        SubElement(item, "source", {"url": entry.source.url}).text = entry.source.name
    elif entry.source is not None:
        SubElement(item, DC_SOURCE).text = entry.source.name
    if entry.language and entry.language != feed.language:
        SubElement(item, DC_LANGUAGE).text = entry.language
    if entry.rights:
        SubElement(item, DC_RIGHTS).text = entry.rights
    for related in entry.related:
        attrs = {"href": related.url, "rel": "related", "type": "text/html"}
        if related.title:
            attrs["title"] = related.title
        SubElement(item, ATOM_LINK, attrs)
    fixes.add_media(item, entry, extra_enclosures=True)


def render(feed: Feed) -> bytes:
    """The feed as an RSS 2.0 document (UTF-8 bytes)."""
    links = feed.links.for_format("rss")
    fg = fixes.new_generator(feed)
    if not feed.subtitle:
        fg.description(feed.description)
    fg.link(href=links.self, rel="self", type=fixes.MEDIA_TYPES["rss"])
    # The channel <link> is the last link added, whatever its rel: the HTML page goes last.
    fg.link(href=feed.links.html, rel="alternate")
    if feed.logo:
        fg.image(url=feed.logo, title=feed.title, link=feed.links.html)
    root, _ = fg._create_rss(extensions=True)
    channel = root[0]
    fixes.add_channel_links(channel, feed)
    for entry in feed.entries:
        add_item(channel, entry, feed)
    return fixes.serialize(root, feed)
