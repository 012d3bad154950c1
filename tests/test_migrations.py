"""Alembic owns the schema: migrations match the code's tables and survive concurrent starts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from articles.store import Store, alembic_config, metadata
from tests.fixtures.store import SCHEMA_HEAD, run_at_once


def _schema_differences(store: Store) -> list[Any]:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrated_schema_matches_the_tables_the_code_queries(database_url: str) -> None:
    store = Store(database_url)
    store.migrate()
    assert _schema_differences(store) == []
    store.dispose()


def test_migrate_twice_is_a_no_op_and_reports_head(database_url: str) -> None:
    store = Store(database_url)
    assert store.schema_revision()[0] is None
    store.migrate()
    store.migrate()
    current, head = store.schema_revision()
    assert current == head == SCHEMA_HEAD
    store.dispose()


def test_downgrade_to_base_removes_every_table(database_url: str) -> None:
    store = Store(database_url)
    store.migrate()
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with store.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    assert tables <= {"alembic_version"}
    store.dispose()


def _migrate_when_all_ready(url: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        Store(url).migrate()
    except Exception as exc:  # noqa: BLE001 - reported to the parent as text
        results.put(f"{type(exc).__name__}: {exc}")
    else:
        results.put("ok")


def test_workers_starting_together_all_migrate_without_error(database_url: str) -> None:
    workers = 4
    outcomes = run_at_once(_migrate_when_all_ready, database_url, workers)
    assert outcomes == ["ok"] * workers
    store = Store(database_url)
    assert store.schema_revision() == (SCHEMA_HEAD, SCHEMA_HEAD)
    store.dispose()


def test_postgres_ids_compare_as_bytes_like_sqlite(database_url: str) -> None:
    store = Store(database_url)
    store.migrate()
    if store.backend == "postgresql":
        with store.engine.connect() as conn:
            collations = conn.execute(
                sa.text(
                    "SELECT table_name, collation_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND column_name IN ('id', 'article_id')"
                )
            ).all()
        assert sorted(collations) == [
            ("article_audit", "C"),
            ("article_authors", "C"),
            ("article_languages", "C"),
            ("article_page_changes", "C"),
            ("article_tags", "C"),
            ("article_translations", "C"),
            ("articles", "C"),
            ("deleted_articles", "C"),
            ("embargo_lifts", "C"),
            ("feed_tombstones", "C"),
            ("retired_guids", "C"),
            ("stamped_ahead", "C"),
        ]
    else:
        # SQLite compares text with BINARY (byte order) unless told otherwise.
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 'a-2' < 'a1', 'B' < 'a'").one() == (1, 1)
    store.dispose()


def test_upgrading_an_existing_database_fills_the_feed_counts(database_url: str) -> None:
    from datetime import timedelta

    from articles.model import Tag
    from articles.store import ALL, Facet
    from tests.fixtures.store import T0, make_article

    store = Store(database_url)
    store.migrate()
    store.upsert_many(
        [
            make_article("a1"),
            make_article("a2", tags=(Tag("korea", "한국"),)),
            make_article("a3", status="draft"),
        ]
    )
    later = T0 + timedelta(days=1)
    before = {f: store.count_visible(f, now=later) for f in (ALL, Facet("tag", "japan"))}
    assert before == {ALL: 2, Facet("tag", "japan"): 1}
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    store.migrate()
    after = {f: store.count_visible(f, now=later) for f in before}
    assert after == before
    assert store.count_visible(Facet("tag", "korea"), now=later) == 1
    store.dispose()
