"""Subscriber counts kept in memory per process and written in batches: exact and bounded.

Every worker process counts on its own and flushes whenever it likes; the stored numbers must
be those one process would have stored, on SQLite and PostgreSQL, and nothing counted may be
lost to a flush running beside the requests or to the process ending.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from articles.store import Store
from articles.store.schema import subscribers_table
from articles.store.subscribers import DIRECT
from feeds.export import Exporter
from feeds.subscribers import SubscriberCounter
from tests.fixtures.app import NOW, Clock

ROOT = Path(__file__).resolve().parents[1]
FEED = "/feeds/all.atom"
FEEDLY = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; {n} subscribers; feed-id=feed/x)"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _rows(engine: sa.engine.Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(subscribers_table)).mappings()]


def _summary(engine: sa.engine.Engine) -> tuple[dict[str, int], int]:
    rows = _rows(engine)
    aggregators = {r["source"]: r["subscribers"] for r in rows if r["source"] != DIRECT}
    return aggregators, sum(1 for r in rows if r["source"] == DIRECT)


def _counter(store: Store, clock: Clock, **options: Any) -> SubscriberCounter:
    # No writer thread: the test flushes by hand.
    return SubscriberCounter(lambda: store.engine, clock, 3600, writer=False, **options)


def test_two_processes_flushing_in_either_order_store_the_same_numbers(
    store: Store, clock: Clock
) -> None:
    first, second = _counter(store, clock), _counter(store, clock)
    first.count(FEED, FEEDLY.format(n=42), "203.0.113.1")
    first.count(FEED, BROWSER, "203.0.113.7")
    clock.now = NOW + timedelta(minutes=5)
    second.count(FEED, FEEDLY.format(n=45), "203.0.113.1")
    second.count(FEED, BROWSER, "203.0.113.7")  # the same client through the other worker
    second.count(FEED, BROWSER, "203.0.113.8")
    # The later report is flushed first; the earlier one must not overwrite it.
    assert second.flush() == 3
    assert first.flush() == 2
    assert _summary(store.engine) == ({"Feedly": 45}, 2)


def test_a_flush_beside_busy_requests_loses_no_count(store: Store, clock: Clock) -> None:
    counter = _counter(store, clock)
    clients = 3000
    done = threading.Event()

    def requests() -> None:
        for n in range(clients):
            counter.count(FEED, BROWSER, f"10.0.{n // 256}.{n % 256}")
        done.set()

    thread = threading.Thread(target=requests)
    thread.start()
    while not done.is_set():
        counter.flush()
    thread.join()
    counter.flush()
    assert _summary(store.engine) == ({}, clients)


def test_waiting_counts_wake_the_writer_before_its_interval(app: Flask, clock: Clock) -> None:
    counter = SubscriberCounter(
        lambda: app.extensions["feeds.store"].engine, clock, 3600, flush_at=5
    )
    for n in range(5):
        counter.count(FEED, BROWSER, f"198.51.100.{n}")  # the first count starts the writer
    engine = app.extensions["feeds.store"].engine
    deadline = time.monotonic() + 10
    # The writer takes the waiting counts at once, then writes them: wait for the rows.
    while _summary(engine) != ({}, 5) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert counter.waiting == 0
    assert _summary(engine) == ({}, 5)


def test_memory_is_bounded_and_what_is_dropped_is_said(
    store: Store, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    counter = _counter(store, clock, flush_at=10, max_pending=10)
    for n in range(15):
        counter.count(FEED, BROWSER, f"192.0.2.{n}")
    counter.count(FEED, BROWSER, "192.0.2.3")  # already waiting: still counted
    assert counter.waiting == 10 and counter.dropped == 5
    with caplog.at_level(logging.WARNING, logger="feeds.subscribers"):
        assert counter.flush() == 10
    assert "5 requests not counted" in caplog.text
    assert counter.dropped == 0
    counter.count(FEED, BROWSER, "192.0.2.14")  # room again after the flush
    assert counter.flush() == 1


_WORKER = """
import json, sys
from feeds import create_app
app = create_app({"database_url": sys.argv[1], "load_samples": False, "response_memo_ms": 0,
                  "FEEDS_INSTANCE_PATH": sys.argv[2]})
client = app.test_client()
statuses = []
for agent, address in json.loads(sys.argv[3]):
    r = client.get("/feeds/all.atom", headers={"User-Agent": agent},
                   environ_base={"REMOTE_ADDR": address})
    statuses.append(r.status_code)
print(json.dumps(statuses))
# No flush here: the process leaves, and its counts must reach the database on the way out.
"""


def _worker(url: str, instance: Path, requests: list[tuple[str, str]]) -> list[int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDS_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", _WORKER, url, str(instance), json.dumps(requests)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    statuses: list[int] = json.loads(done.stdout.splitlines()[-1])
    return statuses


def test_counts_of_worker_processes_survive_their_exit_and_add_up(
    store: Store, tmp_path: Path, database_url: str
) -> None:
    one = [(FEEDLY.format(n=10), "203.0.113.1"), (BROWSER, "203.0.113.7")]
    two = [(BROWSER, "203.0.113.7"), (BROWSER, "203.0.113.9"), (FEEDLY.format(n=11), "x")]
    assert _worker(database_url, tmp_path / "one", one) == [200, 200]
    assert _worker(database_url, tmp_path / "two", two) == [200, 200, 200]
    assert _summary(store.engine) == ({"Feedly": 11}, 2)


def test_counting_can_be_switched_off(make_app: Callable[..., Flask]) -> None:
    app = make_app(site_url="https://news.example.com", subscriber_counts=False)
    response = app.test_client().get(FEED, headers={"User-Agent": FEEDLY.format(n=3)})
    assert response.status_code == 200
    assert "feeds.subscribers" not in app.extensions
    assert _rows(app.extensions["feeds.store"].engine) == []


def test_the_static_export_requests_are_not_counted(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(site_url="https://news.example.com")
    Exporter(app, tmp_path / "out").run()
    app.extensions["feeds.subscribers"].flush()
    assert _rows(app.extensions["feeds.store"].engine) == []
    app.test_client().get(FEED, headers={"User-Agent": BROWSER})  # a reader still counts
    app.extensions["feeds.subscribers"].flush()
    assert _summary(app.extensions["feeds.store"].engine) == ({}, 1)
