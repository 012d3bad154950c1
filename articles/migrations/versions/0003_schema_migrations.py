"""A record of every schema upgrade: when, from which revision to which, and who ran it.

So `flask articles migrate` on a database the app already migrated when it first started can
say so, instead of only "schema already at ...".

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schema_migrations",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_revision", sa.Text),
        sa.Column("to_revision", sa.Text, nullable=False),
        sa.Column("applied_by", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("schema_migrations")
