"""Static export: every document the app serves, written to a folder a plain web server serves.

`flask --app wsgi feeds export DIR` asks the app itself for each document (through Flask's
test client, so the bytes are the app's by construction: the same views, render cache and
writers), and writes

- each document at its path below DIR (`feeds/all.atom`, `articles/<id>`, `index.html` for
  `/`), a query string kept in the name after `@` (`feeds/all.atom@page=2`), every name
  ending in a media-type key (`.t-atom`, `.t-html`, ...) that the generated nginx config maps
  to the app's exact `Content-Type`;
- its gzip and Brotli forms beside it (`...@page=2.gz.t-atom`, `.br.t-atom`): the app's own
  compressed bytes where it compresses (feeds, sitemaps), else compressed here the same way;
- `DIR/_nginx/feeds-export.conf`: the `map`s from each URL to its file, ETag, Cache-Control,
  Vary and Last-Modified as the app sent them, and a `server` block that serves them with
  conditional GET (`If-None-Match`) and content coding chosen from `Accept-Encoding`.
- `DIR/_nginx/manifest.json`: what was written, for the next run.

Which documents: the index and every facet page, every live feed in every format and every
page of it, every monthly archive, the OPML lists (all formats), every visible article's page,
robots.txt and the sitemaps, the browser stylesheet and CSS and the sample images. Not
exported: what the app decides per request (the format of an extension-less feed URL, the
browser preview of a feed, health checks, redirects, the API).

A second run asks the app with `If-None-Match` for what it wrote before and rewrites only the
documents whose ETag changed; an article page whose article, and linked versions, did not
change is not asked at all. Documents that no longer exist are removed. Every file is written
to a temporary name and moved into place (`os.replace`), so a reader never gets half a file.
`--follow` repeats the incremental run whenever the database changes (an import, the API, a
deletion, an embargo lifting), checking about once a second.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.test import TestResponse

from articles.store import Facet, Store
from feeds.cache import compress
from feeds.config import SiteConfig
from feeds.documents import Documents
from feeds.etag import OUTPUT_VERSION
from feeds.pages import SAMPLE_IMAGES_DIR
from feeds.query import QueryError, parse_feed_path
from feeds.sitemaps import Sitemaps
from feeds.subscribers import NOT_COUNTED
from feeds.urls import (
    CSS_PATH,
    FEEDS_PREFIX,
    FORMATS,
    INDEX_PATH,
    OPML_PATH,
    SAMPLE_IMAGES_PREFIX,
    STYLESHEET_PATH,
    archive_path,
    article_page_path,
    facet_page_path,
    feed_path,
    paged_path,
)

log = logging.getLogger(__name__)

CONFIG_FOLDER: Final = "_nginx"
CONFIG_NAME: Final = "feeds-export.conf"
MANIFEST_NAME: Final = "manifest.json"
ENCODINGS: Final = ("gzip", "br")
SUFFIX: Final = {"gzip": ".gz", "br": ".br"}
TAG_SUFFIX: Final = {"gzip": "-gz", "br": "-br"}


class ExportError(Exception):
    """The export cannot run (no site_url, an unusable folder); the message says what to do."""


@dataclass
class Exported:
    """One exported document: its file (relative to DIR) and the headers the app sent."""

    file: str
    etag: str
    content_type: str
    cache_control: str = ""
    vary: str = ""
    last_modified: str = ""
    app_compresses: bool = False
    state: str = ""  # article pages: the article's (and its versions') updated times


@dataclass
class ExportReport:
    """What one run did: documents written (new or changed), unchanged, removed, and time."""

    written: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.written + self.unchanged

    def line(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return (
            f"exported {self.total} documents in {self.seconds:.1f} s: {self.written} written, "
            f"{self.unchanged} unchanged, {self.removed} removed{failed}"
        )


# --- which documents -----------------------------------------------------------------------------


def document_paths(store: Store, config: SiteConfig, now: datetime) -> Iterator[tuple[str, str]]:
    """(path with query, state) of every exported document at `now`; `state` is "" except for
    article pages, where it names what the page shows (so an unchanged page need not be asked).
    """
    yield INDEX_PATH, ""
    for fmt in FORMATS:
        yield (OPML_PATH if fmt == "atom" else f"{OPML_PATH}?format={fmt}"), ""
    yield STYLESHEET_PATH, ""
    yield CSS_PATH, ""
    if SAMPLE_IMAGES_DIR.is_dir():
        for image in sorted(p for p in SAMPLE_IMAGES_DIR.iterdir() if p.is_file()):
            yield SAMPLE_IMAGES_PREFIX + image.name, ""
    for path in Sitemaps(store, config).paths(now):
        yield path, ""
    documents = Documents(store, config)
    infos = store.facets(now=now)
    facets = [info.facet for info in infos]
    if not any(f.kind == "all" for f in facets):
        facets.insert(0, Facet("all", ""))
    for facet in facets:
        if facet.kind != "all":
            yield facet_page_path(facet), ""
        months = store.months(facet, now=now)
        for fmt in FORMATS:
            path = feed_path(facet, fmt)
            try:
                query = parse_feed_path(
                    path.removeprefix(FEEDS_PREFIX),
                    {},
                    default_limit=config.items_per_feed,
                    max_limit=config.max_items_per_feed,
                )
                last_page = documents.describe(query, now).last_page
            except QueryError:
                continue
            for page in range(1, last_page + 1):
                yield paged_path(path, page, config.items_per_feed, config.items_per_feed), ""
            for month in months:
                yield archive_path(facet, month, fmt), ""
    rows = store.page_rows(now=now)
    links: dict[str, list[str]] = {}
    for link in store.translation_links([r.id for r in rows], now=now) if rows else ():
        links.setdefault(link.article_id, []).append(f"{link.other_id}={link.updated.isoformat()}")
    # The code and settings that turn rows into bytes are part of every page's state: a new
    # version of a template or a changed setting re-exports every page.
    version = f"{OUTPUT_VERSION}|{config.fingerprint()}"
    for row in rows:
        state = "|".join([version, row.updated.isoformat(), *links.get(row.id, ())])
        yield article_page_path(row.id), state


def file_name(path: str) -> str:
    """The file (relative to DIR, without the type key) a site path and query are kept in."""
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


# --- writing --------------------------------------------------------------------------------------


def write_atomic(target: Path, data: bytes, mtime: float | None = None) -> None:
    """Write `data` to `target` through a temporary file in its folder and os.replace."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        if mtime is not None:
            os.utime(temporary, (mtime, mtime))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Exporter:
    """Exports the documents of `app` into `directory`; `run()` once, `follow()` forever."""

    def __init__(self, app: Flask, directory: str | os.PathLike[str]) -> None:
        self.app = app
        self.config: SiteConfig = app.extensions["feeds.config"]
        self.store: Store = app.extensions["feeds.store"]
        self.clock: Callable[[], datetime] = app.extensions["feeds.clock"]
        if not self.config.site_url:
            raise ExportError(
                "set site_url (FEEDS_SITE_URL) to the public address the copy will be served "
                "at: every link in the documents is written from it"
            )
        self.directory = Path(directory)
        self.site = urlsplit(self.config.site_url)
        self.prefix = self.site.path.rstrip("/")
        self.client = app.test_client()
        self.manifest_path = self.directory / CONFIG_FOLDER / MANIFEST_NAME

    # -- manifest ------------------------------------------------------------------------------

    def load_manifest(self) -> dict[str, Exported]:
        try:
            raw = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning(
                "export manifest %s unreadable (%s): exporting all", self.manifest_path, exc
            )
            return {}
        return {path: Exported(**entry) for path, entry in raw.get("documents", {}).items()}

    def save_manifest(self, documents: Mapping[str, Exported]) -> None:
        data = {
            "site_url": self.config.site_url,
            "documents": {path: asdict(entry) for path, entry in sorted(documents.items())},
        }
        write_atomic(self.manifest_path, json.dumps(data, ensure_ascii=False, indent=1).encode())

    # -- one run -------------------------------------------------------------------------------

    def _get(self, path: str, headers: dict[str, str]) -> TestResponse:
        return self.client.get(
            path,
            base_url=f"{self.site.scheme}://{self.site.netloc}",
            headers=headers,
            environ_base={NOT_COUNTED: True},  # the export is no subscriber
        )

    def run(self) -> ExportReport:
        """Bring DIR up to date with the app; returns the counts."""
        started = time.perf_counter()
        report = ExportReport()
        before = self.load_manifest()
        now = self.clock()
        after: dict[str, Exported] = {}
        for path, state in document_paths(self.store, self.config, now):
            if path in after:
                continue
            previous = before.get(path)
            if previous is not None and state and previous.state == state:
                after[path] = previous
                report.unchanged += 1
                continue
            entry = self._export_one(path, state, previous, report)
            if entry is not None:
                after[path] = entry
        for path, gone in before.items():
            if path not in after:
                self._remove(gone)
                report.removed += 1
        self.save_manifest(after)
        write_atomic(
            self.directory / CONFIG_FOLDER / CONFIG_NAME,
            nginx_config(after, self.directory, self.prefix).encode(),
        )
        report.seconds = time.perf_counter() - started
        return report

    def _export_one(
        self, path: str, state: str, previous: Exported | None, report: ExportReport
    ) -> Exported | None:
        headers = {"Accept-Encoding": "identity"}
        if previous is not None:
            headers["If-None-Match"] = previous.etag
        response = self._get(path, headers)
        if response.status_code == 304 and previous is not None:
            report.unchanged += 1
            # The same bytes; the caching headers may have moved on (max-age near an embargo).
            previous.cache_control = response.headers.get("Cache-Control", "")
            previous.state = state
            return previous
        if response.status_code != 200:
            report.failed.append(f"{path}: {response.status_code}")
            return None
        body = response.get_data()
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        etag = response.headers.get("ETag", "")
        entry = Exported(
            file=f"{file_name(path)}.{type_key(content_type)}",
            etag=etag,
            content_type=content_type,
            cache_control=response.headers.get("Cache-Control", ""),
            vary=response.headers.get("Vary", ""),
            last_modified=response.headers.get("Last-Modified", ""),
            state=state,
        )
        variants = self._variants(path, body, entry)
        if previous is not None and previous.file != entry.file:
            self._remove(previous)
        mtime = time.time()
        for encoding, data in variants.items():
            write_atomic(self.directory / _variant_file(entry.file, encoding), data, mtime)
        write_atomic(self.directory / entry.file, body, mtime)
        report.written += 1
        return entry

    def _variants(self, path: str, body: bytes, entry: Exported) -> dict[str, bytes]:
        """The gzip and Brotli bytes, made by the function the app's render cache uses
        (`feeds.cache.compress`, deterministic), so where the app compresses a document
        (feeds, sitemaps) they equal the app's own compressed bytes."""
        entry.app_compresses = path.startswith(FEEDS_PREFIX) or "Accept-Encoding" in entry.vary
        return {encoding: compress(body, encoding) for encoding in ENCODINGS}

    def _remove(self, entry: Exported) -> None:
        for name in (entry.file, *(_variant_file(entry.file, e) for e in ENCODINGS)):
            (self.directory / name).unlink(missing_ok=True)

    # -- following -----------------------------------------------------------------------------

    def follow(
        self,
        interval: float = 1.0,
        report: Callable[[ExportReport], None] = lambda r: None,
        stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """Run, then run again whenever the database's visible state changes, until `stop()`."""
        last = None
        while not stop():
            mark = change_mark(self.store, self.clock())
            if mark != last:
                report(self.run())
                last = mark
            time.sleep(interval)


def change_mark(store: Store, now: datetime) -> tuple[Any, ...]:
    """Something that differs whenever any exported document may have changed: the feeds'
    counts and newest entries, each month's count and newest `updated` (an edit anywhere), the
    latest deletion. Computed from indexes only."""
    return (
        tuple((i.facet, i.label, i.count, i.latest) for i in store.facets(now=now)),
        tuple(store.month_summaries(now=now)),
        tuple(store.tombstones()[:1]),
    )


def _with_accept_encoding(vary: str) -> str:
    """The app's Vary plus Accept-Encoding (nginx chooses the coding of every file)."""
    names = [v.strip() for v in vary.split(",") if v.strip()]
    if not any(n.lower() == "accept-encoding" for n in names):
        names.append("Accept-Encoding")
    return ", ".join(names)


def _variant_file(file: str, encoding: str) -> str:
    stem, _, key = file.rpartition(".")
    return f"{stem}{SUFFIX[encoding]}.{key}"


# --- the nginx configuration --------------------------------------------------------------------


def _quote(value: str, *, variables: bool = True) -> str:
    """`value` as an nginx double-quoted string; where nginx expands variables (map values),
    a `$` is written as `${dollar}`."""
    text = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + (text.replace("$", "${dollar}") if variables else text) + '"'


def nginx_config(documents: Mapping[str, Exported], directory: Path, prefix: str) -> str:
    """maps (request URI -> file, ETag, headers) and a server block that serves DIR as the app
    would. Include it in nginx's `http` block; set `listen` in the server block to taste."""
    types = sorted({(e.content_type, e.file.rpartition(".")[2]) for e in documents.values()})

    def mapping(name: str, values: Iterable[tuple[str, str]]) -> str:
        lines = [f"map $request_uri ${name} {{", '    default "";']
        lines += [
            f"    {_quote(prefix + path, variables=False)} {_quote(value)};"
            for path, value in values
        ]
        lines.append("}")
        return "\n".join(lines)

    # nginx matches map keys without regard to case: of URLs that differ only in case (article
    # ids such as `A1` and `a1`), the first is mapped and the others are left out (404).
    seen: set[str] = set()
    items = []
    for path, entry in sorted(documents.items()):
        if path.lower() not in seen:
            seen.add(path.lower())
            items.append((path, entry))
    opaque = [(p, e.etag.strip('"').removeprefix("W/").strip('"')) for p, e in items]
    parts = [
        "# Generated by `flask feeds export`: serves the exported documents as the app would.",
        "# Include inside `http { }`; every value below comes from the app's own answers.",
        'geo $dollar { default "$"; }',
        mapping("feeds_stem", [(p, "/" + e.file.rpartition(".")[0]) for p, e in items]),
        mapping("feeds_type_key", [(p, e.file.rpartition(".")[2]) for p, e in items]),
        mapping("feeds_etag", opaque),
        mapping("feeds_cache_control", [(p, e.cache_control) for p, e in items]),
        mapping("feeds_last_modified", [(p, e.last_modified) for p, e in items]),
        mapping("feeds_vary", [(p, _with_accept_encoding(e.vary)) for p, e in items]),
        "\n".join(
            [
                "map $http_accept_encoding $feeds_coding {",
                '    default "";',
                # Brotli first (the app prefers it on a tie); a coding with q=0 is refused.
                '    "~*(^|,)\\s*br\\s*(,|$|;\\s*q=(1|0?\\.0*[1-9]))" br;',
                '    "~*(^|,)\\s*(x-)?gzip\\s*(,|$|;\\s*q=(1|0?\\.0*[1-9]))" gzip;',
                "}",
                'map $feeds_coding $feeds_file_suffix { default ""; gzip ".gz"; br ".br"; }',
                'map $feeds_coding $feeds_tag_suffix { default ""; gzip "-gz"; br "-br"; }',
            ]
        ),
        "server {",
        "    listen 127.0.0.1:8080;",
        f"    root {_quote(str(directory.resolve()))};",
        "    etag off;",
        "    types {",
        *(f"        {_quote(content_type)} {key};" for content_type, key in types),
        "    }",
        "    default_type application/octet-stream;",
        f"    location {_quote((prefix or '') + '/')} {{",
        '        if ($feeds_stem = "") { return 404; }',
        '        set $feeds_tag "\\"$feeds_etag\\"";',
        '        set $feeds_tag_gz "\\"$feeds_etag-gz\\"";',
        '        set $feeds_tag_br "\\"$feeds_etag-br\\"";',
        "        if ($http_if_none_match = $feeds_tag) { return 304; }",
        "        if ($http_if_none_match = $feeds_tag_gz) { return 304; }",
        "        if ($http_if_none_match = $feeds_tag_br) { return 304; }",
        '        add_header ETag "\\"$feeds_etag$feeds_tag_suffix\\"";',
        "        add_header Cache-Control $feeds_cache_control;",
        "        add_header Vary $feeds_vary;",
        "        add_header Last-Modified $feeds_last_modified;",
        "        add_header Content-Encoding $feeds_coding;",
        "        try_files $feeds_stem$feeds_file_suffix.$feeds_type_key =404;",
        "    }",
        "}",
    ]
    return "\n".join(parts) + "\n"
