"""HTTP throughput of one 50-entry feed, in one run, against nginx serving the same bytes.

The servers answer the same feed on 127.0.0.1 with the same number of worker processes and are
measured under the same `wrk` load, each app figure right after the nginx figure it is compared
with:

1. nginx serving the app's own bytes as a static file (`sendfile`), the ceiling; (1g) the app's
   own gzip bytes through `gzip_static`; (1n) nginx's 304 to its own ETag;
2. our app, started with the README's production command, answering from memory; (2g) the same
   with `Accept-Encoding: gzip`;
3. our app answering 304 Not Modified to `If-None-Match` with the current ETag;
4. a naive Flask app querying the same store and rendering with feedgen on every request.

Targets (issue 15): (3) at least 0.9 of (1n), (2) at least 0.85 of (1), (2g) at least 0.9 of
(1g); (2) and (3) at least 30x (4). `--floor` adds the same answers replayed from memory with no
app code (bench/floor_app.py) under the production WSGI command and under Granian's RSGI
interface: what the server alone costs.

All servers run for the whole benchmark and the runs are taken in turn, round after round
(`--rounds`): this machine is a virtual one whose speed drifts by 10-30% from minute to minute,
so each round's ratios compare runs made within the same minute, and the report gives the
median of each figure over the rounds. Each run also reports the CPU time its server's
processes used per request, each ratio is given by that CPU time too (steadier when other work
shares the cores), and each round records the load average. Needs the `nginx` and `wrk`
binaries (Debian: apt-get install nginx-light wrk). Every server runs in its own process group
and is stopped at the end, whatever happens. Before the rounds, bench/replay_cost.py measures
in a child process, with no server, the CPU time our own WSGI stack (access log, subscriber
count, memo replay) spends per replayed answer; the report splits the app's server CPU time per
request into that and the rest (Granian and the kernel), beside nginx's. When the load average
is above the core count the report says that its rate ratios are not to be trusted.

    python bench/http_bench.py                        # 100k-article store, 5 rounds of 10 s
    python bench/http_bench.py --quick                # about 2 minutes
    python bench/http_bench.py --quick --floor        # plus the server-only floor
    python bench/http_bench.py --quick --variant "--runtime-mode mt"   # a server option

`--counting` measures what subscriber counting (feeds.subscribers) costs instead: two apps
started with the same command, one with `FEEDS_SUBSCRIBER_COUNTS=0`, serve the same feed under
the same load, in turn within each round (the order alternating from round to round), for the
cached 200 and the 304. Each request carries a User-Agent from a rotating list, half of them
aggregators reporting counts (Feedly, Inoreader, NewsBlur, Feedbin and The Old Reader forms,
feed ids, counts with commas), half plain browsers and reader apps (direct clients). Reported:
each rate and the ratio counting on / off (bench/results/http-counting.json).

    python bench/http_bench.py --counting --articles 1000 --duration 5 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from email.message import Message
from pathlib import Path
from typing import Any

import common
from common import BENCH, PYTHON, ROOT, SEED, cached_store, log, save_results, sqlite_url

FEED_PATH = "/feeds/all.atom"
OVER_NAIVE_TARGET = 30.0
READY_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(
    name: str, command: list[str], env: dict[str, str], cwd: Path, log_to: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server in its own process group; stop the whole group on the way out."""
    out = open(log_to, "wb")  # noqa: SIM115 (closed in finally, after the process)
    log(f"starting {name}: {' '.join(command)}")
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield process
    finally:
        stop(process)
        out.close()


def start(
    stack: ExitStack,
    name: str,
    command: list[str],
    env: dict[str, str],
    cwd: Path,
    log_to: Path,
    ready_url: str,
) -> subprocess.Popen[bytes]:
    """Start a server that `stack` stops on the way out, and wait until it answers."""
    process = stack.enter_context(server(name, command, env, cwd, log_to))
    wait_ready(ready_url, process, log_to)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the group, then SIGKILL if it has not gone within 10 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive: some servers send them in lower case) and body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def wait_ready(url: str, process: subprocess.Popen[bytes], log_file: Path) -> None:
    """Poll until the server answers, failing early with its log if it exits."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}): {_tail(log_file)}")
        try:
            status, _, _ = get(url)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {READY_TIMEOUT_S:.0f}s: {_tail(log_file)}")


def _tail(path: Path, lines: int = 8) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"wrk latency: cannot read {text!r}")
    return round(float(match[1]) * _UNITS[match[2]], 3)


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/s, p50/p99 latency (ms), request count and errors from `wrk --latency` output."""
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    if not (rate and p50 and p99 and total):
        raise ValueError(f"wrk: unexpected output:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_s": round(float(rate[1])),
        "p50_ms": _ms(p50[1]),
        "p99_ms": _ms(p99[1]),
        "requests": int(total[1]),
        "non_2xx_3xx": int(errors[1]) if errors else 0,
        "socket_errors": sockets[1].strip() if sockets else "",
    }


def run_wrk(
    url: str,
    args: argparse.Namespace,
    headers: dict[str, str] | None = None,
    spy_on: int | None = None,
    spy_to: Path | None = None,
    pgid: int | None = None,
    script: Path | None = None,
) -> dict[str, Any]:
    """Warm up, then one timed `wrk --latency` run; optionally sample `spy_on` with py-spy.

    With `pgid`, also the CPU time (user + system) that the server's process group spent per
    request during the timed run, in microseconds: steadier than requests/s on a busy machine,
    because it does not count the time the server waited for a core. `script`: a wrk Lua script
    shaping each request (the counting comparison's User-Agents).
    """
    header_args = [item for k, v in (headers or {}).items() for item in ("-H", f"{k}: {v}")]
    script_args = ["-s", str(script)] if script is not None else []
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", *header_args, *script_args]
    # A short untimed round first: workers start, caches fill, connections are established.
    subprocess.run([*base, f"-d{args.warmup}s", url], capture_output=True, check=True, timeout=60)
    spy = None
    if spy_on is not None and spy_to is not None:
        # Sample the server's master and workers (gunicorn replaces workers as they recycle).
        spy = subprocess.Popen(
            [
                *py_spy(),
                "record",
                "--subprocesses",
                "--nonblocking",
                "-r",
                "200",
                "-f",
                "raw",
                "-d",
                str(max(1, args.duration - 1)),
                "-p",
                str(spy_on),
                "-o",
                str(spy_to),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    cpu_before = group_cpu_seconds(pgid) if pgid is not None else 0.0
    try:
        done = subprocess.run(
            [*base, f"-d{args.duration}s", "--latency", url],
            capture_output=True,
            text=True,
            check=True,
            timeout=args.duration + 60,
        )
    finally:
        if spy is not None:
            try:
                spy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                spy.kill()
                spy.wait()
    cpu = group_cpu_seconds(pgid) - cpu_before if pgid is not None else 0.0
    result = parse_wrk(done.stdout)
    if pgid is not None and result["requests"]:
        result["cpu_us_per_request"] = round(cpu * 1e6 / result["requests"], 1)
    if spy_to is not None and spy_to.exists():
        result["profile"] = summarise_spy(spy_to)
    return result


def py_spy() -> list[str]:
    beside = Path(PYTHON).with_name("py-spy")
    return [str(beside)] if beside.exists() else ["py-spy"]


def summarise_spy(raw: Path, top: int = 12) -> dict[str, Any]:
    """Where the server's busy samples are: by the module at the top of the stack, and the
    inclusive share of our own code (`feeds/`, `articles/`) and of Flask."""
    frame = re.compile(r"(.*) \((.*?)(?::\d+)?\)$")
    leaf: dict[str, int] = {}
    inclusive = {"feeds/ + articles/": 0, "flask/ + werkzeug/": 0, "access log": 0}
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        files = [m[2] for m in (frame.match(f) for f in stack.split(";")) if m]
        if not files:
            continue
        name = _module(files[-1])
        leaf[name] = leaf.get(name, 0) + count
        # py-spy shortens paths (`feeds/http.py`, `flask/app.py`): match by the leading folder.
        modules = [_module(f) for f in files]
        if any(m.startswith(("feeds/", "articles/")) for m in modules):
            inclusive["feeds/ + articles/"] += count
        if any(m.startswith(("flask/", "werkzeug/")) for m in modules):
            inclusive["flask/ + werkzeug/"] += count
        joined = " ".join(files)
        if any(name in joined for name in ("glogging.py", "accesslog.py", "granian/log.py")):
            inclusive["access log"] += count
    ranked = sorted(leaf.items(), key=lambda item: item[1], reverse=True)[:top]
    return {
        "samples": total,
        "top_of_stack": {name: round(n / total, 3) for name, n in ranked} if total else {},
        "inclusive": {name: round(n / total, 3) for name, n in inclusive.items()} if total else {},
    }


def _module(path: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/", "/lib/python3.12/", str(ROOT) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path.lstrip("/")


def nginx_config(prefix: Path, port: int, workers: int) -> Path:
    text = (BENCH / "nginx.conf").read_text(encoding="utf-8")
    for key, value in {"prefix": str(prefix), "port": str(port), "workers": str(workers)}.items():
        text = text.replace("{{" + key + "}}", value)
    path = prefix / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


def gunicorn_command(app: str, port: int, workers: int, use_project_conf: bool) -> list[str]:
    command = [PYTHON, "-m", "gunicorn"]
    conf = ROOT / "gunicorn.conf.py"
    if use_project_conf and conf.exists():
        command += ["-c", str(conf)]
    # Command-line settings override the configuration file: same bind and workers for all.
    return [*command, "-b", f"127.0.0.1:{port}", "-w", str(workers), app]


# The production command of the README, with the bind address and worker count set per run.
GRANIAN_ARGS = [
    "--interface",
    "wsgi",
    "--runtime-mode",
    "st",
    "--http",
    "1",
    "--no-ws",
    "--blocking-threads",
    "1",
    "--workers-kill-timeout",
    "10",
]
# Its environment: the app writes its own access log (feeds/accesslog.py) to standard output.
APP_ENV = {"FEEDS_ACCESS_LOG": "-"}
# The naive app logs requests the usual way, with the server's access log.
NAIVE_EXTRA_ARGS = ["--access-log"]


def app_command(
    server_name: str, app: str, port: int, workers: int, project_conf: bool
) -> list[str]:
    """The command that serves `app` on 127.0.0.1:port with the given server."""
    if server_name == "gunicorn":
        return gunicorn_command(app, port, workers, use_project_conf=project_conf)
    return [
        PYTHON,
        "-m",
        "granian",
        *GRANIAN_ARGS,
        *([] if project_conf else NAIVE_EXTRA_ARGS),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        app,
    ]


def app_env(database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDS_")}
    env.update(
        FEEDS_DATABASE_URL=database_url,
        FEEDS_LOAD_SAMPLES="0",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]),
    )
    env.update(extra or {})
    return env


def ratio(a: dict[str, Any], b: dict[str, Any]) -> float:
    return round(a["requests_per_s"] / b["requests_per_s"], 3) if b["requests_per_s"] else 0.0


def cpu_ratio(a: dict[str, Any], b: dict[str, Any]) -> float:
    """`b`'s server CPU per request over `a`'s: 1.0 when `a` costs as little as `b`.

    Unlike the rate ratio it does not depend on how the cores were shared with wrk and with
    other work at the time, so on a busy machine it is the steadier of the two.
    """
    cost_a, cost_b = a.get("cpu_us_per_request"), b.get("cpu_us_per_request")
    return round(cost_b / cost_a, 3) if cost_a and cost_b else 0.0


# What is measured, in the order of each round: every app figure right after the nginx figure
# it is compared with. (server, request headers, label); the ETags are filled in at run time.
MEASUREMENTS: dict[str, tuple[str, str, str]] = {
    "nginx_static": ("nginx", "identity", "(1) nginx static, sendfile"),
    "app_cached_200": ("app", "identity", "(2) app cached 200"),
    "nginx_gzip": ("nginx", "gzip", "(1g) nginx gzip_static"),
    "app_gzip": ("app", "gzip", "(2g) app cached 200, gzip"),
    "nginx_304": ("nginx", "not_modified", "(1n) nginx 304"),
    "app_304": ("app", "not_modified", "(3) app 304"),
    "naive_feedgen": ("naive", "identity", "(4) naive feedgen"),
}
# With --floor: the same answers from memory with no app code (bench/floor_app.py), under the
# production WSGI command and under Granian's RSGI interface.
FLOOR_MEASUREMENTS: dict[str, tuple[str, str, str]] = {
    "floor_wsgi_200": ("floor_wsgi", "identity", "floor WSGI 200"),
    "floor_rsgi_200": ("floor_rsgi", "identity", "floor RSGI 200"),
    "floor_wsgi_gzip": ("floor_wsgi", "gzip", "floor WSGI gzip"),
    "floor_wsgi_304": ("floor_wsgi", "not_modified", "floor WSGI 304"),
    "floor_rsgi_304": ("floor_rsgi", "not_modified", "floor RSGI 304"),
}
# name: (measured, compared with, target the ratio must reach)
RATIOS: dict[str, tuple[str, str, float]] = {
    "app_304_to_nginx_304": ("app_304", "nginx_304", 0.90),
    "app_cached_200_to_nginx": ("app_cached_200", "nginx_static", 0.85),
    "app_gzip_to_nginx_gzip": ("app_gzip", "nginx_gzip", 0.90),
    "app_cached_200_to_naive": ("app_cached_200", "naive_feedgen", OVER_NAIVE_TARGET),
    "app_304_to_naive": ("app_304", "naive_feedgen", OVER_NAIVE_TARGET),
}
FLOOR_RATIOS: dict[str, tuple[str, str, float]] = {
    "floor_wsgi_304_to_nginx_304": ("floor_wsgi_304", "nginx_304", 0.0),
    "floor_rsgi_304_to_nginx_304": ("floor_rsgi_304", "nginx_304", 0.0),
    "floor_wsgi_200_to_nginx": ("floor_wsgi_200", "nginx_static", 0.0),
    "floor_rsgi_200_to_nginx": ("floor_rsgi_200", "nginx_static", 0.0),
    "floor_wsgi_gzip_to_nginx_gzip": ("floor_wsgi_gzip", "nginx_gzip", 0.0),
}


def with_variant(
    plan: dict[str, tuple[str, str, str]], ratios: dict[str, tuple[str, str, float]], extra: str
) -> tuple[dict[str, tuple[str, str, str]], dict[str, tuple[str, str, float]]]:
    """The plan with the app under the production command plus `extra` server options measured
    right after each app figure, and the variant's ratios to the app and to nginx."""
    after = {"app_cached_200": "identity", "app_gzip": "gzip", "app_304": "not_modified"}
    nginx = {"identity": "nginx_static", "gzip": "nginx_gzip", "not_modified": "nginx_304"}
    app = {"identity": "app_cached_200", "gzip": "app_gzip", "not_modified": "app_304"}
    short = {"identity": "200", "gzip": "gzip", "not_modified": "304"}
    new_plan: dict[str, tuple[str, str, str]] = {}
    new_ratios = dict(ratios)
    for key, value in plan.items():
        new_plan[key] = value
        kind = after.get(key)
        if kind is None:
            continue
        name = f"variant_{short[kind]}"
        new_plan[name] = ("variant", kind, f"app {short[kind]} with {extra}")
        new_ratios[f"{name}_to_app"] = (name, app[kind], 0.0)
        new_ratios[f"{name}_to_nginx"] = (name, nginx[kind], 0.0)
    return new_plan, new_ratios


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU time of every live process in a process group (Linux /proc)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = (Path("/proc") / entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:  # fields[2] is pgrp; 11 and 12 are utime and stime
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _check_same(name: str, got: tuple[int, Message, bytes], want: bytes, gzip: bool) -> None:
    status, headers, body = got
    encoding = headers.get("Content-Encoding", "")
    if status != 200 or body != want or (encoding == "gzip") != gzip:
        raise RuntimeError(
            f"{name} does not serve the app's bytes ({status}, Content-Encoding {encoding!r}, "
            f"{len(body)} bytes instead of {len(want)})"
        )


def write_floor_files(folder: Path, body: bytes, gz: bytes, etag: str, app_url: str) -> None:
    """What bench/floor_app.py replays: the app's bytes and the headers of its three answers."""
    folder.mkdir()
    (folder / "body").write_bytes(body)
    (folder / "body.gz").write_bytes(gz)
    skip = {"content-length", "date", "server", "connection", "transfer-encoding"}

    def kept(headers: Message) -> list[tuple[str, str]]:
        return [(k, v) for k, v in headers.items() if k.lower() not in skip]

    answers = {
        "identity": get(app_url)[1],
        "gzip": get(app_url, {"Accept-Encoding": "gzip"})[1],
        "not_modified": get(app_url, {"If-None-Match": etag})[1],
    }
    meta = {name: kept(headers) for name, headers in answers.items()} | {"etag": etag}
    (folder / "headers.json").write_text(json.dumps(meta), encoding="utf-8")


def app_code_cost(database_url: str, host: str) -> dict[str, float]:
    """CPU microseconds our WSGI stack spends per replayed answer with no server at all
    (bench/replay_cost.py in a child process, with the served app's environment and its access
    log written to /dev/null): {"identity", "gzip", "not_modified"}."""
    env = app_env(
        database_url, {"FEEDS_SITE_URL": f"http://{host}", "FEEDS_ACCESS_LOG": os.devnull}
    )
    done = subprocess.run(
        [PYTHON, str(BENCH / "replay_cost.py"), FEED_PATH, "--host", host],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    costs: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return costs


def bench(args: argparse.Namespace) -> dict[str, Any]:
    for binary in ("nginx", "wrk"):
        if not shutil.which(binary):
            raise SystemExit(
                f"http_bench: `{binary}` not found (Debian: apt-get install nginx-light wrk)"
            )
    db = cached_store(args.articles, args.seed)
    url = sqlite_url(db)
    workers = args.workers
    results: dict[str, Any] = {}
    plan = dict(MEASUREMENTS) | (FLOOR_MEASUREMENTS if args.floor else {})
    ratios = dict(RATIOS) | (FLOOR_RATIOS if args.floor else {})
    if args.variant:
        plan, ratios = with_variant(plan, ratios, args.variant)
    with tempfile.TemporaryDirectory(prefix="feeds-http-bench-") as tmp, ExitStack() as servers:
        prefix = Path(tmp)
        # nginx workers run as an unprivileged user when started as root: let them read.
        prefix.chmod(0o755)
        (prefix / "www" / "feeds").mkdir(parents=True)
        ports = {
            name: free_port()
            for name in ("app", "nginx", "naive", "floor_wsgi", "floor_rsgi", "variant")
        }
        urls = {name: f"http://127.0.0.1:{port}{FEED_PATH}" for name, port in ports.items()}
        groups: dict[str, int] = {}

        app_log = prefix / "app.log"
        groups["app"] = start(
            servers,
            "app",
            app_command(args.server, "wsgi:app", ports["app"], workers, project_conf=True),
            app_env(
                url,
                {"FEEDS_SITE_URL": f"http://127.0.0.1:{ports['app']}"}
                | (APP_ENV if args.server == "granian" else {}),
            ),
            ROOT,
            app_log,
            urls["app"],
        ).pid
        status, headers, body = get(urls["app"])
        if status != 200:
            raise RuntimeError(f"app answered {status} for {FEED_PATH}: {body[:300]!r}")
        etag = headers.get("ETag", "")
        gz_status, gz_headers, gz_body = get(urls["app"], {"Accept-Encoding": "gzip"})
        if gz_status != 200 or gz_headers.get("Content-Encoding") != "gzip":
            raise RuntimeError(f"app gives no gzip answer ({gz_status})")
        feed_file = prefix / "www" / "feeds" / "all.atom"
        feed_file.write_bytes(body)
        feed_file.with_name("all.atom.gz").write_bytes(gz_body)
        for path in (feed_file, feed_file.with_name("all.atom.gz")):
            path.chmod(0o644)
        (prefix / "www").chmod(0o755)
        (prefix / "www" / "feeds").chmod(0o755)
        entries = body.count(b"<entry>") + body.count(b"<entry ")
        results["feed"] = {
            "path": FEED_PATH,
            "bytes": len(body),
            "gzip_bytes": len(gz_body),
            "entries": entries,
            "etag": etag,
            "content_type": headers.get("Content-Type", ""),
        }
        log(f"feed: {len(body):,} bytes ({len(gz_body):,} gzip), {entries} entries, ETag {etag}")
        not_modified, _, _ = get(urls["app"], {"If-None-Match": etag})
        if not etag or not_modified != 304:
            raise RuntimeError(f"app does not answer 304 to If-None-Match {etag!r}")

        nginx_log = prefix / "nginx.out"
        conf = nginx_config(prefix, ports["nginx"], workers)
        groups["nginx"] = start(
            servers,
            "nginx",
            ["nginx", "-p", str(prefix), "-c", str(conf)],
            dict(os.environ),
            prefix,
            nginx_log,
            urls["nginx"],
        ).pid
        _check_same("nginx", get(urls["nginx"]), body, gzip=False)
        _check_same(
            "nginx gzip_static", get(urls["nginx"], {"Accept-Encoding": "gzip"}), gz_body, True
        )
        nginx_etag = get(urls["nginx"])[1].get("ETag", "")
        if get(urls["nginx"], {"If-None-Match": nginx_etag})[0] != 304:
            raise RuntimeError(f"nginx does not answer 304 to If-None-Match {nginx_etag!r}")

        naive_log = prefix / "naive.log"
        groups["naive"] = start(
            servers,
            "naive app",
            app_command(args.server, "naive_app:app", ports["naive"], workers, project_conf=False),
            app_env(url, {"NAIVE_DATABASE_URL": url}),
            BENCH,
            naive_log,
            urls["naive"],
        ).pid
        status, _, naive_body = get(urls["naive"])
        if status != 200:
            raise RuntimeError(f"naive app answered {status}: {naive_body[:300]!r}")
        results["feed"]["naive_bytes"] = len(naive_body)

        if args.floor:
            floor_dir = prefix / "floor"
            write_floor_files(floor_dir, body, gz_body, etag, urls["app"])
            floor_env = app_env(url, {"FLOOR_DIR": str(floor_dir)})
            for name, interface, target in (
                ("floor_wsgi", "wsgi", "floor_app:app"),
                ("floor_rsgi", "rsgi", "floor_app:rsgi_app"),
            ):
                command = app_command("granian", target, ports[name], workers, project_conf=True)
                command[command.index("--interface") + 1] = interface
                if interface == "rsgi":  # a WSGI-only option
                    at = command.index("--blocking-threads")
                    del command[at : at + 2]
                groups[name] = start(
                    servers, name, command, floor_env, BENCH, prefix / f"{name}.log", urls[name]
                ).pid
                _check_same(name, get(urls[name]), body, gzip=False)

        if args.variant:
            command = app_command(args.server, "wsgi:app", ports["variant"], workers, True)
            groups["variant"] = start(
                servers,
                "app variant",
                [*command[:-1], *shlex.split(args.variant), command[-1]],
                app_env(
                    url,  # the app's site URL, so that both answer the same bytes and ETags
                    {"FEEDS_SITE_URL": f"http://127.0.0.1:{ports['app']}"} | APP_ENV,
                ),
                ROOT,
                prefix / "variant.log",
                urls["variant"],
            ).pid
            _check_same("app variant", get(urls["variant"]), body, gzip=False)

        if args.server == "granian":
            results["app_code_us"] = app_code_cost(url, f"127.0.0.1:{ports['app']}")
            log(f"the app's own code per replayed answer, no server: {results['app_code_us']} us")

        request_headers = {
            "app": {"identity": {}, "gzip": {"Accept-Encoding": "gzip"}},
            "nginx": {"identity": {}, "gzip": {"Accept-Encoding": "gzip"}},
        }
        request_headers["app"]["not_modified"] = {"If-None-Match": etag}
        request_headers["nginx"]["not_modified"] = {"If-None-Match": nginx_etag}
        for name in ("naive", "floor_wsgi", "floor_rsgi", "variant"):
            request_headers[name] = request_headers["app"]

        rounds: list[dict[str, Any]] = []
        for number in range(1, args.rounds + 1):
            one: dict[str, Any] = {"load_average": [round(x, 2) for x in os.getloadavg()]}
            log(f"round {number}/{args.rounds}, load average {one['load_average']}")
            for key, (server_name, kind, label) in plan.items():
                spy = (
                    groups["app"] if args.profile and number == 1 and server_name == "app" else None
                )
                one[key] = run_wrk(
                    urls[server_name],
                    args,
                    request_headers[server_name][kind],
                    spy_on=spy,
                    spy_to=prefix / f"spy-{key}.txt" if spy else None,
                    pgid=groups[server_name],
                )
                log(
                    f"  {label}: {one[key]['requests_per_s']:,} req/s, "
                    f"{one[key].get('cpu_us_per_request', '-')} us CPU/request"
                )
            one["ratios"] = {name: ratio(one[a], one[b]) for name, (a, b, _) in ratios.items()}
            one["cpu_ratios"] = {
                name: cpu_ratio(one[a], one[b]) for name, (a, b, _) in ratios.items()
            }
            log(f"round {number}: " + ", ".join(f"{k} {v:.2f}" for k, v in one["ratios"].items()))
            rounds.append(one)

    results["measurements"] = {key: label for key, (_, _, label) in plan.items()}
    for key in plan:
        results[key] = median_run([one[key] for one in rounds])
    # The median of each round's ratio: both sides of a ratio were measured within a minute.
    results["ratios"] = {
        name: round(statistics.median(one["ratios"][name] for one in rounds), 3) for name in ratios
    }
    results["cpu_ratios"] = {
        name: round(statistics.median(one["cpu_ratios"][name] for one in rounds), 3)
        for name in ratios
    }
    results["targets"] = {name: target for name, (_, _, target) in ratios.items() if target}
    results["load_average_per_round"] = [one["load_average"] for one in rounds]
    results["rounds"] = rounds
    return results


# The User-Agents of the counting comparison: aggregators reporting counts and plain clients.
COUNTING_AGENTS = [
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 1,204 subscribers; "
    "feed-id=feed/http://127.0.0.1/feeds/all.atom)",
    "Mozilla/5.0 (compatible; inoreader.com; 37 subscribers)",
    "NewsBlur Feed Fetcher - 15 subscribers - https://www.newsblur.com/site/6186069/news "
    "(Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_1) AppleWebKit/537.36)",
    "Feedbin feed-id:1384829 - 12 subscribers",
    "Mozilla/5.0 (compatible; theoldreader.com; 4 subscribers; feed-id=5f1d3e2a9c)",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "NetNewsWire (RSS Reader; https://netnewswire.com/)",
    "Mozilla/5.0 (compatible; Miniflux/2.1.3; +https://miniflux.app)",
    "Tiny Tiny RSS/23.04 (https://tt-rss.org/)",
]
COUNTING_MEASUREMENTS = {
    "counting_on_200": "cached 200, counting on",
    "counting_off_200": "cached 200, counting off",
    "counting_on_304": "304, counting on",
    "counting_off_304": "304, counting off",
}
COUNTING_RATIOS = {
    "cached_200_on_to_off": ("counting_on_200", "counting_off_200"),
    "304_on_to_off": ("counting_on_304", "counting_off_304"),
}


def agents_script(path: Path, etag: str | None) -> Path:
    """A wrk Lua script sending each request with the next User-Agent of COUNTING_AGENTS."""
    quoted = ",\n".join("  " + lua_string(agent) for agent in COUNTING_AGENTS)
    condition = f'  headers["If-None-Match"] = {lua_string(etag)}\n' if etag else ""
    path.write_text(
        f"local agents = {{\n{quoted}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #agents + 1\n"
        '  local headers = { ["User-Agent"] = agents[i] }\n'
        f"{condition}"
        '  return wrk.format("GET", nil, headers)\n'
        "end\n",
        encoding="utf-8",
    )
    return path


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def bench_counting(args: argparse.Namespace) -> dict[str, Any]:
    """Counting on against counting off, same command, same load, alternating within rounds."""
    if not shutil.which("wrk"):
        raise SystemExit("http_bench: `wrk` not found (Debian: apt-get install wrk)")
    db = cached_store(args.articles, args.seed)
    url = sqlite_url(db)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="feeds-http-counting-") as tmp, ExitStack() as servers:
        prefix = Path(tmp)
        urls: dict[str, str] = {}
        etags: dict[str, str] = {}
        groups: dict[str, int] = {}
        for name, switch in (("on", "1"), ("off", "0")):
            port = free_port()
            urls[name] = f"http://127.0.0.1:{port}{FEED_PATH}"
            groups[name] = start(
                servers,
                f"app, counting {name}",
                app_command(args.server, "wsgi:app", port, args.workers, project_conf=True),
                app_env(
                    url,
                    {
                        "FEEDS_SITE_URL": "http://127.0.0.1",  # the same bytes from both
                        "FEEDS_SUBSCRIBER_COUNTS": switch,
                    }
                    | (APP_ENV if args.server == "granian" else {}),
                ),
                ROOT,
                prefix / f"app-{name}.log",
                urls[name],
            ).pid
            status, headers, body = get(urls[name])
            if status != 200:
                raise RuntimeError(f"app ({name}) answered {status}: {body[:300]!r}")
            etags[name] = headers.get("ETag", "")
            results.setdefault("feed", {"path": FEED_PATH, "bytes": len(body)})
        if etags["on"] != etags["off"] or not etags["on"]:
            raise RuntimeError(f"the two apps answer different ETags: {etags}")
        scripts = {
            "200": agents_script(prefix / "agents-200.lua", None),
            "304": agents_script(prefix / "agents-304.lua", etags["on"]),
        }
        rounds: list[dict[str, Any]] = []
        for number in range(1, args.rounds + 1):
            order = ("on", "off") if number % 2 else ("off", "on")
            one: dict[str, Any] = {}
            for kind in ("200", "304"):
                for name in order:
                    key = f"counting_{name}_{kind}"
                    log(f"round {number}/{args.rounds}: {COUNTING_MEASUREMENTS[key]}")
                    one[key] = run_wrk(urls[name], args, pgid=groups[name], script=scripts[kind])
            one["ratios"] = {
                name: ratio(one[a], one[b]) for name, (a, b) in COUNTING_RATIOS.items()
            }
            # Server CPU per request, counting on over off (cpu_ratio(a, b) is b's over a's).
            one["cpu_ratios"] = {
                name: cpu_ratio(one[b], one[a]) for name, (a, b) in COUNTING_RATIOS.items()
            }
            log(f"round {number}: " + ", ".join(f"{k} {v:.3f}" for k, v in one["ratios"].items()))
            rounds.append(one)
    for key in COUNTING_MEASUREMENTS:
        results[key] = median_run([one[key] for one in rounds])
    results["ratios"] = {
        name: round(statistics.median(one["ratios"][name] for one in rounds), 3)
        for name in COUNTING_RATIOS
    }
    results["cpu_ratios"] = {
        name: round(statistics.median(one["cpu_ratios"][name] for one in rounds), 3)
        for name in COUNTING_RATIOS
    }
    results["rounds"] = rounds
    results["agents"] = COUNTING_AGENTS
    return results


def report_counting(results: dict[str, Any]) -> None:
    print(f"medians over {len(results['rounds'])} round(s)")
    print(
        f"{'':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'CPU us/req':>11}  per round"
    )
    for key, label in COUNTING_MEASUREMENTS.items():
        r = results[key]
        cpu = [one[key].get("cpu_us_per_request", 0.0) for one in results["rounds"]]
        print(
            f"{label:<26} {r['requests_per_s']:>9,} {r['p50_ms']:>8} {r['p99_ms']:>8} "
            f"{r['non_2xx_3xx']:>7} {statistics.median(cpu):>11.1f}  "
            f"{r['per_round_requests_per_s']} {cpu}"
        )
    for key, value in results["ratios"].items():
        each = [one["ratios"][key] for one in results["rounds"]]
        print(f"rate {key:<21} {value:>8.3f}  per round {each}")
    for key, value in results["cpu_ratios"].items():
        each = [one["cpu_ratios"][key] for one in results["rounds"]]
        print(f"CPU/request {key:<14} {value:>8.3f}  per round {each}")


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median requests/s and latencies over rounds, with each round's rate alongside."""
    merged = dict(runs[0])
    for field in ("requests_per_s", "p50_ms", "p99_ms", "cpu_us_per_request"):
        values = [run[field] for run in runs if field in run]  # no CPU figure without requests
        if values:
            merged[field] = round(statistics.median(values), 3)
    merged["requests_per_s"] = round(merged["requests_per_s"])
    merged["requests"] = sum(run["requests"] for run in runs)
    merged["non_2xx_3xx"] = sum(run["non_2xx_3xx"] for run in runs)
    errors = [run["socket_errors"] for run in runs if run["socket_errors"]]
    merged["socket_errors"] = "; ".join(errors)
    merged["per_round_requests_per_s"] = [run["requests_per_s"] for run in runs]
    if "cpu_us_per_request" in merged:
        merged["per_round_cpu_us_per_request"] = [run.get("cpu_us_per_request") for run in runs]
    return merged


def report(results: dict[str, Any]) -> None:
    labels: dict[str, str] = results["measurements"]
    print(
        f"medians over {len(results['rounds'])} round(s); load average (1, 5, 15 min) at the "
        f"start of each round: {results['load_average_per_round']}"
    )
    busiest = max(load[0] for load in results["load_average_per_round"])
    if busiest > (os.cpu_count() or 1):
        print(
            f"WARNING: load average {busiest} is above the {os.cpu_count()} cores: other work "
            "shared them, so the rate ratios (and their ok / MISSED) measure how the scheduler "
            "shared the cores, not the servers; read the CPU time per request instead"
        )
    print(
        f"{'':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/req':>10} {'errors':>7}"
        "  req/s per round"
    )
    for key, label in labels.items():
        r = results[key]
        print(
            f"{label:<28} {r['requests_per_s']:>9,} {r['p50_ms']:>8} {r['p99_ms']:>8} "
            f"{r.get('cpu_us_per_request', '-'):>10} {r['non_2xx_3xx']:>7}  "
            f"{r['per_round_requests_per_s']}"
        )
    for key, label in labels.items():
        profile = results[key].get("profile")
        if profile:
            inclusive = ", ".join(f"{k} {v:.0%}" for k, v in profile["inclusive"].items())
            tops = ", ".join(f"{k} {v:.0%}" for k, v in list(profile["top_of_stack"].items())[:6])
            print(f"{label} profile: {inclusive}; top of stack: {tops}")
    targets = results["targets"]
    for key, value in results["ratios"].items():
        each = [one["ratios"][key] for one in results["rounds"]]
        target = targets.get(key)
        verdict = f"(target >= {target}: {'ok' if value >= target else 'MISSED'})" if target else ""
        print(f"{key:<30} {value:>8.2f}  {verdict:<26} per round {each}")
    print("the same by server CPU time per request (compared server's / measured server's):")
    for key, value in results["cpu_ratios"].items():
        each = [one["cpu_ratios"][key] for one in results["rounds"]]
        print(f"{key:<30} {value:>8.2f}  per round {each}")
    code = results.get("app_code_us")
    if code:
        print(
            "server CPU us per request, median (app = our code, measured with no server, "
            "+ the rest: Granian and the kernel):"
        )
        for kind, app_key, nginx_key in (
            ("not_modified", "app_304", "nginx_304"),
            ("identity", "app_cached_200", "nginx_static"),
            ("gzip", "app_gzip", "nginx_gzip"),
        ):
            app_cpu = results[app_key].get("cpu_us_per_request")
            nginx_cpu = results[nginx_key].get("cpu_us_per_request")
            if app_cpu is None or nginx_cpu is None:
                continue
            print(
                f"  {labels[app_key]:<28} {app_cpu:>7.1f} = our code {code[kind]:>5.1f} "
                f"+ the rest {app_cpu - code[kind]:>6.1f};  {labels[nginx_key]} {nginx_cpu:.1f}"
            )


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=None, help="store size (100000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--duration", type=int, default=None, help="seconds of load per run (10)")
    parser.add_argument("--warmup", type=int, default=None, help="untimed seconds before each (2)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds of the runs (5)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about 2 minutes: 10,000-article store, 3 rounds of 4 s runs after 1 s warm-ups; "
        "results in bench/results/quick/ (any option given explicitly still wins)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also measure the app's answers replayed with no app code (bench/floor_app.py) "
        "under the production WSGI command and under Granian's RSGI interface",
    )
    parser.add_argument(
        "--variant",
        default="",
        metavar="OPTIONS",
        help="also measure the app under the same command plus these server options, e.g. "
        '"--runtime-mode mt" or "--backpressure 64" (each figure right after the app\'s)',
    )
    parser.add_argument(
        "--server",
        choices=("granian", "gunicorn"),
        default="granian",
        help="WSGI server for the app and the naive app (default: granian, the README's "
        "production command; gunicorn uses gunicorn.conf.py)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="worker processes for every server (default: CPU count)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the app with py-spy during its runs of the first round (pip install py-spy)",
    )
    parser.add_argument(
        "--counting",
        action="store_true",
        help="measure subscriber counting instead: the app with counting on against off, "
        "requests with aggregator and plain User-Agents (results: http-counting.json)",
    )
    args = parser.parse_args(argv)
    defaults = (10_000, 4, 1, 3) if args.quick else (100_000, 10, 2, 5)
    for name, value in zip(("articles", "duration", "warmup", "rounds"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.quick and "BENCH_RESULTS" not in os.environ:
        common.RESULTS = BENCH / "results" / "quick"
    # SIGTERM (run_all's time limit) unwinds like Ctrl-C, so every server is stopped on the way.
    signal.signal(signal.SIGTERM, _interrupted)
    if args.counting:
        counted = bench_counting(args)
        report_counting(counted)
        save_results(
            "http-counting",
            {
                "articles": args.articles,
                "wrk": {
                    "threads": args.threads,
                    "connections": args.connections,
                    "duration_s": args.duration,
                },
                "rounds_run": args.rounds,
                "workers": args.workers,
                "server": args.server,
                **counted,
            },
        )
        return 0
    results = bench(args)
    report(results)
    save_results(
        "http",
        {
            "articles": args.articles,
            "wrk": {
                "threads": args.threads,
                "connections": args.connections,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
            },
            "rounds_run": args.rounds,
            "workers": args.workers,
            "app_server": "FEEDS_ACCESS_LOG=- granian "
            + " ".join(GRANIAN_ARGS)
            + " (bind and workers set)"
            if args.server == "granian"
            else "gunicorn -c gunicorn.conf.py (bind and workers overridden)",
            **results,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
