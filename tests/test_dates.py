"""Date rules: every accepted form, the site zone for naive values, clear refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.dates import format_rfc822, format_rfc3339, parse_datetime
from articles.errors import InvalidArticle

SEOUL = ZoneInfo("Asia/Seoul")
KST = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-30T09:00:00+09:00", datetime(2025, 7, 30, 9, tzinfo=KST)),
        ("2025-07-30T00:00:00Z", datetime(2025, 7, 30, tzinfo=UTC)),
        ("2025-07-30T09:00:00.123456+02:00", datetime(2025, 7, 30, 7, 0, 0, 123456, tzinfo=UTC)),
        ("Wed, 30 Jul 2025 09:00:00 +0900", datetime(2025, 7, 30, 9, tzinfo=KST)),
        ("Wed, 30 Jul 2025 00:00:00 GMT", datetime(2025, 7, 30, tzinfo=UTC)),
        ("30 Jul 2025 00:00:00 -0000", datetime(2025, 7, 30, tzinfo=UTC)),
        ("2025년 7월 30일 오후 3:20", datetime(2025, 7, 30, 15, 20, tzinfo=KST)),
        ("2025년 7월 30일 오전 12:05", datetime(2025, 7, 30, 0, 5, tzinfo=KST)),
        ("2025년 7월 30일 오후 12:00", datetime(2025, 7, 30, 12, 0, tzinfo=KST)),
        ("2025년 7월 30일 (수) 15시 20분", datetime(2025, 7, 30, 15, 20, tzinfo=KST)),
        ("2025/07/30 09:00", datetime(2025, 7, 30, 9, tzinfo=KST)),
    ],
)
def test_accepted_forms_give_the_same_instant(text: str, expected: datetime) -> None:
    assert parse_datetime(text, zone=SEOUL) == expected


def test_offset_given_in_the_text_is_kept() -> None:
    parsed = parse_datetime("2025-07-30T09:00:00+02:00", zone=SEOUL)
    assert parsed.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("text", ["2025-07-30", "2025년 7월 30일", date(2025, 7, 30)])
def test_date_without_time_is_the_start_of_that_day_in_the_site_zone(text: object) -> None:
    parsed = parse_datetime(text, zone=SEOUL)
    assert parsed.isoformat() == "2025-07-30T00:00:00+09:00"


def test_naive_values_are_read_in_the_given_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert parse_datetime("2025-07-30 09:00", zone=berlin).utcoffset() == timedelta(hours=2)
    naive = datetime(2025, 1, 30, 9, 0)
    assert parse_datetime(naive, zone=berlin).utcoffset() == timedelta(hours=1)


def test_aware_datetime_objects_pass_unchanged() -> None:
    value = datetime(2025, 7, 30, 9, tzinfo=UTC)
    assert parse_datetime(value, zone=SEOUL) is value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025/13/45", "cannot read '2025/13/45' as a date"),
        ("July 2025", "cannot read 'July 2025' as a date"),
        ("07/08/2025", "cannot read '07/08/2025' as a date"),  # July 8 or 7 August?
        ("10:30", "cannot read '10:30' as a date"),
        ("2025년 7월 30일 오후 13:00", "cannot read"),
        ("", "empty"),
        (1753833600, "epoch times are not accepted"),
        (None, "got nothing (null)"),
        (True, "expected a date as text, got true"),
        (["2025-07-30"], "got a list"),
        ("0001-01-01T00:00:00+09:00", "outside 1000 to 9998"),
    ],
)
def test_unreadable_values_raise_value_error_naming_the_value(value: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_datetime(value, zone=SEOUL)
    assert message in str(caught.value)


def test_errors_name_record_and_field_when_given() -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse_datetime("2025/13/45", zone=SEOUL, where="seed.json: record 3", field="published")
    assert str(caught.value) == "seed.json: record 3: published: cannot read '2025/13/45' as a date"
    assert caught.value.field == "published"


def test_rfc3339_has_seconds_precision_and_the_offset() -> None:
    value = datetime(2025, 7, 30, 9, 0, 0, 999999, tzinfo=SEOUL)
    assert format_rfc3339(value) == "2025-07-30T09:00:00+09:00"
    assert format_rfc3339(datetime(2025, 7, 30, tzinfo=UTC)) == "2025-07-30T00:00:00Z"


def test_rfc822_has_four_digit_year_and_numeric_offset() -> None:
    value = datetime(2025, 7, 30, tzinfo=SEOUL)
    assert format_rfc822(value) == "Wed, 30 Jul 2025 00:00:00 +0900"
    assert format_rfc822(datetime(2025, 7, 30, tzinfo=UTC)) == "Wed, 30 Jul 2025 00:00:00 +0000"


def test_formatted_dates_read_back_to_the_same_instant() -> None:
    value = datetime(2025, 12, 31, 23, 59, 59, tzinfo=ZoneInfo("America/New_York"))
    assert parse_datetime(format_rfc822(value), zone=SEOUL) == value
    assert parse_datetime(format_rfc3339(value), zone=SEOUL) == value


@pytest.mark.parametrize("formatter", [format_rfc3339, format_rfc822])
def test_formatting_a_naive_datetime_is_refused(formatter: object) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        formatter(datetime(2025, 7, 30))  # type: ignore[operator]


@settings(max_examples=500, deadline=None)
@given(
    st.text(max_size=40)
    | st.from_regex(
        r"\A\d{4}[-/.년 ]\s?\d{1,2}[-/.월 ]\s?\d{1,2}일?( (오전|오후) ?\d{1,2}:\d\d)?\Z"
    )
    | st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0900"))
)
def test_any_text_gives_an_aware_datetime_or_value_error(text: str) -> None:
    try:
        parsed = parse_datetime(text, zone=SEOUL)
    except ValueError as exc:
        assert str(exc)
        return
    assert parsed.tzinfo is not None and parsed.utcoffset() is not None
