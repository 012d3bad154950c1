"""Reading time as newsrooms write it: one rule (whole minutes, a fraction counting as a
minute) for numbers, text with a unit in any script's digits, and ISO 8601 durations.

Found: the seed page's own `4분 읽기`, `"4"`, `4.0` and `"PT4M"` were all refused.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping, article_from_markdown, read_records

SEOUL = ZoneInfo("Asia/Seoul")
FORMS = ["{n}", "{n}분", "{n}분 읽기", "{n} 분", "{n} min", "{n} min read", "{n} minutes",
         "{n} Min.", "{n}分", "PT{n}M", "Reading time: {n} min", "약 {n}분"]  # fmt: skip
DIGITS = {
    "ascii": "0123456789",
    "fullwidth": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "devanagari": "०१२३४५६७८९",
}


def reading_time(value: object) -> int:
    article = article_from_mapping(
        {"id": "r1", "title": "T", "published": "2025-07-30", "reading_time": value},
        where="wire.json: record 1",
        zone=SEOUL,
        default_language="ko",
    )
    return article.reading_time


@example(n=4, form="{n}분 읽기", digits="ascii")  # the seed page
@example(n=4, form="PT{n}M", digits="ascii")
@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 1000),
    form=st.sampled_from(FORMS),
    digits=st.sampled_from(sorted(DIGITS)),
)
def test_a_reading_time_as_written_gives_its_minutes(n: int, form: str, digits: str) -> None:
    written = str(n).translate(str.maketrans("0123456789", DIGITS[digits]))
    assert reading_time(form.format(n=written)) == n


@settings(max_examples=100, deadline=None)
@given(minutes=st.floats(0.01, 1000, allow_nan=False))
def test_a_fraction_of_a_minute_counts_as_a_minute(minutes: float) -> None:
    assert reading_time(minutes) == math.ceil(minutes)
    seconds = round(minutes * 60)
    if seconds:
        iso = f"PT{seconds // 60}M{seconds % 60}S"
        assert reading_time(iso) == math.ceil(seconds / 60)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4.0, 4), ("3,5 Min.", 4), ("PT1H", 60), ("PT30S", 1), ("1,000", 1000), ("5分で読めます", 5)],
)
def test_reading_time_forms(value: object, expected: int) -> None:
    assert reading_time(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0, "0 is outside 1 to 1,000 minutes"),
        (-3, "outside 1 to 1,000"),
        ("1,234", "'1,234' is outside 1 to 1,000"),  # thousands, not 1.234
        ("PT0S", "outside 1 to 1,000"),
        (float("nan"), "expected whole minutes"),
        (float("inf"), "expected whole minutes"),
        (True, "expected whole minutes"),
        ("four", "expected whole minutes"),
        ("P", "expected whole minutes"),
        ([4], "expected whole minutes"),
    ],
)
def test_other_reading_times_are_refused_naming_the_field(value: object, reason: str) -> None:
    with pytest.raises(InvalidArticle) as caught:
        reading_time(value)
    assert caught.value.field == "reading_time"
    assert caught.value.where == "wire.json: record 1"
    assert reason in caught.value.reason


def test_markdown_front_matter_and_json_files_read_the_same_reading_time(tmp_path: Path) -> None:
    markdown = (
        "---\nid: m1\ntitle: T\npublished: 2025년 7월 30일\nreading_time: 4분 읽기\n---\nBody\n"
    )
    article = article_from_markdown(markdown, where="m1.md", zone=SEOUL, default_language="ko")
    assert article.reading_time == 4
    path = tmp_path / "wire.json"
    records = [{"id": f"j{i}", "title": "T", "published": "2025-07-30", "reading_time": v}
               for i, v in enumerate(["4분", "PT4M", "４", 4.0])]  # fmt: skip
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    parsed = list(read_records(path, zone=SEOUL, default_language="ko"))
    assert [r.article.reading_time for r in parsed if r.article] == [4, 4, 4, 4]


NUMBER_PLACES = {
    "reading_time": "reading_time: {n}",
    "x-count": "x-count: {n}",
    "image.width": "image: {{url: /a.png, width: {n}}}",
    "media[0].length": "media:\n  - {{url: /a.mp3, type: audio/mpeg, length: {n}}}",
    "x-list[1]": "x-list: [1, {n}]",
}


@example(digits=5_000, place="x-count")
@settings(max_examples=30, deadline=None)
@given(digits=st.integers(4_301, 6_000), place=st.sampled_from(sorted(NUMBER_PLACES)))
def test_a_number_too_long_to_convert_in_front_matter_is_refused_naming_its_field(
    digits: int, place: str
) -> None:
    # As in JSON (issue 10): was "front matter: not valid YAML: Exceeds the limit (4300 ...".
    line = NUMBER_PLACES[place].format(n="9" * digits)
    markdown = f"---\nid: m1\ntitle: T\npublished: 2025-07-30\n{line}\n---\n본문\n"
    with pytest.raises(InvalidArticle) as caught:
        article_from_markdown(markdown, where="m1.md", zone=SEOUL, default_language="ko")
    assert caught.value.field == place
    at = 5 + line.count("\n")  # the file line the number is on
    assert f"a whole number of {digits:,} digits at line {at}" in caught.value.reason


@example(seconds=1830)
@settings(max_examples=100, deadline=None)
@given(seconds=st.integers(0, 7 * 24 * 3600))
def test_a_media_duration_is_read_the_same_as_seconds_clock_time_or_iso_8601(seconds: int) -> None:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    forms = [seconds, str(seconds), f"{h}:{m:02d}:{s:02d}", f"PT{h}H{m}M{s}S", f"PT{seconds}S"]
    if h % 24 == 0 and h:
        forms.append(f"P{h // 24}DT{m}M{s}S")
    read = set()
    for form in forms:
        record = {"id": "p", "title": "T", "published": "2025-07-30",
                  "media": [{"url": "/a.mp3", "length": 1, "type": "audio/mpeg",
                             "duration": form}]}  # fmt: skip
        article = article_from_mapping(record, where="r", zone=SEOUL, default_language="ko")
        read.add(article.media[0].duration)
    assert read == {seconds or None}  # zero seconds is read as no duration (docs/podcasts.md)
