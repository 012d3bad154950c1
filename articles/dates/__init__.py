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

This module reads a value through every rule, in order; the rules of each kind live beside it:
`standard` (ISO 8601 / RFC 3339, RFC 822), `east_asian` (Korean, Japanese and Chinese dates),
`words` (times of day and weekday names) and `zones` (zone names, UTC offsets and the two rules
above). Dates that python-dateutil reads are read here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

from articles.dates.east_asian import EAST_ASIAN, read_east_asian
from articles.dates.standard import RFC822_SHAPE, RFC3339, read_iso, read_rfc822
from articles.dates.words import ENGLISH_WEEKDAY, WEEKDAY_NAMES, WEEKDAY_NUMBERS
from articles.dates.zones import (
    AMBIGUOUS_ZONES,
    COMMENT_AFTER_OFFSET,
    MAX_OFFSET,
    NOT_ZONES,
    TRAILING_ZONE,
    TWO_OFFSETS,
    ZONE_ABBREVIATIONS,
    ZoneError,
    check_offset,
    check_summer_time,
    dateutil_zone,
    name_before_offset,
    offset_comment,
    whole_minute_offset,
    written_offset,
    zone_in_words,
    zone_named,
    zone_suffix,
)
from articles.errors import InvalidArticle
from articles.text import EDGE_INVISIBLE, clean_text

# A leap second (RFC 3339 5.6 `23:59:60Z`, RFC 5322 `23:59:60 +0000`).
_LEAP_SECOND = re.compile(r"(?<=\d:[0-5]\d:)60(?:[.,]\d+)?(?!\d)")
# Digits only: an epoch time written as text, or no date at all.
_EPOCH_TEXT = re.compile(r"[+-]?\d{9,}(?:[.,]\d+)?")
# A date of numbers only whose year has two digits (`25-07-30`, `30.07.25`), also behind an
# apostrophe that marks a year cut short (`'25.07.30`), which dateutil skips.
_NUMERIC_SHORT_YEAR = re.compile(
    r"^['\u2018\u2019]?\d{1,2}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}(?!\d)"
)
MIN_YEAR, MAX_YEAR = 1000, 9998
_YEAR_FIRST = re.compile(r"^\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}\b")
# Two far-apart defaults: a field dateutil filled in from the default differs between them,
# which tells us the text left something out (`July 2025`) and would be read differently
# depending on today's date.
_DEFAULTS = (datetime(2001, 1, 1, 0, 0, 0), datetime(2002, 2, 2, 0, 0, 0))
# A sign or separator at either end of a date, or two together: no form of date has one
# (a trailing `.` does: `2025. 7. 30.`), and a lenient reader would skip it.
_STRAY_SEPARATOR = re.compile(r"^\s*[-+/,:]+|[-+/,:]+\s*$|--|//|,,|::")
_ZONE_ENDS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz)")


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
    if RFC3339.fullmatch(value):
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
    """A date written as text, read by every rule of this package."""
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
        worded = zone_in_words(text)
        if worded is not text:
            try:
                return _parse_text(worded, zone)
            except ValueError as exc:  # naming the text as given, then what it was read as
                raise ValueError(
                    f"{text!r} names its zone in words, read as {worded[worded.rindex('[') :]}: "
                    f"{exc}"
                ) from None
    check_offset(text)
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
    text = offset_comment(text)
    text = written_offset(text)
    comment = COMMENT_AFTER_OFFSET.search(text)
    if comment is not None and comment.start() > 0:
        # JavaScript's `Date.toString()`: `... GMT+0900 (Korean Standard Time)`; the offset
        # counts and the zone's name in parentheses is a comment, as in RFC 5322.
        text = text[: comment.start()]
    if TWO_OFFSETS.search(text):
        raise ValueError(
            f"cannot read {text!r} as a date: it gives two UTC offsets; give one, such as "
            "2025-07-30T09:00:00+09:00"
        )
    text = name_before_offset(text)
    given = text
    text, named, critical = zone_suffix(text)
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
    check_summer_time(given, parsed)
    return parsed


def _read(text: str, zone: ZoneInfo) -> datetime:
    if text[-1] in _ZONE_ENDS:
        # ISO 8601's own `Z` first (the common case, read directly), then any other zone name.
        # `Z` right after the time only: `09:00:00AZ` is the unknown zone AZ, not UTC.
        iso_utc = text[-1] in "Zz" and text[-2:-1].isdigit()
        named = (read_iso(text) if iso_utc else None) or _named_zone(text)
        if named is not None:
            _check_weekday(text, named)
            return _localise(named, zone)
    parsed = read_east_asian(text) or read_iso(text) or read_rfc822(text) or _other(text)
    if parsed is None:
        raise ValueError(f"cannot read {text!r} as a date")
    _check_weekday(text, parsed)
    return _localise(parsed, zone)


def _check_weekday(text: str, value: datetime) -> None:
    """Refuse a date whose weekday, when the text names one, is not the day's own.

    RFC 5322 3.3: the day of the week "MUST be the day implied by the date"; in any form, a
    weekday that disagrees means the weekday or the date is a typo, and which one cannot be
    told. `value` is the date and time as written (before any change of zone).
    """
    named = [
        (m["name"], WEEKDAY_NUMBERS[m["name"][:3].lower()]) for m in ENGLISH_WEEKDAY.finditer(text)
    ]
    east = EAST_ASIAN.match(text) if not text.isascii() else None
    if east is not None:
        for group in ("wd", "wd2", "wd3"):
            if east[group]:
                named.append((east[group], WEEKDAY_NUMBERS[east[group]]))
    for name, number in named:
        if number != value.weekday():
            full = WEEKDAY_NAMES[number]
            said = name if name.lower() == full.lower() else f"{name} ({full})"
            raise ValueError(
                f"{text!r}: {value:%Y-%m-%d} is a {WEEKDAY_NAMES[value.weekday()]}, not "
                f"{said}; correct the weekday or the date"
            )


def _named_zone(text: str) -> datetime | None:
    """A date ending in a zone name, read at that zone's offset; None when it ends otherwise.

    Raises ValueError for a zone name that is ambiguous or unknown.
    """
    match = TRAILING_ZONE.search(text)
    if match is None:
        return None
    name = match.group(2).upper()
    rest = text[: match.start()].rstrip()
    if name in ("A", "P") and RFC822_SHAPE.fullmatch(rest):
        # After an RFC 822 time a lone letter is a military zone, not a.m. or p.m.
        raise ZoneError(
            f"{text!r}: {name} is one of RFC 822's military zones, whose offsets were written "
            "with the wrong sign (RFC 5322 4.3); give the offset instead, such as +09:00"
        )
    if name.lower() in NOT_ZONES:
        return None
    in_parentheses = match.group(1) is not None
    if not rest:
        return None
    parsed = read_east_asian(rest) or read_iso(rest) or read_rfc822(rest) or _other(rest)
    if parsed is not None and parsed.utcoffset() is not None and in_parentheses:
        return parsed  # `+0200 (CEST)`: the offset counts; the name is a comment (RFC 5322)
    if parsed is None:
        # Nothing before the last word is a date, so the word is no zone of a date either
        # (`not a date` is no date in the unknown zone DATE): refused as no date.
        raise ValueError(f"cannot read {text!r} as a date")
    offset = zone_named(name, text)
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
                        text, default=default, dayfirst=dayfirst, tzinfos=dateutil_zone
                    )
                )
            except ZoneError:
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
