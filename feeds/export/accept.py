"""The content-negotiation part of the generated nginx config: the format of an extension-less
feed URL from `Accept` and the content coding from `Accept-Encoding`, each answered as the app
answers it (`feeds.negotiation.negotiate`, `for_browser`, `choose_encoding`,
`identity_acceptable`); see docs/export.md.

Each map holds the app's own answer, asked at export time, for the common headers
(`COMMON_ACCEPT`, `COMMON_ACCEPT_ENCODING`), and rules giving the app's answer for any header
in the simple form (`SIMPLE_ACCEPT`, `SIMPLE_ACCEPT_ENCODING`: no parameters); for any other
header the answer is `UNSURE`, and `feeds.export.nginx.nginx_config` forwards the request to
the app when it has an upstream.
"""

from __future__ import annotations

from typing import Final

from feeds.export.conditional import GREATER
from feeds.export.maps import literal_regex, quote
from feeds.http_dates import MONTHS
from feeds.negotiation import (
    NO_CODING_MESSAGE,
    UNCOMPRESSED_ONLY_MESSAGE,
    choose_encoding,
    for_browser,
    identity_acceptable,
    negotiate,
)
from feeds.urls import FEEDS_PREFIX

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
    # ... and not where application/xml, the type it would be sent as, is refused by name.
    lines.append(
        '    "~^(?!.*(?i:application/(atom|rss)\\+xml))'
        "(?!(?:.*,)?\\s*(?i:application/xml)\\s*;\\s*q=0(?:\\.0*)?\\s*(?:,|$))"
        "(.*,)?\\s*text/html"
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
# The app's 406 for a document whose every form is refused
# (`feeds.responses._no_acceptable_coding`), as text and as the JSON the app answers on a
# `.json` feed URL.
NO_CODING_TEXT: Final = NO_CODING_MESSAGE + "\\n"
NO_CODING_JSON: Final = '{\\"error\\": \\"' + NO_CODING_MESSAGE + '\\", \\"status\\": 406}\\n'
# ... and for a document the app sends only as it is (an image).
UNCOMPRESSED_ONLY_TEXT: Final = UNCOMPRESSED_ONLY_MESSAGE + "\\n"


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
    "uncompressed" for that 406 of a document the app sends only as it is, an image, whatever
    codings the header names; "" else) for the request's Accept-Encoding, as the app answers
    it (`feeds.responses.document_response`).

    `$feeds_ae` is the app's answer where nginx can give it exactly: a document the app sends
    only as it is (`$feeds_identity`: the body, or 406 when identity is refused), a header
    of `COMMON_ACCEPT_ENCODING`, a header without parameters (`SIMPLE_ACCEPT_ENCODING`);
    else `UNSURE`. An unsure header goes to the app
    when there is an `upstream` (`$feeds_ask_app`); without one nginx takes a coding the
    header gives a quality above 0 (Brotli, then gzip, `*` standing for Brotli), else the
    body as it is, else (identity refused: `identity;q=0`, or `*;q=0` without an identity
    item) the 406: the status is the app's, the coding one the client accepts though perhaps
    not the one it prefers most.

    The app weighs preconditions first: a request whose If-None-Match holds the tag got its
    304 before this; one whose If-Modified-Since is current (a valid date, ahead of the clock
    or not, not before the document's Last-Modified, no If-None-Match) gets the 304 from
    nginx's own test instead of the 406 (`$feeds_ims_current`).
    """
    lines = [
        'map "$feeds_identity:$http_accept_encoding" $feeds_ae {',
        f"    default {quote(UNSURE)};",
    ]
    # A document the app sends only as it is: that body, unless the header refuses it.
    identity_refused = f"(?!{_named('identity', _ACCEPTED)}){_named('identity', _REFUSED)}"
    star_refused = (
        f"(?!{_named('identity')})(?!{_named(_STAR, _ACCEPTED)}){_named(_STAR, _REFUSED)}"
    )
    lines += [
        f'    "~*^1:{identity_refused}" {NO_CODING};',
        f'    "~*^1:{star_refused}" {NO_CODING};',
        '    "~^1:" "";',
    ]
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
        'map "$feeds_ae_choice:$feeds_ims_current:$feeds_identity:$uri" $feeds_refused {',
        '    default "";',
        f'    "~^{NO_CODING}::1:" "uncompressed";',
        f'    "~^{NO_CODING}:::{literal_regex(prefix + FEEDS_PREFIX)}.*\\.json$" "json";',
        f'    "~^{NO_CODING}:::" "text";',
        "}",
    ]
    return "\n".join(lines)
