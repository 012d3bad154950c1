"""The nginx configuration that serves an export as the app would.

`nginx_config(includes, types, directory, prefix, site_url)` writes `map`s from each request
URI to its file, ETag, `Cache-Control`, `Vary` and `Last-Modified` as the app sends them (their
lines in the shard files of `feeds.export.maps`, which the maps include), a redirect of a tag
or author feed named by its label to its slug's (`label_maps`), and a
`server` block that serves the files: the coding from `Accept-Encoding` (Brotli first, a
coding with `q=0` refused; none for a document the app sends only as it is, the sample
images), the ETag with the app's `-gz`/`-br` suffix per coding,
`If-None-Match` answered with 304, and 404 for anything not exported.

A feed URL without a format (`/feeds/all`, `/feeds/section/asia?page=2`,
`/feeds/all/archive/2025-07`) is served as the app serves it: the format is chosen from
`Accept` (`map $http_accept $feeds_format`), the document of that format is served with a
`Content-Location` naming it, and a header that names no offered type gets the app's 406. The
map holds the app's own answer (`feeds.negotiation.negotiate`) for each header in `COMMON_ACCEPT`,
and for any other header rules that give the app's answer whenever the header gives no
q-value below 1 to the offered types it names; see docs/export.md.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from feeds.export.files import type_key
from feeds.export.maps import DOCUMENT_MAPS, LABEL_MAP, quote
from feeds.negotiation import BROWSER_XML_TYPE, for_browser, negotiate
from feeds.redirects import CONVENTIONAL_MAX_AGE
from feeds.urls import FEEDS_PREFIX, FORMATS, SEGMENT_BY_KIND
from feeds.writers import MEDIA_TYPES

# Accept headers of feed readers, podcast apps, HTTP libraries and browsers; the generated map
# answers each exactly as the app does (its own `negotiate` is asked at export time).
COMMON_ACCEPT: Final = (
    "",
    "*/*",
    "application/atom+xml",
    "application/rss+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
    "application/atom+xml, */*",
    "application/rss+xml, */*",
    "application/feed+json, */*",
    "application/json, text/plain, */*",
    # feedparser 6
    "application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,"
    "application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
    # Mozilla's feed preview and readers modelled on it
    "application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, "
    "application/xml;q=0.4, text/xml;q=0.4",
    "application/atom+xml, application/rss+xml;q=0.9, application/xml;q=0.8, */*;q=0.7",
    "application/rss+xml, application/atom+xml;q=0.9, application/xml;q=0.8, */*;q=0.7",
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5",
    "application/feed+json, application/json;q=0.9, */*;q=0.8",
    "application/feed+json,application/atom+xml;q=0.9,application/rss+xml;q=0.8,*/*;q=0.1",
    "application/rss+xml;q=0.9, application/atom+xml;q=0.8",
    "application/atom+xml;q=0.9, application/rss+xml;q=0.8",
    "application/xml, text/xml, */*",
    "application/xml,text/xml;q=0.9,*/*;q=0.8",
    "text/xml, application/xml, application/rss+xml",
    # browsers (a browser opening a feed gets the HTML preview from the app, not exported)
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
)

# Beyond the table, nginx computes the app's answer only for a header in the simple form most
# clients send: media ranges (or bare tokens) without parameters, separated by commas. There every
# range has quality 1, so the app (Werkzeug's best_match) takes the offered type named exactly
# first in its order (a named type is more specific than a wildcard), else a wildcard's (Atom);
# these rules do the same. A header outside the table with parameters is one nginx cannot
# weigh (it cannot compare q-values): its answer is "?" (`UNSURE`), and the config either
# forwards the request to the app (`upstream`) or serves the app's default, Atom.
_TOKEN = r"[A-Za-z0-9!#%&'*+.^_`|~-]+"
_RANGE = rf"{_TOKEN}(?:/{_TOKEN})?"  # a token without a slash matches no offered type
SIMPLE_ACCEPT: Final = rf"\s*(?:{_RANGE})?\s*(?:,\s*(?:{_RANGE})?\s*)*"
UNSURE: Final = "?"
_ITEM_END = r"\s*(?:,|$)"
_RULES: Final = (
    (r"application/atom\+xml", "atom"),
    (r"application/rss\+xml", "rss"),
    (r"application/(feed\+)?json", "json"),
    (r"(application|text)/xml", "atom"),
    (r"(\*/\*|application/\*)", "atom"),  # text/* covers no type served (feeds.http)
)
_OFFERED_NAME: Final = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}


DEFAULT_LISTEN: Final = "127.0.0.1:8080"

# The app's 412 text (`feeds.http.precondition_failed`).
PRECONDITION_FAILED_TEXT: Final = (
    "precondition failed: this document's current ETag and Last-Modified are in the "
    "headers; drop If-Match and If-Unmodified-Since to get it\\n"
)


def inm_map() -> str:
    """`map "$feeds_etag $http_if_none_match" $feeds_inm`: "1" when If-None-Match holds the
    document's tag (`feeds_etag`, opaque) with or without `W/` and the `-gz`/`-br` suffix of
    any coding, alone or in a list, or is `*` (RFC 9110 13.1.2, weak comparison); "" else.
    An entity-tag holds no space, so the space separates the two parts exactly; the
    backreference `\\1` compares the tag literally (no regex characters are read in it)."""
    return "\n".join(
        [
            'map "$feeds_etag $http_if_none_match" $feeds_inm {',
            '    default "";',
            '    "~^\\S+ \\s*\\*\\s*$" "1";',
            '    "~^(\\S+) (?:.*,)?\\s*(?:[Ww]/)?\\"\\1(?:-gz|-br)?\\"\\s*(?:,|$)" "1";',
            "}",
        ]
    )


def if_match_map() -> str:
    """`map "$feeds_etag $http_if_match" $feeds_if_match`: "" when there is no If-Match,
    "hold" when it is `*` or holds the document's tag (`feeds_etag`, opaque, with or without
    the `-gz`/`-br` suffix of any coding) by the strong comparison (RFC 9110 13.1.1: a `W/` tag
    never matches), alone or in a list; "fail" else (the app's `feeds.etag.precondition_status`).
    """
    return "\n".join(
        [
            'map "$feeds_etag $http_if_match" $feeds_if_match {',
            '    default "fail";',
            '    "~^\\S* $" "";',
            '    "~^\\S+ \\s*\\*\\s*$" "hold";',
            '    "~^(\\S+) (?:.*,)?\\s*\\"\\1(?:-gz|-br)?\\"\\s*(?:,|$)" "hold";',
            "}",
        ]
    )


# An HTTP-date in any of its three forms (RFC 9110 5.6.7), which nginx reads; any other
# If-Unmodified-Since is not a date and is ignored, as the app ignores a date it cannot read.
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_CLOCK = r"\d\d:\d\d:\d\d"
HTTP_DATE: Final = (
    rf"{_DAY}, \d\d {_MONTH} \d{{4}} {_CLOCK} GMT"
    rf"|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d\d-{_MONTH}-\d\d {_CLOCK} GMT"
    rf"|{_DAY} {_MONTH} [ \d]\d {_CLOCK} \d{{4}}"
)


def preconditions_map() -> str:
    """`map "$feeds_if_match:$http_if_unmodified_since" $feeds_preconditions`: "1" when nginx's
    own test of If-Match or If-Unmodified-Since would answer otherwise than the app, so the
    request goes through the loopback listener with both headers removed: an If-Match that
    holds (nginx compares it with an ETag of its own, which the export turns off, so it would
    answer 412), or, without If-Match, an If-Unmodified-Since that is not an HTTP-date (nginx
    answers 412; the app ignores it). A failing If-Match is answered 412 before this."""
    return "\n".join(
        [
            'map "$feeds_if_match:$http_if_unmodified_since" $feeds_preconditions {',
            '    default "1";',
            '    ":" "";',
            f'    "~^:(?:{HTTP_DATE})$" "";',
            '    "~^fail:" "";',
            "}",
        ]
    )


def loopback_socket(directory: Path, listen: str) -> Path:
    """The Unix socket of the server block's second listener, which serves requests whose
    If-Match or If-Unmodified-Since nginx would misjudge, with those headers removed: in the
    export's `_nginx` folder, named after `listen` (two servers of one folder do not share
    it), or in the temporary folder when that path is longer than a socket's (108 bytes)."""
    digest = hashlib.sha256(f"{directory.resolve()}\0{listen}".encode()).hexdigest()
    near = directory.resolve() / "_nginx" / f"preconditions-{digest[:8]}.sock"
    if len(str(near).encode()) < 100:
        return near
    return Path(tempfile.gettempdir()) / f"feeds-export-{digest[:16]}.sock"


def accept_map() -> str:
    """`map $http_accept $feeds_accept`: the app's format for an Accept header ("" = 406), or
    `UNSURE` for a header nginx cannot weigh (see `SIMPLE_ACCEPT`)."""
    lines = ["map $http_accept $feeds_accept {", f"    default {quote(UNSURE)};"]
    seen: set[str] = set()
    for header in COMMON_ACCEPT:
        if header.lower() in seen:
            continue
        seen.add(header.lower())
        lines.append(f"    {quote(header, variables=False)} {quote(negotiate(header) or '')};")
    simple = f"^(?={SIMPLE_ACCEPT}$)"
    for pattern, fmt in _RULES:
        lines.append(f'    "~*{simple}(?:.*,)?\\s*{pattern}{_ITEM_END}" {fmt};')
    lines.append(f'    "~{simple}" "";')
    lines.append("}")
    return "\n".join(lines)


def browser_map() -> str:
    """`map $http_accept $feeds_for_browser`: "1" where the app sends Atom and RSS as generic
    XML (`feeds.negotiation.for_browser`: the text `text/html` in the header, HTML accepted, no feed
    type named), so a browser applies the stylesheet; exact for `COMMON_ACCEPT` and for the
    simple headers of `SIMPLE_ACCEPT`, by a rule for other headers (which the config forwards
    to the app when it has an upstream)."""
    lines = ["map $http_accept $feeds_for_browser {", '    default "";']
    seen: set[str] = set()
    for header in COMMON_ACCEPT:
        if header in seen:
            continue
        seen.add(header)
        lines.append(
            f"    {quote(header, variables=False)} {quote('1' if for_browser(header) else '')};"
        )
    no_feed_type = f"(?!(?:.*,)?\\s*(?i:application/(?:atom|rss)\\+xml){_ITEM_END})"
    lines.append(
        f'    "~^(?=.*text/html)(?={SIMPLE_ACCEPT}$){no_feed_type}'
        f'(?:.*,)?\\s*(?i:text/html|text/\\*|\\*/\\*){_ITEM_END}" "1";'
    )
    lines.append(f'    "~^(?={SIMPLE_ACCEPT}$)" "";')
    lines.append(
        '    "~^(?!.*(?i:application/(atom|rss)\\+xml))(.*,)?\\s*text/html'
        '\\s*(;\\s*q=(1|0?\\.0*[1-9][0-9]*)\\s*)?(,|$)" "1";'
    )
    lines.append("}")
    return "\n".join(lines)


def nginx_config(
    includes: Mapping[str, Sequence[Path]],
    types: Collection[tuple[str, str]],
    directory: Path,
    prefix: str,
    site_url: str,
    upstream: str | None = None,
    listen: str = DEFAULT_LISTEN,
) -> str:
    """maps (request URI -> file, ETag, headers) and a server block that serves DIR as the app
    would. The per-document maps (`feeds.export.maps.DOCUMENT_MAPS`) include, in order, the
    files `includes` names for each (`feeds.export.maps.DocumentMaps`); `types` are the
    (content type, file-name key) pairs of the documents.

    Include it in nginx's `http` block; `listen` is the server block's address
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
        lines = [f"map $feeds_key ${name} {{", '    default "";']
        lines += [f"    include {quote(str(file), variables=False)};" for file in includes[name]]
        lines.append("}")
        return "\n".join(lines)

    feeds = prefix + FEEDS_PREFIX
    # The app's permanent_redirect: its Location and body.
    moved = f"{site_url.rstrip('/')}{FEEDS_PREFIX}$feeds_label_slug$feeds_label_rest$is_args$args"
    moved_text = f"moved permanently: {moved}\\nSubscribe to that URL; entry ids are unchanged.\\n"
    # A feed URL whose last segment has no format extension: the format comes from Accept.
    negotiated = f"~^({_regex(feeds)}(?:[^?]*/)?[^/?.]+)(\\?.*)?$"
    # ... and the live feed it belongs to (what a 406 lists).
    negotiated_feed = f"~^({_regex(feeds)}[^?]*?)(?:/archive/[^/?]*)?(?:\\?.*)?$"
    not_acceptable = (
        "none of the formats in your Accept header is available; this feed is offered as\\n"
        + "".join(f"  {_OFFERED_NAME[f]}: {origin}$feeds_feed.{f}\\n" for f in FORMATS)
    )
    headers = [
        '        add_header ETag "\\"$feeds_etag$feeds_tag_suffix\\"";',
        "        add_header Cache-Control $feeds_cache_control;",
        "        add_header Vary $feeds_vary;",
        "        add_header Last-Modified $feeds_last_modified;",
        "        add_header Content-Encoding $feeds_coding;",
        "        add_header Content-Location $feeds_content_location;",
    ]
    parts = [
        "# Generated by `flask feeds export`: serves the exported documents as the app would.",
        "# Include inside `http { }`; every value below comes from the app's own answers.",
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
                'map "$feeds_accept:$feeds_feed" $feeds_ask_app {',
                '    default "";',
                f'    "~^{_regex(UNSURE)}:." {quote("1" if upstream else "")};',
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
        "\n".join(
            [
                # Served from an internal location: as generic XML (a browser), and without
                # Last-Modified (If-Modified-Since ignored there, as the app ignores it).
                'map "$feeds_as_xml:$feeds_last_modified" $feeds_internal {',
                '    default "";',
                '    "~^1:$" "/_feeds_as_xml_undated";',
                '    "~^1:." "/_feeds_as_xml";',
                '    "~^:$" "/_feeds_undated";',
                "}",
            ]
        ),
        "\n".join(
            [
                'map "$feeds_identity:$http_accept_encoding" $feeds_coding {',
                '    default "";',
                # Brotli first (the app prefers it on a tie); a coding with q=0 is refused.
                '    "~*^:(.*,)?\\s*br\\s*(,|$|;\\s*q=(1|0?\\.0*[1-9]))" br;',
                '    "~*^:(.*,)?\\s*(x-)?gzip\\s*(,|$|;\\s*q=(1|0?\\.0*[1-9]))" gzip;',
                "}",
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
        "    location @feeds_precondition_failed {",
        '        default_type "text/plain; charset=utf-8";',
        *(
            line.rstrip(";") + " always;"
            for line in headers
            if "ETag" in line or "Last-Modified" in line or "Vary" in line
        ),
        "        add_header Cache-Control no-store always;",
        f'        return 412 "{PRECONDITION_FAILED_TEXT}";',
        "    }",
        "    location @feeds_not_acceptable {",
        '        default_type "text/plain; charset=utf-8";',
        "        add_header Vary Accept always;",
        "        add_header Cache-Control no-store always;",
        f'        return 406 "{not_acceptable}";',
        "    }",
        # Atom and RSS for a client that prefers HTML: the same file and headers, served as
        # generic XML; a document without Last-Modified, with If-Modified-Since ignored
        # (reached only from the location below, after its If-None-Match check).
        *(
            line
            for name, as_xml, dated in (
                ("/_feeds_as_xml", True, True),
                ("/_feeds_as_xml_undated", True, False),
                ("/_feeds_undated", False, False),
            )
            for line in (
                f"    location = {name} {{",
                "        internal;",
                "        error_page 412 = @feeds_precondition_failed;",
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
        '        if ($feeds_stem = "") { return 404; }',
        "        error_page 412 = @feeds_precondition_failed;",
        '        if ($feeds_if_match = "fail") { return 412; }',
        "        error_page 420 = @feeds_preconditions;",
        "        if ($feeds_preconditions) { return 420; }",
        "        if ($feeds_inm) { return 304; }",
        "        if ($feeds_internal) { rewrite ^ $feeds_internal last; }",
        *headers,
        "        try_files $feeds_stem$feeds_file_suffix.$feeds_type_key =404;",
        "    }",
        "}",
    ]
    return "\n".join(parts) + "\n"


def label_maps(files: Iterable[Path], prefix: str) -> str:
    """A tag or author feed named by its label (`/feeds/tag/오디오.rss`, percent-encoded or
    not, any format, archive or query), as the app answers it (`feeds.http._label_redirect`):
    `$feeds_label_key` is the URI's `tag/<label>` (nginx's `$uri`, decoded as the app decodes
    the path), `$feeds_label_slug` the slug's `tag/<slug>` from the slug registry's map
    (`feeds.export.maps.label_map_lines`), `$feeds_uri` the slug's URI, which the document
    maps are then asked for; `$feeds_moved` is "1" when that document is exported, so a
    label is redirected only to a document that exists (else 404, as the app)."""
    feeds = _regex(prefix + FEEDS_PREFIX)
    target = quote(prefix + FEEDS_PREFIX)[:-1] + '$feeds_label_slug$feeds_label_rest$is_args$args"'
    kinds = "|".join(_regex(SEGMENT_BY_KIND[k]) for k in ("tag", "author"))
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


def _regex(text: str) -> str:
    """`text` matched literally in an nginx (PCRE) regex inside double quotes."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in r".^$*+?()[]{}|\\" else ch)
    return "".join(out).replace('"', '\\"')
