"""The editorial lifecycle, as readers and the hub see it: takedowns, clock sanity, deletions
and withdrawals (RFC 6721 tombstones), Last-Modified, archives, embargoes and their lifts.

The shared cases (`tests/data/cases/`) are kept here with their right values.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from werkzeug.http import http_date, parse_date

from articles.model import Article
from articles.store import Facet
from feeds.lifts import announce_lifts
from tests.fixtures.app import NOW, Clock, article, guid_of, service_of
from tests.fixtures.schemas import ATOM_SCHEMA, JSON_FEED
from tests.test_websub import FLUSH, Hub

CASES = Path(__file__).parent / "data" / "cases"
AT = "{http://purl.org/atompub/tombstones/1.0}"
ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://news.example.com"


@pytest.fixture
def hub() -> Iterator[Hub]:
    server = Hub()
    yield server
    server.stop()


def cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def write(tmp_path: Path, name: str, records: list[dict[str, Any]]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


def entry_ids(body: bytes) -> list[str]:
    return [e.get("id", "") for e in feedparser.parse(body).entries]


def tombstones(body: bytes) -> list[tuple[str, str]]:
    root = etree.fromstring(body)
    return [(d.get("ref"), d.get("when")) for d in root.iter(f"{AT}deleted-entry")]


def assert_valid(client: FlaskClient, path: str) -> None:
    """Every format of the feed at `path` (without extension): RFC 4287 schema, feedparser
    without bozo, the JSON Feed 1.1 schema."""
    atom = client.get(path + ".atom")
    assert atom.status_code == 200
    ATOM_SCHEMA.assertValid(etree.fromstring(atom.data))
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(client.get(f"{path}.{fmt}").data)
        assert not parsed.bozo, (fmt, parsed.get("bozo_exception"))
    JSON_FEED.validate(json.loads(client.get(path + ".json").data))


# --- the shared cases ---------------------------------------------------------------------


def test_a_mistyped_future_updated_is_refused_then_the_correction_imports(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """future-updated.step1/2: step 1 refused naming `updated`, step 2 imported."""
    app = make_app([], site_url=SITE)
    step1 = cli(app, "articles", "import", str(CASES / "future-updated.step1.json"))
    assert step1.exit_code == 1
    assert "record 1: updated: 2052-07-30T10:00:00+09:00 is 26 years ahead" in step1.stderr
    assert "0 new" in step1.stdout and "1 rejected" in step1.stdout
    client = app.test_client()
    assert b"typo-1" not in client.get("/feeds/all.atom").data
    step2 = cli(app, "articles", "import", str(CASES / "future-updated.step2.json"))
    assert step2.exit_code == 0, step2.stderr
    assert "1 new" in step2.stdout
    feed = feedparser.parse(client.get("/feeds/all.atom").data)
    assert feed.entries[0].title == "Heatwave warning issued (corrected: 36C)"
    assert feed.entries[0].updated.startswith("2025-07-30T")


def test_deleting_the_newest_article_never_moves_last_modified_back(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """last-modified-on-delete.step1 then `articles delete lm-newer`: 200 with one entry and a
    Last-Modified not earlier than before; If-Modified-Since with the old date gets 200."""
    app = make_app([], site_url=SITE)
    result = cli(app, "articles", "import", str(CASES / "last-modified-on-delete.step1.json"))
    assert result.exit_code == 0, result.stderr
    client = app.test_client()
    # A date is promised only once the change is a second old (RFC 9110 8.8.2.2).
    clock.now = NOW + timedelta(seconds=1)
    before = client.get("/feeds/all.atom")
    assert len(entry_ids(before.data)) == 2
    old = before.headers["Last-Modified"]
    clock.now = NOW + timedelta(hours=1)
    deleted = cli(app, "articles", "delete", "lm-newer", "--yes")
    assert deleted.exit_code == 0, deleted.stderr
    deleted_at = clock.now
    clock.now += timedelta(seconds=1)
    after = client.get("/feeds/all.atom", headers={"If-Modified-Since": old})
    assert after.status_code == 200
    assert len(entry_ids(after.data)) == 1
    assert parse_date(after.headers["Last-Modified"]) >= parse_date(old)  # type: ignore[operator]
    assert after.headers["Last-Modified"] == http_date(deleted_at)


# --- change is never "unchanged" -----------------------------------------------------------


def record(article_id: str = "story", **fields: Any) -> dict[str, Any]:
    base = {
        "id": article_id,
        "title": "Story",
        "published": "2025-08-01T09:00:00+09:00",
        "summary": "A story.",
        "tags": ["Only here"],
    }
    return base | fields


def test_a_takedown_at_the_same_updated_takes_the_story_down(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app([], site_url=SITE)
    client = app.test_client()
    assert cli(app, "articles", "import", write(tmp_path, "a.json", [record()])).exit_code == 0
    assert b"story" in client.get("/articles/story").data
    takedown = write(tmp_path, "b.json", [record(status="withheld")])
    result = cli(app, "articles", "import", takedown)
    assert result.exit_code == 0
    assert "0 new, 1 updated, 0 unchanged" in result.stdout
    assert entry_ids(client.get("/feeds/all.atom").data) == []
    assert client.get("/articles/story").status_code == 404
    # Its tag's feed holds nothing but the tombstone its subscribers need (not listed).
    only_here = client.get("/feeds/tag/only-here.atom")
    assert only_here.status_code == 200 and entry_ids(only_here.data) == []
    assert [ref for ref, _ in tombstones(only_here.data)] == [guid_of(app, "story")]
    assert b"only-here" not in client.get("/feeds.opml").data
    assert b"only-here" not in client.get("/").data
    again = cli(app, "articles", "import", takedown)
    assert "0 updated, 1 unchanged" in again.stdout  # the same record twice changes nothing


@pytest.mark.parametrize("path", ["/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json"])
def test_a_correction_at_the_same_updated_changes_the_feeds_validators(
    make_app: Callable[..., Flask], tmp_path: Path, path: str
) -> None:
    """A record corrected without a new `updated` is served with a new ETag, so no cache or
    client keeps the old headline (the feed's ETag comes from the entries' keys)."""
    app = make_app([], site_url=SITE, response_memo_ms=0)
    client = app.test_client()
    cli(app, "articles", "import", write(tmp_path, "a.json", [record()]))
    before = client.get(path)
    for n in (1, 2):
        corrected = write(tmp_path, f"c{n}.json", [record(title=f"Corrected {n}")])
        assert "1 updated" in cli(app, "articles", "import", corrected).stdout
        after = client.get(path)
        assert after.headers["ETag"] != before.headers["ETag"]
        assert f"Corrected {n}".encode() in after.data
        again = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
        assert again.status_code == 200
        before = after


STATUSES = ("published", "draft", "withheld")


@pytest.mark.parametrize("stored_status", STATUSES)
@pytest.mark.parametrize("sent_status", STATUSES)
def test_an_older_record_asking_for_another_status_is_an_error_naming_it(
    make_app: Callable[..., Flask], tmp_path: Path, stored_status: str, sent_status: str
) -> None:
    """A takedown (or a republication) re-sent by file after a newer version was stored (an API
    correction stamps `updated` now) is older and changes nothing: it must not pass as a
    success. Its status is reported as not applied, naming the record, both versions and what
    to do, and the import exits 1; the file's other records are written. An older record with
    the stored status stays a note (skipped, exit 0)."""
    app = make_app([], site_url=SITE)
    newer = record(updated="2025-08-01T12:00:00+09:00", status=stored_status)
    cli(app, "articles", "import", write(tmp_path, "a.json", [newer]))
    # No `updated`: its version is its publication, earlier than the stored one.
    path = write(tmp_path, "b.json", [record(status=sent_status), record("other")])
    result = cli(app, "articles", "import", path)
    store = app.extensions["feeds.store"]
    stored = store.get("story")
    assert stored is not None and stored.status == stored_status  # nothing applied
    assert store.get("other") is not None  # the rest of the file is written
    assert "1 new, 0 updated, 0 unchanged, 1 skipped" in result.stdout
    if sent_status == stored_status:
        assert result.exit_code == 0
        assert "skipped: older than the stored version" in result.stderr
        assert "not applied" not in result.stdout + result.stderr
    else:
        assert result.exit_code == 1
        assert "(1 status change not applied)" in result.stdout
        assert (
            f"{path}: record 1: article 'story': status: {sent_status!r} not applied: "
            f"the stored version is newer (updated 2025-08-01T03:00:00+00:00, "
            f"status {stored_status!r})"
        ) in result.stderr
        assert "send it with an `updated` later than the stored one" in result.stderr
        # It gave `updated`: the line said "its published time when it gives none" of it too.
        assert "when it gives none" not in result.stderr


def test_an_older_record_is_reported_as_skipped_not_unchanged(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app([], site_url=SITE)
    newer = record(updated="2025-08-01T12:00:00+09:00", title="Newer")
    cli(app, "articles", "import", write(tmp_path, "a.json", [newer]))
    path = write(tmp_path, "b.json", [record(title="Older")])
    result = cli(app, "articles", "import", path)
    assert result.exit_code == 0
    assert "0 unchanged, 1 skipped, 0 rejected" in result.stdout
    assert f"{path}: record 1: article 'story': skipped: older than the stored version" in (
        result.stderr
    )
    stored = app.extensions["feeds.store"].get("story")
    assert stored is not None and stored.title == "Newer"


def test_a_future_published_needs_an_embargo_to_say_so(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app([], site_url=SITE)
    future = "2025-08-20T09:00:00+09:00"  # ten days after the test clock's now
    refused = cli(app, "articles", "import", write(tmp_path, "a.json", [record(published=future)]))
    assert refused.exit_code == 1
    assert "record 1: published: 2025-08-20T09:00:00+09:00 is 9 days ahead" in refused.stderr
    assert "send that time as `embargoed`" in refused.stderr
    embargoed = record(published=None, embargoed=future, updated="2025-08-10T09:00:00+09:00")
    accepted = cli(
        app, "articles", "import", write(tmp_path, "b.json", [{**embargoed, "published": future}])
    )
    assert accepted.exit_code == 0, accepted.stderr
    # A draft may plan any publish time; its `updated` is still the time it was written.
    draft = record("plan", published=future, updated=NOW.isoformat(), status="draft")
    assert cli(app, "articles", "import", write(tmp_path, "c.json", [draft])).exit_code == 0


@pytest.mark.parametrize("skew_minutes", [0, 4])
def test_a_few_minutes_of_clock_skew_are_allowed(
    make_app: Callable[..., Flask], tmp_path: Path, skew_minutes: int
) -> None:
    app = make_app([], site_url=SITE)
    ahead = (NOW + timedelta(minutes=skew_minutes)).isoformat()
    path = write(tmp_path, "a.json", [record(published=ahead, updated=ahead)])
    assert cli(app, "articles", "import", path).exit_code == 0


def test_the_skew_is_a_setting(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    app = make_app([], site_url=SITE, max_clock_skew=60)
    ahead = (NOW + timedelta(minutes=2)).isoformat()
    result = cli(app, "articles", "import", write(tmp_path, "a.json", [record(updated=ahead)]))
    assert result.exit_code == 1 and "updated:" in result.stderr


# --- deletion and withdrawal: tombstones ---------------------------------------------------


def test_a_deleted_entry_leaves_every_format_and_atom_carries_its_tombstone(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(site_url=SITE)
    client = app.test_client()
    gone = guid_of(app, "jul-2")
    archive_before = client.get("/feeds/all/archive/2025-07.atom").headers["ETag"]
    clock.now = NOW + timedelta(hours=1)
    service_of(app).delete("jul-2")
    when = "2025-08-10T13:00:00Z"
    for path in ("/feeds/all", "/feeds/section/asia", "/feeds/all/archive/2025-07"):
        atom = client.get(path + ".atom").data
        assert gone not in entry_ids(atom), path
        assert tombstones(atom) == [(gone, when)], path
        assert gone.encode() not in client.get(path + ".rss").data
        assert gone.encode() not in client.get(path + ".json").data
        assert_valid(client, path)
    # A feed that never held it says nothing of it.
    assert tombstones(client.get("/feeds/section/world.atom").data) == []
    assert tombstones(client.get("/feeds/all/archive/2025-08.atom").data) == []
    assert client.get("/feeds/all/archive/2025-07.atom").headers["ETag"] != archive_before
    assert client.get("/articles/jul-2").status_code == 410
    feed = etree.fromstring(client.get("/feeds/all.atom").data)
    assert feed.findtext(f"{ATOM}updated") == when  # the removal is the feed's latest change


def test_tombstones_last_the_configured_period_and_last_modified_follows(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(site_url=SITE, tombstone_days=30)
    client = app.test_client()
    gone = guid_of(app, "aug-4")
    clock.now = NOW + timedelta(hours=1)
    service_of(app).delete("aug-4")
    dates = []
    for days in (29, 31):
        clock.now = NOW + timedelta(hours=1, days=days)
        response = client.get("/feeds/all.atom")
        dates.append(parse_date(response.headers["Last-Modified"]))
        assert (gone in [ref for ref, _ in tombstones(response.data)]) is (days == 29)
    assert dates[1] > dates[0]  # the tombstone's end changed the document


def test_a_withdrawal_is_a_tombstone_and_republishing_clears_it(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(site_url=SITE)
    client = app.test_client()
    service = service_of(app)
    gone = guid_of(app, "aug-1")
    clock.now = NOW + timedelta(minutes=5)
    service.correct("aug-1", {"status": "withheld"})
    assert tombstones(client.get("/feeds/all.atom").data) == [(gone, "2025-08-10T12:05:00Z")]
    clock.now = NOW + timedelta(minutes=10)
    service.correct("aug-1", {"status": "published"})
    body = client.get("/feeds/all.atom").data
    assert tombstones(body) == [] and gone in entry_ids(body)


def test_entries_readers_never_saw_leave_no_tombstone(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(site_url=SITE)
    client = app.test_client()
    service = service_of(app)
    service.delete("draft")
    service.delete("embargoed")  # before its embargo ended
    clock.now = NOW + timedelta(days=1)
    assert tombstones(client.get("/feeds/all.atom").data) == []
    assert tombstones(client.get("/feeds/all/archive/2025-08.atom").data) == []


def test_a_withdrawn_then_deleted_entry_keeps_one_tombstone_from_its_withdrawal(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(site_url=SITE)
    service = service_of(app)
    gone = guid_of(app, "aug-2")
    clock.now = NOW + timedelta(minutes=1)
    service.correct("aug-2", {"status": "draft"})
    clock.now = NOW + timedelta(minutes=2)
    service.delete("aug-2")
    body = app.test_client().get("/feeds/all.atom").data
    assert tombstones(body) == [(gone, "2025-08-10T12:01:00Z")]


# --- caching -------------------------------------------------------------------------------


def test_no_document_is_sent_immutable(make_app: Callable[..., Flask], clock: Clock) -> None:
    app = make_app(site_url=SITE)
    client = app.test_client()
    clock.now = datetime(2026, 1, 1, tzinfo=UTC)
    for path in ("/feeds/all/archive/2025-07.atom", "/feeds/all.atom", "/", "/feeds.opml"):
        assert "immutable" not in client.get(path).headers["Cache-Control"], path


def test_only_documents_an_embargoed_article_will_join_are_capped_by_it(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """The embargoed default article is in asia and the `all` feed; world is untouched."""
    app = make_app(site_url=SITE)
    client = app.test_client()
    clock.now = datetime(2025, 8, 10, 12, 29, 18, tzinfo=UTC)  # 42 s before it appears
    assert client.get("/feeds/all.atom").headers["Cache-Control"] == "public, max-age=42"
    assert client.get("/feeds/section/asia.atom").headers["Cache-Control"] == "public, max-age=42"
    assert "max-age=300," in client.get("/feeds/section/world.atom").headers["Cache-Control"]
    assert (
        client.get("/feeds/all/archive/2025-08.atom").headers["Cache-Control"]
        == "public, max-age=42"
    )
    july = client.get("/feeds/all/archive/2025-07.atom").headers["Cache-Control"]
    assert "max-age=86400," in july  # a month it cannot join
    assert client.get("/").headers["Cache-Control"] == "public, max-age=42"
    assert client.get("/feeds.opml").headers["Cache-Control"] == "public, max-age=42"
    assert client.get("/section/asia").headers["Cache-Control"] == "public, max-age=42"
    assert client.get("/section/world").headers["Cache-Control"] == "public, max-age=300"
    # A 404 never outlasts a lift, and says the same whatever is waiting.
    for missing in ("/articles/embargoed", "/articles/nothing", "/feeds/tag/nothing.atom"):
        assert client.get(missing).headers["Cache-Control"] == "no-cache", missing


# --- embargoes and the hub -----------------------------------------------------------------


@pytest.fixture
def hub_apps(make_app: Callable[..., Flask], hub: Hub) -> Iterator[Callable[..., Flask]]:
    """Apps pinging `hub`; their notifiers are closed before the hub stops."""
    built: list[Flask] = []

    def make(**settings: Any) -> Flask:
        app = make_app(
            [article("live", NOW - timedelta(days=1))], site_url=SITE, hub_url=hub.url, **settings
        )
        built.append(app)
        return app

    yield make
    for app in built:
        app.extensions["feeds.websub"].close(timeout=1)
        scheduler = app.extensions.get("feeds.lifts")
        if scheduler is not None:
            scheduler.stop()


def flush(app: Flask) -> None:
    assert app.extensions["feeds.websub"].flush(FLUSH)


def embargoed_story(lift: datetime, article_id: str = "scoop") -> Article:
    return replace(article(article_id, lift), updated=NOW, embargoed=lift)


def test_an_embargoed_article_reaches_nobody_until_it_lifts_then_the_hub_hears_once(
    hub_apps: Callable[..., Flask], clock: Clock, hub: Hub, tmp_path: Path
) -> None:
    app = hub_apps()
    client = app.test_client()
    lift = NOW + timedelta(hours=2)
    story = record(
        "scoop",
        tags=["Secret tag"],
        # The section `asia` (labelled 아시아 in the corpus) by its slug: the label `Asia`
        # alone is another section's (different labels never share a feed).
        section={"slug": "asia", "label": "Asia"},
        embargoed=lift.isoformat(),
        updated=NOW.isoformat(),
    )
    story.pop("published")
    result = cli(app, "articles", "import", write(tmp_path, "a.json", [story]))
    assert result.exit_code == 0, result.stderr
    flush(app)
    assert hub.topics() == []  # nothing about it left the server
    for path in ("/", "/feeds.opml", "/feeds/all.atom", "/feeds/all.json"):
        assert b"secret-tag" not in client.get(path).data and b"scoop" not in client.get(path).data
    assert client.get("/feeds/tag/secret-tag.atom").status_code == 404
    service = service_of(app)
    assert announce_lifts(service, NOW + timedelta(hours=1)) == []
    clock.now = lift + timedelta(seconds=1)
    assert announce_lifts(service, clock.now) == ["scoop"]
    assert announce_lifts(service, clock.now) == []  # once, whoever asks again
    flush(app)
    topics = set(hub.topics())
    assert f"{SITE}/feeds/tag/secret-tag.atom" in topics
    assert f"{SITE}/feeds/all.atom" in topics
    assert f"{SITE}/feeds/section/asia.json" in topics
    assert f"{SITE}/feeds/section/world.atom" not in topics
    assert len(hub.topics()) == len(topics)
    assert b"scoop" in client.get("/feeds/tag/secret-tag.atom").data


def test_two_processes_announce_each_lift_once(
    hub_apps: Callable[..., Flask], clock: Clock, hub: Hub
) -> None:
    app = hub_apps()
    lift = NOW + timedelta(hours=1)
    service_of(app).replace(embargoed_story(lift))
    # A second app on the same database stands for another worker process.
    other = create_sibling(app, hub)
    request_close = other.extensions["feeds.websub"]
    clock.now = lift
    first = announce_lifts(service_of(app), lift)
    second = announce_lifts(service_of(other), lift)
    assert sorted([*first, *second]) == ["scoop"]
    flush(app)
    flush(other)
    assert hub.topics().count(f"{SITE}/feeds/all.atom") == 1
    request_close.close(timeout=1)
    other.extensions["feeds.store"].dispose()


def create_sibling(app: Flask, hub: Hub) -> Flask:
    from feeds import create_app

    config = app.extensions["feeds.config"]
    return create_app(
        {
            "TESTING": True,
            "FEEDS_CLOCK": app.extensions["feeds.clock"],
            "FEEDS_INSTANCE_PATH": app.instance_path + "-sibling",
            "database_url": config.database_url,
            "load_samples": False,
            "site_url": SITE,
            "hub_url": hub.url,
        }
    )


def test_the_scheduler_pings_within_seconds_of_a_lift(
    hub_apps: Callable[..., Flask], clock: Clock, hub: Hub
) -> None:
    app = hub_apps(FEEDS_LIFT_SCHEDULER=True, lift_check_seconds=1)
    lift = NOW + timedelta(minutes=30)
    service_of(app).replace(embargoed_story(lift))
    client = app.test_client()
    client.get("/healthz")  # the first request a process serves starts its scheduler
    clock.now = lift
    deadline = time.monotonic() + 5
    while f"{SITE}/feeds/all.atom" not in hub.topics() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert f"{SITE}/feeds/all.atom" in hub.topics()


def test_the_lift_command_is_there_for_cron(
    hub_apps: Callable[..., Flask], clock: Clock, hub: Hub
) -> None:
    app = hub_apps()
    lift = NOW + timedelta(minutes=30)
    service_of(app).replace(embargoed_story(lift))
    assert cli(app, "feeds", "lift-embargoes").stdout == "0 embargo lifts due: nothing announced\n"
    clock.now = lift
    result = cli(app, "feeds", "lift-embargoes")
    assert result.stdout == (
        "1 embargo lift announced to the WebSub hub now: "
        "scoop (visible since 2025-08-10T12:30:00Z, under a minute before this run)\n"
    )
    assert f"{SITE}/feeds/all.atom" in hub.topics()


@pytest.mark.parametrize(
    ("late", "said"),
    [
        (timedelta(minutes=13), "13 min before this run"),
        (timedelta(hours=3, minutes=5), "3 h 5 min before this run"),
        (timedelta(days=4), "4 days before this run"),
    ],
)
def test_without_a_hub_the_lift_command_says_it_told_nobody_and_since_when(
    make_app: Callable[..., Flask], clock: Clock, late: timedelta, said: str
) -> None:
    app = make_app([article("live", NOW - timedelta(days=1))], site_url=SITE, hub_url="")
    lift = NOW + timedelta(minutes=30)
    service_of(app).replace(embargoed_story(lift, "e1"))
    clock.now = lift + late  # the article has been visible all this while, without the command
    assert b"e1" in app.test_client().get("/feeds/all.atom").data
    result = cli(app, "feeds", "lift-embargoes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "1 embargo lift recorded, no WebSub hub configured so nobody was told: "
        f"e1 (visible since 2025-08-10T12:30:00Z, {said})\n"
    )
    assert "lifted" not in result.stdout  # the command lifts nothing: the clock did
    again = cli(app, "feeds", "lift-embargoes")
    assert again.stdout == "0 embargo lifts due: nothing announced\n"  # recorded once


def test_every_write_pings_the_feeds_it_touched(
    hub_apps: Callable[..., Flask], clock: Clock, hub: Hub, tmp_path: Path
) -> None:
    app = hub_apps()
    path = write(tmp_path, "a.json", [record("story", section="world")])
    assert cli(app, "articles", "import", path).exit_code == 0
    flush(app)
    assert f"{SITE}/feeds/section/world.atom" in hub.topics()
    hub.pings.clear()
    assert cli(app, "articles", "delete", "story", "--yes").exit_code == 0
    flush(app)
    assert f"{SITE}/feeds/section/world.atom" in hub.topics()
    assert f"{SITE}/feeds/tag/only-here.rss" in hub.topics()
    hub.pings.clear()
    service_of(app).correct("live", {"title": "corrected"})
    flush(app)
    assert f"{SITE}/feeds/all.json" in hub.topics()


def test_writes_to_what_nobody_sees_ping_nothing(
    hub_apps: Callable[..., Flask], clock: Clock, hub: Hub
) -> None:
    app = hub_apps()
    service = service_of(app)
    service.replace(embargoed_story(NOW + timedelta(hours=3)))
    service.correct("scoop", {"title": "still secret"})
    service.delete("scoop")
    service.create(article("plan", NOW - timedelta(hours=1), status="draft"))
    flush(app)
    assert hub.topics() == []
    assert Facet("all") not in service.correct("plan", {"title": "x"}).facets
