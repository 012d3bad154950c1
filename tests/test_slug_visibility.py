"""The slug registry claims a label's slug only when readers can first see it: a tag's, an
author's, and a section's or source's whose slug the record left to derive.

A label only non-public articles carry (a draft, a withheld story, an embargo not yet lifted)
holds a provisional slug: it never outranks a label readers can see, so a public label never
gets `x-2` because of an unpublished one, and a slug readers have seen never changes.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.model import Article, Author, Section, Source, Tag
from articles.slugs import label_key, numbered
from articles.store import Facet, Store
from articles.text import slugify
from tests.fixtures.store import T0, make_article

NOW = T0 + timedelta(days=1)


def labelled(
    article_id: str,
    tags: tuple[str, ...],
    *,
    now: datetime,
    status: str = "published",
    published: datetime | None = None,
    authors: tuple[str, ...] = (),
) -> Article:
    return make_article(
        article_id,
        status=status,
        published=published or now - timedelta(minutes=5),
        updated=now,
        tags=tuple(Tag(slugify(label), label) for label in tags),
        authors=tuple(Author(name, slugify(name)) for name in authors) or (Author("A", "a"),),
    )


def tag_slugs(store: Store, article_id: str) -> dict[str, str]:
    article = store.get(article_id)
    assert article is not None
    return {t.label: t.slug for t in article.tags}


def visible_tag_slugs(store: Store, now: datetime) -> dict[str, str]:
    """label key -> slug of every tag of every article readers see at `now`."""
    keys = store.page_keys(Facet("all"), now=now, limit=1000)
    return {label_key(t.label): t.slug for a in store.fetch([k.id for k in keys]) for t in a.tags}


def test_a_draft_label_does_not_push_a_public_label_to_a_numbered_slug(store: Store) -> None:
    store.upsert_many([labelled("d1", ("Foo-Bar",), now=NOW, status="draft")], now=NOW)
    later = NOW + timedelta(minutes=1)
    store.upsert_many([labelled("p1", ("Foo Bar",), now=later)], now=later)
    assert tag_slugs(store, "p1") == {"Foo Bar": "foo-bar"}
    assert store.facet_info(Facet("tag", "foo-bar"), now=later) is not None
    assert store.facet_info(Facet("tag", "foo-bar-2"), now=later) is None
    # The draft published later gets the next number: readers saw `Foo Bar` first.
    published = later + timedelta(minutes=1)
    store.upsert_many([labelled("d1", ("Foo-Bar",), now=published)], now=published)
    assert tag_slugs(store, "d1") == {"Foo-Bar": "foo-bar-2"}
    assert tag_slugs(store, "p1") == {"Foo Bar": "foo-bar"}
    info = store.facet_info(Facet("tag", "foo-bar-2"), now=published)
    assert info is not None and info.label == "Foo-Bar" and info.count == 1
    # Nothing is left under the draft's provisional slug.
    assert {(i.facet.kind, i.facet.value) for i in store.facets(now=published)} >= {
        ("tag", "foo-bar"),
        ("tag", "foo-bar-2"),
    }


def test_an_embargoed_label_lifted_by_the_clock_keeps_the_slug_readers_saw(store: Store) -> None:
    lift = NOW + timedelta(hours=2)
    store.upsert_many([labelled("e1", ("Foo-Bar",), now=NOW, published=lift)], now=NOW)
    store.upsert_many([labelled("p1", ("Foo Bar",), now=NOW)], now=NOW)
    assert tag_slugs(store, "p1") == {"Foo Bar": "foo-bar"}
    assert tag_slugs(store, "e1") == {"Foo-Bar": "foo-bar-2"}
    # The embargo lifts by the clock alone; a later write of a third label must not move it.
    after = lift + timedelta(minutes=1)
    assert visible_tag_slugs(store, after)[label_key("Foo-Bar")] == "foo-bar-2"
    store.upsert_many([labelled("p2", ("foo_bar!",), now=after)], now=after)
    assert tag_slugs(store, "e1") == {"Foo-Bar": "foo-bar-2"}
    assert tag_slugs(store, "p2") == {"foo_bar!": "foo-bar-3"}
    # Only labels readers could see are listed for redirects.
    assert {slug for kind, _, _, slug in store.label_slugs(now=after) if kind == "tag"} >= {
        "foo-bar",
        "foo-bar-2",
        "foo-bar-3",
    }


def test_an_earlier_embargo_outranks_a_later_one_written_before_it(store: Store) -> None:
    first, second = NOW + timedelta(hours=1), NOW + timedelta(hours=2)
    store.upsert_many([labelled("late", ("Foo-Bar",), now=NOW, published=second)], now=NOW)
    store.upsert_many([labelled("soon", ("Foo Bar",), now=NOW, published=first)], now=NOW)
    assert tag_slugs(store, "soon") == {"Foo Bar": "foo-bar"}
    assert tag_slugs(store, "late") == {"Foo-Bar": "foo-bar-2"}


def test_non_public_labels_are_not_listed_for_redirects(store: Store) -> None:
    store.upsert_many([labelled("d1", ("Secret Plan",), now=NOW, status="draft")], now=NOW)
    assert store.slug_of_label("tag", "Secret Plan") is None
    assert all(label != "Secret Plan" for _, label, _, _ in store.label_slugs(now=NOW))


def test_an_author_only_a_draft_names_does_not_number_a_public_author(store: Store) -> None:
    store.upsert_many(
        [labelled("d1", (), now=NOW, status="draft", authors=("Kim Ji-won",))], now=NOW
    )
    store.upsert_many([labelled("p1", (), now=NOW, authors=("Kim Ji Won",))], now=NOW)
    article = store.get("p1")
    assert article is not None
    assert [a.slug for a in article.authors] == ["kim-ji-won"]


# -- sections and sources whose slug the record left to derive ----------------------------------

ROW_KINDS = ("section", "source")


def parted(
    article_id: str,
    kind: str,
    label: str,
    *,
    now: datetime,
    status: str = "published",
    published: datetime | None = None,
    slug: str | None = None,
) -> Article:
    """An article whose section (or source) is `label`, its slug derived unless `slug`."""
    article = labelled(article_id, (), now=now, status=status, published=published)
    part: Any = (
        Section(slug or slugify(label), label)
        if kind == "section"
        else Source(label, slug or slugify(label))
    )
    derived = frozenset() if slug else frozenset({kind})
    return dataclasses.replace(article, **{kind: part}, derived_slugs=derived)


def part_slug(store: Store, kind: str, article_id: str) -> str:
    article = store.get(article_id)
    assert article is not None
    part: Any = getattr(article, kind)
    return str(part.slug)


def hidden(kind: str, state: str, label: str, now: datetime, article_id: str = "d1") -> Article:
    if state == "embargoed":
        return parted(article_id, kind, label, now=now, published=now + timedelta(days=3))
    return parted(article_id, kind, label, now=now, status=state)


@pytest.mark.parametrize("state", ["draft", "withheld", "embargoed"])
@pytest.mark.parametrize("kind", ROW_KINDS)
def test_a_hidden_derived_section_or_source_does_not_number_a_public_one(
    store: Store, kind: str, state: str
) -> None:
    store.upsert_many([hidden(kind, state, "World News", NOW)], now=NOW)
    later = NOW + timedelta(minutes=1)
    store.upsert_many([parted("p1", kind, "World-News", now=later)], now=later)
    assert part_slug(store, kind, "p1") == "world-news"
    info = store.facet_info(Facet(kind, "world-news"), now=later)  # type: ignore[arg-type]
    assert info is not None and info.count == 1
    assert store.facet_info(Facet(kind, "world-news-2"), now=later) is None  # type: ignore[arg-type]
    # The hidden story published later gets the next number: readers saw `World-News` first.
    shown = later + timedelta(minutes=1)
    store.upsert_many([parted("d1", kind, "World News", now=shown)], now=shown)
    assert part_slug(store, kind, "d1") == "world-news-2"
    assert part_slug(store, kind, "p1") == "world-news"
    info = store.facet_info(Facet(kind, "world-news-2"), now=shown)  # type: ignore[arg-type]
    assert info is not None and info.count == 1 and info.label == "World News"
    info = store.facet_info(Facet(kind, "world-news"), now=shown)  # type: ignore[arg-type]
    assert info is not None and info.count == 1 and info.label == "World-News"


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_a_derived_section_lifted_by_the_clock_keeps_the_slug_readers_saw(
    store: Store, kind: str
) -> None:
    lift = NOW + timedelta(hours=2)
    store.upsert_many([parted("e1", kind, "World-News", now=NOW, published=lift)], now=NOW)
    store.upsert_many([parted("p1", kind, "World News", now=NOW)], now=NOW)
    assert part_slug(store, kind, "p1") == "world-news"
    assert part_slug(store, kind, "e1") == "world-news-2"
    after = lift + timedelta(minutes=1)
    store.upsert_many([parted("p2", kind, "world_news!", now=after)], now=after)
    assert part_slug(store, kind, "e1") == "world-news-2"
    assert part_slug(store, kind, "p2") == "world-news-3"
    assert visible_part_slugs(store, kind, after) == {
        label_key("World-News"): "world-news-2",
        label_key("World News"): "world-news",
        label_key("world_news!"): "world-news-3",
    }


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_a_hidden_derived_section_never_takes_a_slug_a_record_gives(
    store: Store, kind: str
) -> None:
    store.upsert_many([parted("d1", kind, "World News", now=NOW, status="draft")], now=NOW)
    later = NOW + timedelta(minutes=1)
    store.upsert_many([parted("p1", kind, "World", now=later, slug="world-news")], now=later)
    assert part_slug(store, kind, "p1") == "world-news"
    assert part_slug(store, kind, "d1") == "world-news-2"
    shown = later + timedelta(minutes=1)
    store.upsert_many([parted("d1", kind, "World News", now=shown)], now=shown)
    assert part_slug(store, kind, "d1") == "world-news-2"
    # The slug the record gave is registered for its label once the claim left it: a later
    # public label deriving the same slug does not join `World`'s feed.
    store.upsert_many([parted("p2", kind, "World-News", now=shown)], now=shown)
    assert part_slug(store, kind, "p2") == "world-news-3"
    info = store.facet_info(Facet(kind, "world-news"), now=shown)  # type: ignore[arg-type]
    assert info is not None and info.count == 1 and info.label == "World"
    # A record giving a slug itself keeps it under any label, public or not.
    store.upsert_many([parted("d2", kind, "Elsewhere", now=shown, slug="world-news-2")], now=shown)
    assert part_slug(store, kind, "d2") == "world-news-2"
    assert part_slug(store, kind, "d1") == "world-news-2"


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_a_hidden_derived_section_never_takes_a_stored_given_slug(store: Store, kind: str) -> None:
    # `World` is registered as `world`; a record then gives it `world-news` itself (not
    # registered: the label has its slug), which readers see.
    store.upsert_many([parted("p1", kind, "World", now=NOW)], now=NOW)
    store.upsert_many([parted("p2", kind, "World", now=NOW, slug="world-news")], now=NOW)
    later = NOW + timedelta(minutes=1)
    store.upsert_many([parted("d1", kind, "World News", now=later, status="draft")], now=later)
    assert part_slug(store, kind, "d1") == "world-news-2"
    shown = later + timedelta(minutes=1)
    store.upsert_many([parted("d1", kind, "World News", now=shown)], now=shown)
    assert part_slug(store, kind, "d1") == "world-news-2"
    info = store.facet_info(Facet(kind, "world-news"), now=shown)  # type: ignore[arg-type]
    assert info is not None and info.count == 1 and info.label == "World"


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_a_record_giving_a_hidden_labels_own_slug_keeps_it(store: Store, kind: str) -> None:
    store.upsert_many([parted("d1", kind, "World News", now=NOW, status="draft")], now=NOW)
    store.upsert_many(
        [parted("d2", kind, "World News", now=NOW, status="draft", slug="world-news")], now=NOW
    )
    later = NOW + timedelta(minutes=1)
    store.upsert_many([parted("p1", kind, "World-News", now=later)], now=later)
    # The record's own slug is claimed for good at once, as it always was; and stays its own.
    assert part_slug(store, kind, "d2") == "world-news"
    assert part_slug(store, kind, "d1") == "world-news"
    assert part_slug(store, kind, "p1") == "world-news-2"


def visible_part_slugs(store: Store, kind: str, now: datetime) -> dict[str, str]:
    """label key -> slug of the section (or source) of every article readers see at `now`."""
    keys = store.page_keys(Facet("all"), now=now, limit=1000)
    found = {}
    for article in store.fetch([k.id for k in keys]):
        part: Any = getattr(article, kind)
        if part is not None:
            label = part.label if kind == "section" else part.name
            found[label_key(label)] = part.slug
    return found


# -- the property --------------------------------------------------------------------------------

# Labels whose slugs collide: `foo-bar` (three labels), `foo-bar-2` (two, one of them also
# the second number of `foo-bar`), `foo`.
PROPERTY_LABELS = ("Foo Bar", "Foo-Bar", "foo_bar!", "Foo Bar 2", "foo-bar-2?", "Foo")
IDS = ("a", "b", "c", "d")


@dataclass
class Model:
    """What readers should see: each label claims, in the order readers first see it, the
    first numbered form of its slug no label seen before holds."""

    claims: dict[str, str] = field(default_factory=dict)  # label key -> slug
    articles: dict[str, tuple[str, datetime, tuple[str, ...]]] = field(default_factory=dict)

    def claim(self, label: str) -> None:
        key = label_key(label)
        if key in self.claims:
            return
        taken = set(self.claims.values())
        number = 1
        while numbered(slugify(label), number) in taken:
            number += 1
        self.claims[key] = numbered(slugify(label), number)

    def clock(self, now: datetime) -> None:
        """Claim, by the time readers first saw them, labels the clock made visible."""
        shown: dict[str, tuple[datetime, str]] = {}
        for status, published, labels in self.articles.values():
            if status == "published" and published <= now:
                for label in labels:
                    key = label_key(label)
                    if key not in self.claims and (key not in shown or published < shown[key][0]):
                        shown[key] = (published, label)
        for _, label in sorted(shown.values(), key=lambda x: (x[0], label_key(x[1]))):
            self.claim(label)


WRITES = st.tuples(
    st.sampled_from(IDS),
    st.lists(st.sampled_from(PROPERTY_LABELS), min_size=1, max_size=2, unique=True),
    st.sampled_from(("draft", "withheld", "published", "embargoed", "delete")),
    st.integers(min_value=1, max_value=90),  # minutes since the last write
    st.integers(min_value=1, max_value=120),  # an embargo's minutes ahead
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    writes=st.lists(WRITES, min_size=1, max_size=12),
    kind=st.sampled_from(("tag", "section", "source")),
)
def test_slugs_readers_see_never_depend_on_non_public_labels_nor_change(
    writes: list[tuple[str, list[str], str, int, int]], kind: str, migrated_sqlite: Path
) -> None:
    """Tags; and sections and sources whose slug the record left to derive (each article
    carries the first of its labels as its section or source)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.db"
        shutil.copyfile(migrated_sqlite, path)
        store = Store(f"sqlite:///{path}")
        try:
            _run(store, writes, kind)
        finally:
            store.dispose()


def _run(store: Store, writes: list[tuple[str, list[str], str, int, int]], kind: str) -> None:
    model = Model()
    seen: dict[str, str] = {}
    now = NOW
    for article_id, labels, state, minutes, ahead in writes:
        now += timedelta(minutes=minutes)
        model.clock(now)
        if state == "delete":
            if article_id not in model.articles:
                continue
            store.delete(article_id, now=now)
            del model.articles[article_id]
        else:
            status = "published" if state in ("published", "embargoed") else state
            published = now + timedelta(minutes=ahead) if state == "embargoed" else now
            article: Any
            if kind == "tag":
                article = labelled(
                    article_id, tuple(labels), now=now, status=status, published=published
                )
            else:
                labels = labels[:1]
                article = parted(
                    article_id, kind, labels[0], now=now, status=status, published=published
                )
            store.upsert_many([article], now=now)
            model.articles[article_id] = (status, published, tuple(labels))
            if status == "published" and published <= now:
                for label in labels:
                    model.claim(label)
        for moment in (now, now + timedelta(minutes=150)):
            check = Model(dict(model.claims), dict(model.articles))
            check.clock(moment)
            visible = (
                visible_tag_slugs(store, moment)
                if kind == "tag"
                else visible_part_slugs(store, kind, moment)
            )
            assert visible == {key: check.claims[key] for key in visible}, (moment, writes)
            if moment == now:  # what readers saw: never changed by any later write
                for key, slug in visible.items():
                    assert seen.setdefault(key, slug) == slug, (key, writes)
            if kind == "tag":
                listed = {v for k, _, _, v in store.label_slugs(now=moment) if k == "tag"}
                assert listed == set(check.claims.values()), (moment, writes)
            facets = {i.facet.value for i in store.facets(now=moment) if i.facet.kind == kind}
            assert facets == set(visible.values())
