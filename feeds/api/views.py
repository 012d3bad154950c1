"""The publishing API's routes: articles read and written as JSON under `/api/`.

Every request is authenticated first (`feeds.api.auth`), then its body is checked (size,
media type, JSON) before a view runs; views validate records with the import command's
validator (`feeds.api.records`) and write through `feeds.api.writes`, one transaction per
request. Every answer is `Cache-Control: no-store`: drafts and embargoed stories are private.
The OpenAPI document (`/api/openapi.json`, `feeds.api.openapi`) is generated from these
routes (validated by the spectree instance of `feeds.api.spec`) and the models in
`feeds.api.schemas`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, Final, NoReturn
from urllib.parse import unquote_to_bytes, urlencode

import orjson
from flask import Blueprint, Response, current_app, g, request, url_for
from flask.blueprints import BlueprintSetupState
from spectree import Response as Responses
from sqlalchemy.exc import DataError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from articles.cli import SERVICE_KEY
from articles.errors import (
    ArticleDeleted,
    ArticleNotFound,
    GuidConflict,
    InvalidArticle,
    StaleArticle,
    StoreError,
    StoreFull,
    UnstorableValue,
)
from articles.model import Article
from articles.service import ArticleService
from articles.store import Store
from feeds.api import auth, writes
from feeds.api.body import (
    BODY_TYPES,
    JSON,
    body_coding_refusal,
    body_type_refusal,
    read_json,
    too_large,
)
from feeds.api.cursors import cursor_after, read_cursor
from feeds.api.merge_patch import MEDIA_TYPE as MERGE_PATCH
from feeds.api.openapi import document
from feeds.api.problems import Problem, from_http_exception, problem_response
from feeds.api.records import (
    RecordRules,
    check_article_id,
    etag,
    invalid,
    not_a_record,
    patched_record,
    read_record,
    record_errors,
    resource,
    unknown_patch_members,
)
from feeds.api.schemas import (
    ENTITY_TAGS_PATTERN,
    ArticleList,
    ArticleResource,
    ArticleWrite,
    BatchResult,
    GoneProblem,
    ListQuery,
    ValidationProblem,
)
from feeds.api.schemas import Problem as ProblemModel
from feeds.api.spec import SECURITY, spec
from feeds.config import SiteConfig
from feeds.request_line import MethodNotImplemented
from feeds.request_text import first_unstorable
from feeds.urls import AnyPathConverter, public_path

bp = Blueprint("api", __name__, url_prefix="/api")

_ENTITY_TAGS: Final = re.compile(ENTITY_TAGS_PATTERN)
_ENTITY_TAG: Final = re.compile(r'(W/)?"([^"]*)"')


class ArticleIdConverter(AnyPathConverter):
    """An article id in a URL, in NFC as every record's id is (`e` + U+0301 is `é`)."""

    def to_python(self, value: str) -> str:
        return unicodedata.normalize("NFC", value)


@bp.record_once
def _register_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters.setdefault("article_id", ArticleIdConverter)


# --------------------------------------------------------------------------- request checks


def _config() -> SiteConfig:
    config: SiteConfig = current_app.extensions["feeds.config"]
    return config


def _store() -> Store:
    store: Store = current_app.extensions["feeds.store"]
    return store


def _now() -> datetime:
    """The time of this request, read once: the record's `updated` when it gives none and the
    write's stamp are one instant."""
    if "api_now" not in g:
        g.api_now = current_app.extensions["feeds.clock"]()
    now: datetime = g.api_now
    return now


def _rules() -> RecordRules:
    config = _config()
    service: ArticleService = current_app.extensions[SERVICE_KEY]
    now = _now()
    return RecordRules(
        zone=config.zone,
        default_language=config.default_language,
        written_at=now,
        site=lambda article: service.problems(article, now),
    )


# The batch operation's path, which the article routes would also take as the id `batch`.
BATCH_METHODS: Final = ("OPTIONS", "POST")
# The order Allow lists methods in (RFC 9110 10.2.1 gives none; a stable one reads better).
_METHOD_ORDER: Final = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")


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
    methods = [m for m in _METHOD_ORDER if m in allowed] + sorted(allowed - set(_METHOD_ORDER))
    sent = request.environ.get("REQUEST_METHOD", "")
    return MethodNotAllowed(
        valid_methods=methods,
        description=f"the method {sent!r} is not one this path takes (methods are "
        f"case-sensitive); send one of {', '.join(methods)}, as the Allow header says",
    )


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


@bp.before_request
def _check_request() -> Response | None:
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
    accepted = BODY_TYPES.get(request.method)
    if accepted is None or request.endpoint is None:
        return None
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
    return None


@bp.after_request
def _private(response: Response) -> Response:
    if request.method == "OPTIONS" and response.status_code == 200 and not response.get_data():
        # Flask's own answer to OPTIONS is a 200 with `Allow`, an empty body and a
        # Content-Type (text/html) describing none; 204 says there is no content (and the
        # app's after_request then drops the Content-Type).
        response.status_code = 204
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- errors


@bp.errorhandler(Problem)
def _problem(problem: Problem) -> Response:
    return problem_response(problem)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    if isinstance(exc, MethodNotImplemented):  # a lower-case `get` on a route's path
        exc = method_not_allowed()
    return problem_response(from_http_exception(exc))


@bp.errorhandler(ArticleNotFound)
def _not_found(exc: ArticleNotFound) -> Response:
    if isinstance(exc, ArticleDeleted):  # as `_missing` answers: 410 with guid and time
        return problem_response(
            Problem(
                410,
                f"article {exc.article_id!r} was deleted at {exc.deleted_at.isoformat()}; PUT "
                "a record to publish it again",
                kind="gone",
                guid=exc.guid,
                deleted_at=exc.deleted_at.isoformat(),
            )
        )
    return problem_response(
        Problem(
            404,
            f"no article with id {exc.article_id!r}; create it with PUT",
            kind="not-found",
        )
    )


@bp.errorhandler(InvalidArticle)
def _invalid(exc: InvalidArticle) -> Response:
    # Raised by the write path (rules checked against the stored article or the clock).
    return problem_response(invalid([{"field": exc.field, "reason": exc.reason}]))


@bp.errorhandler(GuidConflict)
def _guid_conflict(exc: GuidConflict) -> Response:
    return problem_response(
        Problem(
            409,
            f"{exc}; leave `guid` out to have one minted, or keep the stored article's",
            kind="conflict",
        )
    )


@bp.errorhandler(StaleArticle)
def _stale(exc: StaleArticle) -> Response:
    return problem_response(Problem(412, str(exc), kind="precondition-failed"))


def problem_for_exception(exc: Exception) -> Problem:
    """Errors from the database or from our own code, as problems (503 or 500)."""
    if isinstance(exc, UnstorableValue | DataError):
        # A value of the request the database refused: the client's error, not an outage.
        current_app.logger.warning("API: the database refused a value: %s", exc)
        return Problem(
            400, "a value of this request cannot be stored or looked up", kind="invalid-request"
        )
    if isinstance(exc, StoreFull):
        current_app.logger.error("API: the database's disk is full: %s", exc)
        return Problem(
            507,
            "the article database's disk is full, so nothing was written; retrying will not "
            "help until the server's operator frees space on it (or enlarges it). Reads "
            "still work.",
            kind="insufficient-storage",
        )
    if isinstance(exc, StoreError | SQLAlchemyError):
        current_app.logger.error("API: database error: %s", exc)
        return Problem(
            503,
            "the article database is unavailable; nothing was written. Retry shortly.",
            kind="unavailable",
            headers={"Retry-After": "30"},
        )
    current_app.logger.exception("API: unexpected error")
    return Problem(500, "the server failed; nothing was written and the error has been logged")


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    return problem_response(problem_for_exception(exc))


# --------------------------------------------------------------------------- documents

_ID_PARAMETER: Final = {
    "article_id": "The newsroom's id of the article, as in its record (percent-encode '/')."
}
_ERRORS = {
    "HTTP_400": ProblemModel,
    "HTTP_401": ProblemModel,
    "HTTP_403": ProblemModel,
    "HTTP_503": ProblemModel,
}


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """This API's OpenAPI 3.1 document (no token needed)."""
    return Response(orjson.dumps(document()), mimetype=JSON)


@bp.get("/articles")
@spec.validate(
    query=ListQuery,
    resp=Responses(HTTP_200=ArticleList, **_ERRORS),
    security=SECURITY,
    tags=["articles"],
    validation_error_status=400,
    operation_id="listArticles",
)
def list_articles() -> Response:
    """List articles in any state, newest `published` first.

    Filters combine; pages are linked by an opaque cursor (`next_cursor`, and a Link header
    with rel="next").
    """
    query: ListQuery = request.context.query  # type: ignore[attr-defined]
    filters = query.model_dump(exclude={"limit", "cursor"}, exclude_none=True)
    before = read_cursor(query.cursor, filters) if query.cursor else None
    found = _store().list_articles(**filters, limit=query.limit + 1, before=before)
    now = _now()
    page = found[: query.limit]
    next_cursor = cursor_after(page[-1], filters) if len(found) > query.limit else None
    body = {"articles": [resource(a, now) for a in page], "next_cursor": next_cursor}
    response = _json(body)
    if next_cursor:
        params = {**filters, "limit": query.limit, "cursor": next_cursor}
        response.headers["Link"] = f'<{request.path}?{urlencode(params)}>; rel="next"'
    return response


@bp.get("/articles/<article_id:article_id>", merge_slashes=False, strict_slashes=False)
@spec.validate(
    resp=Responses(
        "HTTP_304",
        HTTP_200=ArticleResource,
        HTTP_404=ProblemModel,
        HTTP_410=GoneProblem,
        **_ERRORS,
    ),
    security=SECURITY,
    tags=["articles"],
    operation_id="getArticle",
    path_parameter_descriptions=_ID_PARAMETER,
)
def get_article(article_id: str) -> Response:
    """One article in any state (draft, withheld, embargoed, live), with its ETag.

    Send If-None-Match with the ETag to get 304 when it has not changed.
    """
    check_article_id(article_id)
    # A malformed header is the request's own error (400), whatever the article's state.
    if_none_match = _etags(request.headers.get("If-None-Match"), "If-None-Match", weak=True)
    article = _store().get(article_id)
    if article is None:
        _missing(article_id)
    version = etag(article, _now())
    if version in if_none_match or "*" in if_none_match:
        response = Response(status=304)
    else:
        response = _json(resource(article, _now()))
    response.headers["ETag"] = version
    return response


@bp.put("/articles/<article_id:article_id>", merge_slashes=False, strict_slashes=False)
@spec.validate(
    resp=Responses(
        HTTP_200=ArticleWrite,
        HTTP_201=ArticleWrite,
        HTTP_404=ProblemModel,
        HTTP_409=ProblemModel,
        HTTP_412=ProblemModel,
        HTTP_413=ProblemModel,
        HTTP_415=ProblemModel,
        HTTP_422=ValidationProblem,
        **_ERRORS,
    ),
    security=SECURITY,
    tags=["articles"],
    operation_id="putArticle",
    path_parameter_descriptions=_ID_PARAMETER,
)
def put_article(article_id: str) -> Response:
    """Create (201) or replace (200) an article with a whole record.

    The body is a record in the import format (`id` may be left out). Editorial actions are
    fields: `status` (draft, published, withheld) and a future `published` time (embargo).
    `updated` is stamped with the time of the write unless the record gives a newer one; a
    record that changes nothing is answered 200 with result `unchanged`. If-Match makes the
    replace conditional on a version, If-None-Match: * makes it create-only.
    """
    check_article_id(article_id)
    article = read_record(g.api_body, article_id, _rules())
    change = writes.Change(article_id, _const(article), "replace", precondition=_precondition())
    return _write_response(_apply([change])[0])


@bp.patch("/articles/<article_id:article_id>", merge_slashes=False, strict_slashes=False)
@spec.validate(
    resp=Responses(
        HTTP_200=ArticleWrite,
        HTTP_404=ProblemModel,
        HTTP_409=ProblemModel,
        HTTP_410=GoneProblem,
        HTTP_412=ProblemModel,
        HTTP_413=ProblemModel,
        HTTP_415=ProblemModel,
        HTTP_422=ValidationProblem,
        **_ERRORS,
    ),
    security=SECURITY,
    tags=["articles"],
    operation_id="patchArticle",
    path_parameter_descriptions=_ID_PARAMETER,
)
def patch_article(article_id: str) -> Response:
    """Correct an article with a JSON Merge Patch (RFC 7396) of its record.

    Members set in the patch replace the record's, `null` removes one, objects merge, arrays
    are replaced whole. The result must be a valid record. `reading_time` is computed again
    when the body changes (unless the patch sets it); `updated` is stamped as for PUT. An
    article deleted before is 410 Gone, as for GET and DELETE; an id never stored is 404.
    """
    check_article_id(article_id)
    patch = g.api_body
    if not isinstance(patch, dict):
        raise invalid([{"field": "", "reason": "a merge patch of a record must be a JSON object"}])
    # A member no record can hold is a mistake even when it is null, at every depth:
    # `{"summry": null}` or `{"section": {"lable": null}}` was a 200 that removed nothing
    # (RFC 7396 makes it a no-op), where the client meant `summary` or `label`.
    unknown = unknown_patch_members(patch)
    if unknown:
        raise invalid(unknown)
    rules = _rules()

    def build(current: Article | None, now: datetime) -> Article:
        assert current is not None  # must_exist
        # An embargo lifted "now" is published at the time of the request, the instant the
        # answer's `state` is told at (the write's own time, read under the lock, is later).
        return read_record(patched_record(current, patch, _now()), article_id, rules)

    change = writes.Change(
        article_id, build, "correct", precondition=_precondition(), must_exist=True
    )
    try:
        outcome = _apply([change])[0]
    except ArticleNotFound:
        _missing(article_id)
    return _write_response(outcome)


@bp.delete("/articles/<article_id:article_id>", merge_slashes=False, strict_slashes=False)
@spec.validate(
    resp=Responses(
        "HTTP_204", HTTP_404=ProblemModel, HTTP_410=GoneProblem, HTTP_412=ProblemModel, **_ERRORS
    ),
    security=SECURITY,
    tags=["articles"],
    operation_id="deleteArticle",
    path_parameter_descriptions=_ID_PARAMETER,
)
def delete_article(article_id: str) -> Response:
    """Delete an article: it leaves every feed and page, and a tombstone keeps its guid.

    An article deleted before is 410 Gone, as for GET; an id never stored is 404.
    """
    check_article_id(article_id)
    change = writes.Change(
        article_id,
        lambda _current, _now: None,
        "delete",
        precondition=_precondition(),
        must_exist=True,
    )
    try:
        _apply([change])
    except ArticleNotFound:
        _missing(article_id)
    return Response(status=204)


@bp.post("/articles/batch")
@spec.validate(
    resp=Responses(
        HTTP_200=BatchResult,
        HTTP_409=ProblemModel,
        HTTP_413=ProblemModel,
        HTTP_415=ProblemModel,
        HTTP_422=ValidationProblem,
        **_ERRORS,
    ),
    security=SECURITY,
    tags=["articles"],
    operation_id="batchArticles",
)
def batch_articles() -> Response:
    """Create or replace several articles at once: all are written, or none.

    The body is `{"articles": [record, ...]}`, each record with its `id`, at most
    `api_batch_max` of them. Every problem in every record is listed in one 422.
    """
    body = g.api_body
    limit = _config().api_batch_max
    records = body.get("articles") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(records, list):
        raise invalid(
            [{"field": "articles", "reason": 'send {"articles": [record, ...]} and nothing else'}]
        )
    if set(body) != {"articles"}:
        raise invalid(
            [
                {"field": name, "reason": 'unknown field; a batch is {"articles": [record, ...]}'}
                for name in body
                if name != "articles"
            ]
        )
    if not records or len(records) > limit:
        raise invalid(
            [
                {
                    "field": "articles",
                    "reason": f"{len(records)} records; send 1 to {limit} per batch",
                }
            ]
        )
    rules = _rules()
    errors: list[dict[str, str]] = []
    articles: list[Article] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(records):
        prefix = f"articles[{i}]."
        if not isinstance(raw, dict):
            errors.append({"field": f"articles[{i}]", "reason": not_a_record(raw)})
            continue
        article_id = raw.get("id")
        if isinstance(article_id, int) and not isinstance(article_id, bool):
            article_id = str(article_id)
        if not isinstance(article_id, str):
            errors.append({"field": prefix + "id", "reason": "required in a batch, as text"})
            continue
        # In NFC, as every record's id is read and as a URL's id is (ArticleIdConverter): an
        # id in another normal form was refused as differing "from the id in the URL", and
        # two spellings of one id were not seen as the same article.
        article_id = unicodedata.normalize("NFC", article_id)
        if article_id in seen:
            errors.append(
                {
                    "field": prefix + "id",
                    "reason": f"{article_id!r} is also articles[{seen[article_id]}]",
                }
            )
            continue
        seen[article_id] = i
        outcome = record_errors(raw, article_id, rules, prefix=prefix)
        if isinstance(outcome, Article):
            articles.append(outcome)
        else:
            errors.extend(outcome)
    if errors:
        raise invalid(errors)
    changes = [writes.Change(a.id, _const(a), "replace") for a in articles]
    outcomes = _apply(changes)
    return _json(
        {
            "articles": [
                {"id": o.article_id, "result": o.result, "etag": etag(o.article, _now())}
                for o in outcomes
                if o.article is not None
            ]
        }
    )


# --------------------------------------------------------------------------- helpers


def _missing(article_id: str) -> NoReturn:
    """404 for an id never stored; 410 with its guid and time for a deleted article."""
    tombstone = _store().tombstone(article_id)
    if tombstone is None:
        raise ArticleNotFound(article_id)
    guid, deleted_at = tombstone
    raise Problem(
        410,
        f"article {article_id!r} was deleted at {deleted_at.isoformat()}; PUT a record to "
        "publish it again",
        kind="gone",
        guid=guid,
        deleted_at=deleted_at.isoformat(),
    )


def _const(article: Article) -> writes.Builder:
    return lambda _current, _now: article


def _apply(changes: list[writes.Change]) -> list[writes.Outcome]:
    service: ArticleService = current_app.extensions[SERVICE_KEY]
    return writes.apply(service, changes, actor=auth.current_token_name(), requested=_now())


def _write_response(outcome: writes.Outcome) -> Response:
    article = outcome.article
    assert article is not None
    body = {**resource(article, _now()), "result": outcome.result}
    status = 201 if outcome.result == "created" else 200
    response = _json(body, status)
    response.headers["ETag"] = body["etag"]
    if status == 201:
        path = url_for("api.get_article", article_id=article.id, _external=False)
        # url_for puts the script root in front; public_path puts the public one.
        response.headers["Location"] = public_path(
            _config(), path.removeprefix(request.script_root)
        )
    return response


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype=JSON)


def _etags(header: str | None, name: str, *, weak: bool) -> frozenset[str]:
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


def _precondition() -> writes.Precondition:
    if_match = request.headers.get("If-Match")
    if_none_match = request.headers.get("If-None-Match")
    return writes.Precondition(
        if_match=tuple(_etags(if_match, "If-Match", weak=False)) if if_match is not None else None,
        if_none_match=tuple(_etags(if_none_match, "If-None-Match", weak=True))
        if if_none_match is not None
        else None,
    )
