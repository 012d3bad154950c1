"""The OPML 2.0 subscription list at /feeds.opml, read back with a real OPML parser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import listparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_date

from articles.model import Section
from feeds.urls import FORMATS
from tests.fixtures.app import Clock
from tests.test_pages import BASE, NOW, SEED, make_article
from tests.test_pages import make_app as pages_app


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    articles = [
        SEED,
        make_article("a1", minutes=10),
        make_article("w1", minutes=5, section=Section("world", "세계"), language="en"),
        make_article("future", published=NOW + timedelta(days=1), updated=NOW),
    ]
    return pages_app(tmp_path, articles, author_name="TRT 한국어 편집국").test_client()


def test_opml_is_served_as_text_x_opml_in_utf8(client: FlaskClient) -> None:
    response = client.get("/feeds.opml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/x-opml; charset=utf-8"
    assert response.data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")


def test_opml_lists_every_feed_for_a_reader_to_import(client: FlaskClient) -> None:
    parsed = listparser.parse(client.get("/feeds.opml").data)
    assert not parsed.bozo, parsed.bozo_exception
    urls = {feed.url for feed in parsed.feeds}
    assert urls == {
        f"{BASE}/feeds/{path}.atom"
        for path in (
            "all",
            "section/asia",
            "section/world",
            "tag/japan",
            "tag/diplomacy",
            "author/trt-korean",
            "lang/en",
            "lang/ko",
            "source/aa",
        )
    }
    titles = {feed.title for feed in parsed.feeds}
    assert "TRT 한국어 뉴스: 아시아" in titles
    assert parsed.meta.title == "TRT 한국어 뉴스 (Atom)"


def test_opml_groups_outlines_by_facet_kind_with_html_links(client: FlaskClient) -> None:
    root = ET.fromstring(client.get("/feeds.opml").data)
    assert root.get("version") == "2.0"
    groups = {g.get("text"): g for g in root.findall("./body/outline")}
    assert list(groups) == ["전체", "섹션", "태그", "기자", "언어", "출처"]
    sections = groups["섹션"].findall("outline")
    assert [o.attrib for o in sections] == [
        {
            "type": "rss",
            "text": "TRT 한국어 뉴스: 아시아",
            "title": "TRT 한국어 뉴스: 아시아",
            "xmlUrl": f"{BASE}/feeds/section/asia.atom",
            "htmlUrl": f"{BASE}/section/asia",
            "description": "기사 2개",
        },
        {
            "type": "rss",
            "text": "TRT 한국어 뉴스: 세계",
            "title": "TRT 한국어 뉴스: 세계",
            "xmlUrl": f"{BASE}/feeds/section/world.atom",
            "htmlUrl": f"{BASE}/section/world",
            "description": "기사 1개",
        },
    ]
    assert groups["언어"].find("outline[@language='en']") is not None


def test_opml_date_modified_is_its_last_modified_and_bytes_repeat(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(site_url=BASE, author_name="TRT 한국어 편집국").test_client()
    first = client.get("/feeds.opml")
    head = ET.fromstring(first.data).find("head")
    assert head is not None
    assert head.findtext("dateModified") == first.headers["Last-Modified"]
    # OPML 2.0: dateCreated is when the document was created; nothing dates that and stays.
    assert head.find("dateCreated") is None
    assert head.findtext("ownerName") == "TRT 한국어 편집국"
    assert client.get("/feeds.opml").data == first.data


@pytest.mark.parametrize("write", ["new", "backfill", "correction", "withdrawal", "deletion"])
def test_every_write_moves_date_modified_with_last_modified_and_no_creation_date(
    make_app: Callable[..., Flask], clock: Clock, write: str
) -> None:
    """dateCreated came from the newest article, so it moved with every new one; a
    correction or a deletion left dateModified behind though the counts changed."""
    app = make_app(site_url=BASE)
    store = app.extensions["feeds.store"]
    client = app.test_client()
    before = client.get("/feeds.opml")
    written = clock.now + timedelta(minutes=10)
    if write in ("new", "backfill"):
        published = written if write == "new" else written - timedelta(days=5)
        store.upsert_many([make_article("x", published=published, updated=published)], now=written)
    elif write == "deletion":
        store.delete("jul-1", now=written)
    else:
        stored = store.get("aug-1")
        status = "published" if write == "correction" else "withheld"
        store.upsert_many(
            [replace(stored, title="고침", status=status, updated=written)], now=written
        )
    clock.now = written + timedelta(minutes=1)
    after = client.get("/feeds.opml")
    assert after.data != before.data
    for response in (before, after):
        head = ET.fromstring(response.data).find("head")
        assert head is not None and head.find("dateCreated") is None
        assert head.findtext("dateModified") == response.headers["Last-Modified"]
    assert parse_date(after.headers["Last-Modified"]) == written
    assert (
        client.get("/feeds.opml", headers={"If-None-Match": before.headers["ETag"]}).status_code
        == 200
    )


def test_opml_answers_304_when_the_etag_matches(client: FlaskClient) -> None:
    etag = client.get("/feeds.opml").headers["ETag"]
    again = client.get("/feeds.opml", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag


@pytest.mark.parametrize("fmt", ["rss", "json"])
def test_opml_can_list_another_format(client: FlaskClient, fmt: str) -> None:
    response = client.get(f"/feeds.opml?format={fmt}")
    urls = [feed.url for feed in listparser.parse(response.data).feeds]
    assert urls and all(url.endswith(f".{fmt}") for url in urls)
    assert response.headers["ETag"] != client.get("/feeds.opml").headers["ETag"]


def test_opml_with_an_unknown_format_answers_400_naming_it(client: FlaskClient) -> None:
    response = client.get("/feeds.opml?format=xml")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == (
        "format: expected one of atom, rss, json, got 'xml'\n"
    )


@pytest.mark.parametrize("query", ["format=rss&format=json", "format=atom&format=atom"])
def test_opml_with_the_format_given_twice_answers_400(client: FlaskClient, query: str) -> None:
    """The first value was taken in silence; a repeated `page` of a feed is a 400 too."""
    response = client.get(f"/feeds.opml?{query}")
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("format is given 2 times; give it once")


def test_opml_of_an_empty_site_has_no_feeds_and_is_dated_by_the_version(tmp_path: Path) -> None:
    response = pages_app(tmp_path, []).test_client().get("/feeds.opml")
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    # The settings and code coming into use (a minute before the clock) date it.
    assert root.findtext("head/dateModified") == response.headers["Last-Modified"]
    assert root.find("head/dateCreated") is None
    assert root.findall("./body/outline") == []


def test_the_readme_url_table_names_every_format_the_opml_list_takes(client: FlaskClient) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `/feeds.opml`"))
    for fmt in FORMATS:
        listed = client.get(f"/feeds.opml?format={fmt}")
        assert listed.status_code == 200
        if fmt != "atom":  # the default, the list without a query
            assert f"format={fmt}`" in row, f"README's /feeds.opml row does not name ?format={fmt}"


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fractions=st.lists(st.integers(0, 999_999), min_size=2, max_size=2, unique=True))
@example(fractions=[100_000, 900_000])
def test_opml_etag_changes_exactly_when_its_bytes_do_within_one_second(
    make_app: Callable[..., Flask], clock: Clock, fractions: list[int]
) -> None:
    """Two writes readers see in one second, at any fractions of it: the list shows its
    `dateModified` to the second, so its ETag changes exactly when its bytes do (RFC 9110
    8.8.3). Before, the ETag hashed the date to the microsecond (and each feed's newest
    time, which the list does not show) and changed with the bytes unchanged."""
    app = make_app()
    client = app.test_client()
    service = app.extensions["articles.service"]
    second = clock.now.replace(microsecond=0) + timedelta(minutes=5)
    first, then = sorted(fractions)
    clock.now = second + timedelta(microseconds=first)
    service.delete("jul-1")
    before = client.get("/feeds.opml")
    clock.now = second + timedelta(microseconds=then)
    service.delete("aug-1")  # the "all" count moves: bytes and tag change
    middle = client.get("/feeds.opml")
    assert (middle.data == before.data) == (middle.headers["ETag"] == before.headers["ETag"])
    clock.now = second + timedelta(microseconds=then + (999_999 - then) // 2)
    service.correct("jul-2", {"summary": "corrected in the same second"})
    after = client.get("/feeds.opml")
    assert (after.data == middle.data) == (after.headers["ETag"] == middle.headers["ETag"])
