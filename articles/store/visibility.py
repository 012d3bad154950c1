"""What readers could see before and after a write: tombstones, embargo lifts, feed change
times and the change sequence, for `articles.store.write.StoreTransaction`.

Every write of an article (insert, replace, delete) hands its before and after
(`VisibilityChange`) to `Visibility.record`, which writes an RFC 6721 tombstone for each feed an
article leaves while readers could see it there (every feed, or only those it is taken out
of), clears its tombstone in each feed it is visible in again,
keeps the embargo-lift rows, moves the feeds' change times (`articles.store.feed_totals`) and
the change sequence, and returns the feeds whose visible content changed (WebSub pings).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.store.facets import Episodes, Facet
from articles.store.feed_totals import FeedTotals
from articles.store.linked import partners, visible_feeds
from articles.store.rows import PreparedArticle
from articles.store.schema import (
    MOVED,
    change_sequence_table,
    deleted_table,
    embargo_lifts_table,
    tombstones_table,
    translations_table,
)
from articles.store.sql import among

# Ids per `IN (...)` list of the translations lookup (under SQLite's bound-parameter limit).
_LOOKUP_CHUNK: Final = 500


def utc_month(moment: datetime) -> str:
    """The UTC month ("2025-07") of an aware datetime, as `month_changes` keys it."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"


def visible(status: str, published: datetime, now: datetime) -> bool:
    """Whether readers see a version with this status and publication time at `now`."""
    return status == "published" and published <= now


@dataclass(slots=True)  # not frozen: one is made per article written, and frozen inits cost
class VisibilityChange:
    """One written article before and after a write, for tombstones and change times."""

    id: str
    guid: str
    before: frozenset[tuple[str, str]] | None  # the feeds it was visible in, None if hidden
    before_published: datetime | None
    after: frozenset[tuple[str, str]] | None  # the feeds it is visible in now, None if hidden
    lift_at: datetime | None  # its embargo's end when the written version waits for one
    after_published: datetime | None = None  # the written version's publication time
    # Whether the version before / after has audio or video: podcast shows take only those.
    before_episode: bool = False
    after_episode: bool = False
    # The feeds the written version is in, visible or not (None: deleted). A feed it is in but
    # not visible yet (embargoed, a draft) holds no `MOVED` tombstone: the clock may show it.
    stored_in: frozenset[tuple[str, str]] | None = None


# Per written article that may hold tombstones: the feeds it is seen in or leaves by this
# write, the feeds its stored version is in (None: deleted), its guid, and the feeds it leaves.
Looked = tuple[
    frozenset[tuple[str, str]], frozenset[tuple[str, str]] | None, str, frozenset[tuple[str, str]]
]


class Visibility:
    """The visibility bookkeeping of one write transaction (its connection, its podcast shows
    by slug, its feed totals), and what it knows of the tombstone tables meanwhile."""

    def __init__(self, conn: Connection, shows: Mapping[str, Episodes], totals: FeedTotals) -> None:
        self._conn = conn
        # Podcast shows by slug: a show's feed changes (and keeps tombstones) with its episodes.
        self._shows = shows
        self._totals = totals
        # Whether feed_tombstones / deleted_articles held no row when this transaction
        # began (None: not asked yet); see `clean_ids`.
        self._no_tombstones_before: bool | None = None
        self._no_deletions_before: bool | None = None
        self._wrote_tombstones = False
        self._wrote_deletions = False
        self._facets: dict[tuple[str, str], Facet] = {}  # made once per feed, for results

    def note_deletion(self) -> None:
        """An article was deleted in this transaction (a `deleted_articles` row written)."""
        self._wrote_deletions = True

    def named(self, ids: Sequence[str]) -> dict[str, set[str]]:
        """The other language versions each stored article's record names."""
        t = translations_table
        named: dict[str, set[str]] = {}
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            query = sa.select(t.c.article_id, t.c.other_id).where(
                among(self._conn, t.c.article_id, ids[start : start + _LOOKUP_CHUNK])
            )
            for row in self._conn.execute(query):
                named.setdefault(row.article_id, set()).add(row.other_id)
        return named

    def relinked_feeds(
        self,
        written: Sequence[PreparedArticle],
        existing: Mapping[str, Any],
        old_names: Mapping[str, set[str]],
        now: datetime,
    ) -> set[tuple[str, str]]:
        """The feeds of other articles whose hreflang links this write changes.

        A written article's link, as its counterparts' entries show it, is its language and
        URL while it is visible and nothing otherwise: when that changes, every counterpart's
        feeds change. When a visible article names other versions than before, the versions
        added or dropped change. Only visible counterparts count (articles.store.linked).
        Their pages' change times move too (`article_page_changes`).
        """
        moved: list[str] = []
        renamed: set[str] = set()
        for x in written:
            row = existing.get(x.id)
            was = row is not None and visible(row.status, row.published, now)
            is_ = visible(x.status, x.published, now)
            before = (row.link_language, row.link_url) if was and row is not None else None
            after = (x.row["language"], x.row["url"]) if is_ else None
            if before != after:
                moved.append(x.id)
            if was or is_:
                renamed |= old_names.get(x.id, set()) ^ set(x.translations)
        others = renamed | (partners(self._conn, moved) if moved else set())
        if not others:
            return set()
        # Their pages list the written articles' links too.
        self._totals.mark_pages(others, now)
        return visible_feeds(self._conn, others, now, self._shows)

    def pages_changed(self, ids: Iterable[str], now: datetime) -> None:
        """The pages of these articles changed at `now` without their `updated` moving."""
        self._totals.mark_pages(ids, now)

    def clean_ids(self, new_ids: list[str]) -> set[str]:
        """Of ids about to be inserted, those that hold no tombstone and no embargo lift.

        A new id's tombstones and lift can only be left from an earlier article of that id
        that was deleted (a delete clears the lift, keeps the tombstones and leaves a
        `deleted_articles` row, which is removed here since the id is back). So: every new id
        when no tombstone existed before this transaction and none was written in it; else
        those without a `deleted_articles` row.
        """
        conn = self._conn
        d = deleted_table
        if self._no_deletions_before is None:
            self._no_deletions_before = conn.execute(sa.select(d.c.id).limit(1)).first() is None
            t = tombstones_table
            self._no_tombstones_before = (
                conn.execute(sa.select(t.c.article_id).limit(1)).first() is None
            )
        if self._no_deletions_before and not self._wrote_deletions:
            return set(new_ids)  # nothing to remove from deleted_articles either
        were_deleted = set(
            conn.execute(d.delete().where(among(conn, d.c.id, new_ids)).returning(d.c.id)).scalars()
        )
        if self._no_tombstones_before and not self._wrote_tombstones:
            return set(new_ids)
        return {i for i in new_ids if i not in were_deleted}

    def record(
        self,
        changes: Sequence[VisibilityChange],
        now: datetime,
        reason: str = "withdrawn",
        linked: Iterable[tuple[str, str]] = (),
        clean: set[str] | frozenset[str] = frozenset(),
    ) -> frozenset[Facet]:
        """Tombstones, feed change times and embargo lifts for written articles; returns the
        feeds whose visible content changed (what readers see, so what the hub hears of),
        with `linked`: other articles' feeds whose translation links changed.

        `clean` are ids known to hold no tombstone and no embargo lift (nothing to clear)."""
        conn = self._conn
        t, lifts = tombstones_table, embargo_lifts_table
        touched: set[tuple[str, str]] = set(linked)
        stones: list[dict[str, Any]] = []
        if self._shows:
            changes = [self._with_shows(change) for change in changes]
        # Per article that may hold tombstones: the feeds it is seen in or left now (their
        # tombstones go, or are written anew), and the feeds its stored version is in (None:
        # deleted), which decide whether its other tombstones are `MOVED` ones.
        looked_up: dict[str, Looked] = {}
        for change in changes:
            before = change.before or frozenset()
            after = change.after or frozenset()
            touched.update(before)
            touched.update(after)
            # A feed the article leaves while readers could see it there gets a tombstone,
            # whether the article left every feed (withdrawn, deleted, embargoed again) or
            # only this one (a tag, author, section, source or language taken away); a feed it
            # is visible in again loses its tombstone. Tombstones of feeds it left earlier and
            # is still out of are kept until their period ends.
            left = before - after
            stored_in = change.stored_in
            if left and change.before_published is not None:
                stones.extend(
                    {
                        "article_id": change.id,
                        "kind": kind,
                        "value": value,
                        "guid": change.guid,
                        "published": change.before_published,
                        "removed_at": now,
                        "reason": (
                            MOVED
                            if stored_in is not None and (kind, value) not in stored_in
                            else reason
                        ),
                    }
                    for kind, value in sorted(left)
                )
            if change.id not in clean:
                looked_up[change.id] = (after | left, stored_in, change.guid, left)
        if looked_up:
            self._settle_tombstones(looked_up, reason)
        if stones:
            conn.execute(t.insert(), stones)
            self._wrote_tombstones = True
        ids = [change.id for change in changes if change.id not in clean]
        if ids:
            conn.execute(lifts.delete().where(among(conn, lifts.c.article_id, ids)))
        waiting = [
            {"article_id": c.id, "lift_at": c.lift_at, "announced_at": None}
            for c in changes
            if c.lift_at is not None
        ]
        if waiting:
            conn.execute(lifts.insert(), waiting)
        self._totals.mark_changed(touched, now)
        # The UTC months whose visible articles the write changed: the one it was seen in,
        # the one it is seen in now (documents listing a month's articles date by these).
        self._totals.mark_months(
            {
                utc_month(moment)
                for change in changes
                for moment, seen in (
                    (change.before_published, change.before),
                    (change.after_published, change.after),
                )
                if moment is not None and seen is not None
            },
            now,
        )
        self._totals.mark_articles(change.id for change in changes)
        if changes or touched:
            # Every write that changed an article moves the change sequence, in its transaction.
            cs = change_sequence_table
            conn.execute(cs.update().where(cs.c.name == "articles").values(seq=cs.c.seq + 1))
        facets = self._facets
        for key in touched.difference(facets):
            facets[key] = Facet(*key)  # type: ignore[arg-type]
        return frozenset(facets[key] for key in touched)

    def _settle_tombstones(
        self,
        looked_up: Mapping[str, Looked],
        reason: str,
    ) -> None:
        """Bring the stored tombstones of the written articles in line with their versions:
        those of a feed the article is seen in or left by this write go (the latter are
        written anew), and each other one of a stored article is `MOVED` exactly when its
        version is not in that feed (shown whatever the clock does), else a plain one (shown
        until the article is visible: a renewed embargo may end with no write)."""
        conn, t = self._conn, tombstones_table
        void: list[dict[str, str]] = []
        moved: list[dict[str, str]] = []
        hidden: list[dict[str, str]] = []
        found = sa.select(t.c.article_id, t.c.kind, t.c.value, t.c.reason, t.c.guid).where(
            among(conn, t.c.article_id, looked_up)
        )
        # Only the few articles that hold tombstones come back from this lookup.
        for row in conn.execute(found):
            seen, stored_in, guid, left = looked_up[row.article_id]
            feed = (row.kind, row.value)
            key = {"a": row.article_id, "k": row.kind, "v": row.value}
            if row.guid != guid:
                # The entry the article was before it was deleted and came back under another
                # guid: that entry id is gone for good (ids are never reused), so its tombstone
                # stays until its period ends, however visible the article is now; only the
                # article leaving this feed again now takes its row (one per article and feed).
                if feed in left:
                    void.append(key)
                continue
            if feed in seen:
                void.append(key)
            elif stored_in is None:
                continue  # deleted: shown until its period ends
            elif feed not in stored_in and row.reason != MOVED:
                moved.append(key)
            elif feed in stored_in and row.reason == MOVED:
                hidden.append(key)  # back in the feed, not visible yet
        pair = (
            t.c.article_id == sa.bindparam("a"),
            t.c.kind == sa.bindparam("k"),
            t.c.value == sa.bindparam("v"),
        )
        if void:
            conn.execute(t.delete().where(*pair), void)
        for rows, value in ((moved, MOVED), (hidden, reason)):
            if rows:
                conn.execute(t.update().where(*pair).values(reason=value), rows)

    def _with_shows(self, change: VisibilityChange) -> VisibilityChange:
        """`change` with the podcast shows its episode was or is in added to its feeds."""

        def shows(feeds: frozenset[tuple[str, str]] | None, episode: bool) -> Any:
            if feeds is None or not episode:
                return feeds
            found = {
                ("podcast", slug)
                for slug, selection in self._shows.items()
                if {(f.kind, f.value) for f in selection.facets()} <= feeds
            }
            return feeds | found

        return replace(
            change,
            before=shows(change.before, change.before_episode),
            after=shows(change.after, change.after_episode),
            stored_in=shows(change.stored_in, change.after_episode),
        )
