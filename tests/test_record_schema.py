"""The record JSON Schema: generated from the model, committed, and true to the parser."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from articles.model import Article, article_to_dict
from articles.samples import sample_paths
from articles.schema import record_json_schema
from tests.fixtures.records import HOSTILE_RECORDS
from tests.strategies import records

REPO = Path(__file__).resolve().parents[1]
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = record_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_equals_the_generated_one() -> None:
    committed = json.loads((REPO / "docs" / "record.schema.json").read_text(encoding="utf-8"))
    assert committed == record_json_schema(), (
        "docs/record.schema.json is stale: run python -m articles.schema > docs/record.schema.json"
    )


def test_module_entry_point_prints_the_schema() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "articles.schema"], capture_output=True, check=True, cwd=REPO
    ).stdout
    assert json.loads(out) == record_json_schema()


def test_every_model_field_is_in_the_schema() -> None:
    schema = record_json_schema()
    record_fields = {f.name for f in dataclasses.fields(Article) if f.metadata.get("record", True)}
    assert record_fields <= set(schema["properties"])
    assert "derived_slugs" not in schema["properties"]  # the program's note, not a field
    # `published` or `embargoed` (whose end is then the publish time), as the reader takes it.
    assert schema["required"] == ["id", "title"]
    assert [branch["required"] for branch in schema["anyOf"]] == [["published"], ["embargoed"]]
    assert set(schema["$defs"]) == {
        "Author",
        "Episode",
        "Image",
        "Link",
        "Media",
        "Section",
        "Source",
        "Tag",
        "Translation",
    }


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_every_sample_record_validates(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for record in data if isinstance(data, list) else [data]:
        errors = [e.message for e in validator.iter_errors(record)]
        assert errors == [], f"{path.name}: {record['id']}: {errors}"


def test_article_to_dict_output_validates(
    validator: jsonschema.Draft202012Validator, seed_article: Article
) -> None:
    assert list(validator.iter_errors(article_to_dict(seed_article))) == []


@pytest.mark.parametrize(
    "change",
    [
        {"publishd": "2025-07-30"},
        {"id": "has space"},
        {"status": "live"},
        {"media": [{"url": "/a.mp3", "length": -1, "type": "audio/mpeg"}]},
        {"url": "ftp://example.org/"},
        {"body_html": "<p>a</p>", "body": "b"},
        {"reading_time": 0},
    ],
)
def test_records_parse_refuses_are_refused_by_the_schema_too(
    validator: jsonschema.Draft202012Validator, change: dict[str, Any]
) -> None:
    record = {"id": "a1", "title": "t", "published": "2025-07-30", **change}
    assert not validator.is_valid(record)
    with pytest.raises(InvalidArticle):
        article_from_mapping(record, where="r", zone=SEOUL, default_language="ko")


@pytest.mark.parametrize(
    "record",
    [
        {"id": "a1", "title": "t", "published": "2025-07-30"},
        {"id": "a1", "title": "t", "published": "2025-07-30", "section": "아시아",
         "tags": ["외교", {"slug": "japan", "label": "일본"}], "authors": ["조 기자"],
         "source": "출처:AA", "body": ["one", "two"], "x-cms": {"id": 7}},
        # One text for `authors` is a byline; one item for any list; a whole-number id.
        {"id": 7, "title": "t", "published": "2025-07-30", "authors": "Jane Doe and John Roe",
         "tags": "외교", "related": "https://x.example/", "translations": "b",
         "media": {"url": "/a.mp3", "length": 5, "type": "audio/mpeg"}},
        {"id": "a1", "title": "t", "published": "2025-07-30", "authors": {"name": "Jane Doe"},
         "tags": {"slug": "World"}, "translations": [8, "b"], "reading_time": "4분"},
        # An embargo without `published`; blank optional text; white space and capitals.
        {"id": "a1", "title": "t", "embargoed": "2025-07-30T10:00:00+09:00",
         "updated": "2025-07-29", "url": " ", "language": " ko_kr ", "reading_time": 2.5,
         "section": {"slug": "asia", "label": " "}, "image": "HTTPS://x.example/i.jpg"},
        # A media duration as an ISO 8601 duration, as schema.org writes them.
        {"id": "a1", "title": "t", "published": "2025-07-30",
         "media": [{"url": "/a.mp3", "length": 5, "type": "audio/mpeg", "duration": "PT4M"},
                   {"url": "/b.mp4", "length": 5, "type": "video/mp4", "duration": "p1dt2h3.5s"}]},
    ],
)  # fmt: skip
def test_lenient_forms_parse_accepts_are_valid_in_the_schema(
    validator: jsonschema.Draft202012Validator, record: dict[str, Any]
) -> None:
    assert list(validator.iter_errors(record)) == []
    article_from_mapping(record, where="r", zone=SEOUL, default_language="ko")


_BASE: dict[str, Any] = {"id": "n1", "title": "제목", "published": "2025-07-30T10:00:00+09:00"}
_MEDIA = {"url": "https://x.example/a.mp3", "length": 5, "type": "audio/mpeg"}
# A valid value of each field holding objects, and where in it each object sits.
_OBJECTS: dict[str, tuple[Any, str]] = {
    "section": ({"slug": "asia", "label": "아시아"}, "Section"),
    "tags": ([{"slug": "a", "label": "A"}], "Tag"),
    "authors": ([{"name": "A"}], "Author"),
    "image": ({"url": "https://x.example/i.jpg"}, "Image"),
    "related": ([{"url": "https://x.example/"}], "Link"),
    "source": ({"name": "AA"}, "Source"),
    "media": ([_MEDIA], "Media"),
    "translations": ([{"id": "other"}], "Translation"),
    "episode": ({"season": 1}, "Episode"),
}


def _with_null(path: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A valid record with the member at `path` null, and the same record without it."""
    base = dict(_BASE, media=[_MEDIA]) if path[0] == "episode" else dict(_BASE)
    if len(path) == 1:
        return {**base, path[0]: None}, base
    value, _def = _OBJECTS[path[0]]
    item = value[0] if isinstance(value, list) else value
    nulled, left_out = {**item, path[1]: None}, {k: v for k, v in item.items() if k != path[1]}
    wrap = (lambda x: [x]) if isinstance(value, list) else (lambda x: x)
    return {**base, path[0]: wrap(nulled)}, {**base, path[0]: wrap(left_out)}


def _optional_paths() -> list[tuple[str, ...]]:
    schema = record_json_schema()
    # `published` may be left out only for `embargoed` (schema["anyOf"]): not optional alone.
    one_of = {name for branch in schema.get("anyOf", ()) for name in branch["required"]}
    paths: list[tuple[str, ...]] = [
        (name,) for name in schema["properties"] if name not in {*schema["required"], *one_of}
    ]
    for field, (_value, name) in _OBJECTS.items():
        part = schema["$defs"][name]
        paths += [(field, m) for m in part["properties"] if m not in part.get("required", ())]
    return paths


@pytest.mark.parametrize("path", _optional_paths(), ids=".".join)
def test_a_null_optional_member_is_absent_for_the_schema_and_the_parser(
    validator: jsonschema.Draft202012Validator, path: tuple[str, ...]
) -> None:
    """The parser reads null as an absent value wherever a member may be left out, at every
    level; the schema refused null for most of them (`"summary": null`, `"tags": null`,
    `"image": {"alt": null}`), so a record it accepted broke the published schema
    (schemathesis's negative mode against the API: `body_markdown: null` accepted)."""
    nulled, left_out = _with_null(path)

    def parse(raw: dict[str, Any]) -> dict[str, Any]:
        article = article_from_mapping(raw, where="", zone=SEOUL, default_language="ko")
        return article_to_dict(article)

    assert validator.is_valid(nulled), list(validator.iter_errors(nulled))[:1]
    assert parse(nulled) == parse(left_out)


@pytest.mark.parametrize("body", [["a", None], [None]])
def test_a_null_paragraph_is_refused_like_a_null_item_of_any_list(
    validator: jsonschema.Draft202012Validator, body: list[Any]
) -> None:
    """`"body": ["a", null]` was taken (the null dropped) while `"tags": [null]` is refused."""
    raw = {**_BASE, "body": body}
    assert not validator.is_valid(raw)
    with pytest.raises(InvalidArticle) as refused:
        article_from_mapping(raw, where="", zone=SEOUL, default_language="ko")
    assert refused.value.field == f"body[{body.index(None)}]"


def test_a_null_body_form_beside_another_is_one_body_form(
    validator: jsonschema.Draft202012Validator,
) -> None:
    raw = {**_BASE, "body_html": "<p>x</p>", "body": None, "body_markdown": None}
    assert validator.is_valid(raw)
    article_from_mapping(raw, where="", zone=SEOUL, default_language="ko")
    assert not validator.is_valid({**_BASE, "body_html": "<p>x</p>", "body": "y"})


# --- what the reader takes, the schema takes; what it refuses by type, the schema refuses ------

_ITEMS: dict[str, tuple[dict[str, Any], bool]] = {
    "section": ({"label": "아시아"}, False),
    "tags": ({"label": "외교"}, True),
    "authors": ({"name": "Jane Doe"}, True),
    "image": ({"url": "https://x.example/i.jpg"}, False),
    "related": ({"url": "https://x.example/"}, True),
    "source": ({"name": "AA"}, False),
    "media": (_MEDIA, True),
    "translations": ({"id": "other"}, True),
    "episode": ({"season": 1}, False),
}


def _paths() -> list[tuple[str, ...]]:
    """Every field of a record and every member of its objects."""
    schema = record_json_schema()
    paths: list[tuple[str, ...]] = [(name,) for name in schema["properties"] if name != "$schema"]
    for field, (_item, _listed) in _ITEMS.items():
        name = _OBJECTS[field][1]
        paths += [(field, member) for member in schema["$defs"][name]["properties"]]
    return paths


def _placed(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A valid record with `value` at `path` (an episode's record has audio)."""
    record = dict(_BASE, media=[_MEDIA]) if path[0] == "episode" else dict(_BASE)
    if len(path) == 1:
        return {**record, path[0]: value}
    item, listed = _ITEMS[path[0]]
    member = {**item, path[1]: value}
    return {**record, path[0]: [member] if listed else member}


# Values of every JSON type, and text of the forms the fields take. No float with a whole
# value: JSON Schema counts 5.0 an integer, which the reader takes only as a number's size.
_TEXTS = st.sampled_from(
    ["Jane Doe", "Jane Doe and John Roe", "", " ", "5", "4분", "PT4M", "2025-07-30",
     "https://x.example/a", "/a", "audio/mpeg", "ko", "ko-KR", "tag:x.org,2025:a", "a@b.org",
     "published", "draft", "full", "yes", "01:02", "other"]
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2_000),
    st.floats(-10, 2_000).filter(lambda f: not f.is_integer()),
    _TEXTS,
    st.text(max_size=4),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2),
        st.sampled_from([dict(item) for item, _ in _ITEMS.values()]),
        st.dictionaries(st.sampled_from(["name", "label", "url", "id", "x"]), inner, max_size=2),
    ),
    max_leaves=4,
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _without_controls(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROLS.sub("", value)
    if isinstance(value, list):
        return [_without_controls(each) for each in value]
    if isinstance(value, dict):
        return {key: _without_controls(each) for key, each in value.items()}
    return value


# How the reader says a value is of a type the field does not take (articles.formats.messages).
_BY_TYPE = re.compile(r"got (?:text '|a number|a list|an object|true|false|nothing)")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(_paths()), value=_VALUES)
def test_a_value_the_reader_takes_is_valid_in_the_schema_and_one_refused_by_type_is_not(
    validator: jsonschema.Draft202012Validator, path: tuple[str, ...], value: Any
) -> None:
    """The schema says every form the reader takes (`"authors": "Jane Doe and John Roe"`, a
    byline; one tag for a list; a whole-number id; `"reading_time": "4분"`; blank text for an
    optional URL), and refuses a value of a type the reader refuses. Rules on a value's meaning
    (a date that reads as none) may still refuse what the schema takes. Text is drawn without
    the control characters the reader removes (see the next test)."""
    raw = _placed(path, _without_controls(value))
    try:
        article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
    except InvalidArticle as refused:
        if _BY_TYPE.search(refused.reason):
            assert not validator.is_valid(raw), (path, value, refused.reason)
    else:
        assert validator.is_valid(raw), (path, value, list(validator.iter_errors(raw))[:1])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=records())
def test_every_drawn_record_the_reader_takes_is_valid_in_the_schema(
    validator: jsonschema.Draft202012Validator, record: dict[str, Any]
) -> None:
    """The property tests' own records (tests/strategies.py), hostile but plausible, without
    the control characters the reader removes from any text (no pattern can say "anything,
    once its controls are gone")."""
    record = _without_controls(record)
    try:
        article_from_mapping(record, where="r", zone=SEOUL, default_language="ko")
    except InvalidArticle:
        return
    assert validator.is_valid(record), list(validator.iter_errors(record))[:1]


@pytest.mark.parametrize("record", HOSTILE_RECORDS, ids=lambda r: repr(r["id"])[:12])
def test_each_hostile_record_is_judged_alike_by_the_reader_and_the_schema(
    validator: jsonschema.Draft202012Validator, record: dict[str, Any]
) -> None:
    try:
        article_from_mapping(record, where="r", zone=SEOUL, default_language="ko")
    except InvalidArticle as refused:
        if _BY_TYPE.search(refused.reason):
            assert not validator.is_valid(record), refused.reason
    else:
        assert validator.is_valid(record), list(validator.iter_errors(record))[:1]
