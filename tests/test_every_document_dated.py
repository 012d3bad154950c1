"""Every 200 answer that carries an ETag carries Last-Modified too: every kind of document.

Aggregators and crawlers (sitemaps especially) poll with If-Modified-Since only; an answer
with an ETag and no date costs them the whole document at every poll. The documents are
found the way a crawler finds them, not from a list kept here: from the index, robots.txt,
the OPML list and the sitemap index, following every link under the site's URL (feeds,
their paging and archive links, facet and article pages, show pages, sitemaps, static files,
images), and each feed is also opened as a browser navigates to it (its preview page). Every
route the app serves documents from must be reached by that walk, so a new kind of document
is checked as soon as something links it (and this test fails until something does).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from html import unescape

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_date

from articles.model import Image, Translation
from tests.fixtures.app import NOW, article, default_articles
from tests.test_podcast_feeds import SHOW, episode
from tests.test_translation_last_modified import A, counterpart

BASE = "https://news.example.com"
STARTS = ("/", "/robots.txt", "/feeds.opml", "/sitemap.xml")
# Routes that serve no public document: the publishing API and the operators' page (behind
# a token, never cached, no conditional GET by date), the health probe (no validators).
NOT_DOCUMENTS = ("api.", "subscribers_page.", "feeds.healthz")
# How many URLs of one route are fetched (the corpus has a few hundred feed documents).
PER_ROUTE = 30
NAVIGATION = {
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
}
# An article with a bundled sample image (the samples' image route), in the news sitemap's
# two days.
PICTURED = article(
    "pictured",
    NOW - timedelta(hours=20),
    image=Image("/samples/images/cho-hyun-tokyo.png", alt="Two ministers"),
)
_LINK = re.compile(re.escape(BASE) + r"(/[^\s\"'<>]*)")
_RELATIVE = re.compile(r"(?:href|src)=\"(/[^/\"][^\"]*)\"")


def _linked(body: str) -> list[str]:
    """The site-relative paths (with their query) of every link under BASE, absolute or
    root-relative."""
    found = [*_LINK.findall(body), *_RELATIVE.findall(body)]
    return [unescape(path).rstrip(".,;)") for path in found]


def _endpoint(app: Flask, path: str) -> str | None:
    adapter = app.url_map.bind("news.example.com", url_scheme="https")
    try:
        endpoint, _ = adapter.match(path.split("?", 1)[0], method="GET")
    except HTTPException:  # a redirect the router itself gives, or no route
        return None
    return str(endpoint)


def _document_routes(app: Flask) -> set[str]:
    """The endpoints of the app's GET routes that answer documents (not redirects)."""
    found = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint.startswith(NOT_DOCUMENTS):
            continue
        if rule.endpoint.startswith("redirects.") or rule.redirect_to is not None:
            continue
        found.add(rule.endpoint)
    return found


def test_every_document_the_app_serves_with_an_etag_has_a_last_modified(
    make_app: Callable[..., Flask],
) -> None:
    show_episode = replace(episode(1, translations=(Translation("b", "en"),)), id="briefing-1")
    app = make_app(
        [*default_articles(), A, counterpart(), show_episode, PICTURED],
        site_url=BASE,
        podcasts={"briefing": SHOW},
        items_per_feed=3,
    )
    client = app.test_client()
    queue = deque(STARTS)
    seen: set[str] = set(STARTS)
    fetched: Counter[str] = Counter()
    undated: list[str] = []
    dated = 0
    while queue:
        path = queue.popleft()
        endpoint = _endpoint(app, path)
        if endpoint is None or fetched[endpoint] >= PER_ROUTE:
            continue
        fetched[endpoint] += 1
        answers = [("", client.get(path))]
        if endpoint == "feeds.feed":
            answers.append(("(browser) ", client.get(path, headers=NAVIGATION)))
        for label, response in answers:
            if response.status_code != 200 or "ETag" not in response.headers:
                continue
            modified = response.headers.get("Last-Modified")
            if modified is None:
                undated.append(f"{label}{path}")
                continue
            date = parse_date(modified)
            assert date is not None and date <= NOW, (path, modified)
            again = client.get(path, headers={"If-Modified-Since": modified})
            if not label:
                assert again.status_code == 304, path
            dated += 1
        first = answers[0][1]
        if first.status_code == 200 and not first.mimetype.startswith("image/"):
            for linked in _linked(first.get_data(as_text=True)):
                if linked not in seen:
                    seen.add(linked)
                    queue.append(linked)
    assert not undated, f"200 with an ETag and no Last-Modified: {sorted(undated)}"
    missed = _document_routes(app) - set(fetched)
    assert not missed, (
        f"routes no link reaches (link them, or name why they are no document): {missed}"
    )
    assert dated > 50, fetched
