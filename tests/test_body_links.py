"""Links in article bodies are URIs a reader can follow as written: what RFC 3986 allows
nowhere (space, `"`, `<`, `>`, `\\`, `^`, backtick, `{`, `|`, `}`, controls, a `%` that starts
no octet) is percent-encoded, as a browser would send it (WHATWG URL), and nothing else about
the link changes. A space in an `href` used to pass through the sanitiser as it was."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import lxml.html
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.text import record_text, sanitize_html
from articles.urls import uri_safe

# RFC 3987 `iri` characters: unreserved (with ucschar), reserved, and `%XX`.
# Less section 4.1's bidirectional formatting characters, which an IRI must not contain.
_IRI = re.compile(
    r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]"
    r"\u00a0-\u200d\u2010-\u2029\u202f-\u2065\u206a-\U0010ffff]|%[0-9A-Fa-f]{2})*"
)

_path_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)).filter(
        lambda c: c not in "\t\n\r" and (ord(c) >= 0x20 or c == "") and ord(c) != 0x7F
    ),
    max_size=30,
)


def _links(body: str) -> list[str]:
    tree = lxml.html.fragment_fromstring(body, create_parent="div")
    return [a.get("href") for a in tree.iter("a") if a.get("href") is not None]


@settings(max_examples=300, deadline=None)
@given(_path_text)
@example("a b")
@example('q"<x>{|}^`\\')
@example("100%")
@example("%zz%41")
@example("기사 제목")
@example("a\u202eb\u2067c")
def test_every_kept_link_is_an_iri_naming_the_same_thing(path: str) -> None:
    written = "https://example.org/" + path
    body = f'<p><a href="{html.escape(written)}">x</a></p>'
    (href,) = _links(sanitize_html(body, "https://site.example/articles/1"))
    assert _IRI.fullmatch(href), href
    # Only encoded, never decoded or reordered: the link names what was written.
    # (A URL is kept as record_text keeps it, without the bidi balancing text gets; a link's
    # ends are trimmed.)
    assert unquote(href) == unquote(record_text(written, bidi=False).strip())


@settings(max_examples=300, deadline=None)
@given(_path_text)
def test_uri_safe_is_idempotent(text: str) -> None:
    once = uri_safe(text)
    assert uri_safe(once) == once


def test_relative_links_and_images_are_encoded_after_resolving() -> None:
    body = '<p><a href="../a b">x</a><img src="c d.png" alt=""></p>'
    out = sanitize_html(body, "https://site.example/articles/1")
    assert 'href="https://site.example/a%20b"' in out
    assert 'src="https://site.example/articles/c%20d.png"' in out


def test_a_scheme_split_by_a_newline_is_read_as_a_browser_reads_it() -> None:
    # Browsers drop tabs and newlines from links: `java\nscript:` is `javascript:`, refused.
    out = sanitize_html('<p><a href="java\nscript:alert(1)">x</a></p>', "https://s.example/")
    assert _links(out) == []
