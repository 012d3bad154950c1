"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1): a small format, with a small writer."""

from __future__ import annotations

from typing import Any

import orjson

from feeds.model import Entry, Feed, Person

VERSION = "https://jsonfeed.org/version/1.1"


def _person(person: Person) -> dict[str, str]:
    out = {"name": person.name}
    if person.uri:
        out["url"] = person.uri
    return out


def _rfc3339(value: Any) -> str:
    return str(value.isoformat())


def _item(entry: Entry, feed: Feed) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "url": entry.link,
        "title": entry.title,
        "content_html": entry.content_html,
    }
    if entry.summary:
        item["summary"] = entry.summary
    if entry.image is not None:
        item["image"] = entry.image.url
    item["date_published"] = _rfc3339(entry.published)
    item["date_modified"] = _rfc3339(entry.updated)
    item["authors"] = [_person(a) for a in entry.authors]
    if entry.categories:
        item["tags"] = [c.label for c in entry.categories]
    if entry.language:
        item["language"] = entry.language
    if entry.enclosures:
        attachments = []
        for enclosure in entry.enclosures:
            attachment: dict[str, Any] = {"url": enclosure.url, "mime_type": enclosure.type}
            if enclosure.title:
                attachment["title"] = enclosure.title
            if enclosure.length:
                attachment["size_in_bytes"] = enclosure.length
            if enclosure.duration:
                attachment["duration_in_seconds"] = enclosure.duration
            attachments.append(attachment)
        item["attachments"] = attachments
    if entry.source is not None:
        # Extensions are `_`-prefixed objects (JSON Feed 1.1, "Extensions").
        source = {"name": entry.source.name}
        if entry.source.url:
            source["url"] = entry.source.url
        item["_source"] = source
    return item


def render(feed: Feed) -> bytes:
    """The feed as a JSON Feed 1.1 document (UTF-8 bytes, keys in a fixed order)."""
    links = feed.links.for_format("json")
    doc: dict[str, Any] = {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": feed.links.html,
        "feed_url": links.self,
    }
    if feed.subtitle:
        doc["description"] = feed.subtitle
    if links.next:
        doc["next_url"] = links.next
    if feed.logo:
        doc["icon"] = feed.logo
    if feed.icon:
        doc["favicon"] = feed.icon
    doc["authors"] = [_person(feed.author)]
    doc["language"] = feed.language
    if feed.links.hub:
        doc["hubs"] = [{"type": "WebSub", "url": feed.links.hub}]
    doc["items"] = [_item(entry, feed) for entry in feed.entries]
    # orjson writes UTF-8 directly (no \u escapes), compact, keys in insertion order; several
    # times faster than the json module's ensure_ascii=False path plus an encode.
    return orjson.dumps(doc)
