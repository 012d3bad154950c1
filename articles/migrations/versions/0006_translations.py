"""The other language versions each article names (article_translations).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Existing records name none (the field is new), so the table starts empty.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here rather than imported: a migration keeps meaning what it meant when written.
_Id = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "article_translations",
        sa.Column(
            "article_id",
            _Id,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("other_id", _Id, primary_key=True),
    )
    op.create_index("ix_article_translations_other_id", "article_translations", ["other_id"])


def downgrade() -> None:
    op.drop_index("ix_article_translations_other_id", table_name="article_translations")
    op.drop_table("article_translations")
