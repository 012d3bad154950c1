"""Rendered feed documents kept in memory, keyed by ETag, with their compressed variants.

The ETag already names everything a document shows (see `feeds.etag`), so a key never goes
stale: a changed feed simply gets a new key and the old entry ages out of the LRU. Each entry
holds the identity bytes and, made on first demand and then kept, the gzip and Brotli bytes, so
a document is compressed once per process, not once per request. The cache is bounded by the
total bytes it holds (all variants counted) and is safe to share between threads: when many
threads miss the same document at once (a new article invalidates a popular feed), one renders
or compresses and the others wait for its result instead of repeating the work.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import brotli

ENCODINGS: tuple[str, ...] = ("br", "gzip")

# Chosen by measuring a 50-entry synthetic feed of 352 KB (docs/http.md): gzip 9 gains under
# 0.1% over 6; Brotli 11 is 10% smaller than 9 but takes 660 ms instead of 42 ms, and a live
# feed is compressed again in every worker each time an article changes it.
GZIP_LEVEL = 6
BROTLI_QUALITY = 9
# Brotli's window (log2 of its size, RFC 7932 9.1): the default, 22 (4 MiB), for documents
# that large, else the smallest that holds the whole document. The binding's streaming encoder
# does not know the input's size and sets up its tables for the whole window: at quality 9
# that cost about 5 ms a document whatever its size, 17 times the compression itself for an
# 8 KB article page and 5 times for a feed page (docs/export.md), for the same or smaller
# output (a window larger than the input finds nothing more).
BROTLI_MAX_WINDOW = 22
BROTLI_MIN_WINDOW = 10


def brotli_window(size: int) -> int:
    """The Brotli window bits for a document of `size` bytes: the smallest window (2**bits -
    16 bytes) that holds it, between 10 and 22: the least `bits` with size <= 2**bits - 16,
    i.e. size + 15 < 2**bits."""
    return max(BROTLI_MIN_WINDOW, min(BROTLI_MAX_WINDOW, (size + 15).bit_length()))


def compress(body: bytes, encoding: str) -> bytes:
    """Compress deterministically (gzip with mtime 0), so equal input gives equal bytes."""
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    if encoding == "br":
        window = brotli_window(len(body))
        return bytes(
            brotli.compress(body, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT, lgwin=window)
        )
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
        self._inflight: dict[str, threading.Lock] = {}
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

    def get_or_render(self, key: str, render: Callable[[], bytes]) -> Rendered:
        """The entry for `key`, calling `render` on a miss; concurrent misses render once."""
        entry = self.get(key)
        if entry is not None:
            return entry
        with self._single_flight(key):
            entry = self._peek(key)
            if entry is None:
                entry = self.put(key, render())
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
        with self._single_flight(f"{key}\x00{encoding}"):
            data = entry.variants.get(encoding)
            if data is not None:
                return data
            data = compress(entry.body, encoding)
            with self._lock:
                entry.variants[encoding] = data
                if self._entries.get(key) is entry:
                    self._bytes += len(data)
                    self._evict()
        return data

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

    def _peek(self, key: str) -> Rendered | None:
        with self._lock:
            return self._entries.get(key)

    @contextmanager
    def _single_flight(self, key: str) -> Iterator[None]:
        """Hold the lock of one piece of work; threads arriving meanwhile wait for it."""
        with self._lock:
            lock = self._inflight.setdefault(key, threading.Lock())
        with lock:
            try:
                yield
            finally:
                # Later arrivals find the result in the cache and need no lock.
                with self._lock:
                    if self._inflight.get(key) is lock:
                        del self._inflight[key]

    def _evict(self) -> None:
        # A document larger than the whole budget is still served, just not kept.
        while self._bytes > self.max_bytes and self._entries:
            _, old = self._entries.popitem(last=False)
            self._bytes -= old.size
