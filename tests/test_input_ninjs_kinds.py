"""ninjs as agencies send it: the same field in every version gives the same value, and any
value in any place of a real item gives an article or a refusal naming the field.

Found: `"pubstatus": ["usable"]` (or an object) raised TypeError out of the importer;
`"pubstatus": "Usable"` was refused; renditions sized `1200.0` (ninjs types sizes as numbers)
refused the whole story as "expected a whole number", and lost to a smaller rendition sized
in ints when choosing the largest; a size of 0 (agencies' "unknown") refused the story;
`"language": "ko_KR"` was refused.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping, article_from_ninjs

SEOUL = ZoneInfo("Asia/Seoul")
DATA = Path(__file__).parent / "data" / "ninjs"


def _items() -> dict[str, dict[str, Any]]:
    items = {}
    for path in sorted(DATA.rglob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        try:
            article_from_ninjs(raw, where="t", zone=SEOUL, default_language="ko")
        except InvalidArticle:
            continue  # events and plannings: not articles
        items[str(path.relative_to(DATA))] = raw
    return items


ITEMS = _items()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


json_scalars = (
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats() | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated_items(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(ITEMS)))
    item = copy.deepcopy(ITEMS[name])
    path = draw(st.sampled_from(_paths(item)))
    value = draw(json_values | st.sampled_from(["Usable", "1200", "ko_KR", "", " "]))
    target = item
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return f"{name} {'.'.join(map(str, path))}", item


@example(case=("2.1/dpa", {**ITEMS[sorted(ITEMS)[0]], "pubstatus": ["usable"]}))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated_items())
def test_any_value_anywhere_in_a_real_item_gives_an_article_or_a_refusal(
    case: tuple[str, dict[str, Any]],
) -> None:
    _, item = case
    try:
        article_from_ninjs(item, where="wire.json: record 1", zone=SEOUL, default_language="ko")
    except InvalidArticle as exc:
        assert exc.where == "wire.json: record 1"
        assert exc.reason


V2 = {"uri": "urn:x:1", "type": "text", "version": "1", "versioncreated": "2025-07-30T09:00:00Z",
      "headline": "제목", "body_text": "본문"}  # fmt: skip
V3 = {"uri": "urn:x:1", "type": "text", "version": "1", "versionCreated": "2025-07-30T09:00:00Z",
      "headlines": [{"role": "main", "value": "제목"}],
      "bodies": [{"role": "main", "contentType": "text/plain", "value": "본문"}]}  # fmt: skip
VERSIONS = {"2.x": (V2, "pubstatus"), "3.x": (V3, "pubStatus")}


def ninjs(version: str, **fields: Any) -> Any:
    base, _ = VERSIONS[version]
    return article_from_ninjs({**base, **fields}, where="w", zone=SEOUL, default_language="ko")


@settings(max_examples=60, deadline=None)
@given(
    version=st.sampled_from(sorted(VERSIONS)),
    status=st.sampled_from(["usable", "withheld", "canceled"]),
    spelling=st.sampled_from([str.lower, str.upper, str.title, lambda s: f" {s} "]),
)
def test_pub_status_is_read_whatever_its_case_in_every_version(
    version: str, status: str, spelling: Any
) -> None:
    expected = {"usable": "published", "withheld": "withheld", "canceled": "withheld"}[status]
    field = VERSIONS[version][1]
    assert ninjs(version, **{field: spelling(status)}).status == expected


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_rendition_sizes_are_any_json_number(version: str) -> None:
    mime = "mimetype" if version == "2.x" else "contentType"
    jpeg = {mime: "image/jpeg"}
    renditions = [
        {"name": "thumb", "href": "https://ex.com/t.jpg", "width": 160, "height": 90, **jpeg},
        {"name": "orig", "href": "https://ex.com/o.jpg", "width": 1200.0, "height": 675.0, **jpeg},
        {"name": "odd", "href": "https://ex.com/z.jpg", "width": 0, "height": -1, **jpeg},
    ]
    picture = {"name": "featureimage", "type": "picture", "uri": "urn:i", "renditions": renditions}
    article = ninjs(version, associations=[picture])
    assert article.image is not None
    assert (article.image.url, article.image.width, article.image.height) == (
        "https://ex.com/o.jpg",
        1200,
        675,
    )
    only_odd = {**picture, "renditions": [renditions[2]]}
    image = ninjs(version, associations=[only_odd]).image
    assert image is not None and (image.width, image.height) == (None, None)


@pytest.mark.parametrize("version", sorted(VERSIONS))
@pytest.mark.parametrize(
    ("given", "expected"), [("ko_KR", "ko-KR"), ("zh_Hant_TW", "zh-Hant-TW"), ("en_us", "en-US")]
)
def test_locale_style_language_tags_are_read_as_bcp_47(
    version: str, given: str, expected: str
) -> None:
    assert ninjs(version, language=given).language == expected
    record = {"id": "a", "title": "T", "published": "2025-07-30", "language": given}
    assert article_from_mapping(record, where="r", zone=SEOUL, default_language="ko").language == (
        expected
    )


def test_a_whole_number_written_with_a_fraction_is_that_number_in_every_number_field() -> None:
    record = {
        "id": "a", "title": "T", "published": "2025-07-30",
        "image": {"url": "/a.png", "width": 1200.0, "height": 675.0},
        "media": [{"url": "/a.mp3", "length": 1024.0, "type": "audio/mpeg"}],
    }  # fmt: skip
    article = article_from_mapping(record, where="r", zone=SEOUL, default_language="ko")
    assert article.image is not None and (article.image.width, article.image.height) == (1200, 675)
    assert article.media[0].length == 1024
    with pytest.raises(InvalidArticle) as caught:
        article_from_mapping(
            {**record, "image": {"url": "/a.png", "width": 1200.5}},
            where="r",
            zone=SEOUL,
            default_language="ko",
        )
    assert caught.value.field == "image.width"


@settings(max_examples=40, deadline=None)
@given(
    version=st.sampled_from(sorted(VERSIONS)),
    spelling=st.sampled_from([str.lower, str.upper, str.title, lambda s: f" {s} "]),
    item_type=st.sampled_from(["text", "composite", "picture", "event"]),
)
def test_an_item_type_is_read_whatever_its_case(
    version: str, spelling: Any, item_type: str
) -> None:
    # `"type": "Text"` was refused as "a ninjs 'Text' item is not an article".
    as_written = ninjs_or_refusal(version, type=spelling(item_type))
    as_iptc = ninjs_or_refusal(version, type=item_type)
    assert as_written == as_iptc


def ninjs_or_refusal(version: str, **fields: Any) -> object:
    try:
        return ninjs(version, **fields).title
    except InvalidArticle as exc:
        return exc.field


# The content types a ninjs body may be written in, and what the article's body then is.
_BODY_TYPES = {
    "text/html": "<p>본문 <b>굵게</b></p>",
    "application/xhtml+xml": "<p>본문 <b>굵게</b></p>",
    "text/markdown": "본문 **굵게**",
    "text/x-markdown; charset=utf-8": "본문 **굵게**",
    "text/plain": "본문 굵게",
}
_UNREAD_TYPES = ["application/pdf", "application/json", "image/jpeg", "text/rtf"]


def _bodies_item(version: str, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    item = copy.deepcopy(V3 if version == "3.x" else {**V2, "headlines": [{"value": "제목"}]})
    item.pop("body_text", None)
    item.pop("headline", None)
    key = "contentType" if version == "3.x" else "contenttype"
    item["bodies"] = [{key: b["type"], "value": b["value"]} if b["type"] else
                      {"value": b["value"]} for b in bodies]  # fmt: skip
    return item


@example(version="3.x", types=["text/markdown"])  # was imported with no body at all
@example(version="2.x", types=["application/pdf"])  # likewise, in silence
@settings(max_examples=120, deadline=None)
@given(
    version=st.sampled_from(sorted(VERSIONS)),
    types=st.lists(st.sampled_from([*_BODY_TYPES, *_UNREAD_TYPES]), min_size=1, max_size=3),
)
def test_a_body_is_read_from_any_content_type_or_the_item_is_refused(
    version: str, types: list[str]
) -> None:
    # A body in a content type the reader skipped (Markdown, a PDF, JSON) left the story
    # published with no text at all, and nothing said so. Now every readable type gives the
    # body (HTML first, then Markdown, then plain text) and an item whose bodies are all
    # unreadable is refused naming the first such body's content type.
    bodies = [{"type": t, "value": _BODY_TYPES.get(t, "%PDF-1.7")} for t in types]
    item = _bodies_item(version, bodies)
    readable = [t for t in types if t in _BODY_TYPES]
    if not readable:
        key = "contentType" if version == "3.x" else "contenttype"
        with pytest.raises(InvalidArticle, match=rf"bodies\[0\]\.{key}: no body of this item"):
            article_from_ninjs(item, where="w", zone=SEOUL, default_language="ko")
        return
    article = article_from_ninjs(item, where="w", zone=SEOUL, default_language="ko")
    if any("html" in t for t in readable):
        assert article.body_html == "<p>본문 <b>굵게</b></p>"
    elif any("markdown" in t for t in readable):
        assert article.body_html == "<p>본문 <strong>굵게</strong></p>"
    else:
        assert article.body_html == "<p>본문 굵게</p>"


@example(version="3.x", role="MAIN", field="headlines")  # the short headline was taken
@settings(max_examples=60, deadline=None)
@given(
    version=st.sampled_from(sorted(VERSIONS)),
    role=st.sampled_from(["main", "Main", "MAIN", " main "]),
    field=st.sampled_from(["headlines", "descriptions"]),
)
def test_roles_are_read_whatever_their_case(version: str, role: str, field: str) -> None:
    # `"role": "MAIN"` was not IPTC's `main`, so the first headline (a short one) became the
    # title; likewise a `Summary` description lost to a `teaser` before it.
    wanted = "main" if field == "headlines" else "summary"
    written = role.replace("main", wanted).replace("Main", wanted.title())
    written = written.replace("MAIN", wanted.upper())
    entries = [{"role": "short" if field == "headlines" else "teaser", "value": "다른 것"},
               {"role": written, "value": "바로 이것"}]  # fmt: skip
    base = {**(V3 if version == "3.x" else V2)}
    base.pop("headline", None)
    base.setdefault("headlines", [{"value": "제목"}])
    article = article_from_ninjs(
        {**base, field: entries}, where="w", zone=SEOUL, default_language="ko"
    )
    assert (article.title if field == "headlines" else article.summary) == "바로 이것"
