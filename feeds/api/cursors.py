"""Cursors of the API's article listing: opaque, tied to the filters they were issued for.

A cursor is URL-safe base64 of JSON holding the last article's (published, id), the key the
next page starts after, and a fingerprint of the listing's filters; `read_cursor` refuses one
this server did not issue, or one sent with other filters, as a 400 problem saying what to do.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from articles.model import Article
from feeds.api.problems import Problem
from feeds.request_text import unstorable


def _fingerprint(filters: Mapping[str, Any]) -> str:
    blob = orjson.dumps(dict(filters), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(blob).hexdigest()[:12]


def cursor_after(last: Article, filters: Mapping[str, Any]) -> str:
    """The next page starts after `last`: its (published, id), and the filters it was for."""
    published = last.published.astimezone(UTC).isoformat()
    blob = orjson.dumps({"p": published, "i": last.id, "f": _fingerprint(filters)})
    return base64.urlsafe_b64encode(blob).decode().rstrip("=")


def read_cursor(cursor: str, filters: Mapping[str, Any]) -> tuple[datetime, str]:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key = (datetime.fromisoformat(data["p"]), data["i"])
        fingerprint = data["f"]
        if key[0].tzinfo is None or not isinstance(key[1], str) or unstorable(key[1]):
            raise ValueError("not a cursor")
        key[0].astimezone(UTC)  # a moment the store can compare (0001-01-01T00:00+14:00 is not)
    except (ValueError, OverflowError, binascii.Error, KeyError, TypeError):
        raise Problem(
            400,
            "cursor: not a cursor this server issued; start again without one",
            kind="invalid-request",
            errors=[{"field": "cursor", "reason": "not a cursor this server issued"}],
        ) from None
    if fingerprint != _fingerprint(filters):
        raise Problem(
            400,
            "cursor: it belongs to a listing with other filters; send the same filters as the "
            "page it came from",
            kind="invalid-request",
            errors=[{"field": "cursor", "reason": "issued for other filters"}],
        )
    return key
