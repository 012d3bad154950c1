"""A site served under a path: every URL the app writes carries the prefix, and resolves.

Two ways to put the site under `/ko`: `site_url = https://news.example.com/ko`, or a trusted
proxy sending `X-Forwarded-Prefix: /ko` (both with the proxy stripping the prefix before the
app, as Werkzeug's ProxyFix expects). A crawler starts at the index and a few guessed
locations and robots.txt, collects every URL in every document, page and header (href, src, the
xml-stylesheet instruction and the page its XSLT makes, JSON Feed URLs, the HTML preview a
browser gets, sitemaps' <loc>, robots.txt's Sitemap, Link, Location, Content-Location), and fetches
each one of this site through the app: all must answer 2xx, or 3xx to a place that does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from feeds.urls import CONVENTIONAL_FEEDS
from tests.fixtures.app import default_articles
from tests.fixtures.http import FIREFOX_ACCEPT, NAVIGATE

HUB = "https://hub.example.net/"
FEED_TYPES = {"application/atom+xml", "application/rss+xml", "application/feed+json"}
BROWSER = {"Accept": FIREFOX_ACCEPT, **NAVIGATE}


@dataclass
class Site:
    """How the app is reached: its public root, and the headers a stripping proxy adds."""

    name: str
    root: str  # public root, e.g. https://news.example.com/ko
    settings: dict[str, object]
    headers: dict[str, str]


SITES = [
    Site(
        "site_url", "https://news.example.com/ko", {"site_url": "https://news.example.com/ko"}, {}
    ),
    Site(
        "forwarded",
        "https://news.example.org/ko",
        {"trust_proxy_hops": 1},
        {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "news.example.org",
            "X-Forwarded-Prefix": "/ko",
        },
    ),
]

_HTML_URL = re.compile(r"""\s(?:href|src)\s*=\s*["']([^"']*)["']""")
_STYLESHEET_PI = re.compile(rb"""<\?xml-stylesheet[^>]*href="([^"]+)\"""")
_LINK_HEADER = re.compile(r"<([^>]*)>")


def urls_in(url: str, response: object) -> Iterator[str]:
    """Every URL a response names, resolved against the URL it was fetched from."""
    headers = response.headers  # type: ignore[attr-defined]
    found: list[str] = []
    for name in ("Location", "Content-Location"):
        if name in headers:
            found.append(headers[name])
    for value in headers.getlist("Link"):
        found.extend(_LINK_HEADER.findall(value))
    data: bytes = response.data  # type: ignore[attr-defined]
    mimetype: str = response.mimetype  # type: ignore[attr-defined]
    if mimetype == "text/html":
        found.extend(_HTML_URL.findall(data.decode()))
    elif mimetype.endswith("json"):
        found.extend(_json_urls(json.loads(data)))
    elif "xml" in mimetype or mimetype in {"text/x-opml", "text/xsl"}:
        found.extend(m.decode() for m in _STYLESHEET_PI.findall(data))
        root = etree.fromstring(data)
        for attribute in root.xpath("//@href | //@src | //@xmlUrl | //@htmlUrl | //@url"):
            if "{" not in attribute:  # an XSLT attribute value template, not a URL
                found.append(str(attribute))
        # Sitemaps (sitemaps.org): the URLs are the text of <loc> elements.
        found.extend(str(loc).strip() for loc in root.xpath("//*[local-name()='loc']/text()"))
    elif mimetype == "text/plain":
        # robots.txt names the sitemap index.
        found.extend(re.findall(r"(?im)^sitemap:\s*(\S+)", data.decode()))
    for link in found:
        yield urljoin(url, link)


def _json_urls(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and (key.endswith("url") or key in {"url", "image"}):
                yield item
            else:
                yield from _json_urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_urls(item)


def crawl(client: FlaskClient, site: Site) -> dict[str, int]:
    """Fetch everything reachable on this site; return each URL's status."""
    start = [site.root + "/", site.root + "/robots.txt"]
    start += [site.root + "/feeds/all.atom/", site.root + "/feeds/section//asia"]
    start += [site.root + path for path in CONVENTIONAL_FEEDS]
    queue, seen, status = list(start), set(start), {}
    host = urlsplit(site.root).netloc
    prefix = urlsplit(site.root).path

    def fetch(url: str, headers: dict[str, str] | None = None) -> object:
        parts = urlsplit(url)
        assert parts.netloc == host, f"a URL of this site with another host: {url}"
        assert parts.path.startswith(prefix + "/"), f"{url}: lost the prefix {prefix}"
        path = parts.path.removeprefix(prefix) + (f"?{parts.query}" if parts.query else "")
        return client.get(path, headers={**site.headers, **(headers or {})})

    while queue:
        url = queue.pop()
        response = fetch(url)
        status[url] = response.status_code  # type: ignore[attr-defined]
        assert 200 <= status[url] < 400, (url, status[url], response.data[:200])  # type: ignore[attr-defined]
        found_urls = list(urls_in(url, response))
        stylesheet = _STYLESHEET_PI.search(response.data)  # type: ignore[attr-defined]
        if stylesheet and response.mimetype != "text/xsl":  # type: ignore[attr-defined]
            # What a browser shows: the feed through its XSLT, with the links in the result.
            xsl_url = urljoin(url, stylesheet.group(1).decode())
            transform = etree.XSLT(etree.fromstring(fetch(xsl_url).data))  # type: ignore[attr-defined]
            page = str(transform(etree.fromstring(response.data)))  # type: ignore[attr-defined]
            found_urls += [urljoin(url, link) for link in _HTML_URL.findall(page)]
        if response.mimetype in FEED_TYPES:  # type: ignore[attr-defined]
            # The same URL opened by a person in a browser: the HTML preview and its links.
            page = fetch(url, BROWSER)
            status[f"{url} (browser)"] = page.status_code  # type: ignore[attr-defined]
            assert page.status_code == 200 and page.mimetype == "text/html", url  # type: ignore[attr-defined]
            found_urls += list(urls_in(url, page))
        for found in found_urls:
            found = found.partition("#")[0]
            if urlsplit(found).scheme not in {"http", "https"}:
                continue  # tag: ids, mailto:
            if urlsplit(found).netloc != host:
                continue  # the hub, external article URLs
            if found not in seen:
                seen.add(found)
                queue.append(found)
    return status


@pytest.mark.parametrize("site", SITES, ids=[site.name for site in SITES])
def test_every_url_the_app_writes_under_a_prefix_resolves(
    make_app: Callable[..., Flask], site: Site
) -> None:
    app = make_app(load_samples=True, hub_url=HUB, **site.settings)
    status = crawl(app.test_client(), site)
    assert any(url.endswith("(browser)") for url in status)
    kinds = {urlsplit(url).path.removeprefix("/ko").split("/")[1] for url in status}
    # The crawl reached every kind of place: pages, feeds and archives, articles, static
    # files (the XSL and, through it, the CSS), images, OPML.
    assert {"", "feeds", "section", "tag", "articles", "static", "samples", "feeds.opml"} <= kinds
    assert {"robots.txt", "sitemap.xml", "sitemaps"} <= kinds
    assert any("/archive/" in url for url in status)
    assert any("page=2" in url for url in status) or len(default_articles()) < 50
    assert site.root + "/static/feeds.css" in status
    assert any(300 <= code < 400 for code in status.values())


@pytest.mark.parametrize("site", SITES, ids=[site.name for site in SITES])
def test_the_publishing_apis_location_keeps_the_prefix(
    make_app: Callable[..., Flask], site: Site
) -> None:
    from tests.fixtures.api import api_client_for, record

    api = api_client_for(make_app(**site.settings))
    response = api.put("/api/articles/new-1", json=record(), headers=site.headers)
    assert response.status_code == 201
    location = urljoin(site.root + "/api/articles/new-1", response.headers["Location"])
    assert location == site.root + "/api/articles/new-1"
    assert (
        api.get(urlsplit(location).path.removeprefix("/ko"), headers=site.headers).status_code
        == 200
    )


@pytest.mark.parametrize("site", SITES, ids=[site.name for site in SITES])
def test_the_publishing_apis_problem_instance_keeps_the_prefix(
    make_app: Callable[..., Flask], site: Site
) -> None:
    from tests.fixtures.api import api_client_for, record

    api = api_client_for(make_app(**site.settings))
    answers = {
        "/api/articles/missing": api.get("/api/articles/missing", headers=site.headers),
        "/api/no-such-thing": api.get("/api/no-such-thing", headers=site.headers),
        "/api/articles": api.client.get("/api/articles", headers=site.headers),
        "/api/articles/bad": api.put(
            "/api/articles/bad", json=record(title=""), headers=site.headers
        ),
    }
    for path, response in answers.items():
        assert response.status_code in (401, 404, 422), (path, response.status_code)
        assert response.mimetype == "application/problem+json"
        instance = urljoin(site.root + path, response.get_json()["instance"])
        assert instance == site.root + path, (path, response.get_json())
