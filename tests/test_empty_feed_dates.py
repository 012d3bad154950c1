"""An empty feed's date tells nothing of articles readers never saw.

An empty feed (an empty store's "all", a podcast show with no episode yet, an archive month
emptied) is dated by its own history: its last removal readers saw, or the store's set-up. A
draft or an embargoed story deleted before anyone saw it changes no feed (README: nothing
about a non-public article leaves the server, header included); deleting a story readers saw
moves the feeds it was in, which carry its tombstone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from articles.cli import SERVICE_KEY
from tests.fixtures.app import Clock, article

SHOW = {
    "title": "Morning Briefing",
    "section": "briefing",
    "owner_name": "Audio Desk",
    "owner_email": "audio@news.example.com",
    "artwork_url": "https://news.example.com/briefing.jpg",
    "categories": ["News/Daily News"],
}
PATHS = ("/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json", "/feeds/podcast/briefing.rss")


def answers(app: Flask) -> dict[str, tuple[bytes, str | None, str | None]]:
    client = app.test_client()
    out = {}
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        out[path] = (
            response.data,
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
        )
    return out


@pytest.mark.parametrize("hidden", ["draft", "embargoed", "withheld"])
def test_deleting_an_article_no_reader_saw_leaves_empty_feeds_as_they_were(
    make_app: Callable[..., Flask], clock: Clock, hidden: str
) -> None:
    # After the migrated store's set-up time (the wall clock's), which dates an empty feed.
    start = clock.now = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    app = make_app([], site_url="https://news.example.com", podcasts={"briefing": SHOW})
    service = app.extensions[SERVICE_KEY]
    before = answers(app)
    clock.now = start + timedelta(minutes=5)
    changes = (
        {"status": "draft"}
        if hidden == "draft"
        else {"status": "withheld"}
        if hidden == "withheld"
        else {"embargoed": start + timedelta(days=1), "updated": clock.now}
    )
    published = start + timedelta(days=1) if hidden == "embargoed" else start
    service.upsert_many([article("secret", published, **changes)])
    clock.now = start + timedelta(minutes=10)
    service.delete("secret")
    clock.now = start + timedelta(minutes=15)
    assert answers(app) == before


def test_deleting_an_article_readers_saw_moves_the_feeds_it_was_in(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    start = clock.now = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    app = make_app(
        [article("seen", start - timedelta(hours=1))], site_url="https://news.example.com"
    )
    client = app.test_client()
    first = client.get("/feeds/all.atom")
    clock.now = start + timedelta(minutes=10)
    app.extensions[SERVICE_KEY].delete("seen")
    clock.now = start + timedelta(minutes=15)
    after = client.get("/feeds/all.atom")
    assert after.headers["ETag"] != first.headers["ETag"]
    assert after.headers["Last-Modified"] >= first.headers["Last-Modified"]
