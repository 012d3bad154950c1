"""Every `Allow` the app sends names its methods in one order, the same in every process, and
`OPTIONS` on a document says its methods in a plain-text line.

Found: Werkzeug builds a route's methods as a set, whose order follows the process's string
hashes, so two processes of one deployment answered `OPTIONS /feeds/all.atom` with
`Allow: GET, OPTIONS, HEAD` and `Allow: OPTIONS, GET, HEAD`; OPTIONS on a document answered an
empty `text/html` body.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from feeds.request_line import METHOD_ORDER, in_method_order

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("/feeds/all.atom", "/", "/feeds.opml", "/robots.txt", "/healthz", "/section/world")

# Run in a fresh interpreter per hash seed: the order of a set of method names is fixed within
# one process, so only processes with different seeds can disagree.
PROBE = """
import json, sys
from wsgi import app
client = app.test_client()
seen = {}
for path in sys.argv[1:]:
    options = client.open(path, method="OPTIONS")
    refused = client.post(path)
    seen[path] = [options.status_code, options.headers.get("Allow"), options.mimetype,
                  options.get_data(as_text=True), refused.status_code,
                  refused.headers.get("Allow")]
print(json.dumps(seen))
"""


def _answers(seed: int, tmp_path: Path) -> dict[str, list[object]]:
    env = {
        **os.environ,
        "PYTHONHASHSEED": str(seed),
        "FEEDS_DATABASE_URL": f"sqlite:///{tmp_path / f'seed-{seed}.db'}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *PATHS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answers: dict[str, list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return answers


def test_allow_is_in_one_order_in_every_process(tmp_path: Path) -> None:
    by_seed = {seed: _answers(seed, tmp_path) for seed in (0, 1, 2, 3, 4, 5)}
    for path in PATHS:
        for seed, answers in by_seed.items():
            status, allow, mimetype, body, refused, refused_allow = answers[path]
            assert status == 200, (seed, path)
            assert isinstance(allow, str)
            methods = allow.split(", ")
            assert methods == in_method_order(methods), (seed, path, allow)
            assert refused == 405 and refused_allow == allow, (seed, path, refused_allow)
            assert mimetype == "text/plain" and body == f"this document answers {allow}\n"
        assert len({answers[path][1] for answers in by_seed.values()}) == 1, path


def test_method_order_puts_known_methods_first() -> None:
    assert in_method_order(["DELETE", "OPTIONS", "GET", "BREW", "HEAD", "ACL"]) == [
        "GET",
        "HEAD",
        "OPTIONS",
        "DELETE",
        "ACL",
        "BREW",
    ]
    assert in_method_order(reversed(METHOD_ORDER)) == list(METHOD_ORDER)
