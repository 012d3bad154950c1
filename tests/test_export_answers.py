"""The exported nginx config's answers other than a document: 304 and 412 with the
status, headers and body the app sends (real nginx with the generated config, beside the app
on the same store).

Before: every 304 to If-None-Match carried `Content-Type: application/octet-stream` and
`Content-Length: 0` (and `Content-Encoding` of the coding), which a cache freshening its copy
with the 304 takes (RFC 9110 8.6, 15.4.5); a 412 to If-Unmodified-Since was labelled with
the document's own type, and on a `.json` feed URL it was text where the app's is JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import http_date, parse_date

from tests.fixtures.servers import Server
from tests.test_export import (
    BROWSER,
    NEGOTIATED,
    SITE,
    exported,  # noqa: F401 - a fixture
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
    cases += [("/feeds/all.atom", {"Accept": BROWSER}), ("/feeds/all.rss", {"Accept": BROWSER})]
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
    cases += [("/feeds/all.rss", {"Accept": BROWSER})]
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
