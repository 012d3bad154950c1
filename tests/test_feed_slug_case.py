"""A facet's slug written with capitals (`/feeds/section/ASIA.atom`, `/section/Asia`).

Slugs have no capitals, so such a URL can only mean the lower-case slug: it answers 301 to
that feed or page (same format, archive and query) when it exists, as a language tag's other
case does; a slug known only from non-public articles gets the same 404 as one never used.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from articles.model import Author, Section, Source, Tag
from tests.fixtures.app import NOW, article

SITE = "https://news.example.com"
WHEN = NOW - timedelta(days=3)
# (URL segment, slug) of every public facet below.
FACETS = [
    ("section", "asia"),
    ("section", "world-news"),
    ("tag", "korea"),
    ("tag", "c2"),
    ("author", "hong-gildong"),
    ("source", "aa"),
]


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    articles = [
        article(
            "a1",
            WHEN,
            tags=(Tag("korea", "한국"), Tag("c2", "C2")),
            authors=(Author("홍길동", "hong-gildong"),),
            source=Source("AA", "aa"),
        ),
        article("a2", WHEN + timedelta(hours=1), section=Section("world-news", "World News")),
        article("d1", WHEN, status="draft", section=Section("secret", "Secret")),
    ]
    return make_app(articles, site_url=SITE)


def _capitalised(slug: str, mask: list[bool]) -> str:
    padded = (mask + [False] * len(slug))[: len(slug)]
    return "".join(c.upper() if up else c for c, up in zip(slug, padded, strict=True))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    facet=st.sampled_from(FACETS),
    mask=st.lists(st.booleans(), min_size=1, max_size=12),
    suffix=st.sampled_from(["", ".atom", ".rss", ".json", "/archive/2025-08.rss"]),
    query=st.sampled_from(["", "?limit=2"]),
)
def test_a_slug_in_capitals_redirects_to_its_feed(
    app: Flask, facet: tuple[str, str], mask: list[bool], suffix: str, query: str
) -> None:
    segment, slug = facet
    written = _capitalised(slug, mask)
    assume(written != slug)
    if suffix.startswith("/archive"):
        query = ""  # an archive takes no paging
    client = app.test_client()
    response = client.get(f"/feeds/{segment}/{written}{suffix}{query}")
    assert response.status_code == 301, response.data[:200]
    location = f"{SITE}/feeds/{segment}/{slug}{suffix}{query}"
    assert response.headers["Location"] == location
    assert client.get(location.removeprefix(SITE)).status_code == 200


@pytest.mark.parametrize(("segment", "slug"), FACETS)
def test_a_facet_page_in_capitals_redirects_too(app: Flask, segment: str, slug: str) -> None:
    response = app.test_client().get(f"/{segment}/{slug.upper()}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{SITE}/{segment}/{slug}"


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/section/SECRET.atom",  # only a draft has it: nothing may tell it exists
        "/feeds/section/Secret",
        "/section/SECRET",
        "/feeds/section/NOWHERE.rss",
        "/feeds/tag/KOREA-2.json",
    ],
)
def test_capitals_of_no_public_slug_are_a_404(app: Flask, path: str) -> None:
    assert app.test_client().get(path).status_code == 404


def test_the_example_from_the_report(app: Flask) -> None:
    response = app.test_client().get("/feeds/section/ASIA.atom")
    assert (response.status_code, response.headers["Location"]) == (
        301,
        f"{SITE}/feeds/section/asia.atom",
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/feeds/section/ASIA/archive/1999-01.atom", b"no archive for 1999-01"),
        ("/feeds/section/Asia.atom?page=999", b"page 999 is past the end"),
        ("/feeds/tag/KOREA/archive/1999-01.json", b"no archive for 1999-01"),
    ],
)
def test_capitals_of_a_document_the_feed_lacks_get_that_documents_reason(
    app: Flask, path: str, reason: bytes
) -> None:
    """The slug's feed is served but not this document of it: never a redirect to a 404, and
    not "nothing is published under it" of a feed that has entries either."""
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert reason in response.data and b"nothing is published" not in response.data


def test_capitals_of_a_non_public_slugs_archive_tell_nothing(app: Flask) -> None:
    client = app.test_client()
    hidden = client.get("/feeds/section/SECRET/archive/1999-01.atom")
    unknown = client.get("/feeds/section/NOWHERE/archive/1999-01.atom")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.data.replace(b"SECRET", b"NOWHERE") == unknown.data
