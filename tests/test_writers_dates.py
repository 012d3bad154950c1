"""Every date written is valid RFC 3339 (Atom, JSON Feed) or RFC 822 (RSS) and keeps its instant
to the second (the same in all three formats), whatever the zone and year, including offsets
with seconds (local mean time)."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, available_timezones

import feedparser
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.writers import render
from feeds.writers.dates import rfc822, rfc3339
from tests.fixtures.feeds import make_feed, seed_article

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$"
)
SEOUL = ZoneInfo("Asia/Seoul")


def test_offset_with_seconds_is_written_in_utc() -> None:
    """cases/date-offset-with-seconds.json: Seoul's local mean time, +08:27:52, in 1905."""
    when = datetime(1905, 11, 18, 10, 0, tzinfo=SEOUL)
    assert when.utcoffset() == timedelta(hours=8, minutes=27, seconds=52)
    feed = make_feed([replace(seed_article(), published=when, updated=when)])
    atom = etree.fromstring(render(feed, "atom"))
    assert atom.findtext(f"{A}entry/{A}published") == "1905-11-18T01:32:08Z"
    assert atom.findtext(f"{A}updated") == "1905-11-18T01:32:08Z"
    rss = etree.fromstring(render(feed, "rss")).find("channel")
    assert rss.findtext("item/pubDate") == "Sat, 18 Nov 1905 01:32:08 +0000"
    assert rss.findtext("lastBuildDate") == "Sat, 18 Nov 1905 01:32:08 +0000"
    item = json.loads(render(feed, "json"))["items"][0]
    assert item["date_published"] == item["date_modified"] == "1905-11-18T01:32:08Z"


def test_whole_minute_offsets_are_kept_and_utc_is_z() -> None:
    assert rfc3339(datetime(2025, 7, 30, 9, 0, tzinfo=SEOUL)) == "2025-07-30T09:00:00+09:00"
    assert rfc3339(datetime(2025, 7, 30, tzinfo=UTC)) == "2025-07-30T00:00:00Z"
    india = timezone(timedelta(hours=-3, minutes=-30))
    assert rfc3339(datetime(2025, 1, 1, tzinfo=india)) == "2025-01-01T00:00:00-03:30"
    assert rfc822(datetime(2025, 1, 1, tzinfo=india)) == "Wed, 01 Jan 2025 00:00:00 -0330"
    monrovia = datetime(1970, 6, 1, 12, 0, tzinfo=ZoneInfo("Africa/Monrovia"))  # -00:44:30
    assert rfc3339(monrovia) == "1970-06-01T12:44:30Z"
    # A fraction of a second is dropped in every format, as RSS must: one instant in all three.
    assert rfc3339(datetime(2025, 1, 1, 0, 0, 0, 250000, tzinfo=UTC)) == "2025-01-01T00:00:00Z"
    assert rfc3339(datetime(1905, 11, 18, 10, 0, 0, 999999, tzinfo=SEOUL)) == "1905-11-18T01:32:08Z"
    assert rfc822(datetime(2025, 1, 1, 0, 0, 0, 250000, tzinfo=UTC)).endswith("00:00:00 +0000")


def test_a_naive_datetime_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        rfc3339(datetime(2025, 1, 1))


ZONES = sorted(available_timezones() - {"Factory", "localtime"})
LOCAL_TIMES = st.datetimes(min_value=datetime(1800, 1, 2), max_value=datetime(2100, 12, 30))


def _utc_seconds(struct: object) -> int:
    return calendar.timegm(struct)  # type: ignore[arg-type]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zone=st.sampled_from(ZONES), local=LOCAL_TIMES, fold=st.integers(0, 1))
@example(zone="Antarctica/Troll", local=datetime(2048, 3, 29, 1, 0), fold=0)  # in a DST gap
@example(zone="Asia/Seoul", local=datetime(1905, 11, 18, 10, 0), fold=0)  # +08:27:52
def test_every_date_is_valid_and_keeps_its_instant(zone: str, local: datetime, fold: int) -> None:
    when = local.replace(tzinfo=ZoneInfo(zone), fold=fold)
    # Instants compare as timestamps: Python never calls an aware datetime in a zone's gap or
    # fold equal to one in another zone, even at the same instant.
    instant = int(when.timestamp() // 1)  # RFC 822 has whole seconds
    feed = make_feed([replace(seed_article(), published=when, updated=when)])

    atom = render(feed, "atom")
    for text in etree.fromstring(atom).iter(f"{A}published", f"{A}updated"):
        assert RFC3339.match(text.text), text.text
        assert "." not in text.text  # whole seconds, as RSS and as feedparser read them
        assert datetime.fromisoformat(text.text).timestamp() == instant
    parsed = feedparser.parse(atom)
    assert parsed.bozo == 0
    assert _utc_seconds(parsed.entries[0].published_parsed) == instant
    assert _utc_seconds(parsed.entries[0].updated_parsed) == instant
    assert _utc_seconds(parsed.feed.updated_parsed) == instant

    rss = render(feed, "rss")
    channel = etree.fromstring(rss).find("channel")
    for text in (channel.findtext("item/pubDate"), channel.findtext("lastBuildDate")):
        assert RFC822.match(text), text
        assert int(parsedate_to_datetime(text).timestamp()) == instant
    parsed = feedparser.parse(rss)
    assert parsed.bozo == 0
    assert _utc_seconds(parsed.entries[0].published_parsed) == instant

    item = json.loads(render(feed, "json"))["items"][0]
    for key in ("date_published", "date_modified"):
        assert RFC3339.match(item[key]), item[key]
        assert datetime.fromisoformat(item[key]).timestamp() == instant


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    offset_seconds=st.integers(min_value=-86399, max_value=86399),
)
@example(moment=datetime(2025, 1, 1), offset_seconds=-12600)
@example(moment=datetime(1904, 5, 6, 7, 8, 9, 999999), offset_seconds=30472)
def test_rfc822_writes_what_the_standard_library_writes(
    moment: datetime, offset_seconds: int
) -> None:
    from email.utils import format_datetime

    from feeds.writers.dates import rfc822_writable

    value = moment.replace(tzinfo=timezone(timedelta(seconds=offset_seconds)))
    assert rfc822(value) == format_datetime(rfc822_writable(value).replace(microsecond=0))


# The W3C Feed Validation Service's RFC 2822 date (feedvalidator/validators.py, `rfc822`):
# anything else, `+0545` included, is "Problematical RFC 822 date-time value".
W3C_RFC2822 = re.compile(
    r"(((Mon)|(Tue)|(Wed)|(Thu)|(Fri)|(Sat)|(Sun)), )?\d\d? ((Jan)|(Feb)|(Mar)|(Apr)|(May)|"
    r"(Jun)|(Jul)|(Aug)|(Sep)|(Oct)|(Nov)|(Dec)) \d\d\d\d \d\d:\d\d(:\d\d)? "
    r"(([+-]?\d\d[03]0)|(UT)|(GMT)|(EST)|(EDT)|(CST)|(CDT)|(MST)|(MDT)|(PST)|(PDT)|Z)$"
)


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30)),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
@example(moment=datetime(2025, 7, 30, 9, 0), offset_minutes=5 * 60 + 45)  # Nepal, +0545
@example(moment=datetime(2025, 7, 30, 9, 0), offset_minutes=13 * 60 + 45)  # Chatham, +1345
@example(moment=datetime(2025, 7, 30, 9, 0), offset_minutes=-(9 * 60 + 30))  # Marquesas
def test_rss_dates_are_what_the_w3c_validator_takes_and_keep_their_instant(
    moment: datetime, offset_minutes: int
) -> None:
    """A record dated `Wed, 30 Jul 2025 09:00:00 +0545` was served as written in RSS, which the
    W3C validator warns on; whole and half hours stay as given, other offsets go to UTC."""
    value = moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    text = rfc822(value)
    assert W3C_RFC2822.match(text), text
    assert parsedate_to_datetime(text) == value.replace(microsecond=0)
    if offset_minutes % 30 == 0:
        assert text.endswith(value.strftime("%z"))


def test_a_deletion_stamped_to_the_microsecond_is_written_in_whole_seconds() -> None:
    """A feed whose newest change is a deletion (stamped by the clock, with microseconds): its
    `updated` and the tombstone's `when` are whole seconds, read by feedparser as written (its
    `*_parsed` values have whole seconds; a fraction made the written and the read differ)."""
    from feeds.feed_types import DeletedEntry

    article_time = datetime(2025, 7, 30, 9, 0, tzinfo=SEOUL)
    removed_at = datetime(2026, 11, 30, 19, 47, 34, 168327, tzinfo=UTC)
    feed = make_feed(
        [replace(seed_article(), published=article_time, updated=article_time)],
        deleted=[DeletedEntry(ref="tag:example.com,2025:article/gone", when=removed_at)],
    )
    atom = render(feed, "atom")
    root = etree.fromstring(atom)
    assert root.findtext(f"{A}updated") == "2026-11-30T19:47:34Z"
    stone = root.find("{http://purl.org/atompub/tombstones/1.0}deleted-entry")
    assert stone is not None and stone.get("when") == "2026-11-30T19:47:34Z"
    parsed = feedparser.parse(atom)
    assert parsed.bozo == 0
    assert _utc_seconds(parsed.feed.updated_parsed) == int(removed_at.timestamp())


@settings(max_examples=400, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    offset_seconds=st.integers(min_value=-86399, max_value=86399)
    | st.sampled_from([0, 60, -60, 30, -30, 32400, 30472, -2670]),
    zone=st.none() | st.sampled_from(["UTC", "Asia/Seoul", "Europe/London", "Africa/Monrovia"]),
)
@example(moment=datetime(1905, 11, 18, 10, 0, 0, 999999), offset_seconds=0, zone="Asia/Seoul")
@example(moment=datetime(2025, 1, 30, 9, 0), offset_seconds=0, zone="Europe/London")
@example(moment=datetime(2025, 1, 1, 0, 0, 0, 250000), offset_seconds=-1, zone=None)
def test_json_feed_dates_are_written_as_rfc3339_writes_them(
    moment: datetime, offset_seconds: int, zone: str | None
) -> None:
    # The JSON Feed writer lets orjson write a date whose offset is whole minutes (`_date`,
    # `_DATES`): the same text as `rfc3339`, for any offset, zone, year and fraction.
    import orjson

    from feeds.writers.jsonfeed import _DATES, _date

    tzinfo = ZoneInfo(zone) if zone else timezone(timedelta(seconds=offset_seconds))
    value = moment.replace(tzinfo=tzinfo)
    assert orjson.dumps([_date(value)], option=_DATES) == orjson.dumps([rfc3339(value)])


def test_a_naive_datetime_is_a_clear_error_in_json_feed_too() -> None:
    from feeds.writers.jsonfeed import _date

    with pytest.raises(ValueError, match="has no time zone"):
        _date(datetime(2025, 1, 1))
