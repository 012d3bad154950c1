"""The server's floor: the app's own answers replayed from memory with no app code at all.

`bench/http_bench.py --floor` starts this under the same Granian command as the app (`app`, the
WSGI interface) and under Granian's RSGI interface (`rsgi_app`). It answers every request with
the bytes and headers the real app gave for the benchmark's feed, read at start from the files
named by FLOOR_DIR (`body`, `body.gz`, `headers.json`): 304 when If-None-Match is exactly the
ETag, the gzip bytes when Accept-Encoding names gzip, else the identity bytes. No access log,
no memo, no Flask: the difference between the app and this is what the app's own code costs
on a request, and the difference between this and nginx is what the server costs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

_DIR = Path(os.environ.get("FLOOR_DIR", "."))


def _load() -> tuple[bytes, bytes, dict[str, Any]]:
    try:
        body = (_DIR / "body").read_bytes()
        gz = (_DIR / "body.gz").read_bytes()
        meta: dict[str, Any] = json.loads((_DIR / "headers.json").read_text(encoding="utf-8"))
    except OSError:  # imported outside a benchmark run (a linter, a test): answer nothing
        return b"", b"", {"identity": [], "gzip": [], "not_modified": [], "etag": ""}
    return body, gz, meta


BODY, GZIP_BODY, META = _load()
ETAG: str = META["etag"]
IDENTITY = [(k, v) for k, v in META["identity"]] + [("Content-Length", str(len(BODY)))]
GZIP = [(k, v) for k, v in META["gzip"]] + [("Content-Length", str(len(GZIP_BODY)))]
NOT_MODIFIED = [(k, v) for k, v in META["not_modified"]]


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    if environ.get("HTTP_IF_NONE_MATCH") == ETAG:
        start_response("304 Not Modified", NOT_MODIFIED)
        return []
    if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
        start_response("200 OK", GZIP)
        return [GZIP_BODY]
    start_response("200 OK", IDENTITY)
    return [BODY]


class _RSGI:
    """The same answers through Granian's RSGI interface (`response_bytes`, `response_empty`)."""

    def __init__(self) -> None:
        # RSGI sets Content-Length itself.
        self.identity = [(k, v) for k, v in IDENTITY if k != "Content-Length"]
        self.gzip = [(k, v) for k, v in GZIP if k != "Content-Length"]

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        headers = scope.headers
        if headers.get("if-none-match") == ETAG:
            protocol.response_empty(304, NOT_MODIFIED)
        elif "gzip" in headers.get("accept-encoding", ""):
            protocol.response_bytes(200, self.gzip, GZIP_BODY)
        else:
            protocol.response_bytes(200, self.identity, BODY)


rsgi_app = _RSGI()
