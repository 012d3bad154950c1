"""301s from the feed locations readers guess, from configured feed moves, and from a
trailing slash on a feed URL."""

from __future__ import annotations

import re
from collections.abc import Callable

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.config import ConfigError, SiteConfig
from feeds.redirects import CONVENTIONAL, CONVENTIONAL_MAX_AGE, MOVED_MAX_AGE

SITE = "https://news.example.com"


@pytest.fixture(scope="module")
def redirect_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """One app for the property test (hypothesis runs many examples in one test)."""
    from tests.fixtures.app import shared_client

    return shared_client(tmp_path_factory.mktemp("redirects"), site_url=SITE)


@pytest.mark.parametrize("path", sorted(CONVENTIONAL))
def test_every_conventional_location_leads_to_a_working_main_feed(
    make_app: Callable[..., Flask], path: str
) -> None:
    client = make_app(site_url=SITE).test_client()
    response = client.get(path)
    assert response.status_code == 301
    location = response.headers["Location"]
    fmt = CONVENTIONAL[path]
    assert location == f"{SITE}/feeds/all" + (f".{fmt}" if fmt else "")
    assert response.headers["Cache-Control"] == f"public, max-age={CONVENTIONAL_MAX_AGE}"
    assert location in response.get_data(as_text=True)
    followed = client.get(location.removeprefix(SITE))
    assert followed.status_code == 200
    if fmt != "json":
        assert not feedparser.parse(followed.data).bozo


def test_guesses_by_format(make_app: Callable[..., Flask]) -> None:
    client = make_app(site_url=SITE).test_client()
    assert client.get("/rss.xml").headers["Location"].endswith("/feeds/all.rss")
    assert client.get("/atom.xml").headers["Location"].endswith("/feeds/all.atom")
    assert client.get("/feed.xml").headers["Location"].endswith("/feeds/all.atom")
    assert client.get("/index.xml").headers["Location"].endswith("/feeds/all.rss")
    assert client.get("/feed.json").headers["Location"].endswith("/feeds/all.json")


def test_redirects_keep_the_query_and_answer_head_but_not_post(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(site_url=SITE).test_client()
    assert client.get("/rss?limit=5&page=2").headers["Location"] == (
        f"{SITE}/feeds/all.rss?limit=5&page=2"
    )
    head = client.head("/rss")
    assert (head.status_code, head.data) == (301, b"")
    assert head.headers["Location"] == f"{SITE}/feeds/all.rss"
    assert client.post("/rss").status_code == 405


def test_a_moved_feed_answers_301_to_its_new_url(make_app: Callable[..., Flask]) -> None:
    app = make_app(
        site_url=SITE,
        moved_feeds="/rss/news.xml=/feeds/section/asia.rss "
        "/feeds/section/old-name.atom=/feeds/section/asia.atom "
        "/feed=https://elsewhere.example/all.atom",
    )
    client = app.test_client()
    moved = client.get("/rss/news.xml")
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"{SITE}/feeds/section/asia.rss"
    assert moved.headers["Cache-Control"] == f"public, max-age={MOVED_MAX_AGE}"
    # A retired feed URL under /feeds/ is moved too (the exact rule wins over the feed route).
    renamed = client.get("/feeds/section/old-name.atom?limit=5")
    assert renamed.status_code == 301
    assert renamed.headers["Location"] == f"{SITE}/feeds/section/asia.atom?limit=5"
    # The newsroom's move of a conventional location replaces the built-in guess.
    assert client.get("/feed").headers["Location"] == "https://elsewhere.example/all.atom"
    # Same ids after the move: the new feed is the one readers already had under the old URL.
    old_ids = [e.id for e in feedparser.parse(client.get("/feeds/section/asia.atom").data).entries]
    assert old_ids


def test_moves_and_another_database_with_the_same_rows_keep_every_etag(
    make_app: Callable[..., Flask],
) -> None:
    """Each app has its own SQLite file holding the same rows."""
    plain = make_app(site_url=SITE).test_client().get("/feeds/all.atom")
    moved = make_app(site_url=SITE, moved_feeds="/old.xml=/feeds/all.atom")
    assert moved.test_client().get("/feeds/all.atom").headers["ETag"] == plain.headers["ETag"]


def test_a_trailing_slash_on_a_feed_url_redirects_to_the_feed(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(site_url=SITE).test_client()
    response = client.get("/feeds/section/asia.rss/?limit=3")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{SITE}/feeds/section/asia.rss?limit=3"
    assert client.get("/feeds/all.atom/").headers["Location"] == f"{SITE}/feeds/all.atom"
    assert client.get("/feeds/section//asia").headers["Location"] == f"{SITE}/feeds/section/asia"


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        # The kind alone: nothing to redirect to; the answer says what a section feed looks like.
        ("/feeds/section/", 404, f"section feeds are {SITE}/feeds/section/<slug>.atom"),
        ("/feeds/lang//", 404, f"lang feeds are {SITE}/feeds/lang/<slug>.atom"),
        ("/feeds/section/sports.atom/", 404, "no section/sports feed"),
        ("/feeds/all/archive/", 404, "no such feed"),
        ("/feeds/all/archive/1999-01.atom/", 404, "no archive for 1999-01"),
        ("/feeds/all.atom/?page=99", 404, "page 99 is past the end"),
        ("/feeds/all/archive/2025-07.atom/?page=1", 400, "drop the page and limit"),
    ],
)
def test_a_trailing_slash_never_redirects_to_an_error(
    make_app: Callable[..., Flask], path: str, status: int, says: str
) -> None:
    client = make_app(site_url=SITE).test_client()
    response = client.get(path)
    assert response.status_code == status
    assert "Location" not in response.headers
    assert says in response.get_data(as_text=True)


_WORDS = ["feeds", "all", "section", "asia", "world", "nope", "archive", "2025-07", "2025-13"]
_WORDS += ["all.atom", "asia.rss", "2025-07.json", "x.xml", "lang", "ko", "."]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5),
    slashes=st.lists(st.sampled_from(["/", "//", "///"]), min_size=5, max_size=5),
    tail=st.sampled_from(["", "/", "//"]),
    query=st.sampled_from(["", "?page=1", "?limit=2", "?page=2&limit=2", "?utm_source=x"]),
)
def test_every_redirect_under_feeds_leads_to_a_document(
    redirect_client: FlaskClient, words: list[str], slashes: list[str], tail: str, query: str
) -> None:
    """The rule behind `/feeds/section/` redirecting to a 404: a misspelt feed URL (slashes
    added or doubled) is answered 301 only when the URL it leads to is a document; otherwise
    with that URL's own error, at once."""
    path = "/feeds/" + "".join(w + s for w, s in zip(words, slashes, strict=False))
    path = path.rstrip("/") + tail + query
    response = redirect_client.get(path)
    assert response.status_code < 500
    if 300 <= response.status_code < 400:
        location = response.headers["Location"]
        assert location.startswith(SITE + "/")
        target = redirect_client.get(location.removeprefix(SITE))
        assert target.status_code == 200, (path, location, target.get_data(as_text=True))


_PAGE_WORDS = ["section", "asia", "tag", "japan", "author", "nowhere", "lang", "ko", "source"]
_PAGE_WORDS += ["robots.txt", "sitemap.xml", "feeds.opml", "sitemaps", "news.xml", "healthz"]
_PAGE_WORDS += ["api", "articles", "static", "feed.xsl", "admin", "subscribers"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.sampled_from(_PAGE_WORDS), min_size=1, max_size=3),
    slashes=st.lists(st.sampled_from(["/", "//"]), min_size=3, max_size=3),
    tail=st.sampled_from(["", "/", "//"]),
    query=st.sampled_from(["", "?utm_source=x"]),
)
def test_a_page_path_with_extra_slashes_is_one_301_to_the_page_or_its_own_error(
    redirect_client: FlaskClient, words: list[str], slashes: list[str], tail: str, query: str
) -> None:
    """The feed URLs' rule for every other path: a doubled or trailing slash is a 301 to the
    path without them when that is a document (`/section/asia/` was a 404 while
    `/feeds/section/asia.atom/` was a 301), else that path's own answer; never a 5xx, never a
    redirect to an error, and the API (never cached) keeps its own 404."""
    path = "/" + "".join(w + s for w, s in zip(words, slashes, strict=False))
    path = path.rstrip("/") + tail
    canonical = re.sub("/+", "/", path).rstrip("/") or "/"
    response = redirect_client.get(path + query)
    assert response.status_code < 500
    if 300 <= response.status_code < 400:
        location = response.headers["Location"]
        assert location == SITE + canonical + query
        assert redirect_client.get(location.removeprefix(SITE)).status_code == 200
        return
    if path == canonical or canonical == "/api" or canonical.startswith(("/api/", "/articles/")):
        return
    wanted = redirect_client.get(canonical).status_code
    assert wanted != 200, (path, response.status_code)
    assert response.status_code == wanted


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("old.xml=/feeds/all.atom", "old path starting with '/'"),
        ("/old.xml", "expected old-path=new"),
        ("/old.xml=feeds/all.atom", "path starting with '/' or an http(s) URL"),
        ("/old.xml=//evil.example/x", "path starting with '/' or an http(s) URL"),
        ("/x.xml=/x.xml", "redirect loop"),
    ],
)
def test_a_malformed_move_is_refused_at_start_naming_the_pair(value: str, complaint: str) -> None:
    with pytest.raises(ConfigError, match="moved_feeds") as caught:
        SiteConfig(moved_feeds=value).validated()
    assert complaint in str(caught.value)


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/section//asia", "/section/asia"),
        ("//section/asia", "/section/asia"),
        ("/tag//japan", "/tag/japan"),
        ("//feeds/all.atom", "/feeds/all.atom"),  # Werkzeug routed it as /feeds/all.atom
        ("//feeds//section/asia.rss", "/feeds/section/asia.rss"),
        ("//", "/"),
        ("///feeds.opml", "/feeds.opml"),
        ("//feeds/lang/KO.atom", "/feeds/lang/ko.atom"),  # and the language's case at once
    ],
)
def test_a_doubled_slash_anywhere_is_one_301_to_the_document_under_site_url(
    make_app: Callable[..., Flask], path: str, canonical: str
) -> None:
    """One rule for repeated slashes, the feed view's: 301 to the path with them merged,
    under site_url (Werkzeug's own redirect named the request's host), only when that path
    is a document. `//feeds/all.atom` was a 200 (a second address) while `/feeds//all.atom`
    was a 301."""
    client = make_app(site_url=SITE + "/ko").test_client()
    response = client.get("/x", environ_overrides={"PATH_INFO": path})
    assert response.status_code == 301, path
    assert response.headers["Location"] == SITE + "/ko" + canonical


@pytest.mark.parametrize("path", ["/section//nowhere", "//tag/nowhere", "//feeds/tag/nowhere.atom"])
def test_a_doubled_slash_to_nothing_is_that_paths_404_not_a_redirect(
    make_app: Callable[..., Flask], path: str
) -> None:
    client = make_app(site_url=SITE + "/ko").test_client()
    response = client.get("/x", environ_overrides={"PATH_INFO": path})
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert f"{SITE}/ko/" in response.get_data(as_text=True)


def test_a_doubled_slash_inside_an_article_id_is_the_id(make_app: Callable[..., Flask]) -> None:
    """A route that takes the path keeps it: an article id may hold `//`."""
    client = make_app(site_url=SITE).test_client()
    response = client.get("/x", environ_overrides={"PATH_INFO": "/articles/jul-1//x"})
    assert response.status_code == 404
    assert "Location" not in response.headers


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/feeds/section/old-asia", "/feeds/section/asia"),  # a renamed section
        ("/feeds/podcast/old-show", "/feeds/podcast/briefing"),  # a renamed show
        ("/feeds/tag/old-tag", "https://elsewhere.example/feeds/tag/japan"),  # moved away
    ],
)
def test_a_feed_moved_without_its_format_moves_every_format_and_archive(
    make_app: Callable[..., Flask], old: str, new: str
) -> None:
    """Subscribers hold `old.rss`, `old.atom`, `old.json` and its archives, not the
    extension-less URL: moving the feed moves each of them to the same document at `new`."""
    target = new if new.startswith("https:") else SITE + new
    client = make_app(site_url=SITE, moved_feeds=f"{old}={new}").test_client()
    cases = {old: target, f"{old}?limit=5": f"{target}?limit=5"}
    for fmt in ("atom", "rss", "json"):
        cases[f"{old}.{fmt}"] = f"{target}.{fmt}"
        cases[f"{old}.{fmt}?page=2"] = f"{target}.{fmt}?page=2"
        cases[f"{old}/archive/2025-07.{fmt}"] = f"{target}/archive/2025-07.{fmt}"
    for path, location in cases.items():
        for method in ("GET", "HEAD"):
            response = client.open(path, method=method)
            assert response.status_code == 301, (method, path, response.data[:200])
            assert response.headers["Location"] == location, path
            assert response.headers["Cache-Control"] == f"public, max-age={MOVED_MAX_AGE}"


def test_a_format_moved_on_its_own_keeps_its_own_target(make_app: Callable[..., Flask]) -> None:
    moves = "/feeds/section/old=/feeds/section/asia /feeds/section/old.rss=/feeds/all.rss"
    client = make_app(site_url=SITE, moved_feeds=moves).test_client()
    assert client.get("/feeds/section/old.rss").headers["Location"] == f"{SITE}/feeds/all.rss"
    assert client.get("/feeds/section/old.atom").headers["Location"] == (
        f"{SITE}/feeds/section/asia.atom"
    )
