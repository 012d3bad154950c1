"""The API's spectree instance: request validation for the views and the OpenAPI skeleton.

`feeds.api.views` decorates its routes with `spec.validate(...)`; `feeds.api.openapi` reads
`spec.spec` (the paths, parameters and response schemas spectree builds from those routes and
the pydantic models of `feeds.api.schemas`) and completes it. Both import it from here, so the
imports run one way: views -> openapi -> spec (the document never imports the views).

A query string that its model refuses becomes a 400 problem (`invalid-request`, one
`{field, reason}` per problem in `errors`); a body that breaks its model a 422
(`ValidationProblem`); a response that breaks its own schema is logged and answered with a 500.
"""

from __future__ import annotations

from typing import Any, Final

from flask import current_app
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType
from werkzeug.datastructures import MultiDict

from feeds.api.problems import Problem
from feeds.api.schemas import ListQuery, ValidationProblem

# The security requirement of every operation but the document itself.
SECURITY: Final[dict[str, list[str]]] = {"bearer": []}


def _before_hook(req: Any, resp: Any, error: Any, instance: Any, adapter: Any) -> None:
    """spectree found a query string that its model refuses: answer with a problem."""
    if error is None:
        return
    errors = query_errors(req.args, error.errors())
    raise Problem(
        resp.status_code if resp is not None else 400,
        "a query parameter is unknown or its value cannot be used; fix each parameter "
        "`errors` names and send the request again",
        kind="invalid-request",
        errors=errors,
    )


def query_errors(args: MultiDict[str, str], found: list[Any]) -> list[dict[str, str]]:
    """One `{field, reason}` per query parameter in error, saying what to do: a parameter
    given more than once is named as such (pydantic read the list as a value and said
    "Input should be a valid integer" of `limit=5&limit=6`), an unknown one with the names
    the operation takes (it said "Extra inputs are not permitted")."""
    repeated = {name: len(args.getlist(name)) for name in args if len(args.getlist(name)) > 1}
    errors = [
        {"field": name, "reason": f"given {count} times; give it once"}
        for name, count in repeated.items()
    ]
    for each in found:
        field = ".".join(str(p) for p in each["loc"]) or "query"
        if field in repeated:
            continue
        if each["type"] == "string_too_short" and each.get("input") == "":
            reason = "empty, which no article matches; leave the parameter out to list them all"
        elif each["type"] == "extra_forbidden":
            reason = "unknown parameter; this operation takes " + ", ".join(ListQuery.model_fields)
        elif each["type"] in ("less_than_equal", "greater_than_equal"):
            # pydantic's "Input should be less than or equal to 200": the range, in our words.
            low, high = _bounds(field)
            given = str(each.get("input"))[:20]
            reason = f"{given} is out of range: give a whole number from {low} to {high}"
        elif each["type"] == "string_too_long":
            limit = each.get("ctx", {}).get("max_length")
            reason = f"longer than {limit} characters, which no value this filters by can be"
        else:
            reason = each["msg"].removeprefix("Value error, ")
        errors.append({"field": field, "reason": reason})
    return errors


def _bounds(field: str) -> tuple[object, object]:
    """The `ge` and `le` of a numeric query parameter of the list (`limit`: 1 and 200)."""
    low: object = None
    high: object = None
    for constraint in ListQuery.model_fields[field].metadata:
        low = getattr(constraint, "ge", low)
        high = getattr(constraint, "le", high)
    return low, high


def _after_hook(req: Any, resp: Any, error: Any, instance: Any, adapter: Any) -> None:
    if error is not None:  # a response that breaks its own schema is our bug: say so, loudly
        current_app.logger.error("API response does not match its schema: %s", error)
        raise Problem(500, "the server built an invalid response; the error has been logged")


spec = SpecTree(
    "flask",
    mode="strict",
    annotations=False,
    title="newsroom-feeds publishing API",
    version="1.0.0",
    description="Create, correct, schedule and take down articles. See docs/api.md.",
    validation_error_status=422,
    validation_error_model=ValidationProblem,
    before=_before_hook,
    after=_after_hook,
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data=SecuritySchemeData(
                type=SecureType.HTTP,
                scheme="bearer",
                description="A token from `flask --app wsgi tokens create NAME --scope ...`.",
            ),
        )
    ],
    page_templates={},
    # Plain model names in the document (spectree adds a hash of the module by default).
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)
