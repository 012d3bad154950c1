"""The feed views' app-owned state (`FeedService`) and the headers of a feed document that
come from the query step's state alone, no request and no rendering: its ETag, Last-Modified,
Cache-Control and the query string of its own URL. The feed view (`feeds.http`) and the
static export (`feeds.export.work`) both use them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from articles.store import Store
from feeds.cache import RenderCache
from feeds.config import SiteConfig
from feeds.documents import Document, Documents
from feeds.etag import DocumentVersion, document_etag
from feeds.fastpath import ResponseMemo
from feeds.query import FeedQuery
from feeds.responses import cache_policy


class FeedService:
    """The app-owned state the feed views use: settings, store, render cache and clock."""

    def __init__(
        self,
        config: SiteConfig,
        store: Store,
        cache: RenderCache,
        clock: Callable[[], datetime],
        memo: ResponseMemo | None = None,
        version: DocumentVersion | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.cache = cache
        self.clock = clock
        self.memo = memo or ResponseMemo(0)
        self.documents = Documents(store, config, version)

    def cache_control(self, doc: Document) -> tuple[int, str]:
        """`max-age` and the `Cache-Control` value of a document (see docs/http.md).

        A settled archive lives `archive_max_age`, everything else `cache_max_age`. Nothing
        is `immutable`: a deletion or a correction changes an archive too, and caches must
        learn of it. See `cache_policy` for a document an embargo ending will change.
        """
        max_age = self.config.archive_max_age if doc.settled else self.config.cache_max_age
        return cache_policy(self.config, max_age, doc.until_change)


def feed_etag(
    config: SiteConfig,
    base: str,
    self_query: str,
    query: FeedQuery,
    doc: Document,
    *,
    every_part: bool = False,
) -> str:
    """The opaque part of a feed document's ETag (`feeds.etag.document_etag`), from the query
    step's state alone: no rendering. The feed view and the static export both use it. It
    hashes what the document's format shows, so a write the document does not show (an
    entry removed past its page, a tombstone JSON Feed does not carry) leaves it alone;
    `every_part` hashes the whole state, the count of entries included, for the HTML preview
    (`feeds.preview.preview_etag`), which shows more than any one format."""
    return document_etag(
        fingerprint=config.fingerprint(),
        base_url=base + self_query,  # the self link repeats the request's query
        fmt=query.fmt or "atom",
        facet_kind=query.facet.kind,
        facet_value=query.facet.value,
        page=query.page,
        limit=query.limit,
        month=query.month,
        keys=doc.keys,
        total=doc.total,
        last_page=doc.last_page,
        archive_links=doc.archive_links,
        empty_updated=doc.empty_updated,
        translations=doc.translations,  # their hreflang links are in the bytes
        tombstones=doc.tombstones,
        has_page=doc.has_page,  # its alternate link: the facet's page or the front page
        every_part=every_part or query.facet.kind == "podcast",  # a show's own writer
    )


def feed_last_modified(doc: Document) -> datetime | None:
    """A feed document's Last-Modified (aware UTC, whole seconds), or None while its latest
    change is too recent to date (`feeds.etag.settled_last_modified`).

    Entries that link other-language versions keep it: a version appearing, leaving or
    changing moves the feed's change time (the store's write path marks every feed whose
    entries link it, `articles.store.linked`), or, when its embargo ends, the link's own time
    (`Documents`), so the date moves forward whenever the links do.
    """
    return doc.modified


def self_query_string(args: Mapping[str, str], query: FeedQuery) -> str:
    """The query string of the document's own URL: its paging arguments in the client's order.

    Only `page` and `limit` are kept (tracking parameters and the like are dropped), written
    with the parsed values, so `?limit=5&page=2` stays as it came (`?page=02` is refused by
    feeds.query: a number has one spelling).
    """
    values = {"page": query.page, "limit": query.limit}
    parts = [f"{name}={values[name]}" for name in args if name in values]
    return "?" + "&".join(parts) if parts else ""
