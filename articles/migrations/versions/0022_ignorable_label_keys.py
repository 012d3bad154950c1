"""Slug registry keys without default-ignorable characters (articles.slugs.label_key).

The rule now leaves out what shows nothing (Unicode's Default_Ignorable_Code_Point: zero-width
space, joiners, soft hyphen, variation selectors, ...), as NFKC_Casefold does, so `외교` and
`외` U+200B `교`, which no reader can tell apart, are one label. Each row is re-keyed from its
label by the rule as it is now, as revision 0013 did: a row whose new key another row already
holds keeps its old key, so its slug stays given to it and its articles stay in its feed; the
next write of one of them files it under the other label's slug. The row kept is the one whose
key did not change, else the shortest slug (the first claimed).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from articles.slugs import label_key

revision: str = "0022"
down_revision: str | None = "0021"
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
    # Every key names its slug under either rule; nothing needs undoing to read the data.
    pass
