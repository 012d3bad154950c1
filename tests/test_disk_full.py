"""A full disk: reads go on from the existing database, writes are refused as a full disk.

Simulated where the database driver answers (SQLite's `database or disk is full`,
PostgreSQL's DiskFull, SQLSTATE 53100): every INSERT, UPDATE and DELETE fails as on a full
disk. A server started that way answered 503 to every read (its start-up work wrote, and
failed); an API write was a 503 saying "retry shortly", where only the operator can help.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

import articles.store.core
from articles.errors import StoreFull, StoreUnavailable
from articles.store.engine import translated
from tests.fixtures.api import ApiClient, api_client_for, record

_WRITES = ("insert", "update", "delete", "replace")


class FullDisk:
    """A switch: while on, the engines made after `install` fail every write as a full disk."""

    def __init__(self) -> None:
        self.on = False

    def install(self, engine: sa.Engine) -> sa.Engine:
        def do_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> None:
            if self.on and statement.lstrip().lower().startswith(_WRITES):
                raise sqlite3.OperationalError("database or disk is full")

        event.listen(engine, "do_execute", do_execute)
        event.listen(
            engine,
            "do_executemany",
            lambda cursor, statement, parameters, context: do_execute(
                cursor, statement, parameters, context
            ),
        )
        return engine


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[FullDisk]:
    disk = FullDisk()
    made = articles.store.core.create_engine
    monkeypatch.setattr(articles.store.core, "create_engine", lambda url: disk.install(made(url)))
    yield disk


def test_an_api_write_on_a_full_disk_is_507_saying_to_free_space(
    make_app: Callable[..., Flask], full_disk: FullDisk
) -> None:
    api = api_client_for(make_app(site_url="https://news.example.com"))
    full_disk.on = True
    for response in (
        api.put("/api/articles/new-1", json=record()),
        api.patch("/api/articles/aug-1", json={"title": "고침"}),
        api.delete("/api/articles/aug-1"),
        api.post("/api/articles/batch", json={"articles": [{"id": "b1", **record()}]}),
    ):
        assert response.status_code == 507, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["type"].endswith(":problem:insufficient-storage")
        assert "disk" in body["detail"] and "full" in body["detail"]
        assert "free" in body["detail"] and "retry shortly" not in body["detail"].lower()
        assert "Retry-After" not in response.headers
    full_disk.on = False
    assert api.store.get("new-1") is None and api.store.get("aug-1") is not None
    assert api.put("/api/articles/new-1", json=record()).status_code == 201


def test_a_server_started_on_a_full_disk_still_serves_reads(
    make_app: Callable[..., Flask], full_disk: FullDisk
) -> None:
    before = api_client_for(make_app(site_url="https://news.example.com"))
    full_disk.on = True
    # A new start on the same database, with a new setting: a new documents' version, whose
    # row cannot be written.
    app = make_app(
        [],
        database_url=str(before.store.url),
        site_url="https://news.example.com",
        title="A new title",
    )
    api = ApiClient(app, app.test_client(), before.write_token, before.read_token)
    client = app.test_client()
    for path in ("/feeds/all.atom", "/feeds/section/asia.rss", "/", "/articles/aug-1"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Last-Modified" in response.headers
    assert b"A new title" in client.get("/feeds/all.atom").data
    assert api.get("/api/articles").status_code == 200
    assert api.get("/api/articles/aug-1").status_code == 200
    assert api.put("/api/articles/new-1", json=record()).status_code == 507
    full_disk.on = False
    assert api.put("/api/articles/new-1", json=record()).status_code == 201


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("database or disk is full"),
        psycopg.errors.DiskFull('could not extend file "base/16384/2619": No space left on device'),
    ],
)
def test_the_drivers_full_disk_errors_are_store_full(error: Exception) -> None:
    wrapped = sa.exc.OperationalError("INSERT ...", {}, error)
    found = translated(wrapped)
    assert isinstance(found, StoreFull) and not isinstance(found, StoreUnavailable)
