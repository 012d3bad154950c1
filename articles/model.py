"""The article record and its parts.

Every value here is immutable and already validated: `articles.formats` is the only way raw input
becomes an `Article`, and everything downstream (store, feed model, writers) can trust it.
Datetimes are always time-zone aware, with an offset of whole minutes (articles.dates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from articles.dates import whole_minute_offset

Status = Literal["published", "draft", "withheld"]
STATUSES: tuple[Status, ...] = ("published", "draft", "withheld")


@dataclass(frozen=True, slots=True)
class Section:
    """Where the article sits on the site: `asia` shown as `아시아`."""

    slug: str
    label: str


@dataclass(frozen=True, slots=True)
class Tag:
    slug: str
    label: str


@dataclass(frozen=True, slots=True)
class Author:
    """A byline. `slug` names the author's feed; it is derived from the name when absent."""

    name: str
    slug: str
    uri: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Image:
    """The lead image: its URL, alt text for screen readers and the caption printed under it."""

    url: str
    alt: str = ""
    caption: str = ""
    width: int | None = None
    height: int | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Media:
    """An attachment a reader can download: audio, video, a PDF. `length` is in bytes."""

    url: str
    length: int
    type: str
    duration: int | None = None  # seconds
    title: str = ""


EpisodeType = Literal["full", "trailer", "bonus"]
EPISODE_TYPES: tuple[EpisodeType, ...] = ("full", "trailer", "bonus")
# The media types of an episode's enclosure: what podcast apps play.
EPISODE_MEDIA_PREFIXES: tuple[str, ...] = ("audio/", "video/")


def is_episode_media(media: Media) -> bool:
    """Whether an attachment is something a podcast app plays (an audio or video type)."""
    return media.type.lower().startswith(EPISODE_MEDIA_PREFIXES)


def primary_first(media: tuple[Media, ...]) -> tuple[Media, ...]:
    """The media as feeds list them: the item's primary medium first (its first audio or
    video, else its first medium), then the others in the record's order.

    RSS allows one `<enclosure>` per item, and podcast apps and readers take the first
    enclosure (podcastparser and feedparser list them in document order; Apple reads one) as
    the item's media file, in Atom and JSON Feed too: so the primary is first everywhere, and
    a PDF of show notes listed before the audio is never taken for the episode's file.
    """
    index = next((i for i, m in enumerate(media) if is_episode_media(m)), 0)
    if index == 0:
        return media
    return (media[index], *media[:index], *media[index + 1 :])


@dataclass(frozen=True, slots=True)
class Episode:
    """What a podcast episode says beyond its article (Apple's and Podcasting 2.0's terms).

    All optional. `season` and `number` are whole numbers from 1 (`itunes:season`,
    `itunes:episode`); `type` is Apple's `itunes:episodeType`; `explicit` None means "as the
    show says". `transcript_url` with its MIME `transcript_type` (`text/vtt`,
    `application/x-subrip`, `application/json`, `text/html`...) and `chapters_url` (JSON
    chapters, `application/json+chapters`) are Podcasting 2.0's `podcast:transcript` and
    `podcast:chapters`.
    """

    season: int | None = None
    number: int | None = None
    type: EpisodeType = "full"
    explicit: bool | None = None
    transcript_url: str | None = None
    transcript_type: str | None = None
    chapters_url: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A related link shown under the article (`관련`)."""

    url: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """The credit line (`출처:AA`): the agency or outlet the story came from."""

    name: str
    slug: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Translation:
    """Another language version of the same story: the `id` of that article in this store.

    `language` is what the record says it is (BCP 47), for people reading the record; links
    use the other article's own language. A version that is not stored, or not visible, is
    never linked.
    """

    id: str
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as the newsroom publishes it.

    `id` is the newsroom's own stable identifier and never changes. `guid` is the public entry
    id of every feed (a `tag:` URI); it is minted once when the article is first stored and kept
    from then on, so a new headline, URL, section or site authority never changes it.
    `url` is the external canonical URL, or None when the article lives only on this site
    (then the app serves an article page for it). `embargoed` is set when the newsroom held
    the story until a time (an embargo): then `published` is that time, and it may be in the
    future when the story is stored; a future `published` without it is refused as a typo.
    """

    id: str
    slug: str
    title: str
    published: datetime
    updated: datetime
    language: str
    status: Status = "published"
    guid: str | None = None
    url: str | None = None
    summary: str = ""
    body_html: str = ""
    section: Section | None = None
    tags: tuple[Tag, ...] = ()
    authors: tuple[Author, ...] = ()
    image: Image | None = None
    related: tuple[Link, ...] = ()
    source: Source | None = None
    media: tuple[Media, ...] = ()
    rights: str | None = None
    reading_time: int = 1  # minutes, computed from the body when the record has none
    translations: tuple[Translation, ...] = ()  # the story in other languages
    embargoed: datetime | None = None
    episode: Episode | None = None
    # The parts (`section`, `source`) whose slug the record left to be derived from the label:
    # the store's slug registry gives those, so different labels never share a feed. Not part
    # of the record (never written in its document) nor of its equality.
    derived_slugs: frozenset[str] = field(
        default=frozenset(), compare=False, repr=False, metadata={"record": False}
    )

    @property
    def episode_media(self) -> tuple[Media, ...]:
        """The attachments a podcast app plays (audio or video), in record order."""
        return tuple(m for m in self.media if is_episode_media(m))

    def with_guid(self, guid: str) -> Article:
        return replace(self, guid=guid)

    def is_visible_at(self, now: datetime) -> bool:
        """Whether readers may see it: published status and a publish time not in the future."""
        return self.status == "published" and self.published <= now


# How readers see an article at a moment: in the feeds (`live`), published with its time
# still to come (`embargoed`), or out of them by its status.
State = Literal["live", "embargoed", "draft", "withheld"]


def state_of(article: Article, now: datetime) -> State:
    """The article's `State` at `now` (aware): the API's `state` and the CLI list's column."""
    if article.status != "published":
        return article.status
    return "live" if article.published <= now else "embargoed"


def article_fields(article: Article) -> dict[str, Any]:
    """The record's fields in our JSON format's order, its parts still as dataclasses.

    orjson writes a slotted dataclass as the object of its fields, so `orjson.dumps` of this is
    the JSON of `article_to_dict` without building the part dictionaries (the store's fast path).
    """
    return {
        "id": article.id,
        "guid": article.guid,
        "slug": article.slug,
        "url": article.url,
        "title": article.title,
        "summary": article.summary,
        "body_html": article.body_html,
        "published": article.published.isoformat(),
        "updated": article.updated.isoformat(),
        "language": article.language,
        "status": article.status,
        "section": article.section,
        "tags": article.tags,
        "authors": article.authors,
        "image": article.image,
        "related": article.related,
        "source": article.source,
        "media": article.media,
        "rights": article.rights,
        "reading_time": article.reading_time,
        "translations": article.translations,
        "embargoed": article.embargoed.isoformat() if article.embargoed else None,
        "episode": article.episode,
    }


_SINGLE_PARTS = ("section", "image", "source", "episode")
_LIST_PARTS = ("tags", "authors", "related", "media", "translations")


def article_to_dict(article: Article) -> dict[str, Any]:
    """The article in our JSON record format (the one `articles import` reads back unchanged)."""
    data = article_fields(article)
    for key in _SINGLE_PARTS:
        data[key] = _plain(data[key])
    for key in _LIST_PARTS:
        data[key] = [_plain(part) for part in data[key]]
    return data


def article_from_dict(data: Mapping[str, Any]) -> Article:
    """Rebuild an Article from `article_to_dict` output that this program wrote itself.

    No validation happens here: this is the store's trusted, fast path. Untrusted input goes
    through `articles.formats`.
    """
    section = data.get("section")
    image = data.get("image")
    source = data.get("source")
    return Article(
        id=data["id"],
        guid=data.get("guid"),
        slug=data["slug"],
        url=data.get("url"),
        title=data["title"],
        summary=data.get("summary", ""),
        body_html=data.get("body_html", ""),
        # whole_minute_offset: rows stored before that rule may hold offsets such as +08:27:52.
        published=whole_minute_offset(datetime.fromisoformat(data["published"])),
        updated=whole_minute_offset(datetime.fromisoformat(data["updated"])),
        language=data["language"],
        status=data.get("status", "published"),
        section=Section(**section) if section else None,
        tags=tuple(Tag(**t) for t in data.get("tags", ())),
        authors=tuple(Author(**a) for a in data.get("authors", ())),
        image=Image(**image) if image else None,
        related=tuple(Link(**link) for link in data.get("related", ())),
        source=Source(**source) if source else None,
        media=tuple(Media(**m) for m in data.get("media", ())),
        rights=data.get("rights"),
        reading_time=data.get("reading_time", 1),
        translations=tuple(Translation(**t) for t in data.get("translations", ())),
        embargoed=datetime.fromisoformat(embargo) if (embargo := data.get("embargoed")) else None,
        episode=Episode(**episode) if (episode := data.get("episode")) else None,
    )


def _plain(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return {name: getattr(value, name) for name in value.__slots__}
