"""A database that cannot be opened or reached: typed errors, 503s, one log line, recovery."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from articles.errors import StoreError, StoreUnavailable
from articles.store import ALL, Store
from feeds import create_app
from tests.fixtures.store import T0


def app_on(database: Path, tmp_path: Path, **settings: Any) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "FEEDS_INSTANCE_PATH": str(tmp_path / "instance"),
            "database_url": f"sqlite:///{database}",
            "response_memo_ms": 0,
            **settings,
        }
    )


def feed_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("feeds", "articles"))]


def test_a_store_on_a_file_that_cannot_be_opened_raises_store_unavailable(
    tmp_path: Path,
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'missing' / 'a.db'}")  # building it never fails
    with pytest.raises(StoreUnavailable, match="unable to open database file") as caught:
        store.page_keys(ALL, now=T0, limit=1)
    assert isinstance(caught.value, StoreError)
    assert caught.value.__cause__ is not None  # SQLAlchemy's error, kept for debugging
    (tmp_path / "missing").mkdir()
    store.migrate()
    assert store.page_keys(ALL, now=T0, limit=1) == []
    store.dispose()


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("missing folder", "its folder '{folder}' does not exist: create it"),
        ("missing folders", "its folder '{folder}' does not exist: create it"),
        ("file where the folder should be", "'{folder}' is not a folder"),
        ("folder where the file should be", "'{file}' is a folder, not a database file"),
    ],
)
def test_a_file_sqlite_cannot_open_says_why_naming_the_folder_or_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str, says: str
) -> None:
    """SQLite says "unable to open database file" whatever the cause, and that was all a
    newcomer read (`Error: database: unable to open database file`) for a `database_url` in a
    folder that does not exist, a path through a file, or a folder in the file's place. The
    error now names the folder or file and what is wrong with it, in the commands' one line
    too."""
    folder = tmp_path / "data"
    if fault == "missing folders":
        folder = folder / "deeper"
    file = folder / "articles.db"
    if fault == "file where the folder should be":
        folder.write_text("not a folder")
    if fault == "folder where the file should be":
        file.mkdir(parents=True)
    expected = says.format(folder=folder, file=file)
    store = Store(f"sqlite:///{file}")
    with pytest.raises(StoreUnavailable) as caught:
        store.page_keys(ALL, now=T0, limit=1)
    assert str(caught.value).startswith("database: unable to open database file: ")
    assert expected in str(caught.value)
    store.dispose()
    for name in ("DATABASE_URL", "FEEDS_DATABASE_URL", "FEEDS_CONFIG", "FEEDS_AUTO_MIGRATE"):
        monkeypatch.delenv(name, raising=False)
    app = app_on(file, tmp_path)
    result = app.test_cli_runner().invoke(args=["articles", "list"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: database: unable to open")
    assert expected in result.output


def test_a_command_on_a_database_it_cannot_open_says_so_in_one_line(tmp_path: Path) -> None:
    """`flask articles list` with a database_url in a missing folder printed the server's
    start-up line ("... cannot be opened yet (...); answering 503 until it can", which a
    command does not do) before its own error line. A command other than the server's now
    prints its one line only, naming the folder; one that needs no database
    (`flask api openapi`) prints nothing about it."""
    root = Path(__file__).resolve().parent.parent
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "FEEDS_DATABASE_URL", "FEEDS_CONFIG")
    }
    env["FEEDS_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'missing' / 'articles.db'}"
    command = [sys.executable, "-m", "flask", "--app", "wsgi"]
    listed = subprocess.run(
        [*command, "articles", "list"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 1
    assert listed.stdout == ""
    assert listed.stderr.splitlines() == [
        "Error: database: unable to open database file: its folder "
        f"'{tmp_path / 'missing'}' does not exist: create it, or set database_url to a file in "
        "a folder that does"
    ]
    described = subprocess.run(
        [*command, "api", "openapi"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert described.returncode == 0 and described.stderr == ""


def test_an_error_of_the_database_reaches_callers_as_store_error(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'empty.db'}")  # never migrated: no tables
    with pytest.raises(StoreError, match="no such table: articles") as caught:
        store.count()
    assert not isinstance(caught.value, StoreUnavailable)
    store.dispose()


@pytest.mark.parametrize("fault", ["missing folder", "folder where the file should be"])
def test_app_starts_answers_503_logs_one_line_and_recovers_when_the_file_can_be_opened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    for name in ("DATABASE_URL", "FEEDS_DATABASE_URL", "FEEDS_CONFIG", "FEEDS_AUTO_MIGRATE"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "data"
    database = folder / "articles.db"
    if fault == "folder where the file should be":
        database.mkdir(parents=True)
    with caplog.at_level(logging.INFO):
        app = app_on(database, tmp_path, load_samples=True)  # must not raise
    started = feed_lines(caplog)
    assert len(started) == 1, [r.getMessage() for r in started]
    assert started[0].levelno == logging.WARNING and started[0].exc_info is None
    assert str(database) in started[0].getMessage()
    assert "answering 503" in started[0].getMessage()

    client = app.test_client()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        refused = client.get("/feeds/all.atom")
        health = client.get("/healthz")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "30"
    assert health.status_code == 503
    assert all(r.exc_info is None for r in feed_lines(caplog))

    if fault == "folder where the file should be":
        shutil.rmtree(database)
    else:
        folder.mkdir()
    served = client.get("/feeds/all.atom")
    assert served.status_code == 200
    assert b"<entry>" in served.data  # prepared on recovery: migrated, samples loaded
    assert client.get("/healthz").status_code == 200
    app.extensions["feeds.store"].dispose()


def test_healthz_logs_one_line_with_the_reason_per_failure_and_no_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "gone.db"
    app = app_on(database, tmp_path, load_samples=False)
    app.extensions["feeds.store"].dispose()
    database.unlink()
    database.mkdir()  # a directory where the file was: it cannot be opened
    client = app.test_client()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            assert client.get("/healthz").status_code == 503
    lines = feed_lines(caplog)
    assert len(lines) == 3
    for line in lines:
        assert line.exc_info is None and line.stack_info is None
        assert "unable to open database file" in line.getMessage()
        assert "\n" not in line.getMessage()
