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
q-value below 1 to the offered types it names; see docs/export.md.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from feeds.export.conditional import (
    GREATER,
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
from feeds.export.maps import DOCUMENT_MAPS, LABEL_MAP, MAP_KEYS, quote
from feeds.http_dates import MONTHS
from feeds.negotiation import (
    BROWSER_XML_TYPE,
    choose_encoding,
    for_browser,
    identity_acceptable,
    negotiate,
)
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


# Accept-Encoding headers of browsers, HTTP libraries and feed readers; the generated map answers
# each exactly as the app does (`feeds.negotiation.choose_encoding` and `identity_acceptable`,
# asked at export time).
COMMON_ACCEPT_ENCODING: Final = (
    "gzip, deflate, br",
    "gzip, deflate, br, zstd",
    "gzip, deflate",
    "gzip,deflate",
    "gzip",
    "br",
    "identity",
    "*",
    "deflate, gzip",
    "br;q=1.0, gzip;q=0.8, *;q=0.1",
    "gzip;q=1.0, identity;q=0.5, *;q=0",
    "gzip, identity;q=0",
    "br, identity;q=0",
    "identity;q=0",
    "*;q=0",
    "identity;q=0, *;q=0",
    "gzip;q=0, br;q=0",
    "gzip;q=0.5, identity",
)

# A header of codings without parameters (every one with quality 1): the app takes Brotli when
# `br` or `*` is named (Brotli first on a tie), else gzip when `gzip` or `x-gzip` is, else the
# body as it is (identity is acceptable: only a q-value refuses it). Anything with a parameter
# is a header nginx cannot weigh (`UNSURE`).
_CODING = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"
SIMPLE_ACCEPT_ENCODING: Final = rf"\s*(?:{_CODING})?\s*(?:,\s*(?:{_CODING})?\s*)*"
NO_CODING: Final = "406"
# The app's 406 for a document whose every form is refused (`feeds.http._no_acceptable_coding`),
# as text and as the JSON the app answers on a `.json` feed URL.
NO_CODING_MESSAGE: Final = (
    "406 Not Acceptable: your Accept-Encoding refuses an uncompressed body and names no "
    "coding this site sends; allow gzip, br or identity"
)
NO_CODING_TEXT: Final = NO_CODING_MESSAGE + "\\n"
NO_CODING_JSON: Final = '{\\"error\\": \\"' + NO_CODING_MESSAGE + '\\", \\"status\\": 406}\\n'


def error_bodies(message: str, status: int) -> tuple[str, str]:
    """The app's error body for `message` (`feeds.http.error_response`) as text and as the
    JSON it answers on a `.json` feed URL, each written for an nginx double-quoted `return`
    text (escaped, a newline as `\\n`, a `$` as `${dollar}`)."""
    as_json = json.dumps({"error": message, "status": status}, ensure_ascii=False)
    text, json_body = (quote(body + "\n")[1:-1].replace("\n", "\\n") for body in (message, as_json))
    return text, json_body


_POSITIVE_Q = r"(?:1(?:\.0{0,3})?|0?\.[0-9]{0,2}[1-9][0-9]{0,2}?)"
_ZERO_Q = r"0(?:\.0{0,3})?"
# The rest of an item whose quality is above 0 (none given is 1).
_ACCEPTED = rf"(?:,|$|;\s*q={_POSITIVE_Q}\s*(?:,|$))"
_STAR = r"\*"
# ... and of one whose quality is 0.
_REFUSED = rf";\s*q={_ZERO_Q}\s*(?:,|$)"


def _named(name: str, rest: str = "(?:[;,]|$)") -> str:
    """A regex (to follow `^` or a lookahead) for a header with an item naming `name` (a regex)
    that continues with `rest`. Of repeated items the app takes the highest quality (Werkzeug
    sorts them), so "any item" is the test for a quality above 0, and "none above 0" for 0."""
    return rf"(?:.*,)?\s*{name}\s*{rest}"


def _coding_answer(header: str) -> str:
    """The app's answer to an Accept-Encoding header: "br", "gzip", "" (identity) or 406."""
    coding = choose_encoding(header)
    if coding is None and not identity_acceptable(header):
        return NO_CODING
    return coding or ""


def accept_encoding_maps(upstream: bool, prefix: str = "") -> str:
    """`$feeds_coding` (br, gzip or "" for the body as it is) and `$feeds_refused` ("json" or
    "text" when the app answers 406: the header refuses identity and names no coding it has;
    "" else) for the request's Accept-Encoding, as the app answers it (`feeds.http
    .document_response`).

    `$feeds_ae` is the app's answer where nginx can give it exactly: a document the app sends
    only as it is (`$feeds_identity`), a header of `COMMON_ACCEPT_ENCODING`, a header without
    parameters (`SIMPLE_ACCEPT_ENCODING`); else `UNSURE`. An unsure header goes to the app
    when there is an `upstream` (`$feeds_ask_app`); without one nginx takes a coding the
    header gives a quality above 0 (Brotli, then gzip, `*` standing for Brotli), else the
    body as it is, else (identity refused: `identity;q=0`, or `*;q=0` without an identity
    item) the 406: the status is the app's, the coding one the client accepts though perhaps
    not the one it prefers most.

    The app weighs preconditions first: a request whose If-None-Match holds the tag got its
    304 before this; one whose If-Modified-Since is current (a valid date, not ahead of the
    clock, not before the document's Last-Modified, no If-None-Match) gets the 304 from nginx's
    own test instead of the 406 (`$feeds_ims_current`).
    """
    lines = [
        'map "$feeds_identity:$http_accept_encoding" $feeds_ae {',
        f"    default {quote(UNSURE)};",
    ]
    lines.append('    "~^1:" "";')
    seen: set[str] = set()
    for header in COMMON_ACCEPT_ENCODING:
        if header.lower() in seen:
            continue
        seen.add(header.lower())
        lines.append(f"    {quote(':' + header, variables=False)} {quote(_coding_answer(header))};")
    simple = f"^:(?={SIMPLE_ACCEPT_ENCODING}$)"
    item_end = r"\s*(?:,|$)"
    lines += [
        f'    "~*{simple}(?:.*,)?\\s*(?:br|\\*){item_end}" br;',
        f'    "~*{simple}(?:.*,)?\\s*(?:x-)?gzip{item_end}" gzip;',
        f'    "~{simple}" "";',
        "}",
        # nginx's guess for an unsure header (without an upstream): see the docstring.
        "map $http_accept_encoding $feeds_ae_guess {",
        '    default "";',
        *(
            f'    "~*{rule}" {coding};'
            for coding, names in (("br", "br"), ("gzip", "(?:x-)?gzip"))
            for rule in (
                f"^{_named(names, _ACCEPTED)}",
                f"^(?!{_named(names)}){_named(_STAR, _ACCEPTED)}",
            )
        ),
        f'    "~*^(?!{_named("identity", _ACCEPTED)}){_named("identity", _REFUSED)}" {NO_CODING};',
        f'    "~*^(?!{_named("identity")})(?!{_named(_STAR, _ACCEPTED)}){_named(_STAR, _REFUSED)}"'
        f" {NO_CODING};",
        "}",
        "map $feeds_ae $feeds_ae_choice {",
        "    default $feeds_ae;",
        f"    {quote(UNSURE)} {'$feeds_ae' if upstream else '$feeds_ae_guess'};",
        "}",
        "map $feeds_ae_choice $feeds_coding {",
        "    default $feeds_ae_choice;",
        f'    {quote(NO_CODING)} "";',
        f'    {quote(UNSURE)} "";',
        "}",
        # The document's Last-Modified as 14 digits, to weigh If-Modified-Since before a 406.
        "map $feeds_last_modified $feeds_lm_key {",
        '    default "";',
        *(
            f'    "~^[A-Za-z]+, ([0-9]{{2}}) {name} ([0-9]{{4}}) ([0-9]{{2}}):([0-9]{{2}}):'
            f'([0-9]{{2}}) GMT$" "$2{number:02d}$1$3$4$5";'
            for number, name in enumerate(MONTHS, start=1)
        ),
        "}",
        'map "$feeds_lm_key:$feeds_ims_key" $feeds_lm_later {',
        '    default "";',
        f'    "~^([0-9]*)(?:{GREATER})" "1";',
        "}",
        "map $http_if_none_match $feeds_has_inm {",
        '    default "1";',
        '    "" "";',
        "}",
        # "1": If-Modified-Since says the client's copy is current (nginx's test gives 304).
        'map "$feeds_has_inm:$feeds_ims_ignored:$feeds_ims_key:$feeds_lm_key:$feeds_lm_later"'
        " $feeds_ims_current {",
        '    default "";',
        '    "~^::[0-9]{14}:[0-9]{14}:$" "1";',
        "}",
        'map "$feeds_ae_choice:$feeds_ims_current:$uri" $feeds_refused {',
        '    default "";',
        f'    "~^{NO_CODING}::{_regex(prefix + FEEDS_PREFIX)}.*\\.json$" "json";',
        f'    "~^{NO_CODING}::" "text";',
        "}",
    ]
    return "\n".join(lines)


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
                f'    "~^{_regex(UNSURE)}:." {quote("1" if upstream else "")};',
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
        # The form of the app's error answers on this URI (`feeds.http.error_response`):
        # JSON at a `.json` feed URL, and at a feed URL without an extension when `Accept`
        # chooses JSON Feed; such an answer varies with `Accept`.
        'map "$feeds_accept:$uri" $feeds_error_form {',
        '    default "text";',
        f'    "~^[^:]*:{_regex(feeds)}.*\\.json$" "json";',
        f'    "~^json:{_regex(feeds)}(?:[^/]*/)*[^/.]*/?$" "json";',
        "}",
        'map $feeds_negotiated $feeds_error_vary { default ""; "1" "Accept"; }',
        # What the app answers 410 Gone: the file of its body (feeds.export.gone).
        gone_maps(_regex(feeds)),
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
