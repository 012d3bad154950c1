"""If-Modified-Since and If-Unmodified-Since read as strict HTTP-dates (RFC 9110 5.6.7, 13.1.3,
13.1.4): the three forms are accepted, anything else (another form, a list, an impossible
day, surrounding text) is ignored and never gives a 304 or a 4xx; a valid date ahead of the
server's clock is compared as any other (RFC 9110); If-None-Match decides when present.

Before, Werkzeug's lenient `parse_date` read `+0000` zones, missing weekdays, lower-case names
and two-digit years as dates, so such a header could answer 304.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.http_dates import (
    DAY_NAMES,
    LONG_DAY_NAMES,
    MONTHS,
    if_modified_since,
    parse_http_date,
    rfc850_year,
)
from tests.fixtures.app import NOW

FEED = "/feeds/all.atom"


def imf_fixdate(moment: datetime, weekday: int | None = None) -> str:
    day = DAY_NAMES[moment.weekday() if weekday is None else weekday]
    return f"{day}, {moment:%d} {MONTHS[moment.month - 1]} {moment:%Y %H:%M:%S} GMT"


def rfc850_date(moment: datetime, weekday: int | None = None) -> str:
    day = LONG_DAY_NAMES[moment.weekday() if weekday is None else weekday]
    return f"{day}, {moment:%d}-{MONTHS[moment.month - 1]}-{moment:%y %H:%M:%S} GMT"


def asctime_date(moment: datetime, weekday: int | None = None) -> str:
    day = DAY_NAMES[moment.weekday() if weekday is None else weekday]
    return f"{day} {MONTHS[moment.month - 1]} {moment.day:2d} {moment:%H:%M:%S %Y}"


FORMS = (imf_fixdate, rfc850_date, asctime_date)

moments = st.datetimes(
    min_value=datetime(1977, 1, 1), max_value=datetime(2075, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


@given(moment=moments, form=st.sampled_from(FORMS), blanks=st.sampled_from(["", " ", "\t "]))
def test_every_form_of_a_date_is_read(moment: datetime, form: object, blanks: str) -> None:
    assert callable(form)
    assert parse_http_date(blanks + form(moment) + blanks, NOW) == moment


_HEADER_TEXT = st.lists(
    st.sampled_from(
        list(string.ascii_letters + string.digits + " ,:-+./\té")
        + ["GMT", "UTC", "Jan", "Feb", "Nov", "Sun", "Sunday", "2025", "11:59:00", " 10 "]
    ),
    max_size=14,
).map("".join)


@given(text=st.one_of(_HEADER_TEXT, moments.map(imf_fixdate), moments.map(asctime_date)))
def test_only_the_grammar_is_read(text: str) -> None:
    """Whatever text reads as a date is exactly one of the three forms of that date (the
    weekday by the grammar only)."""
    moment = parse_http_date(text, NOW)
    if moment is not None:
        spellings = {form(moment, weekday) for form in FORMS for weekday in range(7)}
        assert text.strip(" \t") in spellings


@pytest.mark.parametrize(
    "text",
    [
        "Sun, 10 Aug 2025 11:00:00 +0000",  # a numeric zone: RFC 5322, not an HTTP-date
        "Sun, 10 Aug 2025 11:00:00 UTC",
        "10 Aug 2025 11:00:00 GMT",  # no weekday
        "sun, 10 aug 2025 11:00:00 gmt",  # the names are case-sensitive
        "Sun, 10 Aug 25 11:00:00 GMT",  # a two-digit year in IMF-fixdate
        "Sun, 1 Aug 2025 11:00:00 GMT",  # one-digit day
        "Sun,  10 Aug 2025 11:00:00 GMT",
        "Sun, 10 Aug 2025 11:00 GMT",
        "Sun, 10 Aug 2025 24:00:00 GMT",
        "Sun, 10 Aug 2025 11:00:60 GMT",  # a leap second: not read (nginx does not)
        "Sun, 31 Apr 2025 11:00:00 GMT",
        "Sat, 29 Feb 2025 11:00:00 GMT",
        "Sun, 00 Aug 2025 11:00:00 GMT",
        "Sun, 10 Aug 2025 11:00:00 GMT, Mon, 11 Aug 2025 11:00:00 GMT",  # a list
        "Sun, 10 Aug 2025 11:00:00 GMTx",
        "2025-08-10T11:00:00Z",
        "Sun Aug 10 11:00:00 2025 GMT",
        "Sunday, 10-Aug-2025 11:00:00 GMT",
    ],
)
def test_what_is_not_an_http_date_is_not_read(text: str) -> None:
    assert parse_http_date(text, NOW) is None


def test_rfc850_two_digit_years_are_placed_within_fifty_years() -> None:
    assert rfc850_year(25, NOW) == 2025
    assert rfc850_year(75, NOW) == 2075  # 50 years ahead of 2025: not more than 50
    assert rfc850_year(76, NOW) == 1976
    assert parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", NOW) == datetime(
        1994, 11, 6, 8, 49, 37, tzinfo=UTC
    )


def test_a_date_ahead_of_the_clock_is_read_as_any_other() -> None:
    assert if_modified_since(imf_fixdate(NOW), NOW) == NOW
    ahead = NOW + timedelta(days=1)
    assert if_modified_since(imf_fixdate(ahead), NOW) == ahead


# --- through the app: never a 304 for what is not a valid past date, never a 4xx -------------


@pytest.mark.parametrize(
    "header",
    [
        "Sun, 10 Aug 2025 11:59:00 +0000",
        "10 Aug 2025 11:59:00 GMT",
        "sun, 10 aug 2025 11:59:00 gmt",
        "Sun, 10 Aug 25 11:59:00 GMT",
        "Sun, 10 Aug 2025 11:59:00 GMT, Sun, 10 Aug 2025 11:59:00 GMT",
    ],
)
def test_an_invalid_date_that_reads_as_a_later_one_is_ignored(
    client: FlaskClient, header: str
) -> None:
    """Each of these named a time after the feed's Last-Modified to a lenient parser: 304."""
    response = client.get(FEED, headers={"If-Modified-Since": header})
    assert response.status_code == 200 and response.data


@pytest.mark.parametrize("form", FORMS)
def test_each_form_of_the_last_modified_date_gets_304(client: FlaskClient, form: object) -> None:
    assert callable(form)
    modified = parse_http_date(client.get(FEED).headers["Last-Modified"], NOW)
    assert modified is not None
    response = client.get(FEED, headers={"If-Modified-Since": form(modified)})
    assert response.status_code == 304
    earlier = client.get(FEED, headers={"If-Modified-Since": form(modified - timedelta(seconds=1))})
    assert earlier.status_code == 200


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.one_of(
        _HEADER_TEXT,
        st.builds(
            lambda form, moment: form(moment),
            st.sampled_from(FORMS),
            st.datetimes(
                min_value=datetime(2025, 8, 1),
                max_value=datetime(2025, 8, 20),
                timezones=st.just(UTC),
            ).map(lambda d: d.replace(microsecond=0)),
        ),
    ),
    with_etag=st.booleans(),
)
def test_any_if_modified_since_gets_304_only_for_a_valid_date_the_feed_is_not_newer_than(
    client: FlaskClient, header: str, with_etag: bool
) -> None:
    first = client.get(FEED)
    modified = parse_http_date(first.headers["Last-Modified"], NOW)
    assert modified is not None
    headers = {"If-Modified-Since": header}
    if with_etag:  # If-None-Match decides, whatever the date says
        headers["If-None-Match"] = '"another"'
    response = client.get(FEED, headers=headers)
    since = parse_http_date(header, NOW)
    fresh = not with_etag and since is not None and modified <= since  # later than NOW too
    assert response.status_code == (304 if fresh else 200), header


def test_if_unmodified_since_that_is_no_http_date_is_ignored(client: FlaskClient) -> None:
    """`+0000` read leniently as an early date answered 412; it is not an HTTP-date."""
    response = client.get(FEED, headers={"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 +0000"})
    assert response.status_code == 200
    strict = client.get(FEED, headers={"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert strict.status_code == 412
