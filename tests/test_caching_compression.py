"""Cache-Control, content coding by Accept-Encoding, and the bounded render cache."""

from __future__ import annotations

import gzip
import random
import threading
from collections.abc import Callable

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import example, given, settings
from hypothesis import strategies as st

from feeds import cache as cache_module
from feeds.cache import RenderCache, brotli_window, compress
from feeds.negotiation import choose_encoding

FEED = "/feeds/all.atom"


def test_live_feed_cache_control_comes_from_the_settings(make_app: Callable[..., Flask]) -> None:
    app = make_app(cache_max_age=120, stale_while_revalidate=30, stale_if_error=600)
    response = app.test_client().get(FEED)
    assert response.headers["Cache-Control"] == (
        "public, max-age=120, stale-while-revalidate=30, stale-if-error=600"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("identity", None),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("br", "br"),
        ("gzip, br", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip;q=0.8, br;q=0.8", "br"),
        ("*", "br"),
        ("*;q=0", None),  # and identity_acceptable is False: 406
        ("*, br;q=0", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("deflate, compress", None),
        ("GZIP;Q=1", "gzip"),
        ("br;q=nonsense, gzip", "gzip"),
        ("br;q=2, gzip;q=0.1", "gzip"),
        (" , ;;, br", "br"),
        ("gzip;q=0.5, identity", None),
        ("br;q=0.3, gzip;q=0.2, identity;q=0.5", None),
        ("identity;q=0.5, gzip", "gzip"),
        ("*;q=0.5", "br"),
        ("identity;q=0, gzip;q=0.5", "gzip"),
    ],
)
def test_choose_encoding_honours_q_values_and_prefers_brotli_on_ties(
    header: str, expected: str | None
) -> None:
    assert choose_encoding(header) == expected


@pytest.mark.parametrize(
    ("accept_encoding", "coding", "decode"),
    [("gzip", "gzip", gzip.decompress), ("br, gzip", "br", brotli.decompress)],
)
def test_compressed_response_decodes_to_the_identity_bytes(
    client: FlaskClient, accept_encoding: str, coding: str, decode: Callable[[bytes], bytes]
) -> None:
    plain = client.get(FEED)
    packed = client.get(FEED, headers={"Accept-Encoding": accept_encoding})
    assert packed.headers["Content-Encoding"] == coding
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    assert decode(packed.data) == plain.data
    # Accept and the navigation headers too: browsers get the HTML preview (feeds.preview).
    assert packed.headers["Vary"] == (
        "Accept, Accept-Encoding, Sec-Fetch-Dest, Sec-Fetch-Mode, Upgrade-Insecure-Requests"
    )


def test_identity_response_has_no_content_encoding(client: FlaskClient) -> None:
    response = client.get(FEED, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data.startswith(b"<?xml")


def test_gzip_bytes_are_deterministic() -> None:
    body = b"<feed>" + b"x" * 5000 + b"</feed>"
    assert compress(body, "gzip") == compress(body, "gzip")
    assert gzip.decompress(compress(body, "gzip")) == body


def test_each_variant_is_compressed_once_per_document(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = cache_module.compress

    def counting(body: bytes, encoding: str) -> bytes:
        calls.append(encoding)
        return real(body, encoding)

    monkeypatch.setattr(cache_module, "compress", counting)
    for _ in range(3):
        client.get(FEED, headers={"Accept-Encoding": "br"})
        client.get(FEED, headers={"Accept-Encoding": "gzip"})
    assert sorted(calls) == ["br", "gzip"]


def test_documents_are_rendered_once_and_then_served_from_the_cache(
    app: Flask, client: FlaskClient
) -> None:
    cache: RenderCache = app.extensions["feeds.cache"]
    first = client.get(FEED)
    second = client.get(FEED)
    assert first.data == second.data
    assert (cache.misses, cache.hits) == (1, 1)


def test_render_cache_evicts_least_recently_used_past_its_byte_budget() -> None:
    cache = RenderCache(max_bytes=250)
    cache.put("a", b"a" * 100)
    cache.put("b", b"b" * 100)
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put("c", b"c" * 100)
    assert "b" not in cache
    assert "a" in cache and "c" in cache
    assert cache.total_bytes == 200


def test_render_cache_counts_compressed_variants_in_its_budget() -> None:
    cache = RenderCache(max_bytes=10_000)
    body = random.Random(0).randbytes(4000)  # incompressible: each variant is as big again
    entry = cache.put("a", body)
    cache.variant("a", entry, "gzip")
    assert cache.total_bytes == len(body) + len(entry.variants["gzip"])
    cache.variant("a", entry, "br")
    assert "a" not in cache  # over budget now: dropped, though still served to this caller
    assert cache.total_bytes == 0


def test_document_larger_than_the_budget_is_served_but_not_kept() -> None:
    cache = RenderCache(max_bytes=10)
    entry = cache.put("big", b"x" * 100)
    assert entry.body == b"x" * 100
    assert len(cache) == 0


def test_render_cache_is_consistent_under_concurrent_use() -> None:
    cache = RenderCache(max_bytes=50_000)

    def work(worker: int) -> None:
        for i in range(200):
            key = f"k{(worker * 7 + i) % 40}"
            entry = cache.get(key) or cache.put(key, key.encode() * 300)
            cache.variant(key, entry, "gzip")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = 0
    for key in list(cache._entries):
        expected += cache._entries[key].size
    assert cache.total_bytes == expected <= 50_000


def test_concurrent_misses_of_one_document_render_and_compress_it_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compressions: list[str] = []
    real = cache_module.compress

    def counting(body: bytes, encoding: str) -> bytes:
        compressions.append(encoding)
        return real(body, encoding)

    monkeypatch.setattr(cache_module, "compress", counting)
    cache = RenderCache(max_bytes=1_000_000)
    renders: list[int] = []
    start = threading.Barrier(8)

    def render() -> bytes:
        renders.append(1)
        return b"<feed>" + b"entry " * 20000 + b"</feed>"

    def work() -> None:
        start.wait()
        entry = cache.get_or_render("doc", render)
        cache.variant("doc", entry, "br")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(renders) == 1
    assert compressions == ["br"]
    entry = cache.get("doc")
    assert entry is not None and set(entry.variants) == {"br"}


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=70_000) | st.integers(0, 5_000_000).map(lambda n: b"a" * n))
# A document exactly filling a window, and one byte more (1008 = 2**10 - 16 took 11 bits).
@example(b"a" * 1008)
@example(b"a" * 1009)
@example(b"a" * 2032)
@example(b"a" * 65520)
def test_brotli_window_holds_the_document_and_round_trips(body: bytes) -> None:
    bits = brotli_window(len(body))
    assert 10 <= bits <= 22
    assert len(body) <= (1 << bits) - 16 or bits == 22
    assert bits == 10 or len(body) > (1 << (bits - 1)) - 16  # the smallest that holds it
    packed = compress(body, "br")
    assert brotli.decompress(packed) == body
    assert packed == compress(body, "br")


@pytest.mark.parametrize(
    "header", ["identity;q=0", "*;q=0", "gzip;q=0, identity;q=0", "deflate, identity;q=0"]
)
def test_a_client_refusing_identity_and_naming_no_coding_we_have_gets_406(
    client: FlaskClient, header: str
) -> None:
    """RFC 9110 12.5.3: identity is acceptable unless `identity;q=0` or `*;q=0` (without a
    more specific identity entry) says otherwise; these were sent uncompressed anyway."""
    for method in ("GET", "HEAD"):
        response = client.open(FEED, method=method, headers={"Accept-Encoding": header})
        assert response.status_code == 406, header
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Cache-Control"] == "no-store"
    assert "gzip, br or identity" in client.get(FEED, headers={"Accept-Encoding": header}).text


@pytest.mark.parametrize(
    ("header", "coding"),
    [("identity;q=0, gzip", "gzip"), ("*;q=0, identity", None), ("gzip;q=0.5, identity", None)],
)
def test_a_client_that_ranks_identity_gets_what_it_ranks_first(
    client: FlaskClient, header: str, coding: str | None
) -> None:
    response = client.get(FEED, headers={"Accept-Encoding": header})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == coding
