"""A gone feed in the static export, and tombstones whose period ends while `--follow` runs.

The app answers 410 Gone for every document of a feed whose every entry readers saw was
removed once their tombstones' period is over (`feeds.documents.Documents._missing`): its
live document in each format and without one, each of its pages (`?page=N`) and each month's
archive. Before, nginx answered the live documents with the app's 410 and every page and
archive with its 404. And `--follow` did not wake when a tombstone's period ended: nothing is
written then, so the change sequence stays, but the app's answers change (an emptied feed goes
from 200 with its tombstones to 410; a busy feed drops the tombstone).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.model import Tag
from feeds.export import Exporter
from tests.fixtures.app import NOW, Clock, article, default_articles, service_of
from tests.fixtures.http import SITE
from tests.fixtures.servers import wait_until
from tests.test_export import (
    assert_follow_run_matches_a_full_run,
    current,
    follow_in_thread,
    manifest,
    serving,
)
from tests.test_export_answers import GONE_CASES, answer, app_answer, assert_answers_as_the_app
from tests.test_lifecycle import tombstones

STEM = "/feeds/tag/gone-soon"
FMTS = ("atom", "rss", "json")
# Five entries, two a page: pages 1 to 3, archives of June and July.
MONTHS = ("2025-06", "2025-07")
LONE_IDS = tuple(f"lone-{n}" for n in range(5))


def lone_articles() -> list:  # type: ignore[type-arg]
    days = (60, 50, 20, 15, 12)  # before NOW (2025-08-10): June, June, July, July, July
    tag = (Tag("gone-soon", "Gone soon"),)
    return [
        article(i, NOW - timedelta(days=d), tags=tag) for i, d in zip(LONE_IDS, days, strict=True)
    ]


def gone_feed_app(make_app: Callable[..., Flask], tombstone_days: int) -> Flask:
    return make_app(
        [*default_articles(), *lone_articles()],
        site_url=SITE,
        tombstone_days=tombstone_days,
        items_per_feed=2,
    )


def delete_the_feed(app: Flask) -> None:
    for each in LONE_IDS:
        service_of(app).delete(each)


def gone_uris() -> list[str]:
    """Every kind of document of the feed: live, pages (those it had and one it never had),
    archives (the months it had and one it never had), in each format and without one."""
    uris = []
    for suffix in (*(f".{f}" for f in FMTS), ""):
        uris += [f"{STEM}{suffix}", f"{STEM}{suffix}?page=2", f"{STEM}{suffix}?page=3"]
        uris.append(f"{STEM}{suffix}?page=99")
        uris += [f"{STEM}/archive/{m}{suffix}" for m in (*MONTHS, "2019-03")]
    return uris


@pytest.mark.parametrize("tombstone_days", [0, 1])
@pytest.mark.parametrize("follow", [False, True])
def test_every_document_of_a_gone_feed_is_the_apps_410(
    make_app: Callable[..., Flask],
    tmp_path: Path,
    clock: Clock,
    tombstone_days: int,
    follow: bool,
) -> None:
    """The live document, its pages and its archives, in each format and without one (the
    format `Accept` chooses), each the app's 410 (status, body, headers) whatever the request's
    conditions and codings; after a follow run (which leaves what a full run would) and after a
    full run. The facet's HTML page is the app's 404 (it says nothing was published there).
    Before: the live documents only, every page and archive nginx's 404."""
    app = gone_feed_app(make_app, tombstone_days)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    assert not exporter.run().failed
    documents = manifest(out)
    assert {f"{STEM}.atom?page=3", f"{STEM}/archive/2025-06.json"} <= documents.keys()
    clock.now = NOW + timedelta(hours=1)
    delete_the_feed(app)
    clock.now = NOW + timedelta(days=tombstone_days, hours=2)
    report = exporter.run(changes_only=follow)
    assert not report.failed, report.failed
    if follow:
        assert_follow_run_matches_a_full_run(app, out, report)
    client: FlaskClient = app.test_client()
    with serving(out, tmp_path / "nginx") as server:
        for uri in gone_uris():
            cases = GONE_CASES if "." in uri.rpartition("/")[2] else ({}, {"If-None-Match": "*"})
            for accept in ("", "application/json", "application/rss+xml"):
                each = tuple({**case, "Accept": accept} for case in cases) if accept else cases
                assert_answers_as_the_app(client, server, uri, 410, each)
        for page in ("/tag/gone-soon", "/tag/gone-soon/"):
            status, fields, _ = answer(server, page, {})
            theirs = app_answer(client, page, {})
            assert status == theirs[0] == 404, page
            assert fields["cache-control"] == theirs[1]["cache-control"], page


def test_any_uri_under_a_gone_feed_is_410_from_nginx_exactly_where_the_app_says_410(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """A property over the URIs of a gone feed's documents (page numbers and months in any
    spelling, each format or none): nginx answers 410 with the app's answer exactly where the
    app answers 410, and something else (4xx) where the app refuses the URI (a page 0, a
    month 13, paging on an archive)."""
    app = gone_feed_app(make_app, 0)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    assert not exporter.run().failed
    clock.now = NOW + timedelta(hours=1)
    delete_the_feed(app)
    clock.now = NOW + timedelta(hours=2)
    assert not exporter.run(changes_only=True).failed
    client: FlaskClient = app.test_client()
    digits = st.text(st.sampled_from("0123456789"), min_size=1, max_size=5)
    months = st.builds(
        lambda y, m: f"{y}-{m}",
        st.sampled_from(["0000", "0001", "1999", "2025", "9999"]),
        st.sampled_from(["00", "01", "06", "11", "12", "13", "7"]),
    )
    suffixes = st.sampled_from(["", ".atom", ".rss", ".json"])
    uris = st.one_of(
        st.builds(lambda s, p: f"{STEM}{s}?page={p}", suffixes, digits),
        st.builds(lambda s: f"{STEM}{s}", suffixes),
        st.builds(lambda m, s: f"{STEM}/archive/{m}{s}", months, suffixes),
        st.builds(lambda m, s, p: f"{STEM}/archive/{m}{s}?page={p}", months, suffixes, digits),
    )

    with serving(out, tmp_path / "nginx") as server:

        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
        @given(uri=uris)
        @example(uri=f"{STEM}.atom?page=0")
        @example(uri=f"{STEM}.rss?page=02")
        @example(uri=f"{STEM}/archive/9999-12.atom")
        @example(uri=f"{STEM}/archive/9999-11.json")
        @example(uri=f"{STEM}/archive/2025-06.atom?page=1")
        def same(uri: str) -> None:
            theirs = app_answer(client, uri, {})
            mine = answer(server, uri, {})
            if theirs[0] == 410:
                assert mine == theirs, uri
            else:
                assert 400 <= theirs[0] < 500 and mine[0] in (400, 404), (uri, theirs[0])

        same()


@pytest.mark.parametrize("follow", [False, True])
def test_a_month_emptied_long_ago_in_a_feed_that_lives_on_is_the_apps_410(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock, follow: bool
) -> None:
    """Both June entries of the tag feed (the only June entries of "all" too) deleted: once
    their tombstones' period is over, the June archive of each feed is the app's 410 (the
    month is gone, the feed lives on), in each format and without one; a month never had
    stays a 404. Stored again, June's archive is served again. After follow runs (which
    leave what a full run would) and full runs. Before: nginx's 404 for the gone month."""
    app = gone_feed_app(make_app, 1)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    assert not exporter.run().failed
    clock.now = NOW + timedelta(hours=1)
    for each in LONE_IDS[:2]:
        service_of(app).delete(each)
    for moment in (NOW + timedelta(hours=2), NOW + timedelta(days=1, hours=2)):
        clock.now = moment
        report = exporter.run(changes_only=follow)
        assert not report.failed, report.failed
        if follow:
            assert_follow_run_matches_a_full_run(app, out, report)
    client: FlaskClient = app.test_client()
    with serving(out, tmp_path / "nginx") as server:
        for stem in (STEM, "/feeds/all"):
            for suffix in (*(f".{f}" for f in FMTS), ""):
                uri = f"{stem}/archive/2025-06{suffix}"
                cases = GONE_CASES if suffix else ({}, {"Accept": "application/json"})
                assert_answers_as_the_app(client, server, uri, 410, cases)
                never = f"{stem}/archive/2025-05{suffix}"
                assert answer(server, never, {})[0] == app_answer(client, never, {})[0] == 404
    clock.now = NOW + timedelta(days=1, hours=3)
    app.extensions["feeds.store"].upsert_many([lone_articles()[0]], now=clock.now)
    clock.now = NOW + timedelta(days=1, hours=4)
    report = exporter.run(changes_only=follow)
    assert not report.failed, report.failed
    documents = manifest(out)
    assert documents[f"{STEM}/archive/2025-06.atom"]["status"] == 200
    assert_follow_run_matches_a_full_run(app, out, report)


# --- --follow wakes when a tombstone's period ends -------------------------------------------


@pytest.mark.parametrize("busy", [False, True])
def test_a_follow_run_at_a_tombstones_end_leaves_what_a_full_run_would(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock, busy: bool
) -> None:
    """A run says when the next tombstone's period ends (`next_change`); a follow run then,
    with nothing written since, brings the folder where a full run does: the emptied feed's
    documents become its 410 (`busy` False), or the busy feed's documents lose the tombstone
    (`busy` True: one article of "all" deleted). Before, the follow run checked nothing and
    kept the documents as they were, and `next_change` named only embargo lifts."""
    app = gone_feed_app(make_app, 1)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    assert not exporter.run().failed
    clock.now = NOW + timedelta(hours=1)
    removed_at = clock.now
    if busy:
        service_of(app).delete("jul-1")
    else:
        delete_the_feed(app)
    clock.now = EMBARGO_PASSED = NOW + timedelta(hours=2)  # the embargo lifts meanwhile
    report = exporter.run(changes_only=True)
    assert not report.failed, report.failed
    assert report.next_change == removed_at + timedelta(days=1)
    live = "/feeds/all.atom" if busy else f"{STEM}.atom"
    assert tombstones(current(out, live).read_bytes())
    clock.now = removed_at + timedelta(days=1, seconds=1)
    assert clock.now > EMBARGO_PASSED
    report = exporter.run(changes_only=True)
    assert not report.failed, report.failed
    assert report.written > 0
    documents = manifest(out)
    if busy:
        assert tombstones(current(out, live).read_bytes()) == []
    else:
        assert documents[live]["status"] == 410
        assert not any(p.startswith(STEM + "/archive/") for p in documents)
    assert report.next_change is None
    assert_follow_run_matches_a_full_run(app, out, report)


def test_follow_wakes_when_a_tombstones_period_ends(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """`--follow` with no write after the deletion: when the tombstones' period ends (the
    app's clock), it runs and writes the feed's 410. Before, it waited for a write."""
    app = gone_feed_app(make_app, 1)
    clock.now = EMBARGO_LIFTED = NOW + timedelta(hours=1)
    delete_the_feed(app)
    clock.now = EMBARGO_LIFTED + timedelta(minutes=1)
    out = tmp_path / "out"
    runs, stop = follow_in_thread(Exporter(app, out, workers=1))
    try:
        assert manifest(out)[f"{STEM}.atom"]["status"] == 200
        clock.now = EMBARGO_LIFTED + timedelta(days=1, seconds=1)  # no write: only time
        wait_until(
            lambda: manifest(out)[f"{STEM}.atom"]["status"] == 410,
            "the gone feed's 410",
            timeout=10,
        )
        assert len(runs) == 2
    finally:
        stop()
