"""Errors any API request can meet whatever its operation: a method the path does not take,
a rate limit, a request line or headers too large to read. Each is a 4xx problem document
that docs/openapi.json lists for every operation of the path (schemathesis sends undeclared
methods and checks the answer against the operation it fuzzes).

Found by fuzzing the running API from the document: TRACE (and BREW, PROPFIND, a lower-case
`get`) was a 501, a 5xx, undocumented; over `rate_limit` the API answered a text/plain 429
that the document did not list. By hand-made requests: a body with a Content-Encoding was
read as if it had none, and raw non-ASCII bytes in the URL named (and created) a garbled id.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.request_line import MAX_FIELD_BYTES, MAX_TARGET_BYTES
from tests.fixtures.api import ApiClient, _validate, api_client_for, openapi

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# RFC 9110 5.6.2 token characters: what a method may be made of.
TOKEN = st.text(alphabet=string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1)
# A request path of each documented path, and the path's template.
PATHS = {
    "/api/articles": "/api/articles",
    "/api/articles/batch": "/api/articles/batch",
    "/api/articles/jul-1": "/api/articles/{article_id}",
    "/api/articles/a/b": "/api/articles/{article_id}",
}


def _documented(template: str) -> dict[str, Any]:
    operations: dict[str, Any] = openapi()["paths"][template]
    return operations


def _assert_documented_everywhere(template: str, status: int, response: Any) -> None:
    """The answer is one every operation of the path documents: status, media type, body
    schema and required headers (whichever operation a fuzzer counted it against)."""
    assert response.mimetype == "application/problem+json", (template, response.status)
    body = response.get_json()
    assert body["status"] == status
    for method, operation in _documented(template).items():
        described = operation["responses"].get(str(status))
        assert described is not None, f"{method.upper()} {template}: {status} undocumented"
        _validate(body, described["content"]["application/problem+json"]["schema"])
        for header, spec in described.get("headers", {}).items():
            if spec.get("required"):
                assert header in response.headers, (method, template, status, header)


@FUZZ
@given(method=TOKEN, path=st.sampled_from(sorted(PATHS)))
def test_a_method_a_path_does_not_take_is_a_documented_405(
    api: ApiClient, method: str, path: str
) -> None:
    template = PATHS[path]
    documented = {m.upper() for m in _documented(template)}
    implicit = {"HEAD", "OPTIONS"} | ({"GET"} if "GET" in documented else set())
    if method in documented | implicit:
        return
    response = api.client.open(
        path, method=method, headers={"Authorization": f"Bearer {api.write_token}"}
    )
    assert response.status_code == 405, (method, path, response.status_code)
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed - {"HEAD", "OPTIONS"} == documented, (path, allowed)
    assert repr(method) in response.get_json()["detail"]
    assert response.headers["Cache-Control"] == "no-store"
    _assert_documented_everywhere(template, 405, response)


def test_trace_brew_and_lower_case_methods_under_api_are_405_never_501(api: ApiClient) -> None:
    for method in ("TRACE", "BREW", "PROPFIND", "CONNECT", "QUERY", "get", "post", "Put"):
        for path, template in PATHS.items():
            response = api.client.open(path, method=method)  # no token: the method first
            assert response.status_code == 405, (method, path, response.status_code)
            _assert_documented_everywhere(template, 405, response)
    assert api.get("/api/articles/batch").headers["Allow"] == "OPTIONS, POST"
    assert api.client.open("/api/articles/batch", method="TRACE").headers["Allow"] == (
        "OPTIONS, POST"
    )
    # No route at all under /api/: a 404 problem, whatever the method.
    response = api.client.open("/api/nothing-here", method="TRACE")
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")


def test_outside_the_api_an_unknown_method_is_still_501(api: ApiClient) -> None:
    assert api.client.open("/feeds/all.atom", method="TRACE").status_code == 501


def test_over_the_rate_limit_the_api_answers_a_documented_problem(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(site_url="https://news.example.com", rate_limit="3/minute")
    api = api_client_for(app)
    api.client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert [api.get("/api/articles").status_code for _ in range(3)] == [200, 200, 200]
    for path, template in PATHS.items():
        for method in [m.upper() for m in _documented(template)]:
            response = api.request(method, path, json={} if method != "GET" else None)
            assert response.status_code == 429, (method, path)
            assert 1 <= int(response.headers["Retry-After"]) <= 60
            detail = response.get_json()["detail"]
            assert "198.51.100.9 made more than 3 requests per minute" in detail
            assert f"Retry after {response.headers['Retry-After']} second" in detail
            _assert_documented_everywhere(template, 429, response)
    # The feeds keep their plain-text refusal, written before the app runs.
    feed = api.client.get("/feeds/all.atom")
    assert (feed.status_code, feed.mimetype) == (429, "text/plain")


def test_a_long_url_or_large_headers_are_documented_problems(api: ApiClient) -> None:
    for path, template in PATHS.items():
        long = api.client.get(path + "?x=" + "a" * MAX_TARGET_BYTES)
        assert long.status_code == 414
        assert "/api/openapi.json" in long.get_json()["detail"]  # not only "see / for feeds"
        _assert_documented_everywhere(template, 414, long)
        large = api.client.get(path, headers={"X-Large": "a" * MAX_FIELD_BYTES})
        assert large.status_code == 431
        _assert_documented_everywhere(template, 431, large)


_CODINGS = st.sampled_from(["gzip", "br", "deflate", "compress", "x-gzip", "zstd", "gzip, br"])


@FUZZ
@given(coding=_CODINGS, method=st.sampled_from(["PUT", "PATCH", "POST"]))
def test_a_body_with_a_content_coding_is_a_415_and_nothing_is_written(
    api: ApiClient, coding: str, method: str
) -> None:
    """A `Content-Encoding: gzip` record was read as if it had no coding (the bytes taken as
    they came: a compressed body is no JSON, and a plain one labelled gzip was stored)."""
    before = api.get("/api/articles/jul-1").get_json()
    path, body = {
        "PUT": ("/api/articles/jul-1", {"title": "새 제목", "published": "2025-07-01T09:00:00Z"}),
        "PATCH": ("/api/articles/jul-1", {"title": "새 제목"}),
        "POST": ("/api/articles/batch", {"articles": [{"id": "jul-1", "title": "새 제목"}]}),
    }[method]
    content_type = "application/merge-patch+json" if method == "PATCH" else "application/json"
    response = api.request(
        method,
        path,
        data=json.dumps(body),
        headers={"Content-Type": content_type, "Content-Encoding": coding},
    )
    assert response.status_code == 415, (method, coding, response.status_code)
    assert response.headers["Accept-Encoding"] == "identity"
    assert "Content-Encoding" in response.get_json()["detail"]
    assert api.get("/api/articles/jul-1").get_json() == before


def test_identity_is_no_content_coding(api: ApiClient) -> None:
    response = api.patch(
        "/api/articles/jul-1",
        data=json.dumps({"summary": "새 요약"}),
        headers={"Content-Type": "application/merge-patch+json", "Content-Encoding": "identity"},
    )
    assert response.status_code == 200


@FUZZ
@given(
    article_id=st.text(
        st.characters(min_codepoint=0x80, max_codepoint=0x2FFFF, exclude_categories=["Cs"]),
        min_size=1,
        max_size=6,
    )
)
def test_a_request_target_with_raw_non_ascii_bytes_is_a_400_and_creates_nothing(
    api: ApiClient, article_id: str
) -> None:
    """As a server hands such a target on: its bytes as Latin-1 (REQUEST_URI). Werkzeug's
    own server made `/api/articles/été` (raw UTF-8) the article `Ã©tÃ©`, and a raw 0xFF byte
    the article `aÿb`."""
    raw = "/api/articles/" + article_id.encode("utf-8").decode("latin-1")
    path = "/api/articles/" + quote(article_id, safe="")
    response = api.request(
        "PUT",
        path,
        json={"title": "제목", "published": "2025-07-01T09:00:00Z"},
        environ_overrides={"REQUEST_URI": raw, "RAW_URI": raw},
    )
    assert response.status_code == 400, (article_id, response.status_code)
    assert "percent-encode" in response.get_json()["detail"]
    assert api.get(path).status_code == 404  # sent percent-encoded, it names nothing stored


def test_options_on_an_api_path_is_a_204_with_allow_and_no_body(api: ApiClient) -> None:
    """Flask's own OPTIONS answer was a 200 with `Content-Type: text/html` and an empty
    body (found by hand-made requests): an answer no operation of the document describes."""
    token = {"Authorization": f"Bearer {api.write_token}"}
    for path, template in PATHS.items():
        response = api.client.options(path, headers=token)
        assert response.status_code == 204, path
        assert response.data == b"" and "Content-Type" not in response.headers, path
        assert response.headers["Cache-Control"] == "no-store"
        documented = {m.upper() for m in _documented(template)}
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allowed - {"HEAD", "OPTIONS"} == documented, (path, allowed)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/api/articles", "/api/articles/", "/api/articles/jul-1"])
def test_a_write_a_path_does_not_take_names_the_operation_that_makes_it(
    api: ApiClient, method: str, path: str
) -> None:
    """A write sent where the API does not take it (POST to the collection, as many APIs
    create there; POST to an article) is a 405 whose detail names the methods the path takes,
    in Allow's order, and where articles are written: PUT, PATCH and DELETE at the article's
    URL, POST to the batch. Before, the detail was the same generic sentence for every path,
    without the method."""
    response = api.client.open(
        path,
        method=method,
        json={"id": "x"},
        headers={"Authorization": f"Bearer {api.write_token}"},
    )
    if response.status_code != 405:
        return  # the article path takes PUT, PATCH and DELETE
    detail = response.get_json()["detail"]
    assert repr(method) in detail, detail
    assert response.headers["Allow"] in detail, detail
    assert "PUT /api/articles/{id}" in detail and "POST /api/articles/batch" in detail, detail
