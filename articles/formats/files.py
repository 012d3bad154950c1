"""Files, folders and standard input -> records, each format read by its own module.

`read_records` yields one `ParsedRecord` per record, so a bad record is reported with its place
(`seed.json: record 3`, `feed.jsonl: line 12`) and does not stop the others; an input that
cannot be read at all (missing file, bad JSON document, unknown format, bytes that are not
UTF-8 in a JSON document or Markdown file) raises UnreadableInput. Standard input is read as
bytes and decoded exactly as strictly as a file.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO
from zoneinfo import ZoneInfo

from articles.errors import InvalidArticle, UnreadableInput
from articles.formats.json import JsonRecords, JsonSyntaxError, decode, load_document
from articles.formats.lines import not_utf8, parse_line, raw_json_lines, wide_encoding
from articles.formats.markdown import article_from_markdown
from articles.formats.record import ParsedRecord
from articles.formats.sniff import SNIFF_BYTES, not_text

# File extensions `read_records` understands, with the name the CLI help shows for each.
FORMAT_NAMES: dict[str, str] = {
    ".json": "JSON: one record or a list of records (our format, or IPTC ninjs documents)",
    ".jsonl": "JSON Lines: one record per line",
    ".ndjson": "JSON Lines: one record per line",
    ".md": "Markdown with YAML front matter",
    ".markdown": "Markdown with YAML front matter",
}
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
MARKDOWN_SUFFIXES = (".md", ".markdown")
_BOM = b"\xef\xbb\xbf"


def read_records(
    source: str | Path,
    *,
    zone: ZoneInfo,
    default_language: str,
    stdin: TextIO | BinaryIO | None = None,
    base_url: str = "",
) -> Iterator[ParsedRecord]:
    """Every record of a file, a folder (walked recursively in sorted order) or `-` for stdin.

    Raises UnreadableInput for an input that cannot be read at all (missing file, bad JSON
    document, unknown format); a bad record only becomes a ParsedRecord with an error.
    """
    reader = _Reader(zone, default_language, base_url)
    if str(source) == "-":
        yield from reader.stream(stdin if stdin is not None else sys.stdin, "stdin")
        return
    path = Path(source)
    if path.is_dir():
        for file in _walk(path):
            yield from reader.file(file)
    else:
        yield from reader.file(path)


def _walk(folder: Path) -> list[Path]:
    """Files in known formats under a folder, sorted; hidden files and folders are skipped."""
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in FORMAT_NAMES:
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def _binary_lines(handle: TextIO | BinaryIO) -> Iterator[bytes]:
    """The lines of an input as the bytes that were sent.

    A text stream is read through its binary buffer when it has one (sys.stdin), so no
    decoding error handler (Python's surrogateescape on a C locale) can hide a bad byte; a
    text stream without one gives its text re-encoded, with escaped bytes restored.
    """
    binary = getattr(handle, "buffer", None)
    if binary is not None:
        yield from binary
        return
    for line in handle:
        if isinstance(line, bytes):
            yield line
            continue
        try:
            yield line.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            yield line.encode("utf-8", "surrogatepass")


def _text(data: bytes, name: str) -> str:
    """Bytes as text: UTF-8 (its BOM dropped), or UTF-16/32 named by a byte order mark;
    UnreadableInput for bytes that are not text at all (`articles.formats.sniff`) or not in
    their encoding."""
    reason = not_text(data[:SNIFF_BYTES])
    if reason is not None:
        raise UnreadableInput(f"{name}: {reason}")
    encoding = wide_encoding(data[:4])
    try:
        if encoding is not None:
            return data.decode(encoding)  # the BOM is read and dropped
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if encoding is not None:
            reason = f"not {encoding.upper()} text (byte {exc.start}: {exc.reason})"
        else:
            reason = not_utf8(data, exc)
        raise UnreadableInput(f"{name}: {reason}") from None


class _Reader:
    def __init__(self, zone: ZoneInfo, default_language: str, base_url: str) -> None:
        self.zone = zone
        self.default_language = default_language
        self.base_url = base_url
        self.json = JsonRecords(zone, default_language, base_url)

    def markdown(self, text: str, where: str) -> ParsedRecord:
        try:
            article = article_from_markdown(
                text,
                where=where,
                zone=self.zone,
                default_language=self.default_language,
                base_url=self.base_url,
            )
        except InvalidArticle as exc:
            return ParsedRecord(where, error=exc)
        return ParsedRecord(where, article)

    def file(self, path: Path) -> Iterator[ParsedRecord]:
        name = str(path)
        suffix = path.suffix.lower()
        if suffix not in FORMAT_NAMES:
            if not path.exists():
                raise UnreadableInput(f"{name}: no such file or folder")
            known = ", ".join(FORMAT_NAMES)
            raise UnreadableInput(f"{name}: unknown format '{path.suffix}' (known: {known})")
        if suffix in JSON_LINES_SUFFIXES:
            for raw in raw_json_lines(path, name):
                record = parse_line(self.json, raw.data, raw.where)
                if record is not None:
                    yield ParsedRecord(record.where, record.article, record.error, raw.offset)
            return
        text = _read_text(path, name)
        if suffix in MARKDOWN_SUFFIXES:
            yield self.markdown(text, name)
        else:
            yield from self.json.document(load_document(text, name), name)

    def stream(self, handle: TextIO | BinaryIO, name: str) -> Iterator[ParsedRecord]:
        """Standard input: Markdown, a JSON document or JSON Lines, told apart by the content.

        A first line that is a whole JSON object on its own means JSON Lines, read line by line
        as it arrives (each line decoded on its own, as in a `.jsonl` file); otherwise the whole
        input is one document, decoded as strictly as a file.
        """
        lines = _binary_lines(handle)
        head = next(lines, b"")
        reason = not_text(head)
        if reason is not None:
            raise UnreadableInput(f"{name}: {reason}")
        if wide_encoding(head[:4]) is not None:
            # UTF-16 or UTF-32, named by its BOM: decoded whole, then read as UTF-8 lines.
            text = _text(head + _rest(lines), name)
            lines = iter(text.encode("utf-8", "surrogatepass").splitlines(keepends=True))
        else:
            lines = itertools.chain([head] if head else [], lines)
        blank = b""  # the blank lines before the first, kept so that line numbers stay right
        first = b""
        number = 0
        for number, first in enumerate(lines, start=1):  # noqa: B007 - used after the loop
            if first.strip():
                break
            blank += first
        first = first.removeprefix(_BOM)
        if first.startswith(b"---"):
            yield self.markdown(_text(first + _rest(lines), name), name)
            return
        if _is_json_object_line(first):
            record = parse_line(self.json, first, f"{name}: line {number}")
            if record is not None:
                yield record
            for number, line in enumerate(lines, start=number + 1):  # noqa: B020
                record = parse_line(self.json, line, f"{name}: line {number}")
                if record is not None:
                    yield record
            return
        data = blank.removeprefix(_BOM) + first + _rest(lines)
        if not data.strip():
            raise UnreadableInput(f"{name}: no input")
        yield from self.json.document(load_document(_text(data, name), name), name)


def _rest(lines: Iterable[bytes]) -> bytes:
    return b"".join(lines)


def _is_json_object_line(line: bytes) -> bool:
    """Whether a line is one whole JSON object (bad UTF-8 in it aside): a JSON Lines record."""
    if not line.lstrip().startswith(b"{"):
        return False
    try:
        value = decode(line.decode("utf-8", "replace")).value
    except JsonSyntaxError:
        return False
    return isinstance(value, dict)


def _read_text(path: Path, name: str) -> str:
    try:
        return _text(path.read_bytes(), name)
    except FileNotFoundError:
        raise UnreadableInput(f"{name}: no such file or folder") from None
    except OSError as exc:
        raise UnreadableInput(f"{name}: cannot read: {exc.strerror or exc}") from None
