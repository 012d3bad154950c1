"""SQL helpers the write path shares (`articles.store.write`, `articles.store.visibility`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from articles.store.engine import json_dumps


def among(conn: Connection, column: Any, values: Iterable[str]) -> sa.ColumnElement[bool]:
    """`column IN values` with the values as one bound parameter (a PostgreSQL text array,
    SQLite's `json_each` of a JSON array): one short statement whatever the number of values,
    compiled once and cached, instead of one parameter per value rendered for every call."""
    listed = list(values)
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.literal(listed, ARRAY(sa.Text)))
    each = sa.func.json_each(sa.literal(json_dumps(listed), sa.Text)).table_valued("value")
    return column.in_(sa.select(each.c.value))
