"""When a write last changed what readers see of the articles published in each UTC month.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty at first: the changes before it are dated by the documents' version, which the
    # release bringing this revision moves forward (feeds.etag.DocumentVersion).
    op.create_table(
        "month_changes",
        sa.Column("month", sa.Text, primary_key=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("month_changes")
