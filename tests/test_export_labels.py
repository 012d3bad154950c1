"""The export's nginx config redirects a tag or author feed named by its label, as the app.

The app answers `/feeds/tag/오디오.rss` (a label, percent-encoded or not) with a 301 to the
slug's feed in the same format, archive and query, when that document exists
(`feeds.feed_redirects.label_redirect`). The generated config does the same from the slug registry
(`feeds.export.maps.label_map_lines`): nginx serving the export is compared with the app on
every label, suffix and query, on labels that must not redirect (a draft's, an unknown one,
an archive month or page that does not exist), and after a follow run that brings a new label.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient

from articles.model import Tag
from articles.text import slugify
from feeds.export import Exporter
from tests.fixtures.app import Clock, article
from tests.fixtures.servers import Server
from tests.test_export import NGINX, serving
from tests.test_feed_labels import LABELS, SITE, WHEN
from tests.test_feed_labels import app as app  # noqa: F401 (the fixture)

SUFFIXES = ("", ".atom", ".rss", ".json", "/archive/2025-08.rss", "/archive/1999-01.rss")
QUERIES = ("", "?page=9")  # the export holds only the default limit's pages


def same_answer(client: FlaskClient, nginx: Server, path: str) -> int:
    """nginx answers `path` as the app: status, and for a redirect its Location, Cache-Control,
    media type and body. Returns the status."""
    expected = client.get(path, base_url=SITE)
    response, body = nginx.request("GET", path)
    assert response.status == expected.status_code, (path, body[:200], expected.data[:200])
    if expected.status_code == 301:
        for name in ("Location", "Cache-Control", "Content-Type"):
            assert response.getheader(name) == expected.headers[name], (path, name)
        assert body == expected.data, path
    return expected.status_code


def test_nginx_redirects_a_label_as_the_app_does(app: Flask, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "out"
    assert not Exporter(app, out, workers=1).run().failed
    client = app.test_client()
    statuses = []
    with serving(out, tmp_path / "nginx") as nginx:
        for label in [*LABELS, "c++", "홍길동", "비공개 태그", "없는 태그"]:
            kind = "author" if label == "홍길동" else "tag"
            for suffix in SUFFIXES:
                for query in QUERIES if not suffix.startswith("/archive") else ("",):
                    path = f"/feeds/{kind}/{quote(label)}{suffix}{query}"
                    statuses.append(same_answer(client, nginx, path))
    # Redirects, and labels or documents that get none (the app's 404).
    assert statuses.count(301) > 20 and statuses.count(404) > 20


def test_a_follow_run_brings_a_new_label_into_the_config(
    app: Flask,  # noqa: F811
    tmp_path: Path,
    clock: Clock,
) -> None:
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1)
    assert not exporter.run().failed
    label = "새 태그"
    new = article("new-tag", WHEN + timedelta(hours=9), tags=(Tag(slugify(label), label),))
    app.extensions["feeds.store"].upsert_many([new], now=clock())
    assert not exporter.run(changes_only=True).failed
    if NGINX is None:
        return
    client = app.test_client()
    with serving(out, tmp_path / "nginx") as nginx:
        assert same_answer(client, nginx, f"/feeds/tag/{quote(label)}.atom") == 301
