"""Times the server stamps keep their fraction of a second, so entries written apart are apart.

An API write stamps `updated` with the write's time (to the microsecond). Written in whole
seconds, two writes within one second, or the records of one batch, showed one
`atom:updated`, which the W3C validator warns of (feedvalidator's `unique('updated')`:
"Two entries with the same value for atom:updated"), and which tells a reader two different
times are one. Atom and JSON Feed write RFC 3339's time-secfrac; RSS has no fractions, and
readers that keep whole seconds read the same second from all three. Times a record states
are written as stated: identical times stay identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import feedparser
from flask import Flask
from lxml import etree

from tests.fixtures.api import ApiClient, record
from tests.fixtures.app import NOW, Clock, article

A = "{http://www.w3.org/2005/Atom}"


def atom_updated(api: ApiClient) -> dict[str, str]:
    """atom:updated of each entry of the all feed, by entry id."""
    root = etree.fromstring(api.client.get("/feeds/all.atom").data)
    return {e.findtext(f"{A}id"): e.findtext(f"{A}updated") for e in root.iter(f"{A}entry")}


def guid(api: ApiClient, article_id: str) -> str:
    return str(api.store.get(article_id).guid)


def test_api_writes_within_one_second_show_different_updated_in_every_format(
    api: ApiClient, clock: Clock
) -> None:
    start = NOW + timedelta(minutes=5, microseconds=120_000)
    stamped = {}
    for n, step in enumerate((0, 250_000, 500_001)):
        clock.now = start + timedelta(microseconds=step)
        assert api.put(f"/api/articles/w-{n}", json=record(title=f"기사 {n}")).status_code == 201
        stamped[f"w-{n}"] = clock.now
    clock.now = start + timedelta(seconds=2)  # the writes a settled second in the past
    written = atom_updated(api)
    texts = [written[guid(api, article_id)] for article_id in stamped]
    assert [datetime.fromisoformat(t) for t in texts] == list(stamped.values())
    # No two entries of the document share atom:updated (the validator's rule).
    assert len(set(written.values())) == len(written)
    items = json.loads(api.client.get("/feeds/all.json").data)["items"]
    modified = {i["id"]: datetime.fromisoformat(i["date_modified"]) for i in items}
    assert [modified[guid(api, article_id)] for article_id in stamped] == list(stamped.values())
    # feedparser keeps whole seconds: the same second from Atom, JSON Feed's twin and RSS.
    atom = feedparser.parse(api.client.get("/feeds/all.atom").data)
    rss = feedparser.parse(api.client.get("/feeds/all.rss").data)
    assert atom.feed.updated_parsed == rss.feed.updated_parsed
    assert datetime(*atom.feed.updated_parsed[:6], tzinfo=UTC) == max(stamped.values()).replace(
        microsecond=0
    )


def test_the_records_of_one_batch_are_stamped_in_their_order(api: ApiClient) -> None:
    records = [{**record(title=f"묶음 {n}"), "id": f"b-{n}"} for n in range(4)]
    response = api.post("/api/articles/batch", json={"articles": records})
    assert response.status_code == 200, response.data
    times = [api.store.get(f"b-{n}").updated for n in range(4)]
    assert times[0] == NOW
    assert times == sorted(set(times)), "each record its own instant, in the batch's order"
    assert times[-1] - times[0] < timedelta(milliseconds=1)
    written = atom_updated(api)
    assert len({written[guid(api, f"b-{n}")] for n in range(4)}) == 4


def test_times_a_record_states_are_written_as_stated(make_app: Callable[..., Flask]) -> None:
    same = NOW - timedelta(hours=1)
    app = make_app(
        [
            article("s-1", same, title="하나"),
            article("s-2", same, title="둘"),
            article("f-1", same.replace(microsecond=5), title="셋"),
        ]
    )
    root = etree.fromstring(app.test_client().get("/feeds/all.atom").data)
    texts = sorted(e.findtext(f"{A}updated") for e in root.iter(f"{A}entry"))
    assert texts == ["2025-08-10T11:00:00.000005Z", "2025-08-10T11:00:00Z", "2025-08-10T11:00:00Z"]
