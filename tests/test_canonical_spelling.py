"""One address per document: another spelling of a path this site writes is one 301 to the
written spelling when that is a document, else that path's own answer.

`/feeds/%61ll.atom` and `/feeds%2Fall.atom` were 200s, the feed at a second address that
caches key apart and aggregators subscribe to as another feed; `/feeds/./all.atom` was a 404
though RFC 3986 5.2.4 resolves it to the feed. The percent-encoding is only visible where the
server passes the request target as sent (REQUEST_URI, RAW_URI), as Werkzeug's test client
does here.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.redirects import site_spelling

SITE = "https://news.example.com"

# Documents of every kind, each in the spelling the site writes.
DOCUMENTS = [
    "/feeds/all.atom",
    "/feeds/section/world.rss",
    "/feeds/all/archive/2025-07.json",
    "/feeds/lang/ko.atom",
    "/section/world",
    "/articles/jul-1",
    "/robots.txt",
    "/feeds.opml",
    "/sitemap.xml",
]


@pytest.fixture(scope="module")
def spelling_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    from tests.fixtures.app import shared_client

    return shared_client(tmp_path_factory.mktemp("spelling"), site_url=SITE)


@st.composite
def respelled(draw: st.DrawFn, path: str) -> str:
    """`path` spelled otherwise: some characters percent-encoded (either hex case), some
    slashes as `%2F`, dot segments put in."""
    out = ["/"]  # an origin-form target starts with a slash (RFC 9112 3.2.1)
    for char in path[1:]:
        how = draw(st.sampled_from(["as is"] * 4 + ["upper", "lower"]))
        if char == "/" and how != "as is":
            out.append(draw(st.sampled_from(["%2F", "%2f", "/./", "/x/../"])))
        elif how == "upper":
            out.append("".join(f"%{byte:02X}" for byte in char.encode()))
        elif how == "lower":
            out.append("".join(f"%{byte:02x}" for byte in char.encode()))
        else:
            out.append(char)
    return "".join(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), path=st.sampled_from(DOCUMENTS), query=st.sampled_from(["", "?utm_x=1"]))
def test_any_other_spelling_of_a_document_is_one_301_to_the_sites_spelling(
    spelling_client: FlaskClient, data: st.DataObject, path: str, query: str
) -> None:
    spelling = data.draw(respelled(path))
    response = spelling_client.get(spelling + query)
    if spelling == path:
        assert response.status_code == 200
        return
    assert response.status_code == 301, (spelling, response.status_code)
    assert response.headers["Location"] == SITE + path + query
    assert spelling_client.get(path + query).status_code == 200


@pytest.mark.parametrize(
    ("spelling", "path"),
    [
        ("/feeds/%61ll.atom", "/feeds/all.atom"),
        ("/feeds%2Fall.atom", "/feeds/all.atom"),
        ("/feeds/./all.atom", "/feeds/all.atom"),
        ("/feeds/x/../all.atom", "/feeds/all.atom"),
        ("/%2E%2E/feeds/all.atom", "/feeds/all.atom"),
        ("/section/%77orld", "/section/world"),
        ("/articles/jul%2D1", "/articles/jul-1"),
    ],
)
def test_the_examples(spelling_client: FlaskClient, spelling: str, path: str) -> None:
    response = spelling_client.get(spelling)
    assert (response.status_code, response.headers.get("Location")) == (301, SITE + path)
    assert "moved permanently" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "spelling", ["/feeds/%6Eowhere.atom", "/feeds/./nowhere.atom", "/section/%6Eowhere"]
)
def test_another_spelling_of_nothing_is_that_paths_404(
    spelling_client: FlaskClient, spelling: str
) -> None:
    response = spelling_client.get(spelling)
    assert response.status_code == 404
    assert "Location" not in response.headers


def test_an_article_id_is_one_segment_in_the_sites_spelling() -> None:
    """The site writes an id whole, its slashes and reserved characters encoded."""
    assert site_spelling("/articles/a/b") == "/articles/a%2Fb"
    assert site_spelling("/articles/été".encode().decode("latin-1")) == "/articles/" + quote("été")
    assert site_spelling("/feeds/tag/x.atom") == "/feeds/tag/x.atom"


def test_the_response_memo_never_replays_a_document_for_another_spelling(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(site_url=SITE, response_memo_ms=60_000)
    client = app.test_client()
    assert client.get("/feeds/all.atom").status_code == 200  # now in the memo
    response = client.get("/feeds/%61ll.atom")
    assert (response.status_code, response.headers.get("Location")) == (
        301,
        SITE + "/feeds/all.atom",
    )
