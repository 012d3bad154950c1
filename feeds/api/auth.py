"""Bearer-token authentication (RFC 6750) for the publishing API.

Every API request but the OpenAPI document needs `Authorization: Bearer <token>`. A missing,
malformed, unknown or revoked token is answered 401 with `WWW-Authenticate: Bearer`; a read
token on a write is 403 (`error="insufficient_scope"`). Tokens are looked up by their hash
(`articles.tokens`), never logged: the access log names the token instead, through the WSGI
`REMOTE_USER` variable (the "authuser" field of the Combined Log Format).
"""

from __future__ import annotations

from typing import Final

from flask import current_app, g, request

from articles.tokens import Scope, TokenInfo, TokenStore
from feeds.api.problems import Problem

TOKENS_KEY: Final = "feeds.api.tokens"
REALM: Final = "newsroom-feeds API"
READ_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def token_store() -> TokenStore:
    store: TokenStore = current_app.extensions[TOKENS_KEY]
    return store


def needed_scope(method: str) -> Scope:
    return "read" if method in READ_METHODS else "write"


def authenticate() -> TokenInfo:
    """The request's token, checked against the scope its method needs; raises a Problem."""
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        # RFC 6750 3.1: no bearer credentials at all, so no error code in the challenge.
        raise _unauthorized("this API needs a token: send Authorization: Bearer <token>", None)
    token = token_store().authenticate(credentials)
    if token is None:
        raise _unauthorized(
            "the token is unknown or revoked; ask an administrator for a new one "
            "(flask tokens create NAME)",
            "invalid_token",
        )
    request.environ["REMOTE_USER"] = token.name
    g.api_token = token
    needed = needed_scope(request.method)
    if not token.allows(needed):
        raise Problem(
            403,
            f"token {token.name!r} may only read; changing articles needs a write token",
            kind="insufficient-scope",
            headers={
                "WWW-Authenticate": f'Bearer realm="{REALM}", error="insufficient_scope", '
                f'scope="{needed}"'
            },
        )
    return token


def current_token_name() -> str:
    token: TokenInfo = g.api_token
    return token.name


def _unauthorized(detail: str, error: str | None) -> Problem:
    challenge = f'Bearer realm="{REALM}"'
    if error:
        challenge += f', error="{error}"'
    return Problem(401, detail, kind="unauthorized", headers={"WWW-Authenticate": challenge})
