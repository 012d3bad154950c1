"""The record JSON Schema: generated from the model, committed, and true to the parser."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from articles.model import Article, article_to_dict
from articles.samples import sample_paths
from articles.schema import record_json_schema

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
    assert {f.name for f in dataclasses.fields(Article)} <= set(schema["properties"])
    assert schema["required"] == ["id", "title", "published"]
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
    ],
)  # fmt: skip
def test_lenient_forms_parse_accepts_are_valid_in_the_schema(
    validator: jsonschema.Draft202012Validator, record: dict[str, Any]
) -> None:
    assert list(validator.iter_errors(record)) == []
    article_from_mapping(record, where="r", zone=SEOUL, default_language="ko")
