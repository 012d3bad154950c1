"""RFC 6721 tombstones: `at:deleted-entry` in Atom feeds, as a writer extension.

Each `Feed.deleted` entry becomes `<at:deleted-entry ref="<its atom:id>" when="<RFC 3339>">`
with an `at:comment` (RFC 6721 section 2), a child of `atom:feed` before the entries;
aggregators that know the namespace remove their copy of the entry. The Atom schema (RFC 4287)
allows foreign elements there. The namespace is declared on the root only in documents that
carry a tombstone: the W3C Feed Validation Service predates RFC 6721 and warns about any
namespace it does not know, so every other document keeps its "No errors or warnings".

RSS 2.0 and JSON Feed have no standard way to say an item was deleted, and an invented one
would be read by no one, so they carry nothing: a deleted or withdrawn item simply leaves
them (readers keep what they fetched, as with any item that drops off a feed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final

from lxml.etree import SubElement, cleanup_namespaces

from feeds.feed_types import Feed
from feeds.writers.base import FeedExtension
from feeds.writers.dates import rfc3339

TOMBSTONES_NS: Final = "http://purl.org/atompub/tombstones/1.0"
DELETED_ENTRY: Final = f"{{{TOMBSTONES_NS}}}deleted-entry"
COMMENT: Final = f"{{{TOMBSTONES_NS}}}comment"
REMOVED_COMMENT: Final = "This entry was removed from this feed by the publisher."
_NSMAP: Final[Mapping[str, str]] = {"at": TOMBSTONES_NS}


class Tombstones(FeedExtension):
    """`at:deleted-entry` for every `Feed.deleted` entry (Atom only)."""

    formats: ClassVar[frozenset[str]] = frozenset({"atom"})

    def add_root_elements(self, parent: Any, feed: Feed, fmt: str) -> None:
        if not feed.deleted:
            return
        for deleted in feed.deleted:
            element = SubElement(
                parent,
                DELETED_ENTRY,
                {"ref": deleted.ref, "when": rfc3339(deleted.when)},
                nsmap=_NSMAP,
            )
            SubElement(element, COMMENT).text = REMOVED_COMMENT
        # One declaration on the root instead of one per element; the root's own stay.
        cleanup_namespaces(
            parent, top_nsmap=_NSMAP, keep_ns_prefixes=[p for p in parent.nsmap if p]
        )
