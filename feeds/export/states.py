"""The state of each article page in an export run: what decides whether a page must be
asked for again.

A page's state names what the page shows (the code and settings that make it, the article's
`updated`, and the `updated` of the versions in other languages it links), so a page whose
state is unchanged is not rendered again. A full run reads every visible article's state
(`article_states`); a follow run reads only those the writes since the last run touched
(`changed_article_states`, from the store's article change log).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from articles.store import Store, TranslationLink
from feeds.export.changes import RunMemory
from feeds.export.work import RunStore
from feeds.urls import article_page_path

# Article ids per read of their translation links (a bound parameter each).
LINKS_PER_READ: Final = 500


@dataclass(frozen=True, slots=True)
class ArticleState:
    """A visible article's page: its id, publish time, site path and state, and the ids of
    the visible versions in other languages it links (its state names them too)."""

    id: str
    published: datetime
    path: str
    state: str
    links: tuple[str, ...] = ()


def article_states(
    store: Store, now: datetime, version: str, run_store: RunStore | None = None
) -> Iterator[ArticleState]:
    """(path, state) of every visible article's page: the state names what the page shows
    (the code and settings that make it, the article's `updated` and its linked versions'),
    so a page whose state is unchanged need not be asked for. The translation links read
    for it are handed to `run_store`, which answers the feed documents' from them."""
    rows = store.page_rows(now=now)
    ids = [r.id for r in rows]
    found = [
        link
        for start in range(0, len(ids), LINKS_PER_READ)
        for link in store.translation_links(ids[start : start + LINKS_PER_READ], now=now)
    ]
    if run_store is not None:
        run_store.preload_translations(found, ids)
    changes = store.page_changes(ids)
    yield from _states(((r.id, r.published, r.updated) for r in rows), found, changes, version)


def _states(
    rows: Iterable[tuple[str, datetime, datetime]],
    found: Iterable[TranslationLink],
    changes: Mapping[str, datetime],
    version: str,
) -> Iterator[ArticleState]:
    """The states of the pages of the articles (id, published, updated) in `rows`, with
    their translation links `found` and their page change times `changes`
    (`Store.page_changes`)."""
    links: dict[str, list[TranslationLink]] = {}
    for link in found:
        links.setdefault(link.article_id, []).append(link)
    for article_id, published, updated in rows:
        mine = links.get(article_id, ())
        named = [f"{link.other_id}={link.since.isoformat()}" for link in mine]
        changed = changes.get(article_id)
        stamp = changed.isoformat() if changed is not None else ""
        state = "|".join([version, updated.isoformat(), stamp, *named])
        path = article_page_path(article_id)
        yield ArticleState(
            article_id, published, path, state, tuple(link.other_id for link in mine)
        )


def changed_article_states(
    store: Store, memory: RunMemory, now: datetime, version: str
) -> tuple[list[ArticleState], set[str], int] | None:
    """The page states a follow run must look at, read without looking at the other
    articles: the articles a write changed since `memory.seq` (`Store.changed_articles`),
    those that became visible by the clock since `memory.now` (published in between), and
    the translation counterparts of both, before and after (their pages list them). Returns
    the states of the visible ones among them, all their ids (visible or not), and how many
    article rows were read; None when the store's change log no longer reaches back to
    `memory.seq` (then every state must be read)."""
    written = store.changed_articles(memory.seq)
    if written is None:
        return None
    lifted = store.page_rows(now=now, since=memory.now)
    ids = set(written) | {row.id for row in lifted}
    linked = [link.other_id for link in store.translation_links(sorted(ids), now=now)]
    ids.update(linked)
    for article_id in list(ids):
        ids.update(memory.links.get(article_id, ()))
    articles = [a for a in store.fetch(sorted(ids)) if a.is_visible_at(now)]
    visible = [a.id for a in articles]
    found = store.translation_links(visible, now=now) if visible else []
    rows = ((a.id, a.published, a.updated) for a in articles)
    states = list(_states(rows, found, store.page_changes(visible), version))
    return states, ids, len(lifted) + len(ids)
