"""The store: upsert rules, visibility at a given `now`, feed queries by facet, delete."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from articles.errors import ArticleNotFound, GuidConflict, InvalidArticle, InvalidValue
from articles.model import Author, Section, Source, Tag
from articles.store import ALL, EntryKey, Facet, Store, month_bounds
from tests.fixtures.store import T0, make_article

LATER = T0 + timedelta(days=365)
KST = timezone(timedelta(hours=9))


def keys(store: Store, facet: Facet = ALL, now: datetime = LATER, **kw: int) -> list[str]:
    return [
        k.id
        for k in store.page_keys(
            facet, now=now, limit=kw.get("limit", 50), offset=kw.get("offset", 0)
        )
    ]


def test_new_article_is_stored_and_read_back_unchanged_with_its_offset(store: Store) -> None:
    article = make_article(
        published=datetime(2025, 7, 30, 10, 0, tzinfo=KST),
        updated=datetime(2025, 7, 30, 11, 30, tzinfo=KST),
    )
    result = store.upsert_many([article])
    assert (result.new, result.updated, result.unchanged) == (1, 0, 0)
    stored = store.get("a1")
    assert stored == article
    assert stored is not None and stored.published.utcoffset() == timedelta(hours=9)
    assert store.get("missing") is None


def test_reimporting_the_same_records_changes_nothing(store: Store) -> None:
    batch = [make_article(f"a{i}", minutes=i) for i in range(3)]
    store.upsert_many(batch)
    result = store.upsert_many(batch)
    assert (result.new, result.updated, result.unchanged) == (0, 0, 3)
    assert result.affected == frozenset()


def test_newer_updated_replaces_but_keeps_the_stored_guid(store: Store) -> None:
    store.upsert_many([make_article(title="old")])
    newer = make_article(title="new", guid="tag:other,2030:a1", updated=T0 + timedelta(hours=1))
    result = store.upsert_many([newer])
    assert (result.new, result.updated, result.unchanged) == (0, 1, 0)
    stored = store.get("a1")
    assert stored is not None
    assert stored.title == "new"
    assert stored.guid == "tag:feeds.example.org,2025:a1"


def test_an_older_record_is_skipped_and_named_by_position(store: Store) -> None:
    store.upsert_many([make_article(title="kept", updated=T0 + timedelta(hours=1))])
    result = store.upsert_many(
        [make_article("b1"), make_article(title="older", updated=T0), make_article("b2")]
    )
    assert (result.new, result.updated, result.unchanged, result.skipped) == (2, 0, 0, 1)
    assert result.older == (1,)
    stored = store.get("a1")
    assert stored is not None and stored.title == "kept"


def test_the_same_record_again_is_unchanged_whatever_its_spelling(store: Store) -> None:
    seoul = timezone(timedelta(hours=9))
    first = make_article(updated=T0 + timedelta(hours=1))
    store.upsert_many([first])
    # The same instants in another offset, and no guid (a re-import): the same version.
    again = replace(
        first,
        guid=None,
        published=first.published.astimezone(seoul),
        updated=first.updated.astimezone(seoul),
    )
    result = store.upsert_many([replace(again, guid=first.guid)])
    assert (result.updated, result.unchanged, result.affected) == (0, 1, frozenset())


@pytest.mark.parametrize(
    "change",
    [
        {"status": "withheld"},
        {"status": "draft"},
        {"title": "corrected"},
        {"body_html": "<p>corrected</p>"},
        {"tags": ()},
    ],
)
def test_different_content_at_the_same_updated_is_a_change(
    store: Store, change: dict[str, Any]
) -> None:
    """A takedown or correction sent without a new `updated` is never "unchanged"."""
    store.upsert_many([make_article()])
    result = store.upsert_many([make_article(**change)])
    assert (result.updated, result.unchanged) == (1, 0)
    stored = store.get("a1")
    assert stored is not None
    for name, value in change.items():
        assert getattr(stored, name) == value


@pytest.mark.parametrize("changes", [1, 2, 3])
def test_a_change_at_the_same_updated_moves_what_validators_see(store: Store, changes: int) -> None:
    """A change sent without a new `updated` moves the feed's keys (what its ETag and order
    come from) past the stored version, every time, while the document keeps the stated time;
    the same record again changes nothing, and an older one is still skipped."""
    store.upsert_many([make_article()])
    keys = [store.page_keys(ALL, now=T0 + timedelta(days=1), limit=5)]
    for n in range(1, changes + 1):
        result = store.upsert_many([make_article(title=f"corrected {n}")])
        assert (result.updated, result.unchanged) == (1, 0)
        keys.append(store.page_keys(ALL, now=T0 + timedelta(days=1), limit=5))
        again = store.upsert_many([make_article(title=f"corrected {n}")])
        assert (again.updated, again.unchanged, again.skipped) == (0, 1, 0)
    assert len(set(map(tuple, keys))) == changes + 1  # every change, new keys
    stored = store.get("a1")
    assert stored is not None and stored.title == f"corrected {changes}"
    assert stored.updated == make_article().updated  # the time the record states
    older = make_article(title="older", updated=make_article().updated - timedelta(seconds=1))
    assert store.upsert_many([older]).skipped == 1


def test_changes_at_the_same_updated_within_one_call_apply_in_order(store: Store) -> None:
    store.upsert_many([make_article()])
    before = store.page_keys(ALL, now=T0 + timedelta(days=1), limit=5)
    result = store.upsert_many([make_article(title="one"), make_article(title="two")])
    assert result.updated == 2
    stored = store.get("a1")
    assert stored is not None and stored.title == "two"
    assert store.page_keys(ALL, now=T0 + timedelta(days=1), limit=5) != before


def test_new_article_without_guid_is_refused_with_its_id(store: Store) -> None:
    with pytest.raises(InvalidArticle, match="article 'x9': guid: must be set") as caught:
        store.upsert_many([make_article("x9", guid=None)])
    assert caught.value.article_id == "x9"


def test_a_failing_batch_writes_nothing_even_across_chunks(store: Store) -> None:
    batch = [make_article(f"a{i:04d}") for i in range(1200)] + [make_article("bad", guid=None)]
    with pytest.raises(InvalidArticle):
        store.upsert_many(batch)
    assert store.count() == 0


def test_guid_taken_by_another_article_is_refused(store: Store) -> None:
    store.upsert_many([make_article("a1")])
    clash = make_article("a2", guid="tag:feeds.example.org,2025:a1")
    with pytest.raises(
        GuidConflict, match="'a2': guid: .* already belongs to stored article 'a1'"
    ) as caught:
        store.upsert_many([clash])
    assert (caught.value.article_id, caught.value.other_id, caught.value.stored) == (
        "a2",
        "a1",
        True,
    )
    twins = [make_article("b1", guid="tag:x,2025:b"), make_article("b2", guid="tag:x,2025:b")]
    with pytest.raises(GuidConflict, match="also the guid of article 'b1'") as caught:
        store.upsert_many(twins)
    assert (caught.value.article_id, caught.value.other_id, caught.value.stored) == (
        "b2",
        "b1",
        False,
    )


def test_repeated_id_in_one_input_follows_the_updated_rule_in_order(store: Store) -> None:
    batch = [
        make_article(title="first"),
        make_article(title="newer", updated=T0 + timedelta(hours=2)),
        make_article(title="older again", updated=T0 + timedelta(hours=1)),
    ]
    result = store.upsert_many(batch)
    assert (result.new, result.updated, result.unchanged, result.skipped) == (1, 1, 0, 1)
    assert result.older == (2,)
    stored = store.get("a1")
    assert stored is not None and stored.title == "newer"


def test_affected_facets_name_old_and_new_feeds_of_a_changed_article(store: Store) -> None:
    store.upsert_many(
        [make_article(section=Section("asia", "아시아"), tags=(Tag("japan", "일본"),))]
    )
    moved = make_article(
        section=Section("world", "세계"),
        tags=(Tag("korea", "한국"),),
        authors=(Author("Kim", "kim"),),
        source=None,
        updated=T0 + timedelta(hours=1),
    )
    affected = store.upsert_many([moved]).affected
    assert affected == {
        ALL,
        Facet("section", "asia"),
        Facet("section", "world"),
        Facet("tag", "japan"),
        Facet("tag", "korea"),
        Facet("author", "trt-korean"),
        Facet("author", "kim"),
        Facet("language", "ko"),
        Facet("source", "aa"),
    }


def test_drafts_touch_no_feed_when_written(store: Store) -> None:
    result = store.upsert_many([make_article(status="draft")])
    assert result.new == 1
    assert result.affected == frozenset()


def test_only_published_articles_at_or_before_now_are_visible(store: Store) -> None:
    store.upsert_many(
        [
            make_article("live", minutes=0),
            make_article("draft", minutes=1, status="draft"),
            make_article("withheld", minutes=2, status="withheld"),
            make_article("embargoed", minutes=60),
        ]
    )
    now = T0 + timedelta(minutes=30)
    assert keys(store, now=now) == ["live"]
    assert keys(store, now=T0) == ["live"]  # published == now is visible
    assert store.count_visible(ALL, now=now) == 1
    # The embargo lifts by itself: no write, just a later `now`.
    assert keys(store, now=T0 + timedelta(minutes=60)) == ["embargoed", "live"]


def test_next_visibility_change_is_the_earliest_embargo_after_now(store: Store) -> None:
    store.upsert_many(
        [
            make_article("live"),
            make_article("soon", minutes=10),
            make_article("later", minutes=20),
            make_article("draft", minutes=5, status="draft"),
        ]
    )
    assert store.next_visibility_change(now=T0) == T0 + timedelta(minutes=10)
    assert store.next_visibility_change(now=T0 + timedelta(minutes=10)) == T0 + timedelta(
        minutes=20
    )
    assert store.next_visibility_change(now=LATER) is None


def test_page_keys_are_newest_first_with_id_breaking_ties_and_page_by_offset(store: Store) -> None:
    store.upsert_many(
        [make_article("b", minutes=5), make_article("a", minutes=5), make_article("c", minutes=1)]
        + [make_article(f"z{i}", minutes=-i) for i in range(1, 4)]
    )
    assert keys(store) == ["b", "a", "c", "z1", "z2", "z3"]
    assert keys(store, limit=2, offset=2) == ["c", "z1"]
    first = store.page_keys(ALL, now=LATER, limit=1)[0]
    assert first == EntryKey(
        "b", "tag:feeds.example.org,2025:b", T0 + timedelta(minutes=5), T0 + timedelta(minutes=5)
    )
    assert first.published.tzinfo is not None


def test_each_facet_selects_its_own_articles(store: Store) -> None:
    store.upsert_many(
        [
            make_article("asia-1", minutes=1),
            make_article(
                "world-1",
                minutes=2,
                section=Section("world", "세계"),
                tags=(Tag("korea", "한국"), Tag("japan", "일본")),
                authors=(Author("Kim", "kim"),),
                source=Source("Yonhap", "yonhap"),
                language="en",
            ),
            make_article("asia-2", minutes=3, tags=(), authors=(), source=None),
        ]
    )
    assert keys(store, Facet("section", "asia")) == ["asia-2", "asia-1"]
    assert keys(store, Facet("section", "world")) == ["world-1"]
    assert keys(store, Facet("tag", "japan")) == ["world-1", "asia-1"]
    assert keys(store, Facet("tag", "korea")) == ["world-1"]
    assert keys(store, Facet("author", "kim")) == ["world-1"]
    assert keys(store, Facet("author", "trt-korean")) == ["asia-1"]
    assert keys(store, Facet("language", "en")) == ["world-1"]
    assert keys(store, Facet("language", "ko")) == ["asia-2", "asia-1"]
    assert keys(store, Facet("source", "yonhap")) == ["world-1"]
    assert keys(store, Facet("tag", "nothing")) == []
    assert store.count_visible(Facet("tag", "japan"), now=LATER) == 2


def test_a_tag_feed_follows_status_and_embargo_changes_of_its_articles(store: Store) -> None:
    store.upsert_many([make_article("a1")])
    store.upsert_many([make_article("a1", status="withheld", updated=T0 + timedelta(hours=1))])
    assert keys(store, Facet("tag", "japan")) == []
    assert keys(store, Facet("author", "trt-korean")) == []
    store.upsert_many(
        [make_article("a1", published=LATER + timedelta(days=1), updated=T0 + timedelta(hours=2))]
    )
    assert keys(store, Facet("tag", "japan")) == []
    assert keys(store, Facet("tag", "japan"), now=LATER + timedelta(days=2)) == ["a1"]


def test_fetch_returns_articles_in_the_order_asked_and_skips_unknown_ids(store: Store) -> None:
    store.upsert_many([make_article(i, minutes=n) for n, i in enumerate(["a", "b", "c"])])
    assert [a.id for a in store.fetch(["c", "a", "gone", "b"])] == ["c", "a", "b"]
    assert store.fetch([]) == []


def test_facet_info_and_facets_report_label_count_and_latest(store: Store) -> None:
    store.upsert_many(
        [
            # Three spellings of one label: the feed is titled as its newest visible article.
            make_article("a1", minutes=1, tags=(Tag("japan", "japan"),)),
            make_article("a2", minutes=2, tags=(Tag("japan", "Japan"),)),
            make_article("future", minutes=10_000_000, tags=(Tag("japan", "JAPAN"),)),
        ]
    )
    now = T0 + timedelta(days=1)
    info = store.facet_info(Facet("tag", "japan"), now=now)
    assert info is not None
    assert (info.label, info.count, info.latest) == ("Japan", 2, T0 + timedelta(minutes=2))
    assert store.facet_info(Facet("tag", "none"), now=now) is None
    facets = {i.facet: i for i in store.facets(now=now)}
    assert list(facets)[0] == ALL
    assert facets[ALL].count == 2
    assert facets[Facet("tag", "japan")].label == "Japan"
    assert facets[Facet("tag", "japan")].count == 2
    assert facets[Facet("section", "asia")].label == "아시아"
    assert facets[Facet("author", "trt-korean")].label == "TRT 한국어"
    assert facets[Facet("source", "aa")].label == "AA"
    assert facets[Facet("language", "ko")].count == 2


def test_months_and_month_keys_walk_the_archive_in_utc_months(store: Store) -> None:
    store.upsert_many(
        [
            make_article("jun", published=datetime(2025, 6, 30, 23, 59, tzinfo=UTC)),
            # 2025-08-01 05:00 in Seoul is still July in UTC.
            make_article("jul-kst", published=datetime(2025, 8, 1, 5, 0, tzinfo=KST)),
            make_article("jul", published=datetime(2025, 7, 1, 0, 0, tzinfo=UTC)),
            make_article("mar", published=datetime(2025, 3, 15, tzinfo=UTC), tags=()),
        ]
    )
    assert store.months(ALL, now=LATER) == ["2025-07", "2025-06", "2025-03"]
    assert store.months(Facet("tag", "japan"), now=LATER) == ["2025-07", "2025-06"]
    assert [k.id for k in store.month_keys(ALL, "2025-07", now=LATER)] == ["jul-kst", "jul"]
    assert store.month_keys(ALL, "2025-05", now=LATER) == []
    with pytest.raises(InvalidValue, match="month: expected YYYY-MM, got '2025-7'"):
        month_bounds("2025-7")


def test_delete_removes_the_article_from_every_feed_and_leaves_a_tombstone(store: Store) -> None:
    store.upsert_many([make_article("a1"), make_article("a2", minutes=1)])
    deleted_at = T0 + timedelta(days=2)
    affected = store.delete("a1", now=deleted_at)
    assert Facet("tag", "japan") in affected and ALL in affected
    assert store.get("a1") is None
    assert keys(store, Facet("tag", "japan")) == ["a2"]
    assert keys(store, Facet("author", "trt-korean")) == ["a2"]
    assert store.tombstones() == [("a1", "tag:feeds.example.org,2025:a1", deleted_at)]


def test_the_next_tombstone_end_is_the_earliest_removal_within_the_period_plus_it(
    store: Store,
) -> None:
    """`next_tombstone_end`: when, after `now`, the first tombstone kept for `period` drops out
    of its feed (what `flask feeds export --follow` wakes for); None when none is left."""
    store.upsert_many([make_article(f"a{n}", minutes=n) for n in range(3)])
    removed = [T0 + timedelta(days=2, hours=n) for n in range(3)]
    for n, moment in enumerate(removed):
        store.delete(f"a{n}", now=moment)
    period = timedelta(days=1)
    assert store.next_tombstone_end(now=removed[0], period=period) == removed[0] + period
    after_first = removed[0] + period
    assert store.next_tombstone_end(now=after_first, period=period) == removed[1] + period
    assert store.next_tombstone_end(now=removed[2] + period, period=period) is None


def test_deleting_an_unknown_id_raises_article_not_found(store: Store) -> None:
    with pytest.raises(ArticleNotFound, match="no article with id 'nope'"):
        store.delete("nope")


def test_storing_a_deleted_id_again_lifts_its_tombstone(store: Store) -> None:
    store.upsert_many([make_article("a1")])
    store.delete("a1")
    assert store.upsert_many([make_article("a1")]).new == 1
    assert store.tombstones() == []


def test_rolled_back_transaction_keeps_nothing(store: Store) -> None:
    with store.transaction() as tx:
        tx.upsert_many([make_article("a1")])
        tx.rollback()
        with pytest.raises(RuntimeError, match="rolled back"):
            tx.upsert_many([make_article("a2")])
    assert store.count() == 0


def test_list_articles_filters_any_status_for_the_admin(store: Store) -> None:
    store.upsert_many(
        [
            make_article("a1", minutes=1),
            make_article("a2", minutes=2, status="draft"),
            make_article("a3", minutes=3, section=Section("world", "세계"), tags=()),
        ]
    )
    assert [a.id for a in store.list_articles()] == ["a3", "a2", "a1"]
    assert [a.id for a in store.list_articles(status="draft")] == ["a2"]
    assert [a.id for a in store.list_articles(section="asia")] == ["a2", "a1"]
    assert [a.id for a in store.list_articles(tag="japan", limit=1)] == ["a2"]
    assert [a.id for a in store.list_articles(language="en")] == []


def test_equal_publish_times_are_ordered_by_id_bytes_on_every_backend(store: Store) -> None:
    ids = ["a-2", "a1", "B", "b", "가"]
    store.upsert_many([make_article(i) for i in ids])
    assert keys(store) == sorted(ids, key=lambda i: i.encode(), reverse=True)


def test_list_articles_merges_statuses_in_feed_order_and_pages(store: Store) -> None:
    statuses = ["published", "draft", "withheld"]
    store.upsert_many(
        [
            make_article(
                f"a{i}",
                minutes=i,
                status=statuses[i % 3],
                authors=(Author("Kim", "kim"),) if i % 2 else (),
            )
            for i in range(10)
        ]
    )
    assert [a.id for a in store.list_articles(limit=4, offset=3)] == ["a6", "a5", "a4", "a3"]
    assert [a.id for a in store.list_articles(author="kim", tag="japan", limit=3)] == [
        "a9",
        "a7",
        "a5",
    ]
    assert [a.id for a in store.list_articles(author="kim", status="draft")] == ["a7", "a1"]


def _every_facet(store: Store) -> set[Facet]:
    facets = {ALL}
    for article in store.list_articles(limit=1000):
        facets |= {
            Facet("language", article.language),
            *(Facet("tag", t.slug) for t in article.tags),
            *(Facet("author", au.slug) for au in article.authors),
        }
        if article.section:
            facets.add(Facet("section", article.section.slug))
        if article.source:
            facets.add(Facet("source", article.source.slug))
    return facets | {Facet("section", "asia"), Facet("tag", "japan"), Facet("tag", "korea")}


def test_counts_stay_equal_to_the_rows_through_moves_status_changes_and_deletes(
    store: Store,
) -> None:
    hour = timedelta(hours=1)
    store.upsert_many(
        [
            make_article(f"a{i}", minutes=i * 30, status="draft" if i % 4 == 0 else "published")
            for i in range(12)
        ]
    )
    store.upsert_many(
        [
            # Moved to another section, tag set and source.
            make_article(
                "a1",
                minutes=30,
                section=Section("world", "세계"),
                tags=(Tag("korea", "한국"), Tag("korea", "한국")),
                source=None,
                updated=T0 + 10 * hour,
            ),
            make_article("a2", minutes=60, status="withheld", updated=T0 + 10 * hour),
            make_article("a4", minutes=120, status="published", updated=T0 + 10 * hour),
            make_article("a5", published=T0 + 48 * hour, updated=T0 + 48 * hour),  # embargoed
            make_article("a6", minutes=180, updated=T0),  # older: unchanged
        ]
    )
    store.delete("a3")
    store.delete("a8")  # a draft
    for now in (T0 - hour, T0 + 2 * hour, T0 + 5 * hour, T0 + 50 * hour):
        for facet in _every_facet(store):
            expected = len(store.page_keys(facet, now=now, limit=1000))
            assert store.count_visible(facet, now=now) == expected, (facet, now)
        listed = {info.facet: info.count for info in store.facets(now=now)}
        assert listed == {
            f: n for f in _every_facet(store) if (n := len(store.page_keys(f, now=now, limit=1000)))
        }


def test_an_entry_taken_out_of_one_feed_leaves_a_tombstone_there_alone(store: Store) -> None:
    """RFC 6721 per feed: readers of the tag feed are told the entry left it, however visible
    it stays elsewhere; a write putting it back there visible drops that tombstone; put back
    there under an embargo, the tombstone shows until the embargo ends by the clock."""
    japan, china = Facet("tag", "japan"), Facet("tag", "china")

    def shown(facet: Facet, now: datetime) -> list[str]:
        return [t.guid for t in store.feed_tombstones(facet, now=now, since=T0)]

    store.upsert_many([make_article("a1"), make_article("a2", minutes=1)], now=T0)
    moved = T0 + timedelta(hours=1)
    out = make_article("a1", tags=(Tag("china", "중국"),), updated=moved)
    assert japan in store.upsert_many([out], now=moved).affected
    later = moved + timedelta(hours=1)
    assert shown(japan, later) == ["tag:feeds.example.org,2025:a1"]
    assert shown(ALL, later) == [] and shown(china, later) == []
    assert keys(store, japan, now=later) == ["a2"]
    # Back under an embargo: still out of the feed for readers until it lifts, with no write.
    back = moved + timedelta(hours=2)
    lift = back + timedelta(hours=1)
    again = make_article("a1", updated=back, published=lift, embargoed=lift)
    store.upsert_many([again], now=back)
    assert shown(japan, back + timedelta(minutes=1)) == ["tag:feeds.example.org,2025:a1"]
    assert shown(china, back + timedelta(minutes=1)) == ["tag:feeds.example.org,2025:a1"]
    assert shown(japan, lift) == [] and shown(china, lift) == ["tag:feeds.example.org,2025:a1"]
    # Withdrawn, then moved while hidden, then published again: it never comes back to china.
    hidden_at = lift + timedelta(hours=1)
    store.upsert_many([replace(again, status="withheld", updated=hidden_at)], now=hidden_at)
    assert shown(japan, hidden_at) == ["tag:feeds.example.org,2025:a1"]
    moved_again = hidden_at + timedelta(minutes=5)
    elsewhere = replace(again, status="withheld", tags=(), updated=moved_again)
    store.upsert_many([elsewhere], now=moved_again)
    public_again = moved_again + timedelta(minutes=5)
    store.upsert_many(
        [replace(elsewhere, status="published", updated=public_again)], now=public_again
    )
    assert shown(japan, public_again) == ["tag:feeds.example.org,2025:a1"]
    assert shown(ALL, public_again) == []
