"""Subscriber counts from live feed requests: aggregators' User-Agent reports and direct clients.

Aggregators fetch a feed once for all their readers and say how many in the User-Agent:

    Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; feed-id=feed/https://...)
    Mozilla/5.0 (compatible; inoreader.com; 7 subscribers)
    NewsBlur Feed Fetcher - 15 subscribers - https://www.newsblur.com/site/1234/x (...)

One rule reads the count whoever reports it (`COUNT`: "42 subscribers", "1,234 readers", ...);
`AGGREGATORS` names the fetcher by its signature and says where its feed id is; an agent that
reports no count is a direct client.

`SubscriberCount` is a WSGI middleware that, for each successful feed request (200 or 304 under
`/feeds/`), updates one in-memory dict: per UTC day and feed path, the latest count per
aggregator and feed id, and the set of direct clients' addresses. A daemon thread writes them to
the database (`articles.store.subscribers`) at most every `flush_seconds` and when the process
exits; a direct client's address is hashed there (HMAC-SHA-256 with the day's secret salt) so no
raw address is ever stored. A database error is logged once and the batch dropped: counting
never breaks or slows a request. It sits outside `feeds.fastpath`, so replayed answers count.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import logging
import multiprocessing.util
import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy.engine import Engine

from articles.store.subscribers import DIRECT, SubscriberRow, daily_salt, record_subscribers
from feeds.urls import FEEDS_PREFIX

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)


# The one rule for a reported count, whoever reports it: a well-formed non-negative whole
# number of ASCII digits, with or without thousands commas ("1,234"), standing as a word of its
# own, then "subscribers", "subscriber", "subscriber(s)", "readers" or "reader" (any case).
# A number that is only the tail of something else is no count: run into other digits or
# commas ("12345,678"), signed ("-5", "+5"), the end of a decimal or exponent ("1.5", "1e9"),
# or of a word ("x5", "v2_5"); nor are other scripts' digits ("٤٢").
COUNT: Final = re.compile(
    r"(?<![\w,.+\-])(?P<subscribers>[0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,12})\s+"
    r"(?:subscriber\(s\)|subscribers?\b|readers?\b)",
    re.IGNORECASE,
)
# A feed id as fetchers write it: `feed-id=X` (Feedly, The Old Reader, Google), `feed-id:X`
# (Feedbin), `feedID: X` (Netvibes); X ends at `;`, `)` or a space.
FEED_ID: Final = re.compile(r"\bfeed-?id[=:] ?(?P<feed_id>[^;)\s]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Aggregator:
    """A fetcher known by `signature`; its feed id is read by `feed_id` (group `feed_id`)."""

    name: str
    signature: re.Pattern[str]
    feed_id: re.Pattern[str] = FEED_ID


def _agg(name: str, signature: str, feed_id: str | None = None) -> Aggregator:
    return Aggregator(
        name,
        re.compile(signature, re.IGNORECASE),
        re.compile(feed_id, re.IGNORECASE) if feed_id else FEED_ID,
    )


# Fetchers that report counts, by the signature in their User-Agent (first match wins). Any
# other agent with a count is named by its first product token (`Bloglines/3.1 (...)` is
# "Bloglines"). Self-hosted readers (Tiny Tiny RSS, FreshRSS, Miniflux) and apps report none:
# each installation is a direct client.
AGGREGATORS: Final[tuple[Aggregator, ...]] = (
    _agg("Feedly", r"^Feedly(?:Bot)?/"),
    _agg("Inoreader", r"\binoreader\b"),
    _agg("NewsBlur", r"^NewsBlur\b", r"newsblur\.com/site/(?P<feed_id>\d+)"),
    _agg("Feedbin", r"^Feedbin\b"),
    _agg("The Old Reader", r"\btheoldreader\.com\b"),
    _agg("Feedspot", r"\bFeedspot\b"),
    _agg("BazQux", r"\bBazQux\b"),
    _agg("Feed Wrangler", r"^Feed ?Wrangler\b"),
    _agg("Netvibes", r"^Netvibes\b"),
    _agg("Google Feedfetcher", r"^Feedfetcher-Google\b"),
    _agg("Bloglovin", r"\bBloglovin\b"),
    _agg("Overcast", r"^Overcast/"),
)
# The generic name: the first product token, or the one after `Mozilla/5.0 (compatible; `.
_PRODUCT = re.compile(
    r"^(?:Mozilla/[\d.]+ \(compatible; ?)?(?P<name>[A-Za-z][\w.\- ]{0,39}?)(?:/|[ ;(,]|$)"
)

_MAX_FEED_ID = 200
_MAX_AGENT = 512
_PARSE_CACHE_SIZE = 4096


def parse_user_agent(user_agent: str) -> tuple[str, int, str] | None:
    """(aggregator name, subscribers, feed id or '') reported by a User-Agent, or None.

    None means a direct client (a reader app or browser): the agent reports no count (`COUNT`).
    The name comes from `AGGREGATORS`, else the agent's first product token ("unknown" if it
    has none); the feed id from the aggregator's pattern (`FEED_ID` by default). Never raises;
    the count is a non-negative int below 10**12, the feed id at most 200 characters. Only the
    first 512 characters are read (real fetchers' agents are shorter), which bounds the
    regexes' work on a hostile header.
    """
    user_agent = user_agent[:_MAX_AGENT]
    count = COUNT.search(user_agent)
    if count is None:
        return None
    subscribers = int(count["subscribers"].replace(",", ""))
    for aggregator in AGGREGATORS:
        if aggregator.signature.search(user_agent):
            name, id_pattern = aggregator.name, aggregator.feed_id
            break
    else:
        product = _PRODUCT.match(user_agent)
        name = product["name"].strip() if product else ""
        if not name or name.lower() == "mozilla":
            name = "unknown"
        id_pattern = FEED_ID
    feed_id = id_pattern.search(user_agent)
    return name, subscribers, (feed_id["feed_id"] if feed_id else "")[:_MAX_FEED_ID]


def hash_client(salt: bytes, address: str) -> str:
    """The stored form of a client's address: HMAC-SHA-256 under the day's salt, 32 hex digits."""
    return hmac.new(salt, address.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


# In memory until the next flush: (UTC day number, feed, User-Agent, address) -> the time of the
# last such request (seconds since the epoch). Nothing is parsed, hashed or converted on the
# request: the flush reads each distinct agent once (for an aggregator, the count it reports
# at the latest time wins) and hashes each address (never stored raw).
_Pending = dict[tuple[float, str, str, str], float]
_SECONDS_PER_DAY: Final = 86400
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()

# Waiting entries (one per day, feed, agent and address) that wake the writer thread before
# its interval is up, and the most a process keeps: past that, a request that would add a new
# entry is not counted (counted in `dropped` and logged at the next flush) until the writer
# has caught up. An entry is about 300 bytes: 100,000 is ~30 MB.
PENDING_FLUSH_AT: Final = 10_000
PENDING_MAX: Final = 100_000


class SubscriberCounter:
    """The per-process tally and its flush to the database (thread-safe, fail-open).

    `count` only sets one dict entry under a lock held for that (no parsing, no I/O); `flush`
    takes the whole dict in one step under the same lock, so no count is lost between the
    two, and turns it into rows outside the lock. Rows are upserts (the latest report of an
    aggregator wins, a direct client is one row per day and feed), so any number of processes
    flushing in any order store the same numbers as one process would.

    `clock` (aware datetimes) replaces the wall clock in tests; `writer=False` starts no
    writer thread (the caller flushes).
    """

    def __init__(
        self,
        engine: Callable[[], Engine],
        clock: Callable[[], datetime] | None = None,
        flush_seconds: float = 60.0,
        *,
        flush_at: int = PENDING_FLUSH_AT,
        max_pending: int = PENDING_MAX,
        writer: bool = True,
    ) -> None:
        self._engine = engine
        self._time: Callable[[], float] = (
            time.time if clock is None else (lambda: clock().timestamp())
        )
        self.interval = max(flush_seconds, 0.01)
        self.flush_at = flush_at
        self.max_pending = max(max_pending, flush_at)
        self.dropped = 0  # requests not counted because max_pending entries were waiting
        self._pending: _Pending = {}
        self._parsed: dict[str, tuple[str, int, str] | None] = {}
        self._tally = threading.Lock()  # guards _pending: one update or one swap at a time
        self._lock = threading.Lock()  # one flush at a time
        self._wake = threading.Event()
        self._failing = False
        self._salts: dict[date, bytes] = {}
        # The writer thread starts at the first count in each process (a thread started
        # before a worker is forked would not run in it); a fork clears the flag.
        self._running = not writer
        if writer:
            ref = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: _forked(ref))

    def count(self, feed: str, user_agent: str, address: str) -> None:
        """Note one successful request for `feed` (a path): one dict entry, no I/O."""
        if not self._running:
            self._start()
        now = self._time()
        key = (now // _SECONDS_PER_DAY, feed, user_agent[:_MAX_AGENT], address)
        tally = self._tally
        tally.acquire()
        pending = self._pending
        size = len(pending)
        if size < self.max_pending or key in pending:
            pending[key] = now
        else:
            self.dropped += 1
        tally.release()
        if size + 1 == self.flush_at:
            self._wake.set()  # the writer thread flushes now, off this request

    @property
    def waiting(self) -> int:
        """Entries waiting for the next flush."""
        return len(self._pending)

    def flush(self) -> int:
        """Write what is waiting; returns the rows written (0 after a logged database error)."""
        with self._lock:
            with self._tally:
                pending, self._pending = self._pending, {}
                dropped, self.dropped = self.dropped, 0
            if dropped:
                log.warning(
                    "subscriber counts: %d requests not counted (%d entries were waiting for "
                    "the database)",
                    dropped,
                    self.max_pending,
                )
            if not pending:
                return 0
            try:
                engine = self._engine()
                rows = [
                    SubscriberRow(
                        day,
                        feed,
                        source,
                        hash_client(self._salt(engine, day), key) if source == DIRECT else key,
                        subscribers,
                        seen,
                    )
                    for (day, feed, source, key), (subscribers, seen) in self._rollup(
                        pending
                    ).items()
                ]
                written = record_subscribers(engine, rows)
            except Exception as exc:  # noqa: BLE001 (fail open: counting never breaks serving)
                if not self._failing:
                    log.warning("subscriber counts not stored (%s: %s)", type(exc).__name__, exc)
                self._failing = True
                return 0
            self._failing = False
            return written

    def _rollup(self, pending: _Pending) -> dict[tuple[date, str, str, str], tuple[int, datetime]]:
        """Requests -> (day, feed, source, key) -> (subscribers, last seen): each agent parsed
        once; an aggregator's latest report wins; a direct client's raw address as key."""
        parsed_cache = self._parsed
        rows: dict[tuple[date, str, str, str], tuple[int, float]] = {}
        for (day_number, feed, agent, address), seen in pending.items():
            parsed = parsed_cache.get(agent, False)
            if parsed is False:
                if len(parsed_cache) >= _PARSE_CACHE_SIZE:
                    parsed_cache.clear()
                parsed = parsed_cache[agent] = parse_user_agent(agent)
            day = date.fromordinal(_EPOCH_ORDINAL + int(day_number))
            if parsed is None:
                key = (day, feed, DIRECT, address)
                subscribers = 1
            else:
                name, subscribers, feed_id = parsed  # type: ignore[misc]
                key = (day, feed, name, feed_id)
            earlier = rows.get(key)
            if earlier is None or seen >= earlier[1]:
                rows[key] = (subscribers, seen)
        return {
            key: (subscribers, datetime.fromtimestamp(seen, UTC))
            for key, (subscribers, seen) in rows.items()
        }

    def _salt(self, engine: Engine, day: date) -> bytes:
        salt = self._salts.get(day)
        if salt is None:
            salt = daily_salt(engine, day)
            self._salts = {d: s for d, s in self._salts.items() if d >= day} | {day: salt}
        return salt

    def _start(self) -> None:
        with self._lock:
            if self._running:
                return
            self._running = True
            ref = weakref.ref(self)
            threading.Thread(
                target=_flush_every,
                args=(ref, self.interval, self._wake),
                name="subscribers",
                daemon=True,
            ).start()
            atexit.register(_flush_ref, ref)
            # Granian's workers leave through multiprocessing's finalizers, not atexit.
            multiprocessing.util.Finalize(self, _flush_ref, args=(ref,), exitpriority=10)

    def _after_fork(self) -> None:
        """In a forked child: the parent's waiting counts and thread are the parent's."""
        self._pending = {}
        self.dropped = 0
        self._salts = {}
        self._tally = threading.Lock()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._running = False


def _forked(ref: weakref.ReferenceType[SubscriberCounter]) -> None:
    counter = ref()
    if counter is not None:
        counter._after_fork()


def _flush_ref(ref: weakref.ReferenceType[SubscriberCounter]) -> None:
    counter = ref()
    if counter is not None:
        counter.flush()


def _flush_every(
    ref: weakref.ReferenceType[SubscriberCounter], interval: float, wake: threading.Event
) -> None:
    while True:
        wake.wait(interval)
        wake.clear()
        counter = ref()
        if counter is None:  # the app is gone
            return
        counter.flush()
        del counter


_COUNTED = ("200 ", "304 ")
# A WSGI environ key: a request carrying it is not counted (the static export's own requests).
NOT_COUNTED: Final = "feeds.subscribers.not_counted"


class SubscriberCount:
    """WSGI middleware: count each successful feed request in `counter` (see the module doc)."""

    def __init__(self, app: WSGIApplication, counter: SubscriberCounter) -> None:
        self.app = app
        self.counter = counter

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(FEEDS_PREFIX) or NOT_COUNTED in environ:
            return self.app(environ, start_response)
        count = self.counter.count

        def counting_start(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if status.startswith(_COUNTED):
                count(path, environ.get("HTTP_USER_AGENT", ""), environ.get("REMOTE_ADDR", "-"))
            return start_response(status, headers, exc_info)  # type: ignore[arg-type]

        return self.app(environ, counting_start)  # type: ignore[arg-type]
