"""RFC 5005 paged feeds (`?page=N`) and monthly archived feeds (`/archive/YYYY-MM`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from tests.fixtures.app import EMBARGO, Clock

SITE = "https://news.example.com"
ATOM = "{http://www.w3.org/2005/Atom}"
FH_ARCHIVE = "{http://purl.org/syndication/history/1.0}archive"


def links(body: bytes) -> dict[str, str]:
    """rel -> href of the feed-level atom links (Atom, and atom:link in RSS)."""
    root = etree.fromstring(body)
    channel = root.find("channel")
    parent = channel if channel is not None else root
    return {el.get("rel"): el.get("href") for el in parent.findall(f"{ATOM}link")}


def guids(body: bytes) -> list[str]:
    root = etree.fromstring(body)
    ids = root.findall(f"{ATOM}entry/{ATOM}id") or root.findall("channel/item/guid")
    return [el.text.rsplit(":", 1)[1] for el in ids]


def test_first_page_links_next_last_and_the_newest_archive(client: FlaskClient) -> None:
    found = links(client.get("/feeds/all.atom?limit=3").data)
    assert found == {
        "self": f"{SITE}/feeds/all.atom?limit=3",
        "alternate": f"{SITE}/",
        "first": f"{SITE}/feeds/all.atom?limit=3",
        "next": f"{SITE}/feeds/all.atom?page=2&limit=3",
        "last": f"{SITE}/feeds/all.atom?page=3&limit=3",
        "prev-archive": f"{SITE}/feeds/all/archive/2025-08.atom",
    }


def test_middle_page_links_both_ways_in_rss(client: FlaskClient) -> None:
    found = links(client.get("/feeds/all.rss?page=2&limit=3").data)
    assert found["self"] == f"{SITE}/feeds/all.rss?page=2&limit=3"
    assert found["previous"] == f"{SITE}/feeds/all.rss?limit=3"
    assert found["next"] == f"{SITE}/feeds/all.rss?page=3&limit=3"
    assert "prev-archive" not in found


def test_json_feed_pages_with_next_url_until_the_last(client: FlaskClient) -> None:
    url = "/feeds/all.json?limit=3"
    seen: list[str] = []
    for _ in range(5):
        doc = json.loads(client.get(url).data)
        seen += [item["id"] for item in doc["items"]]
        if "next_url" not in doc:
            break
        url = doc["next_url"].removeprefix(SITE)
    full = json.loads(client.get("/feeds/all.json").data)
    assert seen == [item["id"] for item in full["items"]]


def test_pages_partition_the_feed_without_overlap(client: FlaskClient) -> None:
    pages = [guids(client.get(f"/feeds/all.atom?limit=2&page={n}").data) for n in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    flat = [g for page in pages for g in page]
    assert flat == guids(client.get("/feeds/all.atom").data)


def test_page_past_the_end_is_404_pointing_at_the_first_page(client: FlaskClient) -> None:
    response = client.get("/feeds/all.atom?limit=3&page=4")
    assert response.status_code == 404
    assert "/feeds/all.atom?limit=3" in response.get_data(as_text=True)


def test_default_limit_is_the_configured_items_per_feed(make_app: Callable[..., Flask]) -> None:
    client = make_app(items_per_feed=2, site_url=SITE).test_client()
    body = client.get("/feeds/all.atom").data
    assert len(guids(body)) == 2
    assert links(body)["next"] == f"{SITE}/feeds/all.atom?page=2"


def test_settled_month_archive_is_complete_long_lived_and_links_its_neighbours(
    client: FlaskClient,
) -> None:
    response = client.get("/feeds/all/archive/2025-07.atom")
    assert response.status_code == 200
    # Long-lived, never immutable: a deletion or a correction still changes a past month.
    assert response.headers["Cache-Control"] == (
        "public, max-age=86400, stale-while-revalidate=60, stale-if-error=86400"
    )
    root = etree.fromstring(response.data)
    assert root.find(FH_ARCHIVE) is not None
    assert guids(response.data) == ["jul-3", "jul-2", "jul-1"]
    assert links(response.data) == {
        "self": f"{SITE}/feeds/all/archive/2025-07.atom",
        "alternate": f"{SITE}/",
        "current": f"{SITE}/feeds/all.atom",
        "next-archive": f"{SITE}/feeds/all/archive/2025-08.atom",
    }


def test_current_month_archive_is_not_immutable_and_gains_embargoed_articles(
    client: FlaskClient, clock: Clock
) -> None:
    response = client.get("/feeds/all/archive/2025-08.rss")
    assert "immutable" not in response.headers["Cache-Control"]
    assert links(response.data)["prev-archive"] == f"{SITE}/feeds/all/archive/2025-07.rss"
    assert "next-archive" not in links(response.data)
    assert "embargoed" not in guids(response.data)
    clock.now = EMBARGO
    assert "embargoed" in guids(client.get("/feeds/all/archive/2025-08.rss").data)


def test_month_gets_the_archive_lifetime_two_days_after_it_ends(
    client: FlaskClient, clock: Clock
) -> None:
    clock.now = datetime(2025, 9, 2, 23, 0, tzinfo=UTC)
    archive = "/feeds/all/archive/2025-08.atom"
    assert "max-age=300," in client.get(archive).headers["Cache-Control"]
    clock.now = datetime(2025, 9, 3, 0, 0, tzinfo=UTC) + timedelta(seconds=1)
    settled = client.get(archive).headers["Cache-Control"]
    assert "max-age=86400," in settled and "immutable" not in settled


def test_facet_archive_holds_only_that_facet(client: FlaskClient) -> None:
    doc = json.loads(client.get("/feeds/section/world/archive/2025-07.json").data)
    assert [item["id"].rsplit(":", 1)[1] for item in doc["items"]] == ["jul-3"]


@pytest.mark.parametrize(
    ("path", "status", "hint"),
    [
        ("/feeds/all/archive/2025-06.atom", 404, "/feeds/all.atom"),
        ("/feeds/all/archive/2025-13.atom", 404, "YYYY-MM"),
        ("/feeds/all/archive/25-07.atom", 404, "YYYY-MM"),
        ("/feeds/lang/en/archive/2025-07.atom", 404, "/feeds/lang/en.atom"),
        ("/feeds/all/archive/2025-07.atom?page=2", 400, "drop the page"),
        ("/feeds/all/archive/2025-07.atom?limit=2", 400, "drop the page"),
        # Any paging parameter, even one naming the default: an archive has no pages.
        ("/feeds/all/archive/2025-07.atom?page=1", 400, "drop the page"),
        ("/feeds/all/archive/2025-07.atom?page=", 400, "drop the page"),
        ("/feeds/all/archive/2025-07.atom?limit=50", 400, "drop the page"),
        ("/feeds/section/world/archive/2025-07.json?page=1&utm_source=x", 400, "drop the page"),
    ],
)
def test_archive_mistakes_say_what_to_do(
    client: FlaskClient, path: str, status: int, hint: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert hint in response.get_data(as_text=True)


def test_self_link_is_the_url_as_requested_so_validators_match_it(client: FlaskClient) -> None:
    # Parameters in the client's order and only the paging ones; next/last stay canonical.
    found = links(client.get("/feeds/all.rss?limit=3&utm_source=x&page=2").data)
    assert found["self"] == f"{SITE}/feeds/all.rss?limit=3&page=2"
    assert found["next"] == f"{SITE}/feeds/all.rss?page=3&limit=3"
    default = links(client.get("/feeds/all.atom?limit=50").data)
    assert default["self"] == f"{SITE}/feeds/all.atom?limit=50"


def test_self_link_order_is_part_of_the_etag(client: FlaskClient) -> None:
    one = client.get("/feeds/all.atom?limit=3&page=2")
    two = client.get("/feeds/all.atom?page=2&limit=3")
    assert one.headers["ETag"] != two.headers["ETag"]
    assert links(one.data)["self"] != links(two.data)["self"]


def test_only_archive_of_a_facet_is_marked_complete_without_current(client: FlaskClient) -> None:
    # Only aug-2 is in English: the English feed has one month.
    body = client.get("/feeds/lang/en/archive/2025-08.atom").data
    root = etree.fromstring(body)
    assert root.find(FH_ARCHIVE) is not None
    assert root.find("{http://purl.org/syndication/history/1.0}complete") is not None
    assert set(links(body)) == {"self", "alternate"}


def test_archive_with_neighbours_is_not_marked_complete(client: FlaskClient) -> None:
    body = client.get("/feeds/all/archive/2025-08.atom").data
    root = etree.fromstring(body)
    assert root.find("{http://purl.org/syndication/history/1.0}complete") is None
    assert "current" in links(body)
