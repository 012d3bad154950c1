"""Publishing API errors: every one is application/problem+json (RFC 9457) saying what to do,
werkzeug's own included, and nothing is half written."""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

import jsonschema
import orjson
import pytest
from flask import Flask
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import OperationalError
from werkzeug.test import TestResponse

from articles.formats.json import JsonSyntaxError, decode
from tests.fixtures.api import ApiClient, api_client_for, openapi, record


def _problem(response, status: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == status and body["detail"] and body["title"]
    return body  # type: ignore[no-any-return]


def test_unknown_api_route_is_a_problem(api: ApiClient) -> None:
    _problem(api.get("/api/nothing-here"), 404)


def test_wrong_method_is_405_with_allow(api: ApiClient) -> None:
    response = api.request("POST", "/api/articles", json={})
    _problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_feed_side_errors_stay_as_they_were(api: ApiClient) -> None:
    response = api.client.get("/feeds/nothing.atom")
    assert response.status_code == 404
    assert response.mimetype != "application/problem+json"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_that_is_not_json_is_415(api: ApiClient, content_type: str) -> None:
    response = api.put(
        "/api/articles/x1", data=b'{"title": "x"}', headers={"Content-Type": content_type}
    )
    _problem(response, 415)
    assert api.store.get("x1") is None


def test_patch_advertises_merge_patch(api: ApiClient) -> None:
    response = api.patch("/api/articles/aug-1", data=b"{}", headers={"Content-Type": "text/xml"})
    _problem(response, 415)
    assert response.headers["Accept-Patch"] == "application/merge-patch+json"


@pytest.mark.parametrize("body", [b"{", b"", b"  ", b"\xff\xfe", b"[1,]", b"NaN"])
def test_malformed_json_is_400(api: ApiClient, body: bytes) -> None:
    response = api.put("/api/articles/x1", data=body, headers={"Content-Type": "application/json"})
    assert _problem(response, 400)["type"].endswith(":malformed-json")


@given(cut=st.integers(1, 200), junk=st.sampled_from(["", "}", ",", " x", "\n]", "//"]))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_a_json_syntax_error_is_worded_as_the_importer_words_it(
    api: ApiClient, cut: int, junk: str
) -> None:
    whole = orjson.dumps(record(), option=orjson.OPT_INDENT_2).decode()
    text = whole[: min(cut, len(whole) - 1)] + junk
    try:
        decode(text)
    except JsonSyntaxError as error:
        imported = error
    else:
        assume(False)  # the cut happened to leave valid JSON (`{}`)
    response = api.put(
        "/api/articles/x1", data=text.encode(), headers={"Content-Type": "application/json"}
    )
    problem = _problem(response, 400)
    assert problem["detail"] == f"the body is {imported.at()}"
    assert "char " not in problem["detail"]  # not the decoder's own (char 14)


def test_a_body_over_the_limit_is_413_and_writes_nothing(make_app: Callable[..., Flask]) -> None:
    client = api_client_for(make_app(api_max_body_bytes=2048))
    big = record(body_html="<p>" + "x" * 4000 + "</p>")
    _problem(client.put("/api/articles/x1", json=big), 413)
    assert client.store.get("x1") is None
    assert client.put("/api/articles/x1", json=record()).status_code == 201


@pytest.mark.parametrize(
    ("method", "path", "advice"),
    [
        ("PUT", "/api/articles/x1", "make the record smaller"),
        ("PATCH", "/api/articles/x1", "send a smaller patch"),
        ("POST", "/api/articles/batch", "send fewer records per request"),
    ],
)
def test_a_413_states_the_limit_in_bytes_and_advice_fitting_the_request(
    make_app: Callable[..., Flask], method: str, path: str, advice: str
) -> None:
    client = api_client_for(make_app(api_max_body_bytes=2048))
    big = record(body_html="<p>" + "x" * 4000 + "</p>")
    body = {"articles": [big]} if path.endswith("/batch") else big
    headers = {"Content-Type": "application/merge-patch+json"} if method == "PATCH" else {}
    problem = _problem(client.request(method, path, json=body, headers=headers), 413)
    assert problem["type"].endswith(":payload-too-large")
    assert "2,048 bytes" in problem["detail"] and problem["max_body_bytes"] == 2048
    assert advice in problem["detail"]
    advices = {"make the record smaller", "send a smaller patch", "send fewer records per request"}
    others = advices - {advice}
    assert not any(other in problem["detail"] for other in others)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
@pytest.mark.parametrize("over", [1, 2, 4000])
def test_a_body_over_the_limit_is_413_however_it_is_framed(
    make_app: Callable[..., Flask], framing: str, over: int
) -> None:
    """A chunked body (no Content-Length) used to be cut at the limit in silence and answered
    400 malformed-json; over the limit is 413 whatever the framing, and a body of exactly the
    limit is read whole."""
    limit = 2048
    client = api_client_for(make_app(api_max_body_bytes=limit))
    base = orjson.dumps(record(body_html="<p>x</p>"))
    fits = base[:-1] + b" " * (limit - len(base)) + b"}"  # exactly the limit, valid JSON
    assert len(fits) == limit

    def put(body: bytes) -> TestResponse:
        headers = {"Content-Type": "application/json"}
        if framing == "content-length":
            return client.put("/api/articles/x1", data=body, headers=headers)
        return client.put(
            "/api/articles/x1",
            input_stream=io.BytesIO(body),
            headers={**headers, "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},  # as servers mark chunked input
        )

    too_big = fits[:-1] + b" " * over + b"}"
    _problem(put(too_big), 413)
    assert client.store.get("x1") is None
    assert put(fits).status_code == 201


def test_a_record_that_is_not_an_object_is_422(api: ApiClient) -> None:
    body = _problem(api.put("/api/articles/x1", json=[1, 2]), 422)
    assert body["errors"] == [{"field": "", "reason": "expected a JSON object, got an array"}]


def test_database_unavailable_is_503_with_retry_after(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(api.store, "transaction", down)
    response = api.put("/api/articles/x1", json=record())
    assert _problem(response, 503)["type"].endswith(":unavailable")
    assert response.headers["Retry-After"].isdigit()


def test_an_unexpected_error_is_a_500_problem_without_internals(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api.store, "list_articles", broken)
    api.app.testing = False  # let the handler answer instead of re-raising
    response = api.client.get(
        "/api/articles", headers={"Authorization": f"Bearer {api.read_token}"}
    )
    body = _problem(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert body["type"] == "about:blank"


@pytest.mark.parametrize(
    "path", ["/api/articles/%FF", "/api/articles/a%C3", "/api/articles?status=%FF"]
)
def test_every_400_is_an_invalid_request_problem(api: ApiClient, path: str) -> None:
    """docs/api.md's table: a 400 is `malformed-json` or `invalid-request`, never about:blank
    (a path that is not UTF-8 is refused below the API, by the app)."""
    body = _problem(api.get(path), 400)
    assert body["type"].endswith(":problem:invalid-request"), body


def test_deleting_a_deleted_article_is_410_like_reading_it(api: ApiClient) -> None:
    api.put("/api/articles/gone-1", json=record())
    assert api.delete("/api/articles/gone-1").status_code == 204
    read = _problem(api.get("/api/articles/gone-1"), 410)
    deleted = _problem(api.delete("/api/articles/gone-1"), 410)
    assert deleted["type"] == read["type"] and deleted["type"].endswith(":problem:gone")
    assert deleted["guid"] == read["guid"] and deleted["deleted_at"] == read["deleted_at"]
    assert api.delete("/api/articles/never-stored").status_code == 404


def test_patching_a_deleted_article_is_410_like_reading_it(api: ApiClient) -> None:
    """A correction sent for a deleted article was a 404 ("no article; create it with PUT")
    where GET and DELETE say 410 Gone with its guid and deletion time."""
    api.put("/api/articles/gone-2", json=record())
    assert api.delete("/api/articles/gone-2").status_code == 204
    read = _problem(api.get("/api/articles/gone-2"), 410)
    patched = _problem(api.patch("/api/articles/gone-2", json={"title": "Corrected"}), 410)
    assert patched["type"] == read["type"]
    assert patched["guid"] == read["guid"] and patched["deleted_at"] == read["deleted_at"]
    _problem(api.patch("/api/articles/never-stored", json={"title": "x"}), 404)


@pytest.mark.parametrize("path", ["/api//articles", "/api/articles/", "/api//articles/aug-1"])
def test_an_api_path_with_extra_slashes_is_the_apis_own_404_never_a_cached_redirect(
    api: ApiClient, path: str
) -> None:
    """The site's 301 for doubled slashes (cached for a day) is not for the API, whose every
    answer is no-store: `/api//articles` was a `public, max-age=86400` 301."""
    response = api.get(path)
    _problem(response, 404)
    assert "Location" not in response.headers


@pytest.mark.parametrize("path", ["/api/articles", "/api/articles/batch", "/api/articles/aug-1"])
def test_allow_lists_exactly_the_documented_methods(api: ApiClient, path: str) -> None:
    """OPTIONS and every 405 list in `Allow` the methods the OpenAPI document gives the path
    (a concrete path before a templated one): `/api/articles/batch` listed GET, PUT, PATCH and
    DELETE, which were read as the article `batch` (a PUT created it)."""
    paths = openapi()["paths"]
    template = path if path in paths else "/api/articles/{article_id}"
    documented = {method.upper() for method in paths[template]}
    documented |= {"OPTIONS"} | ({"HEAD"} if "GET" in documented else set())
    token = {"Authorization": f"Bearer {api.write_token}"}
    allowed = api.client.options(path, headers=token).headers["Allow"]
    assert {m.strip() for m in allowed.split(",")} == documented
    for method in {"GET", "PUT", "PATCH", "DELETE", "POST"} - documented:
        # Not through api.request: the document has no such operation to check it against.
        response = api.client.open(path, method=method, headers=token, json=record())
        _problem(response, 405)
        assert {m.strip() for m in response.headers["Allow"].split(",")} == documented
    assert api.store.get("batch") is None
    if template != path:  # and the document's id parameter excludes `batch`
        for operation in paths[template].values():
            (schema,) = [p["schema"] for p in operation["parameters"] if p["in"] == "path"]
            assert not jsonschema.Draft202012Validator(schema).is_valid("batch")
            assert jsonschema.Draft202012Validator(schema).is_valid("aug-1")


def _get_raw(api: ApiClient, raw_path: bytes) -> TestResponse:
    """GET with the path's bytes as a server passes them (PATH_INFO: the bytes decoded as
    latin-1, PEP 3333); the test client would decode a `%FF` itself, to U+FFFD."""
    environ = {"PATH_INFO": raw_path.decode("latin-1")}
    # The test client sets the raw target (REQUEST_URI, RAW_URI) to its own path: as Granian,
    # which passes none, the instance then comes from PATH_INFO.
    return api.get("/", environ_overrides={**environ, "REQUEST_URI": "", "RAW_URI": ""})


@given(
    st.lists(
        st.one_of(st.binary(min_size=1, max_size=6), st.text(min_size=1, max_size=6)),
        min_size=1,
        max_size=3,
    )
)
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_problem_instance_is_the_path_as_sent(api: ApiClient, segments: list) -> None:  # type: ignore[type-arg]
    """RFC 9457's `instance` is a URI reference: the request's path with the bytes the client
    sent, percent-encoded, never a decoded text (`%FF` used to come back as U+FFFD, `été` as
    raw non-ASCII)."""
    raw = [s if isinstance(s, bytes) else s.encode() for s in segments]
    assume(all(b"/" not in s and s not in (b".", b"..") for s in raw))
    path = b"/api/nothing/" + b"/".join(raw)
    instance = _get_raw(api, path).get_json()["instance"]
    assert instance.isascii() and " " not in instance, instance
    assert unquote_to_bytes(instance) == path


@pytest.mark.parametrize(
    ("path", "instance"),
    [
        (b"/api/articles/\xff", "/api/articles/%FF"),
        ("/api/articles/été".encode(), "/api/articles/%C3%A9t%C3%A9"),
        (b"/api/articles/100%", "/api/articles/100%25"),
        (b"/api/articles/a b", "/api/articles/a%20b"),
    ],
)
def test_problem_instance_examples(api: ApiClient, path: bytes, instance: str) -> None:
    assert _get_raw(api, path).get_json()["instance"] == instance


@pytest.mark.parametrize(
    ("target", "path_info", "instance"),
    [
        # Werkzeug's server decodes %FF to U+FFFD in PATH_INFO; the target keeps the byte.
        ("/api/articles/%FF", "/api/articles/\xef\xbf\xbd", "/api/articles/%FF"),
        # %2F is reserved: decoding it would change the path.
        ("/api/articles/a%2Fb%2f", "/api/articles/a/b/", "/api/articles/a%2Fb%2f"),
        ("/api/articles/x%2Fy?dry_run=1", "/api/articles/x/y", "/api/articles/x%2Fy"),
    ],
)
@pytest.mark.parametrize("key", ["REQUEST_URI", "RAW_URI"])
def test_problem_instance_is_the_target_as_sent_when_the_server_gives_it(
    api: ApiClient, key: str, target: str, path_info: str, instance: str
) -> None:
    other = "RAW_URI" if key == "REQUEST_URI" else "REQUEST_URI"
    environ = {"PATH_INFO": path_info, key: target, other: ""}
    response = api.get("/", environ_overrides=environ)
    assert response.get_json()["instance"] == instance
