"""The OpenAPI 3.1 document of the publishing API, served at /api/openapi.json.

spectree builds the paths, parameters and response schemas from the routes and the pydantic
models (`feeds.api.schemas`); this module adds what spectree cannot say: the record's JSON
Schema from `articles.schema` (OpenAPI 3.1 schemas are JSON Schema 2020-12, so it goes in
as it is), request bodies with their media types (merge patch for PATCH), problem+json for
errors, and the headers (ETag, Location, If-Match, WWW-Authenticate, Retry-After, Link).

`flask --app wsgi api openapi > docs/openapi.json` (`feeds.api.cli`) writes the copy kept in
the repository; tests check that the served document and the command's output equal it.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any, Final

from articles.formats import EXTENSION_PREFIX, MAX_ID_LENGTH
from articles.formats.record import OBJECT_MEMBERS
from articles.model import Article, article_to_dict
from articles.schema import record_json_schema
from feeds.api.merge_patch import MEDIA_TYPE as MERGE_PATCH
from feeds.api.problems import MEDIA_TYPE as PROBLEM
from feeds.api.problems import PROBLEM_NAMES
from feeds.api.schemas import ENTITY_TAGS_PATTERN, SCHEMA_MARK, BatchRequest
from feeds.api.spec import spec
from feeds.request_line import MAX_FIELD_BYTES, MAX_HEADER_BYTES, MAX_TARGET_BYTES

_JSON: Final = "application/json"
_SCHEMAS: Final = "#/components/schemas/"
_STATUS_TEXT: Final = {
    "400": "The request could not be read (malformed JSON, a bad query parameter or cursor).",
    "401": "No token, or an unknown or revoked one (WWW-Authenticate: Bearer).",
    "403": "The token's scope does not allow this (a read token on a write).",
    "404": "No article with this id (or an id that cannot exist).",
    "409": "The record's guid is another article's: a stored article's, another record's of "
    "the batch, a deleted article's (an entry id is never reused), or the one this site mints "
    "for another id. `detail` names that article and says what to do.",
    "405": "This path does not take the method sent (an unknown one such as TRACE included); "
    "Allow lists those it takes. /api/articles/batch is the batch operation (POST) only, so "
    "GET, PUT, PATCH and DELETE there are a 405 too: `batch` is no article id.",
    "410": "The article was deleted (its guid and the time are in the problem).",
    "412": "If-Match or If-None-Match did not hold; the current ETag is in the ETag header.",
    "413": "The body is larger than api_max_body_bytes.",
    "414": f"The URL is longer than the server reads ({MAX_TARGET_BYTES:,} bytes): send it "
    "shorter.",
    "415": "The body is not application/json (or, for PATCH, application/merge-patch+json), "
    "or its charset is not UTF-8.",
    "422": "The record breaks the record format: every problem is listed in `errors`.",
    "429": "Too many requests from this client (the site's rate_limit setting, when one is "
    "set); retry after Retry-After seconds.",
    "431": "A header field, or all of them together, is larger than the server reads "
    f"({MAX_FIELD_BYTES:,} bytes a field, {MAX_HEADER_BYTES:,} in all): send fewer or shorter "
    "headers.",
    "503": "The article database is unavailable; nothing was written. Retry after Retry-After.",
    "507": "The article database's disk is full; nothing was written, and retrying cannot "
    "help until the operator frees space. Reads still work.",
}
_WRITES: Final = ("put", "patch", "delete", "post")
# Errors any request can meet, whatever its operation: the method is not the path's (405), the
# request line or headers are too large to read (414, 431), the client is over the rate limit.
_REQUEST_ERRORS: Final = ("405", "414", "429", "431")
_BODY_ERRORS: Final = ("400", "413", "415", "422")


# The example record of the document (also what the fuzzer starts from: tests create it first).
EXAMPLE_ID: Final = "trt-ko-2025-07-30-example"
EXAMPLE_RECORD: Final[dict[str, Any]] = {
    "title": "대한민국, 일본과의 합동 훈련 재개 논의",
    "published": "2025-07-30T10:00:00+09:00",
    "language": "ko",
    "status": "published",
    "section": {"slug": "asia", "label": "아시아"},
    "tags": [{"slug": "japan", "label": "일본"}],
    "authors": ["TRT 한국어"],
    "summary": "양국 국방 당국이 훈련 재개를 논의했다.",
    "body_markdown": "양국 국방 당국은 30일 **합동 훈련** 재개를 논의했다.",
    "source": "출처:AA",
}


def _header(
    description: str, schema: dict[str, Any] | None = None, *, required: bool = True
) -> dict[str, Any]:
    """A response header; `required` when every such response carries it."""
    header: dict[str, Any] = {"description": description, "schema": schema or {"type": "string"}}
    if required:
        header["required"] = True
    return header


_ETAG: Final = _header("The article's version (a strong ETag); send it in If-Match.")
_RETRY_AFTER: Final = _header("Seconds to wait before retrying.", {"type": "integer", "minimum": 0})
# What If-Match and If-None-Match may hold: `*` or entity tags separated by commas.
_ENTITY_TAGS: Final = {"type": "string", "pattern": ENTITY_TAGS_PATTERN}


@cache
def _document() -> str:
    raw = copy.deepcopy(spec.spec)
    return json.dumps(_complete(raw), ensure_ascii=False, indent=2, sort_keys=False)


def document() -> dict[str, Any]:
    """The OpenAPI document (needs an app context: spectree reads the app's routes)."""
    loaded: dict[str, Any] = json.loads(_document())
    return loaded


def document_text() -> str:
    """The document as kept in docs/openapi.json: JSON with non-ASCII characters as they are
    (to be written as UTF-8), indented by two spaces, ending in a newline. Needs an app context."""
    return json.dumps(document(), ensure_ascii=False, indent=2) + "\n"


def _complete(spec: dict[str, Any]) -> dict[str, Any]:
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    _add_record_schemas(schemas)
    batch = BatchRequest.model_json_schema(ref_template=_SCHEMAS + "{model}")
    schemas["BatchRequest"] = batch
    spec["info"]["license"] = {"name": "MIT", "identifier": "MIT"}
    spec["info"]["x-problem-types"] = {
        "description": "Problem `type` URIs are tag:<the site's tag_authority>:problem:<name>",
        "names": list(PROBLEM_NAMES),
    }
    spec["security"] = [{"bearer": []}]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            _complete_operation(path, method, operation)
    spec["paths"] = dict(sorted(spec["paths"].items()))
    return _resolve_marks(spec)


def _resolve_marks(value: Any) -> Any:
    """Replace the schemas' `{"x-schema": name}` stand-ins with references."""
    if isinstance(value, dict):
        if SCHEMA_MARK in value:
            rest = {k: v for k, v in value.items() if k != SCHEMA_MARK}
            ref = {"$ref": _SCHEMAS + value[SCHEMA_MARK]}
            return {**rest, **ref} if rest else ref
        return {k: _resolve_marks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_marks(v) for v in value]
    return value


@cache
def _resolved_record_text() -> str:
    """The record's schema and its parts, their references pointing into the components."""
    record = record_json_schema()
    defs = record.pop("$defs", {})
    record.pop("$schema", None)
    text = json.dumps({"record": record, "defs": defs})
    for name in defs:
        text = text.replace(f'"#/$defs/{name}"', f'"{_SCHEMAS}Record{name}"')
    return text


def _resolved_record() -> dict[str, Any]:
    resolved: dict[str, Any] = json.loads(_resolved_record_text())
    return resolved


def _add_record_schemas(schemas: dict[str, Any]) -> None:
    resolved = _resolved_record()
    schemas["ArticleRecord"] = resolved["record"] | {"examples": [EXAMPLE_RECORD]}
    schemas["ArticlePutRecord"] = resolved["record"] | {
        "description": "A record for PUT /api/articles/{article_id}: `id` may be left out, as "
        "the URL names the article; if given, it must be the URL's.",
        "required": [name for name in resolved["record"]["required"] if name != "id"],
        "examples": [EXAMPLE_RECORD],
    }
    for name, part in resolved["defs"].items():
        schemas[f"Record{name}"] = part
    schemas["StoredArticleRecord"] = {
        "description": "A record as stored: every field present, in its stored form.",
        "allOf": [{"$ref": _SCHEMAS + "ArticleRecord"}],
        "required": list(article_to_dict(_SAMPLE)),
    }


def _complete_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation["responses"]
    has_body = method in ("put", "patch", "post")
    if not has_body:
        for status in ("413", "415", "422"):
            responses.pop(status, None)
    for status, response in responses.items():
        response["description"] = _STATUS_TEXT.get(status, response.get("description", ""))
        content = response.get("content")
        if int(status) >= 400:
            if content and _JSON in content:
                response["content"] = {PROBLEM: content[_JSON]}
            else:
                response["content"] = {PROBLEM: {"schema": {"$ref": _SCHEMAS + "Problem"}}}
    if method in _WRITES:
        responses["507"] = {
            "description": _STATUS_TEXT["507"],
            "content": {PROBLEM: {"schema": {"$ref": _SCHEMAS + "Problem"}}},
        }
    if has_body:
        for status in _BODY_ERRORS:
            if status not in responses:
                model = "ValidationProblem" if status == "422" else "Problem"
                responses[status] = {
                    "description": _STATUS_TEXT[status],
                    "content": {PROBLEM: {"schema": {"$ref": _SCHEMAS + model}}},
                }
    responses["401"]["headers"] = {
        "WWW-Authenticate": _header('The challenge: Bearer realm="newsroom-feeds API".')
    }
    responses["403"]["headers"] = {
        "WWW-Authenticate": _header('Bearer ..., error="insufficient_scope"')
    }
    responses["503"]["headers"] = {"Retry-After": _RETRY_AFTER}
    if "412" in responses:
        responses["412"]["headers"] = {
            "ETag": _header(
                "The article's current version; absent when there is no article (If-Match "
                "on an id that does not exist).",
                required=False,
            )
        }
    for status in ("200", "201"):
        if status in responses and "{article_id}" in path:
            responses[status]["headers"] = {"ETag": _ETAG}
    if "201" in responses:
        responses["201"]["headers"]["Location"] = _header("The new article's API URL.")
    if "304" in responses:
        responses["304"] = {"description": "Not modified since the ETag in If-None-Match."}
    if path == "/api/articles" and method == "get":
        responses["200"]["headers"] = {
            "Link": _header('The next page, rel="next", when there is one.', required=False)
        }
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" and parameter["name"] == "article_id":
            parameter["schema"] = {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_ID_LENGTH,
                # /api/articles/batch is the batch operation (405 for these methods there).
                "not": {"const": "batch"},
            }
            parameter["example"] = EXAMPLE_ID
    if "{article_id}" in path:
        operation.setdefault("parameters", []).extend(_conditional_headers(method))
    for status in _REQUEST_ERRORS:
        responses[status] = {
            "description": _STATUS_TEXT[status],
            "content": {PROBLEM: {"schema": {"$ref": _SCHEMAS + "Problem"}}},
        }
    responses["405"]["headers"] = {
        "Allow": _header("The methods this path takes (OPTIONS, POST on /api/articles/batch).")
    }
    responses["429"]["headers"] = {"Retry-After": _RETRY_AFTER}
    body = _request_body(path, method)
    if body:
        operation["requestBody"] = body
    operation["responses"] = dict(sorted(responses.items()))


def _conditional_headers(method: str) -> list[dict[str, Any]]:
    if method == "get":
        return [
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "An ETag: 304 if the article is still at that version.",
                "schema": _ENTITY_TAGS,
            }
        ]
    headers = [
        {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "description": "Write only if the article is at this version (its ETag); "
            "412 otherwise.",
            "schema": _ENTITY_TAGS,
        }
    ]
    if method == "put":
        headers.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "`*`: create only; 412 if the article exists.",
                "schema": _ENTITY_TAGS,
            }
        )
    return headers


def _request_body(path: str, method: str) -> dict[str, Any] | None:
    schema: dict[str, Any]
    if method == "put":
        schema = {"$ref": _SCHEMAS + "ArticlePutRecord"}
        return {"required": True, "content": {_JSON: {"schema": schema, "example": EXAMPLE_RECORD}}}
    if method == "patch":
        schema = {
            "type": "object",
            "description": "A JSON Merge Patch (RFC 7396) of the record: members replace "
            "the record's, null removes one, objects merge, arrays are replaced whole. Its "
            "members are the record's fields (and `x-` fields, which are ignored), and the "
            "members of an object in it are that object's.",
            "propertyNames": {
                "anyOf": [{"enum": _patch_fields()}, {"pattern": "^" + EXTENSION_PREFIX}]
            },
            "properties": _patch_members(),
            # One body form at a time, as in a record ("give only one of body, body_markdown").
            "not": _resolved_record()["record"]["not"],
        }
        example = {"status": "withheld", "summary": None}
        return {
            "required": True,
            "content": {
                MERGE_PATCH: {"schema": schema, "example": example},
                _JSON: {"schema": schema, "example": example},
            },
        }
    if method == "post" and path.endswith("/batch"):
        schema = {"$ref": _SCHEMAS + "BatchRequest"}
        batch: dict[str, Any] = {"articles": [{"id": EXAMPLE_ID, **EXAMPLE_RECORD}]}
        return {"required": True, "content": {_JSON: {"schema": schema, "example": batch}}}
    return None


def _patch_members() -> dict[str, Any]:
    """What each member of a merge patch may be: the record field's own schema (a value
    replaces the stored one, a list is replaced whole; `null`, where the field may be left
    out, removes it), except that an object field's object merges into the stored one, so it
    may give any of its members and `null` for those that may be left out. Objects name only
    their own members, at every depth (a null for a misspelled one would remove nothing).

    The document said only which names a patch may use, so `{"language": [[true]]}` or
    `{"tags": 5}` were valid patches by it and refused 422 (schemathesis, positive data)."""
    resolved = _resolved_record()
    fields: dict[str, Any] = resolved["record"]["properties"]
    parts: dict[str, Any] = resolved["defs"]
    members: dict[str, Any] = {}
    for field, schema in fields.items():
        member = copy.deepcopy(schema)
        part = _object_part(schema)
        if part is not None:
            member = _merged_object(member, part, parts[part])
        if field in OBJECT_MEMBERS:
            member["propertyNames"] = {"enum": list(OBJECT_MEMBERS[field])}
        members[field] = member
    return members


def _object_part(schema: dict[str, Any]) -> str | None:
    """The part (Section, Image, ...) a single-object field's schema refers to, if it is one."""
    text = json.dumps(schema)
    if '"items"' in text:  # a list field: replaced whole
        return None
    found = [name for name in _PARTS if f'"{_SCHEMAS}Record{name}"' in text]
    return found[0] if len(found) == 1 else None


_PARTS: Final = ("Section", "Source", "Image", "Episode")


def _merged_object(schema: Any, part: str, definition: dict[str, Any]) -> Any:
    """`schema` with its reference to the part replaced by the part as a patch merges it: any
    of its members, `null` for those that may be left out, nothing else."""
    if isinstance(schema, dict):
        if schema.get("$ref") == f"{_SCHEMAS}Record{part}":
            required = set(definition.get("required", ()))
            return {
                "type": "object",
                "description": f"Merged into the stored {part.lower()}: members given replace "
                "the stored ones, null removes one that may be left out.",
                "properties": {
                    name: member
                    if name in required or _takes_null(member)
                    else {"anyOf": [member, {"type": "null"}]}
                    for name, member in definition["properties"].items()
                },
                "additionalProperties": False,
            }
        return {k: _merged_object(v, part, definition) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_merged_object(v, part, definition) for v in schema]
    return schema


def _takes_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    alternatives = schema.get("anyOf", [])
    return (
        kinds == "null"
        or (isinstance(kinds, list) and "null" in kinds)
        or None in schema.get("enum", [0])
        or any(_takes_null(each) for each in alternatives)
    )


def _patch_fields() -> list[str]:
    """The record's fields a merge patch may name: every field of the record's schema (`id`
    and `guid` only with their stored values: they never change)."""
    return list(record_json_schema()["properties"])


def _sample() -> Article:
    from datetime import UTC, datetime

    when = datetime(2025, 1, 1, tzinfo=UTC)
    return Article(id="x", slug="x", title="x", published=when, updated=when, language="en")


_SAMPLE: Final = _sample()
