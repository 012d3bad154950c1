"""Every workaround for feedgen 1.0.0, in one place.

feedgen writes the head of our Atom and RSS documents: the feed/channel element with its
title, links, image, language and dates. What it gets wrong is handled here:

- Its entry writers drop `rel`/`type`/`length`/`title` of Atom entry links, keep one RSS
  enclosure, and format RSS dates with `locale.setlocale` per call (process-wide, not
  thread-safe). So feedgen writes the feed head only; the writers' `add_item_elements` hooks
  append the entries to its tree, in the Feed's order (feedgen's `add_entry()` would also
  prepend by default). One pass per entry is also faster than feedgen's setters, its element
  building and a repair pass afterwards (bench/render.py).
- The feed `updated` and `lastBuildDate` default to "now" and `<generator>`/`<docs>` are its
  own: `new_generator` sets or clears them all, so the same Feed gives the same bytes. It
  writes `updated` with `isoformat()` (`+08:27:52` is not RFC 3339): `set_atom_head` rewrites
  it, and RSS dates (also `lastBuildDate`) come from `feeds.writers.dates`, never through
  `locale.setlocale`.
- Its `title`/`subtitle` are always Atom `type="text"`: `set_atom_head` writes them as the
  writers write every plain text (`type="html"` when the text reads as markup).
- The RSS channel `<link>` is the last link added, whatever its rel: the writer adds the HTML
  page last. Only `rel="self"` becomes an atom:link in RSS: extensions add the rest.
- A control character anywhere raises while serializing: `feeds.model` strips them first.
- Namespaces are declared on the root only through a registered feedgen extension: a no-op
  `_Namespaces` extension declares the writer's and its extensions' prefixes once on the root,
  so elements added afterwards use those prefixes (never `ns0:`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator

from feeds.feed_types import Feed

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
FH_NS = "http://purl.org/syndication/history/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

RSS_DOCS = "https://www.rssboard.org/rss-specification"
MEDIA_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}


class _Namespaces(BaseExtension):
    """A feed-level feedgen extension that writes nothing; it only declares prefixes on the root."""

    def __init__(self) -> None:
        self.declared: dict[str, str] = {}

    def extend_ns(self) -> dict[str, str]:
        return self.declared


def new_generator(feed: Feed, namespaces: Mapping[str, str]) -> FeedGenerator:
    """A FeedGenerator with every field that has a feedgen default set from the Feed, and
    `namespaces` to declare on the root."""
    fg = FeedGenerator()
    fg.register_extension("newsroom", _Namespaces, None, atom=True, rss=True)
    fg.newsroom.declared = dict(namespaces)
    fg.id(feed.id)
    fg.title(feed.title)
    fg.updated(feed.updated)
    # feedgen sets lastBuildDate to now and formats it through locale.setlocale (process-wide,
    # racy under threads); clear it: the RSS writer writes its own.
    fg._FeedGenerator__rss_lastBuildDate = None
    fg.generator(feed.generator)
    fg.docs(RSS_DOCS)
    fg.language(feed.language)
    if feed.subtitle:
        fg.subtitle(feed.subtitle)  # also the RSS description; both rewritten by the writers
    if feed.rights:
        fg.rights(feed.rights)
    return fg


def child(parent: Any, tag: str) -> Any:
    """The first child `tag` of `parent` that feedgen wrote (a bug here if it is missing)."""
    element = parent.find(tag)
    if element is None:
        raise ValueError(f"feedgen wrote no <{tag}>")
    return element
