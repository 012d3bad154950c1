"""What the app answers 410 Gone, in the export: the answers kept and how nginx finds them.

The app answers 410 Gone (`Cache-Control: no-cache`, no validators, whatever the request's
conditions and codings) for the page of an article deleted while it was public
(`feeds.pages._gone`) and for every document of a gone feed: one whose every entry readers
saw was removed, once their tombstones' period is over (`feeds.documents.Documents._missing`).
A gone feed's answer is the same for each of its documents but for the format: its live
document, each of its pages (`?page=N`, any page number, past the end too) and the archive of
any month the store can bound (one it had or not), text, or JSON on a `.json` URL and where
`Accept` chooses JSON Feed (RFC 9110 15.5.11).

It answers 410 as well for the archive of a month a feed that lives on lost every entry of,
once their tombstones' period is over (`Documents._describe_archive`).

The export keeps each such answer as a document of its own (`Exported.status` 410): a deleted
article's page, a gone feed's live document in each format (`gone_feed_documents`) and a gone
month's archive in each format (`gone_month_documents`), each asked of the app with a state
that says what it shows (`gone_state`). The rest of a gone
feed cannot be listed (any page, any month), so the nginx config answers it by rule
(`gone_maps`): a request URI in the form of a page (`<feed>.atom?page=N`, N in the app's one
spelling) or of a month's archive (`<feed>/archive/YYYY-MM.atom`, a month the app takes), with
a format or without one (then `Accept` chooses it), is answered with the live document's 410
of that format when the feed's live document is kept gone. A URI the app refuses before it
looks at the feed (a page `0` or `02`, a month `2025-13`, paging on an archive, a second
`page`) gets nginx's 404, as any URI not exported (the app: 400 or 404); so does a query
string the export does not write (`?limit=5`, `?utm_source=x`), as for every other feed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Final

from articles.store import Facet, Store
from feeds.export.files import GONE_STATE
from feeds.export.maps import GONE_FEED_KEY
from feeds.urls import FORMATS, archive_path, feed_path

# A month the app takes in an archive URL (`feeds.query.is_month`): YYYY-MM whose bounds the
# store can represent (not year 0000, not 9999-12, whose end is in year 10000).
MONTH_REGEX: Final = r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])(?<!9999-12)"
# A page in the one spelling the app writes (`feeds.query.CANONICAL_NUMBER`), as the export
# writes a page's URI (`feeds.urls.paged_path`: `page` only).
PAGE_REGEX: Final = r"(?:\?page=[1-9][0-9]*)?"


def gone_state(version: str, removed_at: datetime) -> str:
    """The state of a deleted article's page or a gone feed's document: what its 410 Gone
    shows (when the article or the feed's last entry went, made by this code with these
    settings: `version`, "<OUTPUT_VERSION>|<settings fingerprint>"), as an article page's
    state is."""
    return f"{GONE_STATE}|{version}|{removed_at.isoformat()}"


def gone_feed_documents(
    store: Store, version: str, facet: Facet, now: datetime
) -> list[tuple[str, str]]:
    """The live documents of a feed that may be gone, one per format, with their state: the
    app answers 410 Gone there once every entry it showed was removed and the tombstones'
    period is over (`Documents.describe`), saying when the last one went. [] for a feed that
    never lost an entry readers saw (the app's 404)."""
    removed = store.last_removal(facet, now=now)
    if removed is None:
        return []
    state = gone_state(version, removed)
    return [(feed_path(facet, fmt), state) for fmt in FORMATS]


def gone_month_documents(
    store: Store, version: str, facet: Facet, now: datetime, archives: Collection[str]
) -> list[tuple[str, str]]:
    """The archives, each format's, of the months a feed that lives on lost every entry of
    long ago, with their state: a month in which it lost an entry readers saw
    (`Store.removals_by_month`) that has no archive now (`archives`:
    `Documents.archive_months`, the months with entries or with tombstones shown) is the
    app's 410 Gone (`Documents._describe_archive`), saying when its last entry went."""
    return [
        (archive_path(facet, month, fmt), gone_state(version, removed))
        for month, removed in sorted(store.removals_by_month(facet, now=now).items())
        if month not in archives
        for fmt in FORMATS
    ]


def gone_maps(feeds: str) -> str:
    """The config's maps that find what the app answers 410 Gone for a request.

    `feeds` is the regex of the site's `/feeds/` path (its prefix included). Gives
    `$feeds_gone_feed_key`, the live document a URI under a feed is answered from when the
    feed is gone (its stem and the format: the URI's extension, else the one `Accept` chooses),
    which the maps `$feeds_gone_feed` and `$feeds_gone_feed_cache` look up
    (`feeds.export.maps.DOCUMENT_MAPS`); `$feeds_gone_file`, the file of the 410's body (the
    document's own, else its gone feed's; never for a tag's or author's label URI, which the
    app answers 404 when its slug's feed is gone); and `$feeds_gone_cache_control`."""
    stem = rf"{feeds}(?:[^/?]+/)?[^/?]+?"  # `/feeds/all`, `/feeds/tag/x` (any name)
    bare = rf"{feeds}(?:[^/?]+/)?[^/?.]+"  # ... with no dot in the last segment
    fmt = "(" + "|".join(FORMATS) + ")"
    return "\n".join(
        [
            # The format goes first in the key: its own regexes are done before these
            # captures are read.
            f'map "$feeds_format:$feeds_uri" {GONE_FEED_KEY} {{',
            '    default "";',
            f'    "~^[^:]*:({stem})\\.{fmt}{PAGE_REGEX}$" "$1.$2";',
            f'    "~^[^:]*:({stem})/archive/{MONTH_REGEX}\\.{fmt}$" "$1.$2";',
            f'    "~^([a-z]+):({bare}){PAGE_REGEX}$" "$2.$1";',
            f'    "~^([a-z]+):({bare})/archive/{MONTH_REGEX}$" "$2.$1";',
            "}",
            # The document's own 410, else its gone feed's.
            "map $feeds_gone $feeds_gone_any {",
            "    default $feeds_gone;",
            '    "" $feeds_gone_feed;',
            "}",
            "map $feeds_gone $feeds_gone_cache_control {",
            "    default $feeds_cache_control;",
            '    "" $feeds_gone_feed_cache;',
            "}",
            'map "$feeds_label_slug:$feeds_gone_any" $feeds_gone_file {',
            '    default "";',
            '    "~^:(.+)$" "$1";',
            "}",
        ]
    )


def gone_location() -> list[str]:
    """The server block's location that answers a 410: the body's file, its type (by the
    file's type key) and Cache-Control, and `Vary: Accept` where the format was negotiated;
    nothing else, whatever the request's conditions and codings (as the app)."""
    return [
        "    location = /_feeds_gone {",
        "        internal;",
        "        add_header Cache-Control $feeds_gone_cache_control always;",
        "        add_header Vary $feeds_error_vary always;",
        "        try_files $feeds_gone_file =404;",
        "    }",
    ]
