"""The standard forms: ISO 8601 / RFC 3339 and RFC 822 / RFC 1123.

Each reader returns None for text not in its form, for the next reader to try.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

# ISO 8601 reduced precision: a month or a week, not a day.
_MONTH_OR_WEEK = re.compile(r"\d{4}-\d{2}|\d{4}-?W\d{2}", re.IGNORECASE)
# An ISO 8601 week date's year and week (`2025-W31-3`, `2025W313`).
_ISO_WEEK = re.compile(r"^(?P<year>\d{4})-?[Ww](?P<week>\d{2})")
# An RFC 822 date and time, without its zone (`Wed, 30 Jul 2025 09:00:00`).
RFC822_SHAPE = re.compile(
    r"(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
)
# RFC 3339's date-time with seconds and an offset, no leap second and hours 00 to 23
# (`2025-07-30T09:00:00+09:00`, `2025-07-30T00:00:00.5Z`), ASCII digits only.
RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
ISO_START = re.compile(r"^\d{4}-?(?:\d{2}|[Ww]\d)")
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


def read_iso(text: str) -> datetime | None:
    if not ISO_START.match(text) or _MONTH_OR_WEEK.fullmatch(text):
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


def read_rfc822(text: str) -> datetime | None:
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


__all__ = ["ISO_START", "RFC822_SHAPE", "RFC3339", "read_iso", "read_rfc822"]
