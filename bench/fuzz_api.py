"""Fuzz the publishing API as an outsider would: schemathesis against docs/openapi.json, then
hand-made junk, both over HTTP against a server started here.

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python bench/fuzz_api.py                       # SQLite, 100 examples an operation
    .venv/bin/python bench/fuzz_api.py --max-examples 500 --seed 7 --rate-limit 50/second
    .venv/bin/python bench/fuzz_api.py --database-url postgresql+psycopg://u:p@127.0.0.1/db
    .venv/bin/python bench/fuzz_api.py --server granian --skip-schemathesis   # junk only

A fresh store (SQLite in a temporary folder, or the database `--database-url` names, which is
written to: use a scratch one) is served by `flask run` (or `--server granian`, `gunicorn`)
on 127.0.0.1 with a write token made
by `flask tokens create` and the document's example article in it. Then:

1. `schemathesis run` with every check, every phase (examples, coverage, fuzzing, stateful)
   and both data modes, valid and invalid. Its failures are counted by check and split in
   two: the **rules** (no 5xx; status, media type, headers and body as documented; 405 with
   Allow for an undeclared method) and the **heuristics** schemathesis cannot know better
   of: a request valid by the schema but refused (ST202: a rule between fields, an
   unregistered language tag, a deleted article answered 410 or a stale If-Match answered
   412 in the stateful phase) and a request invalid by the schema but taken (ST201: the
   record's lenient forms, which docs/api.md lists). The rules must all hold; the
   heuristics are printed for a person to judge.
2. Junk no schema describes, over raw sockets (`JUNK`): undeclared and lower-case methods,
   long URLs, large and malformed headers, bad JSON, wrong and coded media types, a merge
   patch sent with PUT, raw non-ASCII bytes. Each answer must be a 4xx problem document
   (`application/problem+json` with the members every problem has), listed for some
   operation of its path in the document, with no traceback.

Nothing here runs in the test suite (tests/test_api_openapi.py fuzzes in process, a bounded
number of cases). The exit status is 1 when a rule failed. Reports go to `--out` (a temporary
folder unless given), never into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "openapi.json"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# schemathesis checks whose failures break the rules the API promises.
RULES = {
    "ST101": "not_a_server_error",
    "ST102": "status_code_conformance",
    "ST103": "content_type_conformance",
    "ST104": "response_headers_conformance",
    "ST105": "response_schema_conformance",
    "ST204": "unsupported_method",
}
# Heuristic checks: judged by a person (see the module docstring).
HEURISTICS = {"ST201": "negative_data_rejection", "ST202": "positive_data_acceptance"}
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance", "errors"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    token: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# The command of each server, on a port; `granian` is the production command of README.md.
SERVERS = {
    "flask": lambda port: [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", port],
    "granian": lambda port: [
        str(Path(sys.executable).parent / "granian"),
        *("--interface", "wsgi", "--host", "127.0.0.1", "--port", port, "--workers", "1"),
        *("--runtime-mode", "st", "--http", "1", "--no-ws", "wsgi:app"),
    ],
    "gunicorn": lambda port: [
        str(Path(sys.executable).parent / "gunicorn"),
        *("-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"),
    ],
}


def start_server(
    folder: Path, database_url: str, rate_limit: str, server_name: str = "flask"
) -> Server:
    """The server on a free port over a fresh store, with a write token and the example."""
    port = _free_port()
    env = {
        **os.environ,
        "FEEDS_INSTANCE_PATH": str(folder),
        "DATABASE_URL": database_url or f"sqlite:///{folder}/articles.db",
        "FEEDS_SITE_URL": f"http://127.0.0.1:{port}",
        "FEEDS_AUTO_MIGRATE": "1",
        "FEEDS_LOAD_SAMPLES": "false",
    }
    if rate_limit:
        env["FEEDS_RATE_LIMIT"] = rate_limit
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    name = f"fuzz-{int(time.time())}"
    made = subprocess.run(
        [*flask, "tokens", "create", name, "--scope", "write"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    token = made.stdout.strip().splitlines()[-1]
    log_file = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        SERVERS[server_name](str(port)),
        env=env,
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/api/openapi.json", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise SystemExit(f"the server did not start; see {folder / 'server.log'}")
    server = Server(url, token, process)
    _put_example(server)
    return server


def _put_example(server: Server) -> None:
    from feeds.api.openapi import EXAMPLE_ID, EXAMPLE_RECORD

    request = urllib.request.Request(
        f"{server.url}/api/articles/{EXAMPLE_ID}",
        data=json.dumps(EXAMPLE_RECORD).encode(),
        method="PUT",
        headers={"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).read()


def run_schemathesis(server: Server, args: argparse.Namespace, out: Path) -> dict[str, int]:
    """`schemathesis run` with every check; the count of failures by code (ST101, ...)."""
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    command = [
        cli,
        "run",
        str(DOCUMENT),
        "--url",
        server.url,
        "--checks",
        "all",
        "--mode",
        args.mode,
        "--phases",
        args.phases,
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        # Every case of an operation, not only up to its first failure: a heuristic's false
        # positive would otherwise end the operation's fuzzing.
        "--continue-on-failure",
        "-H",
        f"Authorization: Bearer {server.token}",
        "--report",
        "ndjson",
        "--report-dir",
        str(out),
    ]
    shown = ["'Authorization: Bearer …'" if "Bearer" in part else part for part in command]
    log("schemathesis: " + " ".join(shown))
    started = time.perf_counter()
    done = subprocess.run(command, cwd=out, capture_output=True, text=True)
    (out / "schemathesis.txt").write_text(done.stdout + done.stderr, encoding="utf-8")
    log(f"schemathesis: exit {done.returncode} in {time.perf_counter() - started:.0f} s")
    counts: dict[str, int] = {}
    for code, count in re.findall(r"(ST\d{3}) [^:\n]+: (\d+)", done.stdout):
        counts[code] = counts.get(code, 0) + int(count)
    cases = re.search(r"(\d+) generated", done.stdout)
    counts["cases"] = int(cases.group(1)) if cases else 0
    # Errors of schemathesis itself (a crash while generating), not answers of the API.
    errors = re.search(r"(\d+) errors? in [\d.]+s", done.stdout)
    counts["errors"] = int(errors.group(1)) if errors else 0
    return counts


# --------------------------------------------------------------------------- junk

RECORD = b'{"title": "t", "published": "2025-07-30T10:00:00+09:00"}'
JSON = b"Content-Type: application/json\r\n"
MERGE = b"Content-Type: application/merge-patch+json\r\n"
ITEM = "/api/articles/fuzz-junk"


def _junk() -> list[tuple[str, str, str, bytes, bytes]]:
    """(label, method, target, extra header lines, body) of each hand-made request."""
    cases: list[tuple[str, str, str, bytes, bytes]] = []
    paths = ["/api/articles", "/api/articles/batch", ITEM]
    for method in ["TRACE", "BREW", "PROPFIND", "CONNECT", "QUERY", "get", "Post", "LINK"]:
        for path in paths:
            cases.append((f"{method} {path}", method, path, b"", b""))
    for path in paths:
        cases += [
            (f"long URL {path}", "GET", path + "?q=" + "a" * 9000, b"", b""),
            (f"long header {path}", "GET", path, b"X-Long: " + b"a" * 9000 + b"\r\n", b""),
            (
                f"many headers {path}",
                "GET",
                path,
                b"".join(b"X-H%d: " % i + b"a" * 4000 + b"\r\n" for i in range(10)),
                b"",
            ),
        ]
    bodies = {
        "bad JSON": b"{bad",
        "NaN": b"NaN",
        "empty body": b"",
        "deep nesting": b"[" * 100_000 + b"]" * 100_000,
        # A UTF-8 BOM is ignored (RFC 8259 8.1, as an imported file's); UTF-16 is not JSON's.
        "UTF-16 with its BOM": b"\xff\xfe" + RECORD.decode("utf-8").encode("utf-16-le"),
        "not UTF-8": b'{"title": "\xff"}',
        "duplicate names": b'{"title": "a", "title": "b"}',
        "huge number": b'{"reading_time": 1e999}',
    }
    for label, body in bodies.items():
        cases.append((f"PUT {label}", "PUT", ITEM, JSON, body))
        cases.append((f"PATCH {label}", "PATCH", ITEM, MERGE, body))
        cases.append((f"POST batch {label}", "POST", "/api/articles/batch", JSON, body))
    types = {
        "merge patch on PUT": b"Content-Type: application/merge-patch+json\r\n",
        "JSON Patch": b"Content-Type: application/json-patch+json\r\n",
        "text/plain": b"Content-Type: text/plain\r\n",
        "no type": b"",
        "latin-1 charset": b"Content-Type: application/json; charset=latin-1\r\n",
        "gzip coding": JSON + b"Content-Encoding: gzip\r\n",
        "garbage type": b"Content-Type: ;;;/\r\n",
    }
    for label, headers in types.items():
        cases.append((f"PUT {label}", "PUT", ITEM, headers, RECORD))
        cases.append((f"POST batch {label}", "POST", "/api/articles/batch", headers, RECORD))
    cases += [
        (
            "PATCH JSON Patch",
            "PATCH",
            ITEM,
            b"Content-Type: application/json-patch+json\r\n",
            b"[]",
        ),
        ("raw UTF-8 id", "PUT", "/api/articles/\xc3\xa9t\xc3\xa9", JSON, RECORD),
        ("raw 0xFF id", "PUT", "/api/articles/a\xffb", JSON, RECORD),
        ("%FF id", "GET", "/api/articles/a%FFb", b"", b""),
        ("NUL id", "GET", "/api/articles/a%00b", b"", b""),
        ("bad If-Match", "PATCH", ITEM, MERGE + b'If-Match: "a" "b"\r\n', b"{}"),
        ("bad If-None-Match", "GET", ITEM, b"If-None-Match: 0\r\n", b""),
        ("bad Host", "GET", "/api/articles", b"Host: a b\r\n", b""),
        ("unknown parameter", "GET", "/api/articles?nope=1", b"", b""),
        ("limit twice", "GET", "/api/articles?limit=1&limit=2", b"", b""),
        ("forged cursor", "GET", "/api/articles?cursor=eyJ4IjoxfQ", b"", b""),
        ("unknown path", "GET", "/api/nothing", b"", b""),
        ("bad token", "GET", "/api/articles", b"Authorization: Bearer nfa_x\r\n", b""),
        ("Basic auth", "GET", "/api/articles", b"Authorization: Basic YTpi\r\n", b""),
    ]
    return cases


def _send(url: str, token: str, method: str, target: str, headers: bytes, body: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    head = f"{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    raw = head.encode("latin-1")
    if b"authorization:" not in headers.lower():
        raw += f"Authorization: Bearer {token}\r\n".encode()
    if b"\r\nhost:" in (b"\r\n" + headers.lower()):
        raw = raw.replace(f"Host: {host}:{port}\r\n".encode(), b"")
    raw += headers + b"Content-Length: %d\r\n\r\n" % len(body) + body
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(raw)
        # To the end of the response (its head and Content-Length), not of the connection: a
        # server may keep it open after answering before it read the body (Werkzeug's does).
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
            head, found, content = answer.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if found and (length is None or len(content) >= int(length.group(1))):
                break
    return answer


def _documented(document: dict[str, Any], path: str) -> set[str]:
    """Every status some operation of the path's template documents."""
    bare = path.split("?", 1)[0]
    for template in sorted(document["paths"], key=lambda p: ("{" in p, p)):
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", ".+", re.escape(template)) + "$"
        if re.match(pattern, bare, re.DOTALL):
            return {
                status
                for operation in document["paths"][template].values()
                for status in operation["responses"]
            }
    return {"400", "404", "405", "414", "429", "431"}  # no operation: a routing error


def run_junk(server: Server) -> tuple[int, list[str], list[str]]:
    """Send each junk request; the number sent, what broke a rule, and what the server in
    front of the app answered itself (no `Cache-Control: no-store`, which every answer of the
    API carries: gunicorn's HTML 400 for a lower-case method or a request line over its
    limit, Granian's empty 400 for a raw 0xFF byte), which no app can change."""
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    broken = []
    by_server = []
    cases = _junk()
    for label, method, target, headers, body in cases:
        answer = _send(server.url, server.token, method, target, headers, body)
        head, _, content = answer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = lines[0].split(" ")[1]
        fields = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
        if fields.get("cache-control") != "no-store" and b"Traceback" not in content:
            by_server.append(f"{label}: {status} {fields.get('content-type')}")
            continue
        problems = []
        if not status.startswith("4"):
            problems.append(f"status {status}")
        if status not in _documented(document, target):
            problems.append(f"{status} not documented for the path")
        if fields.get("content-type") != "application/problem+json":
            problems.append(f"Content-Type {fields.get('content-type')}")
        elif method.upper() != "HEAD":
            try:
                members = set(json.loads(content))
            except ValueError:
                members = set()
            if not members >= PROBLEM_MEMBERS:
                problems.append(f"problem members {sorted(members)}")
        if b"Traceback" in content:
            problems.append("a traceback in the body")
        if problems:
            broken.append(f"{label}: {'; '.join(problems)}")
    return len(cases), broken, by_server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="a scratch database (default SQLite)")
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mode", default="all", choices=["all", "positive", "negative"])
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--rate-limit", default="", help="the server's rate_limit, e.g. 50/second")
    parser.add_argument("--server", default="flask", choices=sorted(SERVERS))
    parser.add_argument("--out", type=Path, help="where the reports go (default: a temp folder)")
    parser.add_argument("--skip-schemathesis", action="store_true")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="fuzz-api-"))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder), args.database_url, args.rate_limit, args.server)
        try:
            counts = {} if args.skip_schemathesis else run_schemathesis(server, args, out)
            sent, broken, by_server = run_junk(server)
        finally:
            server.stop()
            shutil.copy(Path(folder) / "server.log", out / "server.log")
    rules = {code: counts[code] for code in RULES if counts.get(code)}
    heuristics = {code: counts[code] for code in HEURISTICS if counts.get(code)}
    unknown = {
        c: n for c, n in counts.items() if c.startswith("ST") and c not in RULES | HEURISTICS
    }
    summary = {
        "schemathesis_cases": counts.get("cases", 0),
        "schemathesis_errors": counts.get("errors", 0),
        "rule_failures": {f"{c} {RULES[c]}": n for c, n in rules.items()},
        "heuristic_failures": {f"{c} {HEURISTICS[c]}": n for c, n in heuristics.items()},
        "other_failures": unknown,
        "junk_sent": sent,
        "junk_broken": broken,
        "junk_answered_by_the_server": by_server,
        "reports": str(out),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return 1 if rules or unknown or broken else 0


if __name__ == "__main__":
    sys.exit(main())
