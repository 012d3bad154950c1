"""The subscriber counts on a token-protected page: `/admin/subscribers`.

The same numbers as `flask feeds subscribers --json` (feeds.subscribers_report): per feed, each
aggregator's latest subscribers, the distinct direct clients per UTC day, the daily totals and
the total, with the SVG chart inline. `?days=N` (1 to 3660, default 30) picks the window.

Who may see it: anyone holding an active publishing API token (articles.tokens; a read token
is enough), presented either way:

- `Authorization: Bearer <token>` (RFC 6750), for curl and scripts; `Accept: application/json`
  then gives the CLI's JSON document;
- a browser signs in once with the form on the page (POST, the token in the body, never in
  a URL): the answer sets the cookie `feeds_admin` holding a session, never the token:
  `NAME.TIMESTAMP.SIGNATURE` (itsdangerous `TimestampSigner`), the token's name and the
  sign-in time signed with a key only the server has (the token's stored hash, which no
  client ever sees). The value is no API credential (the API refuses it as a Bearer token),
  and it is `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's link or form
  sends it), `Secure` over HTTPS, limited to `/admin/` and to 8 hours, on the browser's side
  (Max-Age) and on ours (the signed time). On every request the token is looked up again,
  so revoking it (`flask tokens revoke NAME`) ends every such session at once; an expired,
  altered or foreign cookie is 401 with the sign-in form saying so, and is removed.
  `POST /admin/subscribers/logout` removes the cookie.

A token in the query string is refused (400): URLs end up in access logs and browser
histories. Without a usable token the answer is 401 (`WWW-Authenticate: Bearer`) with the
sign-in form and a line saying why; a form posted from another origin is 403. Every answer
here is `Cache-Control: private, no-store`, `X-Robots-Tag: noindex`, and `/robots.txt`
disallows `/admin/` (feeds.sitemaps); no sitemap, index or OPML names the page.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Final
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, render_template, request
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from articles.tokens import TokenInfo, TokenStore
from feeds.api.auth import TOKENS_KEY
from feeds.query import CANONICAL_NUMBER
from feeds.subscribers_report import as_json, as_svg, audience
from feeds.urls import ADMIN_PREFIX, CSS_PATH, SUBSCRIBERS_PAGE_PATH, public_base_url

bp = Blueprint("subscribers_page", __name__, template_folder="templates")

COOKIE: Final = "feeds_admin"
SESSION_SECONDS: Final = 8 * 3600
SESSION_SALT: Final = "feeds.subscribers_page session"
REALM: Final = "newsroom-feeds subscribers"
NO_STORE: Final = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}
LOGOUT_PATH: Final = SUBSCRIBERS_PAGE_PATH + "/logout"
DEFAULT_DAYS: Final = 30
MAX_DAYS: Final = 3660


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _tokens() -> TokenStore:
    tokens: TokenStore = current_app.extensions[TOKENS_KEY]  # the API's (feeds.api)
    return tokens


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**NO_STORE, **(extra or {})}


def _bad_request(message: str) -> Response:
    return Response(f"400 Bad Request: {message}\n", 400, mimetype="text/plain", headers=_headers())


def _token_in_url() -> Response | None:
    """A 400 when the query string carries something named like a token."""
    for name in ("token", "access_token", "bearer"):
        if name in request.args:
            return _bad_request(
                f"a token in the URL ({name}=...) is refused, since URLs are logged; send "
                "Authorization: Bearer <token>, or sign in with the form at "
                f"{_context()['page_url']}"
            )
    return None


def _days() -> int | Response:
    raw = request.args.get("days", str(DEFAULT_DAYS))
    if not CANONICAL_NUMBER.fullmatch(raw) or len(raw) > 6 or not 1 <= int(raw) <= MAX_DAYS:
        return _bad_request(f"days={raw[:20]!r}: give a whole number of days from 1 to {MAX_DAYS}")
    return int(raw)


def _presented() -> tuple[str, str] | None:
    """(credential, where) the request presents: the Authorization header's token first,
    then the cookie's session."""
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip(), "header"
    cookie = request.cookies.get(COOKIE, "")
    if cookie:
        return cookie, "cookie"
    return None


class _Signer(TimestampSigner):
    """itsdangerous' signer on the app's clock (seconds since the epoch, UTC)."""

    def get_timestamp(self) -> int:
        return int(current_app.extensions["feeds.clock"]().timestamp())


def _signer(token_hash: str) -> _Signer:
    # The key is the token's stored hash: server-side only, and gone with the token.
    return _Signer(token_hash, salt=SESSION_SALT)


def _new_session(name: str) -> str:
    """The cookie value for a session of the token `name`: `NAME.TIMESTAMP.SIGNATURE`."""
    found = _tokens().active(name)
    if found is None:  # revoked between the check and now
        raise LookupError(name)
    return _signer(found[1]).sign(name).decode("ascii")


_EXPIRED: Final = (
    f"Your sign-in has expired (a session lasts {SESSION_SECONDS // 3600} hours); "
    "sign in again with your token."
)
_TAMPERED: Final = (
    "The session cookie is not valid (altered, or not made by this site); sign in again "
    "with your token."
)


def _session(value: str) -> TokenInfo | str:
    """The active token a session cookie stands for, else the message saying why not."""
    name, dot, _ = value.rpartition(".")
    name, dot2, _ = name.rpartition(".")
    if not dot or not dot2 or not name or len(value) > 400:
        return _TAMPERED
    found = _tokens().active(name)
    if found is None:
        return _INVALID
    info, key = found
    try:
        _signer(key).unsign(value, max_age=SESSION_SECONDS)
    except SignatureExpired:
        return _EXPIRED
    except BadSignature:
        return _TAMPERED
    request.environ["REMOTE_USER"] = info.name
    return info


_INVALID: Final = (
    "The token is unknown or revoked; sign in with an active one "
    "(flask tokens list shows them, flask tokens create NAME makes one)."
)


def _challenge(message: str, status: int = 401, *, clear_cookie: bool = False) -> Response:
    """The sign-in page with `message`: 401 with a Bearer challenge (or `status`)."""
    headers = _headers()
    if status == 401:
        # RFC 6750 3.1: invalid_token only when a token was presented and refused.
        error = ', error="invalid_token"' if message == _INVALID else ""
        headers["WWW-Authenticate"] = f'Bearer realm="{REALM}"{error}'
    if _wants_json():
        body = json.dumps({"error": message, "status": status}) + "\n"
        response = Response(body, status=status, mimetype="application/json", headers=headers)
    else:
        html = render_template(
            "subscribers_login.html", message=message, **_context(), status=status
        )
        response = Response(html, status=status, mimetype="text/html", headers=headers)
    if clear_cookie:
        _clear_cookie(response)
    return response


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes["application/json"] > 0


def _context() -> dict[str, Any]:
    base = public_base_url(current_app.extensions["feeds.config"])
    return {
        "site": current_app.extensions["feeds.config"],
        "base": base,
        "css_url": base + CSS_PATH,
        "page_url": base + SUBSCRIBERS_PAGE_PATH,
        "logout_url": base + LOGOUT_PATH,
    }


def _cookie_path() -> str:
    return (request.script_root or "") + ADMIN_PREFIX


def _secure() -> bool:
    site_url = current_app.extensions["feeds.config"].site_url
    return request.is_secure or site_url.startswith("https:")


def _clear_cookie(response: Response) -> None:
    response.delete_cookie(
        COOKIE, path=_cookie_path(), secure=_secure(), httponly=True, samesite="Strict"
    )


def _authenticate(token: str) -> TokenInfo | None:
    info = _tokens().authenticate(token)
    if info is not None:
        request.environ["REMOTE_USER"] = info.name  # the access log names the token, not it
    return info


def _same_origin() -> bool:
    """A form post from this site: no Origin (older browsers, curl) or the same host."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == request.host


@bp.get(SUBSCRIBERS_PAGE_PATH)
def subscribers_page() -> Response:
    """The numbers for a valid token, else the sign-in form (401)."""
    refused = _token_in_url()
    if refused is not None:
        return refused
    days = _days()
    if isinstance(days, Response):
        return days
    presented = _presented()
    if presented is None:
        return _challenge(
            "Sign in with a publishing API token (flask tokens create NAME --scope read), "
            "or send Authorization: Bearer <token>."
        )
    credential, where = presented
    if where == "cookie":
        found = _session(credential)
        if isinstance(found, str):
            return _challenge(found, clear_cookie=True)
        info = found
    else:
        token = _authenticate(credential)
        if token is None:
            return _challenge(_INVALID)
        info = token
    app = current_app
    counter = app.extensions.get("feeds.subscribers")
    if counter is not None:
        counter.flush()  # this process's waiting counts; other workers' within their interval
    today = app.extensions["feeds.clock"]().date()
    feeds = audience(app.extensions["feeds.store"].engine, today, days)
    numbers = as_json(feeds, today, days)
    if _wants_json():
        body = json.dumps(numbers, indent=2) + "\n"
        return Response(body, mimetype="application/json", headers=_headers())
    html = render_template(
        "subscribers.html",
        numbers=numbers,
        chart=as_svg(feeds, today, days),
        days=days,
        token_name=info.name,
        signed_in=where == "cookie",
        **_context(),
    )
    return Response(html, mimetype="text/html", headers=_headers())


@bp.post(SUBSCRIBERS_PAGE_PATH)
def sign_in() -> Response:
    """The form's POST: a valid token sets the session cookie and leads back to the page."""
    refused = _token_in_url()
    if refused is not None:
        return refused
    if not _same_origin():
        return _challenge("This form only accepts posts from this site's own pages.", 403)
    token = (request.form.get("token") or "").strip()
    if not token:
        return _challenge("Paste a publishing API token into the form to sign in.")
    info = _authenticate(token)
    if info is None:
        return _challenge(_INVALID, clear_cookie=True)
    try:
        session = _new_session(info.name)
    except LookupError:
        return _challenge(_INVALID, clear_cookie=True)
    response = Response(
        "signed in: see the subscriber counts\n",
        status=303,
        mimetype="text/plain",
        headers=_headers({"Location": _context()["page_url"]}),
    )
    response.set_cookie(
        COOKIE,
        session,
        max_age=int(timedelta(seconds=SESSION_SECONDS).total_seconds()),
        path=_cookie_path(),
        secure=_secure(),
        httponly=True,
        samesite="Strict",
    )
    return response


@bp.post(LOGOUT_PATH)
def sign_out() -> Response:
    """Remove the session cookie (the token itself stays valid until revoked)."""
    if not _same_origin():
        return _challenge("This form only accepts posts from this site's own pages.", 403)
    response = Response(
        "signed out\n",
        status=303,
        mimetype="text/plain",
        headers=_headers({"Location": _context()["page_url"]}),
    )
    _clear_cookie(response)
    return response
