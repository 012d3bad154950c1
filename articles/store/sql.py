"""SQL helpers the store's reads and writes share (`read`, `write`, `visibility`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

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


# Up to this many values, `one_of` binds one parameter per value (the plain `IN` list, planned
# as such on both back-ends); beyond it, the values go as one parameter (`among`).
PLAIN_IN_LIMIT: Final = 500


def one_of(conn: Connection, column: Any, values: Iterable[str]) -> sa.ColumnElement[bool]:
    """`column IN values` for any number of values. A document's keys can be a whole month
    (an archive), tens of thousands of ids: as separate parameters that passes PostgreSQL's
    limit of 65,535 a statement (and SQLite's, 32,766 by default), so a list longer than
    `PLAIN_IN_LIMIT` is bound as one value (`among`); a page's 50 ids stay a plain list."""
    listed = list(values)
    if len(listed) <= PLAIN_IN_LIMIT:
        return column.in_(listed)
    return among(conn, column, listed)
