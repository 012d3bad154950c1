"""Clock sanity: what times a write may carry, against the server's clock at the time of writing.

`updated` is when a version was written, so it may never be in the future: a record dated
2052 by a typo would otherwise be served as updated in 2052 and make every later correction
look older. A future `published` on a published record is an embargo only by intent: the
record must say so with `embargoed` (ninjs: `embargoed`, 3.x `embargoedUntil`) set to that
time; otherwise it is refused as a mistake. Drafts and withheld records may carry any
planned `published`. Both rules allow `max_skew` (a few minutes) for clocks that disagree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from articles.errors import InvalidArticle

DEFAULT_MAX_SKEW: Final = timedelta(minutes=5)


def how_far(delta: timedelta) -> str:
    """A duration for messages: `26 years`, `3 days`, `2 hours`, `7 minutes`."""
    seconds = delta.total_seconds()
    for size, unit in ((365.25 * 86400, "year"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' * (count != 1)}"
    return f"{int(seconds)} seconds"


def time_problem(
    article_id: str,
    *,
    status: str,
    published: datetime,
    updated: datetime,
    embargoed: datetime | None,
    now: datetime,
    max_skew: timedelta = DEFAULT_MAX_SKEW,
    where: str = "",
) -> InvalidArticle | None:
    """Why a version with these times cannot be written at `now`, or None when it can.

    The error names the record (`where`, else `article 'id'`), the field and what to do.
    """
    limit = now + max_skew
    if (status != "published" or published <= limit or embargoed == published) and (
        updated <= limit
    ):
        return None  # the common case: the message parts below are built only when needed
    where = where or f"article {article_id!r}"
    clock = now.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if status == "published" and published > limit and embargoed != published:
        return InvalidArticle(
            where,
            "published",
            f"{published.isoformat()} is {how_far(published - now)} ahead of the server's "
            f"clock ({clock}); to hold the story until then, send that time as `embargoed` "
            "(an embargo), or send it as a draft",
            article_id=article_id,
        )
    if updated > limit:
        if updated == published and status != "published":
            # Most likely no `updated` was given and it was read as the planned publish time.
            return InvalidArticle(
                where,
                "updated",
                f"{updated.isoformat()} (the planned `published`, which `updated` is when a "
                f"record gives none) is {how_far(updated - now)} ahead of the server's clock "
                f"({clock}); a {status} planned for later gives `updated`, the time this "
                "version was written (the publishing API stamps it)",
                article_id=article_id,
            )
        return InvalidArticle(
            where,
            "updated",
            f"{updated.isoformat()} is {how_far(updated - now)} ahead of the server's clock "
            f"({clock}); `updated` is when this version was written and may not be in the "
            "future (a typo in the date?)",
            article_id=article_id,
        )
    return None
