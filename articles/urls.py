"""URL rules: what an IRI cannot hold, and the URL a record's field may give.

- `uri_safe` / `is_iri`: the characters RFC 3987 allows nowhere in an IRI, percent-encoded as
  its UTF-8 octets (never changing what the link names); the body's links
  (`articles.text.sanitize_html`) and the records' URL fields both go through it.
- `canonical_url`: an absolute http(s) URL (RFC 3986; IRIs allowed, scheme written in lower
  case) or a site path starting with `/`, with the WHATWG URL standard's leniencies; its host
  by `host_problem` (DNS's labels and lengths, IPv4, no address in brackets) and its port 1 to
  65535. A refusal is a `URLError` saying why, which the record's reader
  (`articles.formats.values`) reports against the field.
"""

from __future__ import annotations

import html
import ipaddress
import re
from urllib.parse import quote, urlsplit

# What RFC 3987 allows nowhere in an IRI, each character percent-encoded as its UTF-8 octets
# (RFC 3987 section 3.1, which never changes what the link names): the ASCII that RFC 3986
# allows nowhere (controls, space, `"<>\\^`{|}`), a `%` not starting a `%XX` octet, and the
# non-ASCII outside `ucschar` (C1 controls, private use, noncharacters, tag characters), and
# the bidirectional formatting characters an IRI must not contain (RFC 3987 section 4.1: LRM,
# RLM, LRE, RLE, PDF, LRO, RLO; and the isolates Unicode added since, LRI, RLI, FSI, PDI),
# which can make a link display as another. Other non-ASCII stays as it is: links are IRIs.
_PLANE_ENDS = "".join(f"\\U{plane:04X}fffe-\\U{plane:04X}ffff" for plane in range(0x1, 0xF))
_NOT_IN_IRI = re.compile(
    r'[\x00-\x20"<>\\^`{|}\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069'
    r"\ue000-\uf8ff\ufdd0-\ufdef\ufff0-\uffff"
    + _PLANE_ENDS
    + r"\U000e0000-\U000e0fff\U000f0000-\U0010ffff]|%(?![0-9A-Fa-f]{2})"
)
# What a browser removes from a link before reading it (the WHATWG URL standard).
_URL_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
# An http(s) URL with a plain host name and nothing that urlsplit could object to (no user
# info, brackets or port): always accepted by the full check in `canonical_url`, at a fraction
# of its cost.
# After the host: printable ASCII an IRI holds as written (no `"<>\\^`{|}`, `%` only as `%XX`).
# The host's last label has a letter: one of numbers is an IPv4 address, checked in full.
# Its host follows `host_problem`'s rules: labels of 1 to 63 characters that neither begin nor
# end with '-', at most 253 characters in all (a trailing dot aside).
PLAIN_HTTP_URL = re.compile(
    r"[Hh][Tt][Tt][Pp][Ss]?://(?=[A-Za-z0-9.-]{1,253}\.?(?:[/?#]|\Z))"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"(?=[0-9-]*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?"
    r"(?:[/?#](?:[!#$&-;=?-\[\]_a-z~]|%[0-9A-Fa-f]{2})*)?\Z"
)
# A URL's host as `urlsplit` gives it (lower case, no brackets): a registered name of letters,
# digits, '-', '_' and '.' (RFC 3986 reg-name as hosts use it; IDN labels in their Unicode
# form; IPv4 is one), or an IPv6 address. Not an RFC 6874 zone (`[fe80::1%25eth0]`): it names
# an interface of one machine, no reader can follow it, browsers refuse it (WHATWG URL) and the
# W3C Feed Validation Service calls it an invalid character. Label structure is DNS's.
_HOST = re.compile(r"(?:[a-z0-9_.-]|[^\x00-\x7f])+|[0-9a-f:.]*:[0-9a-f:.]*")
# The port after a URL's host, as written (`urlsplit` reads `:0` and refuses `:65536` vaguely).
_PORT = re.compile(r"(?<=[^:\]]):([^:\]@]*)\Z|(?<=\]):(.*)\Z")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
# An HTML character reference with its semicolon (`&amp;`, `&#38;`, `&#x26;`): in a URL it is
# an escaping mistake (a URL copied out of an HTML attribute), never part of the address.
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});"
)
# The authority of a URL after its `scheme://`, as `urlsplit` reads it (RFC 3986 3.2).
_AUTHORITY = re.compile(r"[^/?#]*")


def uri_safe(url: str) -> str:
    """`url` with what a URI cannot hold percent-encoded as its UTF-8 octets, so `a b` -> `a%20b`.

    Follows the WHATWG URL standard for what a browser does with a link: leading and trailing
    white space (Unicode's) and C0 controls dropped, tabs and newlines removed, then each character
    an IRI cannot hold (RFC 3987: space, `"`, `<`, `>`, `\\`, `^`, backtick, `{`, `|`, `}`,
    controls, private use, noncharacters, bidirectional formatting characters) and every `%`
    that does not start a `%XX` octet
    percent-encoded. Other characters outside ASCII are left as they are (an IRI). Idempotent;
    never changes what the link names.
    """
    url = _URL_TAB_OR_NEWLINE.sub("", url.strip().strip(_C0_OR_SPACE))
    return _NOT_IN_IRI.sub(lambda m: quote(m.group(0), safe=""), url)


def is_iri(text: str) -> bool:
    """True when `text` holds nothing `uri_safe` would encode (no space, `"`, `<`, ...)."""
    return _NOT_IN_IRI.search(text) is None


class URLError(ValueError):
    """Why a URL is refused: a message reads `before`, the URL (as it was read so far), then
    `after`; `message` puts the URL in as its caller shows values."""

    def __init__(self, url: str, after: str = "", *, before: str = "") -> None:
        super().__init__(f"{before}{url!r}{after}")
        self.url = url
        self.before = before
        self.after = after

    def message(self, shown: str) -> str:
        """The reason, with `shown` (the URL as the caller shows it) in its place."""
        return f"{self.before}{shown}{self.after}"


def canonical_url(text: str) -> str:
    """The URL `text` (a field's text, cleaned and on one line) as an absolute http(s) URL or a
    site path starting with `/`, in its canonical form; raises URLError saying why it is
    neither.

    An HTML character reference (`&amp;`) is decoded, what an IRI cannot hold after the host is
    percent-encoded (`uri_safe`), the scheme is written in lower case; a user name or password,
    a port that is not 1 to 65535, and a host `host_problem` refuses are refused.
    """
    if "&" in text and ";" in text:
        # `https://x/?a=1&amp;b=2` means `https://x/?a=1&b=2` wherever HTML is read, and
        # feed readers decode RSS link text so: every format then gives the same address.
        # Only whole references are read; `&copy=2` (no semicolon) stays as written.
        text = _CHARACTER_REFERENCE.sub(lambda m: html.unescape(m.group(0)), text)
        unknown = _CHARACTER_REFERENCE.search(text)
        if unknown:
            _no_credentials(text)  # the graver fault, named first
            # `&b;` names no character: readers would drop its `;` in RSS, not elsewhere.
            raise URLError(
                text,
                f" contains {unknown.group(0)!r}, which reads as an HTML "
                "character reference but names none; write '&' as %26",
            )
    if not is_iri(text):
        # `https://cdn.example/Seoul talks.jpg`, as CMSs export file names: a space after
        # the host is `%20`, as every browser sends it (the WHATWG URL standard); so is
        # every other character an IRI cannot hold (`"`, `<`, `{`, `|`, a stray `%`, ...),
        # percent-encoded as RFC 3987 maps it, which never changes the address. Text is
        # single-line here, so other white space is gone; a space in the host is refused.
        scheme, sep, rest = text.partition("://")
        if not sep:
            scheme, rest = "", text if text.startswith("/") else ""
        authority = _AUTHORITY.match(rest).group(0) if sep else ""  # type: ignore[union-attr]
        if rest and " " not in scheme + authority:
            text = scheme + sep + authority + uri_safe(rest[len(authority) :])
    if _SPACE_OR_CONTROL.search(text):
        raise URLError(text, " contains white space; encode it as %20")
    if text.startswith("/") and not text.startswith("//"):
        return text
    if PLAIN_HTTP_URL.match(text):
        # The common case, which the checks below would accept too. The scheme is written
        # in lower case (RFC 3986 6.2.2.1): `HTTPS:` is not a URI scheme JSON Feed's and
        # many readers' checks take.
        return text if text.startswith("http") else _lower_scheme(text)
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is not None and host:
        port = _PORT.search(parts.netloc)
        written = port and (port.group(1) if port.group(1) is not None else port.group(2))
        if written and not (written.isascii() and written.isdigit()):
            raise URLError(text, f": the port {written!r} is not a number")
        if written and not 1 <= int(written) <= 65535:
            raise URLError(text, f": the port {int(written)} is not a port (1 to 65535)")
        try:
            parts.port  # noqa: B018 - urlsplit reads the port only when asked
        except ValueError:
            # `http://host::`, `http://host:1:2`: more than one colon before the path.
            written = parts.netloc.rpartition("@")[2].partition(":")[2]
            raise URLError(text, f": the port {written!r} is not a number") from None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        raise URLError(
            text, before="expected an absolute http(s) URL or a site path starting with '/', got "
        )
    if not _HOST.fullmatch(host) or not is_iri(host):
        raise URLError(
            text,
            f": {host!r} is not a host name (letters, digits, '-' and '.', "
            "or an IP address in brackets)",
        )
    _no_credentials(text)
    problem = host_problem(host, bracketed="[" in parts.netloc)
    if problem:
        raise URLError(text, f": {problem}")
    return _lower_scheme(text)


def _no_credentials(text: str) -> None:
    """Raise URLError when the URL `text` has a user name or password before its host (an `@`
    in its authority, as `urlsplit` reads it)."""
    scheme, sep, rest = text.partition("://")
    if sep and "@" in _AUTHORITY.match(rest).group(0):  # type: ignore[union-attr]
        # RFC 3986 3.2.1 and 7.5: a password in a URI is deprecated, and a feed would
        # publish it to every reader; a user name alone reads as a host (`user@evil`).
        raise URLError(
            text,
            " carries a user name or password before '@' (RFC 3986 3.2.1); "
            "remove them: a feed would publish them to every reader",
        )


def host_problem(host: str, *, bracketed: bool = False) -> str | None:
    """What keeps `host` (a URL's host as `urlsplit` gives it: lower case, without brackets)
    from naming a machine readers can reach, or None.

    A name is DNS's (RFC 1034 3.1, RFC 1123 2.1): labels of 1 to 63 octets (a label in
    Unicode counts in its ASCII form, `xn--...`, RFC 5890) that do not begin or end with '-',
    253 octets in all; one trailing dot (the root) is allowed. A name whose last label is a
    number is an IPv4 address (WHATWG URL reads it so, and browsers refuse one that is not).
    An IPv6 address is refused: the W3C Feed Validation Service, and readers that parse URLs
    by RFC 2396 as it does, call its brackets invalid characters, and a link to an address
    rather than a name is no newsroom's public page.
    """
    if bracketed or ":" in host:
        return (
            f"the host [{host}] is an address in brackets (IPv6); feed validators and "
            "readers that follow RFC 2396 refuse the brackets; give the host's name"
        )
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if "" in labels:
        return f"the host {host!r} has an empty label (two dots in a row, or a dot first)"
    if labels[-1].isdigit():
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return (
                f"{host!r} ends in a number, so it is read as an IPv4 address (four numbers "
                "0 to 255), and it is not one"
            )
        return None
    ascii_length = len(labels) - 1
    for label in labels:
        if label.startswith("-") or label.endswith("-"):
            return f"the host {host!r} has a label that begins or ends with '-': {label!r}"
        octets = len(label) if label.isascii() else len(_a_label(label))
        if octets > 63:
            return f"the host {host!r} has a label of {octets} octets; DNS allows at most 63"
        ascii_length += octets
    if ascii_length > 253:
        return f"the host {host[:40]!r}... is {ascii_length} octets long; DNS allows at most 253"
    return None


def _a_label(label: str) -> str:
    """A label in Unicode as DNS carries it: `xn--` and its Punycode (RFC 3492)."""
    return "xn--" + label.encode("punycode").decode("ascii")


def _lower_scheme(url: str) -> str:
    """`HTTPS://example.org/` -> `https://example.org/`: the scheme in its canonical case."""
    scheme, colon, rest = url.partition(":")
    return f"{scheme.lower()}{colon}{rest}"


__all__ = [
    "PLAIN_HTTP_URL",
    "URLError",
    "canonical_url",
    "host_problem",
    "is_iri",
    "uri_safe",
]
