"""Which articles each write changed, by the store's change sequence.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_change_log",
        sa.Column("entry", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("ids", sa.Text, nullable=False),
    )
    op.create_index("ix_article_change_log_seq", "article_change_log", ["seq"])
    # The log is complete for the writes after the sequence as it is now.
    op.execute(
        "INSERT INTO change_sequence (name, seq) "
        "SELECT 'article_log', seq FROM change_sequence WHERE name = 'articles'"
    )


def downgrade() -> None:
    op.execute("DELETE FROM change_sequence WHERE name = 'article_log'")
    op.drop_index("ix_article_change_log_seq", table_name="article_change_log")
    op.drop_table("article_change_log")
