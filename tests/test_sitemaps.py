"""Sitemaps and robots.txt: what they list, schema validity, HTTP, path prefixes.

Every sitemap is validated with lxml against the sitemaps.org schemas (tests/schemas/sitemap.xsd,
siteindex.xsd) and the news sitemap against them plus the Google News extension
(sitemap-news.xsd); a property test checks over random stores that the sitemaps name exactly
the visible articles.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from xml.sax.saxutils import escape

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.model import Article
from articles.store import PageRow, Store
from feeds.config import load_config
from feeds.model import to_uri
from feeds.sitemaps import (
    MAX_URLS,
    NEWS_NS,
    SITEMAP_NS,
    Sitemaps,
    news_language,
    render_urlset,
)
from tests.fixtures.app import NOW, Clock, article
from tests.fixtures.schemas import SCHEMAS

NS = {"s": SITEMAP_NS, "n": NEWS_NS}


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def valid(data: bytes, schema_name: str) -> etree._Element:
    """Parse `data` and assert it is valid against the named schema; returns the root."""
    root = etree.fromstring(data)
    xsd = schema(schema_name)
    assert xsd.validate(root), xsd.error_log
    return root


def locs(root: etree._Element) -> list[str]:
    return [str(e) for e in root.xpath("//s:loc/text()", namespaces=NS)]


def recent_articles(now: datetime = NOW) -> list[Article]:
    """Two articles of the last two days (one with the newsroom's own URL), one older, one
    embargoed, one draft, one withheld, one Chinese."""
    return [
        article("today", now - timedelta(hours=1), url="https://www.trt.example/ko/today-1"),
        article("yesterday", now - timedelta(hours=30), title="Seoul & Tokyo <talks>"),
        article("chinese", now - timedelta(hours=3), language="zh-Hant-TW", title="新聞"),
        article("old", now - timedelta(days=3)),
        article("last-month", now - timedelta(days=40)),
        article("embargoed", now + timedelta(minutes=30)),
        article("draft", now - timedelta(hours=2), status="draft"),
        article("withheld", now - timedelta(hours=2), status="withheld"),
    ]


@pytest.fixture
def news_client(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app(recent_articles(), site_url="https://news.example.com").test_client()


def test_index_lists_each_month_and_the_news_sitemap_valid_against_siteindex_xsd(
    news_client: FlaskClient,
) -> None:
    response = news_client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.content_type == "application/xml; charset=utf-8"
    root = valid(response.data, "siteindex.xsd")
    assert locs(root) == [
        "https://news.example.com/sitemaps/news.xml",
        "https://news.example.com/sitemaps/articles-2025-08.xml",
        "https://news.example.com/sitemaps/articles-2025-07.xml",
    ]
    for loc in locs(root):
        assert news_client.get(loc.removeprefix("https://news.example.com")).status_code == 200


def test_monthly_sitemap_lists_canonical_urls_of_visible_articles_only(
    news_client: FlaskClient,
) -> None:
    root = valid(news_client.get("/sitemaps/articles-2025-08.xml").data, "sitemap.xsd")
    assert locs(root) == [
        "https://www.trt.example/ko/today-1",  # the newsroom's canonical URL
        "https://news.example.com/articles/chinese",  # hosted here
        "https://news.example.com/articles/yesterday",
        "https://news.example.com/articles/old",
    ]
    lastmods = root.xpath("//s:lastmod/text()", namespaces=NS)
    assert lastmods[0] == (NOW - timedelta(hours=1)).isoformat(timespec="seconds")


def test_news_sitemap_holds_the_last_two_days_with_publication_and_title(
    news_client: FlaskClient,
) -> None:
    root = valid(news_client.get("/sitemaps/news.xml").data, "sitemap-with-news.xsd")
    assert locs(root) == [
        "https://www.trt.example/ko/today-1",
        "https://news.example.com/articles/chinese",
        "https://news.example.com/articles/yesterday",
    ]
    names = root.xpath("//n:publication/n:name/text()", namespaces=NS)
    assert set(names) == {"TRT 한국어 뉴스"}
    assert root.xpath("//n:publication/n:language/text()", namespaces=NS) == ["ko", "zh-tw", "ko"]
    assert root.xpath("//n:title/text()", namespaces=NS)[2] == "Seoul & Tokyo <talks>"
    dates = root.xpath("//n:publication_date/text()", namespaces=NS)
    assert dates[0] == (NOW - timedelta(hours=1)).isoformat(timespec="seconds")


def test_robots_txt_names_the_index_and_the_news_sitemap(news_client: FlaskClient) -> None:
    response = news_client.get("/robots.txt")
    assert response.content_type == "text/plain; charset=utf-8"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        "Sitemap: https://news.example.com/sitemap.xml",
        "Sitemap: https://news.example.com/sitemaps/news.xml",
    ]


def test_news_sitemap_leaves_when_its_articles_age_past_two_days(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    client = make_app(recent_articles(), site_url="https://news.example.com").test_client()
    # Cached no longer than until the oldest listed article ("yesterday", 30 h old at NOW)
    # leaves the two-day window, as the index that lists it; robots.txt names the news
    # sitemap until the newest listed article ("embargoed", since NOW + 30 min) leaves.
    clock.now = NOW + timedelta(hours=18) - timedelta(seconds=100)
    for path in ("/sitemaps/news.xml", "/sitemap.xml"):
        assert client.get(path).headers["Cache-Control"] == "public, max-age=100"
    assert "max-age=300," in client.get("/robots.txt").headers["Cache-Control"]
    clock.now = NOW + timedelta(days=2, minutes=30) - timedelta(seconds=100)
    assert client.get("/robots.txt").headers["Cache-Control"] == "public, max-age=100"
    clock.now = NOW + timedelta(days=2)  # "today" is now 49 h old
    assert client.get("/sitemaps/news.xml").status_code == 200
    assert "today-1" not in client.get("/sitemaps/news.xml").get_data(as_text=True)
    clock.now = NOW + timedelta(days=3)
    response = client.get("/sitemaps/news.xml")
    assert response.status_code == 404
    assert "last two days" in response.get_data(as_text=True)
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "news.xml" not in robots and "sitemap.xml" in robots
    index = valid(client.get("/sitemap.xml").data, "siteindex.xsd")
    assert "https://news.example.com/sitemaps/news.xml" not in locs(index)


def test_embargoed_article_appears_when_its_time_comes_and_caps_caching(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    client = make_app(recent_articles(), site_url="https://news.example.com").test_client()
    clock.now = NOW + timedelta(minutes=29)
    response = client.get("/sitemaps/articles-2025-08.xml")
    assert "embargoed" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "public, max-age=60"  # the embargo lifts in 1 min
    clock.now = NOW + timedelta(minutes=31)
    later = client.get("/sitemaps/articles-2025-08.xml")
    assert "https://news.example.com/articles/embargoed" in locs(etree.fromstring(later.data))
    assert later.headers["ETag"] != response.headers["ETag"]


def test_conditional_get_and_compression_like_the_feeds(news_client: FlaskClient) -> None:
    for path in ("/sitemap.xml", "/sitemaps/news.xml", "/sitemaps/articles-2025-07.xml"):
        plain = news_client.get(path)
        etag = plain.headers["ETag"]
        assert plain.headers["Vary"] == "Accept-Encoding"
        gz = news_client.get(path, headers={"Accept-Encoding": "gzip"})
        br = news_client.get(path, headers={"Accept-Encoding": "br"})
        assert gz.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(gz.data) == plain.data
        assert brotli.decompress(br.data) == plain.data
        assert len({etag, gz.headers["ETag"], br.headers["ETag"]}) == 3
        for tag in (etag, gz.headers["ETag"], br.headers["ETag"]):
            again = news_client.get(path, headers={"If-None-Match": tag})
            assert again.status_code == 304
            assert again.data == b""
        assert news_client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
        head = news_client.head(path)
        assert head.status_code == 200 and head.headers["ETag"] == etag


@pytest.mark.parametrize(
    "path",
    [
        "/sitemaps/articles-2025-06.xml",  # no articles that month
        "/sitemaps/articles-2025-13.xml",
        "/sitemaps/articles-2025-08-2.xml",  # no second part
        "/sitemaps/articles-2025-08-0.xml",
        "/sitemaps/other.xml",
        "/sitemaps/articles-2026-01.xml",  # the future
    ],
)
def test_unknown_sitemaps_are_404_naming_the_index(news_client: FlaskClient, path: str) -> None:
    response = news_client.get(path)
    assert response.status_code == 404
    assert "https://news.example.com/sitemap.xml" in response.get_data(as_text=True)


def test_empty_site_has_robots_without_sitemaps_and_no_index(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app([], site_url="https://news.example.com").test_client()
    assert "Sitemap:" not in client.get("/robots.txt").get_data(as_text=True)
    assert client.get("/sitemap.xml").status_code == 404


def test_a_month_over_the_limit_continues_in_numbered_parts(
    make_app: Callable[..., Flask],
) -> None:
    articles = [article(f"a{i}", NOW - timedelta(days=20, minutes=i)) for i in range(5)]
    app = make_app(articles, site_url="https://news.example.com")
    app.extensions["feeds.sitemaps"] = Sitemaps(
        app.extensions["feeds.store"], app.extensions["feeds.config"], max_urls=2
    )
    client = app.test_client()
    index = locs(valid(client.get("/sitemap.xml").data, "siteindex.xsd"))
    assert index == [
        "https://news.example.com/sitemaps/articles-2025-07.xml",
        "https://news.example.com/sitemaps/articles-2025-07-2.xml",
        "https://news.example.com/sitemaps/articles-2025-07-3.xml",
    ]
    listed = []
    for loc in index:
        listed += locs(valid(client.get(loc).data, "sitemap.xsd"))
    assert listed == [f"https://news.example.com/articles/a{i}" for i in range(5)]
    assert client.get("/sitemaps/articles-2025-07-4.xml").status_code == 404


def test_urls_keep_the_site_path_prefix(make_app: Callable[..., Flask]) -> None:
    configured = make_app(recent_articles(), site_url="https://news.example.com/ko").test_client()
    proxied = make_app(recent_articles(), trust_proxy_hops=1).test_client()
    headers = {
        "X-Forwarded-Prefix": "/ko",
        "X-Forwarded-Host": "news.example.com",
        "X-Forwarded-Proto": "https",
    }
    for client, extra in ((configured, {}), (proxied, headers)):
        robots = client.get("/robots.txt", headers=extra).get_data(as_text=True)
        assert "Sitemap: https://news.example.com/ko/sitemap.xml" in robots
        index = locs(etree.fromstring(client.get("/sitemap.xml", headers=extra).data))
        assert all(loc.startswith("https://news.example.com/ko/sitemaps/") for loc in index)
        month = locs(
            etree.fromstring(
                client.get(index[1][len("https://news.example.com/ko") :], headers=extra).data
            )
        )
        assert "https://news.example.com/ko/articles/old" in month


def test_urls_are_written_as_uris(make_app: Callable[..., Flask]) -> None:
    articles = [
        article("기사/한국", NOW - timedelta(hours=1)),
        article("ext", NOW - timedelta(hours=2), url="https://www.trt.example/ko/기사?a=1&b=2"),
    ]
    client = make_app(articles, site_url="https://news.example.com").test_client()
    root = valid(client.get("/sitemaps/news.xml").data, "sitemap-with-news.xsd")
    assert locs(root) == [
        "https://news.example.com/articles/%EA%B8%B0%EC%82%AC%2F%ED%95%9C%EA%B5%AD",
        "https://www.trt.example/ko/%EA%B8%B0%EC%82%AC?a=1&b=2",
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ko", "ko"),
        ("en-GB", "en"),
        ("EN", "en"),
        ("fil", "fil"),
        ("zh", "zh-cn"),
        ("zh-Hans-CN", "zh-cn"),
        ("zh-Hant", "zh-tw"),
        ("zh-HK", "zh-tw"),
    ],
)
def test_news_language_is_the_iso_639_code_google_wants(language: str, expected: str) -> None:
    assert news_language(language) == expected


_STATUSES = st.sampled_from(["published", "published", "draft", "withheld"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(
        st.tuples(
            _STATUSES,
            st.integers(min_value=-24 * 90, max_value=24 * 3),  # hours from now
            st.booleans(),  # has the newsroom's own URL
        ),
        max_size=12,
    )
)
def test_sitemaps_name_exactly_the_visible_articles(
    tmp_path_factory: pytest.TempPathFactory,
    specs: list[tuple[str, int, bool]],
) -> None:
    folder = tmp_path_factory.mktemp("sitemaps")
    store = Store(f"sqlite:///{folder}/feeds.db")
    store.migrate()
    articles = [
        article(
            f"id{i}",
            NOW + timedelta(hours=hours),
            status=status,
            url=f"https://www.trt.example/{i}" if external else None,
        )
        for i, (status, hours, external) in enumerate(specs)
    ]
    store.upsert_many(articles)
    config = load_config(overrides={"site_url": "https://news.example.com"}, instance_path=None)
    sitemaps = Sitemaps(store, config, max_urls=3, news_max_urls=2)
    base = "https://news.example.com"
    listed: list[str] = []
    news: list[str] = []
    for path in sitemaps.paths(NOW):
        data = sitemaps.describe(path, NOW, base).render()
        if path.startswith("/sitemaps/articles-"):
            listed += locs(valid(data, "sitemap.xsd"))
        elif path == "/sitemaps/news.xml":
            news = locs(valid(data, "sitemap-with-news.xsd"))
        elif path == "/sitemap.xml":
            valid(data, "siteindex.xsd")
    visible = sorted(
        (a for a in articles if a.is_visible_at(NOW)),
        key=lambda a: (a.published, a.id),
        reverse=True,
    )

    def url(a: Article) -> str:
        return a.url or f"{base}/articles/{a.id}"

    assert listed == [url(a) for a in visible]
    recent = [a for a in visible if a.published >= NOW - timedelta(days=2)]
    assert news == [url(a) for a in recent][:2]
    store.dispose()


def test_naive_times_never_reach_the_sitemap() -> None:
    # A UTC rendering of an aware time in another zone: the instant is kept.
    from zoneinfo import ZoneInfo

    from feeds.sitemaps import w3c_datetime

    seoul = datetime(2025, 7, 30, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert w3c_datetime(seoul) == "2025-07-30T01:00:00+00:00"
    assert datetime.fromisoformat(w3c_datetime(seoul)) == seoul.astimezone(UTC)


def test_store_month_summaries_and_page_rows_agree_on_both_backends(database_url: str) -> None:
    store = Store(database_url)
    store.migrate()
    store.upsert_many(recent_articles())
    try:
        summaries = store.month_summaries(now=NOW)
        assert [(s.month, s.count) for s in summaries] == [("2025-08", 4), ("2025-07", 1)]
        assert summaries[0].updated == NOW - timedelta(hours=1)
        assert summaries[0].updated.tzinfo is not None
        rows = store.page_rows(now=NOW, since=NOW - timedelta(days=2), limit=2)
        assert [r.id for r in rows] == ["today", "chinese"]
        assert rows[0].url == "https://www.trt.example/ko/today-1" and rows[1].url is None
        start = datetime(2025, 8, 1, tzinfo=UTC)
        assert [r.id for r in store.page_rows(now=NOW, before=start)] == ["last-month"]
        assert [r.id for r in store.page_rows(now=NOW, since=start, offset=3)] == ["old"]
    finally:
        store.dispose()


def lastmods(root: etree._Element) -> dict[str, datetime]:
    """{loc: lastmod} of a urlset or sitemapindex."""
    return {
        str(e.findtext("s:loc", namespaces=NS)): datetime.fromisoformat(
            str(e.findtext("s:lastmod", namespaces=NS))
        )
        for e in root.xpath("//s:url | //s:sitemap", namespaces=NS)
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(
        st.tuples(
            st.integers(min_value=-24 * 60, max_value=0),  # published, hours from now
            st.integers(min_value=-600, max_value=600),  # last written, minutes from published
        ),
        min_size=1,
        max_size=8,
    )
)
def test_no_lastmod_is_earlier_than_what_it_lists_became_visible(
    tmp_path_factory: pytest.TempPathFactory, specs: list[tuple[int, int]]
) -> None:
    """An article written before its embargo lifted (`updated` earlier than `published`, as
    the API stores an embargoed story) changed for readers when it appeared: each URL's
    lastmod is its last change as the feeds date it (the later of the two), and a sitemap's
    lastmod in the index is never earlier than the lastmod of a URL it lists."""
    folder = tmp_path_factory.mktemp("lastmod")
    store = Store(f"sqlite:///{folder}/feeds.db")
    store.migrate()
    articles = []
    for i, (hours, minutes) in enumerate(specs):
        published = NOW + timedelta(hours=hours)
        articles.append(
            article(f"id{i}", published, updated=published + timedelta(minutes=minutes))
        )
    store.upsert_many(articles, now=NOW - timedelta(days=90))
    config = load_config(overrides={"site_url": "https://news.example.com"}, instance_path=None)
    sitemaps = Sitemaps(store, config)
    base = "https://news.example.com"
    expected = {
        f"{base}/articles/{a.id}": max(a.updated, a.published).replace(microsecond=0)
        for a in articles
    }
    index: dict[str, datetime] = {}
    listed: dict[str, dict[str, datetime]] = {}
    for path in sitemaps.paths(NOW):
        if path == "/robots.txt":
            continue
        root = etree.fromstring(sitemaps.describe(path, NOW, base).render())
        if path == "/sitemap.xml":
            index = lastmods(root)
        else:
            listed[base + path] = lastmods(root)
    for sitemap, urls in listed.items():
        for loc, lastmod in urls.items():
            assert lastmod == expected[loc], (sitemap, loc)
            assert index[sitemap] >= lastmod, (sitemap, loc)
    store.dispose()


def test_month_summaries_count_an_embargo_lifting_after_the_write_on_both_backends(
    database_url: str,
) -> None:
    store = Store(database_url)
    store.migrate()
    lifted = NOW - timedelta(minutes=5)
    store.upsert_many(
        [
            article("written", NOW - timedelta(hours=2)),
            article("embargoed", lifted, updated=lifted - timedelta(minutes=30)),
        ],
        now=NOW - timedelta(hours=1),
    )
    try:
        (summary,) = store.month_summaries(now=NOW)
        assert summary.updated == lifted and summary.updated.tzinfo is not None
        rows = store.page_rows(now=NOW)
        assert [(r.id, r.modified) for r in rows] == [
            ("embargoed", lifted),
            ("written", NOW - timedelta(hours=2)),
        ]
    finally:
        store.dispose()


_URL_PATH_CHARS = st.sampled_from(["a", "기", "/", "&", "-", "😀", "%20"])


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    paths=st.lists(
        st.one_of(
            st.none(),  # hosted here: the article page
            st.lists(_URL_PATH_CHARS, min_size=1, max_size=1_300).map("".join),
        ),
        min_size=1,
        max_size=4,
    ),
)
@example(paths=["a" * 2_030])  # 2,054 characters: over the limit by a few
@example(paths=["기사" * 400, None])  # 7,233 characters once percent-encoded
def test_every_loc_fits_the_sitemap_limit_and_a_long_url_gives_the_article_page(
    tmp_path_factory: pytest.TempPathFactory, paths: list[str | None]
) -> None:
    """sitemaps.org: a <loc> is less than 2,048 characters (the schema's tLoc). A record's URL
    may be longer (as a URI); such an article is named by this site's page of it, which names
    the canonical URL (rel="canonical"), so every visible article is still listed."""
    folder = tmp_path_factory.mktemp("long-urls")
    store = Store(f"sqlite:///{folder}/feeds.db")
    store.migrate()
    articles = [
        article(
            f"id{i}",
            NOW - timedelta(hours=i + 1),
            url=None if path is None else f"https://www.trt.example/{path}",
        )
        for i, path in enumerate(paths)
    ]
    store.upsert_many(articles)
    config = load_config(overrides={"site_url": "https://news.example.com"}, instance_path=None)
    sitemaps = Sitemaps(store, config)
    base = "https://news.example.com"
    month = valid(
        sitemaps.describe(f"/sitemaps/articles-{NOW:%Y-%m}.xml", NOW, base).render(), "sitemap.xsd"
    )
    news = valid(
        sitemaps.describe("/sitemaps/news.xml", NOW, base).render(), "sitemap-with-news.xsd"
    )

    def expected(a: Article) -> str:
        own = to_uri(a.url, base) if a.url else ""
        return own if own and len(escape(own)) < 2_048 else f"{base}/articles/{a.id}"

    assert locs(month) == locs(news) == [expected(a) for a in articles]
    store.dispose()


@settings(max_examples=6, deadline=None)
@given(
    path=st.lists(_URL_PATH_CHARS, min_size=1, max_size=4_000).map("".join),
    hosted=st.booleans(),
)
@example(path="a" * 2_000, hosted=False)  # 2,024 characters: listed as it is
@example(path="&" * 404, hosted=False)  # 2,044 bytes once escaped
def test_a_full_monthly_sitemap_stays_within_50_mb(path: str, hosted: bool) -> None:
    """sitemaps.org: at most 50,000 URLs and 50 MB (52,428,800 bytes) per sitemap. Parts are
    counted from the month's article count, so a full part must fit with every <loc> at its
    longest. It held 50,000 URLs whatever their length: 50,000 of 2,000 characters made a
    105 MB sitemap, which crawlers refuse whole."""
    rows = [
        PageRow(
            id=f"{path[:150]}-{i}" if hosted else f"id{i}",
            url=None if hosted else f"https://www.trt.example/{path}?n={i}",
            title="t",
            language="ko",
            published=NOW,
            updated=NOW,
        )
        for i in range(MAX_URLS)
    ]
    data = render_urlset(rows, "https://news.example.com")
    assert MAX_URLS <= 50_000
    assert len(data) <= 52_428_800
    assert data.count(b"<url>") == MAX_URLS
