"""Reads keyed by a document's ids take any number of them (articles.store.sql.one_of).

A monthly archive holds a whole month, so its entry ids, and the reads keyed by them (the
articles, their page changes, their translations and the next embargoed one), can run to tens
of thousands: bound one parameter each, 32,768 or more passed PostgreSQL's limit of 65,535
parameters a statement (the translation reads bind the list twice) and the archive failed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from articles.model import Translation
from articles.store import Store
from articles.store.sql import PLAIN_IN_LIMIT
from tests.fixtures.store import make_article

NOW = datetime(2025, 8, 1, tzinfo=UTC)


@pytest.mark.parametrize("extra", [0, PLAIN_IN_LIMIT, 40_000])
def test_reads_by_ids_take_any_number_of_ids(store: Store, extra: int) -> None:
    story = make_article("ko-1", translations=(Translation("en-1", "en"),))
    english = make_article("en-1", language="en", translations=(Translation("ko-1", "ko"),))
    later = make_article(
        "en-2",
        language="en",
        published=NOW + timedelta(hours=2),
        updated=NOW + timedelta(hours=2),
        embargoed=NOW + timedelta(hours=2),
        translations=(Translation("ko-1", "ko"),),
    )
    store.upsert_many([story, english, later], now=NOW)
    # Ids no article has, around the real ones, as a big month's keys would be.
    ids = [f"none-{n}" for n in range(extra)] + ["ko-1", "en-1"]
    assert [a.id for a in store.fetch(ids)] == ["ko-1", "en-1"]
    links = store.translation_links(ids, now=NOW)
    assert sorted((x.article_id, x.other_id) for x in links) == [("en-1", "ko-1"), ("ko-1", "en-1")]
    assert store.next_linked_appearance(ids, now=NOW) == NOW + timedelta(hours=2)
    assert store.page_changes(ids) == store.page_changes(["ko-1", "en-1"])
