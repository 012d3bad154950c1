"""Published-article counts per feed, so counting a feed does not read the whole feed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Fill the counts from the articles already stored (the store keeps them in step afterwards).
_BACKFILL = """
INSERT INTO facet_counts (kind, value, published_count)
SELECT 'all', '', count(*) FROM articles WHERE status = 'published'
UNION ALL
SELECT 'section', section_slug, count(*) FROM articles
    WHERE status = 'published' AND section_slug IS NOT NULL GROUP BY section_slug
UNION ALL
SELECT 'language', language, count(*) FROM articles
    WHERE status = 'published' GROUP BY language
UNION ALL
SELECT 'source', source_slug, count(*) FROM articles
    WHERE status = 'published' AND source_slug IS NOT NULL GROUP BY source_slug
UNION ALL
SELECT 'tag', tag_slug, count(*) FROM article_tags
    WHERE status = 'published' GROUP BY tag_slug
UNION ALL
SELECT 'author', author_slug, count(*) FROM article_authors
    WHERE status = 'published' GROUP BY author_slug
"""


def upgrade() -> None:
    op.create_table(
        "facet_counts",
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, primary_key=True),
        sa.Column("published_count", sa.Integer, nullable=False),
    )
    op.execute(_BACKFILL)


def downgrade() -> None:
    op.drop_table("facet_counts")
