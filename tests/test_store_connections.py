"""Pooled PostgreSQL connections: a read is one round trip, and a dropped connection is replaced.

Reads run in autocommit (no BEGIN/ROLLBACK around the query) and a connection back from use
within `PING_AFTER_IDLE_S` is not pinged; one that idled longer is, so a connection the
server dropped meanwhile (a restart, an idle reaper) is replaced before the read uses it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from articles.store import ALL, Store, engine
from tests.fixtures.store import T0, fresh_database, make_article, postgres_test_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with fresh_database("postgres", tmp_path) as url:
        store = Store(url)
        store.migrate()
        store.upsert_many([make_article("a-1", published=T0, updated=T0)])
        yield store
        store.dispose()


def _backend_pid(store: Store) -> int:
    with store._connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def _terminate(pid: int) -> None:
    admin = sa.create_engine(postgres_test_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()


def test_a_read_runs_outside_a_transaction(store: Store) -> None:
    # In a transaction now() is the time of BEGIN, a round trip before the statement's own.
    with store._connect() as conn:
        own = conn.exec_driver_sql("SELECT now() = statement_timestamp()").scalar_one()
    assert own is True


def test_writes_still_commit_or_roll_back_as_one(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.upsert_many([make_article("a-2", published=T0, updated=T0)])
        raise RuntimeError("abandon the transaction")
    assert store.get("a-2") is None
    assert store.get("a-1") is not None


def test_a_connection_dropped_while_idle_is_replaced_before_a_read(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PING_AFTER_IDLE_S", 0.05)
    first = _backend_pid(store)
    _terminate(first)
    time.sleep(0.1)
    # The pooled connection is dead; the ping finds it and the pool opens another.
    keys = store.page_keys(ALL, now=T0, limit=5)
    assert [key.id for key in keys] == ["a-1"]
    assert _backend_pid(store) != first
