"""What a run of the static export must write, keep and remove: its tasks.

A full run (`Planner.plan`) checks every document the app serves: the index and OPML lists,
the static files, the crawler documents, every feed (its live pages and archives, as
`FeedTask`s) and facet page, every visible article's page, and the app's 410 Gone answers
(`feeds.export.gone`); an article page whose state (`feeds.export.states`) is the one recorded
is kept as it is. A follow run (`Planner.plan_changes`) checks only what the writes and the
clock since the previous run can have reached (`feeds.export.changes`, `feeds.export.schedule`)
and keeps every other document of the last run (`Kept`, which records what it dropped). The
tasks are run by `feeds.export.work`; `feeds.export.Exporter` runs them and writes the rest.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, cast

from articles.store import EntryKey, Facet, Store
from feeds.config import SiteConfig
from feeds.export import schedule
from feeds.export.changes import (
    RunMemory,
    changed_articles,
    changed_months,
    feeds_of,
    pages_around,
)
from feeds.export.files import SITE_GROUP, Exported, feed_of
from feeds.export.gone import gone_feed_documents, gone_month_documents, gone_state
from feeds.export.manifest import Manifest
from feeds.export.states import ArticleState
from feeds.export.work import FeedTask, PageTask, RunContext, Task
from feeds.pages import SAMPLE_IMAGES_DIR
from feeds.sitemaps import Sitemaps
from feeds.urls import (
    CSS_PATH,
    FORMATS,
    INDEX_PATH,
    OPML_PATH,
    ROBOTS_PATH,
    SAMPLE_IMAGES_PREFIX,
    SITEMAP_INDEX_PATH,
    SITEMAPS_PREFIX,
    STYLESHEET_PATH,
    archive_path,
    article_page_path,
    facet_page_path,
    feed_path,
    feed_stem,
    paged_path,
    sitemap_month_path,
)

# Work per task: live pages of one feed, archive entries of one feed, other documents.
PAGES_PER_TASK: Final = 20
ARCHIVE_ENTRIES_PER_TASK: Final = 2000
PATHS_PER_TASK: Final = 50

# Before any removal: every feed's tombstones since then.
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# Stands for a document not exported before (its Last-Modified does not matter).
_DATED: Final = Exported(file="", etag="", content_type="", last_modified="-")


@dataclass(frozen=True)
class Planner:
    """Plans the runs of one exporter: `store` the app's store, `config` its settings,
    `directory` the export's folder (DIR), `version` this code's and these settings' version,
    which every page state records (`Exporter._version`)."""

    store: Store
    config: SiteConfig
    directory: Path
    version: str

    def listings(self) -> list[tuple[str, str]]:
        """The index and the OPML lists: what names the feeds."""
        pages: list[tuple[str, str]] = [(INDEX_PATH, "")]
        pages += [(OPML_PATH if f == "atom" else f"{OPML_PATH}?format={f}", "") for f in FORMATS]
        return pages

    def plan(
        self, context: RunContext, states: list[ArticleState]
    ) -> tuple[list[Task], dict[str, Exported]]:
        """The tasks of a run, and the article pages left as they are (their state, what the
        page shows, is the one recorded)."""
        store, config, now = self.store, self.config, context.now
        pages = self.listings()
        pages += [(STYLESHEET_PATH, ""), (CSS_PATH, "")]
        if SAMPLE_IMAGES_DIR.is_dir():
            images = sorted(p for p in SAMPLE_IMAGES_DIR.iterdir() if p.is_file())
            pages += [(SAMPLE_IMAGES_PREFIX + image.name, "") for image in images]
        pages += [(path, "") for path in Sitemaps(store, config).paths(now)]
        feeds: list[Task] = []
        infos = store.facets(now=now)
        counts = {info.facet: info.count for info in infos}
        facets = [info.facet for info in infos]
        if not any(f.kind == "all" for f in facets):
            facets.insert(0, Facet("all", ""))
        # A configured show exists without episodes too (`Store.is_configured`).
        facets += [
            show
            for show in (Facet("podcast", slug) for slug in sorted(store.shows))
            if show not in counts
        ]
        for facet in facets:
            if facet.kind != "all":
                pages.append((facet_page_path(facet), ""))
            feeds.extend(self.feed_tasks(facet, counts.get(facet, 0)))
        listed = set(facets)
        if config.tombstone_days:
            # A feed whose entries were all removed is served, empty, while it carries their
            # tombstones (`Documents.describe`); it has no facet page. A feed whose stones
            # are all of entries visible again does not exist: its tasks write nothing.
            since = now - timedelta(days=config.tombstone_days)
            for facet in store.tombstoned_feeds(now=now, since=since):
                if facet not in listed:
                    listed.add(facet)
                    feeds.extend(self.feed_tasks(facet, 0))
        kept: dict[str, Exported] = {}
        visible = {each.path for each in states}
        candidates = [(each.path, each.state) for each in states]
        # Every other feed that ever lost an entry readers saw may be gone (410); one that
        # lives on may have lost a month (its archive's 410).
        for facet in store.tombstoned_feeds(now=now, since=_EPOCH):
            if facet not in listed:
                candidates += gone_feed_documents(self.store, self.version, facet, now)
            else:
                archives = context.documents.archive_months(facet, now)
                candidates += gone_month_documents(store, self.version, facet, now, archives)
        # The pages of articles deleted while public: the app answers 410 Gone there, also
        # while the id is stored again where readers cannot see it.
        for article_id in store.gone_article_ids():
            path = article_page_path(article_id)
            deleted_at = store.public_deletion(article_id)
            if path not in visible and deleted_at is not None:
                candidates.append((path, gone_state(self.version, deleted_at)))
        for path, state in candidates:
            previous = context.before.get(path)
            if (
                previous is not None
                and previous.state == state
                and (self.directory / previous.file).exists()
            ):
                kept[path] = previous
            else:
                pages.append((path, state))
        # The largest feeds first, so no worker is left with a long task at the end.
        return feeds + batches(pages), kept

    def plan_changes(
        self,
        context: RunContext,
        memory: RunMemory,
        states: list[ArticleState],
        previous: dict[str, tuple[datetime, str]],
        kept: Kept,
        manifest: Manifest,
    ) -> list[Task]:
        """The tasks of a follow run: only the documents the changes since `memory` (the
        previous run) can have reached (see `feeds.export.changes`); the others stay in `kept`
        (every document of the last run, as it comes in), from which the checked ones are
        dropped. `states` are the visible articles' page states the run read (those the
        changes touched, or all), `previous` the same articles' as the previous run saw them;
        `manifest` finds a feed's documents (`Manifest.group`) without reading every path.
        """
        store, config, now, before = context.store, self.config, context.now, context.before
        current = {s.id: (s.published, s.state) for s in states}
        changed = changed_articles(previous, current)
        feeds = set(self.store.changed_feeds(memory.seq))
        feeds |= feeds_of(self.store, [i for i in changed if i in current], now)
        # A tombstone that dropped out by the clock (no write) changed its feed's live pages
        # and archives, or left the feed gone: the feed is checked whole.
        for facet in schedule.expired_feeds(self.store, config, memory.now, now):
            feeds.add(facet)
            memory.heads.pop(facet, None)
            memory.months.pop(facet, None)
        months = changed_months(changed)
        # The index and OPML lists, asked again.
        pages = self.listings()
        for path, _ in pages:
            kept.pop(path, None)
        # Article pages: the changed ones asked again, the gone ones removed.
        for each in states:
            if each.id in changed or each.path not in before:
                kept.pop(each.path, None)
                pages.append((each.path, each.state))
        for article_id in changed.keys() - current.keys():
            path = article_page_path(article_id)
            kept.pop(path, None)
            deleted_at = store.public_deletion(article_id)
            if deleted_at is not None:  # deleted while public: its 410
                pages.append((path, gone_state(self.version, deleted_at)))
        # Crawler documents: robots.txt, the index and news sitemaps, the changed months'.
        sitemaps = Sitemaps(cast(Store, store), config)
        month_of = {
            sitemap_month_path(m, p): m
            for m, p, _ in sitemaps.month_parts(store.month_summaries(now=now))
        }
        crawler = sitemaps.paths(now)
        crawled = (ROBOTS_PATH, SITEMAP_INDEX_PATH)
        site = manifest.group(SITE_GROUP)
        for path in [p for p in site if p in crawled or p.startswith(SITEMAPS_PREFIX)]:
            if path not in crawler:
                kept.pop(path)
        for path in crawler:
            if path not in month_of or month_of[path] in months or path not in before:
                kept.pop(path, None)
                pages.append((path, ""))
        # Feeds: see feeds.export.changes.
        tasks: list[Task] = []
        period = timedelta(days=config.tombstone_days)
        for facet in sorted(feeds, key=lambda f: (f.kind, f.value)):
            limit = config.feed_limits(facet)[0]
            total = store.count_visible(facet, now=now)
            mine = documents_of(manifest, facet, kept)
            if facet.kind != "all":
                kept.pop(facet_page_path(facet), None)
            tombstones = (
                tuple(store.feed_tombstones(facet, now=now, since=now - period)) if period else ()
            )
            if total == 0 and not tombstones and not store.is_configured(facet):
                for path in mine:  # the feed is gone
                    kept.pop(path)
                pages += gone_feed_documents(self.store, self.version, facet, now)
                memory.heads.pop(facet, None)
                memory.months.pop(facet, None)
                continue
            if facet.kind != "all" and (total or store.is_configured(facet)):
                pages.append((facet_page_path(facet), ""))
            linked = tuple(store.months(facet, now=now))
            live = [p for p in mine if "/archive/" not in p]
            if memory.heads.get(facet) != (total, tombstones):
                for path in live:
                    kept.pop(path)
                tasks.extend(t for t in self.feed_tasks(facet, total) if t.archives is None)
            else:

                def key_at(offset: int, facet: Facet = facet) -> EntryKey:
                    return store.page_keys(facet, now=now, limit=1, offset=offset)[0]

                # A page without Last-Modified (its last change was too recent for a date)
                # is checked: its date cannot be worked out.
                numbers = {1} | {
                    number
                    for number in range(1, max(1, math.ceil(total / limit)) + 1)
                    if not before.get(
                        paged_path(feed_path(facet, FORMATS[0]), number, limit, limit),
                        _DATED,
                    ).last_modified
                }
                for moments in changed.values():
                    for moment in moments:
                        numbers.update(pages_around(key_at, total, moment, limit))
                for number in numbers:
                    for fmt in FORMATS:
                        kept.pop(paged_path(feed_path(facet, fmt), number, limit, limit), None)
                tasks.append(FeedTask(facet, pages=tuple(sorted(numbers))))
            if memory.months.get(facet) != linked:
                for path in mine:
                    if "/archive/" in path:
                        kept.pop(path)
                tasks.extend(t for t in self.feed_tasks(facet, total) if t.archives is not None)
                archives = context.documents.archive_months(facet, now)
                pages += gone_month_documents(self.store, self.version, facet, now, archives)
            else:
                redo = tuple(
                    m
                    for m in context.documents.archive_months(facet, now)
                    if m in months
                    or not before.get(archive_path(facet, m, FORMATS[0]), _DATED).last_modified
                )
                for month in redo:
                    for fmt in FORMATS:
                        kept.pop(archive_path(facet, month, fmt), None)
                if redo:
                    tasks.append(FeedTask(facet, months=redo))
        return tasks + batches(pages)

    def feed_tasks(self, facet: Facet, count: int) -> Iterator[FeedTask]:
        last_page = max(1, math.ceil(count / self.config.feed_limits(facet)[0]))
        starts = range(1, last_page + 1, PAGES_PER_TASK)
        for start in starts:
            chunk = tuple(range(start, min(start + PAGES_PER_TASK, last_page + 1)))
            yield FeedTask(facet, pages=chunk, to_end=start == starts[-1])
        parts = max(1, math.ceil(count / ARCHIVE_ENTRIES_PER_TASK))
        for part in range(parts):
            yield FeedTask(facet, archives=(part, parts))


class Kept(dict[str, Exported]):
    """The documents a run leaves as they are, by path; `touched` records every path dropped
    (`pop`) or set (`update`) since, and those whose headers a run refreshed: what the run may
    have changed, so only those manifest rows and nginx map shards are written."""

    def __init__(self, entries: Mapping[str, Exported]) -> None:
        super().__init__(entries)
        self.touched: set[str] = set()

    def pop(self, path: str, *default: Any) -> Any:  # type: ignore[override]
        self.touched.add(path)
        return super().pop(path, *default)

    def update(self, other: Mapping[str, Exported]) -> None:  # type: ignore[override]
        self.touched.update(other)
        super().update(other)


def documents_of(manifest: Manifest, facet: Facet, kept: Mapping[str, Exported]) -> list[str]:
    """The paths of the feed's documents (every page and archive, each format) still in
    `kept`, from the manifest's index (`Manifest.group`) rather than from every path."""
    stem = feed_stem(facet)
    return [p for p in manifest.group(stem) if p in kept and feed_of(p) == stem]


def batches(pages: list[tuple[str, str]]) -> list[Task]:
    return [
        PageTask(tuple(pages[i : i + PATHS_PER_TASK])) for i in range(0, len(pages), PATHS_PER_TASK)
    ]
