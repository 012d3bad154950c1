"""Alembic environment: runs on the connection `Store.migrate()` hands over in its Config.

No alembic.ini is needed: `articles.store.alembic_config(connection)` builds the Config in
code, and `flask articles migrate` (or `Store(url).migrate()`) runs the upgrade. A Config that
carries only `sqlalchemy.url` works too; this module then opens the connection itself.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from articles.store import Store, metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database: run `flask articles migrate` or set sqlalchemy.url")
    store = Store(url)
    with store.engine.connect() as conn:
        _run(conn)
        conn.commit()
    store.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them against a database")
run_migrations_online()
