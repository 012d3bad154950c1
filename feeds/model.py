"""The format-neutral feed: a Feed of Entries, built once from articles and links.

`build_feed` does every decision that does not depend on the output format: which entries go in
(unique ids, newest first; each built by `feeds.entry_build`: canonical links as valid URIs,
absolute URLs in the body, categories, authors, dates), the feed's own id, title, author,
language and `updated`, its deleted entries. The values are `feeds.feed_types`'. The writers in
`feeds.writers` only spell the result in Atom, RSS or JSON Feed; they never look at an
`Article`.

Every text value here is already free of characters XML 1.0 forbids, so a writer can serialize
whatever it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

from articles.model import Article
from articles.text import clean_text
from feeds.entry_build import build_entries, unique_entries
from feeds.entry_memo import ENTRY_MEMO, EntryMemo
from feeds.feed_types import (
    EMPTY_FEED_UPDATED,
    Alternate,
    DeletedEntry,
    Entry,
    Feed,
    FeedLinks,
    Person,
    feed_updated,
    same_language,
)
from feeds.hygiene import to_uri


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


def feed_language(entries: Iterable[Entry], site_language: str) -> str:
    """The language a document is in when its caller does not say: the one language every
    entry is in (compared case-insensitively, as BCP 47 tags are), else `site_language`
    (mixed or no entries). An entry without a language counts as the site's."""
    found: str | None = None
    for entry in entries:
        language = entry.language or site_language
        if found is None:
            found = language
        elif language != found and not same_language(found, language):
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
    built = build_entries(
        articles,
        article_url=article_url,
        base_url=base_url,
        default_author=default_author,
        memo=memo,
    )
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
        subtitle_language="" if same_language(subtitle_lang, feed_lang) else subtitle_lang,
        updated=updated,
        links=links,
        author=default_author,
        entries=entries,
        icon=to_uri(config.icon_url, base_url) if config.icon_url else None,
        logo=to_uri(config.logo_url, base_url) if config.logo_url else None,
        rights=clean_text(config.rights) or None,
        deleted=removed,
    )
