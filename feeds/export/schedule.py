"""When `flask feeds export --follow` runs again, and what the clock alone changed meanwhile.

A follow run is due when the store's change sequence moved (any write, from any process), or
when the clock reached the soonest moment an exported document changes with no write
(`next_change`):

- an embargo lifting: an article becomes visible at its `published` time
  (`Store.next_visibility_change`);
- a tombstone's period ending: an RFC 6721 deleted entry is shown for `tombstone_days` after
  its removal (`Store.next_tombstone_end`), then drops out of its feed's live document and
  month archive; a feed emptied of entries goes from 200 with its tombstones to the app's
  410 Gone when its last one ends, and the archive of a month left with none goes.

`expired_feeds` names the feeds a tombstone dropped out of between two runs, which the follow
run checks whole (every live page and archive: `feeds.export.plan.Planner.plan_changes`).
Every time is an aware datetime of the app's clock.

Not woken for (the next run after a write, or a run without `--follow`, brings them in): an
article leaving the two-day news sitemap, an archive settling.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from articles.store import Facet, Store
from feeds.config import SiteConfig

if TYPE_CHECKING:
    from feeds.export import Exporter, ExportReport

log = logging.getLogger("feeds.export")


def next_change(store: Store, config: SiteConfig, now: datetime) -> datetime | None:
    """The soonest moment after `now` at which an exported document changes by the clock
    alone: the next embargo lifting or tombstone period ending; None when neither will."""
    moments = [store.next_visibility_change(now=now)]
    if config.tombstone_days:
        period = timedelta(days=config.tombstone_days)
        moments.append(store.next_tombstone_end(now=now, period=period))
    return min((m for m in moments if m is not None), default=None)


def expired_feeds(store: Store, config: SiteConfig, since: datetime, now: datetime) -> set[Facet]:
    """The feeds a tombstone dropped out of in (since, now]: those with a tombstone removed in
    (since - period, now - period], `tombstone_days` the period. Empty without tombstones."""
    if not config.tombstone_days:
        return set()
    period = timedelta(days=config.tombstone_days)
    return set(store.tombstoned_feeds(now=now - period, since=since - period))


def follow(
    exporter: Exporter,
    interval: float,
    report: Callable[[ExportReport], None],
    stop: Callable[[], bool],
) -> None:
    """Run `exporter`, then run it again (`changes_only`) whenever the store's change sequence
    moves or the clock reaches the last run's `next_change`, until `stop()`; checks every
    `interval` seconds, sweeping retired files between runs.

    A run or a check that fails (the database unreachable, the disk full) is logged and
    tried again at the next check; the folder keeps the last complete run's files meanwhile.
    """
    last: ExportReport | None = None
    while not stop():
        try:
            due = last is None or (
                last.next_change is not None and exporter.clock() >= last.next_change
            )
            if due or exporter.store.change_seq() != last.change_seq:  # type: ignore[union-attr]
                last = exporter.run(changes_only=last is not None)
                report(last)
            else:
                exporter.sweep()
        except Exception as exc:  # noqa: BLE001 - keep following; the next check retries
            log.warning("export: %s: %s; trying again", type(exc).__name__, exc)
            last = None
        if stop():
            break
        time.sleep(interval)
