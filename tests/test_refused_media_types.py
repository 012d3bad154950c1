"""A feed is never sent with a media type the request's `Accept` refuses with `q=0`.

RFC 9110 12.5.1: a range with `q=0` marks its types "not acceptable". The app takes some names
for a format that it does not send (`application/json` picks JSON Feed, sent as
`application/feed+json`) and sends Atom and RSS to a browser as `application/xml`; before, a
header refusing the type actually sent still got it (`application/json, application/feed+json;q=0`
was a 200 in `application/feed+json`, `text/html, application/xml;q=0, */*;q=0.5` a 200 in
`application/xml`).
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from feeds.negotiation import feed_media_type, negotiate
from tests.fixtures.http import FIREFOX_ACCEPT, MEDIA_RANGES

_RANGES = st.sampled_from(MEDIA_RANGES)
_QUALITIES = st.sampled_from(["", ";q=1", ";q=0.5", ";q=0.1", ";q=0", ";q=0.000", " ; q=0"])


def refused(accept: str, media: str) -> bool:
    """Whether the most specific range of `accept` covering `media` has q=0 (by hand)."""
    kind, _, sub = media.partition("/")
    best: tuple[int, float] | None = None
    for item in accept.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        rk, _, rs = name.lower().partition("/")
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                q = float(value)
        if (rk, rs) == (kind, sub):
            spec = 2
        elif rk == kind and rs == "*":
            spec = 1
        elif (rk, rs) == ("*", "*"):
            spec = 0
        else:
            continue
        if best is None or spec > best[0]:
            best = (spec, q)
    return best is not None and best[1] == 0


# Each range once (a header giving one range two q-values contradicts itself).
@given(
    items=st.lists(
        st.tuples(_RANGES, _QUALITIES), min_size=1, max_size=5, unique_by=lambda i: i[0].lower()
    )
)
def test_the_type_sent_is_never_one_the_header_refuses(items: list[tuple[str, str]]) -> None:
    accept = ", ".join(media + quality for media, quality in items)
    fmt = negotiate(accept)
    sent = [feed_media_type(fmt, accept)] if fmt else []
    # A URL with an extension is that format whatever Accept says; the choice between its own
    # type and generic XML still must not land on a refused one when the other is acceptable.
    for own in ("atom", "rss"):
        chosen = feed_media_type(own, accept)
        if chosen != feed_media_type(own, None):
            sent.append(chosen)
    for media in sent:
        assert not refused(accept, media.split(";")[0]), (accept, media)


@pytest.mark.parametrize(
    ("path", "accept", "status", "content_type"),
    [
        ("/feeds/all", "application/json, application/feed+json;q=0", 406, None),
        ("/feeds/all", "application/json, */*;q=0", 406, None),
        ("/feeds/all", "application/xml, application/atom+xml;q=0", 406, None),
        (
            "/feeds/all",
            "*/*;q=0.1, application/feed+json;q=0, application/json",
            200,
            "application/atom+xml",
        ),
        (
            "/feeds/all.atom",
            "text/html, application/xml;q=0, */*;q=0.5",
            200,
            "application/atom+xml",
        ),
        ("/feeds/all", "text/html, application/xml;q=0, */*;q=0.5", 200, "application/atom+xml"),
        ("/feeds/all.rss", "text/html, application/*;q=0", 200, "application/rss+xml"),
        # unchanged: the names count while the type sent is not refused
        ("/feeds/all", "application/json", 200, "application/feed+json"),
        ("/feeds/all.atom", FIREFOX_ACCEPT, 200, "application/xml"),
    ],
)
def test_a_refused_type_is_not_sent(
    client: FlaskClient, path: str, accept: str, status: int, content_type: str | None
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == status
    if content_type is not None:
        assert response.headers["Content-Type"] == f"{content_type}; charset=utf-8"
