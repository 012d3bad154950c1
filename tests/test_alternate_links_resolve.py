"""Every `alternate` link a feed document carries resolves (200): the facet's page while it has
something to show, the front page once it has not (`feeds.documents.facet_page_exists`), in
every kind of document of the feed: live, paged, a month's archive, each format and the
browser's preview page of each.

Found: emptied month archives linked their facet's page, a 404
(`/feeds/tag/withdraw-tag/archive/2026-11.atom` -> `/tag/withdraw-tag`,
`/feeds/section/october/archive/2026-10.rss` -> `/section/october`), while the emptied live
feed linked `/` already: the rule looked at the live feed's count only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from tests.fixtures.app import NOW, Clock, article, default_articles, service_of
from tests.fixtures.http import FIREFOX_ACCEPT, NAVIGATE
from tests.test_gone_feeds import JUNE, LONE, lone_article, remove

ATOM = "{http://www.w3.org/2005/Atom}"
NAVIGATION = {"Accept": FIREFOX_ACCEPT, **NAVIGATE}


def documents(path: str, month: str) -> list[str]:
    """Every kind of document of the feed at `path` (without format)."""
    out = []
    for fmt in ("atom", "rss", "json"):
        out += [f"{path}.{fmt}", f"{path}.{fmt}?limit=5", f"{path}/archive/{month}.{fmt}"]
    return [*out, path, f"{path}/archive/{month}"]


def alternates(response_data: bytes, mimetype: str) -> list[str]:
    """The document's own `alternate` links (not its entries')."""
    if mimetype == "text/html":
        return re.findall(r'<a href="([^"]+)">웹사이트에서 보기', response_data.decode())
    if "json" in mimetype:
        page = json.loads(response_data).get("home_page_url")
        return [page] if page else []
    root = etree.fromstring(response_data)
    if root.tag == f"{ATOM}feed":
        return [
            str(link.get("href"))
            for link in root.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
    return [str(text) for text in root.xpath("/rss/channel/link/text()")]


def assert_alternates_resolve(client: FlaskClient, path: str, expected: str) -> None:
    for headers in ({}, NAVIGATION):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        links = alternates(response.data, response.mimetype)
        assert links, (path, response.mimetype)
        for link in links:
            target = urlsplit(link).path
            assert client.get(target).status_code == 200, (path, link)
            assert target == expected, (path, link)


@pytest.mark.parametrize("how", ["delete", "withheld"])
@pytest.mark.parametrize("kind", sorted(LONE))
def test_every_document_of_an_emptied_feed_links_a_page_that_exists(
    make_app: Callable[..., Flask], clock: Clock, kind: str, how: str
) -> None:
    app = make_app([*default_articles(), lone_article(kind)], tombstone_days=30)
    client = app.test_client()
    path = LONE[kind][1]
    page = path.removeprefix("/feeds")  # the facet's HTML page
    for each in documents(path, "2025-06"):
        assert_alternates_resolve(client, each, page)
    clock.now = NOW + timedelta(hours=1)
    remove(app, how)
    clock.now = NOW + timedelta(hours=2)
    assert client.get(page).status_code in (404, 410)
    for each in documents(path, "2025-06"):
        assert_alternates_resolve(client, each, "/")


def test_an_emptied_month_of_a_feed_that_lives_on_links_the_facets_page(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """The facet still has articles in another month: its page exists, and is linked."""
    other = article("other", JUNE - timedelta(days=40), tags=LONE["tag"][0]["tags"])
    app = make_app([*default_articles(), lone_article("tag"), other], tombstone_days=30)
    client = app.test_client()
    clock.now = NOW + timedelta(hours=1)
    remove(app, "delete")
    clock.now = NOW + timedelta(hours=2)
    for each in documents("/feeds/tag/only-one", "2025-06"):
        assert_alternates_resolve(client, each, "/tag/only-one")


def test_the_archives_etag_changes_when_the_facets_page_goes(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    """An emptied month's archive links the facet's page while another month keeps it, and
    the front page once that month is emptied too, although none of its own entries moved."""
    other = article("other", JUNE - timedelta(days=40), tags=LONE["tag"][0]["tags"])
    app = make_app([*default_articles(), lone_article("tag"), other], tombstone_days=30)
    client = app.test_client()
    archive = "/feeds/tag/only-one/archive/2025-06.atom"
    clock.now = NOW + timedelta(hours=1)
    remove(app, "delete")
    clock.now = NOW + timedelta(hours=2)
    before = client.get(archive)
    service_of(app).delete("other")
    clock.now = NOW + timedelta(hours=3)
    after = client.get(archive, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert alternates(after.data, after.mimetype) == ["http://localhost/"]
