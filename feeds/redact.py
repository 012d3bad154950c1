"""Credentials out of logged URLs: query parameters that carry one, and userinfo.

Tokens never appear in any log (docs/api.md), but a client may still put one in a URL
(`/feeds/all.atom?access_token=nfa_...`, a referrer `https://user:secret@host/`), and a log
line holding the URL would keep it. Every log line the app writes with a URL (the access log,
feeds.accesslog; gunicorn's, through `GunicornLogger` in gunicorn.conf.py) writes it through
`redact_query` or `redact_url`:

- a query parameter named like a credential (`access_token`, `token`, `api_key`, ...,
  compared percent-decoded and case-insensitively; RFC 6750 2.3 names `access_token`), or
  whose value holds one of our API tokens (`nfa_` and its secret, percent-decoded), keeps its
  name and gets the value `REDACTED`;
- the userinfo of an absolute URL (`user:password@`) becomes `REDACTED@`.

Everything else is kept byte for byte, so the usual log line costs one regular-expression
search of its query string.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import unquote

__all__ = ["REDACTED", "CREDENTIAL_NAMES", "redact_query", "redact_url"]

REDACTED: Final = "REDACTED"

# Query parameter names that carry a credential, lower case (OAuth 2.0 and common API keys).
CREDENTIAL_NAMES: Final = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "token",
        "bearer",
        "api_key",
        "apikey",
        "api-key",
        "key",
        "password",
        "passwd",
        "secret",
        "client_secret",
        "auth",
        "authorization",
        "session",
    }
)

# Cheap gate: a query that holds none of these needs no parsing (polls carry `page=2` at most).
# `%` because a name or a token may be percent-encoded.
_SUSPECT: Final = re.compile(r"nfa_|token|bearer|key|pass|secret|auth|session|%", re.IGNORECASE)
# Our API tokens (articles.tokens: `nfa_` and 43 characters of base64url); shorter runs too.
_OUR_TOKEN: Final = re.compile(r"nfa_[A-Za-z0-9_-]{8,}")
_USERINFO: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@")


def redact_query(query: str) -> str:
    """`query` (without `?`) with every credential's value replaced by REDACTED."""
    if not query or _SUSPECT.search(query) is None:
        return query
    parts = query.split("&")
    for i, part in enumerate(parts):
        name, eq, value = part.partition("=")
        if not eq:
            if _OUR_TOKEN.search(unquote(name)):
                parts[i] = REDACTED
            continue
        if (
            unquote(name.replace("+", " ")).strip().lower() in CREDENTIAL_NAMES
            or _OUR_TOKEN.search(unquote(value)) is not None
        ):
            parts[i] = f"{name}={REDACTED}"
    return "&".join(parts)


def redact_url(url: str) -> str:
    """`url` (absolute, or a path with a query) with its userinfo and the credentials in its
    query replaced by REDACTED; the fragment, if any, is kept after the query."""
    if "@" in url:
        url = _USERINFO.sub(rf"\1{REDACTED}@", url, count=1)
    path, mark, rest = url.partition("?")
    if not mark:
        return url
    query, hash_mark, fragment = rest.partition("#")
    return f"{path}?{redact_query(query)}{hash_mark}{fragment}"
