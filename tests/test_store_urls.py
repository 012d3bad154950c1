"""Database URLs as hosting platforms write them, and building a Store without connecting."""

from __future__ import annotations

import pytest

from articles.store import Facet, Store, normalise_url


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:p@db.internal:5432/news",
        "postgresql://u:p@db.internal:5432/news",
        "postgresql+psycopg://u:p@db.internal:5432/news",
    ],
)
def test_every_postgres_spelling_uses_psycopg_3(url: str) -> None:
    parsed = normalise_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.host, parsed.database, parsed.username) == ("db.internal", "news", "u")


def test_building_a_store_opens_no_connection() -> None:
    # The host does not exist: constructing must still succeed (gunicorn imports before fork).
    store = Store("postgres://u:secret@no-such-host.invalid/news")
    assert "Checked out connections: 0" in store.engine.pool.status()
    assert "secret" not in repr(store)


def test_unsupported_database_is_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match="database_url: unsupported database 'mysql'"):
        Store("mysql://u:p@host/db")


@pytest.mark.parametrize(("kind", "value"), [("colour", "red"), ("all", "x"), ("tag", "")])
def test_malformed_facets_are_refused(kind: str, value: str) -> None:
    with pytest.raises(ValueError, match="facet"):
        Facet(kind, value)  # type: ignore[arg-type]
