"""Every answer at a feed URL without an extension, errors included, says `Vary: Accept`: the
format there is the one `Accept` chooses, and so is an error's body (JSON Feed's clients get
JSON `{"error": ...}`) and, with nothing acceptable, the status (406).

Found: `/feeds/tag/nonexist` answered a JSON 404 to `Accept: application/feed+json` and a text
one otherwise, storable (`no-cache`) and without `Vary: Accept` (RFC 9110 12.5.5), so a cache
could give one client's body to the other. Errors that come before the document is looked up
(a malformed `page`, `page` on an archive, a slug that cannot be one) are now in the
negotiated format too, as every error of a `.json` URL is JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feeds.negotiation import negotiate
from tests.fixtures.app import NOW, Clock, default_articles, module_client
from tests.fixtures.http import varies_on
from tests.test_gone_feeds import LONE, lone_article, remove

# Extension-less feed URLs answered with an error: 404 (unknown feed, page past the end, a
# month without entries, a kind without a name, no such kind), 400 (malformed or repeated
# paging, paging on an archive), 405 (a method the feed does not take).
ERRORS = [
    "/feeds/tag/nonexist",
    "/feeds/all?page=99",
    "/feeds/all/archive/1999-01",
    "/feeds/tag/",
    "/feeds/nosuchkind/x",
    "/feeds/tag/not%20a%20slug",
    "/feeds/all?page=x",
    "/feeds/all?limit=0",
    "/feeds/all?page=1&page=2",
    "/feeds/all/archive/2025-07?page=1",
]
ACCEPTS = [
    "application/feed+json",
    "application/json",
    "application/atom+xml",
    "application/rss+xml",
    "image/png",
    "text/*",
    "*/*",
    "application/feed+json;q=0.9, application/atom+xml;q=0.5",
]


client = module_client("negotiated-errors")


def _assert_negotiated(
    response_status: int, mimetype: str, vary: str | None, accept: str | None
) -> None:
    assert varies_on(vary, "Accept"), (response_status, vary)
    if response_status == 406:
        return
    fmt = negotiate(accept)
    assert mimetype == ("application/json" if fmt == "json" else "text/plain"), (accept, mimetype)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(ERRORS),
    accept=st.one_of(st.none(), st.sampled_from(ACCEPTS), st.text(max_size=30)),
    method=st.sampled_from(["GET", "HEAD"]),
)
@example(path="/feeds/tag/nonexist", accept="application/feed+json", method="GET")
@example(path="/feeds/tag/nonexist", accept=None, method="GET")
@example(path="/feeds/all?page=x", accept="image/png", method="GET")
def test_every_error_at_an_extension_less_feed_url_varies_on_accept(
    client: FlaskClient, path: str, accept: str | None, method: str
) -> None:
    headers = {} if accept is None else {"Accept": accept}
    try:
        response = client.open(path, method=method, headers=headers)
    except ValueError:  # the test client's own refusal of a header value
        return
    assert 400 <= response.status_code < 500, (path, accept, response.status_code)
    _assert_negotiated(
        response.status_code, response.mimetype, response.headers.get("Vary"), accept
    )
    if method == "GET" and response.mimetype == "application/json":
        assert json.loads(response.data)["status"] == response.status_code


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_method_the_feed_does_not_take_varies_on_accept_too(
    client: FlaskClient, accept: str
) -> None:
    response = client.put("/feeds/all", headers={"Accept": accept})
    assert response.status_code in (405, 406)
    _assert_negotiated(
        response.status_code, response.mimetype, response.headers.get("Vary"), accept
    )


@pytest.mark.parametrize("accept", ACCEPTS)
def test_the_410_of_a_feed_gone_for_good_varies_on_accept(
    make_app: Callable[..., Flask], clock: Clock, accept: str
) -> None:
    app = make_app([*default_articles(), lone_article("tag")], tombstone_days=30)
    path = LONE["tag"][1]
    clock.now = NOW + timedelta(hours=1)
    remove(app, "delete")
    clock.now = NOW + timedelta(days=31)
    for each in (path, path + "/archive/2025-06"):
        gone = app.test_client().get(each, headers={"Accept": accept})
        assert gone.status_code == (406 if negotiate(accept) is None else 410), each
        _assert_negotiated(gone.status_code, gone.mimetype, gone.headers.get("Vary"), accept)


@pytest.mark.parametrize("path", ["/feeds/tag/nonexist.atom", "/feeds/tag/nonexist.json"])
def test_an_error_at_a_url_with_an_extension_is_in_its_format_whatever_accept(
    client: FlaskClient, path: str
) -> None:
    bodies = {client.get(path, headers={"Accept": accept}).mimetype for accept in ACCEPTS}
    assert bodies == {"application/json" if path.endswith(".json") else "text/plain"}
