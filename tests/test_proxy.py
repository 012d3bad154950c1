"""Self links behind a reverse proxy: X-Forwarded-* only when trusted, site_url above all."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask

FORWARDED = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "news.example.org",
}


def feed_url(app: Flask, headers: dict[str, str], path: str = "/feeds/all.json") -> str:
    response = app.test_client().get(path, headers=headers)
    assert response.status_code == 200
    url: str = json.loads(response.data)["feed_url"]
    return url


def test_forwarded_proto_and_host_make_the_self_link_with_one_trusted_hop(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(trust_proxy_hops=1)
    assert feed_url(app, FORWARDED) == "https://news.example.org/feeds/all.json"


def test_forwarded_prefix_is_kept_in_links(make_app: Callable[..., Flask]) -> None:
    app = make_app(trust_proxy_hops=1)
    headers = {**FORWARDED, "X-Forwarded-Prefix": "/news"}
    assert feed_url(app, headers) == "https://news.example.org/news/feeds/all.json"


def test_forwarded_headers_are_ignored_without_trusted_hops(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(trust_proxy_hops=0)
    assert feed_url(app, FORWARDED) == "http://localhost/feeds/all.json"


def test_only_the_last_hop_counts_with_one_trusted_proxy(make_app: Callable[..., Flask]) -> None:
    app = make_app(trust_proxy_hops=1)
    spoofed = {
        "X-Forwarded-Proto": "http, https",
        "X-Forwarded-Host": "evil.example, news.example.org",
    }
    assert feed_url(app, spoofed) == "https://news.example.org/feeds/all.json"


def test_configured_site_url_wins_over_forwarded_headers(make_app: Callable[..., Flask]) -> None:
    app = make_app(trust_proxy_hops=1, site_url="https://feeds.example.com/")
    assert feed_url(app, FORWARDED) == "https://feeds.example.com/feeds/all.json"


@pytest.mark.parametrize("hops", [0, 1])
def test_etag_depends_on_the_public_base_url(make_app: Callable[..., Flask], hops: int) -> None:
    client = make_app(trust_proxy_hops=hops).test_client()
    direct = client.get("/feeds/all.atom").headers["ETag"]
    proxied = client.get("/feeds/all.atom", headers=FORWARDED).headers["ETag"]
    # Different self links are different bytes, so the tags differ exactly when trusted.
    assert (direct != proxied) == (hops == 1)


def test_entry_links_and_content_location_use_the_public_url(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(trust_proxy_hops=1).test_client()
    response = client.get("/feeds/all", headers={**FORWARDED, "Accept": "application/feed+json"})
    assert response.headers["Content-Location"] == "https://news.example.org/feeds/all.json"
    items = json.loads(response.data)["items"]
    assert all(item["url"].startswith("https://news.example.org/articles/") for item in items)
