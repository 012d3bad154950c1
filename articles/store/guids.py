"""Guid ownership: an entry id belongs to one article forever (RFC 4287 4.2.6).

A feed must never hold an RFC 6721 tombstone and a live entry with the same id, and readers
take two entries with one id for one. So a new article may not take a guid a stored article
has, one a new article earlier in the same write has, one a deleted article had (kept for good
in `retired_guids`) unless it is that article's own id published again, or the guid the site
mints for another id (`articles.ids.minted_id`: that article would get it when stored).
`StoreTransaction` asks `GuidRules` before it inserts and retires a guid when it deletes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.errors import GuidConflict
from articles.ids import minted_id
from articles.model import Article
from articles.store.model import GuidHolders
from articles.store.rows import PreparedArticle
from articles.store.schema import articles_table, retired_guids_table
from articles.store.sql import among

# The holders of a guid no article has or had: none.
_NO_HOLDERS: Final = GuidHolders()


def guid_holders(conn: Connection, guids: Iterable[str]) -> dict[str, GuidHolders]:
    """The articles that have or had each of `guids` (`GuidHolders`), for those any has."""
    listed = list(dict.fromkeys(guids))
    if not listed:
        return {}
    a, r = articles_table, retired_guids_table
    found: dict[str, GuidHolders] = {}
    stored = sa.select(a.c.guid.label("guid"), a.c.id.label("id")).where(
        among(conn, a.c.guid, listed)
    )
    for row in conn.execute(stored):
        found[row.guid] = GuidHolders(stored=row.id)
    retired = sa.select(
        r.c.guid.label("guid"), r.c.article_id.label("id"), r.c.deleted_at.label("deleted_at")
    ).where(among(conn, r.c.guid, listed))
    for kept in conn.execute(retired):
        found[kept.guid] = replace(
            found.get(kept.guid, GuidHolders()), retired=kept.id, retired_at=kept.deleted_at
        )
    return found


class GuidRules:
    """The guid rules of one write transaction (`conn`), for the site whose tagging entity is
    `tag_authority` (None: no minted guid is anyone's in particular)."""

    def __init__(self, conn: Connection, tag_authority: str | None) -> None:
        self._conn = conn
        self._tag_authority = tag_authority

    def conflicts(self, articles: Sequence[PreparedArticle]) -> dict[int, GuidConflict]:
        """The articles an upsert would refuse for their guid, by position: a new id whose
        guid is another article's (`conflict`). A stored id keeps its stored guid whatever
        the record says, so it never conflicts."""
        a = articles_table
        stored_ids: set[str] = set()
        ids = list({article.id for article in articles})
        if ids:
            query = sa.select(a.c.id).where(among(self._conn, a.c.id, ids))
            stored_ids.update(self._conn.execute(query).scalars())
        holders = guid_holders(
            self._conn, (x.guid for x in articles if x.guid and x.id not in stored_ids)
        )
        claimed: dict[str, str] = {}  # guid -> the new id earlier in `articles` that has it
        accepted: set[str] = set()  # new ids with a record accepted (later ones are updates)
        conflicts: dict[int, GuidConflict] = {}
        for position, article in enumerate(articles):
            if article.id in stored_ids or article.id in accepted or not article.guid:
                continue  # an update keeps the stored or pending guid; no guid: upsert says so
            conflict = self.conflict(article.id, article.guid, holders, claimed)
            if conflict is not None:
                conflicts[position] = conflict
            else:
                accepted.add(article.id)
                claimed[article.guid] = article.id
        return conflicts

    def check_free(self, inserts: Mapping[str, PreparedArticle]) -> None:
        """Raise GuidConflict for the first new article whose guid is another's (`conflict`)."""
        holders = guid_holders(self._conn, (x.guid for x in inserts.values() if x.guid))
        claimed: dict[str, str] = {}
        for article in inserts.values():
            assert article.guid is not None
            conflict = self.conflict(article.id, article.guid, holders, claimed)
            if conflict is not None:
                raise conflict
            claimed[article.guid] = article.id

    def conflict(
        self,
        article_id: str,
        guid: str,
        holders: Mapping[str, GuidHolders],
        claimed: Mapping[str, str],
    ) -> GuidConflict | None:
        """Why the new article `article_id` may not have `guid`, or None when it may.

        Refused when a stored article has it, when a new article earlier in the same write
        has it (`claimed`), when a deleted article had it (`retired_guids`, whatever became of
        that id since) unless `article_id` is that article published again, and when it is
        the guid the site mints for another id. `holders` are `guid_holders` of the write's
        guids.
        """
        found = holders.get(guid, _NO_HOLDERS)
        minted_for = (
            minted_id(self._tag_authority, guid) if self._tag_authority is not None else None
        )
        own_minted = minted_for == article_id
        if found.stored is not None and found.stored != article_id:
            return GuidConflict(
                article_id, guid, found.stored, held="stored", own_minted=own_minted
            )
        earlier = claimed.get(guid)
        if earlier is not None and earlier != article_id:
            return GuidConflict(article_id, guid, earlier, held="input", own_minted=own_minted)
        if found.retired is not None and found.retired != article_id:
            return GuidConflict(
                article_id,
                guid,
                found.retired,
                held="deleted",
                own_minted=own_minted,
                deleted_at=found.retired_at,
            )
        if minted_for is not None and not own_minted:
            return GuidConflict(article_id, guid, minted_for, held="minted")
        return None

    def retire(self, article: Article, now: datetime) -> None:
        """Keep the deleted article's guid for good (`retired_guids`), unless a deletion
        kept it before (this id's earlier one, or, in data written before deleted articles'
        guids were refused to others, another article's)."""
        if not article.guid:
            return
        r = retired_guids_table
        kept = self._conn.execute(sa.select(r.c.guid).where(r.c.guid == article.guid)).first()
        if kept is None:
            self._conn.execute(
                r.insert(), {"guid": article.guid, "article_id": article.id, "deleted_at": now}
            )
