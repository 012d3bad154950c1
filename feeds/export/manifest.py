"""The manifest of an export: what the last run wrote, for the next run.

One row per exported document (its file, ETag and headers, `feeds.export.files.Exported`), the
retired files not removed yet and the store's change sequence the run saw, in an SQLite file
below the export folder (`DIR/_nginx/manifest.sqlite3`) that a run updates row by row.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Final

from feeds.export.files import Exported, Retired, group_of

log = logging.getLogger(__name__)

MANIFEST_NAME: Final = "manifest.sqlite3"
# The manifest of earlier versions, read once and replaced (`Manifest`).
LEGACY_MANIFEST_NAME: Final = "manifest.json"


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


_Row = tuple[str, str, str, str, str, str, int, str, int]
_COLUMNS: Final = (
    "file",
    "etag",
    "content_type",
    "cache_control",
    "vary",
    "last_modified",
    "app_compresses",
    "state",
    "status",
)
# Columns added since the first manifest, with their value in a manifest that lacks them.
_ADDED: Final = {"status": "INTEGER NOT NULL DEFAULT 200"}
_DEFAULTS: Final = {"status": "200"}


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
        entry.status,
    )


def _entry(row: _Row) -> Exported:
    file, etag, content_type, cache_control, vary, last_modified, compresses, state, status = row
    return Exported(
        file,
        etag,
        content_type,
        cache_control,
        vary,
        last_modified,
        bool(compresses),
        state,
        status,
    )


def _add_columns(conn: sqlite3.Connection) -> None:
    """Add to a manifest written by an earlier version the columns it lacks (`_ADDED`)."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(documents)")}
    for name, definition in _ADDED.items():
        if present and name not in present:
            conn.execute(f"ALTER TABLE documents ADD COLUMN {name} {definition}")


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
            # A manifest of an earlier version lacks the added columns: their defaults.
            present = {row[1] for row in conn.execute("PRAGMA table_info(documents)")}
            fields = ", ".join(c if c in present else _DEFAULTS[c] for c in _COLUMNS)
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
            _add_columns(conn)
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
    state TEXT NOT NULL,
    status INTEGER NOT NULL DEFAULT 200
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retired (name TEXT PRIMARY KEY, due REAL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
"""
