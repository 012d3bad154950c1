"""Large JSON Lines files parsed by worker processes import exactly as when parsed in one.

The workers are forced on small files here (`parallel_min_bytes=0`, a few lines per task) so
the chunking, the ordering and the in-flight limit are all exercised.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import articles.import_pool as import_pool
import articles.import_prepare as import_prepare
import articles.import_spool as import_spool
import articles.importer as importer
from articles.importer import ImportProgress, ImportReport, import_sources
from articles.store import Store
from articles.store.documents import load_document
from articles.synthetic import write_jsonl
from feeds.config import SiteConfig

CONFIG = SiteConfig(tag_authority="news.example.org,2025")
RECORDS = 60
# Line numbers (1-based) of the bad lines put into the corpus, and what each one is.
BAD_LINES = {
    7: b"{not json\n",
    19: b'{"id": "broken-utf8", "title": "\xff\xfe"}\n',
    33: None,  # a record whose published date cannot be read
    48: b"[1, 2, 3]\n",
}


@pytest.fixture(autouse=True)
def small_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many small tasks, few in flight: ordering across chunks is what is under test."""
    monkeypatch.setattr(import_pool, "LINES_PER_TASK", 7)
    monkeypatch.setattr(import_pool, "TASKS_IN_FLIGHT_PER_WORKER", 2)


def corpus(tmp_path: Path, *, bad: bool) -> Path:
    """Synthetic records with a BOM, blank lines, records without a guid, and bad lines."""
    plain = tmp_path / "plain.jsonl"
    write_jsonl(plain, RECORDS, seed=3)
    lines = plain.read_bytes().splitlines(keepends=True)
    out: list[bytes] = []
    for number, line in enumerate(lines, start=1):
        record = json.loads(line)
        if number % 5 == 0:
            del record["guid"]  # minted by whoever parses it
        if bad and number in BAD_LINES:
            if BAD_LINES[number] is None:
                record["published"] = "2025-13-45"
                out.append(json.dumps(record, ensure_ascii=False).encode() + b"\n")
            else:
                out.append(BAD_LINES[number] or b"")
            continue
        out.append(json.dumps(record, ensure_ascii=False).encode() + b"\n")
        if number % 11 == 0:
            out.append(b"   \n")  # blank lines are skipped, but still counted as lines
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"".join(out))
    return path


def run(
    folder: Path, source: Path, *, workers: int, **options: Any
) -> tuple[ImportReport, dict[str, list[tuple[Any, ...]]], list[ImportProgress]]:
    """Import into a fresh SQLite store; the report, every stored row and the progress seen."""
    folder.mkdir()
    store = Store(f"sqlite:///{folder / 'feeds.db'}")
    store.migrate()
    progress: list[ImportProgress] = []
    try:
        report = import_sources(
            store,
            [str(source)],
            zone=CONFIG.zone,
            default_language="ko",
            tag_authority=CONFIG.tag_authority,
            workers=workers,
            parallel_min_bytes=0,
            batch_size=10,
            on_progress=progress.append,
            **options,
        )
        rows = stored_rows(store)
    finally:
        store.dispose()
    return report, rows, progress


# The articles columns by name (a migration may add a column after `doc`).
ARTICLE_COLUMNS = ("id", "guid", "status", "published", "updated", "episode", "doc")
COLUMNS = {"articles": ", ".join(ARTICLE_COLUMNS)}


def stored_rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import writes, in key order."""
    with store.engine.connect() as conn:
        return {
            table: [
                tuple(row)
                for row in conn.exec_driver_sql(
                    f"SELECT {COLUMNS.get(table, '*')} FROM {table} ORDER BY 1, 2"
                )
            ]
            for table in ("articles", "article_tags", "article_authors", "facet_counts")
        }


def test_workers_store_exactly_the_rows_one_process_stores(tmp_path: Path) -> None:
    source = corpus(tmp_path, bad=False)
    serial, serial_rows, serial_progress = run(tmp_path / "one", source, workers=0)
    parallel, parallel_rows, parallel_progress = run(tmp_path / "many", source, workers=2)

    assert serial.ok and serial.new == RECORDS
    assert len(serial_rows["articles"]) == RECORDS
    assert parallel_rows == serial_rows
    assert parallel.summary() == serial.summary()
    assert parallel.affected == serial.affected
    # Progress moves through the file the same way, ending at its size.
    assert [p.bytes_done for p in parallel_progress] == [p.bytes_done for p in serial_progress]
    assert parallel_progress[-1].bytes_done == source.stat().st_size


def test_workers_mint_the_same_guids_for_records_without_one(tmp_path: Path) -> None:
    source = corpus(tmp_path, bad=False)
    _, rows, _ = run(tmp_path / "many", source, workers=2)

    guids = {row[0]: row[1] for row in rows["articles"]}
    minted = [guid for guid in guids.values() if guid.startswith("tag:news.example.org,2025:")]
    assert len(minted) == RECORDS // 5
    # The guid inside the stored document is the one in the column.
    doc = ARTICLE_COLUMNS.index("doc")
    for row in rows["articles"]:
        assert load_document(row[doc])["guid"] == row[1]


def test_workers_report_the_same_errors_in_file_order_and_write_nothing(tmp_path: Path) -> None:
    source = corpus(tmp_path, bad=True)
    serial, serial_rows, _ = run(tmp_path / "one", source, workers=0)
    parallel, parallel_rows, _ = run(tmp_path / "many", source, workers=2)

    assert parallel.errors == serial.errors
    numbers = [int(error.split(": line ")[1].split(":")[0]) for error in parallel.errors]
    assert len(numbers) == len(BAD_LINES)
    assert numbers == sorted(numbers)
    assert "published: cannot read '2025-13-45' as a date" in "\n".join(parallel.errors)
    assert parallel.rejected == len(BAD_LINES)
    assert parallel_rows["articles"] == serial_rows["articles"] == []


def test_workers_with_skip_invalid_store_the_good_records_like_one_process(
    tmp_path: Path,
) -> None:
    source = corpus(tmp_path, bad=True)
    serial, serial_rows, _ = run(tmp_path / "one", source, workers=0, skip_invalid=True)
    parallel, parallel_rows, _ = run(tmp_path / "many", source, workers=2, skip_invalid=True)

    assert parallel.errors == serial.errors
    assert parallel.new == serial.new == RECORDS - len(BAD_LINES)
    assert parallel_rows == serial_rows


def test_a_missing_large_file_is_one_error_as_in_one_process(tmp_path: Path) -> None:
    missing = tmp_path / "gone.jsonl"
    serial, _, _ = run(tmp_path / "one", missing, workers=0)
    parallel, _, _ = run(tmp_path / "many", missing, workers=2)

    assert parallel.errors == serial.errors
    assert len(parallel.errors) == 1
    assert parallel.errors[0].startswith(f"{missing}: cannot read")


def test_small_files_are_parsed_without_starting_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: object) -> None:
        raise AssertionError("a worker pool was started for a small file")

    monkeypatch.setattr(importer, "start_pool", no_pool)
    source = corpus(tmp_path, bad=False)
    store = Store(f"sqlite:///{tmp_path / 'feeds.db'}")
    store.migrate()
    try:
        report = import_sources(
            store,
            [str(source)],
            zone=CONFIG.zone,
            default_language="ko",
            tag_authority=CONFIG.tag_authority,
            workers=2,
        )
        with store.engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT count(*) FROM articles")).scalar_one()
    finally:
        store.dispose()
    assert report.ok
    assert stored == RECORDS


# An importer that parses in two workers and stops (sleeping) after its first batch, printing
# its workers' pids, so the test can kill it while they are alive and idle.
_KILLED_IMPORTER = """
import os, sys, time
from articles.importer import import_sources
from articles.store import Store

store = Store(sys.argv[1])
store.migrate()

def stop_here(progress):
    children = open(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read().split()
    print(" ".join(children), flush=True)
    time.sleep(120)

import_sources(store, [sys.argv[2]], tag_authority="news.example.org,2025", workers=2,
               parallel_min_bytes=0, batch_size=5, on_progress=stop_here)
"""


def _alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_parsing_workers_end_when_the_importer_is_killed(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "big.jsonl"
    write_jsonl(source, 400, seed=4)
    importer_process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_IMPORTER, f"sqlite:///{tmp_path / 'a.db'}", str(source)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert importer_process.stdout is not None
    workers = [int(pid) for pid in importer_process.stdout.readline().split()]
    try:
        assert len(workers) >= 2 and all(_alive(pid) for pid in workers)
        importer_process.send_signal(signal.SIGKILL)
        importer_process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers), "workers outlived the killed importer"
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("workers", [0, 2])
def test_records_spooled_to_a_file_import_as_those_kept_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """A spool of a few records in memory and the rest in its temporary file gives the same
    rows and messages, including a guid taken by a record that is by then only in the file
    (`earlier in the input`, read back from the spool only when a clash needs it)."""
    lines = corpus(tmp_path, bad=False).read_bytes().splitlines(keepends=True)
    taken = json.loads(lines[2])  # line 3: its guid is taken again at the end of the file
    clash = {**taken, "id": "late-clash"}
    source = tmp_path / "clash.jsonl"
    source.write_bytes(b"".join([*lines, json.dumps(clash, ensure_ascii=False).encode() + b"\n"]))

    def imported(folder: str, memory_records: int) -> list[tuple[Any, ...]]:
        monkeypatch.setattr(import_spool, "SPOOL_MEMORY_RECORDS", memory_records)
        results = []
        for skip in (False, True):
            report, rows, _ = run(tmp_path / f"{folder}-{skip}", source, workers=workers,
                                  skip_invalid=skip)  # fmt: skip
            results.append((report.summary(), report.errors, rows))
        return results

    in_memory = imported("memory", 10_000)
    in_file = imported("file", 3)
    assert in_file == in_memory
    (_, errors, rows), (_, skip_errors, skip_rows) = in_file
    assert errors == [
        f"{source}: line {len(lines) + 1}: article 'late-clash': guid: {taken['guid']!r} is "
        f"also the guid of article {taken['id']!r} earlier in the input; an entry id is one "
        "article's: leave `guid` out to have one minted, or give one no other article has"
    ]
    assert not rows["articles"]  # the clash makes the whole file bad
    assert skip_errors == errors
    assert len(skip_rows["articles"]) == RECORDS  # all but the clash


# -- Writing while the rest of the file is parsed (write_start) --------------------------------

# What a line of the mixed corpus may be, besides a good record.
LINE_KINDS = ("good", "bad-json", "bad-date", "clash-earlier", "clash-stored", "older", "repeat")


def mixed_corpus(folder: Path, kinds: list[str]) -> tuple[Path, Path]:
    """A file whose lines are good records or the kinds of trouble an import meets, by
    position (`kinds`), and a first file to import before it (the 'stored' articles)."""
    plain = folder / "plain.jsonl"
    write_jsonl(plain, len(kinds) + 3, seed=9)
    records = [json.loads(line) for line in plain.read_bytes().splitlines()]
    stored = records[-3:]
    out: list[bytes] = []
    seen: list[dict[str, Any]] = []
    for number, (kind, record) in enumerate(zip(kinds, records, strict=False)):
        if kind == "bad-json":
            out.append(b'{"id": "x", \n')
            continue
        if kind == "bad-date":
            record = {**record, "published": "2025-13-45"}
        elif kind == "clash-earlier" and seen:
            record = {**record, "guid": seen[0]["guid"]}
        elif kind == "clash-stored":
            record = {**record, "guid": stored[number % 3]["guid"]}
        elif kind == "older":
            record = {**stored[number % 3], "updated": "2000-01-01T00:00:00+00:00",
                      "published": "2000-01-01T00:00:00+00:00"}  # fmt: skip
        elif kind == "repeat" and seen:
            record = seen[-1]
        seen.append(record)
        out.append(json.dumps(record, ensure_ascii=False).encode() + b"\n")
    first = folder / "first.jsonl"
    first.write_bytes(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in stored))
    path = folder / "mixed.jsonl"
    path.write_bytes(b"".join(out))
    return first, path


def run_after(
    folder: Path, first: Path, source: Path, *, workers: int, **options: Any
) -> tuple[str, list[str], list[str], dict[str, list[tuple[Any, ...]]]]:
    """Import `first` (one process), then `source`; the second report and every stored row."""
    folder.mkdir()
    store = Store(f"sqlite:///{folder / 'feeds.db'}")
    store.migrate()
    common: dict[str, Any] = {
        "zone": CONFIG.zone,
        "default_language": "ko",
        "tag_authority": CONFIG.tag_authority,
        "parallel_min_bytes": 0,
        "batch_size": 3,
    }
    try:
        assert import_sources(store, [str(first)], workers=0, **common).ok
        report = import_sources(store, [str(source)], workers=workers, **common, **options)
        rows = stored_rows(store)
    finally:
        store.dispose()
    return report.summary(), report.errors, report.notes, rows


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    # A run of good records (so that trouble also comes after the writing has begun), the
    # lines in question, more good records.
    kinds=st.tuples(
        st.integers(min_value=0, max_value=30),
        st.lists(st.sampled_from(LINE_KINDS), min_size=1, max_size=12),
    ).map(lambda drawn: ["good"] * drawn[0] + drawn[1] + ["good"] * 4),
    write_start=st.sampled_from([0.0, 0.2, 0.5, 1.0]) | st.floats(0.0, 1.0),
    skip_invalid=st.booleans(),
)
# A guid clash met by the writer, then a bad record met by the reading: only the bad record is
# reported, as when the file is read first (the writing never begins then).
@example(
    kinds=["good"] * 8 + ["clash-earlier"] + ["good"] * 12 + ["bad-json"] + ["good"] * 4,
    write_start=0.0,
    skip_invalid=False,
)
# A bad record after many good ones written already: they are rolled back.
@example(kinds=["good"] * 24 + ["bad-date"] + ["good"] * 4, write_start=0.0, skip_invalid=False)
def test_writing_while_the_rest_is_parsed_gives_what_reading_first_gives(
    tmp_path_factory: pytest.TempPathFactory,
    kinds: list[str],
    write_start: float,
    skip_invalid: bool,
) -> None:
    """Whenever the write transaction opens (`write_start`), whatever is wrong with the file
    and wherever: the same rows, counts, errors in the same order and notes as parsing the
    whole file in one process first and writing after; a bad record met after the writing
    began (without skip_invalid) rolls back what was written."""
    folder = tmp_path_factory.mktemp("overlap")
    first, source = mixed_corpus(folder, kinds)
    serial = run_after(folder / "one", first, source, workers=0, skip_invalid=skip_invalid)
    # The reading is slowed (its progress callback sleeps) so that the writer catches up with
    # it and waits for records still to come: the interleaving under test.
    overlapped = run_after(
        folder / "many", first, source, workers=2, skip_invalid=skip_invalid,
        write_start=write_start, on_progress=lambda _: time.sleep(0.01),
    )  # fmt: skip
    assert overlapped == serial


def _write_lock_free(path: Path) -> bool:
    """Whether another connection can take SQLite's write lock at once."""
    import sqlite3

    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


@pytest.mark.parametrize(("write_start", "locked_midway"), [(0.0, True), (1.0, False)])
def test_the_write_transaction_opens_once_the_records_read_reach_write_start(
    tmp_path: Path, write_start: float, locked_midway: bool
) -> None:
    """Seen from another connection halfway through the parsing: the import holds the write
    lock when its writing overlaps the parsing (0.0), and not when it waits for the whole file
    (1.0), so an API write made then goes ahead."""
    source = tmp_path / "big.jsonl"
    write_jsonl(source, 120, seed=5)
    database = tmp_path / "feeds.db"
    store = Store(f"sqlite:///{database}")
    store.migrate()
    seen: list[bool] = []

    def midway(progress: ImportProgress) -> None:
        if not seen and progress.bytes_done >= progress.bytes_total // 2:
            time.sleep(0.5)  # the writer has had time to open the transaction, if it may
            seen.append(_write_lock_free(database))

    try:
        report = import_sources(
            store,
            [str(source)],
            tag_authority=CONFIG.tag_authority,
            workers=2,
            parallel_min_bytes=0,
            batch_size=5,
            on_progress=midway,
            write_start=write_start,
        )
    finally:
        store.dispose()
    assert report.ok and report.new == 120
    assert seen == [not locked_midway]


def test_workers_outlive_the_reading_of_each_file(tmp_path: Path) -> None:
    """Each file is read by a thread that ends with it; the parse workers, forked once for
    the whole import, serve every file (a worker forked by a file's reading thread would be
    killed when that thread ends)."""
    sources = []
    for number in range(3):
        source = tmp_path / f"part{number}.jsonl"
        lines = []
        plain = tmp_path / f"plain{number}.jsonl"
        write_jsonl(plain, 20, seed=20 + number)
        for line in plain.read_bytes().splitlines():
            record = json.loads(line)
            record["id"] = f"p{number}-{record['id']}"
            record.pop("guid", None)
            lines.append(json.dumps(record, ensure_ascii=False).encode() + b"\n")
        source.write_bytes(b"".join(lines))
        sources.append(str(source))
    store = Store(f"sqlite:///{tmp_path / 'feeds.db'}")
    store.migrate()
    try:
        report = import_sources(
            store,
            sources,
            tag_authority=CONFIG.tag_authority,
            workers=2,
            parallel_min_bytes=0,
            batch_size=5,
        )
    finally:
        store.dispose()
    assert report.ok, report.errors
    assert report.new == 60


def test_write_start_outside_zero_to_one_is_refused(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'feeds.db'}")
    with pytest.raises(ValueError, match="write_start"):
        import_sources(store, [], tag_authority=CONFIG.tag_authority, write_start=1.5)


def test_parse_workers_run_nicer_than_the_importer() -> None:
    """While the writer follows the parsing it has a whole core: the workers yield to it."""
    preparer = import_prepare.Preparer(CONFIG.zone, "ko", None, "sqlite")  # type: ignore[arg-type]
    pool = import_pool.start_pool(preparer, 2)
    try:
        niceness = pool.submit(os.nice, 0).result()
    finally:
        pool.shutdown()
    assert niceness == min(os.nice(0) + import_pool.WORKER_NICENESS, 19)
