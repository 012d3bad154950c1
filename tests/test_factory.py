"""create_app: settings, the embedded database and its samples, PostgreSQL, error handlers."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from articles.store import Store
from feeds import create_app
from feeds.config import SiteConfig
from tests.fixtures.store import postgres_test_url, require_postgres


def embedded(tmp_path: Path, **settings: Any) -> Flask:
    """An app with no database_url: the SQLite file in its (temporary) instance folder."""
    return create_app({"FEEDS_INSTANCE_PATH": str(tmp_path / "instance"), **settings})


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "FEEDS_DATABASE_URL", "FEEDS_CONFIG", "FEEDS_AUTO_MIGRATE"):
        monkeypatch.delenv(name, raising=False)


def test_app_holds_its_settings_and_store(make_app: Callable[..., Flask]) -> None:
    app = make_app(title="Test feeds")
    assert isinstance(app.extensions["feeds.config"], SiteConfig)
    assert app.extensions["feeds.config"].title == "Test feeds"
    assert isinstance(app.extensions["feeds.store"], Store)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"items_per_feed": "many"}, "items_per_feed"),
        ({"no_such_setting": 1}, "no_such_setting"),
        ({"database_url": "mysql://x/y"}, "database_url"),
    ],
)
def test_unusable_setting_exits_with_one_line_naming_it(
    tmp_path: Path, clean_env: None, settings: dict[str, Any], named: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        embedded(tmp_path, **settings)
    message = str(exc.value.code)
    assert named in message
    assert "\n" not in message
    assert message.startswith("feeds: configuration error:")


def test_embedded_database_is_created_and_filled_with_the_samples(
    tmp_path: Path, clean_env: None
) -> None:
    app = embedded(tmp_path)
    assert (tmp_path / "instance" / "articles.db").is_file()
    body = app.test_client().get("/feeds/all.atom").get_data(as_text=True)
    assert "조 외교부 장관" in body  # the seed article's headline
    app.extensions["feeds.store"].dispose()


def test_samples_are_loaded_only_into_an_empty_database(tmp_path: Path, clean_env: None) -> None:
    first = embedded(tmp_path)
    count = first.extensions["feeds.store"].count()
    first.extensions["feeds.store"].dispose()
    second = embedded(tmp_path)
    assert second.extensions["feeds.store"].count() == count > 0
    second.extensions["feeds.store"].dispose()


def test_load_samples_off_leaves_the_database_empty(tmp_path: Path, clean_env: None) -> None:
    app = embedded(tmp_path, load_samples=False)
    assert app.extensions["feeds.store"].count() == 0
    app.extensions["feeds.store"].dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema (not migrated)."""
    require_postgres()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_test_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = postgres_test_url().update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
def test_postgres_is_migrated_only_when_asked(
    tmp_path: Path, clean_env: None, postgres_url: str
) -> None:
    app = embedded(tmp_path, database_url=postgres_url)
    store = app.extensions["feeds.store"]
    assert store.schema_revision()[0] is None
    store.dispose()
    app = embedded(tmp_path, database_url=postgres_url, FEEDS_AUTO_MIGRATE=True)
    store = app.extensions["feeds.store"]
    current, head = store.schema_revision()
    assert current == head
    # No samples in a production database.
    assert store.count() == 0
    store.dispose()


def test_healthz_is_ok_when_the_database_answers(make_app: Callable[..., Flask]) -> None:
    response = make_app().test_client().get("/healthz")
    assert (response.status_code, response.data) == (200, b"ok\n")


def test_healthz_and_feeds_are_503_when_the_database_is_gone(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(database_url=f"sqlite:///{tmp_path}/gone.db")
    app.extensions["feeds.store"].dispose()
    (tmp_path / "gone.db").unlink()
    (tmp_path / "gone.db").mkdir()  # a directory where the file was: it cannot be opened
    client = app.test_client()
    assert client.get("/healthz").status_code == 503
    feed = client.get("/feeds/all.atom")
    assert feed.status_code == 503
    assert feed.headers["Retry-After"] == "30"
    assert b"retry" in feed.data


def test_unexpected_error_is_a_plain_500_without_a_traceback(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()

    def boom() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", view_func=boom)
    app.testing = False  # let the error handler answer instead of re-raising
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.mimetype == "text/plain"
    assert b"secret" not in response.data and b"Traceback" not in response.data


def test_unknown_url_is_a_short_plain_404(make_app: Callable[..., Flask]) -> None:
    response = make_app().test_client().get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    # The list is at the site root, named in full (a path prefix included).
    assert b"see http://localhost/ for the list" in response.data


def test_articles_cli_pages_and_websub_are_registered(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    result = app.test_cli_runner().invoke(args=["articles", "--help"])
    assert result.exit_code == 0 and "import" in result.output
    assert "pages" in app.blueprints and "feeds" in app.blueprints
    assert "feeds.websub" in app.extensions


@pytest.mark.postgres
@pytest.mark.parametrize(
    "path",
    ["/feeds/all.atom?limit=3&page=2", "/feeds/tag/japan.rss", "/feeds/all/archive/2025-07.json"],
)
def test_postgres_and_sqlite_serve_the_same_documents(
    make_app: Callable[..., Flask], postgres_url: str, path: str
) -> None:
    site = "https://news.example.com"
    on_sqlite = make_app(site_url=site).test_client()
    on_postgres_app = make_app(site_url=site, database_url=postgres_url, FEEDS_AUTO_MIGRATE=True)
    on_postgres = on_postgres_app.test_client()
    expected = on_sqlite.get(path)
    served = on_postgres.get(path)
    assert served.status_code == expected.status_code == 200
    assert served.data == expected.data
    again = on_postgres.get(path, headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304


def test_a_postgresql_site_starts_where_the_instance_folder_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app made its instance folder before anything else, so a PostgreSQL site whose code
    sits in a read-only folder (a container image) stopped with "configuration error: [Errno
    30] Read-only file system: '.../instance'", though only SQLite keeps anything there. A
    folder that cannot be made (here below a file, which stops root too) no longer stops a
    PostgreSQL site; nothing is made."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("FEEDS_DATABASE_URL", raising=False)
    monkeypatch.delenv("FEEDS_CONFIG", raising=False)
    (tmp_path / "a-file").write_text("not a folder")
    blocked = tmp_path / "a-file" / "instance"
    app = create_app(
        {
            "TESTING": True,
            "FEEDS_INSTANCE_PATH": str(blocked),
            # Never reached: building the store opens no connection.
            "database_url": "postgresql+psycopg://feeds:feeds@127.0.0.1:9/none",
        }
    )
    assert app.extensions["feeds.store"].backend == "postgresql"
    assert not blocked.exists()


def test_an_sqlite_site_whose_instance_folder_cannot_be_made_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SQLite site needs the folder (its database's lock, and by default its file): the
    app stops with one line naming it, the system's reason and the setting to change,
    where it said "configuration error: [Errno 20] Not a directory: ..."."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("FEEDS_DATABASE_URL", raising=False)
    monkeypatch.delenv("FEEDS_CONFIG", raising=False)
    (tmp_path / "a-file").write_text("not a folder")
    blocked = tmp_path / "a-file" / "instance"
    with pytest.raises(SystemExit) as stopped:
        create_app({"TESTING": True, "FEEDS_INSTANCE_PATH": str(blocked)})
    assert str(stopped.value) == (
        f"feeds: cannot make the instance folder {blocked} (Not a directory), where the SQLite "
        "database keeps its lock (and its file, unless database_url names another): set "
        "FEEDS_INSTANCE_PATH to a folder this user can write"
    )
