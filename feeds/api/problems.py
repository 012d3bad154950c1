"""Every API error as an RFC 9457 problem: `application/problem+json`, saying what to do.

`Problem` is raised by the views (and the request checks before them); `problem_response`
turns it, or any werkzeug HTTP error met under `/api/` (unknown route, 405, 413 ...), into
a response of this shape:

    {"type": "about:blank", "title": "Not Found", "status": 404,
     "detail": "no article with id 'x'; create it with PUT", "instance": "/api/articles/x"}

`instance` is the request's path as the client sent it: under the path of a site_url such as
`https://news.example.com/ko` (`/ko/api/articles/x`), or under X-Forwarded-Prefix's, as the 201
Location is (`feeds.urls.public_path`).

`type` is `about:blank` for plain HTTP errors and, for the problems particular to this API
(PROBLEM_NAMES), a `tag:` URI (RFC 4151; RFC 9457 allows non-resolvable type URIs) minted
under the site's own tagging entity, as entry ids are: `tag:<tag_authority>:problem:<name>`.
Every problem has the same members: `type`, `title` (one per status, `TITLES`), `status`,
`detail`, `instance` and `errors`, a list of `{field, reason}` (every problem found in a
record or a query string; empty when the problem is about no field).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import quote

import orjson
from flask import Response, current_app, request
from werkzeug.exceptions import HTTPException

from feeds.config import SiteConfig
from feeds.request_line import in_method_order, raw_target_path
from feeds.urls import public_path

MEDIA_TYPE: Final = "application/problem+json"

# The problems particular to this API, by short name; each is a `tag:` URI in responses.
PROBLEM_NAMES: Final[tuple[str, ...]] = (
    "invalid-record",  # 422: the record or patch breaks the record format
    "invalid-request",  # 400: a malformed query parameter, cursor or header
    "malformed-json",  # 400: the body is not JSON
    "unauthorized",  # 401: no token, or one that is unknown or revoked
    "insufficient-scope",  # 403: a read token on a write
    "not-found",  # 404: no article with that id
    "gone",  # 410: the article was deleted
    "precondition-failed",  # 412: If-Match / If-None-Match did not hold
    "unsupported-media-type",  # 415: the body is not JSON
    "payload-too-large",  # 413: over api_max_body_bytes
    "conflict",  # 409: the guid belongs to another article
    "unavailable",  # 503: the database cannot be reached
    "insufficient-storage",  # 507: the database's disk is full
)

# The `title` of each status, fixed here: Python's own phrases change between versions
# (3.13 says "Unprocessable Content" and "Content Too Large" for 422 and 413), and RFC 9457
# asks that a problem type's title not change from occurrence to occurrence.
TITLES: Final[Mapping[int, str]] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    410: "Gone",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    428: "Precondition Required",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    507: "Insufficient Storage",
}

# Advice for HTTP errors that werkzeug raises before a view runs.
_HINTS: Final[Mapping[int, str]] = {
    400: "The request could not be read; check the body and the query parameters.",
    404: "No such API resource; the operations are listed in /api/openapi.json.",
    405: "This resource does not support this method; the Allow header lists those it does.",
    413: "The body is larger than this server accepts.",
    415: "Send the body as JSON with Content-Type: application/json.",
    500: "The server failed; the error has been logged. Retry later.",
}


class Problem(Exception):
    """An API error: raise it anywhere under a view; the blueprint answers with its JSON."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[Mapping[str, str]] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.title = title or TITLES.get(status) or HTTPStatus(status).phrase
        self.headers = dict(headers or {})
        self.errors = list(errors) if errors is not None else []
        self.extensions = extensions

    def body(self, instance: str, tag_authority: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": problem_type(self.kind, tag_authority),
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            "errors": self.errors,
        }
        body.update(self.extensions)
        return body


def problem_type(kind: str | None, tag_authority: str) -> str:
    """The `type` URI of a problem kind: `tag:<tag_authority>:problem:<kind>`, or about:blank."""
    if kind is None:
        return "about:blank"
    if kind not in PROBLEM_NAMES:
        raise ValueError(f"unknown problem kind {kind!r}")
    return f"tag:{tag_authority.strip()}:problem:{kind}"


# Characters a path may hold as they are (RFC 3986 3.3: pchar and "/"); every other byte is
# percent-encoded, "%" included (the path is already decoded once).
_PATH_SAFE: Final = "/!$&'()*+,;=:@-._~"


def request_path() -> str:
    """This request's path within the app as a URI reference (RFC 3986), for `instance`
    (RFC 9457 3.1.5): as the client sent it. The request target itself where the server
    passes it (`REQUEST_URI`: Werkzeug's server; `RAW_URI`: gunicorn), so `%FF` and `a%2Fb`
    stay as written; else the decoded path (PEP 3333's `PATH_INFO`, Granian), percent-encoded
    where its bytes are not path characters: `/api/articles/été` reads
    `/api/articles/%C3%A9t%C3%A9`. Needs a request context."""
    environ = request.environ
    path = raw_target_path(environ)
    if path is None:
        return quote(environ.get("PATH_INFO", "").encode("latin-1", "replace"), safe=_PATH_SAFE)
    script = environ.get("SCRIPT_NAME", "")
    # Under a mount point the target holds it; under a proxy's prefix (ProxyFix) it does not.
    if script and path.startswith(script):
        path = path[len(script) :]
    return quote(path.encode("latin-1", "replace"), safe=_PATH_SAFE + "%")


def problem_response(problem: Problem) -> Response:
    """The problem as an `application/problem+json` response that no cache may keep."""
    config: SiteConfig = current_app.extensions["feeds.config"]
    response = Response(
        orjson.dumps(problem.body(public_path(config, request_path()), config.tag_authority)),
        status=problem.status,
        mimetype=MEDIA_TYPE,
    )
    for name, value in problem.headers.items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def from_http_exception(exc: HTTPException) -> Problem:
    """A werkzeug error (routing, size limit, ...) as a problem, keeping its headers (Allow)."""
    status = exc.code or 500
    # A 400 from below the API (a path that is not UTF-8, a bad Host) is a malformed request
    # like the API's own: the same type as docs/api.md's table gives it.
    kind = {400: "invalid-request", 413: "payload-too-large", 415: "unsupported-media-type"}.get(
        status
    )
    headers = {k: v for k, v in exc.get_headers() if k.lower() not in ("content-type",)}
    # A description of our own (not werkzeug's default for the class) says more than a hint.
    own = exc.description if exc.description != type(exc).description else None
    if own is None and status == 405:
        own = method_advice(request.method, headers.get("Allow", ""), request.path)
    detail = own or _HINTS.get(status) or (exc.description or HTTPStatus(status).phrase)
    return Problem(status, detail, kind=kind, headers=headers)


_WRITES: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ARTICLES: Final = "/api/articles"
_ONE_AT_A_TIME: Final = (
    "PUT /api/articles/{id} creates or replaces an article, PATCH there changes some of its "
    "fields (application/merge-patch+json) and DELETE deletes it; POST /api/articles/batch "
    "writes several at once (docs/api.md)"
)


def method_advice(method: str, allow: str, path: str) -> str:
    """The detail of a 405 for a method a path of the API implements elsewhere (POST on
    `/api/articles`, POST on an article): the methods this path takes (as `Allow` lists
    them) and, for a write, the operation that makes it (docs/api.md). `path` is the
    request's path within the app."""
    methods = ", ".join(in_method_order(m.strip() for m in allow.split(",") if m.strip()))
    detail = (
        f"the method {method!r} is not one this path takes; send one of {methods}, as the "
        "Allow header says"
    )
    if method not in _WRITES or not (path == _ARTICLES or path.startswith(_ARTICLES + "/")):
        return detail
    if path.rstrip("/") == _ARTICLES:
        return f"{detail}. Articles are written at their own URL: {_ONE_AT_A_TIME}"
    return f"{detail}. {_ONE_AT_A_TIME}"
