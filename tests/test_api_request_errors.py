"""Errors any API request can meet whatever its operation: a method the path does not take,
a rate limit, a request line or headers too large to read. Each is a 4xx problem document
that docs/openapi.json lists for every operation of the path (schemathesis sends undeclared
methods and checks the answer against the operation it fuzzes).

Found by fuzzing the running API from the document: TRACE (and BREW, PROPFIND, a lower-case
`get`) was a 501, a 5xx, undocumented; over `rate_limit` the API answered a text/plain 429
that the document did not list.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

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
        _assert_documented_everywhere(template, 414, long)
        large = api.client.get(path, headers={"X-Large": "a" * MAX_FIELD_BYTES})
        assert large.status_code == 431
        _assert_documented_everywhere(template, 431, large)
