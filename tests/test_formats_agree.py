"""The same articles say the same things in Atom, RSS and JSON Feed, as readers see them."""

from __future__ import annotations

import calendar
import json
from datetime import datetime
from typing import Any

import feedparser
import pytest

from feeds.writers import FORMATS, MEDIA_TYPES, render
from tests.fixtures.feeds import make_feed, shown


def _instant(struct: Any) -> int:
    return calendar.timegm(struct)


def summaries() -> dict[str, list[dict[str, Any]]]:
    feed = make_feed()
    out: dict[str, list[dict[str, Any]]] = {}
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(render(feed, fmt))
        assert parsed.bozo == 0
        out[fmt] = [
            {
                "id": e.id,
                # title_detail can be a nested media:title's (feedparser); the title is not.
                "title": shown({"value": e.title, "type": e.title_detail.type}),
                "link": e.link,
                "published": _instant(e.published_parsed),
                "categories": [t.get("label") or t.term for t in e.get("tags", [])],
            }
            for e in parsed.entries
        ]
        if fmt == "atom":
            for summary, entry in zip(out[fmt], parsed.entries, strict=True):
                summary["updated"] = _instant(entry.updated_parsed)
    doc = json.loads(render(feed, "json"))
    out["json"] = [
        {
            "id": i["id"],
            "title": i["title"],
            "link": i["url"],
            "published": int(datetime.fromisoformat(i["date_published"]).timestamp()),
            "updated": int(datetime.fromisoformat(i["date_modified"]).timestamp()),
            "categories": i.get("tags", []),
        }
        for i in doc["items"]
    ]
    return out


def test_ids_titles_links_dates_and_categories_agree() -> None:
    seen = summaries()
    assert len(seen["atom"]) == 6
    for key in ("id", "title", "link", "published", "categories"):
        values = {fmt: [entry[key] for entry in entries] for fmt, entries in seen.items()}
        assert values["atom"] == values["rss"] == values["json"], key
    assert [e["updated"] for e in seen["atom"]] == [e["updated"] for e in seen["json"]]


def test_entries_are_newest_first_in_every_format() -> None:
    for fmt, entries in summaries().items():
        published = [e["published"] for e in entries]
        assert published == sorted(published, reverse=True), fmt


def test_formats_and_media_types_are_declared_together() -> None:
    assert FORMATS == ("atom", "rss", "json")
    assert MEDIA_TYPES == {
        "atom": "application/atom+xml; charset=utf-8",
        "rss": "application/rss+xml; charset=utf-8",
        "json": "application/feed+json; charset=utf-8",
    }


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError) as caught:
        render(make_feed([]), "rdf")
    assert str(caught.value) == (
        "format: unknown feed format 'rdf', expected one of ('atom', 'rss', 'json')"
    )
