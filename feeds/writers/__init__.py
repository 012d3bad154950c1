"""Format writers: one Feed in, one document's bytes out.

`render(feed, fmt)` is the only entry point the HTTP layer needs; `MEDIA_TYPES[fmt]` is the
Content-Type to send with it. Atom and RSS are written with feedgen plus the fixes in
`_feedgen_fixes`; JSON Feed 1.1 by our own small writer. Each writer has Django-style hooks
(`feeds.writers.base`); what a document says beyond a format's core is an extension
(`feeds.writers.extensions`), and new ones are passed as `render(feed, fmt, extensions=[...])`.
"""

from __future__ import annotations

from collections.abc import Iterable

from feeds.feed_types import Feed
from feeds.writers.atom import AtomWriter
from feeds.writers.base import FeedExtension, Writer
from feeds.writers.extensions import DEFAULT_EXTENSIONS
from feeds.writers.jsonfeed import JsonFeedWriter
from feeds.writers.rss import RssWriter

FORMATS: tuple[str, ...] = ("atom", "rss", "json")

MEDIA_TYPES: dict[str, str] = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}

WRITER_CLASSES: dict[str, type[Writer]] = {
    "atom": AtomWriter,
    "rss": RssWriter,
    "json": JsonFeedWriter,
}


def writer(fmt: str, extensions: Iterable[FeedExtension] = DEFAULT_EXTENSIONS) -> Writer:
    """A writer of format `fmt` ("atom", "rss" or "json") using exactly `extensions`, in order.

    Errors: ValueError for an unknown format or two extensions claiming one namespace prefix.
    """
    try:
        cls = WRITER_CLASSES[fmt]
    except KeyError:
        raise ValueError(
            f"format: unknown feed format {fmt!r}, expected one of {FORMATS}"
        ) from None
    return cls(extensions)


_DEFAULT_WRITERS: dict[str, Writer] = {fmt: writer(fmt) for fmt in FORMATS}


def render(feed: Feed, fmt: str, *, extensions: Iterable[FeedExtension] = ()) -> bytes:
    """The feed as a document of format `fmt` ("atom", "rss" or "json"), UTF-8 bytes.

    `extensions` are used after `DEFAULT_EXTENSIONS` (a podcast show: `[Podcast()]`).
    Errors: ValueError for an unknown format.
    """
    extra = tuple(extensions)
    if extra:
        return writer(fmt, (*DEFAULT_EXTENSIONS, *extra)).render(feed)
    default = _DEFAULT_WRITERS.get(fmt)
    if default is None:
        return writer(fmt).render(feed)  # raises the ValueError naming the formats
    return default.render(feed)


__all__ = [
    "DEFAULT_EXTENSIONS",
    "FORMATS",
    "MEDIA_TYPES",
    "FeedExtension",
    "Writer",
    "render",
    "writer",
]
