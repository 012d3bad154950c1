"""Records over HTTP: validation with every field's error, versions (ETags) and write stamps.

`read_record` runs the import command's validator (`articles.formats.article_from_mapping`) and,
when a record fails, lists every fault with the import's own listing
(`articles.formats.faults.record_faults`: each top-level field validated on its own and beside
the record's fields that pass, every member in error inside a field, cross-field rules from the
whole record's verdict, then the site's rules over the good fields). Nothing here is a second
validator: every verdict is the import's.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import orjson

from articles.errors import InvalidArticle
from articles.formats import BODY_FIELDS, article_from_mapping
from articles.formats.faults import PROBE_BASE, record_faults, site_faults
from articles.formats.messages import show
from articles.formats.record import (
    OBJECT_MEMBERS,
    unknown_field_reason,
    unknown_member_reason,
)
from articles.model import Article, article_to_dict, state_of
from articles.service import Stamp
from articles.service import same_content as service_same_content
from articles.text import reading_time_minutes
from feeds.api.merge_patch import apply_merge_patch
from feeds.api.problems import Problem

# The smallest step both databases store: a stamped `updated` is at least this much newer.
TICK: Final = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class RecordRules:
    """What the validator needs from the site settings."""

    zone: ZoneInfo
    default_language: str
    # The time of the write (the request's): `updated` for a record that gives none, as it is
    # stamped (`articles.formats.article_from_mapping`'s `written_at`).
    written_at: datetime | None = None
    # The site's rules beyond the record format (`ArticleService.problems`: a podcast show's
    # https media, the clock): the (field, reason) of every problem of an article, listed in
    # the same 422 as the record's own errors.
    site: Callable[[Article], Iterable[tuple[str, str]]] | None = None


def check_article_id(article_id: str) -> None:
    """Raise a 404 problem unless `article_id` is a valid record id (the import's rule)."""
    try:
        article_from_mapping(
            {**PROBE_BASE, "id": article_id}, where="", zone=ZoneInfo("UTC"), default_language="en"
        )
    except InvalidArticle as exc:
        raise Problem(
            404,
            f"{article_id[:80]!r} cannot be an article id: {exc.reason}",
            kind="not-found",
        ) from None


def read_record(raw: object, article_id: str, rules: RecordRules, *, prefix: str = "") -> Article:
    """Validate `raw` as the record of `article_id`; raise a 422 problem listing every error.

    The record may leave out `id` (the URL names it); if it gives one, it must be the URL's.
    `prefix` goes before each field name (`articles[3].` in a batch).
    """
    errors = record_errors(raw, article_id, rules, prefix=prefix)
    if isinstance(errors, Article):
        return errors
    raise invalid(errors)


# The `detail` of every 422: one sentence whatever the operation or the number of problems,
# so a client can show it as it is; what is wrong is in `errors`, one `{field, reason}` each.
INVALID_DETAIL: Final = (
    "the body breaks the record format or a rule of this site; every problem is listed in "
    "`errors` (field and reason): fix them all and send it again"
)


def invalid(errors: list[dict[str, str]]) -> Problem:
    """The 422 problem listing `errors`, with the one INVALID_DETAIL (`instance`, the
    request's path, names the article)."""
    return Problem(422, INVALID_DETAIL, kind="invalid-record", errors=errors)


def record_errors(
    raw: object, article_id: str, rules: RecordRules, *, prefix: str = ""
) -> Article | list[dict[str, str]]:
    """The Article, or the list of `{field, reason}` problems of the record."""
    if not isinstance(raw, dict):
        return [{"field": prefix.rstrip("."), "reason": not_a_record(raw)}]
    given_id = raw.get("id")
    if isinstance(given_id, int) and not isinstance(given_id, bool):
        given_id = str(given_id)
    if isinstance(given_id, str):
        given_id = unicodedata.normalize("NFC", given_id)  # as the record's id is read
    if given_id is not None and given_id != article_id:
        return [
            {
                "field": prefix + "id",
                "reason": f"{str(given_id)[:80]!r} differs from the id in the URL "
                f"({article_id!r}); an article's id never changes",
            }
        ]
    record = {**raw, "id": article_id}
    parse = functools.partial(_parse, rules=rules)
    try:
        article = parse(record)
    except InvalidArticle as failure:
        # Every fault, by the import's own listing (articles.formats.faults).
        pairs = record_faults(record, parse, failure, site=rules.site)
        return [{"field": prefix + field, "reason": reason} for field, reason in pairs]
    site = site_faults(article, rules.site, record) if rules.site is not None else []
    if not site:
        return article
    return [{"field": prefix + field, "reason": reason} for field, reason in site]


def _parse(record: Mapping[str, Any], *, rules: RecordRules) -> Article:
    return article_from_mapping(
        record,
        where="",
        zone=rules.zone,
        default_language=rules.default_language,
        written_at=rules.written_at,
    )


def not_a_record(value: object) -> str:
    """The reason given for a value sent where a record (a JSON object) belongs."""
    return f"expected a JSON object, got {_kind(value)}"


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


# --------------------------------------------------------------------------- versions


def etag(article: Article, now: datetime) -> str:
    """The strong ETag of the article resource at `now`: a hash of the stored record's JSON
    and of its state, so any change of either changes it.

    The state is part of the representation (`resource`) and moves without a write when an
    embargo lifts (`embargoed` to `live`): hashing the record alone kept the tag, and a client
    revalidating with If-None-Match got a 304 and kept the embargoed state. A write's
    If-Match compares against this tag too, so a version read under embargo no longer matches
    after the lift (the client has not seen the article live).
    """
    blob = orjson.dumps(article_to_dict(article), option=orjson.OPT_SORT_KEYS)
    digest = hashlib.sha256(blob)
    digest.update(b"\0" + state_of(article, now).encode())
    return '"' + digest.hexdigest()[:32] + '"'


def resource(article: Article, now: datetime) -> dict[str, Any]:
    """The `ArticleResource` JSON of a stored article."""
    return {
        "id": article.id,
        "state": state_of(article, now),
        "visible_from": article.published.isoformat() if article.status == "published" else None,
        "etag": etag(article, now),
        "record": article_to_dict(article),
    }


# --------------------------------------------------------------------------- write stamps


def check_guid_kept(new: Article, stored: Article | None) -> None:
    """A record may repeat the stored guid or leave it out, never change it: 422 otherwise."""
    if stored is not None and new.guid is not None and new.guid != stored.guid:
        raise invalid(
            [
                {
                    "field": "guid",
                    "reason": f"{new.guid!r} differs from the stored {stored.guid!r}; an entry "
                    "id never changes once readers have seen it (leave guid out)",
                }
            ]
        )


def same_content(new: Article, stored: Article) -> bool:
    """Whether `new` says nothing `stored` does not already say (its `updated` aside, and the
    tag and author slugs the store's slug registry gives: `articles.service.same_content`)."""
    return service_same_content(new, stored)


def stamped(new: Article, stored: Article | None, now: datetime, stamp: Stamp) -> Article:
    """`new` with `updated` set to a stamp of the write's time, unless the record gives a
    newer one.

    The stamp (`articles.service.Stamp`) is a whole second from `now`'s on that no other
    version the server dated has, and later than the stored `updated`, so every API change
    is newer than what it replaces (a withdrawal is never "unchanged") and no two entries of
    a feed share an `updated`; never earlier than `published` (the record format's rule; an
    embargoed record keeps its future `updated`).
    """
    floor = now if stored is None else max(now, stored.updated + TICK)
    if new.updated >= floor:
        return new
    # Later than the stored version, and, for a story already out, not before `published` (a
    # whole second: the next one when `published` has a fraction; an embargoed story's
    # version is older than its future publication).
    after = None if stored is None else stored.updated
    if new.published <= now:
        after = new.published - TICK if after is None else max(after, new.published - TICK)
    when = stamp(after)
    return replace(new, updated=when.astimezone(new.updated.tzinfo))


def unknown_patch_members(patch: Mapping[str, Any]) -> list[dict[str, str]]:
    """The `{field, reason}` of each member of a merge patch that no record can hold where
    the patch puts it: a top-level name that is no record field, and a member of an object
    (`section.lable`) that the object does not have, null or not.

    RFC 7396 makes a null for an absent member a no-op, so the validator, which sees the
    patched record, never sees a misspelled name sent as null; the names are checked on the
    patch itself, by the validator's own rules (`articles.formats.record`). Objects in a
    record hold only values, so the two levels are every level a name can be wrong at (a
    deeper object replaces a value, and the validator refuses it).
    """
    errors: list[dict[str, str]] = []
    for name, value in patch.items():
        reason = unknown_field_reason(name)
        if reason is not None:
            errors.append({"field": show(name, quoted=False), "reason": reason})
        elif isinstance(value, dict) and name in OBJECT_MEMBERS:
            for member in value:
                inner = unknown_member_reason(name, member)
                if inner is not None:
                    where = f"{name}.{show(member, quoted=False)}"
                    errors.append({"field": where, "reason": inner})
    return errors


def patched_record(current: Article, patch: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The stored record with the merge patch applied, ready for the validator.

    A body given in the patch in another form (`body`, `body_markdown`) replaces the stored
    `body_html`; `reading_time` is dropped, so computed again, when the body changes and the
    stored value was the computed one.

    Times, as the fields the client sends mean them: the stored `updated` is left out unless
    the patch sets it (every write stamps it: the validator takes the time of the write);
    `embargoed` set without `published` moves `published` with it (an embargoed story is
    published when its embargo ends; a merge patch cannot leave the stored `published` out);
    `embargoed: null` without `published` on a story still under embargo lifts it now
    (`published` becomes `now`, the time of the request).
    """
    base = article_to_dict(current)
    if "updated" not in patch:
        base.pop("updated", None)
    if "published" not in patch and "embargoed" in patch:
        if patch["embargoed"] is not None:
            base["published"] = patch["embargoed"]
        elif current.embargoed is not None and current.published > now:
            base["published"] = now.isoformat()
    if any(patch.get(name) is not None for name in BODY_FIELDS):
        for name in BODY_FIELDS:
            if name not in patch:
                base.pop(name, None)
        computed = reading_time_minutes(current.body_html or current.title, current.language)
        if "reading_time" not in patch and current.reading_time == computed:
            base.pop("reading_time", None)
    merged: dict[str, Any] = apply_merge_patch(base, patch)
    return merged
