"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1): a small format, with a small writer.

`title`, `summary` and `description` are plain text by the spec and written as they are;
`content_html` is HTML. Dates are RFC 3339 (`feeds.writers.dates`). Hooks: `add_root_fields`
and `add_item_fields` (`feeds.writers.base`); WebSub `hubs` and the `_source` credit are
extensions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, ClassVar

import orjson

from feeds.feed_types import Entry, Feed, Person
from feeds.writers.base import FeedExtension, Writer
from feeds.writers.dates import rfc3339

VERSION = "https://jsonfeed.org/version/1.1"

# orjson writes a datetime as `rfc3339` does when its offset is a whole number of minutes: the
# seconds without their fraction, `Z` for a zero offset (tests/test_dates.py holds it to
# `rfc3339`). In C, and without making a string: a sixth of `rfc3339`'s time.
_DATES = orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS


def _date(value: datetime) -> datetime | str:
    """The value for orjson to write with `_DATES`: the datetime itself when its offset is a
    whole number of minutes, else `rfc3339(value)` (which writes it in UTC; orjson would
    round the offset). Errors: ValueError for a naive datetime, as `rfc3339`."""
    zone = value.tzinfo
    if type(zone) is timezone:  # a fixed offset, as `datetime.fromisoformat` gives
        return value if _whole_minutes(zone) else rfc3339(value)
    offset = value.utcoffset()
    if offset is None or offset.seconds % 60 or offset.microseconds:
        return rfc3339(value)
    return value


@lru_cache(maxsize=256)
def _whole_minutes(zone: timezone) -> bool:
    """Whether a fixed-offset zone's offset is a whole number of minutes (asked once per zone:
    each date read from text has a zone object of its own, equal to the others of its offset,
    and `utcoffset` costs more than the lookup)."""
    offset = zone.utcoffset(None)
    return not (offset.seconds % 60 or offset.microseconds)


def _person(person: Person) -> dict[str, str]:
    out = {"name": person.name}
    if person.uri:
        out["url"] = person.uri
    return out


class JsonFeedWriter(Writer):
    """JSON Feed 1.1; override `add_root_fields` / `add_item_fields` (call `super()`)."""

    format: ClassVar[str] = "json"

    def __init__(self, extensions: Iterable[FeedExtension] = ()) -> None:
        super().__init__(extensions)
        self._root_hooks = self._hooks("add_root_fields")
        self._item_hooks = self._hooks("add_item_fields")

    def render(self, feed: Feed) -> bytes:
        """The feed as a JSON Feed 1.1 document (UTF-8 bytes, keys in a fixed order)."""
        links = feed.links.for_format("json")
        doc: dict[str, Any] = {
            "version": VERSION,
            "title": feed.title,
            "home_page_url": feed.links.html,
            "feed_url": links.self,
        }
        # JSON Feed cannot mark a language per field: a subtitle in another language than the
        # feed's is left out (it is optional).
        if feed.subtitle_in_feed_language:
            doc["description"] = feed.subtitle_in_feed_language
        if links.next:
            doc["next_url"] = links.next
        if feed.logo:
            doc["icon"] = feed.logo
        if feed.icon:
            doc["favicon"] = feed.icon
        doc["authors"] = [_person(feed.author)]
        doc["language"] = feed.language
        self.add_root_fields(doc, feed)
        add_item_fields = self.add_item_fields
        items = []
        for entry in feed.entries:
            item: dict[str, Any] = {}
            add_item_fields(item, entry, feed)
            items.append(item)
        doc["items"] = items
        # orjson writes UTF-8 directly (no \u escapes), compact, keys in insertion order; several
        # times faster than the json module's ensure_ascii=False path plus an encode. Dates
        # (`_date`) as RFC 3339.
        return orjson.dumps(doc, option=_DATES)

    def add_root_fields(self, document: dict[str, Any], feed: Feed) -> None:
        """Top-level keys after `language` (before `items`): the extensions'."""
        for hook in self._root_hooks:
            hook(document, feed)

    def add_item_fields(self, item: dict[str, Any], entry: Entry, feed: Feed) -> None:
        """The item's JSON Feed 1.1 keys, then the extensions'."""
        item["id"] = entry.id
        item["url"] = entry.link
        item["title"] = entry.title
        item["content_html"] = entry.content_html
        if entry.summary:
            item["summary"] = entry.summary
        if entry.image is not None:
            item["image"] = entry.image.url
        item["date_published"] = _date(entry.published)
        item["date_modified"] = _date(entry.updated)
        item["authors"] = [
            {"name": a.name, "url": a.uri} if a.uri else {"name": a.name} for a in entry.authors
        ]
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
        for hook in self._item_hooks:
            hook(item, entry, feed)
