"""Date kinds a newsroom sends, beyond issue 10's examples: each a rule over its whole space.

- East Asian dates (Korean, Japanese, Chinese; 오전/오후, 午前/午後, 上午/下午; eras;
  `2025. 7. 30.`) give the time written, in the site zone.
- `UTC+9` / `GMT+09:00` mean the offset as written, never POSIX's inverted sign.
- RFC 822's military zones are refused naming the field, the letters A and P included (which
  used to be read as a.m./p.m. or ignored, giving the site zone).
- A leap second is the instant that follows it; fullwidth digits and U+2212 read as ASCII;
  RFC 9557 zone suffixes and IANA names after the time give that zone's offset.
"""

from __future__ import annotations

import contextlib
import json
import zoneinfo
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.dates import ZONE_ABBREVIATIONS, parse_datetime
from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from feeds.writers import render
from tests.fixtures.feeds import make_feed
from tests.strategies import date_text, past_instants

SEOUL = ZoneInfo("Asia/Seoul")
SITES = st.sampled_from(["Asia/Seoul", "Europe/Berlin", "America/New_York", "UTC"])
LOCAL = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
# Times that exist once in every site zone sampled (no DST gap or fold: 00:00 to 00:59 and
# 04:00 to 23:59 hold in all of them).
CLEAR_TIMES = LOCAL.filter(lambda d: d.hour == 0 or d.hour >= 4)

_AM = {"ko": "오전", "ja": "午前", "zh": "上午"}
_PM = {"ko": "오후", "ja": "午後", "zh": "下午"}
_YMD = {"ko": ("년", "월", "일"), "ja": ("年", "月", "日"), "zh": ("年", "月", "日")}
_HMS = {"ko": ("시", "분", "초"), "ja": ("時", "分", "秒"), "zh": ("点", "分", "秒")}


def _east_asian(d: datetime, script: str, style: str, clock: str, spaced: bool) -> str:
    sp = " " if spaced else ""
    if style == "words":
        y, m, dd = _YMD[script]
        day = f"{d.year}{y}{sp}{d.month}{m}{sp}{d.day}{dd}"
    elif style == "dots":
        day = f"{d.year}. {d.month}. {d.day}."
    else:
        day = f"{d:%Y-%m-%d}"
    if clock == "none":
        return day
    half = _PM[script] if d.hour >= 12 else _AM[script]
    hour12 = d.hour % 12 or 12
    if clock == "12h-colon":
        return f"{day} {half}{sp}{hour12}:{d.minute:02d}:{d.second:02d}"
    h, mi, s = _HMS[script]
    if clock == "12h-words":
        return f"{day} {half}{sp}{hour12}{h}{sp}{d.minute}{mi}{sp}{d.second}{s}"
    return f"{day}{sp}{d.hour}{h}{sp}{d.minute}{mi}{sp}{d.second}{s}"  # 24-hour, in words


@example(
    local=datetime(2025, 7, 30, 15, 20),
    script="ko",
    style="dots",
    clock="12h-colon",
    spaced=True,
    site="Asia/Seoul",
)  # `2025. 7. 30. 오후 3:20:00`, as Korean portals print it (was refused)
@example(
    local=datetime(2025, 7, 30, 15, 20),
    script="ja",
    style="words",
    clock="12h-words",
    spaced=False,
    site="Asia/Seoul",
)  # `2025年7月30日 午後3時20分0秒` (was refused)
@settings(max_examples=300, deadline=None)
@given(
    local=CLEAR_TIMES,
    script=st.sampled_from(["ko", "ja", "zh"]),
    style=st.sampled_from(["words", "dots", "dashes"]),
    clock=st.sampled_from(["none", "12h-colon", "12h-words", "24h-words"]),
    spaced=st.booleans(),
    site=SITES,
)  # fmt: skip
def test_east_asian_dates_give_the_time_written_in_the_site_zone(
    local: datetime, script: str, style: str, clock: str, spaced: bool, site: str
) -> None:
    text = _east_asian(local, script, style, clock, spaced)
    expected = local if clock != "none" else local.replace(hour=0, minute=0, second=0)
    assert parse_datetime(text, zone=ZoneInfo(site)) == expected.replace(tzinfo=ZoneInfo(site))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和7年7月30日", datetime(2025, 7, 30)),
        ("令和元年5月1日", datetime(2019, 5, 1)),
        ("平成31年4月30日", datetime(2019, 4, 30)),
        ("2025年7月30日（水）午後0時", datetime(2025, 7, 30, 12)),  # Japan's 午後0時 is noon
        ("2025년 7월 30일 오전 0시 30분", datetime(2025, 7, 30, 0, 30)),
        ("2025년 7월 30일 3시 반", datetime(2025, 7, 30, 3, 30)),
        ("2025年7月30日 星期三 下午3点", datetime(2025, 7, 30, 15)),
        ("２０２５年７月３０日", datetime(2025, 7, 30)),  # fullwidth digits
    ],
)
def test_east_asian_forms(text: str, expected: datetime) -> None:
    assert parse_datetime(text, zone=SEOUL) == expected.replace(tzinfo=SEOUL)


_OFFSET_FORMS = ["UTC{s}{h}", "GMT{s}{h:02d}:{m:02d}", "GMT{s}{h:02d}{m:02d}",
                 "(UTC{s}{h}:{m:02d})", "UTC {s}{h}:{m:02d}", "utc{s}{h:02d}"]  # fmt: skip
_DATE_FORMS = ["%Y-%m-%dT%H:%M:%S ", "%Y-%m-%dT%H:%M:%S", "%a, %d %b %Y %H:%M:%S ",
               "%Y-%m-%d %H:%M ", "%B %d, %Y %H:%M "]  # fmt: skip


@example(local=datetime(2025, 7, 30, 9), hours=9, minutes=0, negative=False,
         offset_form=_OFFSET_FORMS[0], date_form=_DATE_FORMS[0])  # fmt: skip  # was -09:00
@example(local=datetime(2025, 7, 30, 9), hours=3, minutes=30, negative=True,
         offset_form=_OFFSET_FORMS[4], date_form=_DATE_FORMS[3])  # fmt: skip  # was +03:30
@settings(max_examples=300, deadline=None)
@given(
    local=LOCAL.map(lambda d: d.replace(second=0)),
    hours=st.integers(0, 14),
    minutes=st.sampled_from([0, 30, 45]),
    negative=st.booleans(),
    offset_form=st.sampled_from(_OFFSET_FORMS),
    date_form=st.sampled_from(_DATE_FORMS),
)
def test_a_utc_or_gmt_offset_is_read_with_the_sign_written(
    local: datetime, hours: int, minutes: int, negative: bool, offset_form: str, date_form: str
) -> None:
    if "{m" not in offset_form:
        minutes = 0
    sign = "-" if negative else "+"
    text = local.strftime(date_form) + offset_form.format(s=sign, h=hours, m=minutes)
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if negative else 1)
    parsed = parse_datetime(text, zone=SEOUL)
    assert parsed == local.replace(tzinfo=timezone(offset)), text


_RFC822 = ["%a, %d %b %Y %H:%M:%S {z}", "%d %b %Y %H:%M {z}", "%a, %d %b %Y %H:%M {z}"]


@example(local=datetime(2025, 7, 30, 9), letter="A", form=_RFC822[0], site="Asia/Seoul")
@example(local=datetime(2025, 7, 30, 9), letter="p", form=_RFC822[0], site="UTC")
@settings(max_examples=200, deadline=None)
@given(
    local=LOCAL,
    letter=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXY" + "abcdefghijklmnopqrstuvwxy"),
    form=st.sampled_from(_RFC822),
    site=SITES,
)  # fmt: skip
def test_rfc_822_military_zones_are_refused_naming_the_field(
    local: datetime, letter: str, form: str, site: str
) -> None:
    text = local.strftime(form).replace("{z}", letter)
    with pytest.raises(InvalidArticle) as caught:
        parse_datetime(text, zone=ZoneInfo(site), where="wire.json: record 1", field="published")
    assert caught.value.field == "published"
    assert letter.upper() in caught.value.reason
    assert "Z" in ZONE_ABBREVIATIONS  # the one letter RFC 822 defines reliably: UTC


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=datetime(1972, 1, 1).date(), max_value=datetime(2060, 1, 1).date()),
       form=st.sampled_from(["%Y-%m-%dT23:59:60Z", "%a, %d %b %Y 23:59:60 +0000",
                             "%Y-%m-%dT23:59:60.5+00:00"]))  # fmt: skip
def test_a_leap_second_is_the_instant_after_it(day: object, form: str) -> None:
    text = day.strftime(form)  # type: ignore[attr-defined]
    expected = datetime.combine(day, datetime.min.time(), UTC) + timedelta(days=1)  # type: ignore[call-overload]
    assert parse_datetime(text, zone=SEOUL) == expected


_FULLWIDTH = str.maketrans("0123456789-:+", "０１２３４５６７８９－：＋")


@settings(max_examples=100, deadline=None)
@given(local=LOCAL, offset_minutes=st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15))
def test_fullwidth_digits_and_the_minus_sign_read_as_ascii(
    local: datetime, offset_minutes: int
) -> None:
    aware = local.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    text = aware.isoformat()
    assert parse_datetime(text.translate(_FULLWIDTH), zone=SEOUL) == aware
    typeset = text[:19] + text[19:].replace("-", "\u2212")  # ISO 8601's own minus sign
    assert parse_datetime(typeset, zone=SEOUL) == aware


ZONES = ["Asia/Seoul", "Asia/Tokyo", "Europe/Berlin", "America/New_York", "Australia/Adelaide",
         "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "UTC"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(local=CLEAR_TIMES.filter(lambda d: d.hour >= 4), name=st.sampled_from(ZONES),
       form=st.sampled_from(["{t}[{z}]", "{t}[!{z}]", "{t}[{z}][u-ca=gregory]", "{t} {z}",
                             "{o}[{z}]"]))  # fmt: skip
def test_an_iana_zone_after_the_time_gives_that_zones_offset(
    local: datetime, name: str, form: str
) -> None:
    zone = ZoneInfo(name)
    aware = local.replace(tzinfo=zone)
    text = form.format(t=local.isoformat(), o=aware.isoformat(), z=name)
    assert parse_datetime(text, zone=SEOUL) == aware


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-07-30T15:20:00+02:00[!Asia/Seoul]", "is not Asia/Seoul's"),
        ("2025-07-30T15:20:00[Mars/Olympus]", "Mars/Olympus is not a time zone"),
        ("2025-07-30T15:20:00+09:00[!x-foo=bar]", "critical tag"),
        ("2025-07-30T09:00:00 GMT+25", "GMT+25 is not a UTC offset"),
        ("2025-07", "cannot read"),  # a month, not a day
        ("2025-W31", "cannot read"),  # a week, not a day
        ("1753833600", "epoch times are not accepted"),
        ("1753833600000", "epoch times are not accepted"),
    ],
)
def test_refusals_name_the_field_and_the_problem(text: str, reason: str) -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse_datetime(text, zone=SEOUL, where="wire.json: record 1", field="updated")
    assert caught.value.field == "updated"
    assert reason in caught.value.reason


def test_week_and_ordinal_dates_are_days() -> None:
    expected = datetime(2025, 7, 30, tzinfo=SEOUL)
    for text in ("2025-W31-3", "2025W313", "2025-211"):
        assert parse_datetime(text, zone=SEOUL) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-07-30T09:00:00 GMT+9",
        "2025. 7. 30. 오전 9:00",
        "2025年7月30日 午前9時",
        "2025-07-30T09:00:00+09:00[Asia/Seoul]",
    ],
)
def test_the_same_instant_reaches_atom_rss_and_json_feed(text: str) -> None:
    article = article_from_mapping(
        {"id": "d1", "title": "T", "published": text},
        where="t",
        zone=SEOUL,
        default_language="ko",
    ).with_guid("tag:feeds.example.org,2025:article/d1")
    instant = datetime(2025, 7, 30, 0, tzinfo=UTC)
    assert article.published == instant
    feed = make_feed([article])
    for fmt in ("atom", "rss"):
        (entry,) = feedparser.parse(render(feed, fmt)).entries
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == instant, fmt
    (item,) = json.loads(render(feed, "json"))["items"]
    assert datetime.fromisoformat(item["date_published"]) == instant


@example(day=datetime(2025, 7, 30).date(), sep="-", year_first=True)  # `25-07-30`: was 2030-07-25
@example(day=datetime(2025, 7, 30).date(), sep=".", year_first=False)  # `30.07.25`
@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=datetime(2000, 1, 1).date(), max_value=datetime(2049, 12, 31).date()),
    sep=st.sampled_from(["-", ".", "/", ". "]),
    year_first=st.booleans(),
)
def test_a_numeric_date_with_a_two_digit_year_is_never_a_guess_between_years(
    day: Any, sep: str, year_first: bool
) -> None:
    yy, mm, dd = f"{day.year % 100:02d}", f"{day.month:02d}", f"{day.day:02d}"
    text = sep.join([yy, mm, dd] if year_first else [dd, mm, yy])
    readings = set()
    for y, d in ((yy, dd), (dd, yy)):
        with contextlib.suppress(ValueError):
            readings.add(datetime(2000 + int(y), day.month, int(d)).date())
    try:
        parsed = parse_datetime(text, zone=SEOUL, where="w", field="published")
    except InvalidArticle as exc:
        assert exc.field == "published"
        return
    assert len(readings) == 1, f"{text!r} read as {parsed:%Y-%m-%d} of {sorted(readings)}"
    assert parsed.date() == day


@settings(max_examples=100, deadline=None)
@given(local=LOCAL, minutes=st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15),
       name=st.sampled_from(["Korean Standard Time", "한국 표준시", "Coordinated Universal Time",
                             "Central European Summer Time"]))  # fmt: skip
def test_javascripts_date_string_is_read_at_its_offset(
    local: datetime, minutes: int, name: str
) -> None:
    aware = local.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    text = aware.strftime("%a %b %d %Y %H:%M:%S GMT%z") + f" ({name})"  # String(new Date())
    assert parse_datetime(text, zone=SEOUL) == aware


@example(local=datetime(2025, 7, 30, 9), hours=9, negative=False, form="{d} UTC{o} (KST)")
@example(local=datetime(2025, 7, 30, 9), hours=9, negative=False, form="{a} GMT{o} {y}")
@settings(max_examples=150, deadline=None)
@given(
    local=LOCAL.map(lambda d: d.replace(second=0)),
    hours=st.integers(0, 14),
    negative=st.booleans(),
    form=st.sampled_from(["{d} UTC{o} (KST)", "{a} GMT{o} {y}", "{a} UTC{o}:00 {y}",
                          "{d} GMT{o} (Some Zone Name)"]),
)  # fmt: skip
def test_a_named_offset_anywhere_or_before_a_comment_keeps_its_sign(
    local: datetime, hours: int, negative: bool, form: str
) -> None:
    # `UTC+9 (KST)` and date(1)'s `... GMT+9 2025` were read at -09:00 (POSIX's sign).
    sign = "-" if negative else "+"
    text = form.format(
        d=f"{local:%Y-%m-%d %H:%M}",
        a=f"{local:%a %b %d %H:%M:%S}",
        y=local.year,
        o=f"{sign}{hours}",
    )
    offset = timedelta(hours=-hours if negative else hours)
    assert parse_datetime(text, zone=SEOUL) == local.replace(tzinfo=timezone(offset)), text


OFFSETS = {" +09:00": 540, " +0530": 330, " -03:30": -210, " UTC+9": 540, " GMT-5": -300,
           " Z": 0, " KST": 540, " (UTC+8)": 480}  # fmt: skip


@example(local=datetime(2025, 7, 30, 15, 20, 5), script="ko", style="dots", clock="12h-colon",
         written=" UTC+9")  # fmt: skip  # `2025. 7. 30. 오후 3:20:05 UTC+9` was refused
@settings(max_examples=150, deadline=None)
@given(
    local=LOCAL,
    script=st.sampled_from(["ko", "ja", "zh"]),
    style=st.sampled_from(["words", "dots", "dashes"]),
    clock=st.sampled_from(["12h-colon", "12h-words", "24h-words"]),
    written=st.sampled_from(sorted(OFFSETS)),
)
def test_east_asian_dates_with_an_offset_are_read_at_that_offset(
    local: datetime, script: str, style: str, clock: str, written: str
) -> None:
    text = _east_asian(local, script, style, clock, spaced=True) + written
    offset = timezone(timedelta(minutes=OFFSETS[written]))
    assert parse_datetime(text, zone=SEOUL) == local.replace(tzinfo=offset), text


# Forms that write a numeric offset after the time: `{t}` the date and time, `{o}` the offset
# as `+HH:MM` (`{c}`) or `+HHMM` (`{b}`).
_OFFSET_FORMS = [
    "{d}T{t}{c}",  # RFC 3339
    "{d}T{t}{b}",  # ISO 8601 without the colon
    "{d} {t} {c}",
    "{r} {b}",  # RFC 822 / 5322
    "{r} GMT{b}",
    "{a} {b} {y}",  # date(1)
    "{k} {b}",  # Korean, 24-hour clock in words
]


@example(hours=2, minutes=60, form="{d}T{t}{c}", negative=False)  # `+02:60` was +03:00
@example(hours=2, minutes=60, form="{r} {b}", negative=False)  # `... 09:00:00 +0260` too
@example(hours=24, minutes=0, form="{d}T{t}{c}", negative=True)
@settings(max_examples=200, deadline=None)
@given(
    hours=st.integers(0, 29),
    minutes=st.integers(0, 99),
    negative=st.booleans(),
    form=st.sampled_from(_OFFSET_FORMS),
)
def test_an_offset_is_read_as_written_or_refused(
    hours: int, minutes: int, form: str, negative: bool
) -> None:
    # Every reader added minutes 60 and over to the hours in silence: `+02:60` was +03:00,
    # an instant an hour off. Hours 00 to 23 and minutes 00 to 59 are an offset (RFC 3339
    # time-numoffset, RFC 5322 zone); anything else is refused naming the offset.
    local = datetime(2025, 7, 30, 9, 5, 7)
    sign = "-" if negative else "+"
    text = form.format(
        d=f"{local:%Y-%m-%d}",
        t=f"{local:%H:%M:%S}",
        r=f"{local:%a, %d %b %Y %H:%M:%S}",
        a=f"{local:%a %b %d %H:%M:%S}",
        y=local.year,
        k=f"{local.year}년 {local.month}월 {local.day}일 {local.hour}시 {local.minute}분",
        c=f"{sign}{hours:02d}:{minutes:02d}",
        b=f"{sign}{hours:02d}{minutes:02d}",
    )
    if hours > 23 or minutes > 59:
        with pytest.raises(ValueError, match="is not a UTC offset"):
            parse_datetime(text, zone=SEOUL)
        return
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if negative else 1)
    parsed = parse_datetime(text, zone=SEOUL)
    expected = local.replace(second=0 if form == "{k} {b}" else 7, tzinfo=timezone(offset))
    assert parsed == expected, text


_WEEKDAY_FORMS = {
    "rfc822": lambda d, w: f"{w['en'][:3]}, {d:%d %b %Y %H:%M:%S} +0900",
    "date(1)": lambda d, w: f"{w['en'][:3]} {d:%b %d %H:%M:%S} KST {d.year}",
    "english": lambda d, w: f"{w['en']}, {d:%B} {d.day}, {d.year} {d:%H:%M}",
    "korean": lambda d, w: f"{d.year}년 {d.month}월 {d.day}일 ({w['ko']}) {d:%H:%M}",
    "korean-long": lambda d, w: f"{d.year}년 {d.month}월 {d.day}일 {w['ko']}요일 {d:%H:%M}",
    "japanese": lambda d, w: f"{d.year}年{d.month}月{d.day}日({w['ja']}) {d:%H:%M}",
    "chinese": lambda d, w: f"{d.year}年{d.month}月{d.day}日 星期{w['zh']} {d:%H:%M}",
}
_WEEKDAYS = [
    {"en": en, "ko": ko, "ja": ja, "zh": zh}
    for en, ko, ja, zh in zip(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "월화수목금토일",
        "月火水木金土日",
        "一二三四五六日",
        strict=True,
    )
]


@example(local=datetime(2025, 7, 30, 9), form="rfc822", shift=1)  # `Thu, 30 Jul 2025` was read
@example(local=datetime(2025, 7, 30, 15, 20), form="korean", shift=1)  # `(목)` on a Wednesday
@settings(max_examples=200, deadline=None)
@given(
    local=LOCAL.map(lambda d: d.replace(second=0)),
    form=st.sampled_from(sorted(_WEEKDAY_FORMS)),
    shift=st.integers(0, 6),
)
def test_a_weekday_that_is_not_the_dates_own_is_refused(
    local: datetime, form: str, shift: int
) -> None:
    # RFC 5322 3.3: the weekday MUST be the one the date implies. One that is not means a typo
    # in the weekday or in the date, and which cannot be told; every reader ignored it.
    weekday = _WEEKDAYS[(local.weekday() + shift) % 7]
    text = _WEEKDAY_FORMS[form](local, weekday)
    if shift:
        with pytest.raises(ValueError, match="correct the weekday or the date"):
            parse_datetime(text, zone=SEOUL)
        return
    assert parse_datetime(text, zone=SEOUL) == local.replace(tzinfo=SEOUL), text


@example(text="2025-07-30T09:00:00Z", edge="\ufeff")
@settings(max_examples=100, deadline=None)
@given(
    text=st.sampled_from(["2025-07-30T09:00:00Z", "Wed, 30 Jul 2025 09:00:00 +0900",
                          "2025년 7월 30일 오후 3:20", "2025-07-30"]),
    edge=st.text(alphabet="\ufeff\u200b\u2060\u180e \t\x00\x07", min_size=1, max_size=3),
)  # fmt: skip
def test_a_date_follows_the_text_rule_of_every_field(text: str, edge: str) -> None:
    # A byte order mark or zero-width space at the ends of a date copied from a page or left
    # by joined files was refused ("cannot read"), while every text field trims them; and NUL
    # there is removed as in every text value (articles.text).
    expected = parse_datetime(text, zone=SEOUL)
    assert parse_datetime(edge + text + edge, zone=SEOUL) == expected
    assert parse_datetime(text + edge, zone=SEOUL) == expected


def test_the_offset_and_weekday_refusals_name_the_field() -> None:
    record = {"id": "x", "title": "T", "published": "Thu, 30 Jul 2025 09:00:00 +0200"}
    with pytest.raises(InvalidArticle, match=r"^wire\.json: published: .*not Thu \(Thursday\)"):
        article_from_mapping(record, where="wire.json", zone=SEOUL, default_language="ko")
    record["published"] = "2025-07-30T09:00:00+02:60"
    with pytest.raises(InvalidArticle, match=r"^wire\.json: published: .*\+02:60 is not a UTC"):
        article_from_mapping(record, where="wire.json", zone=SEOUL, default_language="ko")


@settings(max_examples=150, deadline=None)
@given(
    instant=past_instants.filter(lambda d: d.year >= 1000),
    mark=st.sampled_from(["-", "--", "+", "/", ",", ":", "::"]),
    place=st.sampled_from(["start", "end"]),
    data=st.data(),
)
def test_a_stray_sign_or_separator_at_either_end_is_refused(
    instant: datetime, mark: str, place: str, data: st.DataObject
) -> None:
    """`-2025-07-30`, `--2025-07-30` and `2025-07-30-` read as 30 July 2025 (dateutil skips
    what it cannot place), `-0001-07-30` as year 1. No form of date starts or ends with one
    of these, so any spelling the importer reads is refused with one added, naming it."""
    text = data.draw(date_text(instant))
    written = mark + text if place == "start" else text + mark
    with pytest.raises(ValueError, match="stray"):
        parse_datetime(written, zone=SEOUL)


@pytest.mark.parametrize(
    "text", ["2025--07-30", "2025//07/30", "30 Jul,, 2025", "09::00 2025-07-30"]
)
def test_a_doubled_separator_is_refused(text: str) -> None:
    # The report's cases, as importer and API read them.
    for given_text in ("-2025-07-30", "--2025-07-30", "2025-07-30-", "-0001-07-30"):
        with pytest.raises(ValueError, match="stray"):
            parse_datetime(given_text, zone=SEOUL)
    with pytest.raises(ValueError, match="doubled"):
        parse_datetime(text, zone=SEOUL)


@pytest.mark.parametrize("text", ["2025. 7. 30.", "Jul. 30, 2025", "30 Jul 2025, 09:00"])
def test_a_trailing_period_and_a_comma_inside_stay_readable(text: str) -> None:
    assert parse_datetime(text, zone=SEOUL).date() == datetime(2025, 7, 30).date()


_IANA_ZONES = sorted(zoneinfo.available_timezones())


@settings(max_examples=300, deadline=None)
@given(local=CLEAR_TIMES, name=st.sampled_from(_IANA_ZONES))
@example(local=datetime(2025, 7, 30, 12), name="Etc/GMT+9")
@example(local=datetime(2025, 7, 30, 12), name="Etc/GMT-14")
@example(local=datetime(2025, 7, 30, 12), name="GMT+0")
def test_every_iana_zone_is_read_as_the_iana_database_defines_it(
    local: datetime, name: str
) -> None:
    """RFC 9557's `[zone]` takes any IANA name; one written after the time, any with a `/`.
    The sign in `Etc/GMT+9` is POSIX's (nine hours west), part of the name: `GMT+9` there is
    not an offset written after the time. It was rewritten as one (`Etc/+09:00`) and the date
    refused, quoting text it did not hold."""
    aware = local.replace(tzinfo=ZoneInfo(name))
    forms = ["{t}[{z}]", "{t}[!{z}]", "{o}[{z}]"] + (["{t} {z}"] if "/" in name else [])
    for form in forms:
        text = form.format(t=local.isoformat(), o=aware.isoformat(), z=name)
        parsed = parse_datetime(text, zone=SEOUL)
        # By instant and offset: PEP 495 makes a time in a gap unequal to any other zone's.
        assert parsed.astimezone(UTC) == aware.astimezone(UTC), text
        assert parsed.utcoffset() == aware.utcoffset(), text
