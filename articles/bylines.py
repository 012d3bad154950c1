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

What a byline says besides its people is read so that no author feed is made of it:

- **Where the story starts.** Yonhap ends its byline with ` =` before the story (`(서울=연합뉴스)
  김철수 기자 = 북한이 ...`): an `=` after a role word (`기자 =`, `특파원=`), or one with a space
  before it and nothing or a space after it, ends the byline; what follows is the story. A
  dateline's `=` is written without a space before it (`워싱턴=`, `(서울=연합뉴스)`).
- **Datelines.** `place=name` before a name is a dateline (`워싱턴=김철수 특파원`,
  `ワシントン=中村亮`); `place=agency` is a dateline crediting the agency (`東京=共同`), and so
  is a bracketed dateline: `(서울=연합뉴스)` (in parentheses the part after `=` is always the
  outlet), `【東京共同】` and `（共同）` (a place, or nothing, then an agency's name), and a
  Chinese dispatch line, an agency and a place, a date and 电 (`新华社北京7月30日电`, `本报讯`).
  `【ワシントン=中村亮】` names its correspondent, who is a person. `（记者 张三）` in brackets
  is read as the names it holds.
- **Role prefixes.** Words saying what a credit is for, before the name (글, 사진, 영상, 그래픽,
  취재, 편집, 촬영 ..., joined as `글·사진`, `사진/글`; 文, 写真, 撮影, 图, 摄影 ... in Japanese and
  Chinese; `Text and photos by`, `Words by`, `Photos:`, `Text: `, `Fotos: `, `Tekst og foto:`
  ... in the Latin-script languages, each followed by `:` or a "by" word) are not people; they
  begin a credit, as a separator does (`글 김철수, 사진 이영희` and `글 김철수 사진 이영희`
  are two).
  A one-character Han role (`文`, `图`) is a role only before `/` `:` `=` `|` (`文/张三`), since
  文 is also a surname. Role words in brackets after a name (`Anna Muster (Text)`) and a
  Chinese credit's role after the name (`张三 摄`) are dropped too. Role words alone (`글·사진`,
  `Photos:`) name nobody (`names_nobody`): no author, not even the byline as written.
- **E-mail addresses** belong to the person beside them, never to a name: `김철수 기자
  kim@yna.co.kr`, `김철수 기자 (kim@yna.co.kr)`, `Jane Doe <jane@example.com>` give the person
  and the address (`Person.email`); an address standing alone between separators (`Jane Doe,
  jane@example.com`) is the e-mail of the person before it, else of the one after it. A byline
  of nothing but an address names whoever it belongs to by that address.
- **Agencies.** A part that names a news agency (`Associated Press`, `AP`, `Reuters`, `AFP`,
  `dpa`, `Yonhap`, `연합뉴스`, `Kyodo`, `共同`, `Xinhua`, `新华社`, `TT`, `NTB`, `Ritzau`, `EFE`,
  `ANSA`, `APA` ..., `_AGENCIES`; with `The` before it or a job after it, `AP Business Writer`),
  or the record's own agency (`names_agency`), is a credit, not a person: the record's source
  when it has none (`articles.formats.record`). A byline that names agencies and nobody else
  keeps them as its authors (`by: NTB`, `AP, Reuters`), so its entry is not credited to the site.
- **Capitals.** A name of two or more words written all in capitals (`JANE DOE`, AP's style)
  reads in its usual case: each word capitalised, each part of a hyphenated word too
  (`Jean-Luc`), `Mc` and a one-letter prefix before an apostrophe keeping the next letter a
  capital (`McDonald`, `O'Brien`, `D'Angelo`), a name's particles after its first word in
  lower case (`Ludwig van Beethoven`, `Juan de la Cruz`), `II` `III` `IV` as written and `JR.`
  as `Jr.`. `Mac` is not treated as a prefix (`MACHADO`, `MACK`): `MACDONALD` reads
  `Macdonald`. A part naming a group or a job (`BBC NEWS`, `CNN STAFF`) and a single word
  (`KIM`, which may be an acronym) are kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
# and C`) or without; a conjunction alone; a bullet, middle dot or dash with spaces on both
# sides (`Jane Doe • AP`, `Jane Doe — AP`); a middle dot between two Hangul names
# (`김철수·이영희`: Korean lists names so; in Japanese and Chinese the dot joins the parts of one
# transliterated name, `ドナルド・トランプ`, and Catalan writes it inside words, `Marcel·lí`).
# An `&` between two Latin letters or digits (`AT&T`) is inside a word, not between names.
_LATIN = "A-Za-z0-9\u00c0-\u024f"
_AMPERSAND = rf"(?:(?<![{_LATIN}])&|&(?![{_LATIN}]))"
_BYLINE_SPLIT = re.compile(
    rf"\s*((?:(?:[,/;|，、／＆；｜\n\r\u2028]|{_AMPERSAND})(?:\s*{_CONJUNCTION}(?=\s))?"
    rf"|\s{_CONJUNCTION}(?=\s)|\s[•·—–](?=\s)|(?<=[가-힣])[·・･](?=\s*[가-힣])))\s*",
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
# The role words of a Korean byline after a name (기자 reporter, 특파원 correspondent, ...).
_KOREAN_ROLES = r"(?:(?:선임|수석|전문|객원|인턴|사진|영상|대)?(?:기자|특파원|통신원)|논설위원)"
# A dateline before a name (`워싱턴=김철수 특파원`, `ワシントン=中村亮`, `東京=共同`): a place and
# `=` written without a space before it. What follows is a name or, for a dateline alone, the
# agency it credits.
_DATELINE = re.compile(
    r"^\s*[가-힣\u3040-\u30ff\u4e00-\u9fffA-Za-z ]{1,20}=\s*(?=\S)", re.IGNORECASE
)
# The role after a Korean name: not the person. Not after a one-syllable surname alone
# (`조 기자`, "reporter Jo": the role is what names them).
_KOREAN_ROLE = re.compile(rf"(?<=[가-힣][가-힣])\s*{_KOREAN_ROLES}$")
# Where Yonhap's story starts: an `=` after a role word, or one with a space before it and
# nothing or a space after it (`김철수 기자 = 북한이 ...`, `김철수 특파원=`). The `=` of a dateline
# has no space before it (`워싱턴=`, `(서울=연합뉴스)`).
_STORY_START = re.compile(rf"({_KOREAN_ROLES})\s*=(?:\s.*)?$|\s+=(?:\s.*)?$", re.DOTALL)
# A Chinese byline's role before the names (记者 reporter, 通讯员 correspondent), with the
# paper or agency before it (`本报记者`, `新华社记者`): not the person either.
_CHINESE_ROLE = re.compile(
    r"^\s*[\u4e00-\u9fff]{0,6}?(?:记者|記者|通讯员|通訊員)\s*(?=[\u4e00-\u9fff])"
)
# The role a Chinese credit writes after the name (摄 "photographed by", 报道 "reported"):
# `新华社记者 张三 摄`.
_CHINESE_ROLE_AFTER = re.compile(r"(?<=[\u4e00-\u9fff])\s*(?:摄|攝|报道|報道|报导|報導)$")
# A Chinese dispatch line: an agency or paper and a place, a date, and 电 ("dispatch")
# (`新华社北京7月30日电`), or `本报讯` ("this paper's report").
_NUMBER = r"(?:\d{1,2}|[〇一二三四五六七八九十]{1,3})"
_CHINESE_DATELINE = re.compile(
    rf"^\s*(?:(?P<who>[\u4e00-\u9fff]{{1,16}}?){_NUMBER}月{_NUMBER}日[电電]"
    r"|(?P<paper>本报|本報)[讯訊])\s*"
)
# Names beside such a role are separated by spaces alone (`记者 张三 李四`, `김철수 이영희 기자`):
# each then is two to four Hangul syllables or Han characters, as such names are.
_SPACED_NAMES = re.compile(
    r"(?:[가-힣]{2,4}|[\u4e00-\u9fff]{2,4})(?:\s+(?:[가-힣]{2,4}|[\u4e00-\u9fff]{2,4}))+"
)
# A generational suffix after a comma belongs to the name before it.
_NAME_SUFFIX = re.compile(r"(?:jr|sr|ii|iii|iv)\.?", re.IGNORECASE)
# A part of a byline that names a job, not a person (`Jane Doe, Staff Writer`).
_JOB_WORDS = (
    r"(?:(?:senior|chief|special|foreign|staff|contributing|political|business|science"
    r"|medical|economics|sports|national|diplomatic|investigative|white\s+house)\s+)*"
    r"(?:staff|writers?|reporters?|correspondents?|editors?|photographers?|contributors?)"
)
_JOB_TITLE = re.compile(_JOB_WORDS, re.IGNORECASE)
# Who else a part credits (`with additional reporting by John Roe`): the person is after it.
_CREDIT_PREFIX = re.compile(r"^(?:additional\s+)?reporting\s+by\s+", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]+")

# Words saying what a credit is for, before the name: not people. Korean, Japanese and Chinese
# ones before white space, `:` `=` `/` `|` (a one-character Han role only before a mark:
# 文 is a surname too); those of the Latin-script languages before `:` or a "by" word.
_CJK_ROLES = (
    r"(?:글|사진|영상|그래픽|취재|편집|촬영|일러스트|디자인|번역|인포그래픽"
    r"|写真|撮影|取材|構成|編集|映像|動画|イラスト|翻訳|摄影|攝影|视频|視頻|编辑|編輯|责编|責編"
    r"|采写|採寫|撰文|制图|製圖)"
)
_HAN_ROLE = r"(?:文|図|图|圖|摄|攝)"
_LATIN_ROLES = (
    r"(?:text|texts|texte|texto|testo|tekst|words|story|photos?|photographs?|photography"
    r"|pictures?|images?|fotos?|foto's|fotografie|fotograf[ií]a|bild|bilder|beeld|video|videos"
    r"|v[ií]deo|graphics?|grafik(?:en)?|grafikk|illustrations?|illustrasjon|ilustraci[oó]n"
    r"|interview|design|edited|editing|redaktion|recherche|translation|translated)"
)
_ROLE_JOIN = r"\s*(?:[·・･/／,、&＆+]|\s(?:and|und|och|og|et|y|e|en|und|및|와|과|と)\s)\s*"
_MARK = r"\s*[:：=＝/／|｜]\s*"
_ROLE_PREFIX = re.compile(
    rf"(?:^|(?<=[\s,;|，、；｜(（/／]))(?:"
    rf"(?:{_CJK_ROLES}|{_HAN_ROLE})(?:{_ROLE_JOIN}(?:{_CJK_ROLES}|{_HAN_ROLE}))*(?:{_MARK}|\s+)"
    rf"|{_HAN_ROLE}{_MARK}"
    rf"|{_LATIN_ROLES}(?:{_ROLE_JOIN}{_LATIN_ROLES})*"
    r"(?:\s*[:：]\s*|\s+(?:by|von|av|par|por|door|di|af)\s+))"
    r"(?=[^\s:：=＝/／|｜,，、])",
    re.IGNORECASE,
)
# Role words alone, as a name's brackets give them (`Anna Muster (Text)`, `김철수 (사진)`).
_ROLES_ONLY = re.compile(
    rf"(?:{_LATIN_ROLES}|{_CJK_ROLES}|{_HAN_ROLE})(?:{_ROLE_JOIN}(?:{_LATIN_ROLES}|{_CJK_ROLES}"
    rf"|{_HAN_ROLE}))*",
    re.IGNORECASE,
)
# A CJK role of one character is a role only before a mark, not before white space.
_BARE_HAN_ROLE = re.compile(rf"^{_HAN_ROLE}\s+$")

# An e-mail address, bare, in brackets or angle brackets, or as a `mailto:` link, with its
# label (`E-Mail:`, `이메일`) or without.
_ADDRESS = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
_EMAIL = re.compile(
    rf"\s*(?:(?:e-?mail|mail|이메일|メール|邮箱|郵箱|电邮|電郵|courriel|correo|e-post)\s*[:：]?\s*)?"
    rf"(?:[(\[<（［〈]\s*(?:mailto:)?(?P<bracketed>{_ADDRESS})\s*[)\]>）］〉]"
    rf"|(?:mailto:)?(?P<bare>{_ADDRESS}))\s*",
    re.IGNORECASE,
)
# `<kim@yna.co.kr>` (or HTML-escaped) would read as a tag where a name's markup is read
# (`articles.text.markup_text`): `protect_addresses` writes it in parentheses first.
_ANGLED_ADDRESS = re.compile(rf"(?:<|&lt;)\s*(?:mailto:)?({_ADDRESS})\s*(?:>|&gt;)", re.IGNORECASE)

# Brackets around a dateline or a credit: `(서울=연합뉴스)`, `【東京共同】`, `（共同）`, `(AP)`.
_BRACKETED = re.compile(r"[(（【\[［〔]([^()（）【】\[\]［］〔〕]*)[)）】\]］〕]")

# News agencies, by the names bylines give them (matched whatever their case): a part that is
# one of these is a credit, not a person. `_CJK_AGENCIES` also end a Japanese or Chinese
# dateline after its place (`東京共同`, `ワシントン共同`).
_LATIN_AGENCIES = (
    "Associated Press",
    "AP",
    "Reuters",
    "Thomson Reuters",
    "AFP",
    "Agence France-Presse",
    "Agence France Presse",
    "dpa",
    "Deutsche Presse-Agentur",
    "dpa-AFX",
    "epd",
    "KNA",
    "APA",
    "Austria Presse Agentur",
    "SDA",
    "Keystone-SDA",
    "Yonhap",
    "Yonhap News",
    "Yonhap News Agency",
    "Kyodo",
    "Kyodo News",
    "Jiji",
    "Jiji Press",
    "Xinhua",
    "Xinhua News Agency",
    "CNS",
    "China News Service",
    "CNA",
    "Central News Agency",
    "TT",
    "TT Nyhetsbyrån",
    "Tidningarnas Telegrambyrå",
    "NTB",
    "Norsk Telegrambyrå",
    "Ritzau",
    "STT",
    "STT-Info",
    "EFE",
    "Agencia EFE",
    "ANSA",
    "AGI",
    "Adnkronos",
    "Europa Press",
    "Lusa",
    "Agência Lusa",
    "Belga",
    "ANP",
    "PAP",
    "ČTK",
    "CTK",
    "TASR",
    "MTI",
    "BTA",
    "HINA",
    "Tanjug",
    "STA",
    "ANA-MPA",
    "Agerpres",
    "LETA",
    "BNS",
    "TASS",
    "RIA Novosti",
    "Interfax",
    "Ukrinform",
    "AA",
    "Anadolu",
    "Anadolu Agency",
    "Anadolu Ajansı",
    "UPI",
    "United Press International",
    "PA",
    "PA Media",
    "Press Association",
    "CP",
    "The Canadian Press",
    "Canadian Press",
    "AAP",
    "Australian Associated Press",
    "PTI",
    "Press Trust of India",
    "IANS",
    "Bernama",
    "Antara",
    "Bloomberg",
    "Bloomberg News",
    "Dow Jones",
    "Kyodo News Agency",
    "KCNA",
    "Newsis",
    "News1",
    "WAFA",
    "MENA",
    "KUNA",
    "WAM",
    "SPA",
    "IRNA",
    "Notimex",
    "Télam",
    "Telam",
    "ABN",
)
_CJK_AGENCIES = (
    *("연합뉴스", "연합", "뉴시스", "뉴스1", "교도", "교도통신", "신화", "신화통신", "신화사"),
    *("로이터", "로이터통신", "블룸버그", "조선중앙통신"),
    *("共同", "共同通信", "共同通信社", "時事", "時事通信", "時事通信社", "新華社", "新华社"),
    *("聯合", "聯合ニュース", "聯合通信", "ロイター", "ブルームバーグ", "AFP時事"),
    *("中新社", "中新網", "中新网", "中央社", "路透社", "美联社", "美聯社", "法新社", "共同社"),
    *("韩联社", "韓聯社", "塔斯社", "朝中社"),
)
_AGENCY_KEYS = frozenset(n.casefold() for n in (*_LATIN_AGENCIES, *_CJK_AGENCIES))
_AGENCY_WITH_JOB = re.compile(
    rf"^(?P<agency>.+?)\s+(?:{_JOB_WORDS}|photos?|pictures?|video|graphics?)$", re.IGNORECASE
)
_NAMES_PARTICLES_IN_CAPITALS = frozenset(
    {"von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "delle", "des", "la"}
    | {"le", "af", "av", "zu", "zur", "ten", "ter", "dos", "das", "do"}
)
# Words that make a name in capitals an organisation's (`BBC NEWS`, `CNN STAFF`): kept so.
_ORGANISATION_WORD = re.compile(
    rf"{_GROUP_WORD.pattern}|news|media|group|network|radio|tv|times|post|daily|journal"
    r"|agency|service|wire|online|magazine|nachrichten|nyheter|nyheder|uutiset|noticias",
    re.IGNORECASE,
)
# What is left of a part around an address taken out of it (`Jane Doe, jane@example.com`).
_LEFT_OVER = " \t,;/|，、；／｜:：-–—"
_ROMAN = frozenset({"II", "III", "IV", "V", "VI"})


@dataclass(frozen=True, slots=True)
class Person:
    """One person a byline names, with the e-mail address written beside them."""

    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Byline:
    """What a byline (or one name) says: the people, and the agencies it credits."""

    people: tuple[Person, ...]
    agencies: tuple[str, ...] = ()

    @property
    def authors(self) -> tuple[Person, ...]:
        """The people; the agencies when it names nobody else (`by: NTB`), so that the
        entry is not credited to the site."""
        return self.people or tuple(Person(a) for a in self.agencies)


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


def is_agency(part: str) -> bool:
    """Whether `part` is a news agency's name (`_AGENCIES`), with `The` before it or not."""
    text = re.sub(r"^the\s+", "", part.strip().strip(".").strip(), flags=re.IGNORECASE)
    return text.casefold() in _AGENCY_KEYS


def _agency(part: str, holder: str | None) -> str | None:
    """The agency `part` credits, as written (`AP Business Writer` -> `AP`), or None."""
    text = part.strip()
    if not text:
        return None
    if is_agency(text) or (holder and names_agency(text, holder)):
        return text
    job = _AGENCY_WITH_JOB.match(text)
    if job and (is_agency(job["agency"]) or (holder and names_agency(job["agency"], holder))):
        return job["agency"].strip()
    return None


def _dateline_agency(text: str, holder: str | None) -> str | None:
    """The agency a Japanese or Chinese dateline credits after its place (`東京共同`,
    `ワシントン共同`, `共同`), or None."""
    text = text.strip()
    found = _agency(text, holder)
    if found is not None:
        return found
    for name in sorted(_CJK_AGENCIES, key=len, reverse=True):
        place = text[: -len(name)]
        if text.endswith(name) and 0 < len(place) <= 12 and not re.search(r"[\s\d]", place):
            return name
    return None


def protect_addresses(text: str) -> str:
    """`text` with each e-mail address in angle brackets (`<kim@yna.co.kr>`, escaped or not)
    written in parentheses, so that reading the text's markup keeps it."""
    return _ANGLED_ADDRESS.sub(r"(\1)", text)


def _before_story(by: str) -> str:
    """The byline without the story Yonhap writes after its ` =` (`김철수 기자 = 북한이 ...`)."""
    return _STORY_START.sub(lambda m: m.group(1) or "", by, count=1)


def _datelines(by: str, holder: str | None, agencies: list[str]) -> str:
    """The byline with its bracketed and Chinese datelines read: each agency they credit added
    to `agencies`, each name they hold left in their place (`【ワシントン=中村亮】` -> `中村亮`,
    `（记者 张三）` -> `记者 张三`), each credit replaced by a line break (a separator)."""

    def bracket(match: re.Match[str]) -> str:
        inner = match[1].strip()
        if "@" in inner:
            return match[0]  # an address, read with its person
        if "=" in inner or "＝" in inner:
            who = re.split(r"[=＝]", inner, maxsplit=1)[1].strip()
            found = _agency(who, holder)
            if found is None and match[0][0] in "(（":
                found = who  # `(서울=연합뉴스)`: in parentheses, the outlet
            if found is not None:
                agencies.append(found)
                return "\n"
            return f"\n{who}\n"
        found = _dateline_agency(inner, holder)
        if found is not None:
            agencies.append(found)
            return "\n"
        if _ROLES_ONLY.fullmatch(inner):
            return " "  # `Anna Muster (Text)`: what the credit is for
        if _CHINESE_ROLE.match(inner):
            return f"\n{inner}\n"
        return match[0]

    text = _BRACKETED.sub(bracket, by)
    dispatch = _CHINESE_DATELINE.match(text)
    if dispatch is not None:
        who = dispatch["who"] or ""
        for name in sorted(_CJK_AGENCIES, key=len, reverse=True):
            if who.startswith(name):
                agencies.append(name)
                break
        text = "\n" + text[dispatch.end() :]
    return text


def _usual_case(name: str) -> str:
    """A name of two or more words written all in capitals in its usual case (the module's
    rule: `JANE DOE` -> `Jane Doe`, `SEAN O'BRIEN` -> `Sean O'Brien`); any other as written."""
    words = name.split()
    letters = [c for c in name if c.isalpha() and c.lower() != c.upper()]
    if (
        len(words) < 2
        or len(letters) < 2
        or not all(c.isupper() for c in letters)
        or any(_ORGANISATION_WORD.fullmatch(w.strip(".,")) for w in words)
        or _JOB_TITLE.search(name)
        or any(is_agency(w) for w in words)
    ):
        return name

    def piece(text: str) -> str:
        if len(text) > 2 and text[:2] == "MC":
            return "Mc" + text[2:].capitalize()
        if len(text) > 2 and text[1] in "'’" and text[0].isalpha():
            return text[:2].upper() + text[2:].capitalize()
        return ".".join(p.capitalize() for p in text.split("."))

    out = []
    for i, word in enumerate(words):
        if word in _ROMAN:
            out.append(word)
        elif i > 0 and word.lower() in _NAMES_PARTICLES_IN_CAPITALS:
            out.append(word.lower())
        else:
            out.append("-".join(piece(p) for p in word.split("-")))
    return " ".join(out)


def _read_part(part: str, holder: str | None) -> tuple[list[Person], list[str], list[str]]:
    """One part of a byline: its people, the agencies it credits and the e-mail addresses
    written in it (each address is given to a person by the caller)."""
    emails = [m["bracketed"] or m["bare"] for m in _EMAIL.finditer(part)]
    text = _EMAIL.sub(" ", part).strip(_LEFT_OVER) if emails else part.strip()
    text = _CREDIT_PREFIX.sub("", text).strip()
    if names_nobody(text):
        return [], [], emails  # nothing, or what a credit is for (`사진`) without its name
    found = _agency(text, holder)
    if found is not None:
        return [], [found], emails
    dateline = _DATELINE.match(text)
    agencies: list[str] = []
    if dateline is not None:
        rest = text[dateline.end() :]
        found = _agency(rest, holder)
        if found is not None:
            return [], [found], emails  # `東京=共同`: a dateline alone
        first, _, after = rest.partition(" ")
        found = _agency(first, holder)
        if found is not None and after.strip():
            agencies.append(found)  # `東京=共同 山田太郎`: the agency's dateline, then a name
            text = after.strip()
    role = _CHINESE_ROLE.match(text)
    if role is not None:  # `新华社记者 张三`: the agency's reporter
        agencies += [a for a in _CJK_AGENCIES if role[0].strip().startswith(a)][:1]
    without_role = _CHINESE_ROLE.sub("", _DATELINE.sub("", text))
    without_role = _CHINESE_ROLE_AFTER.sub("", _KOREAN_ROLE.sub("", without_role))
    without_role = without_role.strip()
    if without_role != text and _SPACED_NAMES.fullmatch(without_role):
        names = without_role.split()
    else:
        names = [without_role] if without_role else []
    return [Person(_usual_case(n)) for n in names], agencies, emails


def _with_addresses(people: list[Person], emails: list[str]) -> list[Person]:
    """`people` with the first address given to the last person of the part."""
    if not emails or not people:
        return people
    last = people[-1]
    return [*people[:-1], Person(last.name, last.email or emails[0])]


def read_name(name: str, holder: str | None = None) -> Byline:
    """One person's name, as a list of authors gives it (never split): without a dateline
    before it or a role word beside it (`워싱턴=김철수`, `김철수 기자`, `记者 张三`), its e-mail
    address read apart (`김철수 기자 kim@yna.co.kr`). An agency's name (`東京=共同`, `AP`) is a
    credit, not a person. The name as written when nothing else is left."""
    agencies: list[str] = []
    text = _datelines(_before_story(_ROLE_PREFIX.sub(" ", name)), holder, agencies)
    people, credits, emails = _read_part(" ".join(text.split()), holder)
    agencies += credits
    if len(people) == 1:
        return Byline(tuple(_with_addresses(people, emails)), tuple(agencies))
    if not people and agencies:
        return Byline((), tuple(agencies))
    if not people and emails:
        return Byline((Person(emails[0], emails[0]),), tuple(agencies))
    if names_nobody(name):
        return Byline((), tuple(agencies))  # `사진`: what a credit is for, without its name
    return Byline((Person(name.strip(), emails[0] if emails else None),), tuple(agencies))


def person_name(name: str) -> str:
    """One person's name without what is not the person: a Korean dateline before it
    (`워싱턴=김철수`) and a role word beside it (`김철수 기자`, `记者 张三`). The name itself
    when that leaves nothing."""
    people = read_name(name).authors
    return people[0].name if people else name.strip()


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
        if not _own_name(first) and not is_agency(first):
            return by  # `Von Braun`: the particle is part of the name (but `Von dpa`)
    return rest


def _group_credit(before: str, after: str) -> bool:
    """Whether `before & after` is one organisation's credit (`Johnson & Johnson Staff`)."""
    words = after.split()
    return (
        bool(_LATIN_WORD.fullmatch(before))
        and len(words) >= 2
        and bool(_GROUP_WORD.fullmatch(words[-1]))
    )


def _role_prefixes(by: str) -> str:
    """The byline with each role prefix (`글·사진`, `Text and photos by`) made a separator."""
    return _ROLE_PREFIX.sub(lambda m: m[0] if _BARE_HAN_ROLE.match(m[0]) else "\n", by)


def read_byline(by: str, holder: str | None = None) -> Byline:
    """The people a byline names and the agencies it credits (the module's rules): split at
    its separators (`,` `/` `&` `;` `|` and their fullwidth and ideographic forms,
    conjunctions, a serial comma, a middle dot between Hangul names), without a leading `By`,
    the story after Yonhap's ` =`, datelines, role prefixes (`글·사진`, `Photos:`), Korean and
    Chinese role words, or a part that is only a job title (kept when the byline is nothing
    else, so the entry still names whoever wrote it); e-mail addresses given to their people;
    agencies (and `holder`, the record's own agency, by name or initials) as credits. A byline
    of one name written family name first (`Park, Ji-ho`) is that one name."""
    agencies: list[str] = []
    text = _datelines(_before_story(_role_prefixes(by)), holder, agencies)
    pieces = _BYLINE_SPLIT.split(_without_by(text.strip()))  # parts, each after its separator
    parts: list[str] = []
    for i, piece in enumerate(pieces[0::2]):
        part = piece.strip()
        separator = pieces[2 * i - 1].strip() if i > 0 else ""
        if not part:
            continue
        if separator == "," and parts and _family_name(parts[-1]) and _GIVEN_NAME.fullmatch(part):
            parts[-1] = f"{parts[-1]}, {part}"  # `Park, Ji-ho`: family name first
        elif separator in ("&", "＆") and parts and _group_credit(parts[-1], part):
            parts[-1] = f"{parts[-1]} {separator} {part}"  # `Johnson & Johnson Staff`
        else:
            parts.append(part)
    people: list[Person] = []
    orphans: list[str] = []  # addresses standing alone, for the person after them
    for part in parts:
        if people and _NAME_SUFFIX.fullmatch(part):
            last = people[-1]
            people[-1] = Person(f"{last.name}, {part}", last.email)  # `Jane Doe, Jr.`
            continue
        named, credits, emails = _read_part(part, holder)
        agencies += credits
        if named:
            named = _with_addresses(named, orphans + emails)
            orphans = []
            people += named
        elif emails and people and people[-1].email is None:
            people[-1] = Person(people[-1].name, emails[0])  # `Jane Doe, jane@example.com`
        else:
            orphans += emails
    if not people and not agencies and orphans:
        people = [Person(orphans[0], orphans[0])]  # only an address: who it belongs to
    titled = [p for p in people if not _JOB_TITLE.fullmatch(p.name)]
    return Byline(tuple(titled or people), tuple(dict.fromkeys(agencies)))


def names_nobody(by: str) -> bool:
    """Whether a byline holds role words and no other letter (`글·사진`, `Photos:`): it names
    nobody, not even by a title. (Text with no letter at all, `:`, is kept as written.)"""
    rest = _ROLES_ONLY.sub("", by)
    return rest != by and not re.search(r"[^\W_]", rest)


def byline_names(by: str) -> list[str]:
    """The names of the people a byline names (`read_byline`): its authors' names."""
    return [person.name for person in read_byline(by).authors]
