"""Files, folders and stdin into the store: all or nothing per file, streamed, with counts.

Records are read one at a time (`articles.formats.read_records`), checked, and kept in a spool
(memory, then a temporary file, so a JSON Lines file of any size keeps memory flat), and
written in batches inside one transaction per input file. By default a file is read to its
end before its transaction opens, so the store's write lock is held only while a file is
written, not while it is parsed, and an API write made during an import waits at most for
that. A large JSON Lines file (parsed by workers, below) may instead be written while it is
still parsed (`import_sources(..., write_start=0.6)`): it is read by a thread of its own and
its transaction opens once the records read reach that fraction of it, the writer following
the parsing. By default a file with any bad record writes nothing: no transaction is opened,
or the one opened is rolled back as soon as the bad record is read, and reading goes on to
report every other bad record of that file. With `skip_invalid` the good records are written
and every bad one is still reported. Either way the counts, errors (in input order) and rows
are exactly those of reading the whole file first.

Every write goes through `articles.service.ArticleService` (one `bulk()` write per input,
announced to its change listeners once committed). New articles get their guid from the
service's `GuidMinter` unless the record carries one; the store keeps the stored guid of
articles it already has. An id repeated within the input is not
reported: each record is applied in order, and a later one replaces an earlier one only when
its `updated` is newer (the store's rule), so the counts add up to the number of good records.

Large JSON Lines files are parsed by a pool of worker processes (fork): workers decode,
validate, sanitise, check against the clock and turn records into store rows in chunks of
lines; the good rows come back pickled and go into the spool as they are (this process only
reads lines and keeps bytes). Results come back in input order, so the records, errors and
counts are exactly those of parsing in this process. Small inputs and the other formats are
parsed here. The workers end when the importer does, even when it is killed
(`end_with_parent`). The pool is `articles.import_pool`, the spool `articles.import_spool`,
a record turned into rows `articles.import_prepare`, the reading of an input
`articles.import_reading`.

What an import says is not here: the `ImportReport` it returns (counts, error and note lines,
the closing summary) and its `ImportProgress` are `articles.import_report`, an interruption
(`ImportInterrupted` and its one line) `articles.import_interrupt`; this module fills them in
and re-exports those classes.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from articles.errors import ArticleError, GuidConflict, InvalidValue, UnreadableInput
from articles.formats import FORMAT_NAMES
from articles.import_interrupt import ImportInterrupted
from articles.import_pool import (
    LINES_PER_TASK,
    TASKS_IN_FLIGHT_PER_WORKER,
    Chunk,
    end_with_parent,
    in_workers,
    start_pool,
    stop_pool,
    worker_count,
)
from articles.import_prepare import Item, Preparer, in_process
from articles.import_reading import InputFailed, Reading
from articles.import_report import STDIN, ImportProgress, ImportReport, ProgressTally
from articles.import_spool import SPOOL_MEMORY_RECORDS, Spool
from articles.service import (
    OLDER_THAN_STORED,
    ArticleService,
    BulkWrite,
    GuidMinter,
    prepared_time_problem,
)
from articles.store import PreparedArticle, Store

# Re-exported: part of the importer's interface (the pool's and the spool's tuning knobs are
# set on their own modules, articles.import_pool and articles.import_spool; the report and the
# interruption are defined in articles.import_report and articles.import_interrupt).
__all__ = [
    "LINES_PER_TASK",
    "SPOOL_MEMORY_RECORDS",
    "TASKS_IN_FLIGHT_PER_WORKER",
    "ImportInterrupted",
    "ImportProgress",
    "ImportReport",
    "end_with_parent",
    "expand_sources",
    "import_sources",
]
JSON_LINES = (".jsonl", ".ndjson")
# JSON Lines files at least this large are parsed in worker processes: below it (a couple of
# thousand typical records) starting the workers costs more than it saves.
PARALLEL_MIN_BYTES = 8_000_000


def expand_sources(sources: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The inputs to read: files as given, folders as their record files (sorted), `-` as is.

    A folder is searched recursively for the formats `articles.formats` reads; hidden files and
    folders are skipped. Each file is its own all-or-nothing unit. Raises UnreadableInput,
    before anything is read, for a folder that holds no such file.
    """
    result: list[str] = []
    for source in sources:
        text = os.fspath(source)
        path = Path(text)
        if text != STDIN and path.is_dir():
            found = [
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in FORMAT_NAMES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            if not found:
                # An empty folder, or one of other files only, imported nothing and said
                # "imported 0 files", exit 0: most likely the wrong folder.
                raise UnreadableInput(
                    f"{text}: no record files in this folder or below it (looked for "
                    f"{', '.join(sorted(FORMAT_NAMES))}; hidden files and folders are skipped); "
                    "nothing was imported"
                )
            result.extend(found)
        else:
            result.append(text)
    return result


def import_sources(
    target: ArticleService | Store,
    sources: Sequence[str | os.PathLike[str]],
    *,
    zone: ZoneInfo | None = None,
    default_language: str | None = None,
    tag_authority: str | None = None,
    skip_invalid: bool = False,
    batch_size: int = 1000,
    on_progress: Callable[[ImportProgress], None] | None = None,
    stdin: TextIO | None = None,
    workers: int | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
    write_start: float | None = None,
) -> ImportReport:
    """Read every source into the store, one transaction per input; see the module docstring.

    `target` is the ArticleService every write goes through (each committed input is
    announced to its listeners). A bare Store is accepted too and gets a service of its own
    (then `tag_authority` is required); `zone`, `default_language` and `tag_authority` given
    here override the service's. `workers` is the number of parsing processes for large JSON
    Lines files (default: one per CPU; 0 or 1 parses everything in this process); files
    smaller than `parallel_min_bytes` are parsed here anyway. A file parsed by workers may be
    written while its rest is still parsed: its write transaction opens once the records read
    reach `write_start` of its size (default `WRITE_START_FRACTION`, 1.0: the whole file is
    read first; 0.0 opens it at once). Raises InvalidValue (a ValueError) when
    `tag_authority` cannot mint guids (before anything is read) or `write_start` is not
    between 0 and 1.
    """
    write_start = WRITE_START_FRACTION if write_start is None else write_start
    if not 0.0 <= write_start <= 1.0:
        raise InvalidValue("write_start", f"must be between 0 and 1, got {write_start}")
    service = _service_for(target, tag_authority, zone, default_language)
    zone = zone or service.zone
    default_language = default_language or service.default_language
    minter = service.minter if tag_authority is None else GuidMinter(tag_authority)
    if batch_size < 1:
        raise InvalidValue("batch_size", f"must be at least 1, got {batch_size}")
    inputs = expand_sources(sources)
    sizes = [_size(source) for source in inputs]
    report = ImportReport(files=len(inputs), skip_invalid=skip_invalid)
    state = ProgressTally(on_progress, len(inputs), sum(sizes))
    preparer = Preparer(
        zone,
        default_language,
        minter,
        service.store.backend,
        service.checks,
        functools.partial(prepared_time_problem, service),
    )
    parallel = {
        source
        for source, size in zip(inputs, sizes, strict=True)
        if size >= parallel_min_bytes and Path(source).suffix.lower() in JSON_LINES
    }
    count = worker_count(workers) if parallel else 0
    # The pool starts before any transaction is open, so no worker inherits a connection in use.
    pool = None
    current: str | None = None  # the input in progress (None: between inputs)
    done = 0  # inputs finished
    written = 0  # report.written before the input in progress
    lines = 0, 0  # the report's notes and errors before the input in progress
    try:
        try:
            pool = start_pool(preparer, count) if count > 1 else None
            for number, (source, size) in enumerate(zip(inputs, sizes, strict=True)):
                current, written = source, report.written
                lines = len(report.notes), len(report.errors)
                now = service.clock()  # the clock check's time: the write's own is a little later
                chunks: Iterable[Chunk | Item]
                write_from = None  # bytes read before the write transaction may open (None: all)
                if pool is not None and source in parallel:
                    chunks = in_workers(pool, source, count, now)
                    write_from = None if write_start >= 1.0 else int(size * write_start)
                else:
                    chunks = in_process(preparer, source, now, zone, default_language, stdin)
                _import_one(
                    service, source, chunks, report, skip_invalid, batch_size, state, write_from
                )
                current, done = None, number + 1
                lines = len(report.notes), len(report.errors)
                state.finish_file(source, size, done)
        finally:
            if pool is not None:
                stop_pool(pool, failed=sys.exc_info()[1] is not None)
    except KeyboardInterrupt as exc:
        if isinstance(exc, ImportInterrupted):
            raise
        notes, errors = lines
        raise ImportInterrupted(
            report,
            current,
            done,
            current is not None and report.written > written,
            [*report.notes[:notes], *report.errors[:errors]],
        ) from None
    return report


def _service_for(
    target: ArticleService | Store,
    tag_authority: str | None,
    zone: ZoneInfo | None,
    default_language: str | None,
) -> ArticleService:
    if isinstance(target, ArticleService):
        return target
    if tag_authority is None:
        raise InvalidValue("tag_authority", "required when importing into a bare Store")
    return ArticleService(
        target,
        tag_authority=tag_authority,
        zone=zone,
        default_language=default_language or "ko",
    )


def _size(source: str) -> int:
    if source == STDIN:
        return 0
    try:
        return os.stat(source).st_size
    except OSError:
        return 0  # reported when the parser tries to read it


def _import_one(
    service: ArticleService,
    source: str,
    chunks: Iterable[Chunk | Item],
    report: ImportReport,
    skip_invalid: bool,
    batch_size: int,
    progress: ProgressTally,
    write_from: int | None = None,
) -> None:
    """One input in one transaction; adds its counts to `report` only if it is committed.

    The input is read, parsed and checked (`chunks`: records parsed here, one `Item` at a
    time, or by workers, a `Chunk` at a time), its good records kept in a `Spool`
    (articles.import_spool), and written in batches inside one write transaction. Writers are
    serialised (the store's write lock), so the lock is never taken while most of a file is
    still to be parsed: with `write_from` None the transaction opens once the input is read to
    its end; with `write_from` (bytes, for a large file parsed by workers) the input is read
    by a thread of its own and the transaction opens once the records read reach that offset,
    so the writing overlaps the rest of the parsing (`WRITE_START_FRACTION`). Either way the
    outcome is the same: a bad record (without `skip_invalid`) or an input that cannot be read
    to its end rolls back whatever was written, or opens no transaction at all; every bad
    record of the input is reported, in input order, and the counts, notes and errors are
    exactly those of reading first and writing after.
    """
    notes: list[str] = []  # skipped records of this input, kept if it is committed
    late: list[str] = []  # records refused while writing (taken guids), after the reading's
    overruling: list[str] = []  # skipped records whose status was not applied, if committed
    writers: list[BulkWrite] = []  # the input's write, once begun

    counted = False
    try:
        with Spool(batch_size) as spool:
            reading = Reading(source, chunks, spool, report, skip_invalid, batch_size, progress)
            thread: threading.Thread | None = None
            if write_from is None:
                reading.run()
            else:
                thread = threading.Thread(target=reading.run, name="import-reading", daemon=True)
                thread.start()
            written = None
            try:
                if reading.wait_until(write_from):
                    written = _write_spool(
                        service,
                        source,
                        spool,
                        reading,
                        skip_invalid,
                        notes,
                        late,
                        overruling,
                        writers,
                    )
            except BaseException:
                reading.stop()
                raise
            finally:
                if thread is not None:
                    spool.stop_following()
                    thread.join(1 if reading.stopped else None)
            reading.raise_crash()
            reading.conclude(late)
            if written is None or reading.spoiled:
                reading.refuse()
                return  # nothing of this input is written; every bad record is reported
            writer, error = written
            if error is not None:
                reading.failed(error)
                return
        if not writer.rolled_back:
            counted = True
            _count_written(report, writer, notes, overruling)
    except BaseException:
        if not counted and writers and writers[0].committed:
            # Interrupted (KeyboardInterrupt) after the commit returned: the input is in the
            # store, so it counts.
            _count_written(report, writers[0], notes, overruling)
        raise


def _count_written(
    report: ImportReport, writer: BulkWrite, notes: list[str], overruling: list[str]
) -> None:
    """Add a committed input's counts, notes and overruled records to `report`."""
    report.written += 1
    report.new += writer.result.new
    report.updated += writer.result.updated
    report.unchanged += writer.result.unchanged
    report.skipped += writer.result.skipped
    report.notes.extend(notes)
    report.overruled += len(overruling)
    report.errors.extend(overruling)
    report.affected |= writer.result.affected


# How much of a large file (parsed by workers) is read before its write transaction opens, by
# default: all of it (1.0), so the write lock is held only while the file is written. Below 1.0
# the writing of the first records overlaps the parsing of the rest: the writer (about 40% of
# the parsing's CPU a record) has a whole core (the workers run nicer,
# `articles.import_pool.WORKER_NICENESS`) and the workers share the other. Measured at 100k
# records on SQLite (docs/storage.md): at 0.6 the wall time per CPU-second of the import was
# 0.57 against 0.67 reading first, but the lock was held 17% longer than the writing alone
# takes and the import's memory grew by about 25 MB, and on the import benchmark the rate was
# within the noise of reading first; so overlapping is an option (`write_start`), not the
# default.
WRITE_START_FRACTION = 1.0


def _write_spool(
    service: ArticleService,
    source: str,
    spool: Spool,
    reading: Reading,
    skip_invalid: bool,
    notes: list[str],
    late: list[str],
    overruling: list[str],
    writers: list[BulkWrite],
) -> tuple[BulkWrite, InputFailed | None] | None:
    """Write the spool's records in one transaction, following the reading while it lasts.

    Returns the finished write and the store's refusal of the input (then rolled back), or
    None when the reading spoiled the input meanwhile (rolled back too). Records refused for a
    taken guid are added to `late`; records skipped for being older to `notes`, or to
    `overruling` when their status differs from the stored version's (not applied).
    """
    # Ids of the records before the batch being written, made only when a guid conflict
    # needs them (to say "earlier in the input" rather than "stored"): a clean import of
    # any size holds no per-record state in memory.
    earlier: set[str] | None = None
    done = 0  # records of the spool before the batch being written
    error: InputFailed | None = None
    with service.bulk() as writer:
        writers.append(writer)

        def guid_lines(
            conflicts: dict[int, GuidConflict], batch: list[PreparedArticle], wheres: list[str]
        ) -> None:
            nonlocal earlier
            if earlier is None:
                earlier = spool.ids(done)
            for position, conflict in sorted(conflicts.items()):
                owner = conflict.other_id
                before = owner in earlier or any(x.id == owner for x in batch[:position])
                holder = (
                    f"is also the guid of article {owner!r} earlier in the input; an entry id "
                    "is one article's: leave `guid` out to have one minted, or give one no "
                    "other article has"
                    if before and conflict.held in ("stored", "input")
                    else conflict.holder
                )
                late.append(
                    f"{wheres[position]}: article {conflict.article_id!r}: guid: "
                    f"{conflict.guid!r} {holder}"
                )

        batches = spool.batches(follow=True)
        try:
            for whole, wheres in batches:
                if reading.spoiled:
                    break
                batch = whole
                if skip_invalid:
                    # A record whose guid is taken is bad like any other: skip it.
                    conflicts = writer.conflicts(batch)
                    guid_lines(conflicts, batch, wheres)
                    if conflicts:
                        batch = [x for i, x in enumerate(batch) if i not in conflicts]
                        wheres = [w for i, w in enumerate(wheres) if i not in conflicts]
                try:
                    result = writer.write(batch)
                except GuidConflict as exc:
                    # Without --skip-invalid a taken guid makes the file bad: name every
                    # such record of the batch, then write nothing from this file.
                    conflicts = writer.conflicts(batch)
                    guid_lines(conflicts, batch, wheres)
                    if not conflicts:  # not expected: the store saw one, so say what it said
                        late.append(f"{source}: {exc}")
                    writer.rollback()
                    break
                except ArticleError as exc:
                    error = InputFailed(f"{source}: {exc}")
                    writer.rollback()
                    break
                overruled = {p: (u, s) for p, u, s in result.overruled}
                for position, stored in zip(result.older, result.older_than, strict=True):
                    record = batch[position]
                    if position in overruled:
                        stored_updated, stored_status = overruled[position]
                        overruling.append(
                            f"{wheres[position]}: article {record.id!r}: status: "
                            f"{record.status!r} not applied: the stored version is newer "
                            f"(updated {stored_updated.isoformat()}, status {stored_status!r}) "
                            f"than this record (updated {record.updated.isoformat()}); send "
                            "it with an `updated` later than the stored one to apply it"
                        )
                        continue
                    notes.append(
                        f"{wheres[position]}: article {record.id!r}: skipped: "
                        f"{OLDER_THAN_STORED} (updated {record.updated.isoformat()} is "
                        f"earlier than the stored {stored.isoformat()}); send it with a later "
                        "`updated` to replace it"
                    )
                done += len(whole)
                if earlier is not None:
                    earlier.update(x.id for x in whole)
            else:
                # Every record is written: the reading has ended. Commit only a good input.
                if reading.spoiled:
                    writer.rollback()
        finally:
            spool.stop_following()
            batches.close()
        if reading.spoiled and not writer.rolled_back:
            writer.rollback()
    if error is None and reading.spoiled:
        return None
    return writer, error
