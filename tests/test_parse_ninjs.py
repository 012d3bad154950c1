"""IPTC ninjs import: the two real agency documents, and the mapping rules one by one."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest

from articles.errors import InvalidArticle
from articles.formats import is_ninjs
from articles.model import Article, Author, Image, Section, Source, Tag
from tests.fixtures.records import CEST, from_ninjs, load_ninjs


@pytest.fixture(scope="module")
def dpa() -> Article:
    return from_ninjs(load_ninjs("dpa_text.json"))


@pytest.fixture(scope="module")
def tt() -> Article:
    return from_ninjs(load_ninjs("tt_text_image_2.json"))


def test_dpa_story_maps_every_field_it_has(dpa: Article) -> None:
    assert dpa.id == "urn:newsml:dpa.com:20090101:190510-99-167362"
    assert dpa.title == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    assert dpa.published == datetime(2019, 5, 10, 16, 2, 28, tzinfo=CEST)
    assert dpa.updated == dpa.published
    assert dpa.language == "de"
    assert dpa.status == "published"
    assert dpa.authors == (Author(name="Christian Hollmann", slug="christian-hollmann"),)
    assert dpa.source == Source(name="dpa", slug="dpa")
    assert dpa.rights == "Copyright 2019, dpa (www.dpa.de). Alle Rechte vorbehalten"
    assert dpa.slug == "faktencheck-derby-elfmeter-hat-schiedsrichter-zwayer-recht"
    assert dpa.body_html.startswith("<p>Für Lucien Favre war es «der größte Skandal")
    assert dpa.body_html.count("<p>") == 9
    assert "<section" not in dpa.body_html
    assert dpa.summary == "" and dpa.image is None and dpa.section is None


def test_tt_story_maps_headline_summary_section_tags_and_rights(tt: Article) -> None:
    assert tt.id == "http://tt.se/media/text/210526-militarovning-a0f2d045"
    assert tt.title == "Militärövning i jätteformat hålls 2023"
    assert tt.summary.startswith("Pandemin satte stopp för den stora internationella")
    assert tt.published == datetime(2021, 5, 26, 13, 40, 18, tzinfo=CEST)
    assert tt.language == "sv"
    assert tt.section == Section(slug="inrikes", label="Inrikes")
    assert tt.tags == (
        Tag(slug="krig-konflikter-och-oroligheter", label="Krig, konflikter och oroligheter"),
    )
    assert tt.source == Source(name="TT", slug="tt")
    # Jonas Svensson is quoted in the story, not its author: people without rel=author are not.
    assert tt.authors == ()
    assert tt.rights is None


def test_tt_body_is_the_html_body_inner_part_without_the_repeated_headline(tt: Article) -> None:
    body = tt.body_html
    assert "<html" not in body and "<head" not in body and "<title" not in body
    assert "Militärövning i jätteformat hålls 2023" not in body
    assert (
        '<a href="https://www.sydostran.se/nyheter/beskedet-da-genomfors-forsvarsmaktens'
        '-jatteovning-13d95038/" rel="noopener noreferrer">Sydöstran</a>'
    ) in body
    assert body.count("<blockquote>") == 2
    assert "<figcaption>En stor internationell försvarsövning" in body


def test_tt_picture_association_becomes_the_lead_image_at_its_largest_rendition(
    tt: Article,
) -> None:
    caption = (
        "En stor internationell försvarsövning planeras 2023 med fokus på södra Sverige och "
        "Gotland. Arkivbild från militärövningen Aurora 17."
    )
    assert tt.image == Image(
        url="https://beta.tt.se/media/text/210526-militarovning-a0f2d045/a001_NormalHires.jpg",
        alt=caption,
        caption=caption,
        width=4724,
        height=3149,
        type="image/jpeg",
    )


def test_both_real_documents_are_recognised_as_ninjs() -> None:
    assert is_ninjs(load_ninjs("dpa_text.json"))
    assert is_ninjs(load_ninjs("tt_text_image_2.json"))
    assert not is_ninjs({"id": "a", "title": "t", "uri": "x"})


def test_ninjs_1_fields_are_read_too() -> None:
    article = from_ninjs(
        {
            "uri": "urn:example:1",
            "headline": "Head",
            "description_text": "Sum",
            "body_text": "Line one\nLine two",
            "firstcreated": "2025-07-30T09:00:00+09:00",
            "versioncreated": "2025-07-30T10:00:00+09:00",
            "subject": [{"name": "Politik", "code": "11000000"}, {"code": "no-name"}],
            "genre": [{"name": "Analysis"}],
            "associations": {
                "featureimage": {
                    "type": "picture",
                    "description_text": "A photo",
                    "renditions": {
                        "small": {"href": "https://img.example/s.jpg", "width": 100, "height": 50},
                        "big": {"href": "https://img.example/b.jpg", "width": 800, "height": 400},
                    },
                }
            },
        }
    )
    assert (article.title, article.summary) == ("Head", "Sum")
    assert article.body_html == "<p>Line one</p><p>Line two</p>"
    assert article.published.hour == 9 and article.updated.hour == 10
    assert [t.label for t in article.tags] == ["Politik"]
    assert article.section == Section(slug="analysis", label="Analysis")
    assert article.image is not None and article.image.url == "https://img.example/b.jpg"
    assert article.image.caption == "A photo"


def test_embargo_is_the_publish_time() -> None:
    raw = load_ninjs("dpa_text.json") | {"embargoed": "2019-05-11T06:00:00+02:00"}
    article = from_ninjs(raw)
    assert article.published == datetime(2019, 5, 11, 6, tzinfo=CEST)
    assert article.embargoed == article.published  # an embargo by intent
    # The version's own time, written before the embargo ends (never in the future).
    assert article.updated == datetime(2019, 5, 10, 16, 2, 28, tzinfo=CEST)


def test_an_embargo_without_a_version_time_is_refused_naming_it() -> None:
    raw = load_ninjs("dpa_text.json") | {"embargoed": "2019-05-11T06:00:00+02:00"}
    del raw["versioncreated"]
    with pytest.raises(InvalidArticle) as caught:
        from_ninjs(raw)
    assert caught.value.field.startswith("updated")
    assert "required for an embargoed record" in caught.value.reason


@pytest.mark.parametrize(
    ("pubstatus", "status"),
    [("usable", "published"), ("withheld", "withheld"), ("canceled", "withheld")],
)
def test_pubstatus_maps_to_status(pubstatus: str, status: str) -> None:
    assert from_ninjs(load_ninjs("dpa_text.json") | {"pubstatus": pubstatus}).status == status


def test_people_with_author_role_and_provider_are_used() -> None:
    raw = copy.deepcopy(load_ninjs("tt_text_image_2.json"))
    raw["people"].append({"name": "Anna Writer", "rel": "author"})
    raw["provider"] = {"name": "TT Nyhetsbyrån", "uri": "https://tt.se/"}
    article = from_ninjs(raw)
    assert article.authors == (Author(name="Anna Writer", slug="anna-writer"),)
    assert article.source == Source(
        name="TT Nyhetsbyrån", slug="tt-nyhetsbyran", url="https://tt.se/"
    )


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"type": "picture"}, "type", "only text, audio and video items"),
        ({"pubstatus": "gone"}, "pubstatus", "expected usable, withheld or canceled"),
        ({"versioncreated": "yesterday"}, "versioncreated", "cannot read 'yesterday' as a date"),
        ({"versioncreated": None}, "versioncreated", "required (or firstcreated)"),
        ({"uri": None}, "id (from guid)", "required, but missing"),
        ({"headlines": []}, "title (from headlines)", "required, but missing"),
        ({"headlines": "x"}, "headlines", "expected a list of objects"),
        ({"language": "deutsch"}, "language (from language)", "not a BCP 47 language tag"),
    ],
)
def test_bad_ninjs_names_the_ninjs_field(change: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(InvalidArticle) as caught:
        from_ninjs(load_ninjs("dpa_text.json") | change)
    assert caught.value.where == "wire.json"
    assert caught.value.field == field
    assert reason in caught.value.reason


@pytest.mark.parametrize("version", ["2.x", "3.x"])
@pytest.mark.parametrize(
    ("value", "described"),
    [
        (5, "a number (5)"),
        (1.5, "a number (1.5)"),
        (True, "true (true/false)"),
        (["usable"], "a list"),
        ({"name": "usable"}, "an object"),
    ],
)
@pytest.mark.parametrize("field", ["pubstatus", "type"])
def test_a_status_or_type_that_is_no_text_is_described_by_its_kind(
    field: str, value: object, described: str, version: str
) -> None:
    """`pubStatus: 5` is a number, not the text '5': the refusal says what was sent."""
    if version == "3.x":
        raw, name = (
            load_ninjs("3.0/tt_text_image_3.json"),
            {"pubstatus": "pubStatus"}.get(field, field),
        )
    else:
        raw, name = load_ninjs("dpa_text.json"), field
    with pytest.raises(InvalidArticle) as caught:
        from_ninjs(raw | {name: value})
    assert caught.value.field == name
    assert f"got {described}" in caught.value.reason, caught.value.reason


_WEB = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", None]
_NOT_SHOWN = ["image/tiff", "image/vnd.adobe.photoshop", "image/x-canon-cr2", "image/heic"]
_NOT_IMAGES = ["text/html", "application/pdf", "video/mp4"]


@pytest.mark.parametrize("web", _WEB)
@pytest.mark.parametrize("other", _NOT_SHOWN + _NOT_IMAGES)
@pytest.mark.parametrize("name", ["tt_text_image_2.json", "3.0/tt_text_image_3.json"])
def test_the_lead_image_is_the_largest_rendition_a_reader_can_show(
    name: str, web: str | None, other: str
) -> None:
    """A picture's original (a TIFF, a camera's raw file) is often its largest rendition, and
    no browser or feed reader shows it; a rendition that is not an image at all never is."""
    raw = load_ninjs(name)
    key = "contentType" if name.startswith("3.") else "contenttype"
    web_rendition = {"href": "https://img.example/web.jpg", "width": 1200, "height": 800}
    if web is not None:
        web_rendition[key] = web
    big = {"href": "https://img.example/original", "width": 6000, "height": 4000, key: other}
    raw["associations"] = [{"type": "picture", "renditions": [big, web_rendition]}]
    image = from_ninjs(raw).image
    assert image is not None
    assert (image.url, image.width, image.type) == ("https://img.example/web.jpg", 1200, web)


@pytest.mark.parametrize("other", _NOT_IMAGES)
def test_a_picture_without_a_rendition_that_is_an_image_has_no_lead_image(other: str) -> None:
    raw = load_ninjs("tt_text_image_2.json")
    rendition = {"href": "https://img.example/x", "width": 600, "height": 400, "contenttype": other}
    raw["associations"] = [{"type": "picture", "renditions": [rendition]}]
    assert from_ninjs(raw).image is None


def test_a_picture_only_in_a_type_readers_cannot_show_keeps_it() -> None:
    """Better the original than no picture at all, when it is the only image there is."""
    raw = load_ninjs("tt_text_image_2.json")
    rendition = {"href": "https://img.example/x.tif", "width": 600, "contenttype": "image/tiff"}
    raw["associations"] = [{"type": "picture", "renditions": [rendition]}]
    image = from_ninjs(raw).image
    assert image is not None and image.type == "image/tiff"
