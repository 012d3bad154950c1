"""Zone names and UTC offsets: the table of abbreviations, IANA names, and numeric offsets.

Reads a zone after the time as it is written (`UTC+9` is +09:00, never POSIX's inverted sign;
`KST+09:00` must agree with itself; RFC 9557's `[Asia/Seoul]`), refuses a name that names no
single offset, and checks a numeric offset's hours and minutes as written. `whole_minute_offset`
keeps every offset one a feed can spell (see `articles.dates`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from articles.dates.standard import ISO_START

# The largest UTC offset XML Schema's dateTime allows (Atom's dates are checked against it).
MAX_OFFSET = timedelta(hours=14)
# `UTC+9`, `GMT+09:00`, `UTC -3:30`, `(UTC+9)`: the offset as written (ISO 8601's sign, the one
# people and Windows' zone names use), never POSIX's inverted `GMT+9` that dateutil reads.
# Not inside an IANA zone name (`Etc/GMT+9`, `[GMT+0]`), whose sign is POSIX's and part of it.
_NAMED_OFFSET = re.compile(
    r"(?<![A-Za-z/\[!])\(?(?:UTC|GMT|UT)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?(?!\d)\)?",
    re.IGNORECASE,
)
# A comment in parentheses after a numeric offset (`GMT+0900 (Korean Standard Time)`).
COMMENT_AFTER_OFFSET = re.compile(r"(?:(?<=[+-]\d\d:\d\d)|(?<=[+-]\d{4}))\s*\([^()]{1,60}\)\s*$")
# RFC 9557's suffixes (`[Asia/Seoul]`, `[!Europe/Berlin]`, `[u-ca=gregory]`), as Java's
# ZonedDateTime writes them, or a zone name after the time (`2025-07-30 09:00 Asia/Seoul`).
_SUFFIXES = re.compile(r"(?:\[[^\[\]]*\])+$")
_ZONE_NAME_AFTER = re.compile(r"\s+\(?(?P<name>[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+)\)?$")
# A numeric UTC offset right after a time of day (`09:00:00+02:00`, `09:00 +0200`,
# `T090000+0200`, `15시 20분 +0900`, `GMT+0200`): its hours and minutes are checked as written,
# since every reader adds minutes 60 and over to the hours in silence (`+02:60` read as +03:00).
_OFFSET_AFTER_TIME = re.compile(
    r"(?:\d:\d\d(?::\d\d(?:[.,]\d+)?)?|[Tt]\d{2,6}(?:[.,]\d+)?|[시분초時分秒点點])"
    r"\s*(?:[AaPp]\.?[Mm]\.?\s*)?(?:(?:GMT|UTC|UT)\s*)?"
    r"(?P<sign>[+-])(?P<h>\d\d):?(?P<m>\d\d)(?![\d:])"
)


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
NOT_ZONES = frozenset({
    "am", "pm", "a", "p", "st", "nd", "rd", "th",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "jan", "feb", "mar", "apr", "may", "jun", "june", "jul", "july", "aug", "sep", "sept",
    "oct", "nov", "dec",
})  # fmt: skip
# A zone name at the end: after a digit, space or `(` (`09:00 CEST`, `09:00Z`, `+0200 (CEST)`).
TRAILING_ZONE = re.compile(r"(?:(?<=[\d\s])|(?<=^))(\()?([A-Za-z]{1,5})(?(1)\))\s*$")


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


def check_offset(text: str) -> None:
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


def check_summer_time(text: str, parsed: datetime) -> None:
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


def zone_suffix(text: str) -> tuple[str, ZoneInfo | None, bool]:
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
TWO_OFFSETS = re.compile(
    r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[A-Za-z]{1,5}\s*)?[+-]\d\d:?\d\d\s+[+-]\d\d:?\d\d(?!\d)"
)


def name_before_offset(text: str) -> str:
    """A zone name followed by a numeric offset, read as both are written: the name by
    `ZONE_ABBREVIATIONS` (unknown or ambiguous names refused), the offset with ISO 8601's sign
    (never POSIX's inverted one); refused when they disagree, else the text with the offset
    alone. `2025-07-30 10:00 KST+09:00` -> `2025-07-30 10:00 +0900`."""
    match = _NAME_BEFORE_OFFSET.search(text)
    if match is None or match["name"].lower() in NOT_ZONES:
        return text
    name = match["name"].upper()
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    year = match["year"] or ""
    written = match.group(0)[len(match["name"]) : len(match.group(0)) - len(year)].strip()
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text!r}: {written} is not a UTC offset")
    zone = zone_named(name, text)
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
    if not after and ISO_START.match(rest) and "T" in rest.upper()[8:]:
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


def zone_in_words(text: str) -> str:
    """The text with a zone named in words at its end (`(한국시간)`, `北京时间`) written as the
    IANA zone it names, critical (`[!Asia/Seoul]`: an offset given beside it must agree), which
    `zone_suffix` reads; in parentheses after a numeric offset it is a comment, as any is."""
    match = _ZONE_WORDS_AFTER.search(text)
    if match is None or match.start() == 0:
        return text
    if match[1] and COMMENT_AFTER_OFFSET.search(text):
        return text  # a comment after a numeric offset (`GMT+0900 (한국 표준시)`)
    words = re.sub(r"\s+", " ", match["words"])
    zone = LOCAL_TIME_WORDS.get(words) or LOCAL_TIME_WORDS[words.replace(" ", "")]
    return f"{text[: match.start()]}[!{zone}]"


def offset_comment(text: str) -> str:
    """The text without a comment after its numeric offset that writes the same offset
    (`+0900 (GMT+09:00)`, `-0330 (UTC-3:30)`): RFC 5322's comment, which `written_offset`
    would read as a second offset. One that writes another offset is refused."""
    comment = COMMENT_AFTER_OFFSET.search(text)
    if comment is None or comment.start() == 0:
        return text
    inner = _NAMED_OFFSET.fullmatch(comment.group().strip())
    if inner is None:
        return text
    before = text[: comment.start()]
    numeric = re.search(r"([+-])(\d\d):?(\d\d)$", before)
    assert numeric is not None  # what COMMENT_AFTER_OFFSET's look-behind found
    given = timedelta(hours=int(numeric[2]), minutes=int(numeric[3]))
    said = timedelta(hours=int(inner["h"]), minutes=int(inner["m"] or 0))
    if (given * (-1 if numeric[1] == "-" else 1)) != (said * (-1 if inner["sign"] == "-" else 1)):
        raise ValueError(
            f"{text!r} gives the offset {numeric.group()} and, in parentheses, "
            f"{inner.group().strip('() ')}, which disagree; give one offset"
        )
    return before


def written_offset(text: str) -> str:
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


class ZoneError(ValueError):
    """A zone name that names no single offset: the date is refused with this reason."""


def zone_named(name: str, text: str) -> timezone:
    """The offset of a zone abbreviation; raises ZoneError when it is ambiguous or unknown."""
    upper = name.upper()
    if upper in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[upper]
    if upper in AMBIGUOUS_ZONES:
        raise ZoneError(
            f"{text!r}: the zone {upper} names several zones ({AMBIGUOUS_ZONES[upper]}); "
            "give the offset instead, such as +05:30"
        )
    raise ZoneError(
        f"{text!r}: {upper} is not a time zone this importer knows; give the offset instead, "
        "such as +09:00"
    )


def dateutil_zone(name: str | None, offset: int | None) -> timezone | None:
    """dateutil's `tzinfos` hook: a numeric offset as it is, a zone name by our table."""
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if not name:
        return None
    return zone_named(name, name)


__all__ = [
    "AMBIGUOUS_ZONES",
    "COMMENT_AFTER_OFFSET",
    "MAX_OFFSET",
    "NOT_ZONES",
    "TRAILING_ZONE",
    "TWO_OFFSETS",
    "ZONE_ABBREVIATIONS",
    "ZoneError",
    "LOCAL_TIME_WORDS",
    "check_offset",
    "offset_comment",
    "zone_in_words",
    "check_summer_time",
    "dateutil_zone",
    "name_before_offset",
    "whole_minute_offset",
    "written_offset",
    "zone_named",
    "zone_suffix",
]
