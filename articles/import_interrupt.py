"""An interrupted import: `ImportInterrupted`, and the one line that says what it left.

`articles.importer.import_sources` raises `ImportInterrupted` (a KeyboardInterrupt, so code
that catches only that still stops) when a KeyboardInterrupt reaches it: Ctrl-C, or a signal
its caller turns into one (`flask articles import` does so with SIGTERM). It carries

- `report`: the `ImportReport` (articles.import_report) of the inputs committed before the
  interruption, their counts alone (`report.written` of them), and `report.files`, all the
  inputs there were;
- `source`: the input in progress (None: it stopped between inputs), `done`: the inputs
  finished before it, `source_written`: whether that input's commit had returned (it is in
  the store, and counted in `report`);
- `lines`: the notes and errors of the inputs finished before it.

`describe(cause)` is the line the command prints, e.g. `import interrupted (SIGINT) in
big.jsonl (file 1 of 1): nothing written; its transaction was rolled back (each file is all or
nothing)`. `articles.importer` re-exports the class, its interface.
"""

from __future__ import annotations

from articles.import_report import ImportReport, input_name


class ImportInterrupted(KeyboardInterrupt):
    """The import was interrupted (a KeyboardInterrupt: Ctrl-C, or a signal its caller turns
    into one, as `flask articles import` does with SIGTERM).

    Each input is one transaction, so what is in the store is exactly the inputs committed
    before the interruption (`report`, whose counts are theirs alone; `report.written` of
    them) and, when its commit had already returned, the input in progress (`source`;
    `source_written`). The input in progress is otherwise rolled back: none of its records is
    written. `lines` are the notes and errors of the inputs finished before it (those of the
    input in progress are left out: its reading was cut short).
    """

    def __init__(
        self,
        report: ImportReport,
        source: str | None,
        done: int,
        source_written: bool,
        lines: list[str],
    ) -> None:
        super().__init__()
        self.report = report
        self.source = source
        self.done = done  # inputs finished before the interruption (`source` not counted)
        self.source_written = source_written
        self.lines = lines

    def describe(self, cause: str = "") -> str:
        """One line: where the import stopped and what the store holds of it, e.g.
        `import interrupted (SIGINT) in big.jsonl (file 1 of 1): nothing written; its
        transaction was rolled back (each file is all or nothing)`."""
        report = self.report
        head = f"import interrupted{f' ({cause})' if cause else ''}"
        place = f"file {self.done + 1} of {report.files}"
        if self.source is None:
            where = (
                f" after {self.done} of {report.files} files" if self.done else " before any input"
            )
        elif self.source_written:
            where = f" after {input_name(self.source)} ({place}) was written"
        else:
            where = f" in {input_name(self.source)} ({place})"
        if not report.written:
            return f"{head}{where}: nothing written" + (
                "; its transaction was rolled back (each file is all or nothing)"
                if self.source is not None
                else ""
            )
        counts = f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged" + (
            f", {report.skipped} skipped" if report.skipped else ""
        )
        noun = "file" if report.written == 1 else "files"
        written = f"{report.written} {noun} written ({counts})"
        if self.source is None or self.source_written:
            return f"{head}{where}: {written}"
        return (
            f"{head}{where}: nothing of it written, its transaction was rolled back; "
            f"before it {written}"
        )
