"""An embargo shortens the max-age of exactly the documents its lift changes.

README: "no cache header outside the feeds it will join says that it is coming". A cache
may keep a document `max-age` seconds, so a document the lift changes must not be kept past
it; any other document's headers must not move as the lift nears, or they tell anyone who
asks that an embargoed story exists and when it appears. The rule is checked as it is
stated, on every kind of document the app serves (feeds, archives, the index and facet
pages, article pages, OPML, robots.txt, the sitemap index, the news and monthly sitemaps):
capped before the lift if and only if its bytes after the lift differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.model import Section, Tag, Translation
from tests.fixtures.app import NOW, Clock, article, default_articles

SITE = "https://news.example.com"
CACHE_MAX_AGE = 300
PATHS = (
    "/",
    "/feeds.opml",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemaps/news.xml",
    "/sitemaps/articles-2025-07.xml",
    "/sitemaps/articles-2025-08.xml",
    "/section/asia",
    "/section/world",
    "/section/culture",
    "/tag/korea",
    "/articles/aug-1",
    "/articles/jul-1",
    "/articles/jul-3",
    "/feeds/section/world/archive/2025-07.rss",
    "/feeds/all.atom",
    "/feeds/section/asia.rss",
    "/feeds/section/world.atom",
    "/feeds/section/culture.json",
    "/feeds/tag/korea.atom",
    "/feeds/all/archive/2025-07.atom",
    "/feeds/all/archive/2025-08.rss",
)


@dataclass(frozen=True)
class Embargo:
    section: str
    tags: tuple[str, ...]
    seconds: int  # before the lift, when the documents are first asked for
    written_before: bool  # its `updated` is when it was written, not its publish time
    news: bool  # another story is in the news sitemap already
    # a visible article it names as its other-language version (it is English; they are
    # Korean): the pages and feeds showing that article gain its hreflang link at the lift,
    # settled archives of a past month included
    translates: str | None = None


embargoes = st.builds(
    Embargo,
    section=st.sampled_from(["asia", "world", "culture"]),
    tags=st.sampled_from([(), ("korea",), ("weather",)]),
    seconds=st.integers(5, CACHE_MAX_AGE - 5),
    written_before=st.booleans(),
    news=st.booleans(),
    translates=st.sampled_from([None, "jul-1", "jul-3", "aug-1"]),
)


def max_age(cache_control: str) -> int | None:
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name == "max-age":
            return int(value)
    return None


@settings(
    max_examples=20,
    deadline=None,
    # Each example builds its own app (make_app gives a new instance folder every call).
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(embargo=embargoes)
# The instance found: an embargoed English version of a July story; at its lift the July
# archives and the story's page gain its link, and they were sent for a day and 300 s.
@example(embargo=Embargo("world", (), 60, written_before=True, news=False, translates="jul-3"))
def test_max_age_is_capped_by_a_lift_exactly_when_the_lift_changes_the_document(
    make_app: Callable[..., Flask], clock: Clock, embargo: Embargo
) -> None:
    lift = NOW + timedelta(minutes=10)
    stories = [a for a in default_articles() if a.id != "embargoed"]
    stories.append(
        article(
            "coming",
            lift,
            updated=NOW - timedelta(days=3) if embargo.written_before else lift,
            section=Section(embargo.section, embargo.section.title()),
            tags=tuple(Tag(slug, slug.title()) for slug in embargo.tags),
            language="en" if embargo.translates else "ko",
            translations=(Translation(embargo.translates),) if embargo.translates else (),
        )
    )
    if embargo.news:
        stories.append(article("recent", NOW - timedelta(hours=1)))
    clock.now = NOW
    client = make_app(stories, site_url=SITE, cache_max_age=CACHE_MAX_AGE).test_client()
    clock.now = lift - timedelta(seconds=embargo.seconds)
    before = {path: client.get(path) for path in PATHS}
    clock.now = lift + timedelta(seconds=1)
    after = {path: client.get(path) for path in PATHS}
    for path in PATHS:
        response = before[path]
        if response.status_code != 200:
            assert response.headers["Cache-Control"] == "no-cache", path
            continue
        age = max_age(response.headers["Cache-Control"])
        assert age is not None, path
        capped = age <= embargo.seconds
        changed = (after[path].status_code, after[path].data) != (200, response.data)
        assert capped == changed, (path, age, "changed" if changed else "unchanged")
