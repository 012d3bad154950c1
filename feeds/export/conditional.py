"""The conditional-request part of the generated nginx config: `If-None-Match`,
`If-Match`, `If-Modified-Since` and `If-Unmodified-Since` answered as the app answers them
(`feeds.etag.precondition_status`, `feeds.http_dates`); see docs/export.md.

The maps compare the request's validators with the document's (`$feeds_etag`, the file's
modification time, which the export sets to the document's Last-Modified); what nginx's own
tests would answer otherwise than the app goes through the server block's loopback listener
(`loopback_socket`) with the headers that mislead them removed.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Final

from feeds.export.maps import quote
from feeds.http_dates import (
    ASCTIME_DATE,
    ASCTIME_DAY,
    IMF_FIXDATE,
    MONTH,
    MONTHS,
    RFC850_DATE,
)

# The app's 412 message (`feeds.responses.precondition_failed`), as text or in its JSON form.
PRECONDITION_FAILED_MESSAGE: Final = (
    "precondition failed: this document's current ETag and Last-Modified are in the "
    "headers; drop If-Match and If-Unmodified-Since to get it"
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


# Matches "A:B" of two digit strings of one length when A is the greater: a common prefix,
# then a greater digit (the backreference reads the prefix again after the colon).
GREATER: Final = "|".join(f"{d}[0-9]*:\\1[0-{d - 1}]" for d in range(1, 10))


def date_key_map(header: str, key: str) -> str:
    """`map $<header> $<key>`: the request header's HTTP-date as 14 digits (YYYYMMDDhhmmss,
    the year of an rfc850-date as nginx places it), "x" for a value that is not one
    HTTP-date in the app's grammar (`feeds.http_dates`), "" for none. A day the month does
    not have (`IMPOSSIBLE_DAY`) still gets digits: the caller tells it apart."""
    month_keys = [(name, f"{number:02d}") for number, name in enumerate(MONTHS, start=1)]
    blank = "[ \\t]*"
    lines = [
        f"map ${header} ${key} {{",
        '    default "x";',
        '    "" "";',
    ]
    for name, number in month_keys:
        imf = IMF_FIXDATE.replace(MONTH, f"({name})")
        rfc850 = RFC850_DATE.replace(MONTH, f"({name})")
        asctime = ASCTIME_DATE.replace(MONTH, f"({name})")
        # IMF-fixdate: day, month, year, hour, minute, second
        lines.append(f'    "~^{blank}{imf}{blank}$" "$3{number}$1$4$5$6";')
        # rfc850-date: nginx reads 00-69 as 20xx, 70-99 as 19xx
        for digits, century in (("[0-6][0-9]", "20"), ("[7-9][0-9]", "19")):
            pattern = rfc850.replace("([0-9]{2})", f"({digits})")
            lines.append(f'    "~^{blank}{pattern}{blank}$" "{century}$3{number}$1$4$5$6";')
        # asctime-date: month, day (" 6" or "06"), hour, minute, second, year
        for day, spelled in ((" ([1-9])", "0$2"), ("(0[1-9]|[12][0-9]|3[01])", "$2")):
            pattern = asctime.replace(ASCTIME_DAY, day)
            lines.append(f'    "~^{blank}{pattern}{blank}$" "$6{number}{spelled}$3$4$5";')
    lines.append("}")
    return "\n".join(lines)


def if_modified_since_maps() -> str:
    """`$feeds_ims_ignored`: "1" when the request's If-Modified-Since is to be ignored as the
    app ignores it (`feeds.http_dates.if_modified_since`): present but not exactly one valid
    HTTP-date. Such a request is served from a location with `if_modified_since off` (200,
    whatever nginx's own, lenient reading of the date would say: it reads any weekday,
    trailing text and day 00). A valid date later than the clock is compared as any other
    (RFC 9110 13.1.3), as the app does.

    `$feeds_ims_key` is the date as 14 digits (`date_key_map`).
    """
    lines = [
        "# If-Modified-Since read as the app reads it (feeds.http_dates).",
        date_key_map("http_if_modified_since", "feeds_ims_key"),
        "map $feeds_ims_key $feeds_ims_ignored {",
        '    default "";',
        '    "" "";',
        '    "x" "1";',
        "}",
    ]
    return "\n".join(lines)


# A day the month does not have, in each form, which nginx's date parser refuses (and then
# answers If-Unmodified-Since with 412) while the app ignores the header: 31 Apr, 30 Feb, 29 Feb
# of a common year (the rfc850-date's two digits as nginx places them: 00-69 in 20xx).
_LEAP4 = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_LEAP2 = "(?:[02468][048]|[13579][26])"
IMPOSSIBLE_DAY: Final = (
    rf"[A-Za-z]+, (?:31 (?:Apr|Jun|Sep|Nov)|3[01] Feb|29 Feb (?!{_LEAP4} ))"
    rf"|[A-Za-z]+, (?:31-(?:Apr|Jun|Sep|Nov)|3[01]-Feb|29-Feb-(?!{_LEAP2} ))"
    rf"|[A-Za-z]+ (?:(?:Apr|Jun|Sep|Nov) 31|Feb 3[01]|Feb 29 [0-9:]{{8}} (?!{_LEAP4}$))"
)


def preconditions_map() -> str:
    """If-Match and If-Unmodified-Since, as the app weighs them (`feeds.etag
    .precondition_status`), decided here so that nginx's own tests (which answer a 412 of
    their own, labelled with the document's type) never run:

    - `$feeds_precondition_failed`: "text" or "json" (the app's form of the 412 for the URI,
      `$feeds_error_form`) when an If-Match holds none of the document's tags
      (`$feeds_if_match` "fail"), or, without If-Match, an If-Unmodified-Since that is one
      valid HTTP-date, a day its month has, is earlier than the document's Last-Modified
      (`$feeds_lm_key`; a document without one ignores it, as in the app); "" else.
    - `$feeds_preconditions`: "1" for every other request with either header (an If-Match
      that holds, an If-Unmodified-Since that holds or is ignored), which goes through the
      loopback listener with both removed: nginx compares If-Match with an ETag of its own
      (the export turns it off, so it would answer 412), reads If-Unmodified-Since leniently
      and compares it with the file's time even where the app ignores it.
    """
    return "\n".join(
        [
            "# If-Unmodified-Since read as the app reads it (feeds.http_dates).",
            date_key_map("http_if_unmodified_since", "feeds_ius_key"),
            # "1": the document changed after the date (its Last-Modified is the later).
            'map "$feeds_lm_key:$feeds_ius_key" $feeds_ius_earlier {',
            '    default "";',
            f'    "~^([0-9]*)(?:{GREATER})" "1";',
            "}",
            'map "$feeds_if_match:$feeds_ius_earlier:$http_if_unmodified_since"'
            " $feeds_precondition_status {",
            '    default "";',
            '    "~^fail:" "412";',
            f'    "~^:1:[ \\t]*(?:{IMPOSSIBLE_DAY})" "";',
            '    "~^:1:" "412";',
            "}",
            'map "$feeds_precondition_status:$feeds_error_form" $feeds_precondition_failed {',
            '    default "";',
            '    "412:json" "json";',
            '    "412:text" "text";',
            "}",
            'map "$feeds_precondition_status:$feeds_if_match:$http_if_unmodified_since"'
            " $feeds_preconditions {",
            '    default "1";',
            '    "::" "";',
            '    "~^412:" "";',
            "}",
        ]
    )


# The If-Modified-Since the front sends through the loopback listener for a request whose
# If-None-Match holds (`not_modified_maps`): later than any document's Last-Modified.
NOT_MODIFIED_SINCE: Final = "Fri, 31 Dec 2100 23:59:59 GMT"
# The request header that marks such a request; believed only on the loopback listener.
NOT_MODIFIED_MARK: Final = "X-Feeds-Not-Modified"


def not_modified_maps(loopback: Path) -> str:
    """The 304 as the app sends it: its ETag, Last-Modified, Cache-Control, Vary and
    Content-Location, no Content-Type, Content-Length or Content-Encoding (RFC 9110 8.6,
    15.4.5: a cache freshening its copy with the 304 takes its headers).

    nginx's `return 304` sends `Content-Length: 0` and a `Content-Type` whatever the config
    says; only its own not-modified filter (`if_modified_since`) answers a 304 without them.
    So a request whose If-None-Match holds is sent through the loopback listener with it
    removed, a date later than any document's (`NOT_MODIFIED_SINCE`) as If-Modified-Since
    and `NOT_MODIFIED_MARK`, and there served from a location whose only answer is that
    filter's 304 (`$feeds_not_modified_hop`: the mark, believed only on the loopback
    listener). `$feeds_content_encoding` is the coding's header, none on any 304 (the filter
    leaves the headers `add_header` adds after it)."""
    mark = NOT_MODIFIED_MARK.lower().replace("-", "_")
    return "\n".join(
        [
            f'map "$server_addr:$http_{mark}" $feeds_not_modified_hop {{',
            '    default "";',
            f'    {quote(f"unix:{loopback}:1", variables=False)} "1";',
            "}",
            'map "$status:$feeds_coding" $feeds_content_encoding {',
            "    default $feeds_coding;",
            '    "~^304:" "";',
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
