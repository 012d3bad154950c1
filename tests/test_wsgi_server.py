"""The app under real servers on 127.0.0.1 and a free port: the README's production command
(Granian, taken from the README itself so the documented command is the tested one) and
gunicorn with gunicorn.conf.py.

One server per kind for the module: first start on an empty instance folder loads the samples,
then real sockets check compression, conditional GET, HEAD, the access log and request limits.
"""

from __future__ import annotations

import gzip
import signal
import socket
import sys
from collections.abc import Iterator
from http.client import HTTPResponse
from pathlib import Path

import pytest

from tests.fixtures.servers import (
    ROOT,
    Server,
    answers,
    app_env,
    free_port,
    kill,
    readme_production_command,
    start,
    stop,
    wait_until,
)


@pytest.fixture(scope="module", params=["granian", "gunicorn"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    kind = request.param
    tmp = tmp_path_factory.mktemp(kind)
    port = free_port()
    env = app_env(tmp / "instance", {"WEB_CONCURRENCY": "2"})
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
    srv = Server(port, tmp / "server.log")
    process = start(command, srv.log, env)
    try:
        wait_until(lambda: answers(srv, process, kind), f"{kind} to answer /healthz")
        yield srv
    finally:
        stop(process)


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
    """Once a worker dates the document, every later answer of any worker carries that date:
    an answer given undated (the server came up in this second, feeds.etag.
    settled_last_modified) is never replayed past its second (feeds.feed_memo.memo_lifetime)."""
    answers: list[tuple[HTTPResponse, bytes]] = []

    def dated() -> bool:
        answers.append(server.request("GET", "/feeds/all.json", {"Accept-Encoding": "br"}))
        return answers[-1][0].getheader("Last-Modified") is not None

    wait_until(dated, "a dated answer", timeout=10)
    first, body = answers[-1]
    etag = first.getheader("ETag") or ""
    for _ in range(6):  # new connections: the workers take turns
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
    env = app_env(tmp_path / "instance", {**settings, "FEEDS_ACCESS_LOG_FLUSH_MS": "600000"})
    srv = Server(port, tmp_path / "server.log")
    log = srv.log
    process = start(command, log, env)

    workers = int(command[command.index("--workers") + 1])
    try:
        wait_until(lambda: answers(srv, process, "granian"), "granian to answer /healthz")
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
        kill(process)
    logged = [line for line in log.read_text().splitlines() if "exit-test=" in line]
    assert sorted(line.split("exit-test=")[1][0] for line in logged) == list("01234")


def test_granian_stops_even_when_told_to_while_its_workers_are_starting(tmp_path: Path) -> None:
    """Granian 2.8 loses a SIGTERM that arrives while a worker is still loading the app and
    then waits for it forever; the README's command bounds that with --workers-kill-timeout."""
    settings, command = readme_production_command(free_port())
    log = tmp_path / "server.log"
    process = start(command, log, app_env(tmp_path / "instance", settings))
    try:
        wait_until(lambda: "Spawning worker-2" in log.read_text(), "Granian to spawn its workers")
        process.send_signal(signal.SIGTERM)  # the workers are still importing the app
        kill_timeout = int(command[command.index("--workers-kill-timeout") + 1])
        process.wait(timeout=kill_timeout + 20)
    finally:
        kill(process)
    assert "shutdown completed" in log.read_text()


# One of each kind of response: HTML page, its 304, feed, OPML, static file, image, redirect,
# 404, health check.
ONE_OF_EACH = [
    ("/", {}),
    ("/", {"If-None-Match": "*"}),
    ("/feeds/all.atom", {}),
    ("/feeds.opml", {}),
    ("/static/feed.xsl", {}),
    ("/samples/images/cho-hyun-tokyo.png", {}),
    ("/feed", {}),
    ("/nope", {}),
    ("/healthz", {}),
]


def assert_one_date_each(server: Server) -> None:
    for path, headers in ONE_OF_EACH:
        response, _ = server.request("GET", path, headers)
        assert response.status < 500, path
        dates = response.msg.get_all("Date") or []
        assert len(dates) == 1, (path, headers, dates)


def test_every_response_carries_one_date_header(server: Server) -> None:
    assert_one_date_each(server)


def test_flask_run_sends_one_date_header_on_every_response(tmp_path: Path) -> None:
    """The development server writes Date itself, as every server does; the app must not
    add a second one (pages, 304s, OPML and static files did)."""
    port = free_port()
    env = app_env(tmp_path / "instance")
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port)]
    srv = Server(port, tmp_path / "flask.log")
    process = start(command, srv.log, env)
    try:
        wait_until(lambda: answers(srv, process, "flask run"), "flask run to answer /healthz")
        assert_one_date_each(srv)
    finally:
        stop(process)


def _raw(server: Server, request: bytes) -> tuple[str, bytes]:
    """Send `request` as written (http.client cannot send HTTP/1.0 without Host or `*`)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        # Read to the end of the response, not of the connection: a server may keep an
        # HTTP/1.1 connection open after answering (Granian does after a 501).
        while chunk := sock.recv(65536):
            data += chunk
            if _complete(data):
                break
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


def _complete(data: bytes) -> bool:
    """Whether `data` holds a whole response: its head and a body of its Content-Length."""
    head, found, body = data.partition(b"\r\n\r\n")
    if not found:
        return False
    lines = head.decode("latin-1").split("\r\n")
    if " 304 " in lines[0] + " " or " 204 " in lines[0] + " ":
        return True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            return len(body) >= int(value.strip())
    return False


def test_an_http_1_0_request_without_host_is_served(server: Server) -> None:
    """RFC 9112 3.2 requires Host from HTTP/1.1 on; Granian wrote an HTTP/1.0 request as
    `HTTP/1` with an empty Host, which the app refused as an invalid Host (400)."""
    head, body = _raw(server, b"GET /feeds/all.atom HTTP/1.0\r\n\r\n")
    assert head.split("\r\n")[0].split(" ")[1] == "200", head
    assert b"<feed" in body
    assert f"http://127.0.0.1:{server.port}/feeds/all.atom".encode() in body


@pytest.mark.parametrize("method", ["BREW", "PROPFIND", "get"])
def test_a_method_no_route_implements_is_501_saying_which_are(server: Server, method: str) -> None:
    head, body = _raw(
        server, f"{method} /feeds/all.atom HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    )
    status = head.split("\r\n")[0].split(" ")[1]
    if status == "400" and method.islower() and "server: granian" not in head.lower():
        return  # gunicorn refuses a lower-case method itself, before the app ("Invalid Method")
    assert status == "501", head
    assert method.encode() in body and b"GET" in body


def test_options_asterisk_lists_the_servers_methods(server: Server) -> None:
    head, _ = _raw(server, b"OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    lines = head.lower().split("\r\n")
    assert lines[0].split(" ")[1] == "200", head
    assert "allow: get, head, options, post, put, patch, delete" in lines
