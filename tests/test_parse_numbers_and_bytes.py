"""Numbers and bytes that broke whole imports: huge integers, bad UTF-8 on stdin, JSON messages.

An integer longer than Python converts (4,300 digits) is an error of the record holding it,
naming the input, line and field, in every reader (a `.json` document, JSON Lines, the parallel
workers, stdin) and in the command with or without --skip-invalid; standard input is decoded
as strictly as a file; the JSON decoder's messages are reworded with line and column.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.errors import UnreadableInput
from articles.importer import import_sources
from articles.store import Store
from tests.fixtures.records import SEOUL, read_files

LIMIT = sys.get_int_max_str_digits()
HUGE = "9" * (LIMIT + 700)  # 5,000 digits


def record(article_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": article_id, "title": f"Title {article_id}", "published": "2025-07-30"} | fields


def line(article_id: str, **fields: Any) -> str:
    return json.dumps(record(article_id, **fields))


def with_huge(text: str, key: str = "x-big") -> str:
    """A JSON text with the placeholder `"HUGE"` in `key` replaced by the huge integer."""
    return text.replace(f'"{key}": "HUGE"', f'"{key}": {HUGE}')


def stdin_of(data: bytes) -> io.TextIOWrapper:
    """Standard input as Python gives it on a C locale: text decoded with surrogateescape."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")


# --------------------------------------------------------------------------- huge integers

REASON = f"a whole number of {len(HUGE):,} digits"


def test_a_huge_integer_in_a_json_lines_file_is_that_lines_error(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    text = "\n".join([line("a1"), with_huge(line("a2", **{"x-big": "HUGE"})), line("a3")])
    path.write_text(text + "\n", encoding="utf-8")
    results = read_files(path)
    assert [r.ok for r in results] == [True, False, True]
    error = results[1].error
    assert error is not None
    assert (error.where, error.field) == (f"{path}: line 2", "x-big")
    assert error.reason.startswith(f"{REASON} at column ")
    assert f"at most {LIMIT:,} are allowed" in error.reason


def test_a_huge_integer_in_a_json_document_names_the_record_field_and_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "seed.json"
    media = {"url": "https://a.example/x.mp3", "type": "audio/mpeg", "length": "HUGE"}
    records = [record("a1"), record("a2", media=[media])]
    text = with_huge(json.dumps(records, indent=2), "length")
    path.write_text(text, encoding="utf-8")
    start = text.index(HUGE)
    place = (
        f"line {text.count(chr(10), 0, start) + 1}, column {start - text.rindex(chr(10), 0, start)}"
    )
    first, second = read_files(path)
    assert first.ok
    assert second.error is not None
    assert (second.where, second.error.field) == (f"{path}: record 2", "media[0].length")
    assert second.error.reason.startswith(f"{REASON} at {place};")


def test_a_huge_integer_in_a_single_record_document_is_that_records_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "one.json"
    path.write_text(with_huge(line("a1", **{"x-big": "HUGE"})), encoding="utf-8")
    (result,) = read_files(path)
    assert result.error is not None and result.error.field == "x-big"


def test_a_huge_integer_in_a_ninjs_item_names_the_ninjs_field(tmp_path: Path) -> None:
    item = {
        "uri": "urn:x:1",
        "versionCreated": "2025-07-30T09:00:00Z",
        "headlines": [{"value": "T"}],
        "bodies": [{"value": "b", "charCount": "HUGE"}],
    }
    path = tmp_path / "wire.json"
    path.write_text(with_huge(json.dumps(item), "charCount"), encoding="utf-8")
    (result,) = read_files(path)
    assert result.error is not None and result.error.field == "bodies[0].charCount"


@pytest.mark.parametrize("first_line", [True, False])
def test_a_huge_integer_on_stdin_is_that_lines_error(first_line: bool) -> None:
    lines = [line("a1"), with_huge(line("a2", **{"x-big": "HUGE"}))]
    if first_line:
        lines.reverse()
    results = read_files("-", stdin_of(("\n".join(lines) + "\n").encode()))
    bad = [r for r in results if not r.ok]
    assert len(results) == 2 and len(bad) == 1
    assert bad[0].error is not None and bad[0].error.field == "x-big"
    assert bad[0].where == f"stdin: line {1 if first_line else 2}"


def test_a_huge_integer_in_a_stdin_document_is_that_records_error() -> None:
    data = with_huge(json.dumps([record("a1"), record("a2", **{"x-big": "HUGE"})]))
    results = read_files("-", stdin_of(data.encode()))
    assert [r.ok for r in results] == [True, False]
    assert results[1].where == "stdin: record 2"


@settings(max_examples=30, deadline=None)
@given(
    digits=st.integers(min_value=LIMIT - 2, max_value=LIMIT + 50),
    negative=st.booleans(),
    where=st.sampled_from(["x-a", "reading_time", "image.width", "tags[0]"]),
)
def test_an_integer_of_any_length_is_a_value_or_a_record_error_never_an_abort(
    digits: int, negative: bool, where: str
) -> None:
    number = ("-" if negative else "") + "1" * digits
    fields: dict[str, Any] = {
        "x-a": {"x-a": "N"},
        "reading_time": {"reading_time": "N"},
        "image.width": {"image": {"url": "https://a.example/i.jpg", "width": "N"}},
        "tags[0]": {"tags": ["N"]},
    }[where]
    text = line("a1", **fields).replace('"N"', number)
    results = read_files("-", stdin_of(text.encode()))
    (result,) = results
    if digits > LIMIT:
        assert result.error is not None and result.error.field == where
        assert f"a whole number of {digits:,} digits" in result.error.reason
    else:
        assert result.error is None or result.error.field == where  # too large for the field


def _store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'feeds.db'}")
    store.migrate()
    return store


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_the_parallel_workers_report_a_huge_integer_as_that_lines_error(
    tmp_path: Path, skip_invalid: bool
) -> None:
    path = tmp_path / "wire.jsonl"
    lines = [line(f"a{n}") for n in range(40)]
    lines[17] = with_huge(line("a17", **{"x-big": "HUGE"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = _store(tmp_path)
    try:
        report = import_sources(
            store,
            [str(path)],
            zone=SEOUL,
            default_language="ko",
            tag_authority="news.example.org,2025",
            skip_invalid=skip_invalid,
            workers=2,
            parallel_min_bytes=0,
        )
        stored = len(store.list_articles(limit=100))
    finally:
        store.dispose()
    (error,) = report.errors
    assert error.startswith(f"{path}: line 18: x-big: {REASON} at column ")
    assert stored == (39 if skip_invalid else 0)


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_the_command_reports_a_huge_integer_and_reads_the_files_after_it(
    tmp_path: Path, make_app: Callable[..., Flask], skip_invalid: bool
) -> None:
    app = make_app(articles=[])
    first, second = tmp_path / "1.jsonl", tmp_path / "2.json"
    first.write_text(
        line("a1") + "\n" + with_huge(line("a2", **{"x-big": "HUGE"})) + "\n", encoding="utf-8"
    )
    second.write_text(line("b1"), encoding="utf-8")
    options = ["--skip-invalid"] if skip_invalid else []
    result = app.test_cli_runner().invoke(
        args=["articles", "import", *options, str(first), str(second)]
    )
    output = result.output
    assert result.exit_code == 1
    assert "Exceeds the limit" not in output and "Traceback" not in output
    assert f"{first}: line 2: x-big: {REASON}" in output
    store = app.extensions["feeds.store"]
    ids = {a.id for a in store.list_articles(limit=10)}
    assert ids == ({"a1", "b1"} if skip_invalid else {"b1"})


# --------------------------------------------------------------------------- bytes on stdin


def latin1_line(article_id: str) -> bytes:
    """A JSON Lines line whose title is `café` in Latin-1: `caf` and the byte E9."""
    return line(article_id, title="cafX").encode().replace(b"cafX", b"caf\xe9") + b"\n"


def test_invalid_utf8_on_stdin_is_refused_as_in_a_file(tmp_path: Path) -> None:
    data = latin1_line("a1")
    path = tmp_path / "same.jsonl"
    path.write_bytes(data)
    (from_file,) = read_files(path)
    (from_stdin,) = read_files("-", stdin_of(data))
    assert from_file.error is not None and from_stdin.error is not None
    assert from_stdin.error.reason == from_file.error.reason
    assert from_stdin.error.reason.startswith("not UTF-8 text")


def test_invalid_utf8_in_a_stdin_document_makes_it_unreadable_as_a_file_would() -> None:
    data = json.dumps([record("a1")], indent=1).encode().replace(b"Title", b"caf\xe9")
    with pytest.raises(UnreadableInput, match=r"^stdin: not UTF-8 text \(byte \d+: "):
        read_files("-", stdin_of(data))


def test_the_command_refuses_invalid_utf8_on_stdin(make_app: Callable[..., Flask]) -> None:
    app = make_app(articles=[])
    data = latin1_line("a1")
    result = app.test_cli_runner().invoke(args=["articles", "import", "-"], input=data)
    assert result.exit_code == 1
    assert "not UTF-8 text" in result.output
    assert app.extensions["feeds.store"].get("a1") is None  # never stored as `caf`


# --------------------------------------------------------------------------- JSON messages


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"id": "a\x00b"}', "not valid JSON at column 10: a raw control character U+0000"),
        ('{"id": "a\tb"}', "not valid JSON at column 10: a raw control character U+0009"),
        ('{"id" "a1"}', "not valid JSON at column 7: expected ':' after a field name"),
        ('{"id": "a1",}', "not valid JSON at column 13: expected a field name in double quotes"),
        ('{"id": "a1" "t": 1}', "not valid JSON at column 13: expected ',' between two items"),
        ('{"id": "a\\x"}', "not valid JSON at column 10: an unknown backslash escape"),
        ('{"id": "a\\u12"}', "not valid JSON at column 11: a \\u escape without four"),
        ('{"id": "a1', "not valid JSON at column 8: text in quotes that is never closed"),
        ('{"id": "a1"} {}', "not valid JSON at column 14: more data after the end"),
    ],
)
def test_json_lines_errors_are_worded_with_the_column(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(text + "\n", encoding="utf-8")
    (result,) = read_files(path)
    assert result.error is not None
    assert result.error.reason.startswith(message)


def test_a_json_document_error_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n  {"id": "a\x01"}\n]', encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        read_files(path)
    assert str(caught.value).startswith(
        f"{path}: not valid JSON at line 2, column 12: a raw control character U+0001"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}[]":,\\ a1tnul\x00\x1f0-.eE+\n', max_size=30))
def test_any_json_error_is_one_clear_sentence_with_its_place(text: str) -> None:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        pass
    else:
        return  # valid JSON: not this test's concern
    try:
        results = read_files("-", stdin_of(text.encode()))
    except UnreadableInput as exc:
        message = str(exc)
        assert message.startswith("stdin: ")
        if message != "stdin: no input":
            assert re.search(r"not valid JSON at line \d+, column \d+: [a-z]", message), message
        assert not re.search(r"\b(\w+) \1\b", message), message  # no doubled words ("at at")
        return
    except Exception as exc:  # noqa: BLE001 - the assertion below names it
        pytest.fail(f"{type(exc).__name__}: {exc}")
    for result in results:  # JSON Lines: each bad line is its own error
        message = str(result.error or "")
        assert not re.search(r"\b(\w+) \1\b", message), message
