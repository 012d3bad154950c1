"""Date rules: every accepted form, the site zone for naive values, zone names, whole-minute
offsets through to the feeds, clear refusals."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

import feedparser
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.dates import AMBIGUOUS_ZONES, ZONE_ABBREVIATIONS, parse_datetime, whole_minute_offset
from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from articles.model import article_from_dict, article_to_dict
from feeds.writers import render
from tests.fixtures.feeds import make_feed

SEOUL = ZoneInfo("Asia/Seoul")
KST = timezone(timedelta(hours=9))
# The IANA database's names without a '/' that are no abbreviation of the table (`Japan`).
_LEGACY_NAMES = sorted(
    name
    for name in available_timezones()
    if "/" not in name
    and name.upper() not in ZONE_ABBREVIATIONS
    and name not in ("localtime", "Factory")
)


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


# --------------------------------------------------------------------------- whole-minute offsets

ZONES = sorted(available_timezones())


@pytest.mark.parametrize(
    "value",
    [
        "1905-11-18T10:00:00",  # the example: Asia/Seoul was +08:27:52 until 1908
        "1905-11-18 10:00",
        "1905년 11월 18일 오전 10:00",
        datetime(1905, 11, 18, 10, 0),
        "1905-11-18T10:00:00+08:27:52",  # an offset with seconds given in the text
    ],
)
def test_an_offset_with_seconds_becomes_the_same_instant_in_utc(value: object) -> None:
    parsed = parse_datetime(value, zone=SEOUL)
    assert parsed == datetime(1905, 11, 18, 1, 32, 8, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.isoformat() == "1905-11-18T01:32:08+00:00"


def test_a_whole_minute_offset_is_kept_as_given() -> None:
    # Seoul kept +08:30 from 1908 to 1912, and since 1961 (standard time) +09:00.
    assert parse_datetime("1910-01-01T10:00:00", zone=SEOUL).isoformat() == (
        "1910-01-01T10:00:00+08:30"
    )


@settings(max_examples=400, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    naive=st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2100, 12, 31)),
    as_text=st.booleans(),
)
def test_every_zone_and_year_gives_a_whole_minute_offset_at_the_same_instant(
    zone_name: str, naive: datetime, as_text: bool
) -> None:
    zone = ZoneInfo(zone_name)
    parsed = parse_datetime(naive.isoformat() if as_text else naive, zone=zone)
    offset = parsed.utcoffset()
    assert offset is not None and offset % timedelta(minutes=1) == timedelta(0)
    # The instant the zone gives that wall time. Compared as timestamps: `==` between zones is
    # always False for a wall time in a gap or fold (PEP 495).
    # Text cannot say which of a fold's two times it means: it is the first (fold=0, as
    # RFC 9557's "compatible" disambiguation), found by this test with fold=1 in Indian/Chagos.
    expected = naive.replace(fold=0) if as_text else naive
    assert parsed.timestamp() == expected.replace(tzinfo=zone).timestamp()


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1800, 1, 1),
        max_value=datetime(2100, 12, 31),
        timezones=st.sampled_from(ZONES).map(ZoneInfo),
    )
)
def test_whole_minute_offset_keeps_the_instant(value: datetime) -> None:
    result = whole_minute_offset(value)
    assert result.timestamp() == value.timestamp()  # the same instant (PEP 495: not `==`)
    assert result.utcoffset() is not None and result.utcoffset() % timedelta(
        minutes=1
    ) == timedelta(0)


# --------------------------------------------------------------------------- zone names

CEST = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wed, 30 Jul 2025 09:00:00 CEST", datetime(2025, 7, 30, 9, tzinfo=CEST)),  # the issue's
        ("Wed, 30 Jul 2025 09:00:00 BST", datetime(2025, 7, 30, 8, tzinfo=UTC)),
        ("Thu, 30 Jan 2025 09:00:00 CET", datetime(2025, 1, 30, 8, tzinfo=UTC)),
        ("2025-07-30 09:00 KST", datetime(2025, 7, 30, 9, tzinfo=KST)),
        ("2025-07-30 09:00 JST", datetime(2025, 7, 30, 0, tzinfo=UTC)),
        ("2025-07-30T09:00:00 AEST", datetime(2025, 7, 29, 23, tzinfo=UTC)),
        ("30 Jul 2025 09:00 ACST", datetime(2025, 7, 29, 23, 30, tzinfo=UTC)),
        ("Wed, 30 Jul 2025 09:00:00 CST", datetime(2025, 7, 30, 15, tzinfo=UTC)),  # RFC 822: US
        ("Wed, 30 Jul 2025 09:00:00 EDT", datetime(2025, 7, 30, 13, tzinfo=UTC)),
        ("Wed, 30 Jul 2025 09:00:00 UT", datetime(2025, 7, 30, 9, tzinfo=UTC)),
        ("2025-07-30 09:00 utc", datetime(2025, 7, 30, 9, tzinfo=UTC)),
        ("2025-07-30 KST", datetime(2025, 7, 30, tzinfo=KST)),
        ("Wed, 30 Jul 2025 09:00:00 +0200 (CEST)", datetime(2025, 7, 30, 9, tzinfo=CEST)),
        ("Wed, 30 Jul 2025 09:00:00 +0200 (IST)", datetime(2025, 7, 30, 9, tzinfo=CEST)),
        ("2025-07-30T09:00:00+02:00 CEST", datetime(2025, 7, 30, 9, tzinfo=CEST)),
        ("July 30, 2025 9:00 PM", datetime(2025, 7, 30, 21, tzinfo=KST)),  # PM is not a zone
        ("2025-07-30 Wed", datetime(2025, 7, 30, tzinfo=KST)),  # nor is a weekday
        ("Wed Jul 30 09:00:00 CEST 2025", datetime(2025, 7, 30, 9, tzinfo=CEST)),  # date(1)
    ],
)
def test_zone_names_are_read_at_their_own_offset(text: str, expected: datetime) -> None:
    assert parse_datetime(text, zone=SEOUL) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Wed, 30 Jul 2025 09:00:00 IST", "IST names several zones (India +05:30"),
        ("2025-07-30 09:00 AST", "AST names several zones"),
        ("2025-07-30 09:00 XYZ", "XYZ is not a time zone this importer knows"),
        ("2025-07-30 09:00 B", "B is not a time zone"),  # RFC 822's military zones: unreliable
        ("Wed Jul 30 09:00:00 IST 2025", "IST names several zones"),
        ("Wed Jul 30 09:00:00 XYZ 2025", "XYZ is not a time zone"),
        ("2025-07-30T09:00:00+09:00 CEST", "gives both the offset +0900 and the zone CEST"),
    ],
)
def test_ambiguous_unknown_or_contradicting_zone_names_are_refused_naming_the_field(
    text: str, reason: str
) -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse_datetime(text, zone=SEOUL, where="wire.json", field="published")
    assert caught.value.field == "published"
    assert reason in caught.value.reason


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@given(
    words=st.lists(_WORDS, min_size=1, max_size=3),
    last=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=5),
)
@example(words=["not", "a"], last="date")
@example(words=["tomorrow"], last="noon")
@example(words=["hello"], last="KST")
def test_words_that_hold_no_date_are_refused_as_no_date_not_for_their_last_word(
    words: list[str], last: str
) -> None:
    """Text without a date is refused as that, whatever its last word: `not a date` is not a
    date in the unknown zone `DATE`."""
    text = " ".join([*words, last])
    with pytest.raises(InvalidArticle) as caught:
        parse_datetime(text, zone=SEOUL, where="wire.json", field="published")
    assert caught.value.reason.startswith(f"cannot read {text!r} as a date"), caught.value.reason


_FORMATS = [
    "%a, %d %b %Y %H:%M:%S {zone}",
    "%d %b %Y %H:%M {zone}",
    "%Y-%m-%d %H:%M:%S {zone}",
    "%Y-%m-%dT%H:%M:%S{zone}",
    "%Y-%m-%d %H:%M ({zone})",
    "%B %d, %Y %H:%M {zone}",
]
_NOT_ZONES = {"AM", "PM", "A", "P", "ST", "ND", "RD", "TH", "MON", "TUE", "TUES", "WED", "THU",
              "THUR", "THURS", "FRI", "SAT", "SUN", "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
              "JUNE", "JUL", "JULY", "AUG", "SEP", "SEPT", "OCT", "NOV", "DEC"}  # fmt: skip


# Found by this test: `09:00:00AZ` ends in `Z` and was read as ISO 8601's UTC.
@example(local=datetime(2025, 7, 30, 9), zone_name="AZ", form=_FORMATS[3], site="Asia/Seoul")
@example(local=datetime(2025, 7, 30, 9), zone_name="qz", form=_FORMATS[3], site="UTC")
@settings(max_examples=500, deadline=None)
@given(
    local=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
    zone_name=st.sampled_from(sorted({*ZONE_ABBREVIATIONS, *AMBIGUOUS_ZONES}))
    | st.from_regex(r"\A[A-Za-z]{1,5}\Z").filter(lambda z: z.upper() not in _NOT_ZONES),
    form=st.sampled_from(_FORMATS),
    site=st.sampled_from(["Asia/Seoul", "Europe/Berlin", "America/Chicago", "UTC"]),
)
def test_a_trailing_zone_name_gives_its_instant_or_a_refusal_never_the_site_zone(
    local: datetime, zone_name: str, form: str, site: str
) -> None:
    text = local.strftime(form).replace("{zone}", zone_name)
    upper = zone_name.upper()
    # CET, EET, WET, MET on a date their IANA zones keep summer time read two ways (below).
    summer = upper in ("CET", "EET", "WET", "MET") and (
        local.replace(tzinfo=ZONE_ABBREVIATIONS[upper]).astimezone(ZoneInfo(upper)).utcoffset()
        != ZONE_ABBREVIATIONS[upper].utcoffset(None)
    )
    legacy = {name.casefold(): name for name in _LEGACY_NAMES}.get(zone_name.casefold())
    try:
        parsed = parse_datetime(text, zone=ZoneInfo(site), where="wire.json", field="published")
    except InvalidArticle as exc:
        assert exc.field == "published"
        assert upper in exc.reason or "cannot read" in exc.reason
        assert upper not in ZONE_ABBREVIATIONS or "cannot read" in exc.reason or summer
        return
    assert not summer, f"{text!r} read at one of two offsets"
    if legacy is not None:  # an IANA name without a '/' (`NZ`, `ROK`, `Cuba`)
        assert parsed.timestamp() == local.replace(tzinfo=ZoneInfo(legacy)).timestamp()
        return
    assert upper in ZONE_ABBREVIATIONS, f"{text!r} read with an unknown zone"
    assert parsed == local.replace(tzinfo=ZONE_ABBREVIATIONS[upper])


# --------------------------------------------------------------------------- through to the feeds


def test_a_stored_offset_with_seconds_is_read_back_at_a_whole_minute_offset() -> None:
    # Rows written before the rule keep `+08:27:52` in their JSON document.
    article = article_from_mapping(
        {"id": "a1", "title": "T", "published": "2025-07-30"},
        where="t",
        zone=SEOUL,
        default_language="ko",
    )
    lmt = "1905-11-18T10:00:00+08:27:52"
    stored = article_from_dict(article_to_dict(article) | {"published": lmt, "updated": lmt})
    assert stored.published.isoformat() == "1905-11-18T01:32:08+00:00"
    assert stored.updated == stored.published


_RFC3339 = re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)\Z")
LMT_INSTANT = datetime(1905, 11, 18, 1, 32, 8, tzinfo=UTC)


def _lmt_document(fmt: str) -> str:
    article = article_from_mapping(
        {"id": "lmt", "title": "1905", "published": "1905-11-18T10:00:00"},
        where="t",
        zone=SEOUL,
        default_language="ko",
    ).with_guid("tag:feeds.example.org,2025:article/lmt")
    document = render(make_feed([article]), fmt).decode("utf-8")
    assert "08:27:52" not in document and "082752" not in document
    return document


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_a_local_mean_time_date_reaches_the_xml_feeds_valid_and_at_the_same_instant(
    fmt: str,
) -> None:
    parsed = feedparser.parse(_lmt_document(fmt))
    assert not parsed.bozo, parsed.get("bozo_exception")
    (entry,) = parsed.entries
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == LMT_INSTANT


def test_a_local_mean_time_date_reaches_json_feed_as_rfc_3339_at_the_same_instant() -> None:
    (item,) = json.loads(_lmt_document("json"))["items"]
    for key in ("date_published", "date_modified"):
        assert _RFC3339.match(item[key]), item[key]
        assert datetime.fromisoformat(item[key]) == LMT_INSTANT


# --------------------------------------------------------------------------- the year range


@example(naive=datetime(1000, 1, 1), zone_name="Asia/Seoul")  # 0999-12-31T15:32:08Z before
@example(naive=datetime(9998, 12, 31, 23), zone_name="America/Metlakatla")  # LMT, -15:13:42
@settings(max_examples=300, deadline=None)
@given(
    naive=st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(1000, 1, 2))
    | st.datetimes(min_value=datetime(9998, 12, 30), max_value=datetime(9998, 12, 31, 23, 59)),
    zone_name=st.sampled_from(ZONES),
)
def test_a_date_is_kept_only_when_the_date_feeds_write_is_within_years_1000_to_9998(
    naive: datetime, zone_name: str
) -> None:
    """Years 1000 to 9998 bound the date as it is kept and written, in the zone given or, for
    an offset that is not a whole number of minutes, in UTC: never a year 999 in a feed."""
    try:
        parsed = parse_datetime(naive.isoformat(), zone=ZoneInfo(zone_name))
    except ValueError as exc:
        assert "outside 1000 to 9998" in str(exc)
        assert not 1000 <= naive.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC).year <= 9998
        return
    assert 1000 <= parsed.year <= 9998
    assert parsed.timestamp() == naive.replace(tzinfo=ZoneInfo(zone_name)).timestamp()


# --------------------------------------------------------------------------- times of day in words


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("2025년 7월 30일 오후 3시 20분", 15, 20),
        ("2025년 7월 30일 오전 3시 20분", 3, 20),
        ("2025년 7월 30일 밤 9시", 21, 0),
        ("2025년 7월 30일 새벽 3시", 3, 0),
        ("2025년 7월 30일 저녁 7시 30분", 19, 30),
        ("2025년 7월 30일 낮 12시", 12, 0),
        ("2025년 7월 30일 낮 2시", 14, 0),
        ("2025년 7월 30일 아침 8시", 8, 0),
        ("2025年7月30日 午後3時", 15, 0),
        ("2025年7月30日 夜9時", 21, 0),
        ("2025年7月30日 下午3点", 15, 0),
        ("2025年7月30日 晚上8点", 20, 0),
        ("2025年7月30日 凌晨3点", 3, 0),
        ("2025年7月30日 中午12点", 12, 0),
        ("2025年7月30日 早上8點", 8, 0),
        ("2025년 7월 30일 PM 3:20", 15, 20),
        ("2025년 7월 30일 3:20 PM", 15, 20),
        ("2025년 7월 30일 3:20 p.m.", 15, 20),
        ("2025.07.30 PM 03:20", 15, 20),
        ("2025-07-30 AM 12:05", 0, 5),
    ],
)
def test_a_time_of_day_in_words_picks_the_half_of_the_day(
    text: str, hour: int, minute: int
) -> None:
    assert parse_datetime(text, zone=SEOUL) == datetime(2025, 7, 30, hour, minute, tzinfo=KST)


@pytest.mark.parametrize(
    "text",
    [
        "2025년 7월 30일 밤 12시",  # midnight, but ending which day?
        "2025년 7월 30일 밤 1시",  # the night of the 30th is the 31st by then
        "2025년 7월 30일 아침 9시 PM",
        "2025년 7월 30일 오후 15시",
        "2025年7月30日 深夜1時",
        "2025年7月30日 半夜2点",
        "2025년 7월 30일 오후 3:20 PM",
    ],
)
def test_a_time_of_day_in_words_that_does_not_fit_its_hour_is_refused(text: str) -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse_datetime(text, zone=SEOUL, where="r", field="published")
    assert caught.value.field == "published" and "cannot read" in caught.value.reason


# Each word with the hours it covers, on a 24-hour clock (from, before): the rule as the docs
# state it, written out here on its own.
_PERIOD_HOURS = {
    **dict.fromkeys(["오전", "午前", "上午", "AM", "am", "a.m."], (0, 12)),
    **dict.fromkeys(["오후", "午後", "下午", "PM", "pm", "p.m."], (12, 24)),
    **dict.fromkeys(["새벽", "凌晨", "未明"], (0, 7)),
    **dict.fromkeys(["아침", "早上", "早晨", "清晨", "朝"], (5, 12)),
    **dict.fromkeys(["낮", "昼"], (11, 18)),
    "中午": (11, 14),
    **dict.fromkeys(["저녁", "傍晚", "夕方"], (16, 24)),
    **dict.fromkeys(["밤", "晚上", "夜"], (18, 24)),
}
_UNKNOWN_PERIODS = ["深夜", "半夜", "午夜", "한밤", "현지", "오훗"]
_DATE_FORMS = [
    "2025년 7월 30일 ",
    "2025年7月30日",
    "2025年7月30日 ",
    "2025. 7. 30. ",
    "2025-07-30 ",
]


@settings(max_examples=400, deadline=None)
@given(
    date_form=st.sampled_from(_DATE_FORMS),
    word=st.sampled_from(sorted(_PERIOD_HOURS) + _UNKNOWN_PERIODS),
    hour=st.integers(0, 24),
    minute=st.integers(0, 59),
    clock=st.sampled_from(["{h}시 {m}분", "{h}時{m}分", "{h}点{m}分", "{h}:{m:02d}"]),
)
def test_a_time_of_day_in_words_gives_the_hour_it_covers_or_a_refusal(
    date_form: str, word: str, hour: int, minute: int, clock: str
) -> None:
    """Never a time read in the wrong half of the day (`오후 3시` as 03:00): a word picks the
    one of an hour's two times (3 is 03:00 and 15:00) it covers, or the date is refused."""
    text = date_form + word + " " + clock.format(h=hour, m=minute)
    covered = _PERIOD_HOURS.get(word)
    fits = (
        [h for h in (hour % 12, hour % 12 + 12) if covered[0] <= h < covered[1]]
        if covered and hour <= 12
        else []
    )
    try:
        parsed = parse_datetime(text, zone=SEOUL)
    except ValueError as exc:
        assert len(fits) != 1, f"{text!r} was refused: {exc}"
        return
    assert len(fits) == 1, f"{text!r} was read as {parsed}"
    assert (parsed.date(), parsed.hour, parsed.minute) == (date(2025, 7, 30), fits[0], minute)


# --------------------------------------------------------------------------- zone names without '/'


@example(name="Japan", naive=datetime(2025, 7, 30, 15), form="{} {}")
@example(name="ROK", naive=datetime(2025, 7, 30, 15), form="{} {}")
@example(name="EST5EDT", naive=datetime(2025, 7, 30, 15), form="{} {}")  # -04:00 in July
@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(_LEGACY_NAMES),
    naive=st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2037, 12, 31)),
    form=st.sampled_from(["{} {}", "{}  {}"]),
)
def test_an_iana_zone_name_without_a_slash_after_the_time_is_that_zone(
    name: str, naive: datetime, form: str
) -> None:
    """`Japan`, `ROK`, `Singapore`, `EST5EDT`: the database's names for old systems, each one
    zone; a wall time in it is the instant that zone gives it (the first of a fold)."""
    text = form.format(naive.replace(microsecond=0).isoformat(sep=" "), name)
    parsed = parse_datetime(text, zone=SEOUL)
    expected = naive.replace(microsecond=0, tzinfo=ZoneInfo(name))
    assert parsed.timestamp() == expected.timestamp()


@example(name="CET", naive=datetime(2025, 7, 30, 15), form="{} {}")  # was +01:00 in summer
@example(name="EET", naive=datetime(2025, 7, 30, 15), form="{} {}")
@example(name="WET", naive=datetime(2025, 7, 30, 15), form="{} {}")
@example(name="CET", naive=datetime(2025, 1, 30, 15), form="{} {}")  # winter: +01:00
@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["CET", "EET", "WET", "MET"]),
    naive=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31)),
    form=st.sampled_from(
        ["{} {}", "{}T00:00 {}", "Wed, {:%d %b %Y %H:%M:%S} {}", "{:%Y년 %m월 %d일 %H:%M} {}"]
    ),
)
def test_a_standard_time_name_on_a_date_its_zone_keeps_summer_time_is_refused(
    name: str, naive: datetime, form: str
) -> None:
    """`15:00 CET` in July reads two ways an hour apart: the abbreviation (+01:00) and the
    IANA zone CET (on CEST, +02:00); refused then, read at the abbreviation's offset else."""
    naive = naive.replace(second=0, microsecond=0)
    if form.startswith("{}T"):
        text, naive = form.format(naive.date().isoformat(), name), datetime.combine(naive, time())
    elif form.startswith("Wed"):
        naive = naive.replace(second=0)
        text = form.format(naive, name).replace("Wed, ", f"{naive:%a}, ")
    else:
        text = form.format(naive if "%" in form else naive.isoformat(sep=" "), name)
    standard = ZONE_ABBREVIATIONS[name].utcoffset(None)
    as_standard = naive.replace(tzinfo=timezone(standard))
    summer = as_standard.astimezone(ZoneInfo(name)).utcoffset() != standard
    if summer:
        with pytest.raises(InvalidArticle) as caught:
            parse_datetime(text, zone=SEOUL, where="r", field="published")
        assert caught.value.field == "published" and "summer time" in caught.value.reason
        return
    assert parse_datetime(text, zone=SEOUL) == as_standard
