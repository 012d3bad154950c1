"""The app behind nginx as an HTTP cache, with the shipped config (deploy/nginx-cache.conf).

One stack for the module, on 127.0.0.1 and free ports: the README's production command (Granian)
on a new instance folder (the samples load by themselves), feeds cached for 1 s, and nginx with
deploy/nginx-cache.conf in front, its upstream, listen address and cache path replaced by the
test's. Checks: hits with the app's own bytes and ETags, one variant per content coding, 304s
answered by the cache, revalidation answered 304 by the app, a new article showing through the
cache, and self links for the public host sent to nginx.

Documents that must stay cached during a test are settled monthly archives (the samples are
from July 2025; cached for 30 days), so nothing depends on the 1 s lifetime of live feeds.
Each test uses its own query string (the app ignores unknown parameters; the cache key holds
them), so its requests are its own in the cache and in the app's access log. The app itself is
asked for reference bytes at the same path without that query.

nginx missing: the module is skipped, or fails with FEEDS_REQUIRE_NGINX=1 (CI).
"""

from __future__ import annotations

import grp
import http.client
import json
import os
import pwd
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest

from articles.model import Article, article_to_dict
from tests.fixtures.http import FIREFOX_ACCEPT, NAVIGATE, decoded
from tests.fixtures.servers import (
    ROOT,
    Server,
    answers,
    app_env,
    free_port,
    readme_production_command,
    start,
    stop,
    wait_until,
)
from tests.fixtures.store import make_article

DEPLOY_CONFIG = ROOT / "deploy" / "nginx-cache.conf"
MAX_AGE_S = 1
# nginx keeps time in whole seconds (an entry with max-age=1 is fresh for 1 to 2 s), answers
# one request from the stale copy while it refreshes, then the rest is slack for slow machines.
MARGIN_S = 3
PUBLIC_HOST = "news.example.test"
# A settled month: `public, max-age=86400, ...` (long-lived; never `immutable`).
ARCHIVE = "/feeds/all/archive/2025-07"
# Accept-Encoding of each client -> the Content-Encoding it must get.
CLIENTS: dict[str, str | None] = {"gzip": "gzip", "br": "br", "identity": None}


def find_nginx() -> str | None:
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
    return shutil.which("nginx", path=path)


NGINX = find_nginx()
NGINX_REQUIRED = os.environ.get("FEEDS_REQUIRE_NGINX") == "1"
NO_NGINX = "nginx is not installed (Debian: apt-get install nginx-light)"
if NGINX is None and not NGINX_REQUIRED:
    pytest.skip(f"{NO_NGINX}; set FEEDS_REQUIRE_NGINX=1 to fail instead", allow_module_level=True)


@dataclass
class Stack:
    app: Server  # the app itself; `log` is its standard output, where its access log goes
    cache: Server  # nginx in front of it
    env: dict[str, str]  # the app's environment, for `flask articles import`
    tmp: Path

    def from_app(
        self, target: str, headers: dict[str, str] | None = None, host: str = "127.0.0.1"
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """The app's own answer for `target` without its query string, asked with the headers
        nginx sends upstream for a client that asked for `host`."""
        forwarded = {
            "Host": "feeds_app",  # the upstream's name in the config
            "X-Forwarded-Host": host,
            "X-Forwarded-Proto": "http",
            "X-Forwarded-For": "127.0.0.1",
        }
        return self.app.request("GET", target.partition("?")[0], forwarded | (headers or {}))

    def app_statuses(self, target: str) -> list[str]:
        """Statuses of the app's access log lines for exactly this request target."""
        marker = f'"GET {target} HTTP/1.1" '
        text = self.app.log.read_text(encoding="utf-8", errors="replace")
        return [line.split(marker, 1)[1][:3] for line in text.splitlines() if marker in line]

    def settled_app_statuses(self, target: str, count: int) -> list[str]:
        """The statuses once at least `count` lines are logged, after a pause for any more."""
        wait_until(
            lambda: len(self.app_statuses(target)) >= count,
            f"{count} access log line(s) for {target}",
            timeout=10,
        )
        time.sleep(0.3)  # six flush intervals: lines for requests already answered are out
        return sorted(self.app_statuses(target))


def render_site_config(tmp: Path, app_port: int, cache_port: int) -> str:
    """deploy/nginx-cache.conf with the test's upstream, listen address and cache folder."""
    text = DEPLOY_CONFIG.read_text(encoding="utf-8")
    for old, new in (
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{cache_port};"),
        ("/var/cache/nginx/feeds", str(tmp / "cache")),
    ):
        assert text.count(old) == 1, f"{DEPLOY_CONFIG}: expected {old!r} once"
        text = text.replace(old, new)
    return text


def nginx_main_config(tmp: Path) -> str:
    """A whole nginx.conf around the site config: foreground, every path under `tmp`."""
    user = ""
    if os.geteuid() == 0:  # workers would run as nobody and could not enter pytest's tmp
        user = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
    temp = "\n".join(
        f"    {kind}_temp_path {tmp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
daemon off;
worker_processes 1;
{user}
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} notice;
events {{ worker_connections 1024; }}
http {{
    access_log {tmp / "access.log"};
{temp}
    include {tmp / "site.conf"};
}}
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if NGINX is None:
        pytest.fail(f"{NO_NGINX} (FEEDS_REQUIRE_NGINX=1)", pytrace=False)
    tmp = tmp_path_factory.mktemp("http-cache")
    app_port = free_port()
    cache_port = free_port()
    while cache_port == app_port:
        cache_port = free_port()

    settings, command = readme_production_command(app_port)
    env = app_env(tmp / "instance", settings)
    env.update(
        FEEDS_CACHE_MAX_AGE=str(MAX_AGE_S),
        FEEDS_STALE_WHILE_REVALIDATE="0",
        FEEDS_TRUST_PROXY_HOPS="1",
        FEEDS_RESPONSE_MEMO_MS="0",
        FEEDS_ACCESS_LOG="-",
        FEEDS_ACCESS_LOG_FLUSH_MS="50",
    )
    (tmp / "site.conf").write_text(render_site_config(tmp, app_port, cache_port))
    (tmp / "nginx.conf").write_text(nginx_main_config(tmp))

    app = Server(app_port, tmp / "app.log")
    cache = Server(cache_port, tmp / "error.log")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(start(command, app.log, env))
        wait_until(lambda: answers(app, processes[0], "granian"), "the app to answer /healthz")
        nginx_command = [NGINX, "-p", f"{tmp}/", "-c", str(tmp / "nginx.conf")]
        processes.append(start([*nginx_command, "-e", str(cache.log)], tmp / "nginx.out"))
        wait_until(lambda: answers(cache, processes[1], "nginx"), "nginx to answer /healthz")
        stack = Stack(app, cache, env, tmp)
        # The samples are loaded as the app starts, and Last-Modified is sent only for a change
        # at least a second old (RFC 9110 8.8.2.2): on a loaded machine the first test could
        # otherwise store an answer without it that the app no longer gives.
        wait_until(
            lambda: stack.from_app("/feeds/all.atom")[0].getheader("Last-Modified") is not None,
            "the loaded samples to be a second old (Last-Modified sent)",
        )
        yield stack
    finally:
        for process in reversed(processes):
            stop(process, timeout=10)


def test_second_identical_request_is_a_hit_with_the_apps_bytes_and_etag(stack: Stack) -> None:
    target = ARCHIVE + ".atom?t=hit"
    first, first_body = stack.cache.request("GET", target)
    second, second_body = stack.cache.request("GET", target)
    app, app_body = stack.from_app(target)

    assert app.status == 200
    assert "max-age=86400," in (app.getheader("Cache-Control") or "")  # the test's premise
    assert first.getheader("X-Cache-Status") == "MISS"
    assert second.getheader("X-Cache-Status") == "HIT"
    assert second.status == 200
    assert second_body == first_body == app_body
    assert second.getheader("ETag") == first.getheader("ETag") == app.getheader("ETag")
    assert second.getheader("Cache-Control") == app.getheader("Cache-Control")
    assert second.getheader("Last-Modified") == app.getheader("Last-Modified")
    assert stack.settled_app_statuses(target, 1) == ["200"]  # the hit never reached the app


def test_gzip_br_and_identity_clients_each_get_their_own_bytes(stack: Stack) -> None:
    """nginx stores one variant per Accept-Encoding (Vary): every client, asking in turn, gets
    its own coding, byte for byte what the app sends it, both when stored and when served."""
    target = ARCHIVE + ".rss?t=codings"
    _, plain = stack.from_app(target, {"Accept-Encoding": "identity"})
    assert b"<rss" in plain
    for expected_status in ("MISS", "HIT"):
        for accept_encoding, coding in CLIENTS.items():
            headers = {"Accept-Encoding": accept_encoding}
            response, body = stack.cache.request("GET", target, headers)
            app, app_body = stack.from_app(target, headers)
            where = f"{accept_encoding} client, {expected_status} round"
            assert response.status == 200, where
            assert response.getheader("X-Cache-Status") == expected_status, where
            assert response.getheader("Content-Encoding") == coding, where
            assert body == app_body, where
            assert decoded(body, coding) == plain, where
            assert response.getheader("ETag") == app.getheader("ETag"), where
            assert response.getheader("Vary") == app.getheader("Vary"), where
            assert "Accept-Encoding" in response.getheader("Vary", ""), where
            assert response.getheader("Content-Length") == str(len(body)), where
    assert stack.settled_app_statuses(target, 3) == ["200"] * 3


def test_a_clients_if_none_match_is_answered_304_by_the_cache(stack: Stack) -> None:
    target = ARCHIVE + ".json?t=if-none-match"
    first, body = stack.cache.request("GET", target, {"Accept-Encoding": "gzip"})
    etag = first.getheader("ETag") or ""
    assert first.status == 200 and etag.endswith('-gz"')

    again, empty = stack.cache.request(
        "GET", target, {"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    assert (again.status, empty) == (304, b"")
    assert again.getheader("X-Cache-Status") == "HIT"
    assert again.getheader("ETag") == etag
    assert again.getheader("Cache-Control") == first.getheader("Cache-Control")

    other, other_body = stack.cache.request(
        "GET", target, {"Accept-Encoding": "gzip", "If-None-Match": '"some-other-version-gz"'}
    )
    assert (other.status, other_body) == (200, body)
    assert stack.settled_app_statuses(target, 1) == ["200"]  # the 304 came from the cache


def test_expired_entries_are_revalidated_and_the_app_answers_304(stack: Stack) -> None:
    target = "/feeds/all.atom?t=revalidate"
    stored: dict[str, tuple[str | None, bytes]] = {}
    for accept_encoding in CLIENTS:
        response, body = stack.cache.request("GET", target, {"Accept-Encoding": accept_encoding})
        assert response.getheader("X-Cache-Status") == "MISS", accept_encoding
        assert f"max-age={MAX_AGE_S}," in (response.getheader("Cache-Control") or "")
        stored[accept_encoding] = (response.getheader("ETag"), body)

    time.sleep(MAX_AGE_S + 1.2)  # past max-age on nginx's whole-second clock
    for accept_encoding, coding in CLIENTS.items():
        response, body = stack.cache.request("GET", target, {"Accept-Encoding": accept_encoding})
        status = response.getheader("X-Cache-Status")
        # The app allows no stale-while-revalidate here (0 s), so nginx may not answer from
        # the old copy while it refreshes (STALE / UPDATING): it revalidates first.
        assert status == "REVALIDATED", (accept_encoding, status)
        assert (response.getheader("ETag"), body) == stored[accept_encoding]
        assert response.getheader("Content-Encoding") == coding

    wait_until(lambda: len(stack.app_statuses(target)) >= 6, "the revalidations", timeout=10)
    # Refreshed for another max-age: served without asking the app.
    for accept_encoding, coding in CLIENTS.items():
        response, body = stack.cache.request("GET", target, {"Accept-Encoding": accept_encoding})
        assert response.getheader("X-Cache-Status") == "HIT", accept_encoding
        assert (response.getheader("ETag"), body) == stored[accept_encoding]
        assert decoded(body, coding) == stored["identity"][1]
    # One conditional request per variant, each answered 304 (nothing changed).
    assert stack.settled_app_statuses(target, 6) == ["200"] * 3 + ["304"] * 3


def import_article(stack: Stack, article: Article) -> None:
    """Write one new article with `flask articles import`, as a newsroom's feed job does."""
    source = stack.tmp / f"{article.id}.json"
    record = article_to_dict(article)
    source.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "articles", "import", str(source)],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 new" in result.stdout + result.stderr


def feed_titles(body: bytes) -> list[str]:
    return [item["title"] for item in json.loads(body)["items"]]


def test_a_new_article_shows_through_the_cache_within_max_age(stack: Stack) -> None:
    target = "/feeds/all.json?t=new-article"
    title = "캐시 뒤에서도 보이는 새 기사"
    first, body = stack.cache.request("GET", target)
    again, cached = stack.cache.request("GET", target)
    assert (first.getheader("X-Cache-Status"), again.getheader("X-Cache-Status")) == (
        "MISS",
        "HIT",
    )
    assert title not in feed_titles(cached)

    published = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    import_article(
        stack, make_article("http-cache-new", title=title, published=published, updated=published)
    )
    imported = time.monotonic()

    wait_until(
        lambda: title in feed_titles(stack.cache.request("GET", target)[1]),
        "the new article in the feed served by the cache",
        timeout=MAX_AGE_S + MARGIN_S,
    )
    assert time.monotonic() - imported <= MAX_AGE_S + MARGIN_S
    response, body = stack.cache.request("GET", target)
    app, app_body = stack.from_app(target)
    assert feed_titles(body)[0] == title  # newest first
    assert body == app_body
    assert response.getheader("ETag") == app.getheader("ETag") != first.getheader("ETag")


def test_self_links_carry_the_public_host_sent_to_the_cache(stack: Stack) -> None:
    target = "/feeds/all.atom?t=public-host"
    # Forwarding headers a client makes up are replaced or dropped by nginx.
    invented = {
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "gopher",
        "X-Forwarded-Port": "666",
        "X-Forwarded-Prefix": "/evil",
    }
    response, body = stack.cache.request("GET", target, {"Host": PUBLIC_HOST, **invented})
    text = body.decode()
    assert response.status == 200
    assert f'href="http://{PUBLIC_HOST}/feeds/all.atom" rel="self"' in text
    for wrong in ("127.0.0.1", "evil", ":666", "gopher"):
        assert wrong not in text, wrong
    _, app_body = stack.from_app(target, host=PUBLIC_HOST)
    assert body == app_body

    _, json_body = stack.cache.request(
        "GET", "/feeds/all.json?t=public-host", {"Host": PUBLIC_HOST}
    )
    assert json.loads(json_body)["feed_url"] == f"http://{PUBLIC_HOST}/feeds/all.json"

    # The host is in the cache key: another host gets a document of its own.
    other, other_body = stack.cache.request("GET", target, {"Host": "other.example.test"})
    assert other.getheader("X-Cache-Status") == "MISS"
    assert b'href="http://other.example.test/feeds/all.atom" rel="self"' in other_body
    assert PUBLIC_HOST.encode() not in other_body


BROWSER = {
    "Accept": FIREFOX_ACCEPT,
    **NAVIGATE,
    "Upgrade-Insecure-Requests": "1",
}


@pytest.mark.parametrize("first", ["reader", "browser"])
def test_the_browser_page_and_the_feed_never_cross_in_the_cache(stack: Stack, first: str) -> None:
    """A browser opening a feed gets the HTML preview (feeds.preview), sent `private`: nginx
    never stores it, keeps serving readers the stored feed, and never gives a browser the feed
    it stored for readers (Vary)."""
    target = ARCHIVE + f".atom?t=preview-{first}"
    _, feed = stack.from_app(target)
    order = ["reader", "browser", "reader", "browser"]
    if first == "browser":
        order = order[1:] + order[:1]
    seen: list[tuple[str, str | None]] = []
    for client in order:
        response, body = stack.cache.request("GET", target, BROWSER if client == "browser" else {})
        seen.append((client, response.getheader("X-Cache-Status")))
        assert response.status == 200, client
        if client == "browser":
            assert response.getheader("Content-Type") == "text/html; charset=utf-8"
            assert (response.getheader("Cache-Control") or "").startswith("private,")
            assert b"<!doctype html>" in body[:50]
        else:
            assert response.getheader("Content-Type") == "application/atom+xml; charset=utf-8"
            assert body == feed
    # The feed is stored once and then served from the cache; the page is never stored.
    assert [status for client, status in seen if client == "reader"] == ["MISS", "HIT"]
    assert [status for client, status in seen if client == "browser"] == ["MISS", "MISS"]
    assert stack.settled_app_statuses(target, 3) == ["200"] * 3


def test_an_answer_stored_before_its_change_is_a_second_old_does_not_stay_undated(
    stack: Stack,
) -> None:
    """The app sends no Last-Modified while a document's latest change is in the current
    second or ahead of the clock (docs/http.md). nginx serves a stored copy's own headers again
    after each 304 of a revalidation, so such an answer, once stored, stayed undated through
    the cache for as long as the document did not change, while the app dated it: readers
    polling with If-Modified-Since alone got the whole document every time. The undated
    answer is not stored; the dated one after it is, with the app's date."""
    target = "/feeds/all.json?t=undated"
    ahead = 12  # seconds: an entry dated ahead of the clock keeps the feed undated till then
    now = datetime.now(UTC).replace(microsecond=0)
    import_article(
        stack,
        make_article(
            "http-cache-undated",
            published=now - timedelta(minutes=1),
            updated=now + timedelta(seconds=ahead),
        ),
    )
    first, _ = stack.cache.request("GET", target)
    assert first.status == 200
    assert first.getheader("Last-Modified") is None, "premise: the import took over 12 s"
    wait_until(
        lambda: stack.from_app(target)[0].getheader("Last-Modified") is not None,
        "the app to date the feed",
        timeout=ahead + MARGIN_S,
    )
    time.sleep(MAX_AGE_S + 1.2)  # past anything stored's max-age on nginx's whole seconds
    for _ in range(2):  # the first may store the dated copy, the second is then its hit
        response, body = stack.cache.request("GET", target)
        app, app_body = stack.from_app(target)
        assert body == app_body
        assert response.getheader("ETag") == app.getheader("ETag")
        status = response.getheader("X-Cache-Status")
        assert response.getheader("Last-Modified") == app.getheader("Last-Modified"), status
        assert response.getheader("Last-Modified") is not None, status


def test_if_modified_since_later_than_the_stored_date_is_a_304_from_the_cache(
    stack: Stack,
) -> None:
    """A reader may send a later date than the document's (its own clock, the Date of its
    last fetch): the app answers 304 when Last-Modified is not later than it (RFC 9110
    13.1.3), and the cache must answer alike, not only to the exact date."""
    target = ARCHIVE + ".rss?t=if-modified-since-later"
    first, _ = stack.cache.request("GET", target)
    modified = first.getheader("Last-Modified")
    assert first.status == 200 and modified is not None
    later = first.getheader("Date") or ""  # a settled date lies in a second before the answer
    assert parsedate_to_datetime(later) > parsedate_to_datetime(modified)
    for since in (modified, later):
        response, body = stack.cache.request("GET", target, {"If-Modified-Since": since})
        app, _ = stack.from_app(target, {"If-Modified-Since": since})
        assert app.status == 304, since  # the app's answer, which the cache must give
        assert (response.status, body) == (304, b""), since
        assert response.getheader("X-Cache-Status") == "HIT", since
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    response, _ = stack.cache.request("GET", target, {"If-Modified-Since": earlier})
    assert response.status == 200


@pytest.mark.parametrize(
    "precondition",
    [
        {"If-Match": '"some-other-version"'},
        {"If-Match": 'W/"weak"'},
        {"If-Unmodified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"},
    ],
)
def test_a_failed_precondition_is_the_apps_412_through_the_cache(
    stack: Stack, precondition: dict[str, str]
) -> None:
    """nginx drops If-Match and If-Unmodified-Since from what it asks the app and judged them
    itself against its copy: its 412 was a bare HTML page without the document's validators
    or a word on what to do. Through the cache a failed precondition is the app's own 412
    (body, no-store, ETag, Last-Modified, Vary), and one that holds gets the document."""
    target = ARCHIVE + ".atom?t=precondition"
    stored, body = stack.cache.request("GET", target)  # stored: a HIT would answer next
    assert stored.status == 200
    response, error = stack.cache.request("GET", target, precondition)
    app, app_error = stack.from_app(target, precondition)
    assert app.status == 412  # the app's answer, which the cache must pass on
    assert (response.status, error) == (412, app_error)
    assert b"precondition failed" in error
    for name in ("Content-Type", "Cache-Control", "ETag", "Last-Modified", "Vary"):
        assert response.getheader(name) == app.getheader(name), name
    holds = {"If-Match": stored.getheader("ETag") or ""}
    if "If-Unmodified-Since" in precondition:
        holds = {"If-Unmodified-Since": stored.getheader("Last-Modified") or ""}
    response, again = stack.cache.request("GET", target, holds)
    assert (response.status, again) == (200, body)


@pytest.mark.parametrize(
    ("what", "extra", "status"),
    [
        ("a 9,000-byte URL", {"query": "a" * 9000}, 414),
        ("a 20,000-byte URL", {"query": "a" * 20000}, 414),
        ("a 9,000-byte header", {"header": "b" * 9000}, 431),
        ("a 33 KiB header section", {"headers": 5}, 431),
    ],
)
def test_requests_the_app_refuses_for_size_get_the_apps_answer(
    stack: Stack, what: str, extra: dict[str, object], status: int
) -> None:
    """The app answers a request target or header line over 8,190 bytes, and a header section
    over 32 KiB, with a 414 or 431 saying what the limit is (feeds.request_line); nginx's
    default buffers answered them first with its own bare pages (414, and a 400 for the
    headers), so the config leaves room for the app's limits."""
    target = ARCHIVE + ".atom?t=sizes"
    headers: dict[str, str] = {}
    if "query" in extra:
        target += f"&x={extra['query']}"
    if "header" in extra:
        headers["X-Long"] = str(extra["header"])
    for n in range(int(str(extra.get("headers", 0)))):
        headers[f"X-Part-{n}"] = "c" * 7000
    response, body = stack.cache.request("GET", target, headers)
    assert response.status == status, (what, body[:200])
    assert response.getheader("Content-Type") == "text/plain; charset=utf-8", what
    assert body.startswith(f"{status} ".encode()) and b"this site takes at most" in body, what
    assert response.getheader("Cache-Control") == "no-store", what
