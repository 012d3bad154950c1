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

The refusal is a plain-text 429 written here, before any of the app runs, except on the paths
`app_refuses` names (the publishing API, whose every error is a problem document that its
OpenAPI document describes): those requests go on into the app with a `Refusal` in the environ
(`REFUSAL_KEY`), and the app's first check (`refuse_over_limit`) answers it in its own form.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from flask import request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

# Load balancers probe this; limiting it would take a healthy process out of rotation.
EXEMPT_PATHS = frozenset({"/healthz"})
# Where a request the app itself must refuse carries its refusal (a Refusal).
REFUSAL_KEY: Final = "feeds.rate_limit.refusal"


@dataclass(frozen=True)
class Refusal:
    """A request over a limit: who sent it, which limit, and in how many seconds to retry."""

    client: str
    item: RateLimitItem
    retry_after: int


class OverLimit(TooManyRequests):
    """429 with Retry-After, raised by the app for a Refusal the middleware left to it."""


def refuse_over_limit() -> None:
    """The app's first check of a request: a Refusal left in the environ is a 429 (with
    Retry-After) in the form the path's error handler writes (a problem document under
    /api/)."""
    refusal: Refusal | None = request.environ.get(REFUSAL_KEY)
    if refusal is None:
        return
    raise OverLimit(
        description=f"too many requests: {refusal.client} made more than "
        f"{describe_limit(refusal.item)}. Retry after "
        f"{_count(refusal.retry_after, 'second')} (the Retry-After header), and send "
        "requests more slowly (a batch writes up to api_batch_max records in one request)",
        retry_after=refusal.retry_after,
    )


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
        self,
        app: WSGIApplication,
        limits_text: str,
        storage_uri: str = "memory://",
        app_refuses: Callable[[str], bool] = lambda path: False,
    ) -> None:
        self.app = app
        self.app_refuses = app_refuses
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
        if self.app_refuses(environ.get("PATH_INFO", "")):
            environ[REFUSAL_KEY] = Refusal(client, exceeded, retry_after)
            return self.app(environ, start_response)
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
