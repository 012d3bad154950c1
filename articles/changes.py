"""Committed changes, announced to whoever listens (WebSub pings, caches, a future audit log).

`ArticleService` announces one `Change` after every committed write; listeners subscribe to
its `ChangeListeners`. A listener that fails is logged on the `articles.changes` logger and
never fails the write, which is already committed. Articles knows nothing of its listeners:
the feeds package subscribes itself when the app is built.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from articles.store import Facet

log = logging.getLogger("articles.changes")

Action = Literal["create", "replace", "correct", "delete", "import", "lift"]


@dataclass(frozen=True, slots=True)
class Change:
    """One committed write: what was done, to which articles, which feeds it touched, when.

    `article_ids` names the articles written (created, replaced, corrected or deleted), in the
    order written; an `import` names none, as it may write millions, and gives their number in
    `count` instead (for the others `count` is `len(article_ids)`). A `lift` names the
    embargoed articles that just became visible, by time alone (announced once, by whichever
    process claims it). `facets` are the feeds whose visible content changed ('all' included
    when anything visible changed): a write to an article nobody can see yet (a draft, an
    embargoed story) changes none; `at` is the time of the commit, aware.
    """

    action: Action
    article_ids: tuple[str, ...]
    facets: frozenset[Facet]
    at: datetime
    count: int = 0

    def __post_init__(self) -> None:
        if self.article_ids and not self.count:
            object.__setattr__(self, "count", len(self.article_ids))


Listener = Callable[[Change], object]


class ChangeListeners:
    """An ordered list of callables, each called with every announced `Change`."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Listener:
        """Call `listener(change)` after every committed change; returns it (a decorator)."""
        self._listeners.append(listener)
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def __iter__(self) -> Iterator[Listener]:
        return iter(list(self._listeners))

    def __len__(self) -> int:
        return len(self._listeners)

    def announce(self, change: Change) -> None:
        """Call every listener with `change`; a failing one is logged, the others still run."""
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception as exc:  # noqa: BLE001 - the change is committed; say why, go on
                log.warning(
                    "change listener %s failed for %s of %d article(s): %s: %s",
                    getattr(listener, "__qualname__", repr(listener)),
                    change.action,
                    change.count,
                    type(exc).__name__,
                    exc,
                )
