"""The feed model's clean-text fast path gives exactly the Entry that cleaning every field gives.

`feeds.model` builds an entry with the article's texts as they are, then checks them all at
once (`texts_clean`: one orjson pass and byte searches) and builds it again cleaning every
field only when the check finds something; these tests hold that to the field-by-field build
for any text, clean or not, in every field, one entry at a time and a whole feed at once, and
hold the check itself to `clean_text` for every code point. `resolve_uri`'s shortcut for plain URLs
is held to the search it skips.
"""

from __future__ import annotations

import html
import re
from dataclasses import FrozenInstanceError, fields, replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.model import Article, Author, Image, Link, Media, Section, Source, Tag
from articles.text import clean_text
from feeds import entry_build as model
from feeds import hygiene
from feeds.feed_types import DocumentLinks, FeedLinks, Person
from feeds.hygiene import texts_clean
from feeds.model import build_feed
from tests.strategies import any_char

BASE_URL = "https://news.example.com"
DEFAULT_AUTHOR = Person("Newsroom", email="desk@news.example.com")

# Characters clean_text removes, and some it keeps that are close to them.
EDGE_CHARS = (
    "\x00\x01\x08\t\n\x0b\x0c\r\x1f\x7f\x80\x84\x85\x86\x9f\xa0"
    "\ud800\udfff\ufdcf\ufdd0\ufdef\ufdf0\ufffd\ufffe\uffff"
)
dirty = st.text(st.sampled_from(EDGE_CHARS) | any_char, max_size=12)
clean_words = st.sampled_from(
    [
        "",
        " ",
        "Seoul",
        "서울 시장",
        "AT&T <b>",
        "/relative/path",
        "https://ex.example/ü?q=1 2",
        "%zz",
    ]
)
text = st.one_of(clean_words, clean_words, dirty)
optional = st.none() | text


@st.composite
def articles(
    draw: st.DrawFn,
    text: st.SearchStrategy[str] = text,
    optional: st.SearchStrategy[str | None] = optional,
) -> Article:
    instant = datetime(2025, 7, 30, 9, 0, tzinfo=UTC)
    image = draw(
        st.none()
        | st.builds(Image, url=text, alt=text, caption=text, width=st.none() | st.integers(1, 9))
    )
    return Article(
        id="a1",
        slug="a1",
        title=draw(text),
        published=instant,
        updated=instant,
        language=draw(text),
        guid=draw(text),
        url=draw(optional),
        summary=draw(text),
        body_html=draw(st.one_of(text, st.just('<p>x <a href="/y">y</a></p>\n'))),
        section=draw(st.none() | st.builds(Section, slug=text, label=text)),
        tags=tuple(draw(st.lists(st.builds(Tag, slug=text, label=text), max_size=2))),
        authors=tuple(
            draw(
                st.lists(
                    st.builds(Author, name=text, slug=st.just("s"), uri=optional, email=optional),
                    max_size=2,
                )
            )
        ),
        image=image,
        related=tuple(draw(st.lists(st.builds(Link, url=text, title=text), max_size=2))),
        source=draw(st.none() | st.builds(Source, name=text, slug=st.just("s"), url=optional)),
        media=tuple(
            draw(
                st.lists(
                    st.builds(Media, url=text, length=st.integers(-1, 9), type=text, title=text),
                    max_size=2,
                )
            )
        ),
        rights=draw(optional),
    )


@settings(max_examples=300, deadline=None)
@given(article=articles(), link=text)
def test_the_fast_path_builds_the_entry_cleaning_every_field_builds(
    article: Article, link: str
) -> None:
    source = article.url or link
    fast = model._checked_entry(article, source, BASE_URL, DEFAULT_AUTHOR)
    slow = model._build_entry(article, source, BASE_URL, DEFAULT_AUTHOR, None, clean_text)
    assert repr(fast) == repr(slow)


class _Config:
    title = "Site"
    feed_author_name = "Newsroom"
    author_email = "desk@news.example.com"
    default_language = "ko"
    tag_authority = "news.example.com,2025"
    icon_url = ""
    logo_url = ""
    rights = ""


class _Facet:
    kind = "all"
    value = ""


@settings(max_examples=150, deadline=None)
@given(items=st.lists(articles(), max_size=4))
def test_a_feed_holds_the_entries_cleaning_every_field_gives(items: list[Article]) -> None:
    # build_feed checks the texts of all its new entries at once, then entry by entry: every
    # entry is still the one cleaning each field gives, clean articles next to dirty ones.
    items = [replace(a, id=f"a{i}", guid=a.guid or f"g{i}") for i, a in enumerate(items)]
    links = FeedLinks(html=BASE_URL, documents={"json": DocumentLinks(self=BASE_URL)})
    feed = build_feed(
        _Config(),
        title="T",
        subtitle="",
        facet=_Facet(),
        articles=items,
        links=links,
        article_url=lambda a: f"{BASE_URL}/articles/{a.id}",
        base_url=BASE_URL,
        memo=None,
    )
    author = feed.author
    expected = [
        model._build_entry(a, a.url or f"{BASE_URL}/articles/{a.id}", BASE_URL, author)
        for a in items
    ]
    assert [repr(e) for e in feed.entries] == [repr(e) for e in model.unique_entries(expected)]


# One dirty text in a byline, section, tag or source credit of an otherwise clean feed: the
# document's check reads each part's texts once, from the parts it built.
DIRTY_PARTS = {
    "author name": lambda bad: {"authors": (Author(f"Kim{bad}", "kim"),)},
    "author uri": lambda bad: {"authors": (Author("Kim", "kim", uri=f"https://x.example/{bad}"),)},
    "author email": lambda bad: {"authors": (Author("Kim", "kim", email=f"k{bad}@x.example"),)},
    "section slug": lambda bad: {"section": Section(f"asia{bad}", "Asia")},
    "section label": lambda bad: {"section": Section("asia", f"As{bad}ia")},
    "tag slug": lambda bad: {"tags": (Tag(f"t{bad}", "T"),)},
    "tag label": lambda bad: {"tags": (Tag("t", f"T{bad}"),)},
    "source name": lambda bad: {"source": Source(f"AP{bad}", "ap")},
    "source url": lambda bad: {"source": Source("AP", "ap", url=f"https://ap.example/{bad}")},
}


@settings(max_examples=100, deadline=None)
@given(
    items=st.lists(articles(clean_words, st.none() | clean_words), min_size=1, max_size=3),
    part=st.sampled_from(sorted(DIRTY_PARTS)),
    bad=st.sampled_from(["\x00", "\x0b", "\x7f", "\x84", "\ufdd0", "\uffff", "\ud800"]),
    shared=st.booleans(),
)
def test_a_dirty_part_alone_in_a_clean_feed_is_cleaned(
    items: list[Article], part: str, bad: str, shared: bool
) -> None:
    items = [replace(a, id=f"a{i}", guid=a.guid or f"g{i}") for i, a in enumerate(items)]
    dirty = DIRTY_PARTS[part](bad)
    items[0] = replace(items[0], **dirty)
    if shared:  # another entry shares the part (built once, kept in the document's parts)
        items.append(replace(items[0], id="b", guid="gb"))
    links = FeedLinks(html=BASE_URL, documents={"json": DocumentLinks(self=BASE_URL)})
    feed = build_feed(
        _Config(),
        title="T",
        subtitle="",
        facet=_Facet(),
        articles=items,
        links=links,
        article_url=lambda a: f"{BASE_URL}/articles/{a.id}",
        base_url=BASE_URL,
        memo=None,
    )
    expected = [
        model._build_entry(a, a.url or f"{BASE_URL}/articles/{a.id}", BASE_URL, feed.author)
        for a in items
    ]
    assert [repr(e) for e in feed.entries] == [repr(e) for e in model.unique_entries(expected)]


def test_a_clean_article_takes_the_fast_path_and_a_dirty_one_does_not() -> None:
    instant = datetime(2025, 7, 30, 9, 0, tzinfo=UTC)
    article = Article(
        id="a1", slug="a1", title="Title", published=instant, updated=instant, language="ko",
        guid="tag:x,2025:a1", body_html="<p>서울</p>\n", authors=(Author("Kim", "kim"),),
    )  # fmt: skip

    def fast_path_is_clean(article: Article, link: str = "https://x.example/a1") -> bool:
        entry = model._build_entry(article, link, BASE_URL, DEFAULT_AUTHOR, None, model._as_is)
        return model._entry_is_clean(article, link, entry)

    assert fast_path_is_clean(article)
    for dirty_article in (
        replace(article, title="Ti\x00tle"),
        replace(article, body_html="<p>서\x7f울</p>"),
        replace(article, authors=(Author("Kim\ufdd0", "kim"),)),
        replace(article, image=Image("/i.jpg", alt="\x84")),
    ):
        assert not fast_path_is_clean(dirty_article)
    assert not fast_path_is_clean(article, "https://x.example/\x84a1")
    entry = model._checked_entry(
        replace(article, title="Ti\x00tle", body_html="<p>서\x7f울</p>"),
        "https://x.example/a1",
        BASE_URL,
        DEFAULT_AUTHOR,
    )
    assert (entry.title, entry.content_html) == ("Title", "<p>서울</p>")


def test_texts_clean_answers_as_clean_text_for_every_code_point() -> None:
    # One character at a time the check is exact: no false alarm, nothing missed.
    wrong = [
        hex(code)
        for code in range(0x110000)
        if texts_clean([chr(code)]) != (clean_text(chr(code)) == chr(code))
    ]
    assert wrong == []


@settings(max_examples=500, deadline=None)
@given(
    texts=st.lists(
        st.none() | st.text(st.sampled_from(EDGE_CHARS + "\\bfu0\"'") | any_char), max_size=5
    )
)
def test_texts_clean_never_passes_a_text_clean_text_would_change(texts: list[str | None]) -> None:
    if texts_clean(texts):
        assert all(clean_text(t) == (t or "") for t in texts)
    # And any character clean_text removes, anywhere, is caught.
    for bad in ("\x00", "\x0b", "\x7f", "\x84", "\ud800", "\ufdd0", "\uffff"):
        assert not texts_clean([*texts, f"a{bad}b"])


URL_CHARS = "aZ09!#$&'()*+,/:;=?@[]~-._%% \"<>\\^`{|}\x7fü한\u3000"


@settings(max_examples=500, deadline=None)
@given(url=st.text(st.sampled_from(URL_CHARS) | any_char, max_size=30), relative=st.booleans())
def test_uri_shortcut_keeps_only_what_needs_no_encoding(url: str, relative: bool) -> None:
    url = ("/" + url) if relative else url
    absolute = hygiene.absolute_url(url, BASE_URL)
    shortcut = "%" not in absolute and hygiene._AS_IS_URI.fullmatch(absolute) is not None
    if shortcut:
        assert hygiene._NEEDS_ENCODING.search(absolute) is None
        assert hygiene.resolve_uri(url, BASE_URL) == absolute


# Pieces of bodies around their attributes: root-relative, protocol-relative and absolute
# values in either quote, other attributes, text with `=`, Korean text, line breaks.
BODY_PIECES = st.sampled_from(
    [
        '<a href="/x">',
        "<img src='/i.png'>",
        '<a href = "//cdn.example/x">',
        '<video poster="/p.jpg">',
        '<a title="/not-a-url">',
        '<a href="https://x.example/">',
        "a=b",
        '="/',
        "='/'",
        "HREF=",
        "서울",
        "\n",
        " ",
        "x",
    ]
)


@settings(max_examples=500, deadline=None)
@given(body=st.lists(BODY_PIECES | any_char, max_size=12).map("".join))
def test_absolute_html_makes_the_substitutions_of_its_pattern(body: str) -> None:
    # `absolute_html` searches from the first `=` and joins the pieces itself: the same text
    # as substituting with its pattern over the whole body.
    def resolve(match: re.Match[str]) -> str:
        start = match.start()
        if not hygiene._URL_ATTRIBUTE_BEFORE.search(body, max(start - 16, 0), start):
            return match.group(0)
        url = hygiene.absolute_url(match.group(3), BASE_URL)
        return f"{match.group(1)}{match.group(2)}{url}{match.group(2)}"

    expected = hygiene._ROOT_RELATIVE_VALUE.sub(resolve, body)
    assert hygiene.absolute_html(body, BASE_URL) == expected


@settings(max_examples=200, deadline=None)
@given(
    values=st.tuples(st.text(max_size=5), st.none() | st.text(max_size=5), st.none() | st.text())
)
def test_the_slot_constructors_build_the_frozen_object_its_class_builds(
    values: tuple[str, str | None, str | None],
) -> None:
    # `_build_entry` makes its objects with `_slot_constructor`s: the same value, type, hash
    # and frozenness as the dataclass's own constructor.
    built = model._new_person(*values)
    assert type(built) is Person
    assert built == Person(*values) and hash(built) == hash(Person(*values))
    assert repr(built) == repr(Person(*values))
    with pytest.raises(FrozenInstanceError):
        built.name = "x"  # type: ignore[misc]
    # Entry: every field given, in order (whatever fields it has).
    entry_values = [built, *values, *(f"v{i}" for i in range(len(fields(model.Entry)) - 4))]
    assert model._new_entry(*entry_values) == model.Entry(*entry_values)
    assert type(model._new_entry(*entry_values)) is model.Entry


@given(text=st.text(st.sampled_from("&<>\"'a 서") | any_char, max_size=8))
def test_the_figures_escape_is_html_escape(text: str) -> None:
    assert model._escape(text) == html.escape(text)
