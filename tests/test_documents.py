"""The query step on its own: a document's state from a query and a time, with no request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import has_app_context, has_request_context

from articles.store import ALL, Facet, Store
from feeds.config import SiteConfig
from feeds.documents import Documents, is_settled
from feeds.query import FeedQuery, QueryError
from tests.fixtures.app import EMBARGO, NOW, default_articles


@pytest.fixture
def documents(tmp_path: Path) -> Iterator[Documents]:
    store = Store(f"sqlite:///{tmp_path / 'documents.db'}")
    store.migrate()
    store.upsert_many(default_articles())
    yield Documents(store, SiteConfig(items_per_feed=3))
    store.dispose()


def ids(doc: object) -> list[str]:
    return [key.id for key in doc.keys]  # type: ignore[attr-defined]


def test_a_document_is_described_without_any_flask_context(documents: Documents) -> None:
    assert not has_app_context() and not has_request_context()
    doc = documents.describe(FeedQuery(ALL, "atom", page=1, limit=3), NOW)
    assert ids(doc) == ["aug-4", "aug-3", "aug-2"]
    assert (doc.total, doc.last_page, doc.newest_month) == (7, 3, "2025-08")
    assert not doc.is_archive and not doc.settled
    # The embargoed article lifts half an hour after NOW: no copy may be kept past it.
    assert doc.until_change == (EMBARGO - NOW).total_seconds()


def test_later_pages_link_no_archive_and_the_last_page_is_short(documents: Documents) -> None:
    doc = documents.describe(FeedQuery(ALL, "rss", page=3, limit=3), NOW)
    assert ids(doc) == ["jul-1"]
    assert doc.newest_month is None


def test_the_same_query_later_sees_the_embargoed_article(documents: Documents) -> None:
    doc = documents.describe(FeedQuery(ALL, None, page=1, limit=3), EMBARGO)
    assert ids(doc)[0] == "embargoed"
    assert doc.until_change is None


def test_an_archive_knows_its_neighbours_and_whether_it_is_settled(documents: Documents) -> None:
    july = documents.describe(FeedQuery(ALL, "atom", month="2025-07"), NOW)
    assert ids(july) == ["jul-3", "jul-2", "jul-1"]
    assert (july.prev_month, july.next_month) == (None, "2025-08")
    assert july.settled and july.until_change is None and not july.is_complete
    august = documents.describe(FeedQuery(ALL, "atom", month="2025-08"), NOW)
    assert (august.prev_month, august.next_month, august.settled) == ("2025-07", None, False)
    world = documents.describe(FeedQuery(Facet("language", "en"), "atom", month="2025-08"), NOW)
    assert world.is_complete


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (FeedQuery(Facet("section", "sports"), "atom"), "no section/sports feed"),
        (FeedQuery(ALL, "atom", page=9, limit=3), "page 9 is past the end"),
        (FeedQuery(ALL, "json", month="1999-01"), "no archive for 1999-01"),
        (FeedQuery(Facet("tag", "nope"), "atom", month="2025-07"), "no tag/nope feed"),
    ],
)
def test_a_missing_document_is_a_404_naming_the_place_to_go(
    documents: Documents, query: FeedQuery, message: str
) -> None:
    with pytest.raises(QueryError) as caught:
        documents.describe(query, NOW, site="https://news.example.com/ko")
    assert caught.value.status == 404
    assert message in caught.value.message
    assert "https://news.example.com/ko/" in caught.value.message


@pytest.mark.parametrize(
    ("month", "now", "settled"),
    [
        # Two days after the month ended both in UTC and in Seoul (UTC+9: it ends there first).
        ("2025-07", datetime(2025, 8, 3, 0, 0, tzinfo=UTC), True),
        ("2025-07", datetime(2025, 8, 2, 23, 59, tzinfo=UTC), False),
        # December rolls over into the next year.
        ("2024-12", datetime(2025, 1, 3, 0, 0, tzinfo=UTC), True),
        ("2024-12", datetime(2025, 1, 3, 0, 0, tzinfo=UTC) - timedelta(seconds=1), False),
    ],
)
def test_a_month_is_settled_two_days_after_it_ends(
    month: str, now: datetime, settled: bool
) -> None:
    assert is_settled(month, now, SiteConfig().zone) is settled


def test_a_zone_behind_utc_settles_later() -> None:
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")  # July ends there at 04:00 UTC on 1 August
    assert not is_settled("2025-07", datetime(2025, 8, 3, 3, 59, tzinfo=UTC), new_york)
    assert is_settled("2025-07", datetime(2025, 8, 3, 4, 0, tzinfo=UTC), new_york)
