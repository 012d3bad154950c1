"""The JSON Schema (draft 2020-12) of our JSON record format, generated from articles.model.

The schema is built by walking the dataclasses' fields and type hints, so a field added to the
model appears here by itself; the per-field constraints and descriptions below say what
the record validator (`articles.formats.record`) checks. `python -m articles.schema >
docs/record.schema.json` writes it out. Every form the validator takes is valid in the schema:
the usual one and its lenient ones (one item instead of a list, with one text for `authors`
being a byline; a whole number for an id; `"4분"` or `4.5` for `reading_time`; blank text for
an optional URL, MIME type, language or e-mail, read as absent). Rules about a value's meaning
(a date that reads as no date, an unknown language) and between fields are not in it: a record
the schema takes can still be refused, but one it refuses never is taken.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import types
from datetime import datetime
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from articles import model
from articles.formats.media import MAX_DURATION
from articles.formats.record import EXTENSION_PREFIX, MAX_LIST_ITEMS
from articles.formats.values import MAX_BODY_CHARS, MAX_ID_LENGTH, MAX_READING_TIME

_URL = {
    "type": "string",
    # The scheme in any case (written in lower case) and a space after the host (written
    # %20) are taken, as browsers take them.
    "pattern": "^([Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+(?:[/?#].*)?|/(?!/).*)$",
    "description": "An absolute http(s) URL (IRIs allowed) or a site-relative path starting "
    "with '/', resolved against the site's public URL when a feed is built.",
}
# ASCII letters in capitals are taken and written in lower case (`World` is `world`).
_SLUG = {
    "type": "string",
    "pattern": "^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$",
    "description": "Lower-case URL name (capitals are written in lower case); derived from the "
    "label or name when absent.",
}
# A section's, tag's, author's or source's slug also names its feed: no '.' (feeds.query).
_FEED_SLUG = {
    "type": "string",
    "pattern": "^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?$",
    "description": "Lower-case URL name of its feed (capitals are written in lower case); "
    "derived from the label or name when absent.",
}
_DATE = {
    "type": "string",
    # Blank text is no date (`"published": ""` is refused, "expected a date, got empty text").
    "pattern": "\\S",
    "description": "ISO 8601 / RFC 3339, RFC 822, or a Korean date such as '2025년 7월 30일 "
    "오후 3:20'. Without a zone it is read in the site's zone; a date alone is the start of "
    "that day. A zone name must be one of RFC 822's or a well-known one naming a single offset "
    "(CEST, KST, AEST, ...; see docs/import-formats.md); IST and other ambiguous names are "
    "refused.",
}
# A BCP 47 tag in any case, with `_` for `-` (`ko_kr`), grandfathered ones (`i-klingon`) too:
# the validator writes it in its canonical form and refuses a tag no registry holds.
_LANGUAGE_PATTERN = "^[A-Za-z]{1,8}([-_][A-Za-z0-9]{1,8})*$"
# Text that must say something: blank text is read as missing ("required, but empty").
_TEXT = {"pattern": "\\S"}
_MIME = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9]"}

# Constraints and descriptions per (dataclass, field), applied on top of the type.
_FIELDS: dict[tuple[str, str], dict[str, Any]] = {
    ("Article", "id"): {
        "minLength": 1,
        "maxLength": MAX_ID_LENGTH,
        "pattern": "^[^\\s\\x00-\\x1f\\x7f]+$",
        "description": "The newsroom's own stable identifier: never changes, never reused. "
        "A whole number is read as text.",
    },
    ("Article", "guid"): {
        "description": "The public entry id (a tag: URI), minted once when the article is "
        "first stored; give it only when moving records between installations.",
    },
    ("Article", "slug"): _SLUG | {"description": "URL name; derived from the title when absent."},
    ("Article", "url"): _URL
    | {"description": "The external canonical URL; absent when the article lives on this site."},
    ("Article", "title"): _TEXT | {"minLength": 1, "description": "The headline (plain text)."},
    ("Article", "summary"): {"description": "The standfirst under the headline (plain text)."},
    ("Article", "body_html"): {
        "maxLength": MAX_BODY_CHARS,
        "description": "The body as HTML; sanitised, and relative links made absolute.",
    },
    ("Article", "published"): _DATE
    | {
        "description": "When it was published (appears in feeds). A published record may not "
        "give a time more than a few minutes ahead of the server's clock unless it is an "
        "embargo (see embargoed); defaults to embargoed. " + _DATE["description"]
    },
    ("Article", "updated"): _DATE
    | {
        "description": "When this version was written; defaults to published, and is "
        "required for an embargoed record. Never more than a few minutes ahead of the "
        "server's clock. " + _DATE["description"]
    },
    ("Article", "embargoed"): _DATE
    | {
        "description": "An embargo: the story must not appear before this time, which is "
        "then its publish time (published, if given, must be the same). Only with it may a "
        "published record's publish time be in the future. " + _DATE["description"]
    },
    ("Article", "language"): {
        "pattern": _LANGUAGE_PATTERN,
        "description": "BCP 47 language tag such as 'ko', 'ko-KR' or 'zh-Hant'; defaults to "
        "the site's language.",
    },
    ("Article", "status"): {"description": "Only published articles appear in feeds."},
    ("Article", "rights"): {"description": "Copyright or usage terms for this article."},
    ("Article", "reading_time"): {
        "minimum": 1,
        "maximum": MAX_READING_TIME,
        "description": "Minutes; computed from the body when absent (230 words a minute, or "
        "500 characters for ko and ja, 300 for zh).",
    },
    ("Section", "label"): _TEXT | {"description": "The name readers see, e.g. '아시아'."},
    ("Tag", "label"): _TEXT | {"description": "The name readers see."},
    ("Author", "name"): _TEXT,
    ("Source", "name"): _TEXT,
    ("Author", "uri"): _URL,
    ("Author", "email"): {"pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"},
    ("Image", "url"): _URL,
    ("Image", "alt"): {"description": "Text for readers who cannot see the image."},
    ("Image", "caption"): {"description": "The caption printed under the image."},
    ("Image", "width"): {"minimum": 1},
    ("Image", "height"): {"minimum": 1},
    ("Image", "type"): _MIME,
    ("Media", "url"): _URL,
    ("Media", "length"): {
        "minimum": 1,
        "description": "The file's exact size in bytes (podcast apps refuse 0 or none).",
    },
    ("Media", "type"): _MIME
    | {"description": "MIME type, e.g. 'audio/mpeg'; an episode's is audio/... or video/...."},
    ("Media", "duration"): {
        "description": "Seconds, or text as seconds, MM:SS or H:MM:SS (a fraction of a second "
        "allowed) or an ISO 8601 duration (PT4M, PT1H2M3S); zero is read as not given."
    },
    ("Episode", "season"): {"minimum": 1, "description": "itunes:season / podcast:season."},
    ("Episode", "number"): {"minimum": 1, "description": "itunes:episode / podcast:episode."},
    ("Episode", "type"): {"description": "Apple's itunes:episodeType."},
    ("Episode", "explicit"): {"description": "itunes:explicit; absent: as the show says."},
    ("Episode", "transcript_url"): _URL | {"description": "podcast:transcript's url."},
    ("Episode", "transcript_type"): _MIME
    | {
        "description": "podcast:transcript's type; told from the URL's .vtt, .srt, .json, "
        ".html or .txt when absent."
    },
    ("Episode", "chapters_url"): _URL
    | {"description": "podcast:chapters (JSON chapters, application/json+chapters)."},
    ("Article", "episode"): {
        "description": "A podcast episode's numbers, type, explicit flag, transcript and "
        "chapters; the record needs audio or video media."
    },
    ("Link", "url"): _URL,
    ("Source", "url"): _URL,
    ("Article", "translations"): {
        "description": "The same story in other languages: the ids of those articles in this "
        "store. Feeds and pages link each one while it is visible (hreflang alternates).",
    },
    ("Translation", "id"): {
        "minLength": 1,
        "maxLength": MAX_ID_LENGTH,
        "pattern": "^[^\\s\\x00-\\x1f\\x7f]+$",
        "description": "The other version's id (not this article's own).",
    },
    ("Translation", "language"): {
        "pattern": _LANGUAGE_PATTERN,
        "description": "Its BCP 47 language, for people reading the record; links use the "
        "other article's own language.",
    },
}
for _part in ("Section", "Tag", "Author", "Source"):
    _FIELDS[(_part, "slug")] = _FEED_SLUG

# Parts that may also be given as a bare string: a label, a name, a credit line or a URL.
_STRING_FORM = {
    "Section": "A label; the slug is derived from it.",
    "Tag": "A label; the slug is derived from it.",
    "Author": "A name; the slug is derived from it.",
    "Source": "A credit line such as 'AA' or '출처:AA'.",
    "Image": "The image URL alone.",
    "Link": "The URL alone.",
    "Translation": "The other version's id alone.",
}
# What the bare string of each part must be (else text that says something).
_STRING_RULE = {
    "Image": {"pattern": _URL["pattern"]},
    "Link": {"pattern": _URL["pattern"]},
    "Translation": {k: v for k, v in _FIELDS[("Translation", "id")].items() if k != "description"},
}
# List fields whose one item may be given alone, and what that one item means when it
# differs from an item of the list (`authors` as one text is a byline, split into people).
_ONE_ITEM = {
    "tags": None,
    "authors": {
        "type": "string",
        "maxLength": 2_000,
        "pattern": "\\S",
        "description": "One text: a byline, split into the people it names (docs/import-formats.md"
        ", Bylines and names).",
    },
    "related": None,
    "media": None,
    "translations": None,
}
# Text that is blank (read as absent by the validator, as null is).
_BLANK = {"type": "string", "pattern": "^\\s*$", "description": "Blank text: read as absent."}
# An id may be a whole number: it is read as its decimal text.
_WHOLE_NUMBER_ID = {"type": "integer", "description": "A whole number, read as its decimal text."}
# Fields parse derives when absent, so a record need not carry them.
_DERIVED = {("Article", "slug"), ("Article", "updated"), ("Article", "language")}
_DERIVED |= {(part, "slug") for part in ("Section", "Tag", "Author", "Source")}
_DERIVED |= {(part, "label") for part in ("Section", "Tag")}  # from the slug


def record_json_schema() -> dict[str, Any]:
    """The JSON Schema of one record in our JSON format."""
    defs: dict[str, Any] = {}
    record = _object_schema(model.Article, defs)
    record["properties"]["body"] = {
        "description": "Instead of body_html: plain text (blank lines separate paragraphs) or "
        "a list of paragraphs.",
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    }
    record["properties"]["body_markdown"] = {
        "type": "string",
        "maxLength": MAX_BODY_CHARS,
        "description": "Instead of body_html: CommonMark (raw HTML is shown as text).",
    }
    record["properties"]["$schema"] = {"type": "string"}
    media = defs["Media"]["properties"]
    media["duration"] = {
        "description": media["duration"]["description"],
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": MAX_DURATION},
            {
                "type": "string",
                "maxLength": 32,
                # Seconds, MM:SS, H:MM:SS, or an ISO 8601 duration of days and time
                # (`PT4M`, `P1DT2H`: articles.formats.media.iso_duration_seconds).
                "pattern": "^(?:(\\d+:[0-5]?\\d:[0-5]?\\d|\\d+:[0-5]?\\d|\\d+)(\\.\\d+)?"
                "|[Pp](?=[0-9]|[Tt][0-9])(?:[0-9]+[Dd])?(?:[Tt](?=[0-9])(?:[0-9]+[Hh])?"
                "(?:[0-9]+[Mm])?(?:[0-9]+(?:[.,][0-9]+)?[Ss])?)?)$",
            },
            {"type": "null"},
        ],
    }
    properties = record["properties"]
    properties["id"] = {
        "description": properties["id"].pop("description"),
        "anyOf": [properties["id"], _WHOLE_NUMBER_ID],
    }
    translation = defs["Translation"]["properties"]
    translation["id"] = {
        "description": translation["id"].pop("description"),
        "anyOf": [translation["id"], _WHOLE_NUMBER_ID],
    }
    properties["reading_time"] = {
        "description": properties["reading_time"]["description"]
        + " Also a fraction (counted as the next whole minute) or text as a newsroom writes "
        "it: '4', '4분', '4 min read', 'PT4M'.",
        "anyOf": [
            {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_READING_TIME},
            # Text as a page prints it, in any script's digits: what it says is the
            # validator's rule (`articles.formats.values.ValueReader.minutes`).
            {"type": "string", **_TEXT},
        ],
    }
    for name, alone in _ONE_ITEM.items():
        listed = properties[name]
        item = dict(listed["items"])
        if alone is not None:  # the object form, or the text that means something else alone
            item = {"anyOf": [item["anyOf"][0], alone]}
        properties[name] = {
            **({"description": listed.pop("description")} if "description" in listed else {}),
            "anyOf": [listed, item],
        }
    # An item of the list may be a whole number (an id), not the one item given alone.
    listed = properties["translations"]["anyOf"][0]["items"]
    listed["anyOf"] = [*listed["anyOf"], _WHOLE_NUMBER_ID]
    # `published` may be left out (or null) when `embargoed` is given: the embargo's end is
    # then the publish time. One of the two is required.
    record["required"] = ["id", "title"]
    record["anyOf"] = [
        {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
        for name in ("published", "embargoed")
    ]
    # The validator reads null as an absent value wherever a field may be left out (`"summary":
    # null` is no summary), at every level; the schema said null was invalid for most of them.
    for each in (record, *defs.values()):
        if each.get("type") == "object":
            for name, part in each["properties"].items():
                if name not in each.get("required", ()):
                    each["properties"][name] = _nullable(_or_blank(part, name))
    record["patternProperties"] = {
        f"^{EXTENSION_PREFIX}": {"description": "Ignored: for notes and other systems' data."}
    }
    given = {"not": {"type": "null"}}  # a body form counts when it is not null
    record["not"] = {
        "anyOf": [
            {"required": [a, b], "properties": {a: given, b: given}}
            for a, b in (
                ("body_html", "body"),
                ("body_html", "body_markdown"),
                ("body", "body_markdown"),
            )
        ]
    }
    _trim_patterns(record)
    _trim_patterns(defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Article record",
        "description": "One news article in our JSON record format. A .json file holds one "
        "record or a list of them; a .jsonl file one per line. Unknown fields are refused "
        f"unless their names start with '{EXTENSION_PREFIX}'.",
        **record,
        "$defs": dict(sorted(defs.items())),
    }


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = get_type_hints(cls, vars(model))
    properties: dict[str, Any] = {}
    required = []
    for field in dataclasses.fields(cls):
        if not field.metadata.get("record", True):
            continue  # the program's own note about the record, never in it
        schema = _type_schema(hints[field.name], defs)
        extra = dict(_FIELDS.get((cls.__name__, field.name), {}))
        description = extra.pop("description", None)
        _constrain(schema, extra)
        if description:
            schema = {"description": description, **schema}
        properties[field.name] = schema
        no_default = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        if no_default and (cls.__name__, field.name) not in _DERIVED:
            required.append(field.name)
    doc = (cls.__doc__ or "").strip().splitlines()
    result: dict[str, Any] = {"type": "object"}
    if doc and cls is not model.Article:
        result["description"] = doc[0]
    result["properties"] = properties
    if required:
        result["required"] = required
    if cls in (model.Section, model.Tag):
        result["minProperties"] = 1  # a label or a slug; parse derives the other
    result["additionalProperties"] = False
    return result


# Patterns of text the validator takes with white space around it (it trims a URL, slug,
# language, MIME type or e-mail before reading it): every anchored one but an id's, which
# refuses white space anywhere ("contains white space").
_ID_PATTERN = _FIELDS[("Article", "id")]["pattern"]


def _trim_patterns(schema: Any) -> None:
    if isinstance(schema, list):
        for each in schema:
            _trim_patterns(each)
        return
    if not isinstance(schema, dict):
        return
    pattern = schema.get("pattern")
    if (
        isinstance(pattern, str)
        and pattern.startswith("^")
        and pattern.endswith("$")
        and pattern not in (_ID_PATTERN, _BLANK["pattern"])
    ):
        schema["pattern"] = f"^\\s*(?:{pattern[1:-1]})\\s*$"
    for key, value in schema.items():
        if key != "pattern":
            _trim_patterns(value)


def _or_blank(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """`schema` that also takes blank text, when it is an optional string whose pattern
    refuses it (a URL, MIME type, language or e-mail: the validator reads blank as absent).
    A section's or tag's blank label is absent too (derived from the slug). Not a slug, nor a
    date, whose blank text is refused ("required, but empty", "expected a date, got empty
    text": their pattern is `_TEXT`'s)."""
    pattern = schema.get("pattern")
    if name == "slug" or schema.get("type") not in ("string", ["string", "null"]) or not pattern:
        return schema
    if (pattern == _TEXT["pattern"] and name != "label") or re.search(pattern, ""):
        return schema
    rest = {k: v for k, v in schema.items() if k != "description"}
    described = {"description": schema["description"]} if "description" in schema else {}
    return {**described, "anyOf": [rest, _BLANK]}


def _accepts_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    if "enum" in schema:
        return None in schema["enum"]
    return any(_accepts_null(branch) for branch in schema.get("anyOf", ()))


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` that also accepts null (an optional field's "absent"), keeping its description
    and constraints (a string's pattern says nothing of null)."""
    if _accepts_null(schema):
        return schema
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if isinstance(schema.get("type"), str):
        nullable = {**schema, "type": [schema["type"], "null"]}
        if "enum" in schema:
            nullable["enum"] = [*schema["enum"], None]
        return nullable
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    rest = {k: v for k, v in schema.items() if k != "description"}
    described = {"description": schema["description"]} if "description" in schema else {}
    return {**described, "anyOf": [rest, {"type": "null"}]}


def _constrain(schema: dict[str, Any], extra: dict[str, Any]) -> None:
    """Put constraints on the non-null branch of an optional value."""
    extra = {k: v for k, v in extra.items() if k != "type"}  # the type comes from the hint
    if not extra:
        return
    if "anyOf" in schema:
        for branch in schema["anyOf"]:
            if branch.get("type") != "null":
                branch.update(extra)
        return
    schema.update(extra)


def _type_schema(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(hint) if a is not type(None)]
        inner = (
            _type_schema(members[0], defs)
            if len(members) == 1
            else {"anyOf": [_type_schema(m, defs) for m in members]}
        )
        if list(inner) == ["type"] and isinstance(inner["type"], str):
            return {"type": [inner["type"], "null"]} if len(inner) == 1 else inner
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is Literal:
        return {"enum": list(get_args(hint))}
    if origin is tuple:
        return {
            "type": "array",
            "items": _type_schema(get_args(hint)[0], defs),
            "maxItems": MAX_LIST_ITEMS,
        }
    if hint is str:
        return {"type": "string"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is datetime:
        return {"type": "string"}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        name = hint.__name__
        if name not in defs:
            defs[name] = {}  # reserve the name first: parts could refer to each other
            defs[name] = _object_schema(hint, defs)
        ref = {"$ref": f"#/$defs/{name}"}
        if name in _STRING_FORM:
            string = {"type": "string", "description": _STRING_FORM[name]}
            return {"anyOf": [ref, string | _STRING_RULE.get(name, _TEXT)]}
        return ref
    raise TypeError(f"no JSON Schema for the type {hint!r}")  # a new kind of field in the model


def main() -> None:
    """Print the schema: `python -m articles.schema > docs/record.schema.json`."""
    sys.stdout.write(json.dumps(record_json_schema(), ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
