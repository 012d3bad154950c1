"""WebSub publishing: tell the hub which feeds changed, off the request path, with retries.

`Notifier.publish(urls)` only queues the topic URLs and returns; one daemon thread posts
`hub.mode=publish` and `hub.url=<topic>` to the hub, one request per topic (every hub accepts
that form), retrying network errors, 429 and 5xx with exponential backoff. Duplicate URLs
waiting in the queue are sent once. Every failure is logged on the `feeds.websub` logger with
the topic and the reason; nothing is dropped without an error in the log. See docs/websub.md.
"""

from __future__ import annotations

import atexit
import heapq
import itertools
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app, has_request_context, request

from articles.changes import Change
from articles.cli import SERVICE_KEY
from articles.store import ALL, Facet
from feeds.podcasts import with_shows
from feeds.urls import FORMATS, feed_url

log = logging.getLogger("feeds.websub")

DEFAULT_QUEUE_SIZE: Final = 10_000
USER_AGENT: Final = "newsroom-feeds-websub/1"
# How long process exit waits for pings still queued before logging them as lost.
SHUTDOWN_TIMEOUT: Final = 10.0


def topics_for(affected: Iterable[Facet], base_url: str) -> list[str]:
    """Every feed URL, in all three formats, whose content changed with these facets.

    Pass `UpsertResult.affected` or the facets `Store.delete` returns. The "all" feeds change
    with any article, so they are included whenever anything changed. The order is stable.
    """
    facets = set(affected)
    if not facets:
        return []
    facets.add(ALL)
    ordered = sorted(facets, key=lambda f: (f.kind != "all", f.kind, f.value))
    return [feed_url(facet, fmt, base_url) for facet in ordered for fmt in FORMATS]


def is_topic(self_url: str, facet: Facet, fmt: str, base_url: str) -> bool:
    """Whether the document whose `self` link is `self_url` is a topic `topics_for` names,
    so the hub hears of its changes: the facet's live feed at its own URL. An archive, or a
    page named with `page` or `limit` (`/feeds/all.atom?limit=10`, `?page=1`), is never
    pinged, so it advertises no hub: a reader subscribed there would wait for pushes that
    never come, and many poll less once subscribed to a hub."""
    return self_url == feed_url(facet, fmt, base_url)


def link_header(hub_url: str, self_url: str) -> str:
    """The `Link` header value that advertises the hub and the topic of a feed response."""
    return f'<{hub_url}>; rel="hub", <{self_url}>; rel="self"'


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    url: str = field(compare=False)
    attempt: int = field(compare=False, default=0)


class Notifier:
    """Pings a WebSub hub about changed topic URLs from a background thread.

    `hub_url` empty makes a notifier that does nothing, so callers never need to check.
    `retries` is how many times a failed ping is tried again; the n-th retry waits
    `backoff * 2**(n-1)` seconds, at most `max_backoff`. At most `queue_size` topics wait at once.
    """

    def __init__(
        self,
        hub_url: str,
        *,
        timeout: float = 5.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 300.0,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        user_agent: str = USER_AGENT,
    ) -> None:
        hub_url = hub_url.strip()
        if hub_url and urlsplit(hub_url).scheme not in {"http", "https"}:
            raise ValueError(f"hub_url: must be an http:// or https:// URL, got {hub_url!r}")
        if retries < 0 or timeout <= 0 or backoff < 0 or queue_size < 1:
            raise ValueError(
                "websub: retries and backoff must be >= 0, timeout > 0 and queue_size >= 1"
            )
        self.hub_url = hub_url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.queue_size = queue_size
        self.user_agent = user_agent
        self._cond = threading.Condition()
        self._heap: list[_Job] = []  # waiting jobs, earliest due first
        self._waiting: set[str] = set()  # their URLs, to coalesce duplicates
        self._in_flight: str | None = None
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def enabled(self) -> bool:
        return bool(self.hub_url)

    def __repr__(self) -> str:
        return f"Notifier({self.hub_url!r})"

    def publish(self, topic_urls: Iterable[str]) -> None:
        """Queue pings for these topic URLs and return at once; delivery happens in the background.

        A URL already waiting is not queued twice. When the queue is full the URLs that did not
        fit are logged as an error, naming them.
        """
        if not self.enabled:
            return
        dropped: list[str] = []
        with self._cond:
            if self._closed:
                dropped = list(dict.fromkeys(topic_urls))
            else:
                now = time.monotonic()
                for url in dict.fromkeys(topic_urls):
                    if url in self._waiting:
                        continue
                    if len(self._waiting) >= self.queue_size:
                        dropped.append(url)
                        continue
                    self._waiting.add(url)
                    heapq.heappush(self._heap, _Job(now, next(self._seq), url))
                self._ensure_worker()
                self._cond.notify_all()
        if dropped:
            reason = "notifier closed" if self._closed else f"queue full ({self.queue_size})"
            log.error(
                "websub: not pinging %s about %d topic(s), %s: %s",
                self.hub_url,
                len(dropped),
                reason,
                " ".join(dropped),
            )

    def pending(self) -> list[str]:
        """Topic URLs waiting or being sent, in no particular order."""
        with self._cond:
            urls = [job.url for job in self._heap]
            if self._in_flight is not None:
                urls.append(self._in_flight)
            return urls

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued ping is delivered or given up; False if `timeout` ran out."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._heap or self._in_flight is not None:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def close(self, timeout: float = SHUTDOWN_TIMEOUT) -> None:
        """Deliver what is queued within `timeout`, log what is left as lost, stop the thread."""
        if not self.enabled:
            return
        self.flush(timeout)
        with self._cond:
            self._closed = True
            lost = [job.url for job in self._heap]
            if self._in_flight is not None:
                lost.append(self._in_flight)
            self._heap.clear()
            self._waiting.clear()
            self._cond.notify_all()
        if lost:
            log.error(
                "websub: shutting down with %d undelivered ping(s) to %s: %s",
                len(lost),
                self.hub_url,
                " ".join(lost),
            )

    # -- the worker --------------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        """Start the delivery thread on first use (called with the lock held)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="feeds-websub", daemon=True)
        self._thread.start()
        # A daemon thread dies with the interpreter: give queued pings a last chance first.
        atexit.register(self.close)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    if self._heap:
                        wait = self._heap[0].due - time.monotonic()
                        if wait <= 0:
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
                if self._closed:
                    return
                job = heapq.heappop(self._heap)
                self._waiting.discard(job.url)
                self._in_flight = job.url
                self._cond.notify_all()
            try:
                error, retryable = self._post(job.url)
            except Exception as exc:  # noqa: BLE001 - the worker must survive any surprise
                error, retryable = f"unexpected {type(exc).__name__}: {exc}", False
                log.exception("websub: ping for %s failed unexpectedly", job.url)
            with self._cond:
                self._in_flight = None
                self._settle(job, error, retryable)
                self._cond.notify_all()

    def _settle(self, job: _Job, error: str | None, retryable: bool) -> None:
        """Record the outcome of one attempt; schedule a retry when it may still succeed."""
        if error is None:
            log.info("websub: pinged %s about %s", self.hub_url, job.url)
            return
        tries = job.attempt + 1
        if retryable and job.attempt < self.retries and not self._closed:
            delay = min(self.backoff * 2**job.attempt, self.max_backoff)
            log.warning(
                "websub: ping for %s failed (attempt %d of %d): %s; retrying in %.3gs",
                job.url,
                tries,
                self.retries + 1,
                error,
                delay,
            )
            if job.url not in self._waiting:
                self._waiting.add(job.url)
                retry = _Job(time.monotonic() + delay, next(self._seq), job.url, tries)
                heapq.heappush(self._heap, retry)
            return
        log.error(
            "websub: giving up on ping for %s to %s after %d attempt(s): %s",
            job.url,
            self.hub_url,
            tries,
            error,
        )

    def _post(self, topic: str) -> tuple[str | None, bool]:
        """One publish request: (None, _) on 2xx, else (reason, whether a retry may help)."""
        data = urlencode({"hub.mode": "publish", "hub.url": topic}).encode("ascii")
        request = urllib.request.Request(
            self.hub_url,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": self.user_agent,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            body = one_line_excerpt(exc.read(200))
            reason = f"hub answered {exc.code} {exc.reason}" + (f": {body}" if body else "")
            return reason, exc.code >= 500 or exc.code == 429
        except OSError as exc:  # URLError, timeouts and refused connections alike
            cause = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            return f"cannot reach the hub: {cause}", True
        if 200 <= status < 300:
            return None, False
        return f"hub answered {status}, expected 2xx", status >= 500


def one_line_excerpt(raw: bytes) -> str:
    """The start of a hub's answer as one line of a log message.

    A hub's error page is often HTML over several lines (Python's own `http.server` sends
    nine): every character that is not printable (line breaks, tabs, terminal escapes) and
    every run of white space becomes one space, so a failed ping is one log line and an
    answer cannot write lines of its own into the log.
    """
    text = raw.decode("utf-8", "replace")
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def publish_changes(facets: Iterable[Facet]) -> list[str]:
    """Ping the app's hub about every feed these facets name; returns the topic URLs queued.

    Call it inside the app context right after a change is committed, with
    `UpsertResult.affected` or what `Store.delete` returned. The topics must be the public feed
    URLs, so outside a request `site_url` has to be set; without it nothing is pinged and a
    warning says why.
    """
    config = current_app.extensions["feeds.config"]
    facets = list(with_shows(facets, config.podcasts)) if config.podcasts else list(facets)
    notifier: Notifier | None = current_app.extensions.get("feeds.websub")
    if notifier is None or not notifier.enabled or not facets:
        return []
    base = current_app.extensions["feeds.config"].site_url
    if not base and has_request_context():
        base = request.url_root
    if not base:
        log.warning(
            "websub: site_url is not set, so the public feed URLs are unknown; "
            "not pinging %s about %d changed feed(s)",
            notifier.hub_url,
            len(facets),
        )
        return []
    topics = topics_for(facets, base)
    notifier.publish(topics)
    return topics


def init_app(app: Flask) -> Notifier:
    """Put the notifier for the configured hub into `app.extensions["feeds.websub"]`."""
    config = app.extensions["feeds.config"]
    notifier = Notifier(config.hub_url)
    app.extensions["feeds.websub"] = notifier
    # Every committed article change (the CLI, later the publishing API) is announced here.
    service = app.extensions.get(SERVICE_KEY)
    if service is not None:

        def on_change(change: Change) -> None:
            with app.app_context():
                publish_changes(change.facets)

        service.listeners.subscribe(on_change)
    return notifier
