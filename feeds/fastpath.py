"""Replay of recent feed responses: identical requests within a moment skip Flask and the database.

Aggregators poll the same few URLs over and over, and most answers are the same bytes or a 304.
The feed view works out a response from the database (the rows' keys, the ETag) and the render
cache; this WSGI middleware keeps that outcome for `response_memo_ms` and answers byte-identical
requests (same path, query, host, Accept, Accept-Encoding, and the navigation headers that
choose the browser preview) from memory, including the conditional-GET decision. Each process
decides for itself and every entry expires within the window, so any number of workers stays
consistent with the database to within that window, and never past the moment an embargoed
article becomes visible (the view caps the lifetime).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from feeds.etag import ENCODING_SUFFIX, NOT_MODIFIED, SEND, precondition_status
from feeds.urls import FEEDS_PREFIX

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# The environ key through which the feed view learns that its response may be memoised.
MEMO_KEY = "feeds.memo_key"

_REPLAYED_METHODS = frozenset({"GET", "HEAD"})

# `_outcome` when only the feed view may answer: the request's If-None-Match names none of the
# entry's tags. The reader then holds another representation, and the memo cannot tell an older
# one from a newer one another process already served after a write; replaying its own older
# document there would send that reader (or a cache revalidating) back in time, with an older
# ETag and Last-Modified. The view reads the database and answers 304 or the current document.
ASK_THE_VIEW: Final = 0

# Everything in a request that can change a feed response's bytes or headers (the memo key).
_KEY_FIELDS = (
    "PATH_INFO",
    # The target as sent, where the server passes it: another spelling of a feed's path
    # (`/feeds/%61ll.atom`) is a 301 to the site's own (feeds.redirects.canonical_spelling),
    # never a replay of the document.
    "REQUEST_URI",
    "RAW_URI",
    "QUERY_STRING",
    "HTTP_HOST",
    "wsgi.url_scheme",
    "SCRIPT_NAME",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_ENCODING",
    "REQUEST_METHOD",
    # A browser's navigation gets the HTML preview instead of the feed (feeds.preview); these
    # headers tell it from a request with the same Accept that wants the feed.
    "HTTP_SEC_FETCH_DEST",
    "HTTP_SEC_FETCH_MODE",
    "HTTP_UPGRADE_INSECURE_REQUESTS",
)


@dataclass(frozen=True, slots=True)
class MemoEntry:
    """One feed response as the view produced it, ready to send again."""

    opaque: str  # the document's ETag without quotes or encoding suffix
    modified: datetime | None
    body: bytes | None  # None when the view answered 304 and never had the bytes
    headers: list[tuple[str, str]]  # 200 headers, Content-Length included
    not_modified_headers: list[tuple[str, str]]  # the same without the body's headers
    expires: float  # monotonic time
    # The If-None-Match values that name this document exactly as its ETag is sent: one tag,
    # strong or weak, of any encoding. Such a request is fresh without parsing the header.
    current_tags: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tags = [f'"{self.opaque}{suffix}"' for suffix in ("", *ENCODING_SUFFIX.values())]
        object.__setattr__(self, "current_tags", frozenset(tags + [f"W/{t}" for t in tags]))


MemoKey = tuple[str | None, ...]


class ResponseMemo:
    """A small LRU of feed responses, each valid until its `expires` (monotonic seconds)."""

    def __init__(
        self, window_ms: int, max_entries: int = 2048, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window = window_ms / 1000.0
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[MemoKey, MemoEntry] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.window > 0

    @staticmethod
    def key(environ: WSGIEnvironment) -> MemoKey:
        """Everything in a request that can change a feed response's bytes or headers.

        A field the request lacks is None (one C-level pass over `_KEY_FIELDS`: this runs on
        every feed request).
        """
        return tuple(map(environ.get, _KEY_FIELDS))

    def get(self, key: MemoKey) -> MemoEntry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= self.clock():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: MemoKey, entry: MemoEntry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def expiry(self, seconds_until_change: float | None, since: float | None = None) -> float:
        """When an entry must expire (on `clock`): the window, or sooner if the feed will
        change, counted from `since`, the clock's reading when the request read the time its
        answer describes (default: now). An answer stored after a slow render must not be
        replayed past the change it was capped by."""
        lifetime = self.window
        if seconds_until_change is not None:
            lifetime = min(lifetime, max(0.0, seconds_until_change))
        return (self.clock() if since is None else since) + lifetime

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class FastPath:
    """WSGI middleware answering repeated feed requests from the memo; the rest go to Flask."""

    def __init__(
        self,
        app: WSGIApplication,
        memo: ResponseMemo,
        prefix: str = FEEDS_PREFIX,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.app = app
        self.memo = memo
        self.prefix = prefix
        self.clock = clock or _utc_now  # the app's clock: If-Modified-Since ahead of it

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if (
            not self.memo.enabled
            or environ.get("REQUEST_METHOD") not in _REPLAYED_METHODS
            or not environ.get("PATH_INFO", "").startswith(self.prefix)
            # Without Host, whether the request is refused depends on its HTTP version
            # (feeds._host_is_a_host), which the memo key does not hold.
            or "HTTP_HOST" not in environ
        ):
            return self.app(environ, start_response)
        key = self.memo.key(environ)
        entry = self.memo.get(key)
        if entry is None:
            environ[MEMO_KEY] = key  # the feed view stores its answer under this key
            return self.app(environ, start_response)
        outcome = _outcome(environ, entry, self.clock)
        if outcome == NOT_MODIFIED:
            start_response("304 NOT MODIFIED", entry.not_modified_headers)
            return []
        if outcome != SEND or entry.body is None:
            # A 412 is the view's to answer; with only a 304 known, it fetches the bytes; a
            # tag the entry does not hold may be newer than it (ASK_THE_VIEW). The view's
            # answer replaces the entry.
            environ[MEMO_KEY] = key
            return self.app(environ, start_response)
        start_response("200 OK", entry.headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [entry.body]


def _outcome(environ: dict[str, Any], entry: MemoEntry, clock: Callable[[], datetime]) -> int:
    """The feed view's precondition rule (`feeds.etag.precondition_status`) for a replay.

    The usual poll sends back exactly the ETag it was given and no If-Match or
    If-Unmodified-Since: a set lookup. Anything else (lists, `*`, other tags, dates, the
    other preconditions) takes the full rule, reading the clock only for If-Modified-Since.
    Where the rule would send the entry to a request that holds other tags, the answer is
    `ASK_THE_VIEW`: those tags may be newer than the entry.
    """
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if_match = environ.get("HTTP_IF_MATCH")
    if_unmodified_since = environ.get("HTTP_IF_UNMODIFIED_SINCE")
    if (
        if_none_match is not None
        and if_match is None
        and if_unmodified_since is None
        and if_none_match in entry.current_tags
    ):
        return NOT_MODIFIED
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    status = precondition_status(
        if_match,
        if_unmodified_since,
        if_none_match,
        if_modified_since,
        entry.opaque,
        entry.modified,
        clock() if if_modified_since is not None and if_none_match is None else None,
    )
    if status == SEND and if_none_match is not None:
        return ASK_THE_VIEW
    return status


def _utc_now() -> datetime:
    return datetime.now(UTC)
