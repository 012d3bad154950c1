"""The importer's shortcuts for common input, each held to the full path it stands for.

Each shortcut skips work that cannot change the result for the input it takes; these
properties check that for any input, the shortcut taken or not: the same value, or the same
error message.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles import dates

SEOUL = ZoneInfo("Asia/Seoul")


def _outcome(read: object, *args: object) -> tuple[object, ...]:
    """A result as compared here: the value with its type and offset, or the error's text."""
    try:
        value = read(*args)  # type: ignore[operator]
    except ValueError as exc:
        return ("error", type(exc).__name__, str(exc))
    if isinstance(value, datetime):
        return ("value", value, value.utcoffset(), value.tzinfo)
    return ("value", type(value).__name__, value)


# --------------------------------------------------------------------------- dates


def _padded(number: int, width: int) -> str:
    return str(number).zfill(width)


# Near RFC 3339: every part drawn across and beyond its range (month 13, second 60, a
# 24-hour offset, year 0 and 9999), with the separators and zone markers others write.
_rfc3339_like = st.builds(
    lambda y, mo, d, sep, h, mi, s, frac, zone: (
        f"{_padded(y, 4)}-{_padded(mo, 2)}-{_padded(d, 2)}{sep}{_padded(h, 2)}:"
        f"{_padded(mi, 2)}:{_padded(s, 2)}{frac}{zone}"
    ),
    st.integers(0, 10_000),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from(["T", "t", " ", "_"]),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.one_of(st.just(""), st.from_regex(r"[.,][0-9]{1,9}", fullmatch=True)),
    st.one_of(
        st.sampled_from(["Z", "z", "", " Z", "+00:00", "-00:00", "+0900", " KST", "[Asia/Seoul]"]),
        st.builds(
            lambda sign, h, m: f"{sign}{_padded(h, 2)}:{_padded(m, 2)}",
            st.sampled_from("+-"),
            st.integers(0, 25),
            st.integers(0, 60),
        ),
    ),
)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        _rfc3339_like,
        _rfc3339_like.map(lambda text: f" {text}"),
        _rfc3339_like.map(lambda text: text.replace("0", "\uff10")),  # fullwidth digits
        st.text(max_size=40),
    ),
    st.sampled_from([SEOUL, ZoneInfo("America/St_Johns"), ZoneInfo("UTC")]),
)
@example("2025-07-30T09:00:00+09:00", SEOUL)
@example("2025-07-30T23:59:60Z", SEOUL)
@example("0999-12-31T23:00:00-14:00", SEOUL)
@example("1900-01-01T00:00:00+08:27", SEOUL)
@example("2025-02-29T00:00:00Z", SEOUL)
def test_rfc3339_shortcut_reads_as_the_full_reading(text: str, zone: ZoneInfo) -> None:
    assert _outcome(dates._parse, text, zone) == _outcome(dates._read_text, text, zone)
