"""Format writers: one Feed in, one document's bytes out.

`render(feed, fmt)` is the only entry point the HTTP layer needs; `MEDIA_TYPES[fmt]` is the
Content-Type to send with it. Atom and RSS are written with feedgen plus the fixes in
`_feedgen_fixes`; JSON Feed 1.1 by our own small writer.
"""

from __future__ import annotations

from collections.abc import Callable

from feeds.model import Feed
from feeds.writers import atom, jsonfeed, rss

FORMATS: tuple[str, ...] = ("atom", "rss", "json")

MEDIA_TYPES: dict[str, str] = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}

_WRITERS: dict[str, Callable[[Feed], bytes]] = {
    "atom": atom.render,
    "rss": rss.render,
    "json": jsonfeed.render,
}


def render(feed: Feed, fmt: str) -> bytes:
    """The feed as a document of format `fmt` ("atom", "rss" or "json"), UTF-8 bytes."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(
            f"format: unknown feed format {fmt!r}, expected one of {FORMATS}"
        ) from None
    return writer(feed)


__all__ = ["FORMATS", "MEDIA_TYPES", "render"]
