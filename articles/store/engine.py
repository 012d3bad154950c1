"""The database connection's life: URL rules, engine, SQLite pragmas and WAL, error translation.

Callers of the store never see SQLAlchemy's exceptions: `translated(exc)` turns them into the
package's `StoreError` (or `StoreUnavailable` when the database cannot be reached or opened).
"""

from __future__ import annotations

import os
import sqlite3
import time
from functools import partial
from pathlib import Path
from typing import Any, Final

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.engine.url import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from articles.errors import (
    InvalidValue,
    StoreError,
    StoreFull,
    StoreUnavailable,
    UnstorableValue,
)

SQLITE_BUSY_TIMEOUT_MS: Final = 30_000
SQLITE_PAGE_SIZE: Final = 16384
# Page cache of a SQLite write transaction, in KiB (see Store._write_cache).
SQLITE_WRITE_CACHE_KIB: Final = 32_768
# A pooled PostgreSQL connection idle for at least this long (seconds) is pinged before use;
# one back from the pool sooner is used as is (see `_ping_if_idle`).
PING_AFTER_IDLE_S: Final = 1.0
BACKENDS: Final = ("sqlite", "postgresql")


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL, sending every PostgreSQL spelling to the psycopg 3 driver.

    Hosting platforms write `postgres://` or `postgresql://`; SQLAlchemy would reject the first
    and pick psycopg2 for the second. Raises InvalidValue (a ValueError) when it is no URL.
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except sa.exc.ArgumentError as exc:
        raise InvalidValue("database_url", str(exc)) from None
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def json_dumps(value: Any) -> str:
    # orjson: UTF-8 as is (no ASCII escapes), compact, and several times faster than json for the
    # documents every import writes and every feed request reads back.
    return orjson.dumps(value).decode()


def create_engine(url: URL) -> Engine:
    """An engine for `url` (no connection is opened here)."""
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, json_serializer=json_dumps, json_deserializer=orjson.loads)
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    engine = sa.create_engine(
        url,
        json_serializer=json_dumps,
        json_deserializer=orjson.loads,
        pool_size=5,
        max_overflow=10,
        pool_recycle=1800,
    )
    sa.event.listen(engine, "connect", _postgresql_on_connect)
    # Survive server restarts and idle-connection reaping without a round trip per checkout
    # (SQLAlchemy's pool_pre_ping pings every time): see `_ping_if_idle`.
    sa.event.listen(engine, "checkin", _note_idle)
    sa.event.listen(engine, "checkout", partial(_ping_if_idle, engine.dialect))
    return engine


def _postgresql_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Compress the documents this connection writes with LZ4 where the server has it.

    An article's JSON document (3 to 8 KB) is compressed when stored (TOAST); PostgreSQL's
    default, pglz, cost about as much server CPU as the rest of the insert together, LZ4
    (PostgreSQL 14 and later, when built with it) about a tenth as much, and it reads back
    faster. Values already stored keep their compression; both read the same. A server
    without LZ4 refuses the setting and keeps pglz.
    """
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a SET outside any transaction, kept for the session
    try:
        dbapi_connection.execute("SET default_toast_compression = 'lz4'")
    except Exception:  # noqa: BLE001 - the driver's error: no LZ4 here, pglz stays
        pass
    finally:
        dbapi_connection.autocommit = autocommit


def reading(conn: Connection) -> Connection:
    """`conn` set up for reads only: on PostgreSQL in autocommit, so a read costs its query's
    round trip alone instead of BEGIN, the query and ROLLBACK.

    PostgreSQL's default READ COMMITTED gives every statement its own snapshot inside a
    transaction too, so autocommit changes nothing a reader sees; the pool puts the
    connection back to transactions when it is returned (client-side, no round trip).
    Never use it for writes: every statement would commit on its own.
    """
    if conn.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="AUTOCOMMIT")
    return conn


def _note_idle(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect: Dialect, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Ping a pooled connection that sat idle for PING_AFTER_IDLE_S or more; replace it if dead.

    A connection the server or a proxy dropped while it idled is found here and the pool opens
    another (raising DisconnectionError makes the pool retry the checkout). One used within
    the last second is not pinged: a busy server skips the round trip on almost every
    request. If the server restarts in that second, the query fails once (StoreUnavailable,
    a 503 the client may retry) and SQLAlchemy then replaces every pooled connection.
    """
    since = record.info.pop("idle_since", None)
    if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
        return  # just opened, or back from use a moment ago
    try:
        alive = dialect.do_ping(dbapi_connection)
    except Exception as exc:  # the driver's own error class; a dead socket is expected here
        if dialect.is_disconnect(exc, dbapi_connection, None):  # type: ignore[arg-type]
            raise sa.exc.DisconnectionError(first_line(exc)) from exc
        raise
    if not alive:
        raise sa.exc.DisconnectionError("the connection did not answer a ping")


def _switch_to_wal(cursor: Any) -> None:
    """Turn WAL on, retrying while another process does the same to a new file.

    Changing the journal mode needs an exclusive lock and SQLite may answer "database is
    locked" at once instead of waiting out busy_timeout, as when several workers start on a
    fresh database together.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.01
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module so `begin` can say BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        # A new file. Articles are several KB of JSON each: bigger pages mean shorter overflow
        # chains (only possible before WAL is on). WAL: readers never wait for the writer.
        cursor.execute(f"PRAGMA page_size = {SQLITE_PAGE_SIZE}")
        _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that upgrades later fails
    # at once with "database is locked" instead of waiting out busy_timeout.
    if connection.get_execution_options().get("feeds_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


# SQLite's messages when the file (or its folder, or its WAL) cannot be opened or created.
_SQLITE_UNAVAILABLE: Final = (
    "unable to open database file",
    "readonly database",
    "disk i/o error",
    "authorization denied",
)


def first_line(exc: BaseException) -> str:
    """The first line of the driver's message (SQLAlchemy adds SQL and a link after it)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_unavailable(exc: SQLAlchemyError) -> bool:
    """Whether the database could not be reached or opened (retrying later may work)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    message = first_line(exc).lower()
    if isinstance(exc, sa.exc.OperationalError):
        if any(text in message for text in _SQLITE_UNAVAILABLE):
            return True
        # psycopg: the server is down, refuses, or went away mid-query.
        return any(
            text in message
            for text in (
                "connection refused",
                "could not connect",
                "connection failed",
                "server closed the connection",
                "terminating connection",
                "connection is closed",
                "the database system is",
                "timeout expired",
                "no such host",
                "could not translate host name",
                "name or service not known",
            )
        )
    return isinstance(exc, sa.exc.TimeoutError | sa.exc.DisconnectionError)


# The drivers' words for a write that found no room (SQLite, PostgreSQL, the system's).
_DISK_FULL: Final = (
    "database or disk is full",
    "no space left on device",
    "could not extend file",
    "disk quota exceeded",
)
# PostgreSQL's SQLSTATE for disk_full.
_PG_DISK_FULL: Final = "53100"


def is_disk_full(exc: SQLAlchemyError) -> bool:
    """Whether the database refused a write for want of room (SQLITE_FULL, SQLSTATE 53100,
    ENOSPC in the message)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    if getattr(orig, "sqlstate", None) == _PG_DISK_FULL:
        return True
    message = first_line(exc).lower()
    return any(text in message for text in _DISK_FULL)


def sqlite_file_problem(path: str) -> str | None:
    """Why SQLite cannot open or create the database file `path`, as far as the file system
    tells, or None. SQLite itself only says "unable to open database file", whatever the
    cause; this names the folder or file and what is wrong with it."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    file = Path(path)
    folder = file.parent
    if not folder.is_dir():
        if folder.exists():
            return f"{str(folder)!r} is not a folder"
        return (
            f"its folder {str(folder)!r} does not exist: create it, or set database_url to a "
            "file in a folder that does"
        )
    if file.is_dir():
        return f"{path!r} is a folder, not a database file"
    if file.exists() and not os.access(file, os.R_OK | os.W_OK):
        return f"this user cannot read and write {path!r}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"this user cannot write in its folder {str(folder)!r} (read-only, or no "
            "permission): SQLite writes the file and its -wal and -shm files there"
        )
    return None


def translated(
    exc: SQLAlchemyError, *, article_id: str | None = None, sqlite_file: str | None = None
) -> StoreError:
    """The package's error for a SQLAlchemy error (raise it `from exc`); `sqlite_file`, the
    database file of a SQLite store, lets a file that cannot be opened say why."""
    reason = first_line(exc)
    if is_disk_full(exc):
        return StoreFull(reason, article_id=article_id)
    if is_unavailable(exc):
        if sqlite_file is not None and (problem := sqlite_file_problem(sqlite_file)):
            reason = f"{reason}: {problem}"
        return StoreUnavailable(reason, article_id=article_id)
    if isinstance(exc, sa.exc.DataError):  # a value the database cannot hold or compare
        return UnstorableValue(reason, article_id=article_id)
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        reason += " (run `flask articles migrate` first)"
    return StoreError(reason, article_id=article_id)
