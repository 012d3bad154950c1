"""The editorial lifecycle: RFC 6721 tombstones per feed, per-feed change times, embargo lifts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")

# Articles already waiting under embargo get their lift announced like new ones.
_BACKFILL_LIFTS = """
INSERT INTO embargo_lifts (article_id, lift_at)
SELECT id, published FROM articles WHERE status = 'published' AND published > {now}
"""


def upgrade() -> None:
    op.create_table(
        "feed_tombstones",
        sa.Column("article_id", _ID, primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, primary_key=True),
        sa.Column("guid", sa.Text, nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_feed_tombstones_kind_value_removed_at",
        "feed_tombstones",
        ["kind", "value", sa.text("removed_at DESC")],
    )
    op.create_table(
        "facet_changes",
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, primary_key=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "embargo_lifts",
        sa.Column("article_id", _ID, primary_key=True),
        sa.Column("lift_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_embargo_lifts_lift_at", "embargo_lifts", ["lift_at"])
    # SQLite keeps times as fixed-width UTC text, which datetime('now') compares with.
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(_BACKFILL_LIFTS.format(now="datetime('now')" if sqlite else "CURRENT_TIMESTAMP"))


def downgrade() -> None:
    op.drop_index("ix_embargo_lifts_lift_at", "embargo_lifts")
    op.drop_table("embargo_lifts")
    op.drop_table("facet_changes")
    op.drop_index("ix_feed_tombstones_kind_value_removed_at", "feed_tombstones")
    op.drop_table("feed_tombstones")
