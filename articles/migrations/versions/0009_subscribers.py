"""Subscriber counts: aggregators' reported counts and hashed direct clients, per day and feed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("feed", sa.Text, primary_key=True),
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("subscribers", sa.Integer, nullable=False),
        sa.Column("seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "subscriber_salts",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("salt", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("subscriber_salts")
    op.drop_table("subscribers")
