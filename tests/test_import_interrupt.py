"""`flask articles import` interrupted (Ctrl-C, SIGTERM) in a real process, on a large input.

Each input file is one transaction (all or nothing), so an interrupted import leaves the store
with every record of the file or none, never a part; the command says which on one line of
stderr, prints no traceback, and exits 128 + the signal's number (130, 143). The signal goes to
the whole process group, as a terminal's Ctrl-C does, so the parse workers get it too.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from articles.store.core import WRITE_LOCK_KEY
from articles.synthetic import write_jsonl
from tests.fixtures.store import BACKENDS, fresh_database

ROOT = Path(__file__).resolve().parent.parent
RECORDS = 4000  # about 27 MB of JSON Lines: parsed by the worker processes, written in batches
pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc")


def flask(*args: str) -> list[str]:
    # -X faulthandler: a SIGABRT (sent when it hangs) prints where every thread is.
    return [sys.executable, "-X", "faulthandler", "-m", "flask", "--app", "wsgi", "articles", *args]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("interrupt") / "big.jsonl"
    write_jsonl(path, RECORDS, seed=7)
    return path


@pytest.fixture(params=BACKENDS)
def instance(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[dict[str, str], str]]:
    """The environment of an app whose store is migrated (with the samples on SQLite), and
    its database URL."""
    with fresh_database(request.param, tmp_path) as url:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("FEEDS_") and k != "DATABASE_URL"
        }
        env["FEEDS_INSTANCE_PATH"] = str(tmp_path / "instance")
        env["DATABASE_URL"] = url
        done = subprocess.run(
            flask("migrate"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        yield env, url


def rows(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM articles")).scalar_one())
    finally:
        engine.dispose()


def reading(pid: int, source: Path) -> bool:
    """Whether the process has the input open (it is reading it)."""
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return str(source) in links


def writing(url: str) -> bool:
    """Whether another connection holds the store's write lock (an import's transaction)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
        return False
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            held = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND objid::bigint = :key AND pid <> pg_backend_pid()"
                ),
                {"key": WRITE_LOCK_KEY & 0xFFFFFFFF},
            ).scalar_one()
        return bool(held)
    finally:
        engine.dispose()


@pytest.mark.parametrize("phase", ["reading", "writing"])
@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_import_rolls_back_says_so_in_one_line_and_exits_128_plus_the_signal(
    instance: tuple[dict[str, str], str],
    big: Path,
    phase: str,
    sig: signal.Signals,
    status: int,
) -> None:
    env, url = instance
    before = rows(url)
    process = subprocess.Popen(
        flask("import", str(big)),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, which the signal goes to
    )
    try:
        deadline = time.monotonic() + 120
        seen_reading = False
        while process.poll() is None and time.monotonic() < deadline:
            seen_reading = seen_reading or reading(process.pid, big)
            if seen_reading and (phase == "reading" or writing(url)):
                break
            time.sleep(0.02)
        assert process.poll() is None, "the import ended before it could be interrupted"
        os.killpg(process.pid, sig)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            out, err = process.communicate(timeout=30)
            pytest.fail(f"the interrupted import did not end:\n{err}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "Traceback" not in err, err
    assert process.returncode == status, (out, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    (line,) = lines
    assert line.startswith(f"import interrupted ({sig.name}) "), line
    stored = rows(url) - before
    assert stored in (0, RECORDS), f"{stored} of {RECORDS} records written: half a file"
    if stored == 0:
        assert f"in {big} (file 1 of 1): nothing written; its transaction was rolled back" in line
    else:  # the signal came after the commit
        assert f"after {big} (file 1 of 1) was written: 1 file written ({RECORDS} new" in line
    if phase == "reading":
        assert stored == 0, line
