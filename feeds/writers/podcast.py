"""Podcast shows' namespaces as writer extensions: Apple's iTunes tags and Podcasting 2.0.

Both are `FeedExtension`s (`feeds.writers.base`), one instance per show (they hold the show's
settings, never a document's state):

- `ITunes` (RSS and Atom; Apple reads RSS only): channel `itunes:author`, `itunes:owner`
  (`itunes:name`, `itunes:email`), `itunes:image`, `itunes:category` (nested subcategory),
  `itunes:explicit` (true/false), `itunes:type`; item `itunes:duration` (whole seconds),
  `itunes:episode`, `itunes:season`, `itunes:episodeType`, `itunes:explicit` (when the episode
  says), `itunes:image` (the lead image, when JPEG or PNG). Namespace
  `http://www.itunes.com/dtds/podcast-1.0.dtd`, as Apple's requirements spell it.
- `Podcasting20` (RSS): channel `podcast:guid` (a UUIDv5 of the RSS feed's URL without its
  scheme, or the configured one), `podcast:locked` (with the owner's e-mail); item
  `podcast:transcript` (url, type), `podcast:chapters` (url, `application/json+chapters`),
  `podcast:person` per byline (none for an episode without one), `podcast:season`,
  `podcast:episode`, `podcast:alternateEnclosure` (type, length, title, `podcast:source uri`)
  for each audio or video file after the primary one (the `<enclosure>`). Namespace
  `https://podcastindex.org/namespace/1.0` (the Podcast Index namespace, version 1.0).

`render_show(feed, fmt, show)` writes a show's document: the default extensions without
Media RSS (a podcast document carries only the episodes' media as enclosures; podcastparser
counts every `media:content` as one), plus these two. feedgen's own podcast extension is not
used for the writing: it checks categories against Apple's pre-2019 list, refuses
`itunes_explicit('false')`, drops artwork URLs not ending in .jpg/.png silently, and works
on feedgen's objects rather than on our hooks (docs/podcasts.md; bench/podcast_render.py
measures it beside this module).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

from lxml.etree import SubElement

from articles.store import Facet
from feeds.feed_types import Entry, Feed
from feeds.podcasts import Show, podcast_guid
from feeds.urls import feed_path, feed_stem
from feeds.writers import FORMATS, writer
from feeds.writers.base import XML_FORMATS, FeedExtension, Writer, add_markup, xml_attr, xml_text
from feeds.writers.extensions import DEFAULT_EXTENSIONS, MediaRSS

ITUNES_NS: Final = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS: Final = "https://podcastindex.org/namespace/1.0"
CHAPTERS_TYPE: Final = "application/json+chapters"
_IMAGE_SUFFIXES: Final = (".jpg", ".jpeg", ".png")


def _itunes(name: str) -> str:
    return f"{{{ITUNES_NS}}}{name}"


def _podcast(name: str) -> str:
    return f"{{{PODCAST_NS}}}{name}"


@lru_cache(maxsize=4096)
def _jpeg_or_png(url: str) -> bool:
    """Whether the URL's path names a JPEG or PNG file (Apple's `itunes:image` formats)."""
    return urlsplit(url).path.lower().endswith(_IMAGE_SUFFIXES)


def duration_text(seconds: int) -> str:
    """`itunes:duration` as Apple recommends it: whole seconds (`1830`)."""
    return str(int(seconds))


def episode_duration(entry: Entry) -> int | None:
    """The episode's duration in seconds: its first enclosure's (the one RSS carries); None
    when not known, or 0 (no duration: JSON Feed's writer leaves it out too)."""
    return (entry.enclosures[0].duration or None) if entry.enclosures else None


def canonical_rss_url(feed: Feed, show: Show) -> str:
    """The show's live RSS feed URL, whatever page or archive this document is: the public
    root its own `self` link is under, plus the show's RSS path."""
    stem = feed_stem(Facet("podcast", show.slug))
    own = feed.links.for_format("rss").self if "rss" in feed.links.documents else ""
    at = own.find(stem)
    base = own[:at] if at >= 0 else feed.links.html.split("/podcast/", 1)[0]
    return base + feed_path(Facet("podcast", show.slug), "rss")


class ITunes(FeedExtension):
    """Apple Podcasts' tags for one show (see the module docstring)."""

    formats: ClassVar[frozenset[str]] = XML_FORMATS

    def __init__(self, show: Show) -> None:
        self.show = show

    def namespaces(self, fmt: str) -> Mapping[str, str]:
        return {"itunes": ITUNES_NS}

    def add_root_elements(self, parent: Any, feed: Feed, fmt: str) -> None:
        show = self.show
        SubElement(parent, _itunes("author")).text = show.author_name
        owner = SubElement(parent, _itunes("owner"))
        SubElement(owner, _itunes("name")).text = show.owner_name
        SubElement(owner, _itunes("email")).text = show.owner_email
        SubElement(parent, _itunes("image"), {"href": show.artwork_url})
        for category in show.categories:
            element = SubElement(parent, _itunes("category"), {"text": category.name})
            if category.subcategory:
                SubElement(element, _itunes("category"), {"text": category.subcategory})
        SubElement(parent, _itunes("explicit")).text = "true" if show.explicit else "false"
        SubElement(parent, _itunes("type")).text = show.type

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed, fmt: str) -> None:
        parts = []
        duration = episode_duration(entry)
        if duration is not None:
            parts.append(f"<itunes:duration>{duration_text(duration)}</itunes:duration>")
        image = entry.image
        if image is not None and _jpeg_or_png(image.url):
            parts.append(f'<itunes:image href="{xml_attr(image.url)}"/>')
        episode = entry.episode
        if episode is not None:
            if episode.number is not None:
                parts.append(f"<itunes:episode>{xml_text(str(episode.number))}</itunes:episode>")
            if episode.season is not None:
                parts.append(f"<itunes:season>{xml_text(str(episode.season))}</itunes:season>")
            parts.append(f"<itunes:episodeType>{xml_text(episode.type)}</itunes:episodeType>")
            if episode.explicit is not None:
                explicit = "true" if episode.explicit else "false"
                parts.append(f"<itunes:explicit>{explicit}</itunes:explicit>")
        if parts:
            add_markup(item, "".join(parts))


class Podcasting20(FeedExtension):
    """The Podcast Index namespace for one show (see the module docstring)."""

    formats: ClassVar[frozenset[str]] = frozenset({"rss"})

    def __init__(self, show: Show) -> None:
        self.show = show

    def namespaces(self, fmt: str) -> Mapping[str, str]:
        return {"podcast": PODCAST_NS}

    def guid(self, feed: Feed) -> str:
        """The configured guid, else the UUIDv5 of the show's RSS feed URL."""
        return self.show.guid or podcast_guid(canonical_rss_url(feed, self.show))

    def add_root_elements(self, parent: Any, feed: Feed, fmt: str) -> None:
        show = self.show
        SubElement(parent, _podcast("guid")).text = self.guid(feed)
        SubElement(parent, _podcast("locked"), {"owner": show.owner_email}).text = (
            "yes" if show.locked else "no"
        )

    def add_item_elements(self, item: Any, entry: Entry, feed: Feed, fmt: str) -> None:
        parts = []
        episode = entry.episode
        if episode is not None and episode.transcript_url and episode.transcript_type:
            parts.append(
                f'<podcast:transcript url="{xml_attr(episode.transcript_url)}" '
                f'type="{xml_attr(episode.transcript_type)}"/>'
            )
        if episode is not None and episode.chapters_url:
            parts.append(
                f'<podcast:chapters url="{xml_attr(episode.chapters_url)}" type="{CHAPTERS_TYPE}"/>'
            )
        # RSS has one <enclosure> (the primary medium); the episode's other audio and video
        # files, which Atom and JSON Feed list after it, are its alternate enclosures.
        for medium in entry.enclosures[1:]:
            attrs = f'type="{xml_attr(medium.type)}"'
            if medium.length:
                attrs += f' length="{xml_attr(str(medium.length))}"'
            if medium.title:
                attrs += f' title="{xml_attr(medium.title)}"'
            parts.append(
                f"<podcast:alternateEnclosure {attrs}>"
                f'<podcast:source uri="{xml_attr(medium.url)}"/></podcast:alternateEnclosure>'
            )
        # A person of the episode: only a byline. The feed's author that stands in for a
        # missing one is a site or an organisation, not a host or a guest.
        for person in entry.authors if entry.bylined else ():
            href = f' href="{xml_attr(person.uri)}"' if person.uri else ""
            parts.append(f"<podcast:person{href}>{xml_text(person.name)}</podcast:person>")
        if episode is not None and episode.season is not None:
            parts.append(f"<podcast:season>{xml_text(str(episode.season))}</podcast:season>")
        if episode is not None and episode.number is not None:
            parts.append(f"<podcast:episode>{xml_text(str(episode.number))}</podcast:episode>")
        if parts:
            add_markup(item, "".join(parts))


def show_extensions(show: Show) -> tuple[FeedExtension, ...]:
    """Every extension of a show's documents, in order: the defaults but Media RSS, then
    ITunes and Podcasting20."""
    kept = tuple(e for e in DEFAULT_EXTENSIONS if not isinstance(e, MediaRSS))
    return (*kept, ITunes(show), Podcasting20(show))


@lru_cache(maxsize=256)
def show_writer(show: Show, fmt: str) -> Writer:
    """The writer of `show`'s documents in `fmt` (made once per show and format)."""
    return writer(fmt, show_extensions(show))


def render_show(feed: Feed, fmt: str, show: Show) -> bytes:
    """A show's feed (built by `feeds.podcasts.show_feed`) as a document of format `fmt`
    ("atom", "rss" or "json"); ValueError for another format."""
    if fmt not in FORMATS:
        raise ValueError(f"format: unknown feed format {fmt!r}, expected one of {FORMATS}")
    return show_writer(show, fmt).render(feed)


__all__ = [
    "ITUNES_NS",
    "PODCAST_NS",
    "ITunes",
    "Podcasting20",
    "canonical_rss_url",
    "render_show",
    "show_extensions",
]
