"""Every date rule of the article records.

Accepted: ISO 8601 / RFC 3339 (`2025-07-30T09:00:00+09:00`, `2025-07-30`), RFC 822 / RFC 1123
(`Wed, 30 Jul 2025 09:00:00 +0900`), Korean dates (`2025년 7월 30일`, `2025년 7월 30일 오후 3:20`,
`2025년 7월 30일 15시 20분`) and other complete dates python-dateutil can read without guessing
(`2025/07/30 09:00`), plus `datetime` and `date` objects. A value without a zone is read in the
given zone (the site's, Asia/Seoul by default); a date without a time is the start of that day
in that zone. Numbers are refused: epoch seconds are too easy to confuse with milliseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

from articles.errors import InvalidArticle

# `2025년 7월 30일`, optionally a weekday `(수)`, then `오후 3:20[:05]` or `15시 20분 [5초]`.
_KOREAN = re.compile(
    r"^(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일\.?"
    r"(?:\s*\(?[월화수목금토일](?:요일)?\)?)?"
    r"(?:\s*(?P<ampm>오전|오후)?\s*(?P<h>\d{1,2})"
    r"(?::(?P<mi>\d{2})(?::(?P<s>\d{2}))?|\s*시(?:\s*(?P<mi2>\d{1,2})\s*분)?(?:\s*(?P<s2>\d{1,2})\s*초)?))?"
    r"$"
)
MIN_YEAR, MAX_YEAR = 1000, 9998
_ISO_START = re.compile(r"^\d{4}-?\d{2}")
# Two far-apart defaults: a field dateutil filled in from the default differs between them,
# which tells us the text left something out (`July 2025`) and would be read differently
# depending on today's date.
_DEFAULTS = (datetime(2001, 1, 1, 0, 0, 0), datetime(2002, 2, 2, 0, 0, 0))


def parse_datetime(
    value: object, *, zone: ZoneInfo | None = None, where: str = "", field: str = ""
) -> datetime:
    """Read a date or date-time into an aware datetime that keeps the offset it was given with.

    Raises ValueError with `cannot read '<value>' as a date`, or InvalidArticle naming `where`
    and `field` when either is given.
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
    text = value.strip()
    if not text:
        raise ValueError("expected a date, got empty text")
    if len(text) > 100:
        raise ValueError(f"cannot read {text[:40]!r}... as a date")
    parsed = _korean(text) or _iso(text) or _rfc822(text) or _other(text)
    if parsed is None:
        raise ValueError(f"cannot read {text!r} as a date")
    return _localise(parsed, zone)


def _localise(value: datetime, zone: ZoneInfo) -> datetime:
    # Years near the ends of the calendar overflow when shifted to UTC by the store or a writer.
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR} to {MAX_YEAR}")
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=zone)
    return value


def _korean(text: str) -> datetime | None:
    match = _KOREAN.match(text)
    if not match:
        return None
    hour = int(match["h"] or 0)
    minute = int(match["mi"] or match["mi2"] or 0)
    second = int(match["s"] or match["s2"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        # 오전 12시 is midnight and 오후 12시 noon, as on a 12-hour clock.
        hour = hour % 12 + (12 if match["ampm"] == "오후" else 0)
    try:
        return datetime(int(match["y"]), int(match["m"]), int(match["d"]), hour, minute, second)
    except ValueError:
        return None


def _iso(text: str) -> datetime | None:
    if not _ISO_START.match(text):
        return None
    candidate = text[:-1] + "+00:00" if text[-1:] in "Zz" else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    try:
        return dateutil_parser.isoparse(text)
    except (ValueError, OverflowError):
        return None


def _rfc822(text: str) -> datetime | None:
    if not re.search(r"[A-Za-z]{3}", text):
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None and text.endswith("-0000"):
        # RFC 5322: -0000 is UTC with no claim about the writer's local zone.
        return parsed.replace(tzinfo=UTC)
    return parsed


def _other(text: str) -> datetime | None:
    if not re.search(r"\d", text):
        return None
    results = set()
    for default in _DEFAULTS:
        for dayfirst in (False, True):
            try:
                results.add(dateutil_parser.parse(text, default=default, dayfirst=dayfirst))
            except (ValueError, OverflowError, TypeError):
                return None
    # A complete, unambiguous date gives one result whatever the default and day order. Both
    # defaults are midnight, so a date without a time of day agrees and means that day's start;
    # `07/08/2025` (July 8 or 7 August?) gives two results and is refused.
    return results.pop() if len(results) == 1 else None


def _kind(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def format_rfc3339(value: datetime) -> str:
    """`2025-07-30T00:00:00+09:00`: seconds precision, the value's own offset, `Z` for UTC."""
    _require_aware(value)
    text = value.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def format_rfc822(value: datetime) -> str:
    """`Wed, 30 Jul 2025 00:00:00 +0900`: RFC 822 with a 4-digit year and a numeric offset."""
    _require_aware(value)
    return format_datetime(value.replace(microsecond=0))


def _require_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"datetime {value.isoformat()} has no time zone")


__all__ = ["format_rfc3339", "format_rfc822", "parse_datetime"]
