"""Dates as the feed formats write them: RFC 3339 (Atom, JSON Feed) and RFC 822 (RSS).

Both keep the instant. A value is written with its own offset when that offset is a whole
number of minutes (what both formats can spell: `+09:00`, `+0900`); otherwise (local mean time
before a zone was standardised, e.g. Asia/Seoul's +08:27:52 before 1908) it is written in UTC,
since `+08:27:52` is not RFC 3339 and `+082752` not RFC 822. A zero offset is written `Z` in
RFC 3339 and `+0000` in RFC 822.

Errors: ValueError for a naive datetime (the model only holds aware ones; a naive one is a bug).
"""

from __future__ import annotations

from datetime import UTC, datetime

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def writable(value: datetime) -> datetime:
    """The same instant with an offset both formats can spell: its own, or UTC."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"datetime {value.isoformat()} has no time zone")
    # timedelta normalises a negative offset to days=-1 plus positive seconds, so whole
    # minutes are `seconds % 60 == 0` either way.
    if offset.seconds % 60 or offset.microseconds:
        return value.astimezone(UTC)
    return value


def rfc822_writable(value: datetime) -> datetime:
    """The same instant with an offset RSS readers take as written: whole hours or half
    hours (`+0900`, `+0530`, `-0330`); any other offset (`+0545`) as UTC."""
    value = writable(value)
    offset = value.utcoffset()
    assert offset is not None  # writable refuses a naive value
    if offset.seconds % 1800:
        return value.astimezone(UTC)
    return value


def rfc3339(value: datetime) -> str:
    """`2025-07-30T09:00:00+09:00`: whole seconds (`Z` for UTC).

    A fraction of a second is dropped, as RFC 822 must drop it in RSS: the three formats then
    give one instant, and readers that keep whole seconds (feedparser's `*_parsed`, a
    `time.struct_time`) read exactly what was written. Deletion times (RFC 6721 `when`, and
    the feed's `updated` when a deletion is its newest change) are stamped by the clock with
    microseconds; every other date of a record is rarely finer.
    """
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"datetime {value.isoformat()} has no time zone")
    if value.microsecond:
        value = value.replace(microsecond=0)
    # Inlined `writable` (one call per date of every entry: the render loop's hot path).
    if offset.seconds % 60 or offset.microseconds:
        return value.astimezone(UTC).isoformat()[:-6] + "Z"
    if not offset:
        return value.isoformat()[:-6] + "Z"
    return value.isoformat()


def rfc822(value: datetime) -> str:
    """`Wed, 30 Jul 2025 09:00:00 +0900`: four-digit year, numeric offset, whole seconds (RFC 822
    has no fractions: they are dropped). Independent of the process locale.

    The same text as `email.utils.format_datetime` of the value (what this wrote before, and
    what the tests compare it with), without its `strftime("%z")`, which cost more than the
    rest of an RSS item's date. An offset of other than whole or half hours is written as UTC
    (`rfc822_writable`).
    """
    value = rfc822_writable(value)
    offset = value.utcoffset()
    assert offset is not None  # writable refuses a naive value
    minutes = offset.days * 1440 + offset.seconds // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return (
        f"{_DAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} "
        f"{value.year:04d} {value.hour:02d}:{value.minute:02d}:{value.second:02d} "
        f"{sign}{hours:02d}{minutes:02d}"
    )


__all__ = ["rfc3339", "rfc822", "rfc822_writable", "writable"]
