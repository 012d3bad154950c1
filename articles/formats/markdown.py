"""Markdown files with YAML front matter -> Article.

The front matter holds the record's fields (our record shape); the Markdown after it is the
body. Dates in the front matter stay text, so they follow articles.dates like every other date.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from articles.errors import InvalidArticle
from articles.formats.faults import every_fault
from articles.formats.messages import kind
from articles.formats.record import BODY_FIELDS, article_from_mapping
from articles.model import Article

# How deep front matter may nest (a record's deepest field is `media[0].episode`-like, three
# levels; `x-` fields get room to spare). Deeper input is refused while it is read, before
# Python's recursion limit could be met.
MAX_FRONT_MATTER_DEPTH = 32


class FrontMatterRefused(yaml.MarkedYAMLError):
    """Front matter using what a record never needs and an attacker can abuse: aliases
    (`*name`, the "billion laughs" expansion), anchors, or nesting past
    MAX_FRONT_MATTER_DEPTH. Raised while the YAML is composed, before any value is built;
    `problem` says what was found, `advice` what to do."""

    def __init__(self, problem: str, advice: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.advice = advice
        self.line = mark.line + 2  # in the file: the front matter starts on its line 2
        self.column = mark.column + 1


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that dates stay text for our own date rules, and that
    aliases, anchors and deep nesting are refused.

    PyYAML would turn `2025-07-30 09:00` into text but `2025-07-30T09:00` into a UTC datetime
    and `2025-13-45` into an error about YAML; as text, all three follow the rules of
    articles.dates and a bad date is reported against its field.

    An alias makes a value stand for another one, so a few lines can stand for billions of
    values (seven levels of nine aliases took 32 s and 328 MB to be refused, eight did not
    end); a record is plain data and never needs one, so the first anchor or alias stops the
    reading with its line (`compose_node`), before anything is built.
    """

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise FrontMatterRefused(
                f"the YAML alias *{event.anchor}", _NO_ALIASES, event.start_mark
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise FrontMatterRefused(f"the YAML anchor &{anchor}", _NO_ALIASES, event.start_mark)
        if self._depth >= MAX_FRONT_MATTER_DEPTH:
            raise FrontMatterRefused(
                f"a value nested more than {MAX_FRONT_MATTER_DEPTH} levels deep",
                "a record's fields nest at most a few levels",
                event.start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping whose keys are each given once: YAML requires it, but PyYAML keeps the
        last value silently, so `status: withheld` then `status: published` published. Keys
        merged in with `<<` may be overridden, as YAML allows."""
        first: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value in first:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the field {key_node.value!r} is given twice (first on line "
                    f"{first[key_node.value]}); give each field once",
                    key_node.start_mark,
                )
            first[key_node.value] = key_node.start_mark.line + 2  # front matter starts on 2
        return super().construct_mapping(node, deep)


_MERGE = "tag:yaml.org,2002:merge"
_NO_ALIASES = "anchors and aliases are not allowed in front matter; write each value out"


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Scalar:
    """A YAML number or boolean read without quotes, with the text it was written as.

    Where the record wants text (`title: 2025`, `title: yes`, `source: no`, `summary: 0x1F`),
    the field is that text, as written; YAML would make them 2025, True, False and 31.
    Elsewhere (`reading_time: 4`, `image.width: 1200`) it is the number.
    """

    __slots__ = ("text", "value")

    def __init__(self, value: object, text: str) -> None:
        self.value = value
        self.text = text


def _keep_text(
    construct: Callable[[yaml.SafeLoader, yaml.ScalarNode], object],
) -> Callable[[yaml.SafeLoader, yaml.Node], _Scalar]:
    def constructor(loader: yaml.SafeLoader, node: yaml.Node) -> _Scalar:
        assert isinstance(node, yaml.ScalarNode)
        try:
            return _Scalar(construct(loader, node), node.value)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits())
            digits = sum(ch.isdigit() for ch in node.value)
            return _Scalar(_TooLong(digits, node.start_mark.line + 2), node.value)

    return constructor


for _tag, _construct in (
    ("tag:yaml.org,2002:bool", yaml.SafeLoader.construct_yaml_bool),
    ("tag:yaml.org,2002:int", yaml.SafeLoader.construct_yaml_int),
    ("tag:yaml.org,2002:float", yaml.SafeLoader.construct_yaml_float),
):
    _FrontMatterLoader.add_constructor(_tag, _keep_text(_construct))

# The record's fields whose values are text (or made of text: labels, names, URLs, ids); the
# numbers inside them are the image's size.
_TEXT_FIELDS = frozenset({
    "id", "guid", "slug", "url", "title", "summary", "body_html", "body", "body_markdown",
    "language", "status", "section", "tags", "authors", "image", "related", "source", "rights",
    "translations",
})  # fmt: skip
_NUMBER_KEYS = frozenset({"width", "height"})


class _TooLong:
    """A number of more digits than Python converts, and the file line it is on."""

    __slots__ = ("digits", "line")

    def __init__(self, digits: int, line: int) -> None:
        self.digits = digits
        self.line = line


def _resolved(value: object, as_text: bool, where: str = "", field: str = "") -> object:
    """The loaded value with each _Scalar as its text (`as_text`) or as its value.

    Raises InvalidArticle naming the field for a number too long to convert where a number is
    wanted (in a text field it is its text, as any other number).
    """
    if isinstance(value, _Scalar):
        if as_text:
            return value.text
        if isinstance(value.value, _TooLong):
            raise InvalidArticle(
                where,
                field,
                f"a whole number of {value.value.digits:,} digits at line {value.value.line}; "
                f"at most {sys.get_int_max_str_digits():,} are allowed",
            )
        return value.value
    if isinstance(value, list):
        return [_resolved(item, as_text, where, f"{field}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {
            _resolved(key, False): _resolved(
                item, as_text and key not in _NUMBER_KEYS, where, f"{field}.{key}"
            )
            for key, item in value.items()
        }
    return value


def article_from_markdown(
    text: str, *, where: str, zone: ZoneInfo, default_language: str, base_url: str = ""
) -> Article:
    """A Markdown file: YAML front matter holding the record's fields, then the body.

    The body is CommonMark (tables and strikethrough on, raw HTML off) and is sanitised like
    every other body. A `body_html`, `body` or `body_markdown` in the front matter is allowed
    only when the Markdown after it is empty.
    """
    text = text.removeprefix("\ufeff")
    match = re.match(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", text, re.S | re.M)
    if not match and re.match(r"\A---[ \t]*(?:\r?\n|\Z)", text):
        raise InvalidArticle(
            where,
            "front matter",
            "the '---' line that opens it on line 1 has no closing '---' line: end the fields "
            "with a line of '---' (or '...') before the body",
        )
    if not match and re.match(r"\A\+\+\+[ \t]*\r?\n", text):
        raise InvalidArticle(
            where,
            "front matter",
            "TOML front matter (between '+++' lines, as Hugo writes it) is not read: write the "
            "fields as YAML between '---' lines (title = \"x\" becomes title: x)",
        )
    if not match:
        raise InvalidArticle(
            where,
            "",
            "no YAML front matter: the file must start with a '---' line, the fields, "
            "and another '---' line",
        )
    try:
        front = yaml.load(match.group(1), Loader=_FrontMatterLoader)  # a SafeLoader subclass
    except FrontMatterRefused as exc:
        raise InvalidArticle(
            where,
            "front matter",
            f"{exc.problem} at line {exc.line}, column {exc.column}: {exc.advice}",
        ) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow anywhere (C0 controls but tab and line breaks, DEL,
        # C1 controls, U+FFFE): placed in the file like every other YAML error.
        front_text = match.group(1)
        line = front_text.count("\n", 0, exc.position) + 2  # after the opening '---' line
        column = exc.position - (front_text.rfind("\n", 0, exc.position) + 1) + 1
        what = (
            "control character" if unicodedata.category(chr(exc.character)) == "Cc" else "character"
        )
        raise InvalidArticle(
            where,
            "front matter",
            f"not valid YAML: U+{exc.character:04X} at line {line}, column {column} is a {what} "
            "YAML does not allow; remove it",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        raise InvalidArticle(where, "front matter", f"not valid YAML: {exc.problem}{at}") from None
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        raise InvalidArticle(where, "front matter", f"not valid YAML: {exc}") from None
    if not isinstance(front, dict):
        raise InvalidArticle(
            where, "front matter", f"expected fields, got {kind(_resolved(front, False))}"
        )
    fields = {}
    for key, value in front.items():
        name = _resolved(key, False)
        fields[name] = _resolved(value, name in _TEXT_FIELDS, where, str(name))
    front = fields
    body = text[match.end() :]
    if body.strip():
        given = [name for name in BODY_FIELDS if front.get(name) is not None]
        if given:
            raise InvalidArticle(
                where,
                given[0],
                "the body is the Markdown after the front matter; give one or the other",
            )
        front = {**front, "body_markdown": body}

    def parse(record: Mapping[str, Any]) -> Article:
        return article_from_mapping(
            record, where="", zone=zone, default_language=default_language, base_url=base_url
        )

    return every_fault(front, parse, where)  # a bad record is refused with every fault
