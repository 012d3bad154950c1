"""Records over HTTP: validation with every field's error, versions (ETags) and write stamps.

`read_record` runs the import command's validator (`articles.formats.article_from_mapping`) and,
when a record fails, finds every failing top-level field, not only the first, by validating
each field on its own against a minimal valid record and then again beside the record's own
fields that pass (so a listed error never compares with a value the client did not send);
cross-field rules (`updated` before `published`, two body fields) come from the full record's
error. Inside a field, each error found is replaced by a valid stand-in (or an optional
member left out) and the field asked again, so every member in error of every item is listed
(`media[0].length` and `media[0].duration`). Nothing here is a second validator: every
verdict is the import's.
"""

from __future__ import annotations

import copy
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import orjson

from articles.errors import InvalidArticle
from articles.formats import BODY_FIELDS, EXTENSION_PREFIX, RECORD_FIELDS, article_from_mapping
from articles.formats.messages import show
from articles.formats.record import (
    OBJECT_MEMBERS,
    unknown_field_reason,
    unknown_member_reason,
)
from articles.model import Article, article_to_dict
from articles.service import Stamp
from articles.service import same_content as service_same_content
from articles.text import reading_time_minutes
from feeds.api.merge_patch import apply_merge_patch
from feeds.api.problems import Problem
from feeds.api.schemas import State

# The smallest step both databases store: a stamped `updated` is at least this much newer.
TICK: Final = timedelta(microseconds=1)
# A record that passes the validator, for checking one field at a time (see read_record).
_PROBE_BASE: Final[Mapping[str, Any]] = {"title": "-", "published": "1970-01-01T00:00:00Z"}


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
            {"id": article_id, **_PROBE_BASE}, where="", zone=ZoneInfo("UTC"), default_language="en"
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
    try:
        article = _parse(record, rules)
    except InvalidArticle as first:
        failure = first
    else:
        site = _site_errors(article, rules, record)
        if not site:
            return article
        return [{"field": prefix + field, "reason": reason} for field, reason in site]
    fields = [name for name in record if name != "id" and not name.startswith(EXTENSION_PREFIX)]
    # Each field first on its own, then again beside the record's fields that pass on their
    # own: a field is listed only when it fails among the record's own values, so a rule
    # between fields never compares with a value the client did not send (the probe's
    # stand-in `published` against the record's `updated` or `embargoed`). When those
    # fields break a rule between themselves (the whole record's verdict below), they
    # cannot judge the field, and its verdict on its own stands.
    alone = {
        name: _own_error(name, {"id": article_id, name: record[name]}, rules) for name in fields
    }
    context = {name: record[name] for name in fields if alone[name] is None}
    found: dict[tuple[str, str], None] = {}  # (field, reason), in the order found
    for name in fields:
        error = alone[name]
        among = _probe({**context, "id": article_id, name: record[name]}, rules)
        if among is None:
            continue  # fine among the record's own values
        if _top(among.field) == name:
            # Also for a field that passed on its own only because it needs another one the
            # probe lacked (an `episode` needs the record's `media`).
            error = among
        if error is None:
            continue
        found[(error.field, error.reason)] = None
        # The field's other errors inside it (`media[0].length` and `media[0].duration`).
        for inner in _inner_errors(name, record[name], article_id, rules, error, context):
            found[(inner.field, inner.reason)] = None
    # The whole record's verdict always counts: it may be a rule between fields (two body
    # forms, `updated` before `published`) about a field that is also bad on its own.
    found[(failure.field, failure.reason)] = None
    # The site's rules (a show's https media, the clock) over the fields that are good, so a
    # record with a bad `reading_time` and an http: episode hears of both at once.
    # A field whose errors are all inside it (`media[0].length`) joins them with stand-ins
    # in those places, so its other parts meet the site's rules too (an http: URL in a show
    # requiring https beside a bad length); a rule about a stand-in is never reported.
    bad = {_top(field) for field, _ in found}
    good = {name: record[name] for name in context if name not in bad}
    replaced: list[str] = []
    for name in sorted(bad & set(fields)):
        paths = [field for field, _ in found if _top(field) == name and field != name]
        repaired = _repaired(name, record[name], paths)
        if repaired is None:
            continue
        if _own_error(name, {**good, "id": article_id, name: repaired}, rules) is None:
            good[name] = repaired
            replaced += paths
    # A field read only beside another (an `episode` needs the record's `media`) passed on
    # its own and was not judged while that other was wrong: judged beside its repair now,
    # one at a time, each found fault leaving the good fields.
    for _ in range(len(good)):
        error = _probe({**good, "id": article_id}, rules)
        name = _top(error.field) if error is not None else ""
        if error is None or name not in good or name in bad:
            break
        found[(error.field, error.reason)] = None
        value = good.pop(name)
        for inner in _inner_errors(name, value, article_id, rules, error, good):
            found[(inner.field, inner.reason)] = None
    partial = _probe_article({**good, "id": article_id}, rules)
    if partial is not None:
        for field, reason in _site_errors(partial, rules, good):
            if not any(_within(field, path) for path in replaced):
                found[(field, reason)] = None
    order = {name: i for i, name in enumerate(RECORD_FIELDS)}
    pairs = sorted(found, key=lambda pair: (order.get(_top(pair[0]), len(order)), pair[0]))
    return [{"field": prefix + field, "reason": reason} for field, reason in pairs]


# Valid stand-ins for the items of list fields and for required members of their objects,
# put in the place of a value in error so the validator goes on to the next error inside the
# same field (`_inner_errors`). Only their validity matters; they are never stored.
_ITEM_STAND_INS: Final[Mapping[str, Any]] = {
    "tags": "x",
    "authors": "x",
    "related": "https://example.invalid/",
    "translations": "x",
    "media": {"url": "https://example.invalid/a.mp3", "length": 1, "type": "audio/mpeg"},
}
_MEMBER_STAND_INS: Final[Mapping[str, Any]] = {
    "url": "https://example.invalid/a",
    "length": 1,
    "type": "application/octet-stream",
    "name": "x",
    "label": "x",
    "slug": "x",
    "id": "x",
}
_PATH_STEP: Final = re.compile(r"\[(\d+)\]|\.([A-Za-z_]+)")
_MAX_INNER_ERRORS: Final = 50


def _inner_errors(
    name: str,
    value: Any,
    article_id: str,
    rules: RecordRules,
    first: InvalidArticle,
    context: Mapping[str, Any],
) -> list[InvalidArticle]:
    """The errors of field `name` after `first`, each found by putting a valid stand-in (or
    nothing, for an optional member) where the one before was and asking the validator
    again, beside the record's fields that pass (`context`: an `episode` is read only with
    its `media`): every member in error of every item is listed, not only the first."""
    found: list[InvalidArticle] = []
    seen = {first.field}
    error: InvalidArticle | None = first
    value = copy.deepcopy(value)
    while error is not None and len(found) < _MAX_INNER_ERRORS:
        value = _stand_in(name, value, error.field)
        if value is None:
            break
        error = _own_error(name, {**context, "id": article_id, name: value}, rules)
        if error is None or any(_within(done, error.field) for done in seen):
            break  # done, or an error of what was put in (`tags[0]` without its slug)
        seen.add(error.field)
        found.append(error)
    return found


def _repaired(name: str, value: Any, paths: Sequence[str]) -> Any:
    """`value` of field `name` with a stand-in at each of `paths` (its errors), or None when
    there are none or one cannot be replaced."""
    if not paths:
        return None
    repaired = copy.deepcopy(value)
    for path in paths:
        repaired = _stand_in(name, repaired, path)
        if repaired is None:
            return None
    return repaired


def _within(path: str, ancestor: str) -> bool:
    """Whether `path` is `ancestor` or a part of it (`media[0].length` within `media[0]`)."""
    return path == ancestor or path.startswith((ancestor + ".", ancestor + "["))


def _stand_in(name: str, value: Any, field: str) -> Any:
    """`value` (of the record field `name`) with the part `field` names (`media[0].length`)
    replaced by a stand-in, or left out when it is an optional member; None when `field`
    names no part inside the value that can be replaced."""
    steps = [(int(m[1]) if m[1] else m[2]) for m in _PATH_STEP.finditer(field[len(name) :])]
    if (
        not steps
        or "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps) != field[len(name) :]
        or not field.startswith(name)
    ):
        return None
    parent: Any = value
    for step in steps[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return None
    last = steps[-1]
    if isinstance(last, int) and isinstance(parent, list) and last < len(parent):
        if len(steps) == 1 and name in _ITEM_STAND_INS:
            parent[last] = copy.deepcopy(_ITEM_STAND_INS[name])
            return value
        return None
    if isinstance(last, str) and isinstance(parent, dict):
        if last in _MEMBER_STAND_INS:
            # Also for a required member that is missing (`media[0].type`): the errors of
            # the members after it (`media[0].duration`) are listed too.
            parent[last] = _MEMBER_STAND_INS[last]
            return value
        if last in parent:
            del parent[last]
            return value
    return None


def _site_errors(
    article: Article, rules: RecordRules, given: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The site's problems with `article` about fields the client sent (`given`): a rule is
    never reported about a stand-in the listing put in a field's place."""
    if rules.site is None:
        return []
    return list(
        dict.fromkeys(
            (field, reason) for field, reason in rules.site(article) if _top(field) in given
        )
    )


def _probe_article(probe: dict[str, Any], rules: RecordRules) -> Article | None:
    """The Article of `probe` with the probe record's required fields where it lacks them,
    or None when it still fails."""
    for _ in range(len(_PROBE_BASE) + 1):
        try:
            return _parse(probe, rules)
        except InvalidArticle as exc:
            if exc.field not in _PROBE_BASE or exc.field in probe:
                return None
            probe[exc.field] = _PROBE_BASE[exc.field]
    return None


def _own_error(name: str, probe: dict[str, Any], rules: RecordRules) -> InvalidArticle | None:
    """The validator's error for `probe` when it is about the field `name`, else None."""
    error = _probe(probe, rules)
    return error if error is not None and _top(error.field) == name else None


def _probe(probe: dict[str, Any], rules: RecordRules) -> InvalidArticle | None:
    """The validator's error for `probe`, else None. A required field the probe lacks is
    taken from the probe record, and only when the validator asks for it (a `published`
    may come from `embargoed`)."""
    while True:
        try:
            _parse(probe, rules)
            return None
        except InvalidArticle as exc:
            if exc.field not in _PROBE_BASE or exc.field in probe:
                return exc
            probe[exc.field] = _PROBE_BASE[exc.field]


def _parse(record: Mapping[str, Any], rules: RecordRules) -> Article:
    return article_from_mapping(
        record,
        where="",
        zone=rules.zone,
        default_language=rules.default_language,
        written_at=rules.written_at,
    )


def _top(field: str) -> str:
    for mark in (".", "[", " "):
        field = field.split(mark, 1)[0]
    return field


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


def state_of(article: Article, now: datetime) -> State:
    if article.status != "published":
        return article.status
    return "live" if article.published <= now else "embargoed"


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
