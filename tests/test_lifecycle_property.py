"""Property: any sequence of creates, corrections, withdrawals, deletions and embargoes, with
the clock moving, keeps every promise readers and the hub are given.

After every step, over every URL a reader can reach (feeds in all formats, paged and
archived, facet and article pages, the index, OPML, sitemaps):

- no non-public article (a draft, withheld, deleted or still embargoed) shows, and no facet
  name that only such articles have; nothing readers never saw is ever announced to the hub;
- every feed is valid: RFC 4287 schema, feedparser without bozo, the JSON Feed 1.1 schema;
- `Last-Modified` of each URL never goes backwards;
- each Atom feed carries a tombstone for exactly the entries readers had seen in it that left
  it within the tombstone period (deleted, withdrawn, embargoed again, or taken out of that
  feed alone by a change of section or tags), dated when they left, and not visible there.

The model below is written from the rules, not from the code: an article is public when its
status is published and its publish time has come; readers saw it if it was public at any
moment; it leaves a tombstone in each feed a write takes it out of while it is public there.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import feedparser
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from lxml import etree
from werkzeug.http import parse_date

from articles.changes import Change
from articles.cli import SERVICE_KEY
from articles.model import Article, Section, Tag
from articles.service import ArticleService
from feeds import create_app
from feeds.lifts import announce_lifts
from tests.fixtures.app import Clock
from tests.fixtures.schemas import ATOM_SCHEMA, JSON_FEED

AT = "{http://purl.org/atompub/tombstones/1.0}"
START = datetime(2025, 8, 10, 12, 0, tzinfo=UTC)
IDS = ("story-alpha", "story-bravo", "story-charlie")
SECTIONS = ("asia", "world")
TOMBSTONE_DAYS = 2


@dataclass
class Model:
    """What the rules say about one stored article."""

    article: Article
    seen: bool = False


def feeds_of(article: Article) -> set[str]:
    """The feeds (as their paths under /feeds/ name them) the article is an entry of."""
    feeds = {"all", *(f"tag/{tag.slug}" for tag in article.tags)}
    if article.section is not None:
        feeds.add(f"section/{article.section.slug}")
    return feeds


def guid(article_id: str) -> str:
    return f"tag:feeds.example.org,2025:article/{article_id}"


class Lifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp(prefix="lifecycle-")
        self.clock = Clock(START)
        self.app = create_app(
            {
                "TESTING": True,
                "FEEDS_CLOCK": self.clock,
                "FEEDS_INSTANCE_PATH": self.folder,
                "load_samples": False,
                "response_memo_ms": 0,
                "site_url": "https://news.example.com",
                "tombstone_days": TOMBSTONE_DAYS,
            }
        )
        self.client = self.app.test_client()
        self.service: ArticleService = self.app.extensions[SERVICE_KEY]
        self.announced: list[Change] = []
        self.service.listeners.subscribe(self.announced.append)
        self.stored: dict[str, Model] = {}
        # (feed, guid) -> when a write took the entry out of that feed while it was public
        self.stones: dict[tuple[str, str], datetime] = {}
        self.gone: set[str] = set()  # ids deleted while readers could see them: pages say 410
        self.modified: dict[str, datetime] = {}
        self.versions = 0

    def teardown(self) -> None:
        self.app.extensions["feeds.store"].dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the model ----------------------------------------------------------------------------

    def public(self, article: Article | None) -> bool:
        return article is not None and article.is_visible_at(self.clock.now)

    def write(self, article_id: str, new: Article | None) -> None:
        """Record a write in the model: tombstones per the rules, then see what is public."""
        before = self.stored.get(article_id)
        was_public = before is not None and self.public(before.article)
        if new is None:
            self.stored.pop(article_id, None)
            if was_public:
                self.gone.add(article_id)
        else:
            self.stored[article_id] = Model(new, seen=before.seen if before else False)
            self.gone.discard(article_id)
        before_in = feeds_of(before.article) if was_public and before else set()
        after_in = feeds_of(new) if new is not None and self.public(new) else set()
        for feed in before_in - after_in:
            self.stones[(feed, guid(article_id))] = self.clock.now
        for feed in after_in:
            self.stones.pop((feed, guid(article_id)), None)
        self.look()

    def stoned(self, ref: str) -> bool:
        return any(g == ref for _, g in self.stones)

    def look(self) -> None:
        for model in self.stored.values():
            if self.public(model.article):
                model.seen = True

    def title(self, article_id: str) -> str:
        self.versions += 1
        return f"Title of {article_id} v{self.versions}"

    # -- the rules ----------------------------------------------------------------------------

    @initialize(section=st.sampled_from(SECTIONS))
    def a_public_story(self, section: str) -> None:
        """One story readers see from the start, so the steps change what they saw."""
        self.create(IDS[0], section, None, False)

    @rule(
        article_id=st.sampled_from(IDS),
        section=st.sampled_from(SECTIONS),
        embargo_minutes=st.one_of(st.none(), st.integers(1, 180)),
        draft=st.booleans(),
    )
    def create(
        self, article_id: str, section: str, embargo_minutes: int | None, draft: bool
    ) -> None:
        if article_id in self.stored:
            return
        now = self.clock.now
        published = now - timedelta(minutes=5)
        embargoed = None
        if embargo_minutes is not None:
            published = embargoed = now + timedelta(minutes=embargo_minutes)
        article = Article(
            id=article_id,
            slug=article_id,
            title=self.title(article_id),
            published=published,
            updated=now,
            language="en",
            status="draft" if draft else "published",
            section=Section(section, section.title()),
            tags=(Tag(f"only-{article_id}", f"Only {article_id}"), Tag("shared", "Shared")),
            summary=f"Summary of {article_id}.",
            embargoed=embargoed,
        )
        self.service.create(article)
        self.write(article_id, self.service.get(article_id))

    @rule(article_id=st.sampled_from(IDS))
    def correct(self, article_id: str) -> None:
        if article_id not in self.stored:
            return
        result = self.service.correct(article_id, {"title": self.title(article_id)})
        self.write(article_id, result.article)

    @rule(article_id=st.sampled_from(IDS), status=st.sampled_from(["withheld", "draft"]))
    def withdraw(self, article_id: str, status: str) -> None:
        if article_id not in self.stored:
            return
        result = self.service.correct(article_id, {"status": status})
        self.write(article_id, result.article)

    @rule(article_id=st.sampled_from(IDS))
    def republish(self, article_id: str) -> None:
        if article_id not in self.stored:
            return
        result = self.service.correct(article_id, {"status": "published"})
        self.write(article_id, result.article)

    @rule(article_id=st.sampled_from(IDS), minutes=st.integers(1, 120))
    def embargo_again(self, article_id: str, minutes: int) -> None:
        """Move a story's publish time into the future (an embargo, stated as such)."""
        if article_id not in self.stored:
            return
        lift = self.clock.now + timedelta(minutes=minutes)
        changes = {"published": lift, "embargoed": lift, "status": "published"}
        result = self.service.correct(article_id, changes)
        self.write(article_id, result.article)

    @rule(article_id=st.sampled_from(IDS), section=st.sampled_from(SECTIONS), shared=st.booleans())
    def move(self, article_id: str, section: str, shared: bool) -> None:
        """Put a story in another section, or take it out of the shared tag or back in."""
        if article_id not in self.stored:
            return
        tags = (Tag(f"only-{article_id}", f"Only {article_id}"),)
        if shared:
            tags += (Tag("shared", "Shared"),)
        changes = {"section": Section(section, section.title()), "tags": tags}
        result = self.service.correct(article_id, changes)
        self.write(article_id, result.article)

    @rule(article_id=st.sampled_from(IDS))
    def delete(self, article_id: str) -> None:
        if article_id not in self.stored:
            return
        self.service.delete(article_id)
        self.write(article_id, None)

    @rule(minutes=st.integers(1, 60 * 30))
    def wait(self, minutes: int) -> None:
        self.clock.now += timedelta(minutes=minutes)
        announce_lifts(self.service, self.clock.now)  # what each process's scheduler does
        self.look()

    # -- what readers get -----------------------------------------------------------------------

    def urls(self) -> list[str]:
        """Every kind of document once, every format of the feeds that carry tombstones."""
        feeds = [f"/feeds/all.{fmt}" for fmt in ("atom", "rss", "json")]
        feeds += [f"/feeds/section/{s}.{fmt}" for s in SECTIONS for fmt in ("atom", "json")]
        feeds += ["/feeds/tag/shared.rss", "/feeds/tag/shared.atom"]
        feeds += [f"/feeds/tag/only-{i}.atom" for i in IDS]
        months = {self.clock.now.strftime("%Y-%m"), START.strftime("%Y-%m")}
        feeds += [f"/feeds/all/archive/{m}.atom" for m in sorted(months)]
        pages = ["/", "/feeds.opml", "/sitemap.xml", "/sitemaps/news.xml"]
        pages.append("/feeds/all.atom?limit=1")
        pages += [f"/articles/{i}" for i in IDS] + [f"/tag/only-{i}" for i in IDS]
        return feeds + pages

    @invariant()
    def nothing_private_is_reachable_and_every_promise_holds(self) -> None:
        hidden = {i: m for i, m in self.stored.items() if not self.public(m.article)}
        never_seen = {i for i, m in hidden.items() if not m.seen}
        deleted_unseen = {i for i in IDS if i not in self.stored}
        for url in self.urls():
            response = self.client.get(url)
            # 410 only for the page of an article deleted while public (a deleted draft,
            # withheld or embargoed one must look like an id never stored).
            gone = {f"/articles/{i}" for i in self.gone}
            expected = (200, 410) if url in gone else (200, 404)
            if url.startswith("/feeds/") and "/archive/" not in url and self.shown_stones(url):
                expected = (200,)  # a feed emptied of entries is served with its tombstones
            assert response.status_code in expected, (url, response.status_code)
            body = response.get_data(as_text=True)
            for article_id, model in hidden.items():
                assert model.article.title not in body, (url, article_id)
                assert f"Summary of {article_id}." not in body, (url, article_id)
            if response.status_code != 200:
                continue  # a 404 names only what was asked for
            for article_id in never_seen | {i for i in deleted_unseen if not self.stoned(guid(i))}:
                # Its own tag is on no public article: no page, feed or list may name it.
                assert f"only-{article_id}" not in body, (url, article_id)
            self.check_modified(url, response.headers.get("Last-Modified"))
            if url.endswith(".atom") or url.endswith(".rss") or url.endswith(".json"):
                self.check_feed(url, response.data)
        for change in self.announced:
            for facet in change.facets:
                if facet.kind == "tag" and facet.value.startswith("only-"):
                    owner = facet.value.removeprefix("only-")
                    model = self.stored.get(owner)
                    # Announced only for an article readers could see (now, or when it left).
                    assert (
                        (model is not None and model.seen)
                        or self.stoned(guid(owner))
                        or (owner not in self.stored)
                    ), (change, facet)

    def check_modified(self, url: str, header: str | None) -> None:
        if header is None:
            return
        date = parse_date(header)
        assert date is not None
        assert date <= self.clock.now, url
        previous = self.modified.get(url)
        assert previous is None or date >= previous, (url, previous, date)
        self.modified[url] = date

    def check_feed(self, url: str, data: bytes) -> None:
        if url.endswith(".json"):
            document = json.loads(data)
            JSON_FEED.validate(document)
            public = {guid(i) for i, m in self.stored.items() if self.public(m.article)}
            assert {item["id"] for item in document["items"]} <= public, url
            return
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (url, parsed.get("bozo_exception"))
        if not url.endswith(".atom"):
            return
        root = etree.fromstring(data)
        ATOM_SCHEMA.assertValid(root)
        if "/archive/" in url or "?" in url:
            return
        shown = {(d.get("ref"), d.get("when")) for d in root.iter(f"{AT}deleted-entry")}
        assert shown == self.shown_stones(url), url

    def shown_stones(self, url: str) -> set[tuple[str, str]]:
        """(ref, when) of the tombstones the live feed at `url` must show now."""
        feed = url.removeprefix("/feeds/").rsplit(".", 1)[0]
        since = self.clock.now - timedelta(days=TOMBSTONE_DAYS)
        expected = set()
        for (where, ref), when in self.stones.items():
            article = self.article_by_guid(ref)
            seen_there = self.public(article) and article is not None and where in feeds_of(article)
            if where == feed and when > since and not seen_there:
                expected.add((ref, when.strftime("%Y-%m-%dT%H:%M:%SZ")))
        return expected

    def article_by_guid(self, ref: str) -> Article | None:
        model = self.stored.get(ref.rsplit("/", 1)[-1])
        return None if model is None else model.article


Lifecycle.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_lifecycle_property = Lifecycle.TestCase
