"""`flask feeds ...`: commands about the served documents (the records are `flask articles`).

flask --app wsgi feeds export DIR            write every document into DIR (static copy)
flask --app wsgi feeds export DIR --follow   ... and keep it in sync with the database
flask --app wsgi feeds lift-embargoes        announce ended embargoes (feeds.lifts adds it)
flask --app wsgi feeds subscribers           subscriber counts per feed (feeds.subscribers_report)
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import sys
from collections.abc import Callable
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from feeds.export import (
    GRACE_SECONDS,
    Exporter,
    ExportError,
    ExportReport,
    reload_command_problem,
)
from feeds.export.nginx import DEFAULT_LISTEN, listen_problem, upstream_problem

feeds_cli = AppGroup(
    "feeds",
    help="Commands about the served documents: static export, embargo lifts (lift-embargoes), "
    "subscriber counts (subscribers).",
)


def _checked(
    problem: Callable[[str], str | None],
) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """An option callback refusing a value the nginx config could not carry, before any run."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None and (reason := problem(value)):
            raise click.BadParameter(reason)
        return value

    return check


@feeds_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, writable=True))
@click.option(
    "--follow",
    is_flag=True,
    help="After the first run, keep DIR in sync: export again within about a second of "
    "every write to the database (imports, the API, deletions), of every embargo lifting and "
    "of every tombstone's period ending.",
)
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=1.0,
    show_default=True,
    help="With --follow: seconds between readings of the store's change sequence.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes that render and compress (default: one per CPU).",
)
@click.option(
    "--upstream",
    metavar="URL",
    default=None,
    callback=_checked(upstream_problem),
    help="The app's address (http://127.0.0.1:8000): the nginx config forwards to it a feed "
    "URL asked with an Accept header it cannot weigh (q-values outside its table); without "
    "it such a request gets Atom, the app's default.",
)
@click.option(
    "--listen",
    metavar="ADDR",
    default=DEFAULT_LISTEN,
    callback=_checked(listen_problem),
    show_default=True,
    help="What the generated nginx server block listens on (anything nginx's `listen` takes: "
    "80, 127.0.0.1:8080, '[::]:80'); every run writes it, so set it here, not in the file.",
)
@click.option(
    "--reload-command",
    metavar="COMMAND",
    default=None,
    help="Run (without a shell, split as a shell would) after every run that changed the nginx "
    "config, so nginx serves the new ETags and headers: 'nginx -s reload', "
    "'systemctl reload nginx'.",
)
@click.option(
    "--grace",
    type=click.FloatRange(0, 86400),
    default=GRACE_SECONDS,
    show_default=True,
    help="Seconds a replaced version's files are kept after the nginx reload that stops "
    "naming them (without --reload-command: after the run that replaced them).",
)
def export_command(
    directory: str,
    follow: bool,
    interval: float,
    workers: int | None,
    upstream: str | None,
    listen: str,
    reload_command: str | None,
    grace: float,
) -> None:
    """Write every document the app serves into DIRECTORY, with gzip and Brotli forms and an
    nginx config (DIRECTORY/_nginx/feeds-export.conf) that serves them as the app would.

    A second run rewrites only what changed and removes what is gone. Example:

        flask --app wsgi feeds export /srv/feeds-static --follow
    """
    try:
        command = shlex.split(reload_command) if reload_command else None
    except ValueError as exc:
        raise click.BadParameter(
            f"{exc}: {reload_command!r}", param_hint="--reload-command"
        ) from None
    if command is not None and (problem := reload_command_problem(command)):
        raise click.BadParameter(problem, param_hint="--reload-command")
    try:
        exporter = Exporter(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            directory,
            workers=workers,
            upstream=upstream,
            listen=listen,
            reload_command=command,
            grace=grace,
        )
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None

    def report(result: ExportReport) -> None:
        click.echo(result.line())
        for failure in result.failed:
            click.echo(f"  failed: {failure}", err=True)

    try:
        if not follow:
            try:
                result = exporter.run()
            except KeyboardInterrupt:
                click.echo(
                    f"export interrupted (SIGINT): {directory} keeps the last complete run's "
                    "manifest; run the command again to finish",
                    err=True,
                )
                sys.exit(128 + signal.SIGINT)
            report(result)
            if result.failed:
                sys.exit(1)
            return
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        with contextlib.suppress(KeyboardInterrupt):
            exporter.follow(interval=interval, report=report, stop=lambda: stopping)
    except OSError as exc:  # the folder went away or filled up during a run
        raise click.ClickException(
            f"export stopped: cannot write {exc.filename or directory}: {exc.strerror or exc}; "
            f"{directory} keeps the last complete run's manifest: fix this and run it again"
        ) from None
