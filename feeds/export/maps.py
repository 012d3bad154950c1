"""The per-document maps of the generated nginx config, kept in include files by shard.

The config maps each request URI to its file, ETag, `Cache-Control`, `Last-Modified`, `Vary`
and media-type key, or, for what the app answers 410 Gone, to its body's file
(`DOCUMENT_MAPS`: `map` blocks of one line per document each, where it has a value). Written
whole by every run, that is a file of about 75 MB for a store of 100,000 articles (172,000
documents) rewritten after every write a follow run exports. Instead each map block `include`s
one file per shard (`SHARDS` of them), and a run rewrites only the shards holding a document
whose entry it changed:

- a feed's documents (every page and archive, each format) and its facet page share a shard,
  chosen by the feed, so the documents one write touches (a few feeds' pages, whose headers a
  change of the feed moves together) sit in a few shards; every other document is placed by its
  own path, the index, OPML lists, robots.txt and sitemaps in one shard together;
- a shard file is named by its content's digest (`<map>.<shard>.<16 hex>.conf`) and never
  rewritten in place: a changed shard is a new file, the config is replaced atomically to name
  it, and the old file is retired like an old version of a document (removed after the reload
  and the grace, `feeds.export.files.Retired`). So nginx, reloaded at any moment, reads one
  consistent generation: every file a config names exists with the content it named.

nginx compares map keys without regard to case; URLs that differ only in case are placed in the
same shard (the shard is chosen from the lower-cased key), so the first of them in path order is
mapped and the others left out, as when the maps were one file.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Final

from feeds.export.files import CONFIG_FOLDER, GONE, Exported, group_of, write_atomic
from feeds.query import is_feed_name
from feeds.urls import FEEDS_PREFIX, SEGMENT_BY_KIND

MAPS_FOLDER: Final = "maps"
SHARDS: Final = 256


def quote(value: str, *, variables: bool = True) -> str:
    """`value` as an nginx double-quoted string; where nginx expands variables (map values),
    a `$` is written as `${dollar}`."""
    text = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + (text.replace("$", "${dollar}") if variables else text) + '"'


def literal_regex(text: str) -> str:
    """`text` matched literally in an nginx (PCRE) regex inside double quotes."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in r".^$*+?()[]{}|\\" else ch)
    return "".join(out).replace('"', '\\"')


def with_accept_encoding(vary: str) -> str:
    """The app's Vary plus Accept-Encoding (nginx chooses the coding of every file)."""
    names = [v.strip() for v in vary.split(",") if v.strip()]
    if not any(n.lower() == "accept-encoding" for n in names):
        names.append("Accept-Encoding")
    return ", ".join(names)


def _opaque(entry: Exported) -> str:
    return entry.etag.strip('"').removeprefix("W/").strip('"')


def _served(value: Callable[[Exported], str]) -> Callable[[Exported], str | None]:
    """A map's value for a document served (200), none (no line) for a gone one."""
    return lambda e: None if e.status == GONE else value(e)


def _gone_feed(value: Callable[[Exported], str]) -> Callable[[Exported], str | None]:
    """A map's value for a gone feed's live document (kept as the app's 410, its file below
    `feeds/` and not an archive's), none for any other."""
    feeds = FEEDS_PREFIX.lstrip("/")
    return lambda e: (
        value(e)
        if e.status == GONE and e.file.startswith(feeds) and "/archive/" not in e.file
        else None
    )


# The variable a map's keys are compared with, where it is not the request's `$feeds_key`:
# a gone feed's live documents again, for the URIs answered from them, its pages and archives
# (`feeds.export.gone.gone_maps`, which sets the key).
GONE_FEED_KEY: Final = "$feeds_gone_feed_key"
MAP_KEYS: Final = {"feeds_gone_feed": GONE_FEED_KEY, "feeds_gone_feed_cache": GONE_FEED_KEY}

# Each map's variable and the value it gives a document's URI (None: no line).
DOCUMENT_MAPS: Final[tuple[tuple[str, Callable[[Exported], str | None]], ...]] = (
    ("feeds_stem", _served(lambda e: "/" + e.file.rpartition(".")[0])),
    ("feeds_type_key", _served(lambda e: e.file.rpartition(".")[2])),
    ("feeds_etag", _served(_opaque)),
    ("feeds_cache_control", lambda e: e.cache_control),
    ("feeds_last_modified", _served(lambda e: e.last_modified)),
    ("feeds_vary", _served(lambda e: with_accept_encoding(e.vary) if e.app_compresses else e.vary)),
    # Documents the app sends only as they are (the sample images): no coding here either.
    ("feeds_identity", _served(lambda e: "" if e.app_compresses else "1")),
    # What the app answers 410 Gone (`feeds.export.files.GONE`): the file of its body.
    ("feeds_gone", lambda e: "/" + e.file if e.status == GONE else None),
    ("feeds_gone_feed", _gone_feed(lambda e: "/" + e.file)),
    ("feeds_gone_feed_cache", _gone_feed(lambda e: e.cache_control)),
)


# The map from a tag's or author's label, as a URL names it (`tag/오디오`), to its slug's
# (`tag/odio`).
LABEL_MAP: Final = "feeds_label_slug"


def label_map_lines(labels: Iterable[tuple[str, str, str, str]]) -> bytes:
    """The label redirect map's lines: for each (kind, label, label key, slug) of a tag or
    author, the label as first spelled and its label key (`articles.slugs.label_key`), each
    where it differs from the slug and cannot itself name a feed (`feeds.query.is_feed_name`:
    the app redirects only those), keyed `<segment>/<label>` with the value `<segment>/<slug>`.
    A label holding a slash is left out (a URL cannot name it in one segment)."""
    lines: dict[str, str] = {}
    for kind, label, key, slug in labels:
        segment = SEGMENT_BY_KIND.get(kind)  # type: ignore[call-overload]
        if segment is None:
            continue
        for spelling in (label, key):
            if spelling == slug or "/" in spelling or is_feed_name(spelling):
                continue
            name = f"{segment}/{spelling}"
            if name.lower() not in lines:  # nginx compares keys without regard to case
                lines[name.lower()] = (
                    f"{quote(name, variables=False)} {quote(f'{segment}/{slug}')};\n"
                )
    return "".join(lines[k] for k in sorted(lines)).encode()


def shard_of(path: str) -> int:
    """The shard (0 to SHARDS - 1) of a document's path; case variants share one."""
    return zlib.crc32(group_of(path).lower().encode()) % SHARDS


class DocumentMaps:
    """The shard files of one export folder and what they hold, kept between the runs of one
    exporter. `update` brings them in line with a run's documents; `includes` and `types` give
    what the config names."""

    def __init__(self, directory: Path, prefix: str) -> None:
        self.directory = directory
        self.prefix = prefix
        self.folder = directory / CONFIG_FOLDER / MAPS_FOLDER
        self._paths: dict[int, set[str]] | None = None
        # (map, shard) -> its file, relative to the export folder.
        self._files: dict[tuple[str, int], str] = {}
        self._types: dict[int, set[tuple[str, str]]] = {}
        self._longest_label = 0  # the label map's longest key (bytes) and its number of keys
        self._labels = 0

    def reset(self) -> None:
        """Forget what is known (after a run that failed half-way): the next update reads all."""
        self._paths = None
        self._files.clear()
        self._types.clear()

    def update(
        self, documents: Mapping[str, Exported], touched: Iterable[str] | None = None
    ) -> tuple[set[str], set[str]]:
        """Write the shards that hold a `touched` path (None: every shard) as `documents` now
        has them. Returns (the files now named that were not before, the files no longer named),
        both relative to the export folder; the second are to be retired, not removed."""
        if self._paths is None or touched is None:
            paths: dict[int, set[str]] = {}
            for path in documents:
                paths.setdefault(shard_of(path), set()).add(path)
            dirty = set(range(SHARDS))
            first = self._paths is None
            self._paths = paths
        else:
            first = False
            dirty = set()
            for path in touched:
                shard = shard_of(path)
                dirty.add(shard)
                if path in documents:
                    self._paths.setdefault(shard, set()).add(path)
                else:
                    self._paths.get(shard, set()).discard(path)
        named: set[str] = set()
        dropped: set[str] = set()
        for shard in dirty:
            members = sorted(self._paths.get(shard, ()))
            entries = [(p, documents[p]) for p in members]
            self._types[shard] = {(e.content_type, e.file.rpartition(".")[2]) for _, e in entries}
            # Of URIs that differ only in case, nginx maps the first (the others get 404).
            seen: set[str] = set()
            unique = []
            for path, entry in entries:
                if path.lower() not in seen:
                    seen.add(path.lower())
                    unique.append((path, entry))
            for name, value in DOCUMENT_MAPS:
                old = self._files.pop((name, shard), None)
                values = [(p, v) for p, v in ((p, value(e)) for p, e in unique) if v is not None]
                if values:
                    text = "".join(
                        f"{quote(self.prefix + p, variables=False)} {quote(v)};\n"
                        for p, v in values
                    ).encode()
                    digest = hashlib.blake2b(text, digest_size=8).hexdigest()
                    file = f"{CONFIG_FOLDER}/{MAPS_FOLDER}/{name}.{shard:03d}.{digest}.conf"
                    if not (self.directory / file).exists():
                        write_atomic(self.directory / file, text)
                    self._files[(name, shard)] = file
                    if file != old:
                        named.add(file)
                if old is not None and self._files.get((name, shard)) != old:
                    dropped.add(old)
        if first:
            # Files an earlier exporter left (named by the config nginx may still hold).
            current = set(self._files.values())
            try:
                listed = os.listdir(self.folder)
            except FileNotFoundError:
                listed = []
            for each in listed:
                file = f"{CONFIG_FOLDER}/{MAPS_FOLDER}/{each}"
                if file not in current and each.endswith(".conf"):
                    dropped.add(file)
        return named, dropped

    def update_labels(self, labels: Iterable[tuple[str, str, str, str]]) -> tuple[str, str | None]:
        """Write the label redirect map (`label_map_lines`) from the slug registry's rows
        (`Store.label_slugs`) when it changed. Returns (its file, the file it replaces or
        None), relative to the export folder."""
        text = label_map_lines(labels)
        keys = [line.rpartition('" "')[0] for line in text.decode().splitlines()]
        self._longest_label = max((len(k.encode()) for k in keys), default=0)
        self._labels = len(keys)
        digest = hashlib.blake2b(text, digest_size=8).hexdigest()
        file = f"{CONFIG_FOLDER}/{MAPS_FOLDER}/{LABEL_MAP}.{digest}.conf"
        if not (self.directory / file).exists():
            write_atomic(self.directory / file, text)
        old = self._files.get((LABEL_MAP, 0))
        self._files[(LABEL_MAP, 0)] = file
        return file, old if old != file else None

    def includes(self) -> dict[str, list[Path]]:
        """Per map variable, the absolute paths of its shard files, in shard order."""
        found: dict[str, list[Path]] = {name: [] for name, _ in DOCUMENT_MAPS}
        found[LABEL_MAP] = []
        root = self.directory.resolve()
        for (name, _), file in sorted(self._files.items()):
            found[name].append(root / file)
        return found

    def key_sizes(self) -> tuple[int, int]:
        """(the longest key of any map, in bytes; the number of keys of the largest map): what
        nginx's map hash must hold (`feeds.export.nginx.map_hash_settings`)."""
        longest = max(
            (len((self.prefix + p).encode()) for ps in (self._paths or {}).values() for p in ps),
            default=0,
        )
        count = sum(len(ps) for ps in (self._paths or {}).values())
        return max(longest, self._longest_label), max(count, self._labels)

    def types(self) -> set[tuple[str, str]]:
        """(content type, file-name key) of every document."""
        return set().union(*self._types.values()) if self._types else set()
