"""Where an exported document lives below DIR, and how it is written there.

A document's file is its site path below DIR (`feeds/all.atom`, `index.html` for `/`), its
query string kept after `@` (`feeds/all.atom@page=2`), a version key made from its ETag
(`.v-3f2a...`, 16 hex digits), and a media-type key (`.t-application-atom-xml-charset-utf-8`)
that the generated nginx config maps back to the app's exact `Content-Type`. The gzip and
Brotli forms sit beside it (`...@page=2.v-3f2a....gz.t-...`, `.br.t-...`).

Each version of a document has its own files: a run writes a changed document's new version
beside the old one, the nginx config (which maps each URL to its file and its headers) is
switched by one reload, and the old version's files are retired, removed only once that
reload is done and a grace period has passed (`Retired`). So nginx never sends one version's
bytes under another version's ETag or Last-Modified. Every file is written under a temporary
name in its folder and moved into place with `os.replace`, so a reader never gets half a file.
Every file's modification time is its document's Last-Modified (when the app sends one), which
nginx compares `If-Modified-Since` with.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from werkzeug.http import parse_date

from feeds.urls import (
    ARTICLES_PREFIX,
    FEEDS_PREFIX,
    FORMATS,
    INDEX_PATH,
    SAMPLE_IMAGES_PREFIX,
    SITEMAPS_PREFIX,
    STATIC_PREFIX,
)

log = logging.getLogger(__name__)

CONFIG_FOLDER: Final = "_nginx"
CONFIG_NAME: Final = "feeds-export.conf"
MANIFEST_NAME: Final = "manifest.sqlite3"
# The manifest of earlier versions, read once and replaced (`Manifest`).
LEGACY_MANIFEST_NAME: Final = "manifest.json"
# The codings written beside every document, in the app's order of preference.
ENCODINGS: Final = ("gzip", "br")
SUFFIX: Final = {"gzip": ".gz", "br": ".br"}


@dataclass
class Exported:
    """One exported document: its file (relative to DIR) and the headers the app sends.

    `state` is what an article page shows (code version, settings, the article's and its
    linked versions' `updated`), so an unchanged page need not be asked for again; "" for
    every other document, whose ETag is computed without rendering.
    """

    file: str
    etag: str
    content_type: str
    cache_control: str = ""
    vary: str = ""
    last_modified: str = ""
    app_compresses: bool = False
    state: str = ""


SITE_GROUP: Final = "site"


def feed_of(path: str) -> str | None:
    """The stem of the feed a feed document belongs to (`/feeds/tag/x.atom?page=2`,
    `/feeds/tag/x/archive/2025-07.rss` -> `/feeds/tag/x`), None for any other path."""
    if not path.startswith(FEEDS_PREFIX):
        return None
    head, archive, _ = path.partition("?")[0].partition("/archive/")
    if archive:
        return head
    stem, dot, fmt = head.rpartition(".")
    return stem if dot and fmt in FORMATS else head


def group_of(path: str) -> str:
    """The documents placed together: a feed's (its facet page `/tag/x` with `/feeds/tag/x`),
    the site's own (index, OPML, robots.txt, sitemaps, static files), else the path itself
    (an article page)."""
    feed = feed_of(path)
    if feed is not None:
        return feed
    if path.startswith(ARTICLES_PREFIX):
        return path
    if path.count("/") != 2 or path.startswith((STATIC_PREFIX, SAMPLE_IMAGES_PREFIX)):
        return SITE_GROUP
    if path.startswith(SITEMAPS_PREFIX):
        return SITE_GROUP
    return FEEDS_PREFIX.rstrip("/") + path.partition("?")[0]  # a facet page: with its feed


def file_name(path: str) -> str:
    """The file (relative to DIR, without the type key) a site path and query are kept in.

    A path segment `.` or `..` (an article id) is written `%2E`, an empty one `%2F`, so no name
    can leave DIR: `/articles/..` -> `articles/%2E%2E`.
    """
    parts = urlsplit(path)
    if parts.path == INDEX_PATH:
        name = "index.html"
    else:
        segments = [
            {"": "%2F", ".": "%2E", "..": "%2E%2E"}.get(s, s)
            for s in parts.path.lstrip("/").split("/")
        ]
        name = "/".join(segments)
    return f"{name}@{parts.query}" if parts.query else name


def type_key(content_type: str) -> str:
    """The file-name key of a media type: `application/atom+xml; charset=utf-8` -> `t-...`."""
    simple = "".join(ch if ch.isalnum() else "-" for ch in content_type.lower())
    return "t-" + "-".join(part for part in simple.split("-") if part)


def version_key(etag: str) -> str:
    """The version part of a file name: `v-` and 16 hex digits of the SHA-256 of the ETag
    (64 bits: two versions of one document that collide are out of reach)."""
    return "v-" + hashlib.sha256(etag.encode()).hexdigest()[:16]


def exported_file(path: str, content_type: str, etag: str) -> str:
    """The file of the version `etag` of the document at `path` served as `content_type`:
    `/feeds/all.atom?page=2` -> `feeds/all.atom@page=2.v-<16 hex>.t-application-atom-...`.
    Names of different documents, versions and codings never coincide: a document's own
    file ends in `.v-<hex>.t-...`, its compressed forms in `.gz.t-...` and `.br.t-...`."""
    return f"{file_name(path)}.{version_key(etag)}.{type_key(content_type)}"


def variant_file(file: str, encoding: str) -> str:
    """The file of one compressed form: `feeds/all.atom.t-x` -> `feeds/all.atom.gz.t-x`."""
    stem, _, key = file.rpartition(".")
    return f"{stem}{SUFFIX[encoding]}.{key}"


def write_atomic(target: Path, data: bytes, mtime: float | None = None) -> None:
    """Write `data` to `target` through a temporary file in its folder and os.replace (the
    folder made when missing)."""
    try:
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            os.fchmod(out.fileno(), 0o644)
            if mtime is not None:
                out.flush()
                os.utime(out.fileno(), (mtime, mtime))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def modified_time(entry: Exported) -> float | None:
    """The document's Last-Modified as a POSIX timestamp (what its files' modification time is
    set to, so nginx's `If-Modified-Since` check agrees with the app), None when it has none."""
    if not entry.last_modified:
        return None
    moment = parse_date(entry.last_modified)
    return moment.timestamp() if moment is not None else None


def document_files(entry: Exported) -> tuple[str, ...]:
    """A document's file and its compressed forms, relative to DIR."""
    return (entry.file, *(variant_file(entry.file, e) for e in ENCODINGS))


def set_modified_time(directory: Path, entry: Exported) -> None:
    """Set the modification time of a document's files to its Last-Modified (when it has one;
    missing files are left alone)."""
    mtime = modified_time(entry)
    if mtime is None:
        return
    for name in document_files(entry):
        try:
            os.utime(directory / name, (mtime, mtime))
        except FileNotFoundError:
            continue


def remove_files(directory: Path, entry: Exported) -> None:
    """Remove a document's file and its compressed forms (missing ones are fine)."""
    for name in document_files(entry):
        (directory / name).unlink(missing_ok=True)


# Retired files (relative to DIR), each with the POSIX time from which it may be removed, None
# while the reload that stops nginx naming it has not succeeded yet.
Retired = dict[str, float | None]


def load_manifest(path: Path) -> dict[str, Exported]:
    """The documents the last run wrote, by site path; {} when there was none (or it cannot
    be read, which is logged: everything is then exported again)."""
    return Manifest.open(path).documents


def read_manifest(path: Path) -> tuple[dict[str, Exported], Retired]:
    """The documents the last run wrote, by site path, and the files of older versions not
    removed yet (`Retired`); ({}, {}) when there was no manifest (or it cannot be read, which
    is logged: everything is then exported again)."""
    manifest = Manifest.open(path)
    return manifest.documents, dict(manifest.retired)


_Row = tuple[str, str, str, str, str, str, int, str]
_COLUMNS: Final = (
    "file",
    "etag",
    "content_type",
    "cache_control",
    "vary",
    "last_modified",
    "app_compresses",
    "state",
)


def _row(entry: Exported) -> _Row:
    return (
        entry.file,
        entry.etag,
        entry.content_type,
        entry.cache_control,
        entry.vary,
        entry.last_modified,
        int(entry.app_compresses),
        entry.state,
    )


def _entry(row: _Row) -> Exported:
    file, etag, content_type, cache_control, vary, last_modified, compresses, state = row
    return Exported(
        file, etag, content_type, cache_control, vary, last_modified, bool(compresses), state
    )


class Manifest:
    """What the last run wrote, for the next: every document's entry by site path, the retired
    files not removed yet, the store's change sequence the run saw and the site URL.

    Kept in an SQLite file (`DIR/_nginx/manifest.sqlite3`) that a run updates row by row, in
    one transaction: only the documents whose entry changed are written, so a follow run that
    touched a few documents writes a few rows, whatever the store's size (the JSON file it
    replaces was read and written whole by every run). A run that stops half-way leaves the
    previous run's rows (the transaction is rolled back). A `manifest.json` of an earlier
    version beside it is read once, copied in and removed.

    `documents` is the live mapping the run reads and replaces entries in; `saved(path)` is
    the entry as last written to the file (what a run compares with to find what moved).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.documents: dict[str, Exported] = {}
        self.retired: Retired = {}
        self.change_seq: int | None = None
        self.site_url = ""
        self._saved: dict[str, _Row] = {}
        self._saved_retired: Retired = {}
        # group_of(path) -> paths, built when first asked for and kept up to date by `save`.
        self._groups: dict[str, set[str]] | None = None

    @classmethod
    def open(cls, path: Path) -> Manifest:
        """Read the manifest at `path` (a folder's `manifest.sqlite3`); an empty one when there
        is none, or when it cannot be read (logged: everything is then exported again)."""
        manifest = cls(path)
        try:
            manifest._read()
        except (OSError, sqlite3.Error, ValueError) as exc:
            log.warning("export manifest %s unreadable (%s): exporting all", path, exc)
            manifest = cls(path)
        return manifest

    def _read(self) -> None:
        legacy = self.path.with_name(LEGACY_MANIFEST_NAME)
        if not self.path.exists():
            if legacy.exists():
                self._read_legacy(legacy)
            return
        with closing(sqlite3.connect(self.path)) as conn:
            for name, value in conn.execute("SELECT key, value FROM meta"):
                if name == "site_url":
                    self.site_url = value
                elif name == "change_seq":
                    self.change_seq = None if value is None else int(value)
            fields = ", ".join(_COLUMNS)
            for path, *values in conn.execute(f"SELECT path, {fields} FROM documents"):
                row: _Row = tuple(values)  # type: ignore[assignment]
                self._saved[path] = row
                self.documents[path] = _entry(row)
            for name, due in conn.execute("SELECT name, due FROM retired"):
                self.retired[name] = None if due is None else float(due)
        self._saved_retired = dict(self.retired)

    def _read_legacy(self, legacy: Path) -> None:
        """An earlier version's `manifest.json`: its entries, saved as changed by the next run."""
        raw = json.loads(legacy.read_text(encoding="utf-8"))
        fields = set(Exported.__dataclass_fields__)
        self.documents = {
            site_path: Exported(**{k: v for k, v in entry.items() if k in fields})
            for site_path, entry in raw.get("documents", {}).items()
        }
        self.retired = {
            str(name): (float(due) if isinstance(due, int | float) else None)
            for name, due in raw.get("retired", {}).items()
        }
        seq = raw.get("change_seq")
        self.change_seq = seq if isinstance(seq, int) else None
        self.site_url = str(raw.get("site_url") or "")

    def group(self, name: str) -> set[str]:
        """The paths of the documents `group_of` places under `name` (a feed's stem: every
        page and archive of the feed, and its facet page; "site": the index, OPML lists,
        robots.txt, sitemaps and static files). Do not change the set."""
        if self._groups is None:
            groups: dict[str, set[str]] = {}
            for path in self.documents:
                groups.setdefault(group_of(path), set()).add(path)
            self._groups = groups
        return self._groups.get(name, set())

    def saved_dates(self, path: str) -> tuple[str, str] | None:
        """(file, Last-Modified) of `path` as the file holds it, or None."""
        row = self._saved.get(path)
        return None if row is None else (row[0], row[5])

    def saved(self, path: str) -> Exported | None:
        """The entry of `path` as the file holds it (before this run's changes), or None."""
        row = self._saved.get(path)
        return None if row is None else _entry(row)

    def save(
        self,
        documents: Mapping[str, Exported],
        touched: Iterable[str] | None,
        change_seq: int | None,
        site_url: str,
        retired: Retired,
    ) -> int:
        """Make the file hold `documents` (which become `self.documents`) and `retired`, in one
        transaction. `touched` names every path whose entry may differ from the file's (None:
        any may); only those are compared and written. Returns the rows written or deleted."""
        paths = self._saved.keys() | documents.keys() if touched is None else set(touched)
        upserts: list[tuple[str, _Row]] = []
        deletes: list[str] = []
        for path in paths:
            entry = documents.get(path)
            if entry is None:
                if path in self._saved:
                    deletes.append(path)
                continue
            row = _row(entry)
            if self._saved.get(path) != row:
                upserts.append((path, row))
        gone = [name for name in self._saved_retired if name not in retired]
        moved = [
            (name, due)
            for name, due in retired.items()
            if name not in self._saved_retired or self._saved_retired[name] != due
        ]
        legacy = self.path.with_name(LEGACY_MANIFEST_NAME)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, isolation_level=None)) as conn:
            conn.executescript(_SCHEMA)
            conn.execute("BEGIN IMMEDIATE")
            try:
                columns = ", ".join(("path", *_COLUMNS))
                marks = ", ".join("?" * (len(_COLUMNS) + 1))
                conn.executemany(
                    f"INSERT OR REPLACE INTO documents ({columns}) VALUES ({marks})",
                    [(path, *row) for path, row in upserts],
                )
                conn.executemany("DELETE FROM documents WHERE path = ?", [(p,) for p in deletes])
                conn.executemany("DELETE FROM retired WHERE name = ?", [(n,) for n in gone])
                conn.executemany("INSERT OR REPLACE INTO retired (name, due) VALUES (?, ?)", moved)
                conn.executemany(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    [("site_url", site_url), ("change_seq", change_seq)],
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        legacy.unlink(missing_ok=True)
        for path in deletes:
            del self._saved[path]
        for path, row in upserts:
            self._saved[path] = row
        self._saved_retired = dict(retired)
        if touched is None:
            self._groups = None
        elif self._groups is not None:
            for path in paths:
                if path in documents:
                    self._groups.setdefault(group_of(path), set()).add(path)
                else:
                    self._groups.get(group_of(path), set()).discard(path)
        self.documents = dict(documents) if not isinstance(documents, dict) else documents
        self.retired = dict(retired)
        self.change_seq = change_seq
        self.site_url = site_url
        return len(upserts) + len(deletes)


_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS documents (
    path TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    etag TEXT NOT NULL,
    content_type TEXT NOT NULL,
    cache_control TEXT NOT NULL,
    vary TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    app_compresses INTEGER NOT NULL,
    state TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retired (name TEXT PRIMARY KEY, due REAL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
"""


def sweep(directory: Path, retired: Retired, now: float) -> int:
    """Remove the retired files whose time has come (missing ones are fine) and drop them from
    `retired`; returns how many were dropped."""
    due = [name for name, moment in retired.items() if moment is not None and moment <= now]
    for name in due:
        (directory / name).unlink(missing_ok=True)
        del retired[name]
    return len(due)
