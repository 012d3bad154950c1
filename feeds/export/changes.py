"""What one write (or the clock) can have changed among the exported documents.

`--follow` runs again after every write; checking every document costs time that grows with
the store. Instead a follow run starts from what the previous run saw (`RunMemory`) and
checks only the documents a change can reach:

- the feeds a write changed (`Store.changed_feeds`: the store's change sequence recorded per
  feed, in the write's own transaction, so it does not depend on any clock), and the feeds of
  every article whose page state moved (an embargo lifting by the clock is no write), found
  from the article by the same facet definitions the store uses (`article_facets`,
  `FACET_KINDS`), the podcast shows whose selection takes it, and the feeds of the articles
  linked with it as translations;
- in each such feed: every live page when its count or its tombstones changed (both are in
  every page's ETag), else page 1 and the pages where a changed article was or is (found by
  its publish time, `pages_around`); every archive when its months changed (neighbour
  links), else the months a changed article was or is in;
- the article pages whose state moved (`feeds.export.article_states`), the facet pages of
  the feeds above, the index, the OPML lists, robots.txt, the sitemap index, the news sitemap
  and the monthly sitemaps of the months a changed article was or is in.

Everything else keeps its files; its Cache-Control and Last-Modified are refreshed from the
feed's shared values (`Documents.shared_modified`), as the app would send them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from articles.store import ALL, EntryKey, Facet, Store, Tombstone, article_facets
from feeds.documents import utc_month

# One feed's paging state as its page 1 showed it: (count, tombstones), both in every page's
# ETag.
FeedHead = tuple[int, tuple[Tombstone, ...]]


@dataclass
class RunMemory:
    """What a run saw, for the next follow run: the change sequence it started from, its
    `now`, each visible article's (published, page state) by id, per feed its head
    (`FeedHead`) and archive months, and the ids of the articles each visible article's
    page links as translations (so a link that goes is found from either side)."""

    seq: int
    now: datetime
    articles: dict[str, tuple[datetime, str]]
    heads: dict[Facet, FeedHead] = field(default_factory=dict)
    months: dict[Facet, tuple[str, ...]] = field(default_factory=dict)
    links: dict[str, tuple[str, ...]] = field(default_factory=dict)


def changed_articles(
    before: Mapping[str, tuple[datetime, str]], after: Mapping[str, tuple[datetime, str]]
) -> dict[str, list[datetime]]:
    """Ids whose page state or publish time moved, appeared or went, with every publish time
    they had (before, after)."""
    changed: dict[str, list[datetime]] = {}
    for article_id in before.keys() | after.keys():
        old, new = before.get(article_id), after.get(article_id)
        if old != new:
            changed[article_id] = [value[0] for value in (old, new) if value is not None]
    return changed


def feeds_of(store: Store, ids: Iterable[str], now: datetime) -> set[Facet]:
    """Every feed the visible articles `ids` are in, by the store's facet definitions, with
    'all', the podcast shows whose selection takes them, and the feeds of the articles linked
    with them as translations (their entries' hreflang links name these)."""
    ids = sorted(ids)
    if not ids:
        return set()
    found: set[Facet] = {ALL}
    shows = store.shows
    for article in store.fetch(ids):
        found |= article_facets(article)
        found |= {Facet("podcast", slug) for slug, (sel, _) in shows.items() if sel.takes(article)}
    found |= store.linked_feeds(ids, now=now)
    return found


def changed_months(changed: Mapping[str, list[datetime]]) -> set[str]:
    """The archive months ("2025-07", UTC) the changed articles were or are in."""
    return {utc_month(moment) for moments in changed.values() for moment in moments}


def pages_around(
    key_at: Callable[[int], EntryKey], total: int, published: datetime, limit: int
) -> range:
    """The live pages (1-based) holding the entries published at `published` in a feed of
    `total` entries ordered newest first, or where such an entry would sit: found by binary
    search on `key_at(offset)`, log2(total) reads of one key."""

    def first(newer: Callable[[EntryKey], bool]) -> int:
        lo, hi = 0, total
        while lo < hi:
            mid = (lo + hi) // 2
            if newer(key_at(mid)):
                lo = mid + 1
            else:
                hi = mid
        return lo

    start = first(lambda k: k.published > published)
    end = first(lambda k: k.published >= published)  # one past the last at that time
    last_page = max(1, math.ceil(total / limit))
    first_page = min(last_page, start // limit + 1)
    final_page = min(last_page, max(start, end - 1) // limit + 1)
    return range(first_page, final_page + 1)
