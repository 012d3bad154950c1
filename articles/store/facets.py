"""Facet kinds, each defined once: name, URL segment, where membership and label live, and
which of a record's values make it a member.

A feed is a `Facet(kind, value)`: everything (`all`), or one section, tag, author, language or
source. Everything the store (and the feeds package) needs to know about a kind is in its
`FacetKind` in `FACET_KINDS`; the queries and the write path only look the kind up, so a new
kind of document is one entry here (plus its columns and migration).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal

import sqlalchemy as sa

from articles.errors import InvalidValue
from articles.languages import language_ranges
from articles.model import Article
from articles.slugs import label_key
from articles.store.schema import articles_table, authors_table, languages_table, tags_table

# The kind names, as a type: what `Facet.kind` holds.
FacetKindName = Literal["all", "section", "tag", "author", "language", "source", "podcast"]

# (value, label) pairs of a record for one kind: `("asia", "아시아")`.
Members = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class FacetKind:
    """One kind of feed, and everything that differs between kinds.

    `name` is the kind (`Facet.kind`); `segment` the short name in URLs (`lang` for language).
    Membership rows live in `table`: the articles table itself (section, source, all), or a
    link table with one row per (article, value) and the article's status and publish time
    copied in (tag, author, language), so every feed is one range scan of one index.
    `value_column` and `label_column` name the columns of `table` holding the facet's value
    and its label (None for `all`; the same column when the value is its own label, as a
    language tag is). `members(article)` gives the record's (value, label) pairs for this
    kind in record order, one per value (tags and authors: one per label, see
    `articles.slugs.label_key`; languages: one per language range that selects the tag,
    `articles.languages.language_ranges`). A slugged kind's slugs are given by the slug
    registry (`articles.store.slugs`), so different labels never share a feed: `document`
    names the list in the article's JSON document and `document_label` the label's key in
    its items (empty for kinds without slugs).
    """

    name: FacetKindName
    segment: str
    table: sa.Table
    value_column: str | None
    label_column: str | None
    members: Callable[[Article], Members]
    document: str = ""
    document_label: str = ""

    @property
    def linked(self) -> bool:
        """Whether membership lives in a link table (several values per article)."""
        return self.table is not articles_table

    @property
    def slugged(self) -> bool:
        """Whether the slug registry names this kind's values (tag, author)."""
        return bool(self.document)

    @property
    def own_label(self) -> bool:
        """Whether a value is its own label (one column holds both: language tags)."""
        return self.label_column == self.value_column

    @property
    def article_id(self) -> sa.Column[Any]:
        """The column of `table` holding the article's id."""
        return self.table.c.article_id if self.linked else self.table.c.id

    @property
    def value(self) -> sa.Column[Any]:
        assert self.value_column is not None, f"facet kind {self.name!r} has no value"
        return self.table.c[self.value_column]

    def label(self) -> sa.ColumnElement[Any]:
        """The label column, or an empty string for `all`."""
        if self.label_column is None:
            return sa.literal("")
        return self.table.c[self.label_column]

    @property
    def status(self) -> sa.Column[Any]:
        return self.table.c.status

    @property
    def published(self) -> sa.Column[Any]:
        return self.table.c.published

    def order(self) -> tuple[sa.ColumnElement[Any], ...]:
        """Feed order on this kind's table: newest first, then id descending."""
        return (self.published.desc(), self.article_id.desc())


def _unique(pairs: Iterable[tuple[str, str]]) -> Members:
    """Pairs with a repeated label dropped, the first one kept: the slug registry gives each
    label one slug, so the values (slugs) are then unique too (the link tables key on them)."""
    pairs = tuple(pairs)
    if len(pairs) < 2:
        return pairs  # one label (most tags and bylines): nothing to compare
    seen: set[str] = set()
    result = []
    for value, label in pairs:
        key = label_key(label)
        if key not in seen:
            seen.add(key)
            result.append((value, label))
    return tuple(result)


def _section(article: Article) -> Members:
    return ((article.section.slug, article.section.label),) if article.section else ()


def _source(article: Article) -> Members:
    return ((article.source.slug, article.source.name),) if article.source else ()


def _tags(article: Article) -> Members:
    return _unique((t.slug, t.label) for t in article.tags)


def _authors(article: Article) -> Members:
    return _unique((au.slug, au.name) for au in article.authors)


def _language(article: Article) -> Members:
    # RFC 4647 basic filtering: a `zh-Hant-TW` article is in the feeds of `zh-Hant-TW`,
    # `zh-Hant` and `zh`.
    return tuple((tag, tag) for tag in language_ranges(article.language))


def _all(article: Article) -> Members:
    return (("", ""),)


def _by_selection(article: Article) -> Members:
    # A show's membership is its selection (`Episodes`), asked of the rows when read.
    return ()


a = articles_table
# In the order the index page, OPML and `Store.facets` list them.
FACET_KINDS: Final[Mapping[str, FacetKind]] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            FacetKind("all", "all", a, None, None, _all),
            FacetKind("section", "section", a, "section_slug", "section_label", _section),
            FacetKind("tag", "tag", tags_table, "tag_slug", "tag_label", _tags, "tags", "label"),
            FacetKind(
                "author",
                "author",
                authors_table,
                "author_slug",
                "author_name",
                _authors,
                "authors",
                "name",
            ),
            FacetKind("language", "lang", languages_table, "language", "language", _language),
            FacetKind("source", "source", a, "source_slug", "source_label", _source),
            # A podcast show: the value is the show's slug; which articles are its episodes
            # is the show's selection (`Episodes`: a section and/or a tag, audio or video),
            # configured on the Store (`Store.configure_shows`), not stored per article.
            FacetKind("podcast", "podcast", a, None, None, _by_selection),
        )
    }
)
del a
# The kinds whose membership lives in a link table, in registry order.
LINKED_KINDS: Final = tuple(kind for kind in FACET_KINDS.values() if kind.linked)
# The linked kinds whose values the slug registry gives (tag, author), in registry order.
SLUGGED_KINDS: Final = tuple(kind for kind in LINKED_KINDS if kind.slugged)
# The kinds whose feeds are named by a value: every kind but 'all'.
_VALUED_KINDS: Final = tuple(kind for kind in FACET_KINDS.values() if kind.value_column is not None)
# The kinds with a value column on the articles row (section, source).
ROW_KINDS: Final = tuple(
    kind for kind in FACET_KINDS.values() if not kind.linked and kind.value_column
)
# The kinds whose members are chosen by a configured selection when read (podcast shows).
SELECTED_KINDS: Final = frozenset({"podcast"})
KIND_BY_SEGMENT: Final[Mapping[str, FacetKind]] = MappingProxyType(
    {kind.segment: kind for kind in FACET_KINDS.values()}
)


@dataclass(frozen=True, slots=True)
class Facet:
    """One feed's selection: everything, or one section, tag, author, language or source.

    Raises InvalidValue (a ValueError) for an unknown kind, or a value given for `all` or
    missing for the others.
    """

    kind: FacetKindName
    value: str = ""

    def __post_init__(self) -> None:
        if self.kind not in FACET_KINDS:
            raise InvalidValue(
                "facet", f"unknown kind {self.kind!r}, expected one of {tuple(FACET_KINDS)}"
            )
        if (self.kind == "all") != (self.value == ""):  # every other kind names a value
            raise InvalidValue(
                "facet", f"kind {self.kind!r}: a value is required for all kinds but 'all'"
            )

    @property
    def spec(self) -> FacetKind:
        """This facet's kind from the registry."""
        return FACET_KINDS[self.kind]


ALL: Final = Facet("all")
ALL_KEY: Final = ("all", "")


@dataclass(frozen=True, slots=True)
class Episodes:
    """A podcast show's selection: the published articles with audio or video media
    (`Article.episode_media`) in `section`, carrying `tag`, or both (at least one is set).

    Raises InvalidValue (a ValueError) when neither is given.
    """

    section: str | None = None
    tag: str | None = None

    def __post_init__(self) -> None:
        if not self.section and not self.tag:
            raise InvalidValue("show", "a show takes a section, a tag, or both")

    def takes(self, article: Article) -> bool:
        """Whether `article` is one of the show's episodes (whatever its status and time)."""
        if not article.episode_media:
            return False
        if self.section and (article.section is None or article.section.slug != self.section):
            return False
        return not self.tag or any(t.slug == self.tag for t in article.tags)

    def facets(self) -> frozenset[Facet]:
        """The feeds whose change may change the show: its section's and its tag's."""
        found = set()
        if self.section:
            found.add(Facet("section", self.section))
        if self.tag:
            found.add(Facet("tag", self.tag))
        return frozenset(found)


def facet_keys(
    article: Article, known: Mapping[str, Members] | None = None
) -> tuple[tuple[str, str], ...]:
    """Every feed but 'all' this article belongs to, as (kind, value) pairs, each once.

    `known` maps kind names to their members where the caller has them already (the linked
    kinds' in `prepare_article`), so they are not worked out twice.
    """
    known = known or {}
    return tuple(
        dict.fromkeys(
            (kind.name, value)
            for kind in _VALUED_KINDS
            for value, _ in (known[kind.name] if kind.name in known else kind.members(article))
        )
    )


def article_facets(article: Article) -> set[Facet]:
    """Every feed but 'all' that this article belongs to."""
    return {Facet(kind, value) for kind, value in facet_keys(article)}  # type: ignore[arg-type]
