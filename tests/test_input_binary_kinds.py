"""Input that is not text at all (an image, an archive, compressed data) given as a record file.

A PNG saved as `story.json` was refused as `not UTF-8 text (byte 0: invalid start byte); it
looks like UTF-16 without a byte order mark`, a gzip file as `.jsonl` as one refused "record"
per newline byte in it, and a file of NUL bytes as a JSON syntax error at column 1. Now any
such input is refused in one line naming it and saying what it looks like (the kind its
signature says, or binary data), in every format and on standard input, and nothing of it is
read as records. Text with a stray NUL and UTF-16 without a byte order mark keep their rules.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.errors import UnreadableInput
from articles.formats import read_records
from articles.store import Store
from tests.test_import_cli import run_import

ZONE = ZoneInfo("Asia/Seoul")
# A signature (the start of a file of that kind) -> the kind the message names.
KINDS: dict[bytes, str] = {
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR": "a PNG image",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00": "a JPEG image",
    b"GIF89a\x01\x00\x01\x00": "a GIF image",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n": "a PDF document",
    gzip.compress(b'{"id": "a1"}\n')[:10]: "gzip-compressed data",
    b"\xfd7zXZ\x00\x00\x04": "xz-compressed data",
    b"BZh91AY&SY": "bzip2-compressed data",
    b"PK\x03\x04\x14\x00\x00\x00": "a ZIP archive",
    b"SQLite format 3\x00\x10\x00": "an SQLite database",
    b"RIFF\x24\x00\x00\x00WEBPVP8 ": "a WebP image",
    b"\x00\x00\x00\x20ftypisom\x00\x00": "an MP4 or QuickTime media file",
    b"\x7fELF\x02\x01\x01\x00": "an executable (ELF)",
}
SUFFIXES = [".json", ".jsonl", ".ndjson", ".md", ".markdown"]


def read(path: Path | str, stdin: io.BytesIO | None = None) -> list[str]:
    """The records' errors; raises UnreadableInput for the whole input."""
    records = read_records(path, zone=ZONE, default_language="ko", stdin=stdin)  # type: ignore[arg-type]
    return [str(r.error) for r in records if r.error is not None]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    signature=st.sampled_from(sorted(KINDS)),
    tail=st.binary(max_size=600),
    suffix=st.sampled_from([*SUFFIXES, "-"]),
)
def test_a_binary_input_is_refused_in_one_line_saying_what_it_looks_like(
    tmp_path_factory: pytest.TempPathFactory, signature: bytes, tail: bytes, suffix: str
) -> None:
    data = signature + tail
    if suffix == "-":
        source, name, stdin = "-", "stdin", io.BytesIO(data)
    else:
        path = tmp_path_factory.mktemp("binary") / f"story{suffix}"
        path.write_bytes(data)
        source, name, stdin = str(path), str(path), None
    with pytest.raises(UnreadableInput) as caught:
        read(source, stdin)
    message = str(caught.value)
    assert message.startswith(f"{name}: not a text file: it looks like {KINDS[signature]}")
    assert "\n" not in message and "UTF-16" not in message and "JSON" not in message


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(base=st.binary(min_size=64, max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_bytes_with_many_nul_and_control_bytes_are_binary_data_whatever_their_start(
    tmp_path_factory: pytest.TempPathFactory, base: bytes, suffix: str
) -> None:
    data = bytes(0 if i % 3 == 0 else byte for i, byte in enumerate(base))  # a third are NUL
    path = tmp_path_factory.mktemp("nul") / f"story{suffix}"
    path.write_bytes(data)
    try:
        errors = read(path)
    except UnreadableInput as exc:
        message = str(exc)
        assert message.startswith(f"{path}: "), message
        assert "\n" not in message
        assert "not a text file" in message or "UTF-16" in message or "UTF-32" in message, message
    else:  # not possible: a third of the bytes are NUL
        pytest.fail(f"read as records: {errors}")


def test_a_png_as_json_lines_is_one_failed_input_not_a_refused_record_per_line(
    store: Store, tmp_path: Path
) -> None:
    png = (Path(__file__).parent.parent / "articles/samples/images/cho-hyun-tokyo.png").read_bytes()
    source = tmp_path / "feed.jsonl"
    source.write_bytes(png)
    report = run_import(store, source)
    assert report.errors == [f"{source}: not a text file: it looks like a PNG image"]
    assert (report.failed, report.rejected, store.count()) == (1, 0, 0)


def test_text_with_a_stray_nul_is_still_text(tmp_path: Path) -> None:
    """A NUL in a Markdown body is removed like any character XML cannot carry."""
    path = tmp_path / "story.md"
    path.write_bytes(
        b"---\nid: a1\ntitle: T\npublished: 2025-07-30\n---\nA body with a NUL \x00 in it.\n"
    )
    assert read(path) == []


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".md"])
def test_utf16_without_a_byte_order_mark_is_named_so(
    tmp_path: Path, encoding: str, suffix: str
) -> None:
    """Latin text in UTF-16 is valid UTF-8 (NUL bytes between the letters): it was refused as
    `not valid JSON at line 1, column 2`."""
    path = tmp_path / f"seed{suffix}"
    text = json.dumps({"id": "a1", "title": "T", "published": "2025-07-30"})
    if suffix == ".md":
        text = "---\nid: a1\ntitle: T\npublished: 2025-07-30\n---\nBody.\n"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(UnreadableInput) as caught:
        read(path)
    assert str(caught.value) == (
        f"{path}: not UTF-8 text: it looks like UTF-16 without a byte order mark: save it as UTF-8"
    )
