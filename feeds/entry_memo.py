"""The entry memo: built feed entries kept per process, reused for equal articles.

`feeds.model.build_feed` builds each article's `Entry` as `feeds.entry_build.build_entry`
does, a pure function of the article and the document's inputs; `EntryMemo` keeps what it
built so the next feed holding the same article (any feed, any format) skips the text and URL
work. `ENTRY_MEMO` is the process's memo, the default of `build_feed`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from articles.model import Article
    from feeds.feed_types import Entry


class EntryMemo:
    """A bounded per-process memo of built entries, so a feed whose articles were built before
    (in any feed, any format) builds them without redoing the text and URL work.

    `feeds.entry_build.build_entry` is a pure function of the article and the document's
    `base_url`, the article's link (`article.url`, else `article_url(article)`) and the default
    author; an entry is reused only when all of these are equal to the ones it was built from:
    the whole Article compared field by field (a corrected story keeps its id and may keep its
    `updated`), and its `published`/`updated` offsets too (equal instants in another offset are
    written differently). So a hit gives exactly the Entry a build would give.

    Bounded by the characters of the bodies it holds (`max_chars`, about 1 to 4 bytes each,
    and up to 3 more for a body's UTF-8 form, which CPython keeps with a string once `orjson`
    has written it: the model's text check and the JSON Feed writer do); the least recently
    used entries go first, and an article whose body alone is more than
    a sixteenth of the bound is never kept. Thread-safe. The memo is a cache of a pure
    function: it never changes what a document says, only how long it takes.
    """

    def __init__(self, max_chars: int = 8_000_000) -> None:
        """An empty memo holding at most `max_chars` characters of bodies (0 keeps nothing).

        Raises ValueError for a negative `max_chars`.
        """
        if max_chars < 0:
            raise ValueError(f"max_chars: must be zero or more, got {max_chars}")
        self.max_chars = max_chars
        self._largest = max_chars // 16
        self._items: OrderedDict[tuple[Any, ...], tuple[Article, Entry, int]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """The number of entries held."""
        return len(self._items)

    def clear(self) -> None:
        """Drop every entry held."""
        with self._lock:
            self._items.clear()
            self._chars = 0

    def get(self, key: tuple[Any, ...], article: Article) -> Entry | None:
        """The entry built from an article equal to `article` under `key`, else None.

        `key` is the caller's tuple of the build's other inputs (`build_entry` uses the article
        id and `updated`, `base_url`, the link and the default author). A hit makes the entry
        the most recently used.
        """
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
        built_from, entry, _ = found
        if built_from is article or (
            built_from == article
            and built_from.published.utcoffset() == article.published.utcoffset()
            and built_from.updated.utcoffset() == article.updated.utcoffset()
        ):
            return entry
        return None

    def put(self, key: tuple[Any, ...], article: Article, entry: Entry) -> None:
        """Keep `entry`, built from `article` with the inputs in `key`, replacing any entry under
        `key`; the least recently used go until the memo is within `max_chars` again. An entry
        whose size (256 plus the characters of the body and of the content when it differs)
        is above `max_chars // 16` is not kept.
        """
        body = article.body_html
        size = 256 + len(body) + (len(entry.content_html) if entry.content_html is not body else 0)
        if size > self._largest:
            return
        with self._lock:
            previous = self._items.pop(key, None)
            if previous is not None:
                self._chars -= previous[2]
            self._items[key] = (article, entry, size)
            self._chars += size
            while self._chars > self.max_chars and self._items:
                _, (_, _, dropped) = self._items.popitem(last=False)
                self._chars -= dropped


# The memo `feeds.model.build_feed` uses unless it is given another (or None).
ENTRY_MEMO = EntryMemo()
