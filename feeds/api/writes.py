"""The API's writes, through the one write service (`articles.service.ArticleService.apply`).

A change names an article, how to build its new version from the stored one (a PUT's record,
a PATCH applied to the stored record) and the precondition the client set (If-Match,
If-None-Match). The service runs every change of a request in one write transaction: each
reads the stored article, checks the precondition against it, builds and stamps the new
version; the service writes it, adds a row to the audit trail, and after the commit
announces the change to its listeners (WebSub), as for every other write. Any problem rolls
everything back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from articles.errors import ArticleNotFound
from articles.model import Article
from articles.service import ArticleService, Edit, Stamp
from feeds.api.problems import Problem
from feeds.api.records import check_guid_kept, etag, same_content, stamped

Result = Literal["created", "replaced", "unchanged", "deleted"]


@dataclass(frozen=True, slots=True)
class Precondition:
    """The request's conditional headers as quoted strong ETags (or `*`); None when absent.

    RFC 9110 section 13: If-Match needs the stored version to be one of its tags (any
    version for `*`); If-None-Match needs it to be none of them (no article at all for `*`).
    """

    if_match: tuple[str, ...] | None = None
    if_none_match: tuple[str, ...] | None = None

    def check(self, article_id: str, current: Article | None, now: datetime) -> None:
        """Raise a 412 problem unless the stored `current` (its resource at `now`, the time
        of the request) meets the precondition."""
        version = etag(current, now) if current is not None else None
        if self.if_none_match is not None and version is not None:
            if "*" in self.if_none_match:
                raise Problem(
                    412,
                    f"article {article_id!r} already exists and If-None-Match: * asked to "
                    "create it only if it did not; send If-Match with its ETag to replace it",
                    kind="precondition-failed",
                    headers={"ETag": version},
                )
            if version in self.if_none_match:
                raise Problem(
                    412,
                    f"article {article_id!r} is still at the version If-None-Match excludes",
                    kind="precondition-failed",
                    headers={"ETag": version},
                )
        if self.if_match is None:
            return
        if version is None:
            raise Problem(
                412,
                f"If-Match was sent, but there is no article {article_id!r} to match; "
                "create it without If-Match",
                kind="precondition-failed",
            )
        if "*" not in self.if_match and version not in self.if_match:
            raise Problem(
                412,
                f"article {article_id!r} changed since that version was read (it is now "
                f"{version}); GET it again and apply the change to the new version",
                kind="precondition-failed",
                headers={"ETag": version},
            )


# A change's new version from the stored one and the time of the write (read under the
# write lock, `ArticleService.apply`): the PATCH of an embargo lifting "now" publishes then.
Builder = Callable[[Article | None, datetime], Article | None]


@dataclass(frozen=True, slots=True)
class Change:
    """One article's change. `build(current)` returns the new version (unstamped), or None
    to delete; `action` names it in the audit trail; `must_exist` makes a missing article a
    404 (PATCH, DELETE)."""

    article_id: str
    build: Builder
    action: Literal["replace", "correct", "delete"]
    precondition: Precondition = Precondition()
    must_exist: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    article_id: str
    result: Result
    article: Article | None  # the stored version after the write (None once deleted)


_RESULTS: dict[str, Result] = {
    "created": "created",
    "updated": "replaced",
    "unchanged": "unchanged",
    "deleted": "deleted",
}


def apply(
    service: ArticleService, changes: Sequence[Change], *, actor: str, requested: datetime
) -> list[Outcome]:
    """Make every change through the write service in one transaction, or none.

    Inside the service's transaction each change's precondition is checked against the
    stored article, its new version built, and `updated` stamped with the time of the write
    when anything changed (see `feeds.api.records.stamped`); the service writes, audits and
    announces. `requested` is the time the request came in, which a record without its own
    `updated` was read with (`RecordRules.written_at`); the time of the write is the
    service's, read once the write lock is held, so a write that waited (behind another
    writer) is dated after every fetch that could not see it.
    """
    edits = [Edit(c.article_id, _builder(c, requested), c.action) for c in changes]
    results = service.apply(edits, actor=actor)
    return [Outcome(r.article_id, _RESULTS[r.outcome], r.article) for r in results]


def _builder(
    change: Change, requested: datetime
) -> Callable[[Article | None, datetime, Stamp], Article | None]:
    def build(current: Article | None, now: datetime, stamp: Stamp) -> Article | None:
        if current is None and change.must_exist:
            raise ArticleNotFound(change.article_id)
        change.precondition.check(change.article_id, current, now)
        new = change.build(current, now)
        if new is None:
            return None
        check_guid_kept(new, current)
        # A record without `updated` carries the time the request came in (`RecordRules`):
        # no newer version by itself.
        if (
            current is not None
            and same_content(new, current)
            and (new.updated <= current.updated or new.updated == requested)
        ):
            # The service answers `unchanged` and writes nothing.
            return replace(new, updated=min(new.updated, current.updated))
        return stamped(new, current, now, stamp)

    return build
