"""A feed document assembled from its query-step state: its links and its feed model.

The feed view (`feeds.http`) and the static export (`feeds.export`) make a feed document the
same way: `Documents.describe` gives its state (`feeds.documents.Document`), `document_links`
its RFC 5005 links per format, `document_feed` the format-neutral `Feed` (the articles fetched
by their keys), and `render_document` its bytes in one format (a podcast show's through the
podcast writer). Nothing here reads a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from articles.model import Article
from articles.store import Facet
from feeds.config import SiteConfig
from feeds.documents import Document
from feeds.feed_types import EMPTY_FEED_UPDATED, DeletedEntry, DocumentLinks, Feed, FeedLinks
from feeds.model import build_feed
from feeds.podcasts import find_show, show_feed
from feeds.query import FeedQuery
from feeds.translations import alternates
from feeds.urls import (
    FORMATS,
    STYLESHEET_PATH,
    archive_path,
    article_url,
    facet_page_url,
    feed_path,
    paged_path,
    site_path,
)
from feeds.websub import is_topic
from feeds.writers import render
from feeds.writers.podcast import render_show

# Per format ("atom", "rss", "json"): link name -> absolute URL, None for a link not given.
Links = dict[str, dict[str, str | None]]


class ArticleSource(Protocol):
    """What `document_feed` reads: `Store.fetch` (articles by id, in the order asked) and
    `Store.label_of_slug` (a facet's label when no article is left to give it)."""

    def fetch(self, ids: Sequence[str]) -> list[Article]: ...

    def label_of_slug(self, kind: str, slug: str) -> str | None: ...


def document_links(
    query: FeedQuery, doc: Document, base: str, self_query: str, default_limit: int
) -> Links:
    """The RFC 5005 links of the document, per format, as absolute URLs below `base`.

    A live page: `self` (its path with `self_query`, the request's own page and limit),
    `first`, `last`, `next`, `previous` (canonical: a `limit` of `default_limit` left out) and
    `prev_archive` (its newest entry's month). An archive: `self`, `current` (none for a
    feed's only archive: it is complete), `prev_archive`, `next_archive`.
    """
    facet = query.facet
    result: Links = {}
    for fmt in FORMATS:
        if query.month is not None:
            only_month = doc.prev_month is None and doc.next_month is None
            result[fmt] = {
                "self": base + archive_path(facet, query.month, fmt),
                # A facet's only archive is complete (fh:complete), and a complete feed's
                # `current` may only point at itself (RFC 5005 section 2), so it has none.
                "current": None if only_month else base + feed_path(facet, fmt),
                "prev_archive": base + archive_path(facet, doc.prev_month, fmt)
                if doc.prev_month
                else None,
                "next_archive": base + archive_path(facet, doc.next_month, fmt)
                if doc.next_month
                else None,
            }
            continue
        path = feed_path(facet, fmt)

        def at(page: int, path: str = path) -> str:
            return base + paged_path(path, page, query.limit, default_limit)

        result[fmt] = {
            # `self` repeats the request's own query (page and limit as the client wrote them),
            # so it names the very URL the document was fetched from; the others are canonical.
            "self": base + path + self_query,
            "first": at(1),
            "last": at(doc.last_page),
            "next": at(query.page + 1) if query.page < doc.last_page else None,
            "previous": at(query.page - 1) if query.page > 1 else None,
            "prev_archive": base + archive_path(facet, doc.newest_month, fmt)
            if doc.newest_month
            else None,
        }
    return result


def document_feed(
    config: SiteConfig,
    store: ArticleSource,
    query: FeedQuery,
    doc: Document,
    links: Links,
    base: str,
) -> Feed:
    """Fetch the document's articles (by its keys) and build its format-neutral feed, with
    `links` (from `document_links`), absolute URLs below `base`; a podcast show's feed is
    shaped for its show (`feeds.podcasts.show_feed`)."""
    facet = query.facet
    show = find_show(config.podcasts, facet.value) if facet.kind == "podcast" else None
    articles = store.fetch([k.id for k in doc.keys])
    title = config.title
    if facet.kind != "all":
        # The facet first, in its own script: `아시아 — TRT 한국어 뉴스`; for a feed whose
        # articles were all removed (it still carries their tombstones), the registry's label.
        label = facet_label(facet, articles)
        if not articles and facet.kind != "podcast":
            label = store.label_of_slug(facet.kind, facet.value) or label
        title = f"{label} — {title}"
    if query.month is not None:
        title = f"{title} ({query.month})"
    # A facet whose every article was removed has no page (404) while its feed and archives
    # are still served with the tombstones: they link the site's front page instead of a page
    # that is gone (`Document.has_page`, `feeds.documents.facet_page_exists`).
    feed_links = FeedLinks(
        html=facet_page_url(facet if doc.has_page else Facet("all", ""), base),
        documents={
            fmt: DocumentLinks(
                self=str(urls["self"]), **{k: v for k, v in urls.items() if k != "self"}
            )
            for fmt, urls in links.items()
        },
        # Only a document the hub hears about names it (`feeds.websub.is_topic`).
        hub=config.hub_url or None
        if all(is_topic(str(urls["self"]), facet, fmt, base) for fmt, urls in links.items())
        else None,
        stylesheet=site_path(base, STYLESHEET_PATH),
        archive=query.month is not None,
        complete=doc.is_complete,
    )
    feed = build_feed(
        config,
        title=title,
        subtitle=config.description,
        facet=facet,
        articles=articles,
        links=feed_links,
        article_url=lambda article: article_url(article, base),
        base_url=base,
        empty_updated=doc.empty_updated or EMPTY_FEED_UPDATED,
        deleted=tuple(DeletedEntry(t.guid, t.when) for t in doc.tombstones),
        # A language feed is in its language, even when empty; others: their entries'.
        language=facet.value if facet.kind == "language" else None,
        alternates=alternates(doc.translations, base),
        # A show's episodes without a byline are the show's, not the site's.
        author=show.author_name if show is not None else None,
    )
    if show is not None:
        feed = show_feed(feed, show, base, month=query.month)
    return feed


def render_document(config: SiteConfig, feed: Feed, facet: Facet, fmt: str) -> bytes:
    """The document's bytes in `fmt` ("atom", "rss", "json"): a configured podcast show's
    through the podcast writer, every other feed through the format writers."""
    if facet.kind == "podcast":
        show = find_show(config.podcasts, facet.value)
        if show is not None:
            return render_show(feed, fmt, show)
    return render(feed, fmt)


def facet_label(facet: Facet, articles: Sequence[Article]) -> str:
    """The facet's display name as the document's newest article spells it (`아시아`).

    Taken from the document's own articles, not the database at large, so a title changes only
    with the entries whose keys are in the ETag.
    """
    for article in articles:
        if facet.kind == "section" and article.section and article.section.slug == facet.value:
            return article.section.label or facet.value
        if facet.kind == "tag":
            for tag in article.tags:
                if tag.slug == facet.value:
                    return tag.label or facet.value
        if facet.kind == "author":
            for author in article.authors:
                if author.slug == facet.value:
                    return author.name
        if facet.kind == "source" and article.source and article.source.slug == facet.value:
            return article.source.name
    return facet.value
