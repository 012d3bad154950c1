"""The importer's spool: the good records of one input, kept between reading and writing it.

`articles.importer` reads and checks a whole input before it opens the write transaction (so
the store's write lock is never held while a file is parsed); the records wait here meanwhile.
The first `SPOOL_MEMORY_RECORDS` stay in memory, the rest go pickled to an unnamed temporary
file, so a file of any size keeps memory flat.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from articles.store import PreparedArticle

# Good records of one input kept in memory between reading and writing it; more go to a
# temporary file (see `Spool`).
SPOOL_MEMORY_RECORDS = 2_000


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
    """

    def __init__(self, batch_size: int, memory_records: int | None = None) -> None:
        self.batch_size = batch_size
        self.memory_records = SPOOL_MEMORY_RECORDS if memory_records is None else memory_records
        self._rows: list[tuple[Any, ...]] = []  # records added one by one, not yet pickled
        self._wheres: list[str] = []
        self._kept: list[tuple[bytes, list[str]]] = []
        self._kept_records = 0
        self._file: IO[bytes] | None = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def add(self, rows: bytes | list[PreparedArticle], wheres: list[str]) -> None:
        """Keep records: a worker's pickled chunk (`articles.import_pool.Chunk`), or
        PreparedArticles; `wheres` says where each was read."""
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
            self._kept.append((data, wheres))
            self._kept_records += len(wheres)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="feeds-import-")  # noqa: SIM115 - closed by __exit__
        pickle.dump((data, wheres), self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def _chunks(self) -> Iterator[tuple[bytes, list[str]]]:
        """The kept chunks in order. The file is read from its start each time; its position
        is put back whenever this yields, so another reading may be in progress."""
        yield from self._kept
        if self._file is None:
            return
        handle, position = self._file, 0
        while True:
            handle.seek(position)
            try:
                chunk = pickle.load(handle)  # noqa: S301 - our own file, written above
            except EOFError:
                return
            position = handle.tell()
            yield chunk

    def batches(self) -> Iterator[tuple[list[PreparedArticle], list[str]]]:
        self._flush()
        batch: list[PreparedArticle] = []
        wheres: list[str] = []
        size = self.batch_size
        for data, chunk_wheres in self._chunks():
            batch.extend(map(PreparedArticle._make, pickle.loads(data)))  # noqa: S301 - ours
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
