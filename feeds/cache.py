"""Rendered feed documents kept in memory, keyed by ETag, with their compressed variants.

The ETag already names everything a document shows (see `feeds.etag`), so a key never goes
stale: a changed feed simply gets a new key and the old entry ages out of the LRU. Each entry
holds the identity bytes and, made on first demand and then kept, the gzip and Brotli bytes, so
a document is compressed once per process, not once per request. The cache is bounded by the
total bytes it holds (all variants counted) and is safe to share between threads.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import brotli

ENCODINGS: tuple[str, ...] = ("br", "gzip")

# Chosen by measuring on the sample and synthetic feeds (docs/http.md): gzip 9 is a few percent
# smaller than 6 for little extra time, and Brotli 11 is ~10% smaller than 9 but several times
# slower; as each document is compressed once per process, the smaller output wins.
GZIP_LEVEL = 9
BROTLI_QUALITY = 11


def compress(body: bytes, encoding: str) -> bytes:
    """Compress deterministically (gzip with mtime 0), so equal input gives equal bytes."""
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    if encoding == "br":
        return bytes(brotli.compress(body, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT))
    raise ValueError(f"unknown content coding {encoding!r}")


@dataclass(slots=True)
class Rendered:
    """One rendered document and the compressed variants made so far."""

    body: bytes
    variants: dict[str, bytes] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(v) for v in self.variants.values())


class RenderCache:
    """A thread-safe LRU of rendered documents bounded by total bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Rendered] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Rendered | None:
        """The entry for `key`, marked as recently used, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: str, body: bytes) -> Rendered:
        """Store a freshly rendered document (or return the one another thread stored first)."""
        with self._lock:
            existing = self._entries.get(key)
            if existing is not None:
                return existing
            entry = Rendered(body)
            self._entries[key] = entry
            self._bytes += entry.size
            self._evict()
            return entry

    def variant(self, key: str, entry: Rendered, encoding: str) -> bytes:
        """The entry's bytes in `encoding`, compressing once and keeping the result."""
        data = entry.variants.get(encoding)
        if data is not None:
            return data
        # Compress outside the lock: it is the slow part, and a rare duplicate is harmless.
        data = compress(entry.body, encoding)
        with self._lock:
            kept = entry.variants.setdefault(encoding, data)
            if kept is data and self._entries.get(key) is entry:
                self._bytes += len(data)
                self._evict()
        return kept

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def total_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def _evict(self) -> None:
        # A document larger than the whole budget is still served, just not kept.
        while self._bytes > self.max_bytes and self._entries:
            _, old = self._entries.popitem(last=False)
            self._bytes -= old.size
