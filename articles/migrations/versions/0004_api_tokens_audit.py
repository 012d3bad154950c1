"""API tokens (hashes only) and the audit trail of every write.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here rather than imported: a migration keeps meaning what it meant when written.
_Instant = sa.DateTime(timezone=True)
_Id = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", _Instant, nullable=False),
        sa.Column("last_used_at", _Instant),
        sa.Column("revoked_at", _Instant),
    )
    op.create_table(
        "article_audit",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _Instant, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("article_id", _Id, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
    )
    op.create_index("ix_article_audit_article_id_seq", "article_audit", ["article_id", "seq"])


def downgrade() -> None:
    op.drop_table("article_audit")
    op.drop_table("api_tokens")
