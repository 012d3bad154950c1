"""RSS 2.0 with the content, Dublin Core, Media RSS and Atom (self, hub, RFC 5005) extensions."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.model import Entry, Feed
from feeds.writers import _feedgen_fixes as fixes


def _add_item(fg: FeedGenerator, entry: Entry) -> None:
    fe = fg.add_entry(order="append")
    fe.guid(entry.id, permalink=False)
    fe.title(entry.title)
    fe.link(href=entry.link)
    # description is the short plain text, content:encoded the full HTML.
    if entry.content_html:
        fe.content(entry.content_html)
    if entry.excerpt:
        fe.description(entry.excerpt)
    # RSS <author> must hold an e-mail address, and validators flag an item with both <author>
    # and dc:creator: <author> when every byline has an address, dc:creator otherwise.
    if all(author.email for author in entry.authors):
        for author in entry.authors:
            fe.author({"name": author.name, "email": author.email})
    for category in entry.categories:
        fe.category(term=category.term, scheme=category.scheme, label=category.label)
    if entry.enclosures:
        # One enclosure per item in RSS; the others go to media:content (fixes.add_media).
        first = entry.enclosures[0]
        fe.enclosure(first.url, str(first.length), first.type)


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
    for entry in feed.entries:
        _add_item(fg, entry)
    root, _ = fg._create_rss(extensions=True)
    channel = root[0]
    self_link = channel.find(f"{{{fixes.ATOM_NS}}}link")
    anchor = self_link if self_link is not None else channel.find("description")
    extra = etree.Element("extra")
    fixes.add_atom_links(extra, f"{{{fixes.ATOM_NS}}}link", feed, "rss")
    if feed.links.archive:
        fixes.add_archive_flag(extra, None)
    for element in reversed(list(extra)):
        anchor.addnext(element)
    for item, entry in zip(channel.iterfind("item"), feed.entries, strict=True):
        fixes.fix_rss_item(item, entry, feed)
    return fixes.serialize(root, feed)
