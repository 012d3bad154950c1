"""The memo's replay path decides freshness exactly as the feed view does (feeds.etag.is_fresh).

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

from feeds.etag import ENCODING_SUFFIX, is_fresh
from feeds.fastpath import MemoEntry, ResponseMemo, _is_fresh

OPAQUE = "8aa16a836bcf48d34d4bb09e7bb06fbb"
MODIFIED = datetime(2026, 11, 30, 15, 55, 50, tzinfo=UTC)


def entry(opaque: str = OPAQUE, modified: datetime | None = MODIFIED) -> MemoEntry:
    return MemoEntry(
        opaque=opaque,
        modified=modified,
        body=None,
        headers=[],
        not_modified_headers=[("ETag", f'"{opaque}"')],
        expires=0.0,
    )


def environ(if_none_match: str | None, if_modified_since: str | None) -> dict[str, str]:
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": "/feeds/all.atom"}
    if if_none_match is not None:
        env["HTTP_IF_NONE_MATCH"] = if_none_match
    if if_modified_since is not None:
        env["HTTP_IF_MODIFIED_SINCE"] = if_modified_since
    return env


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
_IF_MODIFIED_SINCE = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "Mon, 30 Nov 2026 15:55:50 GMT",
            "Mon, 30 Nov 2026 15:55:49 GMT",
            "Tue, 01 Dec 2026 00:00:00 GMT",
            "not a date",
            "",
        ]
    ),
)


@given(
    if_none_match=_IF_NONE_MATCH,
    if_modified_since=_IF_MODIFIED_SINCE,
    opaque=st.sampled_from([OPAQUE, "0" * 32]),
    modified=st.sampled_from([MODIFIED, None]),
)
def test_replay_freshness_is_the_view_rule(
    if_none_match: str | None,
    if_modified_since: str | None,
    opaque: str,
    modified: datetime | None,
) -> None:
    memo_entry = entry(opaque, modified)
    assert _is_fresh(environ(if_none_match, if_modified_since), memo_entry) == is_fresh(
        if_none_match, if_modified_since, opaque, modified
    )


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
