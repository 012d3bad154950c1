"""A source given as a credit line is the name it credits, whatever language the line's label
is in and whether the line is set in brackets (`Quelle: dpa`, `[출처: 연합뉴스]`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from articles.formats import article_from_mapping
from articles.text import slugify

LABELS = ["출처", "제공", "Source", "CREDIT", "Quelle", "Fuente", "Fonte", "Källa", "Kilde",
          "Lähde", "Bron", "Źródło", "Источник", "Kaynak", "出典", "出处", "来源", "來源",
          "資料來源"]  # fmt: skip
BRACKETS = [("", ""), ("[", "]"), ("(", ")"), ("（", "）"), ("【", "】"), ("〔", "〕")]
NAMES = ["AA", "dpa", "연합뉴스", "共同通信", "新华社", "Reuters", "TT Nyhetsbyrån"]


def _source(value: str) -> object:
    record = {"id": "c1", "title": "T", "published": "2025-07-30", "source": value}
    zone = ZoneInfo("Asia/Seoul")
    return article_from_mapping(record, where="c.json", zone=zone, default_language="ko").source


@given(
    label=st.sampled_from(LABELS),
    separator=st.sampled_from([":", ": ", " : ", "：", "=", " = "]),
    brackets=st.sampled_from(BRACKETS),
    name=st.sampled_from(NAMES),
)
@example(label="Quelle", separator=": ", brackets=("", ""), name="dpa")  # was `Quelle: dpa`
@example(label="출처", separator=": ", brackets=("[", "]"), name="연합뉴스")
def test_a_credit_line_in_any_of_the_wire_languages_credits_its_name(
    label: str, separator: str, brackets: tuple[str, str], name: str
) -> None:
    opening, closing = brackets
    source = _source(f"{opening}{label}{separator}{name}{closing}")
    assert source is not None
    assert (source.name, source.slug) == (name, slugify(name))


@given(name=st.sampled_from([*NAMES, "(주)한국경제", "[속보] AA", "사진=AA", "via Reuters"]))
def test_a_name_without_a_credit_label_is_kept_as_written(name: str) -> None:
    source = _source(name)
    assert source is not None and source.name == name
