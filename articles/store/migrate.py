"""Schema migrations: the Alembic configuration built in code, upgrade and revision queries.

The migrations themselves live in `articles/migrations/versions`; `Store.migrate()` runs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from articles.store.schema import schema_migrations_table

MIGRATIONS_DIR: Final = Path(__file__).parent.parent / "migrations"
# A fixed key for pg_advisory_xact_lock so concurrent `migrate()` calls queue instead of racing.
MIGRATION_LOCK_KEY: Final = 0x6665656473  # "feeds"


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic Config built in code (no alembic.ini), bound to `connection` when given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
        config.set_main_option(
            "sqlalchemy.url",
            connection.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
        )
    return config


def upgrade(conn: Connection, revision: str = "head") -> None:
    """alembic upgrade on an open connection inside its transaction."""
    from alembic import command

    command.upgrade(alembic_config(conn), revision)


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def head_revision(conn: Connection | None = None) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(conn)).get_current_head() or ""


@dataclass(frozen=True, slots=True)
class Migration:
    """One recorded schema upgrade: `from_revision` (None: an empty database) to `to_revision`
    at `applied_at` (aware UTC), run by `applied_by` (e.g. `the app starting on /srv/a.db`)."""

    from_revision: str | None
    to_revision: str
    applied_at: datetime
    applied_by: str

    def describe(self) -> str:
        """`migrated from empty to 0004 by the app starting on x.db at 2026-11-30 13:20 UTC`."""
        when = self.applied_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return (
            f"migrated from {self.from_revision or 'empty'} to {self.to_revision} "
            f"by {self.applied_by} at {when}"
        )


def record(conn: Connection, before: str | None, after: str | None, by: str) -> None:
    """Note an upgrade that changed the revision (when the history table exists by then)."""
    if after is None or before == after or not sa.inspect(conn).has_table("schema_migrations"):
        return
    conn.execute(
        schema_migrations_table.insert(),
        {
            "applied_at": datetime.now(UTC),
            "from_revision": before,
            "to_revision": after,
            "applied_by": by or "an unnamed caller of Store.migrate",
        },
    )


def last_migration(conn: Connection) -> Migration | None:
    """The newest recorded upgrade, or None (none recorded, or no history table yet)."""
    if not sa.inspect(conn).has_table("schema_migrations"):
        return None
    t = schema_migrations_table
    row = conn.execute(
        sa.select(
            t.c.from_revision.label("from_revision"),
            t.c.to_revision.label("to_revision"),
            t.c.applied_at.label("applied_at"),
            t.c.applied_by.label("applied_by"),
        )
        .order_by(t.c.number.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return Migration(row.from_revision, row.to_revision, row.applied_at, row.applied_by)
