"""The feed and admin queries, as functions of an open connection.

Every feed question takes `now` explicitly: an article is visible when `status = 'published'`
and `published <= now`. A facet's rows are read from the table its kind names (the articles
table, or its link table for tags, authors and languages), through the index that serves it.
Rows are read by column name (labelled selects), never by position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

from articles.errors import InvalidValue
from articles.model import STATUSES, Article, article_from_dict
from articles.store.facets import ALL, FACET_KINDS, SELECTED_KINDS, Facet, FacetKind
from articles.store.model import (
    EntryKey,
    FacetInfo,
    MonthSummary,
    PageRow,
    Tombstone,
    TranslationLink,
)
from articles.store.schema import (
    MOVED,
    articles_table,
    deleted_table,
    embargo_lifts_table,
    facet_changes_table,
    facet_counts_table,
    month_changes_table,
    page_changes_table,
    tombstones_table,
    translations_table,
)
from articles.store.sql import one_of

# The smallest step both back-ends store (microseconds): `< t` is `<= t - TICK`.
TICK: Final = timedelta(microseconds=1)


def _visible_query(
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
    return _visible_query(
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
    newest = _visible_query(facet, now, kind.label().label("label"), kind.published.label("latest"))
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
        query = _visible_query(facet, upper, published.label("published")).limit(1)
        latest = conn.execute(query).scalar_one_or_none()
        if latest is None:
            return result
        result.append(f"{latest.year:04d}-{latest.month:02d}")
        upper = datetime(latest.year, latest.month, 1, tzinfo=UTC) - TICK


def month_keys(conn: Connection, facet: Facet, month: str, now: datetime) -> list[EntryKey]:
    start, end = month_bounds(month)
    query = keys_query(facet, min(now, end - TICK)).where(facet.spec.published >= start)
    return entry_keys(conn, query)


def page_rows(
    conn: Connection,
    now: datetime,
    *,
    since: datetime | None = None,
    before: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[PageRow]:
    """PageRows of the visible articles published in [since, before), newest first."""
    a = articles_table
    upper = now if before is None else min(now, before - TICK)
    query = _visible_query(
        ALL,
        upper,
        a.c.id.label("id"),
        a.c.url.label("url"),
        a.c.title.label("title"),
        a.c.language.label("language"),
        a.c.published.label("published"),
        a.c.updated.label("updated"),
    )
    if since is not None:
        query = query.where(a.c.published >= since)
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [
        PageRow(
            id=row.id,
            url=row.url,
            title=row.title,
            language=row.language,
            published=row.published,
            updated=row.updated,
        )
        for row in conn.execute(query)
    ]


def page_changes(conn: Connection, ids: Sequence[str]) -> dict[str, datetime]:
    """{article id: when a write last changed its page other than through the article's own
    `updated`} for those of `ids` that have such a time (`article_page_changes`)."""
    if not ids:
        return {}
    p = page_changes_table
    query = sa.select(p.c.article_id, p.c.changed_at).where(one_of(conn, p.c.article_id, ids))
    return {row.article_id: row.changed_at for row in conn.execute(query)}


def month_changes(conn: Connection, months: Sequence[str] | None) -> dict[str, datetime]:
    """{UTC month: when a write last changed what readers see of its articles}
    (`month_changes`), for `months` (every recorded month when None)."""
    mc = month_changes_table
    query = sa.select(mc.c.month, mc.c.changed_at)
    if months is not None:
        if not months:
            return {}
        query = query.where(one_of(conn, mc.c.month, months))
    return {row.month: row.changed_at for row in conn.execute(query)}


def month_summaries(
    conn: Connection, now: datetime, month: str | None = None
) -> list[MonthSummary]:
    """Each UTC month with visible articles, newest first: its count and newest change.

    One pass over the (status, published, id, updated) index, grouped by month; with `month`
    ("2025-07"), over that month's range of it only.
    """
    a = articles_table
    if conn.dialect.name == "sqlite":
        # Stored as fixed-width UTC text ("2025-07-30 01:00:00.000000").
        month_of: Any = sa.func.substr(a.c.published, 1, 7)
    else:
        month_of = sa.func.to_char(sa.func.timezone("UTC", a.c.published), "YYYY-MM")
    query = (
        sa.select(
            month_of.label("month"),
            sa.func.count().label("n"),
            sa.func.max(a.c.updated).label("updated"),
            sa.func.max(a.c.published).label("published"),
        )
        .where(a.c.status == "published", a.c.published <= now)
        .group_by(month_of)
        .order_by(month_of.desc())
    )
    if month is not None:
        start, end = month_bounds(month)
        query = query.where(a.c.published >= start, a.c.published < end)
    result = []
    for row in conn.execute(query):
        # The newest change as readers see it (`PageRow.modified`): the newest `updated`, or
        # the newest publication when later (an embargo lifting after the last write).
        updated, published = _aggregate_time(row.updated), _aggregate_time(row.published)
        newest = published if published > updated else updated
        result.append(MonthSummary(month=row.month, count=int(row.n), updated=newest))
    return result


def _aggregate_time(value: Any) -> datetime:
    """An aggregate's time as an aware datetime (SQLite returns it untyped, as text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def translation_links(conn: Connection, ids: Sequence[str], now: datetime) -> list[TranslationLink]:
    """The visible other-language versions of each article in `ids`: those its record names
    and those whose records name it, by article, then language and id."""
    if not ids:
        return []
    t = translations_table
    wanted = list(ids)
    pairs = sa.union(
        sa.select(t.c.article_id.label("article_id"), t.c.other_id.label("other_id")).where(
            one_of(conn, t.c.article_id, wanted)
        ),
        sa.select(t.c.other_id.label("article_id"), t.c.article_id.label("other_id")).where(
            one_of(conn, t.c.other_id, wanted)
        ),
    ).subquery()
    o = articles_table
    query = (
        sa.select(
            pairs.c.article_id.label("article_id"),
            o.c.id.label("other_id"),
            o.c.language.label("language"),
            o.c.url.label("url"),
            o.c.updated.label("updated"),
            o.c.published.label("published"),
        )
        .join_from(pairs, o, o.c.id == pairs.c.other_id)
        .where(o.c.status == "published", o.c.published <= now, o.c.id != pairs.c.article_id)
        .order_by(pairs.c.article_id, o.c.language, o.c.id)
    )
    return [
        TranslationLink(
            article_id=row.article_id,
            other_id=row.other_id,
            language=row.language,
            url=row.url,
            updated=row.updated,
            published=row.published,
        )
        for row in conn.execute(query)
    ]


def next_linked_appearance(conn: Connection, ids: Sequence[str], now: datetime) -> datetime | None:
    """The earliest publish time after `now` of a published (embargoed) article linked as a
    translation with any of `ids`, either way, or None: when it appears, the documents and
    pages showing one of `ids` gain its hreflang link."""
    if not ids:
        return None
    t = translations_table
    wanted = list(ids)
    others = sa.union(
        sa.select(t.c.other_id.label("other_id")).where(one_of(conn, t.c.article_id, wanted)),
        sa.select(t.c.article_id.label("other_id")).where(one_of(conn, t.c.other_id, wanted)),
    ).subquery()
    o = articles_table
    query = (
        sa.select(sa.func.min(o.c.published))
        .join_from(others, o, o.c.id == others.c.other_id)
        .where(o.c.status == "published", o.c.published > now)
    )
    return conn.execute(query).scalar_one_or_none()


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


def tombstone_ends(
    conn: Connection,
    facet: Facet,
    now: datetime,
    since: datetime,
    month: tuple[datetime, datetime] | None = None,
) -> tuple[datetime | None, datetime | None]:
    """(latest, next): when tombstones of the feed removed after `since` stopped, at the latest
    at or before `now`, and will next stop after `now`, being shown because their entry
    became visible again by the clock (a renewed embargo ending: `_shown_tombstone`); of
    entries published within `month` when given. Nothing is written then, so no change
    time records it."""
    t, a = tombstones_table, articles_table
    rows = (
        sa.select(sa.func.max(a.c.published).label("latest"))
        .select_from(t.join(a, a.c.id == t.c.article_id))
        .where(
            t.c.kind == facet.kind,
            t.c.value == facet.value,
            t.c.removed_at > since,
            t.c.reason != MOVED,
            a.c.guid == t.c.guid,
            a.c.status == "published",
            a.c.published > t.c.removed_at,
        )
    )
    if month is not None:
        rows = rows.where(t.c.published >= month[0], t.c.published < month[1])
    latest = conn.execute(rows.where(a.c.published <= now)).scalar_one_or_none()
    upcoming = rows.with_only_columns(sa.func.min(a.c.published)).where(a.c.published > now)
    return latest, conn.execute(upcoming).scalar_one_or_none()


def _shown_tombstone(facet: Facet, now: datetime, since: datetime) -> tuple[Any, ...]:
    """The conditions on a `feed_tombstones` row (outer-joined to `articles`) that the feed
    shows at `now`: the feed's, removed in (since, now], and its entry not visible again (an
    entry whose renewed embargo has ended is no longer deleted, whatever its row says). An
    entry taken out of this feed only (`MOVED`: its stored version is in other feeds, not
    this one, as the write side keeps it) stays deleted here however visible it is elsewhere,
    and so does the entry a deleted article was before it came back under another guid (the
    row's guid is not the article's): an entry id is never visible again once deleted."""
    t, a = tombstones_table, articles_table
    return (
        t.c.kind == facet.kind,
        t.c.value == facet.value,
        t.c.removed_at > since,
        t.c.removed_at <= now,
        sa.or_(
            t.c.reason == MOVED,
            a.c.id.is_(None),
            a.c.guid != t.c.guid,
            a.c.status != "published",
            a.c.published > now,
        ),
    )


def tombstones(
    conn: Connection,
    facet: Facet,
    now: datetime,
    since: datetime,
    month: tuple[datetime, datetime] | None = None,
) -> list[Tombstone]:
    """The feed's tombstones removed in (since, now], of entries not visible at `now`."""
    t, a = tombstones_table, articles_table
    query = (
        sa.select(
            t.c.guid.label("guid"),
            t.c.removed_at.label("removed_at"),
            t.c.reason.label("reason"),
        )
        .select_from(t.outerjoin(a, a.c.id == t.c.article_id))
        .where(*_shown_tombstone(facet, now, since))
        .order_by(t.c.removed_at.desc(), t.c.article_id.desc())
    )
    if month is not None:
        query = query.where(t.c.published >= month[0], t.c.published < month[1])
    return [Tombstone(row.guid, row.removed_at, row.reason) for row in conn.execute(query)]


def last_removal(
    conn: Connection, facet: Facet, now: datetime, month: tuple[datetime, datetime] | None = None
) -> datetime | None:
    """The latest `removed_at`, not after `now`, of any tombstone the feed ever recorded (of an
    entry published within `month`, when given), however old; None when it recorded none.

    Tombstones are only written for entries readers could see, and are kept past the
    tombstone period (dropped only when their entry is stored visible again)."""
    t = tombstones_table
    query = (
        sa.select(t.c.removed_at)
        .where(t.c.kind == facet.kind, t.c.value == facet.value, t.c.removed_at <= now)
        .order_by(t.c.removed_at.desc())
        .limit(1)
    )
    if month is not None:
        query = query.where(t.c.published >= month[0], t.c.published < month[1])
    return conn.execute(query).scalar_one_or_none()


def removals_by_month(conn: Connection, facet: Facet, now: datetime) -> dict[str, datetime]:
    """For each UTC month ("2025-07") in which the feed ever lost an entry readers could see
    (a tombstone removed at or before `now`, however old), the latest such removal."""
    t = tombstones_table
    query = sa.select(t.c.published.label("published"), t.c.removed_at.label("removed_at")).where(
        t.c.kind == facet.kind, t.c.value == facet.value, t.c.removed_at <= now
    )
    found: dict[str, datetime] = {}
    for row in conn.execute(query):
        published = row.published.astimezone(UTC)
        month = f"{published.year:04d}-{published.month:02d}"
        if month not in found or row.removed_at > found[month]:
            found[month] = row.removed_at
    return found


def tombstone_months(conn: Connection, facet: Facet, now: datetime, since: datetime) -> list[str]:
    """The UTC months ("2025-07") of the entries whose tombstones the feed shows at `now`
    (removed in (since, now], not visible at `now`), newest first."""
    t, a = tombstones_table, articles_table
    query = (
        sa.select(t.c.published.label("published"))
        .select_from(t.outerjoin(a, a.c.id == t.c.article_id))
        .where(*_shown_tombstone(facet, now, since))
    )
    found = {
        f"{p.astimezone(UTC).year:04d}-{p.astimezone(UTC).month:02d}"
        for p in conn.execute(query).scalars()
    }
    return sorted(found, reverse=True)


def next_removal(conn: Connection, after: datetime) -> datetime | None:
    """The earliest `removed_at` after `after` of any feed's tombstone, or None."""
    t = tombstones_table
    query = sa.select(sa.func.min(t.c.removed_at)).where(t.c.removed_at > after)
    return conn.execute(query).scalar_one_or_none()


def tombstoned_feeds(conn: Connection, now: datetime, since: datetime) -> list[Facet]:
    """The feeds with a tombstone removed in (since, now] (of entries whose visibility the
    caller checks), in (kind, value) order."""
    t = tombstones_table
    query = (
        sa.select(t.c.kind.label("kind"), t.c.value.label("value"))
        .where(t.c.removed_at > since, t.c.removed_at <= now)
        .distinct()
        .order_by(t.c.kind, t.c.value)
    )
    return [Facet(row.kind, row.value) for row in conn.execute(query)]


def last_change(
    conn: Connection, facet: Facet, now: datetime, period: timedelta | None
) -> datetime | None:
    """The latest moment, not after `now`, at which a write or the end of a tombstone's period
    changed what the feed shows (its entries' own times aside); `period` None: writes only
    (for documents that show no tombstones)."""
    fc, t = facet_changes_table, tombstones_table
    written = conn.execute(
        sa.select(fc.c.changed_at).where(fc.c.kind == facet.kind, fc.c.value == facet.value)
    ).scalar_one_or_none()
    expired = None
    if period is not None:
        expired = conn.execute(
            sa.select(t.c.removed_at)
            .where(t.c.kind == facet.kind, t.c.value == facet.value, t.c.removed_at <= now - period)
            .order_by(t.c.removed_at.desc())
            .limit(1)
        ).scalar_one_or_none()
    moments = [m for m in (written, expired + period if expired else None) if m is not None]
    return min(max(moments), now) if moments else None


def due_lifts(conn: Connection, now: datetime) -> list[str]:
    """Ids of embargoed articles whose lift is due and not yet claimed."""
    lifts = embargo_lifts_table
    query = (
        sa.select(lifts.c.article_id)
        .where(lifts.c.announced_at.is_(None), lifts.c.lift_at <= now)
        .order_by(lifts.c.lift_at, lifts.c.article_id)
    )
    return list(conn.execute(query).scalars())


def get(conn: Connection, article_id: str) -> Article | None:
    query = sa.select(articles_table.c.doc).where(articles_table.c.id == article_id)
    doc = conn.execute(query).scalar_one_or_none()
    return None if doc is None else article_from_dict(doc)


def fetch(conn: Connection, ids: Sequence[str]) -> list[Article]:
    if not ids:
        return []
    a = articles_table
    query = sa.select(a.c.id.label("id"), a.c.doc.label("doc")).where(one_of(conn, a.c.id, ids))
    docs = {row.id: row.doc for row in conn.execute(query)}
    return [article_from_dict(docs[i]) for i in ids if i in docs]


def list_keys(
    conn: Connection,
    *,
    section: str | None,
    tag: str | None,
    author: str | None,
    status: str | None,
    language: str | None,
    source: str | None,
    wanted: int,
    before: tuple[datetime, str] | None = None,
) -> list[tuple[datetime, str]]:
    """(published, id) of up to `wanted` articles per status, for `Store.list_articles`;
    with `before`, only those after that key in feed order (older, or as old with a lower id).
    `language` selects as its feed does: the tag and every tag it is a prefix of (RFC 4647
    basic filtering, `article_languages`)."""
    a = articles_table
    # The linked filters given, by the link table and value: the first drives the query.
    linked = [
        (FACET_KINDS[name], value)
        for name, value in (("tag", tag), ("author", author), ("language", language))
        if value is not None
    ]
    keys: list[tuple[datetime, str]] = []
    for each in (status,) if status is not None else STATUSES:
        if linked:
            kind, wanted_value = linked[0]
            query = (
                sa.select(kind.published.label("published"), kind.article_id.label("id"))
                .join_from(kind.table, a, a.c.id == kind.article_id)
                .where(kind.value == wanted_value, kind.status == each)
                .order_by(*kind.order())
            )
            for other, other_value in linked[1:]:
                # Checked per row by the other link table's primary key (article, value), so
                # the first one's index keeps driving the query in order.
                query = query.where(
                    sa.exists().where(
                        other.article_id == kind.article_id, other.value == other_value
                    )
                )
        else:
            query = (
                sa.select(a.c.published.label("published"), a.c.id.label("id"))
                .where(a.c.status == each)
                .order_by(a.c.published.desc(), a.c.id.desc())
            )
        for column, row_value in ((a.c.section_slug, section), (a.c.source_slug, source)):
            if row_value is not None:
                query = query.where(column == row_value)
        if before is not None:
            published, article_id = query.selected_columns.published, query.selected_columns.id
            query = query.where(
                sa.or_(
                    published < before[0],
                    sa.and_(published == before[0], article_id < before[1]),
                )
            )
        keys.extend((row.published, row.id) for row in conn.execute(query.limit(wanted)))
    return keys


def deletions(conn: Connection) -> list[tuple[str, str, datetime]]:
    d = deleted_table
    query = sa.select(
        d.c.id.label("id"), d.c.guid.label("guid"), d.c.deleted_at.label("deleted_at")
    ).order_by(d.c.deleted_at.desc())
    return [(row.id, row.guid, row.deleted_at) for row in conn.execute(query)]


def tombstone(conn: Connection, article_id: str) -> tuple[str, datetime] | None:
    d = deleted_table
    query = sa.select(d.c.guid, d.c.deleted_at).where(d.c.id == article_id)
    row = conn.execute(query).first()
    return None if row is None else (row.guid, row.deleted_at)


def public_deletion(conn: Connection, article_id: str) -> datetime | None:
    """When `article_id` was deleted, if readers could see it at that moment; else None.

    An id stored again keeps its deletion for readers until it is visible again: the
    deletion's tombstone in the "all" feed stays until then (a write showing the article
    drops it; one hiding it again replaces it), so the caller asks only for an article that
    readers cannot see now."""
    d, t = deleted_table, tombstones_table
    query = sa.select(d.c.deleted_at).where(
        d.c.id == article_id, d.c.status == "published", d.c.published <= d.c.deleted_at
    )
    deleted_at: datetime | None = conn.execute(query).scalar()
    if deleted_at is None:
        query = sa.select(t.c.removed_at).where(
            t.c.article_id == article_id, t.c.kind == "all", t.c.reason == "deleted"
        )
        deleted_at = conn.execute(query).scalar()
    return deleted_at


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
