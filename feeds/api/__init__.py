"""The publishing API: articles created, corrected, scheduled and taken down as JSON.

One blueprint under `/api/` (`feeds.api.views`), its requests checked before an operation
runs (`feeds.api.request_checks`), bearer tokens (`feeds.api.auth`, stored by
`articles.tokens`), RFC 9457 problem details for every error (`feeds.api.problems`) and an
OpenAPI 3.1 document generated from the routes (`feeds.api.spec`, `feeds.api.openapi`; kept
in the repository as docs/openapi.json, written by `flask --app wsgi api openapi`).
docs/api.md describes it for clients.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from articles.tokens import TokenStore
from feeds.api.auth import TOKENS_KEY
from feeds.api.cli import api_cli, tokens_cli
from feeds.api.problems import from_http_exception, problem_response
from feeds.api.request_checks import method_not_allowed
from feeds.api.views import bp
from feeds.request_line import MethodNotImplemented

PREFIX = "/api"


def is_api_path(path: str) -> bool:
    """Whether a path (within the app: PATH_INFO, request.path) is the API's."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def is_api_request() -> bool:
    return is_api_path(request.path)


def init_app(app: Flask) -> None:
    """Register the API on the app: routes, token store, `flask tokens` and `flask api`, error
    answers.

    Call it after the app's own error handlers are registered: routing errors under /api/
    (unknown path, 405) never reach a blueprint's handlers, so the app-level HTTP error
    handler is wrapped to answer those with a problem and leave every other path as it was.
    """
    app.extensions[TOKENS_KEY] = TokenStore(
        app.extensions["feeds.store"].engine, app.extensions["feeds.clock"]
    )
    app.register_blueprint(bp)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(api_cli)
    previous = app.error_handler_spec[None][None].get(HTTPException)

    def handle_http_error(exc: HTTPException) -> Any:
        if is_api_request():
            if isinstance(exc, MethodNotImplemented):
                exc = method_not_allowed()
            return problem_response(from_http_exception(exc))
        if previous is None:
            return exc
        return previous(exc)

    app.register_error_handler(HTTPException, handle_http_error)
