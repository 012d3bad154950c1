"""The importer's parse workers: a pool of forked processes that turn chunks of JSON Lines into
store rows, results taken back in input order with few chunks in flight.

`articles.importer` hands out the raw lines of a large JSON Lines file `LINES_PER_TASK` at a
time (`in_workers`); each worker runs the importer's own preparer on them (`ChunkPreparer`,
inherited through fork, set once per worker) and sends back a `Chunk`: the records' verdicts
and the good records' rows pickled once. At most `TASKS_IN_FLIGHT_PER_WORKER` tasks per worker
are queued ahead of the reader, which bounds memory whatever the file size. Workers end when
the importer does, even when it is killed (`end_with_parent`).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from itertools import islice
from typing import Final, Protocol

from articles.formats import RawLine, raw_json_lines

# Lines per task sent to a worker: large enough that the pipe and pickling overhead is small
# per record, small enough that the chunks in flight hold only a few megabytes.
LINES_PER_TASK = 256
# Tasks queued per worker ahead of the writer, which bounds memory whatever the file size;
# enough that the workers keep busy while the writer stores a batch.
TASKS_IN_FLIGHT_PER_WORKER = 4

# Workers run this much nicer than the importer: when the writer follows the parsing, it gets a
# whole core and the workers share what is left, so the write lock is held no longer than the
# writing takes (see `articles.importer.WRITE_START_FRACTION`).
WORKER_NICENESS = 5

# Where a record was read, how far into its input, and why it was refused (None: it is good).
Verdict = tuple[str, int, str | None]
# The verdicts of a chunk of records, and its good records' PreparedArticles as plain tuples
# pickled together: the writing process keeps these bytes in its spool as they come and
# unpickles them only to write them, so a record is pickled once on its way from the worker to
# the store (named tuples pickle several times slower than plain ones).
Chunk = tuple[list[Verdict], bytes]


class ChunkPreparer(Protocol):
    """What a worker runs on each chunk of lines (`articles.import_prepare.Preparer`)."""

    def chunk(self, lines: list[RawLine], now: datetime) -> Chunk: ...


def worker_count(requested: int | None) -> int:
    """Parse workers to start: `requested`, or one per CPU when None; 0 without fork."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0  # workers rely on fork to inherit the parser set-up cheaply
    return (os.cpu_count() or 1) if requested is None else requested


# The worker process's own preparer, set once when the pool starts it (fork start method).
_worker_preparer: ChunkPreparer | None = None


def _init_worker(preparer: ChunkPreparer, parent: int) -> None:
    global _worker_preparer  # noqa: PLW0603 - per worker process, set once by the pool
    _worker_preparer = preparer
    # Ctrl-C reaches the terminal's whole process group: the importer decides what it means
    # (it rolls back and says so), and its workers end with it. Left to Python's default, each
    # worker would print a KeyboardInterrupt traceback. SIGTERM ends a worker quietly, as the
    # executor ends the workers of a broken pool, whatever handler the importer forked it with
    # (`flask articles import` turns SIGTERM into a KeyboardInterrupt of its own).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)  # held since the fork (start_pool)
    end_with_parent(parent)
    os.nice(WORKER_NICENESS)


# Signals held back in the importer while it forks the workers, so none reaches a worker
# before `_init_worker` has set how it takes them (a KeyboardInterrupt in a worker's start-up
# prints a traceback); the importer gets any that came meanwhile once the workers are started.
HELD_SIGNALS: Final = frozenset({signal.SIGINT, signal.SIGTERM})


# Linux prctl(2) option: the signal a process gets when the thread that created it exits.
PR_SET_PDEATHSIG: Final = 1
# How often a worker checks that the importer is still its parent (where prctl is missing).
PARENT_CHECK_SECONDS: Final = 1.0


def end_with_parent(parent: int) -> None:
    """Make this (worker) process end when `parent` does, even when it is killed (SIGKILL, OOM).

    Linux: prctl(PR_SET_PDEATHSIG, SIGKILL) has the kernel kill it at once. Everywhere, a
    daemon thread also checks every PARENT_CHECK_SECONDS that `parent` is still the parent
    (an orphan is adopted by another process) and ends the process if not; and it ends now if
    the parent is already gone.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the watchdog below still ends the process
    if os.getppid() != parent:
        os._exit(1)  # the parent died before prctl took effect
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _prepare_in_worker(lines: list[RawLine], now: datetime) -> Chunk:
    assert _worker_preparer is not None, "the pool initialiser sets the preparer"
    return _worker_preparer.chunk(lines, now)


def start_pool(preparer: ChunkPreparer, count: int) -> ProcessPoolExecutor:
    """`count` forked workers, each running `preparer` (start it before any transaction is
    open, so no worker inherits a connection in use)."""
    # An executor, not multiprocessing.Pool: a worker that dies (killed for memory, say)
    # fails the import with BrokenProcessPool instead of leaving it waiting forever.
    pool = ProcessPoolExecutor(
        count,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker,
        initargs=(preparer, os.getpid()),
    )
    # With fork the executor forks every worker at its first task, from the thread that
    # submits it. Do it here: the importer submits the parsing from a reading thread that ends
    # with each file, and a worker is killed when the thread that forked it ends
    # (PR_SET_PDEATHSIG, `end_with_parent`). Interrupting signals are held meanwhile
    # (HELD_SIGNALS): the workers inherit the mask and release it once set up.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        pool.submit(os.getpid).result()
    finally:
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a held signal is taken here
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    return pool


def stop_pool(pool: ProcessPoolExecutor, *, failed: bool) -> None:
    """Shut the pool down, its queued chunks cancelled; `failed`: the import is ending by an
    exception (an interrupt, a worker's death), when the workers may be gone.

    A worker that dies while the pool's feeder thread is writing a chunk to the call queue
    left that thread blocked on a full pipe, and the shutdown joining it hung for good:
    CPython's gh-94777, fixed in later 3.11 releases by the pool closing its own copy of the
    queue's reading end, but not in the 3.11.2 Debian 12 ships. An interrupt is that case:
    Ctrl-C and a service manager's SIGTERM reach the workers too. The importer never reads
    the call queue (its workers hold their own copies, forked at the start), so on `failed`
    its copy is closed here first: the blocked write then fails instead, and the pool ends.
    """
    if failed:
        call_queue = getattr(pool, "_call_queue", None)
        reader = getattr(call_queue, "_reader", None)
        if reader is not None:
            reader.close()
    pool.shutdown(cancel_futures=True)


def in_workers(
    pool: ProcessPoolExecutor, source: str, count: int, now: datetime
) -> Iterator[Chunk]:
    """The file's records parsed by the pool, in file order, with few chunks in flight."""
    lines = raw_json_lines(source)
    pending: deque[Future[Chunk]] = deque()
    while chunk := list(islice(lines, LINES_PER_TASK)):
        pending.append(pool.submit(_prepare_in_worker, chunk, now))
        if len(pending) >= count * TASKS_IN_FLIGHT_PER_WORKER:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
