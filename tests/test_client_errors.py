"""Client mistakes get a 4xx with a short body that says what to do; nothing gives a 500."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("limit=0", "from 1 to 200"),
        ("limit=201", "from 1 to 200"),
        ("limit=-5", "from 1 to 200"),
        ("limit=1e9", "from 1 to 200"),
        ("limit=ten", "from 1 to 200"),
        ("limit=", "from 1 to 200"),
        ("limit=99999999999999999999999", "from 1 to 200"),
        ("page=0", "from 1 up"),
        ("page=-1", "from 1 up"),
        ("page=1.5", "from 1 up"),
        ("page=%00", "from 1 up"),
        ("page=%EF%BC%91", "from 1 up"),  # a full-width digit one
    ],
)
def test_malformed_page_or_limit_is_400_naming_the_allowed_values(
    client: FlaskClient, query: str, hint: str
) -> None:
    response = client.get(f"/feeds/all.atom?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert hint in response.get_data(as_text=True)


def test_unknown_query_parameters_are_ignored(client: FlaskClient) -> None:
    plain = client.get("/feeds/all.atom")
    tracked = client.get("/feeds/all.atom?utm_source=x&_=12345&foo[]=bar")
    assert tracked.status_code == 200
    assert tracked.data == plain.data


def test_huge_page_number_is_past_the_end(client: FlaskClient) -> None:
    response = client.get("/feeds/all.atom?page=" + "9" * 5000)
    assert response.status_code == 404
    # Never a made-up number: the client did not ask for the page the parser capped it at.
    assert response.get_data(as_text=True).startswith("that page is past the end")
    assert "page 7 is past the end" in client.get("/feeds/all.atom?page=7").get_data(as_text=True)


def test_errors_on_json_urls_are_json(client: FlaskClient) -> None:
    response = client.get("/feeds/all.json?limit=nope")
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert "limit" in json.loads(response.data)["error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405_with_allow(client: FlaskClient, method: str) -> None:
    response = client.open("/feeds/all.atom", method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "GET" in response.get_data(as_text=True)


HOSTILE_PATHS = [
    "/feeds/",
    "/feeds/all",
    "/feeds/all.",
    "/feeds/all..atom",
    "/feeds/all.atom.atom",
    "/feeds/.atom",
    "/feeds/section/.atom",
    "/feeds/section/asia/extra.atom",
    "/feeds/section/../all.atom",
    "/feeds/section/%2e%2e%2fall.atom",
    "/feeds/section/%00.atom",
    "/feeds/section/%ff%fe.atom",
    "/feeds/section/아시아.atom",
    "/feeds/tag/%F0%9F%92%A9.json",
    "/feeds/tag/" + "a" * 5000 + ".atom",
    "/feeds/" + "x/" * 2000 + "all.atom",
    "/feeds/lang/ko-" + "Ab" * 100 + ".rss",
    "/feeds/all/archive/.atom",
    "/feeds/all/archive/9999-99.atom",
    "/feeds/all/archive/0000-01.atom",
    "/feeds/all/archive/2025-07",
    "/feeds/all/archive/2025-07/x.atom",
    "/feeds/nope/archive/2025-07.atom",
    "/feeds/section/asia.atom?page=1&page=2&limit=2&limit=x",
    "/feeds/all.atom?page=%F0%9F%92%A9",
    "/feeds/all.atom?limit=%C0%AF",
    "/feeds/all.atom?" + "x=y&" * 2000,
    "/feeds/all.rss;jsessionid=1",
    "/feeds/all.atom%00",
    "/feeds//all.atom",
    "/feeds/section//.atom",
    "/nope",
    "/feeds/../../etc/passwd",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_urls_never_cause_a_server_error(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert len(response.data) < 1000
        assert b"Traceback" not in response.data


@pytest.mark.parametrize(
    "headers",
    [
        {"Accept": "application/atom+xml;q=nonsense"},
        {"Accept": ";;;,,,*/*;q=0.5"},
        {"Accept": "x" * 10000},
        {"Accept-Encoding": "br;q=" + "9" * 400},
        {"If-None-Match": '"unterminated'},
        {"If-None-Match": "W/" * 1000},
        {"If-Modified-Since": "Mon, 31 Feb 2025 25:61:61 GMT"},
        {"If-Modified-Since": "Thu, 01 Jan 10000 00:00:00 GMT"},
        {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "gopher"},
    ],
)
def test_hostile_headers_never_cause_a_server_error(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    for path in ("/feeds/all", "/feeds/all.atom"):
        response = client.get(path, headers=headers)
        assert response.status_code < 500
