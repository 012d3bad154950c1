"""The entry memo (feeds.entry_memo.EntryMemo): a built entry is reused only when a build would give
exactly the same entry, and the memo stays within its bound."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.model import Article, Author, Image, article_from_dict, article_to_dict
from feeds.entry_build import build_entry
from feeds.entry_memo import EntryMemo
from feeds.feed_types import Person
from feeds.writers import FORMATS, render
from tests.fixtures.feeds import BASE_URL, article_page, edge_articles, make_feed

AUTHOR = Person("TRT 한국어 뉴스")


def fetched(article: Article) -> Article:
    """A fresh, equal copy, as Store.fetch decodes it from the stored JSON."""
    return article_from_dict(json.loads(json.dumps(article_to_dict(article))))


def entry(article: Article, memo: EntryMemo | None, base_url: str = BASE_URL) -> object:
    return build_entry(
        article,
        article_url=article_page,
        base_url=base_url,
        default_author=AUTHOR,
        memo=memo,
    )


def test_an_equal_article_reuses_the_entry_built_before() -> None:
    memo = EntryMemo()
    seed = edge_articles()[1]
    first = entry(seed, memo)
    again = entry(fetched(seed), memo)
    assert again is first
    assert repr(again) == repr(entry(seed, None))


def test_documents_built_through_a_warm_memo_have_the_bytes_of_a_fresh_build() -> None:
    memo = EntryMemo()
    make_feed(memo=memo)
    warm = make_feed([fetched(a) for a in edge_articles()], memo=memo)
    fresh = make_feed(memo=None)
    assert len(memo) > 0
    for fmt in FORMATS:
        assert render(warm, fmt) == render(fresh, fmt)


# A change a newsroom can make without changing `updated` (a takedown or correction re-sent
# with the same stamp is still a change, articles.store), one per field the entry reads.
CHANGES = {
    "title": lambda a: replace(a, title=a.title + " (corrected)"),
    "summary": lambda a: replace(a, summary="A new standfirst"),
    "body": lambda a: replace(a, body_html=a.body_html + "<p>Correction.</p>"),
    "url": lambda a: replace(a, url="https://example.org/moved"),
    "guid": lambda a: replace(a, guid=f"{a.guid}-2"),
    "authors": lambda a: replace(a, authors=(Author("Someone Else", "someone-else"),)),
    "image": lambda a: replace(a, image=Image("/img/other.jpg", alt="Other")),
    "rights": lambda a: replace(a, rights="© Another"),
    "language": lambda a: replace(a, language="en"),
    "tags": lambda a: replace(a, tags=()),
    "published offset": lambda a: replace(
        a, published=a.published.astimezone(timezone(timedelta(hours=-5)))
    ),
    "updated offset": lambda a: replace(a, updated=a.updated.astimezone(UTC)),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_article_with_the_same_id_and_updated_is_built_again(change: str) -> None:
    memo = EntryMemo()
    seed = edge_articles()[1]
    entry(seed, memo)
    changed = CHANGES[change](seed)
    assert changed.id == seed.id and changed.updated == seed.updated
    # repr: datetimes of one instant in two offsets are equal, but written differently.
    assert repr(entry(changed, memo)) == repr(entry(changed, None))
    assert repr(entry(changed, memo)) != repr(entry(seed, None))


def test_another_base_url_or_article_page_is_another_entry() -> None:
    memo = EntryMemo()
    article = replace(edge_articles()[1], url=None)
    entry(article, memo)
    elsewhere = entry(article, memo, base_url="https://news.example.com/ko")
    assert elsewhere == entry(article, None, base_url="https://news.example.com/ko")
    moved = build_entry(
        article,
        article_url=lambda a: f"/stories/{a.id}",
        base_url=BASE_URL,
        default_author=AUTHOR,
        memo=memo,
    )
    assert moved is not None and moved.link == f"{BASE_URL}/stories/{article.id}"


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=len(edge_articles()) - 1),
    changes=st.lists(st.sampled_from(sorted(CHANGES)), max_size=3),
)
def test_whatever_was_memoised_before_an_entry_is_what_a_fresh_build_gives(
    index: int, changes: list[str]
) -> None:
    memo = EntryMemo()
    article = edge_articles()[index]
    versions = [article]
    for change in changes:
        versions.append(CHANGES[change](versions[-1]))
    for version in versions:
        entry(version, memo)
    for version in reversed(versions):
        assert repr(entry(fetched(version), memo)) == repr(entry(version, None))


def test_the_memo_keeps_within_its_bound_dropping_the_least_recently_used() -> None:
    memo = EntryMemo(max_chars=64_000)
    base = edge_articles()[1]
    articles = [
        replace(base, id=f"a{i}", guid=f"tag:x,2025:a{i}", body_html="<p>" + "x" * 1_500 + "</p>")
        for i in range(40)
    ]
    built = []
    for article in articles:
        built.append(entry(article, memo))
        assert memo._chars <= memo.max_chars
    assert 0 < len(memo) < len(articles)
    assert entry(articles[-1], memo) is built[-1]  # kept
    assert entry(articles[0], memo) is not built[0]  # dropped first, so built again


def test_a_body_larger_than_a_sixteenth_of_the_bound_is_never_kept() -> None:
    memo = EntryMemo(max_chars=16_000)
    big = replace(edge_articles()[1], body_html="<p>" + "y" * 2_000 + "</p>")
    entry(big, memo)
    assert len(memo) == 0
    with pytest.raises(ValueError, match="max_chars"):
        EntryMemo(max_chars=-1)
