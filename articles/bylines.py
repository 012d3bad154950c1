"""Bylines and names: the one rule for the people a record names, in every format.

A byline is text naming one or more people, as a page prints it (ninjs `by`, our `authors`
given as one text): `byline_names` splits it into names. A name is one person, as a list of
authors gives each (our `authors` list, ninjs `authors` and `people`): `person_name` drops
what is not the person, a Korean dateline before it or a role word beside it. Every name a
record keeps passes through `person_name` (`articles.formats.record`), so a person is one
author, and one author feed, whatever format or field named them.
"""

from __future__ import annotations

import re

_BYLINE_PREFIX = re.compile(r"^\s*(?:by|von|av|par|por|door|di|af|от)\s+", re.IGNORECASE)
# Conjunctions between names: English (`and`, `with`), German, the Scandinavian languages,
# French, Spanish, Italian and Portuguese, Dutch, and Korean's 및 (a word of its own, unlike
# 와/과).
_CONJUNCTION = r"(?:and|with|und|och|og|et|y|e|en|및)"
# What separates the names of a byline: a comma, slash, ampersand, semicolon or vertical bar in
# ASCII or the fullwidth and ideographic forms Korean, Japanese and Chinese text uses (`，` `、`
# `／` `＆` `；` `｜`), or a line break, with a conjunction after it (the serial comma: `A, B,
# and C`) or without; a conjunction alone; a middle dot between two Hangul names
# (`김철수·이영희`: Korean lists names so; in Japanese and Chinese the dot joins the parts of one
# transliterated name, `ドナルド・トランプ`, and Catalan writes it inside words, `Marcel·lí`).
_BYLINE_SPLIT = re.compile(
    rf"\s*((?:[,/&;|，、／＆；｜\n\r\u2028](?:\s*{_CONJUNCTION}(?=\s))?|\s{_CONJUNCTION}(?=\s)"
    r"|(?<=[가-힣])[·・･](?=\s*[가-힣])))\s*",
    re.IGNORECASE,
)
# A name written family name first, as name lists and catalogues write it (`Doe, Jane`,
# `Park, Ji-ho, Lee Seo-yeon`): two one-word Latin parts with a comma alone between them, neither
# in capitals (`AP, Reuters` are two agencies).
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'.-]*")
# A Korean byline's dateline before a name (`워싱턴=김철수 특파원`, `(서울=연합뉴스) 김철수 기자`)
# and the role after it (기자 reporter, 특파원 correspondent, ...): neither is the person. Not
# after a one-syllable surname alone (`조 기자`, "reporter Jo": the role is what names them).
_KOREAN_DATELINE = re.compile(r"^\s*(?:\([^()]*=[^()]*\)|[가-힣A-Za-z ]{1,20}=)\s*(?=[가-힣])")
_KOREAN_ROLE = re.compile(
    r"(?<=[가-힣][가-힣])\s+(?:선임|수석|전문|객원)?(?:기자|특파원|통신원|논설위원)$"
)
# A Chinese byline's role before the names (记者 reporter, 通讯员 correspondent), with the
# paper or agency before it (`本报记者`, `新华社记者`): not the person either.
_CHINESE_ROLE = re.compile(
    r"^\s*[\u4e00-\u9fff]{0,6}?(?:记者|記者|通讯员|通訊員)\s*(?=[\u4e00-\u9fff])"
)
# Names beside such a role are separated by spaces alone (`记者 张三 李四`, `김철수 이영희 기자`):
# each then is two to four Hangul syllables or Han characters, as such names are.
_SPACED_NAMES = re.compile(
    r"(?:[가-힣]{2,4}|[\u4e00-\u9fff]{2,4})(?:\s+(?:[가-힣]{2,4}|[\u4e00-\u9fff]{2,4}))+"
)
# A generational suffix after a comma belongs to the name before it.
_NAME_SUFFIX = re.compile(r"(?:jr|sr|ii|iii|iv)\.?", re.IGNORECASE)
# A part of a byline that names a job, not a person (`Jane Doe, Staff Writer`).
_JOB_TITLE = re.compile(
    r"(?:(?:senior|chief|special|foreign|staff|contributing|political|business)\s+)*"
    r"(?:staff|writers?|reporters?|correspondents?|editors?|photographers?|contributors?)",
    re.IGNORECASE,
)
# Who else a part credits (`with additional reporting by John Roe`): the person is after it.
_CREDIT_PREFIX = re.compile(r"^(?:additional\s+)?reporting\s+by\s+", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]+")


def names_agency(part: str, agency: str) -> bool:
    """Whether a byline's `part` names the agency `agency` (its copyright holder or provider):
    its name in any case (`dpa`), or the initials of its words (`AA` for Anadolu Ajansı, `TT`
    for Tidningarnas Telegrambyrå, `AFP` for Agence France-Presse), as bylines write it."""
    text = part.strip().casefold()
    if text == agency.strip().casefold():
        return True
    words = _WORDS.findall(agency)
    initials = "".join(w[0] for w in words).casefold()
    return len(words) >= 2 and text == initials


def _people(name: str) -> list[str]:
    """One part of a byline without a dateline or role word; several when that role stood
    beside names separated by spaces alone."""
    without_role = _KOREAN_ROLE.sub("", _CHINESE_ROLE.sub("", _KOREAN_DATELINE.sub("", name)))
    without_role = _CREDIT_PREFIX.sub("", without_role.strip()).strip()
    if without_role != name.strip() and _SPACED_NAMES.fullmatch(without_role):
        return without_role.split()
    return [without_role] if without_role else []


def person_name(name: str) -> str:
    """One person's name without what is not the person: a Korean dateline before it
    (`워싱턴=김철수`) and a role word beside it (`김철수 기자`, `记者 张三`). The name itself
    when that leaves nothing."""
    people = _people(name)
    return people[0] if len(people) == 1 else name.strip()


def _one_word_name(part: str) -> bool:
    return bool(_LATIN_WORD.fullmatch(part)) and not part.isupper() and "," not in part


def byline_names(by: str) -> list[str]:
    """The people a byline names: split at its separators (`,` `/` `&` `;` `|` and their
    fullwidth and ideographic forms, conjunctions, a serial comma, a middle dot between Hangul
    names), without a leading `By`, a Korean dateline or role word, a Chinese role word, or a
    part that is only a job title (kept when the byline is nothing else, so the entry still
    names whoever wrote it). A byline of one name written family name first (`Doe, Jane`) is
    that one name."""
    pieces = _BYLINE_SPLIT.split(_BYLINE_PREFIX.sub("", by))  # parts, each after its separator
    parts: list[str] = []
    for i, piece in enumerate(pieces[0::2]):
        part = piece.strip()
        after_comma = i > 0 and pieces[2 * i - 1].strip() == ","
        if after_comma and _one_word_name(parts[-1]) and _one_word_name(part):
            parts[-1] = f"{parts[-1]}, {part}"  # `Park, Ji-ho`: family name first
        else:
            parts.append(part)
    names: list[str] = []
    for part in parts:
        if names and _NAME_SUFFIX.fullmatch(part):
            names[-1] = f"{names[-1]}, {part}"  # `Jane Doe, Jr.`: one person
        else:
            names += _people(part)
    people = [name for name in names if not _JOB_TITLE.fullmatch(name)]
    return people or names
