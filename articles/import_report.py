"""What an import tells its caller: its totals, its closing line and its progress.

- `ImportReport`: the totals of one import (`files`, `new`, `updated`, `unchanged`,
  `rejected`, `failed`, `skipped`, `overruled`, `written`, `refused`, `held_back`), the lines
  it reports (`errors`: one per rejected record or unusable input, in input order; `notes`:
  one per record skipped for being older than the stored version), the feeds its committed
  inputs changed (`affected`), whether it is `ok`, and `summary()`, the one closing line
  `flask articles import` prints (`imported 3 files: 120 new, 4 updated, 0 unchanged, 2
  rejected`).
- `ImportProgress`: where an import stands (records read, files and bytes done of the
  totals), passed to `on_progress`; `ProgressTally` keeps those counts as the importer reads
  and calls `on_progress` every batch and after each input.
- `STDIN` (`-`), the source that is standard input, and `input_name`, how the import's lines
  name an input (`stdin` for `-`).

`articles.importer` fills these in (and re-exports `ImportReport` and `ImportProgress`, its
interface); an interruption's line is `articles.import_interrupt`. Nothing here reads or
writes the store or raises an error of its own: the counts are the importer's, the wording is
this module's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from articles.store import Facet

STDIN = "-"


def input_name(source: str) -> str:
    """How the import's lines name an input: `stdin` for `-` (STDIN), any other as given."""
    return "stdin" if source == STDIN else source


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where an import stands, passed to `on_progress` after each batch and each input."""

    source: str
    records: int  # records read so far, good and bad, over all inputs
    files_done: int
    files_total: int
    bytes_done: int  # bytes read so far: finished inputs and the one in progress (stdin: 0)
    bytes_total: int


@dataclass
class ImportReport:
    """Totals of one import; `errors` holds one line per rejected record or unreadable input."""

    files: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    failed: int = 0  # inputs that could not be imported at all (unreadable, refused)
    skipped: int = 0  # records older than the stored version: nothing written, each noted
    # Of those, records whose status (a takedown, a republication) was not applied: an error
    # line each, and the import is not ok.
    overruled: int = 0
    errors: list[str] = field(default_factory=list)
    # One line per skipped record (not an error: the stored version is newer).
    notes: list[str] = field(default_factory=list)
    # Feeds whose content changed (for WebSub pings), from the inputs that were committed.
    affected: set[Facet] = field(default_factory=set)
    written: int = 0  # inputs whose transaction committed (their counts are the ones above)
    # Inputs not written because they have a bad record (all or nothing, without
    # skip_invalid), and the good records of those inputs, held back with them.
    refused: int = 0
    held_back: int = 0
    skip_invalid: bool = False  # the good records of inputs with bad ones were written

    @property
    def ok(self) -> bool:
        return not self.errors and not self.overruled

    def summary(self) -> str:
        """One line, e.g. `imported 3 files: 120 new, 4 updated, 0 unchanged, 2 rejected`.

        Records older than the stored version are added when there are any (`..., 0
        unchanged, 3 skipped, 2 rejected`). Inputs that could not be imported at all
        (unreadable, refused by the store) are not counted as imported but named apart:
        `imported 2 of 3 files, 1 failed: ...`, `imported 0 of 1 file, 1 failed: ...`. So are
        inputs not written because of their bad records, saying that their good records were
        not written either and which option writes them: `imported 1 of 2 files, 1 refused:
        ..., 1 rejected; nothing of the refused file was written (each file is all or
        nothing): its 2 good records were held back; --skip-invalid writes them`. With
        skip_invalid, rejected records say the good ones were written: `1 rejected (not
        written; the good records beside them were)`, or that there was none.
        """
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        if self.overruled:
            changes = "status change" if self.overruled == 1 else "status changes"
            skipped += f" ({self.overruled} {changes} not applied)"
        noun = "file" if self.files == 1 else "files"
        apart = [
            f"{count} {what}"
            for count, what in ((self.failed, "failed"), (self.refused, "refused"))
            if count
        ]
        if apart:
            done = self.files - self.failed - self.refused
            head = f"imported {done} of {self.files} {noun}, {', '.join(apart)}"
        else:
            head = f"imported {self.files} {noun}"
        tail = ""
        if self.refused:
            files = "file" if self.refused == 1 else f"{self.refused} files"
            tail = f"; nothing of the refused {files} was written (each file is all or nothing)"
            if self.held_back:
                records = "record was" if self.held_back == 1 else "records were"
                whose = "its" if self.refused == 1 else "their"
                tail += (
                    f": {whose} {self.held_back} good {records} held back; "
                    "--skip-invalid writes them"
                )
        elif self.skip_invalid and self.rejected:
            beside = self.new + self.updated + self.unchanged + self.skipped
            tail = (
                " (not written; the good records beside them were)"
                if beside
                else " (not written; there was no good record beside them)"
            )
        return (
            f"{head}: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged{skipped}, {self.rejected} rejected{tail}"
        )


class ProgressTally:
    """The import's running counts, handed to `on_progress` as an `ImportProgress`.

    `record(source, every, offset)` counts one record read (good or bad) of the input in
    progress, `offset` the bytes of it its reader has reached, and calls the callback every
    `every` records; `finish_file(source, size, done)` adds a finished input's size and calls
    it once more. Without a callback it only counts. Raises nothing of its own: whatever the
    callback raises goes to the importer.
    """

    def __init__(
        self, callback: Callable[[ImportProgress], None] | None, files: int, total: int
    ) -> None:
        self.callback = callback
        self.files_total = files
        self.bytes_total = total
        self.bytes_done = 0
        self.files_done = 0
        self.records = 0
        self.offset = 0  # bytes read of the input in progress, where its reader says

    def record(self, source: str, every: int, offset: int = 0) -> None:
        self.records += 1
        self.offset = offset
        if self.callback and self.records % every == 0:
            self._emit(source)

    def finish_file(self, source: str, size: int, done: int) -> None:
        self.bytes_done += size
        self.offset = 0
        self.files_done = done
        if self.callback:
            self._emit(source)

    def _emit(self, source: str) -> None:
        assert self.callback is not None
        self.callback(
            ImportProgress(
                source,
                self.records,
                self.files_done,
                self.files_total,
                self.bytes_done + self.offset,
                self.bytes_total,
            )
        )
