"""Translations: each entry links the same story in its other languages.

An entry's `alternates` (feeds.model.Alternate: the visible other-language versions the store
holds, resolved when the document is described) are written as

- Atom: `<link rel="alternate" type="text/html" hreflang="en" href="..."/>` per language
  (RFC 4287 4.2.7: alternates differ by their type and hreflang, the entry's own link has none);
- RSS 2.0: the same element in the Atom namespace, `<atom:link rel="alternate" .../>`, inside
  the `<item>`, as RSS has no element of its own for it;
- JSON Feed 1.1: the extension object `_translations` of the item:
  `{"versions": [{"language": "en", "url": "..."}]}`, documented in docs/feed-mapping.md
  (no `about` URL: the project publishes no page of its own for it).

One link per language: the first version named for it (ordered by language, then id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from feeds.model import Alternate, Entry, Feed
from feeds.writers._feedgen_fixes import ATOM_NS
from feeds.writers.base import ALL_FORMATS, FeedExtension, add_markup, xml_attr


def per_language(alternates: tuple[Alternate, ...]) -> list[Alternate]:
    """The alternates with each language once (the first wins), in their order."""
    seen: set[str] = set()
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
        if not entry.alternates:
            return
        tag = "link" if fmt == "atom" else "atom:link"
        add_markup(
            item,
            "".join(
                f'<{tag} href="{xml_attr(alternate.url)}" rel="alternate" type="text/html" '
                f'hreflang="{xml_attr(alternate.language)}"/>'
                for alternate in per_language(entry.alternates)
            ),
        )

    def add_item_fields(self, item: dict[str, Any], entry: Entry, feed: Feed) -> None:
        if not entry.alternates:
            return
        versions = per_language(entry.alternates)
        if versions:
            item["_translations"] = {
                "versions": [{"language": a.language, "url": a.url} for a in versions],
            }
