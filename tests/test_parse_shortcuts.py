"""The importer's shortcuts for common input, each held to the full path it stands for.

Each shortcut skips work that cannot change the result for the input it takes; these
properties check that for any input, the shortcut taken or not: the same value, or the same
error message.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles import dates
from articles.errors import InvalidArticle
from articles.formats import json as json_format
from articles.formats.record import BODY_FIELDS, RECORD_FIELDS, RecordBuilder
from articles.formats.values import ValueReader
from articles.slugs import label_key
from articles.store import facets, rows

SEOUL = ZoneInfo("Asia/Seoul")


def _outcome(read: object, *args: object) -> tuple[object, ...]:
    """A result as compared here: the value with its type and offset, or the error's text."""
    try:
        value = read(*args)  # type: ignore[operator]
    except ValueError as exc:
        return ("error", type(exc).__name__, str(exc))
    if isinstance(value, datetime):
        return ("value", value, value.utcoffset(), value.tzinfo)
    return ("value", type(value).__name__, value)


# --------------------------------------------------------------------------- dates


def _padded(number: int, width: int) -> str:
    return str(number).zfill(width)


# Near RFC 3339: every part drawn across and beyond its range (month 13, second 60, a
# 24-hour offset, year 0 and 9999), with the separators and zone markers others write.
_rfc3339_like = st.builds(
    lambda y, mo, d, sep, h, mi, s, frac, zone: (
        f"{_padded(y, 4)}-{_padded(mo, 2)}-{_padded(d, 2)}{sep}{_padded(h, 2)}:"
        f"{_padded(mi, 2)}:{_padded(s, 2)}{frac}{zone}"
    ),
    st.integers(0, 10_000),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from(["T", "t", " ", "_"]),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.one_of(st.just(""), st.from_regex(r"[.,][0-9]{1,9}", fullmatch=True)),
    st.one_of(
        st.sampled_from(["Z", "z", "", " Z", "+00:00", "-00:00", "+0900", " KST", "[Asia/Seoul]"]),
        st.builds(
            lambda sign, h, m: f"{sign}{_padded(h, 2)}:{_padded(m, 2)}",
            st.sampled_from("+-"),
            st.integers(0, 25),
            st.integers(0, 60),
        ),
    ),
)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        _rfc3339_like,
        _rfc3339_like.map(lambda text: f" {text}"),
        _rfc3339_like.map(lambda text: text.replace("0", "\uff10")),  # fullwidth digits
        st.text(max_size=40),
    ),
    st.sampled_from([SEOUL, ZoneInfo("America/St_Johns"), ZoneInfo("UTC")]),
)
@example("2025-07-30T09:00:00+09:00", SEOUL)
@example("2025-07-30T23:59:60Z", SEOUL)
@example("0999-12-31T23:00:00-14:00", SEOUL)
@example("1900-01-01T00:00:00+08:27", SEOUL)
@example("2025-02-29T00:00:00Z", SEOUL)
def test_rfc3339_shortcut_reads_as_the_full_reading(text: str, zone: ZoneInfo) -> None:
    assert _outcome(dates._parse, text, zone) == _outcome(dates._read_text, text, zone)


# --------------------------------------------------------------------------- JSON


def _names_walked(value: object) -> int:
    """Every object's member names, nested ones too: the plain recursive definition."""
    if isinstance(value, dict):
        return len(value) + sum(_names_walked(item) for item in value.values())
    if isinstance(value, list):
        return sum(_names_walked(item) for item in value)
    return 0


def _big_float_walked(value: object) -> bool:
    if isinstance(value, dict):
        return any(_big_float_walked(item) for item in value.values())
    if isinstance(value, list):
        return any(_big_float_walked(item) for item in value)
    return isinstance(value, float) and not -(2.0**63) < value < 2.0**63


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_json_values)
@example([[{"a": 1e19}]])
@example({"a": {"b": {"c": []}}, "d": [{"e": 1}, {"f": 2, "g": 3}]})
def test_one_walk_counts_names_and_finds_big_floats(value: object) -> None:
    assert json_format._shape(value) == (_names_walked(value), _big_float_walked(value))


@settings(max_examples=300, deadline=None)
@given(_json_values, st.booleans())
@example({"a": 2**64}, True)
def test_decoding_gives_the_standard_librarys_exact_value(value: object, as_bytes: bool) -> None:
    text = json.dumps(value, ensure_ascii=False)
    decoded = json_format.decode(text.encode() if as_bytes else text)
    assert _same_json(decoded.value, json.loads(text))


def _same_json(a: object, b: object) -> bool:
    """Equal with the types JSON tells apart: 1 and 1.0 and True are three values."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)  # type: ignore[attr-defined,index]
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return a == b


# --------------------------------------------------------------------------- field values

# Pieces of ids, slugs, URLs, guids and language tags, and what spoils them: spaces, controls,
# invisible and decomposed characters, character references, upper case.
_pieces = st.sampled_from(
    ["http", "https", "HTTP", "://", "example.org", "/a", "?q=1", "#f", ":", "tag:", "x", "1",
     "World", "ko", "KR", "zh", "Hant", "-", "_", ".", "&amp;", "&", ";", " ", "  ", "\t",
     "\n", "\r", "\x00", "\x85", "\u00a0", "\u3000", "\u200b", "\ufeff", "\u3164", "é",
     "e\u0301", "한국"]
)  # fmt: skip
_strings = st.one_of(st.lists(_pieces, max_size=8).map("".join), st.text(max_size=20))
_values = st.one_of(_strings, st.none(), st.integers(), st.booleans(), st.just(["x"]))


def _builder(language: str = "ko") -> ValueReader:
    return ValueReader("feed.jsonl: line 1", SEOUL, language, "")


def _read(read: object, *args: object, **kwargs: object) -> tuple[object, ...]:
    try:
        return ("value", read(*args, **kwargs))  # type: ignore[operator]
    except InvalidArticle as exc:
        return ("error", str(exc))


@settings(max_examples=500, deadline=None)
@given(_values, st.sampled_from([1, 5, 100, 20_000]), st.booleans(), st.booleans())
@example("synthetic-000001", 100, False, True)
@example("a  b", 100, False, True)
@example(" ", 100, True, True)
@example("abcdef", 5, False, True)
def test_text_shortcut_reads_as_every_rule(
    value: object, limit: int, required: bool, single_line: bool
) -> None:
    b = _builder()
    options = {"required": required, "limit": limit, "single_line": single_line}
    assert _read(b.text, value, "title", **options) == _read(b._text, value, "title", **options)


@settings(max_examples=500, deadline=None)
@given(_values, st.booleans(), st.booleans())
@example("https://synthetic.example/ko/korea/korea-000001", False, False)
@example("HTTPS://example.org/a", False, False)
@example("https://example.org/?a=1&amp;b=2", False, False)
@example("https://example.org/\u200b", False, False)
@example("korea-000001", False, False)
@example("Korea-1", True, False)
@example("a.b", True, True)
@example("tag:synthetic.example,2025:article/1", False, False)
@example("korea-1\n", False, True)
@example("tag:x\u200b", False, False)
@example("tag:\x00x", False, False)
def test_url_slug_and_guid_shortcuts_read_as_every_rule(
    value: object, required: bool, feed: bool
) -> None:
    b = _builder()
    assert _read(b.url, value, "url", required=required) == _read(
        b._url, value, "url", required=required
    )
    assert _read(b.slug, value, "slug", feed=feed) == _read(b._slug, value, "slug", feed=feed)
    assert _read(b.guid, value) == _read(b._guid, value)


@settings(max_examples=300, deadline=None)
@given(st.lists(_values, max_size=4), st.sampled_from(["ko", "en-US", "zh_Hant"]))
@example(["", "ko_KR", "ko_KR"], "en")
@example(["ko", "", ""], "en")
def test_language_tags_kept_read_as_every_rule(values: list[object], default: str) -> None:
    # Several builders of different default languages share the tags kept.
    for value in values:
        for b in (_builder(default), _builder("ja")):
            assert _read(b.language, value) == _read(b._language, value, "language")


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.one_of(
            st.sampled_from([*RECORD_FIELDS, "x-cms", "$schema", "titel", "Title"]),
            st.text(max_size=6),
            st.integers(0, 3),
        ),
        st.one_of(st.none(), st.just("x")),
        max_size=8,
    )
)
@example({"id": "a", "titel": "x"})
@example({"body": "x", "body_html": "<p>x</p>"})
def test_record_keys_checked_at_once_as_one_by_one(raw: dict[object, object]) -> None:
    b = RecordBuilder("feed.jsonl: line 1", SEOUL, "ko", "")

    def one_by_one() -> None:
        b._check_names(raw)
        b._check_keys(dict.fromkeys(RECORD_FIELDS) | {k: raw[k] for k in BODY_FIELDS if k in raw})

    assert _read(b._check_keys, raw) == _read(one_by_one)


# --------------------------------------------------------------------------- store rows


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=3), st.sampled_from(["C++", "c++", " C++ ", "ｃ", "c", "C#"])),
        max_size=4,
    )
)
def test_unique_members_as_first_label_kept(pairs: list[tuple[str, str]]) -> None:
    seen: set[str] = set()
    expected = []
    for value, label in pairs:
        if label_key(label) not in seen:
            seen.add(label_key(label))
            expected.append((value, label))
    assert facets._unique(iter(pairs)) == tuple(expected)


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        # A day inside the range on each side: converting year 1 or 9999 to UTC can overflow.
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([UTC, SEOUL, timezone(timedelta(hours=-14))]),
    )
)
def test_sqlite_time_is_the_columns_text(value: datetime) -> None:
    v = value.astimezone(UTC)
    assert rows._sqlite_time(value) == (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
        f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"
    )
