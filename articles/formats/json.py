"""JSON documents and values -> records: our JSON record format or IPTC ninjs items.

A `.json` file (or a JSON document on standard input) holds one record or a list of records;
each JSON object is our record or a ninjs item, told apart by its keys (`is_ninjs`). The JSON
decoding rules live here, for JSON Lines as well:

- orjson decodes first (several times faster), unless it read an integer outside 64 bits (it
  gives a float then: `beyond_64_bits`); that, and whatever it refuses (lone surrogate escapes,
  NaN, numbers it cannot hold, real errors) is decoded again by the standard library, which
  accepts what RFC 8259 allows and tells where an error is.
- The decoder's messages are reworded with line and column: `not valid JSON at line 3,
  column 9: a raw control character U+0000 inside a string (write it as \\u0000)`.
- A member name given twice in one object is an error (RFC 8259 leaves its meaning open):
  `the name "status" is given twice in one object` (`duplicate_name`).
- An integer of more digits than Python converts (`sys.get_int_max_str_digits()`, 4,300) is not
  an error of the whole input but of the record that holds it: the record is refused naming
  the field, line and column, and the other records are read as usual.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any, Final

import orjson

from articles.errors import InvalidArticle, UnreadableInput
from articles.formats.faults import every_fault
from articles.formats.messages import kind
from articles.formats.ninjs_version import article_from_ninjs, is_ninjs
from articles.formats.record import ParsedRecord, article_from_mapping
from articles.model import Article


class HugeInteger:
    """Stands in a decoded value for an integer too long to convert: its digits as text."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<an integer of {len(self.digits.lstrip('-')):,} digits>"


class JsonSyntaxError(ValueError):
    """A JSON text that cannot be decoded: `reason`, with the 1-based line and column."""

    def __init__(self, reason: str, line: int, column: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column

    def at(self, *, with_line: bool = True) -> str:
        """`not valid JSON at line 3, column 9: <reason>` (without the line for one-line input)."""
        place = f"line {self.line}, column {self.column}" if with_line else f"column {self.column}"
        return f"not valid JSON at {place}: {self.reason}"


class Decoded:
    """A decoded JSON text, with the integers too long to convert found while decoding."""

    __slots__ = ("huge", "text", "value")

    def __init__(self, value: object, text: str | bytes, huge: list[str]) -> None:
        self.value = value
        self.text = text
        self.huge = huge


def decode(text: str | bytes) -> Decoded:
    """Decode one JSON text (UTF-8 bytes or str); raises JsonSyntaxError.

    Bytes that are not UTF-8 raise UnicodeDecodeError, for the caller to word for its input.
    """
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if is_too_deep(exc):  # Python's decoder goes as deep as the stack lets it
            raise too_deep(text.decode("utf-8") if isinstance(text, bytes) else text) from None
    else:
        names, big = _shape(value)
        if not big:
            repeated = duplicate_name(text, value, names=names)
            if repeated is not None:
                raise repeated
            return Decoded(value, text, [])
        # orjson reads an integer outside 64 bits as a float (2**64 -> 1.8446744073709552e19):
        # a numeric id or size would change. The standard library keeps it exact.
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    huge: list[str] = []

    def parse_int(digits: str) -> int | HugeInteger:
        try:
            return int(digits)
        except ValueError:  # longer than sys.get_int_max_str_digits()
            huge.append(digits)
            return HugeInteger(digits)

    try:
        value = json.loads(
            text,
            parse_int=parse_int,
            object_pairs_hook=_unique_names,
            parse_constant=_refuse_constant,
        )
    except _RepeatedName as exc:
        raise _repeated_name_error(text, exc.name) from None
    except _NotJsonConstant:
        raise _constant_error(text) from None
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(_reworded(exc), exc.lineno, exc.colno) from None
    except RecursionError:
        raise too_deep(text) from None
    return Decoded(value, text, huge)


def syntax_error(text: str) -> JsonSyntaxError | None:
    """Why `text` is not JSON, in the words the importer uses (`JsonSyntaxError.at()`), or None
    when Python's decoder reads it (a value orjson refuses that RFC 8259 allows is the
    caller's to word; NaN and Infinity are refused here). The publishing API words its 400s
    with this, so both say the same thing."""
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except _NotJsonConstant:
        return _constant_error(text)
    except json.JSONDecodeError as exc:
        return JsonSyntaxError(_reworded(exc), exc.lineno, exc.colno)
    except RecursionError:
        return too_deep(text)
    except ValueError:
        return None
    return None


# How deep arrays and objects may nest: orjson's limit, which every JSON body and line meets
# first. Python's decoder stops a little earlier (its recursion limit, less the stack in use).
MAX_DEPTH: Final = 1024
# Outside strings: a bracket, or a string (skipped whole, escapes included).
_BRACKET_OR_STRING: Final = re.compile(r'[\[\]{}]|"(?:[^"\\]|\\.)*"', re.DOTALL)


def is_too_deep(exc: orjson.JSONDecodeError) -> bool:
    """Whether orjson refused a text for nesting deeper than MAX_DEPTH."""
    return str(exc).startswith("depth limit exceeded")


def too_deep(text: str) -> JsonSyntaxError:
    """The error for a JSON text nested deeper than a decoder goes, placed at the bracket
    that opens level MAX_DEPTH + 1 (or, when the decoder stopped before that, the deepest
    level's first bracket): 1-based line and column, as the other syntax errors are."""
    depth = deepest = 0
    at = 0
    for match in _BRACKET_OR_STRING.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, match.start()
                if depth > MAX_DEPTH:
                    break
        elif char in "]}":
            depth -= 1
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return JsonSyntaxError(
        f"arrays and objects nested more than {MAX_DEPTH:,} levels deep", line, column
    )


class _NotJsonConstant(ValueError):
    """`NaN`, `Infinity` or `-Infinity`, which Python's decoder reads and RFC 8259 does not
    allow (orjson refuses them too): an imported file and the API refuse them alike."""


def _refuse_constant(name: str) -> Any:
    raise _NotJsonConstant(name)


# A JSON string (skipped) or one of the constants JSON does not have, outside strings.
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _constant_error(text: str) -> JsonSyntaxError:
    """Where the first `NaN` or `Infinity` outside a string is, worded as the decoder's own
    errors are."""
    for match in _CONSTANT.finditer(text):
        if match.group(1):
            start = match.start(1)
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            return JsonSyntaxError(
                f"{match.group(1)} is no JSON value (RFC 8259 has no NaN or Infinity); "
                "write a number, or null",
                line,
                column,
            )
    return JsonSyntaxError("NaN or Infinity is no JSON value; write a number, or null", 1, 1)


class _RepeatedName(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _RepeatedName(name)
            seen.add(name)
    return value


# A member name's closing quote and its colon: every name in a JSON text is followed by one
# (a string value may hold more), so the count is at least the number of names decoded.
_NAME_END = re.compile(rb'"[ \t\r\n]*:')
_NAME_END_TEXT = re.compile(r'"[ \t\r\n]*:')


# orjson gives a float for an integer outside [-2**63, 2**64); a float this large written as
# such in the text is decoded again too, which changes nothing.
_INT_RANGE = 2.0**63


def beyond_64_bits(value: object) -> bool:
    """Whether orjson's `value` may hold an integer it read as a float (one outside 64 bits):
    any float of magnitude 2**63 or more. Then decode with the standard library instead."""
    return _shape(value)[1]


def _shape(value: object) -> tuple[int, bool]:
    """The number of member names in a decoded JSON value (every object's keys, nested ones
    too) and whether it holds a float of magnitude 2**63 or more (`beyond_64_bits`).

    One walk for both, visiting containers only; the values orjson gives are exactly dict,
    list, str, int, float, bool or None (no subclasses), so `type` tells them apart.
    """
    kind = type(value)
    if kind is float:
        return 0, not -_INT_RANGE < value < _INT_RANGE  # type: ignore[operator]
    if kind is not dict and kind is not list:
        return 0, False
    names = 0
    big = False
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            names += len(item)
            items: Any = item.values()
        else:
            items = item
        for member in items:
            kind = type(member)
            if kind is dict or kind is list:
                stack.append(member)
            elif kind is float and not -_INT_RANGE < member < _INT_RANGE:
                big = True
    return names, big


def duplicate_name(
    text: str | bytes, value: object, *, names: int | None = None
) -> JsonSyntaxError | None:
    """The error for a JSON text (already decoded to `value`) in which one object gives a
    member name twice, or None.

    RFC 8259 4: names SHOULD be unique, and what a receiver does with a repeated one is not
    defined: decoders keep the last (`{"status": "withheld", ..., "status": "published"}`
    publishes), others the first or both. A record saying two things is refused rather than
    guessed. Cheap when no name repeats: decoded names are counted against the name endings
    in the text; only when those differ (a value holding `":`, or a real repeat) is the text
    decoded again to find the name. `names` is the count of decoded names when the caller
    has it (`_shape`).
    """
    pattern = _NAME_END if isinstance(text, bytes) else _NAME_END_TEXT
    found = len(pattern.findall(text))  # type: ignore[arg-type]
    if found == (_shape(value)[0] if names is None else names):
        return None
    plain = text.decode("utf-8") if isinstance(text, bytes) else text
    try:
        json.loads(plain, object_pairs_hook=_unique_names)
    except _RepeatedName as exc:
        return _repeated_name_error(plain, exc.name)
    except (ValueError, RecursionError):
        return None  # what orjson read, the standard library did not: no repeat to report
    return None


def _repeated_name_error(text: str, name: str) -> JsonSyntaxError:
    """Placed at the name's second appearance in the text (the first object repeating it)."""
    quoted = json.dumps(name, ensure_ascii=False)
    where = [m.start() for m in re.finditer(re.escape(quoted) + r"[ \t\r\n]*:", text)]
    at = where[1] if len(where) > 1 else (where[0] if where else 0)
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    shown = quoted if len(quoted) <= 42 else quoted[:40] + '..."'
    return JsonSyntaxError(
        f"the name {shown} is given twice in one object; give each field once "
        "(which value was meant cannot be told)",
        line,
        column,
    )


# The standard library's messages, reworded; `{char}` is the character at the error.
_MESSAGES = {
    "Expecting value": "expected a value (text in double quotes, a number, an object, a list, "
    "true, false or null)",
    "Expecting ',' delimiter": "expected ',' between two items",
    "Expecting ':' delimiter": "expected ':' after a field name",
    "Expecting property name enclosed in double quotes": "expected a field name in double quotes",
    "Unterminated string starting at": "text in quotes that is never closed (it starts here)",
    "Invalid control character at": "a raw control character {char} inside text in quotes "
    "(write it as an escape such as \\u0000, or remove it)",
    "Invalid \\escape": "an unknown backslash escape (a backslash itself is written \\\\)",
    "Invalid \\uXXXX escape": "a \\u escape without four hexadecimal digits",
    "Extra data": "more data after the end of the first JSON value (several records go in a "
    "list, or one per line in a .jsonl file)",
}


def _reworded(exc: json.JSONDecodeError) -> str:
    reason = _MESSAGES.get(exc.msg)
    if reason is None:
        # Any other message of the decoder: as it is, without a dangling "at".
        reason = exc.msg.removesuffix(" at")
        reason = reason[:1].lower() + reason[1:]
    char = exc.doc[exc.pos] if 0 <= exc.pos < len(exc.doc) else ""
    reason = reason.replace("{char}", f"U+{ord(char):04X}" if char else "")
    if not exc.doc.strip():
        return "no JSON value: the input is empty"
    if exc.pos >= len(exc.doc.rstrip()) and exc.msg != "Extra data":
        # `[{"id": "a"}` : the decoder expected more where the text stops.
        return f"the text ends before the JSON value is complete (cut off?): {reason}"
    if char in "/#" and exc.msg.startswith("Expecting"):
        return f"{reason}; JSON has no comments"
    return reason


def _huge_integer_error(
    decoded: Decoded, field: str, digits: str, where: str, *, with_line: bool
) -> InvalidArticle:
    """The error for a record holding an integer too long to convert, placed in the text."""
    text = decoded.text
    place = ""
    if isinstance(text, str):
        position = text.find(digits)
        if position >= 0:
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
            place = f" at line {line}, column {column}" if with_line else f" at column {column}"
    count = len(digits.lstrip("-"))
    limit = sys.get_int_max_str_digits()
    return InvalidArticle(
        where, field, f"a whole number of {count:,} digits{place}; at most {limit:,} are allowed"
    )


def find_huge(value: object, path: str = "") -> tuple[str, str] | None:
    """The path (`media[0].length`) and digits of the first HugeInteger in a decoded value."""
    if isinstance(value, HugeInteger):
        return path, value.digits
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = find_huge(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_huge(item, f"{path}[{index}]")
            if found:
                return found
    return None


class JsonRecords:
    """Decoded JSON values -> ParsedRecords, for every reader of JSON (files, lines, stdin)."""

    def __init__(self, zone: Any, default_language: str, base_url: str) -> None:
        self.zone = zone
        self.default_language = default_language
        self.base_url = base_url

    def record(self, raw: object, where: str) -> ParsedRecord:
        """One JSON value as a record: ours, or ninjs when its keys say so."""
        try:
            return ParsedRecord(where, self.article(raw, where))
        except InvalidArticle as exc:
            return ParsedRecord(where, error=exc)

    def article(self, raw: object, where: str) -> Article:
        if isinstance(raw, Mapping) and is_ninjs(raw):
            return article_from_ninjs(
                raw,
                where=where,
                zone=self.zone,
                default_language=self.default_language,
                base_url=self.base_url,
            )
        if not isinstance(raw, Mapping):
            return article_from_mapping(
                raw, where=where, zone=self.zone, default_language=self.default_language
            )

        def parse(record: Mapping[str, Any]) -> Article:
            return article_from_mapping(
                record,
                where="",
                zone=self.zone,
                default_language=self.default_language,
                base_url=self.base_url,
            )

        return every_fault(raw, parse, where)  # a bad record is refused with every fault

    def decoded(self, decoded: Decoded, where: str, *, with_line: bool) -> ParsedRecord:
        """The record of one decoded JSON Lines line (or the single object of a document)."""
        if decoded.huge:
            found = find_huge(decoded.value)
            if found is not None:
                error = _huge_integer_error(decoded, *found, where, with_line=with_line)
                return ParsedRecord(where, error=error)
        return self.record(decoded.value, where)

    def document(self, decoded: Decoded, name: str) -> Iterator[ParsedRecord]:
        """The records of a JSON document: one object, or a list of them."""
        data = decoded.value
        if isinstance(data, dict):
            yield self.decoded(decoded, name, with_line=True)
        elif isinstance(data, list):
            for number, item in enumerate(data, start=1):
                where = f"{name}: record {number}"
                found = find_huge(item) if decoded.huge else None
                if found is not None:
                    yield ParsedRecord(
                        where, error=_huge_integer_error(decoded, *found, where, with_line=True)
                    )
                else:
                    yield self.record(item, where)
        else:
            raise UnreadableInput(
                f"{name}: expected a JSON object or a list of them, got {kind(data)}"
            )


def load_document(text: str, name: str) -> Decoded:
    """A whole JSON document; raises UnreadableInput naming the input, line and column."""
    try:
        return decode(text)
    except JsonSyntaxError as exc:
        raise UnreadableInput(f"{name}: {exc.at()}") from None
