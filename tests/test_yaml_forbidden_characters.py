"""A character YAML does not allow anywhere in front matter (a C0 control other than tab and
line breaks, DEL, a C1 control other than NEL, a surrogate, U+FFFE/U+FFFF) is reported like
every other YAML error: one line with the line and column, and what to do. It gave PyYAML's
own two-line text with a character offset into an internal string."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_markdown

_FORBIDDEN = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0x85)]
_FORBIDDEN += [*range(0x86, 0xA0), 0xFFFE, 0xFFFF]


@given(
    char=st.sampled_from(_FORBIDDEN),
    before=st.text(alphabet="abc 가나", max_size=8),
    blank_lines=st.integers(0, 3),
)
def test_the_message_places_the_character(char: int, before: str, blank_lines: int) -> None:
    text = "---\nid: a1\n" + "\n" * blank_lines + f"title: x{before}{chr(char)}y\n"
    text += "published: 2025-07-30\n---\nbody\n"
    with pytest.raises(InvalidArticle) as caught:
        article_from_markdown(text, where="s.md", zone=ZoneInfo("UTC"), default_language="ko")
    line = 3 + blank_lines
    column = len("title: x" + before) + 1
    what = "control character" if char < 0xA0 else "character"
    assert caught.value.field == "front matter"
    assert caught.value.reason == (
        f"not valid YAML: U+{char:04X} at line {line}, column {column} is a {what} YAML does "
        "not allow; remove it"
    )
    assert "\n" not in str(caught.value)
