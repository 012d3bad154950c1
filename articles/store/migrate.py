"""Schema migrations: the Alembic configuration built in code, upgrade and revision queries.

The migrations themselves live in `articles/migrations/versions`; `Store.migrate()` runs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from sqlalchemy.engine import Connection

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
