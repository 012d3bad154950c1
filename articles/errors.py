"""The errors the articles package raises: one tree, each error naming what it is about.

```
ArticleError
├── InvalidArticle(where, field, reason)     a record that cannot become an Article
├── UnreadableInput                          a whole input that cannot be read
├── ArticleNotFound(article_id)              no stored article has this id
│   └── ArticleDeleted(article_id, guid, deleted_at)   ... because it was deleted then
├── ArticleExists(article_id)                a create for an id already stored
├── GuidConflict(article_id, guid, other_id) the guid already belongs to another article
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
    """

    def __init__(self, article_id: str, guid: str, deleted_at: datetime) -> None:
        ArticleError.__init__(
            self,
            f"article {article_id!r} was deleted at {deleted_at.isoformat()}; storing a "
            "record with this id (import, or PUT in the API) publishes it again",
        )
        self.article_id = article_id
        self.guid = guid
        self.deleted_at = deleted_at


class ArticleExists(ArticleError):
    """A create for `article_id`, which is already stored (replace or correct it instead)."""

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(f"article {article_id!r} already exists")


class GuidConflict(ArticleError):
    """A new article `article_id` carries `guid`, which already belongs to `other_id`.

    `stored` says whether `other_id` is a stored article (True) or an earlier record of the
    same write (False).
    """

    def __init__(self, article_id: str, guid: str, other_id: str, *, stored: bool) -> None:
        self.article_id = article_id
        self.guid = guid
        self.other_id = other_id
        self.stored = stored
        holder = (
            f"already belongs to stored article {other_id!r}"
            if stored
            else f"is also the guid of article {other_id!r}"
        )
        super().__init__(f"article {article_id!r}: guid: {guid!r} {holder}")


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
