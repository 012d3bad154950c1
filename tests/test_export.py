"""Static export: every document the app serves, in a folder nginx serves as the app would.

The export is served by real nginx with the generated config, and every exported URL is
compared with the app (status, decoded body, Content-Type, ETag) for identity, gzip and Brotli
clients and for a conditional GET, and every extension-less feed URL for the Accept headers
of common clients; every URL of the site that any exported document links and the app serves
is exported; worker processes write the same files as one process; a second run rewrites only
what changed and removes what is gone; `--follow` keeps the folder in sync after any write
(an edit of an old article included) and when an embargo lifts.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.http import http_date, parse_accept_header, parse_date

from articles.model import Translation
from articles.store import Facet, article_facets
from feeds.export import (
    CONFIG_FOLDER,
    CONFIG_NAME,
    MANIFEST_NAME,
    Exporter,
    ExportReport,
    file_name,
)
from feeds.export import nginx as nginx_module
from feeds.export.manifest import load_manifest
from feeds.export.nginx import COMMON_ACCEPT
from feeds.negotiation import for_browser, negotiate
from feeds.writers import MEDIA_TYPES
from tests.fixtures.app import EMBARGO, NOW, Clock, article, default_articles
from tests.fixtures.http import FIREFOX_ACCEPT, MEDIA_RANGES, SITE, decoded
from tests.fixtures.servers import Server, free_port, start, stop, wait_until
from tests.test_http_dates import asctime_date, rfc850_date
from tests.test_podcast_feeds import SHOW, episode

NGINX = shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))


def corpus() -> list:  # type: ignore[type-arg]
    return [
        *default_articles(),
        article("ko-1", NOW - timedelta(hours=5), translations=(Translation("aug-2"),)),
        article("기사/한국", NOW - timedelta(hours=6), title="A & B"),
        article("ext", NOW - timedelta(hours=7), url="https://www.trt.example/ko/ext"),
        # A podcast show's episodes (the show `briefing` is configured below).
        *(episode(n) for n in range(1, 5)),
    ]


def make_exported_app(make_app: Callable[..., Flask]) -> Flask:
    # The show's own document size (episodes_per_feed) gives it pages too.
    show = {**SHOW, "episodes_per_feed": 3}
    return make_app(corpus(), site_url=SITE, items_per_feed=3, podcasts={"briefing": show})


@pytest.fixture
def exported(make_app: Callable[..., Flask], tmp_path: Path) -> tuple[Flask, Path]:
    app = make_exported_app(make_app)
    out = tmp_path / "out"
    report = Exporter(app, out, workers=1).run()
    assert not report.failed, report.failed
    assert report.written > 0 and report.unchanged == 0
    return app, out


def manifest(out: Path) -> dict[str, dict[str, str]]:
    """The last run's manifest: each document's entry (its fields by name) by site path."""
    return {
        path: asdict(entry)
        for path, entry in load_manifest(out / CONFIG_FOLDER / MANIFEST_NAME).items()
    }


def current(out: Path, path: str) -> Path:
    """The file of the document at `path` as the last run's manifest names it (a missing
    one when the document is not exported)."""
    entry = manifest(out).get(path)
    return out / entry["file"] if entry else out / "not exported"


def test_every_kind_of_document_is_exported(exported: tuple[Flask, Path]) -> None:
    _, out = exported
    paths = set(manifest(out))
    for expected in (
        "/",
        "/feeds.opml",
        "/feeds.opml?format=rss",
        "/feeds/all.atom",
        "/feeds/all.atom?page=2",
        "/feeds/all.rss?page=3",
        "/feeds/all.json",
        "/feeds/section/asia.json",
        "/feeds/all/archive/2025-07.atom",
        "/feeds/tag/japan/archive/2025-08.rss",
        "/section/asia",
        "/lang/en",
        "/articles/jul-1",
        "/articles/%EA%B8%B0%EC%82%AC%2F%ED%95%9C%EA%B5%AD",
        "/articles/ext",
        "/static/feed.xsl",
        "/static/feeds.css",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemaps/articles-2025-07.xml",
        "/sitemaps/news.xml",
        "/feeds/podcast/briefing.rss",
        "/feeds/podcast/briefing.atom?page=2",
        "/feeds/podcast/briefing.json",
        "/feeds/podcast/briefing/archive/2025-07.rss",
        "/podcast/briefing",
    ):
        assert expected in paths, expected
    assert not any("embargoed" in p or "draft" in p for p in paths)


def test_files_hold_the_apps_bytes_with_compressed_forms(exported: tuple[Flask, Path]) -> None:
    app, out = exported
    client = app.test_client()
    for path, entry in manifest(out).items():
        response = client.get(path, base_url=SITE)
        data = (out / entry["file"]).read_bytes()
        assert data == response.data, path
        stem, _, key = entry["file"].rpartition(".")
        assert gzip.decompress((out / f"{stem}.gz.{key}").read_bytes()) == data
        assert brotli.decompress((out / f"{stem}.br.{key}").read_bytes()) == data
        # Every text document is compressed by the app, and the forms beside it are the app's
        # own bytes; only the sample images go as they are.
        text = not entry["content_type"].startswith("image/")
        assert entry["app_compresses"] == text, path
        for coding, suffix in (("gzip", "gz"), ("br", "br")):
            compressed = client.get(path, base_url=SITE, headers={"Accept-Encoding": coding})
            assert compressed.headers.get("Content-Encoding") == (coding if text else None), path
            if text:
                assert (out / f"{stem}.{suffix}.{key}").read_bytes() == compressed.data, path
        assert entry["content_type"] == response.headers["Content-Type"]
        assert entry["etag"] == response.headers["ETag"]


def test_second_run_rewrites_only_what_changed_and_removes_what_is_gone(
    exported: tuple[Flask, Path], clock: Clock
) -> None:
    app, out = exported
    exporter = Exporter(app, out, workers=1, grace=0)
    again = exporter.run()
    assert (again.written, again.removed) == (0, 0)
    assert again.unchanged == len(manifest(out))
    before = manifest(out)
    store = app.extensions["feeds.store"]
    store.delete("jul-3")  # in the world section and July
    edited = article("aug-4", datetime_of(before, "aug-4"), title="고친 제목", updated=NOW)
    store.upsert_many([edited])
    third = exporter.run()
    after = manifest(out)
    # The deleted article's page is the app's 410 Gone; its old version's files are gone.
    assert after["/articles/jul-3"]["status"] == 410
    assert [p.name for p in out.glob("articles/jul-3*")] == [
        Path(after["/articles/jul-3"]["file"]).name
    ]
    assert after["/articles/aug-4"]["etag"] != before["/articles/aug-4"]["etag"]
    assert third.written + third.unchanged == len(after)
    # Only documents whose ETag changed were rewritten; article pages of untouched articles
    # were not even asked for.
    changed = {p for p in after if p in before and after[p]["etag"] != before[p]["etag"]}
    new = {p for p in after if p not in before}
    assert third.written == len(changed) + len(new)
    assert {p for p in changed if p.startswith("/articles/")} == {
        "/articles/aug-4",
        "/articles/jul-3",
    }
    # The embargo lifts: the article appears, in its page, feeds and sitemaps.
    clock.now = EMBARGO + timedelta(minutes=1)
    fourth = exporter.run()
    assert "/articles/embargoed" in manifest(out)
    assert fourth.written >= 1


def datetime_of(documents: dict[str, dict[str, str]], article_id: str):  # type: ignore[no-untyped-def]
    return next(a.published for a in corpus() if a.id == article_id)


def test_a_new_code_version_re_exports_article_pages(
    exported: tuple[Flask, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, out = exported
    monkeypatch.setattr("feeds.export.OUTPUT_VERSION", "another version")
    Exporter(app, out).run()
    # Each article page was asked again (only an asked page's state is renewed).
    assert all(
        "another version" in e["state"]
        for p, e in manifest(out).items()
        if p.startswith("/articles/")
    )


def test_file_names_cannot_leave_the_folder() -> None:
    assert file_name("/articles/..") == "articles/%2E%2E"
    assert file_name("/articles/.") == "articles/%2E"
    assert file_name("/") == "index.html"
    assert file_name("/feeds/all.atom?page=2") == "feeds/all.atom@page=2"


def test_export_refuses_without_a_public_site_url(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["feeds", "export", "/tmp/unused-export"])
    assert result.exit_code != 0
    assert "site_url" in result.output


def test_cli_reports_counts(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    app = make_app(site_url=SITE)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["feeds", "export", str(tmp_path / "out")])
    assert first.exit_code == 0, first.output
    assert " written, 0 unchanged, 0 removed" in first.output
    second = runner.invoke(args=["feeds", "export", str(tmp_path / "out")])
    assert "0 written" in second.output and "0 removed" in second.output


def test_follow_keeps_the_folder_in_sync_after_a_write(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(site_url=SITE)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    stopping = threading.Event()
    runs: list[object] = []
    follower = threading.Thread(
        target=exporter.follow,
        kwargs={"interval": 0.1, "report": runs.append, "stop": stopping.is_set},
    )
    follower.start()
    try:
        wait_until(lambda: len(runs) >= 1, "the first export")
        app.extensions["feeds.store"].upsert_many([article("new-1", NOW - timedelta(hours=1))])
        started = time.monotonic()
        wait_until(
            lambda: current(out, "/articles/new-1").exists(),
            "the new article's page",
            timeout=10,
        )
        assert time.monotonic() - started < 5
        feed = json.loads(current(out, "/feeds/all.json").read_text(encoding="utf-8"))
        assert feed["items"][0]["url"].endswith("/articles/new-1")
    finally:
        stopping.set()
        follower.join(timeout=10)


# --- served by nginx ------------------------------------------------------------------------


def nginx_main(tmp: Path, site_conf: Path, port: int) -> str:
    """The main config; it includes the generated one itself when that listens on `port`
    (exported with `listen=`, so a reload reads what the export writes), else a copy with
    its `listen` set to `port`."""
    include = site_conf
    conf = site_conf.read_text(encoding="utf-8")
    if f"listen 127.0.0.1:{port};" not in conf:
        include = tmp / "site.conf"
        include.write_text(
            conf.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};"), encoding="utf-8"
        )
    user = ""
    if os.geteuid() == 0:
        import grp
        import pwd

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
events {{ worker_connections 64; }}
http {{
    access_log off;
{temp}
    include {include};
}}
"""


@contextlib.contextmanager
def serving(out: Path, tmp: Path, port: int | None = None) -> Iterator[Server]:
    """nginx serving the export in `out` with its generated config (on `port`, or a free one)."""
    if NGINX is None:
        if os.environ.get("FEEDS_REQUIRE_NGINX") == "1":
            pytest.fail("nginx is not installed (FEEDS_REQUIRE_NGINX=1)")
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    tmp.mkdir()
    port = port or free_port()
    (tmp / "nginx.conf").write_text(nginx_main(tmp, out / CONFIG_FOLDER / CONFIG_NAME, port))
    check = subprocess.run(
        [NGINX, "-t", "-p", f"{tmp}/", "-c", str(tmp / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    server = Server(port, tmp / "error.log")
    process = start([NGINX, "-p", f"{tmp}/", "-c", str(tmp / "nginx.conf")], tmp / "out.log")

    def up() -> bool:
        try:
            server.request("GET", "/robots.txt")
        except OSError:
            return False
        return True

    try:
        wait_until(up, "nginx to answer")
        yield server
    finally:
        stop(process, timeout=10)


@pytest.fixture
def nginx(exported: tuple[Flask, Path], tmp_path: Path) -> Iterator[Server]:
    with serving(exported[1], tmp_path / "nginx") as server:
        yield server


@pytest.mark.parametrize("accept_encoding", ["identity", "gzip", "br", "gzip, deflate, br"])
def test_nginx_serves_every_exported_url_as_the_app_does(
    exported: tuple[Flask, Path], nginx: Server, accept_encoding: str
) -> None:
    app, out = exported
    client: FlaskClient = app.test_client()
    for path in manifest(out):
        headers = {"Accept-Encoding": accept_encoding}
        theirs = client.get(path, base_url=SITE, headers=headers)
        response, body = nginx.request("GET", path, headers)
        assert response.status == theirs.status_code == 200, path
        coding = response.getheader("Content-Encoding")
        text = not theirs.headers["Content-Type"].startswith("image/")
        assert coding == (
            ("br" if "br" in accept_encoding else "gzip" if "gzip" in accept_encoding else None)
            if text
            else None
        ), path
        # The same representation: coding, bytes, ETag and Vary.
        assert coding == theirs.headers.get("Content-Encoding"), path
        assert body == theirs.data, path
        assert response.getheader("Content-Type") == theirs.headers["Content-Type"], path
        assert response.getheader("ETag") == theirs.headers["ETag"], path
        assert response.getheader("Cache-Control") == theirs.headers.get("Cache-Control"), path
        assert response.getheader("Vary") == theirs.headers.get("Vary"), path
        assert response.getheader("Last-Modified") == theirs.headers.get("Last-Modified"), path
        again, again_body = nginx.request(
            "GET", path, {**headers, "If-None-Match": response.getheader("ETag") or ""}
        )
        assert again.status == 304 and again_body == b"", path


def test_nginx_answers_404_for_what_was_not_exported(nginx: Server) -> None:
    for path in ("/articles/draft", "/articles/embargoed", f"/_nginx/{MANIFEST_NAME}", "/nope"):
        response, _ = nginx.request("GET", path)
        assert response.status == 404, path


# --- conditional GET: nginx answers If-None-Match and If-Modified-Since as the app does -----


def conditional_cases(etag: str, last_modified: str) -> list[dict[str, str]]:
    """Validators for a document sent with `etag` and `last_modified` ("" when none): dates
    equal, later and earlier, tags in lists, weak, of another coding, `*`, near misses."""
    opaque = plain_tag(etag)
    dated = parse_date(last_modified) if last_modified else NOW
    assert dated is not None
    cases: list[dict[str, str]] = [
        {"If-Modified-Since": http_date(dated)},
        {"If-Modified-Since": http_date(dated + timedelta(seconds=1))},
        {"If-Modified-Since": http_date(dated - timedelta(seconds=1))},
        {"If-Modified-Since": http_date(dated + timedelta(days=3650))},  # ahead of the clock
        {"If-Modified-Since": "not a date"},
        # The obsolete forms, which a recipient must read (RFC 9110 5.6.7) ...
        {"If-Modified-Since": rfc850_date(dated)},
        {"If-Modified-Since": asctime_date(dated)},
        {"If-Modified-Since": asctime_date(dated - timedelta(seconds=1))},
        {"If-Modified-Since": rfc850_date(dated + timedelta(days=3650))},
        # ... and what nginx's own parser reads leniently but is no HTTP-date: ignored (200).
        {"If-Modified-Since": http_date(dated + timedelta(days=1)).replace("GMT", "+0000")},
        {"If-Modified-Since": http_date(dated + timedelta(days=1)).lower()},
        {"If-Modified-Since": "Xyz, " + http_date(dated + timedelta(days=1))[5:]},
        {"If-Modified-Since": http_date(dated) + ", " + http_date(dated)},
        {"If-Modified-Since": http_date(dated) + " x"},
        {"If-Modified-Since": "Mon, 00 " + http_date(dated + timedelta(days=40))[8:]},
        {"If-Modified-Since": "Thu, 31 Apr 2025 00:00:00 GMT"},
        {"If-Unmodified-Since": "Thu, 31 Apr 2025 00:00:00 GMT"},
        {"If-Unmodified-Since": "Sat, 29 Feb 2025 00:00:00 GMT"},
        {"If-Unmodified-Since": "Thu Feb 29 00:00:00 2024"},
        {"If-Unmodified-Since": http_date(dated - timedelta(days=1)).replace("GMT", "+0000")},
        {"If-None-Match": f'"other", {etag}'},
        {"If-None-Match": f'"other",{etag} , "more"'},
        {"If-None-Match": f'W/"{opaque}"'},
        {"If-None-Match": f'"x", W/"{opaque}-gz"'},
        {"If-None-Match": f'w/"{opaque}-br"'},
        {"If-None-Match": "*"},
        {"If-None-Match": f'"{opaque}x", "x{opaque}"'},
        {"If-None-Match": f'"{opaque}-deflate"'},
        {"If-None-Match": '"other"', "If-Modified-Since": http_date(dated)},
        {"If-None-Match": etag, "If-Modified-Since": http_date(dated - timedelta(days=1))},
        {"If-Match": etag},
        {"If-Match": f'"other", {etag}'},
        {"If-Match": f'"{opaque}-gz"'},
        {"If-Match": f'W/"{opaque}"'},
        {"If-Match": "*"},
        {"If-Match": '"other"'},
        {"If-Match": etag, "If-None-Match": etag},
        {"If-Match": '"other"', "If-None-Match": etag},
        {"If-Unmodified-Since": http_date(dated)},
        {"If-Unmodified-Since": http_date(dated - timedelta(seconds=1))},
        {"If-Unmodified-Since": http_date(dated + timedelta(seconds=1))},
        {"If-Unmodified-Since": "not a date"},
        {"If-Match": etag, "If-Unmodified-Since": http_date(dated - timedelta(days=1))},
    ]
    return cases


def plain_tag(etag: str) -> str:
    """The opaque tag of a document whatever coding's ETag `etag` is (`"x-gz"` -> `x`)."""
    return re.sub(r"-(gz|br)$", "", etag.removeprefix("W/").strip('"'))


@pytest.mark.parametrize("accept", ["", FIREFOX_ACCEPT])
def test_nginx_answers_conditional_requests_as_the_app_does(
    exported: tuple[Flask, Path], nginx: Server, accept: str
) -> None:
    """For every kind of exported document (with Last-Modified and without, served as itself and as
    generic XML to a browser), each validator gets nginx's 304 exactly where it gets the
    app's, and a 304 only where the client's copy is current."""
    app, out = exported
    client: FlaskClient = app.test_client()
    undated = 0
    documents = manifest(out)
    # Three documents of each media type, with Last-Modified and without (the rules are per
    # document kind; every document is compared on plain requests above).
    kinds: dict[tuple[str, bool], list[str]] = {}
    for path, entry in documents.items():
        kinds.setdefault((entry["content_type"], bool(entry["last_modified"])), []).append(path)
    browsed = {MEDIA_TYPES["atom"], MEDIA_TYPES["rss"]}  # what a browser gets as generic XML
    for (content_type, _), paths in sorted(kinds.items()):
        if accept and content_type not in browsed:
            continue
        for path in paths[:3]:
            base = {"Accept-Encoding": "gzip", **({"Accept": accept} if accept else {})}
            first = client.get(path, base_url=SITE, headers=base)
            last_modified = first.headers.get("Last-Modified", "")
            undated += not last_modified
            ours, _ = nginx.request("GET", path, base)
            for case in conditional_cases(first.headers["ETag"], last_modified):
                headers = {**base, **case}
                theirs = client.get(path, base_url=SITE, headers=headers)
                response, body = nginx.request("GET", path, headers)
                assert (response.status, path, case) == (theirs.status_code, path, case)
                if response.status == 200:
                    assert body and response.getheader("ETag") == ours.getheader("ETag"), path
                if response.status == 412:
                    # The app's 412: its validators, text and caching.
                    for name in ("ETag", "Last-Modified", "Vary", "Cache-Control"):
                        assert response.getheader(name) == theirs.headers.get(name), (name, path)
                    assert b"drop If-Match" in body, path
    # Every exported document is dated as the app dates it (pages, OPML, sitemaps, robots.txt
    # included), so nginx answers If-Modified-Since on each.
    assert undated == 0


# Dates up to the app's clock (NOW), and from 2030 on (ahead of it and of nginx's, the real one):
# both compare a date ahead of the clock as any other.
_IMS_MOMENTS = st.one_of(
    st.datetimes(min_value=datetime(2025, 7, 1), max_value=NOW.replace(tzinfo=None)),
    st.datetimes(min_value=datetime(2030, 1, 1), max_value=datetime(2069, 12, 31)),
).map(lambda d: d.replace(microsecond=0, tzinfo=UTC))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moment=_IMS_MOMENTS,
    form=st.sampled_from([http_date, rfc850_date, asctime_date]),
    mutation=st.sampled_from(
        [
            lambda t: t,
            lambda t: t.replace("GMT", "+0000"),
            lambda t: t.replace("GMT", "UTC"),
            lambda t: t.lower(),
            lambda t: t.upper(),
            lambda t: t + ", " + t,
            lambda t: t.replace(" ", "  ", 1),
            lambda t: t.replace(":", " ", 1),
            lambda t: "Foo" + t[3:],
            lambda t: t[:-1],
            lambda t: t.replace(" 0", " 00", 1),
            lambda t: re.sub(r"\b\d\d\b", "00", t, count=1),
        ]
    ),
    path=st.sampled_from(["/feeds/all.atom", "/articles/ko-1", "/feeds.opml"]),
)
def test_nginx_answers_any_if_modified_since_as_the_app_does(
    exported: tuple[Flask, Path],
    nginx: Server,
    moment: datetime,
    form: Callable[[datetime], str],
    mutation: Callable[[str], str],
    path: str,
) -> None:
    """Dates in the three forms, near misses of them (zones, case, lists, spacing, day 00,
    other weekday names): nginx's 304 exactly where the app's."""
    app, _ = exported
    client: FlaskClient = app.test_client()
    header = mutation(form(moment))
    theirs = client.get(path, base_url=SITE, headers={"If-Modified-Since": header})
    response, _ = nginx.request("GET", path, {"If-Modified-Since": header})
    assert response.status == theirs.status_code, header


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    path=st.sampled_from(
        ["/feeds/all.atom", "/articles/ko-1", "/", "/feeds.opml", "/feeds/all.json?page=2"]
    ),
)
def test_nginx_answers_any_if_none_match_as_the_app_does(
    exported: tuple[Flask, Path], nginx: Server, data: st.DataObject, path: str
) -> None:
    """Lists of tags (the document's in any coding, weak or strong, near misses, others) with
    any spacing: nginx's 304 exactly where the app's."""
    app, _ = exported
    client: FlaskClient = app.test_client()
    etag = client.get(path, base_url=SITE).headers["ETag"]
    opaque = plain_tag(etag)
    tag = st.builds(
        lambda weak, body: f'{weak}"{body}"',
        st.sampled_from(["", "W/", "w/"]),
        st.sampled_from(
            [opaque, f"{opaque}-gz", f"{opaque}-br", f"{opaque}-", opaque[:-1], "other", "a,b"]
        ),
    )
    spacing = st.sampled_from(["", " ", "  ", "\t"])
    tags = data.draw(st.lists(st.tuples(spacing, tag, spacing), min_size=1, max_size=4))
    header = ",".join(f"{before}{t}{after}" for before, t, after in tags).strip()
    theirs = client.get(path, base_url=SITE, headers={"If-None-Match": header})
    response, _ = nginx.request("GET", path, {"If-None-Match": header})
    assert response.status == theirs.status_code, header


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    path=st.sampled_from(["/feeds/all.atom", "/articles/ko-1", "/", "/feeds/all.json?page=2"]),
    encoding=st.sampled_from(["identity", "gzip", "br"]),
)
def test_nginx_answers_any_if_match_as_the_app_does(
    exported: tuple[Flask, Path], nginx: Server, data: st.DataObject, path: str, encoding: str
) -> None:
    """If-Match lists (the document's tag in any coding, weak or strong, near misses, `*`),
    alone or with If-None-Match or If-Unmodified-Since: nginx's status and bytes are the
    app's (RFC 9110 13.2.2: If-Match first, by the strong comparison)."""
    app, _ = exported
    client: FlaskClient = app.test_client()
    first = client.get(path, base_url=SITE, headers={"Accept-Encoding": encoding})
    opaque = plain_tag(first.headers["ETag"])
    tag = st.builds(
        lambda weak, body: f'{weak}"{body}"',
        st.sampled_from(["", "", "W/"]),
        st.sampled_from([opaque, f"{opaque}-gz", f"{opaque}-br", opaque[:-1], "other"]),
    )
    tags = data.draw(st.lists(tag, min_size=1, max_size=3))
    headers = {
        "Accept-Encoding": encoding,
        "If-Match": data.draw(st.sampled_from([", ".join(tags), ",".join(tags), "*"])),
    }
    dated = parse_date(first.headers["Last-Modified"])
    assert dated is not None
    extra = data.draw(
        st.sampled_from(
            [
                {},
                {"If-None-Match": first.headers["ETag"]},
                {"If-Unmodified-Since": http_date(dated - timedelta(days=1))},
                {"If-Unmodified-Since": "yesterday"},
            ]
        )
    )
    headers.update(extra)
    theirs = client.get(path, base_url=SITE, headers=headers)
    response, body = nginx.request("GET", path, headers)
    assert response.status == theirs.status_code, headers
    if response.status == 200:
        assert decoded(body, response.getheader("Content-Encoding")) == decoded(
            theirs.data, theirs.headers.get("Content-Encoding")
        )
        assert response.getheader("ETag") == theirs.headers["ETag"], headers


def test_listen_is_an_option_every_run_keeps(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(site_url=SITE)
    runner = app.test_cli_runner()
    out = tmp_path / "out"
    conf = out / CONFIG_FOLDER / CONFIG_NAME
    args = ["feeds", "export", str(out), "--listen", "[::1]:8181"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    app.extensions["feeds.store"].upsert_many([article("new-1", NOW - timedelta(hours=1))])
    before = conf.read_text(encoding="utf-8")
    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    after = conf.read_text(encoding="utf-8")
    assert after != before  # rewritten, with the new article ...
    for text in (before, after):  # ... and the same listen
        public, loopback = re.findall(r"^\s*listen .*$", text, re.M)
        assert public == "    listen [::1]:8181;"
        assert re.fullmatch(r'    listen "unix:/.*\.sock";', loopback)  # see preconditions_map
    default = runner.invoke(args=["feeds", "export", str(tmp_path / "other")])
    assert default.exit_code == 0, default.output
    text = (tmp_path / "other" / CONFIG_FOLDER / CONFIG_NAME).read_text(encoding="utf-8")
    assert "    listen 127.0.0.1:8080;" in text


def test_a_failing_reload_command_fails_the_run_and_is_named(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(site_url=SITE)
    runner = app.test_cli_runner()
    out = str(tmp_path / "out")
    failed = runner.invoke(args=["feeds", "export", out, "--reload-command", "false --now"])
    assert failed.exit_code == 1
    assert "reload command 'false --now' failed (exit status 1" in failed.output
    unquoted = runner.invoke(args=["feeds", "export", out, "--reload-command", "nginx '-s"])
    assert unquoted.exit_code == 2 and "--reload-command" in unquoted.output
    assert runner.invoke(args=["feeds", "export", out, "--reload-command", "true"]).exit_code == 0


def test_a_follow_run_reloads_nginx_so_a_changed_document_has_its_new_etag(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """After a write and a follow run, nginx (reloaded by the run's reload command) sends the
    new bytes under the new ETag, and the old ETag no longer gets a 304."""
    app = make_app(site_url=SITE)
    client: FlaskClient = app.test_client()
    out, tmp, port = tmp_path / "out", tmp_path / "nginx", free_port()
    exporter = Exporter(app, out, workers=1, listen=f"127.0.0.1:{port}")
    assert not exporter.run().failed
    path = "/articles/jul-1"
    with serving(out, tmp, port) as nginx:
        old, _ = nginx.request("GET", path)
        old_tag = old.getheader("ETag")
        assert old_tag == client.get(path, base_url=SITE).headers["ETag"]
        exporter.reload_command = [NGINX or "nginx", "-p", f"{tmp}/", "-c", str(tmp / "nginx.conf")]
        exporter.reload_command.extend(["-s", "reload"])
        july = next(a for a in default_articles() if a.id == "jul-1").published
        edited = article("jul-1", july, title="고친 제목", updated=july + timedelta(minutes=30))
        app.extensions["feeds.store"].upsert_many([edited], now=clock())
        report = exporter.run(changes_only=True)
        assert not report.failed and report.written > 0, report
        new_tag = client.get(path, base_url=SITE).headers["ETag"]
        assert new_tag != old_tag

        def current() -> bool:
            response, body = nginx.request("GET", path)
            return response.getheader("ETag") == new_tag and "고친 제목" in body.decode()

        wait_until(current, "nginx to send the new ETag", timeout=10)

        # Old workers finish their connections after a reload (and may still take one for a
        # moment: the window docs/export.md describes), so wait for the old tag to be refused.
        def refused() -> bool:
            revalidated, body = nginx.request("GET", path, {"If-None-Match": old_tag or ""})
            return revalidated.status == 200 and "고친 제목" in body.decode()

        def settled() -> bool:
            return all(current() and refused() for _ in range(5))

        wait_until(settled, "nginx to refuse the old ETag on every worker", timeout=15)


def test_nginx_never_pairs_a_body_with_another_versions_headers_during_follow(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """While `--follow` (with nginx's reload command) exports several corrections of one
    article, requests hammer its page and its month's archive: no answer ever pairs a body
    with the ETag or Last-Modified of another version (every tag is seen with one body, every
    body with one tag). Each version of a document has its own files, and the reload switches
    the URL's file and headers together."""
    app = make_app(site_url=SITE)
    out, tmp, port = tmp_path / "out", tmp_path / "nginx", free_port()
    exporter = Exporter(app, out, workers=1, listen=f"127.0.0.1:{port}", grace=1.0)
    assert not exporter.run().failed
    page, archive = "/articles/jul-1", "/feeds/all/archive/2025-07.atom"
    july = next(a for a in default_articles() if a.id == "jul-1").published
    seen: list[tuple[str, int, str, str, bytes]] = []
    done = threading.Event()
    with serving(out, tmp, port) as nginx:
        exporter.reload_command = [NGINX or "nginx", "-p", f"{tmp}/", "-c", str(tmp / "nginx.conf")]
        exporter.reload_command.extend(["-s", "reload"])

        def hammer() -> None:
            while not done.is_set():
                for path in (page, archive):
                    response, body = nginx.request("GET", path)
                    etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
                    seen.append((path, response.status, etag or "", modified or "", body))

        hammers = [threading.Thread(target=hammer) for _ in range(3)]
        for each in hammers:
            each.start()
        runs, stop_following = follow_in_thread(exporter)
        try:
            for version in range(1, 5):
                title = f"고친 제목 {version}"
                edited = article(
                    "jul-1", july, title=title, updated=july + timedelta(minutes=version)
                )
                app.extensions["feeds.store"].upsert_many([edited], now=clock())

                def served(title: str = title) -> bool:
                    return all(
                        title in nginx.request("GET", path)[1].decode() for path in (page, archive)
                    )

                wait_until(served, f"nginx to serve version {version}", timeout=15)
                time.sleep(0.3)
            # The old versions' files go once the grace after their reload has passed.
            wait_until(
                lambda: files_of(out, "jul-1") == version_files(current(out, page)),
                "the old versions' files to be removed",
                timeout=15,
            )
        finally:
            done.set()
            for each in hammers:
                each.join(timeout=30)
            stop_following()
    assert all(status == 200 for _, status, _, _, _ in seen), {s for _, s, _, _, _ in seen}
    tags: dict[tuple[str, str], set[bytes]] = {}
    bodies: dict[tuple[str, bytes], set[str]] = {}
    dates: dict[tuple[str, str], set[str]] = {}
    for path, _, etag, modified, body in seen:
        tags.setdefault((path, etag), set()).add(body)
        bodies.setdefault((path, body), set()).add(etag)
        dates.setdefault((path, etag), set()).add(modified)
    assert len({etag for path, etag in tags if path == page}) >= 5, "not every version was seen"
    mixed = {key: len(found) for key, found in tags.items() if len(found) > 1}
    assert not mixed, f"an ETag sent with more than one body: {mixed}"
    assert not {key for key, found in bodies.items() if len(found) > 1}, "a body under two ETags"
    assert all(len(dates[key]) == 1 for key in dates if key[0] == page), dates
    assert len(seen) > 200


def test_an_old_versions_files_stay_until_a_reload_and_the_grace_have_passed(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """A replaced version's files are retired: kept while the reload that stops nginx naming
    them has not succeeded, removed `grace` seconds after it; without a reload command, `grace`
    seconds after the run that replaced them."""
    app = make_app(site_url=SITE)
    out = tmp_path / "out"
    july = next(a for a in default_articles() if a.id == "jul-1").published

    def edit(minutes: int) -> None:
        edited = article(
            "jul-1", july, title=f"판 {minutes}", updated=july + timedelta(minutes=minutes)
        )
        app.extensions["feeds.store"].upsert_many([edited], now=clock())

    exporter = Exporter(app, out, workers=1, reload_command=["false"], grace=0)
    assert exporter.run().failed
    first = current(out, "/articles/jul-1")
    edit(1)
    assert exporter.run(changes_only=True).failed
    second = current(out, "/articles/jul-1")
    assert first != second and first.exists() and second.exists()
    exporter.reload_command = ["true"]
    assert not exporter.run().failed
    assert files_of(out, "jul-1") == version_files(second)

    later = Exporter(app, out, workers=1, grace=0.5)
    edit(2)
    assert not later.run().failed
    third = current(out, "/articles/jul-1")
    assert second.exists() and third.exists()
    time.sleep(0.6)
    assert not later.run().failed
    assert files_of(out, "jul-1") == version_files(third)


def files_of(out: Path, article_id: str) -> set[str]:
    """The names of every file of an article's page below DIR, of any version."""
    return {p.name for p in (out / "articles").glob(f"{article_id}.*")}


def version_files(file: Path) -> set[str]:
    """The names of one version's file and its compressed forms."""
    stem, _, key = file.name.rpartition(".")
    return {file.name, f"{stem}.gz.{key}", f"{stem}.br.{key}"}


# --- what is exported: everything the documents link ----------------------------------------

LINK = re.compile(re.escape(SITE) + r"""[^\s"'<>)\\]*""")


def linked_paths(out: Path) -> set[str]:
    """Every path (with query) under SITE that an exported document names."""
    found: set[str] = set()
    for entry in manifest(out).values():
        if not entry["content_type"].split(";")[0].endswith(("xml", "html", "json", "opml")):
            continue
        text = html.unescape((out / entry["file"]).read_text(encoding="utf-8"))
        for url in LINK.findall(text):
            path = url.removeprefix(SITE).rstrip(".,;") or "/"
            found.add(path.split("#")[0])
    return found


def test_every_document_the_export_links_and_the_app_serves_is_exported(
    exported: tuple[Flask, Path],
) -> None:
    app, out = exported
    client = app.test_client()
    paths = set(manifest(out))
    linked = linked_paths(out)
    assert "/feeds/podcast/briefing.rss" in linked and "/podcast/briefing" in linked
    missing = []
    for path in sorted(linked - paths):
        if client.get(path, base_url=SITE).status_code != 200:
            continue  # not the app's (a record's image on the newsroom's host, say)
        stem = path.split("?")[0]
        if stem.startswith("/feeds/") and "." not in stem.rsplit("/", 1)[-1]:
            # Served by format negotiation: the document of each format is exported.
            query = "?" + path.split("?", 1)[1] if "?" in path else ""
            if all(f"{stem}.{fmt}{query}" in paths for fmt in ("atom", "rss", "json")):
                continue
        missing.append(path)
    assert not missing


def test_worker_processes_write_what_one_process_writes(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_exported_app(make_app)
    one, two = tmp_path / "one", tmp_path / "two"
    first = Exporter(app, one, workers=1).run()
    second = Exporter(app, two, workers=2, min_parallel_tasks=1).run()
    assert (first.written, first.failed) == (second.written, second.failed)
    assert manifest(one) == manifest(two)
    for entry in manifest(one).values():
        stem, _, key = entry["file"].rpartition(".")
        for name in (entry["file"], f"{stem}.gz.{key}", f"{stem}.br.{key}"):
            assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert not [p for p in two.rglob(".tmp-*")]
    again = Exporter(app, two, workers=2, min_parallel_tasks=1).run()
    assert (again.written, again.removed, again.unchanged) == (0, 0, first.written)


# --- the change sequence and --follow ---------------------------------------------------------


def test_every_write_that_changes_an_article_moves_the_change_sequence(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    store = make_app(site_url=SITE).extensions["feeds.store"]
    start = store.change_seq()
    old = article("old-1", NOW - timedelta(days=3))
    store.upsert_many([old], now=clock())
    assert store.change_seq() == start + 1
    store.upsert_many([old], now=clock())  # the same record again: unchanged
    assert store.change_seq() == start + 1
    # Same `updated`, different content (a takedown): a change.
    store.upsert_many([article("old-1", old.published, status="withheld")], now=clock())
    assert store.change_seq() == start + 2
    store.upsert_many([article("draft-2", NOW, status="draft")], now=clock())
    assert store.change_seq() == start + 3
    store.delete("old-1", now=clock())
    assert store.change_seq() == start + 4
    # Each feed a write changed is listed after the reading taken before it, whatever the
    # clock said (every write above was stamped at the same moment): the takedown took
    # old-1 out of its feeds; the draft and the deletion of a withheld article changed none.
    assert store.changed_feeds(start + 1) == {Facet("all"), *article_facets(old)}
    assert store.changed_feeds(start + 2) == set()
    # ... and each article a write changed, by the same readings.
    assert store.changed_articles(start) == {"old-1", "draft-2"}
    assert store.changed_articles(start + 2) == {"old-1", "draft-2"}
    assert store.changed_articles(start + 3) == {"old-1"}
    assert store.changed_articles(start + 4) == set()


def test_the_article_change_log_is_pruned_and_says_when_it_no_longer_reaches_back(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log keeps the last LOG_KEEP sequence numbers; a reading older than that gets None
    (look at everything), and a follow run then reads every article's state: the same result
    as a full run."""
    monkeypatch.setattr("articles.store.feed_totals.LOG_KEEP", 2)
    monkeypatch.setattr("articles.store.feed_totals.LOG_PRUNE_EVERY", 1)
    app = make_app(site_url=SITE)
    store = app.extensions["feeds.store"]
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    first = exporter.run()
    start = store.change_seq()
    for n in range(4):
        store.upsert_many([article(f"new-{n}", NOW - timedelta(hours=n + 1))], now=clock())
    assert store.changed_articles(start) is None
    assert store.changed_articles(start + 2) == {"new-2", "new-3"}
    follow = exporter.run(changes_only=True)
    assert follow.articles_read == first.articles_read + 4, follow.line()
    assert_follow_run_matches_a_full_run(app, out, follow)


def test_a_transaction_changing_more_than_the_log_holds_is_logged_as_changing_everything(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large import keeps no id per record for the log (a 1M-record file held them all, about
    150 MB): past LOG_MAX_IDS the transaction is logged as changing everything, a reading from
    before it gets None (a follow run reads every article, ending where a full run ends), and
    the log is exact again from the next write."""
    monkeypatch.setattr("articles.store.feed_totals.LOG_MAX_IDS", 3)
    app = make_app(site_url=SITE)
    store = app.extensions["feeds.store"]
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    exporter.run()
    start = store.change_seq()
    store.upsert_many([article("few-1", NOW - timedelta(hours=1))], now=clock())
    assert store.changed_articles(start) == {"few-1"}
    many = [article(f"many-{n}", NOW - timedelta(hours=n + 2)) for n in range(5)]
    store.upsert_many(many, now=clock())
    assert store.changed_articles(start) is None
    assert store.changed_articles(start + 1) is None
    assert store.changed_articles(start + 2) == set()
    store.upsert_many([article("few-2", NOW - timedelta(minutes=30))], now=clock())
    assert store.changed_articles(start + 2) == {"few-2"}
    follow = exporter.run(changes_only=True)
    assert_follow_run_matches_a_full_run(app, out, follow)


def follow_in_thread(exporter: Exporter) -> tuple[list[object], Callable[[], None]]:
    stopping = threading.Event()
    runs: list[object] = []
    follower = threading.Thread(
        target=exporter.follow,
        kwargs={"interval": 0.1, "report": runs.append, "stop": stopping.is_set},
    )
    follower.start()

    def stop() -> None:
        stopping.set()
        follower.join(timeout=10)

    wait_until(lambda: len(runs) >= 1, "the first export")
    return runs, stop


def test_follow_exports_an_edit_of_an_old_article(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """An edit whose `updated` is neither its month's newest nor its feeds' (jul-1, corrected
    to a time before jul-2's and jul-3's) changes no count and no newest time; the change
    sequence still sees it."""
    app = make_app(site_url=SITE)
    out = tmp_path / "out"
    runs, stop = follow_in_thread(Exporter(app, out, workers=1))

    def page() -> Path:
        return current(out, "/articles/jul-1")

    def archive() -> Path:
        return current(out, "/feeds/all/archive/2025-07.atom")

    first_page = page()
    try:
        assert "고친 제목" not in page().read_text(encoding="utf-8")
        july = next(a for a in default_articles() if a.id == "jul-1").published
        edited = article("jul-1", july, title="고친 제목", updated=july + timedelta(minutes=30))
        app.extensions["feeds.store"].upsert_many([edited], now=clock())
        wait_until(
            lambda: "고친 제목" in page().read_text(encoding="utf-8"), "the edited page", timeout=10
        )
        wait_until(
            lambda: "고친 제목" in archive().read_text(encoding="utf-8"),
            "the July archive",
            timeout=10,
        )
        # The old version's file stays (nginx may name it until reloaded), retired.
        assert first_page.exists() and first_page != page()
        # Deleting it replaces its page with the app's 410 Gone.
        app.extensions["feeds.store"].delete("jul-1", now=clock())
        wait_until(
            lambda: manifest(out)["/articles/jul-1"]["status"] == 410,
            "the deleted page's 410",
            timeout=10,
        )
        assert "삭제된 기사" in page().read_text(encoding="utf-8")
    finally:
        stop()


def test_follow_exports_an_article_when_its_embargo_lifts(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    app = make_app(site_url=SITE)
    out = tmp_path / "out"
    runs, stop = follow_in_thread(Exporter(app, out, workers=1))
    try:
        assert not current(out, "/articles/embargoed").exists()
        time.sleep(0.5)
        assert len(runs) == 1  # nothing changed: no run
        clock.now = EMBARGO + timedelta(seconds=1)  # no write: only time passes
        wait_until(
            lambda: current(out, "/articles/embargoed").exists(),
            "the lifted article's page",
            timeout=10,
        )
        feed = json.loads(current(out, "/feeds/all.json").read_text(encoding="utf-8"))
        assert feed["items"][0]["url"].endswith("/articles/embargoed")
    finally:
        stop()


NEGOTIATED = (
    "/feeds/all",
    "/feeds/all?page=2",
    "/feeds/section/asia",
    "/feeds/all/archive/2025-07",
    "/feeds/podcast/briefing",
    # With a format: only the browser's media type depends on Accept.
    "/feeds/all.rss",
    "/feeds/tag/japan.atom?page=2",
    "/feeds/all.json",
)
# Beyond the configured table: headers without parameters, which the map answers by its rules.
OTHER_ACCEPT = (
    "image/png",
    "application/feed+json, text/xml",
    "TEXT/XML",
    "text/html",
    "text/html, application/rss+xml",
    "application/xhtml+xml,text/html",
)
# ... and with q-values: nginx forwards them to the app when it has an upstream.
WEIGHED_ACCEPT = (
    "application/rss+xml;q=0.5",
    "text/xml, application/rss+xml;q=1.0",
    "application/json;q=0.8, text/*;q=0.3",
    "text/html;q=0, */*",
    "application/xhtml+xml,text/html;q=0.9",
    "application/atom+xml;q=0.1, application/rss+xml;q=0.9",
    "*/*, application/atom+xml;q=0",
)


def test_nginx_chooses_format_and_media_type_from_accept_as_the_app_does(
    exported: tuple[Flask, Path], nginx: Server
) -> None:
    app, _ = exported
    client: FlaskClient = app.test_client()
    formats = set()
    browsers = 0
    for path in NEGOTIATED:
        for accept in (*COMMON_ACCEPT, *OTHER_ACCEPT):
            headers = {"Accept": accept} if accept else {}
            theirs = client.get(path, base_url=SITE, headers=headers)
            response, body = nginx.request("GET", path, headers)
            where = f"{path} with Accept {accept!r}"
            assert response.status == theirs.status_code, where
            assert body == theirs.data, where
            # A client preferring HTML gets Atom and RSS as application/xml (the stylesheet).
            assert response.getheader("Content-Type") == theirs.headers["Content-Type"], where
            browsers += for_browser(accept) and theirs.headers["Content-Type"].startswith(
                "application/xml"
            )
            if theirs.status_code == 200:
                if "." not in path.split("?")[0].rsplit("/", 1)[-1]:
                    formats.add(negotiate(accept))
                for name in ("ETag", "Content-Location", "Cache-Control", "Last-Modified"):
                    assert response.getheader(name) == theirs.headers.get(name), (where, name)
                assert "Accept" in (response.getheader("Vary") or "").split(", "), where
            else:
                assert theirs.status_code == 406, where
                assert response.getheader("Vary") == "Accept", where
    assert formats == {"atom", "rss", "json"}
    assert browsers > 0


# --- follow runs check only what a change can reach ---------------------------------------------


def plain(article_id: str, published, **changes):  # type: ignore[no-untyped-def]
    """An article in no feed but 'all' and its language's."""
    fields = {"section": None, "tags": (), "authors": (), "source": None, **changes}
    return article(article_id, published, **fields)


def filler(count: int) -> list:  # type: ignore[type-arg]
    """`count` articles, one an hour before NOW, in the default corpus's feeds."""
    return [article(f"old-{n:04d}", NOW - timedelta(days=1, hours=n)) for n in range(count)]


def assert_follow_run_matches_a_full_run(app: Flask, out: Path, follow: ExportReport) -> None:
    """What the follow run left (and counted) is what a full check finds: nothing to write or
    remove, the same files and headers."""
    left = manifest(out)
    assert follow.total == len(left), follow.line()
    full = Exporter(app, out, workers=1).run()
    assert not full.failed, full.failed
    assert (full.written, full.removed) == (0, 0), full.line()
    assert manifest(out) == left


def test_a_follow_run_checks_a_bounded_number_of_documents_whatever_the_store_size(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """One correction of an old article in one feed (besides 'all' and its language's):
    the same documents are checked in a store four times larger; a full run checks them all."""
    checked = []
    for size in (24, 96):
        july = NOW - timedelta(days=40)
        corpus = [*filler(size), plain("lone", july, language="en")]
        app = make_app(corpus, site_url=SITE, items_per_feed=3)
        out = tmp_path / f"out-{size}"
        exporter = Exporter(app, out, workers=1)
        first = exporter.run()
        edited = plain("lone", july, language="en", title="고침", updated=july + timedelta(hours=1))
        app.extensions["feeds.store"].upsert_many([edited], now=clock())
        report = exporter.run(changes_only=True)
        assert report.written > 0 and not report.failed
        assert report.checked < first.checked / 4, (report.line(), first.line())
        # Article rows read: the edited one (its change logged), not every article's.
        assert first.articles_read == size + 1
        assert report.articles_read == 1, report.line()
        checked.append(report.checked)
        assert_follow_run_matches_a_full_run(app, out, report)
    assert checked[0] == checked[1]


def test_a_run_sends_the_apps_new_date_for_documents_whose_bytes_stayed(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """A correction of an old article leaves robots.txt's bytes as they were (the same
    sitemaps named) but moves its date (it is dated by every month's last write): the follow
    run, whose If-None-Match gets a 304, keeps the file and takes the app's new
    Last-Modified (the manifest, nginx's maps and the files' times), as it does for every
    document. The OPML lists, also dated by every write to what they list, write that date
    as their dateModified, so theirs are new bytes."""
    app = make_exported_app(make_app)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    assert not exporter.run().failed
    before = manifest(out)
    jul1 = next(a for a in corpus() if a.id == "jul-1")
    edited = replace(jul1, title="고침", updated=jul1.updated + timedelta(hours=1))
    app.extensions["feeds.store"].upsert_many([edited], now=clock())
    clock.now += timedelta(seconds=2)  # the write is a whole second old: dated
    report = exporter.run(changes_only=True)
    assert not report.failed
    after = manifest(out)
    robots, opml = "/robots.txt", "/feeds.opml"
    assert after[robots]["etag"] == before[robots]["etag"]
    assert after[robots]["last_modified"] != before[robots]["last_modified"]
    assert after[opml]["etag"] != before[opml]["etag"]
    assert after[opml]["last_modified"] != before[opml]["last_modified"]
    client = app.test_client()
    for path, entry in after.items():
        sent = client.get(path, base_url=SITE).headers.get("Last-Modified", "")
        assert entry["last_modified"] == sent, path
        if sent:
            date = parse_date(sent)
            assert date is not None
            assert os.stat(out / entry["file"]).st_mtime == date.timestamp(), path
    assert_follow_run_matches_a_full_run(app, out, report)


def counterpart_edit(app: Flask, clock: Clock) -> None:
    # ko-1 names aug-2 as its English version: aug-2 corrected changes ko-1's links.
    aug2 = next(a for a in corpus() if a.id == "aug-2")
    edited = article(
        "aug-2",
        aug2.published,
        language="en",
        title="Seoul, Tokyo",
        updated=aug2.published + timedelta(hours=3),
    )
    app.extensions["feeds.store"].upsert_many([edited], now=clock())


def old_edit(app: Flask, clock: Clock) -> None:
    july = next(a for a in corpus() if a.id == "jul-1").published
    edited = article("jul-1", july, title="고친 제목", updated=july + timedelta(minutes=30))
    app.extensions["feeds.store"].upsert_many([edited], now=clock())


def section_move(app: Flask, clock: Clock) -> None:
    # The "world" section loses jul-3; no record names it any more.
    jul3 = next(a for a in corpus() if a.id == "jul-3").published
    moved = article("jul-3", jul3, section=None, updated=jul3 + timedelta(hours=1))
    app.extensions["feeds.store"].upsert_many([moved], now=clock())


def deletion(app: Flask, clock: Clock) -> None:
    app.extensions["feeds.store"].delete("jul-3", now=clock())


def new_article(app: Flask, clock: Clock) -> None:
    app.extensions["feeds.store"].upsert_many([article("new-1", NOW - timedelta(hours=1))])


def unlinking(app: Flask, clock: Clock) -> None:
    # ko-1 stops naming aug-2: aug-2's page loses its Korean link (aug-2 itself unwritten).
    ko1 = next(a for a in corpus() if a.id == "ko-1")
    edited = article("ko-1", ko1.published, updated=ko1.published + timedelta(hours=1))
    app.extensions["feeds.store"].upsert_many([edited], now=clock())


def embargo_lift(app: Flask, clock: Clock) -> None:
    clock.now = EMBARGO + timedelta(seconds=1)  # no write: only time passes


@pytest.mark.parametrize(
    "change",
    [old_edit, counterpart_edit, unlinking, section_move, deletion, new_article, embargo_lift],
)
def test_a_follow_run_leaves_what_a_full_run_would(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock, change: Callable[..., None]
) -> None:
    """Every kind of change (a correction of an old article, a translation counterpart's, a
    move out of a section, a deletion, a new article, an embargo lifting by the clock), with
    the writes stamped at the same moment as the first run's (no change time moves): the
    follow run brings DIR where a full run does."""
    app = make_exported_app(make_app)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    first = exporter.run()
    change(app, clock)
    report = exporter.run(changes_only=True)
    assert not report.failed, report.failed
    assert report.written > 0
    assert report.checked < first.checked
    assert_follow_run_matches_a_full_run(app, out, report)


def test_a_follow_run_exports_the_language_feeds_a_regional_article_is_in(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """A `ko-KR` article is in the feeds of `ko-KR` and `ko` (RFC 4647 basic filtering): the
    follow run writes both, as a full run would."""
    app = make_exported_app(make_app)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    exporter.run()
    store = app.extensions["feeds.store"]
    store.upsert_many([article("seoul", NOW - timedelta(minutes=30), language="ko-KR")])
    report = exporter.run(changes_only=True)
    assert not report.failed, report.failed
    for language_range in ("ko", "ko-KR"):
        feed = json.loads(current(out, f"/feeds/lang/{language_range}.json").read_text("utf-8"))
        assert feed["items"][0]["url"].endswith("/articles/seoul"), language_range
        assert feed["language"] == language_range
    assert_follow_run_matches_a_full_run(app, out, report)


# --- Accept headers nginx cannot weigh ----------------------------------------------------------

PARAMETERS = (
    ";q=0",
    ";q=1",
    ";q=1.0",
    ";Q=0.8",
    "; q=0.3",
    ";q=2",
    ";q=abc",
    ";charset=utf-8",
    ";level=1;q=0.7",
)


def accept_headers(parameters: bool) -> st.SearchStrategy[str]:
    """Accept headers from media ranges (offered types, wildcards, others, near misses), with
    q-values and other parameters when `parameters`, joined by commas with or without space."""
    plain = st.sampled_from(MEDIA_RANGES)
    if parameters:
        quality = st.integers(0, 1000).map(lambda n: f";q={n / 1000:.3f}".rstrip("0"))
        item = st.tuples(plain, st.one_of(st.just(""), st.sampled_from(PARAMETERS), quality)).map(
            "".join
        )
    else:
        item = plain
    return st.tuples(st.lists(item, max_size=5), st.sampled_from([",", ", ", " , "])).map(
        lambda parts: parts[1].join(parts[0])
    )


ACCEPT_PATHS = ("/feeds/all", "/feeds/section/asia?page=2", "/feeds/all.rss")


def same_answer(client: FlaskClient, server: Server, path: str, accept: str) -> None:
    theirs = client.get(path, base_url=SITE, headers={"Accept": accept})
    response, body = server.request("GET", path, {"Accept": accept})
    where = f"{path} with Accept {accept!r}"
    assert response.status == theirs.status_code, where
    assert body == theirs.data, where
    for name in ("Content-Type", "Content-Location", "ETag"):
        assert response.getheader(name) == theirs.headers.get(name), (where, name)


@pytest.fixture
def nginx_with_app(
    make_app: Callable[..., Flask], tmp_path: Path
) -> Iterator[tuple[Flask, Server]]:
    """nginx serving an export whose config forwards to the app (served in a thread)."""
    from werkzeug.serving import make_server

    app = make_exported_app(make_app)
    port = free_port()
    http_server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    out = tmp_path / "out"
    report = Exporter(app, out, workers=1, upstream=f"http://127.0.0.1:{port}").run()
    assert not report.failed, report.failed
    try:
        with serving(out, tmp_path / "nginx") as server:
            yield app, server
    finally:
        http_server.shutdown()
        thread.join(timeout=10)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(accept=accept_headers(parameters=True))
@example(accept=WEIGHED_ACCEPT[0])
@example(accept=WEIGHED_ACCEPT[1])
@example(accept=WEIGHED_ACCEPT[2])
@example(accept=WEIGHED_ACCEPT[3])
@example(accept=WEIGHED_ACCEPT[4])
@example(accept=WEIGHED_ACCEPT[5])
@example(accept=WEIGHED_ACCEPT[6])
def test_nginx_with_the_app_upstream_answers_any_accept_as_the_app_does(
    nginx_with_app: tuple[Flask, Server], accept: str
) -> None:
    """Any Accept header: nginx's answer (from the files, or the app's where it cannot weigh
    the header) is the app's: status, body, media type, Content-Location, ETag."""
    app, server = nginx_with_app
    client = app.test_client()
    for path in ACCEPT_PATHS:
        same_answer(client, server, path, accept)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(accept=accept_headers(parameters=False))
def test_nginx_alone_answers_accept_without_parameters_as_the_app_does(
    exported: tuple[Flask, Path], nginx: Server, accept: str
) -> None:
    """Without an upstream, every header of media ranges without parameters is answered as
    the app answers it, from the files."""
    app, _ = exported
    client = app.test_client()
    for path in ACCEPT_PATHS:
        same_answer(client, nginx, path, accept)


def test_nginx_alone_serves_the_default_where_it_cannot_weigh_accept(
    exported: tuple[Flask, Path], nginx: Server
) -> None:
    """A header outside the table with parameters: nginx serves Atom (the app's default) with
    Vary: Accept, where the app may choose another format or a 406 (documented)."""
    assert {negotiate(accept) for accept in WEIGHED_ACCEPT} >= {"atom", "rss", "json", None}
    for accept in WEIGHED_ACCEPT:
        response, _ = nginx.request("GET", "/feeds/all", {"Accept": accept})
        assert response.status == 200, accept
        assert response.getheader("Content-Location") == f"{SITE}/feeds/all.atom", accept
        assert "Accept" in (response.getheader("Vary") or ""), accept


def test_a_run_started_in_the_second_the_settings_came_into_use_dates_every_document(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    """The first export after a deploy or a settings change runs in the second the new version
    came into use: every document must still get the Last-Modified the app gives it a moment
    later (feeds.etag.settled_last_modified withholds a date in the current second), not be
    written undated until some later run."""
    deployed = Clock(NOW)  # the app starts at NOW, so its version came into use then
    app = make_app(corpus(), site_url=SITE, items_per_feed=3, FEEDS_CLOCK=deployed)
    assert app.extensions["feeds.version"].since(deployed()) == NOW
    exporter = Exporter(app, tmp_path / "out", workers=1)
    waited: list[float] = []

    def sleep(seconds: float) -> None:  # the clock moves as the run waits
        waited.append(seconds)
        deployed.now += timedelta(seconds=seconds)

    exporter.sleep = sleep
    report = exporter.run()
    assert not report.failed and report.written > 0
    undated = [p for p, entry in manifest(tmp_path / "out").items() if not entry["last_modified"]]
    assert undated == []
    assert len(waited) == 1 and 0 < waited[0] <= 1
    # A run with nothing new in the current second does not wait.
    exporter.run()
    assert len(waited) == 1


def test_a_configured_show_without_episodes_is_exported_as_the_app_serves_it(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """Before its first episode (a full run), and after its last one is deleted (a follow
    run, no tombstone to keep the feed): the show's documents are the app's."""
    launch = {**SHOW, "title": "Launching Soon", "section": "launch"}
    app = make_app(
        corpus(),
        site_url=SITE,
        tombstone_days=0,
        podcasts={"briefing": SHOW, "launch": launch},
    )
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    report = exporter.run()
    assert not report.failed, report.failed
    client = app.test_client()

    def exported_as_served(slug: str) -> None:
        for path in (
            f"/feeds/podcast/{slug}.rss",
            f"/feeds/podcast/{slug}.atom",
            f"/feeds/podcast/{slug}.json",
            f"/podcast/{slug}",
        ):
            response = client.get(path, base_url=SITE)
            assert response.status_code == 200, path
            assert current(out, path).read_bytes() == response.data, path

    exported_as_served("launch")
    clock.now += timedelta(hours=1)
    for number in range(1, 5):
        app.extensions["feeds.store"].delete(f"ep-{number:02d}", now=clock())
    follow = exporter.run(changes_only=True)
    assert not follow.failed, follow.failed
    exported_as_served("briefing")
    assert_follow_run_matches_a_full_run(app, out, follow)


# --- Accept-Encoding: nginx answers as the app does -------------------------------------------

# Every kind of document, the static files among them: the images the app sends only as
# they are answer a refused identity with their own 406, as the app does.
CODING_PATHS = (
    "/feeds/all.atom",
    "/feeds/all.json",
    "/feeds/all",
    "/articles/ko-1",
    "/",
    "/static/feeds.css",
    "/samples/images/cho-hyun-tokyo.png",
)
REFUSING = (
    "identity;q=0",
    "*;q=0",
    "identity;q=0, *;q=0",
    "identity;q=0.000",
    "deflate, identity;q=0",
    "*;q=0, gzip;q=0",
)


def accept_encodings(parameters: bool) -> st.SearchStrategy[str]:
    """Accept-Encoding headers: codings we send and do not, `*`, identity, upper case; with
    `parameters`, q-values from 0 to 1 (and `q=0` often)."""
    name = st.sampled_from(["br", "gzip", "x-gzip", "identity", "*", "deflate", "zstd", "BR"])
    quality = st.one_of(
        st.just(""),
        st.sampled_from([";q=0", ";q=0.0", ";q=1", ";q=0.5", "; q=0.001", ";q=1.000"]),
        st.integers(0, 1000).map(lambda n: f";q={n / 1000:g}"),
    )
    item = st.builds(lambda n, q: n + q, name, quality if parameters else st.just(""))
    return st.lists(item, min_size=1, max_size=4).map(", ".join)


def same_coding(client: FlaskClient, server: Server, path: str, headers: dict[str, str]) -> None:
    """nginx's status and body are the app's, and so are the coding and ETag of a 200."""
    theirs = client.get(path, base_url=SITE, headers=headers)
    response, body = server.request("GET", path, headers)
    where = f"{path} with {headers!r}"
    assert response.status == theirs.status_code, where
    assert body == theirs.data, where
    for name in ("Content-Encoding", "Content-Type", "ETag", "Vary", "Cache-Control"):
        assert response.getheader(name) == theirs.headers.get(name), (where, name)


@pytest.mark.parametrize("header", [*nginx_module.COMMON_ACCEPT_ENCODING, *REFUSING])
def test_nginx_answers_common_and_refusing_accept_encodings_as_the_app_does(
    exported: tuple[Flask, Path], nginx: Server, header: str
) -> None:
    """The table's headers and those refusing an uncompressed body: the app's coding, or its
    406 (text, or JSON on a JSON Feed URL) where nothing it has is acceptable."""
    app, _ = exported
    client = app.test_client()
    for path in CODING_PATHS:
        same_coding(client, nginx, path, {"Accept-Encoding": header})


def test_a_refused_identity_still_gets_the_304_its_validators_earn(
    exported: tuple[Flask, Path], nginx: Server
) -> None:
    """The app weighs preconditions before the coding: If-None-Match with the tag, or a current
    If-Modified-Since, is a 304 even with `identity;q=0`; other dates, tags or none: 406."""
    app, _ = exported
    client = app.test_client()
    for path in CODING_PATHS:
        first = client.get(path, base_url=SITE)
        dated = parse_date(first.headers["Last-Modified"])
        assert dated is not None
        for extra in (
            {"If-None-Match": first.headers["ETag"]},
            {"If-None-Match": '"other"'},
            {"If-Modified-Since": first.headers["Last-Modified"]},
            {"If-Modified-Since": http_date(dated - timedelta(seconds=1))},
            {"If-Modified-Since": http_date(dated + timedelta(days=3650))},
            {"If-Modified-Since": "not a date"},
            {"If-None-Match": '"other"', "If-Modified-Since": first.headers["Last-Modified"]},
        ):
            headers = {"Accept-Encoding": "identity;q=0", **extra}
            theirs = client.get(path, base_url=SITE, headers=headers)
            response, _ = nginx.request("GET", path, headers)
            assert response.status == theirs.status_code, (path, extra)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=accept_encodings(parameters=False))
def test_nginx_alone_answers_accept_encoding_without_parameters_as_the_app_does(
    exported: tuple[Flask, Path], nginx: Server, header: str
) -> None:
    app, _ = exported
    client = app.test_client()
    for path in CODING_PATHS:
        same_coding(client, nginx, path, {"Accept-Encoding": header})


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=accept_encodings(parameters=True))
def test_nginx_alone_gives_the_apps_status_and_an_accepted_coding_for_any_accept_encoding(
    exported: tuple[Flask, Path], nginx: Server, header: str
) -> None:
    """Without an upstream nginx cannot weigh q-values: the status is still the app's (406
    exactly where the app's), and the coding one the header accepts."""
    app, _ = exported
    client = app.test_client()
    qualities = {}
    for value, quality in parse_accept_header(header):
        name = "gzip" if value.lower() == "x-gzip" else value.lower()
        qualities.setdefault(name, quality)
    for path in CODING_PATHS:
        theirs = client.get(path, base_url=SITE, headers={"Accept-Encoding": header})
        response, body = nginx.request("GET", path, {"Accept-Encoding": header})
        assert response.status == theirs.status_code, (path, header)
        if response.status == 406:
            assert body == theirs.data
            continue
        coding = response.getheader("Content-Encoding") or "identity"
        assert qualities.get(coding, qualities.get("*", 1.0 if coding == "identity" else 0)) > 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=accept_encodings(parameters=True))
def test_nginx_with_the_app_upstream_answers_any_accept_encoding_as_the_app_does(
    nginx_with_app: tuple[Flask, Server], header: str
) -> None:
    app, server = nginx_with_app
    client = app.test_client()
    for path in CODING_PATHS:
        same_coding(client, server, path, {"Accept-Encoding": header})


def test_the_generated_config_sets_its_own_map_hash_sizes(exported: tuple[Flask, Path]) -> None:
    """nginx starts on the config with nothing set by hand (the `serving` helper's main config
    sets no map_hash_*): the bucket holds the longest key, the `Accept` table's included."""
    _, out = exported
    conf = (out / CONFIG_FOLDER / CONFIG_NAME).read_text(encoding="utf-8")
    assert "map_hash_bucket_size 256;" in conf
    assert conf.index("map_hash_bucket_size") < conf.index("map ")
    assert nginx_module.map_hash_settings(46, 10) == (
        "map_hash_bucket_size 128;\nmap_hash_max_size 2048;"
    )
    assert nginx_module.map_hash_settings(300, 100_000).startswith("map_hash_bucket_size 512;")
