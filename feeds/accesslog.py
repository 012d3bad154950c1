"""Access log: one Combined Log Format line per request, written in batches.

Aggregators identify themselves and often report subscriber counts in User-Agent
("Feedly/1.0 (...; 1234 subscribers)"), so the log keeps the agent and the referrer, and ends
each line with the time the app took in milliseconds:

    127.0.0.1 - - [25/Nov/2026:06:01:04 +0000] "GET /feeds/all.atom HTTP/1.1" 200 350064 "-"
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers)" 0.041

(one line in the log; wrapped here). The user field (the second `-`) names the publishing
API's token on API requests (`REMOTE_USER`, set by `feeds.api.auth`); the secret itself is
never logged, nor any credential a client puts in the query string or the referrer
(`?access_token=REDACTED`, feeds.redact).

Why not the server's own access log or `logging`: a `logging` record costs about 12 us per
request, a tenth of a cached feed response, and the benchmark showed it. Lines here are
formatted with one f-string and appended to a list; a daemon thread writes them out every
`flush_ms` or once 64 KiB are waiting, like nginx's `access_log ... buffer= flush=`. Each write
is whole lines of at most PIPE_BUF bytes, so lines from several worker processes sharing one
pipe (a container's stdout) never interleave mid-line. Lines still waiting are written when
the process exits normally, including a server's worker process
that is told to stop.
"""

from __future__ import annotations

import atexit
import multiprocessing.util
import os
import select
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from feeds.redact import redact_query, redact_url

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# POSIX guarantees that a pipe write of at most PIPE_BUF bytes is not interleaved with others.
_ATOMIC_WRITE = getattr(select, "PIPE_BUF", 4096)
_BUFFER_LIMIT = 64 * 1024
# Beyond this much waiting text (output blocked or gone), new lines are counted and dropped.
_MAX_WAITING = 16 * 1024 * 1024


class LineWriter:
    """Collects log lines and writes them to a file descriptor in whole-line batches."""

    def __init__(self, fd: int, flush_ms: int, errors: TextIO | None = None) -> None:
        self.fd = fd
        self.interval = max(flush_ms, 1) / 1000.0
        self.errors = errors or sys.stderr
        # deque.append and popleft are atomic: request threads never take a lock.
        self._lines: deque[str] = deque()
        self._size = 0  # approximate (updated without a lock); only decides when to wake up
        self._dropped = 0
        self._lock = threading.Lock()  # one writer at a time keeps batches in order
        self._wake = threading.Event()
        self._owner_pid = 0
        # True once the writer thread runs in this process; a fork clears it in the child
        # (a thread started before a worker is forked does not run in it). A flag, not a
        # getpid() per line: on this Python that is a system call on every request.
        self._running = False
        self._failing = False
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _forked(ref))

    def write(self, line: str) -> None:
        """Queue one line (with its newline); cheap enough to call on every request."""
        if not self._running:
            self._start()  # first line in this process (servers fork or spawn their workers)
        if self._size >= _MAX_WAITING:  # nobody is reading the log: drop, never grow forever
            self._dropped += 1
            return
        self._lines.append(line)
        self._size += len(line)
        if self._size >= _BUFFER_LIMIT:
            self._wake.set()

    def flush(self) -> None:
        """Write every waiting line now."""
        with self._lock:
            lines = [self._lines.popleft() for _ in range(len(self._lines))]
            self._size = 0
            dropped, self._dropped = self._dropped, 0
            if dropped:
                lines.append(f"feeds: access log: {dropped} lines dropped (output blocked)\n")
            if lines:
                self._write_out("".join(lines).encode("utf-8", "backslashreplace"))

    def _start(self) -> None:
        with self._lock:
            if self._running and self._owner_pid == os.getpid():
                return
            self._running = True
            # Lines inherited from a parent process belong to the parent, which writes them.
            self._lines.clear()
            self._size = 0
            self._owner_pid = os.getpid()
            threading.Thread(target=self._run, name="access-log", daemon=True).start()
            # A normal exit runs atexit; a multiprocessing child (Granian's workers) leaves with
            # os._exit after running only multiprocessing's own finalizers, so register there too.
            atexit.register(self.flush)
            multiprocessing.util.Finalize(self, self.flush, exitpriority=10)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()

    def _write_out(self, data: bytes) -> None:
        start, total = 0, len(data)
        while start < total:
            end = min(start + _ATOMIC_WRITE, total)
            if end < total:  # end the chunk after its last whole line; a longer line goes alone
                cut = data.rfind(b"\n", start, end)
                end = cut + 1 if cut >= 0 else (data.find(b"\n", end) + 1 or total)
            try:
                start += os.write(self.fd, data[start:end])
            except OSError as exc:
                if not self._failing:  # say it once, then drop lines rather than stop serving
                    print(f"feeds: access log: cannot write: {exc}", file=self.errors)
                self._failing = True
                return
        self._failing = False


class AccessLog:
    """WSGI middleware logging every request that reaches the app, in Combined Log Format."""

    def __init__(self, app: WSGIApplication, writer: LineWriter) -> None:
        self.app = app
        self.writer = writer
        self._stamp_second = -1
        self._stamp = ""

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: list[Any] = []

        def record_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.append(status)
            seen.append(headers)
            return start_response(status, headers, exc_info)

        try:
            body = self.app(environ, record_start)
        except BaseException:
            self._log(environ, "500", "-", started)
            raise
        if seen:
            self._log(environ, seen[-2][:3], _content_length(seen[-1]), started)
        else:  # the app returns an iterator that calls start_response later: rare, still log it
            self._log(environ, "-", "-", started)
        return body

    def _log(self, environ: WSGIEnvironment, status: str, size: str, started: float) -> None:
        now = time.time()
        second = int(now)
        if second != self._stamp_second:
            self._stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime(second))
            self._stamp_second = second
        query = environ.get("QUERY_STRING")
        target = _request_target(environ.get("PATH_INFO", ""), query and redact_query(query))
        referer = environ.get("HTTP_REFERER", "-")
        self.writer.write(
            f"{_field(environ.get('REMOTE_ADDR', ''))} - "
            f"{_field(environ.get('REMOTE_USER', ''))} [{self._stamp}] "
            f'"{_field(environ.get("REQUEST_METHOD", ""))} {target} '
            f'{_field(environ.get("SERVER_PROTOCOL", ""))}" {status} {size} '
            f'"{_quote(referer if referer == "-" else redact_url(referer))}" '
            f'"{_quote(environ.get("HTTP_USER_AGENT", "-"))}" '
            f"{(time.perf_counter() - started) * 1000:.3f}\n"
        )


# What a request target may hold unescaped (RFC 3986 pchar plus "/"), as nginx logs it.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _request_target(path: str, query: str | None) -> str:
    """The path as the client sent it: WSGI decodes it (as latin-1), so anything but plain
    printable ASCII is percent-encoded again from its bytes (`/articles/%ED%95%9C`)."""
    if not (path.isascii() and path.isprintable()) or " " in path or '"' in path:
        path = quote(path.encode("latin-1", "replace"), safe=_PATH_SAFE)
    return path + "?" + _field(query) if query else path


def _content_length(headers: list[tuple[str, str]]) -> str:
    for name, value in headers:
        if len(name) == 14 and name.lower() == "content-length":
            return value
    return "-"


# C0 and C1 controls (a latin-1 path can hold 0x85, which some tools read as a line break),
# the Unicode line and paragraph separators, quotes and backslashes.
_ESCAPES = (
    {i: f"\\x{i:02x}" for i in (*range(32), *range(127, 160))}
    | {0x2028: "\\u2028", 0x2029: "\\u2029"}
    | {ord('"'): '\\"', ord("\\"): "\\\\"}
)


def _quote(text: str) -> str:
    """Client-supplied text as nginx logs it: quotes, backslashes and control bytes escaped,
    so a crafted User-Agent cannot forge a second log line. Outside quotes (the address, the
    method) a space is escaped too, so every field stays one field."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    return text.translate(_ESCAPES)


def _field(text: str) -> str:
    if text.isprintable() and " " not in text and '"' not in text and "\\" not in text:
        return text or "-"
    return text.translate(_ESCAPES).replace(" ", "\\x20") or "-"


def open_access_log(target: str, flush_ms: int) -> LineWriter:
    """`-` is standard output; anything else is a file path, opened for appending."""
    if target == "-":
        return LineWriter(sys.stdout.fileno(), flush_ms)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    return LineWriter(fd, flush_ms)


def _forked(ref: weakref.ReferenceType[LineWriter]) -> None:
    writer = ref()
    if writer is not None:
        writer._running = False  # the child starts its own thread at its first line
