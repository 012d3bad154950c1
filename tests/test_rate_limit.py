"""429 Too Many Requests with Retry-After for clients over `rate_limit` (off by default)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import limits.storage.memory
import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits import parse

from feeds.ratelimit import RateLimit, describe_limit, refusal_text


def client_at(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_off_by_default(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    assert {client.get("/feeds/all.atom").status_code for _ in range(50)} == {200}


def test_a_client_over_the_limit_gets_429_with_retry_after(make_app: Callable[..., Flask]) -> None:
    client = client_at(make_app(rate_limit="3/minute"), "198.51.100.7")
    assert [client.get("/feeds/all.atom").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/feeds/all.atom")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["Cache-Control"] == "no-store"
    text = refused.get_data(as_text=True)
    assert "198.51.100.7 made more than 3 requests per minute." in text
    assert f"Retry after {refused.headers['Retry-After']} second" in text
    head = client.head("/feeds/all.rss")
    assert (head.status_code, head.data) == (429, b"")


def test_each_address_has_its_own_count_and_health_checks_are_never_limited(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(rate_limit="2/minute")
    first, second = client_at(app, "192.0.2.1"), client_at(app, "192.0.2.2")
    assert [first.get("/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/").status_code == 200
    assert {first.get("/healthz").status_code for _ in range(5)} == {200}


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(
    make_app: Callable[..., Flask],
) -> None:
    proxy = client_at(make_app(rate_limit="2/minute", trust_proxy_hops=1), "10.0.0.1")

    def get(client_address: str) -> int:
        return proxy.get("/feeds/all.json", headers={"X-Forwarded-For": client_address}).status_code

    assert [get("203.0.113.1"), get("203.0.113.1"), get("203.0.113.1")] == [200, 200, 429]
    assert get("203.0.113.2") == 200


def test_answers_replayed_from_the_response_memo_are_counted(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(rate_limit="2/minute", response_memo_ms=60_000).test_client()
    assert [client.get("/feeds/all.atom").status_code for _ in range(3)] == [200, 200, 429]


class FakeTime:
    """Stands in for the `time` module inside the limit's storage: a clock the test moves."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


def test_the_client_is_served_again_once_the_window_has_moved(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeTime()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    client = make_app(rate_limit="2/second").test_client()
    assert [client.get("/healthz?x").status_code, client.get("/").status_code] == [200, 200]
    client.get("/")
    assert client.get("/").status_code == 429
    clock.now += 0.5
    assert client.get("/").status_code == 429  # still within the moving window
    clock.now += 0.6
    assert client.get("/").status_code == 200


def test_a_failing_limit_storage_serves_everyone_and_says_so_once(
    make_app: Callable[..., Flask],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app(rate_limit="1/minute")
    limiter = app.wsgi_app
    while not isinstance(limiter, RateLimit):
        limiter = limiter.app  # type: ignore[attr-defined]

    def storage_down(*_args: object) -> bool:
        raise ConnectionError("storage unreachable")

    monkeypatch.setattr(limiter.limiter, "hit", storage_down)
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="feeds.ratelimit"):
        assert {client.get("/feeds/all.atom").status_code for _ in range(5)} == {200}
    assert len([r for r in caplog.records if "rate limit storage failed" in r.message]) == 1


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"rate_limit": "lots"}, "not a limit such as '120/minute'"),
        ({"rate_limit": "5/minute", "rate_limit_storage": "nosuch://x"}, "rate_limit"),
    ],
)
def test_a_bad_limit_or_storage_stops_the_app_with_a_message(
    make_app: Callable[..., Flask], settings: dict[str, str], complaint: str
) -> None:
    with pytest.raises(SystemExit, match="rate_limit") as caught:
        make_app(**settings)
    assert complaint in str(caught.value)


def test_refusals_appear_in_the_access_log(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    log_file = tmp_path / "access.log"
    app = make_app(rate_limit="1/minute", access_log=str(log_file))
    client = app.test_client()
    client.get("/feeds/all.atom")
    client.get("/feeds/all.atom")
    app.extensions["feeds.access_log"].flush()
    lines = log_file.read_text(encoding="utf-8").splitlines()
    statuses = [line.split('"')[2].split()[0] for line in lines]
    assert statuses == ["200", "429"]


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        ("5/minute", "5 requests per minute"),
        ("1/second", "1 request per second"),
        ("100/10 minutes", "100 requests in 10 minutes"),
        ("2000/hour", "2000 requests per hour"),
        ("3/2 days", "3 requests in 2 days"),
    ],
)
def test_the_refusal_says_the_limit_in_words_and_when_to_retry(limit: str, words: str) -> None:
    item = parse(limit)
    assert describe_limit(item) == words
    text = refusal_text("127.0.0.1", item, 1)
    assert f"127.0.0.1 made more than {words}. Retry after 1 second " in text
    assert "Retry after 30 seconds" in refusal_text("127.0.0.1", item, 30)
