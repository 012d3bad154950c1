"""A deleted article's page stays 410 Gone while its id comes back where readers cannot see it.

Readers saw the article, then its deletion (the page answers 410 Gone). A `PUT` of the id as a
draft, withheld, or under embargo is invisible to them, so it must change nothing they can
fetch: before, the page turned into a 404 at once, telling anyone who polled it that the id
had been written again before its time. The page shows the article again when it becomes
visible (a write, or its embargo ending), and a withdrawal after that is a 404 as for any
withdrawn story.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.fixtures.api import ApiClient, record
from tests.fixtures.app import NOW, Clock

MERGE = {"Content-Type": "application/merge-patch+json"}
LIFT = NOW + timedelta(hours=3)
RUNS = itertools.count()  # hypothesis runs its examples on one app: an id each

# How the id comes back, unseen by readers: the record's fields.
UNSEEN: dict[str, dict[str, Any]] = {
    "draft": {"status": "draft"},
    "withheld": {"status": "withheld"},
    "embargoed": {"published": None, "embargoed": LIFT.isoformat()},
    "a moment ahead": {"published": (NOW + timedelta(minutes=2)).isoformat()},
}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(way=st.sampled_from(sorted(UNSEEN)), new_guid=st.booleans(), round_trips=st.integers(1, 2))
@example(way="embargoed", new_guid=False, round_trips=1)
def test_a_deleted_articles_page_stays_gone_until_it_is_visible_again(
    api: ApiClient, clock: Clock, way: str, new_guid: bool, round_trips: int
) -> None:
    clock.now = NOW
    run = next(RUNS)
    article_id = f"gone-{run}"
    page = f"/articles/{article_id}"
    created = api.put(f"/api/articles/{article_id}", json=record())
    assert created.status_code == 201, created.get_json()
    assert api.client.get(page).status_code == 200
    clock.now += timedelta(seconds=10)
    assert api.delete(f"/api/articles/{article_id}").status_code == 204
    clock.now += timedelta(seconds=10)
    gone = api.client.get(page)
    assert gone.status_code == 410
    body = {key: value for key, value in record(**UNSEEN[way]).items() if value is not None}
    if new_guid:
        body["guid"] = f"urn:uuid:00000000-0000-4000-8000-{run:012d}"
    for _ in range(round_trips):  # written again unseen, maybe twice
        clock.now += timedelta(seconds=10)
        answer = api.put(f"/api/articles/{article_id}", json=body)
        assert answer.status_code in (200, 201), answer.get_json()["errors"]
        assert answer.get_json()["state"] != "live"
        again = api.client.get(page)
        assert (again.status_code, again.data) == (gone.status_code, gone.data), way
        assert again.headers.get("Cache-Control") == gone.headers.get("Cache-Control")
    # Visible again: by its embargo's end, or by a write that publishes it.
    if way == "embargoed":
        clock.now = LIFT + timedelta(seconds=1)
    elif way == "a moment ahead":
        clock.now = NOW + timedelta(minutes=3)
    else:
        clock.now += timedelta(seconds=10)
        published = api.patch(
            f"/api/articles/{article_id}", json={"status": "published"}, headers=MERGE
        )
        assert published.status_code == 200, published.get_json()
    assert api.client.get(page).status_code == 200
    # Withdrawn after it was seen again: a 404, as every withdrawn story's page.
    clock.now += timedelta(seconds=10)
    withdrawn = api.patch(f"/api/articles/{article_id}", json={"status": "withheld"}, headers=MERGE)
    assert withdrawn.status_code == 200
    assert api.client.get(page).status_code == 404
