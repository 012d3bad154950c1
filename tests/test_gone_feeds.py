"""A feed whose every entry was removed: served empty with its RFC 6721 tombstones for
`tombstone_days` (live feed and month archive, every format valid), then 410 Gone; and the
sitemap index's `lastmod` of a month never going back when an article leaves it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from flask import Flask
from lxml import etree
from werkzeug.http import parse_date

from articles.model import Article, Author, Section, Source, Tag
from feeds.export import Exporter
from tests.fixtures.app import NOW, Clock, article, default_articles, guid_of, service_of
from tests.fixtures.http import SITE
from tests.fixtures.schemas import ATOM_SCHEMA, JSON_FEED
from tests.test_export import assert_follow_run_matches_a_full_run, manifest
from tests.test_lifecycle import tombstones
from tests.test_podcast_feeds import SHOW
from tests.test_podcast_feeds import corpus as podcast_corpus

JUNE = datetime(2025, 6, 12, 8, 0, tzinfo=UTC)
FMTS = ("atom", "rss", "json")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# One lone article per facet kind: the only entry of its feed, in a month of its own there.
LONE: dict[str, tuple[dict[str, Any], str]] = {
    "tag": ({"tags": (Tag("only-one", "Only one"),)}, "/feeds/tag/only-one"),
    "author": ({"authors": (Author("Lone Writer", "lone-writer"),)}, "/feeds/author/lone-writer"),
    "section": ({"section": Section("lonely", "Lonely")}, "/feeds/section/lonely"),
    "language": ({"language": "fr"}, "/feeds/lang/fr"),
    "source": ({"source": Source("Lone Wire", "lone-wire")}, "/feeds/source/lone-wire"),
}


def lone_article(kind: str) -> Article:
    return article("lone", JUNE, **LONE[kind][0])


# The same article taken out of that facet alone, still published in others.
MOVED_OUT: dict[str, dict[str, Any]] = {
    "tag": {"tags": (Tag("elsewhere", "Elsewhere"),)},
    "author": {"authors": (Author("Other Writer", "other-writer"),)},
    "section": {"section": Section("world", "World")},
    "language": {"language": "en"},
    "source": {"source": Source("Other Wire", "other-wire")},
}


def remove(app: Flask, how: str, kind: str = "tag") -> None:
    service = service_of(app)
    if how == "delete":
        service.delete("lone")
    elif how == "moved":
        service.correct("lone", MOVED_OUT[kind])
    else:
        service.correct("lone", {"status": how})


def assert_empty_and_valid(app: Flask, path: str, guid: str, when: str) -> None:
    client = app.test_client()
    atom = client.get(path + ".atom")
    assert atom.status_code == 200, (path, atom.data)
    ATOM_SCHEMA.assertValid(etree.fromstring(atom.data))
    assert feedparser.parse(atom.data).entries == []
    assert tombstones(atom.data) == [(guid, when)]
    rss = client.get(path + ".rss")
    assert rss.status_code == 200
    parsed = feedparser.parse(rss.data)
    assert not parsed.bozo and parsed.entries == []
    feed = client.get(path + ".json")
    assert feed.status_code == 200
    JSON_FEED.validate(json.loads(feed.data))
    assert json.loads(feed.data)["items"] == []


@pytest.mark.parametrize("how", ["delete", "withheld", "draft", "moved"])
@pytest.mark.parametrize("kind", sorted(LONE))
def test_a_feed_whose_only_entry_left_carries_its_tombstone_then_is_gone(
    make_app: Callable[..., Flask], clock: Clock, kind: str, how: str
) -> None:
    app = make_app([*default_articles(), lone_article(kind)], site_url=SITE, tombstone_days=30)
    client = app.test_client()
    path = LONE[kind][1]
    archive = path + "/archive/2025-06"
    guid = guid_of(app, "lone")
    before = {p: client.get(p + ".atom") for p in (path, archive)}
    assert all(r.status_code == 200 for r in before.values())
    clock.now = NOW + timedelta(hours=1)
    remove(app, how, kind)
    clock.now = NOW + timedelta(hours=2)
    for each in (path, archive):
        assert_empty_and_valid(app, each, guid, "2025-08-10T13:00:00Z")
        after = client.get(each + ".atom")
        assert after.headers["ETag"] != before[each].headers["ETag"]
        assert parse_date(after.headers["Last-Modified"]) > parse_date(
            before[each].headers["Last-Modified"]
        )
    # While the feed is served with its tombstones, a month it never had is that month's 404
    # as in any feed (it said "the feed is gone" while the feed was still served).
    for fmt in ("atom", "rss", "json"):
        never = client.get(f"{path}/archive/2019-03.{fmt}")
        assert never.status_code == 404, (path, fmt, never.data[:200])
        assert b"nothing in this feed was published that month" in never.data
    # After the tombstone period the feed that existed is gone; one that never did is not.
    clock.now = NOW + timedelta(days=31)
    for each in (path, archive):
        for fmt in ("atom", "rss", "json"):
            response = client.get(f"{each}.{fmt}")
            assert response.status_code == 410, (each, fmt)
            assert b"gone" in response.data
            assert response.headers["Cache-Control"] == "no-cache"
    assert client.get(path + "/archive/2025-05.atom").status_code == 410  # the whole feed
    assert client.get("/feeds/tag/never-was.atom").status_code == 404
    # In a feed that lives on, a month never held is 404, a month emptied long ago 410.
    assert client.get("/feeds/all/archive/2025-05.atom").status_code == 404
    # (An entry moved out of one facet is still in the others: their month stays.)
    assert client.get("/feeds/all/archive/2025-06.atom").status_code == (
        200 if how == "moved" else 410
    )


def test_an_entry_readers_never_saw_leaves_no_trace(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(
        [
            *default_articles(),
            article("lone", JUNE, tags=(Tag("secret", "Secret"),), status="draft"),
        ],
        site_url=SITE,
    )
    clock.now = NOW + timedelta(hours=1)
    service_of(app).delete("lone")
    client = app.test_client()
    for path in ("/feeds/tag/secret.atom", "/feeds/tag/secret/archive/2025-06.atom"):
        assert client.get(path).status_code == 404


def test_a_month_archive_emptied_in_a_busy_feed_keeps_its_neighbours_links(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app([*default_articles(), article("lone", JUNE)], site_url=SITE)
    client = app.test_client()
    guid = guid_of(app, "lone")
    clock.now = NOW + timedelta(hours=1)
    service_of(app).delete("lone")
    clock.now = NOW + timedelta(hours=2)
    assert_empty_and_valid(app, "/feeds/all/archive/2025-06", guid, "2025-08-10T13:00:00Z")
    # The neighbours link months with entries only.
    july = etree.fromstring(client.get("/feeds/all/archive/2025-07.atom").data)
    rels = {link.get("rel") for link in july.iter("{http://www.w3.org/2005/Atom}link")}
    assert "prev-archive" not in rels


def sitemap_lastmods(app: Flask) -> dict[str, datetime]:
    root = etree.fromstring(app.test_client().get("/sitemap.xml").data)
    return {
        s.findtext(f"{SITEMAP}loc").rsplit("/", 1)[-1]: datetime.fromisoformat(
            s.findtext(f"{SITEMAP}lastmod")
        )
        for s in root.iter(f"{SITEMAP}sitemap")
    }


@pytest.mark.parametrize("how", ["delete", "withheld", "draft"])
@pytest.mark.parametrize("days", [0, 400])
def test_a_monthly_sitemaps_lastmod_never_goes_back(
    make_app: Callable[..., Flask], clock: Clock, how: str, days: int
) -> None:
    app = make_app(site_url=SITE, tombstone_days=30)
    name = "articles-2025-07.xml"
    older = sitemap_lastmods(app)[name]
    clock.now = NOW + timedelta(hours=1)
    late = datetime(2025, 7, 31, 20, 0, tzinfo=UTC)
    service_of(app).store.upsert_many(
        [article("lone", late, updated=clock.now - timedelta(minutes=1))], now=clock.now
    )
    created = sitemap_lastmods(app)[name]
    assert created > older
    clock.now = NOW + timedelta(hours=2)
    remove(app, how)
    clock.now += timedelta(days=days)  # long past the tombstone period, too
    removed = sitemap_lastmods(app)[name]
    assert removed >= NOW + timedelta(hours=2) > created


def test_a_drafts_edit_does_not_move_any_lastmod(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(site_url=SITE)
    before = sitemap_lastmods(app)
    clock.now = NOW + timedelta(minutes=10)  # before the embargo lifts
    service_of(app).correct("draft", {"title": "A new working title"})
    service_of(app).delete("draft")
    assert sitemap_lastmods(app) == before


# --- the static export writes and removes these documents as the app serves them -----------


@pytest.mark.parametrize("follow", [False, True])
def test_the_export_keeps_an_emptied_feed_while_the_app_serves_it(
    make_app: Callable[..., Flask], clock: Clock, tmp_path: Path, follow: bool
) -> None:
    app = make_app([*default_articles(), lone_article("tag")], site_url=SITE, tombstone_days=30)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    assert not exporter.run().failed
    paths = [f"/feeds/tag/only-one{a}.{fmt}" for a in ("", "/archive/2025-06") for fmt in FMTS]
    clock.now = NOW + timedelta(hours=1)
    remove(app, "withheld")
    clock.now = NOW + timedelta(hours=2)
    report = exporter.run(changes_only=follow)
    assert not report.failed, report.failed
    if follow:
        assert_follow_run_matches_a_full_run(app, out, report)
    client = app.test_client()
    for moment in (clock.now, NOW + timedelta(days=31)):
        clock.now = moment
        if moment != NOW + timedelta(hours=2):
            assert not exporter.run().failed
        documents = manifest(out)
        for path in paths:
            response = client.get(path, base_url=SITE)
            assert response.status_code == (200 if moment < NOW + timedelta(days=30) else 410)
            if response.status_code == 200:
                assert (out / documents[path]["file"]).read_bytes() == response.data, path
                assert documents[path]["etag"] == response.headers["ETag"]
            elif "/archive/" in path:
                # A gone feed's archive: no document of its own; nginx answers it from the
                # live document's 410 (tests/test_export_gone.py).
                assert path not in documents, path
            else:  # the app's 410, exported as such
                assert documents[path]["status"] == 410, path
                assert (out / documents[path]["file"]).read_bytes() == response.data, path


def test_a_podcast_show_whose_every_episode_left_carries_their_tombstones(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(podcast_corpus(), site_url=SITE, podcasts={"briefing": SHOW})
    episodes = [a.id for a in podcast_corpus() if a.id.startswith("ep-")]
    clock.now = NOW + timedelta(hours=1)
    for each in episodes:
        service_of(app).delete(each)
    clock.now = NOW + timedelta(hours=2)
    client = app.test_client()
    for path in ("/feeds/podcast/briefing", "/feeds/podcast/briefing/archive/2025-07"):
        atom = client.get(path + ".atom")
        assert atom.status_code == 200, path
        ATOM_SCHEMA.assertValid(etree.fromstring(atom.data))
        assert len(tombstones(atom.data)) == len(episodes)
        for fmt in ("rss", "json"):
            assert client.get(f"{path}.{fmt}").status_code == 200
    clock.now = NOW + timedelta(days=40)
    # The show is configuration: it stays, empty (docs/podcasts.md); its month's archive goes.
    assert client.get("/feeds/podcast/briefing.rss").status_code == 200
    assert client.get("/feeds/podcast/briefing/archive/2025-07.rss").status_code == 410
