"""The slug registry learns when readers first could see each label (`slugs.shown_from`) and
the slug each label asked for (`slugs.base`).

A tag or author label only a draft, a withheld or an embargoed article carried claimed its
slug when it was written, so a later public label with the same slug got `x-2`: the public URL
told readers an unpublished label existed, and the draft's label, once published, took the
plain slug though readers saw it later. From now on such a label's slug is provisional until
readers can see an article carrying it (`articles.store.slug_claims`), and never outranks a
label they see.

Existing rows: `shown_from` is the earliest publication time of a published article carrying
the label (link tables); a label none carries now keeps its slug for good (the epoch) when any
feed of its slug ever changed or holds a tombstone (readers may have seen it), else it is
provisional (NULL). Section and source rows are claimed for good (the epoch). `base` is the
slug the label's text derives (`articles.text.slugify`) when the stored slug is a numbered
form of it, else the stored slug itself.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from articles.slugs import numbered
from articles.text import slugify

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_Instant = sa.DateTime(timezone=True)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LINKS = {"tag": ("article_tags", "tag_slug"), "author": ("article_authors", "author_slug")}


def _base(label: str, slug: str) -> str:
    derived = slugify(label)
    if slug == numbered(derived, 1):
        return derived
    match = re.fullmatch(r".*-([0-9]+)", slug)
    if match and numbered(derived, int(match.group(1))) == slug:
        return derived
    return slug


def upgrade() -> None:
    with op.batch_alter_table("slugs") as batch:
        batch.add_column(sa.Column("base", sa.Text, nullable=True))
        batch.add_column(sa.Column("shown_from", _Instant, nullable=True))
    conn = op.get_bind()
    slugs = sa.table(
        "slugs",
        sa.column("kind"),
        sa.column("label_key"),
        sa.column("slug"),
        sa.column("label"),
        sa.column("base"),
        sa.column("shown_from", _Instant),
    )
    changes = sa.table("facet_changes", sa.column("kind"), sa.column("value"))
    tombstones = sa.table("feed_tombstones", sa.column("kind"), sa.column("value"))
    seen: set[tuple[str, str]] = set()
    for table in (changes, tombstones):
        seen.update(
            (row.kind, row.value) for row in conn.execute(sa.select(table.c.kind, table.c.value))
        )
    for kind, label_key, slug, label in conn.execute(
        sa.select(slugs.c.kind, slugs.c.label_key, slugs.c.slug, slugs.c.label)
    ).all():
        shown = None
        if kind in _LINKS:
            name, column = _LINKS[kind]
            links = sa.table(
                name, sa.column(column), sa.column("status"), sa.column("published", _Instant)
            )
            shown = conn.execute(
                sa.select(sa.func.min(links.c.published)).where(
                    links.c[column] == slug, links.c.status == "published"
                )
            ).scalar_one_or_none()
            if isinstance(shown, str):  # SQLite keeps instants as UTC text
                shown = datetime.fromisoformat(shown.replace("Z", "+00:00"))
            if shown is None and (kind, slug) in seen:
                shown = _EPOCH
        else:
            shown = _EPOCH
        conn.execute(
            slugs.update()
            .where(slugs.c.kind == kind, slugs.c.label_key == label_key)
            .values(base=_base(label, slug), shown_from=shown)
        )
    with op.batch_alter_table("slugs") as batch:
        batch.alter_column("base", existing_type=sa.Text, nullable=False)
    op.create_index("ix_slugs_kind_shown_from", "slugs", ["kind", "shown_from"])


def downgrade() -> None:
    op.drop_index("ix_slugs_kind_shown_from", table_name="slugs")
    with op.batch_alter_table("slugs") as batch:
        batch.drop_column("shown_from")
        batch.drop_column("base")
