"""The publishing API's routes: articles read and written as JSON under `/api/`.

Every request is authenticated first (`feeds.api.auth`), then checked (method, URL, query
parameters, body: media type, coding, size, JSON) before a view runs, by
`feeds.api.request_checks`, which also reads the conditional headers (If-Match,
If-None-Match); views validate records with the import command's validator
(`feeds.api.records`) and write through `feeds.api.writes`, one transaction per request.
Every answer is `Cache-Control: no-store`: drafts and embargoed stories are private. The
OpenAPI document (`/api/openapi.json`, `feeds.api.openapi`) is generated from these routes
(validated by the spectree instance of `feeds.api.spec`) and the models in
`feeds.api.schemas`.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any, Final, NoReturn
from urllib.parse import urlencode

import orjson
from flask import Blueprint, Response, current_app, g, request, url_for
from flask.blueprints import BlueprintSetupState
from spectree import Response as Responses
from sqlalchemy.exc import DataError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

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
from feeds.api.body import JSON
from feeds.api.cursors import cursor_after, read_cursor
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
from feeds.api.request_checks import (
    check_request,
    method_not_allowed,
    read_entity_tags,
    read_precondition,
)
from feeds.api.schemas import (
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
from feeds.urls import AnyPathConverter, public_path

bp = Blueprint("api", __name__, url_prefix="/api")


class ArticleIdConverter(AnyPathConverter):
    """An article id in a URL, in NFC as every record's id is (`e` + U+0301 is `é`). Any
    character matches, a line break too (`.` would not: `/api/articles/a%0Ab` was routed
    nowhere, a 404 before the token was asked for), so the id's own rules answer it."""

    regex = r"[\s\S]+?"
    part_isolating = False  # inferred again for a subclass that sets `regex`

    def to_python(self, value: str) -> str:
        return unicodedata.normalize("NFC", value)


@bp.record_once
def _register_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters.setdefault("article_id", ArticleIdConverter)


# --------------------------------------------------------------------------- app state


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


# Every request is checked before its view runs: authentication, method, URL, query, body
# (feeds.api.request_checks, which leaves the body's JSON in `g.api_body`).
bp.before_request(check_request)


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
    # The problem is the record's `guid` (given, or the one minted for its id): named as a
    # field like every other, `articles[i].guid` in a batch (its positions: `batch_articles`).
    position = g.get("batch_positions", {}).get(exc.article_id)
    field = "guid" if position is None else f"articles[{position}].guid"
    return problem_response(
        Problem(
            409,
            str(exc),
            kind="conflict",
            errors=[{"field": field, "reason": f"{exc.guid!r} {exc.holder}"}],
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
    if_none_match = read_entity_tags(
        request.headers.get("If-None-Match"), "If-None-Match", weak=True
    )
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
    change = writes.Change(article_id, _const(article), "replace", precondition=read_precondition())
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
        article_id, build, "correct", precondition=read_precondition(), must_exist=True
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
        precondition=read_precondition(),
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
    g.batch_positions = seen  # for a 409 naming the record (`_guid_conflict`)
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
