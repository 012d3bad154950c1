"""How article documents are kept in `articles.doc` (articles.store.documents).

On SQLite a document is stored as a Zstandard frame of its JSON text; stores written before
kept JSON text, and both forms are read. PostgreSQL keeps jsonb as before.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.model import article_to_dict
from articles.store import Store, prepare_article
from articles.store.documents import compress_text, document_text, dump_like, load_document
from articles.store.rows import with_guid, with_updated
from tests.fixtures.store import copy_migrated_sqlite, make_article

# JSON documents: any nesting of the values an article document holds.
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
_documents = st.dictionaries(st.text(), _json, max_size=6)


@given(_documents)
@settings(max_examples=200, deadline=None)
def test_every_stored_form_reads_back_as_the_document(document: dict[str, object]) -> None:
    text = orjson.dumps(document).decode()
    frame = compress_text(text)
    assert frame[:4] == b"\x28\xb5\x2f\xfd"  # a Zstandard frame (RFC 8878), not JSON text
    assert load_document(frame) == document
    assert load_document(text) == document
    assert load_document(document) is document
    assert document_text(frame) == text
    assert document_text(text) == text
    assert load_document(dump_like(document, frame)) == document
    assert isinstance(dump_like(document, frame), bytes)
    assert dump_like(document, text) == text


def test_sqlite_stores_documents_compressed_and_reads_them(store: Store) -> None:
    article = make_article(
        "zs-1", body_html="<p>" + "조현 한국 외교부 장관은 화요일, " * 200 + "</p>"
    )
    store.upsert_many([article])
    with store.engine.connect() as conn:
        kind, size = conn.execute(
            sa.text(
                "SELECT typeof(doc), length(doc) FROM articles WHERE id = 'zs-1'"
                if store.backend == "sqlite"
                else "SELECT jsonb_typeof(doc), pg_column_size(doc) FROM articles WHERE id = 'zs-1'"
            )
        ).one()
    text = orjson.dumps(article_to_dict(article)).decode()
    if store.backend == "sqlite":
        assert kind == "blob"
        assert size < len(text.encode()) / 3  # the repeated sentence compresses well
    else:
        assert kind == "object"
    assert store.get("zs-1") == article


def test_a_store_with_documents_as_json_text_is_read_and_rewritten(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    """A row written before documents were compressed (JSON text) reads as before, is compared
    as before (an identical record is unchanged), and a new version of it is compressed."""
    copy_migrated_sqlite(migrated_sqlite, tmp_path / "old.db")
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    article = make_article("old-1")
    store.upsert_many([article])
    text = orjson.dumps(article_to_dict(article)).decode()
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE articles SET doc = :doc WHERE id = 'old-1'"), {"doc": text})
        assert conn.execute(sa.text("SELECT typeof(doc) FROM articles")).scalar() == "text"
    assert store.get("old-1") == article
    assert store.fetch(["old-1"]) == [article]
    assert store.upsert_many([article]).unchanged == 1
    changed = make_article("old-1", title="A new headline", minutes=5)
    store.upsert_many([changed])
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT typeof(doc) FROM articles")).scalar() == "blob"
    assert store.get("old-1") == changed
    store.dispose()


def test_edits_of_a_prepared_row_keep_its_stored_form() -> None:
    article = make_article("edit-1")
    for backend, form in (("sqlite", bytes), ("postgresql", str)):
        prepared = prepare_article(article, backend)
        assert isinstance(prepared.row["doc"], form)
        moved = with_updated(with_guid(prepared, "tag:example.org,2025:x"), article.updated)
        assert isinstance(moved.row["doc"], form)
        assert load_document(moved.row["doc"])["guid"] == "tag:example.org,2025:x"
