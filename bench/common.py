"""Shared pieces of the benchmarks: the data cache, cached corpora and stores, results, machine.

Nothing here runs in the test suite. Large inputs are built once and kept under `bench/.data/`
(git-ignored), or under the folder `BENCH_DATA` names (a 1M corpus is ~7 GB, its SQLite store
~5 GB: point it at a disk with room, shared by every checkout); a file appears there only
when it is complete (written under a temporary name, then renamed), so an interrupted run
never leaves a half-built cache behind. PostgreSQL stores are databases named after the
`--postgres` URL's database (`<db>_bench_<n>`), made and dropped by the benchmarks.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = Path(os.environ.get("BENCH_DATA") or BENCH / ".data")
# run_all.py --quick points this at bench/results/quick/ so small runs never overwrite the figures
# of a full run.
RESULTS = Path(os.environ.get("BENCH_RESULTS") or BENCH / "results")
PYTHON = sys.executable
SEED = 1
# Visibility is always asked "as of" this moment: after the newest synthetic article of a
# default corpus, and fixed, so repeated runs ask exactly the same question.
NOW = datetime(2026, 1, 1, tzinfo=UTC)

# Let `python bench/x.py` import the project even from a checkout that is not installed.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    """Progress on stderr, so stdout stays for the summary table."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def corpus_file(n: int, seed: int = SEED) -> Path:
    """A JSON Lines file of `n` synthetic records, generated once and cached."""
    path = DATA / f"corpus-{n}-s{seed}.jsonl"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    log(f"generating {n:,} synthetic records -> {path.name}")
    started = time.perf_counter()
    # A child process, so the generator's memory never counts against a measured process.
    subprocess.run(
        [PYTHON, "-m", "articles.synthetic", str(n), "--seed", str(seed), "-o", str(partial)],
        check=True,
        cwd=ROOT,
    )
    partial.rename(path)
    log(f"generated in {time.perf_counter() - started:.1f}s ({path.stat().st_size / 1e6:,.0f} MB)")
    return path


def store_path(n: int, seed: int = SEED) -> Path:
    """Where the cached SQLite store of the `n`-record corpus lives (it may not exist yet)."""
    return DATA / f"store-{n}-s{seed}.db"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def remove_db(path: Path) -> None:
    """Delete an SQLite database with its journal files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def adopt_db(built: Path, n: int, seed: int = SEED) -> None:
    """Keep a freshly built store as the cache for its corpus, unless one is there already."""
    target = store_path(n, seed)
    if target.exists():
        remove_db(built)
        return
    # Fold the WAL into the main file first: only the main file is renamed.
    with sqlite3.connect(built) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    built.rename(target)
    remove_db(built)


def cached_store(n: int, seed: int = SEED) -> Path:
    """The path of an SQLite store holding the `n`-record corpus, imported once (the corpus
    file through the importer, as an operator would load it)."""
    from articles.store import Store

    target = store_path(n, seed)
    if target.exists():
        # A cached store may predate a schema change: bring it to the code's schema first.
        store = Store(sqlite_url(target))
        store.migrate()
        store.dispose()
        return target

    DATA.mkdir(parents=True, exist_ok=True)
    partial = DATA / f"store-{n}-s{seed}.partial.db"
    remove_db(partial)
    log(f"building a {n:,}-article store -> {target.name}")
    started = time.perf_counter()
    store = Store(sqlite_url(partial))
    store.migrate()
    store.dispose()
    import_corpus(n, sqlite_url(partial), seed)
    log(f"built in {time.perf_counter() - started:.1f}s")
    adopt_db(partial, n, seed)
    return target


# -- PostgreSQL databases for the benchmarks ---------------------------------------------------


def _pg_admin(base_url: str) -> Any:
    import sqlalchemy as sa

    from articles.store import normalise_url

    return sa.create_engine(normalise_url(base_url), isolation_level="AUTOCOMMIT")


def pg_database_url(base_url: str, name: str) -> str:
    """`base_url` with its database replaced by `name` (password kept: the child needs it)."""
    from articles.store import normalise_url

    return normalise_url(base_url).set(database=name).render_as_string(hide_password=False)


def pg_name(base_url: str, label: str) -> str:
    """The benchmark database for `label`, named after the URL's own: `<db>_bench_<label>`."""
    from articles.store import normalise_url

    return f"{normalise_url(base_url).database}_bench_{label}"


def pg_exists(base_url: str, name: str) -> bool:
    import sqlalchemy as sa

    engine = _pg_admin(base_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
        return found is not None
    finally:
        engine.dispose()


def pg_drop(base_url: str, name: str) -> None:
    engine = _pg_admin(base_url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


def pg_create(base_url: str, name: str) -> str:
    """A new, empty database `name` (dropped first if it exists); returns its URL."""
    pg_drop(base_url, name)
    engine = _pg_admin(base_url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return pg_database_url(base_url, name)


def pg_rename(base_url: str, old: str, new: str) -> None:
    """Rename a database (replacing `new`); nobody may be connected to either."""
    pg_drop(base_url, new)
    engine = _pg_admin(base_url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{old}" RENAME TO "{new}"')
    finally:
        engine.dispose()


def pg_size_mb(url: str) -> float:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        return round(int(size) / 1e6, 1)
    finally:
        engine.dispose()


def import_corpus(n: int, url: str, seed: int = SEED) -> None:
    """Import the `n`-record corpus into the (migrated, empty) store at `url` in a child
    process, through the importer's API with its parsing workers (bench/import_runner.py)."""
    corpus = corpus_file(n, seed)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([PYTHON, str(BENCH / "import_runner.py"), url, str(corpus)], check=True, env=env)


def stored(n: int, backend: str, postgres: str | None = None, seed: int = SEED) -> str:
    """The URL of a store holding the `n`-record corpus, imported once and then reused.

    SQLite: the file `store_path(n)` (the import benchmark leaves its store there too);
    PostgreSQL: the database `<db>_bench_<n>` on the server of `postgres`.
    """
    from articles.store import Store

    if backend == "sqlite":
        return sqlite_url(cached_store(n, seed))
    assert postgres is not None, "PostgreSQL stores need a server URL (--postgres)"
    name = pg_name(postgres, str(n))
    if pg_exists(postgres, name):
        url = pg_database_url(postgres, name)
        store = Store(url)
        store.migrate()
        store.dispose()
        return url
    partial = pg_name(postgres, f"partial_{n}")
    url = pg_create(postgres, partial)
    log(f"building a {n:,}-article PostgreSQL store -> {name}")
    started = time.perf_counter()
    store = Store(url)
    store.migrate()
    store.dispose()
    import_corpus(n, url, seed)
    pg_rename(postgres, partial, name)
    log(f"built in {time.perf_counter() - started:.1f}s")
    return pg_database_url(postgres, name)


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _version(command: list[str]) -> str:
    if not shutil.which(command[0]):
        return "not installed"
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "nginx": _version(["nginx", "-v"]),
        "wrk": _version(["wrk", "--version"]),
        "load_average": os.getloadavg(),
    }


def save_results(name: str, payload: dict[str, Any]) -> Path:
    """Write one benchmark's figures, with the machine and time, to bench/results/<name>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **payload,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"results -> {path}")
    return path
