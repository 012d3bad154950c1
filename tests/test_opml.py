"""The OPML 2.0 subscription list at /feeds.opml, read back with a real OPML parser."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import listparser
import pytest
from flask.testing import FlaskClient

from articles.model import Section
from feeds.urls import FORMATS
from tests.test_pages import BASE, NOW, SEED, make_app, make_article


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    articles = [
        SEED,
        make_article("a1", minutes=10),
        make_article("w1", minutes=5, section=Section("world", "세계"), language="en"),
        make_article("future", published=NOW + timedelta(days=1), updated=NOW),
    ]
    return make_app(tmp_path, articles, author_name="TRT 한국어 편집국").test_client()


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


def test_opml_dates_come_from_the_newest_entry_and_bytes_repeat(client: FlaskClient) -> None:
    first = client.get("/feeds.opml")
    head = ET.fromstring(first.data).find("head")
    assert head is not None
    # SEED is the newest visible article (2025-07-30 02:00 UTC); the embargoed one is not counted.
    assert head.findtext("dateModified") == "Wed, 30 Jul 2025 02:00:00 GMT"
    assert head.findtext("dateCreated") == "Wed, 30 Jul 2025 02:00:00 GMT"
    assert head.findtext("ownerName") == "TRT 한국어 편집국"
    assert client.get("/feeds.opml").data == first.data


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


def test_opml_of_an_empty_site_has_no_dates_and_no_feeds(tmp_path: Path) -> None:
    response = make_app(tmp_path, []).test_client().get("/feeds.opml")
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    assert root.find("head/dateModified") is None
    assert root.findall("./body/outline") == []


def test_the_readme_url_table_names_every_format_the_opml_list_takes(client: FlaskClient) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `/feeds.opml`"))
    for fmt in FORMATS:
        listed = client.get(f"/feeds.opml?format={fmt}")
        assert listed.status_code == 200
        if fmt != "atom":  # the default, the list without a query
            assert f"format={fmt}`" in row, f"README's /feeds.opml row does not name ?format={fmt}"
