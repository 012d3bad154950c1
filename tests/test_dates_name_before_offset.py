"""A zone name written right before a numeric offset (`10:00 KST+09:00`, `JST+9`, `Z+09:00`).

dateutil reads a name glued to an offset as a POSIX TZ string, whose sign is inverted, so
`2025-07-30 10:00 KST+09:00` was stored at -09:00 (18 hours off) and `EST+3` at -03:00; with a
space between them the two were never compared, and unknown names passed. Both are now read as
written: the name by the table, the offset with ISO 8601's sign; they must agree, as they must
in the other order (`+09:00 KST`).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.dates import AMBIGUOUS_ZONES, ZONE_ABBREVIATIONS, parse_datetime

SEOUL = ZoneInfo("Asia/Seoul")
NAMES = sorted(n for n in ZONE_ABBREVIATIONS if n not in ("UT", "UTC", "GMT"))


def _offset(minutes: int, colon: bool) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{mins:02d}"


def _read(text: str) -> str:
    try:
        return parse_datetime(text, zone=SEOUL).isoformat()
    except ValueError:
        return "refused"


@given(
    name=st.sampled_from(NAMES),
    minutes=st.integers(-14 * 60, 14 * 60).map(lambda m: m - m % 15),
    colon=st.booleans(),
    space=st.sampled_from(["", " "]),
    lower=st.booleans(),
    asctime=st.booleans(),
)
def test_a_name_before_an_offset_reads_as_the_offset_before_the_name(
    name: str, minutes: int, colon: bool, space: str, lower: bool, asctime: bool
) -> None:
    offset = _offset(minutes, colon)
    written = name.lower() if lower and name != "Z" else name
    if asctime:  # `date`'s order, the year last: `Wed Jul 30 10:00:00 KST+09:00 2025`
        before = _read(f"Wed Jul 30 10:00:00 {written}{space}{offset} 2025")
    else:
        before = _read(f"2025-07-30 10:00 {written}{space}{offset}")
    after = _read(f"2025-07-30 10:00 {offset} {name}")
    zone_minutes = int(
        (ZONE_ABBREVIATIONS[name].utcoffset(None) or timedelta()).total_seconds() // 60
    )
    if zone_minutes == minutes:
        assert before == after == f"2025-07-30T10:00:00{_offset(minutes, True)}"
    else:
        assert before == "refused"


@given(
    name=st.sampled_from(sorted(AMBIGUOUS_ZONES)) | st.sampled_from(["XYZ", "ABC", "QQ"]),
    minutes=st.integers(-12 * 60, 12 * 60).map(lambda m: m - m % 30),
)
def test_an_unknown_or_ambiguous_name_before_an_offset_is_refused(name: str, minutes: int) -> None:
    assert _read(f"2025-07-30 10:00 {name}{_offset(minutes, True)}") == "refused"


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("2025-07-30 10:00 KST+09:00", "2025-07-30T10:00:00+09:00"),
        ("2025-07-30 10:00 JST+9", "2025-07-30T10:00:00+09:00"),
        ("Jul 30 2025 10:00 CEST+0200", "2025-07-30T10:00:00+02:00"),
        ("2025-07-30 10:00 KST+0900 (Korean Standard Time)", "2025-07-30T10:00:00+09:00"),
        ("2025-07-30 10:00 PM+09:00", "2025-07-30T22:00:00+09:00"),  # p.m., no zone
        ("2025-07-30 10:00 KST-09:00", "refused"),
        ("2025-07-30T10:00:00Z+09:00", "refused"),
        ("2025-07-30T10:00:00Z-05:00", "refused"),
        ("2025-07-30 10:00 KST +10:00", "refused"),  # spaced: compared too
        ("2025-07-30 10:00 XYZ+3", "refused"),
        ("Tue Jul  1 10:00:00 KST+09:00 2025", "2025-07-01T10:00:00+09:00"),
        ("Tue Jul  1 10:00:00 EST+09:00 2025", "refused"),
        # Two offsets name two instants; the last one used to win in silence.
        ("2025-07-01 10:00 KST +09:00 -05:00", "refused"),
        ("2025-07-01 10:00 +09:00 -05:00", "refused"),
        ("2025-07-01 10:00:00 +0900 +0900", "refused"),
    ],
)
def test_the_reported_examples(text: str, read: str) -> None:
    assert _read(text) == read
