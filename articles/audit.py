"""The audit trail: one row per write to an article, kept forever.

Each row says when, who (`actor`: the API token's name, or `cli` for commands), which
article, the action (`create`, `replace`, `correct`, `delete`) and which fields of the record
changed. Rows are written in the same transaction as the change they describe, so the trail
never claims a change that did not happen, nor misses one that did.
`flask --app wsgi articles history ID` prints an article's trail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from articles.model import Article, article_to_dict
from articles.store.schema import audit_table

Action = Literal["create", "replace", "correct", "delete"]
ACTIONS: Final[tuple[Action, ...]] = ("create", "replace", "correct", "delete")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One write: `fields` are the record fields it changed, in record order."""

    at: datetime
    actor: str
    article_id: str
    action: Action
    fields: tuple[str, ...] = ()


def changed_fields(before: Article | None, after: Article | None) -> tuple[str, ...]:
    """The record fields whose values differ, in record order.

    A new article lists every field it has a value for; a deletion lists none.
    """
    if after is None:
        return ()
    new = article_to_dict(after)
    if before is None:
        return tuple(name for name, value in new.items() if value not in (None, "", []))
    old = article_to_dict(before)
    return tuple(name for name, value in new.items() if old.get(name) != value)


def record(conn: Connection, entries: Sequence[AuditEntry]) -> None:
    """Write `entries` on `conn`, inside the caller's transaction."""
    if not entries:
        return
    conn.execute(
        audit_table.insert(),
        [
            {
                "at": entry.at,
                "actor": entry.actor,
                "article_id": entry.article_id,
                "action": entry.action,
                "fields": list(entry.fields),
            }
            for entry in entries
        ],
    )


def history(engine: Engine, article_id: str, *, limit: int | None = None) -> list[AuditEntry]:
    """The article's trail, oldest first (the last `limit` entries when given)."""
    a = audit_table
    query = sa.select(a).where(a.c.article_id == article_id).order_by(a.c.seq.desc())
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = list(conn.execute(query))
    return [_entry(row) for row in reversed(rows)]


def _entry(row: sa.Row[Any]) -> AuditEntry:
    return AuditEntry(
        at=row.at,
        actor=row.actor,
        article_id=row.article_id,
        action=row.action,
        fields=tuple(row.fields),
    )


def entry_to_dict(entry: AuditEntry) -> Mapping[str, Any]:
    """JSON shape of an entry (`at` in RFC 3339)."""
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "article_id": entry.article_id,
        "action": entry.action,
        "fields": list(entry.fields),
    }
