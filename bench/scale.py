"""Issue 15's scale figures in one command: import rate and query time vs store size, both stores.

Runs, each in its own bounded process: the import benchmark (SQLite and PostgreSQL), the query
benchmark (query plus render, both stores interleaved), then the plot. Inputs are generated
once and cached under BENCH_DATA (default bench/.data; a full run needs ~7 GB for the 1M
corpus plus ~5 to 7 GB per 1M store and room for the import's copy: ~40 GB free).

    BENCH_DATA=/work/benchdata python bench/scale.py --postgres postgresql://feeds:feeds@127.0.0.1/feeds
    BENCH_DATA=/work/benchdata python bench/scale.py --quick --postgres ...    # small sizes

Full: imports of 100k and 1M, queries at 1k, 100k and 1M; figures in bench/results/import.json,
query.json and scale.png. --quick: imports of 10k and 100k, queries at 1k, 10k and 100k with
fewer runs, written to bench/results/quick/ so they never replace a full run's figures.
The `--postgres` user must be allowed to create databases (it makes `<db>_bench_<n>`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from common import BENCH, PYTHON, log
from run_all import run_bounded

FULL_IMPORT = ["--sizes", "100000", "1000000"]
QUICK_IMPORT = ["--sizes", "10000", "100000"]
FULL_QUERY = ["--sizes", "1000", "100000", "1000000"]
QUICK_QUERY = ["--sizes", "1000", "10000", "100000", "--runs", "100"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument(
        "--postgres", metavar="URL", help="PostgreSQL server URL (omit: SQLite only)"
    )
    parser.add_argument(
        "--only", nargs="+", choices=("import", "query", "plot"), help="run only these steps"
    )
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.quick:
        env["BENCH_RESULTS"] = str(BENCH / "results" / "quick")
    store_args = ["--postgres", args.postgres] if args.postgres else []
    steps = [
        ("import", "import_bench.py", QUICK_IMPORT if args.quick else FULL_IMPORT, 7200),
        ("query", "query_bench.py", QUICK_QUERY if args.quick else FULL_QUERY, 3600),
        ("plot", "plot.py", [], 300),
    ]
    failures = []
    for name, script, sizes, limit in steps:
        if args.only and name not in args.only:
            continue
        extra = store_args if name != "plot" else []
        command = [PYTHON, str(BENCH / script), *sizes, *extra]
        shown = [part if part != args.postgres else "<postgres>" for part in command[1:]]
        log(f"== {name}: {' '.join(shown)} (limit {limit}s)")
        started = time.perf_counter()
        code = run_bounded(command, limit, env)
        log(f"== {name}: exit {code} after {time.perf_counter() - started:.0f}s")
        if code != 0:
            failures.append(name)
    if failures:
        log(f"failed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
