"""Per-client request limits: 429 Too Many Requests with Retry-After for runaway pollers.

A feed changes at most every few minutes and says so in Cache-Control, yet some clients fetch
it many times a second (a misconfigured reader, a script in a loop). Readers now honour 429 and
Retry-After (FreshRSS, NetNewsWire), so answering one is how a publisher asks a client to slow
down. Off by default: behind a shared cache or proxy every request comes from the proxy's
address unless `trust_proxy_hops` says how many proxies to see through.

The counting is the `limits` library's, so the limits are written in its notation
(`"120/minute;2000/hour"`) and kept where `rate_limit_storage` says: `memory://` counts in each
process separately (with N workers a client gets up to N times the limit), `redis://host:6379`
shares the counts between every process and machine. When the storage does not answer, the
request is served (logged once): a broken limiter must not take the feeds down.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

# Load balancers probe this; limiting it would take a healthy process out of rotation.
EXEMPT_PATHS = frozenset({"/healthz"})


def parse_limits(text: str) -> list[RateLimitItem]:
    """`"120/minute;2000/hour"` as limit items; ValueError names what is wrong."""
    try:
        items = parse_many(text)
    except ValueError as exc:
        raise ValueError(
            f"{text!r} is not a limit such as '120/minute' or '120/minute;2000/hour' ({exc})"
        ) from None
    if not items:
        raise ValueError(f"{text!r} holds no limit")
    return list(items)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def describe_limit(item: RateLimitItem) -> str:
    """A limit in words: `5 requests per minute`, `1 request per second`, `100 requests in
    10 minutes`."""
    unit = item.GRANULARITY.name
    per = f"per {unit}" if item.multiples == 1 else f"in {_count(item.multiples, unit)}"
    return f"{_count(item.amount, 'request')} {per}"


def refusal_text(client: str, item: RateLimitItem, retry_after: int) -> str:
    """The 429's plain-text body: who went over which limit, and when to come back (the
    same number of seconds as its Retry-After header)."""
    return (
        f"too many requests: {client} made more than {describe_limit(item)}. Retry after "
        f"{_count(retry_after, 'second')} (the Retry-After header); feeds say in "
        "Cache-Control how often they can change, and a conditional GET (If-None-Match) "
        "costs almost nothing.\n"
    )


class RateLimit:
    """WSGI middleware counting requests per client address against every configured limit."""

    def __init__(
        self, app: WSGIApplication, limits_text: str, storage_uri: str = "memory://"
    ) -> None:
        self.app = app
        self.items = parse_limits(limits_text)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._storage_failing = False

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in EXEMPT_PATHS:
            return self.app(environ, start_response)
        client = environ.get("REMOTE_ADDR") or "-"
        exceeded = self._exceeded(client)
        if exceeded is None:
            return self.app(environ, start_response)
        retry_after = self._retry_after(exceeded, client)
        body = refusal_text(client, exceeded, retry_after).encode()
        start_response(
            "429 Too Many Requests",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Retry-After", str(retry_after)),
                ("Cache-Control", "no-store"),
            ],
        )
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _exceeded(self, client: str) -> RateLimitItem | None:
        """The first limit this request goes over (counting it against all), or None."""
        try:
            over = [item for item in self.items if not self.limiter.hit(item, client)]
        except Exception:  # noqa: BLE001 (any storage failure: serve rather than refuse)
            if not self._storage_failing:
                log.exception("rate limit storage failed; serving requests unlimited")
            self._storage_failing = True
            return None
        self._storage_failing = False
        return over[0] if over else None

    def _retry_after(self, item: RateLimitItem, client: str) -> int:
        try:
            reset = self.limiter.get_window_stats(item, client).reset_time
        except Exception:  # noqa: BLE001
            return item.get_expiry()
        return max(1, math.ceil(reset - time.time()))
