"""Which IPTC ninjs version an item is, told from the item itself, never guessed.

An item says its version in `standard.version` or `standard.schema` (2.2 and 3.x), in `$schema`
(a ninjs schema URL such as `http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json`) or in
`ninjsVersion`; otherwise its field names tell: 1.x and 2.x spell them in lower case
(`versioncreated`, `pubstatus`, a body's `contenttype`), 3.x in camelCase (`versionCreated`,
`pubStatus`, `contentType`). An item is refused, with a message naming the field, when:

- its statements disagree (`standard.version` 3.0, `$schema` 2.1), or name a version this
  importer does not read;
- it mixes the names of both generations (`versioncreated` beside `pubStatus`), or its names
  contradict its stated version: which of two spellings the agency meant cannot be known, and
  guessing once let a withheld story out as published;
- nothing in it tells the version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from articles.errors import InvalidArticle
from articles.formats.faults import every_fault, record_faults, top_field
from articles.formats.messages import kind, show
from articles.formats.ninjs import Ninjs2Item, NinjsItem
from articles.formats.ninjs3 import ONLY_1X, RENAMED, Ninjs3Item
from articles.formats.record import RecordBuilder
from articles.model import Article

# Names of one generation only. The 2.x names of the fields ninjs 3 renamed, plus the 1.x ones.
NAMES_2: frozenset[str] = frozenset(RENAMED) | frozenset(ONLY_1X) | {
    "subject", "genre", "person", "place", "organisation", "object", "event", "trustindicator",
    "$standard",
}  # fmt: skip
NAMES_3: frozenset[str] = frozenset(RENAMED.values())
# The spelling of each 2.x name in 3.x, for messages.
_IN_3: dict[str, str] = {**RENAMED}
_IN_2: dict[str, str] = {v: k for k, v in RENAMED.items()}
# Parts of an item whose entries carry version-specific names (`contentType`, `sizeInBytes`).
_PARTS = ("bodies", "headlines", "descriptions", "renditions", "people", "infoSources",
          "infosources", "associations")  # fmt: skip
_SCHEMA_URL = re.compile(r"ninjs-schema_(\d+)\.(\d+)")
_VERSION = re.compile(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.\d+)?\s*$")
SUPPORTED = ("1.x", "2.x", "3.0", "3.1")
# Keys that mark a JSON object as a ninjs item rather than one of our records.
NINJS_KEYS = ("uri", "versioncreated", "versionCreated", "headlines", "headline", "firstcreated",
              "firstCreated", "pubstatus", "pubStatus", "ninjsVersion")  # fmt: skip


def is_ninjs(raw: Mapping[str, Any]) -> bool:
    """Whether a JSON object is a ninjs item rather than one of our records."""
    if "id" in raw and "title" in raw:
        return False
    return any(key in raw for key in NINJS_KEYS)


def article_from_ninjs(
    raw: object, *, where: str, zone: ZoneInfo, default_language: str, base_url: str = ""
) -> Article:
    """An IPTC ninjs 1.x, 2.x, 3.0 or 3.1 news item; the mapping is in docs/import-formats.md.

    Raises InvalidArticle naming the ninjs field for an item that is not an article (a picture,
    an event), whose version cannot be told, or whose fields are not valid.
    """
    if not isinstance(raw, Mapping):
        raise InvalidArticle(where, "", f"expected a ninjs JSON object, got {kind(raw)}")
    item_class = ninjs_item_class(raw, where)
    record, origin, untranslated = item_class(raw, where, zone).translated()

    def parse(translated: Mapping[str, Any]) -> Article:
        return RecordBuilder("", zone, default_language, base_url, origin).build(translated)

    if not untranslated:
        # A bad item is refused with every fault of its translated record, by ninjs field.
        return every_fault(record, parse, where)
    # Fields that could not be translated, and the faults of those that were (but none about
    # a field the untranslated ones left out: `published` is missing when a date is bad).
    faults = [pair for _, pair in untranslated]
    left_out = {ours for ours, _ in untranslated}
    try:
        parse(record)
    except InvalidArticle as failure:
        faults += [
            pair
            for pair in record_faults(record, parse, failure)
            if top_field(pair[0]) not in left_out
        ]
    raise InvalidArticle(where, *faults[0], faults=faults)


def ninjs_item_class(raw: Mapping[str, Any], where: str) -> type[NinjsItem]:
    """Ninjs2Item (1.x and 2.x) or Ninjs3Item (3.0, 3.1); raises InvalidArticle otherwise."""
    stated = _stated_generation(raw, where)
    old = _first_name(raw, NAMES_2)
    new = _first_name(raw, NAMES_3)
    if stated is not None:
        field, version, generation = stated
        wrong = new if generation == 2 else old
        if wrong is not None:
            right = _respelled(wrong)
            raise InvalidArticle(
                where,
                wrong,
                f"a ninjs {'3.x' if generation == 2 else '1.x/2.x'} name in an item that says "
                f"it is ninjs {version} ({field}); ninjs {version} spells it {show(right)}",
            )
        return Ninjs2Item if generation == 2 else Ninjs3Item
    if old is not None and new is not None:
        raise InvalidArticle(
            where,
            old,
            f"mixes ninjs versions: {show(old)} is a 1.x/2.x name and {show(new)} a 3.x name; "
            "use one version's names (or say which in standard.version)",
        )
    if new is not None:
        return Ninjs3Item
    if old is not None:
        return Ninjs2Item
    raise InvalidArticle(
        where,
        "",
        "cannot tell which ninjs version this item is: give standard.version (such as '3.1') "
        "or the version's own names (versionCreated in 3.x, versioncreated in 1.x/2.x)",
    )


def _stated_generation(raw: Mapping[str, Any], where: str) -> tuple[str, str, int] | None:
    """(field, version, 2 or 3) from what the item says of itself, or None when it says nothing."""
    statements: list[tuple[str, str]] = []
    standard = raw.get("standard")
    if isinstance(standard, Mapping):
        if standard.get("version") is not None:
            statements.append(("standard.version", str(standard["version"])))
        schema = standard.get("schema")
        if isinstance(schema, str) and _SCHEMA_URL.search(schema):
            statements.append(("standard.schema", schema))
    for field in ("$schema", "ninjsVersion"):
        value = raw.get(field)
        if field == "$schema" and not (isinstance(value, str) and _SCHEMA_URL.search(value)):
            continue  # not a ninjs schema: says nothing about the version
        if value is not None:
            statements.append((field, str(value)))
    found: list[tuple[str, str, int]] = []
    for field, value in statements:
        url = _SCHEMA_URL.search(value)
        match = url or _VERSION.match(value)
        if match is None:
            raise InvalidArticle(where, field, f"{show(value)} is not a ninjs version")
        major = int(match.group(1))
        version = f"{major}.{match.group(2)}" if match.group(2) is not None else str(major)
        if major not in (1, 2, 3) or (major == 3 and match.group(2) not in (None, "0", "1")):
            raise InvalidArticle(
                where,
                field,
                f"ninjs {version} is not a version this importer reads ({', '.join(SUPPORTED)})",
            )
        found.append((field, version, 3 if major == 3 else 2))
    if not found:
        return None
    first = found[0]
    for other in found[1:]:
        if other[2] != first[2]:
            raise InvalidArticle(
                where,
                other[0],
                f"says ninjs {other[1]}, but {first[0]} says {first[1]}",
            )
    return first


def _names(raw: Mapping[str, Any], path: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """(name, path) of the item's keys and of the keys of its parts' entries, in order."""
    for key in raw:
        if isinstance(key, str):
            yield key, f"{path}{key}"
    if depth > 2:
        return
    for part in _PARTS:
        entries = raw.get(part)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if isinstance(entry, Mapping):
                yield from _names(entry, f"{path}{part}[{index}].", depth + 1)


def _first_name(raw: Mapping[str, Any], names: frozenset[str]) -> str | None:
    """The path of the first key of the item that is one of `names`."""
    for key, path in _names(raw):
        if key in names:
            return path
    return None


def _respelled(path: str) -> str:
    """`bodies[0].contenttype` -> `bodies[0].contentType` (and back)."""
    head, _, last = path.rpartition(".")
    other = _IN_3.get(last) or _IN_2.get(last) or last
    return f"{head}.{other}" if head else other
