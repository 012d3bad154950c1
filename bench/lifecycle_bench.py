"""Publishing benchmarks: API ingest rate, and how soon a write is served by every worker.

Runs the production command (Granian, 2 workers, the response memo on at its default
`response_memo_ms`) against a fresh database, SQLite and PostgreSQL (`--postgres URL`), and
measures from one client on the same machine:

- ingest: records per second through `PUT /api/articles/{id}` (one record per request, one
  keep-alive connection) and through `POST /api/articles/batch` (`--batch` records each);
- write-to-served: after a `PUT` that adds an article to `/feeds/all.atom` returns, the feed is
  fetched on new connections (so both workers answer) until `--confirm` answers in a row carry
  the new entry; the time from the `PUT`'s answer to the first of those is the time until every
  worker serves the change (bounded by `response_memo_ms`, each worker's memo of the old
  answer). Medians over `--trials`.

    .venv/bin/python bench/lifecycle_bench.py [--quick] [--postgres URL]

Results go to bench/results/lifecycle.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from common import BENCH, PYTHON, ROOT, log, save_results, sqlite_url
from http_bench import app_command, app_env, free_port, start

WORKERS = 2
SITE = "http://127.0.0.1"


def record(article_id: str, minute: int) -> dict[str, Any]:
    """A small synthetic record (clearly labelled), published in the past."""
    return {
        "id": article_id,
        "title": f"[synthetic] benchmark story {article_id}",
        "published": f"2025-07-{1 + minute // 1440 % 28:02d}T{minute // 60 % 24:02d}:"
        f"{minute % 60:02d}:00Z",
        "summary": "[synthetic] a record written by bench/lifecycle_bench.py",
        "section": {"slug": "bench", "label": "Bench"},
        "tags": ["bench"],
        "body": ["[synthetic] paragraph one.", "[synthetic] paragraph two."],
    }


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


class Client:
    """One keep-alive connection to the app, with the API token."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method: str, path: str, body: Any) -> tuple[int, bytes]:
        data = json.dumps(body).encode()
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
        }
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def fresh_get(port: int, path: str) -> bytes:
    """GET on a new connection, so the server may hand it to any worker."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        return conn.getresponse().read()
    finally:
        conn.close()


def measure(database_url: str, label: str, args: argparse.Namespace) -> dict[str, Any]:
    env = app_env(database_url, {"FEEDS_SITE_URL": "", "FEEDS_HUB_URL": ""})
    env["FLASK_APP"] = "wsgi"
    flask(env, "articles", "migrate")
    token = flask(env, "tokens", "create", f"bench-{time.time_ns()}", "--scope", "write")
    token = token.strip().splitlines()[-1].strip()
    port = free_port()
    logs = Path(tempfile.mkdtemp(prefix="lifecycle-bench-"))
    with ExitStack() as stack:
        start(
            stack,
            f"app ({label})",
            app_command("granian", "wsgi:app", port, WORKERS, project_conf=True),
            env,
            ROOT,
            logs / "app.log",
            f"http://127.0.0.1:{port}/healthz",
        )
        client = Client(port, token)
        # Single PUTs.
        started = time.perf_counter()
        for n in range(args.singles):
            status, body = client.send("PUT", f"/api/articles/single-{n}", record(f"single-{n}", n))
            assert status in (200, 201), (status, body[:300])
        single_s = time.perf_counter() - started
        # Batches.
        started = time.perf_counter()
        total = 0
        for b in range(args.batches):
            batch = [record(f"batch-{b}-{i}", b * args.batch + i) for i in range(args.batch)]
            status, body = client.send("POST", "/api/articles/batch", {"articles": batch})
            assert status == 200, (status, body[:300])
            total += len(batch)
        batch_s = time.perf_counter() - started
        # Write to served by every worker.
        delays = []
        for trial in range(args.trials):
            article_id = f"fresh-{trial}-{time.time_ns()}"
            for _ in range(args.confirm):  # both workers have the current answer memoised
                fresh_get(port, "/feeds/all.atom")
            new = record(article_id, 0) | {"published": "2025-12-31T23:59:00Z"}
            status, body = client.send("PUT", f"/api/articles/{article_id}", new)
            assert status in (200, 201), (status, body[:300])
            written = time.perf_counter()
            streak_start: float | None = None
            streak = 0
            deadline = written + 30
            while streak < args.confirm and time.perf_counter() < deadline:
                asked = time.perf_counter()
                if article_id.encode() in fresh_get(port, "/feeds/all.atom"):
                    if streak == 0:
                        streak_start = asked
                    streak += 1
                else:
                    streak, streak_start = 0, None
            assert streak_start is not None and streak >= args.confirm, "change never served"
            delays.append(max(0.0, streak_start - written) * 1000)
        client.conn.close()
    result = {
        "database": label,
        "workers": WORKERS,
        "single_put": {
            "records": args.singles,
            "seconds": round(single_s, 3),
            "records_per_s": round(args.singles / single_s, 1),
        },
        "batch": {
            "records": total,
            "batch_size": args.batch,
            "seconds": round(batch_s, 3),
            "records_per_s": round(total / batch_s, 1),
        },
        "write_to_served_ms": {
            "trials": args.trials,
            "confirm_in_a_row": args.confirm,
            "median": round(statistics.median(delays), 1),
            "max": round(max(delays), 1),
            "all": [round(d, 1) for d in delays],
        },
    }
    log(json.dumps(result))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke test")
    parser.add_argument("--postgres", help="also run on this empty PostgreSQL database URL")
    parser.add_argument("--singles", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--batch", type=int, default=100, help="records per batch (<= 100)")
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--confirm", type=int, default=20)
    args = parser.parse_args(argv)
    if args.quick:
        args.singles, args.batches, args.trials, args.confirm = 100, 5, 3, 10
    runs = []
    with tempfile.TemporaryDirectory(prefix="lifecycle-bench-") as folder:
        runs.append(measure(sqlite_url(Path(folder) / "bench.db"), "sqlite", args))
    if args.postgres:
        runs.append(measure(args.postgres, "postgresql", args))
    path = save_results("lifecycle" + ("-quick" if args.quick else ""), {"runs": runs})
    log(f"results in {path.relative_to(BENCH.parent) if path.is_relative_to(ROOT) else path}")
    for run in runs:
        print(
            f"{run['database']}: single PUT {run['single_put']['records_per_s']:,} records/s, "
            f"batch of {run['batch']['batch_size']} {run['batch']['records_per_s']:,} records/s, "
            f"write to served by every worker: median {run['write_to_served_ms']['median']} ms "
            f"(max {run['write_to_served_ms']['max']} ms)"
        )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
