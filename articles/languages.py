"""Language tags: one canonical BCP 47 form for every way a newsroom writes a language.

A record's `language` ends up in every format's language field (Atom `xml:lang`, RSS
`<language>`, JSON Feed `language`, HTML `lang` and `hreflang`). Readers and validators look
the primary subtag up in ISO 639, so a tag that is well formed but not registered, or
registered but deprecated, makes a feed that some of them call invalid: `kor` (ISO 639-2) where
BCP 47 has `ko`, `iw` (withdrawn for `he`), `in` (`id`), `ji` (`yi`), `ko-Kore-KR` (a script
the language implies). `canonical_language` turns each of those into the one tag BCP 47 and
Unicode CLDR prefer, and refuses what no registry knows.

The rules are RFC 5646 (tags and their registry) with the canonicalisation of Unicode
Technical Standard #35 ("BCP 47 Language Tag Conversion"), as implemented by `langcodes`:
deprecated subtags replaced by their preferred values, three-letter ISO 639-2 codes by the
two-letter code where one exists, a script the language implies dropped, and case per RFC 5646
section 2.1.1 (`ko`, `zh-Hant`, `ko-KR`). `_` is read as `-` (POSIX and Java locales).

`language_ranges` says which language feeds a tag belongs to: RFC 4647 section 3.3.1 basic
filtering, where the range `zh` selects `zh`, `zh-Hant` and `zh-Hant-TW`.
"""

from __future__ import annotations

from functools import lru_cache

import langcodes

__all__ = ["LanguageError", "canonical_language", "language_ranges"]

# Longest tag accepted (RFC 5646 section 4.4.1 asks for at least 35 characters of room).
MAX_LENGTH = 64


class LanguageError(ValueError):
    """A language tag that cannot be read; the message says why, with the tag quoted."""


@lru_cache(maxsize=4096)
def canonical_language(text: str) -> str:
    """The canonical BCP 47 form of `text`, e.g. `'kor'` -> `'ko'`, `'KO_kr'` -> `'ko-KR'`.

    Shape: a string in, a string out; the result is a fixed point (`canonical_language(result)
    == result`). Raises `LanguageError` for an empty, malformed or too long tag, for a subtag
    no registry holds (`xx`, `ko-ZZ`), and for a tag whose primary subtag is not a language
    (private use `x-...` or a grandfathered `i-...` tag with no replacement).
    """
    tag = text.strip().replace("_", "-")
    if not tag:
        raise LanguageError("an empty language tag")
    if len(tag) > MAX_LENGTH:
        raise LanguageError(f"{tag[:20]!r}... is longer than {MAX_LENGTH} characters")
    if not tag.isascii():
        raise LanguageError(f"{tag!r} is not a BCP 47 language tag such as 'ko' or 'ko-KR'")
    try:
        canonical = langcodes.standardize_tag(tag)
    except ValueError:
        raise LanguageError(
            f"{tag!r} is not a BCP 47 language tag such as 'ko' or 'ko-KR'"
        ) from None
    primary = canonical.split("-", 1)[0]
    if not (2 <= len(primary) <= 3 and primary.isalpha()):
        raise LanguageError(f"{tag!r} does not start with a language such as 'ko'")
    if not langcodes.tag_is_valid(canonical):
        raise LanguageError(
            f"{tag!r} is not a registered BCP 47 language tag (unknown language, script, "
            "region or variant); use a tag such as 'ko' or 'ko-KR'"
        )
    return canonical


@lru_cache(maxsize=4096)
def language_ranges(tag: str) -> tuple[str, ...]:
    """The language ranges whose RFC 4647 basic filter (section 3.3.1) selects the canonical
    tag `tag` and that name a language feed: the tag itself, then each shorter prefix ending
    at a subtag boundary, longest first: `'zh-Hant-TW'` -> `('zh-Hant-TW', 'zh-Hant', 'zh')`,
    `'ko'` -> `('ko',)`.

    Prefixes stop before the first singleton: the extensions and private use after it
    (`en-US-u-ca-gregory`, `en-US-x-twain`) narrow a language, they name none (RFC 4647
    section 3.4 drops a trailing singleton when it shortens a tag), so their prefixes there
    are no feeds: `'en-US-x-twain'` -> `('en-US-x-twain', 'en-US', 'en')`. A prefix is kept
    only when it is itself canonical (`canonical_language(p) == p`), so every range is a feed
    whose URL is its own. A tag that is not canonical (a record stored before tags were
    canonicalised) is its own only range: `('kor',)`.
    """
    try:
        if canonical_language(tag) != tag:
            return (tag,)
    except LanguageError:
        return (tag,)
    subtags = tag.split("-")
    language = next((i for i, sub in enumerate(subtags) if len(sub) == 1), len(subtags))
    ranges = [tag]
    for end in range(min(language, len(subtags) - 1), 0, -1):
        prefix = "-".join(subtags[:end])
        try:
            if canonical_language(prefix) == prefix:
                ranges.append(prefix)
        except LanguageError:
            continue
    return tuple(ranges)
