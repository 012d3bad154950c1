"""Reading a publishing API request's body: its media type, its size, its JSON.

`body_type_refusal` says why a Content-Type is refused (415); `too_large` is the 413 for a
body over `api_max_body_bytes`; `read_json` decodes a body as an imported file is decoded
(`articles.formats.json`), so the API and the importer take and refuse the same JSON (RFC
8259) with the same words. Each refusal is a `Problem` (RFC 9457) the views' error handler
answers.
"""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Mapping
from typing import Final

import orjson

from articles.formats.json import (
    JsonSyntaxError,
    beyond_64_bits,
    decode,
    duplicate_name,
    find_huge,
    is_too_deep,
    syntax_error,
    too_deep,
)
from feeds.api.merge_patch import MEDIA_TYPE as MERGE_PATCH
from feeds.api.problems import Problem
from feeds.api.records import invalid

JSON: Final = "application/json"

# Media types each method takes.
BODY_TYPES: Final[Mapping[str, tuple[str, ...]]] = {
    "PUT": (JSON,),
    "POST": (JSON,),
    "PATCH": (MERGE_PATCH, JSON),
}


def body_type_refusal(method: str, mimetype: str, params: Mapping[str, str]) -> str | None:
    """Why a request body of this media type (lowercased, without parameters) and these
    parameters is refused for `method`, or None when it is taken.

    A body is taken only in the media types the OpenAPI document names for the method
    (`application/json`; for PATCH also `application/merge-patch+json`, RFC 7396): another
    `+json` type means another thing (a JSON Patch, RFC 6902, is a list of operations; a merge
    patch sent with PUT would be taken as a whole record and drop every field it leaves out).
    JSON is UTF-8 (RFC 8259 section 8.1), so a `charset` other than UTF-8 is refused rather
    than read as UTF-8 in silence.
    """
    accepted = BODY_TYPES.get(method)
    if accepted is None:
        return None
    if mimetype not in accepted:
        return (
            f"the body must be JSON: send Content-Type: {accepted[0]}"
            + (f" (or {accepted[1]})" if len(accepted) > 1 else "")
            + (f", not {mimetype}" if mimetype else "")
        )
    charset = params.get("charset")
    if charset is not None and charset.strip().lower() != "utf-8":
        return (
            f"JSON is sent as UTF-8 (RFC 8259 section 8.1): send the body in UTF-8 with "
            f"Content-Type: {mimetype} (charset=utf-8 or no charset), not charset={charset[:40]}"
        )
    return None


def body_coding_refusal(content_encoding: str | None) -> str | None:
    """Why a body sent with this Content-Encoding is refused (415, RFC 9110 section 8.4.1:
    `Accept-Encoding: identity` in the answer), or None when it has no coding.

    Nothing here decodes a coding, and a body read without decoding its coding is another
    body: a `gzip` record was read as its compressed bytes (a 400 at best), a `Content-Encoding`
    naming no coding was ignored and its body taken as it was."""
    if content_encoding is None:
        return None
    codings = [part.strip().lower() for part in content_encoding.split(",")]
    if all(coding in ("", "identity") for coding in codings):
        return None
    return (
        f"this server reads request bodies without a content coding: send the JSON as it is, "
        f"without Content-Encoding: {content_encoding.strip()[:40]}"
    )


def _not_json(data: bytes, exc: orjson.JSONDecodeError) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return (
            f"the body is not UTF-8 (byte 0x{data[bad.start]:02X} at offset {bad.start}); "
            "JSON is sent as UTF-8 (RFC 8259 section 8.1)"
        )
    if is_too_deep(exc):  # one limit for the API and the importer, whatever the stack
        return f"the body is {too_deep(data.decode('utf-8')).at()}"
    reworded = syntax_error(data.decode("utf-8"))
    if reworded is not None:
        return f"the body is {reworded.at()}"  # as the importer words it
    return f"the body is not valid JSON ({exc})"


# What orjson refuses that RFC 8259 allows: an escaped lone surrogate (`"\\ud800"`, section
# 8.2) and a number beyond a double (`1e999`, 5,000 digits; section 6 sets no limit).
_ORJSON_STRICTER = ("surrogate", "infinity")


def _read_as_imported(data: bytes, exc: orjson.JSONDecodeError) -> object:
    """A body orjson refused, read as a file import reads it (`articles.formats.json.decode`)
    when it is JSON all the same: a lone surrogate is then removed by the text rule and a
    number out of range refused naming its field (422), as in an imported file, instead of
    the whole body being 'not valid JSON'. Raises Problem (400) for anything else."""
    if not any(word in str(exc) for word in _ORJSON_STRICTER):
        raise Problem(400, _not_json(data, exc), kind="malformed-json")
    try:
        decoded = decode(data)
    except (JsonSyntaxError, UnicodeDecodeError):
        raise Problem(400, _not_json(data, exc), kind="malformed-json") from None
    found = find_huge(decoded.value) if decoded.huge else None
    if found is not None:
        path, digits = found
        reason = (
            f"a whole number of {len(digits.lstrip('-')):,} digits; at most "
            f"{sys.get_int_max_str_digits():,} are allowed"
        )
        raise invalid([{"field": path, "reason": reason}])
    return decoded.value


def read_json(data: bytes) -> object:
    """The JSON value of a request body (bytes, as sent), read as an imported file is read.

    Raises Problem: 400 for an empty body, one that is not UTF-8 or not JSON (worded as the
    importer words it), or one that repeats a member name (RFC 8259 section 4: its meaning
    is not defined); 422 naming the field of a whole number past Python's digit limit. An
    integer outside 64 bits is kept exact (orjson would make it a float). A UTF-8 byte order
    mark before the text is ignored, as an imported file's is (RFC 8259 section 8.1 lets a
    parser ignore it).
    """
    data = data.removeprefix(codecs.BOM_UTF8)
    if not data.strip():
        raise Problem(400, "the body is empty; send a JSON document", kind="malformed-json")
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        value = _read_as_imported(data, exc)
    if beyond_64_bits(value):  # orjson made an integer outside 64 bits a float
        try:
            value = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise Problem(
                400, f"the body is not valid JSON: {exc}", kind="malformed-json"
            ) from None
    repeated = duplicate_name(data, value)
    if repeated is not None:
        raise Problem(400, f"the body is {repeated.at()}", kind="malformed-json")
    return value


def too_large(limit: int, endpoint: str | None, method: str) -> Problem:
    """413 for a body over `limit` bytes, stating it, with advice that fits the operation
    (`endpoint` and `method` of the request): a batch can be split, one record can only be
    made smaller."""
    if endpoint == "api.batch_articles":
        advice = "send fewer records per request"
    elif method == "PATCH":
        advice = "send a smaller patch (only the fields that change)"
    else:
        advice = "make the record smaller (its body, or media kept elsewhere by URL)"
    return Problem(
        413,
        f"the body is larger than the {limit:,} bytes this server accepts in one request "
        f"(api_max_body_bytes); {advice}",
        kind="payload-too-large",
        max_body_bytes=limit,
    )
