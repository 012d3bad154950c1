"""Writes with a clock that moves while a request is handled, as a real one does.

The test clock stands still, and two faults hid behind it. The validator read a record
without `updated` against the time the request came in, and refused a published record whose
`published` was later than that by any amount ("is later than the time of this write"):
lifting an embargo with `{"embargoed": null}`, which sets `published` to the time of the write
(read under the write lock, a moment later), always failed; and a client whose clock ran a
second ahead of the server's could not publish "now". The clock's rule allows a few minutes
(`max_clock_skew`) and names `published` beyond that; the record format now leaves that to it.
Tests here failed before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.api import ApiClient, record
from tests.fixtures.app import NOW, Clock

MERGE = {"Content-Type": "application/merge-patch+json"}


class TickingClock(Clock):
    """Moves `step` forward every time it is read."""

    def __init__(self, now: datetime, step: timedelta) -> None:
        super().__init__(now)
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


@pytest.fixture
def ticking(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> TickingClock:
    """The app's clock, made to tick 1 ms a read (the app holds the `clock` object)."""
    moving = TickingClock(clock.now, timedelta(milliseconds=1))
    monkeypatch.setattr(Clock, "__call__", lambda self: moving())
    return moving


def test_embargoed_null_lifts_an_embargo_with_the_clock_moving(
    api: ApiClient, ticking: TickingClock
) -> None:
    later = (NOW + timedelta(hours=2)).isoformat()
    body = record(embargoed=later)
    del body["published"]
    assert api.put("/api/articles/e1", json=body).status_code == 201
    ticking.now = NOW + timedelta(hours=1)
    lifted = api.patch("/api/articles/e1", json={"embargoed": None}, headers=MERGE)
    assert lifted.status_code == 200, lifted.get_json()
    assert lifted.get_json()["state"] == "live"
    published = datetime.fromisoformat(lifted.get_json()["record"]["published"])
    assert NOW + timedelta(hours=1) < published <= ticking.now


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ahead_ms=st.integers(min_value=1, max_value=299_000))
def test_published_a_moment_ahead_of_the_servers_clock_is_taken(
    api: ApiClient, clock: Clock, ahead_ms: int
) -> None:
    """Within the clock-skew allowance (300 s by default) a published record whose time is
    ahead of the server's is stored, held until that time; beyond it, refused on `published`."""
    clock.now = NOW
    published = NOW + timedelta(milliseconds=ahead_ms)
    answer = api.put(
        f"/api/articles/ahead-{ahead_ms}", json=record(published=published.isoformat())
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert datetime.fromisoformat(body["visible_from"]) == published
    assert datetime.fromisoformat(body["record"]["updated"]) >= published


@pytest.mark.parametrize("ahead", [timedelta(seconds=301), timedelta(hours=3), timedelta(days=400)])
def test_published_beyond_the_allowance_is_refused_naming_it(
    api: ApiClient, clock: Clock, ahead: timedelta
) -> None:
    clock.now = NOW
    published = (NOW + ahead).isoformat()
    refused = api.put("/api/articles/far", json=record(published=published))
    assert refused.status_code == 422
    [error] = refused.get_json()["errors"]
    assert error["field"] == "published"
    assert "ahead of the server's clock" in error["reason"] and "`embargoed`" in error["reason"]
