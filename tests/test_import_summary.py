"""The import's closing line says whether the good records of a file with bad ones were written.

A file is all or nothing: without --skip-invalid one bad record keeps its good ones out of the
store too, and the summary must say so (and name the option that writes them) rather than
`imported 1 file: ..., 1 rejected`, which read as if the good ones were in. With
--skip-invalid it says they were written.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.store import Store
from tests.fixtures.store import copy_migrated_sqlite
from tests.test_import_cli import record, run_import, write_jsonl

# Each file: its records, True for a good one and False for a bad one (a date that is none).
files_strategy = st.lists(st.lists(st.booleans(), min_size=1, max_size=4), min_size=1, max_size=3)


@settings(max_examples=30, deadline=None)
@example(files=[[False]], skip_invalid=True)  # the reported case: no good record at all
@given(files=files_strategy, skip_invalid=st.booleans())
def test_the_summary_says_which_good_records_were_written_and_how_to_write_the_rest(
    migrated_sqlite: Path, files: list[list[bool]], skip_invalid: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        copy_migrated_sqlite(migrated_sqlite, tmp / "feeds.db")
        store = Store(f"sqlite:///{tmp / 'feeds.db'}")
        try:
            sources = []
            for number, goods in enumerate(files):
                records = [
                    record(f"f{number}-r{i}", **({} if good else {"published": "2025/13/45"}))
                    for i, good in enumerate(goods)
                ]
                sources.append(write_jsonl(tmp / f"f{number}.jsonl", records))
            report = run_import(store, *sources, skip_invalid=skip_invalid)
            stored = store.count()
        finally:
            store.dispose()

    good = sum(sum(goods) for goods in files)
    bad = sum(len(goods) - sum(goods) for goods in files)
    refused = [goods for goods in files if not all(goods)] if not skip_invalid else []
    held_back = sum(sum(goods) for goods in refused)
    summary = report.summary()

    assert stored == good - held_back  # what the store holds is what the summary says
    assert (report.refused, report.held_back) == (len(refused), held_back)
    head = re.match(r"imported (\d+)(?: of (\d+))? files?(?:, (\d+) refused)?: ", summary)
    assert head is not None, summary
    assert int(head[1]) == len(files) - len(refused), summary
    assert int(head[3] or 0) == len(refused), summary
    assert f", {bad} rejected" in summary
    # The good records held back are said to be unwritten, with the option that writes them.
    if refused:
        assert "nothing of the refused" in summary and "was written" in summary, summary
    assert ("--skip-invalid writes them" in summary) == bool(held_back), summary
    assert (f"{held_back} good record" in summary) == bool(held_back), summary
    # With --skip-invalid, the good records beside the rejected ones are said to be written,
    # and only when there are any (a file of bad records only said so too).
    said = "the good records beside them were" in summary
    assert said == (skip_invalid and bad > 0 and good > 0), summary
    none = "there was no good record beside them" in summary
    assert none == (skip_invalid and bad > 0 and good == 0), summary
