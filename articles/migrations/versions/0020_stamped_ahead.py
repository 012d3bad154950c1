"""`stamped_ahead`: the write time of each stored version the server dated ahead of the clock.

A burst of server-dated writes stamps each version a second of its own, up to a lead ahead of
the clock. A record made after such a write, and dated truthfully, was older than the stamp
and the importer skipped it. From now on the store keeps the write's time of every version it
stamps ahead, and an incoming record counts against that time (`articles.store.stamps`).

Existing rows: none. Versions stamped before this revision are at most the lead (two
minutes) ahead of their write; they keep the rule they were written under.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_Instant = sa.DateTime(timezone=True)
_Id = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "stamped_ahead",
        sa.Column(
            "article_id",
            _Id,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("written", _Instant, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stamped_ahead")
