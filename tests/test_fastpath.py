"""The memo's replay path decides preconditions exactly as the feed view does
(feeds.etag.precondition_status: If-Match, If-Unmodified-Since, If-None-Match,
If-Modified-Since in RFC 9110 13.2.2's order, a date ahead of the clock ignored).

The replay answers the usual poll (If-None-Match is exactly the ETag it was given) with a set
lookup instead of parsing the header; every other header takes the full rule. These tests hold
the shortcut to the rule for any header, and the issue's example (an aggregator echoing the
ETag, in each encoding's form) as one case.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from feeds.etag import (
    ENCODING_SUFFIX,
    NOT_MODIFIED,
    PRECONDITION_FAILED,
    SEND,
    precondition_status,
)
from feeds.fastpath import ASK_THE_VIEW, MemoEntry, ResponseMemo, _outcome

OPAQUE = "8aa16a836bcf48d34d4bb09e7bb06fbb"
MODIFIED = datetime(2026, 11, 30, 15, 55, 50, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 18, 0, 0, 500000, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def entry(opaque: str = OPAQUE, modified: datetime | None = MODIFIED) -> MemoEntry:
    return MemoEntry(
        opaque=opaque,
        modified=modified,
        body=None,
        headers=[],
        not_modified_headers=[("ETag", f'"{opaque}"')],
        expires=0.0,
    )


def environ(
    if_none_match: str | None,
    if_modified_since: str | None,
    if_match: str | None = None,
    if_unmodified_since: str | None = None,
) -> dict[str, str]:
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": "/feeds/all.atom"}
    for name, value in (
        ("HTTP_IF_NONE_MATCH", if_none_match),
        ("HTTP_IF_MODIFIED_SINCE", if_modified_since),
        ("HTTP_IF_MATCH", if_match),
        ("HTTP_IF_UNMODIFIED_SINCE", if_unmodified_since),
    ):
        if value is not None:
            env[name] = value
    return env


def _is_fresh(env: dict[str, str], memo_entry: MemoEntry) -> bool:
    return _outcome(env, memo_entry, clock) == NOT_MODIFIED


def test_each_form_of_the_sent_etag_is_fresh_without_parsing() -> None:
    memo_entry = entry()
    for suffix in ("", *ENCODING_SUFFIX.values()):
        for tag in (f'"{OPAQUE}{suffix}"', f'W/"{OPAQUE}{suffix}"'):
            assert tag in memo_entry.current_tags
            assert _is_fresh(environ(tag, None), memo_entry)
    assert not _is_fresh(environ('"someone-else"', None), memo_entry)
    assert not _is_fresh(environ(f'"{OPAQUE}-zz"', None), memo_entry)


# Headers built from the pieces that matter to the rule: the document's own tags, other tags,
# weak prefixes, lists, `*`, stray quotes and whitespace, and free text.
_TAG_PIECES = st.sampled_from(
    [
        f'"{OPAQUE}"',
        f'"{OPAQUE}-gz"',
        f'"{OPAQUE}-br"',
        f'W/"{OPAQUE}"',
        f'"{OPAQUE[:-1]}"',
        '"other"',
        "*",
        OPAQUE,
        '"',
        "W/",
        ", ",
        ",",
        " ",
        "",
    ]
)
_IF_NONE_MATCH = st.one_of(
    st.none(),
    st.lists(_TAG_PIECES, max_size=4).map("".join),
    st.text(alphabet=string.printable, max_size=40),
)
_DATES = st.sampled_from(
    [
        "Mon, 30 Nov 2026 15:55:50 GMT",  # MODIFIED
        "Mon, 30 Nov 2026 15:55:49 GMT",  # before it
        "Mon, 30 Nov 2026 18:00:00 GMT",  # NOW's second
        "Mon, 30 Nov 2026 18:00:01 GMT",  # after the server's clock: invalid (RFC 9110 13.1.3)
        "Tue, 01 Dec 2026 00:00:00 GMT",
        "Fri, 01 Jan 2100 00:00:00 GMT",
        "not a date",
        "",
    ]
)
_IF_MODIFIED_SINCE = st.one_of(st.none(), _DATES)


@given(
    if_none_match=_IF_NONE_MATCH,
    if_modified_since=_IF_MODIFIED_SINCE,
    if_match=_IF_NONE_MATCH,  # the same pieces: the document's tags, weak ones, `*`, noise
    if_unmodified_since=_IF_MODIFIED_SINCE,
    opaque=st.sampled_from([OPAQUE, "0" * 32]),
    modified=st.sampled_from([MODIFIED, None]),
)
def test_replay_preconditions_are_the_view_rule(
    if_none_match: str | None,
    if_modified_since: str | None,
    if_match: str | None,
    if_unmodified_since: str | None,
    opaque: str,
    modified: datetime | None,
) -> None:
    memo_entry = entry(opaque, modified)
    env = environ(if_none_match, if_modified_since, if_match, if_unmodified_since)
    rule = precondition_status(
        if_match, if_unmodified_since, if_none_match, if_modified_since, opaque, modified, NOW
    )
    outcome = _outcome(env, memo_entry, clock)
    if rule == SEND and if_none_match is not None:
        # The reader holds a representation the entry is not: possibly a newer one another
        # process served after a write. Only the view, which reads the database, may answer.
        assert outcome == ASK_THE_VIEW
    else:
        assert outcome == rule


def test_preconditions_examples() -> None:
    """The tester's cases: If-Match of another tag and a past If-Unmodified-Since fail (412)
    on a GET; an If-Modified-Since ahead of the server's clock is compared as any date (304)."""
    tag = f'"{OPAQUE}"'

    def status(**headers: str) -> int:
        return precondition_status(
            headers.get("if_match"),
            headers.get("if_unmodified_since"),
            headers.get("if_none_match"),
            headers.get("if_modified_since"),
            OPAQUE,
            MODIFIED,
            NOW,
        )

    assert status(if_match='"nope"') == PRECONDITION_FAILED
    assert status(if_match=f"W/{tag}") == PRECONDITION_FAILED  # strong comparison
    assert status(if_match=tag) == SEND
    assert status(if_match="*") == SEND
    assert status(if_match=f'"{OPAQUE}-gz"') == SEND  # any coding of the same document
    assert status(if_unmodified_since="Mon, 01 Jan 2001 00:00:00 GMT") == PRECONDITION_FAILED
    assert status(if_unmodified_since="Mon, 30 Nov 2026 15:55:50 GMT") == SEND
    assert status(if_unmodified_since="garbage") == SEND  # an invalid date is ignored
    # If-Match decides before If-Unmodified-Since (13.2.2), and both before If-None-Match.
    assert status(if_match=tag, if_unmodified_since="Mon, 01 Jan 2001 00:00:00 GMT") == SEND
    assert status(if_match='"nope"', if_none_match=tag) == PRECONDITION_FAILED
    # later than the clock: compared as any other date (RFC 9110 13.1.3), as nginx does
    assert status(if_modified_since="Fri, 01 Jan 2100 00:00:00 GMT") == NOT_MODIFIED
    assert status(if_modified_since="Mon, 30 Nov 2026 18:00:00 GMT") == NOT_MODIFIED
    assert status(if_modified_since="Mon, 30 Nov 2026 18:00:01 GMT") == NOT_MODIFIED


def test_the_key_tells_apart_every_field_that_changes_the_answer() -> None:
    base = {
        "PATH_INFO": "/feeds/all.atom",
        "QUERY_STRING": "",
        "HTTP_HOST": "news.example.com",
        "wsgi.url_scheme": "https",
        "REQUEST_METHOD": "GET",
        "HTTP_USER_AGENT": "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers)",
    }
    key = ResponseMemo.key(base)  # type: ignore[arg-type]
    variants = {
        "PATH_INFO": "/feeds/all.rss",
        "QUERY_STRING": "page=2",
        "HTTP_HOST": "other.example.com",
        "wsgi.url_scheme": "http",
        "SCRIPT_NAME": "/news",
        "HTTP_ACCEPT": "application/rss+xml",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "REQUEST_METHOD": "HEAD",
        "HTTP_SEC_FETCH_DEST": "document",
        "HTTP_SEC_FETCH_MODE": "navigate",
        "HTTP_UPGRADE_INSECURE_REQUESTS": "1",
    }
    for name, value in variants.items():
        assert ResponseMemo.key({**base, name: value}) != key, name  # type: ignore[arg-type]
    # Headers that cannot change the answer share the entry (counting and logging see them).
    assert ResponseMemo.key({**base, "HTTP_USER_AGENT": "curl/8"}) == key  # type: ignore[arg-type]
    assert ResponseMemo.key({**base, "REMOTE_ADDR": "192.0.2.1"}) == key  # type: ignore[arg-type]
