"""Every redirect the app makes says what moved in words that fit the document: only a feed's
speaks of subscribing and entry ids; a GET or HEAD gets 301, another method 308 or the
written path's own answer.

Found: `/robots.txt/`, `/healthz/`, `/articles/x/`, `/sitemap.xml/` and the case and label
redirects of pages answered "Subscribe to that URL; entry ids are unchanged", which means
nothing for a document that is not a feed; and a POST or PUT to another spelling of a
document's path (`/robots.txt/`) was a 404 though GET found the document there, where the
written path answers 405 with its `Allow`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from feeds.redirects import CONVENTIONAL
from feeds.urls import FEEDS_PREFIX
from tests.fixtures.app import module_client, sitemap_path
from tests.fixtures.http import SITE, WRITE_METHODS

MOVES = (
    "/rss/news.xml=/feeds/section/world.rss "
    "/old-section=/section/world "
    "/feeds/section/old=/feeds/section/world "
    "/retired.atom=https://elsewhere.example/all.atom"
)
FEED_WORDS = ("Subscribe", "entry ids")

# Documents of every kind the app serves, each in the spelling the site writes.
DOCUMENTS = [
    "/feeds/all.atom",
    "/feeds/section/world.rss",
    "/feeds/tag/japan.json",
    "/feeds/all/archive/2025-08.atom",
    "/section/world",
    "/tag/japan",
    "/lang/ko",
    "/articles/aug-1",
    "/feeds.opml",
    "/robots.txt",
    "/sitemap.xml",
    "/static/feed.xsl",
    "/static/feeds.css",
    "/samples/images/cho-hyun-tokyo.png",
    "/healthz",
]
# Paths where the app takes a method other than GET and HEAD (the operators' sign-in).
SIGN_IN = ["/admin/subscribers", "/admin/subscribers/logout"]


def _misspellings(path: str) -> list[str]:
    """Other spellings of `path` the app redirects: a trailing slash, a doubled slash, a dot
    segment (an article id may hold `//`: `/articles//x` is the article `/x`)."""
    first, _, rest = path[1:].partition("/")
    spellings = [path + "/", f"/./{path[1:]}"]
    if rest and first != "articles":
        spellings.append(f"/{first}//{rest}")
    return spellings


# (requested path, the path it redirects to) for the redirects that are not misspellings.
OTHER_REDIRECTS = [
    *(
        (old, FEEDS_PREFIX + "all" + (f".{fmt}" if fmt else ""))
        for old, fmt in CONVENTIONAL.items()
    ),
    ("/rss/news.xml", "/feeds/section/world.rss"),
    ("/old-section", "/section/world"),
    ("/feeds/section/old.json", "/feeds/section/world.json"),
    ("/feeds/section/old/archive/2025-08.rss", "/feeds/section/world/archive/2025-08.rss"),
    ("/retired.atom", "https://elsewhere.example/all.atom"),
    ("/lang/KO", "/lang/ko"),
    ("/feeds/lang/KO.atom", "/feeds/lang/ko.atom"),
    ("/section/WORLD", "/section/world"),
    ("/feeds/section/WORLD.rss", "/feeds/section/world.rss"),
    ("/tag/일본", "/tag/japan"),
    ("/feeds/tag/일본.atom", "/feeds/tag/japan.atom"),
    ("/articles/aug-1/", "/articles/aug-1"),
]


client = module_client("redirect-bodies", site_url=SITE, moved_feeds=MOVES)


@pytest.fixture(scope="module")
def sitemap(client: FlaskClient) -> str:
    """The path of one sitemap the index lists."""
    return sitemap_path(client)


def _is_feed(location: str) -> bool:
    if not location.startswith(SITE + "/"):
        return True  # `moved_feeds` to another site: a feed by the setting's meaning
    return urlsplit(location).path.startswith(FEEDS_PREFIX)


def _assert_redirect_body(client: FlaskClient, path: str, expected: str | None = None) -> None:
    for method in ("GET", "HEAD"):
        response = client.open(path, method=method)
        assert response.status_code == 301, (method, path, response.data[:200])
        location = response.headers["Location"]
        if expected is not None:
            assert location == (expected if expected.startswith("http") else SITE + expected)
        if method == "HEAD":
            continue
        body = response.get_data(as_text=True)
        assert location in body, (path, body)
        feed = _is_feed(location)
        for words in FEED_WORDS:
            assert (words in body) == feed, (path, location, body)
        if not feed:
            assert "has moved" in body, body


@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_misspelt_documents_redirect_speaks_of_feeds_only_for_a_feed(
    client: FlaskClient, document: str
) -> None:
    for path in _misspellings(document):
        _assert_redirect_body(client, path, document)


def test_a_misspelt_sitemaps_redirect_is_a_documents(client: FlaskClient, sitemap: str) -> None:
    for path in _misspellings(sitemap):
        _assert_redirect_body(client, path, sitemap)


@pytest.mark.parametrize(("path", "target"), OTHER_REDIRECTS)
def test_every_other_redirect_speaks_of_feeds_only_for_a_feed(
    client: FlaskClient, path: str, target: str
) -> None:
    _assert_redirect_body(client, path, target)


@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize("document", DOCUMENTS + SIGN_IN)
def test_another_method_on_a_misspelling_gets_the_written_paths_answer(
    client: FlaskClient, document: str, method: str
) -> None:
    """A method the written path does not take gets that path's own 405 (its Allow and
    body), never a 404; one it takes (a sign-in POST) gets a 308, which keeps the method
    (a client may turn a 301's POST into a GET, RFC 9110 15.4.2)."""
    own = client.open(document, method=method)
    for path in _misspellings(document):
        response = client.open(path, method=method)
        if own.status_code == 405:
            assert response.status_code == 405, (method, path, response.data[:200])
            assert response.headers["Allow"] == own.headers["Allow"]
            assert response.data == own.data
        else:
            assert response.status_code == 308, (method, path, own.status_code)
            assert response.headers["Location"] == SITE + document
            assert "Subscribe" not in response.get_data(as_text=True)
