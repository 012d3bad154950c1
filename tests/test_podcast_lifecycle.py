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
    clock.now += timedelta(seconds=1)  # a date is promised once the change is a second old
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


def test_a_deleted_episode_leaves_a_tombstone_in_the_show_atom_feed_and_a_text_article_none(
    podcast_app: Flask,  # noqa: F811
    clock: Clock,
) -> None:
    client = podcast_app.test_client()
    assert client.get("/feeds/podcast/briefing.atom").status_code == 200
    clock.now += timedelta(hours=1)
    with podcast_app.app_context():
        _service(podcast_app).delete("ep-03")  # an episode of the show
        _service(podcast_app).delete("text-1")  # same section, no audio: never in the show
    show = client.get("/feeds/podcast/briefing.atom").data
    section = client.get("/feeds/section/briefing.atom").data
    assert show.count(b"<at:deleted-entry") == 1
    assert b':ep-03"' in show.split(b"<at:deleted-entry", 1)[1].split(b">", 1)[0]
    assert b':text-1"' not in show
    assert section.count(b"<at:deleted-entry") == 2
