"""Language feeds by RFC 4647 basic filtering: `article_languages`, one row per language range.

A language feed held the articles whose tag was exactly its own; now the feed of `ko` holds
`ko` and `ko-KR`, the feed of `zh` every `zh-...` (articles.languages.language_ranges). This
revision creates the link table and fills it from the stored articles, recounts the language
feeds' published counts, gives each range feed the change times and sequence of the tags it
selects (a write that changed the `ko-KR` feed changed the `ko` feed too) and the RFC 6721
tombstones they recorded, and drops the articles index the language feeds no longer read.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from articles.languages import language_ranges

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here rather than imported from articles.store: a migration must keep meaning
# what it meant when it was written, whatever the code becomes.
_Instant = sa.DateTime(timezone=True)
_Id = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")

# Every language tag the store mentions: of its articles, feeds' change times, tombstones.
_TAGS = """
SELECT language FROM articles
UNION SELECT value FROM facet_changes WHERE kind = 'language'
UNION SELECT value FROM feed_tombstones WHERE kind = 'language'
"""

_FILL = """
INSERT INTO article_languages (article_id, language, status, published)
SELECT a.id, r.range_tag, a.status, a.published
FROM articles a JOIN migration_language_ranges r ON r.tag = a.language
"""

_RECOUNT = """
INSERT INTO facet_counts (kind, value, published_count)
SELECT 'language', language, count(*) FROM article_languages
    WHERE status = 'published' GROUP BY language
"""

# A range feed's latest change is the latest of the tags it selects (itself among them).
_CHANGES = """
SELECT r.range_tag AS value, max(f.changed_at) AS changed_at, max(f.seq) AS seq
FROM facet_changes f JOIN migration_language_ranges r ON r.tag = f.value
WHERE f.kind = 'language'
GROUP BY r.range_tag
"""

# A tag's tombstones placed in its range feeds too (a row already there is kept).
_TOMBSTONES = """
INSERT INTO feed_tombstones (article_id, kind, value, guid, published, removed_at, reason)
SELECT t.article_id, 'language', r.range_tag, t.guid, t.published, t.removed_at, t.reason
FROM feed_tombstones t JOIN migration_language_ranges r ON r.tag = t.value
WHERE t.kind = 'language' AND r.range_tag <> r.tag AND NOT EXISTS (
    SELECT 1 FROM feed_tombstones o
    WHERE o.article_id = t.article_id AND o.kind = 'language' AND o.value = r.range_tag
)
"""


def upgrade() -> None:
    op.create_table(
        "article_languages",
        sa.Column(
            "article_id",
            _Id,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("language", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("published", _Instant, nullable=False),
    )
    op.create_index(
        "ix_article_languages_language_status_published",
        "article_languages",
        ["language", "status", sa.text("published DESC"), sa.text("article_id DESC")],
    )
    conn = op.get_bind()
    ranges = sa.Table(
        "migration_language_ranges",
        sa.MetaData(),
        sa.Column("tag", sa.Text, primary_key=True),
        sa.Column("range_tag", sa.Text, primary_key=True),
        prefixes=["TEMPORARY"],
    )
    ranges.create(conn)
    pairs = [
        {"tag": tag, "range_tag": each}
        for tag in sorted(conn.execute(sa.text(_TAGS)).scalars())
        for each in language_ranges(tag)
    ]
    if pairs:
        conn.execute(ranges.insert(), pairs)
    conn.execute(sa.text(_FILL))
    conn.execute(sa.text("DELETE FROM facet_counts WHERE kind = 'language'"))
    conn.execute(sa.text(_RECOUNT))
    changes = conn.execute(sa.text(_CHANGES)).all()
    conn.execute(sa.text("DELETE FROM facet_changes WHERE kind = 'language'"))
    if changes:
        conn.execute(
            sa.text(
                "INSERT INTO facet_changes (kind, value, changed_at, seq) "
                "VALUES ('language', :value, :changed_at, :seq)"
            ),
            [{"value": r.value, "changed_at": r.changed_at, "seq": r.seq} for r in changes],
        )
    conn.execute(sa.text(_TOMBSTONES))
    ranges.drop(conn)
    op.drop_index("ix_articles_status_language_published", "articles")


def downgrade() -> None:
    op.create_index(
        "ix_articles_status_language_published",
        "articles",
        ["status", "language", sa.text("published DESC"), sa.text("id DESC"), "updated", "guid"],
    )
    op.drop_index("ix_article_languages_language_status_published", "article_languages")
    op.drop_table("article_languages")
    op.execute("DELETE FROM facet_counts WHERE kind = 'language'")
    op.execute(
        "INSERT INTO facet_counts (kind, value, published_count) "
        "SELECT 'language', language, count(*) FROM articles "
        "WHERE status = 'published' GROUP BY language"
    )
