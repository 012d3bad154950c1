"""Translations: records name their other language versions; feeds and pages link them.

A version is linked only while it is stored and visible; links go both ways (a pair is linked
when either record names the other); the links are part of each document's ETag.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import fastfeedparser
import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping, article_from_markdown, article_from_ninjs
from articles.model import Article, Translation, article_from_dict, article_to_dict
from feeds.feed_types import Alternate
from feeds.writers import render
from tests.fixtures import feeds as feed_fixtures
from tests.fixtures.app import EMBARGO, NOW, Clock, article
from tests.fixtures.feeds import BASE_URL
from tests.fixtures.schemas import ATOM_SCHEMA

SEOUL = ZoneInfo("Asia/Seoul")
ATOM = "http://www.w3.org/2005/Atom"
BASE = "https://news.example.com"


def parse(**fields: Any) -> Article:
    record = {"id": "ko-1", "title": "제목", "published": "2025-07-30", **fields}
    return article_from_mapping(
        record, where="seed.json: record 1", zone=SEOUL, default_language="ko"
    )


# --- records --------------------------------------------------------------------------------


def test_record_names_versions_by_id_or_object() -> None:
    story = parse(translations=["en-1", {"id": "tr-1", "language": "tr"}, "en-1"])
    assert story.translations == (Translation("en-1"), Translation("tr-1", "tr"))
    assert article_from_dict(article_to_dict(story)) == story
    assert article_to_dict(story)["translations"] == [
        {"id": "en-1", "language": None},
        {"id": "tr-1", "language": "tr"},
    ]


@pytest.mark.parametrize(
    ("value", "field", "reason"),
    [
        (["ko-1"], "translations[0].id", "names the article itself"),
        ([{"language": "en"}], "translations[0].id", "required"),
        ([{"id": "en 1"}], "translations[0].id", "white space"),
        ([{"id": "en-1", "lang": "en"}], "translations[0].lang", "unknown field"),
        ([{"id": "en-1", "language": "english!"}], "translations[0].language", "BCP 47"),
        ([3.5], "translations[0]", "expected an article id"),
        (7, "translations", "expected a list"),
    ],
)
def test_bad_translations_are_refused_naming_the_field(
    value: object, field: str, reason: str
) -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse(translations=value)
    assert caught.value.field == field
    assert reason in str(caught.value)


def test_markdown_front_matter_names_versions() -> None:
    text = (
        "---\nid: ko-1\ntitle: 제목\npublished: 2025-07-30\n"
        "translations:\n  - id: en-1\n    language: en\n---\n본문\n"
    )
    story = article_from_markdown(text, where="story.md", zone=SEOUL, default_language="ko")
    assert story.translations == (Translation("en-1", "en"),)


def test_ninjs_text_associations_in_another_language_are_versions() -> None:
    item = {
        "uri": "urn:agency:ko:1",
        "type": "text",
        "language": "ko",
        "versioncreated": "2025-07-30T01:00:00Z",
        "headline": "제목",
        "associations": {
            "english": {"uri": "urn:agency:en:1", "type": "text", "language": "en"},
            "photo": {"uri": "urn:agency:photo:1", "type": "picture", "language": "en"},
            "same": {"uri": "urn:agency:ko:2", "type": "text", "language": "ko"},
            "related": {
                "uri": "urn:agency:en:9",
                "type": "text",
                "language": "en",
                "rel": "http://example.com/rel/related",
            },
        },
    }
    story = article_from_ninjs(item, where="wire.json", zone=SEOUL, default_language="ko")
    assert story.translations == (Translation("urn:agency:en:1", "en"),)


# --- feeds and pages ---------------------------------------------------------------------------

KO_AT = NOW - timedelta(days=2)
EN_AT = NOW - timedelta(days=3)


def pair(**english: Any) -> list[Article]:
    """A Korean story naming its English original; the original names nothing."""
    return [
        article("ko-1", KO_AT, translations=(Translation("en-1", "en"),)),
        article(
            "en-1",
            english.pop("published", EN_AT),
            **{"language": "en", "title": "Seoul and Tokyo", **english},
        ),
        article("other", KO_AT - timedelta(hours=1)),
    ]


def atom_alternates(data: bytes, entry_id_suffix: str) -> list[tuple[str | None, str | None]]:
    root = etree.fromstring(data)
    assert ATOM_SCHEMA.validate(root), ATOM_SCHEMA.error_log
    for entry in root.iter(f"{{{ATOM}}}entry"):
        if entry.findtext(f"{{{ATOM}}}id", "").endswith(entry_id_suffix):
            return [
                (link.get("hreflang"), link.get("href"))
                for link in entry.iter(f"{{{ATOM}}}link")
                if link.get("rel") == "alternate" and link.get("hreflang")
            ]
    raise AssertionError(f"no entry {entry_id_suffix}")


def rss_alternates(data: bytes, link_suffix: str) -> list[tuple[str | None, str | None]]:
    root = etree.fromstring(data)
    for item in root.iter("item"):
        if (item.findtext("link") or "").endswith(link_suffix):
            return [
                (link.get("hreflang"), link.get("href"))
                for link in item.iter(f"{{{ATOM}}}link")
                if link.get("rel") == "alternate"
            ]
    raise AssertionError(f"no item {link_suffix}")


def json_alternates(data: bytes, item_suffix: str) -> list[dict[str, str]]:
    for item in json.loads(data)["items"]:
        if item["url"].endswith(item_suffix):
            versions: list[dict[str, str]] = item.get("_translations", {}).get("versions", [])
            return versions
    raise AssertionError(f"no item {item_suffix}")


@pytest.fixture
def linked(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app(pair(), site_url=BASE).test_client()


def test_feeds_link_versions_both_ways_in_each_format(linked: FlaskClient) -> None:
    # Each entry's own URL closes its list, with its own language (the readers' link).
    ko, en = (("ko", f"{BASE}/articles/ko-1"), ("en", f"{BASE}/articles/en-1"))
    atom = linked.get("/feeds/all.atom").data
    assert atom_alternates(atom, ":ko-1") == [en, ko]
    assert atom_alternates(atom, ":en-1") == [ko, en]  # the other way
    assert atom_alternates(atom, ":other") == []
    rss = linked.get("/feeds/all.rss").data
    # RSS opens it with the entry's own URL too (no hreflang: its `<link>`'s twin).
    assert rss_alternates(rss, "/articles/ko-1") == [(None, ko[1]), en, ko]
    assert rss_alternates(rss, "/articles/en-1") == [(None, en[1]), ko, en]
    feed = linked.get("/feeds/all.json").data
    assert json_alternates(feed, "/articles/ko-1") == [
        {"language": "en", "url": f"{BASE}/articles/en-1"}
    ]


def test_a_version_with_its_own_url_is_linked_there(make_app: Callable[..., Flask]) -> None:
    client = make_app(pair(url="https://www.trt.example/en/1"), site_url=BASE).test_client()
    atom = client.get("/feeds/all.atom").data
    assert atom_alternates(atom, ":ko-1") == [
        ("en", "https://www.trt.example/en/1"),
        ("ko", f"{BASE}/articles/ko-1"),
    ]


@pytest.mark.parametrize(
    "english",
    [{"status": "draft"}, {"status": "withheld"}, {"published": EMBARGO, "updated": EMBARGO}],
)
def test_a_version_that_is_not_public_is_never_linked(
    make_app: Callable[..., Flask], english: dict[str, Any]
) -> None:
    client = make_app(pair(**english), site_url=BASE).test_client()
    for path in ("/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json", "/articles/ko-1"):
        body = client.get(path).get_data(as_text=True)
        assert "/articles/en-1" not in body, path
        assert 'hreflang="en"' not in body, path


def test_a_missing_version_is_never_linked(make_app: Callable[..., Flask]) -> None:
    client = make_app(pair()[:1] + pair()[2:], site_url=BASE).test_client()
    assert "en-1" not in client.get("/feeds/all.atom").get_data(as_text=True)
    assert "hreflang" not in client.get("/articles/ko-1").get_data(as_text=True)


def test_links_follow_the_version_and_change_the_etag(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(pair(published=EMBARGO, updated=EMBARGO), site_url=BASE)
    client = app.test_client()
    store = app.extensions["feeds.store"]
    before = client.get("/feeds/section/asia.atom")
    assert atom_alternates(before.data, ":ko-1") == []
    clock.now = EMBARGO + timedelta(minutes=1)  # the English version's embargo lifts
    lifted = client.get(
        "/feeds/section/asia.atom", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert lifted.status_code == 200
    assert atom_alternates(lifted.data, ":ko-1") == [
        ("en", f"{BASE}/articles/en-1"),
        ("ko", f"{BASE}/articles/ko-1"),
    ]
    store.delete("en-1")
    gone = client.get("/feeds/section/asia.atom", headers={"If-None-Match": lifted.headers["ETag"]})
    assert gone.status_code == 200
    assert atom_alternates(gone.data, ":ko-1") == []
    page = client.get("/articles/ko-1")
    assert "hreflang" not in page.get_data(as_text=True)


def test_article_pages_carry_hreflang_alternates_both_ways(linked: FlaskClient) -> None:
    for own, own_lang, other, other_lang in (
        ("ko-1", "ko", "en-1", "en"),
        ("en-1", "en", "ko-1", "ko"),
    ):
        response = linked.get(f"/articles/{own}")
        tree = html.fromstring(response.data)
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in tree.xpath('//head/link[@rel="alternate"][@hreflang]')
        }
        assert alternates == {
            own_lang: f"{BASE}/articles/{own}",
            other_lang: f"{BASE}/articles/{other}",
        }
        # Dated like any page: a version leaving moves the page's change time
        # (tests/test_translation_last_modified.py).
        assert "Last-Modified" in response.headers
    assert "Last-Modified" in linked.get("/articles/other").headers


def test_feeds_with_versions_validate_and_keep_one_link_per_language(
    make_app: Callable[..., Flask],
) -> None:
    articles = [
        article(
            "ko-1",
            KO_AT,
            translations=(Translation("en-1"), Translation("en-2"), Translation("tr-1")),
        ),
        article("en-1", EN_AT, language="en"),
        article("en-2", EN_AT, language="en"),
        article("tr-1", EN_AT, language="tr"),
    ]
    client = make_app(articles, site_url=BASE).test_client()
    atom = client.get("/feeds/all.atom").data
    assert atom_alternates(atom, ":ko-1") == [
        ("en", f"{BASE}/articles/en-1"),
        ("tr", f"{BASE}/articles/tr-1"),
        ("ko", f"{BASE}/articles/ko-1"),
    ]


def test_store_links_versions_both_ways_on_both_backends(database_url: str) -> None:
    from articles.store import Store

    store = Store(database_url)
    store.migrate()
    try:
        store.upsert_many(pair(url="https://www.trt.example/en/1"))
        links = store.translation_links(["ko-1", "en-1", "other"], now=NOW)
        assert [(x.article_id, x.other_id, x.language, x.url) for x in links] == [
            ("en-1", "ko-1", "ko", None),
            ("ko-1", "en-1", "en", "https://www.trt.example/en/1"),
        ]
        # A replaced record names other versions: the old names go.
        store.upsert_many([article("ko-1", KO_AT, updated=NOW, translations=())])
        assert store.translation_links(["ko-1", "en-1"], now=NOW) == []
        store.upsert_many(
            [
                article(
                    "ko-1",
                    KO_AT,
                    updated=NOW + timedelta(seconds=1),
                    translations=(Translation("en-1"),),
                )
            ]
        )
        store.delete("ko-1")
        assert store.translation_links(["en-1"], now=NOW) == []
    finally:
        store.dispose()


# --- every reader takes the entry's own URL as its link ---------------------------------------

LANGUAGES = ("ko", "en", "tr", "ja")


@st.composite
def linked_stories(draw: st.DrawFn) -> tuple[list[Article], dict[str, tuple[Alternate, ...]]]:
    """A few stories, some with their own URL, each linking some of the others (any language,
    its own included) in the order the store gives: by language, then id."""
    count = draw(st.integers(1, 4))
    stories = [
        article(
            f"s-{n}",
            KO_AT - timedelta(hours=n),
            language=draw(st.sampled_from(LANGUAGES)),
            url=draw(st.sampled_from([None, f"https://www.trt.example/{n}"])),
        )
        for n in range(count)
    ]
    versions: dict[str, tuple[Alternate, ...]] = {}
    for story in stories:
        others = draw(st.lists(st.sampled_from(stories), unique_by=lambda a: a.id, max_size=3))
        linked = sorted((o for o in others if o.id != story.id), key=lambda o: (o.language, o.id))
        if linked:
            versions[story.id] = tuple(Alternate(o.language, own_url(o)) for o in linked)
    return stories, versions


def own_url(story: Article) -> str:
    return story.url or BASE_URL + feed_fixtures.article_page(story)


def first_alternate(item: Any, tag: str) -> str | None:
    for link in item.iter(tag):
        if link.get("rel", "alternate") == "alternate":
            return str(link.get("href"))
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_stories())
def test_every_reader_takes_the_entrys_own_url_as_its_link(
    drawn: tuple[list[Article], dict[str, tuple[Alternate, ...]]],
) -> None:
    """feedparser (and lemon24/reader, which vendors it) and newsboat take an entry's last
    `rel="alternate"` HTML link, fastfeedparser, podcastparser and sfeed its first; in RSS an
    `atom:link` alternate beats `<link>` for both kinds. The entry's own URL is both, and its
    versions are each language once, not its own (RFC 4287: one alternate per type and
    hreflang)."""
    stories, versions = drawn
    feed = feed_fixtures.make_feed(stories, alternates=versions)
    expected = {s.guid: own_url(s) for s in stories}
    language = {s.guid: s.language for s in stories}
    named = {s.guid: versions.get(s.id, ()) for s in stories}
    for fmt in ("atom", "rss"):
        document = render(feed, fmt)
        parsed = feedparser.parse(document)
        assert {e.id: e.link for e in parsed.entries} == expected, fmt
        fast = fastfeedparser.parse(document)
        assert {e["id"]: e["link"] for e in fast["entries"]} == expected, fmt
    root = etree.fromstring(render(feed, "atom"))
    assert ATOM_SCHEMA.validate(root), ATOM_SCHEMA.error_log
    for entry in root.iter(f"{{{ATOM}}}entry"):
        entry_id = entry.findtext(f"{{{ATOM}}}id")
        assert first_alternate(entry, f"{{{ATOM}}}link") == expected[entry_id]
        alternates = [
            (link.get("type"), link.get("hreflang"), link.get("href"))
            for link in entry.iter(f"{{{ATOM}}}link")
            if link.get("rel") == "alternate"
        ]
        keys = [(kind, hreflang) for kind, hreflang, _ in alternates]
        assert len(keys) == len(set(keys)), alternates
        linked = {hreflang: href for _, hreflang, href in alternates if hreflang}
        wanted = {a.language: a.url for a in reversed(named[entry_id])}
        wanted.pop(language[entry_id], None)
        if wanted:  # the versions, each language once (the first named), and the entry itself
            wanted[language[entry_id]] = expected[entry_id]
        assert linked == wanted
    rss = etree.fromstring(render(feed, "rss"))
    for item in rss.iter("item"):
        first = first_alternate(item, f"{{{ATOM}}}link") or item.findtext("link")
        assert first == expected[item.findtext("guid")]
    items = json.loads(render(feed, "json"))["items"]
    assert {i["id"]: i["url"] for i in items} == expected
    for item in items:
        named = [v["language"] for v in item.get("_translations", {}).get("versions", [])]
        assert language[item["id"]] not in named and len(named) == len(set(named))


def test_a_version_in_the_pages_own_language_is_not_a_second_hreflang(
    make_app: Callable[..., Flask],
) -> None:
    stories = [
        article("ko-1", KO_AT, translations=(Translation("ko-2"), Translation("en-1"))),
        article("ko-2", KO_AT),
        article("en-1", EN_AT, language="en"),
    ]
    client = make_app(stories, site_url=BASE).test_client()
    tree = html.fromstring(client.get("/articles/ko-1").data)
    hreflangs = [
        (link.get("hreflang"), link.get("href"))
        for link in tree.xpath('//head/link[@rel="alternate"][@hreflang]')
    ]
    assert hreflangs == [("ko", f"{BASE}/articles/ko-1"), ("en", f"{BASE}/articles/en-1")]
