"""Times through the publishing API: what the docs promise works, and errors name what the
client sent.

Every API write stamps `updated` (docs/api.md), so no API write needs to send it, and no
error may be about an `updated` the client never sent: an embargo without `updated`, a draft
planned for later, publishing it (a future time needs `embargoed`), lifting an embargo early
(`embargoed: null`) and embargoing a live story with a merge patch (`embargoed` moves
`published` with it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.fixtures.api import ApiClient, record
from tests.fixtures.app import NOW, Clock

MERGE = {"Content-Type": "application/merge-patch+json"}
LATER = (NOW + timedelta(days=3)).isoformat()


def in_feed(api: ApiClient, article_id: str) -> bool:
    return f"article/{article_id}<" in api.client.get("/feeds/all.atom").get_data(as_text=True)


def test_an_embargo_needs_no_updated_and_the_same_record_again_is_unchanged(
    api: ApiClient,
) -> None:
    body = record(embargoed=LATER)
    del body["published"]
    first = api.put("/api/articles/e1", json=body)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["state"] == "embargoed"
    assert first.get_json()["record"]["published"] == LATER
    again = api.put("/api/articles/e1", json=body)
    assert (again.status_code, again.get_json()["result"]) == (200, "unchanged")
    assert not in_feed(api, "e1")


def test_a_draft_may_plan_any_publish_time_and_publishing_it_needs_an_embargo(
    api: ApiClient,
) -> None:
    draft = api.put("/api/articles/d1", json=record(status="draft", published=LATER))
    assert draft.status_code == 201, draft.get_json()
    refused = api.patch("/api/articles/d1", json={"status": "published"}, headers=MERGE)
    assert refused.status_code == 422
    [error] = refused.get_json()["errors"]
    assert error["field"] == "published" and "`embargoed`" in error["reason"]
    held = api.patch(
        "/api/articles/d1", json={"status": "published", "embargoed": LATER}, headers=MERGE
    )
    assert held.status_code == 200, held.get_json()
    assert held.get_json()["state"] == "embargoed"


def test_embargoed_null_lifts_an_embargo_now(api: ApiClient, clock: Clock) -> None:
    body = record(embargoed=LATER)
    del body["published"]
    api.put("/api/articles/e2", json=body)
    clock.now = NOW + timedelta(hours=1)
    lifted = api.patch("/api/articles/e2", json={"embargoed": None}, headers=MERGE)
    assert lifted.status_code == 200, lifted.get_json()
    assert lifted.get_json()["state"] == "live"
    assert datetime.fromisoformat(lifted.get_json()["record"]["published"]) == clock.now
    assert in_feed(api, "e2")


def test_a_merge_patch_embargoes_a_live_story_by_its_embargoed_time(api: ApiClient) -> None:
    api.put("/api/articles/l1", json=record())
    assert in_feed(api, "l1")
    held = api.patch("/api/articles/l1", json={"embargoed": LATER}, headers=MERGE)
    assert held.status_code == 200, held.get_json()
    assert held.get_json()["state"] == "embargoed"
    assert held.get_json()["record"]["published"] == LATER
    assert not in_feed(api, "l1")


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("PUT", record(published=LATER), "published"),  # a typo or a missing embargo
        ("PUT", record(published=LATER, embargoed=LATER), None),
        ("PUT", {**record(), "published": None, "embargoed": LATER}, None),
        ("PUT", record(status="withheld", published=LATER), None),
        ("PATCH", {"published": LATER}, "published"),
        ("PATCH", {"published": LATER, "status": "draft"}, None),
        ("PATCH", {"embargoed": LATER}, None),
        ("PATCH", {"embargoed": None}, None),
        ("PATCH", {"published": LATER, "embargoed": LATER}, None),
    ],
)
def test_no_error_names_an_updated_the_client_did_not_send(
    api: ApiClient, method: str, body: dict[str, Any], field: str | None
) -> None:
    api.put("/api/articles/t1", json=record())
    if method == "PUT":
        response = api.put("/api/articles/t1", json=body)
    else:
        response = api.patch("/api/articles/t1", json=body, headers=MERGE)
    if field is None:
        assert response.status_code == 200, response.get_json()
    else:
        assert response.status_code == 422
        assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_an_imported_draft_planned_for_later_is_told_to_give_its_updated() -> None:
    """A file's record without `updated` has its `published` as `updated`: the clock's
    refusal says so, and what to send, instead of calling the date a typo."""
    from articles.clock import time_problem

    later = NOW + timedelta(days=3)
    for status in ("draft", "withheld"):
        problem = time_problem(
            "d1", status=status, published=later, updated=later, embargoed=None, now=NOW
        )
        assert problem is not None and problem.field == "updated"
        assert "gives `updated`" in problem.reason and "typo" not in problem.reason
