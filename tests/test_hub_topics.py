"""A feed document names the WebSub hub exactly when its `self` URL is a topic the site pings.

Found: every document advertised the hub, in its `Link` header and in its bytes (Atom and RSS
`link rel="hub"`, JSON Feed `hubs`), with `rel="self"` its own URL: archives and pages named with
`page` or `limit` too (`/feeds/all.atom?limit=10`, `?page=1`). The site pings only the live feeds
at their own URLs (`feeds.websub.topics_for`; docs/websub.md: "archives and later pages are not
topics"), so a reader subscribed to such a URL subscribed at the hub to a topic nobody ever
publishes, and readers that poll less once they have a hub saw its changes late or never.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.store import ALL, Facet
from feeds.urls import FORMATS
from feeds.websub import topics_for
from tests.fixtures.app import shared_client

SITE = "https://news.example.com"
HUB = "https://hub.example.net/"
FACETS = [ALL, Facet("section", "asia"), Facet("section", "world"), Facet("tag", "japan")]
TOPICS = frozenset(topics_for(FACETS, SITE))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    instance: Path = tmp_path_factory.mktemp("hub-topics")
    return shared_client(instance, site_url=SITE, hub_url=HUB)


def _hubs_in_body(fmt: str, body: bytes) -> list[str]:
    if fmt == "json":
        return [hub["url"] for hub in json.loads(body).get("hubs", [])]
    text = body.decode()
    return [HUB] if f'href="{HUB}" rel="hub"' in text or f'rel="hub" href="{HUB}"' in text else []


def _check(client: FlaskClient, path: str, accept: str | None = None) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, path
    fmt = {"application/atom+xml": "atom", "application/rss+xml": "rss"}.get(
        response.mimetype, "json"
    )
    link = response.headers.get("Link")
    self_url = response.headers.get("Content-Location") or SITE + path
    if "?" in self_url and "/archive/" not in self_url:
        # `self` keeps the request's page and limit only, in its order.
        pairs = [
            p for p in self_url.split("?", 1)[1].split("&") if p.split("=")[0] in ("page", "limit")
        ]
        self_url = self_url.split("?", 1)[0] + ("?" + "&".join(pairs) if pairs else "")
    if self_url in TOPICS:
        assert link == f'<{HUB}>; rel="hub", <{self_url}>; rel="self"', path
        assert _hubs_in_body(fmt, response.data) == [HUB], path
    else:
        assert link is None, path
        assert _hubs_in_body(fmt, response.data) == [], path


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/all.atom",
        "/feeds/section/asia.rss",
        "/feeds/tag/japan.json",
        "/feeds/all.atom?utm_source=x",
        "/feeds/all.atom?page=1",
        "/feeds/all.rss?limit=2",
        "/feeds/all.json?page=2&limit=2",
        "/feeds/all/archive/2025-07.atom",
        "/feeds/section/world/archive/2025-08.rss",
        "/feeds/tag/japan/archive/2025-08.json",
    ],
)
def test_a_document_names_the_hub_only_when_the_hub_hears_of_it(
    client: FlaskClient, path: str
) -> None:
    _check(client, path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    facet=st.sampled_from(FACETS),
    fmt=st.sampled_from([*FORMATS, None]),
    page=st.sampled_from([None, "1", "2"]),
    limit=st.sampled_from([None, "1", "2", "50"]),
    month=st.sampled_from([None, "2025-07", "2025-08"]),
)
def test_hub_and_topics_agree_over_every_url_form(
    client: FlaskClient,
    facet: Facet,
    fmt: str | None,
    page: str | None,
    limit: str | None,
    month: str | None,
) -> None:
    base = "/feeds/all" if facet == ALL else f"/feeds/{facet.kind}/{facet.value}"
    path = base + (f"/archive/{month}" if month else "") + (f".{fmt}" if fmt else "")
    if month is None:
        query = [f"{name}={value}" for name, value in (("page", page), ("limit", limit)) if value]
        path += "?" + "&".join(query) if query else ""
    probe = client.get(path)
    if probe.status_code != 200:  # a page past the end, a month the facet has nothing in
        return
    _check(client, path, None if fmt else "application/feed+json")
