"""The publishing API's commands: `flask tokens ...` and `flask api ...`.

`flask tokens` creates, lists and revokes the bearer tokens. `create` prints the new token
once, alone on a line, so it can be piped into a secret store
(`flask --app wsgi tokens create cms --scope write | vault kv put ...`); only its hash is kept.

`flask api openapi` prints the API's OpenAPI 3.1 document, as the copy kept in the repository:
`flask --app wsgi api openapi > docs/openapi.json`.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from articles.cli import one_line_errors
from articles.tokens import SCOPES, TokenStore
from feeds.api.auth import TOKENS_KEY
from feeds.api.openapi import document_text

tokens_cli = AppGroup(
    "tokens",
    help="""Manage the publishing API's bearer tokens: create, list, revoke.

    \b
    Example:
      flask --app wsgi tokens create cms-prod --scope write
      flask --app wsgi tokens revoke cms-prod
    """,
)


def _tokens() -> TokenStore:
    tokens: TokenStore = current_app.extensions[TOKENS_KEY]
    return tokens


@tokens_cli.command("create")
@click.argument("name")
@click.option(
    "--scope",
    type=click.Choice(SCOPES),
    default="read",
    show_default=True,
    help="read: GET the API only; write: also create, change and delete articles.",
)
@one_line_errors
def create_command(name: str, scope: str) -> None:
    """Create a token NAME and print it, once, on a line of its own.

    Only a hash is stored: copy the token now, it cannot be shown again. Names are never
    reused, so the audit trail always means one token.

    \b
    Example:
      flask --app wsgi tokens create cms-prod --scope write
    """
    secret = _tokens().create(name, scope)  # type: ignore[arg-type]  # a Choice of SCOPES
    click.echo(f"created {scope} token {name!r}; it is shown only now:", err=True)
    click.echo(secret)


@tokens_cli.command("list")
@one_line_errors
def list_command() -> None:
    """List tokens: name, scope, created, last used, revoked (never the secrets).

    \b
    Example:
      flask --app wsgi tokens list
    """
    rows = [
        (
            t.name,
            t.scope,
            _time(t.created_at),
            _time(t.last_used_at),
            _time(t.revoked_at) if t.revoked_at else "active",
        )
        for t in _tokens().list()
    ]
    header = ("name", "scope", "created", "last used", "revoked")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@tokens_cli.command("revoke")
@click.argument("name")
@one_line_errors
def revoke_command(name: str) -> None:
    """Revoke the token NAME: requests with it are refused (401) from now on.

    \b
    Example:
      flask --app wsgi tokens revoke cms-prod
    """
    _tokens().revoke(name)
    click.echo(f"revoked token {name!r}")


api_cli = AppGroup(
    "api",
    help="""The publishing API's documents.

    \b
    Example:
      flask --app wsgi api openapi > docs/openapi.json
    """,
)


@api_cli.command("openapi")
def openapi_command() -> None:
    """Print the API's OpenAPI 3.1 document as UTF-8 JSON, indented by two spaces.

    It is the same JSON value as served at /api/openapi.json (which is sent without white
    space), and byte for byte the copy kept in the repository, docs/openapi.json; a test
    fails when they differ.

    \b
    Example:
      flask --app wsgi api openapi > docs/openapi.json
    """
    # Bytes, so the output is UTF-8 whatever the terminal's locale says.
    click.echo(document_text().encode("utf-8"), nl=False)


def _time(value: object) -> str:
    if value is None:
        return "-"
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else str(value)
