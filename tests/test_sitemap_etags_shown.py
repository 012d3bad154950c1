"""A sitemap's ETag hashes exactly what the sitemap shows (RFC 9110 8.8.3: equal bytes, equal
tags; other bytes, another tag).

Found: the monthly and news sitemaps hashed each listed article's stored `updated` and
language tag, but they show `lastmod` (the later of `updated` and `published`: an article
whose embargo lifted after its last write is dated by its publication) and Google News's
language code (`en-GB` and `en` are both `en`). A correction that moved `updated` below the
publication time, or a language tag's region, gave the same bytes under a new ETag, and
every crawler polling with `If-None-Match` downloaded the sitemap again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.app import NOW, Clock, article

PATHS = ("/sitemaps/news.xml", "/sitemaps/articles-2025-08.xml")
PUBLISHED = NOW - timedelta(hours=5)


def answers(client: object, paths: tuple[str, ...] = PATHS) -> dict[str, tuple[str, bytes]]:
    got = {}
    for path in paths:
        response = client.get(path)  # type: ignore[attr-defined]
        assert response.status_code == 200, path
        got[path] = (response.headers["ETag"], response.data)
    return got


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.integers(1, 4 * 3600),
    second=st.integers(1, 4 * 3600),
    languages=st.sampled_from([("en", "en-GB"), ("en-US", "en"), ("ko", "ko-KR"), ("en", "en")]),
)
def test_equal_sitemap_bytes_have_equal_etags(
    make_app: Callable[..., Flask],
    clock: Clock,
    first: int,
    second: int,
    languages: tuple[str, str],
) -> None:
    """Two versions of an article written before its publication time (a correction dated
    before an embargo's end, a language tag with a region) list the same `lastmod` and
    language code: the sitemaps' bytes and ETags stay; any change of the bytes changes both."""
    clock.now = NOW
    before = article(
        "news-1",
        PUBLISHED,
        updated=PUBLISHED - timedelta(seconds=first),
        language=languages[0],
        title="Seoul talks",
    )
    app = make_app([before], site_url="https://news.example.com")
    store = app.extensions["feeds.store"]
    client = app.test_client()
    seen = answers(client)
    clock.now = NOW + timedelta(seconds=5)
    after = article(
        "news-1",
        PUBLISHED,
        updated=PUBLISHED - timedelta(seconds=min(first, second) / 2),
        language=languages[1],
        title="Seoul talks",
    )
    store.upsert_many([after], now=clock.now)
    clock.now = NOW + timedelta(seconds=10)
    again = answers(client)
    for path in PATHS:
        (tag, body), (new_tag, new_body) = seen[path], again[path]
        assert (tag == new_tag) == (body == new_body), (path, body, new_body)
