"""Several processes writing at once: writers queue, none fails, the upsert rule still holds."""

from __future__ import annotations

import multiprocessing
from typing import Any

from articles.store import ALL, Store
from tests.fixtures.store import T0, make_article, run_at_once


def _upsert_when_all_ready(url: str, barrier: Any, results: Any) -> None:
    store = Store(url)
    batch = [make_article(f"a{i:03d}", minutes=i) for i in range(300)]
    barrier.wait()
    try:
        result = store.upsert_many(batch)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as text
        results.put(f"{type(exc).__name__}: {exc}")
    else:
        results.put((result.new, result.updated, result.unchanged))
    finally:
        store.dispose()


def test_processes_importing_the_same_new_ids_at_once_all_succeed(store: Store) -> None:
    workers = 3
    url = store.url.render_as_string(hide_password=False)
    outcomes = run_at_once(_upsert_when_all_ready, url, workers)
    # Exactly one writer inserted the articles; the others found them stored and unchanged.
    assert sorted(outcomes) == [(0, 0, 300)] * (workers - 1) + [(300, 0, 0)]
    assert store.count() == 300
    assert store.count_visible(ALL, now=T0.replace(year=2030)) == 300


def test_reads_are_not_blocked_by_an_open_write_transaction(store: Store) -> None:
    store.upsert_many([make_article("a1")])
    with store.transaction() as tx:
        tx.upsert_many([make_article("a2", minutes=1)])
        # Another connection still reads the committed state while the write is open.
        assert [k.id for k in store.page_keys(ALL, now=T0.replace(year=2030), limit=5)] == ["a1"]
    assert store.count() == 2


def _use_inherited_store(store: Store, results: Any) -> None:
    # The parent's pooled connection must not be reused here: the hook has emptied the pool.
    pooled_at_start = "Connections in pool: 0" in store.engine.pool.status()
    store.upsert_many([make_article("child", minutes=1)])
    results.put((pooled_at_start, store.count()))


def test_a_store_used_before_fork_gives_the_child_its_own_connections(store: Store) -> None:
    store.upsert_many([make_article("parent")])
    assert "Connections in pool: 1" in store.engine.pool.status()
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    child = ctx.Process(target=_use_inherited_store, args=(store, results))
    child.start()
    outcome = results.get(timeout=60)
    child.join(timeout=60)
    assert outcome == (True, 2)
    assert store.count() == 2  # the parent's own connection still works
