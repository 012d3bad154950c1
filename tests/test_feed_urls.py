"""Feed URLs: every facet in every format, content negotiation on extension-less URLs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.http import http_date

from articles.model import Tag
from articles.store import Facet
from feeds.negotiation import negotiate
from tests.fixtures.app import LOADED_BEFORE, NOW, Clock, article
from tests.fixtures.http import CHROME_ACCEPT, FEED_MEDIA_TYPES, FEED_VARY, MEDIA_RANGES, SITE


def entry_ids(fmt: str, body: bytes) -> list[str]:
    if fmt == "json":
        return [item["id"] for item in json.loads(body)["items"]]
    return [e.id for e in feedparser.parse(body).entries]


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_all_feed_lists_visible_articles_newest_first_in_each_format(
    client: FlaskClient, fmt: str
) -> None:
    response = client.get(f"/feeds/all.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == FEED_MEDIA_TYPES[fmt]
    ids = entry_ids(fmt, response.data)
    # The embargoed and the draft article are not visible at NOW.
    assert ids == [
        f"tag:feeds.example.org,2025:{i}"
        for i in ("aug-4", "aug-3", "aug-2", "aug-1", "jul-3", "jul-2", "jul-1")
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/feeds/section/asia.atom", {"aug-3", "aug-2", "aug-1", "jul-2", "jul-1"}),
        ("/feeds/section/world.atom", {"aug-4", "jul-3"}),
        ("/feeds/tag/japan.atom", {"aug-4", "aug-3", "aug-2", "aug-1", "jul-3", "jul-1"}),
        ("/feeds/lang/en.atom", {"aug-2"}),
        (
            "/feeds/author/trt-korean.atom",
            {"aug-4", "aug-3", "aug-2", "aug-1", "jul-3", "jul-2", "jul-1"},
        ),
        ("/feeds/source/aa.atom", {"aug-4", "aug-3", "aug-2", "aug-1", "jul-3", "jul-2", "jul-1"}),
    ],
)
def test_facet_feed_holds_only_that_facets_articles(
    client: FlaskClient, path: str, expected: set[str]
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    ids = {i.rsplit(":", 1)[1] for i in entry_ids("atom", response.data)}
    assert ids == expected


def test_self_link_is_the_public_url_of_the_document(client: FlaskClient) -> None:
    parsed = feedparser.parse(client.get("/feeds/section/asia.rss").data)
    selfs = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert selfs == [f"{SITE}/feeds/section/asia.rss"]


def test_json_feed_url_is_its_own_address(client: FlaskClient) -> None:
    doc = json.loads(client.get("/feeds/tag/japan.json").data)
    assert doc["feed_url"] == f"{SITE}/feeds/tag/japan.json"


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        (None, "atom"),
        ("*/*", "atom"),
        ("application/atom+xml", "atom"),
        ("application/rss+xml", "rss"),
        ("application/feed+json", "json"),
        ("application/json", "json"),
        ("application/xml", "atom"),
        ("text/xml", "atom"),
        ("application/*", "atom"),
        ("application/rss+xml;charset=utf-8", "rss"),  # parameters do not stop a match
        ("application/feed+json; charset=UTF-8; q=0.9, application/atom+xml;q=0.5", "json"),
        ("application/atom+xml;q=0.5, application/rss+xml;charset=utf-8", "rss"),
        ("application/json, application/atom+xml;q=0.5", "json"),
        ("application/atom+xml;q=0.4, application/rss+xml;q=0.9", "rss"),
        ("*/*;q=0.1, application/feed+json", "json"),
        ("*/*, application/atom+xml;q=0", "rss"),
    ],
)
def test_extensionless_url_negotiates_on_accept(
    client: FlaskClient, accept: str | None, fmt: str
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/feeds/section/asia", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == FEED_MEDIA_TYPES[fmt]
    assert response.headers["Content-Location"] == f"{SITE}/feeds/section/asia.{fmt}"
    assert response.headers["Vary"] == FEED_VARY


def test_negotiated_document_equals_the_one_at_its_content_location(client: FlaskClient) -> None:
    negotiated = client.get("/feeds/all?page=2&limit=3", headers={"Accept": "application/rss+xml"})
    direct = client.get("/feeds/all.rss?page=2&limit=3")
    assert negotiated.headers["Content-Location"] == f"{SITE}/feeds/all.rss?page=2&limit=3"
    assert negotiated.data == direct.data
    assert negotiated.headers["ETag"] == direct.headers["ETag"]


def test_json_url_varies_on_the_preview_headers_too(client: FlaskClient) -> None:
    """A browser opening a JSON Feed URL gets the HTML preview too (feeds.preview)."""
    response = client.get("/feeds/all.json", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == FEED_MEDIA_TYPES["json"]
    assert response.headers["Vary"] == FEED_VARY
    assert "Content-Location" not in response.headers


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_browser_navigation_gets_generic_xml_so_the_stylesheet_applies(
    client: FlaskClient, fmt: str
) -> None:
    browser = client.get(f"/feeds/all.{fmt}", headers={"Accept": CHROME_ACCEPT})
    reader = client.get(f"/feeds/all.{fmt}")
    assert browser.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert reader.headers["Content-Type"] == f"application/{fmt}+xml; charset=utf-8"
    assert browser.data == reader.data
    assert browser.headers["Vary"] == reader.headers["Vary"] == FEED_VARY


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/atom+xml, application/rss+xml, text/html;q=0.1",
        "application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, "
        "application/xml;q=0.4, text/xml;q=0.4",
        "text/html;q=0, */*",
    ],
)
def test_feed_readers_keep_the_feed_media_type(client: FlaskClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/feeds/all.atom", headers=headers)
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"


@pytest.mark.parametrize("accept", ["text/html, image/png", "text/*", "text/*;q=1, image/*"])
def test_unacceptable_accept_gets_406_listing_the_feed_urls(
    client: FlaskClient, accept: str
) -> None:
    """`text/*` covers text/xml, a name the app takes for Atom, but no type it sends (Atom
    goes as application/atom+xml): like any range that covers none, 406 (RFC 9110 12.5.1)."""
    response = client.get("/feeds/tag/japan", headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["Vary"] == "Accept"
    body = response.get_data(as_text=True)
    for fmt in ("atom", "rss", "json"):
        assert f"{SITE}/feeds/tag/japan.{fmt}" in body


def test_unknown_slug_is_404_and_says_where_the_feeds_are(client: FlaskClient) -> None:
    response = client.get("/feeds/section/sports.atom")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "see https://news.example.com/ for the list of feeds" in response.get_data(as_text=True)


def test_facet_with_only_embargoed_articles_is_unknown_until_they_appear(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    app = make_app(
        [
            article("visible", NOW - timedelta(days=1)),
            article("later", NOW + timedelta(hours=1), tags=(Tag("soon", "곧"),)),
            article(
                "hidden", NOW - timedelta(days=1), status="draft", tags=(Tag("draft", "초안"),)
            ),
        ]
    )
    client = app.test_client()
    assert client.get("/feeds/tag/soon.atom").status_code == 404
    clock.now = NOW + timedelta(hours=2)
    assert client.get("/feeds/tag/soon.atom").status_code == 200
    assert client.get("/feeds/tag/draft.atom").status_code == 404


def test_empty_site_serves_an_empty_all_feed(make_app: Callable[..., Flask]) -> None:
    client = make_app([]).test_client()
    response = client.get("/feeds/all.json")
    assert response.status_code == 200
    assert json.loads(response.data)["items"] == []
    # Its bytes were settled when the app's settings and code came into use (the fixture
    # starts the app a minute before the clock's time), the newest change it has.
    assert response.headers["Last-Modified"] == http_date(NOW - LOADED_BEFORE)


def atom_updated(client: FlaskClient) -> tuple[datetime, str]:
    response = client.get("/feeds/all.atom")
    updated = feedparser.parse(response.data).feed.updated
    return datetime.fromisoformat(updated.replace("Z", "+00:00")), response.headers["ETag"]


def test_an_empty_store_dates_its_feed_by_its_own_history_not_a_fixed_year(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """A fresh deployment's feed is dated when its database was set up (the recorded schema
    upgrade), then by the deletion that left it empty; stable in between."""
    app = make_app([])
    client = app.test_client()
    store = app.extensions["feeds.store"]
    set_up = store.last_migration().applied_at
    updated, etag = atom_updated(client)
    assert updated == set_up.replace(microsecond=0) or updated == set_up
    assert (updated, etag) == atom_updated(client)  # the same bytes until something changes
    store.upsert_many([article("gone", NOW - timedelta(days=3))])
    assert atom_updated(client)[0] == NOW - timedelta(days=3)
    deleted_at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    store.delete("gone", now=deleted_at)
    clock.now = deleted_at + timedelta(hours=1)  # after the set-up time too (the wall clock's)
    emptied, emptied_etag = atom_updated(client)
    assert emptied == deleted_at
    assert emptied_etag != etag  # other bytes, another tag


def test_unknown_format_extension_is_404_naming_the_formats(client: FlaskClient) -> None:
    response = client.get("/feeds/all.xml")
    assert response.status_code == 404
    assert ".atom, .rss or .json" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/feeds/all.atom", "TRT 한국어 뉴스"),
        ("/feeds/section/world.atom", "세계 — TRT 한국어 뉴스"),
        ("/feeds/tag/japan.rss", "일본 — TRT 한국어 뉴스"),
        ("/feeds/author/trt-korean.atom", "TRT 한국어 — TRT 한국어 뉴스"),
        ("/feeds/source/aa.atom", "AA — TRT 한국어 뉴스"),
        ("/feeds/lang/en.atom", "en — TRT 한국어 뉴스"),
    ],
)
def test_feed_title_names_the_facet_by_its_label(
    client: FlaskClient, path: str, title: str
) -> None:
    assert feedparser.parse(client.get(path).data).feed.title == title


@pytest.mark.parametrize("path", ["/feeds/all.atom?limit=2&page=2", "/feeds/tag/japan.rss"])
def test_served_xml_parses_cleanly_with_feedparser(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    headers = {name.lower(): value for name, value in response.headers.items()}
    parsed = feedparser.parse(response.data, response_headers=headers)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries


def test_every_path_the_url_module_writes_is_routed_to_its_view(app: Flask) -> None:
    """One module writes the paths and the same module's words route them: a feed path goes
    to the feed view, a facet page path (`/section/asia`, not `/feeds/section/asia`) to the
    pages, for every facet kind and format."""
    from feeds import urls

    adapter = app.url_map.bind("news.example.com")
    facets = [Facet("all", "")] + [Facet(kind, "x") for kind in urls.SEGMENT_BY_KIND]
    for facet in facets:
        for fmt in urls.FORMATS:
            assert adapter.match(urls.feed_path(facet, fmt))[0] == "feeds.feed"
            assert adapter.match(urls.archive_path(facet, "2025-07", fmt))[0] == "feeds.feed"
        assert adapter.match(urls.feed_stem(facet))[0] == "feeds.feed"
        page = urls.facet_page_path(facet)
        assert not page.startswith(urls.FEEDS_PREFIX)
        assert adapter.match(page)[0] in {"pages.index", "pages.facet_page"}
    assert adapter.match(urls.article_page_path("a/b"))[0] == "pages.article_page"
    for path in (urls.OPML_PATH, urls.STYLESHEET_PATH, urls.CSS_PATH, urls.HEALTH_PATH):
        adapter.match(path)  # raises NotFound when unrouted
    # Nothing is routed under /static/ but the files urls.py names (no implicit Flask route).
    static = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/static/")}
    assert static == {urls.STYLESHEET_PATH, urls.CSS_PATH}


@pytest.mark.parametrize("path", ["/feeds/all.atom", "/feeds/section/world.rss", "/feeds/all"])
@pytest.mark.parametrize(
    ("query", "name"),
    [("page=1&page=2", "page"), ("page=1&page=1", "page"), ("limit=2&limit=3", "limit")],
)
def test_a_paging_parameter_given_twice_is_a_400_naming_it(
    client: FlaskClient, path: str, query: str, name: str
) -> None:
    """`?page=1&page=2` names no one document (a cache may key on either value): refused."""
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert f"{name} is given 2 times; give it once".encode() in response.data
    assert client.get(f"{path}?{query.split('&')[0]}").status_code == 200


_MEDIA_RANGES = st.sampled_from(MEDIA_RANGES)
_QUALITIES = st.sampled_from(["", ";q=1", ";q=0.9", ";q=0.5", ";q=0.1", ";q=0"])
_PARAMETERS = st.sampled_from(
    [";charset=utf-8", "; charset=UTF-8", ";version=1.0", ';profile="x y"', ";level=1"]
)


@given(items=st.lists(st.tuples(_MEDIA_RANGES, _QUALITIES, _PARAMETERS), min_size=1, max_size=5))
def test_parameters_on_a_media_range_never_change_the_format(
    items: list[tuple[str, str, str]],
) -> None:
    """RFC 9110 12.5.1: parameters on a range (`;charset=utf-8`) do not stop it matching;
    only `q` weighs. Werkzeug's matching required the offer to carry the same parameters,
    so `application/rss+xml;charset=utf-8` was a 406."""
    plain = ", ".join(media + quality for media, quality, _ in items)
    with_parameters = ", ".join(media + parameter + quality for media, quality, parameter in items)
    assert negotiate(with_parameters) == negotiate(plain)
