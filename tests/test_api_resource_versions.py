"""An article resource's ETag changes whenever its bytes do, an embargo lifting included.

The resource (`GET /api/articles/<id>`) shows the article's `state`, which turns from
`embargoed` to `live` when the clock passes the embargo, with no write. Its ETag hashed the
stored record alone, so a client revalidating with `If-None-Match` after the lift got a 304
and kept `"state": "embargoed"` for a story readers already had. The ETag is the
representation's (RFC 9110 8.8.3): the record and its state.

No `Last-Modified` (RFC 9110 8.8.2.1 asks for one only where a date can be consistently
determined, see docs/api.md): `If-Modified-Since` and `If-Unmodified-Since` are ignored, as
RFC 9110 13.1.3 and 13.1.4 say for a resource without a modification date.
"""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.api import ApiClient, record
from tests.fixtures.app import EMBARGO, NOW, Clock

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(before=st.integers(1, 3600), after=st.integers(0, 3600))
def test_the_etag_moves_when_an_embargo_lifts(
    api: ApiClient, clock: Clock, before: int, after: int
) -> None:
    clock.now = EMBARGO - timedelta(seconds=before)
    held = api.get("/api/articles/embargoed")
    assert held.get_json()["state"] == "embargoed"
    clock.now = EMBARGO + timedelta(seconds=after)
    again = api.get("/api/articles/embargoed", headers={"If-None-Match": held.headers["ETag"]})
    assert again.status_code == 200, "a 304 would keep the client at 'embargoed'"
    assert again.get_json()["state"] == "live"
    assert again.headers["ETag"] != held.headers["ETag"]
    assert again.get_json()["etag"] == again.headers["ETag"]
    clock.now = NOW


def test_the_same_bytes_keep_their_etag(api: ApiClient, clock: Clock) -> None:
    first = api.get("/api/articles/embargoed")
    clock.now = NOW + timedelta(minutes=5)  # still under embargo
    second = api.get("/api/articles/embargoed", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304
    assert second.headers["ETag"] == first.headers["ETag"]


def test_a_write_after_the_lift_needs_the_lifted_version(api: ApiClient, clock: Clock) -> None:
    """If-Match names the representation the client read: one read under embargo no longer
    matches after the lift (a 412 with the current ETag), the current one does."""
    held = api.get("/api/articles/embargoed").headers["ETag"]
    clock.now = EMBARGO + timedelta(minutes=1)
    patch = {"summary": "수정"}
    headers = {"Content-Type": "application/merge-patch+json"}
    stale = api.patch(
        "/api/articles/embargoed", data=json.dumps(patch), headers={**headers, "If-Match": held}
    )
    assert stale.status_code == 412
    current = stale.headers["ETag"]
    assert current == api.get("/api/articles/embargoed").headers["ETag"]
    done = api.patch(
        "/api/articles/embargoed", data=json.dumps(patch), headers={**headers, "If-Match": current}
    )
    assert done.status_code == 200, done.get_json()
    assert done.headers["ETag"] == api.get("/api/articles/embargoed").headers["ETag"]


def test_write_answers_and_batch_results_carry_the_resources_etag(
    api: ApiClient, clock: Clock
) -> None:
    embargo = (NOW + timedelta(hours=1)).isoformat()
    put = api.put("/api/articles/later", json=record(embargoed=embargo, published=embargo))
    assert put.status_code == 201, put.get_json()
    assert put.headers["ETag"] == api.get("/api/articles/later").headers["ETag"]
    records = [{"id": "b1", **record()}, {"id": "b2", **record()}]
    batch = api.post("/api/articles/batch", json={"articles": records})
    for item in batch.get_json()["articles"]:
        assert item["etag"] == api.get(f"/api/articles/{item['id']}").headers["ETag"]


def test_dates_are_not_validators_of_the_resource(api: ApiClient) -> None:
    got = api.get("/api/articles/jul-1")
    assert "Last-Modified" not in got.headers
    future = "Fri, 01 Jan 2100 00:00:00 GMT"
    assert api.get("/api/articles/jul-1", headers={"If-Modified-Since": future}).status_code == 200
    past = "Mon, 01 Jan 1990 00:00:00 GMT"
    written = api.put(
        "/api/articles/jul-1", json=record(title="새 제목"), headers={"If-Unmodified-Since": past}
    )
    assert written.status_code == 200, written.get_json()
