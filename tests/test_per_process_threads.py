"""Background threads that servers' forked workers need: started once per process, found by
a flag a fork clears (os.register_at_fork), not by a getpid() system call on every request."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest

from feeds import accesslog, lifts
from feeds.accesslog import LineWriter
from feeds.lifts import LiftScheduler


def _no_getpid(monkeypatch: pytest.MonkeyPatch, *modules: Any) -> None:
    def forbidden() -> int:
        raise AssertionError("getpid() on the request path")

    for module in modules:
        monkeypatch.setattr(module.os, "getpid", forbidden)


def _in_child(work: Any) -> str:
    """Run `work()` in a forked child; return what it printed to the pipe (or its error)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            result = str(work())
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            result = f"error: {type(exc).__name__}: {exc}"
        os.write(write_end, result.encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as pipe:
        return pipe.read().decode()


def test_access_log_starts_once_per_process_and_again_after_a_fork(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read_end, write_end = os.pipe()
    writer = LineWriter(write_end, flush_ms=10)
    writer.write("parent\n")  # starts the writer thread here
    with monkeypatch.context() as patch:
        _no_getpid(patch, accesslog)
        for n in range(100):
            writer.write(f"line {n}\n")

    def child() -> str:
        writer.write("child\n")  # must start a thread of the child's own, which writes it
        deadline = time.monotonic() + 5
        names = [t.name for t in threading.enumerate()]
        while time.monotonic() < deadline and len(writer._lines):
            time.sleep(0.01)
        return f"{names.count('access-log')} {len(writer._lines)}"

    assert _in_child(child) == "1 0"
    writer.flush()
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        out = pipe.read().decode()
    assert out.count("child\n") == 1 and out.count("parent\n") == 1
    assert out.count("line ") == 100


def test_lift_scheduler_starts_once_per_process_and_again_after_a_fork(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(lifts, "announce_lifts", lambda service, now: calls.append(1))
    scheduler = LiftScheduler(service=None, clock=lambda: None, interval=0.01)  # type: ignore[arg-type]
    try:
        scheduler.ensure_started()
        with monkeypatch.context() as patch:
            _no_getpid(patch, lifts)
            for _ in range(100):
                scheduler.ensure_started()
        assert [t.name for t in threading.enumerate()].count("feeds-lifts") == 1

        def child() -> str:
            before = [t.name for t in threading.enumerate()].count("feeds-lifts")
            scheduler.ensure_started()
            after = [t.name for t in threading.enumerate()].count("feeds-lifts")
            return f"{before} {after}"

        assert _in_child(child) == "0 1"
    finally:
        scheduler.stop()
