"""Text hygiene: XML-safe text, sanitised HTML with absolute links, slugs, reading time."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import articles.text as text_module
import feeds.model
from articles.formats import article_from_mapping
from articles.samples import SAMPLES_DIR
from articles.text import (
    clean_text,
    html_to_text,
    is_blank,
    reading_time_minutes,
    record_text,
    sanitize_html,
    slugify,
)
from feeds.hygiene import texts_clean
from feeds.writers import render
from tests.fixtures.feeds import make_feed


def test_clean_text_removes_what_xml_cannot_carry() -> None:
    dirty = "a\x00b\x07c\x1bd\ud800e\udfffg\ufffeh\uffffi"
    assert clean_text(dirty) == "abcdegh" + "i"


def test_clean_text_keeps_tab_newline_return_and_record_text_normalises_to_nfc() -> None:
    assert clean_text("a\tb\nc\rd") == "a\tb\nc\rd"
    assert clean_text("e\u0301") == "e\u0301"  # the feed model writes text as it is held
    assert record_text("e\u0301") == "\u00e9"
    assert record_text("\u1100\u1161") == "가"  # conjoining jamo compose


@pytest.mark.parametrize("tag", ["script", "style", "iframe", "object", "form", "noscript"])
def test_dangerous_elements_are_removed_with_their_content(tag: str) -> None:
    out = sanitize_html(f"<p>keep</p><{tag}>secret</{tag}>", "https://news.example.com/a")
    assert out == "<p>keep</p>"


def test_embed_elements_are_removed() -> None:
    out = sanitize_html('<p>keep<embed src="https://a.example/x.swf"></p>', "")
    assert out == "<p>keep</p>"


def test_event_handlers_and_styles_are_dropped() -> None:
    out = sanitize_html('<p onclick="x()" style="color:red" class="c">hi</p>', "")
    assert out == "<p>hi</p>"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x"]
)
def test_links_with_unsafe_schemes_lose_their_url(url: str) -> None:
    out = sanitize_html(f'<a href="{url}">a</a><img src="{url}">', "https://news.example.com/a")
    assert "href" not in out
    assert "src" not in out
    assert ":" not in out.replace("noopener noreferrer", "")


def test_news_markup_survives() -> None:
    body = (
        "<h2>Sub</h2><p><em>e</em><strong>s</strong><b>b</b><i>i</i><sub>1</sub><sup>2</sup></p>"
        '<blockquote cite="https://a.example/q"><p>q</p></blockquote><q>q</q><cite>c</cite>'
        "<ul><li>u</li></ul><ol><li>o</li></ol><pre><code>x = 1</code></pre><hr>"
        '<figure><img src="https://a.example/i.jpg" alt="alt" width="10" height="5">'
        "<figcaption>cap</figcaption></figure>"
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>"
        '<abbr title="Associated Press">AP</abbr><time datetime="2025-07-30">7월 30일</time><br>'
    )
    out = sanitize_html(body, "https://news.example.com/a")
    for fragment in [
        "<h2>Sub</h2>", "<em>e</em>", "<strong>s</strong>", "<sub>1</sub>", "<sup>2</sup>",
        '<blockquote cite="https://a.example/q">', "<q>q</q>", "<cite>c</cite>", "<li>u</li>",
        "<ol>", "<pre><code>x = 1</code></pre>", "<hr>", '<img src="https://a.example/i.jpg"',
        'alt="alt"', 'width="10"', "<figcaption>cap</figcaption>", "<th>h</th>", "<td>d</td>",
        '<abbr title="Associated Press">AP</abbr>', '<time datetime="2025-07-30">', "<br>",
    ]:  # fmt: skip
        assert fragment in out


def test_links_get_rel_noopener() -> None:
    out = sanitize_html('<a href="https://a.example/">a</a>', "")
    assert 'rel="noopener noreferrer"' in out


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("photo.jpg", "https://news.example.com/2025/photo.jpg"),
        ("../up.html", "https://news.example.com/up.html"),
        ("/root", "https://news.example.com/root"),
        ("#note", "https://news.example.com/2025/story#note"),
        ("//cdn.example.net/x.png", "https://cdn.example.net/x.png"),
        ("https://other.example/x", "https://other.example/x"),
    ],
)
def test_relative_urls_resolve_against_the_article_url(href: str, expected: str) -> None:
    out = sanitize_html(f'<a href="{href}">a</a>', "https://news.example.com/2025/story")
    assert f'href="{expected}"' in out


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../images/x.png", "/images/x.png"),
        ("x.png", "/articles/x.png"),
        ("/samples/images/x.png", "/samples/images/x.png"),
        ("//cdn.example.net/x.png", "https://cdn.example.net/x.png"),
    ],
)
def test_without_article_url_links_become_site_relative_paths(href: str, expected: str) -> None:
    out = sanitize_html(f'<img src="{href}">', "/articles/seed-1")
    assert f'src="{expected}"' in out


def test_quote_cite_urls_are_made_absolute_too() -> None:
    out = sanitize_html('<blockquote cite="q.html">q</blockquote>', "https://n.example/a/b")
    assert 'cite="https://n.example/a/q.html"' in out


def test_named_entities_come_out_as_characters_xml_can_parse() -> None:
    out = sanitize_html("<p>a&nbsp;b &copy; &hellip; &amp; &lt;</p>", "")
    assert "&nbsp;" not in out and "&copy;" not in out
    assert "\u00a0" in out and "©" in out and "…" in out
    root = ET.fromstring(f"<root>{out}</root>")  # an XML parser accepts the fragment
    assert root.find("p") is not None


def test_hostile_html_comes_out_escaped_balanced_and_free_of_controls() -> None:
    hostile = "<p>]]> & <b>unclosed<i>nest</p><img src=x onerror=alert(1)>\x00<!-- c -->"
    out = sanitize_html(hostile, "")
    assert "]]&gt;" in out and " &amp; " in out  # a CDATA end or bare & cannot survive
    assert out.count("<b>") == out.count("</b>")
    assert "<!--" not in out and "onerror" not in out and "\x00" not in out


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("아시아", "asia"),
        ("Hello, World!", "hello-world"),
        ("Ünïcödé  ëxample", "unicode-example"),
        ("  --Trim--  ", "trim"),
    ],
)
def test_slugify_transliterates_to_lower_case_ascii(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugify_caps_the_length_at_a_word_boundary() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 80
    assert slug.endswith("word")


@pytest.mark.parametrize("text", ["", "!!!", "   ", "\u200b"])
def test_slugify_is_never_empty(text: str) -> None:
    slug = slugify(text)
    assert slug.startswith("h-")
    assert slug == slugify(text)  # stable


def test_reading_time_counts_words_for_space_separated_languages() -> None:
    assert reading_time_minutes("word " * 230, "en") == 1
    assert reading_time_minutes("word " * 231, "en") == 2
    assert reading_time_minutes("<p>" + "Wort " * 1000 + "</p>", "de") == 5


def test_reading_time_counts_characters_for_korean_japanese_chinese() -> None:
    assert reading_time_minutes("가" * 1500, "ko") == 3
    assert reading_time_minutes("가 " * 1500, "ko-KR") == 3  # spaces do not count
    assert reading_time_minutes("字" * 900, "zh-Hant") == 3
    assert reading_time_minutes("あ" * 1000, "ja") == 2


def test_reading_time_is_at_least_one_minute() -> None:
    assert reading_time_minutes("", "en") == 1
    assert reading_time_minutes("", "ko") == 1


def test_korean_rule_gives_a_plausible_time_for_the_seed_article() -> None:
    seed = json.loads((SAMPLES_DIR / "seed.json").read_text(encoding="utf-8"))
    minutes = reading_time_minutes(seed["body_html"], "ko")
    # The page says 4분 읽기; 743 characters at 500 a minute is under two minutes of reading.
    assert 1 <= minutes <= 4
    assert minutes == 2


def test_html_to_text_drops_tags_and_decodes_entities() -> None:
    assert html_to_text("<p>a &amp; b</p><script>x</script><p>c</p>") == "a & b c"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<script>", "</script>", "<a href='", "javascript:", "data:", "'>", "<img src=",
             " onerror=", "&nbsp;", "&", "]]>", "<", ">", "\x00", "\ud800", "<p>", "</p>",
             "<!--", "-->", "<style>", "x", "가", " ", "\n", "../", "//", "<svg>", "\""]
        )
        | st.text(max_size=5),
        max_size=30,
    ).map("".join)
)  # fmt: skip
def test_sanitised_html_never_carries_scripts_bad_urls_or_illegal_characters(html: str) -> None:
    out = sanitize_html(html, "/articles/a1")
    assert clean_text(out) == out
    assert "<script" not in out and "<style" not in out and "<svg" not in out
    # Every URL attribute left is http(s), mailto or a site path: never javascript: or data:.
    for url in re.findall(r'(?:href|src|cite)="([^"]*)"', out):
        assert url.startswith(("https://", "http://", "mailto:", "/")), url
    assert "&nbsp;" not in out
    assert "<!--" not in out


# --------------------------------------------------------------------------- one clean_text rule


def test_the_feed_model_cleans_text_by_the_same_rule() -> None:
    assert feeds.model.clean_text is clean_text


def test_clean_text_removes_what_xml_discourages_but_keeps_nel() -> None:
    assert clean_text("a\x7fb\x80c\x9fd\x85e\ufdd0f") == "abcd\x85ef"


def test_clean_text_of_nothing_is_empty() -> None:
    assert clean_text(None) == "" and clean_text("") == ""


# The characters that show nothing: white space, C0/C1 controls, and a sample of Unicode's
# Default_Ignorable_Code_Point (zero-width space and joiners, BOM, marks, fillers, selectors).
INVISIBLE = list(" \t\n\u00a0\u3000\u2028\x00\x1f\x85\u00ad\u034f\u061c\u115f\u1160\u180e")
INVISIBLE += list("\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2060\u2063\u3164\ufe0f\ufeff\uffa0")
INVISIBLE += ["\U000e0001", "\U000e0041", "\U000e01ef"]


@given(st.lists(st.sampled_from(INVISIBLE), max_size=12).map("".join))
def test_text_of_only_invisible_characters_is_blank(text: str) -> None:
    assert is_blank(text)


@given(
    st.lists(st.sampled_from(INVISIBLE), max_size=6).map("".join),
    st.characters(categories=["L", "N", "P", "S"]).filter(
        lambda c: (
            c not in "\u115f\u1160\u3164\uffa0"
        )  # Hangul fillers are letters that show nothing
    ),
    st.lists(st.sampled_from(INVISIBLE), max_size=6).map("".join),
)
def test_text_with_a_visible_character_is_not_blank(before: str, char: str, after: str) -> None:
    assert not is_blank(before + char + after)


def _sanitised_in_full(html: str, base_url: str) -> str:
    """`sanitize_html` without its shortcut for plain paragraphs: always the sanitiser."""
    shortcut = text_module._PLAIN_PARAGRAPHS
    text_module._PLAIN_PARAGRAPHS = re.compile("(?!)")  # matches nothing
    try:
        return sanitize_html(html, base_url)
    finally:
        text_module._PLAIN_PARAGRAPHS = shortcut


# Bodies near the shape `sanitize_html` takes a shortcut for (bare paragraphs of text): such
# pieces, and at most one piece that may or may not spoil it, anywhere.
_PLAIN_PIECES = ["<p>", "</p>", "<p>", "</p>", "기사 본문", "text", " ", "\n", "\t", "\u00a0",
                 "\u3000", "\u2028", "e\u0301", "\"q\" 'a' = /"]  # fmt: skip
_SPOILERS = ["", "\r", "\r\n", "&", "&amp;", "&nbsp;", "<", ">", "<br>", "<P>", "</P>",
             "<p class=x>", "<p >", "\x00", "\x07", "\ud800", "\ufdd0", "\ufeff",
             "\u0338"]  # fmt: skip
_BODIES = st.builds(
    lambda pieces, spoiler, at: "".join([*pieces[:at], spoiler, *pieces[at:]]),
    st.lists(st.sampled_from(_PLAIN_PIECES) | st.text(max_size=3), max_size=16),
    st.sampled_from(_SPOILERS),
    st.integers(0, 16),
)


@settings(max_examples=500, deadline=None)
@given(_BODIES)
def test_sanitize_html_gives_what_the_sanitiser_gives_for_any_body(html: str) -> None:
    """The shortcut for bodies of plain paragraphs changes nothing: every body, plain or not,
    comes out exactly as the sanitiser alone makes it."""
    assert sanitize_html(html, "/articles/a1") == _sanitised_in_full(html, "/articles/a1")


@pytest.mark.parametrize(
    "body",
    ["<p>기사</p>\n<p>\"둘\" 'x' = / `</p>", " \t<p></p>text<p>\U0001f600\u3000\u0085</p>\n"],
)
def test_plain_paragraphs_come_out_as_they_went_in(body: str) -> None:
    assert text_module._PLAIN_PARAGRAPHS.fullmatch(body)
    assert sanitize_html(body, "") == _sanitised_in_full(body, "") == body.strip()


# Any Python text, lone surrogates included (JSON's "\udfff" escape decodes to one), with the
# pieces that make a text read as markup.
ANY_TEXT = st.lists(
    st.characters(codec=None, categories=None) | st.sampled_from(["<b>", "</b>", "&amp;", "&#"]),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_every_reading_of_markup_takes_any_text_and_gives_text_xml_can_carry(text: str) -> None:
    """The HTML readers meet a record's values before the text rule has cleaned them (a ninjs
    `by` of `<b>K\\udfff</b>` raised UnicodeEncodeError, a traceback instead of a record):
    each takes any str, and what an HTML reading gives has nothing `clean_text` would remove
    (`markup_text` gives a text that does not read as markup back as it is)."""
    from articles.text import markup_text, reads_as_markup

    for read in (html_to_text, sanitize_html):
        shown = read(text)
        assert clean_text(shown) == shown, read.__name__
    shown = markup_text(text)
    assert shown == text if not reads_as_markup(text) else clean_text(shown) == shown


def test_a_ninjs_byline_with_a_lone_surrogate_in_markup_is_read(tmp_path) -> None:  # noqa: ANN001
    from articles.formats import read_records

    record = {
        "uri": "urn:x:1",
        "type": "text",
        "headline": "h",
        "by": "<b>Kim\udfff</b>",
        "versioncreated": "2025-07-30T09:00:00+09:00",
        "body_html": "<p>x</p>",
        "language": "ko",
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps(record, ensure_ascii=True))
    (parsed,) = read_records(str(path), zone=None, default_language="ko")
    assert parsed.error is None and parsed.article is not None
    assert [a.name for a in parsed.article.authors] == ["Kim"]


# XML 1.0 section 2.2 discourages the noncharacters of every plane, not only the BMP's: U+1FFFE,
# U+1FFFF, ..., U+10FFFE, U+10FFFF. The W3C Feed Validation Service answers a feed holding one
# with an error, 'Invalid HTML'.
ASTRAL_NONCHARACTERS = [
    chr(plane << 16 | low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF)
]


@settings(max_examples=200, deadline=None)
@given(
    bad=st.sampled_from(ASTRAL_NONCHARACTERS),
    before=st.text(max_size=8),
    after=st.text(max_size=8),
    field=st.sampled_from(["title", "summary", "body", "tags", "authors", "rights"]),
)
def test_noncharacters_of_every_plane_are_removed_and_no_feed_carries_them(
    bad: str, before: str, after: str, field: str
) -> None:
    assert bad not in clean_text(f"{before}{bad}{after}")
    assert not texts_clean([f"x{bad}y"])
    value: object = f"Kim{bad}Lee"
    record = {"id": "n1", "title": "T", "published": "2025-07-30T09:00:00+09:00", field: value}
    if field in ("tags", "authors"):
        record[field] = [value]
    article = article_from_mapping(
        record, where="t", zone=ZoneInfo("Asia/Seoul"), default_language="ko"
    ).with_guid("tag:feeds.example.org,2025:article/n1")
    feed = make_feed([article])
    for fmt in ("atom", "rss", "json"):
        assert bad not in render(feed, fmt).decode("utf-8"), fmt


def test_clean_text_removes_the_validators_example() -> None:
    assert clean_text("a\U0001fffe b\U0010ffff c\U0002fffe") == "a b c"
