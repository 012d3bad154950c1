"""Article ids: one spelling per id (NFC, as all text), and none that no link could reach.

Found: `e` + U+0301 and `é` were two articles at two addresses (a re-sent story duplicated);
the ids `.` and `..` were accepted though every browser, reader and proxy removes such a path
segment from `/articles/<id>` (RFC 3986 5.2.4), so their page links led to `/articles/` or `/`.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping
from tests.fixtures.api import ApiClient, record

SEOUL = ZoneInfo("Asia/Seoul")


def build(**fields: Any) -> Any:
    return article_from_mapping(
        {"id": "a1", "title": "T", "published": "2025-07-30", **fields},
        where="wire.json: record 1",
        zone=SEOUL,
        default_language="ko",
    )


# Letters with and without combining marks, in any script: their NFC and NFD spellings differ.
ID_TEXT = st.text(
    st.characters(categories=["Ll", "Lu", "Lo", "Mn", "Nd"]), min_size=1, max_size=30
).filter(lambda t: unicodedata.category(t[0]) != "Mn")


@example(text="café")
@example(text="한국")  # Hangul syllables decompose into jamo in NFD
@settings(max_examples=200, deadline=None)
@given(text=ID_TEXT)
def test_every_normalisation_form_of_an_id_names_one_article(text: str) -> None:
    forms = {unicodedata.normalize(form, text) for form in ("NFC", "NFD")}
    try:
        ids = {build(id=form).id for form in forms}
    except InvalidArticle as exc:  # refused alike in every form, naming the field
        assert exc.field == "id"
        return
    assert ids == {unicodedata.normalize("NFC", text)}


@pytest.mark.parametrize(
    "bad",
    [".", "..", "a/../b", "../../etc", "x/.", "./x", "a/./b", "/..", "a/.."],
)
def test_dot_segment_ids_are_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(InvalidArticle) as caught:
        build(id=bad)
    assert caught.value.field == "id"
    assert "path segment" in caught.value.reason and "cannot name a page" in caught.value.reason
    with pytest.raises(InvalidArticle) as caught:
        build(translations=[bad])
    assert caught.value.field == "translations[0].id"


@pytest.mark.parametrize("fine", ["...", ".a", "a.", "a..b", "index.html", "a/b", "%41", "CON"])
def test_other_ids_with_dots_slashes_or_percent_stay_as_given(fine: str) -> None:
    assert build(id=fine).id == fine


def test_the_api_reads_an_id_in_the_url_in_nfc(api: ApiClient) -> None:
    nfd = unicodedata.normalize("NFD", "café-한국")
    nfc = unicodedata.normalize("NFC", nfd)
    created = api.put(f"/api/articles/{quote(nfd, safe='')}", json=record(id=nfd))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["record"]["id"] == nfc
    for spelling in (nfd, nfc):
        response = api.get(f"/api/articles/{quote(spelling, safe='')}")
        assert response.status_code == 200
        assert response.get_json()["id"] == nfc
    again = api.put(f"/api/articles/{quote(nfc, safe='')}", json=record(id=nfd))
    assert again.status_code == 200  # the same article, not a second one
    assert api.store.get(nfd) is None and api.store.get(nfc) is not None


@settings(max_examples=100, deadline=None)
@given(slug=st.from_regex(r"\A[a-z0-9](?:[a-z0-9_-]{0,20}[a-z0-9])?\Z"), data=st.data())
def test_a_slug_written_in_any_case_is_its_lower_case(slug: str, data: st.DataObject) -> None:
    # `{"slug": "World"}` was refused as "not a slug".
    written = "".join(data.draw(st.sampled_from([c, c.upper()])) for c in slug)
    article = build(
        slug=written,
        section={"slug": written, "label": "L"},
        tags=[{"slug": written, "label": "L"}],
        authors=[{"name": "N", "slug": written}],
        source={"name": "S", "slug": written},
    )
    assert article.slug == slug
    assert article.section is not None and article.section.slug == slug
    assert article.tags[0].slug == slug and article.authors[0].slug == slug
    assert article.source is not None and article.source.slug == slug


_SEGMENT = st.sampled_from(["a", "기사", ".", "..", "", "b.c", "...", "%2E", "x"])


@settings(max_examples=120, deadline=None)
@given(segments=st.lists(_SEGMENT, min_size=1, max_size=4))
def test_an_id_is_taken_only_if_its_page_path_keeps_every_segment(
    segments: list[str],
) -> None:
    """The rule behind `.`/`..` (found again as `a/../b`, `x/.`, `../../etc`, accepted with
    pages no link reached): an id split at `/` is taken only when no segment is `.` or `..`,
    the segments browsers and servers remove (RFC 3986 5.2.4). Empty ones stay (a wire
    service's `http://...` id)."""
    text = "/".join(segments)
    reachable = bool(text) and all(segment not in (".", "..") for segment in segments)
    try:
        article = build(id=text)
    except InvalidArticle as exc:
        assert not reachable, (text, exc.reason)
        assert exc.field == "id"
        return
    assert reachable and article.id == text


@pytest.mark.parametrize("bad", ["a/../b", "x/.", "../../etc"])
def test_the_api_refuses_such_an_id_before_writing(api: ApiClient, bad: str) -> None:
    answer = api.put(f"/api/articles/{quote(bad, safe='')}", json=record())
    assert answer.status_code == 404
    assert "cannot be an article id" in answer.get_json()["detail"]
    assert api.store.get(bad) is None


@pytest.mark.parametrize("fine", ["desk/2025/a1", "http://tt.se/media/text/a-1", "a//b", "a/"])
def test_an_id_with_slashes_has_a_page_its_link_reaches(api: ApiClient, fine: str) -> None:
    created = api.put(f"/api/articles/{quote(fine, safe='')}", json=record())
    assert created.status_code == 201, created.get_json()
    assert api.client.get(f"/articles/{quote(fine, safe='')}").status_code == 200


@pytest.mark.parametrize("char", ["\n", "\r", "\u2028"])
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_an_id_with_a_line_break_is_asked_for_a_token_then_refused_as_an_id(
    api: ApiClient, char: str, method: str
) -> None:
    """Every article id reaches the API's own rules, whatever characters it holds: `\\n` was
    routed nowhere (the route's `.` stops at a line break), so a request with no token got a
    404 "no such API resource" instead of the 401 every other id gets."""
    path = f"/api/articles/{quote(f'a{char}b', safe='')}"
    body = {"json": record()} if method in ("PUT", "PATCH") else {}
    assert api.request(method, path, token=None, **body).status_code == 401
    answer = api.request(method, path, **body)
    assert answer.status_code == 404, answer.get_json()
    assert "No such API resource" not in answer.get_json()["detail"]
