"""What a byline says besides its people (articles.bylines): where Yonhap's story starts, role
prefixes, e-mail addresses, datelines, names in capitals and agencies. None of it is a person,
so none of it makes an author feed; an agency is the record's source when it has none. Each
rule is drawn over names in several scripts, in our JSON and Markdown `authors` and ninjs `by`.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.bylines import is_agency
from articles.formats import article_from_mapping, article_from_markdown, article_from_ninjs
from articles.model import Article

SEOUL = ZoneInfo("Asia/Seoul")


def from_json(authors: object, source: object = None) -> Article:
    raw = {"id": "b", "title": "T", "published": "2025-07-30", "authors": authors}
    if source is not None:
        raw["source"] = source
    return article_from_mapping(raw, where="t", zone=SEOUL, default_language="ko")


def from_markdown(authors: object, source: object = None) -> Article:
    front: dict[str, Any] = {"id": "b", "title": "T", "published": "2025-07-30"}
    front |= {"authors": authors} | ({"source": source} if source is not None else {})
    text = f"---\n{json.dumps(front)}\n---\nBody.\n"  # JSON is YAML: the value exactly as drawn
    return article_from_markdown(text, where="t.md", zone=SEOUL, default_language="ko")


def from_ninjs(by: object, source: object = None) -> Article:
    raw: dict[str, Any] = {"uri": "urn:b", "type": "text", "headline": "T",
                           "versioncreated": "2025-07-30", "by": by}  # fmt: skip
    if source is not None:
        raw["copyrightholder"] = source
    return article_from_ninjs(raw, where="t", zone=SEOUL, default_language="ko")


READERS = [from_json, from_markdown, from_ninjs]


def names(article: Article) -> list[str]:
    return [a.name for a in article.authors]


def source(article: Article) -> str | None:
    return article.source.name if article.source else None


# Names as wire copy writes them: Korean, Japanese, Chinese, English, German, Scandinavian,
# Spanish and French.
HANGUL = st.sampled_from(["김철수", "이영희", "박지호", "최서연", "정민준", "한지민", "남궁민수"])
HAN = st.sampled_from(["山田太郎", "鈴木花子", "张三", "李四", "王小明", "中村亮"])
LATIN = st.sampled_from(["Jane Doe", "John Roe", "Anna Muster", "Jürgen Müller", "Åsa Öberg",
                         "Ola Nordmann", "Søren Kierkegaard", "María José García",
                         "Jean-Luc Picard", "Erik Svensson"])  # fmt: skip
ANY_NAME = st.one_of(HANGUL, HAN, LATIN)
KOREAN_ROLES = st.sampled_from(["기자", "특파원", "선임기자", "통신원", "전문기자", "논설위원"])
AGENCIES = st.sampled_from(["Associated Press", "AP", "The Associated Press", "Reuters", "AFP",
                            "dpa", "Yonhap", "Kyodo", "Xinhua", "TT", "NTB", "Ritzau", "EFE",
                            "ANSA", "APA", "Anadolu Agency", "연합뉴스", "共同通信"])  # fmt: skip


# --------------------------------------------------------------------------- the story's start


@settings(max_examples=150, deadline=None)
@given(
    people=st.lists(HANGUL, min_size=1, max_size=3, unique=True),
    join=st.sampled_from(["·", " 및 ", ", "]),
    dateline=st.sampled_from(["", "(서울=연합뉴스) ", "워싱턴=", "(도쿄=연합뉴스) "]),
    role=KOREAN_ROLES,
    end=st.sampled_from([" =", "=", " = ", " = 북한이 30일 오전, 동해상으로 미사일을 발사했다."]),
    read=st.sampled_from(READERS),
)
@example(["김철수"], "·", "(서울=연합뉴스) ", "기자", " =", from_json)
@example(["김철수"], "·", "", "특파원", " =", from_ninjs)
@example(["김철수", "이영희"], "·", "", "기자", " =", from_json)
def test_yonhaps_equals_sign_after_the_byline_starts_the_story(
    people: list[str], join: str, dateline: str, role: str, end: str, read: Any
) -> None:
    """`(서울=연합뉴스) 김철수 기자 =`: the ` =` and the story after it are not the name."""
    byline = f"{dateline}{join.join(people)} {role}{end}"
    assert names(read(byline)) == people


# --------------------------------------------------------------------------- role prefixes

KOREAN_CREDIT_ROLES = ["글", "사진", "영상", "그래픽", "글·사진", "사진·글", "글/사진", "취재",
                       "편집", "취재·글", "촬영"]  # fmt: skip
LATIN_CREDIT_ROLES = ["Text and photos by ", "Photos: ", "Words by ", "Words and pictures by ",
                      "Photos by ", "Text: ", "Fotos: ", "Text und Fotos: ", "Foto: ",
                      "Tekst og foto: ", "Text och bild: ", "Texte et photos : ",
                      "Texto y fotos: ", "Video: ", "Illustration by "]  # fmt: skip


@st.composite
def credited(draw: st.DrawFn) -> tuple[str, str]:
    """One credit with its role prefix, and the person it names."""
    name = draw(ANY_NAME)
    form = draw(st.sampled_from(["korean", "latin", "after"]))
    if form == "korean":
        role = draw(st.sampled_from(KOREAN_CREDIT_ROLES))
        suffix = f" {draw(KOREAN_ROLES)}" if name in HANGUL_NAMES else ""
        mark = draw(st.sampled_from([" ", "=", " = "]))
        return f"{role}{mark}{name}{suffix}", name
    if form == "after":  # the role in brackets after the name: `Anna Muster (Text)`
        role = draw(st.sampled_from(["Text", "Fotos", "Photos", "Text und Fotos", "사진", "글·사진",
                                     "写真", "Foto"]))  # fmt: skip
        return f"{name} ({role})", name
    return f"{draw(st.sampled_from(LATIN_CREDIT_ROLES))}{name}", name


HANGUL_NAMES = {"김철수", "이영희", "박지호", "최서연", "정민준", "한지민", "남궁민수"}


@settings(max_examples=200, deadline=None)
@given(
    credits=st.lists(credited(), min_size=1, max_size=3, unique_by=lambda c: c[1]),
    join=st.sampled_from([", ", "; ", " / ", "/", "\n", " · ", " • "]),
    read=st.sampled_from(READERS),
)
@example([("글·사진 김철수 기자", "김철수")], ", ", from_json)
@example([("Text and photos by Jane Doe", "Jane Doe")], ", ", from_ninjs)
@example([("Text: Anna Muster", "Anna Muster"), ("Fotos: Jürgen Müller", "Jürgen Müller")],
         ", ", from_markdown)  # fmt: skip
def test_a_credits_role_prefix_is_not_a_person(
    credits: list[tuple[str, str]], join: str, read: Any
) -> None:
    byline = join.join(text for text, _ in credits)
    assert names(read(byline)) == [name for _, name in credits]


@pytest.mark.parametrize("read", READERS)
def test_credits_separated_by_a_space_alone_are_two(read: Any) -> None:
    """`글 김철수 기자 사진 이영희 기자`, `文/张三 图/李四`: each role begins a credit. 文 is a role
    only before a mark (`文/张三`): it is also a surname (`文天祥`)."""
    assert names(read("글 김철수 기자 사진 이영희 기자")) == ["김철수", "이영희"]
    assert names(read("文/张三 图/李四")) == ["张三", "李四"]
    assert names(read("文天祥")) == ["文天祥"]
    assert names(read("記者 文天祥")) == ["文天祥"]


# --------------------------------------------------------------------------- e-mail addresses

ADDRESS_FORMS = [" {}", " ({})", " <{}>", ", {}", " [{}]", " &lt;{}&gt;", " <mailto:{}>",
                 " - {}", ", E-Mail: {}", " 이메일 {}"]  # fmt: skip


@st.composite
def with_address(draw: st.DrawFn) -> tuple[str, str, str]:
    """A name written with its e-mail address, the name, and the address."""
    name = draw(ANY_NAME)
    local = draw(st.from_regex(r"[a-z][a-z0-9._-]{0,10}[a-z0-9]", fullmatch=True))
    domain = draw(st.sampled_from(["yna.co.kr", "example.com", "dpa.de", "kyodonews.jp", "tt.se"]))
    address = f"{local}@{domain}"
    role = f" {draw(KOREAN_ROLES)}" if name in HANGUL_NAMES and draw(st.booleans()) else ""
    form = draw(st.sampled_from(ADDRESS_FORMS))
    return f"{name}{role}{form.format(address)}", name, address


@settings(max_examples=200, deadline=None)
@given(
    people=st.lists(with_address(), min_size=1, max_size=3, unique_by=lambda p: p[1]),
    join=st.sampled_from([" and ", "; ", " / ", "\n", " | "]),
    read=st.sampled_from(READERS),
)
@example([("김철수 기자 kim@yna.co.kr", "김철수", "kim@yna.co.kr")], " and ", from_json)
@example([("김철수 기자 (kim@yna.co.kr)", "김철수", "kim@yna.co.kr")], " and ", from_ninjs)
@example([("Jane Doe <jane@example.com>", "Jane Doe", "jane@example.com")], " and ", from_ninjs)
@example([("Jane Doe, jane@example.com", "Jane Doe", "jane@example.com")], " and ", from_json)
def test_an_address_in_a_byline_is_the_email_of_the_person_beside_it(
    people: list[tuple[str, str, str]], join: str, read: Any
) -> None:
    article = read(join.join(text for text, _, _ in people))
    assert [(a.name, a.email) for a in article.authors] == [(n, e) for _, n, e in people]


@settings(max_examples=100, deadline=None)
@given(person=with_address(), as_object=st.booleans(), read=st.sampled_from(READERS[:2]))
def test_an_address_in_a_listed_name_is_that_persons_email(
    person: tuple[str, str, str], as_object: bool, read: Any
) -> None:
    """An item's address is its person's `email`; an object's own `email` comes first."""
    text, name, address = person
    item: object = {"name": text} if as_object else text
    assert [(a.name, a.email) for a in read([item]).authors] == [(name, address)]
    own = {"name": text, "email": "desk@work.example"}
    assert [(a.name, a.email) for a in read([own]).authors] == [(name, "desk@work.example")]


# --------------------------------------------------------------------------- datelines

# (dateline, the agency it credits)
DATELINES = [("東京=共同", "共同"), ("【東京共同】", "共同"), ("（共同）", "共同"),
             ("(共同)", "共同"), ("【ワシントン共同】", "共同"), ("ワシントン=共同", "共同"),
             ("北京=時事", "時事"),
             ("新华社北京7月30日电", "新华社"), ("新華社東京7月30日電", "新華社"),
             ("中新社上海十二月五日电", "中新社"), ("(서울=연합뉴스)", "연합뉴스"),
             ("(워싱턴=뉴스1)", "뉴스1"), ("【ソウル聯合】", "聯合")]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    dateline=st.sampled_from(DATELINES),
    people=st.lists(st.one_of(HAN, HANGUL), max_size=2, unique=True),
    read=st.sampled_from(READERS),
)
@example(("東京=共同", "共同"), [], from_json)
@example(("【東京共同】", "共同"), ["山田太郎"], from_ninjs)
@example(("新华社北京7月30日电", "新华社"), ["张三"], from_json)
def test_a_dateline_is_no_person_but_credits_its_agency(
    dateline: tuple[str, str], people: list[str], read: Any
) -> None:
    """`東京=共同` names a place and an agency: neither is an author. Beside people the agency
    is the record's source; alone it is the author, so the entry is not the site's."""
    text, agency = dateline
    article = read(" ".join([text, *people]) if len(people) < 2 else f"{text} {'、'.join(people)}")
    assert names(article) == (people or [agency])
    assert source(article) == agency


@pytest.mark.parametrize("read", READERS)
def test_a_chinese_dispatch_lines_reporters_are_the_people(read: Any) -> None:
    assert names(read("新华社北京7月30日电（记者 张三 李四）")) == ["张三", "李四"]
    assert names(read("本报讯（记者 王小明）")) == ["王小明"]
    article = read("新华社记者 张三 摄")  # 摄: "photographed by"
    assert (names(article), source(article)) == (["张三"], "新华社")


@pytest.mark.parametrize("read", READERS)
def test_a_bracketed_dateline_naming_its_correspondent_is_that_person(read: Any) -> None:
    assert names(read("【ワシントン=中村亮】")) == ["中村亮"]


@settings(max_examples=100, deadline=None)
@given(dateline=st.sampled_from(DATELINES), name=st.one_of(HAN, HANGUL))
def test_a_listed_dateline_is_a_credit_too(dateline: tuple[str, str], name: str) -> None:
    text, agency = dateline
    article = from_json([name, text])
    assert (names(article), source(article)) == ([name], agency)


# --------------------------------------------------------------------------- capitals

_WORD = st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True).filter(
    lambda w: not w.startswith("Mc")
    and not is_agency(w)
    and w.lower() not in {"von", "van", "der", "den", "del", "della", "delle", "des", "zur", "ten",
                          "ter", "dos", "das", "and", "with", "und", "och", "staff", "desk",
                          "team", "press", "office", "bureau", "editor", "editors", "writer",
                          "writers", "newsroom", "reporter", "newsdesk", "chief", "senior"}
)  # fmt: skip
_FAMILY = st.one_of(
    _WORD,
    _WORD.map(lambda w: f"Mc{w}"),
    _WORD.map(lambda w: f"O'{w}"),
    st.tuples(_WORD, _WORD).map("-".join),
)
_PERSON_IN_CASE = st.tuples(_WORD, _FAMILY).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(
    people=st.lists(_PERSON_IN_CASE, min_size=1, max_size=3, unique_by=str.casefold),
    agency=AGENCIES,
    by=st.sampled_from(["By ", "BY ", "Von ", "Av ", ""]),
    read=st.sampled_from(READERS),
)
@example(["Jane Doe", "John Roe"], "Associated Press", "By ", from_ninjs)
@example(["Sean O'Brien", "Mary McDonald"], "AP", "By ", from_json)
def test_names_written_in_capitals_read_in_their_usual_case(
    people: list[str], agency: str, by: str, read: Any
) -> None:
    """`By JANE DOE and JOHN ROE, Associated Press` -> Jane Doe, John Roe; source AP."""
    byline = f"{by}{' and '.join(p.upper() for p in people)}, {agency}"
    article = read(byline)
    assert names(article) == people
    assert source(article) == agency


# (written, read): particles, suffixes, initials and apostrophes; a single word, which may be an
# acronym, and a group's name are kept as written.
CAPITALS = [("LUDWIG VAN BEETHOVEN", "Ludwig van Beethoven"),
            ("JUAN DE LA CRUZ", "Juan de la Cruz"), ("JOHN ROE III", "John Roe III"),
            ("J.R. SMITH", "J.R. Smith"), ("ANNA D'ANGELO", "Anna D'Angelo"), ("KIM", "KIM"),
            ("BBC NEWS", "BBC NEWS")]  # fmt: skip


@pytest.mark.parametrize("read", READERS)
def test_the_capitals_rule_on_particles_suffixes_and_acronyms(read: Any) -> None:
    assert [names(read(written)) for written, _ in CAPITALS] == [[want] for _, want in CAPITALS]


# --------------------------------------------------------------------------- agencies


@settings(max_examples=200, deadline=None)
@given(
    people=st.lists(ANY_NAME, min_size=1, max_size=3, unique=True),
    agency=AGENCIES,
    by=st.sampled_from(["", "By ", "Von ", "Av ", "Par "]),
    join=st.sampled_from([", ", " / ", "; ", " and "]),
    holder=st.sampled_from([None, "Example Wire"]),
    read=st.sampled_from(READERS),
)
@example(["Anna Muster"], "dpa", "Von ", ", ", None, from_json)
@example(["Anna Muster"], "dpa", "Von ", ", ", None, from_ninjs)
@example(["Jane Doe", "John Roe"], "Associated Press", "By ", ", ", None, from_ninjs)
def test_an_agency_in_a_byline_is_a_credit_not_a_person(
    people: list[str], agency: str, by: str, join: str, holder: str | None, read: Any
) -> None:
    """`Von Anna Muster, dpa`: Anna Muster is the author; dpa is the source when the record
    names none, and no author either way."""
    byline = f"{by}{' and '.join(people)}{join}{agency}"
    article = read(byline, holder)
    assert names(article) == people
    assert source(article) == (holder or agency)


@pytest.mark.parametrize("read", READERS)
@pytest.mark.parametrize(
    ("byline", "agency"),
    [("Jane Doe, AP Business Writer", "AP"), ("Jane Doe, Associated Press Writer",
      "Associated Press"), ("Jane Doe (AP)", "AP"), ("Jane Doe/Reuters", "Reuters"),
     ("Jane Doe • AP", "AP"), ("Jane Doe — Reuters", "Reuters"), ("Jane Doe, AP Photo", "AP")],
)  # fmt: skip
def test_an_agency_with_a_job_or_in_brackets_is_a_credit(
    read: Any, byline: str, agency: str
) -> None:
    article = read(byline)
    assert (names(article), source(article)) == (["Jane Doe"], agency)


@pytest.mark.parametrize("read", READERS)
def test_a_byline_of_agencies_alone_keeps_them_as_its_authors(read: Any) -> None:
    article = read("AP, Reuters")
    assert (names(article), source(article)) == (["AP", "Reuters"], "AP")
    assert names(read("Von dpa")) == ["dpa"]  # `Von` before an agency is the "by"
    assert names(read("Von Braun")) == ["Von Braun"]


def test_a_listed_agency_beside_people_is_a_credit() -> None:
    article = from_json(["Anna Muster", "dpa"])
    assert (names(article), source(article)) == (["Anna Muster"], "dpa")
    assert names(from_json(["dpa"])) == ["dpa"]


@pytest.mark.parametrize("read", READERS)
@pytest.mark.parametrize("roles", ["글·사진", "사진", "Photos:", "Text und Fotos", "文・写真"])
def test_role_words_without_a_name_are_no_author(read: Any, roles: str) -> None:
    """A byline of role words alone names nobody: the feed's author stands in."""
    assert names(read(roles)) == []
    if read is not from_ninjs:
        assert names(read([roles, "김철수"])) == ["김철수"]
