"""The slug registry: different labels get different slugs and feeds; a slug never changes."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.model import Author, Tag
from articles.slugs import label_key, numbered
from articles.store import (
    Facet,
    Store,
    alembic_config,
    articles_table,
    facet_counts_table,
    prepare_article,
    tags_table,
)
from articles.store.documents import load_document
from articles.text import slugify
from tests.fixtures.store import T0, make_article, run_at_once


def tagged(article_id: str, *labels: str, minutes: int = 0) -> Any:
    return make_article(
        article_id, minutes=minutes, tags=tuple(Tag(slugify(label), label) for label in labels)
    )


def slugs_of(store: Store, article_id: str) -> dict[str, str]:
    article = store.get(article_id)
    assert article is not None
    return {t.label: t.slug for t in article.tags}


def test_cpp_csharp_and_c_on_one_article_are_three_categories_and_three_feeds(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app([tagged("langs", "C++", "C#", "C")], site_url="https://news.example.com")
    store: Store = app.extensions["feeds.store"]
    assert slugs_of(store, "langs") == {"C++": "c", "C#": "c-2", "C": "c-3"}
    client = app.test_client()
    entry = feedparser.parse(client.get("/feeds/all.atom").data).entries[0]
    categories = [(t.term, t.label) for t in entry.tags if t.scheme.endswith("/tag/")]
    assert categories == [("c", "C++"), ("c-2", "C#"), ("c-3", "C")]
    for slug, label in (("c", "C++"), ("c-2", "C#"), ("c-3", "C")):
        response = client.get(f"/feeds/tag/{slug}.atom")
        assert response.status_code == 200
        feed = feedparser.parse(response.data)
        assert feed.feed.title.startswith(label + " "), feed.feed.title
        assert [e.id for e in feed.entries] == [store.get("langs").guid]  # type: ignore[union-attr]


def test_spellings_of_one_label_share_its_slug_and_the_first_spelling_is_kept(
    store: Store,
) -> None:
    store.upsert_many([tagged("a1", "C++", "c++ ", "Ｃ＋＋")])  # NFKC, case and space variants
    assert slugs_of(store, "a1") == {"C++": "c"}
    store.upsert_many([tagged("a2", " C++", minutes=1)])
    assert [t.slug for t in store.get("a2").tags] == ["c"]  # type: ignore[union-attr]


def test_a_slug_once_given_is_kept_after_its_articles_are_deleted(store: Store) -> None:
    store.upsert_many([tagged("a1", "C++")])
    store.delete("a1")
    store.upsert_many([tagged("a2", "C#")])
    assert slugs_of(store, "a2") == {"C#": "c-2"}
    store.upsert_many([tagged("a3", "C++")])
    assert slugs_of(store, "a3") == {"C++": "c"}


def test_an_update_keeps_the_slugs_and_the_counts_follow(store: Store) -> None:
    store.upsert_many([tagged("a1", "C++"), tagged("a2", "C#")])
    newer = make_article(
        "a2", minutes=5, tags=(Tag("c", "C#"), Tag("c", "C")), authors=(Author("C", "c"),)
    )
    store.upsert_many([newer])
    assert slugs_of(store, "a2") == {"C#": "c-2", "C": "c-3"}
    later = T0.replace(year=2030)
    assert store.count_visible(Facet("tag", "c"), now=later) == 1
    assert store.count_visible(Facet("tag", "c-2"), now=later) == 1
    assert store.count_visible(Facet("tag", "c-3"), now=later) == 1
    # Authors have a registry of their own.
    assert [a.slug for a in store.get("a2").authors] == ["c"]  # type: ignore[union-attr]


LABELS = st.text(alphabet="cC+#-_ 1é\u00a0", min_size=1, max_size=4).filter(
    lambda label: label.strip() and slugify(label)
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(LABELS, min_size=1, max_size=8),
    later=st.lists(LABELS, min_size=1, max_size=8),
    order=st.randoms(),
)
def test_any_labels_map_one_to_one_to_slugs_that_never_change(
    first: list[str], later: list[str], order: Any
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'a.db'}")
        store.migrate()
        try:
            store.upsert_many([tagged(f"f{i}", label) for i, label in enumerate(first)])
            given_first = {
                label_key(t.label): t.slug
                for a in store.fetch([f"f{i}" for i in range(len(first))])
                for t in a.tags
            }
            shuffled = list(enumerate(later))
            order.shuffle(shuffled)
            # Later imports in any order, one record per transaction, then everything again.
            for i, label in shuffled:
                store.upsert_many([tagged(f"l{i}", label)])
            store.upsert_many([tagged(f"f{i}", label) for i, label in enumerate(first)])
            stored = store.fetch(
                [*(f"f{i}" for i in range(len(first))), *(f"l{i}" for i in range(len(later)))]
            )
            slug_by_key: dict[str, str] = {}
            for article in stored:
                for t in article.tags:
                    assert slug_by_key.setdefault(label_key(t.label), t.slug) == t.slug
            assert len(set(slug_by_key.values())) == len(slug_by_key)  # one to one
            assert {k: slug_by_key[k] for k in given_first} == given_first  # never changed
        finally:
            store.dispose()


def test_numbered_slugs_stay_within_the_limit() -> None:
    assert numbered("c", 1) == "c" and numbered("c", 2) == "c-2"
    long = "a" * 99 + "b"
    assert len(numbered(long, 12)) == 100 and numbered(long, 12).endswith("-12")


def _write_colliding_labels(url: str, barrier: Any, results: Any) -> None:
    import os

    store = Store(url)
    barrier.wait()
    try:
        for n in range(5):
            store.upsert_many([tagged(f"p{os.getpid()}-{n}", f"C{'+' * (n % 3)}", "C#")])
    except Exception as exc:  # noqa: BLE001 - reported to the parent as text
        results.put(f"{type(exc).__name__}: {exc}")
    else:
        results.put("ok")
    finally:
        store.dispose()


def test_writers_at_once_never_give_one_slug_to_two_labels(store: Store, database_url: str) -> None:
    assert run_at_once(_write_colliding_labels, database_url, 3) == ["ok"] * 3
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT label_key, slug FROM slugs WHERE kind = 'tag'")).all()
    slugs = dict(rows)
    assert set(slugs) == {"c", "c+", "c++", "c#"}  # the labels every writer used
    assert set(slugs.values()) == {"c", "c-2", "c-3", "c-4"}  # one slug each, none shared
    for article in store.list_articles(limit=100):
        assert {t.slug for t in article.tags} == {slugs[label_key(t.label)] for t in article.tags}


def test_migration_keeps_old_slugs_and_moves_colliding_labels_apart(database_url: str) -> None:
    """Rows written before the registry: the label the feed is titled with keeps the slug."""
    from alembic import command

    store = Store(database_url)
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
    older = tagged("old", "C#", "Go", minutes=1)
    newer = tagged("new", "C++", minutes=2)
    with store.engine.begin() as conn:
        for article in (older, newer):
            row = prepare_article(article, "postgresql").row  # aware datetimes for Core
            row.pop("episode")  # a column of a later revision (0008)
            conn.execute(articles_table.insert(), {**row, "doc": load_document(row["doc"])})
            conn.execute(
                tags_table.insert(),
                [
                    {
                        "article_id": article.id,
                        "tag_slug": t.slug,
                        "tag_label": t.label,
                        "status": "published",
                        "published": article.published,
                    }
                    for t in article.tags
                ],
            )
        conn.execute(
            facet_counts_table.insert(),
            [
                {"kind": "tag", "value": "c", "published_count": 2},
                {"kind": "tag", "value": "go", "published_count": 1},
            ],
        )
    store.migrate()
    assert slugs_of(store, "new") == {"C++": "c"}
    assert slugs_of(store, "old") == {"C#": "c-2", "Go": "go"}
    later = T0.replace(year=2030)
    assert [
        (i.facet.value, i.label, i.count) for i in store.facets(now=later) if i.facet.kind == "tag"
    ] == [("c", "C++", 1), ("c-2", "C#", 1), ("go", "Go", 1)]
    store.upsert_many([tagged("next", "c#", minutes=3)])  # the registry now knows the label
    assert slugs_of(store, "next") == {"c#": "c-2"}
    store.dispose()
