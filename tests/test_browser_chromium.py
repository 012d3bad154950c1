"""A real headless Chromium opens our feed URLs and gets the HTML preview; a script gets the feed.

The app runs under werkzeug's server on 127.0.0.1 (a random free port). Chromium sends Fetch
Metadata (`Sec-Fetch-Dest: document`, `Sec-Fetch-Mode: navigate`) to localhost and HTTPS
origins only; opened under another host name over plain HTTP (mapped to 127.0.0.1 with
`--host-resolver-rules`) it sends none, and the app recognises the navigation by
`Upgrade-Insecure-Requests` and Accept instead. Both must give the page; a `fetch()` from a page
on the same origin must give the feed itself. The screenshot test keeps its PNG in
`FEEDS_SCREENSHOT_DIR` when that is set (tests/screenshots/ holds a reference made so).

Without Chromium these tests are skipped with the reason, unless FEEDS_REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from PIL import Image
from werkzeug.serving import make_server

from articles.model import Section
from feeds import create_app
from tests.fixtures.store import make_article
from tests.test_pages import SEED

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

BANNER_KO = "이 페이지는 웹 피드입니다."
BANNER_EN = "This is a web feed. Copy the URL into your feed reader to subscribe."
# The banner's background in feeds.css (#fff4d6): seeing it proves the page is styled.
BANNER_RGB = (0xFF, 0xF4, 0xD6)
WINDOW = (1200, 900)
BROWSER_TIMEOUT = 90
TITLES = (
    "Foreign minister heads to Washington",
    "서울과 도쿄, 실용 외교로 협력 강화",
    "조 외교부 장관, 일본 상대국에 '실용적' 정책 기반 동맹 강화 방침 밝혀",
)
# A page on the feeds' origin whose script fetches a feed the way a web-based reader does and
# writes what it got into the document.
PROBE_PATH = "/probe.html"
PROBE_PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head>
<body><pre id="out">waiting</pre><script>
fetch("/feeds/all.atom").then(async (response) => {
  const body = await response.text();
  document.getElementById("out").textContent = JSON.stringify({
    type: response.headers.get("content-type"), start: body.slice(0, 60)});
});
</script></body></html>"""


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
            make_article("b1", minutes=10, title=TITLES[1]),
            make_article(
                "b2",
                minutes=20,
                title=TITLES[0],
                language="en",
                section=Section("world", "세계"),
                summary="The minister meets his counterpart <today> & tomorrow.",
            ),
        ]
    )
    yield app
    store.dispose()


@pytest.fixture
def port(feed_app: Flask) -> Iterator[int]:
    """The app over real HTTP on a free port of 127.0.0.1, with the probe page beside it."""
    wsgi = feed_app.wsgi_app

    def app_with_probe(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == PROBE_PATH:
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [PROBE_PAGE]
        return wsgi(environ, start_response)

    feed_app.wsgi_app = app_with_probe  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, feed_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()


def dump_dom(tmp_path: Path, url: str, *extra: str) -> str:
    return run_chromium(tmp_path, *extra, "--dump-dom", url).stdout


def assert_is_the_preview(dom: str, feed_url: str, base: str) -> None:
    assert dom.lstrip().lower().startswith("<!doctype html") or "<html" in dom[:200]
    assert "<feed" not in dom and "<channel>" not in dom and '"items"' not in dom
    assert BANNER_KO in dom and BANNER_EN in dom
    assert f'value="{feed_url}"' in dom  # the copyable address of the live feed
    assert '<link rel="alternate" type=' in dom
    assert "<h1>TRT 한국어 뉴스</h1>" in dom
    for title in TITLES:
        assert title.replace("'", "&#39;") in dom or title in dom
    assert dom.index(TITLES[0]) < dom.index(TITLES[1])  # newest first
    assert f'href="{base}/articles/{SEED.id}"' in dom
    assert "&lt;today&gt; &amp; tomorrow" in dom  # a summary's text, not markup
    assert "2025년 7월 30일" in dom


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_chromium_opening_a_feed_on_localhost_gets_the_preview(
    tmp_path: Path, port: int, fmt: str
) -> None:
    base = f"http://127.0.0.1:{port}"
    dom = dump_dom(tmp_path, f"{base}/feeds/all.{fmt}")
    assert_is_the_preview(dom, f"{base}/feeds/all.{fmt}", base)


@pytest.mark.browser
def test_chromium_without_fetch_metadata_still_gets_the_preview(tmp_path: Path, port: int) -> None:
    """Plain HTTP to a host that is not localhost: no Sec-Fetch-* headers are sent."""
    base = f"http://feeds.test:{port}"
    dom = dump_dom(
        tmp_path,
        f"{base}/feeds/section/asia.rss",
        "--host-resolver-rules=MAP feeds.test 127.0.0.1",
    )
    assert f'value="{base}/feeds/section/asia.rss"' in dom
    assert BANNER_KO in dom
    assert "<h1>아시아 — TRT 한국어 뉴스</h1>" in dom
    assert TITLES[1] in dom and TITLES[0] not in dom  # the section's entries only


@pytest.mark.browser
def test_a_script_in_a_page_fetching_the_feed_gets_the_feed(tmp_path: Path, port: int) -> None:
    """What a web-based reader running in a browser tab sees: the feed, not the page."""
    dom = dump_dom(tmp_path, f"http://127.0.0.1:{port}{PROBE_PATH}", "--virtual-time-budget=10000")
    out = dom.split('<pre id="out">', 1)[1].split("</pre>", 1)[0]
    got = json.loads(out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    assert got["type"] == "application/atom+xml; charset=utf-8"
    assert got["start"].startswith("<?xml version=")


def _screenshot(tmp_path: Path, url: str, name: str) -> Path:
    keep = os.environ.get("FEEDS_SCREENSHOT_DIR")
    shot = (Path(keep) if keep else tmp_path) / name
    shot.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(
        tmp_path,
        f"--screenshot={shot}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--hide-scrollbars",
        url,
    )
    return shot


def _colours(shot: Path) -> list[tuple[int, tuple[int, int, int]]]:
    with Image.open(shot) as image:
        assert image.format == "PNG"
        assert image.size == WINDOW
        colours = image.convert("RGB").getcolors(maxcolors=WINDOW[0] * WINDOW[1])
    assert colours is not None
    return colours


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["atom", "json"])
def test_chromium_screenshot_of_a_feed_is_a_styled_page(
    tmp_path: Path, port: int, fmt: str
) -> None:
    shot = _screenshot(
        tmp_path, f"http://127.0.0.1:{port}/feeds/all.{fmt}", f"feed-preview-{fmt}.png"
    )
    colours = _colours(shot)
    # Text with anti-aliasing on a styled page gives many colours; a blank page gives one.
    assert len(colours) > 50
    banner = next((count for count, colour in colours if colour == BANNER_RGB), 0)
    # The banner spans the window's width for some 150 px: a sizeable share of the pixels.
    assert banner > WINDOW[0] * 80
