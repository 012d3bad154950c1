"""Every client error says how long it may be kept: 404 and 410 `no-cache`, the others `no-store`.

Found: `/feeds.opml?format=xml` and `?format=rss&format=json` answered 400 with no
`Cache-Control` at all, where every other client error of the site carries one (docs/http.md,
"Caching headers"): a 400 without it is heuristically cacheable by a shared cache (RFC 9111
4.2.2 lists 404 and 410, not 400, but caches differ), and the OPML view built its own answer
instead of `feeds.error_answers.error_response`, which sets the rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.urls import FORMATS
from tests.fixtures.app import shared_client


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    instance: Path = tmp_path_factory.mktemp("error-caching")
    return shared_client(instance)


def _expected(status: int) -> str:
    return "no-cache" if status in (404, 410) else "no-store"


CLIENT_ERRORS = [
    ("GET", "/feeds.opml?format=xml", {}),
    ("GET", "/feeds.opml?format=", {}),
    ("GET", "/feeds.opml?format=rss&format=json", {}),
    ("GET", "/feeds/all.atom?page=0", {}),
    ("GET", "/feeds/all.atom?limit=abc", {}),
    ("GET", "/feeds/all/archive/2025-07.atom?page=1", {}),
    ("GET", "/feeds/no-such/x.atom", {}),
    ("GET", "/feeds/all.xml", {}),
    ("GET", "/no-such-path", {}),
    ("GET", "/articles/no-such-article", {}),
    ("GET", "/sitemaps/articles-2099-01.xml", {}),
    ("GET", "/feeds/all", {"Accept": "image/png"}),
    ("GET", "/feeds.opml", {"Accept-Encoding": "identity;q=0"}),
    ("GET", "/feeds.opml", {"If-Match": '"other"'}),
    ("POST", "/feeds.opml", {}),
    ("DELETE", "/feeds/all.atom", {}),
]


@pytest.mark.parametrize(("method", "path", "headers"), CLIENT_ERRORS)
def test_every_client_error_says_how_long_it_may_be_kept(
    client: FlaskClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = client.open(path, method=method, headers=headers)
    assert 400 <= response.status_code < 500, path
    assert response.headers.get("Cache-Control") == _expected(response.status_code), path
    assert response.get_data(as_text=True).strip(), path


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(st.text(max_size=12), min_size=1, max_size=3))
def test_an_opml_format_that_names_no_list_is_a_400_kept_by_no_cache(
    client: FlaskClient, values: list[str]
) -> None:
    """Any `format` values but one of the formats, once: a 400 naming the problem, `no-store`."""
    response = client.get("/feeds.opml", query_string=[("format", value) for value in values])
    if len(values) == 1 and values[0] in FORMATS:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert body.startswith("format")
    assert body.endswith("\n")
