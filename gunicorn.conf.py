"""Production settings for gunicorn: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment (listed beside it), so a platform can tune the
server without editing this file. See docs/http.md for the measurements behind the defaults.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"gunicorn.conf.py: {name} must be a whole number, got {raw!r}") from None


# PORT is what most platforms set; GUNICORN_BIND overrides the whole address.
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"

# Processes: the usual 2 x cores + 1. Each opens its own database pool after the fork
# (preload off), so no connection is shared between processes.
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
preload_app = False

# Threads per worker: feed requests are short and mostly wait on the database or the socket
# (large documents to slow readers), where a thread pool keeps the process busy.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 4)

# Readers poll with keep-alive connections; a short keep-alive frees threads for others.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# Feed URLs are short: refuse absurd request lines and headers early (414 / 400).
limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 4094)
limit_request_field_size = _int("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 8190)

# X-Forwarded-* is handled by the app (ProxyFix, FEEDS_TRUST_PROXY_HOPS) alone, so gunicorn
# must not also turn X-Forwarded-Proto from a local client into https on its own.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")

# Access log and errors to stdout/stderr, where containers and systemd collect them; the
# access line ends with the response time in milliseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(B)s "%(a)s" %(M)sms'
# The request line and referrer are logged with credentials in URLs redacted (feeds.redact).
logger_class = "feeds.gunicorn_log.GunicornLogger"
