"""A real headless Chromium opens our Atom and RSS feeds and renders them through feed.xsl.

The app runs under werkzeug's server on 127.0.0.1 (a random free port), so the stylesheet is
same-origin, as browsers require for XSLT. Chromium shows documents served as
application/atom+xml or application/rss+xml as plain text and applies XSLT only to generic XML
types, so the feed routes answer a browser's navigation (Accept prefers HTML, names no feed
type) with `application/xml`; Chromium here fetches the real feed URLs. Without Chromium these
tests are skipped with the reason, unless FEEDS_REQUIRE_BROWSER=1 (CI), where a missing
browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from lxml import etree
from PIL import Image
from werkzeug.serving import make_server

from articles.model import Section
from feeds import create_app
from tests.test_pages import SEED, make_article

BANNER_KO = "이 페이지는 웹 피드입니다."
BANNER_EN = "This is a web feed. Copy the URL into your feed reader to subscribe."
# The banner's background in feeds.css (#fff4d6): seeing it proves the page was transformed
# and styled, not shown as raw XML.
BANNER_RGB = (0xFF, 0xF4, 0xD6)
WINDOW = (1200, 900)
BROWSER_TIMEOUT = 90


def chromium_binary() -> str:
    """The Chromium to drive, or skip (fail under FEEDS_REQUIRE_BROWSER=1) when none exists."""
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser"):
        path = shutil.which(name) if name else None
        if path:
            return path
    message = "headless Chromium not found (install the Debian `chromium` package)"
    if os.environ.get("FEEDS_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " and FEEDS_REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(message)


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium_binary(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *args,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


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


@pytest.fixture
def base_url(feed_app: Flask) -> Iterator[str]:
    """The app served over real HTTP on a free port of 127.0.0.1."""
    server = make_server("127.0.0.1", 0, feed_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


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


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_chromium_renders_the_feed_as_a_page_with_banner_url_and_entries(
    tmp_path: Path, base_url: str, fmt: str
) -> None:
    url = f"{base_url}/feeds/all.{fmt}"
    dom = run_chromium(tmp_path, "--dump-dom", f"{base_url}/feeds/all.{fmt}").stdout
    # The transformed document is HTML, not the feed's XML tree.
    assert "<main>" in dom
    assert "<feed" not in dom and "<channel>" not in dom
    assert BANNER_KO in dom
    assert BANNER_EN in dom
    assert f'value="{url}"' in dom  # the copyable address of this very feed
    assert "<h1>TRT 한국어 뉴스</h1>" in dom
    for title in (
        "조 외교부 장관, 일본 상대국에 '실용적' 정책 기반 동맹 강화 방침 밝혀",
        "서울과 도쿄, 실용 외교로 협력 강화",
        "Foreign minister heads to Washington",
    ):
        assert title in dom
    assert f'href="{base_url}/articles/{SEED.id}"' in dom
    assert dom.index("Foreign minister") < dom.index("서울과 도쿄")  # newest first


@pytest.mark.browser
def test_chromium_screenshot_of_the_atom_feed_is_a_styled_page(
    tmp_path: Path, base_url: str
) -> None:
    shot = tmp_path / "feed.png"
    run_chromium(
        tmp_path,
        f"--screenshot={shot}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--hide-scrollbars",
        f"{base_url}/feeds/all.atom",
    )
    assert shot.is_file()
    with Image.open(shot) as image:
        assert image.format == "PNG"
        assert image.size == WINDOW
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=WINDOW[0] * WINDOW[1])
    assert colours is not None
    # Text with anti-aliasing on a styled page gives many colours; a blank page gives one.
    assert len(colours) > 50
    assert any(colour == BANNER_RGB for _, colour in colours)
