"""Documents whose entries link other-language versions keep their Last-Modified, and it moves.

A linked version appearing, leaving or changing changes the documents of its counterparts
(every feed holding them, their pages and archives, podcast shows, the counterparts' article
pages) though no counterpart was written. The store's write path moves their change times in
the write's transaction (the counterparts' feeds in `facet_changes`, their pages in
`article_page_changes`, on SQLite and PostgreSQL), an embargo that ends dates the link by its
own publish time, so Last-Modified is sent for such documents and moves forward with every
change of their bytes: `If-Modified-Since` with an earlier copy's date gets the new bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_date

from articles.model import Article, Section, Translation
from articles.store import Facet, Store
from tests.fixtures.app import NOW, Clock, article, default_articles
from tests.fixtures.store import T0, make_article
from tests.test_podcast_feeds import SHOW, episode

LATER = T0 + timedelta(hours=1)
STEP = timedelta(seconds=2)


# --- the store: the write path moves the change times of the counterparts' documents ---------


def korean(**changes: Any) -> Article:
    return make_article(
        "ko-1",
        translations=(Translation("en-1", "en"),),
        section=Section("asia", "아시아"),
        **changes,
    )


def english(**changes: Any) -> Article:
    fields: dict[str, Any] = {"language": "en", "section": Section("world", "World"), "minutes": 5}
    return make_article("en-1", **{**fields, **changes})


@pytest.mark.parametrize(
    "change",
    [
        {"status": "withheld"},
        {"status": "draft"},
        {"url": "https://www.trt.example/en/1"},
        {"language": "en-GB"},
        {"published": LATER + timedelta(days=1)},  # put back under embargo
        "delete",
    ],
)
def test_a_counterparts_change_moves_the_change_times_of_every_document_linking_it(
    store: Store, change: dict[str, Any] | str
) -> None:
    store.upsert_many([korean(), english()], now=LATER)
    written = LATER + timedelta(minutes=10)
    if change == "delete":
        store.delete("en-1", now=written)
    else:
        assert isinstance(change, dict)
        result = store.upsert_many([english(updated=LATER, **change)], now=written)
        assert result.updated == 1
    # Its counterpart's page, and every feed holding the counterpart.
    assert store.page_changes(["ko-1", "x"]) == {"ko-1": written}
    for facet in (Facet("language", "ko"), Facet("section", "asia"), Facet("all", "")):
        assert store.last_change(facet, now=written, period=timedelta(days=30)) == written


def test_a_record_with_the_same_updated_and_other_content_moves_its_page_time(
    store: Store,
) -> None:
    store.upsert_many([korean(), english()], now=LATER)
    written = LATER + timedelta(minutes=10)
    result = store.upsert_many([korean(title="Corrected")], now=written)
    assert result.updated == 1
    assert store.page_changes(["ko-1"]) == {"ko-1": written}
    later = written + timedelta(minutes=1)
    store.upsert_many([korean(title="Corrected")], now=later)  # the same record: unchanged
    assert store.page_changes(["ko-1"]) == {"ko-1": written}


def test_a_deleted_articles_page_time_stays_for_its_id(store: Store) -> None:
    store.upsert_many([korean(), english()], now=LATER)
    written = LATER + timedelta(minutes=10)
    store.delete("ko-1", now=written)
    assert store.page_changes(["ko-1", "en-1"]) == {"ko-1": written, "en-1": written}
    store.upsert_many([korean()], now=written + timedelta(minutes=1))
    assert store.page_changes(["ko-1"]) == {"ko-1": written}


def test_page_times_never_go_back(store: Store) -> None:
    store.upsert_many([korean(), english()], now=LATER)
    store.upsert_many([english(status="withheld", updated=LATER)], now=LATER + STEP)
    store.upsert_many([english(updated=LATER + STEP)], now=LATER)  # a write with an older clock
    assert store.page_changes(["ko-1"]) == {"ko-1": LATER + STEP}


# --- over HTTP: Last-Modified is sent, moves forward with the bytes, never goes back ----------

# A (Korean, on page 2 of "all", in the August archives) and a podcast episode both name B.
A = article(
    "a", NOW - timedelta(days=9), translations=(Translation("b", "en"),), title="한국어 기사"
)
B_PUBLISHED = NOW - timedelta(days=8)
DOCUMENTS = (
    "/feeds/all.atom?page=2",
    "/feeds/lang/ko.rss?page=2",
    "/feeds/section/asia.json?page=2",
    "/feeds/all/archive/2025-08.atom",
    "/feeds/lang/ko/archive/2025-08.rss",
    "/feeds/podcast/briefing.rss",
    "/feeds/podcast/briefing.atom",
    "/articles/a",
    "/articles/briefing-1",
)


def counterpart(**changes: Any) -> Article:
    fields: dict[str, Any] = {
        "language": "en",
        "title": "English version",
        "section": Section("world", "세계"),  # in none of A's feeds but "all"
        "tags": (),
    }
    return article("b", B_PUBLISHED, **{**fields, **changes})


@pytest.fixture
def linked_app(make_app: Callable[..., Flask]) -> Flask:
    # In Korean: a version in the entry's own language is not linked (feeds.translations).
    show_episode = episode(1, language="ko", translations=(Translation("b", "en"),))
    show_episode = replace(show_episode, id="briefing-1")
    return make_app(
        [*default_articles(), A, counterpart(), show_episode],
        items_per_feed=3,
        site_url="http://localhost",  # the test client's: a show's podcast:guid needs it
        podcasts={"briefing": SHOW},
    )


OPERATIONS = ("withdraw", "publish", "embargo", "delete", "correct", "rename", "wait")


def apply(app: Flask, clock: Clock, operation: str) -> None:
    """One write (or none) to the counterpart B, at the clock's time."""
    store: Store = app.extensions["feeds.store"]
    now = clock.now
    stored = store.get("b")
    base = stored or counterpart()
    if operation == "delete":
        if stored is not None:
            store.delete("b", now=now)
        return
    if operation == "wait":
        return
    changes: dict[str, Any] = {"withdraw": {"status": "withheld"}}.get(operation, {})
    if operation == "publish":
        changes = {"status": "published", "published": B_PUBLISHED}
    elif operation == "embargo":
        # Under embargo until a little later: the clock lifts it between two later looks
        # (which come a whole number of steps after a write), never at one.
        changes = {"status": "published", "published": now + 3 * STEP + timedelta(seconds=1)}
    elif operation == "correct":  # the same `updated`, another URL: the links change
        changes = {"url": f"https://www.trt.example/en/{now.timestamp():.0f}"}
        store.upsert_many([replace(base, **changes)], now=now)
        return
    elif operation == "rename":
        changes = {"language": "en-GB" if base.language == "en" else "en"}
    store.upsert_many([replace(base, updated=now - STEP, **changes)], now=now)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=6))
def test_last_modified_moves_forward_with_every_change_of_a_linked_version(
    make_app: Callable[..., Flask], clock: Clock, operations: list[str]
) -> None:
    clock.now = NOW
    show_episode = replace(episode(1, translations=(Translation("b", "en"),)), id="briefing-1")
    app = make_app(
        [*default_articles(), A, counterpart(), show_episode],
        items_per_feed=3,
        site_url="http://localhost",  # the test client's: a show's podcast:guid needs it
        podcasts={"briefing": SHOW},
    )
    client = app.test_client()
    seen: dict[str, tuple[bytes, str]] = {}
    for operation in ["wait", *operations]:
        clock.now += STEP
        apply(app, clock, operation)
        clock.now += STEP  # the change is a whole second old: a date can be sent
        for path in DOCUMENTS:
            response = client.get(path)
            if response.status_code != 200:  # the episode's show page may be the only one
                continue
            modified = response.headers.get("Last-Modified")
            assert modified, (path, operation)
            before = seen.get(path)
            if before is not None:
                body, date = before
                old, new = parse_date(date), parse_date(modified)
                assert old is not None and new is not None
                assert new >= old, (path, operation)  # never back
                if response.data != body:
                    assert new > old, (path, operation)
                    again = client.get(path, headers={"If-Modified-Since": date})
                    assert again.status_code == 200 and again.data == response.data, path
            current = client.get(path, headers={"If-Modified-Since": modified})
            assert current.status_code == 304, path
            seen[path] = (response.data, modified)


@pytest.mark.parametrize("operation", ["withdraw", "delete", "embargo", "rename", "correct"])
def test_if_modified_since_gets_the_new_document_after_a_linked_version_changes(
    linked_app: Flask, clock: Clock, operation: str
) -> None:
    client = linked_app.test_client()
    first = {path: client.get(path) for path in DOCUMENTS}
    for path, response in first.items():
        assert response.headers.get("Last-Modified"), path
    clock.now += STEP
    apply(linked_app, clock, operation)
    clock.now += STEP
    for path, response in first.items():
        after = client.get(path, headers={"If-Modified-Since": response.headers["Last-Modified"]})
        assert after.status_code == 200, path
        assert after.data != response.data, path
        assert parse_date(after.headers["Last-Modified"]) > parse_date(  # type: ignore[operator]
            response.headers["Last-Modified"]
        )


def test_an_embargo_ending_moves_the_linked_documents_date(linked_app: Flask, clock: Clock) -> None:
    client = linked_app.test_client()
    clock.now += STEP
    apply(linked_app, clock, "embargo")  # B is hidden until now + 3 steps
    clock.now += STEP
    hidden = {path: client.get(path) for path in DOCUMENTS}
    clock.now += 4 * STEP  # B appears by the clock: no write
    for path, response in hidden.items():
        date = response.headers["Last-Modified"]
        after = client.get(path, headers={"If-Modified-Since": date})
        assert after.status_code == 200, path
        assert parse_date(after.headers["Last-Modified"]) > parse_date(date)  # type: ignore[operator]
