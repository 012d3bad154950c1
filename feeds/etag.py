"""Validators of a feed document computed from the database alone, without rendering it.

The ETag hashes everything the document shows: the settings (config fingerprint), the public
base URL (self and entry links are absolute), the code's output version, the format, the query
(facet, page, limit or archive month), each entry's (id, guid, updated), and the paging state
(total visible count, so the `last` link) and archive neighbours (prev/next-archive links).
An article's `updated` moves whenever its record changes (the store replaces a record only when
`updated` is newer), so equal keys mean equal bytes. Visibility is computed for an explicit
`now`: when an embargoed article becomes visible the page's keys change and so does the ETag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib import metadata
from pathlib import Path

from articles.store import EntryKey


def output_version(sources: Iterable[Path]) -> str:
    """A hash of the code that turns rows into bytes (feed model, writers, links).

    Any change to that code, deployed without a version bump, still gives new tags, so no
    cache keeps old bytes under a tag that now means different ones.
    """
    digest = hashlib.blake2b(digest_size=8)
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()


_PACKAGE = Path(__file__).resolve().parent
OUTPUT_SOURCES = [
    _PACKAGE / "model.py",
    _PACKAGE / "http.py",
    _PACKAGE / "pages.py",
    *sorted((_PACKAGE / "writers").glob("*.py")),
]
OUTPUT_VERSION = output_version(OUTPUT_SOURCES)
try:
    PACKAGE_VERSION = metadata.version("newsroom-feeds")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    PACKAGE_VERSION = "0"

ENCODING_SUFFIX: dict[str, str] = {"gzip": "-gz", "br": "-br"}


def document_etag(
    *,
    fingerprint: str,
    base_url: str,
    fmt: str,
    facet_kind: str,
    facet_value: str,
    page: int,
    limit: int,
    month: str | None,
    keys: Sequence[EntryKey],
    total: int,
    archive_links: Iterable[str | None],
) -> str:
    """The opaque part of the document's strong ETag (no quotes, no encoding suffix)."""
    h = hashlib.blake2b(digest_size=16)
    head = "\x1f".join(
        (
            OUTPUT_VERSION,
            PACKAGE_VERSION,
            fingerprint,
            base_url,
            fmt,
            facet_kind,
            facet_value,
            str(page),
            str(limit),
            month or "",
            str(total),
            *(link or "" for link in archive_links),
        )
    )
    h.update(head.encode())
    for key in keys:
        h.update(f"\x1e{key.id}\x1f{key.guid}\x1f{key.updated.isoformat()}".encode())
    return h.hexdigest()


def quoted(opaque: str, encoding: str | None) -> str:
    """The ETag header value for one representation: a strong tag distinct per encoding."""
    return f'"{opaque}{ENCODING_SUFFIX.get(encoding or "", "")}"'


def if_none_match_matches(header: str, opaque: str) -> bool:
    """Whether an If-None-Match header matches any encoding of this document.

    GET uses the weak comparison (RFC 9110 13.1.2): a `W/` prefix is ignored. A tag we gave out
    for the gzip or Brotli variant matches too, since the content is the same.
    """
    header = header.strip()
    if header == "*":
        return True
    accepted = {f'"{opaque}{suffix}"' for suffix in ("", *ENCODING_SUFFIX.values())}
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag in accepted:
            return True
    return False


def last_modified(keys: Iterable[EntryKey], now: datetime) -> datetime | None:
    """The newest `updated` among the keys, never later than now, in whole seconds (UTC)."""
    newest = max((k.updated for k in keys), default=None)
    if newest is None:
        return None
    return min(newest, now).astimezone(UTC).replace(microsecond=0)


def not_modified_since(header: str, modified: datetime | None) -> bool:
    """Whether If-Modified-Since says the client's copy is current; invalid dates are ignored."""
    if modified is None:
        return False

    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    if since is None:
        return False
    if since.tzinfo is None:
        # RFC 9110 dates are GMT; a date without a zone is read as such.
        since = since.replace(tzinfo=UTC)
    return modified <= since
