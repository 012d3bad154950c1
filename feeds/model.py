"""The format-neutral feed: a Feed of Entries, built once from articles and links.

`build_feed` does every decision that does not depend on the output format: which entries go in
(unique ids, newest first), their canonical links as valid URIs, absolute URLs in the body, the
categories, authors, dates and the feed's own id and `updated`. The writers in `feeds.writers`
only spell the result in Atom, RSS or JSON Feed; they never look at an `Article`.

Every text value here is already free of characters XML 1.0 forbids, so a writer can serialize
whatever it is given.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar, cast, overload
from urllib.parse import quote

from articles.model import Article, Episode, primary_first
from articles.text import clean_text
from feeds.entry_memo import ENTRY_MEMO as ENTRY_MEMO  # re-exported
from feeds.entry_memo import EntryMemo as EntryMemo
from feeds.entry_texts import add_texts, checked_texts, entry_texts
from feeds.hygiene import absolute_html, excerpt, resolve_uri, texts_clean, to_uri
from feeds.hygiene import absolute_url as absolute_url  # re-exported (feeds.pages)

log = logging.getLogger(__name__)

Format = Literal["atom", "rss", "json"]
_Frozen = TypeVar("_Frozen")

# The feed's `updated` when it has no entries: a fixed instant, so an empty feed's bytes (and
# ETag) never change by themselves. Callers may pass their own (`empty_updated=`).
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)


def entry_updated(published: datetime, updated: datetime) -> datetime:
    """The `updated` an entry shows (aware): the record's, but never before its `published`.

    An entry is never "updated" before it was published; a record that says so is read as
    updated at publication, so no format shows an impossible order. (`max`, with one
    comparison: two aware datetimes in distinct zone objects compare through both offsets.)
    The one rule for `build_feed` and for the ETags computed without building (`feeds.etag`).
    """
    return published if published > updated else updated


@overload
def feed_updated(
    entry_times: Iterable[datetime], removal_times: Iterable[datetime], empty: datetime
) -> datetime: ...
@overload
def feed_updated(
    entry_times: Iterable[datetime], removal_times: Iterable[datetime], empty: None
) -> datetime | None: ...
def feed_updated(
    entry_times: Iterable[datetime], removal_times: Iterable[datetime], empty: datetime | None
) -> datetime | None:
    """The `updated` a feed document shows: the newest of its entries' `entry_updated` times
    and its tombstones' times (a removal changes the feed, RFC 6721), else `empty`."""
    return max((*entry_times, *removal_times), default=empty)


@dataclass(frozen=True, slots=True)
class DocumentLinks:
    """The links of one rendered document: itself and its RFC 5005 neighbours (absolute URLs).

    `first`/`next`/`previous`/`last` page a current feed; `current`, `prev_archive` and
    `next_archive` link an archive document to the live feed and the neighbouring archives.
    """

    self: str
    first: str | None = None
    next: str | None = None
    previous: str | None = None
    last: str | None = None
    current: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None

    def paging(self) -> list[tuple[str, str]]:
        """The (IANA relation, URL) pairs that are set, `self` excluded, in a fixed order."""
        pairs = [
            ("first", self.first),
            ("previous", self.previous),
            ("next", self.next),
            ("last", self.last),
            ("current", self.current),
            ("prev-archive", self.prev_archive),
            ("next-archive", self.next_archive),
        ]
        return [(rel, url) for rel, url in pairs if url]


@dataclass(frozen=True)
class FeedLinks:
    """Every URL a feed document points at, built by the HTTP layer from the public base URL.

    `documents` maps each format ("atom", "rss", "json") to that document's own links: each
    format's `self` is the URL of that format. `html` is the page a browser shows for the same
    feed, `hub` the WebSub hub, `stylesheet` an XSL stylesheet for Atom and RSS. `archive` marks
    an immutable RFC 5005 archive document (`fh:archive`); `complete` adds `fh:complete` to an
    archive that holds every entry of its feed (its only month, so it has no neighbours to link).
    """

    html: str
    documents: Mapping[str, DocumentLinks]
    hub: str | None = None
    stylesheet: str | None = None
    archive: bool = False
    complete: bool = False

    def for_format(self, fmt: str) -> DocumentLinks:
        """The links of the `fmt` document; a missing format is a bug in the caller."""
        try:
            return self.documents[fmt]
        except KeyError:
            raise ValueError(f"FeedLinks.documents: no links for format {fmt!r}") from None


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    uri: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Category:
    """A section or tag: `term` is the slug, `label` what readers show, `scheme` its URL space."""

    term: str
    label: str
    scheme: str


@dataclass(frozen=True, slots=True)
class RelatedLink:
    url: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A downloadable attachment; `length` in bytes (0 when unknown, never None). An entry's
    enclosures have its primary medium first (`articles.model.primary_first`)."""

    url: str
    length: int
    type: str
    title: str = ""
    duration: int | None = None


@dataclass(frozen=True, slots=True)
class LeadImage:
    url: str
    alt: str = ""
    caption: str = ""
    width: int | None = None
    height: int | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Alternate:
    """The same story in another language (a translation the store holds, visible now):
    its BCP 47 language and canonical URL."""

    language: str
    url: str


@dataclass(frozen=True, slots=True)
class Credit:
    """The source credit (`출처:AA`); `url` only when the source has one."""

    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed, in the terms all three formats share."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    language: str
    summary: str  # plain text, may be empty
    content_html: str  # full body, absolute URLs, lead image figure first
    excerpt: str  # plain text: the summary, or the body's opening words when it is empty
    authors: tuple[Person, ...]
    categories: tuple[Category, ...] = ()
    related: tuple[RelatedLink, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()
    image: LeadImage | None = None
    source: Credit | None = None
    rights: str | None = None
    reading_time: int = 1
    article_id: str = ""
    alternates: tuple[Alternate, ...] = ()  # other language versions (translations)
    episode: Episode | None = None  # a podcast episode's numbers, type, transcript, chapters
    # Whether `authors` are the record's own byline; False when the record names nobody and
    # `authors` holds the feed's author in its place (formats that need an author get one, but
    # nothing may present it as a person of the story, e.g. podcast:person).
    bylined: bool = True


def _slot_constructor(cls: type[_Frozen]) -> Callable[..., _Frozen]:
    """A constructor of the frozen, slotted dataclass `cls` that stores each field in its slot
    directly: the same object as `cls(...)`, at a sixth of the cost for Entry (0.6 µs against
    3.7: a frozen dataclass's `__init__` sets each of its twenty fields through
    `object.__setattr__`).

    It is a mutable twin of `cls` (the same slots in the same order, no defaults: every field
    is given) whose `__init__` stores the fields and then makes the object a `cls`, which
    Python allows between classes of one layout; the object is as frozen as any other `cls`.
    Errors: TypeError (at import) if the twin's layout is not `cls`'s.
    """

    def become(self: Any) -> None:
        self.__class__ = cls

    annotations = {f.name: "object" for f in fields(cast(Any, cls))}
    namespace = {"__annotations__": annotations, "__post_init__": become}
    twin: Any = dataclass(slots=True, eq=False, repr=False)(
        type(f"_{cls.__name__}Slots", (), namespace)
    )
    if twin.__slots__ != getattr(cls, "__slots__", None):
        raise TypeError(f"{cls.__name__}: its slots are not in field order")
    return cast(Callable[..., _Frozen], twin)


# The constructors `_build_entry` uses, the hot path of a cold render (for fifty entries, some
# two hundred objects a document).
_new_entry = _slot_constructor(Entry)
_new_person = _slot_constructor(Person)
_new_category = _slot_constructor(Category)
_new_credit = _slot_constructor(Credit)
_new_image = _slot_constructor(LeadImage)
_new_related = _slot_constructor(RelatedLink)
_new_enclosure = _slot_constructor(Enclosure)


@dataclass(frozen=True, slots=True)
class DeletedEntry:
    """An entry readers may hold that was deleted or withdrawn (RFC 6721 at:deleted-entry):
    `ref` is its id exactly as feeds published it, `when` the time it was removed."""

    ref: str
    when: datetime


@dataclass(frozen=True)
class Feed:
    """One feed document's content, whatever the format it is rendered in.

    `deleted` lists the entries it tells readers to remove (newest first); only Atom has a
    standard for them (RFC 6721), see `feeds.writers.tombstones`.
    """

    id: str
    title: str
    subtitle: str
    language: str
    updated: datetime
    links: FeedLinks
    author: Person
    entries: tuple[Entry, ...]
    icon: str | None = None
    logo: str | None = None
    rights: str | None = None
    generator: str = "newsroom-feeds"
    # The subtitle's language when it is not the feed's (the site's description on a feed in
    # another language); "" means the feed's. Atom marks it with xml:lang; formats that cannot
    # mark it leave the subtitle out (JSON Feed) or use the title (RSS).
    subtitle_language: str = ""
    deleted: tuple[DeletedEntry, ...] = ()

    @property
    def subtitle_in_feed_language(self) -> str:
        """The subtitle when it is in the feed's language, else ""."""
        if self.subtitle_language and not _same_language(self.subtitle_language, self.language):
            return ""
        return self.subtitle

    @property
    def description(self) -> str:
        """The RSS channel description, which must not be empty: the subtitle when it is in the
        feed's language, else the title."""
        return self.subtitle_in_feed_language or self.title


def _figure(image: LeadImage) -> str:
    width = f' width="{image.width}"' if image.width else ""
    height = f' height="{image.height}"' if image.height else ""
    caption = f"<figcaption>{_escape(image.caption)}</figcaption>" if image.caption else ""
    return (
        f'<figure><img src="{_escape(image.url)}" alt="{_escape(image.alt)}"{width}{height}>'
        f"{caption}</figure>"
    )


_HTML_SPECIAL = re.compile("[&<>\"']")


def _escape(text: str) -> str:
    """`html.escape(text)`: one search for a character it replaces (most texts have none)
    before its five replacements."""
    return html.escape(text) if _HTML_SPECIAL.search(text) else text


# --- building -------------------------------------------------------------------------------


def feed_id(tag_authority: str, facet: Any) -> str:
    """The feed's permanent id: a tag URI from the site's tag authority and the facet.

    Built from the facet, never the URL, so moving the site to another host keeps every feed id
    (`tag:feeds.example.org,2025:feed/section/asia`). Pages and archives of one facet share it.
    """
    kind = str(getattr(facet, "kind", "all") or "all")
    value = str(getattr(facet, "value", "") or "")
    specific = f"feed/{quote(kind, safe='')}"
    if value:
        specific += f"/{quote(value, safe='')}"
    return f"tag:{tag_authority}:{specific}"


def build_entry(
    article: Article,
    *,
    article_url: Callable[[Article], str],
    base_url: str,
    default_author: Person,
    memo: EntryMemo | None = None,
    parts: dict[tuple[Any, ...], Any] | None = None,
) -> Entry | None:
    """The Entry of one article, or None (logged) when it has no id to publish under.

    `memo`: reuse (and keep) the entry built from an equal article with the same inputs.
    `parts`: a dict the caller keeps for one document (one `base_url`), empty at first: the
    bylines, categories and credits built for its entries, so that the articles sharing one
    (a section, a tag, an author, an agency) share one object, keyed by its class and the texts
    it is built from (which `build_feed` checks once each). The same Entry either way.
    """
    if not _has_guid(article):
        return None
    link_source = article.url or article_url(article)
    if memo is None:
        return _checked_entry(article, link_source, base_url, default_author, parts)
    key = _memo_key(article, link_source, base_url, default_author)
    entry = memo.get(key, article)
    if entry is None:
        entry = _checked_entry(article, link_source, base_url, default_author, parts)
        memo.put(key, article, entry)
    return entry


def _has_guid(article: Article) -> bool:
    """Whether the article has an id to publish under; logged when it has none."""
    if article.guid:
        return True
    log.warning("article %r: guid: missing (the store mints one); entry left out", article.id)
    return False


def _memo_key(
    article: Article, link_source: str, base_url: str, default_author: Person
) -> tuple[Any, ...]:
    """The `EntryMemo` key of an article's entry: the build's inputs but the article itself."""
    return (article.id, article.updated, base_url, link_source, default_author)


def _as_is(value: str | None) -> str:
    """`clean_text` of text known to be clean: the value itself ("" for None or "")."""
    return value or ""


def _clean_unbalanced(value: str | None) -> str:
    """`clean_text` without the bidirectional balancing, for the values the record readers
    read so (`bidi=False`): URLs and ids, which hold those controls only percent-encoded, and
    HTML bodies, whose attributes are no text and whose paragraphs end every embedding
    (`articles.text.sanitize_html`)."""
    return clean_text(value, bidi=False)


def _entry_is_clean(article: Article, link_source: str, entry: Entry) -> bool:
    """Whether `entry`, built from `article` with its texts as they are (`_as_is`), is the
    entry cleaning every text gives: `texts_clean` of the texts `entry_texts` gives."""
    return texts_clean(entry_texts(article, link_source, entry.content_html))


def _checked_entry(
    article: Article,
    link_source: str,
    base_url: str,
    default_author: Person,
    parts: dict[tuple[Any, ...], Any] | None = None,
) -> Entry:
    """The entry of `article`: built with its texts as they are, then checked; built again
    cleaning every text when the check finds anything (the same Entry either way)."""
    entry = _fast_entry(article, link_source, base_url, default_author, parts)
    if entry is not None and _entry_is_clean(article, link_source, entry):
        return entry
    return _build_entry(article, link_source, base_url, default_author, None, clean_text)


def _fast_entry(
    article: Article,
    link_source: str,
    base_url: str,
    default_author: Person,
    parts: dict[tuple[Any, ...], Any] | None,
) -> Entry | None:
    """`_build_entry` with the texts as they are; None when a lone surrogate (which only
    `clean_text` removes) makes it raise, as UTF-8 encoding a URL does."""
    try:
        return _build_entry(article, link_source, base_url, default_author, parts, _as_is)
    except UnicodeError:
        return None


def _build_entry(
    article: Article,
    link_source: str,
    base_url: str,
    default_author: Person,
    parts: dict[tuple[Any, ...], Any] | None = None,
    clean: Callable[[str | None], str] = clean_text,
) -> Entry:
    """The entry of `article`, each text passed through `clean`: `clean_text`, or `_as_is`
    for texts as they are, which callers then check (`_checked_entry`, `build_feed`).

    Stored articles were cleaned on import, so their texts are almost always clean: one check
    of them all (`texts_clean`) replaces `clean_text` on each.
    """
    if clean is not _as_is:
        # `parts` are keyed by the texts as the article holds them: clean ones only.
        parts = None
    # URLs, ids and the HTML body: cleaned as their readers clean them, without bidi balancing.
    plain = _as_is if clean is _as_is else _clean_unbalanced
    image = None
    if article.image is not None:
        img = article.image
        image = _new_image(
            resolve_uri(plain(img.url).strip(), base_url),
            clean(img.alt),
            clean(img.caption),
            img.width,
            img.height,
            img.type,
        )
    body = absolute_html(plain(article.body_html), base_url)
    # Readers show the lead image only when it is in the content; skip it if the body has it.
    if image is not None and image.url not in body:
        body = _figure(image) + body
    summary = clean(article.summary).strip()
    # Every format needs a title; one made only of stripped characters falls back to the
    # opening words, then to the id, rather than failing the whole feed.
    title = (
        clean(article.title).strip()
        or excerpt(clean(article.summary) or article.body_html, 80)
        or article.id
    )
    link = resolve_uri(plain(link_source).strip(), base_url)
    if not body or body.isspace():
        # A headline-only record: readers (and validators) want some content, so the entry's
        # content is a link to the article itself.
        body = f'<p><a href="{html.escape(link)}">{html.escape(title)}</a></p>'
    authors: list[Person] = []
    for a in article.authors:
        if parts is not None:
            key: tuple[Any, ...] = (Person, a.name, a.uri, a.email)
            person = parts.get(key)
            if person is None:
                person = parts[key] = _person(a.name, a.uri, a.email, base_url, clean)
        else:
            person = _person(a.name, a.uri, a.email, base_url, clean)
        if person is not _NO_PERSON:
            authors.append(person)
    categories: list[Category] = []
    section = article.section
    named = ((section.slug, section.label, "section"),) if section is not None else ()
    for slug, label, kind in (*named, *[(t.slug, t.label, "tag") for t in article.tags]):
        key = (Category, slug, label, kind)
        category = parts.get(key) if parts is not None else None
        if category is None:
            category = _category(slug, label, base_url, kind, clean)
            if parts is not None:
                parts[key] = category
        if category is not _NO_CATEGORY:
            categories.append(category)
    source = None
    if article.source is not None:
        credit = article.source
        key = (Credit, credit.name, credit.url)
        source = parts.get(key) if parts is not None else None
        if source is None:
            source = _credit(credit.name, credit.url, base_url, clean)
            if parts is not None:
                parts[key] = source
        if source is _NO_CREDIT:
            source = None
    updated = entry_updated(article.published, article.updated)
    # Positional, in the order of Entry's fields (every one given), slot by slot: see
    # `_slot_constructor`.
    return _new_entry(
        plain(article.guid),  # id
        title,
        link,
        article.published,
        updated,
        clean(article.language),  # language
        summary,
        body,  # content_html
        summary or excerpt(body),  # excerpt
        tuple(authors) or (default_author,),  # authors
        tuple(categories),
        tuple(
            [
                _new_related(resolve_uri(plain(r.url).strip(), base_url), clean(r.title))
                for r in article.related
            ]
        )
        if article.related
        else (),  # related
        tuple(
            [
                _new_enclosure(
                    resolve_uri(plain(m.url).strip(), base_url),
                    max(int(m.length or 0), 0),
                    clean(m.type) or "application/octet-stream",
                    clean(m.title),
                    m.duration,
                )
                for m in primary_first(article.media)
            ]
        )
        if article.media
        else (),  # enclosures
        image,
        source,
        clean(article.rights) or None,  # rights
        article.reading_time,
        article.id,  # article_id
        (),  # alternates: build_feed adds them
        article.episode,
        bool(authors),  # bylined
    )


# What `_person`, `_category` and `_credit` give for a part with no name: the part is left out
# (kept in `parts` like any other, so it is not built again).
_NO_PERSON = Person("")
_NO_CATEGORY = Category("", "", "")
_NO_CREDIT = Credit("")


def _unbalanced(clean: Callable[[str | None], str]) -> Callable[[str | None], str]:
    """The cleaning of URLs and addresses that goes with `clean` (see `_clean_unbalanced`)."""
    return _as_is if clean is _as_is else _clean_unbalanced


def _person(
    name: str, uri: str | None, email: str | None, base_url: str, clean: Callable[[str | None], str]
) -> Person:
    """A byline; `_NO_PERSON` when its name is blank."""
    name = clean(name).strip()
    if not name:
        return _NO_PERSON
    return _new_person(
        name,
        resolve_uri(_unbalanced(clean)(uri).strip(), base_url) if uri else None,
        _unbalanced(clean)(email).strip() or None,
    )


def _category(
    slug: str, label: str, base_url: str, kind: str, clean: Callable[[str | None], str]
) -> Category:
    """A section or tag (`kind`) in the site's scheme for it; `_NO_CATEGORY` for a blank slug."""
    slug = clean(slug)
    if not slug.strip():
        return _NO_CATEGORY
    return _new_category(slug, clean(label) or slug, f"{base_url.rstrip('/')}/{kind}/")


def _credit(
    name: str, url: str | None, base_url: str, clean: Callable[[str | None], str]
) -> Credit:
    """The source credit; `_NO_CREDIT` when its name is blank."""
    if not clean(name).strip():
        return _NO_CREDIT
    return _new_credit(clean(name), resolve_uri(clean(url).strip(), base_url) if url else None)


def unique_entries(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """The entries with each id once: the first (newest) wins, later ones are logged and left
    out, since readers crash on or silently drop duplicate ids."""
    seen: set[str] = set()
    kept: list[Entry] = []
    for entry in entries:
        if entry.id in seen:
            log.warning(
                "article %r: guid: %r already in this feed; duplicate left out",
                entry.article_id,
                entry.id,
            )
            continue
        seen.add(entry.id)
        kept.append(entry)
    return tuple(kept)


def _same_language(one: str, other: str) -> bool:
    return one.lower() == other.lower()


def feed_language(entries: Iterable[Entry], site_language: str) -> str:
    """The language a document is in when its caller does not say: the one language every
    entry is in (compared case-insensitively, as BCP 47 tags are), else `site_language`
    (mixed or no entries). An entry without a language counts as the site's."""
    found: str | None = None
    for entry in entries:
        language = entry.language or site_language
        if found is None:
            found = language
        elif language != found and not _same_language(found, language):
            return site_language
    return found or site_language


def build_feed(
    config: Any,
    *,
    title: str,
    subtitle: str,
    facet: Any,
    articles: Iterable[Article],
    links: FeedLinks,
    article_url: Callable[[Article], str],
    base_url: str,
    empty_updated: datetime = EMPTY_FEED_UPDATED,
    language: str | None = None,
    subtitle_language: str | None = None,
    alternates: Mapping[str, tuple[Alternate, ...]] | None = None,
    deleted: Iterable[DeletedEntry] = (),
    memo: EntryMemo | None = ENTRY_MEMO,
    author: str | None = None,
) -> Feed:
    """The Feed for `articles` (newest first, already filtered by the store).

    `alternates` gives, per article id, its visible other-language versions (Entry.alternates).

    `config` is the SiteConfig; `facet` anything with `kind` and `value` (articles.store.Facet).
    The feed's `updated` is its newest entry's `updated`, or `empty_updated` when there are no
    entries: never the current time, so the same rows always give the same bytes.

    `language` (BCP 47) is the document's language when the caller knows it (a language
    feed: its code); None: see `feed_language`. `subtitle_language` is the language the
    subtitle is written in; None: the site's (`config.default_language`), since the caller's
    subtitle is the site description. `deleted` are the entries the document tells readers to
    remove (RFC 6721); a removal changes the feed, so its time counts for `updated` too.
    `memo` keeps the entries built (`EntryMemo`: the same bytes, less work for articles built
    before); None builds every entry afresh. `author` is the feed's author, who stands in
    for every entry without a byline; None: the site's (`config.feed_author_name`, else the
    feed's title).
    """
    feed_title = clean_text(title).strip() or clean_text(config.title).strip() or "Feed"
    default_author = Person(
        name=clean_text(author or "").strip()
        or clean_text(config.feed_author_name).strip()
        or feed_title,
        email=clean_text(getattr(config, "author_email", "")).strip() or None,
    )
    # `build_entry` for each article, the texts of all the new entries checked at once (then
    # entry by entry only when that finds something to clean: see `_checked_entry`).
    parts: dict[tuple[Any, ...], Any] = {}
    built: list[Entry] = []
    to_check: list[tuple[int, Article, str, tuple[Any, ...] | None]] = []
    texts: list[str | None] = []  # of the entries in `to_check`, for one `checked_texts`
    for article in articles:
        if not _has_guid(article):
            continue
        link_source = article.url or article_url(article)
        key = None
        if memo is not None:
            key = _memo_key(article, link_source, base_url, default_author)
            kept = memo.get(key, article)
            if kept is not None:
                built.append(kept)
                continue
        entry = _fast_entry(article, link_source, base_url, default_author, parts)
        if entry is not None:
            add_texts(texts, article, link_source, entry.content_html)
            to_check.append((len(built), article, link_source, key))
            built.append(entry)
            continue
        entry = _build_entry(article, link_source, base_url, default_author)
        built.append(entry)
        if memo is not None and key is not None:
            memo.put(key, article, entry)
    all_clean = checked_texts(texts, parts) if to_check else True
    if not all_clean or memo is not None:
        for index, article, link_source, key in to_check:
            if not all_clean and not _entry_is_clean(article, link_source, built[index]):
                built[index] = _build_entry(article, link_source, base_url, default_author)
            if memo is not None and key is not None:
                memo.put(key, article, built[index])
    entries = unique_entries(built)
    if alternates:
        entries = tuple(
            replace(e, alternates=alternates[e.article_id]) if e.article_id in alternates else e
            for e in entries
        )
    removed = tuple(DeletedEntry(clean_text(d.ref), d.when) for d in deleted if d.ref)
    updated = feed_updated((e.updated for e in entries), (d.when for d in removed), empty_updated)
    site_language = clean_text(config.default_language).strip()
    feed_lang = clean_text(language).strip() or feed_language(entries, site_language)
    subtitle_lang = site_language if subtitle_language is None else clean_text(subtitle_language)
    return Feed(
        id=feed_id(config.tag_authority, facet),
        title=feed_title,
        subtitle=clean_text(subtitle),
        language=feed_lang,
        subtitle_language="" if _same_language(subtitle_lang, feed_lang) else subtitle_lang,
        updated=updated,
        links=links,
        author=default_author,
        entries=entries,
        icon=to_uri(config.icon_url, base_url) if config.icon_url else None,
        logo=to_uri(config.logo_url, base_url) if config.logo_url else None,
        rights=clean_text(config.rights) or None,
        deleted=removed,
    )
