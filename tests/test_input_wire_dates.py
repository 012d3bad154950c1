"""Dates as wire desks write them that were read as another day or refused although they name
one instant: ISO week dates past a year's last week, comments after an offset, a year cut to
two digits behind an apostrophe."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from articles.dates import parse_datetime
from articles.dates.zones import LOCAL_TIME_WORDS

SEOUL = ZoneInfo("Asia/Seoul")


@given(
    year=st.integers(1001, 9997),
    week=st.integers(1, 53),
    day=st.integers(1, 7),
    compact=st.booleans(),
)
@example(year=2025, week=53, day=1, compact=False)  # 2025 has 52 weeks: was 2025-12-29
@example(year=2026, week=53, day=1, compact=False)  # 2026 has 53
@example(year=2020, week=53, day=7, compact=True)
def test_an_iso_week_date_is_its_day_or_refused_when_the_year_has_no_such_week(
    year: int, week: int, day: int, compact: bool
) -> None:
    text = f"{year}W{week:02d}{day}" if compact else f"{year}-W{week:02d}-{day}"
    try:
        expected = date.fromisocalendar(year, week, day)
    except ValueError:
        with pytest.raises(ValueError, match=f"{year} has 52 ISO weeks, not 53"):
            parse_datetime(text, zone=ZoneInfo("UTC"))
        return
    midnight = datetime.combine(expected, datetime.min.time(), UTC)
    assert parse_datetime(text, zone=ZoneInfo("UTC")) == midnight


OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).filter(lambda m: abs(m) <= 14 * 60)


def _numeric(minutes: int, colon: bool) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{rest:02d}"


@given(
    minutes=OFFSETS,
    other=OFFSETS,
    name=st.sampled_from(["GMT", "UTC", "UT"]),
    colon=st.booleans(),
)
@example(minutes=540, other=540, name="GMT", colon=True)  # `+0900 (GMT+09:00)`: was refused
@example(minutes=540, other=480, name="GMT", colon=True)
def test_an_offset_in_a_comment_after_the_offset_is_a_comment_that_must_agree(
    minutes: int, other: int, name: str, colon: bool
) -> None:
    """RFC 5322: a parenthesised comment after the offset is a comment. One that writes the
    same offset (`Wed, 30 Jul 2025 09:00:00 +0900 (GMT+09:00)`) was refused as two offsets."""
    text = f"Wed, 30 Jul 2025 09:00:00 {_numeric(minutes, False)} ({name}{_numeric(other, colon)})"
    if minutes == other:
        expected = datetime(2025, 7, 30, 9, tzinfo=timezone(timedelta(minutes=minutes)))
        assert parse_datetime(text, zone=SEOUL) == expected
    else:
        with pytest.raises(ValueError, match="which disagree"):
            parse_datetime(text, zone=SEOUL)


@pytest.mark.parametrize("text", ["'25.07.30", "'25/7/30", "'25-07-30", "'30.07.25"])
def test_a_two_digit_year_behind_an_apostrophe_is_refused_as_any_two_digit_year(
    text: str,
) -> None:
    """`'25.07.30` was read as 25 July 2030: the apostrophe hid the two-digit year from the
    rule that refuses a numeric date whose year may come first or last."""
    with pytest.raises(ValueError, match="write the year in full"):
        parse_datetime(text, zone=SEOUL)


@given(
    words=st.sampled_from(sorted(LOCAL_TIME_WORDS)),
    date_text=st.sampled_from(
        [
            "2025년 7월 30일 오후 3:20",
            "2025년7월30일 15시20분",
            "2025年7月30日 15時20分",
            "2025年7月30日 下午3点20分",
            "2025-07-30 15:20",
            "2025. 7. 30. 15:20",
            "2025년 7월 30일",
        ]
    ),  # fmt: skip
    parenthesised=st.sampled_from(["", "()", "（）"]),
    space=st.sampled_from(["", " "]),
)
@example(words="한국시간", date_text="2025년 7월 30일 오후 3:20", parenthesised="()", space=" ")
@example(words="北京时间", date_text="2025年7月30日 下午3点20分", parenthesised="", space=" ")
def test_a_zone_named_in_words_after_an_east_asian_date_is_that_zone(
    words: str, date_text: str, parenthesised: str, space: str
) -> None:
    """`2025년 7월 30일 오후 3:20 (한국시간)`, `15時20分 日本時間`, `下午3点20分 北京时间`: refused
    as unreadable before; now the zone the words name, as its IANA name after the time is."""
    named = f"{parenthesised[:1]}{words}{parenthesised[1:]}"
    text = f"{date_text}{space}{named}"
    iana = ZoneInfo(LOCAL_TIME_WORDS[words])
    assert parse_datetime(text, zone=SEOUL) == parse_datetime(date_text, zone=iana)
    assert (
        parse_datetime(text, zone=SEOUL).utcoffset()
        == parse_datetime(date_text, zone=iana).utcoffset()
    )


@pytest.mark.parametrize(
    "text",
    ["2025-07-30T15:20:00+08:00 한국시간", "2025년 7월 30일 15:20 +0800 한국 시간",
     "2025-07-30 15:20 +0900 北京时间"],
)  # fmt: skip
def test_a_zone_in_words_that_disagrees_with_the_offset_is_refused(text: str) -> None:
    """In parentheses after the offset the words are a comment (RFC 5322), as any name is."""
    with pytest.raises(ValueError, match="names its zone in words"):
        parse_datetime(text, zone=SEOUL)
