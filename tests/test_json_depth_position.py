"""A JSON text nested too deeply is reported where the limit is crossed, as any other syntax
error is: line and column of the bracket that opens level 1,025 (orjson's limit), brackets
inside strings not counted. It said "nested too deeply" at line 1, column 1, in the importer
and the API alike."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from articles.formats.json import MAX_DEPTH, JsonSyntaxError, decode, too_deep
from tests.fixtures.api import ApiClient

# Strings holding brackets, quotes, escapes and line breaks: none of them may count.
_TRICKY = st.text(alphabet='[]{}"\\\nab ', max_size=12)


def _place(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


@given(prefix=st.lists(_TRICKY, max_size=4), lines=st.integers(0, 3), extra=st.integers(1, 50))
def test_the_position_is_the_bracket_past_the_limit(
    prefix: list[str], lines: int, extra: int
) -> None:
    head = (
        '{"id": "a",'
        + "\n" * lines
        + "".join(f' "s{n}": {json.dumps(value)},' for n, value in enumerate(prefix))
    )
    head += ' "deep": '
    depth = MAX_DEPTH - 1 + extra  # the record's own object is level 1
    text = head + "[" * depth + "]" * depth + "}"
    crossing = len(head) + (MAX_DEPTH - 1)  # the bracket opening level MAX_DEPTH + 1
    error = too_deep(text)
    assert (error.line, error.column) == _place(text, crossing)
    assert error.reason == "arrays and objects nested more than 1,024 levels deep"
    try:
        decode(text)  # the importer: orjson's limit, whatever Python's decoder would take
    except JsonSyntaxError as found:
        assert (found.line, found.column, found.reason) == (error.line, error.column, error.reason)
    else:
        raise AssertionError("decoded")


def test_the_importer_names_the_place() -> None:
    text = '{"id": "a", "x": ' + "[" * 2000 + "]" * 2000 + "}"
    try:
        decode(text)
    except JsonSyntaxError as error:
        assert error.at(with_line=False) == (
            "not valid JSON at column 1041: arrays and objects nested more than 1,024 levels deep"
        )
    else:
        raise AssertionError("decoded")


def test_the_api_names_the_place(api: ApiClient) -> None:
    head = '{"title": "x", "published": "2025-07-30", "x-a": '
    body = head + '{"a": ' * 2000 + "1" + "}" * 2001
    column = len(head) + 1023 * len('{"a": ') + 1  # the 1,024th nested object: level 1,025
    answer = api.put("/api/articles/deep1", data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    detail = answer.get_json()["detail"]
    assert detail == (
        f"the body is not valid JSON at line 1, column {column}: arrays and objects nested "
        "more than 1,024 levels deep"
    )


def test_the_api_reads_a_body_after_a_utf8_byte_order_mark(api: ApiClient) -> None:
    """RFC 8259 8.1: a parser may ignore a BOM; an imported file's is dropped, and the API
    reads a body as an imported file is read."""
    body = b'\xef\xbb\xbf{"title": "x", "published": "2025-07-30"}'
    answer = api.put("/api/articles/bom1", data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 201, answer.data
    assert api.get("/api/articles/bom1").get_json()["record"]["title"] == "x"
