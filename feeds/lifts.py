"""Embargo lifts: when an embargoed article becomes visible, its feeds are announced once.

An embargoed article appears by itself when its time comes, without any write, so nothing
would tell the WebSub hub. Every write of an article under embargo records its lift in the
store (`embargo_lifts`); `announce_lifts` claims the lifts that are due with an atomic UPDATE
(`Store.claim_lifts`), so however many processes run it at once each lift is claimed by
exactly one, and announces one `Change("lift", ...)` to the write service's listeners for
exactly the feeds the articles joined (feeds.websub pings the hub from there).

Two ways to run it, both safe together:

- `LiftScheduler`: a daemon thread in each app process, checking every `lift_check_seconds`
  (default 2). It starts at the first request a process serves, never at import or in the
  app factory, so it runs in each Granian or gunicorn worker after the fork (a thread started
  before a fork would not survive it) and never in a `flask` command. Started only when a hub
  is configured, and in tests only when asked (`FEEDS_LIFT_SCHEDULER`).
- `flask --app wsgi feeds lift-embargoes`, for cron.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable
from datetime import datetime

import click
from flask import Flask, current_app

from articles.changes import Change
from articles.cli import SERVICE_KEY, one_line_errors
from articles.service import ArticleService
from articles.store import ALL, Facet, article_facets
from feeds.cli import feeds_cli

log = logging.getLogger("feeds.lifts")


def announce_lifts(service: ArticleService, now: datetime) -> list[str]:
    """Claim the lifts due at `now`, announce the feeds they changed; returns the article ids.

    One `Change("lift", ids, facets, now)` goes to the service's listeners when anything was
    claimed; an article that is no longer visible (withdrawn meanwhile) is left out.
    """
    articles = service.store.claim_lifts(now=now)
    if not articles:
        return []
    facets: set[Facet] = {ALL}
    for article in articles:
        facets |= article_facets(article)
    ids = tuple(article.id for article in articles)
    # Their translations' feeds too: those entries now link them (hreflang).
    facets |= service.store.linked_feeds(ids, now=now)
    service.listeners.announce(Change("lift", ids, frozenset(facets), now))
    log.info("embargo lifted for %d article(s): %s", len(ids), " ".join(ids))
    return list(ids)


class LiftScheduler:
    """Runs `announce_lifts` every `interval` seconds in a daemon thread of this process."""

    def __init__(
        self, service: ArticleService, clock: Callable[[], datetime], interval: float
    ) -> None:
        self.service = service
        self.clock = clock
        self.interval = interval
        self._pid: int | None = None
        # Set once the thread runs in this process, cleared in a forked child: checked on
        # every request, so a flag rather than a getpid() system call.
        self._running = False
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _forked(ref))
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def ensure_started(self) -> None:
        """Start the thread in this process if it is not running (cheap when it is)."""
        if self._running:
            return
        with self._lock:
            if self._running and self._pid == os.getpid():
                return
            self._running = True
            self._pid = os.getpid()
            self._stop = threading.Event()
            thread = threading.Thread(target=self._run, name="feeds-lifts", daemon=True)
            thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                announce_lifts(self.service, self.clock())
            except Exception as exc:  # noqa: BLE001 - keep checking; the next round retries
                log.warning("embargo lifts: check failed: %s: %s", type(exc).__name__, exc)


def init_app(app: Flask) -> LiftScheduler | None:
    """Register the scheduler when a hub is configured (see the docstring); the command is
    part of `flask feeds` (feeds.cli)."""
    config = app.extensions["feeds.config"]
    service: ArticleService | None = app.extensions.get(SERVICE_KEY)
    wanted = app.config.get("FEEDS_LIFT_SCHEDULER", not app.testing)
    if service is None or not config.hub_url or not config.lift_check_seconds or not wanted:
        return None
    scheduler = LiftScheduler(service, app.extensions["feeds.clock"], config.lift_check_seconds)
    app.extensions["feeds.lifts"] = scheduler
    app.before_request(scheduler.ensure_started)
    return scheduler


@feeds_cli.command("lift-embargoes")
@one_line_errors
def lift_embargoes_command() -> None:
    """Announce (ping the WebSub hub about) embargoed articles whose time has come.

    Each lift is announced once, whoever runs this or the app's own scheduler. Safe to run
    from cron every minute.

    \b
    Example:
      flask --app wsgi feeds lift-embargoes
    """
    service: ArticleService = current_app.extensions[SERVICE_KEY]
    ids = announce_lifts(service, current_app.extensions["feeds.clock"]())
    notifier = current_app.extensions.get("feeds.websub")
    if notifier is not None:
        notifier.flush(30.0)
    click.echo(f"{len(ids)} embargo(es) lifted" + (f": {' '.join(ids)}" if ids else ""))


def _forked(ref: weakref.ReferenceType[LiftScheduler]) -> None:
    scheduler = ref()
    if scheduler is not None:
        scheduler._running = False  # the child starts its own thread at its first request
