"""Feed documents and the Flask app that serves them.

`create_app()` builds the app: settings, the article store, the feed routes and HTML pages, the
render cache, the WebSub notifier and the `flask articles ...` commands. Nothing is created at
import time; `wsgi.py` holds the one module-level app.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote_to_bytes

import click
from flask import Flask, Response, current_app, request
from flask.globals import request_ctx
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import BadHost, BadRequest, HTTPException, InternalServerError

from articles.changes import ChangeListeners
from articles.cli import SERVICE_KEY, articles_cli
from articles.errors import StoreError, StoreFull, StoreUnavailable
from articles.importer import import_sources
from articles.samples import sample_paths
from articles.service import ArticleService
from articles.store import Store
from feeds import api, http, lifts, pages, redirects, sitemaps, subscribers_page, websub
from feeds.accesslog import AccessLog, open_access_log
from feeds.cache import RenderCache
from feeds.cli import feeds_cli
from feeds.config import ConfigError, SiteConfig, load_config
from feeds.error_answers import handle_database_error, handle_http_error, handle_server_error
from feeds.etag import DocumentVersion
from feeds.fastpath import FastPath, ResponseMemo
from feeds.podcasts import ShowMediaCheck, show_selections
from feeds.ratelimit import RateLimit, refuse_over_limit
from feeds.request_line import (
    ServerQuirks,
    allow_in_order,
    keep_sent_target,
    method_and_target,
    options_response,
    raw_target_path,
    request_size,
)
from feeds.request_text import refuse_unstorable
from feeds.subscribers import SubscriberCount, SubscriberCounter
from feeds.subscribers_report import subscribers_command
from feeds.urls import InvalidHost, TrustedProxy, forwarded_problem, usable_host

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the feed app.

    `test_config` holds site settings in lower case (`site_url`, `items_per_feed`, ...; see
    `feeds.config.SiteConfig`) and Flask or app options in upper case: `TESTING`,
    `FEEDS_INSTANCE_PATH` (the instance folder; also read from the environment),
    `FEEDS_AUTO_MIGRATE` (run migrations on start for PostgreSQL; also from the environment),
    `FEEDS_CLOCK` (a function returning the current aware datetime, for tests) and
    `FEEDS_SUBSCRIBERS_FLUSH_S` (seconds between writes of subscriber counts, 60). A setting
    that cannot be used stops the program with a one-line message.
    """
    site_settings = {k: v for k, v in (test_config or {}).items() if not k.isupper()}
    app_options = {k: v for k, v in (test_config or {}).items() if k.isupper()}
    instance_path = app_options.get("FEEDS_INSTANCE_PATH") or os.environ.get("FEEDS_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        # No implicit /static/<path> route: the static files are routed by feeds.pages from
        # the paths in feeds.urls, like every other path of the app.
        static_folder=None,
    )
    # No redirect from `//` to `/` by Werkzeug: its Location names the request's host, not
    # site_url, and leads to a 404 as readily as to a page. The feed view decides for itself
    # (feeds.feed_redirects: a redirect only to a document that exists); elsewhere `//` is
    # a 404.
    app.url_map.merge_slashes = False
    app.config.update(app_options)
    try:
        config = load_config(overrides=site_settings, instance_path=app.instance_path)
        store = Store(config.database_url or f"sqlite:///{app.instance_path}/articles.db")
    except (ConfigError, ValueError, OSError) as exc:
        raise SystemExit(f"feeds: configuration error: {exc}") from None
    if store.backend == "sqlite":
        _make_instance_folder(app.instance_path)

    # Flask checks the Host of every request against these (400 otherwise).
    app.config["TRUSTED_HOSTS"] = list(config.trusted_host_list) or None
    clock: Callable[[], datetime] = app.config.get("FEEDS_CLOCK") or _utc_now
    app.extensions["feeds.config"] = config
    app.extensions["feeds.store"] = store
    app.extensions["feeds.clock"] = clock
    # The one write path of articles (the CLI, later the API); feeds.websub subscribes to it.
    app.extensions[SERVICE_KEY] = ArticleService(
        store,
        tag_authority=config.tag_authority,
        clock=clock,
        listeners=ChangeListeners(),
        zone=config.zone,
        default_language=config.default_language,
        max_clock_skew=timedelta(seconds=config.max_clock_skew),
        checks=[ShowMediaCheck(config.podcasts, config.site_url)] if config.podcasts else [],
    )
    store.configure_shows(show_selections(config.podcasts))
    # When these settings and this code came into use: a lower bound of every Last-Modified.
    version = DocumentVersion(store, config)
    app.extensions["feeds.version"] = version

    _prepare_database(app, config, store, clock, version)

    cache = RenderCache(config.render_cache_bytes)
    app.extensions["feeds.cache"] = cache
    memo = ResponseMemo(config.response_memo_ms)
    app.extensions["feeds.memo"] = memo
    http.init_app(app, http.FeedService(config, store, cache, clock, memo, version))

    app.register_blueprint(pages.bp)
    subscribers_page.init_app(app)
    sitemaps.init_app(app, sitemaps.Sitemaps(store, config))
    redirects.init_app(app, config)
    websub.init_app(app)
    lifts.init_app(app)
    app.cli.add_command(articles_cli)
    feeds_cli.add_command(subscribers_command)
    app.cli.add_command(feeds_cli)

    # Inside ProxyFix, so the memo keys on the public host and scheme it has worked out.
    app.wsgi_app = FastPath(app.wsgi_app, memo, clock=clock)  # type: ignore[method-assign]
    # Outside the fast path, so replayed answers count; inside ProxyFix, for the client address.
    if config.subscriber_counts:
        counter = SubscriberCounter(
            lambda: store.engine,
            app.config.get("FEEDS_CLOCK"),  # None: the wall clock, read the cheapest way
            float(app.config.get("FEEDS_SUBSCRIBERS_FLUSH_S", 60)),
        )
        app.extensions["feeds.subscribers"] = counter
        app.wsgi_app = SubscriberCount(app.wsgi_app, counter)  # type: ignore[method-assign]
    if config.rate_limit:
        try:
            limiter = RateLimit(
                app.wsgi_app,
                config.rate_limit,
                config.rate_limit_storage,
                # The API writes its 429 as a problem document, as its every error.
                app_refuses=api.is_api_path,
            )
        except Exception as exc:  # noqa: BLE001 (a bad limit or storage URI: stop, saying why)
            raise SystemExit(f"feeds: configuration error: rate_limit_storage: {exc}") from None
        # Outside the fast path, so replayed answers count too; inside ProxyFix, so the key is
        # the client's address and not the proxy's.
        app.wsgi_app = limiter  # type: ignore[method-assign]
    if config.trust_proxy_hops > 0:
        hops = config.trust_proxy_hops
        # Werkzeug's ProxyFix, recording what it honoured for feeds.urls.forwarded_problem.
        app.wsgi_app = TrustedProxy(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    if config.access_log:
        try:
            writer = open_access_log(config.access_log, config.access_log_flush_ms)
        except OSError as exc:
            raise SystemExit(f"feeds: configuration error: access_log: {exc}") from None
        app.extensions["feeds.access_log"] = writer
        # Outermost, so it sees every request and the client address ProxyFix works out.
        app.wsgi_app = AccessLog(app.wsgi_app, writer)  # type: ignore[method-assign]
    # Around everything: the protocol version and Host as PEP 3333 has them, whatever the
    # server wrote (Granian: `HTTP/1` and an empty Host for an HTTP/1.0 request without one).
    app.wsgi_app = ServerQuirks(app.wsgi_app)  # type: ignore[method-assign]
    # And under `flask run`, the request target as sent (a leading `//` is redirected).
    keep_sent_target()

    # Every WSGI server writes the Date header itself (Werkzeug's development server, Granian
    # and gunicorn alike); Werkzeug's make_conditional adds one more to pages, OPML and static
    # files, which then went out with two. The server's is the one to keep.
    app.after_request(_without_date)
    app.before_request(refuse_over_limit)  # first: a client over the rate limit (API paths)
    app.before_request(request_size)
    app.before_request(_host_is_a_host)
    app.before_request(method_and_target)
    app.before_request(_path_is_utf8)
    app.before_request(refuse_unstorable)
    # After the checks of the request as sent: another spelling of a path is answered by a
    # request for the site's spelling, whose own target the checks would measure instead
    # (a 25,210-byte "URL" for 8,410 bytes sent raw; a redirect for a 9 KB one).
    app.before_request(redirects.canonical_spelling)
    # A 204 or 304 has no content, so nothing describes it (RFC 9110 6.4.1, 15.3.5, 15.4.5):
    # Flask gives every Response its default mimetype, whatever its status.
    app.after_request(_without_content_headers)
    # Every Allow in one order, the same in every process; OPTIONS answered in words.
    app.after_request(allow_in_order)
    app.make_default_options_response = _options_response  # type: ignore[method-assign]

    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(OperationalError, handle_database_error)
    app.register_error_handler(DataError, handle_database_error)
    app.register_error_handler(StoreError, handle_database_error)
    api.init_app(app)  # after the handlers above: it answers errors under /api/ itself
    return app


def _without_date(response: Response) -> Response:
    response.headers.pop("Date", None)
    return response


def _host_is_a_host() -> None:
    """Refuse (400) an HTTP/1.1 request without Host, and any request whose Host (or the
    trusted X-Forwarded-Host) is not a host name or address with an optional port, as RFC 9112
    section 3.2 requires of every server, whether or not `site_url` makes links without it.
    Such requests were answered 200 when site_url was set (`Host: a b`, two Host lines, none at
    all); without site_url they were a 400 already, because no link could be written. The
    rule for what a host is stays `feeds.urls.usable_host`; an HTTP/1.0 request may go
    without Host. The other headers of a trusted proxy that make up the public root
    (X-Forwarded-Proto, -Port, -Prefix) are checked first, by `feeds.urls.forwarded_problem`,
    each answered with a 400 naming the header and what it must be."""
    environ = request.environ
    # Werkzeug's router refuses a name it cannot encode (`a..b`: an empty IDNA label) with a
    # 400 that says nothing of the Host.
    host_usable = "HTTP_HOST" not in environ or (
        usable_host(request.host) and not isinstance(request.routing_exception, BadHost)
    )
    problem = forwarded_problem(environ, host_usable=host_usable)
    if problem is not None:
        raise problem
    if "HTTP_HOST" not in environ:
        if environ.get("SERVER_PROTOCOL") == "HTTP/1.1":
            raise BadRequest(
                "an HTTP/1.1 request needs a Host header (RFC 9112 section 3.2), and this one "
                "had none or an empty one; send the site's host name"
            )
        return
    if host_usable:
        return
    config: SiteConfig = current_app.extensions["feeds.config"]
    if not config.site_url:
        raise InvalidHost()  # which also says that site_url would make links without it
    raise BadRequest(
        "the Host header of this request is not a valid host name with an optional port "
        "(RFC 9112 section 3.2); send the site's host name"
    )


def _path_is_utf8() -> None:
    """Refuse (400) a path whose percent-decoded bytes are not UTF-8 (RFC 3986 2.5, RFC 3987).

    Werkzeug reads such bytes as U+FFFD, so `/api/articles/%FF` and `/api/articles/%FE`
    would both name (and create) the article whose id is U+FFFD. PATH_INFO holds the
    bytes as Latin-1 (PEP 3333). Werkzeug's own server (`flask run`) decodes them first,
    bad bytes as U+FFFD, but passes the request target as sent in REQUEST_URI (gunicorn:
    RAW_URI), which is then what is checked.
    """
    environ = request.environ
    raw_target = raw_target_path(environ)
    try:
        if raw_target is not None:
            unquote_to_bytes(raw_target.encode("latin-1")).decode("utf-8")
        else:
            environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeEncodeError:
        return
    except UnicodeDecodeError:
        raise BadRequest(
            "the URL's path is not UTF-8 once percent-decoded; percent-encode the UTF-8 bytes "
            "of each character (한 is %ED%95%9C)"
        ) from None


_NO_CONTENT: Final = frozenset({204, 304})
_CONTENT_HEADERS: Final = ("Content-Type", "Content-Length", "Content-Encoding")


def _options_response() -> Response:
    """`OPTIONS` on a document: its methods (`feeds.request_line.options_response`); the
    API answers OPTIONS itself (a 204, `feeds.api.views`) from Flask's empty answer."""
    adapter = request_ctx.url_adapter
    methods = adapter.allowed_methods() if adapter is not None else []
    if request.blueprint == "api":
        response = Response()
        response.headers["Allow"] = ", ".join(methods)
        return response
    return options_response(methods)


def _without_content_headers(response: Response) -> Response:
    """Every 204 and 304 the app sends goes without a body and without the headers that
    describe one (a 304 keeps its ETag, Last-Modified, Cache-Control and Vary)."""
    if response.status_code in _NO_CONTENT:
        response.set_data(b"")  # (sets Content-Length: 0, removed below)
        for name in _CONTENT_HEADERS:
            response.headers.pop(name, None)
    return response


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _auto_migrate(app: Flask) -> bool:
    flag = app.config.get("FEEDS_AUTO_MIGRATE", os.environ.get("FEEDS_AUTO_MIGRATE", ""))
    return flag is True or str(flag).strip().lower() in _TRUE


def _make_instance_folder(path: str) -> None:
    """Make the instance folder, which an SQLite store needs (the embedded database's default
    place, and the lock its first start takes); a PostgreSQL site only reads an optional
    site.toml there, so it starts from a read-only folder too (a container's image, a
    package installed read-only), where it used to stop with "configuration error: [Errno
    30] Read-only file system: '.../instance'". A folder that cannot be made stops the app
    naming it and what to set instead."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SystemExit(
            f"feeds: cannot make the instance folder {path} ({exc.strerror}), where the SQLite "
            "database keeps its lock (and its file, unless database_url names another): set "
            "FEEDS_INSTANCE_PATH to a folder this user can write"
        ) from None


def _serves_documents() -> bool:
    """Whether this process was started to serve the documents: by a WSGI server (or a test)
    importing the app, or by `flask run`; not by another `flask` command (the app is then
    made inside that command's click context)."""
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


def _prepare_database(
    app: Flask,
    config: SiteConfig,
    store: Store,
    clock: Callable[[], datetime],
    version: DocumentVersion,
) -> None:
    """Embedded SQLite: create the schema and load the samples into an empty database.

    PostgreSQL is migrated only when asked (FEEDS_AUTO_MIGRATE=1), as production schema changes
    are a deliberate step: `flask --app wsgi articles migrate`. Once the schema is current, a
    process started to serve (`_serves_documents`) records the documents' version
    (`DocumentVersion`; without FEEDS_AUTO_MIGRATE, at the first document served, so
    `articles migrate` itself can start on an older schema). Another command records it at
    the first document it makes, if any: one that makes none (`flask articles history`,
    `tokens create`, run with other settings than the server's) recorded its settings as the
    version in use, which moved every document's Last-Modified with no byte changed.

    A database that cannot be opened or reached yet (a missing folder, a file without
    permission, a server that is down) does not stop the app: one line is logged, requests
    answer 503 with Retry-After, and the store runs this preparation before the first query
    that finds the database reachable.
    """
    if store.backend != "sqlite":
        if _auto_migrate(app):

            def migrate(s: Store) -> None:
                s.migrate(by="the app starting (FEEDS_AUTO_MIGRATE)")
                if _serves_documents():
                    version.since(clock())

            store.prepare_with(migrate)
    else:
        lock_path = Path(app.instance_path) / "articles.db.lock"

        def prepare(s: Store) -> None:
            _prepare_sqlite(s, config, lock_path)
            if _serves_documents():
                version.since(clock())

        store.prepare_with(prepare)
    # These lines speak of answering requests: a command other than the server's says what is
    # wrong itself, in its one error line, when it needs the database (and not at all when it
    # does not: `flask api openapi`).
    serving = _serves_documents()
    try:
        store.ready()
    except StoreUnavailable as exc:
        if not serving:
            return
        log.warning(
            "database %s cannot be opened yet (%s); answering 503 until it can",
            store.location,
            exc.reason,
        )
    except StoreFull as exc:
        if not serving:
            return
        log.error(
            "the disk of database %s is full (%s): serving what is stored, refusing writes "
            "(the API answers 507) until space is freed",
            store.location,
            exc.reason,
        )


def _prepare_sqlite(store: Store, config: SiteConfig, lock_path: Path) -> None:
    # Several gunicorn workers start at once: one at a time checks and fills the new database.
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            store.migrate(by=f"the app starting on {store.location}")
            if config.load_samples and not store.list_articles(limit=1):
                _load_samples(store, config)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _load_samples(store: Store, config: SiteConfig) -> None:
    report = import_sources(
        store,
        sample_paths(),
        zone=config.zone,
        default_language=config.default_language,
        tag_authority=config.tag_authority,
    )
    log.info("loaded the sample articles into the new database: %s", report)
