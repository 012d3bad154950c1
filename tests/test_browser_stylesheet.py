"""feed.xsl, the XSLT stylesheet the Atom and RSS bytes still name, turns our feeds into a page.

Browsers are removing XSLT (Chromium 156 shows a banner saying so), so a browser opening a feed
now gets the HTML preview instead (feeds/preview.py; tests/test_browser_preview.py and
tests/test_browser_chromium.py). The `xml-stylesheet` instruction stays in the feed bytes:
removing it would change every feed's bytes and ETag for every reader, and browsers that still
apply XSLT to a feed shown as generic XML (a feed in an iframe, for one) keep a readable page.
This checks the transformation itself with libxslt, so the stylesheet keeps working.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from lxml import etree

from articles.model import Section
from feeds import create_app
from tests.test_pages import SEED, make_article

BANNER_KO = "이 페이지는 웹 피드입니다."


@pytest.fixture
def feed_app(tmp_path: Path) -> Iterator[Flask]:
    """The real app (routes, writers, pages) on a fresh SQLite database with three articles."""
    app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'browser.db'}",
            "load_samples": False,
            "FEEDS_INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
        }
    )
    store = app.extensions["feeds.store"]
    store.upsert_many(
        [
            SEED,
            make_article("b1", minutes=10, title="서울과 도쿄, 실용 외교로 협력 강화"),
            make_article(
                "b2",
                minutes=20,
                title="Foreign minister heads to Washington",
                language="en",
                section=Section("world", "세계"),
            ),
        ]
    )
    yield app
    store.dispose()


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_stylesheet_turns_our_feeds_into_a_page_with_libxslt(feed_app: Flask, fmt: str) -> None:
    """The same transformation without a browser, so its logic is checked everywhere."""
    client = feed_app.test_client()
    transform = etree.XSLT(etree.fromstring(client.get("/static/feed.xsl").data))
    page = str(transform(etree.fromstring(client.get(f"/feeds/all.{fmt}").data)))
    assert page.startswith("<!DOCTYPE html")
    assert BANNER_KO in page
    assert 'value="http://localhost/feeds/all.' + fmt + '"' in page
    assert "서울과 도쿄, 실용 외교로 협력 강화" in page
    assert 'lang="ko"' in page
    assert "&lt;p&gt;" not in page and "<p>본문" not in page  # summaries only, as text
