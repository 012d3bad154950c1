"""Bodies whose HTML elements nest absurdly deep are refused before the sanitiser parses them.

HTML's tree builder (html5ever, under nh3) takes time quadratic in the depth of the open
elements: 100,000 nested `<div>`s (500 KB, within a body's size limit) took 20 s of one
request, and 1 MB 141 s. A body nesting deeper than `MAX_HTML_DEPTH` is refused naming its
field; plain text fields read as HTML (`html_to_text`) take another, linear path instead.
"""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.formats import read_records
from articles.text import (
    MAX_HTML_DEPTH,
    HtmlTooDeep,
    MarkdownTooDeep,
    html_to_text,
    markdown_to_html,
    nests_deeper_than,
    sanitize_html,
)
from tests.fixtures.api import ApiClient, record

COUNTED = ["div", "blockquote", "section", "ul", "ol", "dl", "pre", "a", "b", "em", "span"]
UNCOUNTED = ["p", "li", "dd", "td"]  # their end tags are implied by a sibling
VOID = ["br", "img", "hr", "wbr"]


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> tuple[str, int]:
    """An HTML fragment with every element closed, and how deep its counted elements nest."""
    if depth > 16 or draw(st.integers(0, 2)) == 0:
        return draw(
            st.sampled_from(["x", "텍스트", "<br>", "<img src=a.png>", "<!-- <div> -->"])
        ), 0
    name = draw(st.sampled_from(COUNTED + UNCOUNTED))
    # Mostly one child, so trees go deep without growing wide.
    children = draw(st.lists(trees(depth + 1), min_size=1, max_size=1 + (depth % 4 == 0)))
    inner = "".join(html for html, _ in children)
    below = max(d for _, d in children)
    upper = name.upper() if draw(st.booleans()) else name
    return f"<{upper} class=k>{inner}</{name}>", below + (name in COUNTED)


@given(tree=trees(), limit=st.integers(1, 12))
@settings(max_examples=300)
def test_the_depth_counted_is_the_depth_of_the_tree(tree: tuple[str, int], limit: int) -> None:
    html, depth = tree
    padded = html + "<br>" * 20  # past the shortcut for fragments with few tags
    assert nests_deeper_than(padded, limit) == (depth > limit)


@given(
    opener=st.sampled_from([f"<{n}>" for n in COUNTED] + ["<ul><li>", "<dl><dd>", "<div/>"]),
    extra=st.integers(1, 2000),
)
@settings(max_examples=40, deadline=None)
def test_deeper_than_the_limit_is_refused_at_once(opener: str, extra: int) -> None:
    body = opener * (MAX_HTML_DEPTH + extra) + "text"
    assert nests_deeper_than(body)
    with pytest.raises(HtmlTooDeep):
        sanitize_html(body)
    assert html_to_text(body) == "text"  # the linear reading: the same text


@pytest.mark.parametrize("opener", ["<p>", "<li>", "<td>", "<br>", "<div></div>", "<b>x</b>"])
def test_repeated_siblings_are_not_depth(opener: str) -> None:
    assert not nests_deeper_than(opener * 20_000 + "x")


def test_a_body_at_the_limit_is_kept() -> None:
    body = "<div>" * MAX_HTML_DEPTH + "text" + "</div>" * MAX_HTML_DEPTH
    assert "text" in sanitize_html(body)


def test_the_api_refuses_the_reported_body_quickly_naming_the_field(api: ApiClient) -> None:
    started = time.perf_counter()
    response = api.put("/api/articles/deep", json=record(body_html="<div>" * 60_000 + "text"))
    assert time.perf_counter() - started < 3  # it took 6 s before, 141 s at 1 MB
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == ["body_html"]
    assert f"more than {MAX_HTML_DEPTH} deep" in errors[0]["reason"]
    assert api.get("/api/articles/deep").status_code == 404  # nothing written


def test_the_importer_names_the_record_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "deep.jsonl"
    line = '{"id": "d1", "title": "t", "published": "2025-07-30T10:00:00+09:00", '
    path.write_text(line + '"body_html": "' + "<blockquote>" * 5_000 + 'x"}\n')
    (parsed,) = list(read_records(path, zone=ZoneInfo("Asia/Seoul"), default_language="ko"))
    assert parsed.article is None and parsed.error is not None
    message = str(parsed.error)
    assert "line 1" in message and "body_html" in message and "deep" in message


@given(
    levels=st.integers(1, 80),
    kind=st.sampled_from(["quote", "list", "ordered", "mixed"]),
)
@settings(max_examples=80, deadline=None)
def test_markdown_keeps_every_word_or_is_refused(levels: int, kind: str) -> None:
    """markdown-it stops at its nesting limit and leaves the rest of the text out: a body
    came back without its closing paragraph (201, created). Every word is kept, or the body
    is refused naming why."""
    lines = []
    for i in range(levels):
        marker = {"quote": ">", "list": "-", "ordered": "1.", "mixed": "-" if i % 2 else ">"}[kind]
        if marker == ">":
            lines.append(">" * (i + 1) + f" level{i}")
        else:
            lines.append("   " * i + f"{marker} level{i}")
    source = "Intro.\n\n" + "\n".join(lines) + "\n\nClosing fact.\n"
    try:
        html = markdown_to_html(source)
    except MarkdownTooDeep:
        return
    for word in ["Intro.", "Closing fact.", *(f"level{i}" for i in range(levels))]:
        assert word in html, (word, kind, levels)


def test_the_reported_markdown_is_kept_whole(api: ApiClient) -> None:
    body = (
        "Intro paragraph.\n\n"
        + "".join("  " * i + f"- level {i}\n" for i in range(10))
        + "\nClosing paragraph: the key fact.\n"
    )
    response = api.put("/api/articles/md10", json=record(body_html=None, body_markdown=body))
    assert response.status_code == 201, response.get_json()
    html = response.get_json()["record"]["body_html"]
    assert "level 9" in html and "the key fact" in html
    deep = api.put("/api/articles/md-deep", json=record(body_markdown=">" * 200 + " lost"))
    assert deep.status_code == 422
    assert [e["field"] for e in deep.get_json()["errors"]] == ["body_markdown"]
