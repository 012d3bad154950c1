"""The reading of one input of an import: every record parsed and checked, the good ones kept
in the spool (`articles.import_spool`), the bad ones reported in input order.

`Reading` runs in the importing thread, or in a thread of its own when a large file is written
while it is still parsed (`articles.importer.WRITE_START_FRACTION`); the writer waits on it and
asks whether the input may still be written. `guarded` turns a failure to read an input
(unreadable, not UTF-8, refused as a whole) into `InputFailed`, one reportable line.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

from articles.errors import ArticleError
from articles.import_pool import Chunk, Verdict
from articles.import_prepare import Item
from articles.import_report import ImportReport, ProgressTally, input_name
from articles.import_spool import Spool
from articles.store import PreparedArticle

T = TypeVar("T")


class Reading:
    """The reading of one input: parse and check every record, keep the good ones in `spool`.

    Runs in the importing thread or in a thread of its own (`run`); the writer waits on it
    (`wait_until`) and asks whether the input is still good (`spoiled`). Bad records go to
    `report` as they are met, in input order.
    """

    def __init__(
        self,
        source: str,
        chunks: Iterable[Chunk | Item],
        spool: Spool,
        report: ImportReport,
        skip_invalid: bool,
        batch_size: int,
        progress: ProgressTally,
    ) -> None:
        self.source = source
        self.chunks = chunks
        self.spool = spool
        self.report = report
        self.skip_invalid = skip_invalid
        self.batch_size = batch_size
        self.progress = progress
        self.records = 0  # of this input
        self.rejected = 0  # of this input
        self.failure: InputFailed | None = None  # the input cannot be read to its end
        self.crash: BaseException | None = None  # anything else raised while reading
        self.offset = 0  # bytes of the input the records read so far reach
        self.done = False
        self.stopped = False
        self._changed = threading.Condition()

    def run(self) -> None:
        """Read the input to its end (or until `stop`), then finish the spool."""
        try:
            for chunk in guarded(self.source, self.chunks):
                if self.stopped:
                    break
                self._take(chunk)
        except InputFailed as exc:
            self.failure = exc
        except BaseException as exc:  # noqa: BLE001 - raised again in the importing thread
            self.crash = exc
        finally:
            self.spool.finish()
            with self._changed:
                self.done = True
                self._changed.notify_all()

    def _take(self, chunk: Chunk | Item) -> None:
        if isinstance(chunk, Item):
            verdicts: list[Verdict] = [(chunk.where, chunk.offset, chunk.error)]
            rows: bytes | list[PreparedArticle] = [] if chunk.prepared is None else [chunk.prepared]
        else:
            verdicts, rows = chunk
        wheres = []
        offset = self.offset
        for where, offset, error in verdicts:
            self.records += 1
            self.progress.record(self.source, self.batch_size, offset)
            if error is not None:
                self.reject(error)
            else:
                wheres.append(where)
        if self.skip_invalid or not self.rejected:
            self.spool.add(rows, wheres)
        with self._changed:
            self.offset = offset
            self._changed.notify_all()

    def reject(self, line: str) -> None:
        with self._changed:
            self.rejected += 1
            self.report.rejected += 1
            self.report.errors.append(line)
            self._changed.notify_all()

    @property
    def spoiled(self) -> bool:
        """Nothing of this input may be written: it has a bad record (without `skip_invalid`)
        or cannot be read to its end."""
        return self.failure is not None or (self.rejected > 0 and not self.skip_invalid)

    def wait_until(self, offset: int | None) -> bool:
        """Wait until the records read reach `offset` bytes (None: the end of the input);
        True if the input may be written (so far), False if it is read and spoiled, or
        ended with nothing to write."""
        with self._changed:
            while not self.done and not self.spoiled and (offset is None or self.offset < offset):
                self._changed.wait()
        return not self.spoiled and self.crash is None

    def stop(self) -> None:
        """Stop reading at the next chunk (the import is being abandoned)."""
        self.stopped = True

    def raise_crash(self) -> None:
        if self.crash is not None:
            raise self.crash

    def failed(self, exc: InputFailed) -> None:
        """The whole input is unusable (unreadable, or refused by the store): nothing written,
        and its records that were read count as rejected with it."""
        good = self.records - self.rejected
        self.report.rejected += good
        self.report.failed += 1
        rolled_back = f" (nothing written from it: {good} good records rolled back)"
        self.report.errors.append(str(exc) + (rolled_back if good else ""))

    def refuse(self) -> None:
        """Count the input as refused for its bad records, its good ones held back (when
        it was read to its end and a bad record, without `skip_invalid`, spoiled it)."""
        if self.failure is None and self.rejected and not self.skip_invalid:
            self.report.refused += 1
            self.report.held_back += self.records - self.rejected

    def conclude(self, late: list[str]) -> None:
        """Once read to its end: report a failure to read it, or else the records the writing
        refused (`late`, unless a bad record spoiled the input, so that nothing of it could
        have been written)."""
        if self.failure is not None:
            self.failed(self.failure)
        elif not self.spoiled:
            for line in late:
                self.reject(line)


class InputFailed(Exception):
    """An input that cannot be imported at all; the message is the line to report."""


def guarded(source: str, items: Iterable[T]) -> Iterator[T]:
    """The records, with a failure to read the input turned into one reportable line."""
    name = input_name(source)
    try:
        yield from items
    except ArticleError as exc:
        message = str(exc)
        raise InputFailed(message if message.startswith(name) else f"{name}: {message}") from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputFailed(f"{name}: cannot read: {reason}") from exc
    except UnicodeDecodeError as exc:
        raise InputFailed(f"{name}: not UTF-8 text (byte {exc.start})") from exc
