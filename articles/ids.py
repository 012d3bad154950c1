"""Entry ids: the RFC 4151 `tag:` URI every feed uses for an article.

A guid is minted once, when the store first sees an article, and kept forever after: it is
built only from the site's tagging entity and the newsroom's own article id, never from a URL,
host, title or section, so none of those can change it.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from articles.errors import InvalidValue

# RFC 4151: taggingEntity = authorityName "," date; date = YYYY ["-" MM ["-" DD]].
_AUTHORITY = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[^@\s,]+@[A-Za-z0-9.-]+)"
    r",(?P<date>\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?)$"
)
# Characters RFC 4151's `specific` part may hold unescaped (pchar minus the ones XML or
# readers handle badly); everything else, including non-ASCII, is percent-encoded as UTF-8.
_SAFE = "-._~:@!$()*+,;="


def mint_guid(tag_authority: str, article_id: str) -> str:
    """The tag URI for an article: `tag:<authority>,<date>:article/<percent-encoded id>`.

    `tag_authority` is the site's tagging entity, e.g. `feeds.example.org,2025`. Raises
    InvalidValue (a ValueError) when it is not `authority,date` or the id is empty.
    """
    authority = tag_authority.strip()
    if not _AUTHORITY.match(authority):
        raise InvalidValue(
            "tag_authority",
            "must be 'authority,date' as RFC 4151 says, "
            f"e.g. 'example.org,2025', got {tag_authority!r}",
        )
    if not article_id:
        raise InvalidValue("article id", "must not be empty")
    return f"tag:{authority}:article/{quote(article_id, safe=_SAFE)}"


def minted_id(tag_authority: str, guid: str) -> str | None:
    """The article id whose minted guid `guid` is under `tag_authority` (`mint_guid` read
    backwards), or None when no id mints it: another form, another authority, or a spelling
    `mint_guid` never writes (`article/y%39` is not the guid of `y9`, whose is `article/y9`).

    The site's minted guids are its own: an article given one of them explicitly would take
    the entry id that the article with that id gets when it is stored.
    """
    prefix = f"tag:{tag_authority.strip()}:article/"
    if not guid.startswith(prefix):
        return None
    try:
        article_id = unquote(guid[len(prefix) :], errors="strict")
        return article_id if mint_guid(tag_authority, article_id) == guid else None
    except (UnicodeDecodeError, InvalidValue):  # bytes that are no UTF-8; an empty id
        return None
