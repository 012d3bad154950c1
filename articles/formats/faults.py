"""Every fault of a record, not only the first: the listing the importer and the API share.

The validator (`articles.formats.record`) stops at a record's first error. When a record
fails, `record_faults` finds every failing top-level field by validating each field on its
own against a minimal valid record and then again beside the record's own fields that pass
(so a listed fault never compares with a value the record did not give); cross-field rules
(`updated` before `published`, two body fields) come from the whole record's error. Inside a
field, each error found is replaced by a valid stand-in (or an optional member left out) and
the field asked again, so every member in error of every item is listed (`media[0].length`
and `media[0].duration`). Nothing here is a second validator: every verdict is the one
`parse` gives (the import's validator, with a translated format's field names in errors).
Optionally the site's rules (`site`) are asked about the fields that are good.

The publishing API lists these in one 422 (`feeds.api.records`); the importer in the record's
one line (`seed.json: record 3: 2 problems: published: ...; language: ...`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from articles.errors import InvalidArticle
from articles.formats.record import EXTENSION_PREFIX, RECORD_FIELDS
from articles.model import Article

# Reads a record (our shape) into an Article, or raises its first InvalidArticle.
Parse = Callable[[Mapping[str, Any]], Article]
# The site's problems with an Article, as (field, reason) pairs.
SiteRules = Callable[[Article], Iterable[tuple[str, str]]]

# A record that passes the validator, for checking one field at a time: a field the
# validator asks for (and the probe lacks) is taken from here.
PROBE_BASE: Final[Mapping[str, Any]] = {
    "id": "x",
    "title": "-",
    "published": "1970-01-01T00:00:00Z",
}


def record_faults(
    record: Mapping[str, Any],
    parse: Parse,
    failure: InvalidArticle,
    *,
    site: SiteRules | None = None,
) -> list[tuple[str, str]]:
    """Every (field, reason) of `record`, which `parse` refused with `failure`, in the order of
    the record format's fields (RECORD_FIELDS); `failure` is always among them."""
    fields = [name for name in record if not str(name).startswith(EXTENSION_PREFIX)]
    # Each field first on its own, then again beside the record's fields that pass on their
    # own: a field is listed only when it fails among the record's own values, so a rule
    # between fields never compares with a value the record did not give (the probe's
    # stand-in `published` against the record's `updated` or `embargoed`). When those
    # fields break a rule between themselves (the whole record's verdict below), they
    # cannot judge the field, and its verdict on its own stands.
    alone = {name: _own_error(name, {name: record[name]}, parse) for name in fields}
    context = {name: record[name] for name in fields if alone[name] is None}
    found: dict[tuple[str, str], None] = {}  # (field, reason), in the order found
    for name in fields:
        error = alone[name]
        among = _probe({**context, name: record[name]}, parse)
        if among is None:
            continue  # fine among the record's own values
        if top_field(among.field) == name:
            # Also for a field that passed on its own only because it needs another one the
            # probe lacked (an `episode` needs the record's `media`).
            error = among
        if error is None:
            continue
        found[(error.field, error.reason)] = None
        # The field's other errors inside it (`media[0].length` and `media[0].duration`).
        for inner in _inner_errors(name, record[name], parse, error, context):
            found[(inner.field, inner.reason)] = None
    # The whole record's verdict always counts: it may be a rule between fields (two body
    # forms, `updated` before `published`) about a field that is also bad on its own.
    found[(failure.field, failure.reason)] = None
    # A field whose faults are all inside it (`media[0].length`) joins the good fields with
    # stand-ins in those places, so its other parts meet the other rules too.
    bad = {top_field(field) for field, _ in found}
    good = {name: record[name] for name in context if name not in bad}
    replaced: list[str] = []
    for name in [name for name in fields if name in bad]:
        paths = [_path(f) for f, _ in found if top_field(f) == name and _path(f) != name]
        repaired = _repaired(name, record[name], paths)
        if repaired is not None and _own_error(name, {**good, name: repaired}, parse) is None:
            good[name] = repaired
            replaced += paths
    # A field read only beside another (an `episode` needs the record's `media`) passed on
    # its own and was not judged while that other was wrong: judged beside its repair now,
    # one at a time, each fault found leaving the good fields.
    for _ in range(len(good)):
        error = _probe(dict(good), parse)
        name = top_field(error.field) if error is not None else ""
        if error is None or name not in good or name in bad:
            break
        found[(error.field, error.reason)] = None
        value = good.pop(name)
        for inner in _inner_errors(name, value, parse, error, good):
            found[(inner.field, inner.reason)] = None
    # The site's rules (a show's https media, the clock) over the fields that are good, so a
    # record with a bad `reading_time` and an http: episode hears of both at once, and an
    # http: URL beside a zero length in the same medium too; never about a stand-in.
    if site is not None:
        partial = _probe_article(dict(good), parse)
        if partial is not None:
            for field, reason in site_faults(partial, site, good):
                if not any(_within(_path(field), path) for path in replaced):
                    found[(field, reason)] = None
    order = {name: i for i, name in enumerate(RECORD_FIELDS)}
    return sorted(found, key=lambda pair: (order.get(top_field(pair[0]), len(order)), pair[0]))


def site_faults(
    article: Article, site: SiteRules, given: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The site's problems with `article` about fields the record gave (`given`): a rule is
    never reported about a stand-in the listing put in a field's place."""
    return list(
        dict.fromkeys(
            (field, reason) for field, reason in site(article) if top_field(field) in given
        )
    )


def every_fault(record: Mapping[str, Any], parse: Parse, where: str) -> Article:
    """`parse(record)`, or an InvalidArticle at `where` listing every fault of the record
    (`faults`; its field and reason are the first's, as `parse` raised it)."""
    try:
        return parse(record)
    except InvalidArticle as failure:
        faults = record_faults(record, parse, failure)
        if len(faults) < 2:
            raise InvalidArticle(where, failure.field, failure.reason) from None
        raise InvalidArticle(where, failure.field, failure.reason, faults=faults) from None


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
# What a translated format adds after the field's path in errors: `tags[3] (from keywords[2])`.
_ORIGIN: Final = re.compile(r" \(from .*\)\Z")


def _inner_errors(
    name: str,
    value: Any,
    parse: Parse,
    first: InvalidArticle,
    context: Mapping[str, Any],
) -> list[InvalidArticle]:
    """The errors of field `name` after `first`, each found by putting a valid stand-in (or
    nothing, for an optional member) where the one before was and asking the validator
    again, beside the record's fields that pass (`context`: an `episode` is read only with
    its `media`): every member in error of every item is listed, not only the first."""
    found: list[InvalidArticle] = []
    seen = {_path(first.field)}
    error: InvalidArticle | None = first
    value = copy.deepcopy(value)
    while error is not None and len(found) < _MAX_INNER_ERRORS:
        value = _stand_in(name, value, _path(error.field))
        if value is None:
            break
        error = _own_error(name, {**context, name: value}, parse)
        if error is None or any(_within(done, _path(error.field)) for done in seen):
            break  # done, or an error of what was put in (`tags[0]` without its slug)
        seen.add(_path(error.field))
        found.append(error)
    return found


def _repaired(name: str, value: Any, paths: Iterable[str]) -> Any:
    """`value` of field `name` with a stand-in at each of `paths` (its faults), or None when
    there are none or one cannot be replaced."""
    repaired: Any = None
    for path in paths:
        repaired = _stand_in(name, copy.deepcopy(value) if repaired is None else repaired, path)
        if repaired is None:
            return None
    return repaired


def _path(field: str) -> str:
    """The field's path without a translated format's origin (`tags[3] (from keywords[2])`)."""
    return _ORIGIN.sub("", field)


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


def _probe_article(probe: dict[str, Any], parse: Parse) -> Article | None:
    """The Article of `probe` with the probe record's required fields where it lacks them,
    or None when it still fails."""
    for _ in range(len(PROBE_BASE) + 1):
        try:
            return parse(probe)
        except InvalidArticle as exc:
            field = top_field(exc.field)
            if field not in PROBE_BASE or field in probe:
                return None
            probe[field] = PROBE_BASE[field]
    return None


def _own_error(name: str, probe: dict[str, Any], parse: Parse) -> InvalidArticle | None:
    """The validator's error for `probe` when it is about the field `name`, else None."""
    error = _probe(probe, parse)
    return error if error is not None and top_field(error.field) == name else None


def _probe(probe: dict[str, Any], parse: Parse) -> InvalidArticle | None:
    """The validator's error for `probe`, else None. A required field the probe lacks is
    taken from the probe record, and only when the validator asks for it (a `published`
    may come from `embargoed`)."""
    while True:
        try:
            parse(probe)
            return None
        except InvalidArticle as exc:
            field = top_field(exc.field)
            if field not in PROBE_BASE or field in probe:
                return exc
            probe[field] = PROBE_BASE[field]


def top_field(field: str) -> str:
    """The record's field an error is about: `media` for `media[0].length`, `title` for
    `title (from headlines)`."""
    for mark in (".", "[", " "):
        field = field.split(mark, 1)[0]
    return field
