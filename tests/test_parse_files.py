"""read_records: files, folders and stdin; where each record came from; unreadable inputs."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import pytest

from articles.errors import UnreadableInput
from articles.formats import FORMAT_NAMES, read_records
from tests.fixtures.records import NINJS_DIR, SEOUL, read_files


def record(n: int, **extra: object) -> dict[str, object]:
    return {"id": f"a{n}", "title": f"Title {n}", "published": "2025-07-30", **extra}


def test_json_list_yields_one_record_each_numbered_from_one(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps([record(1), record(2), {"id": "bad"}]), encoding="utf-8")
    results = read_files(path)
    assert [r.where for r in results] == [f"{path}: record {n}" for n in (1, 2, 3)]
    assert [r.article.id for r in results[:2] if r.article] == ["a1", "a2"]
    assert results[2].article is None and results[2].error is not None
    assert str(results[2].error) == f"{path}: record 3: title: required, but missing"


def test_json_object_is_one_record_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record(1)), encoding="utf-8")
    (result,) = read_files(path)
    assert result.where == str(path) and result.ok


def test_json_lines_are_numbered_and_a_bad_line_is_one_rejected_record(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps(record(1)), "", "{not json", json.dumps(record(4)), "\xff"]
    path.write_bytes("\n".join(lines).encode("utf-8")[:-2] + b"\xff\n")
    results = read_files(path)
    assert [r.where for r in results] == [f"{path}: line {n}" for n in (1, 3, 4, 5)]
    assert [r.ok for r in results] == [True, False, True, False]
    assert results[1].error is not None
    assert "not valid JSON at column 2: expected a field name in double quotes" in str(
        results[1].error
    )
    assert "not UTF-8 text" in str(results[3].error)


def test_json_lines_are_streamed_in_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    line = json.dumps(record(1, body="x" * 2_000)) + "\n"
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(3_000):  # about 6 MB on disk
            handle.write(line)
    records = read_records(path, zone=SEOUL, default_language="ko")
    tracemalloc.start()
    count = sum(1 for r in records if r.ok)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 3_000
    assert peak < 2_000_000  # far below the file's size: records are not all kept


def test_bad_json_document_is_unreadable_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"id": "a1",\n  "title": }\n]', encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        read_files(path)
    assert str(caught.value) == (
        f"{path}: not valid JSON at line 3, column 12: expected a value (text in double quotes, "
        "a number, an object, a list, true, false or null)"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "no such file or folder"),
        ("notes.txt", "x", "unknown format '.txt' (known: .json, .jsonl"),
        ("number.json", "42", "expected a JSON object or a list of them, got a number"),
        ("latin1.json", b'{"title": "caf\xe9"}', "not UTF-8 text"),
        (
            "deep.json",
            "[" * 100_000 + "]" * 100_000,
            "not valid JSON at line 1, column 1025: arrays and objects nested more than 1,024",
        ),
    ],
)
def test_unreadable_inputs_raise_one_clear_line(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        read_files(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_folder_is_walked_recursively_in_sorted_order_skipping_other_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "2.json").write_text(json.dumps(record(2)), encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps(record(1)) + "\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("---\nid: a3\ntitle: T\npublished: 2025-07-30\n---\nBody\n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden" / "x.json").write_text("not json")
    results = read_files(tmp_path)
    assert [r.article.id for r in results if r.article] == ["a1", "a2", "a3"]
    assert results[2].where == str(tmp_path / "c.md")


def test_ninjs_documents_in_a_json_file_are_detected_by_their_keys(tmp_path: Path) -> None:
    documents = [
        json.loads((NINJS_DIR / name).read_text(encoding="utf-8"))
        for name in ("dpa_text.json", "tt_text_image_2.json")
    ]
    path = tmp_path / "wire.json"
    path.write_text(json.dumps([*documents, record(3)]), encoding="utf-8")
    ids = [r.article.id for r in read_files(path) if r.article]
    assert ids == [
        "urn:newsml:dpa.com:20090101:190510-99-167362",
        "http://tt.se/media/text/210526-militarovning-a0f2d045",
        "a3",
    ]


def test_stdin_json_lines_are_read_line_by_line_numbered_as_in_a_file() -> None:
    stdin = io.StringIO("\n" + json.dumps(record(1)) + "\n" + json.dumps(record(2)) + "\nx\n")
    results = read_files("-", stdin)
    assert [r.where for r in results] == ["stdin: line 2", "stdin: line 3", "stdin: line 4"]
    assert [r.ok for r in results] == [True, True, False]


def test_stdin_json_document_is_sniffed_from_its_content() -> None:
    stdin = io.StringIO(json.dumps([record(1), record(2)], indent=2))
    results = read_files("-", stdin)
    assert [r.where for r in results] == ["stdin: record 1", "stdin: record 2"]


def test_stdin_markdown_is_sniffed_from_its_front_matter() -> None:
    stdin = io.StringIO("---\nid: m1\ntitle: T\npublished: 2025-07-30\n---\n*hi*\n")
    (result,) = read_files("-", stdin)
    assert result.article is not None and result.article.body_html == "<p><em>hi</em></p>"


def test_empty_stdin_is_unreadable() -> None:
    with pytest.raises(UnreadableInput, match="stdin: no input"):
        read_files("-", io.StringIO("  \n"))


def test_format_names_cover_every_extension_read() -> None:
    assert set(FORMAT_NAMES) == {".json", ".jsonl", ".ndjson", ".md", ".markdown"}
