"""Articles, their tag and author links, and tombstones of deleted articles.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here rather than imported from articles.store: a migration must keep meaning
# what it meant when it was written, whatever the code becomes.
_Instant = sa.DateTime(timezone=True)
_Doc = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# Byte order for ids on PostgreSQL, as SQLite compares them: the same tie order everywhere.
_Id = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", _Id, primary_key=True),
        sa.Column("guid", sa.Text, nullable=False, unique=True),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("section_slug", sa.Text),
        sa.Column("section_label", sa.Text),
        sa.Column("source_slug", sa.Text),
        sa.Column("source_label", sa.Text),
        sa.Column("published", _Instant, nullable=False),
        sa.Column("updated", _Instant, nullable=False),
        sa.Column("doc", _Doc, nullable=False),
    )
    op.create_index(
        "ix_articles_status_published",
        "articles",
        ["status", sa.text("published DESC"), sa.text("id DESC"), "updated", "guid"],
    )
    for column in ("section_slug", "language", "source_slug"):
        op.create_index(
            f"ix_articles_status_{column}_published",
            "articles",
            ["status", column, sa.text("published DESC"), sa.text("id DESC"), "updated", "guid"],
        )
    for name, slug, label in (
        ("article_tags", "tag_slug", "tag_label"),
        ("article_authors", "author_slug", "author_name"),
    ):
        op.create_table(
            name,
            sa.Column(
                "article_id",
                _Id,
                sa.ForeignKey("articles.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column(slug, sa.Text, primary_key=True),
            sa.Column(label, sa.Text, nullable=False),
            sa.Column("status", sa.Text, nullable=False),
            sa.Column("published", _Instant, nullable=False),
        )
        op.create_index(
            f"ix_{name}_{slug}_status_published",
            name,
            [slug, "status", sa.text("published DESC"), sa.text("article_id DESC")],
        )
    op.create_table(
        "deleted_articles",
        sa.Column("id", _Id, primary_key=True),
        sa.Column("guid", sa.Text, nullable=False),
        sa.Column("deleted_at", _Instant, nullable=False),
        sa.Column("published", _Instant, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("section_slug", sa.Text),
        sa.Column("source_slug", sa.Text),
        sa.Column("tag_slugs", sa.JSON, nullable=False),
        sa.Column("author_slugs", sa.JSON, nullable=False),
    )
    op.create_index(
        "ix_deleted_articles_deleted_at", "deleted_articles", [sa.text("deleted_at DESC")]
    )


def downgrade() -> None:
    op.drop_table("deleted_articles")
    op.drop_table("article_authors")
    op.drop_table("article_tags")
    op.drop_table("articles")
