"""Translations: each entry links the same story in its other languages.

An entry's `alternates` (feeds.feed_types.Alternate: the visible other-language versions the store
holds, resolved when the document is described) are written as

- Atom: `<link rel="alternate" type="text/html" hreflang="en" href="..."/>` per language
  (RFC 4287 4.2.7: alternates differ by their type and hreflang, the entry's own link has none);
- RSS 2.0: the same element in the Atom namespace, `<atom:link rel="alternate" .../>`, inside
  the `<item>`, as RSS has no element of its own for it;
- JSON Feed 1.1: the extension object `_translations` of the item:
  `{"versions": [{"language": "en", "url": "..."}]}`, documented in docs/feed-mapping.md
  (no `about` URL: the project publishes no page of its own for it).

The entry's own URL stays its link for every reader. Readers pick one alternate as an entry's
link and disagree on which: feedparser (and lemon24/reader, which vendors it) and newsboat
take the last `rel="alternate"` HTML link, an RSS item's `atom:link` one over its `<link>`;
fastfeedparser, podcastparser and sfeed the first, fastfeedparser in RSS too. So an entry with
versions has its own URL first and last among its alternates: in Atom the core link (no
`hreflang`) comes first, in RSS an `atom:link` to it without `hreflang` opens the list; the
versions follow, and a link to the entry's own URL with its own language as `hreflang` closes
it (one link per type and `hreflang`, as RFC 4287 4.2.7.2 requires; the set then names every
language, the entry's own included, as HTML `hreflang` sets do).

One link per language: the first version named for it (ordered by language, then id); a
version in the entry's own language is no translation and is not linked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from feeds.feed_types import Alternate, Entry, Feed
from feeds.writers._feedgen_fixes import ATOM_NS
from feeds.writers.base import ALL_FORMATS, FeedExtension, add_markup, xml_attr


def per_language(alternates: tuple[Alternate, ...], own_language: str) -> list[Alternate]:
    """The alternates with each language once (the first wins), in their order, leaving out
    those in `own_language` (the article's own: a version in it is no translation, and the
    article itself stands for that language)."""
    seen: set[str] = {own_language.lower()}
    chosen = []
    for alternate in alternates:
        key = alternate.language.lower()
        if key not in seen:
            seen.add(key)
            chosen.append(alternate)
    return chosen


class Translations(FeedExtension):
    """The other language versions of each entry (hreflang alternates)."""

    formats: ClassVar[frozenset[str]] = ALL_FORMATS

    def namespaces(self, fmt: str) -> Mapping[str, str]:
        return {"atom": ATOM_NS} if fmt == "rss" else {}

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed, fmt: str) -> None:
        versions = per_language(entry.alternates, entry.language) if entry.alternates else ()
        if not versions:
            return
        tag = "link" if fmt == "atom" else "atom:link"
        own = xml_attr(entry.link)
        # Atom's core link (written before) opens the list; RSS's `<link>` does not count for
        # the readers that take the first alternate.
        first = "" if fmt == "atom" else f'<{tag} href="{own}" rel="alternate" type="text/html"/>'
        links = "".join(
            f'<{tag} href="{xml_attr(alternate.url)}" rel="alternate" type="text/html" '
            f'hreflang="{xml_attr(alternate.language)}"/>'
            for alternate in versions
        )
        last = (
            f'<{tag} href="{own}" rel="alternate" type="text/html" '
            f'hreflang="{xml_attr(entry.language)}"/>'
        )
        add_markup(item, first + links + last)

    def add_item_fields(self, item: dict[str, Any], entry: Entry, feed: Feed) -> None:
        if not entry.alternates:
            return
        versions = per_language(entry.alternates, entry.language)
        if versions:
            item["_translations"] = {
                "versions": [{"language": a.language, "url": a.url} for a in versions],
            }
