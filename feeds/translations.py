"""Translations: the other language versions of an article, as links feeds and pages write.

A record names its other language versions by id (`articles.model.Translation`); the store
keeps those names in a narrow table and `Store.translation_links(ids, now=...)` answers, for
each article, the versions that are visible now, both those its record names and those whose
records name it (so a pair is linked both ways when either side names the other). A version
that is not stored, or not visible (draft, withheld, embargoed, deleted), is never linked.
The links are part of each document's ETag (feeds.documents, feeds.pages), and their bytes
are written by the `Translations` writer extension (feeds.writers.translations) and the
article page's `hreflang` alternates.
"""

from __future__ import annotations

from collections.abc import Iterable

from articles.store import TranslationLink
from feeds.feed_types import Alternate
from feeds.hygiene import to_uri
from feeds.urls import article_page_path


def alternates(links: Iterable[TranslationLink], base: str) -> dict[str, tuple[Alternate, ...]]:
    """Entry.alternates per article id: each version's language and canonical URL (the
    newsroom's, else its page here)."""
    found: dict[str, list[Alternate]] = {}
    for link in links:
        url = to_uri(link.url or base + article_page_path(link.other_id), base)
        found.setdefault(link.article_id, []).append(Alternate(link.language, url))
    return {article_id: tuple(versions) for article_id, versions in found.items()}
