"""`retired_guids`: the guid of every deleted article, kept for good so no other article gets it.

A new article could take the guid of a deleted one: its feeds then held the RFC 6721
tombstone of that entry id and a live entry with the same id, which readers delete. From now
on a delete keeps its article's guid here and a new article whose guid is one of them is
refused (`GuidConflict`), unless it is the same id published again.

Existing rows: the guids of `deleted_articles` and those of `feed_tombstones` that their
article (published again under another guid) no longer has, each under the article that had
it first (a guid two deleted articles had, taken before this rule, goes to the earlier).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_Instant = sa.DateTime(timezone=True)
_Id = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    retired = op.create_table(
        "retired_guids",
        sa.Column("guid", sa.Text, primary_key=True),
        sa.Column("article_id", _Id, nullable=False),
        sa.Column("deleted_at", _Instant, nullable=False),
    )
    conn = op.get_bind()
    deleted = sa.table(
        "deleted_articles", sa.column("id"), sa.column("guid"), sa.column("deleted_at", _Instant)
    )
    stones = sa.table(
        "feed_tombstones",
        sa.column("article_id"),
        sa.column("guid"),
        sa.column("removed_at", _Instant),
    )
    articles = sa.table("articles", sa.column("id"), sa.column("guid"))
    # A tombstone of a stored article under its own guid (withdrawn): that guid is in use.
    kept = sa.exists().where(articles.c.id == stones.c.article_id, articles.c.guid == stones.c.guid)
    rows = sa.union_all(
        sa.select(deleted.c.guid, deleted.c.id.label("article_id"), deleted.c.deleted_at),
        sa.select(stones.c.guid, stones.c.article_id, stones.c.removed_at.label("deleted_at"))
        .where(~kept)
        .distinct(),
    ).subquery()
    first: dict[str, dict[str, object]] = {}
    for guid, article_id, deleted_at in conn.execute(
        sa.select(rows.c.guid, rows.c.article_id, rows.c.deleted_at).order_by(
            rows.c.deleted_at, rows.c.article_id
        )
    ):
        first.setdefault(guid, {"guid": guid, "article_id": article_id, "deleted_at": deleted_at})
    if first:
        op.bulk_insert(retired, list(first.values()))


def downgrade() -> None:
    op.drop_table("retired_guids")
