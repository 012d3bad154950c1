"""Each feed's change sequence: the store's change sequence at the feed's latest write.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Feeds written before this revision get 0: older than any reading taken from now on.
    op.add_column(
        "facet_changes",
        sa.Column("seq", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index("ix_facet_changes_seq", "facet_changes", ["seq"])


def downgrade() -> None:
    op.drop_index("ix_facet_changes_seq", table_name="facet_changes")
    with op.batch_alter_table("facet_changes") as batch:
        batch.drop_column("seq")
