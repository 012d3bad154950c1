"""Static export benchmark: export time for synthetic stores, then nginx serving the export
against the app under the README's production command, in one run.

    .venv/bin/python bench/export_bench.py                  # 1k and 100k stores
    .venv/bin/python bench/export_bench.py --sizes 1000     # quick

For each size: the cached synthetic SQLite store (bench/common.py), a full export into a new
folder (documents, seconds, documents/s, bytes written), then a second, incremental run with
nothing changed (how long checking costs). Then, for the largest size, one 50-entry Atom feed
(`/feeds/all.atom`) fetched with `wrk` from nginx serving the export with its generated config
and from the app under the README's Granian command, in alternating rounds (median req/s).
Results: bench/results/export.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    PYTHON,
    ROOT,
    cached_store,
    log,
    machine,
    save_results,
    sqlite_url,
)
from http_bench import free_port, parse_wrk, start  # noqa: E402


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def export_once(database: Path, out: Path, site: str) -> dict[str, Any]:
    """Run `flask feeds export` in a child process (as an operator would) and time it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDS_")}
    env.update(
        DATABASE_URL=sqlite_url(database),
        FEEDS_SITE_URL=site,
        FEEDS_LOAD_SAMPLES="0",
        FEEDS_INSTANCE_PATH=str(out.parent / "instance"),
    )
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "flask", "--app", "wsgi", "feeds", "export", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    line = done.stdout.strip().splitlines()[-1]
    log(line)
    return {"seconds": round(seconds, 2), "report": line}


def nginx_main(prefix: Path, site_conf: Path, port: int, workers: int) -> Path:
    conf = site_conf.read_text(encoding="utf-8").replace(
        "listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};"
    )
    (prefix / "site.conf").write_text(conf, encoding="utf-8")
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = prefix / "nginx.conf"
    main.write_text(
        f"""daemon off;
worker_processes {workers};
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    map_hash_max_size 4194304;
    map_hash_bucket_size 512;
{temp}
    include {prefix / "site.conf"};
}}
""",
        encoding="utf-8",
    )
    return main


def wrk(url: str, duration: int, connections: int) -> dict[str, Any]:
    base = ["wrk", "-t2", f"-c{connections}", "-H", "Accept-Encoding: gzip"]
    subprocess.run([*base, "-d2s", url], capture_output=True, check=True, timeout=60)
    done = subprocess.run(
        [*base, f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    )
    return parse_wrk(done.stdout)


def readme_command(port: int) -> tuple[dict[str, str], list[str]]:
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.servers import readme_production_command

    return readme_production_command(port)


def serve_compare(
    database: Path, out: Path, args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    nginx_port, app_port = free_port(), free_port()
    prefix = work / "nginx"
    prefix.mkdir()
    main = nginx_main(prefix, out / "_nginx" / "feeds-export.conf", nginx_port, 2)
    settings, command = readme_command(app_port)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDS_")}
    env.update(settings)
    env.update(
        DATABASE_URL=sqlite_url(database),
        FEEDS_SITE_URL=args.site,
        FEEDS_LOAD_SAMPLES="0",
        FEEDS_INSTANCE_PATH=str(work / "app-instance"),
        FEEDS_ACCESS_LOG=str(work / "access.log"),
    )
    rounds: dict[str, list[dict[str, Any]]] = {"nginx": [], "app": []}
    with ExitStack() as stack:
        start(
            stack,
            "nginx",
            ["nginx", "-p", f"{prefix}/", "-c", str(main)],
            env,
            ROOT,
            work / "nginx.out",
            f"http://127.0.0.1:{nginx_port}/robots.txt",
        )
        start(
            stack,
            "app",
            command,
            env,
            ROOT,
            work / "app.out",
            f"http://127.0.0.1:{app_port}/healthz",
        )
        for number in range(args.rounds):
            for name, port in (("nginx", nginx_port), ("app", app_port)):
                result = wrk(f"http://127.0.0.1:{port}/feeds/all.atom", args.duration, 32)
                log(f"round {number + 1} {name}: {result['requests_per_s']:,.0f} req/s")
                rounds[name].append(result)
    summary: dict[str, Any] = {}
    for name, runs in rounds.items():
        summary[name] = {
            "median_requests_per_s": round(statistics.median(r["requests_per_s"] for r in runs), 1),
            "runs": runs,
        }
    summary["app_over_nginx"] = round(
        summary["app"]["median_requests_per_s"] / summary["nginx"]["median_requests_per_s"], 3
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="comma-separated store sizes")
    parser.add_argument("--site", default="https://news.example.com")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the export folders")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: dict[str, Any] = {"machine": machine(), "sizes": {}}
    work = Path(tempfile.mkdtemp(prefix="export-bench-"))
    try:
        out = work / "none"
        database = Path()
        for n in sizes:
            database = cached_store(n)
            out = work / f"export-{n}"
            log(f"exporting the {n:,}-article store")
            first = export_once(database, out, args.site)
            first["bytes"] = folder_bytes(out)
            second = export_once(database, out, args.site)
            results["sizes"][str(n)] = {"full": first, "incremental_unchanged": second}
        if shutil.which("nginx") and shutil.which("wrk"):
            results["serving"] = serve_compare(database, out, args, work)
            results["serving"]["store_size"] = sizes[-1]
        else:
            log("nginx or wrk missing: serving comparison skipped")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    path = save_results("export", results)
    log(f"results: {path}")
    for n, figures in results["sizes"].items():
        print(f"{int(n):>8,} articles: full {figures['full']['report']}")
        print(f"{'':>18}  again {figures['incremental_unchanged']['report']}")
    if "serving" in results:
        serving = results["serving"]
        print(
            f"/feeds/all.atom (gzip): nginx {serving['nginx']['median_requests_per_s']:,.0f} "
            f"req/s, app {serving['app']['median_requests_per_s']:,.0f} req/s "
            f"({serving['app_over_nginx']:.2f} of nginx)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
