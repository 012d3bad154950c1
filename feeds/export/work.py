"""One export run's work: describe each document, skip it when its ETag is unchanged, else
render it once, compress it and write its files.

Feed documents (every page and monthly archive of every feed, in each format) are made the
way the feed view makes them (`feeds.http`): the query step (`feeds.documents.Documents`)
gives the document's state, `feeds.etag.document_etag` its ETag without rendering, and only a
changed document is built (`feeds.http` builds the format-neutral feed once for the three
formats) and written by the format writers. Its headers are the view's: the same ETag,
`Cache-Control` (`FeedService.cache_control`), `Vary` and `Last-Modified`. Everything else
(the index and facet pages, article pages, OPML, sitemaps, robots.txt, static files) is asked
of the app through Flask's test client, with `If-None-Match` when it was exported before.

The work is cut into tasks (a run of pages or a share of the monthly archives of one feed, or
a batch of other documents); `RunContext.do(task)` runs one in this process or in a worker
process forked from it (`feeds.export.Exporter` decides). Each task writes its own files, so
only the small manifest entries travel back.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from werkzeug.http import http_date
from werkzeug.test import TestResponse

from articles.model import Article
from articles.store import Facet, Store, Tombstone, TranslationLink
from feeds.assemble import document_feed, document_links, render_document
from feeds.cache import RenderCache, compress
from feeds.config import SiteConfig
from feeds.documents import Document, Documents
from feeds.etag import DocumentVersion, quoted
from feeds.export.changes import FeedHead
from feeds.export.files import (
    ENCODINGS,
    GONE,
    GONE_STATE,
    Exported,
    exported_file,
    modified_time,
    variant_file,
)
from feeds.export.files import write_atomic as write_file
from feeds.feed_service import FeedService, feed_etag, feed_last_modified, self_query_string
from feeds.preview import VARY
from feeds.query import QueryError, parse_feed_path
from feeds.subscribers import NOT_COUNTED
from feeds.urls import FEEDS_PREFIX, FORMATS, archive_path, feed_path, paged_path, sent_as_is
from feeds.writers import MEDIA_TYPES

if TYPE_CHECKING:
    from feeds.feed_types import Feed

# Articles kept per process while a run renders (an article is in about seven feeds, each with
# live pages and an archive, in three formats): bounded, so memory stays flat on any store.
ARTICLE_CACHE = 4096


@dataclass(frozen=True, slots=True)
class FeedTask:
    """Documents of one feed: the live pages `pages` (and, when `to_end`, every page after
    them that exists now), the share `archives` = (part, parts) of its monthly archives
    (months[part::parts]; None for none), and the archives of `months` named."""

    facet: Facet
    pages: tuple[int, ...] = ()
    to_end: bool = False
    archives: tuple[int, int] | None = None
    months: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageTask:
    """Other documents, asked of the app: (path with query, state) pairs."""

    paths: tuple[tuple[str, str], ...]


Task = FeedTask | PageTask


@dataclass
class TaskResult:
    """What a task did: the entries of the documents that exist (by path), counts, failures,
    and the seconds until the soonest of its documents changes by itself (an embargo lifting
    into it), None when none will."""

    entries: dict[str, Exported] = field(default_factory=dict)
    written: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    until_change: float | None = None
    # Per feed seen: its page 1's (count, tombstones) and its archive months, for the next
    # follow run (feeds.export.changes).
    heads: dict[Facet, FeedHead] = field(default_factory=dict)
    months: dict[Facet, tuple[str, ...]] = field(default_factory=dict)

    def merge(self, other: TaskResult) -> None:
        self.entries.update(other.entries)
        self.heads.update(other.heads)
        self.months.update(other.months)
        self.written += other.written
        self.unchanged += other.unchanged
        self.failed.extend(other.failed)
        self.until_change = _sooner(self.until_change, other.until_change)


def _sooner(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


class RunStore:
    """The store's reads for one run at one `now`: the per-feed answers (counts, months,
    tombstones, change times, next embargo) asked once per feed instead of once per document,
    and fetched articles kept (bounded) while the run lasts. Everything else goes to `store`.
    """

    _PER_RUN = frozenset(
        {
            "count_visible",
            "months",
            "last_change",
            "next_visibility_change",
            "last_migration",
            "month_summaries",
        }
    )

    def __init__(self, store: Store, max_articles: int = ARTICLE_CACHE) -> None:
        self.store = store
        self.max_articles = max_articles
        self._answers: dict[tuple[Any, ...], Any] = {}
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._translations: dict[str, list[TranslationLink]] | None = None

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.store, name)
        if name not in self._PER_RUN:
            return attribute

        def once(*args: Any, **kwargs: Any) -> Any:
            return self._once(name, *args, **kwargs)

        return once

    def preload_translations(self, links: Sequence[TranslationLink], ids: Sequence[str]) -> None:
        """Keep `links`, the answer of `translation_links(ids, now=<the run's now>)` for every
        visible article, to answer each document's question from memory."""
        by_article: dict[str, list[TranslationLink]] = {i: [] for i in ids}
        for link in links:
            by_article.setdefault(link.article_id, []).append(link)
        self._translations = by_article

    def translation_links(self, ids: Sequence[str], *, now: datetime) -> list[TranslationLink]:
        """`Store.translation_links`, from the preloaded answer when it covers `ids` (in the
        store's order: by article id, then language and id, each article's kept as read)."""
        known = self._translations
        if known is None or not all(i in known for i in ids):
            return self.store.translation_links(ids, now=now)
        return [link for i in sorted(set(ids)) for link in known[i]]

    def feed_tombstones(
        self, facet: Facet, *, now: datetime, since: datetime, month: str | None = None
    ) -> list[Tombstone]:
        """`Store.feed_tombstones`; a feed with none has none in any month (one read per feed
        instead of one per archive)."""
        everything = self._once("feed_tombstones", facet, now=now, since=since)
        if month is None or not everything:
            return list(everything)
        return list(self._once("feed_tombstones", facet, now=now, since=since, month=month))

    def _once(self, name: str, *args: Any, **kwargs: Any) -> Any:
        key = (name, args, tuple(sorted(kwargs.items())))
        try:
            return self._answers[key]
        except KeyError:
            value = self._answers[key] = getattr(self.store, name)(*args, **kwargs)
            return value

    def label_of_slug(self, kind: str, slug: str) -> str | None:
        """`Store.label_of_slug`, asked once a run."""
        label: str | None = self._once("label_of_slug", kind, slug)
        return label

    def fetch(self, ids: Sequence[str]) -> list[Article]:
        """`Store.fetch` through the run's article cache."""
        missing = [i for i in ids if i not in self._articles]
        if missing:
            for article in self.store.fetch(missing):
                self._articles[article.id] = article
        found = []
        for i in ids:
            cached = self._articles.get(i)
            if cached is not None:
                self._articles.move_to_end(i)
                found.append(cached)
        while len(self._articles) > self.max_articles:
            self._articles.popitem(last=False)
        return found

    def fetch_current(self, doc: Document) -> None:
        """Make sure the cached articles of `doc` are the versions its keys name (an article
        edited since it was cached is fetched again), so bytes always match the ETag."""
        self.fetch([k.id for k in doc.keys])
        stale = [
            k.id
            for k in doc.keys
            if k.id in self._articles and self._articles[k.id].updated != k.updated
        ]
        for article_id in stale:
            del self._articles[article_id]
        if stale:
            self.fetch(stale)


class RunContext:
    """Everything one run needs, in the process that starts it and in the workers forked
    from it: the app, its settings, the previous manifest, the moment `now` the run exports.
    """

    def __init__(
        self,
        app: Flask,
        directory: Path,
        before: Mapping[str, Exported],
        now: datetime,
    ) -> None:
        self.app = app
        self.config: SiteConfig = app.extensions["feeds.config"]
        self.app_store: Store = app.extensions["feeds.store"]
        self.directory = directory
        self.before = before
        self.now = now
        self.base = self.config.site_url.rstrip("/")
        self.store = RunStore(self.app_store)
        store = cast(Store, self.store)
        version: DocumentVersion = app.extensions["feeds.version"]
        self.documents = Documents(store, self.config, version)
        self.service = FeedService(self.config, store, RenderCache(0), lambda: now, None, version)
        site = urlsplit(self.config.site_url)
        self.client_base = f"{site.scheme}://{site.netloc}"
        self._client: Any = None

    def after_fork(self) -> None:
        """In a worker process: leave the parent's database connections alone."""
        self.app_store.dispose(close=False)
        self._client = None

    def do(self, task: Task) -> TaskResult:
        if isinstance(task, FeedTask):
            return self._feed_task(task)
        return self._page_task(task)

    # -- feed documents --------------------------------------------------------------------------

    def _feed_task(self, task: FeedTask) -> TaskResult:
        result = TaskResult()
        facet = task.facet
        doc: Document | None = None
        for page in task.pages:
            doc = self._feed_group(facet, page, None, result)
            if doc is None:
                break
        if task.to_end and (doc is not None or not task.pages):
            # The feed may have grown since the run was planned: every page that exists now.
            page = task.pages[-1] + 1 if task.pages else 1
            while doc is None or page <= doc.last_page:
                doc = self._feed_group(facet, page, None, result)
                if doc is None:
                    break
                page += 1
        if task.archives is not None:
            part, parts = task.archives
            # Recorded: the months the archives link (a change of them changes every
            # archive); exported: also the months only tombstones keep.
            months = self.documents.archive_months(facet, self.now)
            if part == 0:
                result.months[facet] = tuple(self.store.months(facet, now=self.now))
            for month in months[part::parts]:
                self._feed_group(facet, 1, month, result)
        for month in task.months:
            self._feed_group(facet, 1, month, result)
        return result

    def _feed_group(
        self, facet: Facet, page: int, month: str | None, result: TaskResult
    ) -> Document | None:
        """Export one document in every format (a live page, or the archive of `month`);
        returns its state, or None when it does not exist now."""
        config = self.config
        limit = config.feed_limits(facet)[0]
        paths = {
            fmt: archive_path(facet, month, fmt)
            if month is not None
            else paged_path(feed_path(facet, fmt), page, limit, limit)
            for fmt in FORMATS
        }
        first = urlsplit(paths[FORMATS[0]])
        args = dict(parse_qsl(first.query))
        try:
            query = parse_feed_path(
                first.path.removeprefix(FEEDS_PREFIX),
                args,
                limits=config.feed_limits,
                site=self.base,
            )
            doc = self.documents.describe(query, self.now, site=self.base)
        except QueryError:
            return None  # gone since the run was planned: the document is removed
        if month is None and page == 1:
            result.heads[facet] = (doc.total, tuple(doc.tombstones))
        self_query = "" if query.month is not None else self_query_string(args, query)
        links = document_links(query, doc, self.base, self_query, config.feed_limits(facet)[0])
        cache_control = self.service.cache_control(doc)[1]
        modified = feed_last_modified(doc)
        last_modified = http_date(modified) if modified is not None else ""
        built: list[Feed] = []
        for fmt in FORMATS:
            path = paths[fmt]
            opaque = feed_etag(config, self.base, self_query, query.with_format(fmt), doc)
            etag = quoted(opaque, None)
            content_type = MEDIA_TYPES[fmt]
            previous = self.before.get(path)
            if (
                previous is not None
                and previous.etag == etag
                and previous.content_type == content_type
                and (self.directory / previous.file).exists()
            ):
                previous.cache_control = cache_control
                previous.last_modified = last_modified
                result.entries[path] = previous
                result.unchanged += 1
                continue
            if not built:
                self.store.fetch_current(doc)
                built.append(document_feed(config, self.store, query, doc, links, self.base))
            body = render_document(config, built[0], facet, fmt)
            entry = Exported(
                file=exported_file(path, content_type, etag),
                etag=etag,
                content_type=content_type,
                cache_control=cache_control,
                vary=VARY,
                last_modified=last_modified,
                app_compresses=True,
            )
            self._write(entry, body)
            result.entries[path] = entry
            result.written += 1
        result.until_change = _sooner(result.until_change, doc.until_change)
        return doc

    # -- other documents, asked of the app ---------------------------------------------------------

    def _get(self, path: str, headers: dict[str, str]) -> TestResponse:
        if self._client is None:
            self._client = self.app.test_client()
        response: TestResponse = self._client.get(
            path,
            base_url=self.client_base,
            headers=headers,
            environ_base={NOT_COUNTED: True},  # the export is no subscriber
        )
        return response

    def _page_task(self, task: PageTask) -> TaskResult:
        result = TaskResult()
        for path, state in task.paths:
            previous = self.before.get(path)
            headers = {"Accept-Encoding": "identity"}
            if (
                previous is not None
                and previous.status != GONE
                and (self.directory / previous.file).exists()
            ):
                headers["If-None-Match"] = previous.etag
            response = self._get(path, headers)
            if response.status_code == 304 and previous is not None and previous.status != GONE:
                # The same bytes; the caching headers may have moved on (max-age near an
                # embargo), and so may Last-Modified (a listing is dated by every write to
                # what it lists, some of which leave its bytes as they were): the app's 304
                # carries both, and nginx must send what the app sends.
                previous.cache_control = response.headers.get("Cache-Control", "")
                previous.last_modified = response.headers.get("Last-Modified", "")
                previous.state = state
                result.entries[path] = previous
                result.unchanged += 1
                continue
            if response.status_code == GONE:
                self._gone(path, state, response, previous, result)
                continue
            if response.status_code == 404 and state.partition("|")[0] == GONE_STATE:
                continue  # nothing the app tells of it: nginx answers 404 too
            if response.status_code != 200:
                result.failed.append(f"{path}: {response.status_code}")
                continue
            content_type = response.headers.get("Content-Type", "application/octet-stream")
            vary = response.headers.get("Vary", "")
            etag = response.headers.get("ETag", "")
            entry = Exported(
                file=exported_file(path, content_type, etag),
                etag=etag,
                content_type=content_type,
                cache_control=response.headers.get("Cache-Control", ""),
                vary=vary,
                last_modified=response.headers.get("Last-Modified", ""),
                app_compresses=not sent_as_is(path),
                state=state,
            )
            self._write(entry, response.get_data())
            result.entries[path] = entry
            result.written += 1
        return result

    def _gone(
        self,
        path: str,
        state: str,
        response: TestResponse,
        previous: Exported | None,
        result: TaskResult,
    ) -> None:
        """Keep the app's 410 Gone for `path` (a deleted article's page): its body, Content-Type
        and Cache-Control; the file is named by the body's digest, so an unchanged answer is
        not written again."""
        body = response.get_data()
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        digest = hashlib.sha256(body).hexdigest()[:32]
        entry = Exported(
            file=exported_file(path, content_type, digest),
            etag=digest,
            content_type=content_type,
            cache_control=response.headers.get("Cache-Control", ""),
            state=state,
            status=GONE,
        )
        if (
            previous is not None
            and previous.file == entry.file
            and (self.directory / previous.file).exists()
        ):
            result.entries[path] = entry
            result.unchanged += 1
            return
        mtime = time.time()
        write_file(self.directory / entry.file, body, mtime)
        result.entries[path] = entry
        result.written += 1

    # -- files -------------------------------------------------------------------------------------

    def _write(self, entry: Exported, body: bytes) -> None:
        """Write the document and its gzip and Brotli forms, made by the function the app's
        render cache uses (`feeds.cache.compress`, deterministic), so where the app compresses
        a document they are the app's own compressed bytes. The files are the version's own
        (`exported_file`): the previous version's stay, for nginx to serve until its reload
        (the run retires them)."""
        mtime = modified_time(entry)
        if mtime is None:
            mtime = time.time()
        for encoding in ENCODINGS:
            data = compress(body, encoding)
            write_file(self.directory / variant_file(entry.file, encoding), data, mtime)
        write_file(self.directory / entry.file, body, mtime)


# The run the worker processes serve: set in the parent right before they are forked.
CURRENT: RunContext | None = None


def start_worker() -> None:
    """Pool initializer (in each forked worker)."""
    assert CURRENT is not None
    CURRENT.after_fork()


def run_task(task: Task) -> TaskResult:
    """Pool entry point: one task of the run the worker was forked for."""
    assert CURRENT is not None
    return CURRENT.do(task)
