"""The app under real servers on 127.0.0.1 and a free port: the README's production command
(Granian, taken from the README itself so the documented command is the tested one) and
gunicorn with gunicorn.conf.py.

One server per kind for the module: first start on an empty instance folder loads the samples,
then real sockets check compression, conditional GET, HEAD, the access log and request limits.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60.0


@dataclass
class Server:
    port: int
    log: Path

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(condition: Callable[[], bool], what: str, timeout: float = START_TIMEOUT_S) -> None:
    """Poll `condition()` until true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def readme_production_command(port: int) -> tuple[dict[str, str], list[str]]:
    """The Granian command of the README's Deployment section: its leading VAR=value settings
    and its arguments, bound to 127.0.0.1:port."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if re.search(r"(^|\s)granian\s", line)]
    assert lines, "README.md: no production command running granian"
    words = shlex.split(lines[0])
    env: dict[str, str] = {}
    while "=" in words[0]:
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words[0] == "granian", lines[0]
    for option, value in (("--host", "127.0.0.1"), ("--port", str(port))):
        assert option in words, f"README production command has no {option}: {lines[0]}"
        words[words.index(option) + 1] = value
    return env, [sys.executable, "-m", "granian", *words[1:]]


@pytest.fixture(scope="module", params=["granian", "gunicorn"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    kind = request.param
    tmp = tmp_path_factory.mktemp(kind)
    port = free_port()
    log = tmp / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDS_")}
    env.pop("DATABASE_URL", None)
    env.update(FEEDS_INSTANCE_PATH=str(tmp / "instance"), WEB_CONCURRENCY="2")
    if kind == "granian":
        settings, command = readme_production_command(port)
        env.update(settings)
    else:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "-b",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    srv = Server(port, log)

    def healthy() -> bool:
        if process.poll() is not None:
            pytest.fail(f"{kind} exited with {process.returncode}:\n{log.read_text()}")
        try:
            response, body = srv.request("GET", "/healthz")
        except OSError:
            return False
        return response.status == 200 and body == b"ok\n"

    try:
        wait_until(healthy, f"{kind} to answer /healthz")
        yield srv
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_first_start_serves_the_sample_articles(server: Server) -> None:
    response, body = server.request("GET", "/feeds/all.atom")
    assert response.status == 200
    assert response.getheader("Content-Type") == "application/atom+xml; charset=utf-8"
    assert "조 외교부 장관" in body.decode()
    # No site_url and no trusted proxy: links are built from the request's own host.
    assert f'href="http://127.0.0.1:{server.port}/feeds/all.atom" rel="self"' in body.decode()


def test_gzip_over_the_wire_has_the_right_length_and_content(server: Server) -> None:
    _, plain = server.request("GET", "/feeds/all.rss")
    response, body = server.request("GET", "/feeds/all.rss", {"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert int(response.getheader("Content-Length") or -1) == len(body)
    assert gzip.decompress(body) == plain


def test_conditional_get_and_head_over_the_wire(server: Server) -> None:
    first, body = server.request("GET", "/feeds/all.json", {"Accept-Encoding": "br"})
    etag = first.getheader("ETag") or ""
    again, empty = server.request(
        "GET", "/feeds/all.json", {"Accept-Encoding": "br", "If-None-Match": etag}
    )
    assert (again.status, empty) == (304, b"")
    assert again.getheader("ETag") == etag
    assert again.getheader("Last-Modified") == first.getheader("Last-Modified")
    head, nothing = server.request("HEAD", "/feeds/all.json", {"Accept-Encoding": "br"})
    assert (head.status, nothing) == (200, b"")
    assert head.getheader("Content-Length") == str(len(body))


def test_forwarded_headers_are_not_trusted_by_default(server: Server) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    _, body = server.request("GET", "/feeds/all.atom", headers)
    assert b"evil.example" not in body
    assert b"https://127.0.0.1" not in body


def test_absurdly_long_url_is_refused_without_a_server_error(server: Server) -> None:
    response, _ = server.request("GET", "/feeds/tag/" + "a" * 10000 + ".atom")
    assert 400 <= response.status < 500


def test_requests_appear_in_the_access_log(server: Server) -> None:
    agent = "FeedFetcher-Test/1.0 (+https://reader.example; 7 subscribers)"
    server.request("GET", "/feeds/all.atom?from=access-log-test", {"User-Agent": agent})
    wait_until(
        lambda: '"GET /feeds/all.atom?from=access-log-test HTTP/1.1" 200' in server.log.read_text(),
        "the access log line",
        timeout=10,
    )
    line = next(
        line for line in server.log.read_text().splitlines() if "from=access-log-test" in line
    )
    assert f'"{agent}"' in line


def test_access_log_lines_still_waiting_are_written_when_granian_stops(
    tmp_path: Path,
) -> None:
    """With a flush interval longer than the test, only the workers' exit can write the lines:
    stopping the server (SIGTERM to its main process, as a container runtime does) must."""
    port = free_port()
    settings, command = readme_production_command(port)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDS_")}
    env.pop("DATABASE_URL", None)
    env.update(settings)
    env.update(FEEDS_INSTANCE_PATH=str(tmp_path / "instance"), FEEDS_ACCESS_LOG_FLUSH_MS="600000")
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    srv = Server(port, log)

    def healthy() -> bool:
        try:
            return srv.request("GET", "/healthz")[0].status == 200
        except OSError:
            return False

    workers = int(command[command.index("--workers") + 1])
    try:
        wait_until(healthy, "granian to answer /healthz")
        # Every worker has loaded the app (the test is about their exit, not their start).
        wait_until(
            lambda: all(f"Started worker-{n}\n" in log.read_text() for n in range(1, workers + 1)),
            "every Granian worker to start",
        )
        for n in range(5):
            srv.request("GET", f"/feeds/all.atom?exit-test={n}")
        assert "exit-test" not in log.read_text()  # still waiting in the workers
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    logged = [line for line in log.read_text().splitlines() if "exit-test=" in line]
    assert sorted(line.split("exit-test=")[1][0] for line in logged) == list("01234")


def test_granian_stops_even_when_told_to_while_its_workers_are_starting(tmp_path: Path) -> None:
    """Granian 2.8 loses a SIGTERM that arrives while a worker is still loading the app and
    then waits for it forever; the README's command bounds that with --workers-kill-timeout."""
    settings, command = readme_production_command(free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDS_")}
    env.pop("DATABASE_URL", None)
    env.update(settings)
    env.update(FEEDS_INSTANCE_PATH=str(tmp_path / "instance"))
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until(lambda: "Spawning worker-2" in log.read_text(), "Granian to spawn its workers")
        process.send_signal(signal.SIGTERM)  # the workers are still importing the app
        kill_timeout = int(command[command.index("--workers-kill-timeout") + 1])
        process.wait(timeout=kill_timeout + 20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "shutdown completed" in log.read_text()
