"""Section and source labels in the slug registry, so different labels never share a feed.

A section or source given as a label alone (`"section": "C#"`) had its slug derived from the
label, so `C++`, `C#` and `C` were all the section `c`: one feed titled with whichever label
came last, holding the others' stories. From now on such a slug is the registry's
(`articles.store.slugs`, as for tags and authors): the first label keeps it and later ones get
`c-2`, `c-3`, ... A slug the record gives itself (`{"slug": "asia", "label": "Asia"}`) still
names the section, and may name it under several labels.

Existing rows: each (slug, label) of a section or source is registered, the label of the
newest article with the slug first, unless its label or its slug is registered already.
Nothing is moved: whether a stored slug was given or derived is not recorded, and moving a
given one would split a section its newsroom named on purpose. A label that shares its slug
with another gets its own slug when its record is written again without a slug.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from articles.slugs import label_key

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    conn = op.get_bind()
    slugs = sa.table(
        "slugs", sa.column("kind"), sa.column("label_key"), sa.column("slug"), sa.column("label")
    )
    for kind in ("section", "source"):
        articles = sa.table(
            "articles",
            sa.column(f"{kind}_slug"),
            sa.column(f"{kind}_label"),
            sa.column("published", _Instant),
        )
        slug_column, label_column = articles.c[f"{kind}_slug"], articles.c[f"{kind}_label"]
        newest = sa.func.max(articles.c.published)
        rows = conn.execute(
            sa.select(slug_column, label_column, newest.label("newest"))
            .where(slug_column.is_not(None), label_column.is_not(None))
            .group_by(slug_column, label_column)
            .order_by(newest.desc(), slug_column)
        ).all()
        held_keys: set[str] = set()
        held_slugs: set[str] = set()
        for key, slug in conn.execute(
            sa.select(slugs.c.label_key, slugs.c.slug).where(slugs.c.kind == kind)
        ):
            held_keys.add(key)
            held_slugs.add(slug)
        claims = []
        for slug, label, _ in rows:
            key = label_key(label)
            if key in held_keys or slug in held_slugs:
                continue
            held_keys.add(key)
            held_slugs.add(slug)
            claims.append({"kind": kind, "label_key": key, "slug": slug, "label": label})
        if claims:
            conn.execute(slugs.insert(), claims)


def downgrade() -> None:
    conn = op.get_bind()
    slugs = sa.table("slugs", sa.column("kind"))
    conn.execute(slugs.delete().where(slugs.c.kind.in_(("section", "source"))))
