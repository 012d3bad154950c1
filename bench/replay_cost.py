"""The app's own CPU time per replayed feed answer, with no server: what our code costs a request.

`bench/http_bench.py` runs this in a child process with the app's environment (same store, site
URL and access log setting as the served app, the access log written to /dev/null) and reports
it beside the servers' CPU time per request: the app's figure minus this is what the server
spends. It builds `wsgi.app`, asks once for the feed so the response memo holds each answer,
then calls the whole WSGI stack (access log, subscriber count, memo replay) in a loop with the
environ a server would pass, for the cached 200, the gzip 200 and the 304, and prints JSON:
microseconds of process CPU time per call, the best of `--repeats` runs of `--calls` calls
(best, because on a shared machine a run can only be slowed down by others, never sped up).

    FEEDS_DATABASE_URL=sqlite:///... python bench/replay_cost.py /feeds/all.atom
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any


def environ(path: str, host: str, extra: dict[str, str]) -> dict[str, Any]:
    """A GET as Granian's WSGI interface passes it (the process environment included)."""
    return {
        **os.environ,
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SCRIPT_NAME": "",
        "SERVER_SOFTWARE": "Granian",
        "wsgi.errors": sys.stderr,
        "wsgi.input_terminated": True,
        "wsgi.multiprocess": False,
        "wsgi.multithread": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": None,
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": host.split(":")[0],
        "SERVER_PORT": host.rpartition(":")[2] or "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000",
        "HTTP_HOST": host,
        "HTTP_USER_AGENT": "wrk",
        **extra,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="the feed's path, e.g. /feeds/all.atom")
    parser.add_argument("--host", default="127.0.0.1", help="Host header (the app's site)")
    parser.add_argument("--calls", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    from wsgi import app

    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"] = status
        seen["headers"] = dict(headers)

    def call(extra: dict[str, str]) -> str:
        b"".join(app(environ(args.path, args.host, extra), start_response))
        return str(seen["status"])

    if call({}) != "200 OK":
        raise SystemExit(f"replay_cost: {args.path} answered {seen['status']}")
    etag = seen["headers"]["ETag"]
    kinds = {
        "identity": ({}, "200 OK"),
        "gzip": ({"HTTP_ACCEPT_ENCODING": "gzip"}, "200 OK"),
        "not_modified": ({"HTTP_IF_NONE_MATCH": etag}, "304 NOT MODIFIED"),
    }
    best: dict[str, float] = {}
    for _ in range(args.repeats):
        for kind, (extra, status) in kinds.items():
            # The first call (re)fills the memo entry if its moment has passed; the timed loop
            # then runs well within response_memo_ms, so it measures replays.
            if call(extra) != status:
                raise SystemExit(f"replay_cost: {kind} answered {seen['status']}")
            template = environ(args.path, args.host, extra)
            environs = [dict(template) for _ in range(args.calls)]
            started = time.process_time()
            for one in environs:
                b"".join(app(one, start_response))
            spent = (time.process_time() - started) / args.calls * 1e6
            best[kind] = min(best.get(kind, spent), spent)
    print(json.dumps({kind: round(us, 2) for kind, us in best.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
