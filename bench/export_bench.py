"""Static export benchmark: export time for synthetic stores (full, unchanged, after one edit),
then nginx serving the export against the app under the README's production command.

    .venv/bin/python bench/export_bench.py                  # 1k and 100k stores
    .venv/bin/python bench/export_bench.py --sizes 1000     # the 1k store only
    .venv/bin/python bench/export_bench.py --quick          # a 50-article store, about a minute

For each size, on a copy of the cached synthetic SQLite store (bench/common.py), `flask feeds
export` runs in a child process as an operator would run it:

1. a full export into a new folder (documents, wall seconds, CPU seconds of the export and
   its worker processes, bytes written);
2. the same again with nothing changed (what checking every document costs);
3. after one old article is corrected (its title, `updated` one second later): what one edit
   costs to bring the folder up to date, and how many documents it rewrote.

The load average is recorded before and after each run: on a shared machine the wall time
says little, the CPU seconds more. Then, for the largest size, one 50-entry Atom feed
(`/feeds/all.atom`, gzip) is fetched with `wrk` from nginx serving the export with its
generated config and from the app under the README's Granian command, in alternating rounds
(median req/s; a round with any non-2xx answer fails the benchmark).
Results: bench/results/export.json (bench/results/quick/ with --quick).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import (  # noqa: E402
    BENCH,
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


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def export_env(database: Path, out: Path, site: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDS_")}
    env.update(
        DATABASE_URL=sqlite_url(database),
        FEEDS_SITE_URL=site,
        FEEDS_LOAD_SAMPLES="0",
        FEEDS_INSTANCE_PATH=str(out.parent / "instance"),
    )
    return env


def export_command(out: Path, workers: int | None, sample: int) -> list[str]:
    """`flask feeds export` as an operator runs it, or with `sample` > 1 this script's
    `--child` mode: the same export of a deterministic share of the documents (SampledExporter)."""
    if sample > 1:
        command = [PYTHON, str(Path(__file__).resolve()), "--child", str(out)]
        command += ["--sample", str(sample)]
    else:
        command = [PYTHON, "-m", "flask", "--app", "wsgi", "feeds", "export", str(out)]
    if workers:
        command += ["--workers", str(workers)]
    return command


def export_once(
    database: Path, out: Path, site: str, workers: int | None, sample: int = 1
) -> dict[str, Any]:
    """Run the export in a child process (as an operator would) and time it."""
    env = export_env(database, out, site)
    command = export_command(out, workers, sample)
    load_before, cpu_before = load(), children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    line = done.stdout.strip().splitlines()[-1]
    log(line)
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(children_cpu() - cpu_before, 2),
        "report": line,
        "load_average_before": load_before,
        "load_average_after": load(),
    }


def sampled_exporter(sample: int) -> type:
    """An Exporter that exports a deterministic share of the documents, for measuring a store
    whose full export would not fit the disk or the time: the feeds whose (kind, value) hashes
    (CRC-32) to 0 modulo `sample`, never 'all' (whose share is measured through the others'
    entries), and the article pages whose path does; every other document (index, facet
    pages, OPML, sitemaps, static files) in full. The same selection in follow runs."""
    sys.path.insert(0, str(ROOT))
    from feeds.export import Exporter
    from feeds.export.work import FeedTask, PageTask, Task
    from feeds.urls import ARTICLES_PREFIX

    def chosen(text: str) -> bool:
        return zlib.crc32(text.encode()) % sample == 0

    def keep(tasks: list[Task]) -> list[Task]:
        kept: list[Task] = []
        for task in tasks:
            if isinstance(task, FeedTask):
                facet = task.facet
                if facet.kind != "all" and chosen(f"{facet.kind}:{facet.value}"):
                    kept.append(task)
                continue
            paths = tuple(
                (path, state)
                for path, state in task.paths
                if not path.startswith(ARTICLES_PREFIX) or chosen(path)
            )
            if paths:
                kept.append(PageTask(paths))
        return kept

    class SampledExporter(Exporter):  # type: ignore[misc]
        def _plan(self, context: Any, states: Any) -> Any:
            tasks, kept = super()._plan(context, states)
            return keep(tasks), kept

        def _plan_changes(self, *args: Any) -> Any:
            # A follow run's plan: its tasks only (the documents it keeps are in its `kept`).
            return keep(super()._plan_changes(*args))

    return SampledExporter


def child_export(args: argparse.Namespace) -> int:
    """`--child DIR`: the export of `--sample`, once or (`--follow`) following; each report
    line is prefixed with the wall clock and this process tree's CPU seconds."""
    sys.path.insert(0, str(ROOT))
    from feeds import create_app

    app = create_app()
    exporter = sampled_exporter(args.sample)(app, args.child, workers=args.workers)

    def report(result: Any) -> None:
        times = os.times()
        cpu = times.user + times.system + times.children_user + times.children_system
        print(f"{time.time():.3f} {cpu:.2f} {result.line()}", flush=True)

    if not args.follow:
        report(exporter.run())
        return 0
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    exporter.follow(interval=1.0, report=report, stop=lambda: bool(stopping))
    return 0


def follow_one_edit(
    database: Path, out: Path, site: str, workers: int | None, sample: int
) -> dict[str, Any]:
    """`--follow` on an exported folder: its first run (a check of everything), then one old
    article corrected: seconds from the write's commit to the end of the run that exported
    it, that run's CPU seconds and report."""
    command = [*export_command(out, workers, sample), "--follow"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=export_env(database, out, site),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    try:
        first = process.stdout.readline().strip()
        load_before = load()
        edited = correct_one_article(database)
        written = time.time()
        line = process.stdout.readline().strip()
        seen = time.time()
    finally:
        process.terminate()
        process.wait(timeout=60)
    result: dict[str, Any] = {
        "edited": edited,
        "delay_seconds": round(seen - written, 2),
        "load_average_before": load_before,
        "load_average_after": load(),
        "first_report": first,
        "report": line,
    }
    if sample > 1:  # the child prints the wall clock and its CPU seconds before each line
        cpu_first, cpu_then = float(first.split()[1]), float(line.split()[1])
        result["cpu_seconds"] = round(cpu_then - cpu_first, 2)
        result["report"] = line.split(" ", 2)[2]
        result["first_report"] = first.split(" ", 2)[2]
    log(f"follow: {result['report']} ({result['delay_seconds']} s after the write)")
    return result


def census(out: Path) -> dict[str, Any]:
    """Documents and bytes (with their gzip and Brotli forms) by kind, from the manifest, and
    the documents whose bytes another document already has (identical files)."""
    sys.path.insert(0, str(ROOT))
    from feeds.export.files import ENCODINGS, variant_file
    from feeds.export.manifest import MANIFEST_NAME, load_manifest
    from feeds.urls import ARTICLES_PREFIX, FEEDS_PREFIX

    def kind(path: str) -> str:
        if path.startswith(ARTICLES_PREFIX):
            return "article pages"
        if path.startswith(FEEDS_PREFIX):
            return "feed archives" if "/archive/" in path else "live feed pages"
        if path.startswith("/sitemap"):
            return "sitemaps"
        return "other"

    kinds: dict[str, dict[str, int]] = {}
    digests: dict[bytes, int] = {}
    duplicates = duplicate_bytes = 0
    for path, entry in load_manifest(out / "_nginx" / MANIFEST_NAME).items():
        figures = kinds.setdefault(kind(path), {"documents": 0, "bytes": 0, "identity_bytes": 0})
        body = (out / entry.file).read_bytes()
        figures["documents"] += 1
        figures["identity_bytes"] += len(body)
        figures["bytes"] += len(body) + sum(
            (out / variant_file(entry.file, e)).stat().st_size
            for e in ENCODINGS
            if (out / variant_file(entry.file, e)).exists()
        )
        digest = hashlib.blake2b(body, digest_size=16).digest()
        if digest in digests:
            duplicates += 1
            duplicate_bytes += len(body)
        digests[digest] = digests.get(digest, 0) + 1
    return {"kinds": kinds, "identical_documents": duplicates, "identical_bytes": duplicate_bytes}


def full_store_documents(database: Path, site: str, sample: int) -> dict[str, Any]:
    """The documents a full export of the store holds, counted from the store (feed pages
    from each feed's count, archives from its months), and the share of feed entries and
    article pages the sample exports."""
    sys.path.insert(0, str(ROOT))
    from articles.store import Store
    from feeds.urls import article_page_path

    store = Store(sqlite_url(database))
    try:
        now = datetime.now(UTC)
        per_page = 50  # items_per_feed's default
        infos = store.facets(now=now)
        live = archives = entries = sampled_entries = 0
        for info in infos:
            facet = info.facet
            months = len(store.months(facet, now=now))
            live += 3 * max(1, math.ceil(info.count / per_page))
            archives += 3 * months
            entries += info.count
            if (
                facet.kind != "all"
                and zlib.crc32(f"{facet.kind}:{facet.value}".encode()) % sample == 0
            ):
                sampled_entries += info.count
        pages = store.page_rows(now=now)
        sampled_pages = sum(
            1 for r in pages if zlib.crc32(article_page_path(r.id).encode()) % sample == 0
        )
    finally:
        store.dispose()
    return {
        "feeds": len(infos),
        "live feed pages": live,
        "feed archives": archives,
        "article pages": len(pages),
        "feed entries (all documents of a feed, per format)": entries,
        "sampled feed entries": sampled_entries,
        "sampled article pages": sampled_pages,
    }


def correct_one_article(database: Path, target_id: str | None = None) -> str:
    """Correct an article from the middle of the store (not the newest of anything), or
    `target_id`: a new title, `updated` one second later. Returns its id."""
    sys.path.insert(0, str(ROOT))
    from articles.store import Store

    store = Store(sqlite_url(database))
    try:
        found = store.fetch([target_id]) if target_id else []
        middle = found or store.list_articles(
            status="published", limit=1, offset=store.count() // 2
        )
        target = (middle or store.list_articles(status="published", limit=1))[0]
        edited = replace(
            target,
            title=target.title + " (corrected)",
            updated=target.updated + timedelta(seconds=1),
        )
        store.upsert_many([edited], now=datetime.now(UTC))
        return target.id
    finally:
        store.dispose()


def migrate(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from articles.store import Store

    store = Store(sqlite_url(database))
    try:
        store.migrate()
    finally:
        store.dispose()


def copy_store(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite store (its WAL included), for the edit step."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def nginx_main(prefix: Path, site_conf: Path, port: int, workers: int) -> Path:
    conf = site_conf.read_text(encoding="utf-8").replace(
        "listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};"
    )
    (prefix / "site.conf").write_text(conf, encoding="utf-8")
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = ""
    if os.geteuid() == 0:
        # Started as root, nginx's workers would run as nobody, who may not read the export.
        import grp
        import pwd

        user = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
    main = prefix / "nginx.conf"
    main.write_text(
        f"""daemon off;
worker_processes {workers};
{user}
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
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
    result = parse_wrk(done.stdout)
    if result.get("non_2xx_3xx"):
        raise SystemExit(f"{url}: {result['non_2xx_3xx']} answers were not 2xx or 3xx")
    return result


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
    summary: dict[str, Any] = {"load_average_after": load()}
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
    parser.add_argument("--quick", action="store_true", help="a 50-article store, short rounds")
    parser.add_argument("--site", default="https://news.example.com")
    parser.add_argument("--workers", type=int, default=None, help="export worker processes")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-serve", action="store_true", help="skip the nginx/app rounds")
    parser.add_argument("--keep", action="store_true", help="keep the export folders")
    parser.add_argument(
        "--sample",
        type=int,
        default=1,
        help="export one feed in N and one article page in N (sampled_exporter), for a store "
        "whose full export does not fit the disk or the time",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--follow", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_export(args)
    if args.quick:
        args.sizes, args.duration, args.rounds = "50", 2, 1
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: dict[str, Any] = {"machine": machine(), "workers": args.workers, "sizes": {}}
    work = Path(tempfile.mkdtemp(prefix="export-bench-"))
    try:
        out = work / "none"
        database = Path()
        for n in sizes:
            database = work / f"store-{n}.db"
            # The cached store is copied as it is and the copy brought to this code's schema,
            # so the shared cache is left at whatever schema other checkouts use.
            source = common.store_path(n)
            copy_store(source if source.exists() else cached_store(n), database)
            migrate(database)
            out = work / f"export-{n}"
            log(f"exporting the {n:,}-article store")
            sample = args.sample
            first = export_once(database, out, args.site, args.workers, sample)
            first["bytes"] = folder_bytes(out)
            first["census"] = census(out)
            second = export_once(database, out, args.site, args.workers, sample)
            edited = correct_one_article(database)
            third = export_once(database, out, args.site, args.workers, sample)
            third["edited"] = edited
            follow = follow_one_edit(database, out, args.site, args.workers, sample)
            results["sizes"][str(n)] = {
                "sample": sample,
                "store": full_store_documents(database, args.site, sample),
                "full": first,
                "incremental_unchanged": second,
                "incremental_one_edit": third,
                "follow_one_edit": follow,
            }
        if not args.no_serve and shutil.which("nginx") and shutil.which("wrk"):
            results["serving"] = serve_compare(database, out, args, work)
            results["serving"]["store_size"] = sizes[-1]
        else:
            log("serving comparison skipped")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.quick and not os.environ.get("BENCH_RESULTS"):
        # Small runs never overwrite the figures of a full run (as run_all.py --quick).
        common.RESULTS = BENCH / "results" / "quick"
    path = save_results("export", results)
    log(f"results: {path}")
    for n, figures in results["sizes"].items():
        for name in ("full", "incremental_unchanged", "incremental_one_edit"):
            run = figures[name]
            print(
                f"{int(n):>8,} articles {name:<22} {run['report']} "
                f"(CPU {run['cpu_seconds']} s, load {run['load_average_before'][0]})"
            )
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
