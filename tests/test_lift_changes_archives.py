"""What an embargo ending changes beyond the documents its article joins, and its headers.

Three changes happen by the clock, with no write, when an embargo ends:
- its article lands in a month newer than every month of a feed: the feed's archive of the
  month before gains `next-archive` (and `current`, and loses `fh:complete`);
- its article was live before and was put back under embargo: the tombstones that removal
  left (in the feeds and archives it was in) are no longer shown; an archive left with
  nothing is then gone (410);
- both, when the renewed embargo ends in another month.

Each such document is capped (`max-age`) to the lift, with no `stale-while-revalidate` or
`stale-if-error` reaching past it (RFC 5861: a cache may serve a stale copy that long past
`max-age`), and after the lift its `Last-Modified` moves past the one before, so a reader
revalidating by date (`If-Modified-Since`) gets the new document, not a 304. The archives'
dates stood still and their `max-age` ran past the lift; a reader kept `fh:complete`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.model import Section, Tag
from tests.fixtures.api import api_client_for
from tests.fixtures.app import Clock, article

SITE = "https://news.example.com"
CACHE_MAX_AGE = 300
JULY = datetime(2025, 7, 20, 9, 0, tzinfo=UTC)
AUG = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)
MONTH_END = datetime(2025, 9, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    new_month: bool  # the lift is in September, a month no feed has yet
    renewed: bool  # the lifting story was live (in August) and was put back under embargo
    tag: str  # the lifting story's tag: shared with a live story, or its own
    seconds: int  # before the lift, when the documents are first asked for


cases = st.builds(
    Case,
    new_month=st.booleans(),
    renewed=st.booleans(),
    tag=st.sampled_from(["korea", "alone"]),
    seconds=st.integers(5, CACHE_MAX_AGE - 5),
)


def _directives(cache_control: str) -> dict[str, int]:
    found = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if value.isdigit():
            found[name] = int(value)
    return found


def _paths() -> list[str]:
    paths = ["/feeds/all.atom", "/feeds/tag/korea.atom", "/feeds/tag/alone.rss"]
    for feed in ("all", "tag/korea", "tag/alone", "section/lonely"):
        for month in ("2025-07", "2025-08", "2025-09"):
            paths.append(f"/feeds/{feed}/archive/{month}.atom")
    paths.append("/feeds/section/lonely/archive/2025-08.rss")
    return paths


def _serve(
    make_app: Callable[..., Flask], clock: Clock, case: Case
) -> tuple[FlaskClient, datetime]:
    lift = MONTH_END + timedelta(minutes=2) if case.new_month else AUG + timedelta(days=3)
    start = lift - timedelta(minutes=20)
    stories = [
        article("jul-1", JULY, tags=(Tag("korea", "Korea"),)),
        article("aug-1", AUG, tags=(Tag("korea", "Korea"),)),
    ]
    own = {"tags": (Tag(case.tag, case.tag.title()),), "section": Section("lonely", "Lonely")}
    if case.renewed:
        stories.append(article("story", AUG + timedelta(hours=1), **own))
    else:
        stories.append(article("story", lift, updated=start, embargoed=lift, **own))
    clock.now = start
    app = make_app(stories, site_url=SITE, cache_max_age=CACHE_MAX_AGE)
    if case.renewed:
        api = api_client_for(app)
        answer = api.patch(
            "/api/articles/story",
            json={"embargoed": lift.isoformat()},
            headers={"Content-Type": "application/merge-patch+json"},
        )
        assert answer.status_code == 200, answer.data
    return app.test_client(), lift


@settings(
    max_examples=24,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=cases)
def test_a_document_the_lift_changes_is_capped_and_dated_after_it(
    make_app: Callable[..., Flask], clock: Clock, case: Case
) -> None:
    client, lift = _serve(make_app, clock, case)
    clock.now = lift - timedelta(seconds=case.seconds)
    before = {path: client.get(path) for path in _paths()}
    clock.now = lift + timedelta(seconds=2)
    after = {path: client.get(path) for path in _paths()}
    changed_any = False
    for path, response in before.items():
        if response.status_code != 200:
            continue
        later = after[path]
        changed = (later.status_code, later.data) != (200, response.data)
        changed_any |= changed
        directives = _directives(response.headers["Cache-Control"])
        capped = directives["max-age"] <= case.seconds
        assert capped == changed, (path, response.headers["Cache-Control"], changed)
        if changed:
            # No staleness RFC 5861 allows reaches past the lift.
            for name in ("stale-while-revalidate", "stale-if-error"):
                assert directives["max-age"] + directives.get(name, 0) <= case.seconds, (
                    path,
                    response.headers["Cache-Control"],
                )
        if changed and later.status_code == 200:
            was = parsedate_to_datetime(response.headers["Last-Modified"])
            now = parsedate_to_datetime(later.headers["Last-Modified"])
            assert now > was, (path, was, now)
            revalidated = client.get(
                path, headers={"If-Modified-Since": response.headers["Last-Modified"]}
            )
            assert revalidated.status_code == 200, path
    assert changed_any


def test_a_month_left_empty_by_a_renewed_embargo_says_why_it_is_gone(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    client, lift = _serve(
        make_app, clock, Case(new_month=True, renewed=True, tag="alone", seconds=60)
    )
    path = "/feeds/tag/alone/archive/2025-08.atom"
    clock.now = lift - timedelta(seconds=60)
    assert client.get(path).status_code == 200  # its tombstone
    clock.now = lift + timedelta(seconds=2)
    gone = client.get(path)
    assert gone.status_code == 410
    assert gone.get_data(as_text=True).startswith(
        "the archive for 2025-08 is gone: every entry it held was removed or moved to another "
        f"month, the last on {(lift - timedelta(minutes=20)):%Y-%m-%d}; the live feed is "
    )
