"""ArticleService: the one write path (create, replace, correct, delete, bulk) and its changes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from articles.changes import Change, ChangeListeners
from articles.errors import (
    ArticleExists,
    ArticleNotFound,
    GuidConflict,
    InvalidArticle,
    StaleArticle,
)
from articles.ids import mint_guid
from articles.model import Section
from articles.service import ArticleService
from articles.store import ALL, Facet, Store
from tests.fixtures.store import T0, make_article

AUTHORITY = "news.example.org,2025"
NOW = datetime(2025, 8, 1, tzinfo=UTC)


@pytest.fixture
def heard() -> list[Change]:
    return []


@pytest.fixture
def service(store: Store, heard: list[Change]) -> ArticleService:
    listeners = ChangeListeners()
    listeners.subscribe(heard.append)
    return ArticleService(store, tag_authority=AUTHORITY, clock=lambda: NOW, listeners=listeners)


def test_create_mints_the_guid_stores_and_announces(
    service: ArticleService, heard: list[Change]
) -> None:
    result = service.create(make_article("a1", guid=None))
    assert result.outcome == "created"
    assert result.article is not None and result.article.guid == mint_guid(AUTHORITY, "a1")
    assert service.get("a1").guid == mint_guid(AUTHORITY, "a1")
    assert heard == [Change("create", ("a1",), result.facets, NOW)]
    assert {ALL, Facet("section", "asia"), Facet("tag", "japan")} <= result.facets
    assert heard[0].count == 1


def test_create_of_a_stored_id_raises_article_exists_and_writes_nothing(
    service: ArticleService, heard: list[Change]
) -> None:
    service.create(make_article("a1"))
    with pytest.raises(ArticleExists) as caught:
        service.create(make_article("a1", title="다른 제목", minutes=5))
    assert caught.value.article_id == "a1"
    assert service.get("a1").title == "기사 a1"
    assert len(heard) == 1


def test_create_with_a_guid_another_article_has_raises_guid_conflict(
    service: ArticleService,
) -> None:
    service.create(make_article("a1", guid="urn:x:1"))
    with pytest.raises(GuidConflict) as caught:
        service.create(make_article("a2", guid="urn:x:1"))
    assert (caught.value.article_id, caught.value.guid, caught.value.other_id) == (
        "a2",
        "urn:x:1",
        "a1",
    )


def test_replace_creates_updates_or_says_why_nothing_changed(
    service: ArticleService, heard: list[Change]
) -> None:
    assert service.replace(make_article("a1")).outcome == "created"
    same = service.replace(make_article("a1"))
    assert same.outcome == "unchanged"
    assert same.facets == frozenset()
    older = service.replace(make_article("a1", title="옛 제목", updated=T0 - timedelta(hours=1)))
    assert (older.outcome, older.reason) == ("skipped", "older than the stored version")
    assert older.facets == frozenset()
    newer = service.replace(
        make_article("a1", title="새 제목", guid="urn:other", updated=T0 + timedelta(hours=1))
    )
    assert newer.outcome == "updated"
    assert newer.article is not None and newer.article.title == "새 제목"
    assert newer.article.guid == "tag:feeds.example.org,2025:a1"  # the stored guid is kept
    assert [c.action for c in heard] == ["replace", "replace"]


def test_conditional_writes_refuse_a_changed_article(service: ArticleService) -> None:
    service.create(make_article("a1"))
    seen = service.get("a1").updated
    service.correct("a1", {"title": "고침"})
    with pytest.raises(StaleArticle) as caught:
        service.correct("a1", {"title": "다시"}, if_updated=seen)
    assert caught.value.article_id == "a1"
    with pytest.raises(StaleArticle):
        service.delete("a1", if_updated=seen)
    with pytest.raises(StaleArticle):
        service.replace(make_article("a1", updated=T0 + timedelta(days=1)), if_updated=seen)
    assert service.get("a1").title == "고침"
    current = service.get("a1").updated
    assert service.delete("a1", if_updated=current).outcome == "deleted"


def test_correct_changes_only_the_given_fields_and_dates_the_correction(
    service: ArticleService, heard: list[Change]
) -> None:
    service.create(make_article("a1"))
    result = service.correct("a1", {"section": Section("europe", "유럽")})
    assert result.outcome == "updated" and result.article is not None
    assert result.article.section == Section("europe", "유럽")
    assert result.article.title == "기사 a1"
    assert result.article.updated == NOW
    # The old and the new section feeds both changed.
    assert {Facet("section", "asia"), Facet("section", "europe")} <= result.facets
    assert heard[-1].action == "correct"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"headline": "x"}, "headline"), ({"id": "b"}, "id"), ({"guid": "urn:x"}, "guid")],
)
def test_correct_refuses_unknown_and_fixed_fields_naming_them(
    service: ArticleService, changes: dict[str, str], field: str
) -> None:
    service.create(make_article("a1"))
    with pytest.raises(InvalidArticle) as caught:
        service.correct("a1", changes)
    assert (caught.value.field, caught.value.article_id) == (field, "a1")


def test_correct_refuses_an_updated_time_that_is_not_later(service: ArticleService) -> None:
    service.create(make_article("a1"))
    with pytest.raises(InvalidArticle, match="updated: .* is not later than the stored"):
        service.correct("a1", {"title": "x", "updated": T0})


def test_writes_to_a_missing_article_raise_article_not_found(service: ArticleService) -> None:
    with pytest.raises(ArticleNotFound):
        service.correct("nope", {"title": "x"})
    with pytest.raises(ArticleNotFound):
        service.delete("nope")
    with pytest.raises(ArticleNotFound):
        service.get("nope")


def test_delete_leaves_a_tombstone_dated_by_the_clock_and_announces(
    service: ArticleService, store: Store, heard: list[Change]
) -> None:
    service.create(make_article("a1"))
    result = service.delete("a1")
    assert (result.outcome, result.article) == ("deleted", None)
    assert store.tombstones() == [("a1", "tag:feeds.example.org,2025:a1", NOW)]
    assert heard[-1] == Change("delete", ("a1",), result.facets, NOW)


def test_bulk_announces_once_after_commit_and_nothing_after_rollback(
    service: ArticleService, heard: list[Change]
) -> None:
    with service.bulk() as bulk:
        bulk.write([service.prepare(make_article(f"a{i}", guid=None)) for i in range(3)])
        assert heard == []  # not before the commit
    assert [(c.action, c.article_ids, c.count) for c in heard] == [("import", (), 3)]
    with service.bulk() as bulk:
        bulk.write([service.prepare(make_article("b1"))])
        bulk.rollback()
    assert len(heard) == 1
    assert service.store.get("b1") is None


def test_a_failing_listener_is_logged_and_neither_breaks_the_write_nor_the_others(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    listeners = ChangeListeners()
    after: list[Change] = []

    def broken(change: Change) -> None:
        raise RuntimeError("hub exploded")

    listeners.subscribe(broken)
    listeners.subscribe(after.append)
    service = ArticleService(store, tag_authority=AUTHORITY, listeners=listeners)
    with caplog.at_level(logging.WARNING, logger="articles.changes"):
        result = service.create(make_article("a1"))
    assert result.outcome == "created" and store.get("a1") is not None
    assert len(after) == 1
    assert "hub exploded" in caplog.text and "RuntimeError" in caplog.text
    assert all(r.exc_info is None for r in caplog.records)


def test_a_bad_tag_authority_is_refused_when_the_service_is_built(store: Store) -> None:
    with pytest.raises(ValueError, match="tag_authority"):
        ArticleService(store, tag_authority="not an authority")
