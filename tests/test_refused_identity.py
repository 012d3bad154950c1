"""One rule for every document (RFC 9110 12.5.3): the body goes in a content coding the
`Accept-Encoding` header accepts; when it refuses an uncompressed body (`identity;q=0`, or
`*;q=0` without an identity entry) and accepts no coding the document is sent in, the answer
is a 406 saying what to allow, after the preconditions (a 304 still wins).

Found: the sample images, sent only as they are, ignored the header (200, uncompressed, no
`Vary: Accept-Encoding`) where every text document answered 406.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.negotiation import choose_encoding, identity_acceptable
from tests.fixtures.app import module_client
from tests.fixtures.http import SITE, varies_on

IMAGE = "/samples/images/cho-hyun-tokyo.png"
TEXT_DOCUMENTS = [
    "/feeds/all.atom",
    "/feeds/all.json",
    "/",
    "/section/world",
    "/articles/aug-1",
    "/feeds.opml",
    "/robots.txt",
    "/sitemap.xml",
    "/static/feed.xsl",
    "/static/feeds.css",
]
DOCUMENTS = [*TEXT_DOCUMENTS, IMAGE]


client = module_client("refused-identity", site_url=SITE)


def _codings(path: str) -> set[str]:
    """The content codings a document is sent in besides identity."""
    return set() if path == IMAGE else {"gzip", "br"}


def _check(client: FlaskClient, path: str, header: str) -> None:
    response = client.get(path, headers={"Accept-Encoding": header})
    coding = choose_encoding(header) if _codings(path) else None
    if coding is None and not identity_acceptable(header):
        assert response.status_code == 406, (path, header)
        assert response.headers["Cache-Control"] == "no-store"
        text = response.get_data(as_text=True)
        assert "allow identity" in text if path == IMAGE else "allow gzip, br or identity" in text
    else:
        assert response.status_code == 200, (path, header, response.data[:200])
        assert response.headers.get("Content-Encoding") == coding, (path, header)
    assert varies_on(response.headers.get("Vary"), "Accept-Encoding"), (path, header)


@pytest.mark.parametrize(
    "header",
    [
        "identity;q=0",
        "*;q=0",
        "gzip, identity;q=0",
        "br, identity;q=0",
        "gzip, br, *;q=0",
        "deflate, identity;q=0",
        "identity",
        "gzip",
        "*;q=0, identity",
    ],
)
@pytest.mark.parametrize("path", DOCUMENTS)
def test_every_document_answers_a_refused_identity_by_one_rule(
    client: FlaskClient, path: str, header: str
) -> None:
    _check(client, path, header)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(DOCUMENTS),
    items=st.lists(
        st.tuples(
            st.sampled_from(["gzip", "br", "identity", "*", "deflate", "x-gzip"]),
            st.sampled_from(["", ";q=0", ";q=0.5", ";q=1"]),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_any_accept_encoding_gets_an_accepted_coding_or_a_406(
    client: FlaskClient, path: str, items: list[tuple[str, str]]
) -> None:
    _check(client, path, ", ".join(name + q for name, q in items))


def test_an_image_refusing_identity_still_gets_its_304(client: FlaskClient) -> None:
    first = client.get(IMAGE)
    again = client.get(
        IMAGE,
        headers={"Accept-Encoding": "gzip, identity;q=0", "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304


def test_an_image_is_still_sent_as_it_is_when_identity_is_accepted(client: FlaskClient) -> None:
    response = client.get(IMAGE, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data.startswith(b"\x89PNG")
