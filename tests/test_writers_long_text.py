"""Long texts (entries' HTML bodies) escaped by the writer: the bytes lxml would write."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.writers import render
from feeds.writers.base import escape_text, long_text, long_texts
from feeds.writers.rss import RssWriter
from tests.fixtures.feeds import make_feed

# Every character XML 1.0 allows, weighted towards the ones escaping is about.
XML_TEXT = st.text(
    st.one_of(
        st.sampled_from("&<>\r\n\t\"' ]]>;#\u00a0\ufdd0\ufdd1"),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff").filter(
            lambda c: c in "\t\n\r" or ord(c) >= 0x20
        ),
    )
)


def lxml_text(text: str) -> bytes:
    element = etree.Element("x")
    element.text = text
    return bytes(etree.tostring(element, encoding="UTF-8"))[3:-4]


@settings(max_examples=400, deadline=None)
@given(text=XML_TEXT)
@example(text="a\r\nb & <c> ]]> \U0001f680")
@example(text="")
def test_escape_text_writes_what_lxml_writes(text: str) -> None:
    assert escape_text(text) == lxml_text(text)


@pytest.mark.parametrize("bad", ["\x00", "\x08", "\x0b", "\x1f", "\ud800", "\ufffe", "\uffff"])
def test_a_character_xml_forbids_is_refused_as_lxml_refuses_it(bad: str) -> None:
    with pytest.raises(ValueError):
        lxml_text(f"a{bad}b")
    with pytest.raises(ValueError, match="XML compatible"):
        escape_text(f"a{bad}b")


def test_outside_a_render_long_text_sets_the_text_at_once() -> None:
    element = etree.Element("x")
    long_text(element, "<p>a</p>")
    assert element.text == "<p>a</p>"


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_text_that_looks_like_a_slot_falls_back_to_lxml_with_the_same_bytes(fmt: str) -> None:
    feed = make_feed()
    # Model text never holds U+FDD0 (clean_text removes it); a hand-made Entry may.
    odd = "\ufdd00\ufdd1 and \ufdd07\ufdd1"
    entries = (replace(feed.entries[0], title=odd, content_html=odd), *feed.entries[1:])
    tricky = replace(feed, entries=entries)
    document = render(tricky, fmt)
    root = etree.fromstring(document)
    texts = [e.text for e in root.iter() if e.text and "\ufdd0" in e.text]
    assert odd in texts
    # Every other body is written in full, exactly once.
    for entry in feed.entries[1:]:
        if entry.content_html:
            assert sum(t == entry.content_html for t in (e.text for e in root.iter())) == 1


def test_a_slot_dropped_by_a_hook_falls_back_to_lxml() -> None:
    with long_texts():
        root = etree.Element("root")
        kept, dropped = etree.SubElement(root, "a"), etree.SubElement(root, "b")
        long_text(kept, "<kept>")
        long_text(dropped, "<dropped>")
        root.remove(dropped)
        document = RssWriter().serialize(root, make_feed([]))
    assert document.endswith(b"<root><a>&lt;kept&gt;</a></root>")
