"""Sections and sources given as labels: different labels get different feeds, a slug never
changes, and a slug the record gives itself names its section under any label.

Found: `"section": "C++"`, `"C#"` and `"C"` were all the section `c` (one feed, titled with the
last label, holding the others' stories; no C# feed), as tags were before the slug registry;
sources likewise (`A.A.` and `A-A` both `a-a`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.formats import article_from_mapping
from articles.ids import mint_guid
from articles.model import Article
from articles.slugs import label_key
from articles.store import Store, alembic_config, articles_table, prepare_article
from articles.store.documents import load_document
from articles.text import slugify

SEOUL = ZoneInfo("Asia/Seoul")
AUTHORITY = "news.example.org,2025"


def record(article_id: str, minutes: int = 0, **fields: Any) -> Article:
    raw = {"id": article_id, "title": f"기사 {article_id}",
           "published": f"2025-07-30T09:{minutes:02d}:00+09:00", **fields}  # fmt: skip
    article = article_from_mapping(raw, where="t", zone=SEOUL, default_language="ko")
    return article.with_guid(mint_guid(AUTHORITY, article.id))


def section_slugs(store: Store, ids: list[str]) -> dict[str, str]:
    return {a.section.label: a.section.slug for a in store.fetch(ids) if a.section is not None}


def test_cpp_csharp_and_c_sections_are_three_feeds(make_app: Callable[..., Flask]) -> None:
    articles = [record(f"s{i}", i, section=label) for i, label in enumerate(["C++", "C#", "C"])]
    app = make_app(articles, site_url="https://news.example.com")
    store: Store = app.extensions["feeds.store"]
    assert section_slugs(store, ["s0", "s1", "s2"]) == {"C++": "c", "C#": "c-2", "C": "c-3"}
    client = app.test_client()
    for slug, label, article_id in (("c", "C++", "s0"), ("c-2", "C#", "s1"), ("c-3", "C", "s2")):
        feed = feedparser.parse(client.get(f"/feeds/section/{slug}.atom").data)
        assert feed.feed.title.startswith(label + " "), feed.feed.title
        assert [e.id for e in feed.entries] == [mint_guid(AUTHORITY, article_id)]


LABELS = st.text(alphabet="cC+#-_ .1é\u00a0Ｃ！", min_size=1, max_size=4).filter(
    lambda label: label.strip() and slugify(label)
)


@example(first=["C++", "C#"], later=["C", "c++ "], source=False)
@example(first=["A.A."], later=["A-A", "a.a."], source=True)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(LABELS, min_size=1, max_size=6),
    later=st.lists(LABELS, min_size=1, max_size=6),
    source=st.booleans(),
)
def test_any_section_or_source_labels_map_one_to_one_to_slugs_that_never_change(
    first: list[str], later: list[str], source: bool
) -> None:
    field = "source" if source else "section"

    def part(article: Article) -> tuple[str, str]:
        value = article.source if source else article.section
        assert value is not None
        return (value.name if source else value.label), value.slug  # type: ignore[union-attr]

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'a.db'}")
        store.migrate()
        try:
            firsts = [record(f"f{i}", i, **{field: label}) for i, label in enumerate(first)]
            store.upsert_many(firsts)
            given_first = dict(part(a) for a in store.fetch([a.id for a in firsts]))
            for i, label in enumerate(later):  # one record per transaction
                store.upsert_many([record(f"l{i}", i, **{field: label})])
            again = store.upsert_many(firsts)
            assert (again.new, again.updated) == (0, 0)  # the same records: unchanged
            ids = [a.id for a in firsts] + [f"l{i}" for i in range(len(later))]
            slug_by_key: dict[str, str] = {}
            for article in store.fetch(ids):
                label, slug = part(article)
                assert slug_by_key.setdefault(label_key(label), slug) == slug
            assert len(set(slug_by_key.values())) == len(slug_by_key)  # one to one
            assert {k: slug_by_key[label_key(k)] for k in given_first} == given_first
        finally:
            store.dispose()


def test_a_slug_the_record_gives_names_its_section_under_any_label(store: Store) -> None:
    store.upsert_many(
        [
            record("ko", 0, section={"slug": "asia", "label": "아시아"}),
            record("en", 1, section={"slug": "asia", "label": "Asia"}),
        ]
    )
    assert {a.section.slug for a in store.fetch(["ko", "en"])} == {"asia"}  # type: ignore[union-attr]
    store.upsert_many([record("bare", 2, section="아시아")])  # the label the slug names
    assert section_slugs(store, ["bare"]) == {"아시아": "asia"}
    store.upsert_many([record("other", 3, section="Asia!")])  # another label: its own feed
    assert section_slugs(store, ["other"]) == {"Asia!": "asia-2"}


def test_migration_registers_stored_sections_and_a_rewrite_moves_a_colliding_label(
    database_url: str,
) -> None:
    """Rows stored before: the newest label keeps the slug; an older label that shares it
    gets its own when its record is written again without a slug."""
    from alembic import command

    store = Store(database_url)
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0017")
        for article in (record("old", 1, section="C#"), record("new", 2, section="C++")):
            row = prepare_article(article, "postgresql").row
            conn.execute(articles_table.insert(), {**row, "doc": load_document(row["doc"])})
    store.migrate()
    assert section_slugs(store, ["old", "new"]) == {"C#": "c", "C++": "c"}  # nothing moved
    result = store.upsert_many(
        [record("old", 1, section="C#", updated="2025-07-30T10:00:00+09:00")]
    )
    assert result.updated == 1
    assert section_slugs(store, ["old", "new"]) == {"C#": "c-2", "C++": "c"}
    store.dispose()
