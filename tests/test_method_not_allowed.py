"""A method a path does not take is a 405 whose body names the document and the methods it
takes (as its `Allow` lists them), and, for a write to a document made from the articles,
points to the publishing API; in each form the app answers errors in.

Found: every 405 outside the API said "feeds are read with GET or HEAD", also on `/`,
`/robots.txt`, `/sitemap.xml`, article and facet pages, the OPML list, the static files,
`/healthz` and the operators' page, which takes POST.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from tests.fixtures.app import module_client, sitemap_path
from tests.fixtures.http import SITE, WRITE_METHODS

ACCEPTS = (None, "application/feed+json", "application/atom+xml", "text/html", "*/*")

# Every kind of path outside the API: (path, the words its 405 names it by, whether its
# content comes from the articles, so a write there belongs to the publishing API).
DOCUMENTS = [
    ("/feeds/all.atom", "this feed", True),
    ("/feeds/all.json", "this feed", True),
    ("/feeds/all", "this feed", True),
    ("/feeds/section/world.rss", "this feed", True),
    ("/feeds/all/archive/2025-08.atom", "this feed", True),
    ("/", "the front page", True),
    ("/section/world", "this section page", True),
    ("/tag/japan", "this tag page", True),
    ("/lang/ko", "this lang page", True),
    ("/articles/aug-1", "this article's page", True),
    ("/feeds.opml", "the OPML list of feeds", True),
    ("/sitemap.xml", "the sitemap index", True),
    ("/robots.txt", "robots.txt", False),
    ("/static/feed.xsl", "XSL stylesheet", False),
    ("/static/feeds.css", "style sheet", False),
    ("/samples/images/cho-hyun-tokyo.png", "this sample image", False),
    ("/healthz", "the health check", False),
    ("/feed", "a redirect", True),
    ("/rss.xml", "a redirect", True),
    ("/admin/subscribers", "subscriber counts page", False),
    ("/admin/subscribers/logout", "sign-out", False),
]


client = module_client("method-not-allowed", site_url=SITE)


@pytest.fixture(scope="module")
def sitemap(client: FlaskClient) -> str:
    return sitemap_path(client)


def _allow(header: str | None) -> set[str]:
    return {m.strip() for m in (header or "").split(",") if m.strip()}


def _text(response_data: bytes, mimetype: str) -> str:
    if mimetype == "application/json":
        return str(json.loads(response_data)["error"])
    assert mimetype == "text/plain", mimetype
    return response_data.decode()


def _check(
    client: FlaskClient, path: str, kind: str, from_articles: bool, method: str, accept: str | None
) -> None:
    options = client.options(path)
    taken = _allow(options.headers.get("Allow")) - {"OPTIONS"}
    if method in taken:
        return  # the operators' sign-in takes POST
    headers = {"Accept": accept} if accept else {}
    response = client.open(path, method=method, headers=headers)
    assert response.status_code == 405, (method, path)
    assert _allow(response.headers.get("Allow")) == taken | {"OPTIONS"}, path
    own = client.get(path, headers=headers)  # the form this path's other errors take
    json_form = path.endswith(".json") or (
        path.startswith("/feeds/") and own.mimetype == "application/feed+json"
    )
    assert response.mimetype == ("application/json" if json_form else "text/plain")
    body = _text(response.data, response.mimetype)
    assert kind in body, (path, body)
    assert f"does not take {method}" in body
    for each in taken:
        assert each in body, (path, each, body)
    assert ("feeds are read" not in body) and (("this feed" in body) == (kind == "this feed"))
    if from_articles:
        api = (
            f"{SITE}/api/articles/{quote(path.removeprefix('/articles/'), safe='')}"
            if path.startswith("/articles/")
            else f"{SITE}/api/articles/<id>"
        )
        assert api in body, (path, body)
        assert "docs/api.md" in body
    else:
        assert "/api/" not in body, (path, body)


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize(("path", "kind", "from_articles"), DOCUMENTS)
def test_a_405_names_the_document_its_methods_and_where_articles_are_written(
    client: FlaskClient, path: str, kind: str, from_articles: bool, method: str, accept: str | None
) -> None:
    _check(client, path, kind, from_articles, method, accept)


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_a_405_on_a_sitemap_names_a_sitemap(client: FlaskClient, sitemap: str, method: str) -> None:
    _check(client, sitemap, "this sitemap", True, method, None)


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_a_405_on_an_article_page_names_that_articles_api_url(
    client: FlaskClient, method: str
) -> None:
    """The article's own API URL, spelt as the API reads it (an id of any characters)."""
    path = "/articles/" + quote("기사 1/2", safe="")
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert f"{SITE}/api/articles/%EA%B8%B0%EC%82%AC%201%2F2" in response.get_data(as_text=True)
