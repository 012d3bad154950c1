"""The texts of an article that its feed entry holds, gathered for one `texts_clean` check.

`feeds.entry_build` builds an entry from an article with its texts as they are and keeps it only if
these texts are clean (`feeds.hygiene.texts_clean`); otherwise it builds it again cleaning
every text. Which texts those are is this module's one rule, so the check and the build cannot
drift apart: the article's own texts (`add_texts`) and those of its parts, bylines, section,
tags and credit (`add_part_texts`), which a document checks once each (`checked_texts`).
"""

from __future__ import annotations

from typing import Any

from articles.model import Article
from feeds.hygiene import texts_clean


def entry_texts(article: Article, link_source: str, content_html: str) -> list[str | None]:
    """The texts `feeds.entry_build._entry_is_clean` checks (see `add_texts`)."""
    texts: list[str | None] = []
    add_texts(texts, article, link_source, content_html)
    add_part_texts(texts, article)
    return texts


def add_part_texts(texts: list[str | None], article: Article) -> None:
    """Append the texts of `article`'s bylines, section, tags and source credit: the texts of
    the parts `feeds.entry_build._build_entry` keys in `parts` (see `checked_texts`)."""
    for author in article.authors:
        texts += (author.name, author.uri, author.email)
    if article.section is not None:
        texts += (article.section.slug, article.section.label)
    for tag in article.tags:
        texts += (tag.slug, tag.label)
    if article.source is not None:
        texts += (article.source.name, article.source.url)


def checked_texts(texts: list[str | None], parts: dict[tuple[Any, ...], Any]) -> bool:
    """`texts_clean` of `texts` (what `add_texts` gave for a document's new entries) and of
    the parts they were built with: each byline, category and credit once, from its `parts`
    key (its class, then the texts it was built from, as `add_part_texts` gives them)."""
    for key in parts:
        texts += key[1:]
    return texts_clean(texts)


def add_texts(
    texts: list[str | None], article: Article, link_source: str, content_html: str
) -> None:
    """Append every text of `article` that `feeds.entry_build._build_entry` cleans and the link it
    resolves, with `content_html` (the entry's body) in place of `body_html`, but those of its
    parts (`add_part_texts`).

    The entry's body holds every character of the article's (URLs made absolute, the image's
    figure before it), or is a link to the article when that is blank. So when these texts are
    clean, the article's are, or its body is blank characters that no entry holds. Checking
    the entry's body leaves its UTF-8 form with it (CPython keeps the one `orjson` makes), for
    the JSON Feed writer to reuse.
    """
    texts += (
        article.guid,
        article.title,
        article.summary,
        content_html,
        article.language,
        article.rights,
        link_source,
    )
    if article.image is not None:
        texts += (article.image.url, article.image.alt, article.image.caption)
    for link in article.related:
        texts += (link.url, link.title)
    for media in article.media:
        texts += (media.url, media.type, media.title)
