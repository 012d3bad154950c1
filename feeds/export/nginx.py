"""The nginx configuration that serves an export as the app would.

`nginx_config(includes, types, directory, prefix, site_url)` writes `map`s from each request
URI to its file, ETag, `Cache-Control`, `Vary` and `Last-Modified` as the app sends them (their
lines in the shard files of `feeds.export.maps`, which the maps include), a redirect of a tag
or author feed named by its label to its slug's (`label_maps`), and a
`server` block that serves the files: the coding from `Accept-Encoding` (Brotli first, a
coding with `q=0` refused; none for a document the app sends only as it is, the sample
images), the ETag with the app's `-gz`/`-br` suffix per coding,
conditional requests answered as the app answers them (`feeds.export.conditional`), the
app's 410 Gone where it has one (a deleted article's page, a gone feed), and the app's 404
(its form and caching) for anything else.

A feed URL without a format (`/feeds/all`, `/feeds/section/asia?page=2`,
`/feeds/all/archive/2025-07`) is served as the app serves it: the format is chosen from
`Accept` (`map $http_accept $feeds_format`), the document of that format is served with a
`Content-Location` naming it, and a header that names no offered type gets the app's 406. The
map holds the app's own answer (`feeds.negotiation.negotiate`) for each header in `COMMON_ACCEPT`,
and for any other header rules that give the app's answer whenever the header gives no
q-value below 1 to the offered types it names; see docs/export.md. These maps, and those of
the content coding from `Accept-Encoding`, are made by `feeds.export.accept`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from feeds.export.accept import (
    COMMON_ACCEPT,
    COMMON_ACCEPT_ENCODING,
    NO_CODING,
    NO_CODING_JSON,
    NO_CODING_MESSAGE,
    NO_CODING_TEXT,
    SIMPLE_ACCEPT,
    SIMPLE_ACCEPT_ENCODING,
    UNCOMPRESSED_ONLY_TEXT,
    UNSURE,
    accept_encoding_maps,
    accept_map,
    browser_map,
)
from feeds.export.conditional import (
    NOT_MODIFIED_MARK,
    NOT_MODIFIED_SINCE,
    PRECONDITION_FAILED_MESSAGE,
    if_match_map,
    if_modified_since_maps,
    inm_map,
    loopback_socket,
    not_modified_maps,
    preconditions_map,
)
from feeds.export.files import type_key
from feeds.export.gone import gone_location, gone_maps
from feeds.export.maps import DOCUMENT_MAPS, LABEL_MAP, MAP_KEYS, literal_regex, quote
from feeds.negotiation import BROWSER_XML_TYPE
from feeds.redirects import CONVENTIONAL_MAX_AGE, redirect_text
from feeds.urls import FEEDS_PREFIX, FORMATS, SEGMENT_BY_KIND
from feeds.writers import MEDIA_TYPES

# The negotiation maps' names (`feeds.export.accept`) stay importable from here.
__all__ = [
    "COMMON_ACCEPT",
    "COMMON_ACCEPT_ENCODING",
    "DEFAULT_LISTEN",
    "NO_CODING",
    "NO_CODING_JSON",
    "NO_CODING_MESSAGE",
    "NO_CODING_TEXT",
    "SIMPLE_ACCEPT",
    "SIMPLE_ACCEPT_ENCODING",
    "UNSURE",
    "accept_encoding_maps",
    "accept_map",
    "browser_map",
    "error_bodies",
    "label_maps",
    "listen_problem",
    "map_hash_settings",
    "nginx_config",
    "upstream_problem",
]

_OFFERED_NAME: Final = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}


DEFAULT_LISTEN: Final = "127.0.0.1:8080"

# What the config writes as one directive's arguments: nothing that ends it (`;`), opens or
# closes a block, quotes, escapes, starts a comment or names a variable.
_UNSAFE: Final = re.compile(r"""[;{}"'\\$#]|[^\x21-\x7e]""")
_LISTEN_ADDRESS: Final = re.compile(
    r"(?:(?P<host>\*|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):)?"
    r"(?P<port>[0-9]{1,5})|(?P<bare>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r"|unix:/\S+"
)
# nginx's listen parameters (ngx_http_core_module), the flags and those taking `=value`.
_LISTEN_FLAGS: Final = frozenset(
    [
        "default_server",
        "default",
        "ssl",
        "http2",
        "quic",
        "proxy_protocol",
        "deferred",
        "bind",
        "reuseport",
    ]
)
_LISTEN_VALUED: Final = frozenset(
    [
        "setfib",
        "fastopen",
        "backlog",
        "rcvbuf",
        "sndbuf",
        "accept_filter",
        "ipv6only",
        "so_keepalive",
    ]
)
_LISTEN_FORMS: Final = (
    "a port (80), host:port (127.0.0.1:8080, [::]:80) or unix:/path, then nginx's listen "
    "parameters (ssl, default_server, ...), separated by spaces"
)


def listen_problem(listen: str) -> str | None:
    """What is wrong with `listen` as the argument of the config's `listen` directive, or None.

    The value is written into the config as it is, so one nginx would refuse (or that would
    end the directive and start another) is refused when the export starts, not when nginx
    next reads the config.
    """
    words = listen.split(" ")
    if not listen.strip() or "" in words:
        return f"give {_LISTEN_FORMS}; got {listen!r}"
    for word in words:
        if bad := _UNSAFE.search(word):
            return (
                f"{bad.group()!r} cannot stand in nginx's listen (the config ends the "
                f"directive itself); give {_LISTEN_FORMS}; got {listen!r}"
            )
    address = _LISTEN_ADDRESS.fullmatch(words[0])
    if address is None:
        return f"{words[0]!r} is no address nginx listens on: give {_LISTEN_FORMS}"
    if address.group("port") is not None and not 1 <= int(address.group("port")) <= 65535:
        return f"port {address.group('port')} is not 1 to 65535"
    for word in words[1:]:
        name, equals, value = word.partition("=")
        if not (name in _LISTEN_FLAGS and not equals or name in _LISTEN_VALUED and value):
            return (
                f"{word!r} is not one of nginx's listen parameters ("
                + ", ".join(sorted(_LISTEN_FLAGS) + [f"{n}=..." for n in sorted(_LISTEN_VALUED)])
                + ")"
            )
    return None


def upstream_problem(upstream: str) -> str | None:
    """What is wrong with `upstream` as the app's address for `proxy_pass`, or None.

    The config forwards to it from a named location, where nginx takes a scheme, a host (or
    `unix:/path`) and a port, but no path.
    """
    example = "give the app's scheme, host and port only, such as http://127.0.0.1:8000"
    if bad := _UNSAFE.search(upstream):
        return f"{bad.group()!r} cannot stand in an address; {example}; got {upstream!r}"
    parts = urlsplit(upstream)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"not an http:// or https:// URL: {example}; got {upstream!r}"
    if parts.netloc == "unix:":
        return (
            None
            if parts.path.startswith("/") and not parts.query + parts.fragment
            else (f"a unix socket is written http://unix:/path/to/app.sock; got {upstream!r}")
        )
    try:
        parts.port  # noqa: B018 - raises for a port that is no number or out of range
    except ValueError:
        return f"its port is not a number from 1 to 65535: {example}; got {upstream!r}"
    if "@" in parts.netloc or not parts.hostname:
        return f"{example}; got {upstream!r}"
    if parts.path.rstrip("/") or parts.query or parts.fragment or upstream.endswith("?"):
        return (
            "nginx forwards to the app from a named location, where proxy_pass takes no "
            f"path or query: {example}; got {upstream!r}"
        )
    return None


def error_bodies(message: str, status: int) -> tuple[str, str]:
    """The app's error body for `message` (`feeds.error_answers.error_response`) as text and as the
    JSON it answers on a `.json` feed URL, each written for an nginx double-quoted `return`
    text (escaped, a newline as `\\n`, a `$` as `${dollar}`)."""
    as_json = json.dumps({"error": message, "status": status}, ensure_ascii=False)
    text, json_body = (quote(body + "\n")[1:-1].replace("\n", "\\n") for body in (message, as_json))
    return text, json_body


def map_hash_settings(longest_key: int, most_keys: int) -> str:
    """`map_hash_bucket_size` and `map_hash_max_size` for maps whose longest exact key has
    `longest_key` bytes and whose largest map has `most_keys` keys, so the config starts with
    nginx's defaults for everything else and needs nothing set by hand.

    A hash bucket must hold one key (`NGX_HASH_ELT_SIZE`: a pointer, then the key and its
    2-byte length rounded up to a pointer's size) and the closing pointer; nginx's default is
    its cache line (64 bytes: keys up to 46 bytes), too small for the `Accept` table and long
    article URIs. Both are powers of two, so a config changes only when a key or a map grows
    past one; the maximum size leaves room for nginx's search of a size that fits.
    """
    element = 8 + (longest_key + 2 + 7) // 8 * 8
    bucket = 128
    while bucket < element + 8:
        bucket *= 2
    size = 2048
    while size < 8 * most_keys:
        size *= 2
    return f"map_hash_bucket_size {bucket};\nmap_hash_max_size {size};"


def nginx_config(
    includes: Mapping[str, Sequence[Path]],
    types: Collection[tuple[str, str]],
    directory: Path,
    prefix: str,
    site_url: str,
    upstream: str | None = None,
    listen: str = DEFAULT_LISTEN,
    key_sizes: tuple[int, int] = (0, 0),
) -> str:
    """maps (request URI -> file, ETag, headers) and a server block that serves DIR as the app
    would. The per-document maps (`feeds.export.maps.DOCUMENT_MAPS`) include, in order, the
    files `includes` names for each (`feeds.export.maps.DocumentMaps`); `types` are the
    (content type, file-name key) pairs of the documents.

    Include it in nginx's `http` block before any other `map` (it sets the map hash's sizes,
    `map_hash_settings`, from `key_sizes`: the longest key in bytes, the most keys of one
    map, `DocumentMaps.key_sizes`); `listen` is the server block's address
    (`127.0.0.1:8080`, `80`, `[::]:443 ssl`: anything nginx's `listen` takes).

    Conditional GET as the app answers it (`feeds.etag.precondition_status`): `If-None-Match`
    decides when present (a list, `W/` tags, `*`, the tag of any coding; `inm_map`); otherwise
    `If-Modified-Since`, compared by nginx with the file's modification time, which the export
    sets to the document's Last-Modified (`if_modified_since before`: a date equal or later
    gets 304); a document sent without Last-Modified is served from a location with
    `if_modified_since off`, so the date is ignored there as the app ignores it.

    `prefix` is the path of `site_url` ("" or "/ko"): the URIs nginx sees include it.
    `upstream` ("http://127.0.0.1:8000"), when given, is where the app answers: a feed URL
    asked with an Accept header nginx cannot weigh (`UNSURE`) is forwarded to it; without
    one, such a request gets the app's default format, Atom (with `Vary: Accept`).
    """
    types = sorted(types)
    loopback = loopback_socket(directory, listen)
    site = urlsplit(site_url)
    origin = f"{site.scheme}://{site.netloc}"

    def mapping(name: str) -> str:
        lines = [f"map {MAP_KEYS.get(name, '$feeds_key')} ${name} {{", '    default "";']
        lines += [f"    include {quote(str(file), variables=False)};" for file in includes[name]]
        lines.append("}")
        return "\n".join(lines)

    feeds = prefix + FEEDS_PREFIX
    # The app's permanent_redirect: its Location and body.
    moved = f"{site_url.rstrip('/')}{FEEDS_PREFIX}$feeds_label_slug$feeds_label_rest$is_args$args"
    moved_text = redirect_text(moved, feed=True).replace("\n", "\\n")  # a feed's wording
    # A feed URL whose last segment has no format extension: the format comes from Accept.
    negotiated = f"~^({literal_regex(feeds)}(?:[^?]*/)?[^/?.]+)(\\?.*)?$"
    # ... and the live feed it belongs to (what a 406 lists).
    negotiated_feed = f"~^({literal_regex(feeds)}[^?]*?)(?:/archive/[^/?]*)?(?:\\?.*)?$"
    not_acceptable = (
        "none of the formats in your Accept header is available; this feed is offered as\\n"
        + "".join(f"  {_OFFERED_NAME[f]}: {origin}$feeds_feed.{f}\\n" for f in FORMATS)
    )
    headers = [
        '        add_header ETag "\\"$feeds_etag$feeds_tag_suffix\\"";',
        "        add_header Cache-Control $feeds_cache_control;",
        "        add_header Vary $feeds_vary;",
        "        add_header Last-Modified $feeds_last_modified;",
        "        add_header Content-Encoding $feeds_content_encoding;",
        "        add_header Content-Location $feeds_content_location;",
    ]
    parts = [
        "# Generated by `flask feeds export`: serves the exported documents as the app would.",
        "# Include inside `http { }`; every value below comes from the app's own answers.",
        map_hash_settings(
            max(
                key_sizes[0],
                *(len(h.encode()) for h in COMMON_ACCEPT),
                *(len(h.encode()) + 1 for h in COMMON_ACCEPT_ENCODING),
            ),
            max(key_sizes[1], len(COMMON_ACCEPT)),
        ),
        'geo $dollar { default "$"; }',
        accept_map(),
        "\n".join(
            [
                # The format served: the app's, or its default where nginx cannot weigh Accept.
                "map $feeds_accept $feeds_format {",
                "    default $feeds_accept;",
                f'    {quote(UNSURE)} "atom";',
                "}",
                # Forwarded to the app (with an upstream): a feed URL with such an Accept.
                'map "$feeds_accept:$feeds_feed" $feeds_ask_app_accept {',
                '    default "";',
                f'    "~^{literal_regex(UNSURE)}:." {quote("1" if upstream else "")};',
                "}",
                # ... or any document with an Accept-Encoding nginx cannot weigh.
                'map "$feeds_ask_app_accept:$feeds_ae" $feeds_ask_app {',
                '    default "1";',
                '    "~^:(?!\\?$)" "";',
                "}",
            ]
        ),
        label_maps(includes.get(LABEL_MAP, ()), prefix),
        "\n".join(
            [
                "map $feeds_uri $feeds_key {",
                "    default $feeds_uri;",
                f'    "{negotiated}" "$1.$feeds_format$2";',
                "}",
                "map $request_uri $feeds_negotiated {",
                '    default "";',
                f'    "{negotiated}" "1";',
                "}",
                "map $request_uri $feeds_feed {",
                '    default "";',
                f'    "{negotiated_feed}" "$1";',
                "}",
                'map "$feeds_negotiated:$feeds_format" $feeds_not_acceptable {',
                '    default "";',
                '    "1:" "1";',
                "}",
                'map $feeds_negotiated $feeds_content_location { default ""; "1" '
                f'"{origin}$feeds_key"; }}',
            ]
        ),
        browser_map(),
        "\n".join(
            [
                'map "$feeds_for_browser:$feeds_type_key" $feeds_as_xml {',
                '    default "";',
                *(f'    "1:{type_key(MEDIA_TYPES[f])}" "1";' for f in FORMATS if f != "json"),
                "}",
            ]
        ),
        *(mapping(name) for name, _ in DOCUMENT_MAPS),
        inm_map(),
        if_match_map(),
        preconditions_map(),
        if_modified_since_maps(),
        not_modified_maps(loopback),
        # The form of the app's error answers on this URI (`feeds.error_answers.error_response`):
        # JSON at a `.json` feed URL, and at a feed URL without an extension when `Accept`
        # chooses JSON Feed; such an answer varies with `Accept`.
        'map "$feeds_accept:$uri" $feeds_error_form {',
        '    default "text";',
        f'    "~^[^:]*:{literal_regex(feeds)}.*\\.json$" "json";',
        f'    "~^json:{literal_regex(feeds)}(?:[^/]*/)*[^/.]*/?$" "json";',
        "}",
        'map $feeds_negotiated $feeds_error_vary { default ""; "1" "Accept"; }',
        # What the app answers 410 Gone: the file of its body (feeds.export.gone).
        gone_maps(literal_regex(feeds)),
        # Not exported, not gone: the app's 404, in its form.
        'map "$feeds_stem:$feeds_gone_file:$feeds_error_form" $feeds_missing {',
        '    default "";',
        '    "::json" "json";',
        '    "::text" "text";',
        "}",
        "\n".join(
            [
                # Served from an internal location: as generic XML (a browser), and with
                # If-Modified-Since ignored (if_modified_since off) where the app ignores it:
                # a document without Last-Modified, a date that is not one
                # (if_modified_since_maps). The Last-Modified date holds colons: it goes last.
                'map "$feeds_as_xml:$feeds_ims_ignored:$feeds_last_modified" $feeds_internal {',
                '    default "";',
                '    "~^1:1:" "/_feeds_as_xml_no_ims";',
                '    "~^1::$" "/_feeds_as_xml_no_ims";',
                '    "~^1::." "/_feeds_as_xml";',
                '    "~^:1:" "/_feeds_no_ims";',
                '    "~^::$" "/_feeds_no_ims";',
                "}",
            ]
        ),
        "\n".join(
            [
                *accept_encoding_maps(upstream is not None, prefix).splitlines(),
                'map $feeds_coding $feeds_file_suffix { default ""; gzip ".gz"; br ".br"; }',
                'map $feeds_coding $feeds_tag_suffix { default ""; gzip "-gz"; br "-br"; }',
            ]
        ),
        "server {",
        f"    listen {listen};",
        f"    listen {quote('unix:' + str(loopback), variables=False)};",
        f"    root {quote(str(directory.resolve()))};",
        "    etag off;",
        # Each file's modification time is its document's Last-Modified: a date equal to it
        # or later means the client's copy is current, as in the app.
        "    if_modified_since before;",
        "    types {",
        *(f"        {quote(content_type)} {key};" for content_type, key in types),
        "    }",
        "    default_type application/octet-stream;",
        "    error_page 404 = @feeds_not_found;",
        # Anything outside the site's path (a site under one, `/ko`): nothing is served.
        *(["    location / {", "        return 404;", "    }"] if prefix else []),
        *(
            line
            for name, media, body in zip(
                ("@feeds_not_found", "@feeds_not_found_json"),
                ("text/plain; charset=utf-8", "application/json"),
                error_bodies(f"not found: see {site_url.rstrip('/')}/ for the list of feeds", 404),
                strict=True,
            )
            for line in (
                f"    location {name} {{",
                f'        default_type "{media}";',
                "        add_header Cache-Control no-cache always;",
                "        add_header Vary $feeds_error_vary always;",
                f'        return 404 "{body}";',
                "    }",
            )
        ),
        # What the app answers 410 Gone: its body, type and Cache-Control, nothing else.
        *gone_location(),
        *(
            [
                "    location @feeds_app {",
                f"        proxy_pass {upstream.rstrip('/')};",
                "        proxy_set_header Host $host;",
                "        proxy_set_header X-Forwarded-Proto $scheme;",
                "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                "    }",
            ]
            if upstream
            else []
        ),
        # If-Match and If-Unmodified-Since as the app answers them: see preconditions_map.
        "    location @feeds_preconditions {",
        f"        proxy_pass {quote('http://unix:' + str(loopback) + ':', variables=False)};",
        "        proxy_set_header Host $http_host;",
        '        proxy_set_header If-Match "";',
        '        proxy_set_header If-Unmodified-Since "";',
        "    }",
        # A request whose If-None-Match holds: the 304 of nginx's not-modified filter, through
        # the loopback listener (see not_modified_maps).
        "    location @feeds_not_modified {",
        f"        proxy_pass {quote('http://unix:' + str(loopback) + ':', variables=False)};",
        "        proxy_set_header Host $http_host;",
        '        proxy_set_header If-Match "";',
        '        proxy_set_header If-Unmodified-Since "";',
        '        proxy_set_header If-None-Match "";',
        f'        proxy_set_header If-Modified-Since "{NOT_MODIFIED_SINCE}";',
        f"        proxy_set_header {NOT_MODIFIED_MARK} 1;",
        "    }",
        "    location = /_feeds_not_modified {",
        "        internal;",
        "        if_modified_since before;",
        *headers,
        "        try_files $feeds_stem$feeds_file_suffix.$feeds_type_key =404;",
        "    }",
        *(
            line
            for name, media, body in zip(
                ("@feeds_precondition_failed", "@feeds_precondition_failed_json"),
                ("text/plain; charset=utf-8", "application/json"),
                error_bodies(PRECONDITION_FAILED_MESSAGE, 412),
                strict=True,
            )
            for line in (
                f"    location {name} {{",
                f'        default_type "{media}";',
                *(
                    header.rstrip(";") + " always;"
                    for header in headers
                    if "ETag" in header or "Last-Modified" in header or "Vary" in header
                ),
                "        add_header Cache-Control no-store always;",
                f'        return 412 "{body}";',
                "    }",
            )
        ),
        *(
            line
            for name, media, body in (
                ("@feeds_no_coding", "text/plain; charset=utf-8", NO_CODING_TEXT),
                ("@feeds_no_coding_json", "application/json", NO_CODING_JSON),
                (
                    "@feeds_no_coding_uncompressed",
                    "text/plain; charset=utf-8",
                    UNCOMPRESSED_ONLY_TEXT,
                ),
            )
            for line in (
                f"    location {name} {{",
                f'        default_type "{media}";',
                "        add_header Vary $feeds_vary always;",
                "        add_header Cache-Control no-store always;",
                f'        return 406 "{body}";',
                "    }",
            )
        ),
        "    location @feeds_not_acceptable {",
        '        default_type "text/plain; charset=utf-8";',
        "        add_header Vary Accept always;",
        "        add_header Cache-Control no-store always;",
        f'        return 406 "{not_acceptable}";',
        "    }",
        # Atom and RSS for a client that prefers HTML: the same file and headers, served as
        # generic XML; If-Modified-Since ignored where the app ignores it (no Last-Modified,
        # no valid past date; reached only from the location below, after its If-None-Match
        # check).
        *(
            line
            for name, as_xml, dated in (
                ("/_feeds_as_xml", True, True),
                ("/_feeds_as_xml_no_ims", True, False),
                ("/_feeds_no_ims", False, False),
            )
            for line in (
                f"    location = {name} {{",
                "        internal;",
                *(
                    [
                        "        types { }",
                        f"        default_type {quote(BROWSER_XML_TYPE, variables=False)};",
                    ]
                    if as_xml
                    else []
                ),
                *([] if dated else ["        if_modified_since off;"]),
                *headers,
                "        try_files $feeds_stem$feeds_file_suffix.$feeds_type_key =404;",
                "    }",
            )
        ),
        # A tag or author named by its label: 301 to its slug's document (see label_maps).
        "    location @feeds_moved {",
        '        default_type "text/plain; charset=utf-8";',
        f"        add_header Location {quote(moved, variables=False)} always;",
        f'        add_header Cache-Control "public, max-age={CONVENTIONAL_MAX_AGE}" always;',
        f'        return 200 "{moved_text}";',
        "    }",
        f"    location {quote((prefix or '') + '/')} {{",
        "        error_page 419 =301 @feeds_moved;",
        "        if ($feeds_moved) { return 419; }",
        *(
            [
                "        error_page 418 = @feeds_app;",
                "        if ($feeds_ask_app) { return 418; }",
            ]
            if upstream
            else []
        ),
        "        error_page 406 = @feeds_not_acceptable;",
        "        if ($feeds_not_acceptable) { return 406; }",
        "        error_page 410 /_feeds_gone;",
        "        if ($feeds_gone_file) { return 410; }",
        "        error_page 404 = @feeds_not_found;",
        "        error_page 427 = @feeds_not_found_json;",
        '        if ($feeds_missing = "json") { return 427; }',
        '        if ($feeds_stem = "") { return 404; }',
        "        if ($feeds_not_modified_hop) { rewrite ^ /_feeds_not_modified last; }",
        "        error_page 412 = @feeds_precondition_failed;",
        "        error_page 426 = @feeds_precondition_failed_json;",
        '        if ($feeds_precondition_failed = "text") { return 412; }',
        '        if ($feeds_precondition_failed = "json") { return 426; }',
        "        error_page 420 = @feeds_preconditions;",
        "        if ($feeds_preconditions) { return 420; }",
        "        error_page 425 = @feeds_not_modified;",
        "        if ($feeds_inm) { return 425; }",
        "        error_page 423 = @feeds_no_coding_json;",
        "        error_page 424 = @feeds_no_coding;",
        '        if ($feeds_refused = "json") { return 423; }',
        '        if ($feeds_refused = "text") { return 424; }',
        "        error_page 428 = @feeds_no_coding_uncompressed;",
        '        if ($feeds_refused = "uncompressed") { return 428; }',
        "        if ($feeds_internal) { rewrite ^ $feeds_internal last; }",
        *headers,
        "        try_files $feeds_stem$feeds_file_suffix.$feeds_type_key =404;",
        "    }",
        "}",
    ]
    return "\n".join(parts) + "\n"


def label_maps(files: Iterable[Path], prefix: str) -> str:
    """A tag or author feed named by its label (`/feeds/tag/오디오.rss`, percent-encoded or
    not, any format, archive or query), as the app answers it
    (`feeds.feed_redirects.label_redirect`):
    `$feeds_label_key` is the URI's `tag/<label>` (nginx's `$uri`, decoded as the app decodes
    the path), `$feeds_label_slug` the slug's `tag/<slug>` from the slug registry's map
    (`feeds.export.maps.label_map_lines`), `$feeds_uri` the slug's URI, which the document
    maps are then asked for; `$feeds_moved` is "1" when that document is exported, so a
    label is redirected only to a document that exists (else 404, as the app)."""
    feeds = literal_regex(prefix + FEEDS_PREFIX)
    target = quote(prefix + FEEDS_PREFIX)[:-1] + '$feeds_label_slug$feeds_label_rest$is_args$args"'
    kinds = "|".join(literal_regex(SEGMENT_BY_KIND[k]) for k in ("tag", "author"))
    rest = r"(?:\.(?:" + "|".join(FORMATS) + r"))?(?:/archive/[^/]*)?"
    return "\n".join(
        [
            "map $uri $feeds_label_key {",
            '    default "";',
            f'    "~^{feeds}((?:{kinds})/[^/]+?){rest}$" "$1";',
            "}",
            "map $uri $feeds_label_rest {",
            '    default "";',
            f'    "~^{feeds}(?:{kinds})/[^/]+?({rest})$" "$1";',
            "}",
            "map $feeds_label_key $feeds_label_slug {",
            '    default "";',
            *(f"    include {quote(str(file), variables=False)};" for file in files),
            "}",
            "map $feeds_label_slug $feeds_uri {",
            f"    default {target};",
            '    "" $request_uri;',
            "}",
            # $feeds_format first: evaluated inside $feeds_key's value, its Accept regexes
            # would replace the captures that value reads ($1, $2) if not known already.
            'map "$feeds_format $feeds_label_slug $feeds_stem" $feeds_moved {',
            '    default "";',
            '    "~^\\S* \\S+ \\S" "1";',
            "}",
        ]
    )
