"""A JSON object that gives a member name twice is refused, by the importer and the API alike.

RFC 8259 4 leaves a repeated name's meaning open: decoders keep the last value, others the
first. `{"status": "withheld", ..., "status": "published"}` published the story.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.formats.json import JsonSyntaxError, decode
from articles.importer import import_sources
from articles.store import Store
from tests.fixtures.api import ApiClient, record

_names = st.text(min_size=1, max_size=8)
_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_names, inner, max_size=3),
    max_leaves=8,
)


def _with_repeat(members: dict[str, object], name: str, first: object, second: object) -> str:
    """A JSON object text with `name` given twice (first and last), other members between."""
    parts = [f"{json.dumps(name)}: {json.dumps(first)}"]
    parts += [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in members.items() if k != name]
    parts.append(f"{json.dumps(name)}: {json.dumps(second)}")
    return "{" + ", ".join(parts) + "}"


@settings(max_examples=300, deadline=None)
@given(
    members=st.dictionaries(_names, _values, max_size=4),
    name=_names,
    first=_values,
    second=_values,
    nest=st.integers(0, 2),
)
@example(members={"a": 'x": y'}, name="status", first="withheld", second="published", nest=0)
def test_any_repeated_name_at_any_depth_is_refused_naming_it(
    members: dict[str, object], name: str, first: object, second: object, nest: int
) -> None:
    text = _with_repeat(members, name, first, second)
    for _ in range(nest):
        text = '{"outer": [' + text + "]}"
    for given_text in (text, text.encode()):
        with pytest.raises(JsonSyntaxError) as refused:
            decode(given_text)
        assert "is given twice in one object" in refused.value.reason
        assert json.dumps(name, ensure_ascii=False)[:20].rstrip('"') in refused.value.reason


@settings(max_examples=300, deadline=None)
@given(value=_values)
def test_json_without_repeats_decodes_as_before(value: object) -> None:
    """Values holding `":` (which the quick count sees as names) are no repeat."""
    text = json.dumps(value, ensure_ascii=False)
    assert decode(text).value == value
    assert decode(text.encode()).value == value


def test_import_refuses_the_record_and_names_the_repeat(tmp_path: Path) -> None:
    lines = tmp_path / "wire.jsonl"
    good = json.dumps({"id": "fine", **record()})
    bad = json.dumps({"id": "twice", "status": "withheld", **record()})
    bad = bad[:-1] + ', "status": "published"}'
    lines.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'feeds.db'}")
    store.migrate()
    try:
        report = import_sources(
            store,
            [str(lines)],
            tag_authority="news.example.org,2025",
            skip_invalid=True,
            workers=0,
        )
        messages = " ".join(report.errors)
        assert "line 2" in messages and '"status" is given twice' in messages, messages
        assert store.get("twice") is None
        assert store.get("fine") is not None
    finally:
        store.dispose()


def test_api_refuses_a_body_with_a_repeated_name(api: ApiClient) -> None:
    body = json.dumps(record(status="withheld"))[:-1] + ', "status": "published"}'
    response = api.put(
        "/api/articles/twice", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert '"status" is given twice' in response.get_json()["detail"]
    assert api.store.get("twice") is None
    ok = json.dumps(record(status="withheld"))
    assert (
        api.put(
            "/api/articles/twice", data=ok.encode(), headers={"Content-Type": "application/json"}
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("front", "name", "line"),
    [
        (
            "id: m1\ntitle: 기사\nstatus: withheld\npublished: 2025-07-30\nstatus: published\n",
            "status",
            6,
        ),
        (
            "id: m1\ntitle: 기사\npublished: 2025-07-30\nimage:\n  url: a.jpg\n  url: b.jpg\n",
            "url",
            7,
        ),
    ],
)
def test_markdown_front_matter_refuses_a_field_given_twice(
    front: str, name: str, line: int
) -> None:
    """The same kind in YAML: keys must be unique, PyYAML kept the last one silently."""
    from zoneinfo import ZoneInfo

    from articles.errors import InvalidArticle
    from articles.formats.markdown import article_from_markdown

    with pytest.raises(InvalidArticle) as refused:
        article_from_markdown(
            f"---\n{front}---\n본문\n",
            where="story.md",
            zone=ZoneInfo("Asia/Seoul"),
            default_language="ko",
        )
    message = str(refused.value)
    assert f"the field '{name}' is given twice" in message and f"line {line}" in message
    # Keys merged in with `<<` may still be overridden, as YAML allows.
    import yaml

    from articles.formats.markdown import _FrontMatterLoader

    # Written inline: front matter refuses anchors and aliases (test_input_yaml_resources).
    merged = yaml.load("y:\n  <<: {k: 1, j: 2}\n  k: 3\n", Loader=_FrontMatterLoader)
    assert sorted(merged["y"]) == ["j", "k"]
    assert merged["y"]["k"].value == 3


@pytest.mark.parametrize(
    "number", [-(2**63) - 1, 2**64, 12345678901234567890123, -(10**40), 2**63, -(2**63)]
)
def test_integers_outside_64_bits_stay_exact(number: int, api: ApiClient) -> None:
    """orjson reads an integer outside 64 bits as a float (2**64 -> 1.8446744073709552e19): a
    numeric id would change. The importer's decoder and the API keep it exact."""
    text = json.dumps({"id": number, "nested": [{"n": number}]})
    assert decode(text).value == {"id": number, "nested": [{"n": number}]}
    assert decode(text.encode()).value["id"] == number
    # The API reads the body the same way: a numeric id is read as its digits (as the
    # importer does), not as a float's spelling.
    body = json.dumps(record(translations=[{"id": number, "language": "en"}]))
    response = api.put(
        "/api/articles/exact", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert "e+" not in response.get_data(as_text=True), response.get_data(as_text=True)
