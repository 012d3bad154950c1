"""The traffic of `bench/load.py`: feed readers, the API writer, freshness watches, a stub hub.

Everything here talks HTTP/1.1 over `http.client` to 127.0.0.1 and records every answer:

- `Reader` threads (one keep-alive connection each) ask for feeds of every kind and format,
  by extension and by `Accept`, pages and archives, gzip and identity, half of them conditional
  with the `ETag` or `Last-Modified` of an earlier answer to the same request;
- `Writer` sends a stream of API writes (new articles, corrections, withdrawals, deletions,
  embargoed articles whose embargo ends during the run) and, for each acknowledged one, starts
  a `Watch`: a poller on new connections (so other workers, other processes answer) until the
  change is served, and a rule every reader applies to its own answers for the same feeds;
- `Hub` is a WebSub hub stub that answers at once, slowly, or not at all (connection refused).

Nothing here starts or stops processes; `bench/load.py` does.
"""

from __future__ import annotations

import gzip
import http.client
import json
import random
import re
import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import ROOT

FORMATS = ("atom", "rss", "json")
ACCEPT = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
# Connection-level failures: the answer never arrived.
CONNECTION_ERRORS = (OSError, http.client.HTTPException)
# nginx's X-Cache-Status of answers it fetched from the app for the client.
UPSTREAM = frozenset({"MISS", "EXPIRED", "REVALIDATED", "BYPASS"})
# A reader gives up on an answer after this long (nginx's own proxy_read_timeout).
READ_TIMEOUT = 60.0


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary_ms(values: list[float]) -> dict[str, float]:
    """Median, p99 and max of a list of seconds, in milliseconds."""
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "median": round(statistics.median(values) * 1000, 1),
        "p99": round(percentile(values, 0.99) * 1000, 1),
        "max": round(max(values) * 1000, 1),
    }


def decoded(body: bytes, headers: http.client.HTTPMessage) -> bytes:
    if headers.get("Content-Encoding") == "gzip":
        return gzip.decompress(body)
    return body


# -- what the readers ask for ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """One feed request: a path (with query), the Accept header, and the kind for the report."""

    kind: str  # all, section, tag, author, lang, source, podcast
    shape: str  # extension, negotiated, page, archive
    fmt: str
    path: str
    accept: str | None = None


def feed_stems(opml: bytes) -> dict[str, list[str]]:
    """The feed paths without extension listed in the app's OPML, by kind (`/feeds/tag/x`)."""
    from lxml import etree

    stems: dict[str, set[str]] = {}
    for outline in etree.fromstring(opml).iter("outline"):
        url = outline.get("xmlUrl")
        if not url or "/feeds/" not in url:
            continue
        path = "/feeds/" + url.split("/feeds/", 1)[1]
        stem = path.rsplit(".", 1)[0]
        parts = stem.split("/")
        kind = "all" if parts[2] == "all" else parts[2]
        stems.setdefault(kind, set()).add(stem)
    return {kind: sorted(paths) for kind, paths in stems.items()}


def plan_targets(
    stems: dict[str, list[str]], months: list[str], hot_per_kind: int = 2
) -> dict[str, tuple[list[Target], list[Target]]]:
    """Every request shape for every listed feed, by kind: (hot, all).

    Aggregators poll a few feeds over and over and the rest now and then: the hot list is the
    first `hot_per_kind` feeds of the kind by extension and by `Accept`; the other list holds
    every shape (pages, archives) of every feed of the kind.
    """
    plan: dict[str, tuple[list[Target], list[Target]]] = {}
    for kind, paths in stems.items():
        targets: list[Target] = []
        hot: list[Target] = []
        for number, stem in enumerate(paths):
            for fmt in FORMATS:
                plain = [
                    Target(kind, "extension", fmt, f"{stem}.{fmt}"),
                    Target(kind, "negotiated", fmt, stem, ACCEPT[fmt]),
                ]
                if number < hot_per_kind:
                    hot.extend(plain)
                targets.extend(plain)
                targets.append(Target(kind, "page", fmt, f"{stem}.{fmt}?page=2"))
                targets.append(Target(kind, "page", fmt, f"{stem}.{fmt}?page=3&limit=20"))
                if kind != "podcast":
                    for month in months:
                        targets.append(
                            Target(kind, "archive", fmt, f"{stem}/archive/{month}.{fmt}")
                        )
        plan[kind] = (hot, targets)
    return plan


# -- results shared by the threads ---------------------------------------------------------


@dataclass
class Tally:
    """One thread's counts; merged at the end (no lock on the hot path)."""

    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    by_shape: Counter[str] = field(default_factory=Counter)
    conditional: Counter[str] = field(default_factory=Counter)
    cache_status: Counter[str] = field(default_factory=Counter)
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (start, seconds)
    server_errors: list[str] = field(default_factory=list)
    # 404s by request shape, with examples: a page past the last or an empty month is one;
    # a feed itself never should be.
    not_found: Counter[str] = field(default_factory=Counter)
    not_found_paths: list[str] = field(default_factory=list)


class Samples:
    """Distinct 200 documents (by ETag) kept for validation after the run."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen: set[str] = set()
        self.kept: list[tuple[str, str, bytes]] = []  # (fmt, path, decoded body)
        self.lock = threading.Lock()

    def offer(self, fmt: str, path: str, etag: str, body: bytes) -> None:
        with self.lock:
            if len(self.kept) >= self.limit or etag in self.seen:
                return
            self.seen.add(etag)
            self.kept.append((fmt, path, body))


# -- freshness -------------------------------------------------------------------------------


@dataclass
class Watch:
    """An acknowledged write and how every later answer for its feeds must look.

    `shows(body)` says whether a decoded body shows the change. Answers that *started* more
    than `allowed` seconds (the observer's bound) after `base` (the acknowledgement, or the end
    of the embargo; monotonic) must show it; for an embargo, answers that *ended* before
    `visible_from` must not (that would be a leak). A 304 after the deadline to an ETag the
    feed had before the write is stale too.
    """

    label: str
    paths: frozenset[str]
    shows: Callable[[bytes], bool]
    acked: float
    base: float
    visible_from: float = 0.0
    old_etags: frozenset[str] = frozenset()
    old_modified: frozenset[tuple[str, str]] = frozenset()  # (path, Last-Modified)
    first_visible: float | None = None
    # Observers with a larger bound than this are behind the cache: the entry they get may
    # also be as old as the app's answer to the cache took, so their answers past the
    # deadline are judged at the end (`settle`) against the slowest answer the app gave
    # (directly, or to the cache on a miss) seen meanwhile.
    direct_bound: float = 0.0
    direct_latency: float = 0.0
    deferred: list[tuple[float, float, str]] = field(default_factory=list)  # (late, bound, text)
    # The latest start, after `base`, of an answer that did not show the change, by bound.
    stale_after: dict[float, float] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    checked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(
        self,
        source: str,
        path: str,
        started: float,
        ended: float,
        status: int,
        sent_etag: str,
        body: bytes | None,
        allowed: float,
        sent_since: str = "",
        upstream: bool = False,
    ) -> None:
        if path not in self.paths:
            return
        deadline = self.base + allowed
        # An answer the app gave (directly, or to the cache on a miss) shows how long the
        # cache's own refresh may take.
        if (allowed <= self.direct_bound or upstream) and started > self.base:
            with self.lock:
                self.direct_latency = max(self.direct_latency, ended - started)
        if status == 304:
            if started > deadline and sent_etag and _opaque(sent_etag) in self.old_etags:
                self._violate(
                    f"{source} {path}: 304 to the pre-write ETag {sent_etag} "
                    f"{started - self.acked:.3f}s after the write was acknowledged",
                    started - self.base,
                    allowed,
                )
            if started > deadline and not sent_etag and (path, sent_since) in self.old_modified:
                self._violate(
                    f"{source} {path}: 304 to If-Modified-Since {sent_since}, the pre-write "
                    f"Last-Modified, {started - self.acked:.3f}s after the write was "
                    "acknowledged",
                    started - self.base,
                    allowed,
                )
            return
        if status != 200 or body is None:
            return
        visible = self.shows(body)
        with self.lock:
            self.checked += 1
            if visible and (self.first_visible is None or started < self.first_visible):
                self.first_visible = max(started, self.acked)
        if not visible and started > self.base:
            with self.lock:
                late = started - self.base
                self.stale_after[allowed] = max(self.stale_after.get(allowed, 0.0), late)
        if visible and ended < self.visible_from:
            self._violate(
                f"{source} {path}: embargoed article served "
                f"{self.visible_from - ended:.3f}s before its embargo ended"
            )
        if not visible and started > deadline:
            self._violate(
                f"{source} {path}: stale answer {started - self.base:.3f}s after the "
                f"change was due (allowed {allowed:.3f}s)",
                started - self.base,
                allowed,
            )

    def _violate(self, text: str, late: float = 0.0, allowed: float = 0.0) -> None:
        if allowed > self.direct_bound:
            with self.lock:
                self.deferred.append((late, allowed, text))
            return
        self._record(text)

    def settle(self) -> None:
        """Judge the answers behind the cache that came past their bound: stale only if later
        than the bound plus the slowest direct answer (the cache's refresh waits as long)."""
        for late, allowed, text in self.deferred:
            if late > allowed + self.direct_latency:
                self._record(f"{text}; slowest direct answer {self.direct_latency:.3f}s")

    def _record(self, text: str) -> None:
        with self.lock:
            if len(self.violations) < 20:
                self.violations.append(f"{self.label}: {text}")


def _opaque(etag: str) -> str:
    value = etag.strip().removeprefix("W/").strip('"')
    for suffix in ("-gz", "-br"):
        value = value.removesuffix(suffix)
    return value


class Watches:
    """The watches in force; readers hand them their answers for the watched paths."""

    def __init__(self) -> None:
        self.active: list[Watch] = []
        self.done: list[Watch] = []
        self.paths: frozenset[str] = frozenset()
        self.lock = threading.Lock()

    def add(self, watch: Watch) -> None:
        with self.lock:
            self.active.append(watch)
            self.paths = frozenset().union(*(w.paths for w in self.active))

    def finish(self, watch: Watch) -> None:
        with self.lock:
            self.active.remove(watch)
            self.done.append(watch)
            self.paths = frozenset().union(*(w.paths for w in self.active))

    def observe(
        self,
        source: str,
        path: str,
        started: float,
        ended: float,
        status: int,
        sent_etag: str,
        raw: bytes | None,
        headers: http.client.HTTPMessage,
        allowed: float,
        sent_since: str = "",
    ) -> None:
        if path not in self.paths:
            return
        body = decoded(raw, headers) if raw is not None and status == 200 else None
        upstream = headers.get("X-Cache-Status", "") in UPSTREAM
        for watch in list(self.active):
            watch.observe(
                source,
                path,
                started,
                ended,
                status,
                sent_etag,
                body,
                allowed,
                sent_since,
                upstream,
            )


# -- the readers -----------------------------------------------------------------------------


class Reader(threading.Thread):
    """One keep-alive connection asking for random feed requests until `stop` is set."""

    def __init__(
        self,
        index: int,
        host: str,
        port: int,
        plan: dict[str, tuple[list[Target], list[Target]]],
        validators: dict[tuple[str, str, str], tuple[str, str]],
        samples: Samples,
        watches: Watches,
        stop: threading.Event,
        sample_share: float,
        allowed: float,
        hot_share: float = 0.8,
    ) -> None:
        super().__init__(name=f"reader-{index}", daemon=True)
        self.host, self.port = host, port
        self.plan = plan
        self.kinds = sorted(plan)
        self.validators = validators
        self.samples = samples
        self.watches = watches
        self.stop = stop
        self.sample_share = sample_share
        self.allowed = allowed
        self.hot_share = hot_share
        self.rng = random.Random(index)
        self.tally = Tally()

    def run(self) -> None:
        conn: http.client.HTTPConnection | None = None
        rng, tally = self.rng, self.tally
        while not self.stop.is_set():
            hot, every = self.plan[rng.choice(self.kinds)]
            target = rng.choice(hot if rng.random() < self.hot_share else every)
            encoding = "gzip" if rng.random() < 0.5 else "identity"
            headers = {"Accept-Encoding": encoding, "User-Agent": "load-bench/1"}
            if target.accept:
                headers["Accept"] = target.accept
            key = (target.path, target.accept or "", encoding)
            known = self.validators.get(key)
            sent_etag = sent_since = ""
            mode = "unconditional"
            if known is not None and rng.random() < 0.6:
                etag, modified = known
                if etag and (not modified or rng.random() < 0.7):
                    headers["If-None-Match"] = sent_etag = etag
                    mode = "If-None-Match"
                elif modified:
                    headers["If-Modified-Since"] = sent_since = modified
                    mode = "If-Modified-Since"
            started = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=READ_TIMEOUT)
                conn.request("GET", target.path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except CONNECTION_ERRORS as exc:
                tally.errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
                if conn is not None:
                    conn.close()
                conn = None
                continue
            ended = time.monotonic()
            status = response.status
            tally.statuses[status] += 1
            tally.by_kind[target.kind] += 1
            tally.by_shape[f"{target.shape} {target.fmt}"] += 1
            tally.conditional[f"{mode} -> {status}"] += 1
            cache = response.headers.get("X-Cache-Status")
            if cache:
                tally.cache_status[cache] += 1
            tally.latencies.append((started, ended - started))
            if status == 404:
                tally.not_found[target.shape] += 1
                if len(tally.not_found_paths) < 10:
                    tally.not_found_paths.append(target.path)
            if status >= 500 and len(tally.server_errors) < 20:
                tally.server_errors.append(f"{status} {target.path}: {body[:200]!r}")
            if status == 200:
                etag = response.headers.get("ETag", "")
                self.validators[key] = (etag, response.headers.get("Last-Modified", ""))
                if etag and rng.random() < self.sample_share:
                    self.samples.offer(
                        target.fmt, target.path, etag, decoded(body, response.headers)
                    )
            if target.path in self.watches.paths:
                self.watches.observe(
                    f"{self.name} (cache {cache or '-'}, age {response.headers.get('Age', '-')})",
                    target.path,
                    started,
                    ended,
                    status,
                    sent_etag,
                    body,
                    response.headers,
                    self.allowed,
                    sent_since,
                )
            if response.will_close:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()


# -- the API writer --------------------------------------------------------------------------


def fresh_get(
    host: str, port: int, path: str, headers: dict[str, str]
) -> tuple[int, http.client.HTTPMessage, bytes, float, float]:
    """A GET on a new connection (so any worker may answer it): status, headers, body, times."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=READ_TIMEOUT)
    try:
        conn.request("GET", path, headers={**headers, "Connection": "close"})
        response = conn.getresponse()
        body = response.read()
        return response.status, response.headers, body, started, time.monotonic()
    finally:
        conn.close()


@dataclass
class WriteRecord:
    op: str
    article: str
    status: int
    seconds: float
    hub_mode: str
    started: float = 0.0  # monotonic
    method: str = ""
    server_ms: float | None = None  # the app's own time for it, from its access log
    visible_ms: float | None = None
    stale_after_ms: dict[str, float] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)


class Writer(threading.Thread):
    """API writes one after another, each followed by a freshness watch on other connections.

    `write_to` is where the writes go (the app, or the proxy); `poll` lists (host, port)
    pairs the watch polls on new connections, each with how long after the acknowledgement the
    change must be served there (`allowed`, seconds).
    """

    SECTION = "load"

    def __init__(
        self,
        run: str,
        write_to: tuple[str, int],
        token: str,
        poll: list[tuple[str, int, float]],
        watches: Watches,
        stop: threading.Event,
        interval: float,
        embargo_s: float,
        hub_mode: Callable[[], str],
        validators: dict[tuple[str, str, str], tuple[str, str]],
        hold: float = 1.0,
    ) -> None:
        super().__init__(name="writer", daemon=True)
        self.run_label = run
        self.host, self.port = write_to
        self.token = token
        self.poll = poll
        self.watches = watches
        self.stop = stop
        self.interval = interval
        self.embargo_s = embargo_s
        self.hub_mode = hub_mode
        self.hold = hold
        self.validators = validators
        self.rng = random.Random(7)
        self.records: list[WriteRecord] = []
        self.errors: list[str] = []
        self.live: dict[str, int] = {}  # article id -> version, in the feeds now
        self.busy: set[str] = set()  # ids a watch is still looking at
        self.pollers: list[threading.Thread] = []
        self.serial = 0
        self.conn: http.client.HTTPConnection | None = None

    # The paths a write to an article of section `load` changes, and that readers also ask for.
    @property
    def watched(self) -> frozenset[str]:
        return frozenset(
            {
                f"/feeds/section/{self.SECTION}.atom",
                "/feeds/all.atom",
                f"/feeds/section/{self.SECTION}.json",
            }
        )

    def title(self, article: str, version: int) -> str:
        return f"[synthetic] load {self.run_label} {article} v{version}"

    def record(self, article: str, version: int, published: datetime) -> dict[str, Any]:
        return {
            "id": article,
            "title": self.title(article, version),
            "summary": "[synthetic] written by bench/load.py during a load run",
            "published": published.isoformat(timespec="seconds"),
            "section": {"slug": self.SECTION, "label": "Load"},
            "tags": [{"slug": "load-bench", "label": "Load bench"}],
            "authors": [{"name": "Load Desk", "slug": "load-desk"}],
            "language": "en",
            "body": [f"[synthetic] version {version} of {article}."],
        }

    def send(
        self, method: str, path: str, body: Any | None, content_type: str = "application/json"
    ) -> tuple[int, bytes, float]:
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        started = time.monotonic()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.will_close:
                    self.conn.close()
                    self.conn = None
                return response.status, payload, time.monotonic() - started
            except CONNECTION_ERRORS as exc:
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                self.errors.append(
                    f"{method} {path}: attempt {attempt}: {type(exc).__name__}: {exc}"
                )
        return 0, b"", time.monotonic() - started

    def seed(self) -> None:
        """One article in the writer's section before the run, so its feeds exist."""
        self.serial += 1
        article = f"load-{self.run_label}-{self.serial:05d}"
        published = datetime.now(UTC) - timedelta(seconds=1)
        status, payload, _ = self.send(
            "PUT", f"/api/articles/{article}", self.record(article, 1, published)
        )
        if status not in (200, 201):
            raise RuntimeError(f"seeding {article}: {status} {payload[:300]!r}")
        self.live[article] = 1

    # The order of operations, repeated: every kind comes up within eight writes.
    CYCLE = ("put-new", "embargo", "put-new", "correct", "withdraw", "put-new", "delete", "correct")

    def pick(self) -> str:
        op = self.CYCLE[len(self.records) % len(self.CYCLE)]
        if op in ("correct", "withdraw", "delete") and not any(
            a not in self.busy for a in self.live
        ):
            return "put-new"  # nothing free to change yet
        return op

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.step()
                self.stop.wait(self.interval)
        except Exception as exc:  # noqa: BLE001 - reported as a failure of the run
            self.errors.append(f"writer stopped: {type(exc).__name__}: {exc}")
        finally:
            for poller in self.pollers:
                poller.join(timeout=60)
            if self.conn is not None:
                self.conn.close()

    def step(self) -> None:
        op = self.pick()
        now = datetime.now(UTC)
        free = sorted(a for a in self.live if a not in self.busy)
        visible_from = 0.0
        if op in ("put-new", "embargo"):
            self.serial += 1
            article = f"load-{self.run_label}-{self.serial:05d}"
            version = 1
            published = now - timedelta(seconds=1)
            if op == "embargo":
                # Whole seconds, as the record gives it: the embargo ends exactly then.
                published = (now + timedelta(seconds=self.embargo_s)).replace(microsecond=0)
            body: Any = self.record(article, version, published)
            method, content_type = "PUT", "application/json"
        else:
            article = free[-1] if op == "correct" else free[0]
            version = self.live[article]
            if op == "correct":
                version += 1
                body = {"title": self.title(article, version)}
                method, content_type = "PATCH", "application/merge-patch+json"
            elif op == "withdraw":
                body = {"status": "withheld"}
                method, content_type = "PATCH", "application/merge-patch+json"
            else:
                body, method, content_type = None, "DELETE", ""
        needle = self.title(article, version).encode()
        appears = op in ("put-new", "correct", "embargo")
        old_etags, old_modified = self.snapshot()
        hub = self.hub_mode()
        sent = time.monotonic()
        status, payload, seconds = self.send(method, f"/api/articles/{article}", body, content_type)
        acked = time.monotonic()
        record = WriteRecord(op, article, status, seconds, hub, sent, method)
        self.records.append(record)
        if status not in (200, 201, 204):
            self.errors.append(f"{op} {article}: {status} {payload[:300]!r}")
            return
        if op == "embargo":
            visible_from = acked + max(0.0, (published - datetime.now(UTC)).total_seconds())
        if appears:
            self.live[article] = version
        else:
            self.live.pop(article, None)

        def shows(document: bytes, needle: bytes = needle, appears: bool = appears) -> bool:
            return (needle in document) == appears

        watch = Watch(
            label=f"{op} {article}",
            paths=self.watched,
            shows=shows,
            acked=acked,
            base=max(acked, visible_from),
            direct_bound=min(a for _, _, a in self.poll),
            visible_from=visible_from,
            old_etags=old_etags,
            old_modified=old_modified,
        )
        self.watches.add(watch)
        self.busy.add(article)
        poller = threading.Thread(
            target=self.follow, args=(watch, record, article), name=f"watch-{article}", daemon=True
        )
        self.pollers.append(poller)
        poller.start()

    def snapshot(self) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
        """The ETags and Last-Modified dates the watched feeds had before a write, as the
        readers last saw them (a 304 to one of them after the write is stale)."""
        known = [
            (path, etag, modified)
            for (path, _, _), (etag, modified) in list(self.validators.items())
            if path in self.watched
        ]
        return (
            frozenset(_opaque(etag) for _, etag, _ in known if etag),
            frozenset((path, modified) for path, _, modified in known if modified),
        )

    def follow(self, watch: Watch, record: WriteRecord, article: str) -> None:
        """Poll every watched feed on new connections until the change has been served for
        `hold` seconds past the deadline; every answer is judged by the watch's rule."""
        rng = random.Random(hash(article))
        paths = sorted(watch.paths)
        widest = max(a for _, _, a in self.poll)

        def end() -> float:
            # Behind the cache, answers as late as the bound plus the slowest direct answer are
            # allowed: keep looking that long.
            slack = watch.direct_latency if widest > watch.direct_bound else 0.0
            return watch.base + widest + slack + self.hold

        while time.monotonic() < end() or (
            watch.first_visible is None and time.monotonic() < end() + 10.0
        ):
            host, port, allowed = rng.choice(self.poll)
            path = rng.choice(paths)
            headers = {"Accept-Encoding": rng.choice(["gzip", "identity"])}
            dates = sorted(m for p, m in watch.old_modified if p == path)
            chance = rng.random()
            if watch.old_etags and chance < 0.3:
                headers["If-None-Match"] = f'"{rng.choice(sorted(watch.old_etags))}"'
            elif dates and chance < 0.5:
                headers["If-Modified-Since"] = rng.choice(dates)
            try:
                status, response_headers, body, started, ended = fresh_get(
                    host, port, path, headers
                )
            except CONNECTION_ERRORS as exc:
                watch._record(f"poll {host}:{port}{path}: {type(exc).__name__}: {exc}")
                continue
            cache = response_headers.get("X-Cache-Status", "-")
            watch.observe(
                f"poll {port} (cache {cache}, age {response_headers.get('Age', '-')})",
                path,
                started,
                ended,
                status,
                headers.get("If-None-Match", ""),
                decoded(body, response_headers) if status == 200 else None,
                allowed,
                headers.get("If-Modified-Since", ""),
                cache in UPSTREAM,
            )
            time.sleep(0.02)
        self.watches.finish(watch)
        watch.settle()
        if watch.first_visible is None:
            watch._record("never served within the poll period")
        else:
            record.visible_ms = round((watch.first_visible - watch.base) * 1000, 1)
        record.violations = list(watch.violations)
        record.stale_after_ms = {
            f"bound {allowed * 1000:.0f} ms": round(late * 1000, 1)
            for allowed, late in watch.stale_after.items()
        }
        self.busy.discard(article)


# -- memory ----------------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """The processes below `pid` (its workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    queue = [pid]
    while queue:
        current = queue.pop()
        for child in children.get(current, []):
            found.append(child)
            queue.append(child)
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


# -- validation ------------------------------------------------------------------------------


def validate(samples: list[tuple[str, str, bytes]]) -> dict[str, Any]:
    """Atom against the RFC 4287 RELAX NG schema the tests use, feedparser bozo 0 for Atom and
    RSS, JSON Feed 1.1 against the tests' JSON Schema. Returns counts and the failures."""
    import feedparser
    import jsonschema
    from lxml import etree

    schemas = ROOT / "tests" / "schemas"
    atom = etree.RelaxNG(etree.parse(str(schemas / "atom.rng")))
    jsonfeed = jsonschema.Draft202012Validator(
        json.loads((schemas / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    )
    checked: Counter[str] = Counter()
    failures: list[str] = []
    for fmt, path, body in samples:
        checked[fmt] += 1
        try:
            if fmt == "json":
                document = json.loads(body)
                errors = [e.message for e in jsonfeed.iter_errors(document)]
                if errors:
                    failures.append(f"{path}: JSON Feed schema: {errors[0][:200]}")
                continue
            parsed = feedparser.parse(body)
            if parsed.bozo:
                failures.append(f"{path}: feedparser bozo: {parsed.get('bozo_exception')}")
            if fmt == "atom":
                tree = etree.fromstring(body)
                if tree.tag == "{http://www.w3.org/2005/Atom}feed" and not atom.validate(tree):
                    failures.append(f"{path}: RELAX NG: {atom.error_log.last_error}")
        except Exception as exc:  # noqa: BLE001 - any failure to read is a failure
            failures.append(f"{path}: {type(exc).__name__}: {exc}")
    return {"checked": dict(checked), "failures": failures[:20], "failed": len(failures)}


# -- the WebSub hub stub ----------------------------------------------------------------------


class Hub:
    """A WebSub hub on 127.0.0.1 answering pings `fast`, `slow` (after `delay` s) or `down`
    (its socket closed: connections are refused). Counts pings per mode."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.mode = "fast"
        self.pings: Counter[str] = Counter()
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self._listen()

    def _listen(self) -> None:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                mode = hub.mode
                hub.pings[mode] += 1
                if mode == "slow":
                    time.sleep(hub.delay)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, name="hub", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def set_mode(self, mode: str) -> None:
        """Switch modes; `down` closes the listening socket, leaving it listens again."""
        if mode == self.mode:
            return
        if mode == "down":
            self.close()
        elif self.server is None:
            self._listen()
        self.mode = mode

    def refuses(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except ConnectionRefusedError:
            return True
        return False

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def server_times(logs: list[Path]) -> dict[tuple[str, str], list[float]]:
    """The milliseconds the app's access log gives each API write, by (method, article id), in
    the order the writes started (Combined Log Format plus the time taken, feeds/accesslog.py;
    its time stamp is when the answer was logged, so the start is that less the time taken).
    The logs of every app process are read together."""
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    pattern = re.compile(
        r'\[([^\]]+)\] "(PUT|PATCH|DELETE) /api/articles/(\S+) HTTP/[0-9.]+" \d+ .* ([0-9.]+)$'
    )
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            match = pattern.search(line)
            if match:
                ended = datetime.strptime(match[1], "%d/%b/%Y:%H:%M:%S %z").timestamp()
                taken = float(match[4])
                found.setdefault((match[2], match[3]), []).append((ended - taken / 1000, taken))
    return {key: [taken for _, taken in sorted(times)] for key, times in found.items()}
