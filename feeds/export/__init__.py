"""Static export: every document the app serves, written to a folder a plain web server serves.

`flask --app wsgi feeds export DIR` writes

- each document at its path below DIR (`feeds/all.atom`, `articles/<id>`, `index.html` for
  `/`), a query string kept in the name after `@` (`feeds/all.atom@page=2`), every name
  ending in a media-type key that the generated nginx config maps to the app's exact
  `Content-Type` (`feeds.export.files`);
- its gzip and Brotli forms beside it, made by the function the app's render cache uses, so
  they are the app's own compressed bytes;
- `DIR/_nginx/feeds-export.conf` (`feeds.export.nginx`): serves them with the app's headers,
  conditional GET, content coding from `Accept-Encoding`, and the format of an extension-less
  feed URL from `Accept`;
- `DIR/_nginx/maps/`: the config's per-document maps, one file per shard, a run writing new
  files only for the shards it changed (`feeds.export.maps`);
- `DIR/_nginx/manifest.sqlite3`: what was written, for the next run, updated row by row
  (`feeds.export.manifest.Manifest`).

Which documents: the index and every facet page, every live feed (sections, tags, authors,
languages, sources, podcast shows) in every format and every page of it, every monthly
archive, the OPML lists (all formats), every visible article's page, robots.txt and the
sitemaps, the browser stylesheet and CSS and the sample images. Not exported: the HTML preview
a browser gets for a feed URL, health checks, redirects, the API.

How (`feeds.export.work`): feed documents go through the query step and the writers directly,
their ETags computed without rendering, so an unchanged document costs a few indexed reads
and a changed one is rendered once for its three formats; other documents are asked of the
app. The work is split into tasks run by worker processes forked from this one (`workers`),
each writing its own files; every file is written under a temporary name and moved into place.
A second run rewrites only what changed and removes what is gone; what a run must check, keep
and remove is planned by `feeds.export.plan`.

`Exporter.follow()` keeps DIR in sync: it waits for the store's change sequence to move (every
write, from any process, adds to it in its own transaction) or for the next moment a document
changes by itself (an embargo lifting, a tombstone's period ending: `feeds.export.schedule`),
and runs again. What the app answers 410 Gone is kept as that answer (`feeds.export.gone`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.http import http_date, parse_date

from articles.store import ALL, Store
from feeds.config import SiteConfig
from feeds.etag import OUTPUT_VERSION, DocumentVersion, settled_last_modified
from feeds.export import schedule, work
from feeds.export.changes import RunMemory
from feeds.export.files import (
    CONFIG_FOLDER,
    CONFIG_NAME,
    Exported,
    Retired,
    document_files,
    file_name,
    set_modified_time,
    sweep,
    type_key,
    write_atomic,
)
from feeds.export.manifest import MANIFEST_NAME, Manifest
from feeds.export.maps import DocumentMaps
from feeds.export.nginx import DEFAULT_LISTEN, listen_problem, nginx_config, upstream_problem
from feeds.export.plan import ARCHIVE_ENTRIES_PER_TASK as ARCHIVE_ENTRIES_PER_TASK
from feeds.export.plan import PAGES_PER_TASK as PAGES_PER_TASK
from feeds.export.plan import PATHS_PER_TASK as PATHS_PER_TASK
from feeds.export.plan import Kept, Planner, documents_of
from feeds.export.states import ArticleState, article_states, changed_article_states
from feeds.export.work import RunContext, Task, TaskResult
from feeds.urls import FORMATS, feed_path

__all__ = [
    "CONFIG_FOLDER",
    "CONFIG_NAME",
    "MANIFEST_NAME",
    "ExportError",
    "GRACE_SECONDS",
    "ExportReport",
    "Exported",
    "Exporter",
    "file_name",
    "nginx_config",
    "type_key",
    "write_atomic",
]

log = logging.getLogger(__name__)

# Below this many tasks the run stays in this process (forking would cost more than it saves).
MIN_PARALLEL_TASKS: Final = 16
# Seconds the reload command may take.
RELOAD_TIMEOUT: Final = 60
# Seconds an old version's files are kept after the reload that stopped nginx naming them (or,
# without a reload command, after the run that replaced them): nginx's old workers finish the
# requests they took under the old config meanwhile.
GRACE_SECONDS: Final = 60.0


# Where administration programs live (nginx in /usr/sbin on Debian) when PATH lacks them.
ADMIN_PATHS = "/usr/local/sbin:/usr/sbin:/sbin"


def reload_command_problem(command: Sequence[str]) -> str | None:
    """Why `command` cannot be run as the reload command (its program is not found, or is not
    an executable file), or None: checked when the export starts, not at its first reload."""
    if not command:
        return "give a command, such as 'nginx -s reload'"
    program = command[0]
    if os.sep in program:
        if os.path.isfile(program) and os.access(program, os.X_OK):
            return None
        return f"{program!r} is not an executable file"
    if shutil.which(program):
        return None
    path = os.environ.get("PATH", "")
    found = shutil.which(program, path=ADMIN_PATHS)
    where = f"; give its full path: {found}" if found else ""
    return f"no program {program!r} on PATH ({path}){where}"


def directory_problem(directory: str | os.PathLike[str]) -> str | None:
    """Why the export cannot write into `directory`, or None; the folder (and its parents) is
    made when missing. Checked when the export starts, so a folder it cannot make or write in
    (a parent that is a file, a read-only file system, no permission) stops it with one line
    naming the folder, not a traceback from the first document written; an empty name, which
    would be the current folder (a clone of this repository, say), is refused."""
    if not os.fspath(directory).strip():
        return "give the folder to export into, such as /srv/feeds-static (got an empty name)"
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    except OSError as exc:
        failed = exc.filename is not None and Path(exc.filename) != folder
        where = f" ({exc.filename})" if failed else ""
        return f"cannot write into the folder {os.fspath(folder)!r}{where}: {exc.strerror}"
    os.close(fd)
    os.unlink(probe)
    return None


class ExportError(Exception):
    """The export cannot run (no site_url, an unusable folder); the message says what to do."""


@dataclass
class ExportReport:
    """What one run did: documents written (new or changed), unchanged, removed, and time.

    `next_change` is when the soonest exported document changes by itself (an embargoed
    article joining it, a tombstone's period ending: `feeds.export.schedule.next_change`),
    None when none will; `change_seq` the store's change sequence the run started from.
    """

    written: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    next_change: datetime | None = None
    change_seq: int | None = None
    # Documents whose state was looked at (described, or asked of the app): every document
    # in a full run but the article pages whose state is unchanged, in a follow run only
    # what the changes can have reached.
    checked: int = 0
    # Article rows read for the page states: every visible article in a full run, in a follow
    # run only those the changes touched (`changed_article_states`).
    articles_read: int = 0
    # Manifest rows written or deleted (`Manifest.save`): the documents whose entry changed.
    rows_saved: int = 0

    @property
    def total(self) -> int:
        return self.written + self.unchanged

    def line(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return (
            f"exported {self.total} documents in {self.seconds:.1f} s: {self.written} written, "
            f"{self.unchanged} unchanged, {self.removed} removed{failed}, {self.checked} checked, "
            f"{self.articles_read} article states read"
        )


class Exporter:
    """Exports the documents of `app` into `directory`; `run()` once, `follow()` forever.

    `workers` is the number of processes that render and compress (default: one per CPU);
    with 1, or a run too small to gain from it, everything runs in this process. `upstream`
    is the app's address for the nginx config (`feeds.export.nginx.nginx_config`), `listen`
    its server block's `listen`. `reload_command` (`["nginx", "-s", "reload"]`) is run, without
    a shell, after every run that changed the config (which is replaced atomically first), so
    nginx serves the new versions' files and headers together; a reload that fails is logged,
    counted as a failure of the run and tried again after the next run. The files of a
    replaced or removed version are removed `grace` seconds after the reload that stopped
    nginx naming them (without a reload command: after the run that replaced them), by a
    later run or, when following, between runs.
    """

    def __init__(
        self,
        app: Flask,
        directory: str | os.PathLike[str],
        *,
        workers: int | None = None,
        min_parallel_tasks: int = MIN_PARALLEL_TASKS,
        upstream: str | None = None,
        listen: str = DEFAULT_LISTEN,
        reload_command: Sequence[str] | None = None,
        grace: float = GRACE_SECONDS,
    ) -> None:
        self.app = app
        self.config: SiteConfig = app.extensions["feeds.config"]
        self.store: Store = app.extensions["feeds.store"]
        self.clock: Callable[[], datetime] = app.extensions["feeds.clock"]
        if not self.config.site_url:
            raise ExportError(
                "set site_url (FEEDS_SITE_URL) to the public address the copy will be served "
                "at: every link in the documents is written from it"
            )
        for name, value, problem in (
            ("listen", listen, listen_problem(listen)),
            ("upstream", upstream, upstream and upstream_problem(upstream)),
        ):
            if problem:
                raise ExportError(f"{name} {value!r}: {problem}")
        if reload_command is not None and (problem := reload_command_problem(reload_command)):
            raise ExportError(f"reload command {shlex.join(reload_command)!r}: {problem}")
        if problem := directory_problem(directory):
            raise ExportError(problem)
        self.directory = Path(directory)
        self.prefix = urlsplit(self.config.site_url).path.rstrip("/")
        self.manifest_path = self.directory / CONFIG_FOLDER / MANIFEST_NAME
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self.min_parallel_tasks = min_parallel_tasks
        self.upstream = upstream
        self.listen = listen
        self.reload_command = list(reload_command) if reload_command else None
        self.grace = max(0.0, grace)
        # Retired files not removed yet (as the last run left them), for `follow` to sweep.
        self._retired: Retired = {}
        # A reload is due: the first run's (nginx may hold an older config), after a config
        # change, or after a reload that failed.
        self._reload_due = True
        # What the last run of this exporter saw (None before it, or after a failed run).
        self._memory: RunMemory | None = None
        # The manifest as the last run left it (None before it, or after a run that stopped
        # half-way: then read from the folder) and the nginx map shards.
        self._manifest: Manifest | None = None
        self._maps = DocumentMaps(self.directory, self.prefix)
        # How a run waits for the current second to pass (see `_settled_now`).
        self.sleep: Callable[[float], None] = time.sleep

    # -- one run -------------------------------------------------------------------------------

    def _settled_now(self) -> datetime:
        """The time a run exports the documents as of: after the second in which these
        settings and code came into use (`DocumentVersion`) and in which the store's latest
        write was made. A document whose latest change lies in the current second has no
        Last-Modified yet (`settled_last_modified`); a run started then (the first export
        after a deploy or a settings change, or one right after an import) would write every
        such document undated until a later run, where the app dates it a moment later. So the
        run waits for that second to end (at most about a second)."""
        now = self.clock()
        version: DocumentVersion = self.app.extensions["feeds.version"]
        since = version.since(now)
        newest = max(since, self.store.last_change(ALL, now=now, period=None) or since)
        second = newest.replace(microsecond=0)
        if second >= now.replace(microsecond=0):
            self.sleep(min(2.0, (second + timedelta(seconds=1) - now).total_seconds()))
            now = self.clock()
        return now

    def run(self, *, changes_only: bool = False) -> ExportReport:
        """Bring DIR up to date with the app; returns the counts.

        With `changes_only` (each `follow` run after its first), only the documents that the
        writes and embargo lifts since this exporter's previous run can have changed are
        checked (`feeds.export.changes`), and only their manifest rows and nginx map shards
        are written; without it, or with no previous run, all are.
        """
        started = time.perf_counter()
        seq = self.store.change_seq()
        # The manifest as the previous run of this exporter left it (kept in memory between
        # follow runs), else as the folder holds it.
        manifest, self._manifest = self._manifest, None
        if manifest is None:
            manifest = Manifest.open(self.manifest_path)
            retired = dict(manifest.retired)
            self._maps.reset()
        else:
            retired = dict(self._retired)
        before = manifest.documents
        now = self._settled_now()
        context = RunContext(self.app, self.directory, before, now)
        memory, self._memory = self._memory, None
        version = self._version()
        following = changes_only and memory is not None and bool(before)
        subset = (
            changed_article_states(self.store, memory, now, version)
            if following and memory is not None
            else None
        )
        if following and memory is not None and subset is not None:
            # Only the articles the changes touched: their states, and theirs as last seen.
            states, touched_ids, articles_read = subset
            previous = {i: memory.articles[i] for i in touched_ids if i in memory.articles}
            articles, links = memory.articles, memory.links
            for article_id in touched_ids:
                articles.pop(article_id, None)
                links.pop(article_id, None)
        else:
            states = list(article_states(self.store, now, version, context.store))
            articles_read = len(states)
            previous = memory.articles if following and memory is not None else {}
            articles, links = {}, {}
        for each in states:
            articles[each.id] = (each.published, each.state)
            if each.links:
                links[each.id] = each.links
        if following and memory is not None:
            kept = Kept(before)
            tasks = self._plan_changes(context, memory, states, previous, kept, manifest)
        else:
            memory = RunMemory(seq, now, {})
            tasks, planned = self._plan(context, states)
            kept = Kept(planned)
        result = self._execute(context, tasks)
        if following:  # the kept documents of the feeds it checked
            self._refresh_headers(context, result, kept, manifest)
        report = ExportReport(
            written=result.written,
            unchanged=result.unchanged + len(kept),
            failed=result.failed,
            change_seq=seq,
            checked=result.written + result.unchanged + len(result.failed),
            articles_read=articles_read,
        )
        kept.update(result.entries)
        after: dict[str, Exported] = kept
        # What this run may have changed: in a follow run the documents it checked, dropped or
        # refreshed; in any other run, every document.
        touched: set[str] | None = kept.touched if following else None
        paths = touched if touched is not None else before.keys() | after.keys()
        # The files of a version replaced or removed are retired: nginx may name them until
        # its reload; a version written again is current, not retired.
        retiring: list[str] = []
        for path in paths:
            old, new = before.get(path), after.get(path)
            if old is None:
                continue
            if new is None:
                report.removed += 1
            if new is None or new.file != old.file:
                retiring.extend(document_files(old))
        for entry in result.entries.values():
            for name in document_files(entry):
                retired.pop(name, None)
        # A kept version whose Last-Modified moved: its files' modification time follows it
        # (a version written now got it when written).
        for path in paths:
            new, saved = after.get(path), manifest.saved_dates(path)
            moved = saved is not None and new is not None and saved[1] != new.last_modified
            if moved and new is not None and saved is not None and saved[0] == new.file:
                set_modified_time(self.directory, new)
        # The nginx maps: the shards holding a touched document get new files (the old ones
        # are retired like old versions), then the config naming them replaces the old one.
        label_file, replaced = self._maps.update_labels(self.store.label_slugs(now=now))
        named, unnamed = self._maps.update(after, touched)
        for name in (*named, label_file):
            retired.pop(name, None)
        retiring.extend(unnamed)
        if replaced is not None:
            retiring.append(replaced)
        config_path = self.directory / CONFIG_FOLDER / CONFIG_NAME
        config = nginx_config(
            self._maps.includes(),
            self._maps.types(),
            self.directory,
            self.prefix,
            self.config.site_url,
            self.upstream,
            listen=self.listen,
            key_sizes=self._maps.key_sizes(),
        ).encode()
        try:
            unchanged_config = config_path.read_bytes() == config
        except OSError:
            unchanged_config = False
        if not unchanged_config:
            write_atomic(config_path, config)
            self._reload_due = True
        if self.reload_command is not None and self._reload_due:
            failure = self._reload()
            if failure:
                report.failed.append(failure)
        # From when the retired files may go: `grace` after nginx has the config that no longer
        # names them (the reload succeeded, now or before an unchanged config); with no reload
        # command, `grace` after this run (the operator reloads nginx within it).
        settled = self.reload_command is None or not self._reload_due
        due = time.time() + self.grace if settled else None
        retired = {name: due if moment is None else moment for name, moment in retired.items()}
        for name in retiring:
            retired[name] = due
        sweep(self.directory, retired, time.time())
        report.rows_saved = manifest.save(after, touched, seq, self.config.site_url, retired)
        self._manifest = manifest
        self._retired = retired
        report.next_change = schedule.next_change(self.store, self.config, now)
        memory.heads.update(result.heads)
        memory.months.update(result.months)
        if not result.failed:
            self._memory = RunMemory(seq, now, articles, memory.heads, memory.months, links)
        report.seconds = time.perf_counter() - started
        return report

    def _version(self) -> str:
        """This code's and these settings' version, which every page state records."""
        return f"{OUTPUT_VERSION}|{self.config.fingerprint()}"

    def _reload(self) -> str:
        """Run the reload command; "" when it succeeded, else what went wrong."""
        assert self.reload_command is not None
        try:
            done = subprocess.run(
                self.reload_command, capture_output=True, text=True, timeout=RELOAD_TIMEOUT
            )
        except (OSError, subprocess.SubprocessError) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        else:
            if done.returncode == 0:
                self._reload_due = False
                return ""
            problem = f"exit status {done.returncode}: {done.stderr.strip()[-500:]}"
        message = f"reload command {shlex.join(self.reload_command)!r} failed ({problem})"
        log.warning("export: %s; it is run again after the next run", message)
        return message

    def _planner(self) -> Planner:
        return Planner(self.store, self.config, self.directory, self._version())

    def _plan(
        self, context: RunContext, states: list[ArticleState]
    ) -> tuple[list[Task], dict[str, Exported]]:
        """The tasks of a full run and the documents it keeps (`Planner.plan`)."""
        return self._planner().plan(context, states)

    def _plan_changes(
        self,
        context: RunContext,
        memory: RunMemory,
        states: list[ArticleState],
        previous: dict[str, tuple[datetime, str]],
        kept: Kept,
        manifest: Manifest,
    ) -> list[Task]:
        """The tasks of a follow run (`Planner.plan_changes`)."""
        return self._planner().plan_changes(context, memory, states, previous, kept, manifest)

    def _refresh_headers(
        self, context: RunContext, result: TaskResult, kept: Kept, manifest: Manifest
    ) -> None:
        """Of the documents a follow run kept, those of a feed it checked get the headers the
        app now sends: the feed's Cache-Control (every live page shares it) and the
        Last-Modified of the later of the feed's shared change (`Documents.shared_change`)
        and the document's own (unchanged, in its recorded date), by
        `feeds.etag.settled_last_modified`. Each document whose headers moved is marked
        touched in `kept`."""
        now = context.now
        for facet in {*result.heads, *result.months}:
            mine = documents_of(manifest, facet, kept)
            if not mine:
                continue
            live = context.documents.shared_change(facet, now)
            first = result.entries.get(feed_path(facet, FORMATS[0]))
            for path in mine:
                entry = kept[path]
                headers = (entry.cache_control, entry.last_modified)
                archive = "/archive/" in path
                if not archive and first is not None:
                    entry.cache_control = first.cache_control
                if entry.last_modified:  # else none sent: its change was too recent to date
                    month = path.split("/archive/", 1)[1].split(".", 1)[0] if archive else None
                    shared = context.documents.shared_change(facet, now, month) if archive else live
                    own = parse_date(entry.last_modified)
                    latest = max((m for m in (shared, own) if m is not None), default=None)
                    settled = settled_last_modified(latest, now)
                    entry.last_modified = http_date(settled) if settled is not None else ""
                if (entry.cache_control, entry.last_modified) != headers:
                    kept.touched.add(path)

    def _execute(self, context: RunContext, tasks: list[Task]) -> TaskResult:
        total = TaskResult()
        if self.workers == 1 or len(tasks) < self.min_parallel_tasks:
            for task in tasks:
                total.merge(context.do(task))
            return total
        # Workers are forked from this process with the run's context (app, settings, previous
        # manifest) in memory; each opens its own database connections.
        work.CURRENT = context
        try:
            with ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=work.start_worker,
            ) as pool:
                for result in pool.map(work.run_task, tasks, chunksize=1):
                    total.merge(result)
        finally:
            work.CURRENT = None
        return total

    # -- following -----------------------------------------------------------------------------

    def follow(
        self,
        interval: float = 1.0,
        report: Callable[[ExportReport], None] = lambda r: None,
        stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """Run, then run again whenever the store's change sequence moves (any write, from any
        process), an embargo lifts or a tombstone's period ends, until `stop()`; checks every
        `interval` seconds (`feeds.export.schedule.follow`).

        A run or a check that fails (the database unreachable, the disk full) is logged and
        tried again at the next check; DIR keeps the last complete run's files meanwhile.
        """
        schedule.follow(self, interval, report, stop)

    def sweep(self) -> None:
        """Remove the retired files whose time has come (between follow runs)."""
        if self._retired:
            sweep(self.directory, self._retired, time.time())
