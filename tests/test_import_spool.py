"""The importer's spool (articles.import_spool): records come back as they went in, in order,
whether kept in memory or in its file, while a thread reads ahead of the writer.

`read_ahead` is the thread that unpickles the next chunk while the writer writes: it must keep
order, hand over an error at its turn, and stop (joined) when the reader stops early.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.import_spool import Spool, pickled, read_ahead
from articles.store import PreparedArticle, prepare_article
from articles.synthetic import generate

ARTICLES = [prepare_article(article, "sqlite") for article in generate(40, seed=5)]


def read_ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "spool-read-ahead"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers()), st.integers(min_value=1, max_value=4))
def test_read_ahead_gives_every_item_in_order(items: list[int], depth: int) -> None:
    assert list(read_ahead(iter(items), depth)) == items
    assert not read_ahead_threads()


def test_an_error_while_reading_ahead_is_raised_at_its_turn() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("disk gone")

    got = []
    with pytest.raises(OSError, match="disk gone"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1, 2]
    assert not read_ahead_threads()


def test_a_reader_that_stops_early_stops_the_thread() -> None:
    produced = []

    def items() -> Iterator[int]:
        for number in range(1_000):
            produced.append(number)
            yield number

    reader = read_ahead(items(), depth=2)
    assert [next(reader), next(reader)] == [0, 1]
    reader.close()
    assert not read_ahead_threads()  # joined by close
    assert len(produced) <= 5  # the thread stayed at most depth + 1 ahead, then stopped


def spool_of(
    chunk_sizes: list[int], memory_records: int, batch_size: int, one_by_one: set[int]
) -> tuple[Spool, list[PreparedArticle], list[str]]:
    """A spool given ARTICLES (repeated as needed) in chunks: pickled as a worker sends them,
    or, for the chunks numbered in `one_by_one`, as PreparedArticles."""
    spool = Spool(batch_size, memory_records=memory_records)
    added: list[PreparedArticle] = []
    wheres: list[str] = []
    for number, size in enumerate(chunk_sizes):
        rows = [ARTICLES[(len(added) + i) % len(ARTICLES)] for i in range(size)]
        where = [f"f.jsonl: line {len(added) + i + 1}" for i in range(size)]
        if number in one_by_one:
            spool.add(rows, where)
        else:
            spool.add(pickled([tuple(x) for x in rows]), where)
        added.extend(rows)
        wheres.extend(where)
    return spool, added, wheres


@settings(max_examples=60, deadline=None)
@given(
    chunk_sizes=st.lists(st.integers(min_value=0, max_value=9), max_size=12),
    memory_records=st.integers(min_value=0, max_value=30),
    batch_size=st.integers(min_value=1, max_value=11),
    one_by_one=st.sets(st.integers(min_value=0, max_value=11)),
)
def test_batches_give_the_records_in_order_from_memory_and_file(
    chunk_sizes: list[int], memory_records: int, batch_size: int, one_by_one: set[int]
) -> None:
    spool, added, wheres = spool_of(chunk_sizes, memory_records, batch_size, one_by_one)
    with spool:
        batches = list(spool.batches())
    assert [x for batch, _ in batches for x in batch] == added
    assert [w for _, where in batches for w in where] == wheres
    assert all(len(batch) == batch_size for batch, _ in batches[:-1])
    assert all(len(batch) == len(where) for batch, where in batches)
    assert not read_ahead_threads()


@settings(max_examples=40, deadline=None)
@given(
    chunk_sizes=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=10),
    memory_records=st.integers(min_value=0, max_value=20),
    stop_after=st.integers(min_value=0, max_value=8),
)
def test_ids_read_the_file_while_batches_are_read_ahead(
    chunk_sizes: list[int], memory_records: int, stop_after: int
) -> None:
    """The guid-clash message reads the ids of earlier records back from the spool while the
    batches' thread is reading the same file: neither disturbs the other."""
    spool, added, _ = spool_of(chunk_sizes, memory_records, 3, set())
    with spool:
        seen = 0
        for number, (batch, _) in enumerate(spool.batches()):
            assert spool.ids(seen) == {x.id for x in added[:seen]}
            assert batch == added[seen : seen + len(batch)]
            seen += len(batch)
            if number == stop_after:
                break
    assert not read_ahead_threads()


@settings(max_examples=30, deadline=None)
@given(
    chunk_sizes=st.lists(st.integers(min_value=0, max_value=9), max_size=12),
    memory_records=st.integers(min_value=0, max_value=30),
    batch_size=st.integers(min_value=1, max_value=11),
    pauses=st.lists(st.sampled_from([0.0, 0.001, 0.005]), min_size=1, max_size=5),
)
def test_a_follower_gets_every_record_added_meanwhile_in_order(
    chunk_sizes: list[int], memory_records: int, batch_size: int, pauses: list[float]
) -> None:
    """`batches(follow=True)` in one thread while another adds chunks (pausing between them),
    some kept in memory and the rest in the file: every record once, in order, then the end
    at `finish()`."""
    spool = Spool(batch_size, memory_records=memory_records)
    added: list[PreparedArticle] = []

    def add_all() -> None:
        for number, size in enumerate(chunk_sizes):
            time.sleep(pauses[number % len(pauses)])
            rows = [ARTICLES[(len(added) + i) % len(ARTICLES)] for i in range(size)]
            where = [f"f.jsonl: line {len(added) + i + 1}" for i in range(size)]
            spool.add(pickled([tuple(x) for x in rows]), where)
            added.extend(rows)
        spool.finish()

    with spool:
        adder = threading.Thread(target=add_all)
        adder.start()
        got = [x for batch, _ in spool.batches(follow=True) for x in batch]
        adder.join(10)
    assert got == added
    assert not read_ahead_threads()


def test_stop_following_ends_a_follower_waiting_for_records() -> None:
    """A writer that gives up (the input turned out bad) is not kept waiting for a reading
    that goes on: `stop_following` ends its batches at once."""
    spool = Spool(2, memory_records=10)
    spool.add(pickled([tuple(x) for x in ARTICLES[:2]]), ["a: line 1", "a: line 2"])
    with spool:
        batches = spool.batches(follow=True)
        first, _ = next(batches)
        assert first == ARTICLES[:2]
        threading.Timer(0.2, spool.stop_following).start()
        started = time.monotonic()
        assert list(batches) == []
        assert time.monotonic() - started < 5
    assert not read_ahead_threads()
