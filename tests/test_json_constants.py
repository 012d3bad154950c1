"""NaN and Infinity are no JSON (RFC 8259 section 6): an imported file and the API refuse them
alike, with the line and column, in the importer's words.

Found: a JSON Lines record with `"x-score": NaN` was imported ("1 new", exit 0: Python's
decoder reads NaN), while the API refused the same record with Python's own message ("the
body is not valid JSON (unexpected character, ...: line 1 column 68 (char 67))"). Failed
before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.formats.json import JsonSyntaxError, decode
from articles.importer import import_sources
from articles.store import Store
from tests.fixtures.api import ApiClient, record

CONSTANTS = ("NaN", "Infinity", "-Infinity")
_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(value=_values, constant=st.sampled_from(CONSTANTS), data=st.data())
def test_a_constant_anywhere_outside_a_string_is_refused_where_it_is(
    value: object, constant: str, data: st.DataObject
) -> None:
    """Put one of the constants in place of a JSON value of any document: refused, and the
    column points at it; the same text inside a string stays text."""
    text = json.dumps({"v": value, "k": 0}, ensure_ascii=False)
    spot = text.rindex("0}")
    broken = text[:spot] + constant + text[spot + 1 :]
    with pytest.raises(JsonSyntaxError) as refused:
        decode(broken)
    assert constant in refused.value.reason and "no JSON value" in refused.value.reason
    assert refused.value.line == 1 and refused.value.column == spot + 1
    quoted = text[:spot] + json.dumps(constant) + text[spot + 1 :]
    assert decode(quoted).value == {"v": value, "k": constant}


def test_the_importer_refuses_the_record_naming_the_line(tmp_path: Path) -> None:
    lines = tmp_path / "wire.jsonl"
    good = json.dumps({"id": "fine", **record()})
    bad = json.dumps({"id": "nan-1", **record()})[:-1] + ', "x-score": NaN}'
    lines.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'feeds.db'}")
    store.migrate()
    try:
        report = import_sources(
            store, [str(lines)], tag_authority="news.example.org,2025", skip_invalid=True
        )
        messages = " ".join(report.errors)
        assert "line 2" in messages and "NaN is no JSON value" in messages, messages
        assert store.get("nan-1") is None and store.get("fine") is not None
    finally:
        store.dispose()


@pytest.mark.parametrize("constant", CONSTANTS)
def test_the_api_words_it_as_the_importer_does(api: ApiClient, constant: str) -> None:
    body = json.dumps(record())[:-1] + f', "x-score": {constant}}}'
    answer = api.put(
        "/api/articles/nan-2", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    detail = answer.get_json()["detail"]
    assert detail.startswith("the body is not valid JSON at line 1, column ")
    assert f"{constant} is no JSON value" in detail
    assert api.store.get("nan-2") is None
