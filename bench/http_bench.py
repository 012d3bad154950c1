"""HTTP throughput of one 50-entry feed, in one run, against the static-file ceiling.

Three servers answer the same feed on 127.0.0.1 and are measured under the same `wrk` load:

1. nginx serving the app's own bytes of that feed as a static file (the ceiling);
2. our app, started with the README's production command, answering from its render cache;
3. our app answering 304 Not Modified to `If-None-Match` with the current ETag;
4. a naive Flask app querying the same store and rendering with feedgen on every request.

Every server gets the same number of worker processes. All three run for the whole benchmark
and the four measurements are taken in turn, round after round (`--rounds`): this machine is a
virtual one whose speed drifts by 10-20% from minute to minute, so each round's ratios compare
runs made within the same minute, and the report gives the median of each figure over the
rounds. Targets: (2) and (3) at least 40% of (1) and at least 30x (4). Needs the `nginx` and
`wrk` binaries (Debian: apt-get install nginx-light wrk). Every server runs in its own process
group and is stopped at the end, whatever happens.

    python bench/http_bench.py                        # 100k-article store, 5 rounds of 10 s
    python bench/http_bench.py --articles 1000 --duration 5 --rounds 1
"""

from __future__ import annotations

import argparse
import os
import re
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

from common import BENCH, PYTHON, ROOT, SEED, cached_store, log, save_results, sqlite_url

FEED_PATH = "/feeds/all.atom"
SHARE_OF_CEILING_TARGET = 0.40
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
) -> dict[str, Any]:
    """Warm up, then one timed `wrk --latency` run; optionally sample `spy_on` with py-spy."""
    header_args = [item for k, v in (headers or {}).items() for item in ("-H", f"{k}: {v}")]
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", *header_args]
    # A short untimed round first: workers start, caches fill, connections are established.
    subprocess.run([*base, "-d2s", url], capture_output=True, check=True, timeout=60)
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
    result = parse_wrk(done.stdout)
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


MEASUREMENTS = {
    "nginx_static": "(1) nginx static",
    "app_cached_200": "(2) app cached 200",
    "app_304": "(3) app 304",
    "naive_feedgen": "(4) naive feedgen",
}
RATIOS = {
    "app_cached_200_to_nginx": ("app_cached_200", "nginx_static"),
    "app_304_to_nginx": ("app_304", "nginx_static"),
    "app_cached_200_to_naive": ("app_cached_200", "naive_feedgen"),
    "app_304_to_naive": ("app_304", "naive_feedgen"),
}


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
    with tempfile.TemporaryDirectory(prefix="feeds-http-bench-") as tmp, ExitStack() as servers:
        prefix = Path(tmp)
        # nginx workers run as an unprivileged user when started as root: let them read.
        prefix.chmod(0o755)
        (prefix / "www" / "feeds").mkdir(parents=True)
        app_port, nginx_port, naive_port = free_port(), free_port(), free_port()
        urls = {
            "app": f"http://127.0.0.1:{app_port}{FEED_PATH}",
            "nginx": f"http://127.0.0.1:{nginx_port}{FEED_PATH}",
            "naive": f"http://127.0.0.1:{naive_port}{FEED_PATH}",
        }

        app_log = prefix / "app.log"
        app = start(
            servers,
            "app",
            app_command(args.server, "wsgi:app", app_port, workers, project_conf=True),
            app_env(
                url,
                {"FEEDS_SITE_URL": f"http://127.0.0.1:{app_port}"}
                | (APP_ENV if args.server == "granian" else {}),
            ),
            ROOT,
            app_log,
            urls["app"],
        )
        status, headers, body = get(urls["app"])
        if status != 200:
            raise RuntimeError(f"app answered {status} for {FEED_PATH}: {body[:300]!r}")
        etag = headers.get("ETag", "")
        feed_file = prefix / "www" / "feeds" / "all.atom"
        feed_file.write_bytes(body)
        feed_file.chmod(0o644)
        (prefix / "www").chmod(0o755)
        (prefix / "www" / "feeds").chmod(0o755)
        entries = body.count(b"<entry>") + body.count(b"<entry ")
        results["feed"] = {
            "path": FEED_PATH,
            "bytes": len(body),
            "entries": entries,
            "etag": etag,
            "content_type": headers.get("Content-Type", ""),
        }
        log(f"feed: {len(body):,} bytes, {entries} entries, ETag {etag}")
        not_modified, _, _ = get(urls["app"], {"If-None-Match": etag})
        if not etag or not_modified != 304:
            raise RuntimeError(f"app does not answer 304 to If-None-Match {etag!r}")

        nginx_log = prefix / "nginx.out"
        conf = nginx_config(prefix, nginx_port, workers)
        start(
            servers,
            "nginx",
            ["nginx", "-p", str(prefix), "-c", str(conf)],
            dict(os.environ),
            prefix,
            nginx_log,
            urls["nginx"],
        )
        if get(urls["nginx"])[2] != body:
            raise RuntimeError("nginx does not serve the app's bytes")

        naive_log = prefix / "naive.log"
        start(
            servers,
            "naive app",
            app_command(args.server, "naive_app:app", naive_port, workers, project_conf=False),
            app_env(url, {"NAIVE_DATABASE_URL": url}),
            BENCH,
            naive_log,
            urls["naive"],
        )
        status, _, naive_body = get(urls["naive"])
        if status != 200:
            raise RuntimeError(f"naive app answered {status}: {naive_body[:300]!r}")
        results["feed"]["naive_bytes"] = len(naive_body)

        rounds: list[dict[str, Any]] = []
        for number in range(1, args.rounds + 1):
            spy = app.pid if args.profile and number == 1 else None
            one: dict[str, Any] = {}
            log(f"round {number}/{args.rounds}: {MEASUREMENTS['nginx_static']}")
            one["nginx_static"] = run_wrk(urls["nginx"], args)
            log(f"round {number}/{args.rounds}: {MEASUREMENTS['app_cached_200']}")
            one["app_cached_200"] = run_wrk(
                urls["app"], args, spy_on=spy, spy_to=prefix / "spy-200.txt" if spy else None
            )
            log(f"round {number}/{args.rounds}: {MEASUREMENTS['app_304']}")
            one["app_304"] = run_wrk(
                urls["app"],
                args,
                {"If-None-Match": etag},
                spy_on=spy,
                spy_to=prefix / "spy-304.txt" if spy else None,
            )
            log(f"round {number}/{args.rounds}: {MEASUREMENTS['naive_feedgen']}")
            one["naive_feedgen"] = run_wrk(urls["naive"], args)
            one["ratios"] = {name: ratio(one[a], one[b]) for name, (a, b) in RATIOS.items()}
            log(f"round {number}: " + ", ".join(f"{k} {v:.2f}" for k, v in one["ratios"].items()))
            rounds.append(one)

    for key in MEASUREMENTS:
        results[key] = median_run([one[key] for one in rounds])
    # The median of each round's ratio: both sides of a ratio were measured within a minute.
    results["ratios"] = {
        name: round(statistics.median(one["ratios"][name] for one in rounds), 3) for name in RATIOS
    }
    results["rounds"] = rounds
    return results


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median requests/s and latencies over rounds, with each round's rate alongside."""
    merged = dict(runs[0])
    for field in ("requests_per_s", "p50_ms", "p99_ms"):
        merged[field] = round(statistics.median(run[field] for run in runs), 3)
    merged["requests_per_s"] = round(merged["requests_per_s"])
    merged["requests"] = sum(run["requests"] for run in runs)
    merged["non_2xx_3xx"] = sum(run["non_2xx_3xx"] for run in runs)
    errors = [run["socket_errors"] for run in runs if run["socket_errors"]]
    merged["socket_errors"] = "; ".join(errors)
    merged["per_round_requests_per_s"] = [run["requests_per_s"] for run in runs]
    return merged


def report(results: dict[str, Any]) -> None:
    labels = MEASUREMENTS
    print(f"medians over {len(results['rounds'])} round(s)")
    print(f"{'':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  per round")
    for key, label in labels.items():
        r = results[key]
        print(
            f"{label:<22} {r['requests_per_s']:>9,} {r['p50_ms']:>8} {r['p99_ms']:>8} "
            f"{r['non_2xx_3xx']:>7}  {r['per_round_requests_per_s']}"
        )
    for key in ("app_cached_200", "app_304"):
        profile = results[key].get("profile")
        if profile:
            inclusive = ", ".join(f"{k} {v:.0%}" for k, v in profile["inclusive"].items())
            tops = ", ".join(f"{k} {v:.0%}" for k, v in list(profile["top_of_stack"].items())[:6])
            print(f"{labels[key]} profile: {inclusive}; top of stack: {tops}")
    ratios = results["ratios"]
    for key, value in ratios.items():
        target = SHARE_OF_CEILING_TARGET if key.endswith("nginx") else OVER_NAIVE_TARGET
        verdict = "ok" if value >= target else "MISSED"
        each = [one["ratios"][key] for one in results["rounds"]]
        print(f"{key:<26} {value:>8.2f}  (target >= {target}: {verdict})  per round {each}")


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="store size")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per run")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the four runs")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
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
        help="sample the app with py-spy during (2) and (3) (pip install py-spy)",
    )
    args = parser.parse_args(argv)
    # SIGTERM (run_all's time limit) unwinds like Ctrl-C, so every server is stopped on the way.
    signal.signal(signal.SIGTERM, _interrupted)
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
            },
            "rounds_run": args.rounds,
            "workers": args.workers,
            "app_server": "FEEDS_ACCESS_LOG=- granian "
            + " ".join(GRANIAN_ARGS)
            + " (bind and workers set)"
            if args.server == "granian"
            else "gunicorn -c gunicorn.conf.py (bind and workers overridden)",
            "targets": {"share_of_nginx": SHARE_OF_CEILING_TARGET, "over_naive": OVER_NAIVE_TARGET},
            **results,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
