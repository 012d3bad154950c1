"""HTTP-dates as conditional requests carry them (RFC 9110 5.6.7), read strictly.

`If-Modified-Since` and `If-Unmodified-Since` are ignored unless they hold one valid HTTP-date
(RFC 9110 13.1.3, 13.1.4): a value in another form, a list of dates or an impossible day
must not decide the answer (a valid date later than the server's clock does decide it). A
lenient parser (e.g. `email.utils`, which Werkzeug's `parse_date` uses) reads `+0900` zones,
missing weekdays, lower-case names and two-digit years, and would turn such a header into a
304. The grammar, all three forms, case-sensitive (`%s"GMT"` in the RFC's ABNF):

    IMF-fixdate  = day-name "," SP 2DIGIT SP month SP 4DIGIT SP time-of-day SP "GMT"
    rfc850-date  = day-name-l "," SP 2DIGIT "-" month "-" 2DIGIT SP time-of-day SP "GMT"
    asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP 4DIGIT

A recipient MUST accept all three. The weekday is read by the grammar only (not checked
against the date, as nginx does not). A leap second (`:60`, which the grammar allows but no
`Last-Modified` of ours holds) is not read, as nginx does not read it: such a header is
ignored. The static export's nginx config matches the same grammar (`feeds.export.nginx`,
built from the patterns below), so the two answer alike.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final

DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LONG_DAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The parts of the three forms as regular expressions (PCRE and Python alike), each field
# captured: DAY2 the day of the month, YEAR4 / YEAR2 the year, CLOCK hour, minute, second.
_DAY = "(?:" + "|".join(DAY_NAMES) + ")"
_LONG_DAY = "(?:" + "|".join(LONG_DAY_NAMES) + ")"
MONTH: Final = "(" + "|".join(MONTHS) + ")"
DAY2: Final = "(0[1-9]|[12][0-9]|3[01])"
ASCTIME_DAY: Final = "( [1-9]|0[1-9]|[12][0-9]|3[01])"
CLOCK: Final = "([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])"

# (pattern, field order): the order names which group is day, month, year, hour, minute, second.
IMF_FIXDATE: Final = rf"{_DAY}, {DAY2} {MONTH} ([0-9]{{4}}) {CLOCK} GMT"
RFC850_DATE: Final = rf"{_LONG_DAY}, {DAY2}-{MONTH}-([0-9]{{2}}) {CLOCK} GMT"
ASCTIME_DATE: Final = rf"{_DAY} {MONTH} {ASCTIME_DAY} {CLOCK} ([0-9]{{4}})"
HTTP_DATE: Final = f"{IMF_FIXDATE}|{RFC850_DATE}|{ASCTIME_DATE}"

_IMF = re.compile(IMF_FIXDATE)
_RFC850 = re.compile(RFC850_DATE)
_ASCTIME = re.compile(ASCTIME_DATE)


def rfc850_year(two_digits: int, now: datetime) -> int:
    """The year of an rfc850-date's two digits (RFC 9110 5.6.7): the year with those last
    digits in `now`'s century, or the one before when that is more than 50 years ahead."""
    year = now.year - now.year % 100 + two_digits
    return year - 100 if year > now.year + 50 else year


def parse_http_date(value: str | None, now: datetime | None = None) -> datetime | None:
    """The aware UTC datetime of one HTTP-date in any of its three forms, or None when
    `value` is None or not exactly one valid HTTP-date (another form, a list, a day the
    month does not have, surrounding text). Leading and trailing blanks (OWS) are allowed.

    `now` (aware) places an rfc850-date's two-digit year; default the current time.
    """
    if value is None:
        return None
    text = value.strip(" \t")
    if match := _IMF.fullmatch(text):
        day, month, year, hour, minute, second = match.groups()
        full_year = int(year)
    elif match := _RFC850.fullmatch(text):
        day, month, year, hour, minute, second = match.groups()
        full_year = rfc850_year(int(year), now or datetime.now(UTC))
    elif match := _ASCTIME.fullmatch(text):
        month, day, hour, minute, second, year = match.groups()
        full_year = int(year)
    else:
        return None
    try:
        return datetime(
            full_year,
            MONTHS.index(month) + 1,
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=UTC,
        )
    except ValueError:  # 31 Apr, 29 Feb of a common year, year 0000
        return None


def if_modified_since(value: str | None, now: datetime) -> datetime | None:
    """The date of an `If-Modified-Since` header to compare with, or None when it is to be
    ignored: absent or not one valid HTTP-date (RFC 9110 13.1.3). `now` (the server's clock,
    aware) places a two-digit rfc850 year.

    A valid date later than the clock is compared like any other, as RFC 9110 has it (a
    Last-Modified not after it gets 304) and as nginx and the aggregators' probes expect;
    RFC 2616 14.25 called such a date invalid, and RFC 7232 dropped that rule."""
    return parse_http_date(value, now)
