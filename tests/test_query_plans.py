"""Feed pages are index range scans in feed order: no full scan, no sort, at any page.

SQLite: EXPLAIN QUERY PLAN must search a (covering) index and never build a temporary B-tree
for ORDER BY. PostgreSQL: with a few thousand rows loaded and ANALYZEd, the planner must pick
an index scan without a Sort node. The plans themselves are shown in docs/storage.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from articles.model import Article, Author, Section, Source, Tag
from articles.store import ALL, Facet, Store
from tests.fixtures.store import fresh_database, make_article

NOW = datetime(2030, 1, 1, tzinfo=UTC)
ROWS = 6000
FEED_FACETS = [
    ALL,
    Facet("section", "s3"),
    Facet("tag", "t7"),
    Facet("author", "a5"),
    Facet("language", "en"),
    Facet("source", "src2"),
]


def _corpus() -> Iterator[Article]:
    # Seven-step cycle, so status does not line up with the section, tag or author cycles.
    statuses = ("published",) * 5 + ("draft", "withheld")
    for i in range(ROWS):
        yield make_article(
            f"p{i:05d}",
            minutes=i * 7,
            status=statuses[i % len(statuses)],
            section=Section(f"s{i % 10}", f"섹션 {i % 10}"),
            tags=(Tag(f"t{i % 30}", "태그"), Tag(f"t{(i * 7) % 30 + 30}", "태그")),
            authors=(Author("기자", f"a{i % 15}"),),
            # `en-GB` articles are in the feed of `en` too (RFC 4647 basic filtering).
            language=("ko", "en", "ja", "en-GB")[i % 4],
            source=Source("출처", f"src{i % 5}"),
        )


def _loaded_store(backend: str, folder: Path) -> Iterator[Store]:
    with fresh_database(backend, folder) as url:
        store = Store(url)
        store.migrate()
        store.upsert_many(_corpus())
        with store.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))  # the planner needs statistics to choose
        yield store
        store.dispose()


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A SQLite store of a few thousand articles, shared by the module."""
    yield from _loaded_store("sqlite", tmp_path_factory.mktemp("plans"))


@pytest.fixture(scope="module")
def postgres_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The same articles in a PostgreSQL schema, shared by the module."""
    yield from _loaded_store("postgres", tmp_path_factory.mktemp("plans"))


@pytest.mark.parametrize("offset", [0, 100], ids=["first-page", "offset-page"])
@pytest.mark.parametrize("facet", FEED_FACETS, ids=lambda f: f.kind)
def test_sqlite_feed_page_is_an_index_search_in_order(
    sqlite_store: Store, facet: Facet, offset: int
) -> None:
    plan = sqlite_store.explain_page_keys(facet, now=NOW, limit=50, offset=offset)
    text = "\n".join(plan)
    first = plan[0]
    assert first.startswith("SEARCH "), text
    assert "USING COVERING INDEX ix_" in first, text
    assert "TEMP B-TREE" not in text, text
    assert not any(line.startswith("SCAN ") for line in plan), text
    if facet.spec.linked:  # tag, author, language
        # The articles row is joined by primary key, one lookup per entry of the page.
        assert plan[1] == "SEARCH articles USING INDEX sqlite_autoindex_articles_1 (id=?)", text


@pytest.mark.postgres
@pytest.mark.parametrize("offset", [0, 100], ids=["first-page", "offset-page"])
@pytest.mark.parametrize(
    "facet", [ALL, Facet("section", "s3"), Facet("language", "en")], ids=lambda f: f.kind
)
def test_postgres_feed_page_is_an_index_scan_without_sort(
    postgres_store: Store, facet: Facet, offset: int
) -> None:
    plan = postgres_store.explain_page_keys(facet, now=NOW, limit=50, offset=offset)
    text = "\n".join(plan)
    assert "Index Scan" in text or "Index Only Scan" in text, text
    assert "Seq Scan" not in text, text
    assert "Sort" not in text, text
    # The kind's own index: the articles row's, or its link table's (language).
    assert f"ix_{facet.spec.table.name}_" in text, text


@pytest.mark.postgres
def test_postgres_tag_page_reads_the_tag_index_and_joins_by_key(postgres_store: Store) -> None:
    # For a tag of a few hundred rows the planner may sort them in memory rather than walk the
    # index in order (it is cheaper at that size), so only the access paths are asserted.
    plan = "\n".join(postgres_store.explain_page_keys(Facet("tag", "t7"), now=NOW, limit=50))
    assert "ix_article_tags_tag_slug_status_published" in plan, plan
    assert "articles_pkey" in plan, plan
    assert "Seq Scan" not in plan, plan


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_the_index_driven_page_holds_exactly_the_visible_rows_in_order(
    backend: str, request: pytest.FixtureRequest
) -> None:
    store: Store = request.getfixturevalue(f"{backend}_store")
    keys = store.page_keys(Facet("section", "s3"), now=NOW, limit=ROWS)
    expected = sorted(
        (a for a in _corpus() if a.section and a.section.slug == "s3" and a.is_visible_at(NOW)),
        key=lambda a: (a.published, a.id),
        reverse=True,
    )
    assert len(expected) > 400
    assert [k.id for k in keys] == [a.id for a in expected]


def _plans_of(store: Store, call: Callable[[], object]) -> list[str]:
    """EXPLAIN QUERY PLAN of every statement `call` sends to SQLite, with its parameters."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", capture)
    assert sent, "the call sent no query"
    with store.engine.connect() as conn:
        return [
            f"{statement.split(' FROM ')[0][:60]}... -> {row[-1]}"
            for statement, parameters in sent
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        ]


@pytest.mark.parametrize(
    "name",
    [
        "count_visible",
        "facet_info",
        "facets",
        "months",
        "month_keys",
        "next_visibility_change",
        "list_articles",
        "fetch",
    ],
)
def test_sqlite_every_read_uses_an_index_and_never_sorts(sqlite_store: Store, name: str) -> None:
    store = sqlite_store
    facets = [*FEED_FACETS, Facet("tag", "t40")]
    calls: dict[str, Callable[[], object]] = {
        "count_visible": lambda: [store.count_visible(f, now=NOW) for f in facets],
        "facet_info": lambda: [store.facet_info(f, now=NOW) for f in facets],
        "facets": lambda: store.facets(now=NOW),
        "months": lambda: [store.months(f, now=NOW) for f in facets],
        "month_keys": lambda: [store.month_keys(f, "2025-08", now=NOW) for f in facets],
        "next_visibility_change": lambda: store.next_visibility_change(now=NOW),
        "list_articles": lambda: [
            store.list_articles(),
            store.list_articles(section="s3", offset=20),
            store.list_articles(tag="t7", status="draft"),
            store.list_articles(author="a5", language="en"),
        ],
        "fetch": lambda: store.fetch(["p00010", "p00020", "p00030"]),
    }
    plans = _plans_of(store, calls[name])
    text = "\n".join(plans)
    assert "TEMP B-TREE" not in text, text
    # facet_counts is one small row per feed: reading it whole is the point.
    scans = [p for p in plans if " SCAN " in p and "SCAN facet_counts" not in p]
    assert scans == [], text
