"""The bulk write path: rows handed to the driver are the rows SQLAlchemy Core would write."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import sqlalchemy as sa

from articles.model import Image, Link, Media, Tag, article_to_dict
from articles.store import (
    SQLITE_WRITE_CACHE_KIB,
    Facet,
    Store,
    article_facets,
    articles_table,
    prepare_article,
)
from articles.store.documents import document_text, load_document
from articles.synthetic import generate
from tests.fixtures.store import make_article

SEOUL = timezone(timedelta(hours=9))
# An offset other than UTC and a fraction of a second: both must survive the conversion.
WHEN = datetime(2025, 7, 30, 9, 15, 30, 123456, tzinfo=SEOUL)


def core_row(article_id: str) -> dict[str, object]:
    """The article's row as the Core insert wrote it before the driver-level path existed."""
    article = make_article(article_id, published=WHEN, updated=WHEN + timedelta(hours=1))
    assert article.section is not None and article.source is not None
    return {
        "id": article.id,
        "guid": article.guid,
        "slug": article.slug,
        "url": article.url,
        "title": article.title,
        "status": article.status,
        "language": article.language,
        "section_slug": article.section.slug,
        "section_label": article.section.label,
        "source_slug": article.source.slug,
        "source_label": article.source.name,
        "published": article.published,
        "updated": article.updated,
        "doc": article_to_dict(article),
    }


def test_driver_rows_equal_core_rows_on_every_backend(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(articles_table.insert(), core_row("core"))
    fast = make_article("fast", published=WHEN, updated=WHEN + timedelta(hours=1))
    store.upsert_many([fast])

    with store.engine.connect() as conn:
        rows = {
            row[0]: row
            for row in conn.execute(
                sa.text("SELECT id, guid, published, updated, doc FROM articles ORDER BY id")
            )
        }
    core, written = rows["core"], rows["fast"]
    # The times are stored alike (same text on SQLite, same instant on PostgreSQL) ...
    assert written.published == core.published
    assert written.updated == core.updated
    # ... and read back as the same aware instants with the original offset in the document.
    assert store.get("fast") == fast
    assert store.get("fast").published.utcoffset() == timedelta(hours=9)  # type: ignore[union-attr]
    doc = load_document(written.doc)
    assert doc == article_to_dict(fast)


def test_prepared_articles_upsert_like_articles(store: Store) -> None:
    articles = [make_article(f"a{i}", minutes=i) for i in range(5)]
    prepared = [prepare_article(article, store.backend) for article in articles]
    with store.transaction() as tx:
        result = tx.upsert_prepared(prepared)

    assert (result.new, result.updated, result.unchanged) == (5, 0, 0)
    assert Facet("tag", "japan") in result.affected
    assert store.fetch([a.id for a in articles]) == articles


def test_a_replacement_with_another_guid_keeps_the_stored_one_in_row_and_document(
    store: Store,
) -> None:
    store.upsert_many([make_article("a1")])
    newer = make_article(
        "a1", guid="tag:elsewhere.example,2025:x", minutes=5, tags=(Tag("china", "중국"),)
    )
    result = store.upsert_many([newer])

    assert result.updated == 1
    stored = store.get("a1")
    assert stored is not None
    assert stored.guid == "tag:feeds.example.org,2025:a1"
    assert stored.tags == (Tag("china", "중국"),)
    with store.engine.connect() as conn:
        column = conn.execute(sa.text("SELECT guid FROM articles WHERE id = 'a1'")).scalar_one()
    assert column == stored.guid


def test_a_write_transaction_leaves_the_connection_with_its_usual_page_cache(
    tmp_path: Path,
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'feeds.db'}")
    store.migrate()
    try:
        seen: list[int] = []
        with store.transaction() as tx:
            tx.upsert_many([make_article("a1")])
            seen.append(tx._conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
        # The pool hands the same connection back: the larger cache was only for the write.
        with store.engine.connect() as conn:
            after = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    finally:
        store.dispose()
    assert seen == [-SQLITE_WRITE_CACHE_KIB]
    assert after == -2000


def test_prepared_document_is_article_to_dict_as_json_and_facets_match() -> None:
    articles = [
        *generate(40, seed=5),
        make_article("plain", section=None, source=None, tags=(), authors=()),
        make_article(
            "full",
            image=Image("https://x.example/a.png", "alt", "cap", 10, 20, "image/png"),
            media=(Media("https://x.example/a.mp3", 10, "audio/mpeg"),),
            related=(Link("https://x.example/r", "관련"),),
            rights="© 2025",
        ),
    ]
    for article in articles:
        prepared = prepare_article(article, "sqlite")
        assert document_text(prepared.row["doc"]) == orjson.dumps(article_to_dict(article)).decode()
        assert {Facet(kind, value) for kind, value in prepared.facets} == article_facets(article)  # type: ignore[arg-type]


def test_a_new_sqlite_file_uses_large_pages_for_multi_kilobyte_rows(tmp_path: Path) -> None:
    from articles.store import SQLITE_PAGE_SIZE

    store = Store(f"sqlite:///{tmp_path / 'new.db'}")
    store.migrate()
    with store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == SQLITE_PAGE_SIZE
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.dispose()
