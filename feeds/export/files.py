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
import logging
import os
import tempfile
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
# The codings written beside every document, in the app's order of preference.
ENCODINGS: Final = ("gzip", "br")
SUFFIX: Final = {"gzip": ".gz", "br": ".br"}


@dataclass
class Exported:
    """One exported document: its file (relative to DIR) and the headers the app sends.

    `state` is what an article page shows (code version, settings, the article's and its
    linked versions' `updated`), so an unchanged page need not be asked for again; "" for
    every other document, whose ETag is computed without rendering.

    `status` is the app's: 200, or `GONE` (410) for what the app answers 410 Gone (a deleted
    article's page): its body, Content-Type and Cache-Control, no ETag, Last-Modified or
    coding, no conditional request (the app sends it so); `etag` is then the body's digest,
    which names the version's file.
    """

    file: str
    etag: str
    content_type: str
    cache_control: str = ""
    vary: str = ""
    last_modified: str = ""
    app_compresses: bool = False
    state: str = ""
    status: int = 200


SITE_GROUP: Final = "site"
GONE: Final = 410
# The state of a page that may be gone (`Exported.state`: "gone|..." with what its answer
# shows): the app is asked for it, and its 410 is kept, its 404 (nothing to tell) leaves
# nothing.
GONE_STATE: Final = "gone"


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


def sweep(directory: Path, retired: Retired, now: float) -> int:
    """Remove the retired files whose time has come (missing ones are fine) and drop them from
    `retired`; returns how many were dropped."""
    due = [name for name, moment in retired.items() if moment is not None and moment <= now]
    for name in due:
        (directory / name).unlink(missing_ok=True)
        del retired[name]
    return len(due)
