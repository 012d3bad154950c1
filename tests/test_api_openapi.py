"""The OpenAPI 3.1 document: served as kept in the repository, valid, and true of the app.

The fuzzer (schemathesis) generates requests for every operation from the document itself:
with a write token no answer is a 5xx and every answer is as documented; without a valid
token (none, unknown, read-only for writes) nothing is ever written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text

from feeds.api.openapi import EXAMPLE_ID, EXAMPLE_RECORD
from tests.fixtures.api import OPENAPI_PATH, ApiClient, api_client_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def test_the_served_document_is_the_one_in_the_repository(api: ApiClient) -> None:
    served = api.client.get("/api/openapi.json")
    assert served.status_code == 200
    assert served.get_json() == json.loads(OPENAPI_PATH.read_text(encoding="utf-8")), (
        "docs/openapi.json is out of date: flask --app wsgi api openapi > docs/openapi.json"
    )


def test_the_openapi_command_prints_the_document_in_the_repository(api: ApiClient) -> None:
    result = api.app.test_cli_runner().invoke(args=["api", "openapi"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == OPENAPI_PATH.read_bytes(), (
        "docs/openapi.json is not what the command writes: "
        "flask --app wsgi api openapi > docs/openapi.json"
    )


def test_the_openapi_command_help_says_how_its_output_relates_to_the_served_copy(
    api: ApiClient,
) -> None:
    printed = api.app.test_cli_runner().invoke(args=["api", "openapi"]).stdout_bytes
    served = api.client.get("/api/openapi.json").get_data()
    help_text = " ".join(
        api.app.test_cli_runner().invoke(args=["api", "openapi", "--help"]).stdout.split()
    )
    assert json.loads(printed) == json.loads(served)
    if printed != served:  # the help may not promise the served bytes
        assert "same JSON value as served at /api/openapi.json" in help_text
        assert "byte for byte the copy kept in the repository, docs/openapi.json" in help_text


def test_the_document_is_valid_openapi_3_1() -> None:
    from openapi_spec_validator import validate

    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_operation_is_documented_with_its_errors() -> None:
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert operations == {
        ("GET", "/api/articles"),
        ("GET", "/api/articles/{article_id}"),
        ("PUT", "/api/articles/{article_id}"),
        ("PATCH", "/api/articles/{article_id}"),
        ("DELETE", "/api/articles/{article_id}"),
        ("POST", "/api/articles/batch"),
    }
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"401", "403", "503"} <= set(operation["responses"]), (method, path)
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"]


@pytest.fixture
def fuzzed(make_app: Callable[..., Flask]) -> ApiClient:
    """The default corpus plus the document's example article, which its examples name."""
    client = api_client_for(make_app(site_url="https://news.example.com", api_batch_max=5))
    assert client.put(f"/api/articles/{EXAMPLE_ID}", json=EXAMPLE_RECORD).status_code == 201
    return client


def _cases(client: ApiClient) -> list[tuple[str, SearchStrategy[Any]]]:
    """One strategy per operation of the served document, valid and invalid data mixed."""
    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", client.app)
    found = []
    for result in loaded.get_all_operations():
        operation = result.ok()
        strategy = st.one_of(
            *operation.get_strategies_from_examples(),
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
        found.append((f"{operation.method.upper()} {operation.path}", strategy))
    assert len(found) == 6
    return found


def test_fuzz_every_operation_with_a_write_token(fuzzed: ApiClient) -> None:
    headers = {"Authorization": f"Bearer {fuzzed.write_token}"}
    for _label, strategy in _cases(fuzzed):

        @given(case=strategy)
        @FUZZ
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()


def _snapshot(client: ApiClient) -> list[Any]:
    with client.store.engine.connect() as conn:
        return [
            list(conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")))
            for table in ("articles", "deleted_articles", "article_audit")
        ]


def test_fuzz_never_writes_without_a_valid_write_token(fuzzed: ApiClient) -> None:
    before = _snapshot(fuzzed)
    tokens = {
        "none": {},
        "unknown": {"Authorization": "Bearer nfa_" + "x" * 43},
        "read": {"Authorization": f"Bearer {fuzzed.read_token}"},
    }
    for _label, strategy in _cases(fuzzed):

        @given(case=strategy)
        @FUZZ
        def run(case: Any) -> None:
            for name, headers in tokens.items():
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS)
                if name != "read" or case.method.upper() != "GET":
                    assert response.status_code in (401, 403), (name, response.status_code)

        run()
    assert _snapshot(fuzzed) == before


def test_docs_api_md_gives_the_batch_body_the_openapi_document_requires() -> None:
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    batch = document["components"]["schemas"]["BatchRequest"]
    (member,) = batch["required"]
    assert batch["properties"][member]["type"] == "array"
    guide = (OPENAPI_PATH.parent / "api.md").read_text(encoding="utf-8")
    row = next(
        line for line in guide.splitlines() if line.startswith("| `POST /api/articles/batch")
    )
    assert f'`{{"{member}": [record, ...]}}`' in row
    assert f'-d \'{{"{member}": [' in guide  # and an example sends one
