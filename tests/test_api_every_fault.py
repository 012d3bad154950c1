"""One 422 lists every fault of a record, the site's rules among them, in one stable shape.

A record with k independent faults (the record format's, a podcast show's https rule for its
media, the clock's rule on `updated`) gets one 422 naming all k fields: the show's rule and
the clock's were checked only after the record's own errors were fixed, one per request, and
the show's rule on a medium not at all while another member of it was wrong.
Every problem has the same members (RFC 9457 and `errors`), and a 422's `detail` is one
sentence, whichever operation answered it (it read "article 'a1' breaks ..." for a PUT and
"the request breaks ..." for a rule found while writing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.api.records import INVALID_DETAIL
from tests.fixtures.api import ApiClient, api_client_for
from tests.test_podcast_feeds import SHOW

MP3 = {"url": "https://cdn.example.com/ep1.mp3", "length": 4096, "type": "audio/mpeg"}
GOOD: dict[str, Any] = {
    "title": "Markets, weather and the day ahead",
    "published": "2025-07-30T06:00:00+09:00",
    "section": {"slug": "briefing", "label": "브리핑"},
    "summary": "Five minutes of the day's news.",
    "media": [MP3],
    "episode": {"season": 2, "number": 14},
}
# field listed -> how to break it, independently of the others.
FAULTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "reading_time": lambda r: r.update(reading_time=0),
    "status": lambda r: r.update(status="gone"),
    "language": lambda r: r.update(language="not a tag"),
    "url": lambda r: r.update(url="ftp://example.com/x"),
    "summary": lambda r: r.update(summary=5),
    "image.url": lambda r: r.update(image={"url": "not a url"}),
    "tags[0].slug": lambda r: r.update(tags=[{"slug": "Bad Slug!", "label": "x"}]),
    "episode.number": lambda r: r["episode"].update(number=-1),
    "episode.season": lambda r: r["episode"].update(season=0),
    # the show's rule: an episode of `briefing` needs https media; also beside the record
    # format's faults in the same medium (a zero length, a bad duration), which hid it
    "media[0].url": lambda r: r["media"][0].update(url="http://cdn.example.com/ep1.mp3"),
    "media[0].length": lambda r: r["media"][0].update(length=0),
    "media[0].duration": lambda r: r["media"][0].update(duration="5분"),
    # the clock's rule: `updated` is never far ahead of the server's clock
    "updated": lambda r: r.update(updated="2099-01-01T00:00:00Z"),
}


@pytest.fixture
def show_api(make_app: Callable[..., Flask]) -> ApiClient:
    return api_client_for(
        make_app([], site_url="https://news.example.com", podcasts={"briefing": SHOW})
    )


def _faulty(fields: set[str]) -> dict[str, Any]:
    raw: dict[str, Any] = {
        **GOOD,
        "media": [dict(MP3)],
        "episode": dict(GOOD["episode"]),
    }
    for field in sorted(fields):
        FAULTS[field](raw)
    return raw


def _check_problem(body: dict[str, Any], status: int) -> None:
    assert set(body) >= {"type", "title", "status", "detail", "instance", "errors"}
    assert body["status"] == status
    assert all(set(e) == {"field", "reason"} and e["reason"] for e in body["errors"])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fields=st.sets(st.sampled_from(sorted(FAULTS)), min_size=1))
def test_a_put_lists_every_fault_in_one_422(show_api: ApiClient, fields: set[str]) -> None:
    response = show_api.put("/api/articles/ep-14", json=_faulty(fields))
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    _check_problem(body, 422)
    assert {e["field"] for e in body["errors"]} == fields, body["errors"]
    assert body["detail"] == INVALID_DETAIL
    assert show_api.store.get("ep-14") is None


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    faults=st.lists(st.sets(st.sampled_from(sorted(FAULTS)), min_size=1), min_size=1, max_size=3)
)
def test_a_batch_lists_every_fault_of_every_record(
    show_api: ApiClient, faults: list[set[str]]
) -> None:
    records = [{"id": f"ep-{i}", **_faulty(f)} for i, f in enumerate(faults)]
    response = show_api.post("/api/articles/batch", json={"articles": records})
    assert response.status_code == 422
    body = response.get_json()
    _check_problem(body, 422)
    expected = {f"articles[{i}].{field}" for i, f in enumerate(faults) for field in f}
    assert {e["field"] for e in body["errors"]} == expected
    assert body["detail"] == INVALID_DETAIL


def test_a_patch_lists_the_show_rule_beside_the_record_errors(show_api: ApiClient) -> None:
    assert show_api.put("/api/articles/ep-14", json=GOOD).status_code == 201
    patch = {"reading_time": 0, "media": [{**MP3, "url": "http://cdn.example.com/a.mp3"}]}
    response = show_api.patch("/api/articles/ep-14", json=patch)
    assert response.status_code == 422
    body = response.get_json()
    assert {e["field"] for e in body["errors"]} == {"reading_time", "media[0].url"}
    assert body["detail"] == INVALID_DETAIL


def test_every_problem_has_the_same_members_and_a_fixed_title(show_api: ApiClient) -> None:
    answers = [
        (show_api.get("/api/articles/none"), 404),
        (show_api.get("/api/articles?limit=0"), 400),
        (show_api.get("/api/articles", token=None), 401),
        (show_api.put("/api/articles/x", data=b"{", content_type="application/json"), 400),
        (show_api.put("/api/articles/x", json={"title": 1}), 422),
        (show_api.post("/api/articles/batch", json={"articles": []}), 422),
    ]
    titles = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
    titles[422] = "Unprocessable Content"
    for response, status in answers:
        body = response.get_json()
        _check_problem(body, status)
        assert body["title"] == titles[status]


def test_the_reported_case_an_http_url_beside_a_zero_length(show_api: ApiClient) -> None:
    """The show's https rule and the medium's zero length, in one answer (it listed the
    length only, and the URL after the length was fixed)."""
    body = {**GOOD, "media": [{**MP3, "url": "http://cdn.example.com/ep3.mp3", "length": 0}]}
    response = show_api.put("/api/articles/ep3b", json=body)
    assert response.status_code == 422
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert sorted(fields) == ["media[0].length", "media[0].url"]
