"""Import rate and peak memory: synthetic JSON Lines into SQLite and PostgreSQL, real importer.

Each import runs as its own process, exactly as an operator would start it::

    FEEDS_DATABASE_URL=sqlite:///x.db flask --app wsgi articles import corpus.jsonl

into a fresh database whose schema was created beforehand. The rate is records per second of
that process's wall time (start-up included); the memory figures are its peak resident set
size (`ru_maxrss` from `wait4` on that one child) and the peak PSS summed over it and its
parsing workers. CPU time is the importer's and its workers' (user + system), and on
PostgreSQL also the server backend's (from /proc). Targets at 1M: SQLite >= 6,500 records/s,
PostgreSQL >= 5,000 records/s, < 300 MB.

    python bench/import_bench.py                     # 100k and 1M, SQLite
    python bench/import_bench.py --postgres postgresql://user:pw@127.0.0.1/db   # and PostgreSQL
    python bench/import_bench.py --sizes 10000       # quicker
    python bench/import_bench.py --sizes 100000 --profile   # where the time goes, by module

A successful import is kept as the query benchmark's store of that size (SQLite: a file in
the data folder; PostgreSQL: the database `<db>_bench_<n>`).
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from common import (
    BENCH,
    DATA,
    NOW,
    PYTHON,
    ROOT,
    SEED,
    adopt_db,
    corpus_file,
    log,
    pg_create,
    pg_name,
    pg_rename,
    pg_size_mb,
    remove_db,
    save_results,
    sqlite_url,
)
from sqlalchemy.engine import make_url

RATE_TARGETS = {"sqlite": 6_500, "postgresql": 5_000}  # records per second at 1M
MEMORY_TARGET_MB = 300


def app_environment(database_url: str) -> dict[str, str]:
    """The environment the app's CLI needs: our database, no bundled samples."""
    env = dict(os.environ)
    env.update(
        FEEDS_DATABASE_URL=database_url,
        FEEDS_LOAD_SAMPLES="0",
        FLASK_APP="wsgi",
        PYTHONPATH=str(ROOT),
    )
    return env


def import_command(
    corpus: Path, database_url: str, via: str, profile_to: Path | None = None
) -> list[str]:
    """`flask articles import` (via="cli") or the importer's API alone (via="api")."""
    command = [PYTHON]
    if profile_to is not None:
        command += ["-m", "cProfile", "-o", str(profile_to)]
    if via == "api":
        return [*command, str(BENCH / "import_runner.py"), database_url, str(corpus)]
    return [*command, "-m", "flask", "--app", "wsgi", "articles", "import", str(corpus)]


def default_via() -> str:
    """The CLI when the app has its `articles` commands, else the importer API directly."""
    return "cli" if (ROOT / "articles" / "cli.py").exists() else "api"


def migrate(database_url: str) -> None:
    """Create the schema first, so the measured run is the import alone."""
    from articles.store import Store

    store = Store(database_url)
    store.migrate()
    store.dispose()


class TreeMemory:
    """Samples the proportional set size (PSS) of a process and all its descendants.

    `ru_maxrss` covers one process at a time; an importer that forks parsing workers uses the
    sum over the tree. PSS splits pages shared after fork between the sharers, so the sum is
    not inflated by copy-on-write pages counted once per worker.
    """

    def __init__(self, pid: int, every_s: float = 0.2) -> None:
        self.pid = pid
        self.every_s = every_s
        self.peak_kib = 0
        self.peak_processes = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self.every_s):
            pids = _descendants(self.pid)
            total = sum(_pss_kib(pid) for pid in pids)
            if total > self.peak_kib:
                self.peak_kib = total
            self.peak_processes = max(self.peak_processes, len(pids))


class ServerCpu:
    """CPU time of the PostgreSQL backends serving the import's database (None on SQLite).

    Samples /proc every `every_s` for `postgres` processes whose title names the database
    (`postgres: user db host(port) ...`) and keeps each one's last user + system time; the
    sum is the server's share of the import's work (a backend's last fraction of a second
    before it exits is missed).
    """

    def __init__(self, database_url: str, every_s: float = 0.2) -> None:
        postgres = database_url.startswith("postgres")
        self.database = make_url(database_url).database if postgres else None
        self.every_s = every_s
        self.seconds: float | None = None
        self._seen: dict[int, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ServerCpu:
        if self.database:
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.database:
            self._done.set()
            self._thread.join()
            self.seconds = round(sum(self._seen.values()), 1)

    def _run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        marker = f" {self.database} ".encode()
        while not self._done.wait(self.every_s):
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/cmdline", "rb") as fh:
                        if marker not in fh.read():
                            continue
                    with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                        fields = fh.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self._seen[int(entry)] = (int(fields[11]) + int(fields[12])) / tick


def _descendants(root: int) -> list[int]:
    """`root` and every live process below it, from the parent ids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                # The command name may hold spaces: the fields after its closing ")" are fixed.
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass  # the process ended between listing and reading
    return 0


def run_import(
    corpus: Path, database_url: str, via: str, profile_to: Path | None = None
) -> dict[str, Any]:
    """Run one import process; return its wall time, peak RSS, exit status and last output."""
    log_path = DATA / f"import-{os.getpid()}.log"  # one per benchmark process
    with open(log_path, "w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            import_command(corpus, database_url, via, profile_to),
            cwd=ROOT,
            env=app_environment(database_url),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        # wait4 gives the resource usage of this child alone (ru_maxrss is in KiB on Linux);
        # the sampler adds up the whole process tree, parsing workers included.
        with TreeMemory(process.pid) as tree, ServerCpu(database_url) as server:
            _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
    log_path.unlink()
    return {
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_pss_mb": round(tree.peak_kib / 1024, 1),
        "peak_processes": tree.peak_processes,
        # The importer and its parsing workers (reaped by it, so counted in its rusage).
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "server_cpu_s": server.seconds,
        "exit_code": process.returncode,
        "output_tail": tail,
    }


def expected_visible(n: int) -> int:
    from articles.synthetic import status_for

    return sum(1 for number in range(1, n + 1) if status_for(number) == "published")


def count_visible(database_url: str) -> int:
    """Visible articles after the import: the facet count (kept by the writer)."""
    from articles.store import Facet, Store

    store = Store(database_url)
    try:
        return store.count_visible(Facet("all"), now=NOW)
    finally:
        store.dispose()


def time_by_module(profile: Path, top: int = 15) -> list[dict[str, Any]]:
    """Own time (tottime) per source file, largest first: which module the time is spent in.

    Time inside C functions (nh3, sqlite3, json's C parts...) is charged to the Python module
    that called them, with the C function named, so `articles/text.py` shows its nh3 time.
    """
    stats = pstats.Stats(str(profile))
    per_file: dict[str, float] = defaultdict(float)
    in_c: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    total = 0.0
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        own, callers = row[2], row[4]
        total += own
        if filename != "~" or not callers:
            per_file[_short(filename)] += own
            continue
        # Split a C function's time over its callers in proportion to what each caused.
        caused = sum(c[2] for c in callers.values()) or 1.0
        for (caller_file, _l, _n), c in callers.items():
            share = own * c[2] / caused
            per_file[_short(caller_file)] += share
            in_c[_short(caller_file)][_c_name(name)] += share
    ranked = sorted(per_file.items(), key=lambda item: item[1], reverse=True)[:top]
    rows = []
    for module, seconds in ranked:
        c_calls = sorted(in_c[module].items(), key=lambda item: item[1], reverse=True)[:2]
        rows.append(
            {
                "module": module,
                "seconds": round(seconds, 2),
                "share": round(seconds / total, 3),
                "of_which_in_c": {c: round(t, 2) for c, t in c_calls if t >= 0.05 * seconds},
            }
        )
    return rows


def _c_name(name: str) -> str:
    """`<method 'executemany' of 'sqlite3.Cursor' objects>` -> `sqlite3.Cursor.executemany`."""
    method = re.fullmatch(r"<method '(.+)' of '(.+)' objects>", name)
    if method:
        return f"{method[2]}.{method[1]}"
    builtin = re.fullmatch(r"<built-in method (.+)>", name)
    return builtin[1] if builtin else name


def top_functions(profile: Path, top: int = 15) -> list[dict[str, Any]]:
    """The functions with the largest cumulative time, for the call path behind the modules."""
    stats = pstats.Stats(str(profile))
    rows = []
    for (filename, line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((row[3], row[2], f"{_short(filename)}:{line}({name})"))
    rows.sort(reverse=True)
    return [
        {"function": where, "cumulative_s": round(cum, 2), "own_s": round(own, 2)}
        for cum, own, where in rows[:top]
    ]


def _short(filename: str) -> str:
    """`site-packages/sqlalchemy/engine/base.py` -> `sqlalchemy/engine/base.py`; ours relative."""
    if filename.startswith(str(ROOT)) and "site-packages" not in filename:
        return os.path.relpath(filename, ROOT)
    for marker in ("site-packages/", "lib/python3."):
        if marker in filename:
            rest = filename.split(marker, 1)[1]
            return rest.split("/", 1)[1] if marker == "lib/python3." else rest
    return filename


def stage_rates(corpus: Path, n: int, seed: int) -> dict[str, int]:
    """Records/s of each stage of an import on its own, without a profiler's distortion.

    `json decode` is the floor (json.loads per line); `parse` is `read_records` (decode and
    validate, no store); `store` is `upsert_many` of already-built articles in batches of
    1,000 inside one transaction into an empty SQLite store, as the importer writes them.
    """
    import json

    from articles.formats import read_records
    from articles.store import Store
    from articles.synthetic import generate
    from feeds.config import SiteConfig

    config = SiteConfig()
    rates: dict[str, int] = {}
    log(f"stages: json decode of {n:,} lines")
    started = time.perf_counter()
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            json.loads(line)
    rates["json decode"] = round(n / (time.perf_counter() - started))

    log(f"stages: read_records (parse and validate) of {n:,} records")
    started = time.perf_counter()
    for record in read_records(corpus, zone=config.zone, default_language="ko"):
        if record.error is not None:
            raise RuntimeError(f"synthetic record rejected: {record.error}")
    rates["parse (read_records)"] = round(n / (time.perf_counter() - started))

    log(f"stages: upsert_many of {n:,} built articles")
    db = DATA / f"stages-{n}.db"
    remove_db(db)
    store = Store(sqlite_url(db))
    store.migrate()
    spent = 0.0
    batch = []
    with store.transaction() as tx:
        for article in generate(n, seed=seed):
            batch.append(article)
            if len(batch) == 1000:
                started = time.perf_counter()
                tx.upsert_many(batch)
                spent += time.perf_counter() - started
                batch.clear()
        started = time.perf_counter()
        if batch:
            tx.upsert_many(batch)
    spent += time.perf_counter() - started  # includes the commit
    store.dispose()
    remove_db(db)
    rates["store (upsert_many + commit)"] = round(n / spent)
    return rates


def fresh_database(backend: str, n: int, postgres: str | None) -> tuple[str, Path | None]:
    """An empty database for importing `n` records: (URL, SQLite path or None)."""
    if backend == "sqlite":
        db = DATA / f"import-{n}-s{SEED}.db"
        remove_db(db)
        return sqlite_url(db), db
    assert postgres is not None
    return pg_create(postgres, pg_name(postgres, f"import_{n}")), None


def keep_database(
    backend: str, n: int, seed: int, db: Path | None, postgres: str | None, keep: bool, ok: bool
) -> None:
    """A good import becomes the query benchmark's store of its size; otherwise clean up."""
    if backend == "sqlite":
        assert db is not None
        if ok:
            adopt_db(db, n, seed)
        elif not keep:
            remove_db(db)
        return
    assert postgres is not None
    if ok:
        pg_rename(postgres, pg_name(postgres, f"import_{n}"), pg_name(postgres, str(n)))


def bench_size(
    n: int,
    seed: int,
    via: str,
    profile: bool,
    keep: bool,
    stages: bool = False,
    backend: str = "sqlite",
    postgres: str | None = None,
) -> dict[str, Any]:
    corpus = corpus_file(n, seed)
    url, db = fresh_database(backend, n, postgres)
    migrate(url)
    profile_to = DATA / f"import-{backend}-{n}.prof" if profile else None
    log(f"{backend}: importing {n:,} records via {via}{' under cProfile' if profile else ''}")
    load_before = os.getloadavg()
    run = run_import(corpus, url, via, profile_to)
    result: dict[str, Any] = {
        "backend": backend,
        "records": n,
        "via": via,
        "corpus_mb": round(corpus.stat().st_size / 1e6, 1),
        **run,
        "records_per_s": round(n / run["seconds"]),
        "cpu_us_per_record": round(run["cpu_s"] / n * 1e6),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "profiled": profile,
    }
    if run["exit_code"] == 0:
        stored, expected = count_visible(url), expected_visible(n)
        result["visible_after_import"] = stored
        result["visible_expected"] = expected
        if stored != expected:
            log(f"WARNING: {stored:,} visible after import, expected {expected:,}")
    else:
        log(f"import failed (exit {run['exit_code']}): " + " | ".join(run["output_tail"]))
    if profile_to is not None and profile_to.exists():
        result["time_by_module"] = time_by_module(profile_to)
        result["top_functions"] = top_functions(profile_to)
    if db is not None:
        result["db_mb"] = round(db.stat().st_size / 1e6, 1) if db.exists() else None
    else:
        result["db_mb"] = pg_size_mb(url)
    if stages and backend == "sqlite":
        result["stages"] = stage_rates(corpus, n, seed)
    ok = run["exit_code"] == 0 and result.get("visible_after_import") == result.get(
        "visible_expected"
    )
    keep_database(backend, n, seed, db, postgres, keep, ok and not profile)
    return result


def _peak(run: dict[str, Any]) -> float:
    """The memory the target is judged on: the larger of the process and its whole tree."""
    return max(run["peak_rss_mb"], run["peak_tree_pss_mb"])


def report(results: list[dict[str, Any]]) -> None:
    print(
        f"{'store':<10} {'records':>10} {'seconds':>9} {'records/s':>10} {'CPU us/rec':>10} "
        f"{'server CPU s':>12} {'peak RSS MB':>12} {'tree PSS MB':>12} {'procs':>5}  "
        "targets (at 1M)"
    )
    for r in results:
        target = RATE_TARGETS[r["backend"]]
        verdict = (
            f"rate {'ok' if r['records_per_s'] >= target else 'MISSED'} ({target:,}/s), "
            f"memory {'ok' if _peak(r) < MEMORY_TARGET_MB else 'MISSED'}"
        )
        if r["exit_code"] != 0:
            verdict = f"FAILED (exit {r['exit_code']})"
        server = "-" if r["server_cpu_s"] is None else f"{r['server_cpu_s']:.1f}"
        print(
            f"{r['backend']:<10} {r['records']:>10,} {r['seconds']:>9.1f} "
            f"{r['records_per_s']:>10,} {r['cpu_us_per_record']:>10,} {server:>12} "
            f"{r['peak_rss_mb']:>12.1f} {r['peak_tree_pss_mb']:>12.1f} {r['peak_processes']:>5}  "
            f"{verdict}{' (profiled)' if r['profiled'] else ''}"
        )
        for row in r.get("time_by_module", [])[:10]:
            c_parts = ", ".join(f"{c} {t:.1f}s" for c, t in row["of_which_in_c"].items())
            print(
                f"{'':>12}{row['share']:>6.1%}  {row['seconds']:>7.1f}s  {row['module']}"
                + (f"  (in C: {c_parts})" if c_parts else "")
            )
        for name, rate in r.get("stages", {}).items():
            print(f"{'':>12}stage {name:<34} {rate:>8,} records/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--via",
        choices=("cli", "api"),
        default=default_via(),
        help="flask articles import (cli) or import_sources in a bare process (api)",
    )
    parser.add_argument("--profile", action="store_true", help="run under cProfile")
    parser.add_argument(
        "--stages", action="store_true", help="also time parsing and storing separately"
    )
    parser.add_argument("--keep", action="store_true", help="keep the imported databases")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also import into PostgreSQL: a server URL whose user may create databases",
    )
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=("sqlite", "postgresql"),
        help="stores to import into (default: SQLite, and PostgreSQL with --postgres)",
    )
    parser.add_argument(
        "--results-name",
        help="write bench/results/<name>.json (default: import, or import_profile)",
    )
    args = parser.parse_args(argv)
    backends = args.backends or (["sqlite", "postgresql"] if args.postgres else ["sqlite"])
    if "postgresql" in backends and not args.postgres:
        parser.error("--backends postgresql needs --postgres URL")
    results = [
        bench_size(
            n, args.seed, args.via, args.profile, args.keep, args.stages, backend, args.postgres
        )
        for n in args.sizes
        for backend in backends
    ]
    report(results)
    name = args.results_name or ("import_profile" if args.profile else "import")
    save_results(
        name,
        {
            "targets": {"records_per_s": RATE_TARGETS, "peak_memory_mb": MEMORY_TARGET_MB},
            "runs": results,
        },
    )
    return 0 if all(r["exit_code"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
