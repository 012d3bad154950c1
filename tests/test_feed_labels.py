"""A tag or author feed named by its label, as people write and share it.

Feed URLs use ASCII slugs (`/feeds/tag/odio.rss` for the tag `오디오`). A URL that names the
feed by its label instead (`/feeds/tag/오디오.rss`, or percent-encoded) answers 301 to the
slug's URL in the same format, archive and query, when that feed exists; a label known only
from drafts or embargoed articles gets the same 404 as a label never used, so the redirect
tells nothing about stories that are not public.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.model import Author, Tag
from articles.text import slugify
from tests.fixtures.app import NOW, article

SITE = "https://news.example.com"
WHEN = NOW - timedelta(days=3)
LABELS = ["오디오", "C++", "Ünïcode Tag", "뉴스 속보"]


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    articles = [
        article(f"t{i}", WHEN + timedelta(hours=i), tags=(Tag(slugify(label), label),))
        for i, label in enumerate(LABELS)
    ]
    articles.append(article("by", WHEN, authors=(Author("홍길동", slugify("홍길동")),)))
    hidden = Tag(slugify("비공개 태그"), "비공개 태그")
    articles.append(article("draft", WHEN, status="draft", tags=(hidden,)))
    return make_app(articles, site_url=SITE)


def _slug(app: Flask, label: str) -> str:
    store = app.extensions["feeds.store"]
    slug = store.slug_of_label("tag", label)
    assert slug is not None and slug.isascii()
    return slug


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    label=st.sampled_from(LABELS),
    suffix=st.sampled_from(["", ".atom", ".rss", ".json", "/archive/2025-08.rss"]),
    query=st.sampled_from(["", "?limit=2"]),
    encode=st.booleans(),
)
def test_a_tag_named_by_its_label_redirects_to_its_feed(
    app: Flask, label: str, suffix: str, query: str, encode: bool
) -> None:
    client = app.test_client()
    written = quote(label) if encode else label
    if suffix.startswith("/archive") and query:
        query = ""  # an archive takes no paging
    response = client.get(f"/feeds/tag/{written}{suffix}{query}")
    assert response.status_code == 301, response.data[:200]
    location = f"{SITE}/feeds/tag/{_slug(app, label)}{suffix}{query}"
    assert response.headers["Location"] == location
    assert client.get(location.removeprefix(SITE)).status_code == 200


def test_an_author_named_by_name_redirects_too(app: Flask) -> None:
    response = app.test_client().get("/feeds/author/홍길동.rss")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(".rss")
    assert "/feeds/author/" in response.headers["Location"]


def test_a_label_only_drafts_carry_is_the_same_404_as_an_unknown_one(app: Flask) -> None:
    client = app.test_client()
    hidden = client.get("/feeds/tag/비공개 태그.rss")
    unknown = client.get("/feeds/tag/없는 태그.rss")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.data.replace("비공개 태그".encode(), b"X") == unknown.data.replace(
        "없는 태그".encode(), b"X"
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    label=st.sampled_from(LABELS), query=st.sampled_from(["", "?ref=share"]), encode=st.booleans()
)
def test_a_tag_page_named_by_its_label_redirects_to_its_page(
    app: Flask, label: str, query: str, encode: bool
) -> None:
    """The HTML facet pages follow the feeds' rule: `/tag/오디오` answers 301 to `/tag/odio`."""
    client = app.test_client()
    written = quote(label) if encode else label
    response = client.get(f"/tag/{written}{query}")
    assert response.status_code == 301, response.data[:200]
    location = f"{SITE}/tag/{_slug(app, label)}{query}"
    assert response.headers["Location"] == location
    page = client.get(location.removeprefix(SITE))
    assert page.status_code == 200 and label in page.get_data(as_text=True)


def test_an_author_page_named_by_name_redirects_and_so_does_another_spelling(app: Flask) -> None:
    client = app.test_client()
    for written in ("홍길동", quote("홍길동")):
        response = client.get(f"/author/{written}")
        assert response.status_code == 301
        assert response.headers["Location"].startswith(f"{SITE}/author/")
        assert client.get(response.headers["Location"].removeprefix(SITE)).status_code == 200
    # Another spelling of one label (case) leads to the same page, feed and HTML alike.
    slug = _slug(app, "Ünïcode Tag")
    assert client.get("/tag/ÜNÏCODE TAG").headers["Location"] == f"{SITE}/tag/{slug}"
    assert client.get("/feeds/tag/ünïcode tag.rss").headers["Location"] == (
        f"{SITE}/feeds/tag/{slug}.rss"
    )


def test_a_label_page_only_drafts_carry_is_the_same_404_as_an_unknown_one(app: Flask) -> None:
    client = app.test_client()
    hidden = client.get("/tag/비공개 태그")
    unknown = client.get("/tag/없는 태그")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.data.replace("비공개 태그".encode(), b"X") == unknown.data.replace(
        "없는 태그".encode(), b"X"
    )
    # A section has no labels to look up: its slug is the record's own.
    assert client.get("/section/세계").status_code == 404
