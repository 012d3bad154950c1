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
- `flask --app wsgi feeds lift-embargoes`, for cron (and without a hub: it then only records
  the lifts and says that nobody was told).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

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
    """Tell the WebSub hub about embargoed articles that have become visible.

    An embargo ends by itself: at its time the article is in the feeds, pages and API for
    every reader, whether or not this runs. What nobody learns by itself is the WebSub hub:
    this command claims each lift that is due and not yet claimed (by this command or an app
    process's scheduler, which runs only when a hub is configured), pings the hub for the
    feeds the article joined, and reports each article with the time it became visible,
    which may be well before this run. Without a hub (`hub_url` empty) nobody is told: the
    lifts are only recorded as handled, and the report says so. Each lift is claimed once,
    whoever runs this; safe to run from cron every minute.

    \b
    Output, one line:
      1 embargo lift announced to the WebSub hub now: e1 (visible since
        2026-11-30T20:00:00Z, 13 min before this run)
      1 embargo lift recorded, no WebSub hub configured so nobody was told: e1 (...)
      0 embargo lifts due: nothing announced

    \b
    Example:
      flask --app wsgi feeds lift-embargoes
    """
    service: ArticleService = current_app.extensions[SERVICE_KEY]
    now = current_app.extensions["feeds.clock"]()
    ids = announce_lifts(service, now)
    notifier = current_app.extensions.get("feeds.websub")
    delivered = notifier.flush(30.0) if notifier is not None else True
    click.echo(
        lift_report(
            ids,
            service,
            now,
            hub=bool(current_app.extensions["feeds.config"].hub_url),
            delivered=delivered,
        )
    )


def lift_report(
    ids: list[str], service: ArticleService, now: datetime, *, hub: bool, delivered: bool = True
) -> str:
    """The command's one line: what was claimed now, told to whom, visible since when."""
    if not ids:
        return "0 embargo lifts due: nothing announced"
    count = f"{len(ids)} embargo lift{'s' if len(ids) != 1 else ''}"
    if not hub:
        done = f"{count} recorded, no WebSub hub configured so nobody was told"
    elif delivered:
        done = f"{count} announced to the WebSub hub now"
    else:
        done = f"{count} claimed now; the hub pings were not all delivered within 30 s"
    described = []
    for article_id in ids:
        article = service.store.get(article_id)
        since = article.published if article is not None else None
        if since is None:
            described.append(article_id)
            continue
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        described.append(f"{article_id} (visible since {stamp}, {_before(now - since)})")
    return f"{done}: {', '.join(described)}"


def _before(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under a minute before this run"
    if minutes < 120:
        return f"{minutes} min before this run"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min before this run"
    return f"{minutes // (24 * 60)} days before this run"


def _forked(ref: weakref.ReferenceType[LiftScheduler]) -> None:
    scheduler = ref()
    if scheduler is not None:
        scheduler._running = False  # the child starts its own thread at its first request
