"""Values a URL carries: each one the product can read, in one spelling, or a 4xx, never a 5xx.

- A month in a URL (archives, monthly sitemaps) that the product cannot represent (`0000-01`,
  `9999-12`, whose end is in year 10000) is a 404: it was a 500 (`year 10000 is out of
  range`, an uncaught InvalidValue) in every archive and sitemap.
- A number in a URL (`page`, `limit`, the API's `limit`, a sitemap's part) is ASCII digits in
  the one spelling the app writes: full-width digits, `_`, signs, spaces and leading zeros
  (all of which int() reads) made second addresses of documents.
- A language in a URL is read as BCP 47 (case-insensitive): a non-canonical spelling is a 301
  to the canonical URL, an unknown tag a 404.
- A value no store can hold (U+0000; PostgreSQL text refuses it) is the client's error, 404 on
  feed and page paths and a 400 problem naming the parameter on the API, before any query; it
  was a 503 "database unavailable" with Retry-After on PostgreSQL. These run on both stores.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.errors import UnstorableValue
from articles.store import Store, month_bounds
from feeds.query import is_month
from tests.fixtures.api import ApiClient, api_client_for
from tests.fixtures.app import article, default_articles

SITE = "https://news.example.com"
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def on_store(make_app: Callable[..., Flask], database_url: str) -> Iterator[ApiClient]:
    """The default corpus (and an en-GB article) on SQLite and on PostgreSQL, with the API."""
    extra = article("gb-1", datetime(2025, 8, 6, 9, 0, tzinfo=UTC), language="en-GB")
    app = make_app(
        [*default_articles(), extra],
        database_url=database_url,
        FEEDS_AUTO_MIGRATE=True,
        site_url=SITE,
    )
    yield api_client_for(app)


# --- months -------------------------------------------------------------------------------------

_DIGIT_LIKE = "0123456789０１２３４５６７８９٠١٢"  # ASCII, full-width, Arabic-Indic digits
months = st.one_of(
    st.builds(
        "{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13)
    ),  # every well-formed month, the unrepresentable ones included
    st.sampled_from(["0000-01", "9999-12", "9999-11", "0001-01", "2025-07", "2025-08"]),
    st.text(alphabet=_DIGIT_LIKE + "-", min_size=7, max_size=8),
)


@given(month=months)
def test_a_month_is_one_the_store_can_bound(month: str) -> None:
    if is_month(month):
        start, end = month_bounds(month)
        assert start < end
        assert f"{start.year:04d}-{start.month:02d}" == month
    else:
        with pytest.raises(ValueError):
            month_bounds(month)


@SETTINGS
@given(month=months, where=st.sampled_from(["all", "section/asia", "lang/ko", "tag/nowhere"]))
def test_an_archive_month_is_the_document_or_a_404_never_a_500(
    on_store: ApiClient, month: str, where: str
) -> None:
    client = on_store.client
    for fmt in ("atom", "rss", "json", ""):
        path = f"/feeds/{where}/archive/{month}" + (f".{fmt}" if fmt else "")
        response = client.get(path)
        expected = (200,) if where != "tag/nowhere" and month in ("2025-07", "2025-08") else (404,)
        assert response.status_code in expected, (path, response.status_code)


@SETTINGS
@given(
    month=months,
    part=st.one_of(
        st.just(""), st.text(alphabet=_DIGIT_LIKE + "+_ -", max_size=4).map("-{}".format)
    ),
)
def test_a_monthly_sitemap_is_served_only_at_its_own_path(
    on_store: ApiClient, month: str, part: str
) -> None:
    """Only the paths the sitemap index lists are documents: `articles-2025-07-1.xml` and
    `articles-２０２５-07.xml` were second addresses of `articles-2025-07.xml`; `9999-12` and
    `0000-01` were 500s."""
    client = on_store.client
    index = client.get("/sitemap.xml").get_data(as_text=True)
    path = f"/sitemaps/articles-{month}{part}.xml"
    response = client.get(path)
    listed = f"<loc>{SITE}{path}</loc>" in index
    assert response.status_code == (200 if listed else 404), path


# --- numbers ------------------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(0, 300).map(str),
    st.text(alphabet="0123456789０１２_+- ", min_size=1, max_size=4),
)


def _canonical(text: str, low: int, high: int) -> bool:
    return text.isascii() and text.isdigit() and str(int(text)) == text and low <= int(text) <= high


@SETTINGS
@given(page=numbers, limit=numbers)
def test_page_and_limit_have_one_spelling(client: FlaskClient, page: str, limit: str) -> None:
    response = client.get("/feeds/all.atom", query_string={"page": page, "limit": limit})
    valid = _canonical(page, 1, 10**12) and _canonical(limit, 1, 200)
    if valid:
        assert response.status_code in (200, 404)  # 404: past the last page
    else:
        assert response.status_code == 400, (page, limit)
        assert "ASCII digits" in response.get_data(as_text=True)


@SETTINGS
@given(limit=numbers)
def test_the_apis_limit_has_one_spelling(api: ApiClient, limit: str) -> None:
    response = api.get("/api/articles", query_string={"limit": limit})
    assert response.status_code == (200 if _canonical(limit, 1, 200) else 400), limit


# --- languages ----------------------------------------------------------------------------------


@SETTINGS
@given(
    tag=st.sampled_from(["en-GB", "ko", "en"]).flatmap(
        lambda tag: st.tuples(
            st.just(tag), st.lists(st.booleans(), min_size=len(tag), max_size=len(tag))
        )
    ),
    suffix=st.sampled_from([".atom", ".rss", ".json", "", "/archive/2025-08.atom"]),
)
def test_a_language_in_any_case_is_one_redirect_to_its_feed(
    on_store: ApiClient, tag: tuple[str, list[bool]], suffix: str
) -> None:
    canonical, upper = tag
    spelt = "".join(c.upper() if u else c.lower() for c, u in zip(canonical, upper, strict=True))
    client = on_store.client
    for path in (f"/feeds/lang/{spelt}{suffix}", f"/lang/{spelt}"):
        response = client.get(path, headers={"Accept": "application/atom+xml"})
        if spelt == canonical:
            assert response.status_code == 200, path
        else:
            assert response.status_code == 301, path
            target = path.replace(f"/{spelt}", f"/{canonical}", 1)
            assert response.headers["Location"] == SITE + target
            assert client.get(target, headers={"Accept": "application/atom+xml"}).status_code == 200


@pytest.mark.parametrize("path", ["/feeds/lang/xx-zz.atom", "/feeds/lang/EN-ZZ.rss", "/lang/xx"])
def test_an_unknown_language_is_a_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_api_reads_a_language_filter_in_any_case(on_store: ApiClient) -> None:
    listed = on_store.get("/api/articles?language=en-gb").get_json()["articles"]
    assert [a["id"] for a in listed] == ["gb-1"]
    response = on_store.get("/api/articles?language=xx-zz")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "language"


# --- values no store can hold -------------------------------------------------------------------

_UNSTORABLE = ["%00", "a%00b", "%00.atom"]
_PATHS = [
    "/feeds/tag/{}.atom",
    "/feeds/tag/{}",
    "/feeds/author/{}.rss",
    "/feeds/section/{}.json",
    "/feeds/source/{}.atom",
    "/feeds/lang/{}.atom",
    "/feeds/podcast/{}.rss",
    "/feeds/tag/{}/archive/2025-07.atom",
    "/tag/{}",
    "/author/{}",
    "/section/{}",
    "/lang/{}",
    "/source/{}",
    "/articles/{}",
    "/sitemaps/{}",
    "/{}",
]


@pytest.mark.parametrize("value", _UNSTORABLE)
def test_a_nul_in_a_feed_or_page_path_is_a_404(on_store: ApiClient, value: str) -> None:
    for place in _PATHS:
        response = on_store.client.get(place.format(value))
        assert response.status_code == 404, place
        assert "Retry-After" not in response.headers


@pytest.mark.parametrize(
    "name", ["tag", "author", "language", "source", "section", "status", "cursor", "limit"]
)
@pytest.mark.parametrize("value", ["%00", "x%00", "%ED%A0%80"])
def test_a_nul_in_an_api_filter_is_a_400_naming_it(
    on_store: ApiClient, name: str, value: str
) -> None:
    response = on_store.get(f"/api/articles?{name}={value}")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert "Retry-After" not in response.headers
    body = response.get_json()
    fields = [error["field"] for error in body.get("errors", [])]
    assert name in fields or name in body["detail"]


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_a_nul_in_an_api_path_is_a_400_naming_the_id(on_store: ApiClient, method: str) -> None:
    response = on_store.request(method, "/api/articles/a%00b", json={})
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": "id", "reason": "holds U+0000 or a lone surrogate"}
    ]


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(["\x00", "a", "\ud800", "-"]), min_size=1, max_size=4))
def test_the_store_refuses_an_unstorable_value_as_the_callers_error(
    store: Store, text: str
) -> None:
    """The net under the request checks: a value the database refuses is UnstorableValue
    (answered 400), never StoreUnavailable (a 503 with Retry-After)."""
    for lookup in (
        lambda: store.slug_of_label("tag", text),
        lambda: store.get(text),
        lambda: store.list_articles(tag=text, limit=1),
    ):
        try:
            lookup()
        except UnstorableValue:
            assert store.backend == "postgresql" or "\ud800" in text
        except UnicodeEncodeError:
            assert "\ud800" in text  # the driver cannot encode it: refused before any query


def test_a_value_the_database_refuses_is_a_400_not_an_outage(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise UnstorableValue("invalid byte sequence")

    monkeypatch.setattr(Store, "list_articles", refuse)
    monkeypatch.setattr(Store, "page_keys", refuse)
    response = api.get("/api/articles")
    assert response.status_code == 400 and "Retry-After" not in response.headers
    feed = api.client.get("/feeds/all.atom")
    assert feed.status_code == 400 and "Retry-After" not in feed.headers


@pytest.mark.parametrize(
    ("moment", "article_id"),
    [
        ("2025-08-01T00:00:00+00:00", "a\x00b"),  # an id no store can hold
        ("0001-01-01T00:00:00+14:00", "x"),  # a moment before year 1 in UTC
        ("9999-12-31T23:59:59-14:00", "x"),  # one after year 9999
    ],
)
def test_a_forged_cursor_is_a_400_naming_it(
    on_store: ApiClient, moment: str, article_id: str
) -> None:
    """The cursor carries a date and an id into the query; its fingerprint is a plain hash of
    the filters, so a client can forge one."""
    fingerprint = hashlib.sha256(orjson.dumps({}, option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]
    data = orjson.dumps({"p": moment, "i": article_id, "f": fingerprint})
    cursor = base64.urlsafe_b64encode(data).decode().rstrip("=")
    response = on_store.get(f"/api/articles?cursor={cursor}")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "cursor"


def test_sitemap_preconditions(on_store: ApiClient) -> None:
    client = on_store.client
    etag = client.get("/sitemaps/articles-2025-07.xml").headers["ETag"]
    failed = client.get("/sitemaps/articles-2025-07.xml", headers={"If-Match": '"nope"'})
    assert failed.status_code == 412 and failed.headers["ETag"] == etag
    assert client.get("/sitemap.xml", headers={"If-Match": '"nope"'}).status_code == 412
    matched = client.get("/sitemaps/articles-2025-07.xml", headers={"If-Match": etag})
    assert matched.status_code == 200
