"""JSON Lines (`.jsonl`, `.ndjson`): one record per line, read as bytes and decoded line by line.

Each line is decoded on its own, so a bad byte or a JSON error spoils that line only and is
reported as `feed.jsonl: line 12`; blank lines are skipped. The importer hands chunks of raw
lines to worker processes and parses them there with `LineParser`, exactly as here.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from articles.errors import InvalidArticle, UnreadableInput
from articles.formats.json import JsonRecords, JsonSyntaxError, decode
from articles.formats.record import ParsedRecord
from articles.formats.sniff import SNIFF_BYTES, looks_like_utf16, not_text


class RawLine(NamedTuple):
    """One line of a JSON Lines file as read, not yet decoded: where it is and its bytes.

    `offset` is the number of bytes of the file read up to the end of this line.
    """

    where: str
    offset: int
    data: bytes


_UTF8_BOM = codecs.BOM_UTF8
# Byte order marks of the wider Unicode encodings (RFC 7159 8.1 allowed them for JSON, and
# Windows tools still write UTF-16 with a BOM): the BOM names the encoding without a guess.
# UTF-32's first: UTF-32LE's BOM starts with UTF-16LE's.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(head: bytes) -> str | None:
    """`utf-16` or `utf-32` when the bytes start with that encoding's byte order mark."""
    for bom, encoding in _WIDE_BOMS:
        if head.startswith(bom):
            return encoding
    return None


def not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    """The reason bytes are not UTF-8 text, naming UTF-16 when they look like it (NUL bytes)."""
    reason = f"not UTF-8 text (byte {exc.start}: {exc.reason})"
    if looks_like_utf16(data):
        return reason + "; it looks like UTF-16 without a byte order mark: save it as UTF-8"
    if b"\x00" in data[:200]:
        return reason  # binary, not text in another encoding: no guess
    sample = data[: 1 << 16]
    try:
        korean = sample.decode("cp949")
    except UnicodeDecodeError:
        return reason
    if any("\uac00" <= ch <= "\ud7a3" for ch in korean):
        # Not read as such (a guess could be wrong), but the likely cause is worth naming.
        reason += "; it reads as Korean in EUC-KR (CP949): save it as UTF-8"
    return reason


def _wide_lines(handle: Iterator[bytes], encoding: str) -> Iterator[tuple[int, bytes]]:
    """The lines of a UTF-16 or UTF-32 file as UTF-8 bytes, with the bytes read for each.

    A lone surrogate is kept (`surrogatepass`), so it spoils its line only: that line's UTF-8
    is then invalid and refused like any bad byte.
    """
    decoder = codecs.getincrementaldecoder(encoding)("surrogatepass")
    pending = ""
    read = 0
    for chunk in handle:
        read += len(chunk)
        pending += decoder.decode(chunk)
        *lines, pending = pending.split("\n")
        for line in lines:
            yield read, (line + "\n").encode("utf-8", "surrogatepass")
    pending += decoder.decode(b"", final=True)
    if pending:
        yield read, pending.encode("utf-8", "surrogatepass")


def raw_json_lines(path: str | Path, name: str | None = None) -> Iterator[RawLine]:
    """The lines of a JSON Lines file as bytes, numbered, without decoding them.

    Binary lines, decoded one by one later: constant memory, and a bad byte spoils one line
    only. The UTF-8 byte order mark of the first line is dropped. Raises UnreadableInput when
    the file cannot be opened, or when it is not text at all (an image, compressed data:
    `articles.formats.sniff`), rather than refusing each of its "lines".
    """
    name = str(path) if name is None else name
    try:
        # A large buffer: records are kilobytes long, and the default 8 KiB means a read per line.
        handle = open(path, "rb", buffering=1 << 20)  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise UnreadableInput(f"{name}: cannot read: {exc.strerror or exc}") from None
    with handle:
        head = handle.read(SNIFF_BYTES)
        reason = not_text(head)
        if reason is not None:
            raise UnreadableInput(f"{name}: {reason}")
        encoding = wide_encoding(head[:4])
        handle.seek(0)
        if encoding is not None:
            chunks = iter(lambda: handle.read(1 << 16), b"")
            for number, (read, data) in enumerate(_wide_lines(chunks, encoding), start=1):
                yield RawLine(f"{name}: line {number}", read, data)
            return
        offset = 0
        for number, data in enumerate(handle, start=1):
            offset += len(data)
            if number == 1:
                data = data.removeprefix(b"\xef\xbb\xbf")
            yield RawLine(f"{name}: line {number}", offset, data)


def parse_line(records: JsonRecords, data: bytes, where: str) -> ParsedRecord | None:
    """One line's record, or its error; None for a blank line.

    The line is UTF-8 bytes, decoded strictly: invalid UTF-8 is an error of this line.
    """
    try:
        # Without its line break, which would otherwise be read into an unclosed string.
        decoded = decode(data.rstrip(b"\r\n"))
    except UnicodeDecodeError as exc:
        return ParsedRecord(where, error=InvalidArticle(where, "", not_utf8(data, exc)))
    except JsonSyntaxError as exc:
        if not data.strip():  # checked only here: blank lines are rare, records are long
            return None
        if data.startswith(_UTF8_BOM):
            # Files joined with `cat` keep each one's byte order mark at the start of a line:
            # dropped there as on the first line.
            return parse_line(records, data[len(_UTF8_BOM) :], where)
        return ParsedRecord(where, error=InvalidArticle(where, "", exc.at(with_line=False)))
    return records.decoded(decoded, where, with_line=False)


class LineParser:
    """Parses raw JSON Lines lines into records, exactly as `read_records` does for a file.

    For callers that read the lines themselves (the importer hands chunks of them to worker
    processes); a blank line gives None.
    """

    def __init__(self, *, zone: ZoneInfo, default_language: str, base_url: str = "") -> None:
        self._records = JsonRecords(zone, default_language, base_url)

    def parse(self, raw: RawLine) -> ParsedRecord | None:
        record = parse_line(self._records, raw.data, raw.where)
        if record is None:
            return None
        # Built directly: dataclasses.replace costs more than the rest of this method.
        return ParsedRecord(record.where, record.article, record.error, raw.offset)
