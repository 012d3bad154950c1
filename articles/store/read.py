"""The feed queries, by Facet, as functions of an open connection: a page's entry keys, the
visible counts, a facet's label and newest article, the facets listed, the archive months
and a month's keys, the next embargo ending; with `month_bounds` and `Explain`.

Every feed question takes `now` explicitly: an article is visible when `status = 'published'`
and `published <= now`. A facet's rows are read from the table its kind names (the articles
table, or its link table for tags, authors and languages), through the index that serves it.
Rows are read by column name (labelled selects), never by position. The other reads live
beside it: `tombstones` (the feeds' RFC 6721 tombstones and change times), `page_reads` (the
pages' and sitemaps' rows, months and change times), `translations` (the visible
other-language versions) and `article_reads` (articles by id, the listing, deletions, lifts).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

from articles.errors import InvalidValue
from articles.store.facets import ALL, FACET_KINDS, SELECTED_KINDS, Facet, FacetKind
from articles.store.model import EntryKey, FacetInfo
from articles.store.schema import articles_table, facet_counts_table

# The smallest step both back-ends store (microseconds): `< t` is `<= t - TICK`.
TICK: Final = timedelta(microseconds=1)


def visible_query(
    facet: Facet, now: datetime, *columns: Any, join_articles: bool = False, ordered: bool = True
) -> sa.Select[Any]:
    """SELECT columns of the facet's visible rows, newest first (unless not `ordered`).

    The rows come from the kind's own table (the link table for tags, authors, languages);
    `join_articles` adds the articles row (by primary key) when a column of it is selected.
    """
    kind = facet.spec
    query = sa.select(*columns).where(kind.status == "published", kind.published <= now)
    if kind.value_column is not None:
        query = query.where(kind.value == facet.value)
    if kind.linked and join_articles:
        a = articles_table
        query = query.join_from(kind.table, a, a.c.id == kind.article_id)
    else:
        query = query.select_from(kind.table)
    return query.order_by(*kind.order()) if ordered else query


def _facet_rows(facet: Facet, query: sa.Select[Any]) -> sa.Select[Any]:
    """The facet's published rows (any publish time), from the table its index covers."""
    kind = facet.spec
    query = query.select_from(kind.table).where(kind.status == "published")
    if kind.value_column is not None:
        query = query.where(kind.value == facet.value)
    return query


def keys_query(facet: Facet, now: datetime) -> sa.Select[Any]:
    """SELECT the EntryKey columns (by name) of the facet's visible rows, newest first."""
    a = articles_table
    return visible_query(
        facet,
        now,
        a.c.id.label("id"),
        a.c.guid.label("guid"),
        a.c.published.label("published"),
        a.c.updated.label("updated"),
        join_articles=True,
    )


def entry_keys(conn: Connection, query: sa.Select[Any]) -> list[EntryKey]:
    return [
        EntryKey(id=row.id, guid=row.guid, published=row.published, updated=row.updated)
        for row in conn.execute(query)
    ]


def page_keys(
    conn: Connection, facet: Facet, *, now: datetime, limit: int, offset: int = 0
) -> list[EntryKey]:
    return entry_keys(conn, keys_query(facet, now).limit(limit).offset(offset))


def embargoed_counts(
    conn: Connection, kind: FacetKind, now: datetime, value: str | None = None
) -> dict[str, int]:
    """Published rows with a publish time after `now`, per facet value of one kind.

    Embargoed articles are few, so both forms read only the future end of an index: one
    facet seeks its own index; a whole kind walks the embargoed articles through
    (status, published) and counts their values here. (A GROUP BY would walk the facet
    index from end to end instead, to save a sort.)
    """
    a = articles_table
    if kind.value_column is None or value is not None:
        facet = ALL if kind.value_column is None else Facet(kind.name, value or "")
        future = _facet_rows(facet, sa.select(sa.func.count())).where(kind.published > now)
        return {facet.value: conn.execute(future).scalar_one()}
    query = sa.select(kind.value.label("value")).where(
        a.c.status == "published", a.c.published > now
    )
    if kind.linked:
        query = query.select_from(a.join(kind.table, kind.article_id == a.c.id))
    else:
        query = query.select_from(a)
    return dict(Counter(row.value for row in conn.execute(query) if row.value is not None))


def count_visible(conn: Connection, facet: Facet, now: datetime) -> int:
    fc = facet_counts_table
    total = conn.execute(
        sa.select(fc.c.published_count).where(fc.c.kind == facet.kind, fc.c.value == facet.value)
    ).scalar_one_or_none()
    if not total:
        return 0
    embargoed = embargoed_counts(conn, facet.spec, now, facet.value)
    return int(total) - embargoed.get(facet.value, 0)


def facet_info(
    conn: Connection, facet: Facet, now: datetime, count: int | None = None
) -> FacetInfo | None:
    kind = facet.spec
    newest = visible_query(facet, now, kind.label().label("label"), kind.published.label("latest"))
    row = conn.execute(newest.limit(1)).first()
    if row is None:
        return None
    if count is None:
        count = count_visible(conn, facet, now)
    return FacetInfo(facet, row.label or facet.value, count, row.latest)


def facets(conn: Connection, now: datetime) -> list[FacetInfo]:
    fc = facet_counts_table
    order = {name: number for number, name in enumerate(FACET_KINDS)}
    stored = conn.execute(
        sa.select(
            fc.c.kind.label("kind"), fc.c.value.label("value"), fc.c.published_count.label("n")
        ).where(fc.c.published_count > 0)
    ).all()
    embargoed = {
        name: embargoed_counts(conn, kind, now)
        for name, kind in FACET_KINDS.items()
        if name not in SELECTED_KINDS  # counted per show (articles.store.episodes)
    }
    result: list[FacetInfo] = []
    for row in sorted(stored, key=lambda r: (order.get(r.kind, len(order)), r.value)):
        if row.kind not in embargoed:
            continue  # a kind a newer version of the program wrote
        count = row.n - embargoed[row.kind].get(row.value, 0)
        if count > 0:
            info = facet_info(conn, Facet(row.kind, row.value), now, count)
            if info is not None:
                result.append(info)
    return result


def months(conn: Connection, facet: Facet, now: datetime) -> list[str]:
    published = facet.spec.published
    result: list[str] = []
    upper = now
    while True:
        # A single upper bound: with two (`<= now` and `< month start`) the planner may
        # seek on `now` and filter its way down through every newer article.
        query = visible_query(facet, upper, published.label("published")).limit(1)
        latest = conn.execute(query).scalar_one_or_none()
        if latest is None:
            return result
        result.append(f"{latest.year:04d}-{latest.month:02d}")
        upper = datetime(latest.year, latest.month, 1, tzinfo=UTC) - TICK


def month_keys(conn: Connection, facet: Facet, month: str, now: datetime) -> list[EntryKey]:
    start, end = month_bounds(month)
    query = keys_query(facet, min(now, end - TICK)).where(facet.spec.published >= start)
    return entry_keys(conn, query)


def next_visibility_change(
    conn: Connection, now: datetime, facet: Facet | None = None
) -> datetime | None:
    if facet is None:
        a = articles_table
        query = sa.select(sa.func.min(a.c.published)).where(
            a.c.status == "published", a.c.published > now
        )
    else:
        published = facet.spec.published
        query = _facet_rows(facet, sa.select(sa.func.min(published))).where(published > now)
    return conn.execute(query).scalar_one_or_none()


def first_published(
    conn: Connection, facet: Facet, since: datetime, now: datetime
) -> datetime | None:
    """The earliest publish time in [since, now] of the feed's visible rows, or None."""
    published = facet.spec.published
    query = _facet_rows(facet, sa.select(sa.func.min(published))).where(
        published >= since, published <= now
    )
    return conn.execute(query).scalar_one_or_none()


class Explain(Executable, ClauseElement):
    """EXPLAIN (QUERY PLAN) of a statement, with its parameters bound as usual."""

    inherit_cache = False

    def __init__(self, statement: sa.Select[Any]) -> None:
        self.statement = statement


@compiles(Explain)
def _compile_explain(element: Explain, compiler: Any, **kw: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if compiler.dialect.name == "sqlite" else "EXPLAIN "
    return prefix + compiler.process(element.statement, **kw)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a "YYYY-MM" month in UTC; InvalidValue (a ValueError) when malformed
    (ASCII digits only) or when a bound is not a datetime (`0000-01`, and `9999-12`, which
    ends in year 10000)."""
    try:
        year_text, month_text = month.split("-")
        if not (len(year_text) == 4 and len(month_text) == 2 and _ascii_digits(month)):
            raise ValueError
        start = datetime(int(year_text), int(month_text), 1, tzinfo=UTC)
        end = (
            datetime(start.year + 1, 1, 1, tzinfo=UTC)
            if start.month == 12
            else datetime(start.year, start.month + 1, 1, tzinfo=UTC)
        )
    except ValueError:
        raise InvalidValue(
            "month", f"expected YYYY-MM, got {month!r} (months run from 0001-01 to 9999-11)"
        ) from None
    return start, end


def _ascii_digits(month: str) -> bool:
    return month.isascii() and month.replace("-", "", 1).isdigit()
