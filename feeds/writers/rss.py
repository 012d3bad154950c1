"""RSS 2.0 with the content, Dublin Core, Media RSS and Atom (self, hub, RFC 5005) extensions."""

from __future__ import annotations

from typing import Any

from feeds.model import Entry, Feed
from feeds.writers import _feedgen_fixes as fixes
from feeds.writers._feedgen_fixes import ATOM_NS, DC_NS, sub

CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


def add_item(channel: Any, entry: Entry, feed: Feed) -> None:
    """Append one `<item>`, with what feedgen's item writer leaves out (see `_feedgen_fixes`)."""
    item = sub(channel, "item")
    sub(item, "title", entry.title)
    sub(item, "link", entry.link)
    # description is the short plain text, content:encoded the full HTML.
    if entry.excerpt:
        sub(item, "description", entry.excerpt)
    if entry.content_html:
        sub(item, CONTENT_ENCODED, entry.content_html)
    # RSS <author> must hold an e-mail address, and validators flag an item with both <author>
    # and dc:creator: <author> when every byline has an address, dc:creator otherwise.
    with_email = all(author.email for author in entry.authors)
    for author in entry.authors:
        if with_email:
            sub(item, "author", f"{author.email} ({author.name})")
        else:
            sub(item, f"{{{DC_NS}}}creator", author.name)
    sub(item, "guid", entry.id, {"isPermaLink": "false"})
    for category in entry.categories:
        sub(item, "category", category.label, {"domain": category.scheme})
    if entry.enclosures:
        # One enclosure per item in RSS; the others go to media:content (fixes.add_media).
        first = entry.enclosures[0]
        attrs = {"url": first.url, "length": str(first.length), "type": first.type}
        sub(item, "enclosure", attrs=attrs)
    sub(item, "pubDate", fixes.rfc822(entry.published))
    if entry.source is not None and entry.source.url:
        sub(item, "source", entry.source.name, {"url": entry.source.url})
    elif entry.source is not None:
        sub(item, f"{{{DC_NS}}}source", entry.source.name)
    if entry.language and entry.language != feed.language:
        sub(item, f"{{{DC_NS}}}language", entry.language)
    if entry.rights:
        sub(item, f"{{{DC_NS}}}rights", entry.rights)
    for related in entry.related:
        attrs = {"href": related.url, "rel": "related", "type": "text/html"}
        if related.title:
            attrs["title"] = related.title
        sub(item, f"{{{ATOM_NS}}}link", attrs=attrs)
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
