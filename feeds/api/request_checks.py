"""The publishing API's request checks: what is refused before, or apart from, an operation.

`check_request` is the API blueprint's before-request hook (`feeds.api.views` registers it).
Every request but the OpenAPI document's is checked, in this order, and the first refusal is
the answer, raised as a `Problem` (RFC 9457, `feeds.api.problems`) that the blueprint's error
handler answers:

1. the bearer token (`feeds.api.auth.authenticate`: 401, or 403 for a read token on a write);
2. the method on `/api/articles/batch`, which is the batch operation only (405 with
   `Allow: OPTIONS, POST`; OPTIONS is answered there and then, 200 with that `Allow`);
3. a request-target holding bytes that are not ASCII as received (400 `invalid-request`);
4. a query parameter that is not UTF-8 once percent-decoded (400, `errors` naming it);
5. query parameters on any operation but the list, `GET /api/articles` (400, `errors` naming
   each; the list's own parameters are checked by its schema, `feeds.api.schemas.ListQuery`);
6. a path or query value holding U+0000 or a lone surrogate (400, `errors` naming it,
   `article_id` as `id`; `feeds.request_text`);
7. for a method that takes a body (`feeds.api.body.BODY_TYPES`): its media type and charset
   (415 `unsupported-media-type`, with `Accept-Patch` on PATCH), its Content-Encoding (415 with
   `Accept-Encoding: identity`), its size (413 over `api_max_body_bytes`) and its JSON
   (`feeds.api.body.read_json`: 400 `malformed-json`, 422 for a number past the digit
   limit). The decoded body is left in `g.api_body` for the view.

Outside that hook:

- `method_not_allowed()`: the 405 (with the path's `Allow`) for a method no route of the app
  implements sent to an API path, or a 404 for an API path no route takes; returned, not
  raised, for the blueprint's and the app's HTTP error handlers.
- `read_entity_tags(header, name, weak=)`: an If-Match or If-None-Match value as the set of
  quoted ETags it names (`*` as `*`); 400 `invalid-request` for a value that is not `*` or a
  list of entity tags. `read_precondition()`: the request's two headers as a
  `feeds.api.writes.Precondition`, which the write checks inside its transaction (412).

Nothing here reads or writes articles (authentication looks up the token only): these are
the request's own errors, whatever the stored articles are.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import unquote_to_bytes

from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from feeds.api import auth, writes
from feeds.api.body import (
    BODY_TYPES,
    body_coding_refusal,
    body_type_refusal,
    read_json,
    too_large,
)
from feeds.api.merge_patch import MEDIA_TYPE as MERGE_PATCH
from feeds.api.problems import Problem
from feeds.api.schemas import ENTITY_TAGS_PATTERN
from feeds.config import SiteConfig
from feeds.request_line import in_method_order
from feeds.request_text import first_unstorable

__all__ = [
    "BATCH_METHODS",
    "check_request",
    "method_not_allowed",
    "read_entity_tags",
    "read_precondition",
]

_ENTITY_TAGS: Final = re.compile(ENTITY_TAGS_PATTERN)
_ENTITY_TAG: Final = re.compile(r'(W/)?"([^"]*)"')


def _config() -> SiteConfig:
    config: SiteConfig = current_app.extensions["feeds.config"]
    return config


# --------------------------------------------------------------------------- methods

# The batch operation's path, which the article routes would also take as the id `batch`.
BATCH_METHODS: Final = ("OPTIONS", "POST")


def _batch_path_method() -> Response | None:
    """`/api/articles/batch` is the batch operation only, as the OpenAPI document says (a
    concrete path before a templated one): GET, PUT, PATCH and DELETE there were read as the
    article `batch` (a PUT created it), and OPTIONS listed those methods in `Allow`. Now 405
    naming POST, and OPTIONS answers `Allow: OPTIONS, POST`. The id `batch` cannot be
    written or read through the API (docs/api.md)."""
    on_batch = request.endpoint == "api.batch_articles" or (
        (request.view_args or {}).get("article_id") == "batch"
    )
    if not on_batch or request.method == "POST":
        return None
    allow = ", ".join(BATCH_METHODS)
    if request.method == "OPTIONS":
        return Response(status=200, headers={"Allow": allow})
    raise Problem(
        405,
        "/api/articles/batch takes POST only (the batch operation), so `batch` cannot be an "
        "article id in this API; give the article another id",
        headers={"Allow": allow},
    )


def method_not_allowed() -> HTTPException:
    """A method no route of the app implements (TRACE, BREW, a lower-case `get`), sent to an
    API path: 405 with the path's Allow, as for any other method the path does not take.

    Elsewhere the app answers such a method 501 (RFC 9110 15.6.2, `feeds.request_line`); the
    API documents its every error as a 4xx in its OpenAPI document, and a 405 says what to do
    instead. An API path no route takes is a 404."""
    adapter = current_app.create_url_adapter(request)
    allowed = set(adapter.allowed_methods()) if adapter is not None else set()
    if adapter is None or not allowed:
        return NotFound()
    try:
        endpoint, _args = adapter.match(method="POST")
    except HTTPException:
        endpoint = ""
    if endpoint == "api.batch_articles":  # the batch operation only, as its 405s say
        allowed = set(BATCH_METHODS)
    methods = in_method_order(allowed)
    sent = request.environ.get("REQUEST_METHOD", "")
    return MethodNotAllowed(
        valid_methods=methods,
        description=f"the method {sent!r} is not one this path takes (methods are "
        f"case-sensitive); send one of {', '.join(methods)}, as the Allow header says",
    )


# --------------------------------------------------------------------------- the request


def check_request() -> Response | None:
    """Refuse a request the API cannot take, before its view runs (the module docstring lists
    the checks in their order); read its body into `g.api_body`. Returns the answer to an
    OPTIONS on the batch path, else None; raises a `Problem` for a refusal."""
    # One byte more than the limit: Werkzeug stops a body without Content-Length (chunked)
    # at the limit in silence, so a body cut there would read as malformed JSON; a body
    # that reaches limit + 1 bytes is over it, however it was framed (413 below).
    request.max_content_length = _config().api_max_body_bytes + 1
    if request.endpoint == "api.openapi_document":
        return None
    auth.authenticate()
    refused = _batch_path_method()
    if refused is not None:
        return refused
    _target_is_ascii()
    _query_is_utf8()
    _query_only_on_the_list()
    _values_storable()
    _read_body()
    return None


def _target_is_ascii() -> None:
    """Refuse (400) a request-target holding a byte that is not ASCII, as the server received
    it (REQUEST_URI, gunicorn's RAW_URI): RFC 9112 section 3.2 allows none, a client sends
    `%C3%A9` for `é`. Werkzeug's development server read the raw UTF-8 of `/api/articles/été`
    as Latin-1 and then encoded that as UTF-8 again, so a PUT created the article `Ã©tÃ©`;
    a raw 0xFF byte created `aÿb` where `%FF` is refused as not UTF-8."""
    raw = request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI")
    if not isinstance(raw, str) or raw.isascii():
        return
    raise Problem(
        400,
        "the request's URL holds characters that are not ASCII as they are; percent-encode "
        "the UTF-8 bytes of each one (été is %C3%A9t%C3%A9), as RFC 3986 says",
        kind="invalid-request",
    )


def _query_is_utf8() -> None:
    """Refuse (400) a query parameter that is not UTF-8 once percent-decoded."""
    # A filter read as U+FFFD would match nothing, in silence.
    for part in request.query_string.split(b"&"):
        try:
            unquote_to_bytes(part).decode("utf-8")
        except UnicodeDecodeError:
            field = unquote_to_bytes(part.partition(b"=")[0]).decode("utf-8", "replace")
            raise Problem(
                400,
                f"{field[:40]}: not UTF-8 once percent-decoded; percent-encode the UTF-8 "
                "bytes of each character (한 is %ED%95%9C)",
                kind="invalid-request",
                errors=[{"field": field, "reason": "not UTF-8 once percent-decoded"}],
            ) from None


def _query_only_on_the_list() -> None:
    """Refuse (400) query parameters sent to any operation but the list."""
    # Only the list takes query parameters (its own check names each it takes). Elsewhere
    # one was ignored in silence: `PATCH ...?dry_run=1` wrote the change.
    if request.args and request.endpoint != "api.list_articles":
        names = list(dict.fromkeys(request.args.keys()))
        raise Problem(
            400,
            f"{names[0][:40]}: this operation takes no query parameters; send the request "
            "without them (the list, GET /api/articles, is the one that takes filters)",
            kind="invalid-request",
            errors=[
                {"field": name[:80], "reason": "this operation takes no query parameters"}
                for name in names
            ],
        )


def _values_storable() -> None:
    """Refuse (400) a path or query value holding text no store can hold."""
    # No store can hold U+0000 or a lone surrogate: a value holding one names nothing, and
    # PostgreSQL would refuse it as an error of the database (feeds.request_text).
    name = first_unstorable([*(request.view_args or {}).items(), *request.args.items(multi=True)])
    if name is not None:
        field = "id" if name == "article_id" else name
        raise Problem(
            400,
            f"{field}: holds U+0000 or a lone surrogate, which no article can hold",
            kind="invalid-request",
            errors=[{"field": field, "reason": "holds U+0000 or a lone surrogate"}],
        )


def _read_body() -> None:
    """For a method that takes a body, refuse its media type (415), its coding (415), its
    size (413) or its JSON (400); else keep the decoded JSON in `g.api_body`."""
    accepted = BODY_TYPES.get(request.method)
    if accepted is None or request.endpoint is None:
        return
    refusal = body_type_refusal(request.method, request.mimetype, request.mimetype_params)
    if refusal is not None:
        headers = {"Accept-Patch": MERGE_PATCH} if request.method == "PATCH" else {}
        raise Problem(415, refusal, kind="unsupported-media-type", headers=headers)
    refusal = body_coding_refusal(request.headers.get("Content-Encoding"))
    if refusal is not None:
        raise Problem(
            415,
            refusal,
            kind="unsupported-media-type",
            headers={"Accept-Encoding": "identity"},
        )
    limit = _config().api_max_body_bytes
    try:
        data = request.get_data(cache=True)  # 413 here when Content-Length is over the limit
    except RequestEntityTooLarge:
        raise too_large(limit, request.endpoint, request.method) from None
    if len(data) > limit:
        raise too_large(limit, request.endpoint, request.method)
    g.api_body = read_json(data)


# --------------------------------------------------------------------------- preconditions


def read_entity_tags(header: str | None, name: str, *, weak: bool) -> frozenset[str]:
    """The header's ETags, quoted, as RFC 9110 13.1 compares them (`*` stays `*`).

    If-Match compares strongly (a `W/` tag never matches), If-None-Match weakly (`W/"x"`
    matches `"x"`). A header that is not `*` or a list of entity tags (empty, `"`, two tags
    without the comma, a tag beside words: ENTITY_TAGS_PATTERN, the document's pattern) is a
    400: ignored, or read in part, it would turn a conditional write into another one.
    """
    if header is None:
        return frozenset()
    # The field's value without the whitespace around it (RFC 9110 5.5): werkzeug's
    # parse_etags read `* ` (or `*` and a tab) as the entity tag "*", so If-None-Match: `* `
    # let a create-only PUT replace an article and If-Match: `* ` was a 412.
    value = header.strip(" \t")
    if _ENTITY_TAGS.fullmatch(value) is None:
        raise Problem(
            400,
            f"{name} is not * or a list of entity tags; send * or the ETag in double quotes "
            "as GET "
            'returned it, several separated by commas ("a", "b")',
            kind="invalid-request",
        )
    if value == "*":
        return frozenset({"*"})
    # The pattern held: every quoted string is one entity tag (etagc has no `"`).
    return frozenset(
        f'"{opaque}"'
        for weak_prefix, opaque in _ENTITY_TAG.findall(value)
        if weak or not weak_prefix
    )


def read_precondition() -> writes.Precondition:
    """The request's If-Match and If-None-Match (None when absent), for a write to check
    inside its transaction; 400 for a value that is not `*` or a list of entity tags."""
    if_match = request.headers.get("If-Match")
    if_none_match = request.headers.get("If-None-Match")
    return writes.Precondition(
        if_match=tuple(read_entity_tags(if_match, "If-Match", weak=False))
        if if_match is not None
        else None,
        if_none_match=tuple(read_entity_tags(if_none_match, "If-None-Match", weak=True))
        if if_none_match is not None
        else None,
    )
