"""Language tags: every way a newsroom writes a language becomes the one BCP 47 tag readers
and validators look up (RFC 5646; canonical form per Unicode TS #35), and a tag no registry
knows is refused naming the field, in records, the site config and podcast shows."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import langcodes
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats.record import article_from_mapping
from articles.languages import LanguageError, canonical_language
from feeds.config import ConfigError, SiteConfig

UTC = ZoneInfo("UTC")

# (as written, canonical): deprecated subtags, ISO 639-2 codes, implied scripts, case, `_`.
KINDS = [
    ("kor", "ko"),
    ("KOR", "ko"),
    ("eng", "en"),
    ("ger", "de"),
    ("deu", "de"),
    ("heb", "he"),
    ("iw", "he"),
    ("in", "id"),
    ("ji", "yi"),
    ("ko_KR", "ko-KR"),
    ("ko-kr", "ko-KR"),
    ("KO-KR", "ko-KR"),
    ("ko-Kore-KR", "ko-KR"),
    ("en-Latn-US", "en-US"),
    ("zh-hant-tw", "zh-Hant-TW"),
    ("zh-cmn-Hans-CN", "zh-Hans-CN"),
    ("i-klingon", "tlh"),
    ("spa-latn-mx", "es-MX"),
    ("ko", "ko"),
    ("es-419", "es-419"),
]


@pytest.mark.parametrize(("written", "canonical"), KINDS)
def test_written_forms_become_the_canonical_tag(written: str, canonical: str) -> None:
    assert canonical_language(written) == canonical


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "  ",
        "xx",
        "zz-KR",
        "ko-ZQ",
        "ko-Abcd",
        "ko-KR-abcdef",
        "x-newsroom",
        "ko--KR",
        "한국어",
        "k",
        "ko-" + "a" * 70,
    ],
)
def test_unregistered_or_malformed_tags_are_refused(bad: str) -> None:
    with pytest.raises(LanguageError):
        canonical_language(bad)


# Every registered two-letter language, in every case and with a region from the registry.
_REGISTERED = sorted(
    code
    for code in (a + b for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz")
    if langcodes.tag_is_valid(code)
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_REGISTERED),
    st.sampled_from(["", "-KR", "-us", "-419", "-Latn", "_GB"]),
    st.booleans(),
)
def test_any_accepted_tag_is_a_registered_fixed_point(
    language: str, rest: str, upper: bool
) -> None:
    written = (language + rest).upper() if upper else language + rest
    try:
        out = canonical_language(written)
    except LanguageError:
        # Only a combination no registry holds may be refused.
        assert not langcodes.tag_is_valid(langcodes.standardize_tag(written.replace("_", "-")))
        return
    assert canonical_language(out) == out
    assert langcodes.tag_is_valid(out)
    primary = out.split("-")[0]
    assert primary == primary.lower() and 2 <= len(primary) <= 3
    # No deprecated or aliased primary language survives (ISO 639-2 `kor`, withdrawn `iw`).
    assert langcodes.standardize_tag(primary) == primary


def _record(language: object) -> dict[str, object]:
    return {
        "id": "lang-1",
        "title": "제목",
        "body": "<p>본문</p>",
        "published": "2025-07-30T09:00:00+09:00",
        "language": language,
        "translations": [{"id": "lang-2", "language": "eng"}],
    }


def test_record_language_and_translation_language_are_canonical() -> None:
    article = article_from_mapping(_record("kor"), where="r.json", zone=UTC, default_language="ko")
    assert article.language == "ko"
    assert [t.language for t in article.translations] == ["en"]


def test_record_with_unregistered_language_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidArticle) as err:
        article_from_mapping(_record("xx"), where="r.json", zone=UTC, default_language="ko")
    assert "language" in str(err.value) and "'xx'" in str(err.value)


def test_site_default_language_is_canonical_or_refused() -> None:
    assert SiteConfig(default_language="kor").validated().default_language == "ko"
    with pytest.raises(ConfigError, match="default_language"):
        SiteConfig(default_language="xx").validated()
