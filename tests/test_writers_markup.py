"""Entry elements written as markup (`feeds.writers.base.add_markup`): lxml's bytes, for less.

The XML writers and the extensions write each entry's elements as text escaped the way
libxml2 escapes them; outside a writer's render (and when a hook loses a slot) the markup is
parsed and appended by lxml instead. Both must give the bytes lxml gives when it makes the
elements itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.writers import base, render
from feeds.writers.base import add_markup, element, long_texts, xml_attr, xml_text
from tests.fixtures.feeds import make_feed
from tests.fixtures.golden import GOLDEN, documents

XML_TEXT = st.text(
    st.one_of(
        st.sampled_from("&<>\r\n\t\"' ]]>;#\u00a0\u2028\ufdd0"),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff").filter(
            lambda c: c in "\t\n\r" or ord(c) >= 0x20
        ),
    )
)


def lxml_bytes(tag: str, text: str | None, attributes: dict[str, str]) -> bytes:
    root = etree.Element("r", nsmap={"dc": "http://purl.org/dc/elements/1.1/"})
    name = "{http://purl.org/dc/elements/1.1/}" + tag[3:] if tag.startswith("dc:") else tag
    etree.SubElement(root, name, attributes).text = text
    document = bytes(etree.tostring(root, encoding="UTF-8"))
    return document[document.index(b">") + 1 : -len(b"</r>")]


@settings(max_examples=300, deadline=None)
@given(
    tag=st.sampled_from(["link", "dc:creator"]),
    text=st.none() | XML_TEXT,
    attributes=st.dictionaries(st.sampled_from(["href", "rel", "title"]), XML_TEXT, max_size=3),
)
@example(tag="link", text="", attributes={})
@example(tag="dc:creator", text="a\r\nb & <c>", attributes={"title": "\"q\" &\t\n\r'<>'"})
def test_element_writes_what_lxml_writes(
    tag: str, text: str | None, attributes: dict[str, str]
) -> None:
    assert element(tag, text, attributes).encode() == lxml_bytes(tag, text, attributes)


@given(value=XML_TEXT)
def test_text_and_attribute_escaping_are_libxml2s(value: str) -> None:
    assert element("x", value).encode() == lxml_bytes("x", value, {})
    assert f'<x a="{xml_attr(value)}"/>'.encode() == lxml_bytes("x", None, {"a": value})
    assert xml_text(value).encode() == base.escape_text(value)


@contextlib.contextmanager
def elements_made_by_lxml() -> Iterator[None]:
    """Renders in which `add_markup` parses its markup into lxml elements at once."""
    with mock.patch.object(base, "long_texts", contextlib.nullcontext):
        yield


def test_documents_made_with_lxml_elements_have_the_golden_bytes() -> None:
    recorded = json.loads(GOLDEN.read_text())
    with elements_made_by_lxml():
        made = documents()
    assert sorted(made) == sorted(recorded)
    for name, document in made.items():
        assert hashlib.sha256(document).hexdigest() == recorded[name], name


def test_markup_goes_after_the_elements_a_hook_appended_before_it() -> None:
    for deferred in (True, False):
        with long_texts() if deferred else contextlib.nullcontext():
            root = etree.Element("root")
            item = etree.SubElement(root, "item")
            add_markup(item, "<a/>")
            etree.SubElement(item, "b").text = "x"
            add_markup(item, "<c>", b"&amp;", "</c>")
            add_markup(item, "<d/>")
            writer = base.XmlWriter()
            document = writer.serialize(root, make_feed([]))
        assert document.endswith(b"<root><item><a/><b>x</b><c>&amp;</c><d/></item></root>")


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_a_lost_markup_slot_builds_the_document_again_with_lxml(fmt: str) -> None:
    feed = make_feed()
    odd = "\ufdd00\ufdd1"  # looks like a slot (model text never holds U+FDD0)
    tricky = replace(feed, title=odd)
    with elements_made_by_lxml():
        expected = render(tricky, fmt)
    assert render(tricky, fmt) == expected
    assert odd.encode() in expected


@pytest.mark.parametrize("bad", ["\x00", "\x1f", "\ud800", "\ufffe"])
def test_a_character_xml_forbids_in_markup_is_refused_as_lxml_refuses_it(bad: str) -> None:
    with long_texts():
        root = etree.Element("root")
        add_markup(etree.SubElement(root, "item"), f"<a>{bad}</a>")
        with pytest.raises(ValueError, match="XML compatible"):
            base.XmlWriter().serialize(root, make_feed([]))
    with pytest.raises(ValueError, match="XML compatible"):
        add_markup(etree.Element("item"), f"<a>{bad}</a>")


def test_markup_with_a_text_past_libxml2s_default_limit_is_appended_outside_a_render() -> None:
    body = "<p>" + "a < b & c " * 1_100_000 + "</p>"  # about 15 MB once escaped
    root = etree.Element("root")
    add_markup(etree.SubElement(root, "item"), "<content>", base.escape_text(body), "</content>")
    assert root[0][0].text == body
