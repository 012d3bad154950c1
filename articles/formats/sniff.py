"""Inputs that are not text at all: an image, an archive or compressed data given as a record
file (`photo.png` saved as `story.json`, a `.jsonl.gz` renamed `.jsonl`).

Such a file used to be read as text and refused for what that reading met first: `not UTF-8
text (byte 0)` with a guess of UTF-16 or EUC-KR, a JSON syntax error at column 1, or, in JSON
Lines, one refused "record" per newline byte of the binary. `not_text` tells it from its first
bytes, by the signatures of common binary formats, or as binary data when control bytes
(NUL among them) make up a good part of its start, and says what it looks like, so the input
is refused in one line naming it. Text with a stray NUL (removed from a Markdown body as from
any text) is still text.
"""

from __future__ import annotations

import re
from typing import Final

# How many bytes of an input's start are looked at.
SNIFF_BYTES: Final = 4096

# (signature at the start, what the input looks like, advice), the more specific first.
_SIGNATURES: Final[tuple[tuple[bytes, str, str], ...]] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", ""),
    (b"\xff\xd8\xff", "a JPEG image", ""),
    (b"GIF87a", "a GIF image", ""),
    (b"GIF89a", "a GIF image", ""),
    (b"II*\x00", "a TIFF image", ""),
    (b"MM\x00*", "a TIFF image", ""),
    (b"%PDF-", "a PDF document", ""),
    (
        b"\x1f\x8b",
        "gzip-compressed data",
        "; decompress it first (zcat FILE | flask articles import -)",
    ),
    (
        b"\xfd7zXZ\x00",
        "xz-compressed data",
        "; decompress it first (xzcat FILE | flask articles import -)",
    ),
    (
        b"\x28\xb5\x2f\xfd",
        "Zstandard-compressed data",
        "; decompress it first (zstdcat FILE | flask articles import -)",
    ),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "; extract the records first"),
    (b"Rar!\x1a\x07", "a RAR archive", "; extract the records first"),
    (
        b"PK\x03\x04",
        "a ZIP archive (or a document stored as one, such as .docx or .xlsx)",
        "; extract the records first",
    ),
    (b"PK\x05\x06", "an empty ZIP archive", ""),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document (.doc, .xls)", ""),
    (b"SQLite format 3\x00", "an SQLite database", ""),
    (b"\x7fELF", "an executable (ELF)", ""),
    (b"OggS\x00", "Ogg audio or video", ""),
    (b"fLaC\x00", "FLAC audio", ""),
    (b"fLaC\x80", "FLAC audio", ""),
    (b"ID3\x02\x00", "an MP3 file", ""),
    (b"ID3\x03\x00", "an MP3 file", ""),
    (b"ID3\x04\x00", "an MP3 file", ""),
    (b"\x1a\x45\xdf\xa3", "a Matroska or WebM video", ""),
)
# Signatures not at the very start: RIFF containers, ISO media, bzip2, tar.
_RIFF: Final = re.compile(rb"RIFF....(WEBP|WAVE|AVI )", re.S)
_RIFF_KINDS: Final = {b"WEBP": "a WebP image", b"WAVE": "WAV audio", b"AVI ": "an AVI video"}
_ISO_MEDIA: Final = re.compile(
    rb"\x00\x00..ftyp(avif|heic|heix|mif1|qt  |M4A |[a-zA-Z0-9 ]{4})", re.S
)
_BZIP2: Final = re.compile(rb"BZh[1-9]1AY&SY")
_TAR_MAGIC: Final = b"ustar"
_TAR_AT: Final = 257
# Bytes that are not text: C0 controls but tab, newline, carriage return, form feed, escape.
_CONTROL: Final = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
# Share of control bytes in the start from which an input with a NUL is binary data, and the
# fewest bytes that share (or UTF-16's pattern of NULs) is judged on: a few bytes of JSON with
# a raw control character in them are better told by the JSON decoder, which names its line
# and column.
_BINARY_SHARE: Final = 0.1
_BINARY_SAMPLE: Final = 64


def signature(head: bytes) -> tuple[str, str] | None:
    """What the bytes' signature says they are (`a PNG image`) and advice, or None."""
    for magic, kind, advice in _SIGNATURES:
        if head.startswith(magic):
            return kind, advice
    if riff := _RIFF.match(head):
        return _RIFF_KINDS[riff[1]], ""
    if iso := _ISO_MEDIA.match(head):
        brand = iso[1]
        if brand in (b"avif", b"heic", b"heix", b"mif1"):
            return "an AVIF or HEIC image", ""
        return "an MP4 or QuickTime media file", ""
    if _BZIP2.match(head):
        return (
            "bzip2-compressed data",
            "; decompress it first (bzcat FILE | flask articles import -)",
        )
    if head[_TAR_AT : _TAR_AT + len(_TAR_MAGIC)] == _TAR_MAGIC:
        return "a tar archive", "; extract the records first"
    return None


def looks_like_utf16(head: bytes) -> bool:
    """Whether bytes look like UTF-16 text without a byte order mark: NUL bytes at even or at
    odd places only, in most of the pairs (the high byte of Latin text)."""
    sample = head[:512]
    pairs = len(sample) // 2
    if pairs < 2:
        return False
    even = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    return (even == 0) != (odd == 0) and max(even, odd) >= pairs * 0.3


def not_text(head: bytes) -> str | None:
    """Why an input that starts with `head` is not text (`not a text file: it looks like a
    PNG image`), or None when it may be text (decoding it says more if it is not).

    Inputs with a byte order mark of UTF-16 or UTF-32 are left to their decoder. UTF-16
    without one is named (its NUL bytes are valid UTF-8, so Latin text in it was read as
    UTF-8 and refused as a JSON syntax error at column 2).
    """
    head = head[:SNIFF_BYTES]
    found = signature(head)
    if found is not None:
        kind, advice = found
        return f"not a text file: it looks like {kind}{advice}"
    if len(head) < _BINARY_SAMPLE or b"\x00" not in head:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return None  # a byte order mark of UTF-16 or UTF-32
    if looks_like_utf16(head):
        return "not UTF-8 text: it looks like UTF-16 without a byte order mark: save it as UTF-8"
    controls = sum(1 for byte in head if byte in _CONTROL)
    if controls >= len(head) * _BINARY_SHARE:
        return (
            f"not a text file: binary data ({controls} control bytes in its first "
            f"{len(head)}, the first NUL at byte {head.index(0)})"
        )
    return None
