"""A refused record's line lists every fault it has, in every format the importer reads.

The import stopped at a record's first error (`record 1: publishd: unknown field`), so a
record with three bad fields took three rounds of fixing and importing again, while the
publishing API listed all three in one 422. Both now use one listing
(`articles.formats.faults`): the record's one line names each field and its reason,
`seed.json: record 1: 3 problems: status: ...; language: ...; url: ...`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.formats import read_records

ZONE = ZoneInfo("Asia/Seoul")
GOOD: dict[str, Any] = {
    "id": "a1",
    "title": "Markets, weather and the day ahead",
    "published": "2025-07-30T06:00:00+09:00",
    "section": {"slug": "briefing", "label": "브리핑"},
}
MEDIA = {"url": "https://cdn.example.com/ep1.mp3", "length": 4096, "type": "audio/mpeg"}
# The fields listed -> how to break them, each independently of the others.
FAULTS: dict[tuple[str, ...], Callable[[dict[str, Any]], None]] = {
    ("published",): lambda r: r.update(published="2025/13/45"),
    ("reading_time",): lambda r: r.update(reading_time=0),
    ("status",): lambda r: r.update(status="gone"),
    ("language",): lambda r: r.update(language="not a tag"),
    ("url",): lambda r: r.update(url="ftp://example.com/x"),
    ("image.url",): lambda r: r.update(image={"url": "not a url"}),
    ("tags[0].slug",): lambda r: r.update(tags=[{"slug": "Bad Slug!", "label": "x"}]),
    # two faults inside one field: both members are listed
    ("media[0].length", "media[0].duration"): lambda r: r.update(
        media=[{**MEDIA, "length": -1, "duration": "zz"}]
    ),
    ("publishd",): lambda r: r.update(publishd="2025-07-30"),  # an unknown field
}


def write(folder: Path, fmt: str, record: dict[str, Any]) -> tuple[Path, str]:
    """The record in one of the importer's formats, and the place its line starts with."""
    if fmt == "json":
        path = folder / "seed.json"
        path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
        return path, f"{path}: record 1: "
    if fmt == "jsonl":
        path = folder / "feed.jsonl"
        path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        return path, f"{path}: line 1: "
    path = folder / "story.md"
    front = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\nThe body.\n", encoding="utf-8")
    return path, f"{path}: "


def refused(path: Path) -> list[str]:
    records = list(read_records(path, zone=ZONE, default_language="ko"))
    return [str(r.error) for r in records if r.error is not None]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fmt=st.sampled_from(["json", "jsonl", "md"]),
    chosen=st.sets(st.sampled_from(sorted(FAULTS)), min_size=1),
)
def test_a_refused_record_lists_every_field_in_error_in_its_one_line(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, chosen: set[tuple[str, ...]]
) -> None:
    record = json.loads(json.dumps(GOOD))
    for fields in chosen:
        FAULTS[fields](record)
    path, where = write(tmp_path_factory.mktemp(fmt), fmt, record)
    lines = refused(path)
    assert len(lines) == 1, lines  # one line for the one record
    (line,) = lines
    assert line.startswith(where), line
    expected = [field for fields in chosen for field in fields]
    for field in expected:
        assert f" {field}: " in line, (field, line)
    if len(expected) > 1:
        assert line.startswith(f"{where}{len(expected)} problems: "), line
    assert line.count("; ") >= len(expected) - 1


def test_a_ninjs_item_lists_every_fault_under_its_ninjs_names(tmp_path: Path) -> None:
    item = {
        "uri": "urn:newsml:example.com:1",
        "type": "text",
        "versioncreated": "2025-07-30T10:00:00Z",
        "headline": "",
        "language": "deutsch",
        "body_html": "<p>Text.</p>",
        "subject": [{"name": "<b></b>"}],
    }
    path = tmp_path / "wire.json"
    path.write_text(json.dumps(item), encoding="utf-8")
    assert refused(path) == [
        f"{path}: 3 problems: title (from headline): required, but empty; language (from "
        "language): 'deutsch' is not a BCP 47 language tag such as 'ko' or 'ko-KR'; tags[0] "
        "(from subject[0].name): required, but empty"
    ]


def test_a_record_with_one_fault_keeps_its_one_line(tmp_path: Path) -> None:
    path, where = write(tmp_path, "json", {**GOOD, "published": "2025/13/45"})
    assert refused(path) == [f"{where}published: cannot read '2025/13/45' as a date"]


@pytest.mark.parametrize(
    ("item", "names"),
    [
        (
            {
                "uri": "urn:newsml:example.com:2",
                "type": "text",
                "versioncreated": "2025/13/45",
                "pubstatus": "gone",
                "headline": "",
                "language": "deutsch",
                "body_html": "<p>Text.</p>",
            },
            ["versioncreated", "pubstatus", "title (from headline)", "language (from language)"],
        ),
        (
            {
                "uri": "urn:newsml:example.com:3",
                "type": "text",
                "standard": {"name": "ninjs", "version": "3.1"},
                "versionCreated": "2025/13/45",
                "pubStatus": "gone",
                "headlines": [{"role": "main", "value": " "}],
                "language": "deutsch",
                "bodies": [{"contentType": "text/html", "value": "<p>Text.</p>"}],
            },
            ["versionCreated", "pubStatus", "title (from headlines)", "language (from language)"],
        ),
    ],
    ids=["ninjs-2", "ninjs-3"],
)
def test_a_ninjs_item_lists_the_fields_it_cannot_translate_beside_the_others(
    tmp_path: Path, item: dict[str, Any], names: list[str]
) -> None:
    """A bad date or status stopped the translation of an item at that field; the item's
    other faults came one import at a time. A field the bad one leaves out (`published`,
    missing when its date is bad) is not listed as missing too."""
    path = tmp_path / "wire.json"
    path.write_text(json.dumps(item), encoding="utf-8")
    (line,) = refused(path)
    assert line.startswith(f"{path}: {len(names)} problems: "), line
    for name in names:
        assert f" {name}: " in line, (name, line)
    assert "published" not in line
