"""Language feeds by RFC 4647 basic filtering (section 3.3.1): the feed of `ko` holds every
`ko` and `ko-KR` article, the feed of `zh` every `zh`, `zh-Hant` and `zh-Hant-TW` one.

The expectations below are written from the RFC, not from the code: a feed for the range R
holds every published, visible article whose tag equals R or starts with R followed by `-`
(case-insensitively); the feeds that exist are every prefix of a visible article's tag. Each
consequence of membership is checked where readers meet it: the query (pages, counts, the
feed list), RFC 6721 tombstones, ETag and Last-Modified, the feed's own language, the hub's
pings, the facet page, OPML, and the migration of a store the previous schema wrote.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from werkzeug.http import parse_date

from articles.changes import Change
from articles.languages import canonical_language, language_ranges
from articles.model import STATUSES, Article
from articles.store import Facet, Store, alembic_config
from feeds.lifts import announce_lifts
from tests.fixtures.app import NOW, Clock, article, guid_of, service_of
from tests.fixtures.store import T0, fresh_database, make_article

SITE = "https://news.example.com"
AT = "{http://purl.org/atompub/tombstones/1.0}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Registered tags with and without script, region and variant, as newsrooms write them.
TAGS = (
    "ko",
    "ko-KR",
    "ko-KP",
    "en",
    "en-GB",
    "en-US",
    "en-GB-oxendict",
    "zh",
    "zh-Hant",
    "zh-Hant-TW",
    "zh-Hans-CN",
    "zh-TW",
    "pt",
    "pt-BR",
    "sr",
    "sr-Latn",
    "sr-Latn-RS",
    "sr-Cyrl",
    "es-419",
    "de-CH-1901",
    "ja",
)


def prefixes(tag: str) -> list[str]:
    """Every range ending at a subtag boundary of `tag`, itself included."""
    subtags = tag.split("-")
    return ["-".join(subtags[:end]) for end in range(1, len(subtags) + 1)]


def basic_filter(language_range: str, tag: str) -> bool:
    """RFC 4647 section 3.3.1: the range matches the tag or a prefix of it ending at `-`."""
    r, t = language_range.lower(), tag.lower()
    return t == r or t.startswith(r + "-")


def feed_order(articles: list[Article]) -> list[str]:
    return [a.id for a in sorted(articles, key=lambda a: (a.published, a.id), reverse=True)]


# (tag, the ranges whose feeds hold it)
RANGES = (
    ("ko", ("ko",)),
    ("ko-KR", ("ko-KR", "ko")),
    ("zh-Hant-TW", ("zh-Hant-TW", "zh-Hant", "zh")),
    ("sr-Latn", ("sr-Latn", "sr")),
    ("en-GB-oxendict", ("en-GB-oxendict", "en-GB", "en")),
    # Extensions and private use narrow a language; their prefixes name no feed.
    ("en-US-x-twain", ("en-US-x-twain", "en-US", "en")),
    ("en-US-u-ca-gregory", ("en-US-u-ca-gregory", "en-US", "en")),
    # A tag stored before tags were canonical keeps its own feed only.
    ("kor", ("kor",)),
)


def test_language_ranges_are_the_basic_filter_prefixes_that_name_a_feed() -> None:
    assert {tag: language_ranges(tag) for tag, _ in RANGES} == dict(RANGES)
    assert all(basic_filter(each, tag) for tag, ranges in RANGES for each in ranges)


# --- the store: every language feed is what the basic filter selects ------------------------

READ_AT = T0 + timedelta(days=2)
_versions = count(1)

writes = st.lists(
    st.tuples(
        st.integers(0, 11),  # article number: a later write of one replaces it
        st.sampled_from(TAGS),
        st.sampled_from(STATUSES),
        st.integers(0, 4 * 24 * 60),  # published, minutes after T0: some after READ_AT
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=writes, delete=st.lists(st.integers(0, 11), max_size=2))
def test_every_language_feed_holds_exactly_what_the_basic_filter_selects(
    store: Store, batch: list[tuple[int, str, str, int]], delete: list[int]
) -> None:
    # The tags drawn are canonical, so the rule applies to them as written.
    assert [canonical_language(tag) for tag in TAGS] == list(TAGS)
    # The store lives across examples: each one writes, replaces and deletes over what the
    # earlier ones left, so a tag changing (ko-KR to en) moves an article between feeds.
    known: dict[str, Article] = {a.id: a for a in store.list_articles(limit=100)}
    written = []
    for number, tag, status, minutes in batch:
        when = T0 + timedelta(minutes=minutes)
        version = T0 + timedelta(days=10, seconds=next(_versions))
        written.append(
            make_article(f"n{number}", language=tag, status=status, published=when, updated=version)
        )
    store.upsert_many(written, now=READ_AT)
    known.update({a.id: a for a in written})
    for number in dict.fromkeys(delete):
        if f"n{number}" in known:
            store.delete(f"n{number}", now=READ_AT)
            del known[f"n{number}"]
    visible = [a for a in known.values() if a.is_visible_at(READ_AT)]
    expected_feeds = {}
    for language_range in {p for tag in TAGS for p in prefixes(tag)}:
        members = [a for a in visible if basic_filter(language_range, a.language)]
        facet = Facet("language", language_range)
        keys = store.page_keys(facet, now=READ_AT, limit=100)
        assert [k.id for k in keys] == feed_order(members), language_range
        paged = store.page_keys(facet, now=READ_AT, limit=2, offset=1)
        assert [k.id for k in paged] == feed_order(members)[1:3], language_range
        assert store.count_visible(facet, now=READ_AT) == len(members), language_range
        if members:
            expected_feeds[language_range] = len(members)
    listed = {
        info.facet.value: info.count
        for info in store.facets(now=READ_AT)
        if info.facet.kind == "language"
    }
    assert listed == expected_feeds


# --- the app: tombstones, validators, the feed's language, lists, the hub -------------------


def regional_corpus() -> list[Article]:
    base = datetime(2025, 8, 5, 9, 0, tzinfo=UTC)
    return [
        article("plain-ko", base, language="ko"),
        article("seoul", base + timedelta(hours=1), language="ko-KR"),
        article("london", base + timedelta(hours=2), language="en-GB", title="London"),
        article("taipei", base + timedelta(hours=3), language="zh-Hant-TW", title="台北"),
    ]


def entry_ids(body: bytes) -> list[str]:
    root = etree.fromstring(body)
    return [e.findtext(f"{ATOM}id") or "" for e in root.iter(f"{ATOM}entry")]


def tombstone_refs(body: bytes) -> list[str]:
    root = etree.fromstring(body)
    return [d.get("ref", "") for d in root.iter(f"{AT}deleted-entry")]


def test_a_language_feed_holds_its_regional_articles_in_every_format_and_speaks_its_language(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(regional_corpus(), site_url=SITE)
    client = app.test_client()
    seoul, plain = guid_of(app, "seoul"), guid_of(app, "plain-ko")
    atom = client.get("/feeds/lang/ko.atom")
    assert entry_ids(atom.data) == [seoul, plain]
    assert etree.fromstring(atom.data).get(XML_LANG) == "ko"
    rss = etree.fromstring(client.get("/feeds/lang/ko.rss").data)
    assert [g.text for g in rss.iter("guid")] == [seoul, plain]
    assert rss.findtext("channel/language") == "ko"
    feed = json.loads(client.get("/feeds/lang/ko.json").data)
    assert [item["id"] for item in feed["items"]] == [seoul, plain]
    assert feed["language"] == "ko"
    # The regional feed holds only its own; the Chinese article is in all three of its feeds.
    assert entry_ids(client.get("/feeds/lang/ko-KR.atom").data) == [seoul]
    taipei = guid_of(app, "taipei")
    for language_range in ("zh", "zh-Hant", "zh-Hant-TW"):
        body = client.get(f"/feeds/lang/{language_range}.atom").data
        assert entry_ids(body) == [taipei], language_range
        assert etree.fromstring(body).get(XML_LANG) == language_range
    # One URL per feed still: another case is a redirect to the canonical tag.
    moved = client.get("/feeds/lang/ko-kr.atom")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/feeds/lang/ko-KR.atom")
    page = client.get("/lang/ko")
    assert page.status_code == 200
    assert "/articles/seoul" in page.get_data(as_text=True)


def test_the_feed_lists_name_every_range_with_published_articles(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(
        [
            *regional_corpus(),
            article("draft-pt", NOW - timedelta(days=1), language="pt-BR", status="draft"),
        ],
        site_url=SITE,
    )
    client = app.test_client()
    opml = etree.fromstring(client.get("/feeds.opml").data)
    urls = {o.get("xmlUrl") for o in opml.iter("outline") if o.get("xmlUrl")}
    languages = {u.rsplit("/", 1)[1] for u in urls if "/feeds/lang/" in u}
    assert languages == {
        f"{tag}.atom" for tag in ("ko", "ko-KR", "en", "en-GB", "zh", "zh-Hant", "zh-Hant-TW")
    }
    index = client.get("/").get_data(as_text=True)
    assert "/feeds/lang/zh-Hant.atom" in index
    assert "/feeds/lang/pt" not in index  # a draft names no feed


def test_deleting_a_regional_article_puts_its_tombstone_in_every_feed_it_was_in(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(regional_corpus(), site_url=SITE)
    client = app.test_client()
    gone = guid_of(app, "seoul")
    clock.now = NOW + timedelta(hours=1)
    service_of(app).delete("seoul")
    for language_range in ("ko", "ko-KR"):
        atom = client.get(f"/feeds/lang/{language_range}.atom").data
        assert gone not in entry_ids(atom), language_range
        assert tombstone_refs(atom) == [gone], language_range
        for fmt in ("rss", "json"):
            assert gone.encode() not in client.get(f"/feeds/lang/{language_range}.{fmt}").data
    assert tombstone_refs(client.get("/feeds/lang/en.atom").data) == []
    assert tombstone_refs(client.get("/feeds/lang/zh.atom").data) == []


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_correcting_a_regional_article_moves_the_language_feeds_validators(
    make_app: Callable[..., Flask], clock: Clock, fmt: str
) -> None:
    app = make_app(regional_corpus(), site_url=SITE)
    client = app.test_client()
    path = f"/feeds/lang/ko.{fmt}"
    before = client.get(path)
    clock.now = NOW + timedelta(hours=1)
    service_of(app).correct("seoul", {"title": "Corrected headline"})
    clock.now = NOW + timedelta(hours=2)  # the change has settled (feeds.etag)
    after = client.get(path)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert parse_date(after.headers["Last-Modified"]) > parse_date(  # type: ignore[operator]
        before.headers["Last-Modified"]
    )
    assert b"Corrected headline" in after.data
    again = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert again.status_code == 200


def test_the_hub_hears_of_every_range_feed_a_write_changes_and_of_none_for_a_draft(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app([], site_url=SITE)
    service = service_of(app)
    published = service.create(article("taipei", NOW - timedelta(hours=1), language="zh-Hant-TW"))
    languages = {f.value for f in published.facets if f.kind == "language"}
    assert languages == {"zh", "zh-Hant", "zh-Hant-TW"}
    moved = service.correct("taipei", {"language": "zh-Hans-CN"})
    languages = {f.value for f in moved.facets if f.kind == "language"}
    # It left two feeds and joined two; `zh` changed too (its entry's language did).
    assert languages == {"zh", "zh-Hant", "zh-Hant-TW", "zh-Hans", "zh-Hans-CN"}
    draft = service.create(
        article("draft", NOW - timedelta(hours=1), language="ko-KR", status="draft")
    )
    assert draft.facets == frozenset()


def test_an_embargo_lift_announces_every_range_feed_and_the_feeds_show_it_then(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app([], site_url=SITE)
    client = app.test_client()
    service = service_of(app)
    heard: list[Change] = []
    service.listeners.subscribe(heard.append)
    lift = NOW + timedelta(hours=2)
    service.create(replace(article("scoop", lift, language="ko-KR"), updated=NOW, embargoed=lift))
    assert not any(change.facets for change in heard)  # nothing readers can see changed
    assert client.get("/feeds/lang/ko.atom").status_code == 404
    clock.now = lift + timedelta(seconds=1)
    assert announce_lifts(service, clock.now) == ["scoop"]
    languages = {f.value for f in heard[-1].facets if f.kind == "language"}
    assert languages == {"ko", "ko-KR"}
    assert entry_ids(client.get("/feeds/lang/ko.atom").data) == [guid_of(app, "scoop")]


# --- the migration: a store the previous schema wrote --------------------------------------


def _scenario(store: Store) -> None:
    """Writes, a correction moving a tag, and a deletion, as a newsroom makes them."""
    store.upsert_many(
        [
            make_article("k1", language="ko", minutes=1),
            make_article("k2", language="ko-KR", minutes=2),
            make_article("k3", language="ko-KR", minutes=3, status="draft"),
            make_article("z1", language="zh-Hant-TW", minutes=4),
            make_article("s1", language="sr-Latn", minutes=5),
            make_article("e1", language="en-GB", minutes=6),
        ],
        now=T0 + timedelta(hours=1),
    )
    moved = make_article("e1", language="en-US", minutes=6, updated=T0 + timedelta(hours=2))
    store.upsert_many([moved], now=T0 + timedelta(hours=2))
    store.delete("k2", now=T0 + timedelta(hours=3))


def _language_feeds(store: Store, now: datetime) -> dict[str, Any]:
    feeds = {}
    for language_range in (
        "ko",
        "ko-KR",
        "zh",
        "zh-Hant",
        "zh-Hant-TW",
        "sr",
        "sr-Latn",
        "en",
        "en-GB",
        "en-US",
    ):
        facet = Facet("language", language_range)
        feeds[language_range] = (
            [k.id for k in store.page_keys(facet, now=now, limit=50)],
            store.count_visible(facet, now=now),
            store.months(facet, now=now),
            [t.guid for t in store.feed_tombstones(facet, now=now, since=T0)],
        )
    return feeds


# What the previous schema's code wrote and this one does not: a language's change times and
# tombstones under any range but the article's own tag.
_NOT_PREVIOUS = (
    "DELETE FROM feed_tombstones WHERE kind = 'language' AND value <> COALESCE("
    "(SELECT language FROM articles WHERE id = feed_tombstones.article_id),"
    "(SELECT language FROM deleted_articles WHERE id = feed_tombstones.article_id))",
    "DELETE FROM facet_changes WHERE kind = 'language' AND value NOT IN ("
    "SELECT language FROM articles UNION SELECT language FROM deleted_articles)",
    # Nor a tombstone for a feed an entry was taken out of alone (schema 0020's code on).
    "DELETE FROM feed_tombstones WHERE reason = 'moved'",
)


def test_migrating_a_store_the_previous_schema_wrote_gives_the_feeds_of_a_fresh_one(
    database_url: str, tmp_path: Path
) -> None:
    now = T0 + timedelta(days=1)
    store = Store(database_url)
    store.migrate()
    _scenario(store)
    # Back to the previous revision (its language counts are by exact tag), less the rows its
    # code never wrote: the store as the previous release left it.
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0015")
        for statement in _NOT_PREVIOUS:
            conn.execute(sa.text(statement))
    store.migrate()
    migrated = _language_feeds(store, now)
    changed = store.last_change(Facet("language", "ko"), now=now, period=timedelta(days=30))
    store.dispose()
    backend = "sqlite" if database_url.startswith("sqlite") else "postgres"
    (tmp_path / "fresh").mkdir()
    with fresh_database(backend, tmp_path / "fresh") as url:
        fresh = Store(url)
        fresh.migrate()
        _scenario(fresh)
        expected = _language_feeds(fresh, now)
        fresh.dispose()
    # e1 moved out of en-GB: today's code leaves it a tombstone there, which no migration can
    # know of (the previous code wrote none); everything else is the same.
    assert expected["en-GB"][3] == [make_article("e1").guid]
    expected["en-GB"] = (*expected["en-GB"][:3], [])
    assert migrated == expected
    assert migrated["ko"][:2] == (["k1"], 1)  # k2 deleted, k3 a draft
    assert migrated["ko"][3] == [make_article("k2").guid]  # k2's tombstone reached `ko`
    assert migrated["zh"][0] == migrated["zh-Hant"][0] == ["z1"]
    assert migrated["sr"][0] == ["s1"]
    assert migrated["en"][0] == migrated["en-US"][0] == ["e1"]
    assert migrated["en-GB"][0] == []
    # The deletion of a ko-KR article changed the `ko` feed: its change time says so.
    assert changed is not None and changed >= T0 + timedelta(hours=3)
