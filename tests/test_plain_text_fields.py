"""Plain-text fields that no feed format can mark as text keep no markup.

An Atom `<name>`, a category `label`, a link `title`, RSS `<category>`, `<source>`,
`dc:creator` and `dc:rights` cannot say "this is text, not HTML": readers read what they hold
as either, and the W3C Feed Validation Service warns ("name should not contain HTML"). So the
fields written there (author names, section, tag and source labels, rights, image alt text
and caption, media and related-link titles) take, in every input format, the text an HTML
reading of markup-like input shows (docs/import-formats.md, "Text and HTML"), and the XML
writers write `&` as `&#x26;` (the RSS Best Practices Profile's character data).

`contains_html` is the validator's own test of such elements (feedvalidator's
`validators.nonhtml.validate`, which logs ContainsHTML / CharacterData): an HTML close tag;
an `&` followed by an entity name or by word characters that are not all letters; in RSS a
`&#` or a `<` before a letter or `/`; the last two unless the document writes character data
with hexadecimal references (it checks for `&#x` on the element's lines, and our documents
are one line).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.entities import name2codepoint
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
import yaml
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping, article_from_markdown, article_from_ninjs
from articles.model import Article
from articles.text import reads_as_markup
from feeds.writers import render
from tests.fixtures.api import api_client_for
from tests.fixtures.feeds import make_feed

SEOUL = ZoneInfo("Asia/Seoul")
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
_END_TAG = re.compile(r"</(\w+)>")
_ENTITY = re.compile(r"&(#?\w+)")
_RSS_CHARACTER_DATA = re.compile(r"&#[x0-9]|<[/a-zA-Z]")


def contains_html(value: str, *, rss: bool, hex_character_data: bool) -> str | None:
    """What the W3C validator flags in an element that must not hold HTML (see the module
    docstring), or None. Stricter in one way: any close tag counts, not only HTML's."""
    if match := _END_TAG.search(value):
        return match.group(0)
    if hex_character_data:
        return None
    for name in _ENTITY.findall(value):
        if name in name2codepoint or name == "apos" or not name.isalpha():
            return "&" + name
    if rss and (match := _RSS_CHARACTER_DATA.search(value)):
        return match.group(0)
    return None


def untyped_texts(document: bytes, fmt: str) -> Iterator[tuple[str, str]]:
    """(where, text) of every element text and `label`/`title` attribute that is plain text
    with no type: all but Atom text constructs of type html, RSS titles and descriptions
    (HTML to every reader: tests/test_writers_text.py), content and URLs."""
    root = etree.fromstring(document)
    skip = {f"{{{CONTENT}}}encoded", "description", "title"} if fmt == "rss" else set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in ("label", "title"):
            if element.get(name):
                yield f"{element.tag}@{name}", element.get(name)
        if element.tag in skip or element.get("type") in ("html", "xhtml"):
            continue
        if element.text and element.text.strip() and element.tag != f"{{{ATOM}}}content":
            yield str(element.tag), element.text


def assert_no_html_warning(document: bytes, fmt: str) -> None:
    hex_data = b"&#x" in document
    for where, text in untyped_texts(document, fmt):
        found = contains_html(text, rss=fmt == "rss", hex_character_data=hex_data)
        assert found is None, f"{fmt}: {where} {text!r} holds {found!r}"


# --- the rule on input -------------------------------------------------------------------------

# Pieces of markup, escaped markup and text that only looks like it.
PIECES = st.sampled_from(
    [
        "<b>", "</b>", "<em>", "</em>", "<i>", "<br/>", "<p>", "</p>", "<script>x</script>",
        "<!-- c -->", "<", ">", "&", "&amp;", "&lt;", "&gt;", "&copy;", "&copy", "&#169;",
        "&#x26;", "&nbsp;", "&bogus;", "&lt;b&gt;", "&lt;/b&gt;", "&amp;lt;i&amp;gt;", "R&D",
        "AT&T", "5&10", "I <3 NY", "x < y", "a&#b", "Kim", "김", " ", "(c) 2025",
    ]
)  # fmt: skip
MARKUPISH = st.lists(PIECES, min_size=1, max_size=6).map("".join)


def record_with(text: str) -> dict[str, Any]:
    """A record carrying `text` in every plain-text field that no format can mark as text."""
    return {
        "id": "plain-1",
        "guid": "tag:feeds.example.org,2025:article/plain-1",
        "title": "Plain fields",
        "published": "2025-07-30T10:00:00+09:00",
        "section": {"slug": "plain", "label": text},
        "tags": [{"slug": "t", "label": text}],
        "authors": [{"name": text}],
        "rights": text,
        "image": {"url": "https://cdn.example.org/a.jpg", "alt": text, "caption": text},
        "media": [
            {"url": "https://cdn.example.org/a.mp3", "length": 1, "type": "audio/mpeg"},
            {
                "url": "https://cdn.example.org/b.mp3",
                "length": 2,
                "type": "audio/mpeg",
                "title": text,
            },
        ],
        "related": [{"url": "https://example.org/r", "title": text}],
        "source": {"name": text, "url": "https://aa.example.org/"},
        "body": "본문",
    }


def fields_of(article: Article) -> dict[str, str | None]:
    assert article.section and article.image and article.source
    return {
        "section.label": article.section.label,
        "tags[0].label": article.tags[0].label if article.tags else None,
        "authors[0].name": article.authors[0].name if article.authors else None,
        "rights": article.rights,
        "image.alt": article.image.alt,
        "image.caption": article.image.caption,
        "media[1].title": article.media[1].title,
        "related[0].title": article.related[0].title,
        "source.name": article.source.name,
    }


def from_json(record: dict[str, Any]) -> Article:
    return article_from_mapping(record, where="x.json", zone=SEOUL, default_language="ko")


def from_markdown(record: dict[str, Any]) -> Article:
    body = record.pop("body")
    text = "---\n" + yaml.safe_dump(record, allow_unicode=True) + "---\n" + body + "\n"
    return article_from_markdown(text, where="x.md", zone=SEOUL, default_language="ko")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MARKUPISH, read=st.sampled_from([from_json, from_markdown]))
def test_plain_text_fields_keep_no_markup_and_feeds_get_no_html_warning(
    text: str, read: Callable[[dict[str, Any]], Article]
) -> None:
    try:
        article = read(record_with(text))
    except InvalidArticle as refused:
        # Only markup that reads as markup however it is read, or a label reading as nothing.
        assert "reads as HTML markup" in refused.reason or "required" in refused.reason
        assert reads_as_markup(text) or not text.strip()
        return
    for field, value in fields_of(article).items():
        assert value is None or not reads_as_markup(value), (field, value)
        if not reads_as_markup(text) and value is not None:
            assert value == " ".join(text.split()), field  # text that is text stays as it is
    for fmt in ("atom", "rss"):
        document = render(make_feed([article]), fmt)
        assert_no_html_warning(document, fmt)
        parsed = feedparser.parse(document)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert [e.id for e in parsed.entries] == [article.guid]


@pytest.mark.parametrize(
    ("given_text", "kept"),
    [
        ("<b>Kim</b>", "Kim"),
        ("<em>tag</em>", "tag"),
        ("<b>(c)</b> 2025", "(c) 2025"),
        ("Lee &amp; Park", "Lee & Park"),
        ("&#169; 2025", "© 2025"),
        ("&lt;b&gt;Kim&lt;/b&gt;", "Kim"),
        ("A<br/>B", "A B"),
        ("AT&T", "AT&T"),
        ("I <3 NY", "I <3 NY"),
        ("5&10", "5&10"),
    ],
)
def test_each_field_keeps_the_text_an_html_reading_shows(given_text: str, kept: str) -> None:
    article = from_json(record_with(given_text))
    assert set(fields_of(article).values()) == {kept}
    for fmt in ("atom", "rss"):
        assert_no_html_warning(render(make_feed([article]), fmt), fmt)


def test_ninjs_bylines_subjects_and_captions_follow_the_same_rule() -> None:
    item = {
        "uri": "urn:agency:1",
        "type": "text",
        "language": "ko",
        "versioncreated": "2025-07-30T01:00:00Z",
        "headline": "제목",
        "by": "<b>Kim</b>",
        "subjects": [{"name": "<em>tag</em>"}],
        "copyrightnotice": "<b>(c)</b> 2025",
        "associations": {
            "photo": {
                "type": "picture",
                "description_text": "<em>cap</em>",
                "renditions": {"original": {"href": "https://cdn.example.org/p.jpg"}},
            }
        },
    }
    story = article_from_ninjs(item, where="wire.json", zone=SEOUL, default_language="ko")
    assert [a.name for a in story.authors] == ["Kim"]
    assert [t.label for t in story.tags] == ["tag"]
    assert story.rights == "(c) 2025"
    assert story.image is not None and story.image.caption == "cap"


def test_title_and_summary_keep_markup_like_text_as_written() -> None:
    record = {**record_with("Kim"), "title": "<b>Bold</b> claims", "summary": "A &amp; B"}
    article = from_json(record)
    assert (article.title, article.summary) == ("<b>Bold</b> claims", "A &amp; B")


def test_markup_that_stays_markup_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidArticle) as caught:
        from_json({**record_with("Kim"), "authors": ["a&#b"]})
    assert caught.value.field == "authors[0]"
    assert "reads as HTML markup" in caught.value.reason


# --- through the API, to the served feeds --------------------------------------------------------


def test_markup_sent_through_the_api_leaves_every_served_feed_without_html_warnings(
    make_app: Callable[..., Flask],
) -> None:
    api = api_client_for(make_app(site_url="https://news.example.com"))
    record = record_with("<b>Kim</b>")
    del record["id"], record["guid"]
    record["tags"] = [{"slug": "t", "label": "<em>tag</em>"}]
    record["rights"] = "<b>(c)</b> 2025"
    record["image"] = {
        "url": "https://cdn.example.org/a.jpg",
        "alt": "<i>alt</i>",
        "caption": "<em>cap</em>",
    }
    record["published"] = "2025-08-09T09:00:00+09:00"
    response = api.put("/api/articles/markup-1", json=record)
    assert response.status_code == 201, response.get_json()
    stored = response.get_json()["record"]
    assert stored["authors"][0]["name"] == "Kim" and stored["tags"][0]["label"] == "tag"
    for path in ("/feeds/section/plain.atom", "/feeds/section/plain.rss", "/feeds/all.atom"):
        document = api.client.get(path).data
        assert_no_html_warning(document, "rss" if path.endswith(".rss") else "atom")
        entry = next(e for e in feedparser.parse(document).entries if "markup-1" in e.id)
        assert entry.author == "Kim"
        assert "tag" in {t.get("label") or t.term for t in entry.tags}
