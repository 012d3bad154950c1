"""Run every benchmark, each in its own process with a time limit, and print their tables.

    python bench/run_all.py --quick     # small sizes, a few minutes
    python bench/run_all.py             # the sizes the targets are stated for (1M records)

Figures land in bench/results/*.json; inputs are cached under bench/.data/ (git-ignored), so a
second full run skips the generation and store building.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from common import BENCH, PYTHON, ROOT, log

# (script, arguments for --quick, arguments for a full run, time limit of a full run in seconds)
PLAN: tuple[tuple[str, list[str], list[str], int], ...] = (
    ("import_bench.py", ["--sizes", "10000", "100000"], ["--sizes", "100000", "1000000"], 3600),
    (
        "query_bench.py",
        ["--sizes", "1000", "10000", "100000", "--runs", "100"],
        ["--sizes", "1000", "100000", "1000000"],
        3600,
    ),
    ("render.py", ["--runs", "50"], [], 900),
    ("api_bench.py", ["--records", "500"], ["--records", "5000"], 1800),
    (
        "http_bench.py",
        ["--articles", "10000", "--duration", "5"],
        ["--articles", "100000", "--duration", "10"],
        900,
    ),
    ("lifecycle_bench.py", ["--quick"], [], 900),
    ("load.py", ["--quick"], [], 900),
)
QUICK_LIMIT_S = 900


def _name(script: str) -> str:
    """`import_bench.py` -> `import`, `render.py` -> `render`."""
    return script.removesuffix(".py").removesuffix("_bench")


def run_bounded(command: list[str], timeout: int, env: dict[str, str]) -> int:
    """Run a benchmark; past `timeout`, SIGTERM its process group, later SIGKILL.

    The HTTP benchmark turns SIGTERM into an orderly exit that stops its servers (they run in
    process groups of their own); everything else in the group just ends.
    """
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        log(f"time limit of {timeout}s reached: stopping {Path(command[1]).name}")
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        return -1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short loads")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=[_name(script) for script, *_ in PLAN],
        help="run only these benchmarks",
    )
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.quick:
        env["BENCH_RESULTS"] = str(BENCH / "results" / "quick")
    failures = []
    for script, quick, full, limit in PLAN:
        name = _name(script)
        if args.only and name not in args.only:
            continue
        command = [PYTHON, str(BENCH / script), *(quick if args.quick else full)]
        timeout = QUICK_LIMIT_S if args.quick else limit
        log(f"== {name}: {' '.join(command[1:])} (limit {timeout}s)")
        started = time.perf_counter()
        code = run_bounded(command, timeout, env)
        log(f"== {name}: exit {code} after {time.perf_counter() - started:.0f}s")
        if code != 0:
            failures.append(name)
    if failures:
        log(f"failed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
