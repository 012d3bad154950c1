"""A 204 or 304 carries no body and no header describing one (RFC 9110 6.4.1, 15.3.5, 15.4.5).

The rule lives app-wide (feeds._without_content_headers), so it is tested on every route that
answers 204 or 304 and on routes made here the ways a view can build a 204.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, Response
from werkzeug.test import TestResponse

from tests.fixtures.api import ApiClient

CONTENT_HEADERS = ("Content-Type", "Content-Length", "Content-Encoding")


def _assert_no_content(response: TestResponse, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.data == b""
    present = [name for name in CONTENT_HEADERS if name in response.headers]
    assert present == [], f"{status} sent {present}: {dict(response.headers)}"


def test_deleting_an_article_is_204_without_a_content_type(api: ApiClient) -> None:
    _assert_no_content(api.delete("/api/articles/aug-2"), 204)


def test_an_unchanged_article_is_304_without_a_content_type(api: ApiClient) -> None:
    etag = api.get("/api/articles/aug-1", token="read").headers["ETag"]
    again = api.get("/api/articles/aug-1", token="read", headers={"If-None-Match": etag})
    _assert_no_content(again, 304)
    assert again.headers["ETag"] == etag  # a 304 keeps its validators


@pytest.mark.parametrize("path", ["/feeds/all.atom", "/feeds/all.json", "/", "/sitemap.xml"])
@pytest.mark.parametrize("encoding", [None, "gzip", "br"])
def test_every_unchanged_public_document_is_304_without_content_headers(
    api: ApiClient, path: str, encoding: str | None
) -> None:
    headers = {"Accept-Encoding": encoding} if encoding else {}
    first = api.client.get(path, headers=headers)
    assert first.status_code == 200 and "ETag" in first.headers
    again = api.client.get(path, headers={**headers, "If-None-Match": first.headers["ETag"]})
    _assert_no_content(again, 304)


def _route(app: Flask, path: str, view: Callable[[], object]) -> None:
    app.add_url_rule(path, path, view, methods=["GET", "POST", "DELETE"])


@pytest.mark.parametrize(
    "answer",
    [
        lambda: Response(status=204),
        lambda: ("", 204),
        lambda: Response("left over", 204, mimetype="text/html"),
        lambda: Response(status=304, headers={"Content-Type": "application/json"}),
    ],
    ids=["Response(status=204)", "tuple", "204-with-body", "304-with-type"],
)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_any_view_answering_204_or_304_sends_no_content_headers(
    make_app: Callable[..., Flask], answer: Callable[[], object], method: str
) -> None:
    app = make_app()
    _route(app, "/made-here", answer)  # before the app's first request
    response = app.test_client().open("/made-here", method=method)
    _assert_no_content(response, response.status_code)
    assert response.status_code in (204, 304)


def test_a_200_keeps_its_content_type(api: ApiClient) -> None:
    response = api.get("/api/articles/aug-1", token="read")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/")
