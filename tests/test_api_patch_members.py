"""A merge patch names only members the record can hold, at every depth.

`{"section": {"lable": null}}` was a 200 that removed nothing: RFC 7396 makes a null for an
absent member a no-op, so the typo of `label` vanished before the validator saw the record,
while `{"lable": null}` at the top level was already a 422 with "did you mean". The rule is
one for every object a record holds: a member that is not one of the object's members is a
422 naming its path, null or not, whatever the stored article holds there. The oracle is the
OpenAPI document's schema of each object (`RecordSection`, `RecordImage`, ...).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.api import ApiClient, openapi, record

_IDS = itertools.count()
FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# The record's object fields a merge patch merges into (list items are replaced whole).
_OBJECTS = {
    "section": "RecordSection",
    "image": "RecordImage",
    "source": "RecordSource",
    "episode": "RecordEpisode",
}
_RICH = record(
    image={"url": "https://news.example.com/a.jpg", "alt": "사진", "caption": "설명"},
    source={"name": "AA", "slug": "aa", "url": "https://aa.com.tr/"},
    media=[{"url": "https://news.example.com/a.mp3", "length": 1000, "type": "audio/mpeg"}],
    episode={"season": 1, "number": 2, "type": "full"},
)


def _members(field: str) -> list[str]:
    return list(openapi()["components"]["schemas"][_OBJECTS[field]]["properties"])


def _patch(api: ApiClient, article_id: str, patch: Any) -> Any:
    return api.patch(
        f"/api/articles/{article_id}",
        data=json.dumps(patch),
        headers={"Content-Type": "application/merge-patch+json"},
    )


_NAMES = st.one_of(
    st.sampled_from(
        [
            "lable",
            "label",
            "slug",
            "slg",
            "url",
            "urll",
            "alt",
            "name",
            "nmae",
            "season",
            "seasn",
            "type",
            "x-note",
            "Label",
            "",
            "explicit",
        ]
    ),  # fmt: skip
    st.text(st.sampled_from("abelsx-_"), min_size=1, max_size=5),
)


@FUZZ
@given(field=st.sampled_from(sorted(_OBJECTS)), name=_NAMES, null=st.booleans())
def test_a_member_inside_a_patched_object_is_one_the_object_has(
    api: ApiClient, field: str, name: str, null: bool
) -> None:
    article_id = f"m-{next(_IDS)}"
    assert api.put(f"/api/articles/{article_id}", json=_RICH).status_code == 201
    before = api.get(f"/api/articles/{article_id}").get_json()["record"]
    response = _patch(api, article_id, {field: {name: None if null else "x"}})
    path = f"{field}.{name}"
    if name in _members(field):
        refused = [e for e in response.get_json().get("errors", []) if e["field"] == path]
        assert not any("unknown" in e["reason"] for e in refused), response.get_json()
        return
    assert response.status_code == 422, (path, response.get_json())
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == [path], errors
    assert errors[0]["reason"].startswith("unknown field"), errors
    assert api.get(f"/api/articles/{article_id}").get_json()["record"] == before


def test_a_typo_inside_an_object_says_what_was_meant(api: ApiClient) -> None:
    assert api.put("/api/articles/typo", json=_RICH).status_code == 201
    response = _patch(api, "typo", {"section": {"lable": None}, "image": {"atl": None}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "section.lable", "reason": "unknown field (did you mean 'label'?)"},
        {"field": "image.atl", "reason": "unknown field (did you mean 'alt'?)"},
    ]


def test_an_object_absent_from_the_stored_article_follows_the_same_rule(api: ApiClient) -> None:
    """The rule is the record's, not the stored value's: no image stored, `image.urll` is
    named too (before, only what the merged image lacked, `image.url`, was)."""
    assert api.put("/api/articles/plain", json=record()).status_code == 201
    response = _patch(api, "plain", {"image": {"urll": "https://news.example.com/b.jpg"}})
    assert response.status_code == 422
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert fields == ["image.urll"], fields


def test_members_named_right_still_merge(api: ApiClient) -> None:
    assert api.put("/api/articles/merge", json=_RICH).status_code == 201
    response = _patch(api, "merge", {"section": {"label": "세계"}, "image": {"caption": None}})
    assert response.status_code == 200, response.get_json()
    stored = response.get_json()["record"]
    assert stored["section"] == {"slug": "asia", "label": "세계"}
    assert "caption" not in (stored["image"] or {}) or stored["image"]["caption"] in (None, "")


_ITEMS = {
    "tags": "RecordTag",
    "authors": "RecordAuthor",
    "related": "RecordLink",
    "media": "RecordMedia",
    "translations": "RecordTranslation",
}


def test_the_document_names_each_objects_members_for_a_patch() -> None:
    """The patch's schema names, for each object field (and each list field's items, which a
    patch replaces whole), the members the record's schema gives that object."""
    operation = openapi()["paths"]["/api/articles/{article_id}"]["patch"]
    schema = operation["requestBody"]["content"]["application/merge-patch+json"]["schema"]
    objects = openapi()["components"]["schemas"]
    for field, name in {**_OBJECTS, **_ITEMS}.items():
        names = schema["properties"][field]["propertyNames"]["enum"]
        assert names == list(objects[name]["properties"]), field
