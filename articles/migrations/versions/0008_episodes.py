"""Podcast episodes: a flag on each article with audio or video media, and its index.

A show's feed is the published articles of its section or tag that have audio or video
(`Article.episode_media`); the flag is set by every write from then on and here, once, from
the stored documents.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from articles.store.documents import Doc

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EPISODE_PREFIXES = ("audio/", "video/")
_BATCH = 1000


def upgrade() -> None:
    # Plain ALTER TABLE on both back-ends: a batch (copy-and-move) on SQLite would drop the
    # articles table, and its ON DELETE CASCADE the tag and author links with it.
    op.add_column(
        "articles", sa.Column("episode", sa.Boolean, nullable=False, server_default=sa.false())
    )
    bind = op.get_bind()
    doc_type = Doc  # reads a document in either stored form (articles.store.documents)
    articles = sa.table(
        "articles", sa.column("id", sa.Text), sa.column("doc", doc_type), sa.column("episode")
    )
    episodes: list[str] = []
    for row in bind.execute(sa.select(articles.c.id, articles.c.doc)):
        media = (row.doc or {}).get("media") or ()
        if any(str(m.get("type", "")).lower().startswith(_EPISODE_PREFIXES) for m in media):
            episodes.append(row.id)
    for start in range(0, len(episodes), _BATCH):
        bind.execute(
            articles.update()
            .where(articles.c.id.in_(episodes[start : start + _BATCH]))
            .values(episode=True)
        )
    op.create_index(
        "ix_articles_status_episode_published",
        "articles",
        ["status", "episode", sa.text("published DESC"), sa.text("id DESC")],
    )


def downgrade() -> None:
    op.drop_index("ix_articles_status_episode_published", table_name="articles")
    op.drop_column("articles", "episode")  # SQLite 3.35+: ALTER TABLE ... DROP COLUMN
