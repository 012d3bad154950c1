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

from feeds.http_dates import (
    ASCTIME_DATE,
    ASCTIME_DAY,
    HTTP_DATE,
    IMF_FIXDATE,
    MONTH,
    MONTHS,
    RFC850_DATE,
)

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


# Matches "A:B" of two digit strings of one length when A is the greater: a common prefix,
# then a greater digit (the backreference reads the prefix again after the colon).
GREATER: Final = "|".join(f"{d}[0-9]*:\\1[0-{d - 1}]" for d in range(1, 10))


def if_modified_since_maps() -> str:
    """`$feeds_ims_ignored`: "1" when the request's If-Modified-Since is to be ignored as the
    app ignores it (`feeds.http_dates.if_modified_since`): present but not exactly one valid
    HTTP-date. Such a request is served from a location with `if_modified_since off` (200,
    whatever nginx's own, lenient reading of the date would say: it reads any weekday,
    trailing text and day 00). A valid date later than the clock is compared as any other
    (RFC 9110 13.1.3), as the app does.

    `$feeds_ims_key` is the date as 14 digits (YYYYMMDDhhmmss, the year of an rfc850-date as
    nginx places it), "x" for a value that is not an HTTP-date, "" for none.
    """
    month_keys = [(name, f"{number:02d}") for number, name in enumerate(MONTHS, start=1)]
    blank = "[ \\t]*"
    lines = [
        "# If-Modified-Since read as the app reads it (feeds.http_dates).",
        "map $http_if_modified_since $feeds_ims_key {",
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
    lines += [
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
    """`map "$feeds_if_match:$http_if_unmodified_since" $feeds_preconditions`: "1" when nginx's
    own test of If-Match or If-Unmodified-Since would answer otherwise than the app, so the
    request goes through the loopback listener with both headers removed: an If-Match that
    holds (nginx compares it with an ETag of its own, which the export turns off, so it would
    answer 412), or, without If-Match, an If-Unmodified-Since that is not an HTTP-date
    (`feeds.http_dates.HTTP_DATE`) or names a day its month does not have (nginx answers 412;
    the app ignores it). A failing If-Match is answered 412 before this."""
    return "\n".join(
        [
            'map "$feeds_if_match:$http_if_unmodified_since" $feeds_preconditions {',
            '    default "1";',
            '    ":" "";',
            f'    "~^:(?:{IMPOSSIBLE_DAY})" "1";',
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
