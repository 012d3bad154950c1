"""Podcast shows: their settings (`[podcasts.<slug>]` tables of the TOML file), checked at
start-up, and Apple Podcasts' category list as data.

A show is a feed document of its own kind (`Facet("podcast", slug)`, served at
`/feeds/podcast/<slug>.rss`, `.atom` and `.json`): the published articles of its section,
its tag, or both, that have audio or video media (`articles.store.Episodes`). What the feed
says about the show (title, owner, artwork, categories, explicit, type, copyright, locked)
is written by `feeds.writers.podcast`. Standards followed: Apple Podcasts' RSS requirements
and category list (2019 revision, as Apple's Podcasts Connect help lists it) and the
Podcast Index namespace 1.0 (`podcast:guid`, `podcast:locked`, ...). See docs/podcasts.md.
"""

from __future__ import annotations

import difflib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final, Literal, TypeGuard
from urllib.parse import urlsplit

from articles.formats.values import facet_slug
from articles.languages import LanguageError, canonical_language
from articles.model import EPISODE_MEDIA_PREFIXES as EPISODE_TYPES
from articles.model import Article, is_episode_media
from articles.store import Episodes, Facet
from articles.text import slugify
from feeds.feed_types import Feed, Person
from feeds.hygiene import absolute_url, to_uri

ShowType = Literal["episodic", "serial"]
SHOW_TYPES: Final[tuple[ShowType, ...]] = ("episodic", "serial")

# Apple Podcasts' categories and their subcategories (the 2019 list Podcasts Connect uses).
APPLE_CATEGORIES: Final[Mapping[str, tuple[str, ...]]] = {
    "Arts": (
        "Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts",
    ),
    "Business": (
        "Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
        "Home & Garden", "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
        "Sports News", "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality",
    ),
    "Science": (
        "Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
        "Natural Sciences", "Nature", "Physics", "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships",
    ),
    "Sports": (
        "Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
        "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}  # fmt: skip

# Podcasting 2.0 (Podcast Index namespace 1.0): podcast:guid is a UUIDv5 of the feed URL
# without its scheme and trailing slashes, in this namespace.
PODCAST_GUID_NAMESPACE: Final = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

# An e-mail address as itunes:email and podcast:locked carry it: RFC 5322's dot-atom local
# part (`addr-spec` without quoted strings or comments) at a host name of letter-digit-hyphen
# labels (RFC 1123), at least two; all ASCII, as Apple Podcasts and the W3C validator's iTunes
# rules read it (a non-ASCII domain is written in IDNA, `owner_email_address`).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@(?:{_LABEL}\.)+{_LABEL}")
_ARTWORK_TYPES: Final = (".jpg", ".jpeg", ".png")
# Settings written as iTunes tags of bounded length (Apple's; the W3C Feed Validation
# Service's iTunes rules make a longer itunes:author or itunes:name an error).
_TEXT_LIMITS: Final = {"author": 255, "owner_name": 255}

# Every key a `[podcasts.<slug>]` table may hold.
SHOW_KEYS: Final = (
    "title", "description", "section", "tag", "author", "owner_name", "owner_email",
    "artwork_url", "language", "categories", "explicit", "type", "copyright", "locked",
    "require_https", "link", "guid", "episodes_per_feed",
)  # fmt: skip

# Episodes in a show's live document unless it sets `episodes_per_feed`: podcast apps read
# the one document they are given (not RFC 5005 pages), so it holds the back catalogue.
EPISODES_PER_FEED: Final = 1000
MAX_EPISODES_PER_FEED: Final = 10_000


class ShowError(ValueError):
    """A show setting that cannot be used; the message names the show and the setting."""


@dataclass(frozen=True, slots=True)
class Category:
    """One of Apple's categories, with one of its subcategories or none."""

    name: str
    subcategory: str | None = None

    def __str__(self) -> str:
        return self.name if self.subcategory is None else f"{self.name}/{self.subcategory}"


@dataclass(frozen=True, slots=True)
class Show:
    """One podcast show, as configured (see docs/podcasts.md for each setting).

    `section` and/or `tag` select its episodes. `artwork_url` is the square show artwork
    (JPEG or PNG, 1400 to 3000 px: Apple's rule, which only the publisher can check);
    `language` a BCP 47 tag; `categories` Apple's, one to three; `type` Apple's
    `itunes:type`; `locked` asks other platforms not to import the show
    (`podcast:locked`); `require_https` refuses episodes whose media is not served over
    https (import and API). `guid` is `podcast:guid` when the show already has one (keep it
    when the feed moves); empty, it is derived from the RSS feed's URL. `link` is the show's
    web page (the site's page of the show when empty). `episodes_per_feed` is how many
    episodes its live documents list (the default `limit` of its pages).
    """

    slug: str
    title: str
    owner_name: str
    owner_email: str
    artwork_url: str
    categories: tuple[Category, ...]
    section: str | None = None
    tag: str | None = None
    description: str = ""
    author: str = ""
    language: str = ""
    explicit: bool = False
    type: ShowType = "episodic"
    copyright: str = ""
    locked: bool = False
    require_https: bool = True
    link: str = ""
    guid: str = ""
    episodes_per_feed: int = EPISODES_PER_FEED

    @property
    def author_name(self) -> str:
        """Who the show is by (`itunes:author`, the feed's author): `author`, else the owner."""
        return self.author or self.owner_name

    @property
    def selection(self) -> Episodes:
        return Episodes(section=self.section, tag=self.tag)

    def needs_https(self, url: str, base_url: str | None) -> bool:
        """Whether a medium at `url` breaks this show's https rule (`require_https`) once
        served: an http: URL where https is due. The one rule of the write check
        (`ShowMediaCheck`) and of the served documents (`show_feed`).

        A site-relative URL (`/audio/ep1.mp3`) is resolved as the feeds resolve it
        (`feeds.hygiene.absolute_url`) against `base_url`, the site's public root: under an
        http: `site_url` it is http:. `base_url` None is a root not known (a write on a site
        without `site_url`, whose documents are served under each request's address): such a
        URL cannot be known to be https, so it breaks the rule.
        """
        if not self.require_https:
            return False
        if url.startswith("/"):
            if not base_url:
                return True
            url = absolute_url(url, base_url)
        return url.lower().startswith("http:")


@lru_cache(maxsize=1024)
def podcast_guid(feed_url: str) -> str:
    """`podcast:guid` of a feed: the UUIDv5 of its URL without the scheme (`https://`) and
    without trailing slashes, in PODCAST_GUID_NAMESPACE (Podcast Index namespace, `guid`)."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def unstable_guid_reason(show: Show) -> str:
    """Why `show` cannot start on a site without `site_url` when it has no `guid`: its
    `podcast:guid` would be derived from the RSS URL of each request (its Host header: the
    same show answers other guids at `127.0.0.1:5333` and `localhost:5333`), and the Podcast
    Index namespace has a show's guid assigned once and never changed."""
    return (
        f"{_table_name(show.slug)}: guid: the show's podcast:guid is derived from its RSS "
        "feed's URL, which without site_url is each request's (its Host), so the guid would "
        "change with the address a client used, and podcast apps and directories take it "
        "as the show's identity for good; set site_url to the site's public URL (e.g. "
        'site_url = "https://news.example.com"), or give the show its guid (a UUID: the '
        "podcast:guid it has published, if it has one)"
    )


def parse_category(value: object, where: str) -> Category:
    """`"News"` or `"News/Daily News"` checked against APPLE_CATEGORIES; ShowError naming the
    nearest valid spelling otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise ShowError(f"{where}: expected text such as 'News/Daily News', got {value!r}")
    name, _, sub = (part.strip() for part in value.partition("/"))
    alone = sub if not name else name if not sub else ""
    parents = [c for c, subs in APPLE_CATEGORIES.items() if alone and alone in subs]
    if parents and alone not in APPLE_CATEGORIES:
        # A subcategory without its category ("Daily News", "/Daily News"): Apple's tag nests
        # it inside its category's itunes:category, so the category is part of the value.
        spelled = " or ".join(repr(f"{parent}/{alone}") for parent in parents)
        raise ShowError(
            f"{where}: {value.strip()!r} is a subcategory of {parents[0]!r}, which Apple "
            f"Podcasts files it under; give it with its category: {spelled}"
        )
    if name not in APPLE_CATEGORIES:
        hint = difflib.get_close_matches(name, APPLE_CATEGORIES, n=1)
        advice = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ShowError(
            f"{where}: {name!r} is not one of Apple Podcasts' categories{advice}; "
            f"they are: {', '.join(APPLE_CATEGORIES)}"
        )
    if not sub:
        return Category(name)
    subs = APPLE_CATEGORIES[name]
    if sub not in subs:
        hint = difflib.get_close_matches(sub, subs, n=1)
        advice = f" (did you mean {name + '/' + hint[0]!r}?)" if hint else ""
        listed = ", ".join(subs) if subs else "none"
        raise ShowError(
            f"{where}: {sub!r} is not a subcategory of {name!r}{advice}; its subcategories: "
            f"{listed}"
        )
    return Category(name, sub)


def _check_categories_once(categories: tuple[Category, ...], where: str) -> None:
    """Each category once: a repeat would be written as a second, identical itunes:category,
    and a category beside one of its own subcategories (`News` with `News/Daily News`) as
    `News` twice, since the subcategory's element is nested in its parent's (Apple's form).
    Refused rather than dropped: Apple Podcasts reads the first category, so which one stays
    first is the publisher's choice."""
    for i, category in enumerate(categories):
        for j, other in enumerate(categories[:i]):
            if other == category:
                raise ShowError(
                    f"{where}: categories[{i}]: {str(category)!r} is listed already "
                    f"(categories[{j}]); list each category once"
                )
        if category.subcategory is not None:
            continue
        for j, other in enumerate(categories):
            if other.name == category.name and other.subcategory is not None:
                raise ShowError(
                    f"{where}: categories[{i}]: {category.name!r} is named already by "
                    f"{str(other)!r} (categories[{j}]): a subcategory is written inside its "
                    f"category's itunes:category, so {category.name!r} would be written twice; "
                    f"drop {category.name!r}, or keep it and drop {str(other)!r}"
                )


def parse_shows(raw: object, source: str) -> tuple[Show, ...]:
    """The `[podcasts]` table (`{slug: {setting: value}}`) as Shows, in slug order.

    Raises ShowError naming `source`, the show and the setting for anything that cannot be
    used: an unknown key, a missing title/owner/artwork/category, a category not on Apple's
    list, an explicit flag that is not true/false, a type other than episodic or serial...
    """
    if not isinstance(raw, Mapping):
        raise ShowError(f"{source}: podcasts: expected a table of shows ([podcasts.<slug>])")
    shows = []
    for slug, table in sorted(raw.items()):
        name = _table_name(slug) if isinstance(slug, str) else f"podcasts.{slug!r}"
        shows.append(_parse_show(slug, table, f"{source}: {name}"))
    return tuple(shows)


def is_feed_slug(value: object) -> TypeGuard[str]:
    """Whether `value` is, as written, the slug of a feed: the rule of every facet's slug
    (`articles.formats.values.facet_slug`: lower-case a-z, 0-9, '-', '_', at most 100
    characters, a letter or digit at each end), which the feed URLs take
    (`feeds.query.is_feed_name` accepts every one). A show's slug and the section and tag it
    selects are such slugs: anything else (`news.daily`, whose '.' reads as the format's
    extension) would configure a show whose feeds no URL reaches, or a selection no record
    can be in."""
    return isinstance(value, str) and facet_slug(value) == value


def _table_name(slug: str) -> str:
    """`podcasts.<slug>` as the TOML file writes it (quoted when not a bare key)."""
    bare = re.fullmatch(r"[A-Za-z0-9_-]+", slug) is not None
    return f"podcasts.{slug}" if bare else f"podcasts.{json.dumps(slug, ensure_ascii=False)}"


def _parse_show(slug: object, table: object, where: str) -> Show:
    if not is_feed_slug(slug):
        suggestion = slugify(slug) if isinstance(slug, str) else ""
        advice = f", e.g. [podcasts.{suggestion}]" if suggestion else ""
        raise ShowError(
            f"{where}: the show's slug names its feeds (/feeds/podcast/<slug>.rss, .atom, "
            "and .json) and its page, so it must be a feed slug: lower-case a-z, 0-9, '-' "
            "and '_' (no '.': it would read as the format's extension), at most 100 "
            f"characters, a letter or digit first and last; rename the table{advice}"
        )
    if not isinstance(table, Mapping):
        raise ShowError(f"{where}: expected a table of settings")
    for key in table:
        if key not in SHOW_KEYS:
            hint = difflib.get_close_matches(str(key), SHOW_KEYS, n=1)
            advice = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ShowError(f"{where}: unknown setting {key!r}{advice}")

    def text(key: str, *, required: bool = False) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            raise ShowError(f"{where}: {key}: expected text, got {value!r}")
        value = value.strip()
        if required and not value:
            raise ShowError(f"{where}: {key}: required (Apple Podcasts needs it)")
        limit = _TEXT_LIMITS.get(key)
        if limit is not None and len(value) > limit:
            raise ShowError(
                f"{where}: {key}: {len(value):,} characters; the iTunes tag it is written as "
                f"takes at most {limit} (shorten it, e.g. {value[:40]!r}...)"
            )
        return value

    def flag(key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise ShowError(f"{where}: {key}: expected true or false, got {value!r}")
        return value

    def url(key: str, *, required: bool = False) -> str:
        """An absolute http(s) URL, as a URI: an IRI (`아트 워크.png`) percent-encoded as
        RFC 3987 section 3.1 maps it, since every format writes it where a URI belongs."""
        value = text(key, required=required)
        if value:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ShowError(f"{where}: {key}: expected an absolute http(s) URL, got {value!r}")
            value = to_uri(value)
        return value

    section, tag = text("section") or None, text("tag") or None
    if section is None and tag is None:
        raise ShowError(
            f'{where}: give the articles the show takes: section = "...", tag = "...", or both'
        )
    for key, value in (("section", section), ("tag", tag)):
        if value is not None and not is_feed_slug(value):
            # A label (`오디오`, `Morning News`) is named by its slug in URLs: say which.
            slug = slugify(value)
            raise ShowError(
                f"{where}: {key}: expected a slug such as 'briefing', got {value!r}; the "
                f"{key} {value!r} has the slug {slug!r} (or {slug + '-2'!r}, ... when another "
                f"label took it first: see its feed URL, /feeds/{key}/{slug}.rss)"
            )
    owner_email = owner_email_address(text("owner_email", required=True), where)
    artwork = url("artwork_url", required=True)
    if not urlsplit(artwork).path.lower().endswith(_ARTWORK_TYPES):
        raise ShowError(
            f"{where}: artwork_url: Apple Podcasts takes JPEG or PNG artwork; the URL must end "
            f"in .jpg, .jpeg or .png, got {artwork!r}"
        )
    require_https = flag("require_https", True)
    for key in ("artwork_url", "link"):
        value = text(key)
        if require_https and value.lower().startswith("http:"):
            raise ShowError(
                f"{where}: {key}: the show requires https (require_https = true), got {value!r}"
            )
    language = text("language")
    if language:
        try:
            language = canonical_language(language)
        except LanguageError as exc:
            raise ShowError(f"{where}: language: {exc}") from None
    raw_categories = table.get("categories")
    if isinstance(raw_categories, str):
        raw_categories = [raw_categories]
    if not isinstance(raw_categories, list) or not raw_categories:
        raise ShowError(
            f"{where}: categories: required, one to three of Apple's, e.g. ['News/Daily News']"
        )
    if len(raw_categories) > 3:
        raise ShowError(f"{where}: categories: Apple Podcasts takes at most three")
    categories = tuple(
        parse_category(value, f"{where}: categories[{i}]") for i, value in enumerate(raw_categories)
    )
    _check_categories_once(categories, where)
    show_type = table.get("type", "episodic")
    if show_type not in SHOW_TYPES:
        raise ShowError(f"{where}: type: expected episodic or serial, got {show_type!r}")
    per_feed = table.get("episodes_per_feed", EPISODES_PER_FEED)
    if isinstance(per_feed, bool) or not isinstance(per_feed, int):
        raise ShowError(f"{where}: episodes_per_feed: expected a whole number, got {per_feed!r}")
    if not 1 <= per_feed <= MAX_EPISODES_PER_FEED:
        raise ShowError(
            f"{where}: episodes_per_feed: must be 1 to {MAX_EPISODES_PER_FEED:,}, got {per_feed}"
        )
    guid = text("guid")
    if guid:
        try:
            guid = str(uuid.UUID(guid))
        except ValueError:
            raise ShowError(f"{where}: guid: expected a UUID, got {guid!r}") from None
    return Show(
        slug=slug,
        title=text("title", required=True),
        description=text("description"),
        section=section,
        tag=tag,
        author=text("author"),
        owner_name=text("owner_name", required=True),
        owner_email=owner_email,
        artwork_url=artwork,
        language=language,
        categories=categories,
        explicit=flag("explicit", False),
        type=show_type,
        copyright=text("copyright"),
        locked=flag("locked", False),
        require_https=require_https,
        link=url("link"),
        guid=guid,
        episodes_per_feed=per_feed,
    )


def owner_email_address(value: str, where: str) -> str:
    """The show's `owner_email` as written in its feeds (`_EMAIL`): a non-ASCII domain in
    IDNA (`audio@뉴스.example` -> `audio@xn--...`); ShowError naming the setting otherwise,
    where any text with an `@` and a dot was taken and written (`오디오@뉴스.example`,
    `"desk"@x.example`, `audio@news_desk.example`: "Invalid email address" from the W3C
    validator, and no address Apple Podcasts can reach the owner at)."""
    given = value
    local, at, domain = value.rpartition("@")
    if at and local and domain and not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            pass  # refused below, as written
        else:
            value = f"{local}@{domain}"
    if _EMAIL.fullmatch(value) is None:
        ascii_only = "" if value.isascii() else "; Apple Podcasts takes ASCII addresses only"
        raise ShowError(
            f"{where}: owner_email: {given!r} is not an e-mail address such as "
            f"'audio@news.example.com' (letters, digits and !#$%&'*+/=?^_`{{|}}~- in dot-"
            f"separated parts before the @, a host name after it){ascii_only}"
        )
    return value


def show_selections(shows: tuple[Show, ...]) -> dict[str, tuple[Episodes, str]]:
    """What `Store.configure_shows` takes: `{slug: (selection, title)}`."""
    return {show.slug: (show.selection, show.title) for show in shows}


def find_show(shows: tuple[Show, ...], slug: str) -> Show | None:
    return next((show for show in shows if show.slug == slug), None)


@dataclass(frozen=True, slots=True)
class ShowMediaCheck:
    """The write check of the shows' media rules (`ArticleService(checks=[...])`).

    For an article that is an episode of a show requiring https (`require_https`, the
    default), every audio or video medium must be served over https: `Show.needs_https`,
    the rule the show's documents apply, with a site-relative URL resolved against
    `site_url` as they resolve it (without `site_url` the address it is served under is not
    known, so it is refused too). Nothing this accepts is then left out of the show. Returns
    (field, reason) pairs, as `articles.service.ArticleCheck` says. Picklable (import
    workers run it).
    """

    shows: tuple[Show, ...]
    site_url: str = ""

    def __call__(self, article: Article) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        strict = [s for s in self.shows if s.require_https and s.selection.takes(article)]
        if not strict:
            return problems
        base = self.site_url or None
        for i, medium in enumerate(article.media):
            if not is_episode_media(medium):
                continue
            show = next((s for s in strict if s.needs_https(medium.url, base)), None)
            if show is None:
                continue
            given = medium.url[:80]
            if not medium.url.startswith("/"):
                advice = f"give the https URL of {given!r}"
            elif base is None:
                advice = (
                    f"the site-relative {given!r} is served under each request's address, "
                    "which may be http: (no site_url is set); give the file's absolute https "
                    "URL, or set site_url to the site's https address"
                )
            else:
                advice = (
                    f"the site-relative {given!r} is served as {absolute_url(given, base)!r} "
                    f"(site_url is {base!r}); give the file's absolute https URL, or set "
                    "site_url to the site's https address"
                )
            problems.append(
                (
                    f"media[{i}].url",
                    f"the show {show.slug!r} requires https media (Apple Podcasts and "
                    f"browsers block mixed content); {advice}",
                )
            )
        return problems


def show_feed(feed: Feed, show: Show, base_url: str, *, month: str | None = None) -> Feed:
    """A show's feed from the feed `feeds.model.build_feed` made of its episodes' articles.

    The show's title (with the archive month), description, language, author, artwork,
    copyright and page; each entry keeps only its audio and video enclosures, and in a show
    requiring https (`Show.needs_https`) only those served over https (entries left without
    any are left out: not an episode of this show), its episode's transcript and chapters
    URLs made absolute under `base_url`.

    The https rule is checked when a record is written (`ShowMediaCheck`, at import and by the
    API), by the same `Show.needs_https` (the enclosures' URLs here are resolved already,
    against the same root), but an episode can be stored without it: imported by a process
    that did not load the show's settings, stored before the show was configured or before
    `site_url` became an http: address. The show never serves one.
    """
    entries = []
    for entry in feed.entries:
        media = tuple(
            e
            for e in entry.enclosures
            if e.type.lower().startswith(EPISODE_TYPES) and not show.needs_https(e.url, base_url)
        )
        if not media:
            continue
        episode = entry.episode
        if episode is not None:
            transcript = (
                to_uri(episode.transcript_url, base_url) if episode.transcript_url else None
            )
            chapters = to_uri(episode.chapters_url, base_url) if episode.chapters_url else None
            if (transcript, chapters) != (episode.transcript_url, episode.chapters_url):
                episode = replace(episode, transcript_url=transcript, chapters_url=chapters)
        # Most episodes need no change (only audio, absolute URLs): keep the entry itself.
        if media != entry.enclosures or episode is not entry.episode:
            entry = replace(entry, enclosures=media, episode=episode)
        entries.append(entry)
    title = show.title if month is None else f"{show.title} ({month})"
    links = replace(feed.links, html=show.link) if show.link else feed.links
    return replace(
        feed,
        title=title,
        subtitle=show.description,
        subtitle_language="",
        language=show.language or feed.language,
        author=Person(show.author_name),
        logo=show.artwork_url,
        rights=show.copyright or feed.rights,
        links=links,
        entries=tuple(entries),
    )


def with_shows(affected: Iterable[Facet], shows: tuple[Show, ...]) -> set[Facet]:
    """`affected` plus the shows whose documents may have changed with it (for WebSub).

    A change reaches a show when it touched every feed its selection names (its section's and
    its tag's): the store reports the feeds of the changed record, which include those of an
    episode leaving or joining the show. A text article in the show's section pings it too,
    harmlessly: hubs fetch the topic and find it unchanged.
    """
    found = set(affected)
    for show in shows:
        if show.selection.facets() <= found:
            found.add(Facet("podcast", show.slug))
    return found
