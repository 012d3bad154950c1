"""The API's writes: each request's changes in one transaction, preconditions checked inside it.

A change names an article, how to build its new version from the stored one (a PUT's record,
a PATCH applied to the stored record) and the precondition the client set (If-Match,
If-None-Match). Inside one write transaction each change reads the stored article, checks
the precondition against it, builds and stamps the new version, writes it and adds a row to
the audit trail; any problem rolls everything back. After the commit the change is announced
to the app's listeners (WebSub), like every other write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from flask import current_app

from articles import audit
from articles.audit import AuditEntry
from articles.errors import ArticleNotFound
from articles.ids import mint_guid
from articles.model import Article
from articles.store import Facet, Store
from feeds.api.problems import Problem
from feeds.api.records import check_guid_kept, etag, same_content, stamped

Result = Literal["created", "replaced", "unchanged", "deleted"]
CHANGE_LISTENERS = "articles.change_listeners"


@dataclass(frozen=True, slots=True)
class Precondition:
    """The request's conditional headers as quoted strong ETags (or `*`); None when absent.

    RFC 9110 section 13: If-Match needs the stored version to be one of its tags (any
    version for `*`); If-None-Match needs it to be none of them (no article at all for `*`).
    """

    if_match: tuple[str, ...] | None = None
    if_none_match: tuple[str, ...] | None = None

    def check(self, article_id: str, current: Article | None) -> None:
        version = etag(current) if current is not None else None
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


Builder = Callable[[Article | None], Article | None]


@dataclass(frozen=True, slots=True)
class Change:
    """One article's change. `build(current)` returns the new version (unstamped), or None
    to delete; `action` names it in the audit trail."""

    article_id: str
    build: Builder
    action: Literal["create", "replace", "correct", "delete"]
    precondition: Precondition = Precondition()
    must_exist: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    article_id: str
    result: Result
    article: Article | None  # the stored version after the write (None once deleted)


def apply(
    store: Store, changes: Sequence[Change], *, actor: str, now: datetime, tag_authority: str
) -> list[Outcome]:
    """Make every change in one transaction, or none; announce what changed once committed."""
    outcomes: list[Outcome] = []
    entries: list[AuditEntry] = []
    affected: set[Facet] = set()
    with store.transaction() as tx:
        for change in changes:
            current = tx.get(change.article_id)
            if current is None and change.must_exist:
                raise ArticleNotFound(change.article_id)
            change.precondition.check(change.article_id, current)
            new = change.build(current)
            if new is None:
                if current is None:
                    raise ArticleNotFound(change.article_id)
                affected |= tx.delete(change.article_id, now=now)
                entries.append(AuditEntry(now, actor, change.article_id, "delete"))
                outcomes.append(Outcome(change.article_id, "deleted", None))
                continue
            check_guid_kept(new, current)
            if (
                current is not None
                and same_content(new, current)
                and new.updated <= current.updated
            ):
                outcomes.append(Outcome(change.article_id, "unchanged", current))
                continue
            new = stamped(new, current, now)
            if current is not None:
                new = replace(new, guid=current.guid)
            elif new.guid is None:
                new = new.with_guid(mint_guid(tag_authority, new.id))
            result = tx.upsert_many([new])
            affected |= result.affected
            action = change.action if current is not None else "create"
            entries.append(
                AuditEntry(now, actor, new.id, action, audit.changed_fields(current, new))
            )
            outcomes.append(Outcome(new.id, "created" if current is None else "replaced", new))
        audit.record(tx._conn, entries)
    _announce(affected)
    return outcomes


def _announce(facets: set[Facet]) -> None:
    if not facets:
        return
    for listener in current_app.extensions.get(CHANGE_LISTENERS, ()):
        try:
            listener(frozenset(facets))
        except Exception:  # noqa: BLE001 - committed already; a hub failure must not undo it
            current_app.logger.exception("change notification failed")
