"""Load: mixed feed traffic while an import and a stream of API writes run, checked throughout.

Run 1 (`--store sqlite`): the README's production command (Granian, 2 workers) on 127.0.0.1
over an SQLite store of `--base` synthetic articles, `--connections` keep-alive readers for
`--duration` seconds asking for every feed kind (all, section, tag, author, lang, source,
podcast show) in every format, by extension and by `Accept`, pages and monthly archives, gzip
and identity, conditional (`If-None-Match` / `If-Modified-Since` from earlier answers) and not.
Meanwhile `flask articles import` loads `--import-records` new records from a JSON Lines file
and a writer sends API writes with a token: new articles, corrections (PATCH), withdrawals,
deletions and embargoed articles whose embargo ends during the run.

Run 2 (`--store postgres`): the same on PostgreSQL (a schema of its own in `--postgres`,
dropped at the end) with two app processes (the production command each) behind nginx
configured from `deploy/nginx-cache.conf`; the WebSub hub (a stub in this process) answers at
once for the first third of the run, sleeps `--hub-delay` seconds per ping for the second, and
refuses connections for the last: API write latency and reader latency are reported per phase.

Checked, and the exit status is 1 when any fails:
- no connection errors, no 5xx, every API write acknowledged;
- a sample of the answers valid (Atom against the RFC 4287 RELAX NG schema of tests/schemas,
  feedparser bozo 0 for Atom and RSS, JSON Feed 1.1 against tests/schemas);
- freshness: after each acknowledged write, new connections (other workers, the other
  process) poll the feeds it changed; from `response_memo_ms` + `--margin-ms` after the
  acknowledgement (after the embargo's end for an embargo) every answer, the readers' own
  included, shows the change (behind the nginx cache the bound adds the feeds' `max-age`, set
  to `--proxy-max-age` for the run), and no embargoed article is served before its time;
- the import exits 0 having written every record;
- worker memory (RSS from /proc) at start and end: reported, and growth beyond
  `--max-growth-mb` per worker fails the run;
- with the hub slow or down, no API write waits for it (each takes less than `--hub-delay`).

    .venv/bin/python bench/load.py [--quick] [--store sqlite|postgres|both]

Results go to bench/results/load.json and load-postgres.json (with `--quick`:
bench/results/quick/). Every process started is stopped at the end, on failure and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import common
from common import DATA, PYTHON, RESULTS, ROOT, corpus_file, log, save_results, sqlite_url
from http_bench import APP_ENV, app_command, app_env, free_port, get, start
from load_traffic import (
    Hub,
    Reader,
    Samples,
    Tally,
    Watches,
    Writer,
    descendants,
    feed_stems,
    plan_targets,
    rss_mb,
    server_times,
    summary_ms,
    validate,
)

HOST = "127.0.0.1"
SHOW = "load-show"
# The podcast show of the run: the audio and video articles of one synthetic section.
SITE_TOML = f"""
[podcasts.{SHOW}]
title = "[synthetic] Load bench show"
section = "world"
author = "Synthetic Audio Desk"
owner_name = "Synthetic Audio Desk"
owner_email = "audio@synthetic.example"
artwork_url = "https://synthetic.example/artwork-3000.jpg"
categories = ["News/Daily News"]
explicit = false
type = "episodic"
"""
# The import's records start here, so they join the newest pages of the feeds during the run
# (the synthetic generator spreads them over three years, all in the past).
IMPORT_START = datetime(2023, 9, 1, tzinfo=UTC)
ARCHIVE_MONTHS = ("2023-01", "2024-06", "2025-07")


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def flask(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def import_file(n: int) -> Path:
    """`n` new synthetic records (ids `synthetic-load-NNNNNN`), cached under bench/.data/."""
    from articles.ids import mint_guid
    from articles.model import article_to_dict
    from articles.synthetic import TAG_AUTHORITY, generate

    path = DATA / f"load-import-{n}.jsonl"
    if path.exists():
        return path

    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    log(f"generating {n:,} import records -> {path.name}")
    with open(partial, "w", encoding="utf-8") as out:
        for article in generate(n, seed=2, start=IMPORT_START):
            new_id = article.id.replace("synthetic-", "synthetic-load-", 1)
            article = replace(
                article,
                id=new_id,
                guid=mint_guid(TAG_AUTHORITY, new_id),
                slug=f"load-{article.slug}",
                url=article.url and article.url.replace("/story", "/load-story"),
            )
            out.write(json.dumps(article_to_dict(article), ensure_ascii=False) + "\n")
    partial.rename(path)
    return path


# -- PostgreSQL: a schema of our own ----------------------------------------------------------


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A new schema in the database at `url`, and a URL whose connections use it; dropped after."""
    import sqlalchemy as sa

    schema = f"load_bench_{os.getpid()}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


# -- nginx -------------------------------------------------------------------------------------


def nginx_cache_config(prefix: Path, port: int, upstreams: list[int]) -> Path:
    """deploy/nginx-cache.conf with its cache under `prefix`, listening on 127.0.0.1:port and
    proxying to the app processes on `upstreams`; wrapped in a main context of our own."""
    text = (ROOT / "deploy" / "nginx-cache.conf").read_text(encoding="utf-8")
    changes = {
        "/var/cache/nginx/feeds": str(prefix / "cache"),
        "    server 127.0.0.1:8000;": "\n".join(f"    server {HOST}:{p};" for p in upstreams),
        "listen 80;": f"listen {HOST}:{port};",
    }
    for old, new in changes.items():
        if old not in text:
            raise RuntimeError(
                f"deploy/nginx-cache.conf no longer holds {old!r}: update bench/load.py"
            )
        text = text.replace(old, new)
    (prefix / "feeds-cache.conf").write_text(text, encoding="utf-8")
    main = f"""daemon off;
master_process on;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/feeds-cache.conf;
}}
"""
    path = prefix / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path


# -- one run -----------------------------------------------------------------------------------


def merged(tallies: list[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total.statuses.update(tally.statuses)
        total.errors.update(tally.errors)
        total.by_kind.update(tally.by_kind)
        total.by_shape.update(tally.by_shape)
        total.conditional.update(tally.conditional)
        total.cache_status.update(tally.cache_status)
        total.latencies.extend(tally.latencies)
        total.server_errors.extend(tally.server_errors)
        total.not_found.update(tally.not_found)
        total.not_found_paths.extend(tally.not_found_paths)
    return total


def memory(app_pids: list[int]) -> dict[str, float | None]:
    pids = [p for pid in app_pids for p in descendants(pid)] or app_pids
    return {str(pid): rss_mb(pid) for pid in pids}


def run(store: str, args: argparse.Namespace, folder: Path, stack: ExitStack) -> dict[str, Any]:
    """One load run; returns its figures with `failures` (empty when every check held)."""
    postgres = store == "postgres"
    if postgres:
        database_url = stack.enter_context(postgres_schema(args.postgres))
    else:
        database_url = sqlite_url(folder / "load.db")
    config = folder / "site.toml"
    config.write_text(SITE_TOML, encoding="utf-8")
    hub = Hub(args.hub_delay) if postgres else None
    if hub is not None:
        stack.callback(hub.close)
    front_port = free_port()
    site = f"http://{HOST}:{front_port}"
    extra = {
        "FEEDS_CONFIG": str(config),
        "FEEDS_SITE_URL": site,
        "FEEDS_HUB_URL": hub.url if hub else "",
        "FEEDS_RESPONSE_MEMO_MS": str(args.memo_ms),
    }
    if postgres:
        extra |= {
            "FEEDS_TRUST_PROXY_HOPS": "1",
            "FEEDS_CACHE_MAX_AGE": str(args.proxy_max_age),
            "FEEDS_STALE_WHILE_REVALIDATE": str(args.proxy_swr),
        }
    env = app_env(database_url, extra | APP_ENV)
    log(f"[{store}] migrating and loading {args.base:,} base articles")
    flask(env, "articles", "migrate")
    flask(env, "articles", "import", str(corpus_file(args.base)))
    token = flask(env, "tokens", "create", f"load-{time.time_ns()}", "--scope", "write")
    token = token.strip().splitlines()[-1].strip()
    records = import_file(args.import_records)

    # The app processes: one on SQLite, two behind nginx on PostgreSQL.
    app_ports = [front_port] if not postgres else [free_port(), free_port()]
    apps = []
    for index, port in enumerate(app_ports):
        apps.append(
            start(
                stack,
                f"app {index + 1} ({store})",
                app_command("granian", "wsgi:app", port, args.workers, project_conf=True),
                env,
                ROOT,
                folder / f"app-{index + 1}.log",
                f"http://{HOST}:{port}/healthz",
            )
        )
    if postgres:
        prefix = folder / "nginx"
        prefix.mkdir()
        conf = nginx_cache_config(prefix, front_port, app_ports)
        start(
            stack,
            "nginx cache",
            ["nginx", "-p", str(prefix), "-c", str(conf)],
            env,
            ROOT,
            prefix / "nginx.log",
            f"{site}/healthz",
        )

    window = args.memo_ms / 1000
    margin = args.margin_ms / 1000
    direct = window + margin
    # Behind the cache, what the headers allow: max-age, then stale-while-revalidate while
    # nginx fetches the new version in the background (proxy_cache_background_update).
    through_proxy = args.proxy_max_age + args.proxy_swr + window + margin if postgres else direct
    stop = threading.Event()
    watches = Watches()
    samples = Samples(args.samples)
    validators: dict[tuple[str, str, str], tuple[str, str]] = {}
    poll = [(HOST, p, direct) for p in app_ports]
    if postgres:
        poll.append((HOST, front_port, through_proxy))
    writer = Writer(
        store,
        (HOST, front_port),
        token,
        poll,
        watches,
        stop,
        args.write_interval,
        args.embargo_s,
        (lambda: hub.mode) if hub else (lambda: "none"),
        validators,
    )

    writer.seed()

    # What to ask for: every feed the OPML lists (plus the podcast show and the writer's own
    # section and tag), each in every shape.
    status, _, opml = get(f"{site}/feeds.opml")
    if status != 200:
        raise RuntimeError(f"/feeds.opml answered {status}")
    stems = feed_stems(opml)
    stems["podcast"] = [f"/feeds/podcast/{SHOW}"]
    # The writer's section first: it is among the hot feeds, which the watches look at.
    load_section = f"/feeds/section/{Writer.SECTION}"
    stems["section"] = [load_section, *(s for s in stems["section"] if s != load_section)]
    plan = plan_targets(stems, list(ARCHIVE_MONTHS))
    log(
        f"[{store}] {sum(len(t[1]) for t in plan.values()):,} distinct requests over "
        f"{', '.join(f'{k} {len(v)}' for k, v in sorted(stems.items()))} feeds"
    )

    # Warm up (workers start, the render cache fills), then read memory at the start.
    log(f"[{store}] warming up")
    warm = threading.Event()
    warmers = [
        Reader(1000 + i, HOST, front_port, plan, {}, Samples(0), Watches(), warm, 0, through_proxy)
        for i in range(8)
    ]
    for warmer in warmers:
        warmer.start()
    time.sleep(args.warmup)
    warm.set()
    for warmer in warmers:
        warmer.join(timeout=30)
    app_pids = [a.pid for a in apps]
    memory_start = memory(app_pids)
    log(f"[{store}] worker RSS at start (MB): {memory_start}")

    readers = [
        Reader(i, HOST, front_port, plan, validators, samples, watches, stop, 0.05, through_proxy)
        for i in range(args.connections)
    ]
    load_start = os.getloadavg()
    started = time.monotonic()
    cpu_start = {pid: _cpu_seconds(pid) for pid in map(int, memory_start)}
    for reader in readers:
        reader.start()
    writer.start()
    phases: list[tuple[str, float]] = [("fast" if hub else "none", started)]
    time.sleep(min(2.0, args.duration / 10))
    importer_log = open(folder / "import.log", "wb")  # noqa: SIM115 (closed below)
    import_started = time.monotonic()
    importer = subprocess.Popen(
        [PYTHON, "-m", "flask", "--app", "wsgi", "articles", "import", str(records)],
        cwd=ROOT,
        env=env,
        stdout=importer_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack.callback(_kill_group, importer)
    import_seconds: float | None = None
    import_ended: float | None = None
    peak: dict[str, float] = {}
    deadline = started + args.duration
    # With a hub, the run goes on until every hub mode has had API writes after the import
    # (the import holds the write lock: writes during it measure the import, not the hub).
    # The run also goes on until the writer has made every kind of operation (on a busy
    # machine a write can take seconds).
    cap = deadline + args.extend_cap
    modes = ("fast", "slow", "down")
    while True:
        now = time.monotonic()
        if import_seconds is None and importer.poll() is not None:
            import_ended = now
            import_seconds = now - import_started
            log(f"[{store}] import finished in {import_seconds:.1f}s (exit {importer.returncode})")
        if now >= cap:
            break
        measured_every_mode = import_ended is not None and all(
            any(w.started > import_ended and w.hub_mode == m for w in writer.records) for m in modes
        )
        every_op = set(Writer.CYCLE) <= {w.op for w in writer.records}
        if now >= deadline and every_op and (hub is None or measured_every_mode):
            break
        if hub is not None:
            mode = modes[int((now - started) / args.hub_phase_s) % 3]
            if mode != hub.mode:
                hub.set_mode(mode)
                phases.append((mode, now))
        for pid, mb in memory(app_pids).items():
            if mb is not None:
                peak[pid] = max(peak.get(pid, 0.0), mb)
        time.sleep(0.25)
    stop.set()
    for reader in readers:
        reader.join(timeout=60)
    writer.join(timeout=120)
    elapsed = time.monotonic() - started
    load_end = os.getloadavg()
    memory_end = memory(app_pids)
    cpu = {
        pid: round(_cpu_seconds(int(pid)) - cpu_start.get(int(pid), 0.0), 1) for pid in memory_end
    }
    if import_seconds is None:
        try:
            importer.wait(timeout=args.import_timeout)
        except subprocess.TimeoutExpired:
            _kill_group(importer)
        import_seconds = time.monotonic() - import_started
    importer_log.close()
    import_output = (folder / "import.log").read_text(errors="replace").strip().splitlines()
    import_line = next(
        (line for line in reversed(import_output) if line.startswith("imported")),
        import_output[-1] if import_output else "",
    )

    # Figures and checks.
    total = merged([r.tally for r in readers])
    failures: list[str] = []
    requests = sum(total.statuses.values())
    connection_errors = sum(total.errors.values())
    server_errors = sum(n for s, n in total.statuses.items() if s >= 500)
    if connection_errors:
        failures.append(
            f"{connection_errors} connection errors: {dict(total.errors.most_common(5))}"
        )
    if server_errors:
        failures.append(f"{server_errors} answers 5xx: {total.server_errors[:5]}")
    unexpected = {s: n for s, n in total.statuses.items() if s not in (200, 304, 404)}
    if unexpected:
        failures.append(f"answers other than 200/304/404: {unexpected}")
    # A page past the last one or an archive month with nothing in it is a 404 by design; a
    # feed itself (by extension or by Accept) never is.
    feed_404 = {k: n for k, n in total.not_found.items() if k not in ("page", "archive")}
    if feed_404:
        failures.append(f"feeds answered 404: {feed_404} e.g. {total.not_found_paths[:5]}")
    validation = validate(samples.kept)
    if validation["failed"]:
        failures.append(
            f"{validation['failed']} sampled documents invalid: {validation['failures'][:3]}"
        )
    if not samples.kept:
        failures.append("no documents sampled for validation")
    if importer.returncode != 0:
        failures.append(f"import exited {importer.returncode}: {import_output[-5:]}")
    elif f"{args.import_records} new" not in import_line.replace(",", ""):
        failures.append(f"import did not write every record: {import_line}")
    writes = writer.records
    logged = server_times(sorted(folder.glob("app-*.log")))
    for w in writes:
        times = logged.get((w.method, w.article))
        if times:
            w.server_ms = times.pop(0)
    ended_import = import_ended if import_ended is not None else float("inf")
    failures.extend(f"API: {e}" for e in writer.errors[:10])
    stale = [v for w in writes for v in w.violations]
    if stale:
        failures.append(f"{len(stale)} freshness violations: {stale[:5]}")
    missing_ops = {"put-new", "correct", "withdraw", "delete", "embargo"} - {w.op for w in writes}
    if missing_ops:
        failures.append(f"API operations never made: {sorted(missing_ops)}")
    growth = {
        pid: round((memory_end.get(pid) or 0) - (mb or 0), 1) for pid, mb in memory_start.items()
    }
    grown = {pid: g for pid, g in growth.items() if g > args.max_growth_mb}
    if grown:
        failures.append(f"worker memory grew more than {args.max_growth_mb} MB: {grown}")

    def phase_of(moment: float) -> str:
        name = phases[0][0]
        for label, since in phases:
            if moment >= since:
                name = label
        return name

    reader_latency: dict[str, list[float]] = {}
    for moment, seconds in total.latencies:
        reader_latency.setdefault(phase_of(moment), []).append(seconds)
    write_latency: dict[str, list[float]] = {}
    server_latency: dict[str, list[float]] = {}
    for w in writes:
        phase = (
            "during import"
            if w.started < ended_import
            else (f"hub {w.hub_mode}" if hub else "after import")
        )
        write_latency.setdefault(phase, []).append(w.seconds)
        if w.server_ms is not None:
            server_latency.setdefault(phase, []).append(w.server_ms / 1000)
    missing = [f"{w.method} {w.article}" for w in writes if w.server_ms is None]
    if missing:
        failures.append(f"API writes missing from the access log: {missing[:5]}")
    hub_report: dict[str, Any] = {}
    if hub is not None:
        # The app's own time for a write (its access log) leaves out the queue in front of the
        # workers, which on a busy machine is longer than the hub's delay.
        for mode in ("slow", "down"):
            after = server_latency.get(f"hub {mode}", [])
            if not after:
                failures.append(f"no API write after the import while the hub was {mode}")
            elif max(after) >= args.hub_delay:
                failures.append(
                    f"an API write took {max(after):.2f}s in the app with the hub {mode}"
                )
        fast = statistics.median(write_latency.get("hub fast", [0.0])) or 1e-9
        hub_report = {
            "delay_s": args.hub_delay,
            "phase_s": args.hub_phase_s,
            "pings_received": dict(hub.pings),
            "write_median_vs_fast": {
                mode: round(statistics.median(v) / fast, 2)
                for mode, v in write_latency.items()
                if mode.startswith("hub ")
            },
        }
    visible = [w.visible_ms for w in writes if w.visible_ms is not None]
    result = {
        "store": "postgresql" if postgres else "sqlite",
        "setup": {
            "server": "granian (README production command)",
            "app_processes": len(app_ports),
            "workers_per_process": args.workers,
            "proxy": "nginx, deploy/nginx-cache.conf" if postgres else None,
            "proxy_max_age_s": args.proxy_max_age if postgres else None,
            "connections": args.connections,
            "duration_s": round(elapsed, 1),
            "base_articles": args.base,
            "response_memo_ms": args.memo_ms,
            "freshness_bound_ms": {
                "direct": round(direct * 1000),
                "through_proxy": round(through_proxy * 1000) if postgres else None,
            },
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in load_end],
        },
        "readers": {
            "requests": requests,
            "requests_per_s": round(requests / elapsed, 1),
            "statuses": {str(k): v for k, v in sorted(total.statuses.items())},
            "connection_errors": connection_errors,
            "not_found_by_shape": dict(total.not_found),
            "not_found_examples": total.not_found_paths[:10],
            "errors": dict(total.errors.most_common(10)),
            "conditional": dict(sorted(total.conditional.items())),
            "by_kind": dict(sorted(total.by_kind.items())),
            "by_shape": dict(sorted(total.by_shape.items())),
            "cache_status": dict(sorted(total.cache_status.items())),
            "latency_ms": summary_ms([s for _, s in total.latencies]),
            "latency_ms_by_hub_phase": {k: summary_ms(v) for k, v in reader_latency.items()}
            if hub
            else None,
        },
        "validation": validation,
        "import": {
            "records": args.import_records,
            "seconds": round(import_seconds, 1),
            "records_per_s": round(args.import_records / import_seconds, 1),
            "exit": importer.returncode,
            "report": import_line,
        },
        "api_writes": {
            "count": len(writes),
            "by_op": dict(Counter(w.op for w in writes)),
            "statuses": dict(Counter(str(w.status) for w in writes)),
            "latency_ms": summary_ms([w.seconds for w in writes]),
            "latency_ms_by_phase": {k: summary_ms(v) for k, v in write_latency.items()},
            "server_ms_by_phase": {k: summary_ms(v) for k, v in server_latency.items()},
            "stale_after_ms_max": _max_by_key([w.stale_after_ms for w in writes]),
            "visible_after_ms": {
                "median": round(statistics.median(visible), 1) if visible else None,
                "max": round(max(visible), 1) if visible else None,
            },
            "freshness_violations": stale[:20],
        },
        "hub": hub_report or None,
        "memory_mb": {
            "start": memory_start,
            "end": memory_end,
            "peak": peak,
            "growth": growth,
            "cpu_seconds_during_run": cpu,
        },
        "failures": failures,
    }
    return result


def _max_by_key(dicts: list[dict[str, float]]) -> dict[str, float]:
    """The largest value under each key of these dicts."""
    out: dict[str, float] = {}
    for d in dicts:
        for key, value in d.items():
            out[key] = max(out.get(key, 0.0), value)
    return out


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


def report(result: dict[str, Any]) -> None:
    readers, writes = result["readers"], result["api_writes"]
    setup = result["setup"]
    print(
        f"{result['store']}: {readers['requests']:,} feed requests in {setup['duration_s']} s "
        f"({readers['requests_per_s']:,}/s, {setup['connections']} connections), statuses "
        f"{readers['statuses']}, connection errors {readers['connection_errors']}, latency "
        f"median {readers['latency_ms'].get('median')} ms p99 {readers['latency_ms'].get('p99')} ms"
    )
    print(
        f"  import {result['import']['records']:,} records in {result['import']['seconds']} s "
        f"({result['import']['report']}); API writes {writes['count']} {writes['by_op']}, "
        f"latency median {writes['latency_ms'].get('median')} ms max "
        f"{writes['latency_ms'].get('max')} ms; visible after median "
        f"{writes['visible_after_ms']['median']} ms, max {writes['visible_after_ms']['max']} ms"
    )
    if result["hub"]:
        print(f"  pings received by hub mode {result['hub']['pings_received']}")
    by_phase = {k: v.get("median") for k, v in writes["latency_ms_by_phase"].items()}
    in_app = {k: v.get("median") for k, v in writes["server_ms_by_phase"].items()}
    print(f"  API write median (ms): client {by_phase}; in the app {in_app}")
    print(f"  latest stale answer after the change was due (ms): {writes['stale_after_ms_max']}")
    print(f"  validated {result['validation']['checked']}, failed {result['validation']['failed']}")
    memory = result["memory_mb"]
    print(f"  worker RSS MB start {memory['start']} end {memory['end']}")
    print(f"  load average {setup['load_average_start']} -> {setup['load_average_end']}")
    print("  " + ("PASS" if not result["failures"] else "FAIL: " + "; ".join(result["failures"])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 s runs, a smoke test")
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL")
        or "postgresql+psycopg://feeds:feeds@127.0.0.1:5432/feeds_test",
        help="database for run 2 (a schema of its own is made and dropped)",
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="workers per app process")
    parser.add_argument("--base", type=int, default=2000, help="articles before the run")
    parser.add_argument("--import-records", type=int, default=10_000)
    parser.add_argument(
        "--write-interval", type=float, default=0.3, help="pause between API writes (s)"
    )
    parser.add_argument(
        "--embargo-s", type=float, default=6.0, help="how far ahead an embargo ends (s)"
    )
    parser.add_argument("--memo-ms", type=int, default=1000, help="response_memo_ms of the app")
    parser.add_argument(
        "--margin-ms",
        type=int,
        default=500,
        help="allowed beyond the memo window before an answer is stale",
    )
    parser.add_argument(
        "--proxy-max-age",
        type=int,
        default=2,
        help="cache_max_age of the app behind nginx in run 2 (s)",
    )
    parser.add_argument(
        "--proxy-swr",
        type=int,
        default=10,
        help="stale_while_revalidate of the app behind nginx in run 2 (s)",
    )
    parser.add_argument("--hub-delay", type=float, default=5.0, help="slow hub's delay (s)")
    parser.add_argument(
        "--hub-phase-s",
        type=float,
        default=5.0,
        help="the hub turns fast, slow, down, fast, ... every this many s",
    )
    parser.add_argument(
        "--extend-cap",
        type=float,
        default=120.0,
        help="a run goes on after --duration until every kind of API write was made (run 2: "
        "and each hub mode had writes after the import), at most this many s more",
    )
    parser.add_argument("--samples", type=int, default=300, help="documents validated")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--max-growth-mb", type=float, default=150.0)
    parser.add_argument("--import-timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 15.0)
        args.warmup = min(args.warmup, 3.0)
    for binary in ("nginx",) if args.store != "sqlite" else ():
        if not shutil.which(binary):
            parser.error(f"{binary} is not installed")
    if args.quick and not os.environ.get("BENCH_RESULTS"):
        # Small runs never overwrite the figures of a full run (as run_all.py --quick does).
        common.RESULTS = RESULTS / "quick"
    signal.signal(signal.SIGTERM, _interrupted)
    stores = ["sqlite", "postgres"] if args.store == "both" else [args.store]
    failed = False
    for store in stores:
        # Logs (app, nginx, import) stay in bench/.data/load-<store>/ until the next run.
        folder = DATA / f"load-{store}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        with ExitStack() as stack:
            result = run(store, args, folder, stack)
        name = "load" if store == "sqlite" else "load-postgres"
        save_results(name, {"quick": args.quick, **result})
        report(result)
        failed |= bool(result["failures"])
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
