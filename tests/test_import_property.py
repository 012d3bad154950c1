"""Property: any record the importer accepts gives valid feeds, wherever it shows; any record
it refuses is named, with the field, in the report.

For one hostile record at a time (tests/strategies.py), in each input format the importer
takes (our JSON, JSON Lines, Markdown with front matter, ninjs 1.x, 2.x and 3.x), imported by
`articles.importer.import_sources` into a fresh SQLite store:

- refused: the report has one line, starting with the record's place (`record.json: record
  1`) and then a field the record has (or one it must have), and nothing is stored;
- accepted and public: every feed that holds it (all, its section, each tag, each author, its
  language, its source, its podcast show when it is an episode; page 1 and the monthly
  archive of the main and section feeds) is, in Atom, valid against the RFC 4287 RELAX NG
  schema and read by feedparser without bozo; in RSS 2.0 well-formed XML read by feedparser
  without bozo; in JSON Feed valid against the JSON Feed 1.1 schema; and the entry has the
  same id, title and link in all three. The article page is well-formed HTML showing the title.
- accepted but not public (a draft, withheld, an embargo): in no feed; an embargoed one shows
  everywhere once the clock passes its embargo.

Runtime is bounded by a settings profile: `FEEDS_PROPERTY_PROFILE=long` runs many more
examples with fresh randomness (the default profile is derandomised, so CI is repeatable).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from lxml import etree

from articles.cli import SERVICE_KEY
from articles.formats import article_from_mapping, read_records
from articles.importer import import_sources
from articles.languages import language_ranges
from articles.model import Article, is_episode_media
from articles.store import Facet, Store
from feeds import create_app
from feeds.urls import archive_path, article_page_path, feed_path
from tests.fixtures.app import Clock
from tests.fixtures.feeds import normalised, shown
from tests.fixtures.schemas import ATOM_SCHEMA, JSON_FEED
from tests.strategies import NOW, Encoded, encoded, ninjs_encoded, ninjs_items, records

BASE = "https://news.example.com"
SHOW: dict[str, Any] = {
    "title": "Show",
    "author": "Newsroom Audio",
    "owner_name": "Audio Desk",
    "owner_email": "audio@news.example.com",
    "artwork_url": "https://news.example.com/show-3000.jpg",
    "categories": ["News/Daily News"],
}

settings.register_profile(
    "import-default",
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "import-long",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LONG = os.environ.get("FEEDS_PROPERTY_PROFILE") == "long"
PROFILE = settings.get_profile("import-long" if LONG else "import-default")
# Tags and authors per record: each is three more feeds to check.
MAX_TAGS = 12 if LONG else 4
FORMATS = ("json", "jsonl", "markdown", "ninjs-1.x", "ninjs-2.x", "ninjs-3.x")
FEED_FORMATS = ("atom", "rss", "json")
# Fields a record may be refused for without giving them: the required ones.
REQUIRED = {"id", "title", "published", "updated", "media", "uri", "headline", "headlines",
            "versioncreated", "versionCreated", "firstcreated", "firstCreated"}  # fmt: skip


# ------------------------------------------------------------------------------ the site


def event(name: str) -> None:
    """Count an outcome in Hypothesis' statistics (the explicit cases run outside a test)."""
    if currently_in_test_context():
        hypothesis_event(name)


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    """A migrated, empty SQLite database, copied for each example (much faster than migrating)."""
    folder = Path(tempfile.mkdtemp(prefix="import-property-"))
    app = _app(folder / "template", Clock(NOW), {})
    app.extensions["feeds.store"].dispose()
    yield folder / "template" / "articles.db"
    shutil.rmtree(folder, ignore_errors=True)


def _app(instance: Path, clock: Clock, podcasts: dict[str, Any]) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "FEEDS_CLOCK": clock,
            "FEEDS_INSTANCE_PATH": str(instance),
            "load_samples": False,
            "response_memo_ms": 0,
            "site_url": BASE,
            "podcasts": podcasts,
        }
    )


class Site:
    """One example's app on a copy of the template database, the record file beside it."""

    def __init__(self, template: Path, encoded_record: Encoded) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="import-example-"))
        self.file = self.folder / encoded_record.name
        self.file.write_bytes(encoded_record.data)
        self.where = str(self.folder / encoded_record.where)
        self.clock = Clock(NOW)
        instance = self.folder / "instance"
        instance.mkdir()
        shutil.copy(template, instance / "articles.db")
        self.show = self._show_for(self.parsed())
        self.app = _app(instance, self.clock, {"show": {**SHOW, **self.show}} if self.show else {})
        self.client: FlaskClient = self.app.test_client()
        self.store: Store = self.app.extensions["feeds.store"]

    def parsed(self) -> Article | None:
        """The article as the importer reads it (None when refused), before the site's checks."""
        found = list(read_records(self.file, zone=_zone(), default_language="ko"))
        assert len(found) == 1
        return found[0].article

    @staticmethod
    def _show_for(article: Article | None) -> dict[str, str]:
        """A podcast show holding the article, when it is an episode with a section or tag."""
        if article is None or not any(is_episode_media(m) for m in article.media):
            return {}
        if article.section is not None:
            return {"section": article.section.slug}
        if article.tags:
            return {"tag": article.tags[0].slug}
        return {}

    def close(self) -> None:
        self.app.extensions["feeds.subscribers"].flush()  # before its database goes
        self.store.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def get(self, path: str) -> bytes:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.data[:300])
        return response.data


def _zone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Seoul")


# ------------------------------------------------------------------------------ the property


def record_file(data: st.DataObject, fmt: str) -> tuple[Encoded, dict[str, Any]]:
    if fmt.startswith("ninjs-"):
        item = data.draw(ninjs_items(fmt.removeprefix("ninjs-"), max_tags=MAX_TAGS), label="item")
        return ninjs_encoded(item, ascii_only=data.draw(st.booleans())), item
    record = data.draw(records(max_tags=MAX_TAGS), label="record")
    return data.draw(encoded(record, fmt), label="file"), record


@pytest.mark.parametrize("fmt", FORMATS)
@PROFILE
@given(data=st.data())
def test_accepted_records_give_valid_feeds_and_refused_ones_name_the_field(
    template: Path, fmt: str, data: st.DataObject
) -> None:
    file, raw = record_file(data, fmt)
    check_import(template, file, raw)


def check_import(template: Path, file: Encoded, raw: dict[str, Any]) -> list[str]:
    """Import one record file and check the property; returns the report's error lines."""
    site = Site(template, file)
    try:
        report = import_sources(
            site.app.extensions[SERVICE_KEY], [site.file], workers=0, skip_invalid=True
        )
        if report.errors:
            event("refused")
            check_refusal(site, report.errors, raw)
            return report.errors
        assert report.new == 1, report.summary()
        article_id = next(iter(site.store.list_articles(limit=1))).id
        article = site.store.get(article_id)
        assert article is not None
        if article.status != "published":
            event("accepted: not published")
            check_hidden(site, article)
            return []
        if article.published > site.clock.now:
            event("accepted: embargoed")
            check_hidden(site, article)
            site.clock.now = article.published + timedelta(minutes=1)
        event("accepted: public")
        check_feeds(site, article)
        return []
    finally:
        site.close()


# ------------------------------------------------------------------------------ refusals


_NOT_JSON_CONSTANT = re.compile(
    r"not valid JSON at (line \d+, )?column \d+: -?(NaN|Infinity) is no JSON value"
)


def check_refusal(site: Site, errors: list[str], raw: dict[str, Any]) -> None:
    """One line naming the record, then a field it has (or must have), the first of them
    when it lists several (`2 problems: published: ...; language: ...`); nothing stored."""
    assert len(errors) == 1, errors
    line = errors[0]
    assert line.startswith(f"{site.where}: "), (line, site.where)
    rest = line.removeprefix(f"{site.where}: ")
    rest = re.sub(r"^article '[^']*': ", "", rest)
    rest = re.sub(r"^[2-9][0-9]* problems: ", "", rest)
    if re.match(
        r"not valid JSON at (line \d+, )?column \d+: -?(NaN|Infinity) is no JSON value", rest
    ):
        # A float the record cannot hold in JSON (the encoder wrote NaN or Infinity, which
        # RFC 8259 does not have): refused as the syntax error it is, at its column.
        event("refused: not JSON (NaN or Infinity)")
        return
    field, _, reason = rest.partition(": ")
    assert reason, f"no field named in {line!r}"
    event(f"refused: {re.sub(r'[0-9]+', 'N', field)}")
    names = set(re.findall(r"[A-Za-z_$][\w$-]*", field))
    assert names & (set(raw) | REQUIRED), f"{field!r} is not a field of the record: {line!r}"
    assert site.store.list_articles(limit=1) == [], "a refused record was stored"


# ------------------------------------------------------------------------------ hidden


def check_hidden(site: Site, article: Article) -> None:
    """A draft, withheld or embargoed article is in no feed and has no page."""
    for fmt in FEED_FORMATS:
        body = site.get(feed_path(Facet("all"), fmt))
        assert article.guid.encode() not in body
    assert site.client.get(article_page_path(article.id)).status_code == 404


# ------------------------------------------------------------------------------ feeds


def holding_facets(site: Site, article: Article) -> list[Facet]:
    """Every feed the article is in, from the store's list; checked against the record."""
    facets = [info.facet for info in site.store.facets(now=site.clock.now)]
    kinds = [facet.kind for facet in facets]
    assert kinds.count("section") == (article.section is not None)
    assert kinds.count("tag") == len(article.tags)
    assert kinds.count("author") == len(article.authors)
    # Its tag's feed and those of its shorter ranges (RFC 4647 basic filtering).
    languages = {facet.value for facet in facets if facet.kind == "language"}
    assert languages == set(language_ranges(article.language))
    assert all(article.language.startswith(f"{value}-") for value in languages - {article.language})
    assert kinds.count("source") == (article.source is not None)
    if "all" not in kinds:
        facets.insert(0, Facet("all"))
    if site.show:
        facets.append(Facet("podcast", "show"))
    return facets


def check_feeds(site: Site, article: Article) -> None:
    month = article.published.astimezone(UTC).strftime("%Y-%m")
    for facet in holding_facets(site, article):
        paths = [(fmt, feed_path(facet, fmt)) for fmt in FEED_FORMATS]
        if facet.kind == "all":
            paths += [(fmt, f"{feed_path(facet, fmt)}?page=1&limit=5") for fmt in FEED_FORMATS]
        if facet.kind in ("all", "section"):
            paths += [(fmt, archive_path(facet, month, fmt)) for fmt in FEED_FORMATS]
        seen = {fmt: entry_in(fmt, site.get(path), article, path) for fmt, path in paths}
        assert seen["atom"] == seen["rss"] == seen["json"], (facet, seen)
    check_page(site, article)


def entry_in(fmt: str, body: bytes, article: Article, path: str) -> tuple[str, str, str]:
    """The (id, title as shown, link) of the article's entry in a valid document."""
    if fmt == "json":
        document = json.loads(body)
        JSON_FEED.validate(document)
        items = [item for item in document["items"] if item["id"] == article.guid]
        assert len(items) == 1, path
        return items[0]["id"], normalised(items[0].get("title", "")), items[0]["url"]
    root = etree.fromstring(body)  # strict XML: raises on anything malformed
    if fmt == "atom":
        assert ATOM_SCHEMA.validate(root), (path, ATOM_SCHEMA.error_log.last_error)
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    entries = [entry for entry in parsed.entries if entry.get("id") == article.guid]
    assert len(entries) == 1, path
    entry = entries[0]
    title = normalised(shown({"value": entry.get("title", ""), "type": entry.title_detail.type}))
    return entry.id, title, entry.link


class _Page(HTMLParser):
    """Checks that every element closes in order; collects the <title> text."""

    VOID = frozenset(
        ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr")
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.title = ""
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:]}")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "title":
            self.title += data


def check_page(site: Site, article: Article) -> None:
    page = _Page()
    page.feed(site.get(article_page_path(article.id)).decode("utf-8"))
    page.close()
    assert not page.problems and not page.open, (page.problems, page.open)
    assert normalised(article.title) in normalised(page.title)


def test_the_checks_fail_on_a_feed_without_the_entry() -> None:
    """The property's entry check can fail: an empty feed has no entry for the guid."""
    empty = b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": []}'
    article = type("A", (), {"guid": "tag:x,2025:a"})()
    with pytest.raises(AssertionError):
        entry_in("json", empty, article, "/feeds/all.json")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ regressions
# Each was found by the property above (shrunk by hand where Hypothesis stopped), then fixed
# where its rule lives.


def as_file(raw: dict[str, Any], name: str = "record.json") -> Encoded:
    return Encoded(name, json.dumps(raw).encode(), name)


def test_an_offset_beyond_14_hours_is_written_in_utc(template: Path) -> None:
    # ISO 8601 writes offsets up to 23:59, XML Schema's dateTime (Atom's RELAX NG schema) only
    # up to 14:00: the Atom feed failed its schema. Now read as the same instant in UTC.
    item = {"uri": "C", "headline": "x", "versioncreated": "1066-06-28T05:38:33.000439-17:15"}
    assert check_import(template, as_file(item, "item.json"), item) == []
    record = {"id": "a", "title": "t", "published": "2025-07-30T09:00:00+14:30"}
    assert check_import(template, as_file(record), record) == []


def test_a_feed_slug_with_a_dot_is_refused_naming_the_field(template: Path) -> None:
    # `section.slug: zt6v4hyj40d.c1nygtz` was accepted, and its feed was a 404: feed names
    # have no '.', which reads as the format's extension.
    for field, value in (("section", {"slug": "a.b"}), ("source", {"name": "S", "slug": "a.b"}),
                         ("tags", [{"label": "T", "slug": "a.b"}]),
                         ("authors", [{"name": "N", "slug": "a.b"}])):  # fmt: skip
        record = {"id": "a", "title": "t", "published": "2025-07-30", field: value}
        (line,) = check_import(template, as_file(record), record)
        assert f": {field}" in line and ".slug: 'a.b' is not a slug" in line, line
    record = {"id": "a", "title": "t", "published": "2025-07-30", "slug": "a.b"}
    assert check_import(template, as_file(record), record) == []  # the article's own may


def test_a_bad_ninjs_keyword_is_named_as_the_keyword(template: Path) -> None:
    # Was `tags[5] (from subjects)` for a blank keyword in an item without subjects.
    item = {"uri": "k", "versionCreated": "2025-07-30T09:00:00Z",
            "headlines": [{"value": "t"}], "subjects": [{"name": "S"}, {"uri": "medtop:1"}],
            "keywords": ["ok", "\u200b"]}  # fmt: skip
    (line,) = check_import(template, as_file(item, "item.json"), item)
    assert "tags[2] (from keywords[1]): required, but it shows nothing" in line, line


def test_a_year_first_date_with_a_day_up_to_12_is_read(template: Path) -> None:
    # `2884/11/03 20:32` was refused as ambiguous (3 November or 11 March?) while
    # `2025/07/30 09:00` was read: a year written first is followed by the month.
    record = {"id": "a", "title": "t", "published": "2024/11/03 20:32"}
    assert check_import(template, as_file(record), record) == []


def test_a_translation_given_as_a_whole_number_is_an_id(template: Path) -> None:
    # The record's own `id` may be a whole number; a translation's was refused.
    record = {"id": 7, "title": "t", "published": "2025-07-30", "translations": [536]}
    assert check_import(template, as_file(record), record) == []


def test_an_upper_case_url_scheme_is_written_in_lower_case(template: Path) -> None:
    # `HTTPS://example.org/` reached JSON Feed as is, which its schema's URL rule refuses.
    picture = {"type": "picture", "renditions": [{"href": "HTTPS://example.org/"}]}
    item = {"uri": "u", "versioncreated": "2025-07-30T09:00:00Z", "headlines": [{"value": "t"}],
            "associations": [picture]}  # fmt: skip
    assert check_import(template, as_file(item, "item.json"), item) == []
    record = {"id": "a", "title": "t", "published": "2025-07-30", "url": "HTTP://Example.org/A",
              "authors": [{"name": "N", "uri": "hTtPs://example.org/n"}]}  # fmt: skip
    assert check_import(template, as_file(record), record) == []


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("http://example.org/&amp;/x", "http://example.org/&/x"),
        (
            "https://example.org/?a=1&amp;b=2&#38;c=3&#x26;d=4",
            "https://example.org/?a=1&b=2&c=3&d=4",
        ),
        ("https://example.org/?a=1&copy=2", "https://example.org/?a=1&copy=2"),
        # `<` and `>` cannot stand in an IRI: read, then percent-encoded (RFC 3987 3.1).
        ("https://example.org/&lt;b&gt;", "https://example.org/%3Cb%3E"),
    ],
)
def test_a_character_reference_in_a_url_is_read_once(
    template: Path, given: str, stored: str
) -> None:
    # `http://example.org/&amp;/x`: feedparser decodes entities in RSS <link> text once more,
    # so RSS readers saw `/&/x` while Atom and JSON Feed gave `/&amp;/x`. A character
    # reference in a URL is an escaping mistake: read once, every format agrees.
    record = {"id": "a", "title": "t", "published": "2025-07-30", "url": given,
              "related": [{"url": given, "title": "r"}]}  # fmt: skip
    assert check_import(template, as_file(record), record) == []
    article = article_from_mapping(record, where="r", zone=ZoneInfo("UTC"), default_language="ko")
    assert article.url == stored
    assert [link.url for link in article.related] == [stored]


def test_a_url_with_a_reference_naming_no_character_is_refused(template: Path) -> None:
    # `&b;` is left as is by HTML's rules, but feedparser drops its `;` from RSS link text.
    record = {"id": "a", "title": "t", "published": "2025-07-30", "url": "https://x.org/?a&b;c"}
    (line,) = check_import(template, as_file(record), record)
    assert ": url: " in line and "'&b;'" in line and "%26" in line, line
