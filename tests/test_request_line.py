"""The request line as HTTP defines it, under any WSGI server (feeds.request_line).

A method no route implements is 501 (RFC 9110 15.6.2), one implemented elsewhere the route's
405 with Allow (under /api/ both are a 405, as the API's document says:
tests/test_api_request_errors.py); methods are case-sensitive (`get` is not GET: it was
served as GET, and `BREW` was a 405). `OPTIONS *` asks about the server (it was a 404). An
HTTP/1.0 request may go without Host, also as Granian presents one (`HTTP/1`, an empty Host):
it was a 400.
"""

from __future__ import annotations

import string
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.request_line import (
    MAX_FIELD_BYTES,
    MAX_HEADER_BYTES,
    MAX_TARGET_BYTES,
    implemented_methods,
)

# RFC 9110 5.6.2 token characters: what a method may be made of.
TOKEN = st.text(alphabet=string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1)
PLACES = ["/feeds/all.atom", "/", "/section/world", "/robots.txt"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(method=TOKEN, path=st.sampled_from(PLACES))
def test_a_method_no_route_implements_is_501_and_others_are_not(
    app: Flask, method: str, path: str
) -> None:
    response = app.test_client().open(path, method=method)
    if method in implemented_methods(app):
        assert response.status_code != 501
        return
    assert response.status_code == 501, (method, path)
    said = response.get_json()["detail"] if response.is_json else response.get_data(as_text=True)
    assert repr(method) in said
    assert "GET" in said


def test_a_method_implemented_elsewhere_is_405_with_allow(client: FlaskClient) -> None:
    response = client.put("/feeds/all.atom")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_the_implemented_methods_are_the_routes(app: Flask) -> None:
    assert implemented_methods(app) == ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]


def test_options_asterisk_lists_every_method(app: Flask) -> None:
    response = app.test_client().options("/x", environ_overrides={"PATH_INFO": "*"})
    assert response.status_code == 200
    assert response.headers["Allow"] == ", ".join(implemented_methods(app))


def test_the_asterisk_with_another_method_is_a_400_saying_so(app: Flask) -> None:
    response = app.test_client().get("/x", environ_overrides={"PATH_INFO": "*"})
    assert response.status_code == 400
    assert "only for OPTIONS" in response.get_data(as_text=True)


def test_http_1_0_without_host_as_granian_presents_it(make_app: Callable[..., Flask]) -> None:
    response = (
        make_app()
        .test_client()
        .get(
            "/feeds/all.atom",
            environ_overrides={
                "SERVER_PROTOCOL": "HTTP/1",
                "HTTP_HOST": "",
                "SERVER_NAME": "feeds",
            },
        )
    )
    assert response.status_code == 200
    assert b'href="http://feeds/feeds/all.atom" rel="self"' in response.data


def test_http_1_1_with_an_empty_host_stays_a_400(client: FlaskClient) -> None:
    response = client.get("/feeds/all.atom", environ_overrides={"HTTP_HOST": ""})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/feeds/all.atom", "/", "/api/articles"])
def test_a_url_past_the_limit_is_414_saying_what_to_do(client: FlaskClient, path: str) -> None:
    at_limit = path + "?x=" + "a" * (MAX_TARGET_BYTES - len(path) - 3)
    assert client.get(at_limit).status_code != 414
    response = client.get(at_limit + "a")
    assert response.status_code == 414
    said = response.get_json()["detail"] if response.is_json else response.get_data(as_text=True)
    assert f"at most {MAX_TARGET_BYTES:,}" in said


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Long": "b" * MAX_FIELD_BYTES},
        {f"X-H{i}": "v" * 1000 for i in range(MAX_HEADER_BYTES // 1000 + 1)},
    ],
)
def test_headers_past_the_limit_are_431_saying_what_to_do(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.get("/feeds/all.atom", headers=headers)
    assert response.status_code == 431
    assert "at most" in response.get_data(as_text=True)
    assert client.get("/feeds/all.atom", headers={"X-Short": "b" * 8000}).status_code == 200
