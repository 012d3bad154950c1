"""Conditional GET: strong ETags from the database, If-None-Match before If-Modified-Since."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import http_date

from feeds import http
from tests.fixtures.app import EMBARGO, NOW, Clock, article

FEED = "/feeds/all.atom"


def test_304_when_if_none_match_is_the_current_etag(client: FlaskClient) -> None:
    first = client.get(FEED)
    again = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    for header in ("ETag", "Cache-Control", "Last-Modified", "Vary"):
        assert again.headers[header] == first.headers[header]


@pytest.mark.parametrize(
    "template",
    ["W/{tag}", '"nope", {tag}', '"a", W/{tag} , "b"', "*"],
)
def test_if_none_match_uses_weak_comparison_lists_and_star(
    client: FlaskClient, template: str
) -> None:
    tag = client.get(FEED).headers["ETag"]
    response = client.get(FEED, headers={"If-None-Match": template.format(tag=tag)})
    assert response.status_code == 304


def test_200_when_if_none_match_names_another_document(client: FlaskClient) -> None:
    other = client.get("/feeds/all.rss").headers["ETag"]
    response = client.get(FEED, headers={"If-None-Match": other})
    assert response.status_code == 200
    assert response.data


def test_etag_of_a_compressed_variant_also_validates(client: FlaskClient) -> None:
    gz = client.get(FEED, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["ETag"].endswith('-gz"')
    plain = client.get(FEED, headers={"If-None-Match": gz.headers["ETag"]})
    assert plain.status_code == 304
    # The 304 names the representation this request would get (identity here).
    assert plain.headers["ETag"] == client.get(FEED).headers["ETag"]


def test_etags_differ_per_format_page_limit_and_encoding(client: FlaskClient) -> None:
    tags = {
        client.get(url, headers=headers).headers["ETag"]
        for url, headers in [
            ("/feeds/all.atom", {}),
            ("/feeds/all.rss", {}),
            ("/feeds/all.json", {}),
            ("/feeds/all.atom?limit=3", {}),
            ("/feeds/all.atom?limit=3&page=2", {}),
            ("/feeds/all.atom", {"Accept-Encoding": "gzip"}),
            ("/feeds/all.atom", {"Accept-Encoding": "br"}),
        ]
    }
    assert len(tags) == 7


def test_etag_and_bytes_agree_between_workers_on_one_database(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    settings = {
        "site_url": "https://news.example.com",
        "database_url": f"sqlite:///{tmp_path}/x.db",
    }
    one = make_app(**settings).test_client().get(FEED)
    two = make_app(**settings).test_client().get(FEED)
    assert one.headers["ETag"] == two.headers["ETag"]
    assert one.data == two.data


def test_etag_changes_when_an_article_is_updated(app: Flask, client: FlaskClient) -> None:
    before = client.get(FEED).headers["ETag"]
    store = app.extensions["feeds.store"]
    [old] = store.fetch(["aug-1"])
    store.upsert_many([article("aug-1", old.published, updated=NOW - timedelta(hours=1))])
    after = client.get(FEED, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before


def test_etag_changes_by_itself_when_an_embargo_lifts(client: FlaskClient, clock: Clock) -> None:
    before = client.get(FEED)
    clock.now = EMBARGO
    after = client.get(FEED, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert b"embargoed" in after.data


def test_max_age_does_not_outlive_the_next_embargo(client: FlaskClient, clock: Clock) -> None:
    clock.now = EMBARGO - timedelta(seconds=42)
    response = client.get(FEED)
    assert response.headers["Cache-Control"] == "public, max-age=42"


def test_if_modified_since_equal_or_later_gives_304(client: FlaskClient) -> None:
    modified = client.get(FEED).headers["Last-Modified"]
    assert client.get(FEED, headers={"If-Modified-Since": modified}).status_code == 304
    later = http_date(NOW)  # later than the document, not than the server's clock
    assert client.get(FEED, headers={"If-Modified-Since": later}).status_code == 304


@pytest.mark.parametrize("ahead", [timedelta(seconds=1), timedelta(days=1), timedelta(days=3650)])
def test_if_modified_since_ahead_of_the_servers_clock_gives_304(
    client: FlaskClient, ahead: timedelta
) -> None:
    """RFC 9110 13.1.3 compares a valid date later than the server's clock as any other (RFC
    2616 called it invalid; RFC 7232 dropped that): the document was not modified since, 304,
    as nginx answers and as aggregators' probes expect (a later date than Last-Modified)."""
    later = http_date(NOW + ahead)
    response = client.get(FEED, headers={"If-Modified-Since": later})
    assert response.status_code == 304
    assert not response.data


@pytest.mark.parametrize("path", [FEED, "/feeds/all", "/feeds/all/archive/2025-07.json"])
@pytest.mark.parametrize(
    "headers",
    [
        {"If-Match": '"nope"'},
        {"If-Match": 'W/"nope", "other"'},
        {"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
        {"If-Match": '"nope"', "If-None-Match": "*"},  # If-Match is evaluated first
    ],
)
def test_a_failed_if_match_or_if_unmodified_since_is_412_on_a_get(
    client: FlaskClient, path: str, headers: dict[str, str]
) -> None:
    """RFC 9110 13.1.1, 13.1.4: the precondition applies to a GET too; 13.2.2's order."""
    response = client.get(path, headers=headers)
    assert response.status_code == 412
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["ETag"] == client.get(path).headers["ETag"]


def test_a_matching_if_match_or_if_unmodified_since_serves_the_document(
    client: FlaskClient,
) -> None:
    first = client.get(FEED, headers={"Accept-Encoding": "gzip"})
    for headers in (
        {"If-Match": first.headers["ETag"]},
        {"If-Match": "*"},
        {"If-Match": f'"other", {first.headers["ETag"]}'},
        {"If-Unmodified-Since": first.headers["Last-Modified"]},
        {"If-Unmodified-Since": "not a date"},  # invalid: ignored
        {"If-Match": first.headers["ETag"], "If-Unmodified-Since": "Mon, 01 Jan 2001 0:0:0 GMT"},
    ):
        response = client.get(FEED, headers={"Accept-Encoding": "gzip", **headers})
        assert response.status_code == 200, headers
    both = {"If-Match": first.headers["ETag"], "If-None-Match": first.headers["ETag"]}
    assert client.get(FEED, headers={"Accept-Encoding": "gzip", **both}).status_code == 304


def test_if_modified_since_earlier_gives_200(client: FlaskClient) -> None:
    earlier = "Tue, 05 Aug 2025 11:59:59 GMT"
    assert client.get(FEED, headers={"If-Modified-Since": earlier}).status_code == 200


@pytest.mark.parametrize("junk", ["yesterday", "", "Tue, 99 Foo 2025", "0" * 300])
def test_invalid_if_modified_since_is_ignored(client: FlaskClient, junk: str) -> None:
    assert client.get(FEED, headers={"If-Modified-Since": junk}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: FlaskClient) -> None:
    modified = client.get(FEED).headers["Last-Modified"]
    response = client.get(FEED, headers={"If-None-Match": '"stale"', "If-Modified-Since": modified})
    assert response.status_code == 200


def test_last_modified_is_the_newest_entry_and_never_in_the_future(
    make_app: Callable[..., Flask], clock: Clock
) -> None:
    future_edit = article("a", NOW - timedelta(days=1), updated=NOW + timedelta(days=3))
    client = make_app([future_edit]).test_client()
    # An entry dated ahead of the clock: no date can be promised until the clock passes it
    # (any later change would share the capped date); the ETag still validates.
    response = client.get(FEED)
    assert "Last-Modified" not in response.headers
    assert client.get(FEED, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    clock.now = NOW + timedelta(days=3, seconds=1)
    response = client.get(FEED)
    assert response.headers["Last-Modified"] == "Wed, 13 Aug 2025 12:00:00 GMT"
    assert (
        client.get("/feeds/all.rss").headers["Last-Modified"] == response.headers["Last-Modified"]
    )


def test_head_sends_the_get_headers_without_a_body(client: FlaskClient) -> None:
    get = client.get(FEED, headers={"Accept-Encoding": "br"})
    head = client.head(FEED, headers={"Accept-Encoding": "br"})
    assert head.status_code == 200
    assert head.data == b""
    for header in ("ETag", "Content-Length", "Content-Type", "Content-Encoding", "Cache-Control"):
        assert head.headers[header] == get.headers[header]
    assert int(head.headers["Content-Length"]) == len(get.data)


def test_304_neither_renders_nor_fetches_articles(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = client.get(FEED).headers["ETag"]
    app.extensions["feeds.cache"].clear()

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a 304 must not render")

    monkeypatch.setattr(http, "_render", forbidden)
    monkeypatch.setattr(app.extensions["feeds.store"], "fetch", forbidden)
    assert client.get(FEED, headers={"If-None-Match": tag}).status_code == 304


def test_output_version_follows_the_code_that_writes_the_bytes(tmp_path: Path) -> None:
    from feeds.etag import output_version

    writer = tmp_path / "writer.py"
    writer.write_text("x = 1\n")
    before = output_version([writer])
    writer.write_text("x = 2\n")
    assert output_version([writer]) != before


def test_output_version_covers_every_module_of_both_packages_and_the_assets() -> None:
    """The code hash is derived, not a hand-kept list: every module that is imported from
    `feeds` or `articles` (query.py was once missing) and every template and static file."""
    import importlib
    import pkgutil

    import articles
    import feeds
    from feeds.etag import OUTPUT_SOURCES

    covered = {path.resolve() for path in OUTPUT_SOURCES}
    for package in (articles, feeds):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.startswith("articles.migrations"):
                continue  # env.py runs only inside Alembic; the files are walked all the same
            module = importlib.import_module(info.name)
            assert module.__file__ is not None
            assert Path(module.__file__).resolve() in covered, info.name
    for folder in ("templates", "static"):
        for asset in (Path(feeds.__file__).parent / folder).iterdir():
            assert asset.resolve() in covered, asset


def test_a_new_module_or_asset_changes_the_output_version(tmp_path: Path) -> None:
    from feeds.etag import code_files, output_version

    for folder in ("articles", "feeds/writers", "feeds/templates", "feeds/static"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "articles" / "__init__.py").write_text("")
    (tmp_path / "feeds" / "__init__.py").write_text("")
    (tmp_path / "feeds" / "writers" / "atom.py").write_text("x = 1\n")
    (tmp_path / "feeds" / "templates" / "base.html").write_text("<p>")
    before = output_version(code_files(tmp_path), tmp_path)
    versions = {before}
    for new in ("feeds/writers/podcast.py", "articles/service.py", "feeds/static/x.css"):
        (tmp_path / new).write_text("")
        versions.add(output_version(code_files(tmp_path), tmp_path))
    # A module moved to another folder with the same bytes is a change too.
    (tmp_path / "feeds" / "writers" / "podcast.py").rename(tmp_path / "feeds" / "podcast.py")
    versions.add(output_version(code_files(tmp_path), tmp_path))
    assert len(versions) == 5
