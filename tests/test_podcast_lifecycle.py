"""A show's episodes go through the editorial lifecycle like any article's."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

from flask import Flask

from articles.service import ArticleService
from tests.fixtures.app import Clock
from tests.test_podcast_feeds import pclient, podcast_app  # noqa: F401  (fixtures)


def _service(app: Flask) -> ArticleService:
    service: ArticleService = app.extensions["articles.service"]
    return service


def test_deleting_the_newest_episode_leaves_every_show_format_and_last_modified_never_goes_back(
    podcast_app: Flask,  # noqa: F811
    clock: Clock,
) -> None:
    client = podcast_app.test_client()
    before = {}
    for fmt in ("rss", "atom", "json"):
        response = client.get(f"/feeds/podcast/briefing.{fmt}")
        assert b"ep7.mp3" in response.data
        before[fmt] = parsedate_to_datetime(response.headers["Last-Modified"])
    clock.now += timedelta(hours=1)
    with podcast_app.app_context():
        _service(podcast_app).delete("ep-07")
    for fmt in ("rss", "atom", "json"):
        response = client.get(f"/feeds/podcast/briefing.{fmt}")
        assert response.status_code == 200, (fmt, response.data[:300])
        assert b"ep7.mp3" not in response.data
        after = parsedate_to_datetime(response.headers["Last-Modified"])
        assert after >= before[fmt], fmt
        # A reader that validates with If-Modified-Since alone learns of the deletion.
        stale = client.get(
            f"/feeds/podcast/briefing.{fmt}",
            headers={"If-Modified-Since": format_datetime(before[fmt], usegmt=True)},
        )
        assert stale.status_code == 200, fmt
