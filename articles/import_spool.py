"""The importer's spool: the good records of one input, kept between reading and writing it.

`articles.importer` reads and checks an input before (or, for a large file parsed by workers,
while) it writes it; the records wait here meanwhile. The first `SPOOL_MEMORY_RECORDS` stay in
memory, the rest go pickled to an unnamed temporary file, so a file of any size keeps memory
flat. One thread may add records while another reads them back (`batches(follow=True)`).
"""

from __future__ import annotations

import os
import pickle
import queue
import tempfile
import threading
from collections.abc import Generator, Iterator
from typing import IO, Any, Final, TypeVar

from articles.store import PreparedArticle

# Good records of one input kept in memory between reading and writing it; more go to a
# temporary file (see `Spool`).
SPOOL_MEMORY_RECORDS = 2_000


T = TypeVar("T")
# How often a read-ahead thread whose reader went away checks that it should stop, seconds.
_STOP_CHECK_SECONDS: Final = 0.05


def read_ahead(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """`items`, produced by a thread of their own up to `depth` ahead of the reader.

    Order and values are those of `items`; an exception raised while producing them is raised
    here when its turn comes. When the reader stops early (break, an exception, close), the
    thread stops at its next item and is joined before this returns.
    """
    ready: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=_STOP_CHECK_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, raised there
            put((False, exc))
            return
        put((False, None))

    thread = threading.Thread(target=produce, name="spool-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            more, item = ready.get()
            if more:
                yield item
            elif item is None:
                return
            else:
                raise item
    finally:
        stop.set()
        thread.join()


def pickled(rows: list[tuple[Any, ...]]) -> bytes:
    """Rows (PreparedArticles as plain tuples) as the spool and the parse workers keep them."""
    return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


class Spool:
    """The good records of one input, in order, between reading it and writing it.

    Records come as pickled chunks from parse workers (kept as they are) or one by one as
    PreparedArticles (pickled here a batch at a time). The first `memory_records` stay in
    memory; past that, chunks go to an unnamed temporary file (gone when closed), so a file of
    any size keeps memory flat. `batches` yields them back, unpickled, in batches of
    `batch_size`, each with where its records came from.

    Thread-safe for one adding thread and readers in others: `batches(follow=True)` waits for
    records still to come until `finish()` (no more records) or `stop_following()` (the
    reader gives up) is called.
    """

    def __init__(self, batch_size: int, memory_records: int | None = None) -> None:
        self.batch_size = batch_size
        self.memory_records = SPOOL_MEMORY_RECORDS if memory_records is None else memory_records
        self._rows: list[tuple[Any, ...]] = []  # records added one by one, not yet pickled
        self._wheres: list[str] = []
        self._kept: list[tuple[bytes, list[str]]] = []
        self._kept_records = 0
        self._file: IO[bytes] | None = None
        self._file_size = 0
        self._stored: list[tuple[int, int]] = []  # (position, size) of each chunk in the file
        self._changed = threading.Condition()  # a chunk was kept, or the adding ended
        self._finished = False  # no more records will be added
        self._abandoned = False  # followers stop waiting for more

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def add(self, rows: bytes | list[PreparedArticle], wheres: list[str]) -> None:
        """Keep records: a worker's pickled chunk (`articles.import_pool.Chunk`), or
        PreparedArticles; `wheres` says where each was read."""
        if self._finished:
            raise RuntimeError("records added to a spool after finish()")
        if isinstance(rows, bytes):
            self._flush()  # the records added one by one before this chunk come first
            if wheres:
                self._put(rows, wheres)
            return
        self._rows.extend(tuple(x) for x in rows)
        self._wheres.extend(wheres)
        if len(self._rows) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            rows, wheres = self._rows, self._wheres
            self._rows, self._wheres = [], []
            self._put(pickled(rows), wheres)

    def _put(self, data: bytes, wheres: list[str]) -> None:
        if self._file is None and self._kept_records + len(wheres) <= self.memory_records:
            with self._changed:
                self._kept.append((data, wheres))
                self._kept_records += len(wheres)
                self._changed.notify_all()
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="feeds-import-")  # noqa: SIM115 - closed by __exit__
        blob = pickle.dumps((data, wheres), protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(blob)
        self._file.flush()  # readable by position (`os.pread`) before it is announced
        with self._changed:
            self._stored.append((self._file_size, len(blob)))
            self._file_size += len(blob)
            self._changed.notify_all()

    def finish(self) -> None:
        """No more records will be added: followers end after the last one kept."""
        self._flush()
        with self._changed:
            self._finished = True
            self._changed.notify_all()

    def stop_following(self) -> None:
        """Followers (`batches(follow=True)`) stop waiting for records not yet kept."""
        with self._changed:
            self._abandoned = True
            self._changed.notify_all()

    def _chunks(self, follow: bool = False) -> Iterator[tuple[bytes, list[str]]]:
        """The kept chunks in order; with `follow`, also those kept later, until `finish()`
        or `stop_following()`. The file's are read by position (`os.pread`), so several
        readings may be in progress at once, in different threads."""
        index = 0
        while True:
            with self._changed:
                while (
                    follow
                    and index >= len(self._kept) + len(self._stored)
                    and not (self._finished or self._abandoned)
                ):
                    self._changed.wait()
                if index < len(self._kept):
                    entry: tuple[bytes, list[str]] | None = self._kept[index]
                    place = None
                elif index - len(self._kept) < len(self._stored):
                    entry, place = None, self._stored[index - len(self._kept)]
                else:
                    return
                descriptor = None if self._file is None else self._file.fileno()
            index += 1
            if entry is not None:
                yield entry
            else:
                assert place is not None and descriptor is not None
                position, size = place
                yield pickle.loads(os.pread(descriptor, size, position))  # noqa: S301 - ours

    def _unpickled(self, follow: bool) -> Iterator[tuple[list[PreparedArticle], list[str]]]:
        for data, wheres in self._chunks(follow):
            yield list(map(PreparedArticle._make, pickle.loads(data))), wheres  # noqa: S301

    def batches(
        self, follow: bool = False
    ) -> Generator[tuple[list[PreparedArticle], list[str]], None, None]:
        """The records in order, in batches of `batch_size`, with where each was read.

        Without `follow` the spool is finished first (`finish()`) and the records kept so far
        are given; with it, records are given as they are kept, until another thread calls
        `finish()` (the rest, then the end) or `stop_following()` (the end, at once).

        A thread reads and unpickles the next chunk while the caller writes this batch
        (`read_ahead`): unpickling is a sixth to a tenth of the writing process's CPU time,
        and that thread runs while the database driver works without the GIL.
        """
        if not follow:
            self.finish()
        batch: list[PreparedArticle] = []
        wheres: list[str] = []
        size = self.batch_size
        for rows, chunk_wheres in read_ahead(self._unpickled(follow)):
            batch.extend(rows)
            wheres.extend(chunk_wheres)
            while len(batch) >= size:
                yield batch[:size], wheres[:size]
                batch, wheres = batch[size:], wheres[size:]
        if batch:
            yield batch, wheres

    def ids(self, count: int) -> set[str]:
        """The ids of the first `count` records kept (read back from the spool)."""
        found: set[str] = set()
        if count <= 0:
            return found
        seen = 0
        for data, _ in self._chunks():
            rows = pickle.loads(data)  # noqa: S301 - our own data
            found.update(row[0] for row in rows[: count - seen])
            seen += len(rows)
            if seen >= count:
                break
        return found
