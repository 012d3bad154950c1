"""The API's conditional headers, compared as RFC 9110 section 13.1 says, whatever their form.

If-Match compares strongly (a `W/` tag never matches), If-None-Match weakly (`W/"x"` matches
`"x"`, on a GET as on a write; `*` matches any current version). A header that holds no
entity tag at all is a 400 saying how to write one, never a 412 that says the article
changed (found: `If-Match:` empty or `"` was answered "changed since that version was read",
and `If-None-Match: W/"<current>"` on GET was a 200).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.api import ApiClient, openapi, record

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# A header as a list of members: the current tag or another one, strong or weak.
members = st.lists(
    st.tuples(st.sampled_from(["current", "other"]), st.booleans()), min_size=1, max_size=4
)
spacing = st.sampled_from([", ", ",", " , ", ",\t"])


def _header(parts: list[tuple[str, bool]], current: str, sep: str) -> str:
    tags = [
        ("W/" if weak else "") + (current if which == "current" else '"x9"')
        for which, weak in parts
    ]
    return sep.join(tags)


def _current(api: ApiClient, article_id: str) -> str:
    response = api.get(f"/api/articles/{article_id}")
    assert response.status_code == 200
    return str(response.headers["ETag"])


@FUZZ
@given(parts=members, sep=spacing)
def test_if_none_match_on_get_compares_weakly(
    api: ApiClient, parts: list[tuple[str, bool]], sep: str
) -> None:
    current = _current(api, "jul-1")
    header = _header(parts, current, sep)
    response = api.get("/api/articles/jul-1", headers={"If-None-Match": header})
    expected = 304 if any(which == "current" for which, _weak in parts) else 200
    assert response.status_code == expected, header
    assert response.headers["ETag"] == current


@FUZZ
@given(parts=members, sep=spacing)
def test_if_match_on_a_write_compares_strongly(
    api: ApiClient, parts: list[tuple[str, bool]], sep: str
) -> None:
    current = _current(api, "jul-1")
    header = _header(parts, current, sep)
    response = api.patch(
        "/api/articles/jul-1",
        json={"summary": f"요약 {len(header)} {sep!r}"},
        headers={"If-Match": header, "Content-Type": "application/merge-patch+json"},
    )
    matches = any(which == "current" and not weak for which, weak in parts)
    assert response.status_code == (200 if matches else 412), header


@FUZZ
@given(parts=members, sep=spacing)
def test_if_none_match_on_a_write_compares_weakly(
    api: ApiClient, parts: list[tuple[str, bool]], sep: str
) -> None:
    current = _current(api, "jul-1")
    header = _header(parts, current, sep)
    response = api.put(
        "/api/articles/jul-1",
        json=record(summary=f"요약 {len(header)} {sep!r}"),
        headers={"If-None-Match": header},
    )
    excluded = any(which == "current" for which, _weak in parts)
    assert response.status_code == (412 if excluded else 200), header


def test_if_none_match_star_on_get_is_a_304(api: ApiClient) -> None:
    assert api.get("/api/articles/jul-1", headers={"If-None-Match": "*"}).status_code == 304


@given(header=st.sampled_from(["", " ", '"', ",", ", ,", '"a" "b"']))
@FUZZ
def test_a_header_without_an_entity_tag_is_a_400_saying_how(api: ApiClient, header: str) -> None:
    for name, method in (("If-Match", "PATCH"), ("If-None-Match", "PUT"), ("If-None-Match", "GET")):
        response = api.request(
            method,
            "/api/articles/jul-1",
            json=record() if method == "PUT" else ({"summary": "s"} if method == "PATCH" else None),
            headers={name: header}
            | ({"Content-Type": "application/merge-patch+json"} if method == "PATCH" else {}),
        )
        assert response.status_code == 400, (name, method, header)
        assert "entity tag" in response.get_json()["detail"]


_HEADER_TEXT = st.text(st.sampled_from(['"', "W", "/", ",", " ", "*", "a", "é", "\t"]), max_size=8)


@FUZZ
@given(
    header=st.one_of(
        _HEADER_TEXT,
        st.tuples(members, spacing, _HEADER_TEXT),
    ),
    name=st.sampled_from(["If-Match", "If-None-Match"]),
)
def test_the_documented_pattern_is_what_the_api_reads(
    api: ApiClient, header: object, name: str
) -> None:
    """The OpenAPI document gives both headers the pattern of `*` or a list of entity tags
    (RFC 9110 8.8.3, 13.1), and the API refuses exactly what it does not match: `"a", words`
    was read as `"a"`, and the document said any string (schemathesis: `If-Match:` empty
    sent as schema-valid and refused)."""
    if isinstance(header, tuple):
        parts, sep, tail = header
        header = _header(parts, '"x1"', sep) + (sep + tail if tail.strip() else "")
    assert isinstance(header, str)
    operation = openapi()["paths"]["/api/articles/{article_id}"]["get"]
    documented = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "header"}
    assert set(documented) == {"If-None-Match"}
    for each in openapi()["paths"]["/api/articles/{article_id}"].values():
        for parameter in each.get("parameters", []):
            if parameter["in"] == "header":
                assert parameter["schema"] == documented["If-None-Match"]
    pattern = documented["If-None-Match"]["pattern"]
    sent = header.strip(" \t")  # as a server receives a field value (RFC 9110 5.5)
    response = api.get("/api/articles/jul-1", headers={"If-None-Match": header})
    if name == "If-Match":
        response = api.patch(
            "/api/articles/jul-1",
            json={"summary": f"요약 {header!r}"},
            headers={"If-Match": header, "Content-Type": "application/merge-patch+json"},
        )
    valid = re.fullmatch(pattern, sent) is not None
    assert (response.status_code == 400) == (not valid), (name, header, response.status_code)


@given(header=st.sampled_from(["", '"', "0", '"a" "b"', '"a", words']))
@FUZZ
def test_a_malformed_if_none_match_is_400_before_the_article_is_looked_up(
    api: ApiClient, header: str
) -> None:
    """The header is the request's own error, whatever the article's state: a deleted article
    answered 410 and a missing one 404 to `If-None-Match:` empty (schemathesis, negative)."""
    api.put("/api/articles/gone-1", json=record())
    api.delete("/api/articles/gone-1")
    for article_id in ("jul-1", "gone-1", "never-1"):
        response = api.get(f"/api/articles/{article_id}", headers={"If-None-Match": header})
        assert response.status_code == 400, (article_id, header)


# Whitespace a client may put around a field's value (RFC 9110 5.5, OWS): not part of it.
_OWS = st.text(st.sampled_from([" ", "\t"]), max_size=3)


@FUZZ
@given(before=_OWS, after=_OWS)
def test_a_star_with_whitespace_around_it_is_a_star(
    api: ApiClient, before: str, after: str
) -> None:
    """`*` is `*` whatever whitespace surrounds it. `If-Match: *` and a tab (schemathesis,
    stateful) was read as the entity tag "*": a 412 "changed since that version was read" for
    an existing article; and `If-None-Match: * ` let a create-only PUT replace one."""
    star = before + "*" + after
    stored = api.get("/api/articles/jul-1").get_json()["record"]
    response = api.put("/api/articles/jul-1", json=record(), headers={"If-None-Match": star})
    assert response.status_code == 412, repr(star)
    assert api.get("/api/articles/jul-1").get_json()["record"] == stored
    response = api.patch(
        "/api/articles/jul-1",
        json={"summary": f"요약 {star!r}"},
        headers={"If-Match": star, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, repr(star)
    assert api.get("/api/articles/jul-1", headers={"If-None-Match": star}).status_code == 304
    response = api.put("/api/articles/never-1", json=record(), headers={"If-Match": star})
    assert response.status_code == 412, repr(star)


@FUZZ
@given(parts=members, sep=spacing, before=_OWS, after=_OWS)
def test_entity_tags_with_whitespace_around_the_list_compare_as_without(
    api: ApiClient, parts: list[tuple[str, bool]], sep: str, before: str, after: str
) -> None:
    current = _current(api, "jul-1")
    header = before + _header(parts, current, sep) + after
    response = api.patch(
        "/api/articles/jul-1",
        json={"summary": f"요약 {header!r}"},
        headers={"If-Match": header, "Content-Type": "application/merge-patch+json"},
    )
    matches = any(which == "current" and not weak for which, weak in parts)
    assert response.status_code == (200 if matches else 412), repr(header)
