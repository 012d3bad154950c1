"""Publishing API tokens: created once, stored as hashes, checked on every request, never logged."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from articles.store.schema import api_tokens_table
from tests.fixtures.api import ApiClient, record

TOKEN_LINE = re.compile(r"^nfa_[A-Za-z0-9_-]{43}$")


def _cli(app: Flask, *args: str) -> tuple[int, str, str]:
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.stdout, result.stderr


def test_tokens_create_prints_the_token_once_and_stores_only_its_hash(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    code, out, err = _cli(app, "tokens", "create", "cms-prod", "--scope", "write")
    assert code == 0
    token = out.strip()
    assert out.count("\n") == 1 and TOKEN_LINE.match(token)
    assert token not in err
    with app.extensions["feeds.store"].engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(api_tokens_table))]
    assert len(rows) == 1
    assert rows[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(rows)
    listed = _cli(app, "tokens", "list")[1]
    assert "cms-prod" in listed and "write" in listed and token not in listed
    client = app.test_client()
    ok = client.put("/api/articles/x1", json=record(), headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 201


def test_token_names_are_never_reused(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    assert _cli(app, "tokens", "create", "cms")[0] == 0
    assert _cli(app, "tokens", "revoke", "cms")[0] == 0
    code, _, err = _cli(app, "tokens", "create", "cms")
    assert code == 1 and "already used" in err
    code, _, err = _cli(app, "tokens", "create", "bad name")
    assert code == 1 and "token name" in err


def test_revoked_token_is_refused_at_once(api: ApiClient) -> None:
    assert api.get("/api/articles", token="read").status_code == 200
    code, out, _ = _cli(api.app, "tokens", "revoke", "reader")
    assert code == 0 and "revoked" in out
    response = api.get("/api/articles", token="read")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    code, _, err = _cli(api.app, "tokens", "revoke", "reader")
    assert code == 1
    # The time as `tokens list` writes it (to the second, with its zone), not the raw column.
    (revoked,) = [
        line.split()[-1]
        for line in _cli(api.app, "tokens", "list")[1].splitlines()
        if line.startswith("reader ")
    ]
    assert f"was already revoked at {revoked}" in err, (err, revoked)
    assert _cli(api.app, "tokens", "revoke", "nobody")[0] == 1


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic Y21zOnNlY3JldA==", "Bearer nfa_unknown", "Bearer not-a-token"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/articles"),
        ("GET", "/api/articles/aug-1"),
        ("PUT", "/api/articles/aug-1"),
        ("PATCH", "/api/articles/aug-1"),
        ("DELETE", "/api/articles/aug-1"),
        ("POST", "/api/articles/batch"),
    ],
)
def test_every_operation_needs_a_valid_token(
    api: ApiClient, authorization: str | None, method: str, path: str
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    before = api.store.get("aug-1")
    response = api.request(method, path, token=None, headers=headers, json={"title": "x"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="')
    assert response.get_json()["type"].endswith(":unauthorized")
    assert api.store.get("aug-1") == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/api/articles/aug-1", record()),
        ("PATCH", "/api/articles/aug-1", {"status": "withheld"}),
        ("DELETE", "/api/articles/aug-1", None),
        ("POST", "/api/articles/batch", {"articles": [record(id="z")]}),
    ],
)
def test_a_read_token_cannot_write(api: ApiClient, method: str, path: str, body: object) -> None:
    before = api.store.get("aug-1")
    response = api.request(method, path, token="read", json=body)
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert api.store.get("aug-1") == before
    assert api.store.get("z") is None


def test_reading_feeds_needs_no_token(api: ApiClient) -> None:
    assert api.client.get("/feeds/all.atom").status_code == 200


def test_access_log_names_the_token_and_never_holds_it(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    from tests.fixtures.api import api_client_for

    log_path = tmp_path / "access.log"
    app = make_app(access_log=str(log_path), access_log_flush_ms=1)
    client = api_client_for(app)
    client.put("/api/articles/x1", json=record())
    client.get("/api/articles/x1", token="read")
    client.get("/api/articles", token="nfa_wrong")
    client.client.get("/feeds/all.atom")
    app.extensions["feeds.access_log"].flush()
    lines = log_path.read_text().splitlines()
    assert len(lines) == 4
    assert lines[0].split(" ")[2] == "cms" and '"PUT /api/articles/x1' in lines[0]
    assert lines[1].split(" ")[2] == "reader"
    assert lines[2].split(" ")[2] == "-"  # an unknown token names nobody
    assert lines[3].split(" ")[2] == "-"
    text = log_path.read_text()
    assert client.write_token not in text and client.read_token not in text
    assert "nfa_wrong" not in text


def test_history_shows_api_and_command_writes(api: ApiClient) -> None:
    import getpass

    api.put("/api/articles/x1", json=record())
    api.patch("/api/articles/x1", json={"status": "withheld"})
    code, out, _ = _cli(api.app, "articles", "delete", "x1", "--yes")
    assert code == 0
    code, out, _ = _cli(api.app, "articles", "history", "x1")
    assert code == 0
    lines = [line.split("  ") for line in out.splitlines()]
    assert [(actor, action) for _, actor, action, _ in lines] == [
        ("cms", "create"),
        ("cms", "correct"),
        (f"cli:{getpass.getuser()}", "delete"),
    ]
    assert lines[1][3] == "updated, status"
    code, out, _ = _cli(api.app, "articles", "history", "x1", "--json")
    assert json.loads(out.splitlines()[0])["fields"][:2] == ["id", "guid"]
    assert _cli(api.app, "articles", "history", "never")[0] == 1


def test_history_help_names_the_actor_commands_record(api: ApiClient) -> None:
    api.put("/api/articles/x1", json=record())
    assert _cli(api.app, "articles", "delete", "x1", "--yes")[0] == 0
    _, out, _ = _cli(api.app, "articles", "history", "x1")
    actor = out.splitlines()[-1].split("  ")[1]  # what the command recorded, e.g. cli:editor
    assert actor.startswith("cli:")
    _, help_text, _ = _cli(api.app, "articles", "history", "--help")
    named = " ".join(help_text.split())
    assert "`cli:` and the system user's name" in named
    assert "(`cli` for commands)" not in named


def test_history_of_an_article_only_imported_says_imports_are_not_in_the_trail(
    api: ApiClient, tmp_path: Path
) -> None:
    """`articles history` of an article stored by `flask articles import` said "no recorded
    writes", word for word what it says of an id nobody ever stored: a newcomer who had just
    imported it read that the import had not happened. An id that is stored but has no trail
    now says so and why (imports are not itemised), one that is not stored says that."""
    source = tmp_path / "one.json"
    source.write_text(json.dumps(record(id="imported-1")), encoding="utf-8")
    assert _cli(api.app, "articles", "import", str(source))[0] == 0
    code, out, err = _cli(api.app, "articles", "history", "imported-1")
    assert code == 1 and out == ""
    assert "'imported-1' is stored but has no recorded writes" in err
    assert "not imports" in err and "articles show imported-1" in err
    code, out, err = _cli(api.app, "articles", "history", "never-stored")
    assert code == 1
    assert "no article with id 'never-stored'; no writes are recorded for it" in err
    _, help_text, _ = _cli(api.app, "articles", "history", "--help")
    assert "an article only ever imported has no history" in " ".join(help_text.split())


def test_every_command_group_help_names_each_of_its_commands(api: ApiClient) -> None:
    import click

    groups = {
        name: command
        for name, command in api.app.cli.commands.items()
        if isinstance(command, click.Group)
    }
    assert set(groups) == {"articles", "feeds", "tokens", "api"}
    for name, group in groups.items():
        summary = " ".join((group.help or "").split())  # what `flask NAME --help` shows
        for command in group.commands:
            assert command in summary, f"flask {name} --help does not name {command!r}"


def test_delete_without_yes_and_without_an_answer_says_to_add_yes(api: ApiClient) -> None:
    """`flask articles delete ID` from a script or cron (standard input closed, no --yes)
    ended with click's bare "Aborted!", which says neither that nothing was deleted nor
    what to add. It now says both, exit 1, and the article stays."""
    api.put("/api/articles/x1", json=record())
    result = api.app.test_cli_runner().invoke(args=["articles", "delete", "x1"], input="")
    assert result.exit_code == 1
    assert "Aborted" not in result.output
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: not deleted: no answer to the question; add --yes to delete without asking"
    )
    assert api.get("/api/articles/x1").status_code == 200
    declined = api.app.test_cli_runner().invoke(args=["articles", "delete", "x1"], input="n\n")
    assert declined.exit_code == 1 and declined.stderr.strip() == "Error: not deleted"
