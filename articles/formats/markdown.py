"""Markdown files with YAML front matter -> Article.

The front matter holds the record's fields (our record shape); the Markdown after it is the
body. Dates in the front matter stay text, so they follow articles.dates like every other date.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import yaml

from articles.errors import InvalidArticle
from articles.formats.messages import kind
from articles.formats.record import BODY_FIELDS, article_from_mapping
from articles.model import Article


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that dates stay text for our own date rules.

    PyYAML would turn `2025-07-30 09:00` into text but `2025-07-30T09:00` into a UTC datetime
    and `2025-13-45` into an error about YAML; as text, all three follow the rules of
    articles.dates and a bad date is reported against its field.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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
    if not match:
        raise InvalidArticle(
            where,
            "",
            "no YAML front matter: the file must start with a '---' line, the fields, "
            "and another '---' line",
        )
    try:
        front = yaml.load(match.group(1), Loader=_FrontMatterLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        raise InvalidArticle(where, "front matter", f"not valid YAML: {exc.problem}{at}") from None
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        raise InvalidArticle(where, "front matter", f"not valid YAML: {exc}") from None
    if not isinstance(front, dict):
        raise InvalidArticle(where, "front matter", f"expected fields, got {kind(front)}")
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
    return article_from_mapping(
        front, where=where, zone=zone, default_language=default_language, base_url=base_url
    )
