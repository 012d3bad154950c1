"""The export's options that go into the nginx config are checked before anything is written.

`--listen` and `--upstream` were written into the config as given: `--listen '127.0.0.1:8080;'`,
`--listen 'bad listen'`, `--upstream 127.0.0.1:8000` (no scheme) or one with a path made a
config nginx refuses, found only at nginx's next start or reload (with `--follow`, at every
run). A value is now refused at once, naming the option; every value accepted makes a
config `nginx -t` accepts.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from feeds.export import CONFIG_FOLDER, CONFIG_NAME, Exporter, ExportError
from feeds.export.nginx import listen_problem, upstream_problem
from tests.test_export import NGINX, nginx_main

SITE = "https://news.example.com"

BAD_LISTEN = [
    "127.0.0.1:8080;",
    "bad listen;",
    "bad listen",
    "8080 sll",
    "",
    " 8080",
    "8080  ssl",
    "0",
    "127.0.0.1:65536",
    "8080 backlog=",
    "8080\nserver_name evil",
    "8080 }",
    "http://127.0.0.1:8080",
]
BAD_UPSTREAM = [
    "127.0.0.1:8000",
    "http://127.0.0.1:8000/app",
    "http://127.0.0.1:8000/?x=1",
    "http://127.0.0.1:99999",
    "ftp://127.0.0.1:8000",
    "http://127.0.0.1:8000; return 200",
    "http://user@127.0.0.1:8000",
    "http://",
]
GOOD_LISTEN = [
    "127.0.0.1:8080",
    "8080",
    "[::1]:8181",
    "*:8080",
    "localhost",
    "127.0.0.1:8080 default_server backlog=511 reuseport",
]
GOOD_UPSTREAM = [
    "http://127.0.0.1:8000",
    "http://127.0.0.1:8000/",
    "https://localhost:8443",
    "http://[::1]:8000",
    "http://unix:/run/feeds/app.sock",
]


@pytest.mark.parametrize(
    ("option", "value"),
    [("--listen", v) for v in BAD_LISTEN] + [("--upstream", v) for v in BAD_UPSTREAM],
)
def test_an_option_nginx_could_not_read_is_refused_before_anything_is_written(
    make_app: Callable[..., Flask], tmp_path: Path, option: str, value: str
) -> None:
    app = make_app(site_url=SITE)
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["feeds", "export", str(out), option, value])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    with pytest.raises(ExportError, match=option.removeprefix("--")):
        Exporter(app, out, **{option.removeprefix("--"): value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("listen", "upstream"),
    [(v, None) for v in GOOD_LISTEN] + [("127.0.0.1:8080", v) for v in GOOD_UPSTREAM],
)
def test_every_value_accepted_makes_a_config_nginx_accepts(
    make_app: Callable[..., Flask], tmp_path: Path, listen: str, upstream: str | None
) -> None:
    if NGINX is None:  # as every nginx test: CI (FEEDS_REQUIRE_NGINX=1) fails instead
        if os.environ.get("FEEDS_REQUIRE_NGINX") == "1":
            pytest.fail("nginx is not installed (FEEDS_REQUIRE_NGINX=1)")
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    app = make_app(site_url=SITE)
    out = tmp_path / "out"
    args = ["feeds", "export", str(out), "--workers", "1", "--listen", listen]
    result = app.test_cli_runner().invoke(
        args=args + (["--upstream", upstream] if upstream else [])
    )
    assert result.exit_code == 0, result.output
    conf = out / CONFIG_FOLDER / CONFIG_NAME
    assert f"    listen {listen};" in conf.read_text(encoding="utf-8")
    tmp = tmp_path / "nginx"
    tmp.mkdir()
    (tmp / "nginx.conf").write_text(nginx_main(tmp, conf, 8080))
    check = subprocess.run(
        [NGINX, "-t", "-p", f"{tmp}/", "-c", str(tmp / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


_word = st.text(st.characters(min_codepoint=0, max_codepoint=0x7F), max_size=12)


@given(st.lists(_word, min_size=1, max_size=4).map(" ".join))
def test_a_listen_value_accepted_is_one_directive(listen: str) -> None:
    # Whatever the check lets through stays inside the config's `listen ...;`: it cannot end
    # the directive, open or close a block, start a comment or break the line.
    if listen_problem(listen) is None:
        assert not set(listen) & set(";{}\"'\\$#\n\r\t")
        assert listen == listen.strip() and "  " not in listen


@given(st.text(st.characters(min_codepoint=0, max_codepoint=0x7F), max_size=40))
def test_an_upstream_accepted_is_an_http_address_without_a_path(upstream: str) -> None:
    if upstream_problem(upstream) is None:
        assert upstream.startswith(("http://", "https://"))
        assert not set(upstream) & set(";{}\"'\\$# \n\r\t?")
        assert upstream_problem(upstream + "/x") is not None


@pytest.mark.parametrize(
    "command", ["no-such-program-h6 -s reload", "/nonexistent/sbin/nginx -s reload", "/etc -s"]
)
def test_a_reload_command_that_cannot_run_is_refused_before_anything_is_written(
    make_app: Callable[..., Flask], tmp_path: Path, command: str
) -> None:
    # It used to export, then fail every run with "FileNotFoundError: [Errno 2] ...".
    app = make_app(site_url=SITE)
    out = tmp_path / "out"
    args = ["feeds", "export", str(out), "--reload-command", command]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2, result.output
    assert "Invalid value for --reload-command" in result.output
    assert repr(command.split()[0]) in result.output
    assert "Errno" not in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_reload_program_outside_path_is_named_with_where_it_is(
    make_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # cron and `env -i` give a PATH without /usr/sbin, where Debian installs nginx.
    bin_dir, sbin = tmp_path / "bin", tmp_path / "sbin"
    bin_dir.mkdir()
    sbin.mkdir()
    program = sbin / "reloader-h6"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr("feeds.export.ADMIN_PATHS", str(sbin))
    app = make_app(site_url=SITE)
    args = ["feeds", "export", str(tmp_path / "out"), "--reload-command", "reloader-h6 -s reload"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2, result.output
    assert f"give its full path: {program}" in " ".join(result.output.split())
    args[-1] = f"{program} -s reload"
    assert app.test_cli_runner().invoke(args=args).exit_code == 0


@pytest.mark.parametrize("where", ["blocked", "blocked-below", "empty"])
def test_a_folder_the_export_cannot_write_stops_it_in_one_line(
    make_app: Callable[..., Flask],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    """A DIR whose folder cannot be made (a parent that is a file, whoever runs the tests;
    likewise a read-only file system) ended in a traceback from the first document written,
    and an empty DIR (an unset shell variable) exported into the current folder, in a clone of
    this repository among its own packages. Both are refused before anything is written,
    naming the folder."""
    app = make_app(site_url=SITE)
    here = tmp_path / "here"
    here.mkdir()
    (here / "a-file").write_text("not a folder")
    monkeypatch.chdir(here)
    directory = {
        "blocked": str(here / "a-file" / "out"),
        "blocked-below": str(here / "a-file" / "out" / "deeper"),
        "empty": "",
    }[where]
    result = app.test_cli_runner().invoke(args=["feeds", "export", directory, "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    line = result.output.strip()
    assert line.startswith("Error: ") and "\n" not in line, line
    if where == "empty":
        assert "empty name" in line
    else:
        assert repr(directory) in line and "Not a directory" in line
    assert [p.name for p in here.iterdir()] == ["a-file"]
    with pytest.raises(ExportError):
        Exporter(app, directory)


def test_a_folder_that_fails_during_a_run_stops_it_in_one_line(
    make_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails during the run (the disk filled up, the folder was removed) ended
    in a traceback; it is one line naming the file and saying what to do."""
    app = make_app(site_url=SITE)
    out = tmp_path / "out"

    def full(target: Path, data: bytes, mtime: float | None = None) -> None:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr("feeds.export.work.write_file", full)
    result = app.test_cli_runner().invoke(args=["feeds", "export", str(out), "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    line = result.output.strip()
    assert line.startswith("Error: export stopped: cannot write ") and "\n" not in line, line
    assert str(out) in line and "No space left on device" in line and "run it again" in line


def test_an_interrupted_run_says_so_in_one_line_and_exits_130(
    make_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during a one-off export printed click's bare "Aborted!" and exited 1, where an
    interrupted `flask articles import` says what it left and exits 130. The export now says
    that DIR keeps the last complete run's manifest and to run it again, exit 130."""
    app = make_app(site_url=SITE)
    out = tmp_path / "out"

    def interrupted(target: Path, data: bytes, mtime: float | None = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("feeds.export.work.write_file", interrupted)
    result = app.test_cli_runner().invoke(args=["feeds", "export", str(out), "--workers", "1"])
    assert result.exit_code == 130, result.output
    assert "Aborted" not in result.output
    assert result.stderr.strip() == (
        f"export interrupted (SIGINT): {out} keeps the last complete run's manifest; "
        "run the command again to finish"
    )
