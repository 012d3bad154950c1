"""`flask articles ...`: import, list, show and delete articles, and migrate the database.

A thin click layer over `articles.service` (every write) and `articles.importer`. The app
factory registers it with `app.cli.add_command(articles_cli)` and puts the `ArticleService`
(store, guid authority, record defaults, change listeners) in
`current_app.extensions["articles.service"]`. Every failure is one line on stderr and exit
status 1, never a traceback; output cut short by its reader (`| head`) ends quietly with
status 141, as a program killed by SIGPIPE.
"""

from __future__ import annotations

import functools
import getpass
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final, NoReturn, ParamSpec, TypeVar

import click
from flask import current_app
from flask.cli import AppGroup

from articles import audit
from articles.errors import ArticleError, ArticleNotFound
from articles.importer import ImportInterrupted, ImportProgress, import_sources
from articles.model import STATUSES, article_to_dict, state_of
from articles.service import ArticleService
from articles.store import Store

P = ParamSpec("P")
R = TypeVar("R")

articles_cli = AppGroup(
    "articles",
    help="""Manage the article records: import, list, show, delete, history, migrate, schema.

    \b
    Example:
      flask --app wsgi articles migrate
      flask --app wsgi articles import articles/samples/ exports/2025-07.jsonl
    """,
)


# Where the app puts the ArticleService every command writes through (`feeds.create_app` does).
SERVICE_KEY: Final = "articles.service"


def _service() -> ArticleService:
    service: ArticleService | None = current_app.extensions.get(SERVICE_KEY)
    if service is None:
        raise click.ClickException(
            f"this app has no article service: register one in app.extensions[{SERVICE_KEY!r}]"
        )
    return service


def _store() -> Store:
    return _service().store


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


# The exit status of a program killed by SIGPIPE (128 + 13), as shells report `yes | head`.
EXIT_BROKEN_PIPE: Final = 141
# The signals that interrupt an import, each ending it with 128 + its number, as a shell
# reports a program the signal ended: 130 for Ctrl-C (SIGINT), 143 for SIGTERM.
INTERRUPTS: Final = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _interrupts() -> Iterator[list[signal.Signals]]:
    """Turn SIGINT and SIGTERM into a KeyboardInterrupt while the block runs; yields the
    signals received, in order.

    Only the first raises: a second Ctrl-C while the import rolls back and reports is
    noted, not raised in the middle of it. A signal ignored when the command started (a job
    started in the background by a shell, `nohup`) stays ignored. Outside the main thread
    (a test runner's thread) nothing is installed.
    """
    received: list[signal.Signals] = []

    def interrupt(signum: int, frame: object) -> None:
        received.append(signal.Signals(signum))
        if len(received) == 1:
            raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = {number: signal.getsignal(number) for number in INTERRUPTS}
    for number, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(number, interrupt)
    try:
        yield received
    finally:
        for number, handler in previous.items():
            # None: a handler not installed from Python, which cannot be put back as it was.
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def _cause(received: list[signal.Signals]) -> str:
    return received[0].name if received else ""


def _stopped(received: list[signal.Signals], what: str) -> str:
    cause = _cause(received)
    return f"import interrupted{f' ({cause})' if cause else ''} {what}"


def _interrupted(received: list[signal.Signals], line: str) -> NoReturn:
    """Say that the import was interrupted and what it wrote; exit 128 + the signal's number
    (130 without a signal: a KeyboardInterrupt raised by other means)."""
    click.echo(line, err=True)
    sys.exit(128 + (received[0] if received else signal.SIGINT))


def _flush_stdout() -> None:
    sys.stdout.flush()


def _quiet_broken_pipe() -> NoReturn:
    """The reader of our output went away (`... | head`): stop at once, saying nothing.

    Standard output is pointed at /dev/null so the interpreter's own flush at exit does not
    fail again with a message, then the command exits 141, as a program killed by SIGPIPE.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test runner's buffer): nothing will be flushed at exit
    sys.exit(EXIT_BROKEN_PIPE)


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the errors a command can meet into one line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            try:
                result = command(*args, **kwargs)
            except SystemExit:
                _flush_stdout()  # a broken pipe here is quiet too
                raise
            _flush_stdout()
            return result
        except BrokenPipeError:
            _quiet_broken_pipe()
        except (click.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise  # click prints these itself, in one line
        except (ArticleError, ValueError) as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(f"{exc.filename or 'input'}: {exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001 - a bug still gets one line, not a traceback
            _fail(f"unexpected {type(exc).__name__}: {exc}")

    return wrapper


@articles_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Write the good records of a file that also has bad ones (bad ones are still listed).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Records written per statement batch inside each file's transaction.",
)
@one_line_errors
def import_command(paths: tuple[str, ...], skip_invalid: bool, batch_size: int) -> None:
    """Import article records from files, folders or `-` (stdin).

    Formats: our JSON (one record or a list), JSON Lines, Markdown with YAML front matter,
    IPTC ninjs. Each file is all or nothing: a file with a bad record writes nothing unless
    --skip-invalid is given. Every bad record is listed on stderr; the exit status is 1 when
    anything was rejected or unreadable. Interrupted (Ctrl-C, SIGTERM), the file in progress
    is rolled back, the files before it stay written, one line says which, and the exit
    status is 130 (SIGINT) or 143 (SIGTERM).

    \b
    Example:
      flask --app wsgi articles import articles/samples/ new.jsonl
      zcat export.jsonl.gz | flask --app wsgi articles import -
    """
    with _interrupts() as received:
        try:
            with _progress() as on_progress:
                report = import_sources(
                    _service(),
                    list(paths),
                    skip_invalid=skip_invalid,
                    batch_size=batch_size,
                    on_progress=on_progress,
                    stdin=sys.stdin,
                )
        except ImportInterrupted as stop:
            for line in stop.lines:
                click.echo(line, err=True)
            _interrupted(received, stop.describe(_cause(received)))
        except KeyboardInterrupt:  # before the import began (the app's start-up, say)
            _interrupted(received, _stopped(received, "before any input: nothing written"))
        try:
            for line in [*report.notes, *report.errors]:
                click.echo(line, err=True)
            click.echo(report.summary())
        except KeyboardInterrupt:  # everything is written: only the listing was cut short
            _interrupted(received, _stopped(received, f"after it ended: {report.summary()}"))
    if not report.ok:
        sys.exit(1)


class _ProgressBar:
    """Import progress on stderr: bytes of finished files as the bar, records as the label.

    Drawn only when stderr is a terminal, so logs and pipes get the summary line alone. The
    bar is made at the first report, which carries the total size of the inputs.
    """

    def __init__(self) -> None:
        self.bar: Any = None
        self.shown = 0
        self.records = 0

    def update(self, progress: ImportProgress) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=max(progress.bytes_total, 1),
                label="importing",
                file=sys.stderr,
                item_show_func=lambda _: f"{self.records:,} records",
            )
            self.bar.__enter__()
        self.records = progress.records
        self.bar.update(progress.bytes_done - self.shown)
        self.shown = progress.bytes_done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@contextmanager
def _progress() -> Iterator[Callable[[ImportProgress], None] | None]:
    if not sys.stderr.isatty():
        yield None
        return
    bar = _ProgressBar()
    try:
        yield bar.update
    finally:
        bar.close()


@articles_cli.command("list")
@click.option("--section", help="Only this section slug, e.g. asia.")
@click.option("--tag", help="Only articles with this tag slug.")
@click.option("--author", help="Only articles by this author slug.")
@click.option("--status", type=click.Choice(STATUSES), help="Only this status.")
@click.option(
    "--language", help="Only this language and its regional forms, as its feed: ko (ko, ko-KR)."
)
@click.option("--source", help="Only this source slug, e.g. aa.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines of full records instead.")
@one_line_errors
def list_command(
    section: str | None,
    tag: str | None,
    author: str | None,
    status: str | None,
    language: str | None,
    source: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """List stored articles in any state, newest first. The state column is how readers see
    each: live, embargoed (published, its time still to come), draft or withheld.

    \b
    Example:
      flask --app wsgi articles list --section asia --status draft --limit 20
      flask --app wsgi articles list --tag japan --json > japan.jsonl
    """
    filters = list_filters(
        section=section, tag=tag, author=author, status=status, language=language, source=source
    )
    found = _store().list_articles(
        section=filters.get("section"),
        tag=filters.get("tag"),
        author=filters.get("author"),
        status=filters.get("status"),
        language=filters.get("language"),
        source=filters.get("source"),
        limit=limit,
        offset=offset,
    )
    if as_json:
        for article in found:
            click.echo(json.dumps(article_to_dict(article), ensure_ascii=False))
        return
    now = _service().clock()
    rows = [
        (
            a.id,
            a.published.isoformat(timespec="minutes"),
            state_of(a, now),
            a.section.slug if a.section else "-",
            a.title,
        )
        for a in found
    ]
    header = ("id", "published", "state", "section", "title")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[4]]))


def list_filters(**given: str | None) -> dict[str, str]:
    """The filters of `list`, checked and read by the rules of the API's list
    (`feeds.api.schemas.ListQuery`: a slug of 1 to 200 characters, a registered BCP 47 tag in
    canonical case, a status); click.BadParameter names the option and says what is wrong, in
    the API's words, so `--language korean` fails as `?language=korean` does (400)."""
    # Imported here: the API's package imports this module (SERVICE_KEY).
    from pydantic import ValidationError
    from werkzeug.datastructures import MultiDict

    from feeds.api.schemas import ListQuery
    from feeds.api.spec import query_errors

    args = {name: value for name, value in given.items() if value is not None}
    try:
        query = ListQuery.model_validate(args)
    except ValidationError as exc:
        first = query_errors(MultiDict(args), exc.errors())[0]
        reason = first["reason"].replace("the parameter", "the option")
        raise click.BadParameter(reason, param_hint=f"'--{first['field']}'") from None
    return query.model_dump(include=set(args), exclude_none=True)


@articles_cli.command("show")
@click.argument("article_id")
@one_line_errors
def show_command(article_id: str) -> None:
    """Print one stored article as our JSON record (the format `import` reads back).

    \b
    Example:
      flask --app wsgi articles show trt-ko-2025-07-30-cho-japan
    """
    article = _service().get(article_id)
    click.echo(json.dumps(article_to_dict(article), ensure_ascii=False, indent=2))


@articles_cli.command("delete")
@click.argument("article_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@one_line_errors
def delete_command(article_id: str, yes: bool) -> None:
    """Delete an article; feeds drop it and a tombstone keeps its id and guid.

    \b
    Example:
      flask --app wsgi articles delete trt-ko-2025-07-30-cho-japan --yes
    """
    service = _service()
    article = service.get(article_id)
    if not yes:
        try:
            confirmed = click.confirm(f"Delete {article_id!r} ({article.title})?")
        except click.Abort:  # standard input closed (a script, cron) or Ctrl-C at the prompt
            click.echo(err=True)
            _fail("not deleted: no answer to the question; add --yes to delete without asking")
        if not confirmed:
            _fail("not deleted")
    # Deleted only if nobody changed it since it was shown for confirmation.
    result = service.delete(article_id, if_updated=article.updated, actor=_actor())
    click.echo(f"deleted {article_id}; {len(result.facets)} feeds changed")


@articles_cli.command("migrate")
@one_line_errors
def migrate_command() -> None:
    """Create or upgrade the database schema to the newest version (alembic upgrade head).

    Safe to run while the app is serving and from several processes at once.

    \b
    Example:
      DATABASE_URL=postgresql+psycopg://feeds@db/feeds flask --app wsgi articles migrate
    """
    store = _store()
    before, head = store.schema_revision()
    store.migrate(by="`flask articles migrate`")
    if before == head:
        last = store.last_migration()
        click.echo(f"schema already at {head}" + (f" ({last.describe()})" if last else ""))
    else:
        click.echo(f"schema upgraded from {before or 'empty'} to {head}")


@articles_cli.command("schema")
@one_line_errors
def schema_command() -> None:
    """Say which schema version the database has and whether `migrate` is needed (exit 1).

    \b
    Example:
      flask --app wsgi articles schema
    """
    current, head = _store().schema_revision()
    if current == head:
        click.echo(f"schema at {head} (current)")
        return
    click.echo(f"schema at {current or 'empty'}, newest is {head}: run `flask articles migrate`")
    sys.exit(1)


def _actor() -> str:
    """The audit trail's name for this command's writes: `cli:` and the system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no user name in this environment (some containers)
        return "cli"


@articles_cli.command("history")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of a table.")
@one_line_errors
def history_command(article_id: str, as_json: bool) -> None:
    """Show every write to an article, oldest first: when, who, what, which fields.

    Who is the API token's name, or `cli:` and the system user's name for commands
    (`cli:editor`; `cli` alone where the user has no name). The trail outlives the article:
    a deleted article's history is still shown. Imports are not itemised here (the import
    reports its own counts): an article only ever imported has no history.

    \b
    Example:
      flask --app wsgi articles history trt-ko-2025-07-30-cho-japan
    """
    entries = audit.history(_store().engine, article_id)
    if not entries:
        try:
            _service().get(article_id)
        except ArticleNotFound as exc:
            raise ArticleError(f"{exc}; no writes are recorded for it") from None
        raise ArticleError(
            f"article {article_id!r} is stored but has no recorded writes: the trail holds the "
            "API's writes and `flask articles delete`, not imports (`flask articles import` "
            f"reports its own counts); `flask articles show {article_id}` prints the record"
        )
    for entry in entries:
        if as_json:
            click.echo(json.dumps(audit.entry_to_dict(entry), ensure_ascii=False))
        else:
            fields = ", ".join(entry.fields) or "-"
            when = entry.at.isoformat(timespec="seconds")
            click.echo(f"{when}  {entry.actor}  {entry.action}  {fields}")
