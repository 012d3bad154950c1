"""How an article's JSON document is kept in the `articles.doc` column.

PostgreSQL keeps it as `jsonb` (compressed by the server when TOASTed, LZ4 where it has it,
see `engine`). SQLite has no compression of its own, so there the document is stored as one
Zstandard frame (RFC 8878, level 1) of its UTF-8 JSON text: a 6.9 KB wire story becomes about
2.4 KB, which is less to write, to log in the WAL and to checkpoint on import, and fewer
overflow pages to read for a feed. Compressing costs ~30 µs a document and is done where the
rows are prepared (the import's parse workers); decompressing ~5 µs.

Stores written before this kept SQLite documents as JSON text, and those rows stay as they
are: a stored value is read by its type (`bytes`: a Zstandard frame; `str`: JSON text), so
old and new rows live side by side and no migration rewrites them.

Shapes: a *document* is the mapping `articles.model.article_to_dict` gives; its *stored form*
is `bytes` (SQLite, written now), `str` (JSON text: SQLite rows of older stores, and the rows
prepared for PostgreSQL) or the mapping itself (what the driver gives back for `jsonb`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Final

import orjson
import sqlalchemy as sa
import zstandard
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect

# Level 1: the cheapest level, and within 2% of level 3's size on news text.
LEVEL: Final = 1

# Compressor and decompressor objects are not safe to share between threads; one of each per
# thread (the app's request threads, the importer's read-ahead thread) is made on first use.
_local = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    try:
        return _local.compressor  # type: ignore[no-any-return]
    except AttributeError:
        _local.compressor = zstandard.ZstdCompressor(level=LEVEL)
        return _local.compressor  # type: ignore[no-any-return]


def _decompressor() -> zstandard.ZstdDecompressor:
    try:
        return _local.decompressor  # type: ignore[no-any-return]
    except AttributeError:
        _local.decompressor = zstandard.ZstdDecompressor()
        return _local.decompressor  # type: ignore[no-any-return]


def compress_json(data: bytes) -> bytes:
    """The SQLite stored form of a document given as UTF-8 JSON: one Zstandard frame of it
    (the frame records the content size, so it decompresses in one call)."""
    return _compressor().compress(data)


def compress_text(text: str) -> bytes:
    """The SQLite stored form of a document given as JSON text (`compress_json` of it)."""
    return compress_json(text.encode())


def document_text(stored: bytes | str) -> str:
    """The JSON text of a stored form (`bytes`: decompressed; `str`: as it is)."""
    if isinstance(stored, str):
        return stored
    return _decompressor().decompress(stored).decode()


def load_document(stored: bytes | str | Mapping[str, Any]) -> Any:
    """The document (a dict) of any stored form. Raises orjson.JSONDecodeError for text that
    is no JSON and zstandard.ZstdError for bytes that are no Zstandard frame."""
    if isinstance(stored, bytes):
        return orjson.loads(_decompressor().decompress(stored))
    if isinstance(stored, str):
        return orjson.loads(stored)
    return stored


def dump_like(document: Mapping[str, Any], like: bytes | str) -> bytes | str:
    """`document` in the stored form `like` has: compressed for `bytes`, JSON text for `str`
    (so an edit of a prepared row keeps the form its back-end writes)."""
    text = orjson.dumps(document).decode()
    return compress_text(text) if isinstance(like, bytes) else text


class StoredDocument(sa.types.TypeDecorator[Any]):
    """The SQLite `doc` column: binds a document (a mapping) as its Zstandard frame, or stored
    bytes as they are; reads a frame or the JSON text of an older row back as a dict.

    Its DDL and Alembic's type comparison are those of `sa.JSON` (the column's declared type
    on SQLite, where any value can be kept in it).
    """

    impl = sa.JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Any:
        def process(value: Any) -> bytes | None:
            if value is None or isinstance(value, bytes):
                return value
            if isinstance(value, str):
                raise TypeError("a stored document is bound as a mapping or its stored bytes")
            return compress_text(orjson.dumps(value).decode())

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        def process(value: bytes | str | None) -> Any:
            return None if value is None else load_document(value)

        return process


# The column's type on each back-end: a Zstandard frame on SQLite, jsonb on PostgreSQL.
Doc: Final = StoredDocument().with_variant(JSONB(), "postgresql")
