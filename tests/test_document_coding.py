"""Every text document the app serves is negotiated, compressed and validated as the feeds are.

The index, facet and article pages, the OPML lists, robots.txt, the sitemaps and the static
files go through the feeds' own answer (`feeds.responses.document_response`): the content coding
from `Accept-Encoding` with q-values (`choose_encoding`), `Vary: Accept-Encoding`, a strong
ETag per coding (`"x"`, `"x-gz"`, `"x-br"`, any of them answered with 304), and bytes
compressed once per document by `feeds.cache.compress` (what the static export writes beside
each file). Only the sample images go as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds import cache as cache_module
from feeds.cache import compress
from feeds.negotiation import choose_encoding, identity_acceptable
from tests.fixtures.http import decoded

FEED = "/feeds/all.atom"
DOCUMENTS = (
    "/",
    "/section/asia",
    "/tag/japan",
    "/lang/en",
    "/articles/aug-1",
    "/feeds.opml",
    "/feeds.opml?format=json",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemaps/articles-2025-07.xml",
    "/static/feeds.css",
    "/static/feed.xsl",
)
IMAGE = "/samples/images/cho-hyun-tokyo.png"


def opaque(etag: str) -> str:
    return re.sub(r"-(gz|br)$", "", etag.strip('"'))


codings = st.sampled_from(["gzip", "x-gzip", "br", "identity", "*", "deflate", "GZIP", "Br"])
qualities = st.sampled_from(["", ";q=0", ";q=0.5", ";q=1", ";q=0.001", ";q=nonsense"])
accept_encodings = st.lists(st.tuples(codings, qualities), max_size=4).map(
    lambda items: ", ".join(f"{coding}{q}" for coding, q in items)
)


@pytest.mark.parametrize("path", DOCUMENTS)
@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_every_text_document_is_compressed_when_asked(
    client: FlaskClient, path: str, coding: str
) -> None:
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    packed = client.get(path, headers={"Accept-Encoding": coding})
    assert plain.status_code == packed.status_code == 200, path
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == coding
    assert decoded(packed.data, coding) == plain.data
    # The bytes the static export writes beside the document (feeds.cache.compress).
    assert packed.data == compress(plain.data, coding)
    suffix = {"gzip": "-gz", "br": "-br"}[coding]
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + suffix + '"'
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Content-Type"].endswith("charset=utf-8")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(DOCUMENTS), accept_encoding=accept_encodings)
def test_documents_choose_their_coding_by_the_feeds_rule(
    client: FlaskClient, path: str, accept_encoding: str
) -> None:
    """Any Accept-Encoding (q-values, `*`, `q=0`, unknown codings) gets the coding a feed gets
    for it, and the tag of any coding of the document revalidates it."""
    response = client.get(path, headers={"Accept-Encoding": accept_encoding})
    feed = client.get(FEED, headers={"Accept-Encoding": accept_encoding})
    expected = choose_encoding(accept_encoding)
    if expected is None and not identity_acceptable(accept_encoding):
        # Identity refused and no coding the site has named (RFC 9110 12.5.3).
        for refused in (response, feed):
            assert refused.status_code == 406
            assert "Accept-Encoding" in refused.headers["Vary"]
            assert "allow gzip, br or identity" in refused.get_data(as_text=True)
        return
    assert response.headers.get("Content-Encoding") == expected
    assert feed.headers.get("Content-Encoding") == expected
    tag = opaque(response.headers["ETag"])
    for other in ("", "-gz", "-br"):
        again = client.get(
            path, headers={"Accept-Encoding": accept_encoding, "If-None-Match": f'"{tag}{other}"'}
        )
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == response.headers["ETag"]
        assert "Accept-Encoding" in again.headers["Vary"]
    head = client.head(path, headers={"Accept-Encoding": accept_encoding})
    assert head.headers["ETag"] == response.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(response.data))


def test_each_document_is_compressed_once(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, str]] = []
    real = cache_module.compress

    def counting(body: bytes, encoding: str) -> bytes:
        calls.append((len(body), encoding))
        return real(body, encoding)

    monkeypatch.setattr(cache_module, "compress", counting)
    for _ in range(3):
        for path in DOCUMENTS:
            for coding in ("gzip", "br"):
                assert client.get(path, headers={"Accept-Encoding": coding}).status_code == 200
    assert len(calls) == 2 * len(DOCUMENTS)


def test_a_page_is_rendered_once_per_version(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    client = app.test_client()
    cache = app.extensions["feeds.cache"]
    first = client.get("/")
    misses = cache.misses
    second = client.get("/", headers={"Accept-Encoding": "br"})
    assert cache.misses == misses and first.headers["ETag"] != second.headers["ETag"]


def test_the_sample_images_go_as_they_are(client: FlaskClient) -> None:
    response = client.get(IMAGE, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
