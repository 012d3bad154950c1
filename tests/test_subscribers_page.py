"""The subscriber counts page: token-protected, never cached, the CLI's numbers."""

from __future__ import annotations

import json
import string
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from articles.tokens import TokenStore, token_hash
from feeds.api.auth import TOKENS_KEY
from feeds.subscribers_page import COOKIE, SESSION_SECONDS
from feeds.urls import SUBSCRIBERS_PAGE_PATH
from tests.fixtures.app import Clock
from tests.test_subscribers import _filled

PAGE = SUBSCRIBERS_PAGE_PATH
HTTPS = {"base_url": "https://news.example.com"}


def _tokens(app: Flask) -> TokenStore:
    tokens: TokenStore = app.extensions[TOKENS_KEY]
    return tokens


@pytest.fixture
def token(app: Flask) -> str:
    return _tokens(app).create("ops-desk", "read")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _assert_private(response: TestResponse) -> None:
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def _assert_refused(response: TestResponse, status: int, says: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    _assert_private(response)
    body = response.get_data(as_text=True)
    assert says in body
    assert "<svg" not in body and "/feeds/all.atom" not in body  # no number leaks
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer realm=")


def _cookie(response: TestResponse) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookie.load(header)
    return cookie


def test_without_a_token_the_page_asks_for_one(client: FlaskClient) -> None:
    response = client.get(PAGE)
    _assert_refused(response, 401, "Sign in with a publishing API token")
    form = lxml.html.fromstring(response.data).forms[0]
    assert form.method == "POST" and form.action.endswith(PAGE)
    assert form.inputs["token"].type == "password"


@pytest.mark.parametrize(
    "credentials",
    ["nfa_" + "x" * 43, "not-a-token", "Bearer", "nfa_"],
)
def test_a_wrong_token_is_401_by_header_or_cookie(
    client: FlaskClient, token: str, credentials: str
) -> None:
    by_header = client.get(PAGE, headers=_bearer(credentials))
    _assert_refused(by_header, 401, "unknown or revoked")
    assert 'error="invalid_token"' in by_header.headers["WWW-Authenticate"]
    client.set_cookie(COOKIE, credentials, path="/admin/")
    by_cookie = client.get(PAGE)
    _assert_refused(by_cookie, 401, "session cookie is not valid")
    assert _cookie(by_cookie)[COOKIE]["max-age"] == "0"  # the bad cookie is removed


def test_a_revoked_token_ends_header_and_cookie_sessions_at_once(
    app: Flask, client: FlaskClient, token: str
) -> None:
    assert client.post(PAGE, data={"token": token}, **HTTPS).status_code == 303
    assert client.get(PAGE, **HTTPS).status_code == 200
    assert client.get(PAGE, headers=_bearer(token)).status_code == 200
    _tokens(app).revoke("ops-desk")
    _assert_refused(client.get(PAGE, **HTTPS), 401, "unknown or revoked")
    _assert_refused(client.get(PAGE, headers=_bearer(token)), 401, "unknown or revoked")
    _assert_refused(client.post(PAGE, data={"token": token}), 401, "unknown or revoked")


def test_signing_in_sets_a_strict_httponly_cookie_and_never_a_url_token(
    client: FlaskClient, token: str
) -> None:
    wrong = client.post(PAGE, data={"token": "nfa_wrong"}, **HTTPS)
    assert wrong.status_code == 401
    assert COOKIE not in _cookie(wrong) or _cookie(wrong)[COOKIE].value == ""
    response = client.post(PAGE, data={"token": token}, **HTTPS)
    assert response.status_code == 303
    assert response.headers["Location"] == "https://news.example.com" + PAGE
    assert token not in response.headers["Location"]
    _assert_private(response)
    morsel = _cookie(response)[COOKIE]
    assert morsel.value and token not in morsel.value  # a session, never the token
    assert morsel["httponly"] and morsel["secure"]
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/admin/"
    assert 0 < int(morsel["max-age"]) <= 12 * 3600
    page = client.get(PAGE, **HTTPS)
    assert page.status_code == 200
    _assert_private(page)
    out = client.post(PAGE + "/logout", **HTTPS)
    assert out.status_code == 303 and _cookie(out)[COOKIE]["max-age"] == "0"


def _signed_in(client: FlaskClient, token: str) -> str:
    response = client.post(PAGE, data={"token": token}, **HTTPS)
    assert response.status_code == 303
    return _cookie(response)[COOKIE].value


@pytest.mark.parametrize("scope", ["read", "write"])
def test_the_session_cookie_is_no_api_credential(
    app: Flask, client: FlaskClient, scope: str
) -> None:
    token = _tokens(app).create(f"desk-{scope}", scope)  # type: ignore[arg-type]
    session = _signed_in(client, token)
    assert token not in session and token_hash(token) not in session
    assert client.get(PAGE, **HTTPS).status_code == 200
    api = app.test_client()
    for method, path in [("GET", "/api/articles"), ("DELETE", "/api/articles/aug-1")]:
        refused = api.open(path, method=method, headers=_bearer(session))
        assert refused.status_code == 401, refused.get_data(as_text=True)
        assert "unknown or revoked" in refused.get_data(as_text=True)
    refused_here = app.test_client().get(PAGE, headers=_bearer(session))
    _assert_refused(refused_here, 401, "unknown or revoked")


def test_a_session_ends_when_its_token_is_revoked(
    app: Flask, client: FlaskClient, token: str
) -> None:
    _signed_in(client, token)
    assert client.get(PAGE, **HTTPS).status_code == 200
    _tokens(app).revoke("ops-desk")
    refused = client.get(PAGE, **HTTPS)
    _assert_refused(refused, 401, "unknown or revoked")
    assert _cookie(refused)[COOKIE]["max-age"] == "0"


def test_a_session_expires_on_the_server_side_too(
    client: FlaskClient, token: str, clock: Clock
) -> None:
    start = clock.now
    _signed_in(client, token)
    clock.now = start + timedelta(seconds=SESSION_SECONDS - 1)
    assert client.get(PAGE, **HTTPS).status_code == 200
    clock.now = start + timedelta(seconds=SESSION_SECONDS + 1)
    refused = client.get(PAGE, **HTTPS)  # the browser kept it past Max-Age, or it was copied
    _assert_refused(refused, 401, "has expired")
    assert _cookie(refused)[COOKIE]["max-age"] == "0"


def _tampered(session: str, how: str) -> str:
    name, stamp, signature = session.rsplit(".", 2)
    # The first character: every one of its 6 bits is signature. The last one's low bits are
    # base64 padding, which decoding drops (a last 'A' made 'B' was still a valid signature).
    flip = {"A": "B"}.get(signature[0], "A")
    return {
        "signature": f"{name}.{stamp}.{flip}{signature[1:]}",
        "stamp": f"{name}.{stamp[:-1]}{'A' if stamp[-1] != 'A' else 'B'}.{signature}",
        "other-name": f"reporter.{stamp}.{signature}",
        "no-signature": name,
        "raw-token": "",
    }[how]


@pytest.mark.parametrize("how", ["signature", "stamp", "other-name", "no-signature", "raw-token"])
def test_an_altered_session_cookie_is_refused_and_removed(
    app: Flask, client: FlaskClient, token: str, how: str
) -> None:
    _tokens(app).create("reporter", "write")
    session = _signed_in(client, token)
    forged = _tampered(session, how) or token  # the old form: the token itself in the cookie
    client.set_cookie(COOKIE, forged, domain="news.example.com", path="/admin/")
    refused = client.get(PAGE, **HTTPS)
    _assert_refused(refused, 401, "not valid")
    assert _cookie(refused)[COOKIE]["max-age"] == "0"


@given(junk=st.text(alphabet=string.ascii_letters + string.digits + "._-", max_size=120))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_made_up_cookie_opens_the_page(client: FlaskClient, token: str, junk: str) -> None:
    client.set_cookie(COOKIE, "ops-desk." + junk, path="/admin/")
    refused = client.get(PAGE)
    assert refused.status_code == 401
    assert _cookie(refused)[COOKIE]["max-age"] == "0"  # it was read, and refused


@pytest.mark.parametrize("name", ["token", "access_token"])
def test_a_token_in_the_query_string_is_refused(client: FlaskClient, token: str, name: str) -> None:
    response = client.get(f"{PAGE}?{name}={token}")
    assert response.status_code == 400
    _assert_private(response)
    assert "refused, since URLs are logged" in response.get_data(as_text=True)
    assert token not in response.get_data(as_text=True)


def test_a_form_posted_from_another_site_is_403(client: FlaskClient, token: str) -> None:
    response = client.post(PAGE, data={"token": token}, headers={"Origin": "https://evil.example"})
    _assert_refused(response, 403, "only accepts posts from this site")
    assert COOKIE not in _cookie(response)


@pytest.mark.parametrize(
    "days", ["0", "x", "3661", "-1", "1e3", "07", "+7", "%EF%BC%97", "7_0", "%207"]
)
def test_a_bad_window_is_400_saying_what_to_give(
    client: FlaskClient, token: str, days: str
) -> None:
    response = client.get(f"{PAGE}?days={days}", headers=_bearer(token))
    assert response.status_code == 400
    _assert_private(response)
    assert "whole number of days from 1 to 3660" in response.get_data(as_text=True)


def _cli_json(app: Flask, days: int) -> dict[str, Any]:
    result = app.test_cli_runner().invoke(
        args=["feeds", "subscribers", "--json", "--days", str(days)]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def _page_numbers(html: bytes) -> dict[str, Any]:
    """What the HTML page shows, in the CLI's JSON shape."""
    root = lxml.html.fromstring(html)
    feeds = []
    for section in root.xpath("//section[@class='subscribers-feed']"):
        aggregators = {
            row.xpath("string(th)"): int(row.xpath("string(td)"))
            for row in section.xpath(".//table[@data-table='aggregators']/tbody/tr[th]")
        }
        days = [
            [cell.text_content() for cell in row.xpath("th|td")]
            for row in section.xpath(".//table[@data-table='days']/tbody/tr")
        ]
        feeds.append(
            {
                "feed": section.get("data-feed"),
                "aggregators": aggregators,
                "direct_clients": {day: int(n) for day, n, _ in days if int(n)},
                "daily_total": {day: int(total) for day, _, total in days},
                "total": int(section.xpath("string(.//*[@data-total])")),
            }
        )
    since, until = (t.text_content() for t in root.xpath("//main/p[1]/time")[:2])
    return {"since": since, "until": until, "feeds": feeds}


@pytest.mark.parametrize("days", [1, 2, 30])
def test_the_page_shows_the_numbers_of_the_cli_json(
    app: Flask, clock: Clock, token: str, days: int
) -> None:
    _filled(app, clock)
    client = app.test_client()
    expected = _cli_json(app, days)
    assert expected["feeds"]  # something to compare
    as_json = client.get(
        f"{PAGE}?days={days}", headers={**_bearer(token), "Accept": "application/json"}
    )
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    _assert_private(as_json)
    assert as_json.get_json() == expected
    page = client.get(f"{PAGE}?days={days}", headers=_bearer(token))
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert _page_numbers(page.data) == expected
    # The chart inline: one line per feed, one point per day.
    lines = lxml.html.fromstring(page.data).xpath("//figure/svg//polyline")
    assert len(lines) == len(expected["feeds"])
    assert all(len(line.get("points").split()) == days for line in lines)


def test_counts_waiting_in_this_process_are_shown_at_once(app: Flask, token: str) -> None:
    agent = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 77 subscribers)"
    app.test_client().get("/feeds/all.rss", headers={"User-Agent": agent})
    response = app.test_client().get(PAGE, headers={**_bearer(token), "Accept": "application/json"})
    feeds = {f["feed"]: f for f in response.get_json()["feeds"]}
    assert feeds["/feeds/all.rss"]["aggregators"] == {"Feedly": 77}


def test_nothing_public_names_the_page_and_robots_disallow_it(client: FlaskClient) -> None:
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /admin/" in robots.splitlines()
    for path in ("/", "/feeds.opml", "/sitemap.xml", "/sitemaps/news.xml"):
        response = client.get(path)
        assert "/admin/" not in response.get_data(as_text=True), path


def test_robots_disallow_the_page_under_a_path_prefix(make_app: Any) -> None:
    app = make_app(site_url="https://news.example.com/ko")
    robots = app.test_client().get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /ko/admin/" in robots.splitlines()
