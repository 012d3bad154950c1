"""Untrusted input -> validated Article: one module per input format.

- `record`: the record validator every format shares (our record shape -> Article), the limits,
  `ParsedRecord`, and the wording of values in messages.
- `json`: JSON documents (`.json`: one record or a list) and the JSON decoding rules.
- `lines`: JSON Lines (`.jsonl`, `.ndjson`), line by line as bytes; `LineParser` for workers.
- `markdown`: Markdown with YAML front matter.
- `ninjs`: IPTC ninjs 1.x and 2.x; `ninjs3`: ninjs 3.0 and 3.1; `ninjs_version` tells them apart.
- `files`: `read_records` over files, folders and standard input.

docs/import-formats.md describes each format field by field.
"""

from articles.formats.files import FORMAT_NAMES, read_records
from articles.formats.lines import LineParser, RawLine, raw_json_lines
from articles.formats.markdown import article_from_markdown
from articles.formats.ninjs_version import article_from_ninjs, is_ninjs
from articles.formats.record import (
    BODY_FIELDS,
    EXTENSION_PREFIX,
    RECORD_FIELDS,
    ParsedRecord,
    article_from_mapping,
)
from articles.formats.values import (
    MAX_BODY_CHARS,
    MAX_ID_LENGTH,
    MAX_READING_TIME,
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_URL_LENGTH,
)

__all__ = [
    "BODY_FIELDS",
    "EXTENSION_PREFIX",
    "FORMAT_NAMES",
    "MAX_BODY_CHARS",
    "MAX_ID_LENGTH",
    "MAX_READING_TIME",
    "MAX_TEXT_LENGTH",
    "MAX_TITLE_LENGTH",
    "MAX_URL_LENGTH",
    "RECORD_FIELDS",
    "LineParser",
    "ParsedRecord",
    "RawLine",
    "article_from_mapping",
    "article_from_markdown",
    "article_from_ninjs",
    "is_ninjs",
    "raw_json_lines",
    "read_records",
]
