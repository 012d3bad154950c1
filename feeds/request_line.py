"""The request line as HTTP defines it, whatever the WSGI server in front of the app.

- **Protocol and Host** (`ServerQuirks`, outermost WSGI middleware): Granian writes an
  HTTP/1.0 request's version as `HTTP/1` and a Host it did not receive as an empty
  `HTTP_HOST`, so an HTTP/1.0 client (which may leave Host out, RFC 9112 3.2) was refused
  400 "the Host header ... is not a valid host name" under the production command while
  `flask run` served it, and an HTTP/1.1 request without Host got that message instead of
  saying it needs a Host header. The environ is put back as PEP 3333 has it: `HTTP/1.0`, no
  `HTTP_HOST` (an empty Host, which cannot be told from a missing one there, counts as
  none), so Werkzeug takes the server's own name and the access log the real version.
- **The absolute-form** (RFC 9112 3.2.2): for `GET http://feeds.example.org/feeds/all.atom`
  the server must use the target's authority as the request's host and ignore Host. Where
  the server passes the target (REQUEST_URI: Werkzeug's server, uWSGI, mod_wsgi; RAW_URI:
  gunicorn), `ServerQuirks` puts its authority in `HTTP_HOST` (`target_authority`), so
  every link written from the request (self, alternate, Location, the WebSub hub's `self`)
  names it, and it is checked exactly as a Host header is (an unusable one is the same 400,
  `feeds.urls.InvalidHost`; `trusted_hosts` applies). Werkzeug's development server already
  does so; gunicorn passed the Host header's host on. Granian passes only the decoded path
  (no REQUEST_URI or RAW_URI): there the authority of an absolute-form target cannot reach
  a WSGI app, and the Host header decides (docs/http.md).
- **Methods** (`method_and_target`, before every request): a method no route of the app
  implements (`BREW`, `PROPFIND`, `TRACE`, a lower-case `get`: methods are case-sensitive,
  RFC 9110 9.1) is **501** Not Implemented, as RFC 9110 15.6.2 asks; a method the app
  implements elsewhere (the API's `PUT`) stays the route's **405** with `Allow`. Werkzeug
  upper-cases the method, so `get` was served as `GET` and `BREW` got a 405. Under `/api/`
  the API's error handler answers `MethodNotImplemented` as the path's 405 with `Allow`
  (`feeds.api.request_checks.method_not_allowed`): its OpenAPI document promises a 4xx.
- **Sizes** (`request_size`, the first check of every request): a request-target longer than
  `MAX_TARGET_BYTES` is **414**, a header field longer than `MAX_FIELD_BYTES` or a header
  section larger than `MAX_HEADER_BYTES` **431** (RFC 9112 3, RFC 6585 5), each with a body
  saying what to do, the limits of nginx's and gunicorn's defaults. Under Granian a 9 KB URL
  was served and a 100 KB header taken, and past its own limits (a 64 KB URL, more than 100
  header lines) Granian answers 414 and 431 itself with an empty body, which no app can
  change; these limits put the app's answer first for every size below those.
- **Allow** (`allow_in_order`, after every request; `options_response`): every `Allow` the app
  sends lists its methods in one order, `METHOD_ORDER` (RFC 9110 10.2.1 gives none).
  Werkzeug builds a route's methods as a set, so two processes of one deployment (string
  hashes differ per process) sent `GET, OPTIONS, HEAD` and `OPTIONS, GET, HEAD` for the same
  URL. `OPTIONS` on a document is answered as `OPTIONS *` is: a plain-text line naming the
  methods (Flask's default was an empty `text/html` body).
- **The asterisk-form** (RFC 9112 3.2.4): `OPTIONS *` asks about the server as a whole and
  is answered 200 with `Allow` listing every method the app implements (it was a 404
  "not found: see / for the list of feeds"); `*` with any other method is a 400.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final
from urllib.parse import quote, unquote_to_bytes, urlsplit

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import (
    BadRequest,
    NotImplemented,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_METHODS_KEY = "feeds.implemented_methods"
# The one order every Allow header (and every list of methods in a message) names methods in.
METHOD_ORDER: Final = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")


def in_method_order(methods: Iterable[str]) -> list[str]:
    """`methods` once each, in `METHOD_ORDER` (others after them, alphabetically)."""
    found = set(methods)
    return [m for m in METHOD_ORDER if m in found] + sorted(found - set(METHOD_ORDER))


def allow_in_order(response: Response) -> Response:
    """After every request: the response's `Allow` (a 405's, an OPTIONS answer's) in
    `METHOD_ORDER`, the same in every process."""
    allow = response.headers.get("Allow")
    if allow is not None:
        methods = in_method_order(m.strip() for m in allow.split(",") if m.strip())
        response.headers["Allow"] = ", ".join(methods)
    return response


def options_response(methods: Iterable[str]) -> Response:
    """The answer to `OPTIONS` on a path (Flask's `make_default_options_response`): 200, the
    path's methods in `Allow` and as one plain-text line, like `OPTIONS *`'s answer."""
    allow = ", ".join(in_method_order(methods))
    response = Response(f"this document answers {allow}\n", mimetype="text/plain")
    response.headers["Allow"] = allow
    return response


class ServerQuirks:
    """WSGI middleware: the environ as PEP 3333 describes it (see the module docstring)."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("SERVER_PROTOCOL") == "HTTP/1":
            environ["SERVER_PROTOCOL"] = "HTTP/1.0"
        if environ.get("HTTP_HOST") == "":
            # Granian's missing Host, whatever the version: an empty one names no host either,
            # so both are a request without Host (served for HTTP/1.0, a 400 saying it needs
            # one for HTTP/1.1, `feeds._host_is_a_host`), under every server alike.
            del environ["HTTP_HOST"]
        authority = target_authority(environ)
        if authority is not None:
            # RFC 9112 3.2.2: the target's authority is the host; Host is ignored.
            environ["HTTP_HOST"] = authority
        return self.app(environ, start_response)


def target_authority(environ: Mapping[str, object]) -> str | None:
    """The authority of an absolute-form request target (`http://feeds.example.org:8080/x`
    gives `feeds.example.org:8080`), as the server passed the target (REQUEST_URI or RAW_URI;
    see `raw_target_path`); None for any other form, or when the server passes no target.
    Returned as sent (userinfo included, an empty one as ""): the app's Host check refuses
    what cannot be a host."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not isinstance(raw, str) or raw.startswith("/"):
        return None
    scheme, sep, rest = raw.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    end = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    return rest[:end]


def raw_target_path(environ: Mapping[str, object]) -> str | None:
    """The path of the request target as the client sent it, percent-encoding and all, when
    the server passes the target (REQUEST_URI: Werkzeug's server, uWSGI, mod_wsgi; RAW_URI:
    gunicorn); an absolute-form target (`http://host/path`) gives its path. None when the
    server passes only the decoded path (Granian)."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not isinstance(raw, str) or not raw:
        return None
    raw = raw.split("?", 1)[0].split("#", 1)[0]
    if not raw.startswith("/"):  # absolute-form: scheme://authority/path
        parts = raw.split("/", 3)
        raw = "/" + parts[3] if len(parts) == 4 else "/"
    return raw


_KEEPS_TARGET = "_feeds_keeps_sent_target"


def keep_sent_target() -> None:
    """Make Werkzeug's development server (`flask run`) pass a target that starts with `//`
    as sent, in REQUEST_URI and RAW_URI, the keys meant for it (mod_wsgi, uWSGI, gunicorn).

    Python's http.server (gh-87389, Python 3.11 and the 3.10.5, 3.9.13 releases) replaces the
    slashes at the start of the target with one before Werkzeug reads it, so `flask run` gave
    the app `/feeds/all.atom` for `//feeds/all.atom` in every key and served that second
    address (200) where Granian and gunicorn are redirected (301). The request line as sent
    stays in the handler's `requestline`; PATH_INFO is left as the server made it, and
    `sent_path` reads the pair. Patches Werkzeug's handler class once per process (only the
    development server uses it)."""
    from werkzeug.serving import WSGIRequestHandler

    original = WSGIRequestHandler.make_environ
    if getattr(original, _KEEPS_TARGET, False):
        return

    def make_environ(self: WSGIRequestHandler) -> WSGIEnvironment:
        environ = original(self)
        if not self.path.isascii():
            _raw_target_environ(environ, self.path)
        words = self.requestline.split()
        if len(words) >= 2 and words[1].startswith("//"):
            # As Werkzeug writes these keys (its `_wsgi_encoding_dance` of the target), which
            # for a target of ASCII is the target itself; raw bytes stay as they were sent.
            sent = words[1]
            environ["REQUEST_URI"] = environ["RAW_URI"] = (
                sent.encode().decode("latin-1") if sent.isascii() else sent
            )
        return environ

    setattr(make_environ, _KEEPS_TARGET, True)
    WSGIRequestHandler.make_environ = make_environ  # type: ignore[method-assign]


def _raw_target_environ(environ: WSGIEnvironment, target: str) -> None:
    """Put a request target holding raw bytes above 0x7F (`GET /tag/오디오`, as curl sends
    what it is given) into the environ as PEP 3333 has it, where Werkzeug's development
    server read it wrong. Python's http.server decodes the request line as Latin-1, one
    character a byte, which `target` is; Werkzeug took those characters for text and encoded
    them as UTF-8 again (`_wsgi_encoding_dance`), so PATH_INFO, QUERY_STRING and REQUEST_URI
    held each byte twice over: `/feeds/tag/오디오.rss` was a 404 naming the tag in mojibake
    (it is a 301 to the tag's slug under Granian and gunicorn, and percent-encoded under
    every server), and the target's length tripled, so a 2,716-byte one was a 414. PATH_INFO
    is the target's path percent-decoded to bytes, QUERY_STRING and REQUEST_URI (RAW_URI)
    its bytes as sent, each byte one Latin-1 character: what gunicorn passes."""
    parts = urlsplit(target)
    # As Werkzeug splits it: `//x` (no scheme, a "host") is the path `/x`.
    path = f"/{parts.netloc}{parts.path}" if not parts.scheme and parts.netloc else parts.path
    environ["PATH_INFO"] = unquote_to_bytes(path.encode("latin-1")).decode("latin-1")
    environ["QUERY_STRING"] = parts.query
    environ["REQUEST_URI"] = environ["RAW_URI"] = target


def sent_path(environ: Mapping[str, object]) -> str:
    """The request's path as the client sent it, in PATH_INFO's form (percent-decoded, its
    UTF-8 bytes read as Latin-1, PEP 3333): PATH_INFO, except where the server dropped slashes
    at its start. Werkzeug's development server (`flask run`, 3.1) reads the request target
    with `urlsplit`, which takes `//feeds/all.atom` for a network-path reference: PATH_INFO is
    `/feeds/all.atom` (`///x` gives `/x`, `//` gives an empty one) while REQUEST_URI keeps the
    target as sent. Such a pair is told from a proxy's or a test's rewrite by differing only in
    the slashes before the first segment; the path sent is then the target's, decoded.
    Granian, gunicorn and uWSGI keep the slashes in PATH_INFO."""
    path = str(environ.get("PATH_INFO", ""))
    raw = raw_target_path(environ)
    if raw is None or not raw.startswith("//"):
        return path
    try:
        decoded = unquote_to_bytes(raw.encode("latin-1")).decode("latin-1")
    except UnicodeEncodeError:
        return path
    script = str(environ.get("SCRIPT_NAME", ""))
    if script and decoded.startswith(script):
        decoded = decoded[len(script) :]
    if decoded != path and decoded.lstrip("/") == path.lstrip("/"):
        return decoded
    return path


# nginx reads a request line and each header line into 8 KB buffers (large_client_header_buffers
# 4 8k); gunicorn.conf.py refuses a header field over 8,190 bytes.
MAX_TARGET_BYTES = 8190
MAX_FIELD_BYTES = 8190
MAX_HEADER_BYTES = 32768


def request_size() -> None:
    """414 for a request-target over MAX_TARGET_BYTES, 431 for a header field over
    MAX_FIELD_BYTES or a header section over MAX_HEADER_BYTES (names and values)."""
    environ = request.environ
    target = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not isinstance(target, str):
        path = str(environ.get("PATH_INFO", "")).encode("latin-1", "replace")
        query = str(environ.get("QUERY_STRING", ""))
        target = quote(path, safe="/") + ("?" + query if query else "")
    if len(target) > MAX_TARGET_BYTES:
        raise RequestURITooLarge(
            f"this URL is {len(target):,} bytes long; this site takes at most "
            f"{MAX_TARGET_BYTES:,}: its URLs are short (the feeds are listed at /, the API's "
            "operations in /api/openapi.json), so drop the parameters this site does not read"
        )
    total = 0
    for name, value in request.headers.items():
        size = len(name) + len(value) + 4  # ": " and CRLF
        total += size
        if size > MAX_FIELD_BYTES:
            raise RequestHeaderFieldsTooLarge(
                f"the {name} header is {size:,} bytes long; this site takes at most "
                f"{MAX_FIELD_BYTES:,} bytes a header: send it shorter or leave it out"
            )
    if total > MAX_HEADER_BYTES:
        raise RequestHeaderFieldsTooLarge(
            f"the request's headers are {total:,} bytes in all; this site takes at most "
            f"{MAX_HEADER_BYTES:,}: leave out the ones this request does not need"
        )


class MethodNotImplemented(NotImplemented):
    """501 naming the method and the ones the app answers (no `Retry-After`: it never will)."""


def implemented_methods(app: Flask) -> list[str]:
    """Every method some route of `app` answers, in a stable order (GET, HEAD first)."""
    return list(_methods(app))


def _methods(app: Flask) -> tuple[str, ...]:
    """`implemented_methods`, worked out once per app (asked on every request)."""
    methods: tuple[str, ...] | None = app.extensions.get(_METHODS_KEY)
    if methods is None:
        found = {method for rule in app.url_map.iter_rules() for method in rule.methods or ()}
        methods = tuple(in_method_order(found))
        app.extensions[_METHODS_KEY] = methods
    return methods


def method_and_target() -> Response | None:
    """501 for a method no route implements; `OPTIONS *` answered, `*` otherwise a 400."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    methods = _methods(app)
    method = request.environ.get("REQUEST_METHOD", "")
    if method not in methods:
        raise MethodNotImplemented(
            f"the method {method!r} is not implemented here (methods are case-sensitive); "
            f"this site answers {', '.join(methods)}: GET or HEAD to read a feed or page"
        )
    if request.environ.get("PATH_INFO") != "*":
        return None
    if method != "OPTIONS":
        raise BadRequest(
            "the request target '*' is only for OPTIONS (RFC 9112 section 3.2.4); ask for a "
            "path such as /feeds/all.atom"
        )
    response = Response(f"this site answers {', '.join(methods)}\n", mimetype="text/plain")
    response.headers["Allow"] = ", ".join(methods)
    response.headers["Cache-Control"] = "no-store"
    return response
