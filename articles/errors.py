"""The errors the articles package raises: one tree, each error naming what it is about.

```
ArticleError
├── InvalidArticle(where, field, reason)     a record that cannot become an Article
├── UnreadableInput                          a whole input that cannot be read
├── ArticleNotFound(article_id)              no stored article has this id
│   └── ArticleDeleted(article_id, guid, deleted_at)   ... because it was deleted then
├── ArticleExists(article_id)                a create for an id already stored
├── GuidConflict(article_id, guid, other_id) the guid is another article's (stored, deleted,
│                                            or minted for its id)
├── StaleArticle(article_id, ...)            a conditional write whose precondition failed
├── InvalidValue(field, reason)              a facet, month, URL, authority that cannot be used
└── StoreError(reason, article_id=None)      the database failed; wraps SQLAlchemy's error
    ├── StoreUnavailable(reason)             the database cannot be reached or opened
    └── UnstorableValue(reason)              the database refused a value (NUL, out of range)
```

Callers of `articles.store` and `articles.service` never see a SQLAlchemy exception: the store
translates them into `StoreError` (the original is kept as `__cause__`). `InvalidValue` is also
a `ValueError`, as the bare ValueErrors it replaces were.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal


class ArticleError(Exception):
    """Base of every error about article records and the article database."""


class InvalidArticle(ArticleError):
    """A record that cannot become an Article (or cannot be stored as one).

    `where` names the input (`seed.json: record 3` or `feed.jsonl: line 12`), `field` the
    offending field (dotted for nested ones, e.g. `image.url`) and `reason` the problem, so the
    message reads `seed.json: record 3: published: cannot read '2025/13/45' as a date`.
    `article_id` is the record's id when it is known.
    """

    def __init__(
        self,
        where: str,
        field: str,
        reason: str,
        *,
        article_id: str | None = None,
        faults: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.where = where
        self.field = field
        self.reason = reason
        self.article_id = article_id
        # Every (field, reason) of the record when more than one is known
        # (`articles.formats.faults`), else just this one; the message lists them all:
        # `seed.json: record 3: 2 problems: published: cannot read ...; language: ...`.
        self.faults = tuple(faults) or ((field, reason),)
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.where, self.field, self.reason) if p]
        if len(self.faults) > 1:
            listed = "; ".join(": ".join(p for p in fault if p) for fault in self.faults)
            parts = [p for p in (self.where, f"{len(self.faults)} problems", listed) if p]
        return ": ".join(parts)


class UnreadableInput(ArticleError):
    """A whole input that cannot be read: missing file, bad JSON document, unknown format."""


class ArticleNotFound(ArticleError):
    """No stored article has `article_id`."""

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(f"no article with id {article_id!r}")


class ArticleDeleted(ArticleNotFound):
    """`article_id` was deleted at `deleted_at` (aware UTC); a tombstone keeps its `guid`.

    A kind of ArticleNotFound (no article has the id now), saying when it went, as the
    API's 410 does, so no command answers "no article" for an id it deleted.
    `minted_holder` is the other article that holds the guid minted for this id, (guid, id),
    when one does (stored before such guids were refused): a record with this id then needs
    a guid given explicitly, which the message says. `guid_holder` is the other article
    that holds `guid` now, if one does.
    """

    def __init__(
        self,
        article_id: str,
        guid: str,
        deleted_at: datetime,
        *,
        minted_holder: tuple[str, str] | None = None,
        guid_holder: str | None = None,
    ) -> None:
        again = "storing a record with this id (import, or PUT in the API) publishes it again"
        if minted_holder is not None:
            minted, holder = minted_holder
            given = (
                f"its old guid {guid!r}"
                if guid != minted and guid_holder is None
                else "a `guid` no other article has had"
            )
            again += (
                f" only if the record gives {given}: the guid minted for this id, {minted!r}, "
                f"belongs to article {holder!r}"
            )
        ArticleError.__init__(
            self, f"article {article_id!r} was deleted at {deleted_at.isoformat()}; {again}"
        )
        self.article_id = article_id
        self.guid = guid
        self.deleted_at = deleted_at
        self.minted_holder = minted_holder
        self.guid_holder = guid_holder


class ArticleExists(ArticleError):
    """A create for `article_id`, which is already stored (replace or correct it instead)."""

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(f"article {article_id!r} already exists")


# Whose a guid a new article may not have is (`GuidConflict.held`): a stored article's, an
# earlier record's of the same write, a deleted article's (kept for good, even once that id is
# published again under another guid), or the one the site mints for another id.
GuidHolder = Literal["stored", "input", "deleted", "minted"]


class GuidConflict(ArticleError):
    """A new article `article_id` carries `guid`, which is article `other_id`'s.

    An entry id belongs to one article forever (RFC 4287 4.2.6: readers take every entry
    with an id for the same article, and RFC 6721 deletes all of them with its tombstone).
    `held` says how it is `other_id`'s (`GuidHolder`): `stored`, `input` (an earlier record of
    the same write), `deleted` (it was the guid of `other_id` when that article was deleted,
    at `deleted_at`) or `minted` (the guid the site mints for the id `other_id`, which that
    article gets when it is stored). `own_minted` says that `guid` is the one the site mints
    for `article_id` itself, which the record may have left to be minted: then the way out is
    a guid of its own, not leaving it out. `holder` is the message after the guid: whose it
    is and what to do.
    """

    def __init__(
        self,
        article_id: str,
        guid: str,
        other_id: str,
        *,
        held: GuidHolder,
        own_minted: bool = False,
        deleted_at: datetime | None = None,
    ) -> None:
        self.article_id = article_id
        self.guid = guid
        self.other_id = other_id
        self.held = held
        self.own_minted = own_minted
        self.deleted_at = deleted_at
        self.holder = _guid_holder(held, other_id, own_minted, deleted_at)
        super().__init__(f"article {article_id!r}: guid: {guid!r} {self.holder}")

    @property
    def stored(self) -> bool:
        """Whether `other_id` is a stored article (this write's earlier batches included)."""
        return self.held == "stored"


def _guid_holder(
    held: GuidHolder, other_id: str, own_minted: bool, deleted_at: datetime | None
) -> str:
    """Whose the guid is and what to do, as GuidConflict's message says after the guid."""
    if held == "stored":
        whose = f"already belongs to stored article {other_id!r}"
    elif held == "input":
        whose = f"is also the guid of article {other_id!r}"
    elif held == "deleted":
        when = f" at {deleted_at.isoformat()}" if deleted_at is not None else ""
        whose = (
            f"was the guid of article {other_id!r} until it was deleted{when}, and an entry "
            "id is never another article's (readers would delete this one with it, or take it "
            "for that one)"
        )
    else:
        whose = (
            f"is the guid this site mints for article {other_id!r}: it would take that "
            "article's entry id"
        )
    if own_minted:
        # The record may have given no guid at all: "leave it out" would change nothing.
        return (
            f"(the guid minted for this id) {whose}; give the record a `guid` of its own, "
            "one no other article has had"
        )
    if held == "minted":
        return (
            f"{whose}; leave `guid` out to have one minted for this id, or give one of another form"
        )
    return f"{whose}; leave `guid` out to have one minted, or give one no other article has had"


class StaleArticle(ArticleError):
    """A conditional write (`expected` version) that no longer matches the stored article.

    `expected` is what the caller had (e.g. an ETag's `updated`), `current` what is stored.
    """

    def __init__(self, article_id: str, expected: str, current: str) -> None:
        self.article_id = article_id
        self.expected = expected
        self.current = current
        super().__init__(
            f"article {article_id!r}: stored version is {current}, not {expected} "
            "(changed since it was read)"
        )


class InvalidValue(ArticleError, ValueError):
    """A value that cannot be used: `field` names it (`facet`, `month`, `database_url`, ...)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class StoreError(ArticleError):
    """The database failed. `reason` is its first line; `article_id` the article, if one."""

    def __init__(self, reason: str, *, article_id: str | None = None) -> None:
        self.reason = reason
        self.article_id = article_id
        where = f"article {article_id!r}: " if article_id else ""
        super().__init__(f"{where}database: {reason}")


class StoreUnavailable(StoreError):
    """The database cannot be reached or opened (server down, file or folder not accessible).

    Passing: retrying later may succeed without any change to the request.
    """


class StoreFull(StoreError):
    """The database could not write because its disk (or its quota, or its size limit) is
    full: SQLite's `database or disk is full`, PostgreSQL's DiskFull (SQLSTATE 53100).

    Not passing: nothing more can be written until someone frees space; reads of what is
    stored still work.
    """


class UnstorableValue(StoreError):
    """The database refused a value it was given (text with a NUL on PostgreSQL, a number or
    date out of its range): the caller's mistake, not an outage; retrying cannot help."""
