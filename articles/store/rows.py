"""Articles turned into the rows the store writes, and what a stored record says.

`prepare_article` runs in the importer's parse workers as well as in the writing process:
its result is cheap to pickle. Rows are dictionaries keyed by column name (`ROW_COLUMNS`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple

import orjson

from articles.errors import InvalidValue
from articles.model import Article, article_fields, article_from_dict
from articles.slugs import label_key
from articles.store.documents import compress_json, dump_like, load_document
from articles.store.engine import json_dumps
from articles.store.facets import LINKED_KINDS, SLUGGED_KINDS, Members, facet_keys

# A past `updated` every content comparison uses in place of the records' own.
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

# The articles columns the write path fills, by name (the table may hold them in any order).
ROW_COLUMNS: Final = (
    "id",
    "guid",
    "slug",
    "url",
    "title",
    "status",
    "language",
    "section_slug",
    "section_label",
    "source_slug",
    "source_label",
    "published",
    "updated",
    "episode",
    "doc",
)


class PreparedArticle(NamedTuple):
    """An article turned into the rows the store writes, ready for the database's driver.

    Built by `prepare_article` (cheap to pickle: parse workers send these to the writer) so
    the writing process only compares, inserts and counts. `row` maps the articles columns
    (`ROW_COLUMNS`) to values as the driver takes them; `row["doc"]` is the document's stored
    form (`articles.store.documents`: a Zstandard frame for SQLite, JSON text for PostgreSQL).
    `links` holds, per kind of `LINKED_KINDS` (tag, author, language), the (value, label)
    pairs.
    """

    id: str
    guid: str | None
    updated: datetime
    status: str
    row: dict[str, Any]
    links: tuple[Members, ...]
    facets: tuple[tuple[str, str], ...]  # (kind, value) of every feed but 'all'
    published: datetime  # aware UTC
    embargoed: datetime | None  # aware UTC, when the newsroom held the story until then
    translations: tuple[str, ...] = ()  # ids of the other language versions it names
    # Row kinds (section, source) whose slug the record left to derive: the registry gives it.
    derived: frozenset[str] = frozenset()


def prepare_article(article: Article, backend: str) -> PreparedArticle:
    """The rows `StoreTransaction.upsert_prepared` writes for one article on `backend`.

    `backend` is `Store.backend` ("sqlite" or "postgresql"): SQLite gets times as the
    fixed-width UTC text the UTCDateTime column stores and the document compressed,
    PostgreSQL aware UTC datetimes and the document's JSON text.
    """
    as_db = _sqlite_time if backend == "sqlite" else utc
    links = tuple(kind.members(article) for kind in LINKED_KINDS)
    if any(
        len(pairs) != len(getattr(article, kind.document))
        for kind, pairs in zip(LINKED_KINDS, links, strict=True)
        if kind.slugged
    ):
        article = _one_per_label(article)
    section, source = article.section, article.source
    row = {
        "id": article.id,
        "guid": article.guid,
        "slug": article.slug,
        "url": article.url,
        "title": article.title,
        "status": article.status,
        "language": article.language,
        "section_slug": section.slug if section else None,
        "section_label": section.label if section else None,
        "source_slug": source.slug if source else None,
        "source_label": source.name if source else None,
        "published": as_db(article.published),
        "updated": as_db(article.updated),
        "episode": bool(article.episode_media),
        "doc": _document(article, backend),
    }
    return PreparedArticle(
        article.id,
        article.guid,
        utc(article.updated),  # the same instant; UTC pickles small for parse workers
        article.status,
        row,
        links,
        facet_keys(article, {k.name: pairs for k, pairs in zip(LINKED_KINDS, links, strict=True)}),
        utc(article.published),
        utc(article.embargoed) if article.embargoed else None,
        tuple(t.id for t in article.translations),
        article.derived_slugs,
    )


def _one_per_label(article: Article) -> Article:
    """The article with repeated spellings of one tag or author label dropped (first kept)."""
    changes: dict[str, Any] = {}
    for kind in SLUGGED_KINDS:
        seen: set[str] = set()
        kept = []
        for item in getattr(article, kind.document):
            key = label_key(getattr(item, kind.document_label))
            if key not in seen:
                seen.add(key)
                kept.append(item)
        changes[kind.document] = tuple(kept)
    return dataclasses.replace(article, **changes)


def _document(article: Article, backend: str) -> bytes | str:
    """`article_to_dict(article)` in the stored form of `backend` (`documents`): its JSON,
    written straight from the dataclasses, compressed for SQLite, as text for PostgreSQL."""
    if backend == "sqlite":
        return compress_json(orjson.dumps(article_fields(article)))
    return json_dumps(article_fields(article))


def utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidValue("datetime", f"naive {value.isoformat()} cannot be stored: add a zone")
    return value.astimezone(UTC)


def _sqlite_time(value: datetime) -> str:
    # The text SQLAlchemy's SQLite DateTime writes for UTCDateTime's naive UTC value, so rows
    # written here and through Core compare and sort alike.
    # `YYYY-MM-DD HH:MM:SS.ffffff`, written by datetime in one call.
    return utc(value).replace(tzinfo=None).isoformat(" ", "microseconds")


def with_guid(prepared: PreparedArticle, guid: str) -> PreparedArticle:
    """The same article under the stored guid (the row's column and its JSON document)."""
    row = dict(prepared.row)
    row["guid"] = guid
    doc = load_document(row["doc"])
    doc["guid"] = guid  # same key, same place: the document matches article_to_dict's
    row["doc"] = dump_like(doc, row["doc"])
    return prepared._replace(guid=guid, row=row)


def with_updated(prepared: PreparedArticle, when: datetime) -> PreparedArticle:
    """The same article dated `when` (aware; a server stamp) in its row and its document."""
    row = dict(prepared.row)
    row["updated"] = _sqlite_time(when) if isinstance(row["updated"], str) else utc(when)
    doc = load_document(row["doc"])
    doc["updated"] = utc(when).isoformat()  # same key, same place, as article_to_dict writes
    row["doc"] = dump_like(doc, row["doc"])
    return prepared._replace(updated=utc(when), row=row)


def content_of(doc: Mapping[str, Any] | bytes | str) -> Article:
    """What a stored or incoming record says, its version stamp (`updated`) and guid aside.

    Two records with equal content are one version, whatever their JSON spelling (key order,
    a time's offset) and the tag and author slugs they propose: this is how a record that
    repeats the stored `updated` is told apart from a change made without a new `updated`
    (a takedown, a correction).
    """
    article = article_from_dict(load_document(doc))
    # Tag and author slugs are the slug registry's to give, whatever a record proposes.
    return replace(
        article,
        guid=None,
        updated=_EPOCH,
        tags=tuple(replace(t, slug="") for t in article.tags),
        authors=tuple(replace(a, slug="") for a in article.authors),
    )


# The smallest step both back-ends store.
TICK: Final = timedelta(microseconds=1)


def stated_updated(doc: Mapping[str, Any] | bytes | str) -> datetime:
    """The `updated` a stored document states (aware UTC). The `updated` column may sit a few
    ticks past it (`moved_past`)."""
    return utc(article_from_dict(load_document(doc)).updated)


def moved_past(article: PreparedArticle, stored: datetime) -> PreparedArticle:
    """`article`, a version that repeats the stored `updated` (`stored`, aware UTC) with other
    content, with its `updated` column one tick past it.

    Everything keyed by (id, updated) then sees the change: feed ETags, the feed indexes'
    order, the response memo. The document keeps the time the record states; feeds write
    whole seconds, so readers see the same date. A change sent without a new `updated` (a
    correction, a takedown) is otherwise invisible to every validator.
    """
    moved = stored + TICK
    row = dict(article.row)
    row["updated"] = _sqlite_time(moved) if isinstance(row["updated"], str) else moved
    return article._replace(updated=moved, row=row)
