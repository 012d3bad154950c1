"""WebSub: publish pings reach a real (tiny) hub off the caller's thread, with retries."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from articles.store import ALL, Facet
from feeds import websub
from feeds.config import SiteConfig
from feeds.websub import Notifier, link_header, publish_changes, topics_for

BASE = "https://news.example.com"
FLUSH = 10.0  # generous upper bound; flush returns as soon as the work is done


class Hub:
    """A hub on 127.0.0.1 that records publish pings and answers with scripted status codes."""

    def __init__(
        self, statuses: list[int] | None = None, default: int = 204, body: bytes = b""
    ) -> None:
        self.statuses = list(statuses or [])
        self.default = default
        self.body = body
        self.pings: list[dict[str, list[str]]] = []
        self.content_types: list[str] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.release.set()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                hub.release.wait(FLUSH)
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode("ascii"))
                with hub.lock:
                    hub.pings.append(form)
                    hub.content_types.append(self.headers.get("Content-Type", ""))
                    status = hub.statuses.pop(0) if hub.statuses else hub.default
                self.send_response(status)
                self.send_header("Content-Length", str(len(hub.body)))
                self.end_headers()
                self.wfile.write(hub.body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hub"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def topics(self) -> list[str]:
        with self.lock:
            return [url for form in self.pings for url in form["hub.url"]]

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub() -> Iterator[Hub]:
    server = Hub()
    yield server
    server.stop()


def fast_notifier(hub_url: str, **options: float) -> Notifier:
    """A notifier whose backoff is tiny, so retries need no real waiting."""
    settings = {"timeout": 5.0, "retries": 4, "backoff": 0.001, **options}
    return Notifier(hub_url, **settings)  # type: ignore[arg-type]


def test_publish_posts_one_form_encoded_ping_per_topic(hub: Hub) -> None:
    notifier = fast_notifier(hub.url)
    topics = [f"{BASE}/feeds/all.atom", f"{BASE}/feeds/all.rss"]
    notifier.publish(topics)
    assert notifier.flush(FLUSH)
    assert hub.pings == [
        {"hub.mode": ["publish"], "hub.url": [topics[0]]},
        {"hub.mode": ["publish"], "hub.url": [topics[1]]},
    ]
    assert hub.content_types == ["application/x-www-form-urlencoded"] * 2
    notifier.close()


def test_publish_returns_before_the_hub_answers(hub: Hub) -> None:
    hub.release.clear()  # the hub holds every request until released
    notifier = fast_notifier(hub.url)
    notifier.publish([f"{BASE}/feeds/all.atom"])
    # publish came back although the hub has not answered: delivery is in the background.
    assert notifier.pending() == [f"{BASE}/feeds/all.atom"]
    assert hub.topics() == []
    hub.release.set()
    assert notifier.flush(FLUSH)
    assert hub.topics() == [f"{BASE}/feeds/all.atom"]
    notifier.close()


def test_duplicate_topics_waiting_in_the_queue_are_sent_once(hub: Hub) -> None:
    hub.release.clear()
    notifier = fast_notifier(hub.url)
    first, second = f"{BASE}/feeds/all.atom", f"{BASE}/feeds/tag/japan.atom"
    notifier.publish([first])
    assert _wait_until_in_flight(notifier, first)  # taken by the worker, held by the hub
    notifier.publish([second, second])
    notifier.publish([second, first])  # `first` is in flight, so it is queued again
    hub.release.set()
    assert notifier.flush(FLUSH)
    assert sorted(hub.topics()) == sorted([first, second, first])
    notifier.close()


def test_hub_failing_twice_then_succeeding_gets_the_ping_after_retries(
    caplog: pytest.LogCaptureFixture,
) -> None:
    flaky = Hub(statuses=[503, 500])
    try:
        notifier = fast_notifier(flaky.url)
        with caplog.at_level(logging.INFO, logger="feeds.websub"):
            notifier.publish([f"{BASE}/feeds/all.atom"])
            assert notifier.flush(FLUSH)
        assert flaky.topics() == [f"{BASE}/feeds/all.atom"] * 3
        retries = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(retries) == 2
        assert "hub answered 503" in retries[0].getMessage()
        assert f"{BASE}/feeds/all.atom" in retries[0].getMessage()
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        notifier.close()
    finally:
        flaky.stop()


def test_hub_that_always_fails_is_logged_as_an_error_naming_the_topic(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = Hub(default=500)
    try:
        notifier = fast_notifier(broken.url, retries=2)
        with caplog.at_level(logging.WARNING, logger="feeds.websub"):
            notifier.publish([f"{BASE}/feeds/all.atom"])
            assert notifier.flush(FLUSH)
        assert len(broken.pings) == 3
        errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1
        assert f"{BASE}/feeds/all.atom" in errors[0]
        assert "after 3 attempt(s)" in errors[0]
        assert "hub answered 500" in errors[0]
        notifier.close()
    finally:
        broken.stop()


def test_unreachable_hub_is_retried_then_logged(caplog: pytest.LogCaptureFixture) -> None:
    gone = Hub()
    url = gone.url
    gone.stop()  # nothing listens on that port any more
    notifier = fast_notifier(url, retries=1)
    with caplog.at_level(logging.WARNING, logger="feeds.websub"):
        notifier.publish([f"{BASE}/feeds/all.rss"])
        assert notifier.flush(FLUSH)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "cannot reach the hub" in errors[0]
    assert f"{BASE}/feeds/all.rss" in errors[0]
    notifier.close()


def test_client_errors_are_not_retried(caplog: pytest.LogCaptureFixture) -> None:
    strict = Hub(default=400)
    try:
        notifier = fast_notifier(strict.url)
        with caplog.at_level(logging.WARNING, logger="feeds.websub"):
            notifier.publish([f"{BASE}/feeds/all.json"])
            assert notifier.flush(FLUSH)
        assert len(strict.pings) == 1
        assert "after 1 attempt(s): hub answered 400" in caplog.text
        notifier.close()
    finally:
        strict.stop()


def test_a_hub_error_page_is_logged_on_one_line(caplog: pytest.LogCaptureFixture) -> None:
    # Python's own http.server answers a POST with a multi-line HTML page: the log line
    # quoted it as it came, nine lines of markup for one failed ping.
    page = (
        b'<!DOCTYPE HTML>\n<html lang="en">\n    <head>\r\n        <title>Error response'
        b"</title>\n    </head>\n    <body>\n\t<h1>Error response</h1>\x1b[31m\n"
    )
    strict = Hub(default=400, body=page)
    try:
        notifier = fast_notifier(strict.url)
        with caplog.at_level(logging.WARNING, logger="feeds.websub"):
            notifier.publish([f"{BASE}/feeds/all.json"])
            assert notifier.flush(FLUSH)
        (message,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert "hub answered 400 Bad Request: <!DOCTYPE HTML> <html lang=" in message
        assert "<title>Error response</title> </head> <body> <h1>Error response</h1>" in message
        assert message.isprintable(), message
        notifier.close()
    finally:
        strict.stop()


@given(st.binary(max_size=400))
def test_hub_answer_excerpt_is_one_printable_line(raw: bytes) -> None:
    excerpt = websub.one_line_excerpt(raw)
    assert excerpt.isprintable()
    assert excerpt == excerpt.strip()
    assert "  " not in excerpt
    # Nothing but the line breaks, controls and runs of white space is changed.
    visible = [c for c in raw.decode("utf-8", "replace") if c.isprintable() and not c.isspace()]
    assert [c for c in excerpt if not c.isspace()] == visible


def test_full_queue_logs_the_dropped_topics(hub: Hub, caplog: pytest.LogCaptureFixture) -> None:
    hub.release.clear()
    notifier = fast_notifier(hub.url, queue_size=1)
    with caplog.at_level(logging.ERROR, logger="feeds.websub"):
        notifier.publish(["https://a.example/1"])
        assert _wait_until_in_flight(notifier, "https://a.example/1")
        notifier.publish(["https://a.example/2", "https://a.example/3"])
    assert "queue full (1)" in caplog.text
    assert "https://a.example/3" in caplog.text
    assert "https://a.example/2" not in caplog.text
    hub.release.set()
    assert notifier.flush(FLUSH)
    assert hub.topics() == ["https://a.example/1", "https://a.example/2"]
    notifier.close()


def _wait_until_in_flight(notifier: Notifier, url: str) -> bool:
    """Wait on the notifier's own condition until the worker has taken `url`."""
    with notifier._cond:
        return notifier._cond.wait_for(lambda: notifier._in_flight == url, FLUSH)


def test_close_logs_pings_that_could_not_be_delivered(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    hub.release.clear()
    notifier = fast_notifier(hub.url)
    notifier.publish(["https://a.example/1", "https://a.example/2"])
    with caplog.at_level(logging.ERROR, logger="feeds.websub"):
        notifier.close(timeout=0)
    assert "shutting down with" in caplog.text
    assert "https://a.example/2" in caplog.text
    hub.release.set()


def test_flush_reports_a_timeout_while_pings_are_outstanding(hub: Hub) -> None:
    hub.release.clear()
    notifier = fast_notifier(hub.url)
    notifier.publish(["https://a.example/1"])
    assert notifier.flush(0.01) is False
    hub.release.set()
    assert notifier.flush(FLUSH) is True
    notifier.close()


def test_empty_hub_url_makes_a_notifier_that_does_nothing() -> None:
    notifier = Notifier("")
    assert not notifier.enabled
    notifier.publish([f"{BASE}/feeds/all.atom"])
    assert notifier.pending() == []
    assert notifier.flush(0) is True
    assert notifier._thread is None


def test_hub_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="hub_url: must be an http:// or https:// URL"):
        Notifier("ftp://hub.example")


def test_topics_cover_every_affected_feed_in_three_formats_plus_all() -> None:
    topics = topics_for({Facet("tag", "japan"), Facet("section", "asia")}, BASE)
    assert topics == [
        f"{BASE}/feeds/all.atom",
        f"{BASE}/feeds/all.rss",
        f"{BASE}/feeds/all.json",
        f"{BASE}/feeds/section/asia.atom",
        f"{BASE}/feeds/section/asia.rss",
        f"{BASE}/feeds/section/asia.json",
        f"{BASE}/feeds/tag/japan.atom",
        f"{BASE}/feeds/tag/japan.rss",
        f"{BASE}/feeds/tag/japan.json",
    ]
    assert topics_for({ALL}, BASE) == topics[:3]


def test_no_affected_facets_means_no_topics() -> None:
    assert topics_for(frozenset(), BASE) == []


def test_link_header_names_hub_and_self() -> None:
    assert link_header("https://hub.example/", f"{BASE}/feeds/all.atom") == (
        f'<https://hub.example/>; rel="hub", <{BASE}/feeds/all.atom>; rel="self"'
    )


def test_init_app_registers_the_notifier_for_the_configured_hub() -> None:
    app = Flask("feeds")
    app.extensions["feeds.config"] = SiteConfig(hub_url="https://hub.example/")
    notifier = websub.init_app(app)
    assert app.extensions["feeds.websub"] is notifier
    assert notifier.hub_url == "https://hub.example/"


def test_publish_changes_pings_the_public_feed_urls_of_the_changed_facets(hub: Hub) -> None:
    app = Flask("feeds")
    app.extensions["feeds.config"] = SiteConfig(site_url=BASE, hub_url=hub.url)
    notifier = websub.init_app(app)
    with app.app_context():
        topics = publish_changes(frozenset({Facet("source", "aa")}))
    assert notifier.flush(FLUSH)
    assert topics == topics_for({Facet("source", "aa")}, BASE)
    assert sorted(hub.topics()) == sorted(topics)
    notifier.close()


def test_publish_changes_without_site_url_warns_and_pings_nothing(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    app = Flask("feeds")
    app.extensions["feeds.config"] = SiteConfig(hub_url=hub.url)
    notifier = websub.init_app(app)
    with app.app_context(), caplog.at_level(logging.WARNING, logger="feeds.websub"):
        assert publish_changes({ALL}) == []
    assert "site_url is not set" in caplog.text
    assert notifier.pending() == []
    assert hub.topics() == []


def test_init_app_listens_for_committed_article_changes() -> None:
    from datetime import UTC, datetime

    from flask import Flask

    from articles.changes import Change, ChangeListeners
    from articles.cli import SERVICE_KEY
    from feeds.config import SiteConfig
    from feeds.websub import init_app

    class Service:  # what init_app needs of articles.service.ArticleService
        listeners = ChangeListeners()

    app = Flask(__name__)
    app.extensions["feeds.config"] = SiteConfig(
        hub_url="http://127.0.0.1:9/hub", site_url="https://news.example.org"
    )
    app.extensions[SERVICE_KEY] = Service()
    notifier = init_app(app)
    assert len(Service.listeners) == 1
    notifier.publish = lambda topics: published.extend(topics)  # type: ignore[method-assign]
    published: list[str] = []
    Service.listeners.announce(Change("delete", ("a1",), frozenset({ALL}), datetime.now(UTC)))
    assert "https://news.example.org/feeds/all.atom" in published


@pytest.mark.parametrize(
    ("settings", "environ"),
    [
        ({"site_url": "https://news.example.com/ko"}, {}),
        # Inside a request behind a trusted proxy that strips /ko: the script root carries it.
        ({}, {"SCRIPT_NAME": "/ko", "HTTP_HOST": "news.example.com", "wsgi.url_scheme": "https"}),
    ],
)
def test_topics_under_a_path_prefix_carry_it(
    hub: Hub, settings: dict[str, str], environ: dict[str, str]
) -> None:
    app = Flask("feeds")
    app.extensions["feeds.config"] = SiteConfig(hub_url=hub.url, **settings).validated()
    notifier = websub.init_app(app)
    with app.test_request_context("/", environ_overrides=environ):
        topics = publish_changes({Facet("section", "asia")})
    assert notifier.flush(FLUSH)
    assert "https://news.example.com/ko/feeds/section/asia.atom" in topics
    assert all(topic.startswith("https://news.example.com/ko/feeds/") for topic in topics)
    notifier.close()
