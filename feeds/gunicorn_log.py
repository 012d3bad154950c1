"""gunicorn's access log without credentials: `logger_class` in gunicorn.conf.py.

gunicorn writes the request line as the client sent it (`%(r)s`), query string and all, so a
token a client put in the URL (`?access_token=nfa_...`) would be logged; this logger passes
the request line, path, query and referrer through feeds.redact first. Imported only by
gunicorn (the app does not need gunicorn).
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from feeds.redact import REDACTED, redact_query, redact_url

__all__ = ["GunicornLogger"]


class GunicornLogger(Logger):  # type: ignore[misc]
    """gunicorn's Logger with credentials in logged URLs replaced by REDACTED."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if not isinstance(value, str):
                continue
            if name == "r":  # "GET /path?query HTTP/1.1"
                method, _, rest = value.partition(" ")
                target, space, protocol = rest.rpartition(" ")
                if space:
                    atoms[name] = f"{method} {redact_url(target)} {protocol}"
            elif name in ("q", "{query_string}e"):
                atoms[name] = redact_query(value)
            elif name in _SECRET_HEADERS:
                atoms[name] = REDACTED
            elif "?" in value or "@" in value:  # a URL: the raw URI, the referrer
                atoms[name] = redact_url(value)
        return atoms


# Request headers that are credentials whole, should a log format name them.
_SECRET_HEADERS = frozenset({"{authorization}i", "{cookie}i", "{proxy-authorization}i"})
