"""The feed model's clean-text fast path gives exactly the Entry that cleaning every field gives.

`feeds.model._build_entry` checks all of an article's texts at once (`is_clean`) and skips
`clean_text` on each field when they are clean; these tests hold it to the field-by-field
build for any text, clean or not, in every field it cleans.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.model import Article, Author, Image, Link, Media, Section, Source, Tag
from articles.text import clean_text
from feeds import model
from feeds.model import Person, is_clean
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
def articles(draw: st.DrawFn) -> Article:
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
@given(value=st.text(st.sampled_from(EDGE_CHARS) | any_char) | clean_words)
def test_is_clean_is_whether_clean_text_leaves_the_text_as_it_is(value: str) -> None:
    assert is_clean(value) == (clean_text(value) == value)


@settings(max_examples=300, deadline=None)
@given(article=articles(), link=text)
def test_the_fast_path_builds_the_entry_cleaning_every_field_builds(
    article: Article, link: str
) -> None:
    source = article.url or link
    fast = model._build_entry(article, source, BASE_URL, DEFAULT_AUTHOR)
    with mock.patch.object(model, "texts_clean", lambda _texts: False):
        slow = model._build_entry(article, source, BASE_URL, DEFAULT_AUTHOR)
    assert repr(fast) == repr(slow)


def test_a_clean_article_takes_the_fast_path_and_a_dirty_one_does_not() -> None:
    instant = datetime(2025, 7, 30, 9, 0, tzinfo=UTC)
    article = Article(
        id="a1", slug="a1", title="Title", published=instant, updated=instant, language="ko",
        guid="tag:x,2025:a1", body_html="<p>서울</p>\n", authors=(Author("Kim", "kim"),),
    )  # fmt: skip
    assert model._cleaner(article, "https://x.example/a1") is model._as_is
    for dirty_article in (
        replace(article, title="Ti\x00tle"),
        replace(article, body_html="<p>서\x7f울</p>"),
        replace(article, authors=(Author("Kim\ufdd0", "kim"),)),
    ):
        assert model._cleaner(dirty_article, "https://x.example/a1") is clean_text
    assert model._cleaner(article, "https://x.example/\x84a1") is clean_text
    entry = model._build_entry(
        replace(article, title="Ti\x00tle", body_html="<p>서\x7f울</p>"),
        "https://x.example/a1",
        BASE_URL,
        DEFAULT_AUTHOR,
    )
    assert (entry.title, entry.content_html) == ("Title", "<p>서울</p>")
