"""A body's numeric character references never become U+FFFD or a control character.

HTML reads `&#0;`, a surrogate (`&#xD800;`) or a code point past U+10FFFF as U+FFFD, and five
C1 references (`&#x81;`) as the control itself. The raw characters are removed from every
record's text (`articles.text.clean_text`); their references are removed the same way, so a
body never carries U+FFFD or a control it did not hold as text (found: a body with `&#x0;`
was served with U+FFFD, which the W3C validator reports as "content contains bad
characters" and the consumer harness as mis-decoded text). A reference to any other
character keeps it.
"""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text import clean_text, sanitize_html
from tests.fixtures.api import ApiClient, record

# What a record's text may not hold, and U+FFFD, which only mis-decoding produces.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffd]")
code_points = st.one_of(
    st.integers(0, 0x20),
    st.integers(0x7F, 0xA0),
    st.integers(0xD7F0, 0xE010),
    st.integers(0xFFF0, 0x10010),
    st.integers(0x10FFF0, 0x110010),
    st.integers(0, 0x10FFFF),
    st.integers(0x110000, 10**30),
)


def _reference(code: int, form: str) -> str:
    return {"dec": f"&#{code};", "hex": f"&#x{code:X};", "bare": f"&#{code} "}[form]


@settings(max_examples=300, deadline=None)
@given(code=code_points, form=st.sampled_from(["dec", "hex", "bare"]))
def test_a_reference_gives_its_character_or_nothing(code: int, form: str) -> None:
    body = sanitize_html(f'<p title="t{_reference(code, form)}">a{_reference(code, form)}b</p>')
    text = html.unescape(body)
    if code != 0xFFFD:  # asked for by name, like U+FFFD written as text
        assert _NOT_TEXT.search(text) is None, (code, body)
    kept = code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF and not 0x80 <= code <= 0x9F
    if kept and clean_text(chr(code)) and chr(code).isprintable():
        assert chr(code) in text, (code, body)


def test_the_found_body_serves_no_replacement_character(api: ApiClient) -> None:
    body = "<p>&#x0; &#xD800; &#x110000; &#x81; &nbsp; &bogus; &#x93;quoted&#x94;</p>"
    assert api.put("/api/articles/refs-1", json=record(body_html=body)).status_code == 201
    for fmt in ("atom", "rss", "json"):
        served = api.client.get(f"/feeds/all.{fmt}").get_data(as_text=True)
        assert "quoted" in served
        assert "\ufffd" not in served and "\x81" not in served, fmt
