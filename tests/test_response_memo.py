"""The response memo: identical feed requests within a moment are answered from memory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.app import EMBARGO, NOW, Clock, article

FEED = "/feeds/all.atom"


class Ticker:
    """A settable monotonic clock for the memo."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticker() -> Ticker:
    return Ticker()


@pytest.fixture
def memo_app(make_app: Callable[..., Flask], ticker: Ticker) -> Flask:
    app = make_app(site_url="https://news.example.com", response_memo_ms=1000)
    app.extensions["feeds.memo"].clock = ticker
    return app


def add_article(app: Flask, article_id: str) -> None:
    app.extensions["feeds.store"].upsert_many([article(article_id, NOW - timedelta(minutes=5))])


def test_repeat_within_the_window_is_replayed_even_after_a_change(
    memo_app: Flask, ticker: Ticker
) -> None:
    client = memo_app.test_client()
    first = client.get(FEED)
    add_article(memo_app, "fresh")
    ticker.now += 0.5
    replayed = client.get(FEED)
    assert replayed.headers["ETag"] == first.headers["ETag"]
    assert replayed.data == first.data
    ticker.now += 0.6  # past the window: the change shows
    after = client.get(FEED)
    assert after.headers["ETag"] != first.headers["ETag"]
    assert b"fresh" in after.data


def test_replayed_response_has_the_same_headers_as_the_original(memo_app: Flask) -> None:
    client = memo_app.test_client()
    first = client.get(FEED, headers={"Accept-Encoding": "gzip"})
    again = client.get(FEED, headers={"Accept-Encoding": "gzip"})
    for name in (
        "ETag",
        "Cache-Control",
        "Vary",
        "Last-Modified",
        "Content-Type",
        "Content-Encoding",
        "Content-Length",
    ):
        assert again.headers[name] == first.headers[name], name
    assert again.data == first.data


def test_a_reader_holding_a_newer_tag_never_gets_the_older_memo_entry(memo_app: Flask) -> None:
    """Two workers: one replays its entry from before a write for up to the window while the
    other already answers from the database. A reader (or nginx revalidating) that got the new
    document from the second and polls the first with that tag must not be sent the older
    document with an older ETag and Last-Modified: the memo cannot tell a newer tag from an
    older one, so a tag it does not hold is the view's to judge against the database."""
    client = memo_app.test_client()
    old = client.get(FEED)
    add_article(memo_app, "fresh")
    # Another process, with nothing memoised for this request, answers from the database
    # (an ignored query parameter is another memo key, the same document).
    newer = client.get(FEED + "?utm_source=elsewhere")
    assert b"fresh" in newer.data
    assert newer.headers["ETag"] != old.headers["ETag"]
    for headers in (
        {"If-None-Match": newer.headers["ETag"]},
        {"If-None-Match": f"W/{newer.headers['ETag']}"},
        {"If-None-Match": f"{old.headers['ETag']}, {newer.headers['ETag']}"},
    ):
        again = client.get(FEED, headers=headers)
        assert again.status_code == 304, headers
        assert again.headers["ETag"] == newer.headers["ETag"]
        assert again.headers.get("Last-Modified") == newer.headers.get("Last-Modified")
    # A reader holding a tag older than both still gets the current document, not the memo's.
    stale = client.get(FEED, headers={"If-None-Match": '"an-older-tag"'})
    assert stale.status_code == 200
    assert stale.headers["ETag"] == newer.headers["ETag"]
    assert b"fresh" in stale.data


def test_conditional_request_is_answered_304_from_the_memo(memo_app: Flask) -> None:
    client = memo_app.test_client()
    etag = client.get(FEED).headers["ETag"]
    add_article(memo_app, "fresh")  # the database changed, but within the window
    response = client.get(FEED, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert "Cache-Control" in response.headers


def test_other_encodings_and_accepts_are_separate_entries(memo_app: Flask) -> None:
    client = memo_app.test_client()
    client.get(FEED, headers={"Accept-Encoding": "br"})
    plain = client.get(FEED)
    assert "Content-Encoding" not in plain.headers
    assert plain.data.startswith(b"<?xml")
    browser = client.get(FEED, headers={"Accept": "text/html"})
    assert browser.headers["Content-Type"] == "application/xml; charset=utf-8"


def test_head_is_replayed_without_a_body(memo_app: Flask) -> None:
    client = memo_app.test_client()
    length = client.get(FEED).headers["Content-Length"]
    client.head(FEED)
    head = client.head(FEED)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == length


def test_a_304_only_entry_still_serves_the_body_to_an_unconditional_request(
    memo_app: Flask,
) -> None:
    client = memo_app.test_client()
    etag = client.get(FEED).headers["ETag"]
    memo_app.extensions["feeds.memo"].clear()
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
    full = client.get(FEED)
    assert full.status_code == 200
    assert full.data.startswith(b"<?xml")


def test_memo_never_outlives_an_embargo_lifting(
    memo_app: Flask, clock: Clock, ticker: Ticker
) -> None:
    client = memo_app.test_client()
    clock.now = EMBARGO - timedelta(seconds=0.25)
    before = client.get(FEED)
    assert b"embargoed" not in before.data
    clock.now = EMBARGO
    ticker.now += 0.3  # inside the window, but past the embargo
    after = client.get(FEED)
    assert b"embargoed" in after.data


def test_errors_are_never_replayed(memo_app: Flask) -> None:
    client = memo_app.test_client()
    assert client.get("/feeds/all.atom?limit=abc").status_code == 400
    assert client.get("/feeds/all.atom?limit=abc").status_code == 400
    assert client.get("/feeds/section/nowhere.atom").status_code == 404
    assert len(memo_app.extensions["feeds.memo"]._entries) == 0


def test_memo_off_asks_the_database_every_time(client: FlaskClient, app: Flask) -> None:
    first = client.get(FEED).headers["ETag"]
    add_article(app, "fresh")
    assert client.get(FEED).headers["ETag"] != first


@pytest.mark.parametrize("into_second", [0.0, 0.1, 0.5, 0.999])
def test_an_undated_answer_is_not_replayed_past_its_second(
    memo_app: Flask, clock: Clock, ticker: Ticker, into_second: float
) -> None:
    """A change in the current second withholds Last-Modified (RFC 9110 8.8.2.2). Once that
    second is over, a worker that has not memoised the document sends the date; this one must
    not go on replaying the undated answer for the rest of its window, or a client would get
    a dated 200 from one worker and an undated 304 from the other."""
    second = NOW + timedelta(minutes=1)
    memo_app.extensions["feeds.store"].upsert_many([article("fresh", second)], now=second)
    clock.now = second + timedelta(seconds=into_second)
    client = memo_app.test_client()
    first = client.get(FEED)
    assert "Last-Modified" not in first.headers
    etag = first.headers["ETag"]
    step = 1.0 - into_second + 0.001  # just past the second, well inside the window
    clock.now += timedelta(seconds=step)
    ticker.now += step
    for headers in ({}, {"If-None-Match": etag}):
        later = client.get(FEED, headers=headers)
        assert later.headers["ETag"] == etag
        assert later.headers["Last-Modified"] == "Sun, 10 Aug 2025 12:01:00 GMT", headers


def test_an_undated_answer_is_replayed_within_its_second(
    memo_app: Flask, clock: Clock, ticker: Ticker
) -> None:
    second = NOW + timedelta(minutes=1)
    memo_app.extensions["feeds.store"].upsert_many([article("fresh", second)], now=second)
    clock.now = second + timedelta(seconds=0.2)
    client = memo_app.test_client()
    first = client.get(FEED)
    add_article(memo_app, "unseen")  # only a fresh answer would show it
    clock.now += timedelta(seconds=0.5)
    ticker.now += 0.5
    again = client.get(FEED)
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "Last-Modified" not in again.headers


@pytest.mark.parametrize("render_s", [0.3, 0.9])
def test_a_slow_answer_is_not_replayed_past_its_second_either(
    memo_app: Flask, clock: Clock, ticker: Ticker, monkeypatch: pytest.MonkeyPatch, render_s: float
) -> None:
    """An answer's replay limits (the end of an undated answer's second, an embargo lifting)
    count from when the request read the clock, not from when the rendered answer was stored:
    a render taking `render_s` of the memo's clock once kept an undated answer replayed that
    long into the next second (a flaky dated 200, then undated 304, across two workers)."""
    import feeds.http

    render = feeds.http._render

    def slow_render(*args: object, **kwargs: object) -> object:
        ticker.now += render_s
        return render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds.http, "_render", slow_render)
    second = NOW + timedelta(minutes=1)
    memo_app.extensions["feeds.store"].upsert_many([article("fresh", second)], now=second)
    clock.now = second + timedelta(seconds=0.6)
    client = memo_app.test_client()
    first = client.get(FEED)  # read at .6 into the second, stored render_s later
    assert "Last-Modified" not in first.headers
    # Just past the second, as both clocks count it from the request's reading.
    clock.now = second + timedelta(seconds=1.001)
    ticker.now = 1000.0 + 0.401
    later = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert later.headers.get("Last-Modified") == "Sun, 10 Aug 2025 12:01:00 GMT"
