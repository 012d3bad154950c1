"""The slug registry: one slug per tag or author label, never shared, never changed.

Before this revision a tag's or author's slug came from its label alone, so different labels
could share one (`C++`, `C#` and `C` were all `c`). The `slugs` table gives each label
(NFKC, case-folded, white space collapsed) its own slug from now on.

Existing rows: every label keeps the slug it has when no other label shares it. Where labels
shared a slug, the label of the newest article with that slug (the one the feed was titled
with) keeps it, and each other label gets the first free `slug-2`, `slug-3`, ...: its link
rows, its articles' JSON documents and the published counts move to the new slug, so its
articles appear under a feed of their own. (Labels an article lost before this revision,
because the reader kept only the first of several with one slug, cannot be brought back:
re-import those records.)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from articles.store.documents import Doc

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The column's type as the app reads it now: it reads a document stored in either form
# (`articles.store.documents`), so this runs again after a downgrade of a store whose newer
# rows are compressed.
_Doc = Doc
_Instant = sa.DateTime(timezone=True)
# (kind, link table, slug column, label column, list in the document, label key in its items)
_KINDS = (
    ("tag", "article_tags", "tag_slug", "tag_label", "tags", "label"),
    ("author", "article_authors", "author_slug", "author_name", "authors", "name"),
)


def _label_key(label: str) -> str:
    # As articles.slugs.label_key was when this revision was written.
    return " ".join(unicodedata.normalize("NFKC", label).casefold().split())


def _numbered(base: str, number: int) -> str:
    suffix = f"-{number}"
    return (base if len(base) <= 100 - len(suffix) else base[: 100 - len(suffix)]) + suffix


def upgrade() -> None:
    op.create_table(
        "slugs",
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("label_key", sa.Text, primary_key=True),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.UniqueConstraint("kind", "slug", name="uq_slugs_kind_slug"),
    )
    conn = op.get_bind()
    slugs = sa.table(
        "slugs", sa.column("kind"), sa.column("label_key"), sa.column("slug"), sa.column("label")
    )
    articles = sa.table("articles", sa.column("id"), sa.column("doc", _Doc))
    counts = sa.table(
        "facet_counts", sa.column("kind"), sa.column("value"), sa.column("published_count")
    )
    for kind, name, slug_column, label_column, document, document_label in _KINDS:
        link = sa.table(
            name,
            sa.column("article_id"),
            sa.column(slug_column),
            sa.column(label_column),
            sa.column("status"),
            sa.column("published", _Instant),
        )
        rows = conn.execute(
            sa.select(
                link.c.article_id, link.c[slug_column], link.c[label_column], link.c.status
            ).order_by(link.c.published.desc(), link.c.article_id.desc())
        ).all()
        claims: dict[str, tuple[str, str]] = {}  # label key -> (slug, label)
        owners: dict[str, str] = {}  # slug -> label key
        for _, slug, label, _status in rows:  # newest first: the feed's current title wins
            key = _label_key(label)
            if key not in claims and slug not in owners:
                claims[key] = (slug, label)
                owners[slug] = key
        for _, slug, label, _status in rows:
            key = _label_key(label)
            if key in claims:
                continue
            number = 2
            while _numbered(slug, number) in owners:
                number += 1
            claims[key] = (_numbered(slug, number), label)
            owners[claims[key][0]] = key
        if claims:
            conn.execute(
                slugs.insert(),
                [
                    {"kind": kind, "label_key": key, "slug": slug, "label": label}
                    for key, (slug, label) in claims.items()
                ],
            )
        moved: dict[str, dict[str, str]] = {}  # article id -> {label key: new slug}
        for article_id, slug, label, status in rows:
            new = claims[_label_key(label)][0]
            if new == slug:
                continue
            conn.execute(
                link.update()
                .where(link.c.article_id == article_id, link.c[slug_column] == slug)
                .values({slug_column: new})
            )
            moved.setdefault(article_id, {})[_label_key(label)] = new
            if status == "published":
                for value, step in ((slug, -1), (new, 1)):
                    updated = conn.execute(
                        counts.update()
                        .where(counts.c.kind == kind, counts.c.value == value)
                        .values(published_count=counts.c.published_count + step)
                    )
                    if updated.rowcount == 0:
                        conn.execute(
                            counts.insert(), {"kind": kind, "value": value, "published_count": step}
                        )
        for article_id, new_slugs in moved.items():
            doc = conn.execute(
                sa.select(articles.c.doc).where(articles.c.id == article_id)
            ).scalar_one()
            if isinstance(doc, str):
                doc = json.loads(doc)
            for item in doc.get(document) or ():
                key = _label_key(item[document_label])
                if key in new_slugs:
                    item["slug"] = new_slugs[key]
            conn.execute(articles.update().where(articles.c.id == article_id).values(doc=doc))


def downgrade() -> None:
    # The slugs given stay in the rows; only the registry goes.
    op.drop_table("slugs")
