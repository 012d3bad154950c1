"""Every date rule of the article records.

Accepted: ISO 8601 / RFC 3339 (`2025-07-30T09:00:00+09:00`, `2025-07-30`, week and ordinal
dates), RFC 822 / RFC 1123 (`Wed, 30 Jul 2025 09:00:00 +0900`), Korean, Japanese and Chinese
dates (`2025년 7월 30일 오후 3:20`, `2025. 7. 30. 오후 3:20`, `2025年7月30日 午後3時20分`,
`令和7年7月30日`, `2025年7月30日 下午3点`) and other complete dates python-dateutil can read
without guessing (`2025/07/30 09:00`), plus `datetime` and `date` objects. A value without a zone
is read in the given zone (the site's, Asia/Seoul by default), or in the IANA zone written after
it (`... Asia/Seoul`, RFC 9557's `[Asia/Seoul]`); a date without a time is the start of that day
in that zone. `UTC+9` is +09:00 (the sign as written, not POSIX's). A leap second is the instant
after it. Numbers are refused: epoch seconds are too easy to confuse with milliseconds.
A numeric offset must be one (hours 00 to 23, minutes 00 to 59), and a weekday the text gives
must be the date's own (RFC 5322 3.3); otherwise the date is refused, never read at another
instant. The text is cleaned by the text rule of every field (`articles.text`) first.

Two rules keep every date that reaches a feed valid and at the instant it was given:

- **Offsets a feed can spell.** RFC 3339 and RFC 822 write offsets in hours and minutes, but a
  zone's offset had seconds before it was standardised (local mean time: Asia/Seoul before 1908
  is +08:27:52); and XML Schema's dateTime, which Atom's schema (RFC 4287) checks, allows
  offsets only from -14:00 to +14:00, though ISO 8601 writes up to 23:59 (`-17:15`, which no
  zone has). Such a value is returned as the same instant in UTC, so no writer can ever be
  handed `+08:27:52` or `-17:15` (`whole_minute_offset`).
- **Zone names.** A trailing zone abbreviation is read by `ZONE_ABBREVIATIONS`: RFC 822's own
  (`UT`, `GMT`, `Z`, and the US zones `EST` ... `PDT`, with RFC 822's meaning: `CST` is US
  Central) and the well-known ones that name one offset (`CEST` +02:00, `BST` +01:00, `KST`
  +09:00, `AEST` +10:00, ...). An abbreviation that names several zones (`IST`: India, Ireland
  or Israel) or none known here is refused, never read in the site's zone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil import parser as dateutil_parser

from articles.errors import InvalidArticle
from articles.text import EDGE_INVISIBLE, clean_text

# East Asian dates, the year first: `2025년 7월 30일`, `2025年7月30日`, `2025. 7. 30.` or
# `2025-07-30`, a Japanese era year (`令和7年`), optionally a weekday (`(수)`, `(水)`, `星期三`),
# then a time: `오후 3:20[:05]`, `15시 20분 [5초]`, `午後3時20分`, `下午3点20分`, `3시 반`.
# 오전/午前/上午 are a.m. and 오후/午後/下午 p.m.; with them the hour is 0 to 12.
_EAST_ASIAN = re.compile(
    r"^(?:(?P<era>令和|平成|昭和)\s*(?P<ey>\d{1,2}|元)|(?P<y>\d{4}))\s*(?:년|年|[./-])"
    r"\s*(?P<m>\d{1,2})\s*(?:월|月|[./-])\s*(?P<d>\d{1,2})\s*(?:일|日|号|號)?\.?"
    r"(?:\s*[(（]?(?:(?P<wd>[월화수목금토일])(?:요일)?|(?P<wd2>[月火水木金土日])(?:曜日?)?"
    r"|(?:星期|礼拜|禮拜|周|週)(?P<wd3>[一二三四五六日天]))[)）]?)?"
    r"(?:\s*(?P<ampm>[가-힣]{1,2}|[\u3400-\u9fff]{1,2}|[AaPp]\.?[Mm]\.?)?\s*(?P<h>\d{1,2})"
    r"(?::(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ampm2>[AaPp]\.?[Mm]\.?))?"
    r"|\s*(?:시|時|时|点|點)(?:\s*(?P<half>반|半)|(?:\s*(?P<mi2>\d{1,2})\s*(?:분|分))?"
    r"(?:\s*(?P<s2>\d{1,2})\s*(?:초|秒))?)))?"
    r"(?:\s*(?P<offset>[+-]\d\d(?::?\d\d)?|[Zz]))?"  # `+0900`, `+09:00`, `Z`
    r"$"
)
# Words for the time of day before an hour on a 12-hour clock, each with the hours (on a
# 24-hour clock, from and before) it covers: of the two times an hour names (3 is 03:00 and
# 15:00), the word picks the one it covers. a.m. and p.m. (오전/오후, 午前/午後, 上午/下午, AM/PM)
# are half the day each; the others are Korean (새벽 dawn, 아침 morning, 낮 daytime, 저녁
# evening, 밤 night), Chinese (凌晨, 早上, 早晨, 清晨, 中午, 傍晚, 晚上) and Japanese (未明, 朝, 昼,
# 夕方, 夜). An hour the word does not cover (`밤 3시`, `저녁 12시`: which day's night?) is
# refused, as is a word not here (`深夜`), and a 24-hour clock's hour after any of them.
_AM, _PM = (0, 12), (12, 24)
DAY_PERIODS: dict[str, tuple[int, int]] = {
    "오전": _AM, "午前": _AM, "上午": _AM, "AM": _AM,
    "오후": _PM, "午後": _PM, "下午": _PM, "PM": _PM,
    "새벽": (0, 7), "凌晨": (0, 7), "未明": (0, 7),
    "아침": (5, 12), "早上": (5, 12), "早晨": (5, 12), "清晨": (5, 12), "朝": (5, 12),
    "낮": (11, 18), "昼": (11, 18), "中午": (11, 14),
    "저녁": (16, 24), "傍晚": (16, 24), "夕方": (16, 24),
    "밤": (18, 24), "晚上": (18, 24), "夜": (18, 24),
}  # fmt: skip
_PERIOD_BEFORE_HOUR = re.compile(r"\d\.?\s+[AaPp]\.?[Mm]\.?\s*\d")
# The first year of each Japanese era still written in dates (令和元年 is 2019).
_ERAS = {"令和": 2019, "平成": 1989, "昭和": 1926}
# `UTC+9`, `GMT+09:00`, `UTC -3:30`, `(UTC+9)`: the offset as written (ISO 8601's sign, the one
# people and Windows' zone names use), never POSIX's inverted `GMT+9` that dateutil reads.
# Not inside an IANA zone name (`Etc/GMT+9`, `[GMT+0]`), whose sign is POSIX's and part of it.
_NAMED_OFFSET = re.compile(
    r"(?<![A-Za-z/\[!])\(?(?:UTC|GMT|UT)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?(?!\d)\)?",
    re.IGNORECASE,
)
# A comment in parentheses after a numeric offset (`GMT+0900 (Korean Standard Time)`).
_COMMENT_AFTER_OFFSET = re.compile(r"(?:(?<=[+-]\d\d:\d\d)|(?<=[+-]\d{4}))\s*\([^()]{1,60}\)\s*$")
# A leap second (RFC 3339 5.6 `23:59:60Z`, RFC 5322 `23:59:60 +0000`).
_LEAP_SECOND = re.compile(r"(?<=\d:[0-5]\d:)60(?:[.,]\d+)?(?!\d)")
# RFC 9557's suffixes (`[Asia/Seoul]`, `[!Europe/Berlin]`, `[u-ca=gregory]`), as Java's
# ZonedDateTime writes them, or a zone name after the time (`2025-07-30 09:00 Asia/Seoul`).
_SUFFIXES = re.compile(r"(?:\[[^\[\]]*\])+$")
_ZONE_NAME_AFTER = re.compile(r"\s+\(?(?P<name>[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+)\)?$")
# Digits only: an epoch time written as text, or no date at all.
_EPOCH_TEXT = re.compile(r"[+-]?\d{9,}(?:[.,]\d+)?")
# ISO 8601 reduced precision: a month or a week, not a day.
_MONTH_OR_WEEK = re.compile(r"\d{4}-\d{2}|\d{4}-?W\d{2}", re.IGNORECASE)
# An ISO 8601 week date's year and week (`2025-W31-3`, `2025W313`).
_ISO_WEEK = re.compile(r"^(?P<year>\d{4})-?[Ww](?P<week>\d{2})")
# A date of numbers only whose year has two digits (`25-07-30`, `30.07.25`), also behind an
# apostrophe that marks a year cut short (`'25.07.30`), which dateutil skips.
_NUMERIC_SHORT_YEAR = re.compile(
    r"^['\u2018\u2019]?\d{1,2}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}(?!\d)"
)
# An RFC 822 date and time, without its zone (`Wed, 30 Jul 2025 09:00:00`).
_RFC822_SHAPE = re.compile(
    r"(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
)
MIN_YEAR, MAX_YEAR = 1000, 9998
# The largest UTC offset XML Schema's dateTime allows (Atom's dates are checked against it).
MAX_OFFSET = timedelta(hours=14)
# RFC 3339's date-time with seconds and an offset, no leap second and hours 00 to 23
# (`2025-07-30T09:00:00+09:00`, `2025-07-30T00:00:00.5Z`), ASCII digits only.
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_ISO_START = re.compile(r"^\d{4}-?(?:\d{2}|[Ww]\d)")
_YEAR_FIRST = re.compile(r"^\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}\b")
# Two far-apart defaults: a field dateutil filled in from the default differs between them,
# which tells us the text left something out (`July 2025`) and would be read differently
# depending on today's date.
_DEFAULTS = (datetime(2001, 1, 1, 0, 0, 0), datetime(2002, 2, 2, 0, 0, 0))
# A numeric UTC offset right after a time of day (`09:00:00+02:00`, `09:00 +0200`,
# `T090000+0200`, `15시 20분 +0900`, `GMT+0200`): its hours and minutes are checked as written,
# since every reader adds minutes 60 and over to the hours in silence (`+02:60` read as +03:00).
_OFFSET_AFTER_TIME = re.compile(
    r"(?:\d:\d\d(?::\d\d(?:[.,]\d+)?)?|[Tt]\d{2,6}(?:[.,]\d+)?|[시분초時分秒点點])"
    r"\s*(?:[AaPp]\.?[Mm]\.?\s*)?(?:(?:GMT|UTC|UT)\s*)?"
    r"(?P<sign>[+-])(?P<h>\d\d):?(?P<m>\d\d)(?![\d:])"
)
# Weekday names in English (RFC 822's and in full), which a date may give beside the day.
_ENGLISH_WEEKDAY = re.compile(
    r"(?<![A-Za-z])(?P<name>mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)(?![A-Za-z])",
    re.IGNORECASE,
)
# Monday is 0, as `datetime.weekday` counts.
_WEEKDAY_NUMBERS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6,
    "月": 0, "火": 1, "水": 2, "木": 3, "金": 4, "土": 5, "日": 6,
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "天": 6,
}  # fmt: skip
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A sign or separator at either end of a date, or two together: no form of date has one
# (a trailing `.` does: `2025. 7. 30.`), and a lenient reader would skip it.
_STRAY_SEPARATOR = re.compile(r"^\s*[-+/,:]+|[-+/,:]+\s*$|--|//|,,|::")


def _hours(hours: int, minutes: int = 0) -> timezone:
    sign = -1 if hours < 0 else 1
    return timezone(sign * timedelta(hours=abs(hours), minutes=minutes))


# Zone abbreviations read at the end of a date, each naming exactly one UTC offset.
ZONE_ABBREVIATIONS: dict[str, timezone] = {
    # RFC 822 section 5 (and RFC 5322 4.3), with their meaning there.
    "UT": UTC, "UTC": UTC, "GMT": UTC, "Z": UTC,
    "EST": _hours(-5), "EDT": _hours(-4), "CST": _hours(-6), "CDT": _hours(-5),
    "MST": _hours(-7), "MDT": _hours(-6), "PST": _hours(-8), "PDT": _hours(-7),
    # Well-known abbreviations that name one offset (as the IANA time zone database uses them).
    "HST": _hours(-10), "AKST": _hours(-9), "AKDT": _hours(-8),
    "WET": _hours(0), "WEST": _hours(1), "BST": _hours(1),  # British Summer Time
    "CET": _hours(1), "CEST": _hours(2), "MET": _hours(1), "MEST": _hours(2),
    "EET": _hours(2), "EEST": _hours(3), "MSK": _hours(3),
    "WAT": _hours(1), "CAT": _hours(2), "SAST": _hours(2), "EAT": _hours(3),
    "PKT": _hours(5), "WIB": _hours(7), "WITA": _hours(8), "WIT": _hours(9),
    "HKT": _hours(8), "SGT": _hours(8), "KST": _hours(9), "JST": _hours(9),
    "AWST": _hours(8), "ACST": _hours(9, 30), "ACDT": _hours(10, 30),
    "AEST": _hours(10), "AEDT": _hours(11), "NZST": _hours(12), "NZDT": _hours(13),
}  # fmt: skip
# The IANA database's names without a '/' (`Japan`, `ROK`, `Singapore`, `EST5EDT`: links kept
# for old systems), read after the time as zones, by any case. Not those that are abbreviations
# of the table above (`EST`, `CET`: read there), `localtime` (the machine's own zone) or
# `Factory` (no zone at all).
_LEGACY_ZONES: dict[str, str] = {
    name.casefold(): name
    for name in available_timezones()
    if "/" not in name and name.upper() not in ZONE_ABBREVIATIONS
    and name not in ("localtime", "Factory")
}  # fmt: skip
_LEGACY_ZONE_AFTER = re.compile(r"(?<=[\d\s])\s*(?P<name>[A-Za-z][A-Za-z0-9+-]*)$")
# Abbreviations of the table above that are also IANA zones keeping summer time (`CET` is
# Central Europe's zone, on CEST, +02:00, in July): after a time without an offset such a
# name reads two ways when the zone keeps summer time, and is refused then.
_SUMMER_ZONE_NAMES = re.compile(r"(?<![A-Za-z/\[!])(CET|EET|WET|MET)(?![A-Za-z/])", re.IGNORECASE)
_UTC_AFTER_A_TIME = re.compile(r"\d[Zz](?![A-Za-z])")
# Abbreviations in common use for more than one offset: refused with the candidates.
AMBIGUOUS_ZONES: dict[str, str] = {
    "IST": "India +05:30, Ireland +01:00 or Israel +02:00",
    "AST": "Atlantic -04:00 or Arabia +03:00",
    "ADT": "Atlantic -03:00 or Arabia +04:00",
    "ECT": "Ecuador -05:00 or Eastern Caribbean -04:00",
    "GST": "Gulf +04:00 or South Georgia -02:00",
    "CCT": "China +08:00 or Cocos Islands +06:30",
}
# Trailing words that are not zones: a 12-hour clock, ordinals, weekday and month names.
_NOT_ZONES = frozenset({
    "am", "pm", "a", "p", "st", "nd", "rd", "th",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "jan", "feb", "mar", "apr", "may", "jun", "june", "jul", "july", "aug", "sep", "sept",
    "oct", "nov", "dec",
})  # fmt: skip
# A zone name at the end: after a digit, space or `(` (`09:00 CEST`, `09:00Z`, `+0200 (CEST)`).
_TRAILING_ZONE = re.compile(r"(?:(?<=[\d\s])|(?<=^))(\()?([A-Za-z]{1,5})(?(1)\))\s*$")


def parse_datetime(
    value: object, *, zone: ZoneInfo | None = None, where: str = "", field: str = ""
) -> datetime:
    """Read a date or date-time into an aware datetime at the instant it names.

    The result keeps the offset it was given with, unless that offset is not a whole number of
    minutes (then it is the same instant in UTC). Raises ValueError with the reason (`cannot
    read '<value>' as a date`), or InvalidArticle naming `where` and `field` when either is
    given.
    """
    zone = zone or ZoneInfo("Asia/Seoul")
    try:
        return _parse(value, zone)
    except ValueError as exc:
        if where or field:
            raise InvalidArticle(where, field, str(exc)) from None
        raise


def whole_minute_offset(value: datetime) -> datetime:
    """The value itself, or the same instant in UTC when its UTC offset has seconds or lies
    beyond 14 hours either way.

    RFC 3339 (`+08:27`) and RFC 822 (`+0827`) have no way to write `+08:27:52`, and XML
    Schema's dateTime (Atom's schema) none to write `-17:15`.
    """
    offset = value.utcoffset()
    # timedelta keeps a negative offset as days=-1 plus positive seconds: whole minutes are
    # `seconds % 60 == 0` either way.
    if offset is not None and (
        offset.seconds % 60 or offset.microseconds or abs(offset) > MAX_OFFSET
    ):
        return value.astimezone(UTC)
    return value


def _parse(value: object, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return _localise(value, zone)
    if isinstance(value, date):
        return _localise(datetime.combine(value, time(0)), zone)
    if isinstance(value, bool):
        raise ValueError(f"expected a date as text, got {str(value).lower()}")
    if isinstance(value, int | float):
        raise ValueError(
            f"expected a date as text, got the number {value!r} (epoch times are not accepted)"
        )
    if not isinstance(value, str):
        raise ValueError(f"expected a date as text, got {_kind(value)}")
    if _RFC3339.fullmatch(value):
        # The shape nearly every record gives, read as `_read_text` would read it (none of its
        # other readers or rewrites applies to it) at a fraction of the cost;
        # tests/test_parse_shortcuts.py holds the two to the same result for any text.
        candidate = value[:-1] + "+00:00" if value[-1] in "Zz" else value
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            pass  # a day or offset out of range: the full reading says why
        else:
            return _localise(parsed, zone)
    return _read_text(value, zone)


def _read_text(value: str, zone: ZoneInfo) -> datetime:
    """A date written as text, read by every rule of this module."""
    text = value.strip()
    if not (text.isascii() and text.isprintable()):
        # The text rule of every field (articles.text): characters XML cannot carry removed,
        # a byte order mark or zero-width space at either end (copied text, joined files)
        # trimmed like white space.
        text = clean_text(text).strip(EDGE_INVISIBLE + " \t\n\r").strip()
    if not text:
        raise ValueError("expected a date, got empty text")
    if len(text) > 100:
        raise ValueError(f"cannot read {text[:40]!r}... as a date")
    return _parse_text(text, zone)


def _parse_text(text: str, zone: ZoneInfo) -> datetime:
    if not text.isascii():
        # Fullwidth digits and signs (`２０２５年７月３０日`), and ISO 8601's own minus sign.
        text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
        worded = _zone_in_words(text)
        if worded is not text:
            try:
                return _parse_text(worded, zone)
            except ValueError as exc:  # naming the text as given, then what it was read as
                raise ValueError(
                    f"{text!r} names its zone in words, read as {worded[worded.rindex('[') :]}: "
                    f"{exc}"
                ) from None
    _check_offset(text)
    if _EPOCH_TEXT.fullmatch(text):
        raise ValueError(
            f"cannot read {text!r} as a date: a bare number (epoch times are not accepted); "
            "give ISO 8601 such as 2025-07-30T09:00:00+09:00"
        )
    stray = _STRAY_SEPARATOR.search(text)
    if stray is not None:
        # dateutil skips what it cannot place, so `-2025-07-30`, `--2025-07-30` and
        # `2025-07-30-` all read as 30 July 2025 (and `-0001-07-30` as year 1).
        mark = stray.group().strip()
        if stray.start() == 0:
            what = f"a stray {mark!r} at its start"
        elif stray.end() == len(text):
            what = f"a stray {mark!r} at its end"
        else:
            what = f"a doubled {mark[0]!r}"
        raise ValueError(
            f"cannot read {text!r} as a date: {what}; "
            "give ISO 8601 such as 2025-07-30T09:00:00+09:00"
        )
    leap = _LEAP_SECOND.search(text)
    if leap:
        # POSIX time has no leap second: 23:59:60 is the instant 00:00:00 that follows it.
        before = text[: leap.start()] + "59" + text[leap.end() :]
        try:
            return _parse_text(before, zone) + timedelta(seconds=1)
        except ValueError as exc:  # naming the text as given, not as rewritten
            raise ValueError(str(exc).replace(repr(before), repr(text))) from None
    text = _offset_comment(text)
    text = _written_offset(text)
    comment = _COMMENT_AFTER_OFFSET.search(text)
    if comment is not None and comment.start() > 0:
        # JavaScript's `Date.toString()`: `... GMT+0900 (Korean Standard Time)`; the offset
        # counts and the zone's name in parentheses is a comment, as in RFC 5322.
        text = text[: comment.start()]
    if _TWO_OFFSETS.search(text):
        raise ValueError(
            f"cannot read {text!r} as a date: it gives two UTC offsets; give one, such as "
            "2025-07-30T09:00:00+09:00"
        )
    text = _name_before_offset(text)
    given = text
    text, named, critical = _zone_suffix(text)
    parsed = _read(text, named or zone)
    if (
        critical
        and named is not None
        and parsed.utcoffset() != parsed.astimezone(named).utcoffset()
    ):
        raise ValueError(
            f"{given!r}: its offset {parsed.strftime('%z')} is not {named.key}'s at that time"
        )
    # RFC 9557 3.4: an elective (not `!`) zone that disagrees with the offset yields to it.
    _check_summer_time(given, parsed)
    return parsed


def _check_summer_time(text: str, parsed: datetime) -> None:
    """Refuse `15:00 CET` (or EET, WET, MET) on a date its zone keeps summer time.

    The abbreviation is +01:00, the IANA zone of the same name +02:00 then (CEST): the two
    readings are an hour apart, and which one the writer meant cannot be told. A numeric
    offset given beside the name settles it (the name is then a comment or must agree).
    """
    name = _SUMMER_ZONE_NAMES.search(text)
    if name is None or _OFFSET_AFTER_TIME.search(text) or _UTC_AFTER_A_TIME.search(text):
        return
    upper = name.group(1).upper()
    standard = ZONE_ABBREVIATIONS[upper].utcoffset(None)
    local = parsed.astimezone(ZoneInfo(upper))
    if parsed.utcoffset() == standard and local.utcoffset() != standard:
        raise ValueError(
            f"{text!r}: {upper} is {_offset_text(standard)}, but the zone {upper} keeps summer "
            f"time ({local.tzname()}, {_offset_text(local.utcoffset() or standard)}) on "
            f"{local:%Y-%m-%d}, and which one is meant cannot be told; give the offset"
        )


def _read(text: str, zone: ZoneInfo) -> datetime:
    if text[-1] in _ZONE_ENDS:
        # ISO 8601's own `Z` first (the common case, read directly), then any other zone name.
        # `Z` right after the time only: `09:00:00AZ` is the unknown zone AZ, not UTC.
        iso_utc = text[-1] in "Zz" and text[-2:-1].isdigit()
        named = (_iso(text) if iso_utc else None) or _named_zone(text)
        if named is not None:
            _check_weekday(text, named)
            return _localise(named, zone)
    parsed = _east_asian(text) or _iso(text) or _rfc822(text) or _other(text)
    if parsed is None:
        raise ValueError(f"cannot read {text!r} as a date")
    _check_weekday(text, parsed)
    return _localise(parsed, zone)


def _check_offset(text: str) -> None:
    """Refuse a numeric UTC offset after the time whose hours pass 23 or minutes 59.

    RFC 3339 (`time-numoffset`), ISO 8601 and RFC 5322 (`zone`) write an offset's minutes as
    00 to 59; the readers here would add `+02:60` up to +03:00 and read the instant an hour
    off.
    """
    for match in _OFFSET_AFTER_TIME.finditer(text):
        if int(match["h"]) > 23 or int(match["m"]) > 59:
            offset = match.group(0)[match.start("sign") - match.start() :]
            raise ValueError(
                f"{text!r}: {offset} is not a UTC offset (hours 00 to 23, minutes 00 to 59)"
            )


def _check_weekday(text: str, value: datetime) -> None:
    """Refuse a date whose weekday, when the text names one, is not the day's own.

    RFC 5322 3.3: the day of the week "MUST be the day implied by the date"; in any form, a
    weekday that disagrees means the weekday or the date is a typo, and which one cannot be
    told. `value` is the date and time as written (before any change of zone).
    """
    named = [
        (m["name"], _WEEKDAY_NUMBERS[m["name"][:3].lower()])
        for m in _ENGLISH_WEEKDAY.finditer(text)
    ]
    east = _EAST_ASIAN.match(text) if not text.isascii() else None
    if east is not None:
        for group in ("wd", "wd2", "wd3"):
            if east[group]:
                named.append((east[group], _WEEKDAY_NUMBERS[east[group]]))
    for name, number in named:
        if number != value.weekday():
            full = _WEEKDAY_NAMES[number]
            said = name if name.lower() == full.lower() else f"{name} ({full})"
            raise ValueError(
                f"{text!r}: {value:%Y-%m-%d} is a {_WEEKDAY_NAMES[value.weekday()]}, not "
                f"{said}; correct the weekday or the date"
            )


def _zone_suffix(text: str) -> tuple[str, ZoneInfo | None, bool]:
    """The text without a trailing IANA zone name, that zone, and whether it is critical.

    Reads RFC 9557's suffixes (`...+09:00[Asia/Seoul]`, `[!Asia/Seoul]`, `[u-ca=gregory]`) and
    a zone name after the time (`2025-07-30 09:00 Asia/Seoul`). Raises ValueError for a zone
    name the IANA database does not have, or a critical (`!`) tag this reader does not know.
    """
    suffix = _SUFFIXES.search(text)
    if suffix is not None and suffix.start() > 0:
        named: ZoneInfo | None = None
        critical = False
        for item in re.findall(r"\[([^\[\]]*)\]", suffix.group(0)):
            key = item.removeprefix("!")
            if "=" in key:
                # A calendar or other tag: the instant is written in ISO 8601 whatever it says.
                if item.startswith("!") and not key.startswith("u-ca="):
                    raise ValueError(f"{text!r}: the critical tag [{item}] is not understood")
                continue
            named, critical = _zone_info(key, text), item.startswith("!")
        return text[: suffix.start()].rstrip(), named, critical
    after = _ZONE_NAME_AFTER.search(text)
    if after is not None and after.start() > 0:
        return text[: after.start()], _zone_info(after["name"], text), False
    legacy = _LEGACY_ZONE_AFTER.search(text)
    if legacy is not None and legacy.start() > 0 and legacy["name"].casefold() in _LEGACY_ZONES:
        return text[: legacy.start()], ZoneInfo(_LEGACY_ZONES[legacy["name"].casefold()]), False
    return text, None, False


def _zone_info(name: str, text: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{text!r}: {name} is not a time zone of the IANA database (such as Asia/Seoul)"
        ) from None


# A zone name right before a numeric offset at the end (`10:00 KST+09:00`, `10:00 KST +0900`,
# `10:00:00Z+09:00`, `JST+9`). dateutil reads a name glued to an offset as a POSIX TZ string,
# whose sign is inverted (`KST+09:00` at -09:00), and a spaced one without comparing the two.
_NAME_BEFORE_OFFSET = re.compile(
    r"(?<=[\d\s])(?P<name>[A-Za-z]{1,5})\s*(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?"
    r"(?P<year>\s+\d{4})?$"  # `date`'s and asctime's order: `Tue Jul  1 10:00:00 KST+09:00 2025`
)
# Two numeric offsets after a time of day (`10:00 +09:00 -05:00`): the text names two instants.
_TWO_OFFSETS = re.compile(
    r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[A-Za-z]{1,5}\s*)?[+-]\d\d:?\d\d\s+[+-]\d\d:?\d\d(?!\d)"
)


def _name_before_offset(text: str) -> str:
    """A zone name followed by a numeric offset, read as both are written: the name by
    `ZONE_ABBREVIATIONS` (unknown or ambiguous names refused), the offset with ISO 8601's sign
    (never POSIX's inverted one); refused when they disagree, else the text with the offset
    alone. `2025-07-30 10:00 KST+09:00` -> `2025-07-30 10:00 +0900`."""
    match = _NAME_BEFORE_OFFSET.search(text)
    if match is None or match["name"].lower() in _NOT_ZONES:
        return text
    name = match["name"].upper()
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    year = match["year"] or ""
    written = match.group(0)[len(match["name"]) : len(match.group(0)) - len(year)].strip()
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text!r}: {written} is not a UTC offset")
    zone = _zone_named(name, text)
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if match["sign"] == "-" else 1)
    if zone.utcoffset(None) != offset:
        named = zone.utcoffset(None) or timedelta(0)
        raise ValueError(
            f"{text!r} gives both the zone {name} ({_offset_text(named)}) and the offset "
            f"{written}, which disagree (an offset after a zone name is read as written, "
            "not with POSIX's inverted sign); give one of them"
        )
    return _with_offset(text[: match.start()].rstrip(), offset, year.strip())


def _offset_text(offset: timedelta) -> str:
    """`+09:00` for nine hours east of UTC, `-03:30`, `+00:00`."""
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _with_offset(rest: str, offset: timedelta, after: str = "") -> str:
    """`rest`, the text before a written zone, with `offset` in the numeric form the readers
    take: joined to an ISO 8601 date-time (`...T10:00:00+09:00`), else after a space
    (`... 10:00 +0900`), with `after` (what followed the zone: `date`'s year) after it."""
    numeric = _offset_text(offset)
    if not after and _ISO_START.match(rest) and "T" in rest.upper()[8:]:
        return rest + numeric
    return f"{rest} {numeric.replace(':', '')} {after}".rstrip()


# A zone named in words after an East Asian date (`2025년 7월 30일 오후 3:20 (한국시간)`,
# `15時20分 日本時間`, `下午3点20分 北京时间`): the IANA zone the words name.
LOCAL_TIME_WORDS: dict[str, str] = {
    "한국시간": "Asia/Seoul", "한국 시간": "Asia/Seoul", "한국 표준시": "Asia/Seoul",
    "서울시간": "Asia/Seoul", "서울 시간": "Asia/Seoul",
    "日本時間": "Asia/Tokyo", "日本標準時": "Asia/Tokyo", "東京時間": "Asia/Tokyo",
    "北京时间": "Asia/Shanghai", "北京時間": "Asia/Shanghai", "中国标准时间": "Asia/Shanghai",
    "中國標準時間": "Asia/Shanghai", "台北時間": "Asia/Taipei", "台灣時間": "Asia/Taipei",
    "臺灣時間": "Asia/Taipei", "台北时间": "Asia/Taipei", "香港時間": "Asia/Hong_Kong",
    "香港时间": "Asia/Hong_Kong",
}  # fmt: skip
_ZONE_WORDS_AFTER = re.compile(
    r"\s*(\()?\s*(?P<words>"
    + "|".join(re.escape(words).replace(r"\ ", r"\s*") for words in LOCAL_TIME_WORDS)
    + r")\s*(?(1)\))\s*$"
)


def _zone_in_words(text: str) -> str:
    """The text with a zone named in words at its end (`(한국시간)`, `北京时间`) written as the
    IANA zone it names, critical (`[!Asia/Seoul]`: an offset given beside it must agree), which
    `_zone_suffix` reads; in parentheses after a numeric offset it is a comment, as any is."""
    match = _ZONE_WORDS_AFTER.search(text)
    if match is None or match.start() == 0:
        return text
    if match[1] and _COMMENT_AFTER_OFFSET.search(text):
        return text  # a comment after a numeric offset (`GMT+0900 (한국 표준시)`)
    words = re.sub(r"\s+", " ", match["words"])
    zone = LOCAL_TIME_WORDS.get(words) or LOCAL_TIME_WORDS[words.replace(" ", "")]
    return f"{text[: match.start()]}[!{zone}]"


def _offset_comment(text: str) -> str:
    """The text without a comment after its numeric offset that writes the same offset
    (`+0900 (GMT+09:00)`, `-0330 (UTC-3:30)`): RFC 5322's comment, which `_written_offset`
    would read as a second offset. One that writes another offset is refused."""
    comment = _COMMENT_AFTER_OFFSET.search(text)
    if comment is None or comment.start() == 0:
        return text
    inner = _NAMED_OFFSET.fullmatch(comment.group().strip())
    if inner is None:
        return text
    before = text[: comment.start()]
    numeric = re.search(r"([+-])(\d\d):?(\d\d)$", before)
    assert numeric is not None  # what _COMMENT_AFTER_OFFSET's look-behind found
    given = timedelta(hours=int(numeric[2]), minutes=int(numeric[3]))
    said = timedelta(hours=int(inner["h"]), minutes=int(inner["m"] or 0))
    if (given * (-1 if numeric[1] == "-" else 1)) != (said * (-1 if inner["sign"] == "-" else 1)):
        raise ValueError(
            f"{text!r} gives the offset {numeric.group()} and, in parentheses, "
            f"{inner.group().strip('() ')}, which disagree; give one offset"
        )
    return before


def _written_offset(text: str) -> str:
    """`UTC+9` and `GMT+09:00` after the time as the numeric offset they write (`+0900`)."""
    match = _NAMED_OFFSET.search(text)
    if match is None or match.start() == 0:
        return text
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text!r}: {match.group(0).strip()} is not a UTC offset")
    # `GMT-0` is UTC (+00:00), not RFC 5322's -0000. Where `date` puts the zone, the offset
    # goes too (`Wed Jul 30 09:00:00 GMT+9 2025`).
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if match["sign"] == "-" else 1)
    rest, after = text[: match.start()].rstrip(), text[match.end() :].strip()
    return _with_offset(rest, offset, after)


_WORDS = re.compile(r"[A-Za-z]+")
# The words of an RFC 822 date without its zone: weekday and month names.
_DATE_WORDS = frozenset(
    [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
    ]
)
_ZONE_ENDS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz)")


def _named_zone(text: str) -> datetime | None:
    """A date ending in a zone name, read at that zone's offset; None when it ends otherwise.

    Raises ValueError for a zone name that is ambiguous or unknown.
    """
    match = _TRAILING_ZONE.search(text)
    if match is None:
        return None
    name = match.group(2).upper()
    rest = text[: match.start()].rstrip()
    if name in ("A", "P") and _RFC822_SHAPE.fullmatch(rest):
        # After an RFC 822 time a lone letter is a military zone, not a.m. or p.m.
        raise _ZoneError(
            f"{text!r}: {name} is one of RFC 822's military zones, whose offsets were written "
            "with the wrong sign (RFC 5322 4.3); give the offset instead, such as +09:00"
        )
    if name.lower() in _NOT_ZONES:
        return None
    in_parentheses = match.group(1) is not None
    if not rest:
        return None
    parsed = _east_asian(rest) or _iso(rest) or _rfc822(rest) or _other(rest)
    if parsed is not None and parsed.utcoffset() is not None and in_parentheses:
        return parsed  # `+0200 (CEST)`: the offset counts; the name is a comment (RFC 5322)
    offset = _zone_named(name, text)
    if parsed is None:
        raise ValueError(f"cannot read {text!r} as a date")
    if parsed.utcoffset() is None:
        return parsed.replace(tzinfo=offset)
    if parsed.utcoffset() != offset.utcoffset(None):
        raise ValueError(
            f"{text!r} gives both the offset {parsed.strftime('%z')} and the zone {name}, "
            "which disagree"
        )
    return parsed


def _localise(value: datetime, zone: ZoneInfo) -> datetime:
    # Years near the ends of the calendar overflow when shifted to UTC by the store or a writer.
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR} to {MAX_YEAR}")
    offset = value.utcoffset()
    if offset is None:
        value = value.replace(tzinfo=zone)
        offset = value.utcoffset()
    if offset is not None and (
        offset.seconds % 60 or offset.microseconds or abs(offset) > MAX_OFFSET
    ):
        # See whole_minute_offset. The date a feed writes is then the UTC one, whose year the
        # range holds too: `1000-01-01` in Seoul (+08:27:52 then) is 0999-12-31T15:32:08Z.
        in_utc = value.astimezone(UTC)
        if not MIN_YEAR <= in_utc.year <= MAX_YEAR:
            raise ValueError(
                f"{value.isoformat()} is written {in_utc.isoformat().replace('+00:00', 'Z')} "
                f"in feeds (an offset that is not a whole number of minutes, or beyond 14 "
                f"hours, is written in UTC), and year {in_utc.year} is outside {MIN_YEAR} to "
                f"{MAX_YEAR}"
            )
        return in_utc
    return value


def _east_asian(text: str) -> datetime | None:
    if text.isascii() and not _PERIOD_BEFORE_HOUR.search(text):
        # `2025-07-30 09:00` and the like: ISO 8601 and the readers after it. `2025.07.30 PM
        # 03:20`, as Korean sites write it, is this form with a.m. or p.m. before the hour.
        return None
    match = _EAST_ASIAN.match(text)
    if not match:
        return None
    if match["era"]:
        year = _ERAS[match["era"]] + (0 if match["ey"] == "元" else int(match["ey"]) - 1)
    else:
        year = int(match["y"])
    hour = int(match["h"] or 0)
    minute = 30 if match["half"] else int(match["mi"] or match["mi2"] or 0)
    second = int(match["s"] or match["s2"] or 0)
    if match["ampm"] and match["ampm2"]:
        raise ValueError(f"cannot read {text!r} as a date: it gives the time of day twice")
    period = match["ampm"] or match["ampm2"]
    if period:
        hour = _hour_in_period(text, period, hour)
    end_of_day = hour == 24 and not (minute or second or period)  # `24시`: 24:00
    try:
        value = datetime(year, int(match["m"]), int(match["d"]), 0 if end_of_day else hour,
                         minute, second)  # fmt: skip
    except ValueError:
        return None
    if end_of_day:
        value += timedelta(days=1)
    if match["offset"]:
        digits = match["offset"].replace(":", "")
        if digits in ("Z", "z"):
            return value.replace(tzinfo=UTC)
        minutes = int(digits[1:3]) * 60 + int(digits[3:5] or 0)
        if minutes >= 24 * 60:
            return None
        sign = -1 if digits[0] == "-" else 1
        return value.replace(tzinfo=timezone(sign * timedelta(minutes=minutes)))
    return value


def _hour_in_period(text: str, period: str, hour: int) -> int:
    """The hour on a 24-hour clock that `hour` (on a 12-hour clock) names in the time of day
    `period` (DAY_PERIODS); raises ValueError saying why when it names none.

    오전 12시 is midnight and 오후 12시 noon, as on a 12-hour clock; Japan's 午前0時 and 午後0時
    are the same two times.
    """
    word = period.replace(".", "").upper() if period.isascii() else period
    if word not in DAY_PERIODS:
        raise ValueError(
            f"cannot read {text!r} as a date: {period!r} is not a time of day this importer "
            f"knows (such as 오전, 오후, 밤, 午後, 下午, 晚上); give the time on a 24-hour clock"
        )
    start, end = DAY_PERIODS[word]
    if hour > 12:
        raise ValueError(
            f"cannot read {text!r} as a date: {hour} is an hour of a 24-hour clock, and {period} "
            "is said of one on a 12-hour clock; write one of the two"
        )
    named = [h for h in (hour % 12, hour % 12 + 12) if start <= h < end]
    if len(named) != 1:
        raise ValueError(
            f"cannot read {text!r} as a date: {period} is said of {start:02d}:00 to "
            f"{end:02d}:00, and {hour} o'clock is not in it; give the time on a 24-hour clock"
        )
    return named[0]


def _iso(text: str) -> datetime | None:
    if not _ISO_START.match(text) or _MONTH_OR_WEEK.fullmatch(text):
        return None  # `2025-07` and `2025-W31` name a month and a week, not a day
    candidate = text[:-1] + "+00:00" if text[-1:] in "Zz" else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    try:
        parsed = dateutil_parser.isoparse(text)
    except (ValueError, OverflowError):
        return None
    week = _ISO_WEEK.match(text)
    if week is not None:
        year, number = int(week["year"]), int(week["week"])
        weeks = date(year, 12, 28).isocalendar().week  # the last week holds 28 December
        if number > weeks:
            # dateutil counts on into the next year (`2025-W53-1` as 2026-W01-1).
            raise ValueError(
                f"cannot read {text!r} as a date: {year} has {weeks} ISO weeks, not {number}"
            )
    return parsed


def _rfc822(text: str) -> datetime | None:
    words = _WORDS.findall(text)
    # The email parser ignores a word it does not know (`PM`, a zone name inside the text such
    # as `CEST 2025`) and would read such a date wrongly; dateutil reads those (`_other`).
    if not words or any(word.lower() not in _DATE_WORDS for word in words):
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None and re.search(r"-0000\b", text):
        # RFC 5322: -0000 is UTC with no claim about the writer's local zone.
        return parsed.replace(tzinfo=UTC)
    return parsed


def _other(text: str) -> datetime | None:
    if not re.search(r"\d", text):
        return None
    results = set()
    # A year written first is followed by the month (`2024/11/03`: 3 November), as in ISO 8601
    # and every year-first convention; only day and month without the year first can swap.
    orders = (False,) if _YEAR_FIRST.match(text) else (False, True)
    for default in _DEFAULTS:
        for dayfirst in orders:
            try:
                results.add(
                    dateutil_parser.parse(
                        text, default=default, dayfirst=dayfirst, tzinfos=_dateutil_zone
                    )
                )
            except _ZoneError:
                raise
            except (ValueError, OverflowError, TypeError):
                return None
    # A complete, unambiguous date gives one result whatever the default and day order. Both
    # defaults are midnight, so a date without a time of day agrees and means that day's start;
    # `07/08/2025` (July 8 or 7 August?) gives two results and is refused.
    if len(results) != 1:
        return None
    result = results.pop()
    if _NUMERIC_SHORT_YEAR.match(text):
        # `25-07-30` and `25.7.30` are 2025-07-30 where the year comes first (Korea, Japan,
        # China) and 25 July 2030 where it comes last: only a four-digit year tells.
        try:
            year_first = dateutil_parser.parse(text, default=_DEFAULTS[0], yearfirst=True)
        except (ValueError, OverflowError, TypeError):
            year_first = result
        if year_first != result:
            raise ValueError(
                f"cannot read {text!r} as a date: its two-digit year could come first or last "
                f"({year_first:%Y-%m-%d} or {result:%Y-%m-%d}); write the year in full"
            )
    return result


class _ZoneError(ValueError):
    """A zone name that names no single offset: the date is refused with this reason."""


def _zone_named(name: str, text: str) -> timezone:
    """The offset of a zone abbreviation; raises _ZoneError when it is ambiguous or unknown."""
    upper = name.upper()
    if upper in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[upper]
    if upper in AMBIGUOUS_ZONES:
        raise _ZoneError(
            f"{text!r}: the zone {upper} names several zones ({AMBIGUOUS_ZONES[upper]}); "
            "give the offset instead, such as +05:30"
        )
    raise _ZoneError(
        f"{text!r}: {upper} is not a time zone this importer knows; give the offset instead, "
        "such as +09:00"
    )


def _dateutil_zone(name: str | None, offset: int | None) -> timezone | None:
    """dateutil's `tzinfos` hook: a numeric offset as it is, a zone name by our table."""
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if not name:
        return None
    return _zone_named(name, name)


def _kind(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


__all__ = [
    "AMBIGUOUS_ZONES",
    "ZONE_ABBREVIATIONS",
    "parse_datetime",
    "whole_minute_offset",
]
