"""A show's episodes go through the editorial lifecycle like any article's."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from io import BytesIO
from typing import Any

import feedparser
import podcastparser
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.model import Section
from tests.fixtures.app import Clock, service_of
from tests.test_podcast_feeds import ATOM, BASE, SHOW, episode, pclient, podcast_app  # noqa: F401  (fixtures)
from tests.test_podcast_feeds import corpus as podcast_corpus


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
        service_of(podcast_app).delete("ep-07")
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
        service_of(podcast_app).delete("ep-03")  # an episode of the show
        service_of(podcast_app).delete("text-1")  # same section, no audio: never in the show
    show = client.get("/feeds/podcast/briefing.atom").data
    section = client.get("/feeds/section/briefing.atom").data
    assert show.count(b"<at:deleted-entry") == 1
    assert b':ep-03"' in show.split(b"<at:deleted-entry", 1)[1].split(b">", 1)[0]
    assert b':text-1"' not in show
    assert section.count(b"<at:deleted-entry") == 2


# An embargoed article caps the cache lifetime of exactly the documents it will join
# (docs/http.md): a show's documents only by the show's own coming episodes. Each case is one
# way an embargoed article can fail to be an episode of the show (or be one).
@pytest.mark.parametrize(
    ("changes", "joins_the_show"),
    [
        ({}, True),  # audio in the show's section: a coming episode
        ({"media": ()}, False),  # the show's section, no audio: a text story
        ({"section": Section("world", "World")}, False),  # audio in another section
        ({"status": "draft"}, False),  # never published
    ],
    ids=["episode", "text-in-section", "audio-elsewhere", "draft"],
)
def test_a_show_is_capped_only_by_its_own_coming_episodes(
    make_app: Callable[..., Flask],
    clock: Clock,
    changes: dict[str, Any],
    joins_the_show: bool,
) -> None:
    lift = clock.now + timedelta(seconds=42)
    coming = episode(90, id="coming", **changes)
    coming = dataclasses.replace(coming, published=lift, updated=clock.now - timedelta(hours=1))
    app = make_app([*podcast_corpus(), coming], site_url=BASE, podcasts={"briefing": SHOW})
    client = app.test_client()
    for path in (
        "/feeds/podcast/briefing.rss",
        "/feeds/podcast/briefing.atom",
        "/feeds/podcast/briefing.json",
        "/podcast/briefing",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.data[:200])
        capped = "max-age=42" in response.headers["Cache-Control"]
        assert capped == joins_the_show, (path, response.headers["Cache-Control"])


def test_a_configured_show_exists_with_no_episode_yet_and_after_its_last_one_is_removed(
    make_app: Callable[..., Flask],
    clock: Clock,
) -> None:
    """A show is configuration: its documents exist, empty, before its first episode and
    after its last one is deleted, tombstones expired or not. A 404 or 410 tells podcast apps
    the show is gone (410: unsubscribe for good) when it is only waiting for an episode."""
    launching = {**SHOW, "title": "Launching Soon", "section": "launch"}
    only = episode(1, id="only-ep", section=Section("once", "Once"))
    once = {**SHOW, "title": "Once", "section": "once"}
    app = make_app(
        [*podcast_corpus(), only],
        site_url=BASE,
        podcasts={"briefing": SHOW, "launch": launching, "once": once},
    )
    client = app.test_client()

    def served(slug: str, title: str) -> None:
        for fmt in ("rss", "atom", "json"):
            response = client.get(f"/feeds/podcast/{slug}.{fmt}")
            assert response.status_code == 200, (slug, fmt, response.data[:300])
            if fmt == "json":
                document = json.loads(response.data)
                assert document["title"] == title and document["items"] == []
            else:
                parsed = feedparser.parse(response.data)
                assert parsed.bozo == 0 and parsed.feed.title == title, (slug, fmt)
            assert "ep1.mp3" not in response.get_data(as_text=True)
        rss = podcastparser.parse(BASE, BytesIO(client.get(f"/feeds/podcast/{slug}.rss").data))
        assert rss["episodes"] == [] and rss["itunes_owner"]["email"] == SHOW["owner_email"]
        # The show's page, the channel's <link>, exists too.
        assert client.get(f"/podcast/{slug}").status_code == 200
        # A month that never had an episode has no archive, as for every feed.
        assert client.get(f"/feeds/podcast/{slug}/archive/2025-06.rss").status_code == 404

    served("launch", "Launching Soon")
    clock.now += timedelta(hours=1)
    with app.app_context():
        service_of(app).delete("only-ep")
    clock.now += timedelta(days=400)  # its tombstone long expired
    served("once", "Once")
    # An unconfigured slug is still no show.
    assert client.get("/feeds/podcast/never.rss").status_code == 404


def test_an_episode_whose_media_is_taken_away_leaves_the_show_with_a_tombstone(
    podcast_app: Flask,  # noqa: F811
    clock: Clock,
) -> None:
    """Still published as a text story in its section, it is no episode any more: the show's
    readers are told it left (RFC 6721), while the section's see it as before; audio put back,
    the show has it again and no tombstone."""
    client = podcast_app.test_client()
    clock.now += timedelta(hours=1)
    with podcast_app.app_context():
        service_of(podcast_app).correct("ep-03", {"media": ()})
    clock.now += timedelta(seconds=1)
    show = client.get("/feeds/podcast/briefing.atom").data
    section = client.get("/feeds/section/briefing.atom").data
    assert show.count(b"<at:deleted-entry") == 1
    assert b':ep-03"' in show.split(b"<at:deleted-entry", 1)[1].split(b">", 1)[0]
    assert b"ep3.mp3" not in client.get("/feeds/podcast/briefing.rss").data
    assert b"<at:deleted-entry" not in section and b":ep-03</id>" in section
    clock.now += timedelta(hours=1)
    with podcast_app.app_context():
        service_of(podcast_app).correct("ep-03", {"media": episode(3).media})
    clock.now += timedelta(seconds=1)
    show = client.get("/feeds/podcast/briefing.atom").data
    assert b"<at:deleted-entry" not in show and b":ep-03</id>" in show


# After the database's set-up (its migration is dated by the wall clock when the test session
# starts), so that set-up is not the latest thing an emptied feed can be dated by.
LATER = datetime(2040, 1, 1, 6, 0, tzinfo=UTC)
REMOVALS: dict[str, dict[str, Any]] = {
    "withheld": {"status": "withheld"},
    "draft": {"status": "draft"},
    "media-removed": {"media": (), "episode": None},
    "moved": {"section": Section("world", "World")},
    "embargoed-again": {"status": "published"},  # with `embargoed` set below
}


def _feed_dates(client: Any, path: str) -> list[datetime]:
    """The feed-level dates a reader sees: Atom `updated`, RSS `lastBuildDate`."""
    root = etree.fromstring(client.get(path).data)
    if path.endswith(".atom"):
        return [datetime.fromisoformat(root.findtext(f"{{{ATOM}}}updated"))]
    return [parsedate_to_datetime(t) for t in root.xpath("/rss/channel/lastBuildDate/text()")]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    removal=st.sampled_from(sorted(REMOVALS)),
    days=st.lists(st.integers(0, 60), min_size=1, max_size=3),
    tombstone_days=st.integers(1, 30),
)
def test_a_feed_emptied_by_a_withdrawal_never_dates_itself_back_when_its_tombstone_expires(
    make_app: Callable[..., Flask],
    clock: Clock,
    removal: str,
    days: list[int],
    tombstone_days: int,
) -> None:
    """A feed's `updated` (RSS `lastBuildDate`) moves forward only. The only episode of a show
    (and the site's only article) taken out of it by a write that deletes nothing leaves a
    tombstone that dates the feed; when that tombstone's period ends the feed, empty, was dated
    by the site's latest deletion or the database's set-up instead, both earlier, so its
    `updated` went back in time. It is now never earlier than its own last removal."""
    clock.now = LATER
    only = dataclasses.replace(episode(1, id="only-ep"), published=LATER, updated=LATER)
    app = make_app(
        [only], site_url=BASE, tombstone_days=tombstone_days, podcasts={"briefing": SHOW}
    )
    client = app.test_client()
    paths = [
        f"/feeds/{feed}.{fmt}" for feed in ("podcast/briefing", "all") for fmt in ("atom", "rss")
    ]
    clock.now += timedelta(hours=1)
    changes = dict(REMOVALS[removal])
    if removal == "embargoed-again":
        changes["embargoed"] = changes["published"] = clock.now + timedelta(days=365)
    with app.app_context():
        service_of(app).correct("only-ep", changes)
    clock.now += timedelta(seconds=1)
    seen = {path: _feed_dates(client, path) for path in paths}
    for wait in days:
        clock.now += timedelta(days=wait, seconds=1)
        for path in paths:
            if client.get(path).status_code != 200:
                continue  # not a show (the "all" feed of a site with nothing left: 410)
            now = _feed_dates(client, path)
            assert len(now) == len(seen[path]), path
            assert all(b >= a for a, b in zip(seen[path], now, strict=True)), (
                path,
                seen[path],
                now,
            )
            seen[path] = now
