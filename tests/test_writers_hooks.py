"""The writers' hooks: an extension (or a writer subclass) adds a namespace, feed-level and
entry-level elements in every format, and the documents stay valid."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import feedparser
import pytest
from lxml import etree
from lxml.etree import SubElement

from feeds.feed_types import Entry, Feed
from feeds.writers import DEFAULT_EXTENSIONS, FeedExtension, render, writer
from feeds.writers.dates import rfc3339
from feeds.writers.rss import RssWriter
from tests.fixtures.feeds import BASE_URL, edge_articles, make_feed, make_links, seed_article
from tests.fixtures.schemas import ATOM_SCHEMA, JSON_FEED

AT = "http://purl.org/atompub/tombstones/1.0"
EX = "https://example.org/ns/review"
GONE = "tag:feeds.example.org,2025:article/withdrawn"
GONE_AT = datetime(2025, 7, 31, 8, 0, tzinfo=UTC)


class Tombstones(FeedExtension):
    """What an RFC 6721 extension looks like: `at:deleted-entry` at feed level, plus an entry
    element and attribute of a second namespace."""

    def namespaces(self, fmt: str) -> Mapping[str, str]:
        return {"at": AT, "ex": EX}

    def add_root_elements(self, parent: Any, feed: Feed, fmt: str) -> None:
        SubElement(parent, f"{{{AT}}}deleted-entry", {"ref": GONE, "when": rfc3339(GONE_AT)})

    def item_attributes(self, entry: Entry, feed: Feed, fmt: str) -> Mapping[str, str]:
        return {f"{{{EX}}}checked": "true"} if fmt == "atom" else {}

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed, fmt: str) -> None:
        SubElement(item, f"{{{EX}}}reviewer").text = f"desk for {entry.article_id}"

    def add_root_fields(self, document: dict[str, Any], feed: Feed) -> None:
        document["_tombstones"] = {"about": AT, "deleted": [{"ref": GONE}]}

    def add_item_fields(self, item: dict[str, Any], entry: Entry, feed: Feed) -> None:
        item["_review"] = {"about": EX, "reviewer": f"desk for {entry.article_id}"}


FEED = make_feed(links=make_links(paging=True, stylesheet=f"{BASE_URL}/static/feed.xsl"))
ENTRIES = len(FEED.entries)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_an_extension_adds_a_namespace_a_feed_element_and_entry_elements(fmt: str) -> None:
    document = render(FEED, fmt, extensions=[Tombstones()])
    root = etree.fromstring(document)
    assert root.nsmap["at"] == AT and root.nsmap["ex"] == EX  # declared once, on the root
    assert document.count(f'xmlns:at="{AT}"'.encode()) == 1
    assert b"ns0:" not in document
    parent = root if fmt == "atom" else root.find("channel")
    [deleted] = parent.findall(f"{{{AT}}}deleted-entry")
    assert (deleted.get("ref"), deleted.get("when")) == (GONE, "2025-07-31T08:00:00Z")
    items = parent.findall("{http://www.w3.org/2005/Atom}entry" if fmt == "atom" else "item")
    assert len(items) == ENTRIES
    assert [i.findtext(f"{{{EX}}}reviewer") for i in items] == [
        f"desk for {e.article_id}" for e in FEED.entries
    ]
    parsed = feedparser.parse(document)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == ENTRIES
    if fmt == "atom":
        ATOM_SCHEMA.assertValid(root)
        assert {i.get(f"{{{EX}}}checked") for i in items} == {"true"}


def test_an_extension_adds_feed_and_item_fields_to_json_feed() -> None:
    doc = json.loads(render(FEED, "json", extensions=[Tombstones()]))
    assert list(JSON_FEED.iter_errors(doc)) == []
    assert doc["_tombstones"]["deleted"] == [{"ref": GONE}]
    assert list(doc)[-1] == "items"
    assert [i["_review"]["reviewer"] for i in doc["items"]] == [
        f"desk for {e.article_id}" for e in FEED.entries
    ]


class ReviewedRss(RssWriter):
    """The other way in, as with Django's feed classes: a writer subclass."""

    NAMESPACES: ClassVar[Mapping[str, str]] = {"ex": EX}

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed) -> None:
        super().add_item_elements(item, entry, feed)
        SubElement(item, f"{{{EX}}}reviewer").text = "subclass"


def test_a_writer_subclass_adds_elements_after_the_writers_and_extensions() -> None:
    document = ReviewedRss(DEFAULT_EXTENSIONS).render(make_feed([seed_article()]))
    item = etree.fromstring(document).find("channel/item")
    assert item[-1].tag == f"{{{EX}}}reviewer" and item[-1].text == "subclass"
    assert item.find("{http://search.yahoo.com/mrss/}thumbnail") is not None  # extensions ran
    assert feedparser.parse(document).bozo == 0


def test_an_extension_only_takes_part_in_the_formats_it_names() -> None:
    class AtomOnly(Tombstones):
        formats: ClassVar[frozenset[str]] = frozenset({"atom"})

    rss = render(FEED, "rss", extensions=[AtomOnly()])
    assert AT.encode() not in rss
    assert AT.encode() in render(FEED, "atom", extensions=[AtomOnly()])
    assert "_tombstones" not in json.loads(render(FEED, "json", extensions=[AtomOnly()]))


def test_two_meanings_for_one_prefix_are_refused_when_the_writer_is_made() -> None:
    class OtherDc(FeedExtension):
        def namespaces(self, fmt: str) -> Mapping[str, str]:
            return {"dc": "https://example.org/not-dublin-core"}

    with pytest.raises(ValueError, match="OtherDc: namespace prefix 'dc' is already declared"):
        writer("rss", (*DEFAULT_EXTENSIONS, OtherDc()))

    class OtherAtom(FeedExtension):
        def namespaces(self, fmt: str) -> Mapping[str, str]:
            return {"atom": "https://example.org/not-atom"}

    with pytest.raises(ValueError, match="prefix 'atom'"):
        writer("rss", [OtherAtom()])


class Nothing(FeedExtension):
    pass


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_optional_parts_are_extensions_a_writer_can_do_without(fmt: str) -> None:
    full = render(FEED, fmt)
    core = writer(fmt, [Nothing()]).render(FEED)
    for namespace in (b"http://search.yahoo.com/mrss/", b"/syndication/history/1.0"):
        assert namespace in full and namespace not in core
    assert b"xml-stylesheet" in full and b"xml-stylesheet" not in core
    assert b'rel="hub"' in full and b'rel="hub"' not in core
    assert feedparser.parse(core).bozo == 0
    if fmt == "atom":
        ATOM_SCHEMA.assertValid(etree.fromstring(core))


def test_json_feed_without_extensions_has_no_hubs_or_source() -> None:
    feed = make_feed(edge_articles()[:1])
    full = json.loads(render(feed, "json"))
    core = json.loads(writer("json", ()).render(feed))
    assert "hubs" in full and "hubs" not in core
    assert "_source" in full["items"][0] and "_source" not in core["items"][0]
    assert list(JSON_FEED.iter_errors(core)) == []


def test_processing_instructions_and_root_attributes_hooks() -> None:
    class Marked(FeedExtension):
        formats: ClassVar[frozenset[str]] = frozenset({"atom", "rss"})

        def namespaces(self, fmt: str) -> Mapping[str, str]:
            return {"ex": EX}

        def processing_instructions(self, feed: Feed, fmt: str) -> Iterable[tuple[str, str]]:
            return [("ex-note", "edition=1")]

        def root_attributes(self, feed: Feed, fmt: str) -> Mapping[str, str]:
            return {f"{{{EX}}}edition": "1"}

    for fmt in ("atom", "rss"):
        document = render(make_feed([seed_article()]), fmt, extensions=[Marked()])
        assert b"<?ex-note edition=1?>" in document.split(b"<feed", 1)[0].split(b"<rss", 1)[0]
        assert etree.fromstring(document).get(f"{{{EX}}}edition") == "1"
        assert feedparser.parse(document).bozo == 0
