"""Atom 1.0 (RFC 4287) with RFC 5005 paging/archive links, written with feedgen."""

from __future__ import annotations

from feedgen.feed import FeedGenerator

from feeds.model import Entry, Feed
from feeds.writers import _feedgen_fixes as fixes


def _add_entry(fg: FeedGenerator, entry: Entry) -> None:
    fe = fg.add_entry(order="append")
    fe.id(entry.id)
    fe.title(entry.title)
    fe.updated(entry.updated)
    fe.published(entry.published)
    # Only the alternate link: feedgen drops every attribute of entry links (fixed afterwards).
    fe.link(href=entry.link)
    for author in entry.authors:
        person = {"name": author.name}
        if author.uri:
            person["uri"] = author.uri
        if author.email:
            person["email"] = author.email
        fe.author(person)
    for category in entry.categories:
        fe.category(term=category.term, scheme=category.scheme, label=category.label)
    # A blank <content> is flagged by validators; the alternate link stands in for it.
    if entry.content_html:
        fe.content(entry.content_html, type="html")
    if entry.summary:
        fe.summary(entry.summary, type="text")
    if entry.rights:
        fe.rights(entry.rights)


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
    fg.author(
        {"name": feed.author.name, **({"email": feed.author.email} if feed.author.email else {})}
    )
    if feed.icon:
        fg.icon(feed.icon)
    if feed.logo:
        fg.logo(feed.logo)
    for entry in feed.entries:
        _add_entry(fg, entry)
    root, _ = fg._create_atom(extensions=True)
    elements = root.findall("entry")
    for element, entry in zip(elements, feed.entries, strict=True):
        fixes.fix_atom_entry(element, entry, feed)
    if feed.links.archive:
        fixes.add_archive_flag(root, elements[0] if elements else None)
    return fixes.serialize(root, feed)
