"""The app's access log: Combined Log Format lines, written in whole-line batches."""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import re
import string
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from feeds import accesslog
from feeds.accesslog import LineWriter
from feeds.api.auth import TOKENS_KEY
from feeds.config import SiteConfig
from feeds.redact import CREDENTIAL_NAMES, redact_query

LINE = re.compile(
    r"^(?P<client>\S+) - - \[(?P<time>\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "
    r'"(?P<method>\S+) (?P<target>\S+) (?P<protocol>[^"]+)" (?P<status>\d{3}|-) '
    r'(?P<size>\d+|-) "(?P<referrer>(?:[^"\\]|\\.)*)" "(?P<agent>(?:[^"\\]|\\.)*)" '
    r"(?P<ms>\d+\.\d{3})$"
)


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    yield read_end, write_end
    for fd in (read_end, write_end):
        with contextlib.suppress(OSError):
            os.close(fd)


def drain(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return b"".join(chunks)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def test_lines_come_out_whole_and_in_order(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    writer = LineWriter(write_end, flush_ms=60_000)
    lines = [f"line {n} 한국어\n" for n in range(100)]
    for line in lines:
        writer.write(line)
    writer.flush()
    assert drain(read_end).decode() == "".join(lines)


def test_each_write_is_whole_lines_within_pipe_buf(
    pipe: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several worker processes share one stdout pipe: a write must never split a line."""
    read_end, write_end = pipe
    writes: list[bytes] = []
    real_write = os.write

    def recording_write(fd: int, data: bytes) -> int:
        writes.append(bytes(data))
        return real_write(fd, data)

    monkeypatch.setattr(accesslog.os, "write", recording_write)
    writer = LineWriter(write_end, flush_ms=60_000)
    long_line = "x" * (accesslog._ATOMIC_WRITE * 2) + "\n"
    lines = [f"request {n:05d} " + "y" * (n % 200) + "\n" for n in range(300)]
    for line in [*lines[:150], long_line, *lines[150:]]:
        writer.write(line)
    writer.flush()
    assert len(writes) > 5
    for data in writes:
        assert data.endswith(b"\n")
        assert len(data) <= accesslog._ATOMIC_WRITE or data == long_line.encode()
    assert b"".join(writes).decode() == "".join([*lines[:150], long_line, *lines[150:]])
    monkeypatch.undo()
    drain(read_end)


def test_lines_are_written_by_themselves_within_the_flush_interval(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    writer = LineWriter(write_end, flush_ms=20)
    writer.write("no flush called\n")
    deadline = time.monotonic() + 5
    got = b""
    while time.monotonic() < deadline and not got:
        got = drain(read_end)
        time.sleep(0.01)
    assert got == b"no flush called\n"


def test_waiting_lines_are_written_when_the_process_exits(tmp_path: Path) -> None:
    script = (
        "from feeds.accesslog import LineWriter\n"
        "writer = LineWriter(1, flush_ms=60_000)\n"
        "for n in range(3):\n"
        "    writer.write(f'exit line {n}\\n')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == b"exit line 0\nexit line 1\nexit line 2\n"


def test_an_unwritable_log_is_reported_once_and_never_raises(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    errors = io.StringIO()
    writer = LineWriter(write_end, flush_ms=60_000, errors=errors)
    os.close(read_end)  # nobody reads: writes fail with EPIPE (Python ignores SIGPIPE)
    for attempt in range(3):
        writer.write(f"lost {attempt}\n")
        writer.flush()
    assert errors.getvalue().count("feeds: access log: cannot write") == 1


def test_a_blocked_log_drops_lines_and_says_how_many(
    pipe: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    read_end, write_end = pipe
    monkeypatch.setattr(accesslog, "_MAX_WAITING", 100)
    writer = LineWriter(write_end, flush_ms=60_000)
    for n in range(50):
        writer.write(f"line {n:02d}\n")  # 8 bytes each: 13 fit under the limit
    writer.flush()
    out = drain(read_end).decode().splitlines()
    assert out[:13] == [f"line {n:02d}" for n in range(13)]
    assert out[13:] == ["feeds: access log: 37 lines dropped (output blocked)"]


@pytest.fixture
def logged_app(
    make_app: Callable[..., Flask], tmp_path: Path
) -> Callable[..., tuple[Flask, Callable[[], list[re.Match[str]]]]]:
    def make(**settings: object) -> tuple[Flask, Callable[[], list[re.Match[str]]]]:
        log_file = tmp_path / f"access{len(list(tmp_path.iterdir()))}.log"
        app = make_app(access_log=str(log_file), **settings)

        def lines() -> list[re.Match[str]]:
            app.extensions["feeds.access_log"].flush()
            text = log_file.read_text(encoding="utf-8")
            matches = [LINE.match(line) for line in text.splitlines()]
            assert all(matches), text
            return [m for m in matches if m]

        return app, lines

    return make


def test_every_request_is_logged_in_combined_format(logged_app: Callable[..., tuple]) -> None:
    app, lines = logged_app(site_url="https://news.example.com")
    client = app.test_client()
    agent = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers)"
    ok = client.get("/feeds/all.atom?limit=5", headers={"User-Agent": agent, "Referer": "/x"})
    etag = ok.headers["ETag"]
    client.get("/feeds/all.atom?limit=5", headers={"If-None-Match": etag})
    client.get("/feeds/section/nope.rss")
    client.post("/feeds/all.atom")
    client.head("/feeds/all.json")
    logged = lines()
    assert [(m["method"], m["target"], m["status"]) for m in logged] == [
        ("GET", "/feeds/all.atom?limit=5", "200"),
        ("GET", "/feeds/all.atom?limit=5", "304"),
        ("GET", "/feeds/section/nope.rss", "404"),
        ("POST", "/feeds/all.atom", "405"),
        ("HEAD", "/feeds/all.json", "200"),
    ]
    first = logged[0]
    assert first["size"] == ok.headers["Content-Length"] == str(len(ok.data))
    assert (first["agent"], first["referrer"]) == (agent, "/x")
    assert first["client"] == "127.0.0.1"
    assert float(first["ms"]) >= 0


def test_client_supplied_text_cannot_forge_a_log_line(logged_app: Callable[..., tuple]) -> None:
    app, lines = logged_app()
    forged = 'evil" 200 1 "-" "-" 0.001\n127.0.0.1 - - [x] "GET /admin'
    app.test_client().get("/healthz", headers={"User-Agent": forged.replace("\n", "\\n")})
    app.test_client().get("/healthz", environ_overrides={"HTTP_USER_AGENT": forged})
    logged = lines()
    assert len(logged) == 2
    assert logged[1]["agent"] == forged.replace("\\", "\\\\").replace('"', '\\"').replace(
        "\n", "\\x0a"
    )


def test_credentials_in_urls_are_never_logged(logged_app: Callable[..., tuple]) -> None:
    """docs/api.md: tokens never appear in any log. A token sent in the query string (an
    `access_token` parameter, RFC 6750 2.3, or any parameter holding one of our tokens) or
    userinfo in the referrer is written as REDACTED; the rest of the target is kept."""
    app, lines = logged_app()
    token = app.extensions[TOKENS_KEY].create("cms", "write")
    client = app.test_client()
    client.get(f"/feeds/all.atom?access_token={token}&page=1")
    client.get(f"/api/articles?limit=5&x={quote(token)}")
    client.get(f"/feeds/all.atom?ACCESS%5FTOKEN=abc&utm_source=z&{token}")
    client.get("/healthz", headers={"Referer": f"https://u:{token}@example.com/p?token=s3cret#f"})
    logged = lines()
    text = "\n".join(m.string for m in logged)
    assert token not in text and token.removeprefix("nfa_") not in text
    assert "s3cret" not in text and "u:" not in text
    assert [m["target"] for m in logged[:3]] == [
        "/feeds/all.atom?access_token=REDACTED&page=1",
        "/api/articles?limit=5&x=REDACTED",
        "/feeds/all.atom?ACCESS%5FTOKEN=REDACTED&utm_source=z&REDACTED",
    ]
    assert logged[3]["referrer"] == "https://REDACTED@example.com/p?token=REDACTED#f"


@given(
    name=st.sampled_from(["access_token", "token", "page", "q", "Access_Token", "api_key"]),
    value=st.text(alphabet=string.ascii_letters + string.digits + "-_%.~", max_size=30),
    others=st.lists(
        st.tuples(
            st.sampled_from(["page", "limit", "utm_source"]), st.text("0123456789", max_size=4)
        ),
        max_size=3,
    ),
)
def test_redaction_keeps_everything_but_credentials(
    name: str, value: str, others: list[tuple[str, str]]
) -> None:
    secret = "nfa_" + "A" * 43
    pairs = [*(f"{k}={v}" for k, v in others), f"{name}={value}", f"t={secret}"]
    redacted = redact_query("&".join(pairs)).split("&")
    assert redacted[-1] == "t=REDACTED"
    assert redacted[: len(others)] == pairs[: len(others)]
    credential = name.lower() in CREDENTIAL_NAMES or "nfa_" in unquote(value)
    assert redacted[-2] == (f"{name}=REDACTED" if credential else pairs[-2])


def test_gunicorns_access_log_redacts_too() -> None:
    """gunicorn.conf.py's logger_class: the request line, query and referrer it logs."""
    from gunicorn.config import Config

    from feeds.gunicorn_log import GunicornLogger

    logger = GunicornLogger(Config())
    secret = "nfa_" + "b" * 43
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/feeds/all.atom?access_token={secret}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/feeds/all.atom",
        "QUERY_STRING": f"access_token={secret}",
        "HTTP_REFERER": f"https://me:{secret}@example.com/",
    }
    response = type("R", (), {"status": "200 OK", "headers": [], "sent": 0})()
    request = type("Q", (), {"headers": [("Referer", environ["HTTP_REFERER"])]})()
    atoms = logger.atoms(response, request, environ, datetime.timedelta(seconds=0))
    assert secret not in repr(atoms)
    assert atoms["r"] == "GET /feeds/all.atom?access_token=REDACTED HTTP/1.1"


def test_behind_a_trusted_proxy_the_client_address_is_logged(
    logged_app: Callable[..., tuple],
) -> None:
    app, lines = logged_app(trust_proxy_hops=1)
    app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
    assert lines()[0]["client"] == "203.0.113.9"


def test_access_log_settings_keep_every_etag() -> None:
    plain = SiteConfig()
    logged = SiteConfig(access_log="-", access_log_flush_ms=250)
    assert plain.fingerprint() == logged.fingerprint()
    assert SiteConfig(title="other").fingerprint() != plain.fingerprint()


def test_an_unopenable_access_log_stops_the_app_with_a_message(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit, match="access_log"):
        make_app(access_log=str(tmp_path / "no-such-folder" / "access.log"))


def test_every_field_stays_one_field_whatever_the_client_sends(
    logged_app: Callable[..., tuple],
) -> None:
    """Spaces, quotes, C1 controls and Unicode line separators in the path, the forwarded
    address or the agent never split a field or a line."""
    app, lines = logged_app(trust_proxy_hops=1)
    app.test_client().get(
        "/feeds/a b\u0085c.atom?q=1 2",
        headers={"X-Forwarded-For": "evil 1.2.3.4", "User-Agent": "x\u2028y\u0085z"},
    )
    (line,) = lines()
    assert line["client"] == "evil\\x201.2.3.4"
    assert line["target"] == "/feeds/a%20b%C2%85c.atom?q=1\\x202"
    assert line["agent"] == "x\\u2028y\\x85z"
    assert line["status"] == "404"


def test_non_ascii_paths_are_logged_percent_encoded_as_sent(
    logged_app: Callable[..., tuple],
) -> None:
    app, lines = logged_app()
    app.test_client().get("/articles/%ED%95%9C%EA%B5%AD%2F100%25")
    assert lines()[0]["target"] == "/articles/%ED%95%9C%EA%B5%AD/100%25"
