"""Text a request carries that no store can hold: refused as the client's error, up front.

A value from a URL becomes a database parameter (a slug, a label, an id, a filter). PostgreSQL
text cannot hold U+0000, and neither store's driver can encode a lone surrogate (U+D800 to
U+DFFF; Python reads some paths and query strings into them), so such a value used to reach
the database and come back as a driver error: a 503 "database unavailable" with Retry-After on
PostgreSQL, though retrying could never help. No record can hold either character
(articles.text refuses them), so a URL holding one names nothing: a feed or page path is a
404, an API path or query value a 400 problem naming the parameter
(feeds.api.request_checks), before any query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from flask import request
from werkzeug.exceptions import NotFound

__all__ = ["first_unstorable", "refuse_unstorable", "unstorable"]

_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> bool:
    """Whether `text` holds a character no store can hold (U+0000, a lone surrogate)."""
    return _UNSTORABLE.search(text) is not None


def first_unstorable(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The name of the first (name, value) pair whose name or value is `unstorable`, or None."""
    for name, value in pairs:
        if unstorable(value) or unstorable(name):
            return name
    return None


def refuse_unstorable() -> None:
    """Before every request but the API's (which answers with problems naming the parameter
    itself): a path holding an unstorable character is a 404. Query values outside the API
    reach no query (`page` and `limit` are numbers, feeds.query; others are ignored), so each
    reader refuses them with its own message."""
    if request.blueprint != "api" and unstorable(request.path):
        raise NotFound()
