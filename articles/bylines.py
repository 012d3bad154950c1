"""Bylines and names: the one rule for the people a record names, in every format.

A byline is text naming one or more people, as a page prints it (ninjs `by`, our `authors`
given as one text): `byline_names` splits it into names. A name is one person, as a list of
authors gives each (our `authors` list, ninjs `authors` and `people`): `person_name` drops
what is not the person, a Korean dateline before it or a role word beside it. Every name a
record keeps passes through `person_name` (`articles.formats.record`), so a person is one
author, and one author feed, whatever format or field named them.

Where a byline's words could be read two ways, these rules decide:

- A "by" word (`By`, `Von`, `Av`, `Par`, ...) is dropped only at the start of a byline. Three of
  them are also particles of family names (`von` as in Wernher von Braun, `di` as in Luigi Di
  Maio, `af` as in Hilma af Klint): one of those is the byline's "by" only when a name of its
  own follows it up to the first separator, two or more words the first capitalised
  (`Von Christian Hollmann`) or a name in a script without capitals (`Von 한지민`). Otherwise it
  is part of the name: `Von Braun` and `Von der Leyen` are people so named.
- `&` (and `＆`) separates names, but not inside a word: written between two Latin letters or
  digits without spaces (`AT&T`, `S&P`, `R&D`) it is part of that word, as company names write
  it. Nor does it separate the words of an organisation's name before a word naming a group of
  its people (`Johnson & Johnson Staff`, `Procter & Gamble Newsroom`): a one-word Latin part
  before `&` and, after it, words ending in such a word (`Staff`, `Newsroom`, `Desk`, `Team`,
  ...) are one credit. `Kim & Lee` and `Jane Doe & Newsroom Staff` are two.
- A comma between two one-word Latin parts is the comma of a name written family name first
  only when the part after it has a form only a given name takes: hyphenated (`Park, Ji-ho`,
  `Dupont, Jean-Luc`) or initials (`Doe, J.`, `Doe, J.R.`). Bylines list credits with commas
  far more often than they turn names round, so `Reuters, Bloomberg` and `AP, Reuters` are two,
  and so is `Doe, Jane` (write it `Jane Doe`, or give the authors as a list, whose items are
  never split).
"""

from __future__ import annotations

import re

_BYLINE_PREFIX = re.compile(r"^\s*(by|von|av|par|por|door|di|af|от)\s+", re.IGNORECASE)
# "By" words that are also particles of family names (`von Braun`, `Di Maio`, `af Klint`).
_NAME_PARTICLES = frozenset({"von", "di", "af"})
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
# An `&` between two Latin letters or digits (`AT&T`) is inside a word, not between names.
_LATIN = "A-Za-z0-9\u00c0-\u024f"
_AMPERSAND = rf"(?:(?<![{_LATIN}])&|&(?![{_LATIN}]))"
_BYLINE_SPLIT = re.compile(
    rf"\s*((?:(?:[,/;|，、／＆；｜\n\r\u2028]|{_AMPERSAND})(?:\s*{_CONJUNCTION}(?=\s))?"
    rf"|\s{_CONJUNCTION}(?=\s)|(?<=[가-힣])[·・･](?=\s*[가-힣])))\s*",
    re.IGNORECASE,
)
# A word naming a group of an organisation's people, after the organisation's name
# (`Johnson & Johnson Staff`): the `&` before is inside that name.
_GROUP_WORD = re.compile(
    r"(?:staff|newsroom|newsdesk|desk|team|bureau|office|press|communications|editors)",
    re.IGNORECASE,
)
# A name written family name first, as name lists and catalogues write it (`Park, Ji-ho`,
# `Park, Ji-ho, Lee Seo-yeon`): two one-word Latin parts with a comma alone between them, the
# first not in capitals (`AP, Reuters` are two agencies) ...
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'.-]*")
# ... when the part after the comma is a given name in a form no credit takes: hyphenated
# (`Ji-ho`, `Jean-Luc`) or initials (`J.`, `J.R.`).
_GIVEN_NAME = re.compile(
    r"[A-Z\u00c0-\u00de][a-z\u00df-\u00ff']*(?:-[A-Za-z\u00c0-\u00ff][a-z\u00df-\u00ff']*)+"
    r"|(?:[A-Z\u00c0-\u00de]\.){1,3}"
)
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


def _family_name(part: str) -> bool:
    return bool(_LATIN_WORD.fullmatch(part)) and not part.isupper() and "," not in part


def _own_name(text: str) -> bool:
    """Whether `text` is a name of its own, not the rest of one after a particle: two or more
    words the first capitalised, or words in a script without capitals."""
    words = text.split()
    if not words:
        return False
    first = words[0][0]
    return (first.isalpha() and first.lower() == first.upper()) or (
        len(words) >= 2 and first.isupper()
    )


def _without_by(by: str) -> str:
    """The byline without its leading "by" word (see the module's rules for `Von Braun`)."""
    match = _BYLINE_PREFIX.match(by)
    if match is None:
        return by
    rest = by[match.end() :]
    if match.group(1).lower() in _NAME_PARTICLES:
        first = _BYLINE_SPLIT.split(rest, maxsplit=1)[0]
        if not _own_name(first):
            return by  # `Von Braun`: the particle is part of the name
    return rest


def _group_credit(before: str, after: str) -> bool:
    """Whether `before & after` is one organisation's credit (`Johnson & Johnson Staff`)."""
    words = after.split()
    return (
        bool(_LATIN_WORD.fullmatch(before))
        and len(words) >= 2
        and bool(_GROUP_WORD.fullmatch(words[-1]))
    )


def byline_names(by: str) -> list[str]:
    """The people a byline names: split at its separators (`,` `/` `&` `;` `|` and their
    fullwidth and ideographic forms, conjunctions, a serial comma, a middle dot between Hangul
    names), without a leading `By`, a Korean dateline or role word, a Chinese role word, or a
    part that is only a job title (kept when the byline is nothing else, so the entry still
    names whoever wrote it). A byline of one name written family name first (`Park, Ji-ho`) is
    that one name. The module's docstring gives the rules for the words that could be read two
    ways (`Von Braun`, `AT&T`, `Reuters, Bloomberg`)."""
    pieces = _BYLINE_SPLIT.split(_without_by(by))  # parts, each after its separator
    parts: list[str] = []
    for i, piece in enumerate(pieces[0::2]):
        part = piece.strip()
        separator = pieces[2 * i - 1].strip() if i > 0 else ""
        if separator == "," and _family_name(parts[-1]) and _GIVEN_NAME.fullmatch(part):
            parts[-1] = f"{parts[-1]}, {part}"  # `Park, Ji-ho`: family name first
        elif separator in ("&", "＆") and _group_credit(parts[-1], part):
            parts[-1] = f"{parts[-1]} {separator} {part}"  # `Johnson & Johnson Staff`
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
