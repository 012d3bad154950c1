"""Last-Modified moves forward when the settings or the code that shape a document change.

A podcast show's new title, the site's title or URL, a feed's title, or a release whose
writers change the output change a document's bytes while no article moves. Every
Last-Modified is at or after the time the documents' version (settings and code,
`feeds.etag.version_fingerprint`) came into use (`Store.adopt_version`), so a client that
validates with `If-Modified-Since` alone gets the new bytes, and the date never goes back,
even when an older version comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import FlaskGroup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_date

import feeds.etag
from articles.model import Media, Section
from articles.store import Store
from tests.fixtures.app import NOW, Clock, article
from tests.fixtures.store import run_at_once

SITE = "https://news.example.com"
BRIEFING = Section("briefing", "Briefing")
SHOW: dict[str, Any] = {
    "title": "Morning Briefing",
    "description": "Five minutes of the day's news",
    "section": "briefing",
    "author": "Newsroom Audio",
    "owner_name": "Audio Desk",
    "owner_email": "audio@news.example.com",
    "artwork_url": "https://news.example.com/briefing-3000.jpg",
    "language": "en",
    "categories": ["News/Daily News"],
    "explicit": False,
}


def corpus() -> list[Any]:
    audio = Media("https://cdn.example.com/ep1.mp3", 1000, "audio/mpeg", duration=300)
    return [
        article("ep-1", NOW - timedelta(days=2), section=BRIEFING, media=(audio,)),
        article("text-1", NOW - timedelta(days=1)),
    ]


@pytest.fixture
def on_one_database(
    make_app: Callable[..., Flask], clock: Clock, tmp_path: Path
) -> Callable[..., Flask]:
    """Apps over one database and one set of articles, each started a minute later than the
    last (as a restart with new settings or code would be)."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"

    def start(**settings: Any) -> Flask:
        clock.now += timedelta(minutes=1)
        return make_app(corpus(), **{"database_url": url, "site_url": SITE, **settings})

    return start


def fetch(app: Flask, path: str, since: str | None = None) -> Any:
    headers = {"If-Modified-Since": since} if since else {}
    return app.test_client().get(path, headers=headers)


@pytest.mark.parametrize(
    ("path", "before", "after", "text"),
    [
        (
            "/feeds/podcast/briefing.rss",
            {"podcasts": {"briefing": SHOW}},
            {"podcasts": {"briefing": {**SHOW, "title": "Evening Briefing"}}},
            "Evening Briefing",
        ),
        ("/feeds/all.atom", {"title": "Old Title"}, {"title": "New Title"}, "New Title"),
        ("/articles/text-1", {"title": "Old Title"}, {"title": "New Title"}, "New Title"),
        (
            "/feeds/section/briefing.json",
            {"site_url": SITE},
            {"site_url": "https://www.example.org"},
            "www.example.org",
        ),
    ],
    ids=["show-title", "site-title-feed", "site-title-page", "site-url"],
)
def test_a_new_setting_moves_last_modified_so_if_modified_since_gets_the_new_bytes(
    on_one_database: Callable[..., Flask],
    path: str,
    before: dict[str, Any],
    after: dict[str, Any],
    text: str,
) -> None:
    first = fetch(on_one_database(**before), path)
    assert first.status_code == 200 and text not in first.get_data(as_text=True)
    modified = first.headers["Last-Modified"]
    new = on_one_database(**after)
    again = fetch(new, path, since=modified)
    assert again.status_code == 200, "a 304 would keep the old settings' bytes"
    assert text in again.get_data(as_text=True)
    assert parse_date(again.headers["Last-Modified"]) > parse_date(modified)  # type: ignore[operator]
    # Same settings and code, same articles: a later start keeps every date.
    same = on_one_database(**after)
    assert fetch(same, path).headers["Last-Modified"] == again.headers["Last-Modified"]
    assert fetch(same, path, since=again.headers["Last-Modified"]).status_code == 304


LIFETIMES = {
    "cache_max_age": 5,
    "stale_while_revalidate": 3,
    "stale_if_error": 600,
    "archive_max_age": 3600,
}


@pytest.mark.parametrize("setting", sorted(LIFETIMES))
@pytest.mark.parametrize(
    "path",
    [
        "/feeds/all.atom",
        "/feeds/section/briefing.json",
        "/feeds/all/archive/2025-08.rss",
        "/feeds/podcast/briefing.rss",
        "/articles/text-1",
        "/section/asia",
        "/",
        "/feeds.opml",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_cache_lifetimes_leave_every_etag_and_date_alone(
    on_one_database: Callable[..., Flask], setting: str, path: str
) -> None:
    """How long caches may keep a document is in its Cache-Control, not in its bytes: an
    operator tuning it, or two processes running with two values during the change, must not
    give the same bytes a new ETag and Last-Modified (every reader would download every feed
    again, and the processes' answers would alternate between two tags)."""
    shows = {"podcasts": {"briefing": SHOW}}
    first = fetch(on_one_database(**shows), path)
    tuned = on_one_database(**shows, **{setting: LIFETIMES[setting]})
    again = fetch(tuned, path)
    assert first.status_code == again.status_code == 200
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert fetch(tuned, path, since=first.headers["Last-Modified"]).status_code == 304


def test_a_release_that_changes_the_code_moves_last_modified(
    on_one_database: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fetch(on_one_database(), "/feeds/all.rss")
    monkeypatch.setattr(feeds.etag, "OUTPUT_VERSION", "a-later-release")
    again = fetch(on_one_database(), "/feeds/all.rss", since=first.headers["Last-Modified"])
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]


def test_settings_that_come_back_move_the_date_forward_again(
    on_one_database: Callable[..., Flask],
) -> None:
    """A -> B -> A: the bytes changed back when A returned, so A's old date would be a lie to
    a client holding B's bytes."""
    path = "/feeds/all.atom"
    fetch(on_one_database(title="A"), path)
    b = fetch(on_one_database(title="B"), path)
    back = fetch(on_one_database(title="A"), path, since=b.headers["Last-Modified"])
    assert back.status_code == 200 and "<title>A</title>" in back.get_data(as_text=True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from("ABC"), st.integers(min_value=-90, max_value=600)),
        min_size=1,
        max_size=8,
    )
)
def test_the_version_time_never_goes_back_and_changes_only_with_the_version(
    store: Store, steps: list[tuple[str, int]]
) -> None:
    """Whatever the order of versions and starts (clocks may even step back), the recorded
    time never goes back, stays put while the version stays, and moves when it changes."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM document_versions")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    previous: tuple[str, datetime] | None = None
    for version, seconds in steps:
        now += timedelta(seconds=seconds)
        since = store.adopt_version(version, now=now)
        if previous is None:
            assert since == now
        elif previous[0] == version:
            assert since == previous[1]
        else:
            assert since > previous[1] and since >= now
            assert since == now or since == previous[1] + timedelta(microseconds=1)
        previous = (version, since)


def _adopt_at_once(url: str, barrier: Any, results: Any) -> None:
    import os

    store = Store(url)
    barrier.wait()
    try:
        # Each process's own clock, a little apart: the first to record wins.
        now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(microseconds=os.getpid() % 1000)
        results.put(store.adopt_version("release-2", now=now).isoformat())
    except Exception as exc:  # noqa: BLE001 - reported to the parent as text
        results.put(f"{type(exc).__name__}: {exc}")
    finally:
        store.dispose()


def test_processes_starting_at_once_agree_on_one_time(store: Store, database_url: str) -> None:
    store.adopt_version("release-1", now=datetime(2025, 12, 1, tzinfo=UTC))
    outcomes = run_at_once(_adopt_at_once, database_url, 4)
    assert len(set(outcomes)) == 1, outcomes
    assert datetime.fromisoformat(outcomes[0]) >= datetime(2026, 1, 1, tzinfo=UTC)


def test_a_process_that_makes_no_document_leaves_the_date_alone(
    on_one_database: Callable[..., Flask],
) -> None:
    """A read-only command run with other settings than the server's (`flask articles list`
    without FEEDS_SITE_URL, say) recorded its settings as the version in use when it started;
    the server's next process then dated every document anew, bytes unchanged, and an
    `If-Modified-Since` got a 200 instead of a 304 (the export's dates moved the same way)."""
    path = "/feeds/all.atom"
    first = fetch(on_one_database(title="A"), path)
    assert first.status_code == 200
    # `flask articles list`: the app is made inside the command's click context.
    cli = FlaskGroup(create_app=lambda: on_one_database(title="B"))
    command = CliRunner().invoke(cli, ["articles", "list"])
    assert command.exit_code == 0, command.output
    again = fetch(on_one_database(title="A"), path, since=first.headers["Last-Modified"])
    assert again.status_code == 304
    # A process that does make a document under other settings still moves it.
    changed = fetch(on_one_database(title="B"), path, since=first.headers["Last-Modified"])
    assert changed.status_code == 200
