"""What the feed view keeps in the response memo (`feeds.fastpath`): an answer, for identical
requests in the next moment, and how long it may be replayed."""

from __future__ import annotations

from datetime import datetime

from feeds.documents import Document
from feeds.fastpath import MemoEntry, MemoKey, ResponseMemo


def remember(
    memo: ResponseMemo,
    key: MemoKey,
    opaque: str,
    modified: datetime | None,
    body: bytes | None,
    not_modified_headers: dict[str, str],
    doc: Document,
    now: datetime,
    read_at: float,
    headers: dict[str, str] | None = None,
) -> None:
    """Keep this answer for identical requests in the next moment (see feeds.fastpath);
    `read_at` is the memo clock's reading when the request read `now`.

    An answer without Last-Modified (the latest change is in `now`'s second, or ahead of the
    clock: `feeds.etag.settled_last_modified`) is kept only until that second ends. Past it,
    another worker may already send the date; a replay without one would then contradict it
    (a dated 200, then an undated 304 for the same document).
    """
    full = [] if headers is None or body is None else list(headers.items())
    if full:
        full.append(("Content-Length", str(len(body or b""))))
    memo.put(
        key,
        MemoEntry(
            opaque=opaque,
            modified=modified,
            body=body,
            headers=full,
            not_modified_headers=list(not_modified_headers.items()),
            expires=memo.expiry(memo_lifetime(doc.until_change, modified, now), since=read_at),
        ),
    )


def memo_lifetime(
    until_change: float | None, modified: datetime | None, now: datetime
) -> float | None:
    """Seconds an answer may be replayed besides the memo's window (None: no limit of its
    own): until the document changes by the clock, and for an undated answer (`modified`
    None) until the end of `now`'s whole second, when a date may become promised."""
    if modified is not None:
        return until_change
    rest = 1.0 - now.microsecond / 1_000_000
    return rest if until_change is None else min(until_change, rest)
