"""A write's time is read under the write lock, so no reader can have seen a later moment.

The API stamped a write (the record's `updated`, the feeds' change times) with the time its
request came in, read before the write lock was taken. Two writes in flight together could
then share one microsecond stamp, the second committing after a reader had fetched the
documents the first one changed, in a later second: its changes carried a time older than
that fetch, the documents' `Last-Modified` did not move, and a client revalidating with
`If-Modified-Since` alone got a 304 for a feed, page or sitemap that had changed. Here the
second write is held where it waits for the write lock (behind another writer) while a reader
fetches; every document must then answer 200.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from tests.fixtures.api import ApiClient
from tests.fixtures.app import NOW, Clock

_PATCH = {"Content-Type": "application/merge-patch+json"}
# Documents the correction of jul-1 changes (its title is in each).
DOCUMENTS = [
    "/feeds/all.atom",
    "/feeds/all.json",
    "/feeds/section/asia.rss",
    "/articles/jul-1",
    "/sitemaps/articles-2025-07.xml",
]


def _held_at_the_lock(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], None]
) -> None:
    """Make the next write transaction run `meanwhile` before it starts, as a writer waiting
    for the write lock lets time pass and readers read."""
    store = api.store
    real = store.transaction

    @contextmanager
    def waiting(*args: Any, **kwargs: Any) -> Iterator[Any]:
        monkeypatch.setattr(store, "transaction", real)
        meanwhile()
        with real(*args, **kwargs) as tx:
            yield tx

    monkeypatch.setattr(store, "transaction", waiting)


@pytest.mark.parametrize("path", DOCUMENTS)
def test_a_write_delayed_behind_a_reader_still_moves_last_modified(
    api: ApiClient, clock: Clock, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    clock.now = NOW
    first = api.patch("/api/articles/jul-1", data=json.dumps({"summary": "첫"}), headers=_PATCH)
    assert first.status_code == 200, first.get_json()
    seen: dict[str, Any] = {}

    def meanwhile() -> None:
        # The second write came in at NOW, as the first did, and waits for the write lock;
        # a reader fetches in a later second meanwhile.
        clock.now = NOW + timedelta(seconds=3)
        seen["answer"] = api.client.get(path)

    _held_at_the_lock(api, monkeypatch, meanwhile)
    second = api.patch(
        "/api/articles/jul-1", data=json.dumps({"title": "두 번째 제목"}), headers=_PATCH
    )
    assert second.status_code == 200, second.get_json()
    before = seen["answer"]
    assert before.status_code == 200
    modified = before.headers.get("Last-Modified")
    assert modified is not None, "the first write is seconds old: the document is dated"
    stamped = second.get_json()["record"]["updated"]
    assert stamped > first.get_json()["record"]["updated"]
    for later in (3, 4, 60):
        clock.now = NOW + timedelta(seconds=later)
        again = api.client.get(path, headers={"If-Modified-Since": modified})
        assert again.status_code == 200, (path, later, modified, again.headers)
        assert again.get_data() != before.get_data()


def test_the_records_updated_is_the_time_of_the_write(
    api: ApiClient, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamp is the moment the write holds the lock, not the request's arrival."""
    clock.now = NOW

    def meanwhile() -> None:
        clock.now = NOW + timedelta(seconds=7)

    _held_at_the_lock(api, monkeypatch, meanwhile)
    answer = api.patch("/api/articles/jul-2", data=json.dumps({"title": "새"}), headers=_PATCH)
    assert answer.status_code == 200, answer.get_json()
    stamped = answer.get_json()["record"]["updated"]
    assert stamped.startswith((NOW + timedelta(seconds=7)).strftime("%Y-%m-%dT%H:%M:07")), stamped
