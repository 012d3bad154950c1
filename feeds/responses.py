"""The answer to a GET of a text document the app serves: content coding, ETag per coding,
`Vary`, the preconditions in RFC 9110's order (412, 304), the 406 of a refused coding, and the
rendered bytes from the render cache (`feeds.cache`); with the `Cache-Control` policies of
public documents (`cache_policy`, `undated_cache_control`).

Feeds, their previews (`feeds.http`), pages (`feeds.pages`), sitemaps (`feeds.sitemaps`) and
static files all answer through `document_response`. See docs/http.md for the header rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Response, current_app, request
from werkzeug.datastructures import Headers
from werkzeug.http import http_date

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

from feeds.cache import RenderCache
from feeds.config import SiteConfig
from feeds.error_answers import error_response
from feeds.etag import NOT_MODIFIED, PRECONDITION_FAILED, precondition_status, quoted
from feeds.negotiation import (
    NO_CODING_MESSAGE,
    UNCOMPRESSED_ONLY_MESSAGE,
    choose_encoding,
    identity_acceptable,
    with_vary,
)


class NotModified(Response):
    """A 304 that keeps Last-Modified.

    Werkzeug strips it with the other representation headers; RFC 9110 15.4.5 allows it, and
    readers that validate only with If-Modified-Since need it to keep their copy's date.
    """

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        headers = super().get_wsgi_headers(environ)
        modified = self.headers.get("Last-Modified")
        if modified is not None and "Last-Modified" not in headers:
            headers["Last-Modified"] = modified
        return headers


def cache_policy(config: SiteConfig, max_age: int, until_change: float | None) -> tuple[int, str]:
    """(`max-age`, `Cache-Control`) of a public document kept `max_age` seconds at most that
    changes by the clock in `until_change` seconds (an embargo ending), or None.

    `stale-while-revalidate` and `stale-if-error` follow (RFC 5861), each only when the
    change is no sooner than the end of the staleness it allows: a cache may serve a stale
    copy that many seconds past `max-age` (section 3; section 4 when the origin fails), and
    must not show the version before the change after its time. A document the clock will
    change is kept no longer than that.
    """
    if until_change is not None:
        max_age = max(0, min(max_age, int(until_change)))
    value = f"public, max-age={max_age}"
    for name, seconds in (
        ("stale-while-revalidate", config.stale_while_revalidate),
        ("stale-if-error", config.stale_if_error),
    ):
        if until_change is None or until_change >= max_age + seconds:
            value += f", {name}={seconds}"
    return max_age, value


def undated_cache_control(value: str) -> str:
    """The `Cache-Control` of a public answer sent without `Last-Modified` (its latest change
    is too recent to date: `feeds.etag.settled_last_modified`): `s-maxage=0` added, so a
    shared cache does not keep it.

    A cache keeps the headers of the answer it stored: nginx revalidates an expired copy
    with its ETag and, on the app's 304, serves the stored headers again, so a copy stored
    in the second after a write stayed undated for as long as the document did not change,
    and every reader polling with `If-Modified-Since` got the whole document. With
    `s-maxage=0` nginx stores nothing (a cache that does store it must revalidate at each
    use, and takes the date from the 304, RFC 9111 4.3.4); the next answer, dated, is
    stored. Browsers and readers keep their `max-age`: their copy is validated by its ETag.
    """
    directives = [part.strip() for part in value.split(",")]
    if "public" not in directives or any(d.startswith("s-maxage=") for d in directives):
        return value
    return f"{value}, s-maxage=0"


def document_response(
    *,
    opaque: str,
    render: Callable[[], bytes],
    media_type: str,
    headers: Mapping[str, str],
    modified: datetime | None = None,
    now: datetime | None = None,
    cache: RenderCache | None = None,
    answered: Callable[[bytes | None, dict[str, str], dict[str, str]], None] | None = None,
    compressible: bool = True,
) -> Response:
    """The answer to a GET of one text document the app serves: feeds, their preview pages,
    the index, facet and article pages, OPML, sitemaps, robots.txt and the static files.

    `opaque` is the document's ETag without quotes or coding suffix (it names every byte of
    it), `render()` makes its bytes on a miss of the render cache (`cache`, default the app's
    `feeds.cache`), `headers` its own (Cache-Control, Vary, ...), `modified` its Last-Modified
    (whole seconds, UTC; None: none sent), `now` the request's time. The content coding is
    chosen from `Accept-Encoding` with q-values (`choose_encoding`), `Vary` names
    `Accept-Encoding`, each coding has its own strong ETag (`feeds.etag.quoted`: `"x"`,
    `"x-gz"`, `"x-br"`), and the preconditions are weighed in RFC 9110's order
    (`feeds.etag.precondition_status`): If-Match or If-Unmodified-Since failing gives 412, and
    If-None-Match holding the tag of any coding, or else If-Modified-Since not before
    `modified`, a 304 without rendering. The body is
    compressed once per document and process and kept beside the identity bytes
    (`RenderCache.variant`), so the static export, which writes `feeds.cache.compress` of the
    identity bytes, holds the same bytes. `answered(body, headers_of_304, headers_of_200)` is
    told the outcome (body None for a 304), for the response memo. A document that is not
    `compressible` (an image) is sent only as it is, under the same rule (RFC 9110 12.5.3):
    a header that refuses identity gets the 406 (`_no_acceptable_coding`), whatever coding it
    names, so it too varies on `Accept-Encoding`.
    """
    accept_encoding = request.headers.get("Accept-Encoding", "")
    coding = choose_encoding(accept_encoding) if compressible else None
    bare: dict[str, str] = {"ETag": quoted(opaque, coding), **headers}
    # Even a document sent only as it is depends on Accept-Encoding: refused, it is a 406.
    bare["Vary"] = with_vary(headers.get("Vary", ""), "Accept-Encoding")
    if modified is not None:
        bare["Last-Modified"] = http_date(modified)
    elif "Cache-Control" in bare:
        bare["Cache-Control"] = undated_cache_control(bare["Cache-Control"])
    outcome = precondition_status(
        request.headers.get("If-Match"),
        request.headers.get("If-Unmodified-Since"),
        request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"),
        opaque,
        modified,
        now,
    )
    if outcome == PRECONDITION_FAILED:
        return precondition_failed(bare)
    if outcome == NOT_MODIFIED:
        if answered is not None:
            answered(None, bare, bare)
        return NotModified(status=304, headers=bare)
    if coding is None and not identity_acceptable(accept_encoding):
        return _no_acceptable_coding(bare, compressible)
    if cache is None:
        cache = current_app.extensions["feeds.cache"]
    entry = cache.get_or_render(opaque, render)
    data = entry.body
    full = dict(bare)
    if coding is not None:
        data = cache.variant(opaque, entry, coding)
        full["Content-Encoding"] = coding
    full["Content-Type"] = media_type
    if answered is not None:
        answered(data, bare, full)
    return Response(data, status=200, headers=full)


def _no_acceptable_coding(headers: Mapping[str, str], compressible: bool = True) -> Response:
    """406 when Accept-Encoding refuses identity (`identity;q=0`, `*;q=0`) and names no coding
    the document is sent in (RFC 9110 12.5.3): it said the uncompressed body is not
    acceptable. A document sent only as it is (an image, not `compressible`) has no coding at
    all, so `gzip, identity;q=0` refuses it too (it used to get the uncompressed body)."""
    return error_response(
        406,
        NO_CODING_MESSAGE if compressible else UNCOMPRESSED_ONLY_MESSAGE,
        headers={"Vary": headers.get("Vary", "Accept-Encoding")},
    )


def precondition_failed(headers: Mapping[str, str]) -> Response:
    """412 (RFC 9110 15.5.13) for a GET whose If-Match or If-Unmodified-Since fails: the
    document's validators go with it, so the client can tell what it holds is not current."""
    kept = {name: headers[name] for name in ("ETag", "Last-Modified", "Vary") if name in headers}
    return error_response(
        412,
        "precondition failed: this document's current ETag and Last-Modified are in the "
        "headers; drop If-Match and If-Unmodified-Since to get it",
        headers=kept,
    )
