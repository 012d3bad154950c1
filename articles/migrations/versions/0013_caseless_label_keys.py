"""Slug registry keys by Unicode caseless matching (articles.slugs.label_key).

The registry's label keys were NFKC + case folding; the rule now also folds until stable and
drops a dot above on a soft-dotted letter (the Turkish `İ` folds to `i` + U+0307), so
`İstanbul` and `istanbul` are one label. Each row is re-keyed from its label by the rule as it
is now (a later change of the rule brings its own re-keying revision, which this one then
agrees with).

A row whose new key another row already holds (both spellings were used before, as two tags
with two slugs) keeps its old key: its slug stays given to it and its articles stay in its
feed; the next write of one of them files it under the other label's slug (an ordinary write,
with the moved entry's tombstone). The row kept is the one whose key did not change, else the
shortest slug (the first claimed: later ones are numbered).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from articles.slugs import label_key

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    slugs = sa.table(
        "slugs", sa.column("kind"), sa.column("label_key"), sa.column("slug"), sa.column("label")
    )
    rows = conn.execute(sa.select(slugs.c.kind, slugs.c.label_key, slugs.c.slug, slugs.c.label))
    held: set[tuple[str, str]] = set()
    changed: list[tuple[str, str, str, str]] = []
    for kind, key, slug, label in rows:
        held.add((kind, key))
        if label_key(label) != key:
            changed.append((kind, key, slug, label_key(label)))
    # Rows already keyed by the rule are held; of the others the first claimed goes first.
    for kind, key, _slug, new in sorted(changed, key=lambda row: (len(row[2]), row[2])):
        if (kind, new) in held:
            continue
        conn.execute(
            slugs.update()
            .where(slugs.c.kind == kind, slugs.c.label_key == key)
            .values(label_key=new)
        )
        held.discard((kind, key))
        held.add((kind, new))


def downgrade() -> None:
    # The keys of the older rule would be recomputed from each row's label; not needed to
    # read the data (every key names its slug either way), so nothing is undone.
    pass
