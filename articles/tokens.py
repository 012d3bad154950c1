"""API tokens: named bearer secrets with a scope, stored only as hashes.

A token is `nfa_` followed by 43 characters of `secrets.token_urlsafe(32)` (256 random bits).
Only its SHA-256 is stored: a database dump does not reveal a usable token, and since the
secret is high-entropy a fast hash is enough (no password stretching needed). A request's
token is found by the hash of what it presents (an index lookup that reveals nothing about
stored secrets) and compared again with `hmac.compare_digest`.

Scopes: `read` may read the publishing API, `write` may also change articles. Names are
short, printable and space-free (`cms-prod`, `ci.bot`): they appear in the audit trail and
in the access log in place of the secret, which never appears anywhere after `create`.
A revoked token keeps its row, so its name is never reused and the audit trail stays
unambiguous.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from articles.errors import ArticleError
from articles.store.schema import api_tokens_table

Scope = Literal["read", "write"]
SCOPES: Final[tuple[Scope, ...]] = ("read", "write")
TOKEN_PREFIX: Final = "nfa_"
NAME_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# last_used_at is written at most this often per token, so reads do not all become writes.
LAST_USED_GRANULARITY: Final = timedelta(minutes=5)


class TokenError(ArticleError):
    """A token command that cannot be carried out; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A stored token, without its secret."""

    name: str
    scope: Scope
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, needed: Scope) -> bool:
        """Whether this token's scope covers `needed` (write covers read)."""
        return self.scope == "write" or needed == "read"


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256 as 64 hex digits."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise TokenError(
            f"token name {name!r}: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def _utc_now() -> datetime:
    return datetime.now(UTC)


class TokenStore:
    """Create, find, list and revoke API tokens in the article database."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def _writing(self) -> Connection:
        # SQLite: BEGIN IMMEDIATE like the store's writers (see articles.store).
        return self.engine.connect().execution_options(feeds_write=True)

    def create(self, name: str, scope: Scope) -> str:
        """Store a new token and return its secret (the only time it is ever available).

        Raises TokenError when the name is malformed or already used (even by a revoked token).
        """
        check_name(name)
        if scope not in SCOPES:
            raise TokenError(f"scope {scope!r}: use one of {', '.join(SCOPES)}")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        t = api_tokens_table
        with self._writing() as conn, conn.begin():
            taken = conn.execute(sa.select(t.c.revoked_at).where(t.c.name == name)).first()
            if taken is not None:
                state = "a revoked token" if taken.revoked_at else "an active token"
                raise TokenError(
                    f"token name {name!r} is already used by {state}; names are never reused "
                    "(choose another name)"
                )
            conn.execute(
                t.insert().values(
                    name=name, scope=scope, token_hash=token_hash(secret), created_at=self.clock()
                )
            )
        return secret

    def authenticate(self, token: str) -> TokenInfo | None:
        """The active token whose secret is `token`, or None (unknown, malformed or revoked)."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        wanted = token_hash(token)
        t = api_tokens_table
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.token_hash == wanted)).first()
        if row is None or not hmac.compare_digest(row.token_hash, wanted):
            return None
        info = _info(row)
        if not info.active:
            return None
        now = self.clock()
        if info.last_used_at is None or now - info.last_used_at >= LAST_USED_GRANULARITY:
            self._touch(info.name, now)
        return info

    def active(self, name: str) -> tuple[TokenInfo, str] | None:
        """(info, stored hash) of the active token `name`, or None (unknown or revoked).

        The hash never leaves the server: a web session signed with it (feeds.subscribers_page)
        is bound to this token, and ends when the token is revoked.
        """
        t = api_tokens_table
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.name == name)).first()
        if row is None or row.revoked_at is not None:
            return None
        return _info(row), str(row.token_hash)

    def _touch(self, name: str, now: datetime) -> None:
        # Bookkeeping only: a busy or read-only database must not turn a read into an error.
        t = api_tokens_table
        try:
            with self.engine.begin() as conn:
                conn.execute(t.update().where(t.c.name == name).values(last_used_at=now))
        except sa.exc.SQLAlchemyError:
            pass

    def list(self) -> list[TokenInfo]:
        """Every token ever created, active ones first, then by name."""
        t = api_tokens_table
        query = sa.select(t).order_by(t.c.revoked_at.is_not(None), t.c.name)
        with self.engine.connect() as conn:
            return [_info(row) for row in conn.execute(query)]

    def revoke(self, name: str) -> TokenInfo:
        """Revoke the token `name` at once; raises TokenError if there is none or it is revoked."""
        t = api_tokens_table
        with self._writing() as conn, conn.begin():
            row = conn.execute(sa.select(t).where(t.c.name == name)).first()
            if row is None:
                raise TokenError(f"no token named {name!r} (see `flask tokens list`)")
            revoked_at = _info(row).revoked_at
            if revoked_at is not None:  # written as `tokens list` writes it, to the second
                when = revoked_at.isoformat(timespec="seconds")
                raise TokenError(f"token {name!r} was already revoked at {when}")
            now = self.clock()
            conn.execute(t.update().where(t.c.name == name).values(revoked_at=now))
        return replace(_info(row), revoked_at=now)


def _info(row: sa.Row[Any]) -> TokenInfo:
    return TokenInfo(
        name=row.name,
        scope=row.scope,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )
