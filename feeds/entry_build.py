"""An article's Entry: every decision about one item of a feed that does not depend on the
output format (its id, title, canonical link as a valid URI, absolute URLs in the body, the
lead image's figure, bylines, categories, enclosures, credit, dates).

An entry is built with the article's texts as they are and kept only when one check of them
all (`feeds.hygiene.texts_clean`, over `feeds.entry_texts`) finds nothing `clean_text` would
change; else it is built again cleaning every text: the same Entry either way.
`build_entries` does so for a document's articles at once; `unique_entries` keeps each id
once.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any, TypeVar, cast

from articles.model import Article, primary_first
from articles.text import clean_text
from feeds.entry_memo import EntryMemo
from feeds.entry_texts import add_texts, checked_texts, entry_texts
from feeds.feed_types import (
    Category,
    Credit,
    Enclosure,
    Entry,
    LeadImage,
    Person,
    RelatedLink,
    entry_updated,
)
from feeds.hygiene import absolute_html, excerpt, resolve_uri, texts_clean

# The logger the feed model's warnings have always gone to (logging filters name it).
log = logging.getLogger("feeds.model")

_Frozen = TypeVar("_Frozen")


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


def build_entries(
    articles: Iterable[Article],
    *,
    article_url: Callable[[Article], str],
    base_url: str,
    default_author: Person,
    memo: EntryMemo | None,
) -> list[Entry]:
    """The entries of one document's `articles`, in their order (an article without a guid
    left out, logged); duplicate ids are still there (`unique_entries`).

    `build_entry` for each article, the texts of all the new entries checked at once (then
    entry by entry only when that finds something to clean: see `_checked_entry`). `memo`
    keeps the entries built (`EntryMemo`); None builds every entry afresh.
    """
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
    return built
