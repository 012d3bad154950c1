"""IPTC ninjs 3.0 and 3.1: the agencies' and the specification's own documents, the version rules.

The documents in tests/data/ninjs/3.0 and 3.1 are byte-for-byte copies of IPTC's examples
(tests/data/ninjs/README.txt says where each comes from); every text item among them imports
with the values its document holds, and every other item is refused record by record.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.formats import read_records
from articles.formats.ninjs3 import RENAMED
from articles.model import Author, Source
from tests.fixtures.records import CEST, NINJS_DIR, SEOUL, from_ninjs, load_ninjs, refusal

# --------------------------------------------------------------------------- the copies


def _blobs() -> list[tuple[str, str]]:
    """(copy, Git blob id of the original) from the table in tests/data/ninjs/README.txt."""
    table = (NINJS_DIR / "README.txt").read_text(encoding="utf-8")
    return re.findall(r"^\| `([23]\.[01]/[^`]+)` \|[^|]*\| `([0-9a-f]{40})` \|", table, re.M)


@pytest.mark.parametrize(("copy_name", "blob"), _blobs())
def test_copies_are_byte_identical_to_iptcs_originals(copy_name: str, blob: str) -> None:
    data = (NINJS_DIR / copy_name).read_bytes()
    assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == blob


def test_every_copied_document_is_listed_with_its_origin() -> None:
    copies = {str(p.relative_to(NINJS_DIR)) for p in NINJS_DIR.glob("[23].*/**/*.json")}
    assert copies == {name for name, _ in _blobs()} and len(copies) == 17


# --------------------------------------------------------------------------- the text items

# Expected values read from each document by hand: headline, the body's opening words (None
# for a document with no body), published, updated, status, authors, language, source.
TEXT_ITEMS: dict[str, dict[str, Any]] = {
    "3.0/ntb_text.json": {
        "id": "urn:8d19cf88-b3ab-4972-8fec-1207599f2872",
        "title": "Google har kjøpt giganttomt i Skien",
        "body": None,
        "summary": "IT-giganten Google har kjøpt en tomt på nærmere 2.000 mål i Skien",
        "published": datetime(2019, 8, 9, 9, 30, 4, tzinfo=UTC),
        "updated": datetime(2019, 8, 9, 9, 46, 53, tzinfo=UTC),
        "status": "published",
        "authors": ("NTB",),  # `by: NTB`, no person named: the agency is the byline
        "language": "nb-NO",
        "source": "NTB",
        "tags": ("Innenriks", "Teknologi", "Industri", "Olje og energi"),
    },
    "3.0/dpa_text.json": {
        "id": "urn:newsml:dpa.com:20090101:190510-99-167362",
        "title": "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?",
        "body": "<p>Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren».",
        "published": datetime(2019, 5, 10, 16, 2, 28, tzinfo=CEST),
        "updated": datetime(2019, 5, 10, 16, 2, 28, tzinfo=CEST),
        "status": "published",
        "authors": ("Christian Hollmann",),  # `by: Von Christian Hollmann, dpa`
        "language": "de",
        "source": "dpa",
        "rights": "Copyright 2019, dpa (www.dpa.de). Alle Rechte vorbehalten",
    },
    "3.0/businesswire-newsml-20130605006126.json": {
        "id": "http://www.businesswire.com/news/home/20130605006126/zh",
        "title": "Cambrios被Gartner評選為「最酷供應商」",
        "body": "(美國商業資訊)--為透明及軟性導體市場提供銀奈米線解決方案的領導廠商",
        "published": datetime(2013, 6, 5, 21, 0, tzinfo=UTC),
        "updated": datetime(2013, 6, 5, 21, 0, tzinfo=UTC),
        "status": "published",
        "authors": (),
        "language": "zh",
        "source": None,
        "tags": ("United States", "Technology", "Consumer Electronics"),
    },
    "3.0/businesswire-newsml-20130731006140.json": {
        "id": "http://www.businesswire.com/news/home/20130731006140/en",
        "title": "Lunch Taking a Toll? Let Applebee’s® Industrial Strength Lunch Decoy Stand In",
        "body": "With more Applebee’s<sup>®</sup> Lunch Combos than ever",
        "published": datetime(2013, 7, 31, 15, 32, tzinfo=UTC),
        "updated": datetime(2013, 7, 31, 15, 32, tzinfo=UTC),
        "status": "published",
        "authors": (),
        "language": "en",
        "source": None,
        # The largest rendition of the logo (the video association is not an image).
        "image": "http://mms.businesswire.com/media/newsItemId/en/372964/4/AB_LOGO_webready.jpg",
    },
    "3.0/tt_text_image_3.json": {
        "id": "http://tt.se/media/text/210526-militarovning-a0f2d045",
        "title": "Militärövning i jätteformat hålls 2023",
        "body": "<p>Pandemin satte stopp för den stora internationella militärövningen",
        "published": datetime(2021, 5, 26, 13, 40, 18, tzinfo=CEST),
        "updated": datetime(2021, 5, 26, 13, 40, 18, tzinfo=CEST),
        "status": "published",
        "authors": (),  # Jonas Svensson is quoted (people without rel=author), not the author
        "language": "sv",
        "source": "TT",
        "section": "Inrikes",
        "tags": ("Krig, konflikter och oroligheter",),
        "image": "https://beta.tt.se/media/text/210526-militarovning-a0f2d045/a001_NormalHires.jpg",
    },
    "3.0/ninjsExSimpleText_3.json": {
        "id": "http://ninjs.example.com/newsitems/20130709simp123",
        "title": "Captain of wrecked cruise ship on trial in Italy",
        "body": "<p>GROSSETO, Italy (AP) -- The trial of the captain",
        "published": datetime(2013, 7, 9, 10, 37, tzinfo=UTC),
        "updated": datetime(2013, 7, 9, 10, 37, tzinfo=UTC),
        "status": "published",
        "authors": ("Paulo Santalucia", "Frances d'Emilio"),
        "language": "ko",  # the document names none: the site's default
        "source": None,
    },
    "3.0/20231008-anti-doping-measures-at-the-tour-down-under-will-be-the-toughest-ever-"
    "addb-ninjs-nitf.json": {
        "id": "https://antidopingdatabase.com/news/anti-doping-measures-at-the-tour-down-under-"
        "will-be-the-toughest-ever",
        "title": "Anti-doping measures at the 'Tour Down Under' will be the toughest ever",
        "body": "<p>",  # the NITF body.content, its paragraphs kept
        "published": datetime(2023, 10, 8, 2, 34, 3, tzinfo=CEST),
        "updated": datetime(2023, 10, 8, 2, 34, 3, tzinfo=CEST),
        "status": "published",
        "authors": ("Trond Husø", "The Anti-Doping Database"),
        "language": "en",
        "source": None,
        "tags": ("Sport", "drug abuse in sport", "Cycling"),
    },
    "3.1/001_simple_example.json": {
        "id": "http://ninjs.example.com/newsitems/20130709simp123",
        "title": "Captain of wrecked cruise ship on trial in Italy",
        "body": "<p>GROSSETO, Italy (AP) -- The trial of the captain",
        "published": datetime(2013, 7, 9, 10, 37, tzinfo=UTC),
        "updated": datetime(2013, 7, 9, 10, 37, tzinfo=UTC),
        "status": "published",
        "authors": ("Paulo Santalucia", "Frances d'Emilio"),
        "language": "ko",
        "source": None,
    },
    "3.1/003_associations_example.json": {
        "id": "http://www.businesswire.com/news/home/20130515006361/en",
        "title": "Dell Redefines Workstation Computing Boundaries with Smallest Tower and Most "
        "Powerful Rack Workstations",
        "body": "[ ... ]",
        "published": datetime(2013, 5, 16, 4, 1, tzinfo=UTC),
        "updated": datetime(2013, 5, 16, 4, 1, tzinfo=UTC),
        "status": "published",
        "authors": (),
        "language": "ko",
        "source": None,
    },
    "3.1/004_simple_text_article.json": {
        "id": "http://ninjs.example.com/newsitems/20130709simp123",
        "title": "Captain of wrecked cruise ship on trial in Italy",
        "body": "<p>GROSSETO, Italy (AP) -- The trial of the captain",
        "published": datetime(2013, 7, 9, 10, 37, tzinfo=UTC),
        "updated": datetime(2013, 7, 9, 10, 37, tzinfo=UTC),
        "status": "published",
        "authors": ("Paulo Santalucia", "Frances d'Emilio"),
        "language": "ko",
        "source": None,
    },
    "3.1/005_complex_text_article.json": {
        "id": "http://ninjs.example.com/newsitems/20130709med123",
        "title": "Captain of wrecked cruise ship on trial in Italy",
        "body": "<p>GROSSETO, Italy (AP) -- The trial of the captain",
        "published": datetime(2013, 7, 9, 10, 37, tzinfo=UTC),
        "updated": datetime(2013, 7, 9, 10, 37, tzinfo=UTC),
        "status": "published",
        "authors": ("Paulo Santalucia", "Frances d'Emilio"),
        "language": "en",
        "source": None,
        "rights": "Copyright 2013 The News Agency, www.tna.org - all rights reserved.",
    },
    "3.1/007_multimedia.json": {
        "id": "http://ninjs.example.com/newsitems/20130709cplx456",
        "title": "Captain of wrecked cruise ship on trial in Italy",
        "body": "<p>GROSSETO, Italy (AP) -- The trial of the captain",
        "published": datetime(2013, 7, 9, 10, 39, tzinfo=UTC),
        "updated": datetime(2013, 7, 9, 10, 39, tzinfo=UTC),
        "status": "published",
        "authors": ("Paulo Santalucia", "Frances d'Emilio"),
        "language": "en",
        "source": None,
        "image": "http://hosted.ap.org/photos/2/2643c588-dc8d-4923-bebd-e3b904edbb3a-big.jpg",
    },
}


@pytest.mark.parametrize("name", sorted(TEXT_ITEMS))
def test_text_item_imports_with_the_values_its_document_holds(name: str) -> None:
    expected = TEXT_ITEMS[name]
    article = from_ninjs(load_ninjs(name))
    assert article.id == expected["id"]
    assert article.title == expected["title"]
    if expected["body"] is None:
        assert article.body_html == ""
    else:
        assert expected["body"] in article.body_html[:200]
        assert "<html" not in article.body_html and "<body" not in article.body_html
    assert article.published == expected["published"]
    assert article.updated == expected["updated"]
    assert article.status == expected["status"]
    assert tuple(a.name for a in article.authors) == expected["authors"]
    assert article.language == expected["language"]
    assert (article.source.name if article.source else None) == expected["source"]
    if "summary" in expected:
        assert article.summary.startswith(expected["summary"])
    if "rights" in expected:
        assert article.rights == expected["rights"]
    if "tags" in expected:
        assert tuple(t.label for t in article.tags)[: len(expected["tags"])] == expected["tags"]
    if "section" in expected:
        assert article.section is not None and article.section.label == expected["section"]
    assert (article.image.url if article.image else None) == expected.get("image")


def test_the_dpa_story_reads_the_same_in_2x_and_3x() -> None:
    two, three = (
        from_ninjs(load_ninjs("dpa_text.json")),
        from_ninjs(load_ninjs("3.0/dpa_text.json")),
    )
    assert three == two


def test_nitf_body_keeps_the_story_and_drops_the_nitf_head() -> None:
    name = next(n for n in TEXT_ITEMS if "addb" in n)
    body = from_ninjs(load_ninjs(name)).body_html
    assert "The Australian Sports Anti-Doping Authority" in body
    assert "tobject" not in body and "doc-id" not in body and "<nitf" not in body


@pytest.mark.parametrize(
    ("name", "field", "reason"),
    [
        ("3.1/006_photo_only.json", "type", "a ninjs 'picture' item is not an article"),
        ("3.1/008_event.json", "type", "a ninjs 'event' item is not an article"),
    ],
)
def test_an_item_that_is_not_an_article_is_refused_naming_its_type(
    name: str, field: str, reason: str
) -> None:
    error = refusal(from_ninjs, load_ninjs(name))
    assert (error.field, reason in error.reason) == (field, True)


def test_the_collection_is_refused_record_by_record() -> None:
    path = NINJS_DIR / "3.0" / "collection" / "20231016-event-timeline-sample.json"
    results = list(read_records(path, zone=SEOUL, default_language="ko"))
    assert len(results) == len(json.loads(path.read_text(encoding="utf-8"))) == 14
    assert [r.where for r in results] == [f"{path}: record {n}" for n in range(1, 15)]
    for result in results:
        assert result.error is not None and result.error.field == "eventDetails"
        assert "describes an event or a planning, not an article" in result.error.reason


def test_a_folder_of_ninjs_3_imports_every_text_item_and_refuses_the_rest() -> None:
    results = list(read_records(NINJS_DIR, zone=SEOUL, default_language="ko"))
    ok = {r.where.removeprefix(f"{NINJS_DIR}/") for r in results if r.ok}
    assert {n for n in TEXT_ITEMS} <= ok
    assert {"dpa_text.json", "tt_text_image_2.json"} <= ok
    refused = [r for r in results if not r.ok]
    assert len(refused) == 14 + 2  # the collection's events, the photo and the event


# --------------------------------------------------------------------------- the agency's status


@pytest.mark.parametrize(
    ("pub_status", "status"),
    [("usable", "published"), ("withheld", "withheld"), ("canceled", "withheld")],
)
@pytest.mark.parametrize(
    ("name", "field"), [("dpa_text.json", "pubstatus"), ("3.0/dpa_text.json", "pubStatus")]
)
def test_the_agencys_publication_status_is_honoured_in_every_version(
    name: str, field: str, pub_status: str, status: str
) -> None:
    assert from_ninjs(load_ninjs(name) | {field: pub_status}).status == status


def test_a_withheld_story_spelled_in_both_versions_is_refused_never_published() -> None:
    # The example: a 2.x document given 3.x's `pubStatus` and camelCase bodies.
    raw = load_ninjs("dpa_text.json")
    raw["pubStatus"] = "withheld"
    raw["bodies"] = [{"role": "html", "contentType": "text/html", "value": "<p>x</p>"}]
    error = refusal(from_ninjs, raw)
    assert error.field == "versioncreated"
    assert "'versioncreated' is a 1.x/2.x name and 'pubStatus' a 3.x name" in error.reason


@given(st.data())
def test_any_field_spelled_in_the_other_generation_is_refused_naming_it(data: Any) -> None:
    documents = ["dpa_text.json", "tt_text_image_2.json", "3.0/dpa_text.json", "3.0/ntb_text.json"]
    name = data.draw(st.sampled_from([*documents, "3.0/tt_text_image_3.json"]))
    raw = load_ninjs(name)
    three = name.startswith("3.")
    spelled = {v: k for k, v in RENAMED.items()} if three else RENAMED
    candidates = sorted(k for k in raw if k in spelled and k not in ("pubstatus", "pubStatus"))
    key = data.draw(st.sampled_from(candidates))
    changed = {(spelled[k] if k == key else k): v for k, v in raw.items()}
    error = refusal(from_ninjs, changed)
    assert spelled[key] in (error.field, *re.findall(r"'([^']+)'", error.reason))


def test_a_nested_name_of_the_other_generation_is_refused_naming_its_place() -> None:
    raw = load_ninjs("3.0/dpa_text.json")
    raw["bodies"][0]["contenttype"] = raw["bodies"][0].pop("contentType")
    error = refusal(from_ninjs, raw)
    assert error.field == "bodies[0].contenttype"


@pytest.mark.parametrize(
    ("statement", "field"),
    [
        ({"standard": {"name": "ninjs", "version": "2.2"}}, "versionCreated"),
        ({"$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"}, "versionCreated"),
        ({"ninjsVersion": "2.0"}, "versionCreated"),
    ],
)
def test_names_that_contradict_the_stated_version_are_refused(
    statement: dict[str, Any], field: str
) -> None:
    error = refusal(from_ninjs, load_ninjs("3.0/dpa_text.json") | statement)
    assert error.field == field
    assert "spells it 'versioncreated'" in error.reason


def test_stated_versions_that_disagree_are_refused() -> None:
    raw = load_ninjs("3.0/dpa_text.json") | {
        "standard": {"name": "ninjs", "version": "3.0"},
        "$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json",
    }
    error = refusal(from_ninjs, raw)
    assert (error.field, error.reason) == (
        "$schema",
        "says ninjs 2.2, but standard.version says 3.0",
    )


@pytest.mark.parametrize("version", ["4.0", "3.7", "banana"])
def test_a_version_this_importer_does_not_read_is_refused(version: str) -> None:
    error = refusal(
        from_ninjs, load_ninjs("3.0/dpa_text.json") | {"standard": {"version": version}}
    )
    assert error.field == "standard.version"


def test_a_stated_version_is_enough_without_version_specific_names() -> None:
    raw = {
        "uri": "urn:x:1",
        "standard": {"name": "ninjs", "version": "3.1"},
        "headlines": [{"value": "Title"}],
    }
    error = refusal(from_ninjs, raw)  # read as 3.1, so the missing date is named in 3.1's spelling
    assert error.field == "versionCreated"


def test_an_item_whose_version_cannot_be_told_is_refused() -> None:
    error = refusal(from_ninjs, {"uri": "urn:x:1", "headlines": [{"value": "Title"}]})
    assert "cannot tell which ninjs version" in error.reason


# --------------------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    ("name", "holder"),
    [("dpa_text.json", "copyrightholder"), ("3.0/dpa_text.json", "copyrightHolder")],
)
def test_a_byline_naming_only_the_agency_is_kept_as_the_author(name: str, holder: str) -> None:
    raw = load_ninjs(name) | {"by": "AA", holder: "AA"}
    article = from_ninjs(raw)
    assert article.authors == (Author(name="AA", slug="aa"),)
    assert article.source == Source(name="AA", slug="aa")


def test_a_byline_naming_people_and_the_agency_keeps_the_people() -> None:
    raw = load_ninjs("3.0/dpa_text.json") | {"by": "Jane Roe and John Doe/dpa"}
    assert [a.name for a in from_ninjs(raw).authors] == ["Jane Roe", "John Doe"]


@pytest.mark.parametrize(
    ("by", "holder", "authors"),
    [
        ("Von 한지민, AA", "Anadolu Ajansı", ["한지민"]),
        ("Jane Roe / AFP", "Agence France-Presse", ["Jane Roe"]),
        ("Av Erik Svensson, TT", "Tidningarnas Telegrambyrå", ["Erik Svensson"]),
        ("By Kim Minjun and AP", "Associated Press", ["Kim Minjun"]),
        ("Von Christian Hollmann, DPA", "dpa", ["Christian Hollmann"]),
        # Not the agency: initials of a one-word name, a person.
        ("Jane Roe, R", "Reuters", ["Jane Roe", "R"]),
        ("Jane Roe, AA Kim", "Anadolu Ajansı", ["Jane Roe", "AA Kim"]),
        # Another agency is a credit too, not a person (articles.bylines: agencies).
        ("Jane Roe, AP", "Anadolu Ajansı", ["Jane Roe"]),
        ("AA", "Anadolu Ajansı", ["AA"]),  # only the agency: kept as the author
    ],
)
def test_the_agency_named_by_its_initials_beside_people_is_dropped(
    by: str, holder: str, authors: list[str]
) -> None:
    raw = load_ninjs("3.0/dpa_text.json") | {"by": by, "copyrightHolder": holder}
    assert [a.name for a in from_ninjs(raw).authors] == authors


@pytest.mark.parametrize(
    ("by", "authors"),
    [
        # A serial (Oxford) comma before the conjunction is one separator, not a name "and ...".
        ("Jane Doe, and John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe, John Roe, and Jim Poe", ["Jane Doe", "John Roe", "Jim Poe"]),
        ("Jane Doe, & John Roe", ["Jane Doe", "John Roe"]),
        ("Erik Svensson, och Anna Berg", ["Erik Svensson", "Anna Berg"]),
        # The separators of Korean, Japanese and Chinese bylines, and fullwidth forms.
        ("김철수 및 이영희", ["김철수", "이영희"]),
        ("김철수·이영희", ["김철수", "이영희"]),
        ("山田太郎、鈴木花子", ["山田太郎", "鈴木花子"]),
        ("张三，李四", ["张三", "李四"]),
        ("Jane Doe ＆ John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe／John Roe；Jim Poe", ["Jane Doe", "John Roe", "Jim Poe"]),
        # A job title after the names is no author; a Korean byline's trailing 기자 is the role.
        ("Jane Doe, Staff Writer", ["Jane Doe"]),
        ("Jane Doe\nJohn Roe", ["Jane Doe", "John Roe"]),
        ("John Roe, Jr. and Jane Doe", ["John Roe, Jr.", "Jane Doe"]),
        ("By Jane Doe and John Roe, Correspondents", ["Jane Doe", "John Roe"]),
        ("김철수·이영희 기자", ["김철수", "이영희"]),
        ("김철수 기자", ["김철수"]),
        ("워싱턴=김철수 특파원", ["김철수"]),
        # Names beside a role word with spaces alone between them are two people.
        ("(서울=연합뉴스) 김철수 이영희 기자", ["김철수", "이영희"]),
        # Not separators: a middle dot inside a transliterated name, a conjunction in a name.
        ("ドナルド・トランプ", ["ドナルド・トランプ"]),
        ("唐纳德·特朗普", ["唐纳德·特朗普"]),
        ("Marcel·lí Pérez", ["Marcel·lí Pérez"]),
        ("Andersen Cooper", ["Andersen Cooper"]),
        ("Staff Writer", ["Staff Writer"]),  # only a title: kept, the entry is not the site's
    ],
)
def test_a_byline_is_split_into_the_people_it_names(by: str, authors: list[str]) -> None:
    raw = load_ninjs("3.0/dpa_text.json") | {"by": by, "copyrightHolder": "Example Wire"}
    assert [a.name for a in from_ninjs(raw).authors] == authors


_BYLINE_PEOPLE = st.sampled_from(
    ["Jane Doe", "John Roe", "Erik Svensson", "María José García", "김철수", "이영희", "山田太郎",
     "张三", "Anderson Cooper", "Yves Bernard"]
)  # fmt: skip
_BYLINE_SEPARATORS = st.sampled_from(
    [", ", " and ", ", and ", " & ", ", & ", " / ", "/", "; ", " und ", " och ", " y ",
     "，", "、", "／", "＆", "；", "\n", ", and\n", " 및 "]
)  # fmt: skip


@given(st.lists(_BYLINE_PEOPLE, min_size=1, max_size=5, unique=True), st.data())
def test_any_separator_between_names_gives_each_name(people: list[str], data: Any) -> None:
    by = people[0]
    for name in people[1:]:
        by += data.draw(_BYLINE_SEPARATORS) + name
    raw = load_ninjs("3.0/dpa_text.json") | {"by": by, "copyrightHolder": "Example Wire"}
    assert [a.name for a in from_ninjs(raw).authors] == people


_BLANK_VALUES = [None, "", "   ", "\u200b", "<p></p>", "<b> </b>"]


@pytest.mark.parametrize("blank", _BLANK_VALUES)
@pytest.mark.parametrize("main", ["main", "Main"])
def test_a_headline_or_description_that_shows_nothing_yields_to_the_next(
    blank: str | None, main: str
) -> None:
    """An agency's empty `main` headline beside a `short` one (a system that filled one
    field) is no headline: the story was refused as having none."""
    raw = load_ninjs("3.0/dpa_text.json")
    html = {"contentType": "text/html"} if blank and blank.startswith("<") else {}
    raw["headlines"] = [{"role": main, "value": blank, **html}, {"role": "short", "value": "Next"}]
    raw["descriptions"] = [
        {"role": "summary", "value": blank, **html},
        {"role": "teaser", "value": "Teaser"},
    ]
    article = from_ninjs(raw)
    assert (article.title, article.summary) == ("Next", "Teaser")


def test_headlines_that_all_show_nothing_are_still_refused_naming_the_title() -> None:
    raw = load_ninjs("3.0/dpa_text.json")
    raw["headlines"] = [{"role": "main", "value": ""}, {"role": "short", "value": " "}]
    assert refusal(from_ninjs, raw).field.startswith("title")
