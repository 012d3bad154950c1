"""Every version the server dates takes a whole second of its own (`articles.store.stamps`).

Feeds write `updated` in whole seconds; two API writes to different articles in one second
were both dated that second, and the W3C validator warned of the Atom feed: "Two entries with
the same value for atom:updated". Tests here failed before: writes in one second (the test
clock does not move), in one batch, through two apps on one store, and corrections through
the service all give distinct seconds; the rule itself is a property of `claim_stamp` on both
databases.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.service import ArticleService
from articles.store import Store
from articles.store.stamps import LEAD, claim_stamp
from articles.tokens import TokenStore
from feeds.api.auth import TOKENS_KEY
from tests.fixtures.api import ApiClient, api_client_for, record
from tests.fixtures.app import NOW, Clock
from tests.fixtures.store import make_article

_ATOM = "{http://www.w3.org/2005/Atom}"
_JSON = {"Content-Type": "application/json"}
_PATCH = {"Content-Type": "application/merge-patch+json"}


def _entry_updated(api: ApiClient, path: str = "/feeds/all.atom") -> dict[str, str]:
    """Each entry's id -> its atom:updated, as the feed writes them."""
    response = api.client.get(path)
    assert response.status_code == 200, response.data[:300]
    root = ElementTree.fromstring(response.data)
    return {
        entry.findtext(f"{_ATOM}id", ""): entry.findtext(f"{_ATOM}updated", "")
        for entry in root.iter(f"{_ATOM}entry")
    }


def _assert_distinct(values: list[str]) -> None:
    repeated = sorted({v for v in values if values.count(v) > 1})
    assert not repeated, f"entries share atom:updated {repeated}"


def test_writes_in_one_second_give_entries_distinct_updated(api: ApiClient, clock: Clock) -> None:
    clock.now = NOW  # the clock stands still: every write below is in one second
    for n in range(6):
        put = api.put(f"/api/articles/same-{n}", data=json.dumps(record()), headers=_JSON)
        assert put.status_code == 201, put.data
    patch = api.patch("/api/articles/jul-1", data=json.dumps({"summary": "고침"}), headers=_PATCH)
    assert patch.status_code == 200, patch.data
    written = [api.store.get(f"same-{n}").updated for n in range(6)] + [
        api.store.get("jul-1").updated
    ]
    assert len(set(written)) == len(written)
    assert all(w.microsecond == 0 for w in written)
    # Never before the write's own second, and each after the one before.
    assert written == sorted(written) and written[0] >= NOW.replace(microsecond=0)
    _assert_distinct(list(_entry_updated(api).values()))
    _assert_distinct(list(_entry_updated(api, "/feeds/section/asia.atom").values()))


def test_a_batch_dates_each_article_in_its_own_second(api: ApiClient, clock: Clock) -> None:
    clock.now = NOW
    body = {"articles": [{"id": f"b-{n}", **record()} for n in range(12)]}
    answer = api.post("/api/articles/batch", data=json.dumps(body), headers=_JSON)
    assert answer.status_code == 200, answer.data
    stamps = {api.store.get(f"b-{n}").updated for n in range(12)}
    assert len(stamps) == 12
    _assert_distinct(list(_entry_updated(api).values()))


def test_an_unchanged_write_claims_no_second(api: ApiClient, clock: Clock) -> None:
    clock.now = NOW
    first = api.put("/api/articles/u", data=json.dumps(record()), headers=_JSON)
    again = api.put("/api/articles/u", data=json.dumps(record()), headers=_JSON)
    assert (first.status_code, again.status_code) == (201, 200)
    other = api.put("/api/articles/v", data=json.dumps(record()), headers=_JSON)
    assert other.status_code == 201
    # `v` takes the second right after `u`'s: the unchanged PUT used none.
    assert api.store.get("v").updated - api.store.get("u").updated == timedelta(seconds=1)


def test_a_record_that_gives_its_own_updated_keeps_it(api: ApiClient, clock: Clock) -> None:
    clock.now = NOW
    # Later than the write's time (within the clock-skew allowance), with a fraction.
    given_time = (NOW + timedelta(seconds=100, microseconds=250_000)).isoformat()
    put = api.put("/api/articles/own", data=json.dumps(record(updated=given_time)), headers=_JSON)
    assert put.status_code == 201, put.data
    assert api.store.get("own").updated == datetime.fromisoformat(given_time)


def test_two_apps_on_one_store_never_share_a_second(
    make_app: Callable[..., Flask], clock: Clock, tmp_path: Path
) -> None:
    clock.now = NOW
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = api_client_for(make_app(site_url="https://news.example.com", database_url=url))
    app = make_app(site_url="https://news.example.com", database_url=url)
    tokens: TokenStore = app.extensions[TOKENS_KEY]  # the tokens are the store's: new names
    second = ApiClient(
        app, app.test_client(), tokens.create("cms-2", "write"), tokens.create("reader-2", "read")
    )
    for n in range(4):
        for name, client in (("one", first), ("two", second)):
            put = client.put(f"/api/articles/{name}-{n}", data=json.dumps(record()), headers=_JSON)
            assert put.status_code == 201, put.data
    stamps = [first.store.get(f"{name}-{n}").updated for n in range(4) for name in ("one", "two")]
    assert len(set(stamps)) == 8


def test_a_burst_runs_ahead_of_the_clock_by_at_most_the_lead(api: ApiClient, clock: Clock) -> None:
    clock.now = NOW
    total = int(LEAD.total_seconds()) + 30
    body = {"articles": [{"id": f"burst-{n}", **record()} for n in range(total // 2)]}
    for part in range(2):
        batch = {"articles": [{**r, "id": f"{r['id']}-{part}"} for r in body["articles"]]}
        answer = api.post("/api/articles/batch", data=json.dumps(batch), headers=_JSON)
        assert answer.status_code == 200, answer.data
    stamps = [
        api.store.get(f"burst-{n}-{part}").updated for part in range(2) for n in range(total // 2)
    ]
    latest = NOW.replace(microsecond=0) + LEAD
    assert max(stamps) == latest
    # Distinct up to the lead; past it, the cap repeats (the clock-skew rule still holds).
    assert len(set(stamps)) == int(LEAD.total_seconds()) + 1


def test_a_correction_through_the_service_takes_its_own_second(store: Store) -> None:
    moment = datetime(2026, 3, 1, 12, 0, 0, 400_000, tzinfo=UTC)
    service = ArticleService(store, clock=lambda: moment, tag_authority="feeds.example.org,2025")
    for n in range(3):
        service.create(make_article(f"c{n}"))
    fixed = [service.correct(f"c{n}", {"summary": f"고침 {n}"}).article for n in range(3)]
    stamps = [article.updated for article in fixed if article is not None]
    assert stamps == [moment.replace(microsecond=0) + timedelta(seconds=n) for n in range(3)]


_MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    claims=st.lists(
        st.tuples(st.integers(0, 400), st.none() | st.integers(-5_000, 5_000)),
        min_size=1,
        max_size=40,
    ),
    start=_MOMENTS,
)
def test_claims_follow_the_rule(store: Store, claims: list[Any], start: datetime) -> None:
    """For clock readings that move forward by 0 to 400 ms and stored times around them:
    each stamp is a whole second, not before the clock's second, after the stored time,
    after every earlier stamp unless that would pass the lead, and never past it."""
    with store.transaction() as tx:
        conn = tx.connection
        conn.exec_driver_sql("DELETE FROM change_sequence WHERE name = 'stamp'")
        now = start
        earlier: list[datetime] = []
        for step_ms, after_ms in claims:
            now += timedelta(milliseconds=step_ms)
            after = None if after_ms is None else now + timedelta(milliseconds=after_ms)
            stamp = claim_stamp(conn, now, after)
            floor = datetime.fromtimestamp(math.floor(now.timestamp()), UTC)
            assert stamp.tzinfo is not None and stamp >= floor
            if after is not None:
                assert stamp > after
            cap = floor + LEAD
            if after is not None and _next_second(after) > cap:
                assert stamp == max(after + timedelta(microseconds=1), now)  # claims nothing
                continue
            assert stamp.microsecond == 0 and stamp <= cap
            if earlier and max(earlier) < cap:
                assert stamp > max(earlier)
            earlier.append(stamp)
        tx.rollback()


def _next_second(after: datetime | None) -> datetime:
    if after is None:
        return datetime.min.replace(tzinfo=UTC)
    return datetime.fromtimestamp(math.floor(after.timestamp()) + 1, UTC)


def test_stamps_stay_within_a_smaller_clock_skew_allowance(store: Store) -> None:
    """With max_clock_skew below the lead, a burst is never refused as dated too far ahead."""
    moment = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    service = ArticleService(
        store,
        clock=lambda: moment,
        tag_authority="feeds.example.org,2025",
        max_clock_skew=timedelta(seconds=10),  # whole seconds up to half of it
    )
    service.create(make_article("s"))
    stamps = []
    for n in range(10):
        fixed = service.correct("s", {"summary": f"고침 {n}"}).article
        assert fixed is not None
        stamps.append(fixed.updated)
    assert stamps[:6] == [moment + timedelta(seconds=n) for n in range(6)]
    # Past the allowance, each version is a microsecond after the one before (newer still).
    tick = timedelta(microseconds=1)
    assert stamps[6:] == [stamps[5] + tick * n for n in range(1, 5)]


def test_a_stamp_is_never_before_published(api: ApiClient, clock: Clock) -> None:
    """A published time with a fraction of a second in the write's own second: the stamp is
    the next whole second, not the write's (which would date the version before it)."""
    clock.now = NOW + timedelta(milliseconds=900)
    published = NOW + timedelta(milliseconds=500)
    put = api.put("/api/articles/frac", json=record(published=published.isoformat()))
    assert put.status_code == 201, put.get_json()
    stored = api.store.get("frac")
    assert stored.updated >= stored.published
    assert stored.updated == NOW.replace(microsecond=0) + timedelta(seconds=1)
