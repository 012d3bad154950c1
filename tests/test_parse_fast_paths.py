"""The shortcuts taken for common values give exactly what the full checks give."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from articles.text import clean_text, is_blank, record_text
from articles.urls import _HOST, host_problem, is_iri

ZONE = ZoneInfo("Asia/Seoul")
# XML 1.0 section 2.2: forbidden (C0 but tab/LF/CR, surrogates, U+FFFE/U+FFFF) and discouraged
# (DEL and C1 but NEL, U+FDD0..U+FDEF).
XML_ILLEGAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
# Text that mixes what the shortcuts look for: controls, line breaks, odd spaces, surrogates,
# non-characters, combining marks (NFC), Hangul jamo and plain words.
TRICKY = st.lists(
    st.sampled_from(
        list("ab 한국\t\n\r\x00\x0b\x1f\x7f\x85\x9f\xa0\u2028\u3000\ufdd0\ufffe\uffff\ud800")
        + ["e\u0301", "\u1100\u1161", "  ", "\u200b", "\ufeff", "\u200d"]
    ),
    max_size=20,
).map("".join)


def record(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": "a1", "title": "제목", "published": "2025-07-30"}
    data.update(fields)
    return data


def parse(raw: dict[str, Any]) -> Any:
    return article_from_mapping(raw, where="t", zone=ZONE, default_language="ko")


@given(TRICKY | st.text(max_size=40))
@example("a\u0000b\n\tc\ufffe")
@example("printable 한국어 text")
def test_record_text_equals_the_full_regex_and_normalisation(value: str) -> None:
    assert clean_text(value) == XML_ILLEGAL.sub("", value)
    assert record_text(value) == unicodedata.normalize("NFC", XML_ILLEGAL.sub("", value))


@given(TRICKY | st.text(max_size=40))
@example(" leading and trailing ")
@example("two  spaces")
@example("no\u00a0break")
def test_single_line_text_is_collapsed_exactly_as_split_and_join_would(value: str) -> None:
    expected = " ".join(record_text(value).split())
    # A byte order mark, zero-width space or word joiner at either end is trimmed as white space.
    expected = expected.strip("\ufeff\u200b\u2060\u180e ") if not is_blank(expected) else expected
    # Text that shows nothing (zero-width spaces and the like) counts as missing.
    assert parse(record(summary=value)).summary == ("" if is_blank(expected) else expected)


def full_url_check(text: str) -> bool:
    """Whether the complete check (before the shortcut) accepts an absolute URL."""
    try:
        parts = urlsplit(text)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(host)
        and bool(_HOST.fullmatch(host))
        and is_iri(host)
        # No user name or password before the host (RFC 3986 3.2.1: a feed would publish them).
        and parts.username is None
        and parts.password is None
        # A host whose last label is a number is an IPv4 address (WHATWG URL).
        and (":" in str(host) or not _ends_in_a_number(str(host)) or _ipv4(str(host)))
        # DNS's label and length rules, no address in brackets, a port 1 to 65535.
        and host_problem(str(host), bracketed="[" in parts.netloc) is None
        and (port is None or 1 <= port <= 65535)
    )


def _ends_in_a_number(host: str) -> bool:
    return host.rstrip(".").rpartition(".")[2].isdigit()


def _ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host.rstrip("."))
    except ValueError:
        return False
    return True


URL_PARTS = st.tuples(
    st.sampled_from(["http", "https", "HTTP", "Https", "ftp", "javascript", "http:", ""]),
    st.sampled_from(["://", ":/", ":", "//"]),
    st.text(alphabet="abc.-9@:[]%한_", max_size=12),
    st.sampled_from(["", "/", "/path?q=1#f", "?x", "#", ":80/", ":99999/", "/a%20b", "/한국"]),
)


@settings(max_examples=300, deadline=None)
@given(URL_PARTS)
@example(("https", "://", "synthetic.example", "/ko/korea/1"))
@example(("http", "://", "[::1]", "/"))
@example(("http", "://", "user@host", "/"))
@example(("http", "://", ".", ""))
@example(("http", "://", "_::", ""))
@example(("http", "://", "a:1:2", "/"))
def test_url_shortcut_accepts_only_what_the_full_check_accepts(parts: tuple[str, ...]) -> None:
    text = "".join(parts)
    if text.startswith("/") or not text:
        return  # site paths and empty values take other branches
    try:
        parse(record(url=text))
        accepted = True
    except InvalidArticle as exc:
        assert exc.field == "url"
        accepted = False
    assert accepted == full_url_check(text)
