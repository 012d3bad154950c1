"""An absolute-form request target (RFC 9112 3.2.2): `GET http://feeds.example.org/x` names
its host, and the server must use it and ignore Host. Where the server passes the target
(RAW_URI: gunicorn; REQUEST_URI: Werkzeug's server, uWSGI, mod_wsgi), every link written
from the request names the target's host, and a target whose authority cannot be a host gets
the 400 a bad Host gets. (Granian passes no target: there the Host header decides.)"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from feeds.request_line import target_authority


def serve(app: Flask, key: str, target: str, host: str) -> tuple[str, bytes]:
    environ = EnvironBuilder(path="/feeds/all.atom", headers={"Host": host}).get_environ()
    environ.pop("REQUEST_URI", None)
    environ.pop("RAW_URI", None)
    environ[key] = target  # as the server passes the request line's target
    body, status, _ = run_wsgi_app(app.wsgi_app, environ)
    return status, b"".join(body)


@pytest.mark.parametrize("key", ["RAW_URI", "REQUEST_URI"])
@pytest.mark.parametrize("authority", ["feeds.example.org", "feeds.example.org:8080"])
def test_the_targets_host_wins_over_host(
    make_app: Callable[..., Flask], key: str, authority: str
) -> None:
    app = make_app()  # no site_url: links are written from the request
    status, body = serve(app, key, f"http://{authority}/feeds/all.atom", "other.example")
    assert status.startswith("200")
    self_links = re.findall(rb'<link href="([^"]*)" rel="self"', body)
    assert self_links == [f"http://{authority}/feeds/all.atom".encode()]
    assert b"other.example" not in body


@pytest.mark.parametrize("authority", ["bad host", "", "user@feeds.example.org", "x.org:0"])
def test_a_target_authority_no_host_can_be_is_the_bad_host_400(
    make_app: Callable[..., Flask], authority: str
) -> None:
    app = make_app()
    status, body = serve(app, "RAW_URI", f"http://{authority}/feeds/all.atom", "ok.example")
    bad_host, bad_body = serve(app, "RAW_URI", "/feeds/all.atom", authority or "a b")
    assert status.startswith("400") and bad_host.startswith("400")
    assert body == bad_body
    assert b"not a valid host name" in body


@pytest.mark.parametrize(
    ("target", "authority"),
    [
        ("http://a.example/x?y", "a.example"),
        ("HTTPS://a.example:8443", "a.example:8443"),
        ("http://a.example?q", "a.example"),
        ("/feeds/all.atom", None),
        ("//a.example/x", None),
        ("*", None),
        ("ftp://a.example/x", None),
        ("a.example:443", None),  # authority-form (CONNECT) names no host of this site
    ],
)
def test_target_authority(target: str, authority: str | None) -> None:
    assert target_authority({"RAW_URI": target}) == authority
