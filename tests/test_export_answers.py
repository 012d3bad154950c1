"""The exported nginx config's answers other than a document: 304, 412, 404 and 410 with the
status, headers and body the app sends (real nginx with the generated config, beside the app
on the same store).

Before: every 304 to If-None-Match carried `Content-Type: application/octet-stream` and
`Content-Length: 0` (and `Content-Encoding` of the coding), which a cache freshening its copy
with the 304 takes (RFC 9110 8.6, 15.4.5); a 412 to If-Unmodified-Since was labelled with
the document's own type, and on a `.json` feed URL it was text where the app's is JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import http_date, parse_date

from articles.model import Tag
from feeds.export import Exporter
from tests.fixtures.app import NOW, Clock, article, default_articles, service_of
from tests.fixtures.http import FIREFOX_ACCEPT, SITE
from tests.fixtures.servers import Server
from tests.test_export import (
    NEGOTIATED,
    assert_follow_run_matches_a_full_run,
    exported,  # noqa: F401 - a fixture
    make_exported_app,
    manifest,
    plain_tag,
    serving,
)

# What the transport adds, not the answer (nginx's and the app's differ there by design).
_TRANSPORT = {"date", "server", "connection", "keep-alive", "transfer-encoding"}


@pytest.fixture
def nginx(exported: tuple[Flask, Path], tmp_path: Path) -> Iterator[Server]:  # noqa: F811
    with serving(exported[1], tmp_path / "nginx") as server:
        yield server


def answer(server: Server, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    response, body = server.request("GET", path, headers)
    fields = {k.lower(): v for k, v in response.getheaders() if k.lower() not in _TRANSPORT}
    return response.status, fields, body


def app_answer(
    client: FlaskClient, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    theirs = client.get(path, base_url=SITE, headers=headers)
    fields = {k.lower(): v for k, v in theirs.headers.items() if k.lower() not in _TRANSPORT}
    if theirs.status_code == 304:
        # Werkzeug's server drops a 304's Content-Length (as every WSGI server must, RFC 9110
        # 8.6); the test client shows what the app sends, which has none.
        fields.pop("content-length", None)
    return theirs.status_code, fields, theirs.data


def some_of_each_kind(out: Path, per_kind: int = 3) -> list[str]:
    """`per_kind` exported documents of each media type."""
    kinds: dict[str, list[str]] = {}
    for path, entry in manifest(out).items():
        kinds.setdefault(entry["content_type"], []).append(path)
    return [path for _, paths in sorted(kinds.items()) for path in sorted(paths)[:per_kind]]


CODINGS = ("identity", "gzip", "br")


def test_every_304_sends_the_apps_headers_and_no_representation_headers(
    exported: tuple[Flask, Path],  # noqa: F811
    nginx: Server,
) -> None:
    """If-None-Match (any coding's tag, a browser's generic XML, an extension-less URL) and
    If-Modified-Since: the 304's headers are the app's, with no Content-Type, Content-Length
    or Content-Encoding."""
    app, out = exported
    client: FlaskClient = app.test_client()
    cases = [(path, {}) for path in some_of_each_kind(out)]
    cases += [(path, {"Accept": "application/json"}) for path in NEGOTIATED]
    cases += [
        ("/feeds/all.atom", {"Accept": FIREFOX_ACCEPT}),
        ("/feeds/all.rss", {"Accept": FIREFOX_ACCEPT}),
    ]
    seen = 0
    for path, extra in cases:
        for coding in CODINGS:
            base = {**extra, "Accept-Encoding": coding}
            first = client.get(path, base_url=SITE, headers=base)
            assert first.status_code == 200, path
            validators = [
                {"If-None-Match": first.headers["ETag"]},
                {"If-None-Match": f'"other", W/"{plain_tag(first.headers["ETag"])}-br"'},
                {"If-None-Match": "*"},
                {"If-Modified-Since": first.headers["Last-Modified"]},
            ]
            for validator in validators:
                headers = {**base, **validator}
                status, fields, body = answer(nginx, path, headers)
                theirs = app_answer(client, path, headers)
                where = (path, headers)
                assert (status, fields, body) == theirs, where
                assert status == 304, where
                for name in ("content-type", "content-length", "content-encoding"):
                    assert name not in fields, (name, where)
                seen += 1
    assert seen > 100


def test_a_304_marker_from_a_client_is_not_believed(
    exported: tuple[Flask, Path],  # noqa: F811
    nginx: Server,
) -> None:
    """The mark the config sends through its loopback listener, sent by a client, changes
    nothing: the document, as the app sends it."""
    app, _ = exported
    headers = {"X-Feeds-Not-Modified": "1", "Accept-Encoding": "gzip"}
    status, fields, _ = answer(nginx, "/feeds/all.atom", headers)
    assert status == 200
    assert (
        fields["etag"] == app.test_client().get("/feeds/all.atom", headers=headers).headers["ETag"]
    )


def failing_preconditions(etag: str, last_modified: str) -> list[dict[str, str]]:
    dated = parse_date(last_modified)
    assert dated is not None
    earlier = http_date(dated - timedelta(seconds=1))
    return [
        {"If-Unmodified-Since": "Thu, 01 Jan 2015 00:00:00 GMT"},
        {"If-Unmodified-Since": earlier},
        {"If-Match": '"nomatch"'},
        {"If-Match": f'W/"{plain_tag(etag)}"'},
        {"If-Match": '"nomatch"', "If-None-Match": etag},
        {"If-Match": '"nomatch"', "If-Unmodified-Since": http_date(dated)},
        {"If-Unmodified-Since": earlier, "If-None-Match": etag},
    ]


def test_every_412_is_the_apps_bytes_and_headers(
    exported: tuple[Flask, Path],  # noqa: F811
    nginx: Server,
) -> None:
    """A failing If-Match or If-Unmodified-Since, on documents of every kind (a `.json` feed
    URL's 412 is JSON), in each coding and as a browser's XML: nginx's 412 is the app's, byte
    for byte, with its Content-Type, ETag, Last-Modified, Vary and Cache-Control."""
    app, out = exported
    client: FlaskClient = app.test_client()
    cases = [(path, {}) for path in some_of_each_kind(out)]
    cases += [(path, {"Accept": "application/json"}) for path in NEGOTIATED]
    cases += [("/feeds/all.rss", {"Accept": FIREFOX_ACCEPT})]
    forms = set()
    for path, extra in cases:
        for coding in CODINGS:
            base = {**extra, "Accept-Encoding": coding}
            first = client.get(path, base_url=SITE, headers=base)
            for case in failing_preconditions(
                first.headers["ETag"], first.headers["Last-Modified"]
            ):
                headers = {**base, **case}
                theirs = app_answer(client, path, headers)
                assert theirs[0] == 412, (path, headers)
                assert answer(nginx, path, headers) == theirs, (path, headers)
                forms.add(theirs[1]["content-type"])
    assert forms == {"text/plain; charset=utf-8", "application/json"}


def test_preconditions_that_hold_are_answered_as_the_app_answers_them(
    exported: tuple[Flask, Path],  # noqa: F811
    nginx: Server,
) -> None:
    """If-Unmodified-Since equal to or later than Last-Modified, ignored forms of it, an
    If-Match that holds: the same status as the app (200, or 304 with If-None-Match)."""
    app, out = exported
    client: FlaskClient = app.test_client()
    for path in some_of_each_kind(out, 1):
        first = client.get(path, base_url=SITE)
        dated = parse_date(first.headers["Last-Modified"])
        assert dated is not None
        for case in (
            {"If-Unmodified-Since": first.headers["Last-Modified"]},
            {"If-Unmodified-Since": http_date(dated + timedelta(days=1))},
            {"If-Unmodified-Since": "Thu, 31 Apr 2015 00:00:00 GMT"},
            {"If-Unmodified-Since": "yesterday"},
            {
                "If-Match": first.headers["ETag"],
                "If-Unmodified-Since": "Thu, 01 Jan 2015 00:00:00 GMT",
            },
            {"If-Match": "*", "If-None-Match": first.headers["ETag"]},
            {"If-Unmodified-Since": first.headers["Last-Modified"], "If-None-Match": "*"},
        ):
            status, fields, body = answer(nginx, path, case)
            theirs = app_answer(client, path, case)
            assert status == theirs[0], (path, case)
            if status == 304:
                assert (fields, body) == theirs[1:], (path, case)
            else:
                assert body == theirs[2] and fields["etag"] == theirs[1]["etag"], (path, case)


# --- 410 Gone and 404 ---------------------------------------------------------------------------

GONE_CASES: tuple[dict[str, str], ...] = (
    {},
    {"Accept-Encoding": "gzip, br"},
    {"Accept-Encoding": "identity;q=0"},
    {"If-None-Match": "*"},
    {"If-Match": '"nomatch"'},
    {"If-Modified-Since": "Fri, 31 Dec 2100 23:59:59 GMT"},
    {"If-Unmodified-Since": "Thu, 01 Jan 2015 00:00:00 GMT"},
)


def assert_answers_as_the_app(
    client: FlaskClient,
    server: Server,
    path: str,
    status: int,
    cases: tuple[dict[str, str], ...] = GONE_CASES,
) -> None:
    for headers in cases:
        theirs = app_answer(client, path, headers)
        assert theirs[0] == status, (path, headers)
        assert answer(server, path, headers) == theirs, (path, headers)


def exported_then_deleted(
    make_app: Callable[..., Flask], out: Path, clock: Clock, *ids: str
) -> tuple[Flask, Exporter]:
    """An exported app (a full run into `out`) whose articles `ids` are then deleted, five
    minutes later by `clock`."""
    app = make_exported_app(make_app)
    exporter = Exporter(app, out, workers=1)
    assert not exporter.run().failed
    clock.now = NOW + timedelta(minutes=5)
    service = service_of(app)
    for article_id in ids:
        service.delete(article_id)
    return app, exporter


def test_a_deleted_articles_page_is_the_apps_410_after_a_full_run_and_a_follow_run(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """An article deleted while public: the app answers its page 410 Gone (HTML, `no-cache`,
    no validators, whatever the request's conditions or codings); so does nginx, after a
    full run and after a follow run (which leaves what a full run would). Before, nginx
    answered its stock HTML 404 without Cache-Control. A draft deleted (never public) stays a
    404 in both; an article stored again after its deletion has its page back."""
    out = tmp_path / "out"
    app, exporter = exported_then_deleted(make_app, out, clock, "aug-1", "draft")
    clock.now = NOW + timedelta(minutes=10)
    follow = exporter.run(changes_only=True)
    assert not follow.failed, follow.failed
    assert manifest(out)["/articles/aug-1"]["status"] == 410
    assert "/articles/draft" not in manifest(out)
    assert_follow_run_matches_a_full_run(app, out, follow)
    # A fresh folder: the full run writes it too.
    fresh = tmp_path / "fresh"
    assert not Exporter(app, fresh, workers=1).run().failed
    client: FlaskClient = app.test_client()
    for folder in (out, fresh):
        with serving(folder, tmp_path / f"nginx-{folder.name}") as server:
            assert_answers_as_the_app(client, server, "/articles/aug-1", 410)
            response, _ = server.request("GET", "/articles/draft")
            assert response.status == 404 == client.get("/articles/draft").status_code
            assert response.getheader("Cache-Control") == "no-cache"
    # Stored again: its page is served again, the 410 gone from the manifest.
    clock.now = NOW + timedelta(minutes=15)
    app.extensions["feeds.store"].upsert_many([article("aug-1", NOW - timedelta(days=5))])
    clock.now = NOW + timedelta(minutes=20)
    again = exporter.run(changes_only=True)
    assert not again.failed
    assert manifest(out)["/articles/aug-1"]["status"] == 200
    assert_follow_run_matches_a_full_run(app, out, again)


@pytest.mark.parametrize("unseen", ["draft", "withheld", "embargoed"])
def test_an_article_stored_again_unseen_keeps_its_410_in_every_run(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock, unseen: str
) -> None:
    """Deleted while public, then stored again where readers cannot see it (a draft, withheld,
    under embargo): the app goes on answering its page 410 Gone until it is visible again
    (`Store.public_deletion`), and so does the export, after a follow run and after a full
    run into a fresh folder. Before, a full run dropped that 410 (it listed the gone pages
    from the deletion rows alone, which the stored row ends), so a fresh export answered the
    page 404 where the app said 410."""
    out = tmp_path / "out"
    app, exporter = exported_then_deleted(make_app, out, clock, "aug-1")
    clock.now = NOW + timedelta(minutes=10)
    if unseen == "embargoed":
        lift = NOW + timedelta(days=2)
        again = article("aug-1", lift, embargoed=lift)
    else:
        again = article("aug-1", NOW - timedelta(days=5), status=unseen)
    app.extensions["feeds.store"].upsert_many([again], now=clock.now)
    clock.now = NOW + timedelta(minutes=15)
    client: FlaskClient = app.test_client()
    assert client.get("/articles/aug-1").status_code == 410
    follow = exporter.run(changes_only=True)
    assert not follow.failed, follow.failed
    assert manifest(out)["/articles/aug-1"]["status"] == 410
    fresh = tmp_path / "fresh"
    assert not Exporter(app, fresh, workers=1).run().failed
    assert manifest(fresh)["/articles/aug-1"]["status"] == 410


def test_what_was_not_exported_is_the_apps_404_in_status_caching_and_form(
    exported: tuple[Flask, Path],  # noqa: F811
    nginx: Server,
) -> None:
    """Paths the app answers 404: nginx's 404 is stored by caches but checked at every use
    (`Cache-Control: no-cache`), as the app's, in the app's form (text, JSON on a `.json`
    feed URL); for a path the app serves nothing under, the app's own body. Before, nginx's
    stock HTML page without Cache-Control."""
    app, _ = exported
    client: FlaskClient = app.test_client()
    for path in (
        "/articles/draft",
        "/articles/embargoed",
        "/articles/never-was",
        "/feeds/tag/never-was.atom",
        "/feeds/tag/never-was.json",
        "/feeds/all.atom?page=99",
        "/section/never-was",
        "/_nginx/manifest.sqlite3",
        "/nope",
        "/_feeds_gone",
        "/_feeds_not_modified",
    ):
        status, fields, body = answer(nginx, path, {})
        theirs = app_answer(client, path, {})
        assert status == theirs[0] == 404, path
        assert fields["cache-control"] == theirs[1]["cache-control"] == "no-cache", path
        assert fields["content-type"].split(";")[0] in {"text/plain", "application/json"}, path
        if path.endswith(".json"):
            assert fields["content-type"] == theirs[1]["content-type"], path
        if path in ("/nope", "/_nginx/manifest.sqlite3"):
            assert (fields, body) == theirs[1:], path


def test_a_site_under_a_path_serves_nothing_outside_it(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    """With the site under `/ko`, a path outside it (the export's own `_nginx` folder, a
    document's file name) is a 404, not the file. Before, nginx served such a path from
    the folder (no location matched it, so the server's root did)."""
    app = make_app(site_url="https://news.example.com/ko")
    out = tmp_path / "out"
    assert not Exporter(app, out, workers=1).run().failed
    with serving(out, tmp_path / "nginx") as server:
        response, _ = server.request("GET", "/ko/feeds/all.atom")
        assert response.status == 200
        stem = manifest(out)["/feeds/all.atom"]["file"]
        for path in ("/_nginx/feeds-export.conf", "/_nginx/manifest.sqlite3", "/" + stem):
            response, body = server.request("GET", path)
            assert response.status == 404, path
            assert response.getheader("Cache-Control") == "no-cache", path


@pytest.mark.parametrize("tombstone_days", [0, 30])
def test_a_gone_feeds_documents_are_the_apps_410(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock, tombstone_days: int
) -> None:
    """A feed whose every entry was removed answers 410 Gone in the app once its tombstones'
    period is over (at once without one): nginx answers its live document in each format,
    and an extension-less URL of it, with the app's 410 (text, JSON on `.json`), after a
    follow run (which leaves what a full run would) and after a full run. Before, nginx's
    stock 404."""
    lone = article("lone", NOW - timedelta(days=3), tags=(Tag("only-one", "Only one"),))
    app = make_app([*default_articles(), lone], site_url=SITE, tombstone_days=tombstone_days)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    assert not exporter.run().failed
    clock.now = NOW + timedelta(hours=1)
    service_of(app).delete("lone")
    clock.now = NOW + timedelta(hours=2)
    follow = exporter.run(changes_only=True)
    assert not follow.failed, follow.failed
    assert_follow_run_matches_a_full_run(app, out, follow)
    clock.now = NOW + timedelta(days=tombstone_days + 1)
    assert not Exporter(app, out, workers=1).run().failed
    client: FlaskClient = app.test_client()
    stem = "/feeds/tag/only-one"
    assert client.get(stem + ".atom").status_code == 410
    with serving(out, tmp_path / "nginx") as server:
        for path in (f"{stem}.atom", f"{stem}.rss", f"{stem}.json"):
            assert_answers_as_the_app(client, server, path, 410)
        for accept in ("application/json", "application/rss+xml", ""):
            cases = ({"Accept": accept}, {"Accept": accept, "If-None-Match": "*"})
            assert_answers_as_the_app(client, server, stem, 410, cases)
