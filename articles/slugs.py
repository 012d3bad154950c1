"""When two labels are the same label, and the numbered slugs that keep different labels apart.

A tag or author is known by its label (a tag's text, an author's name). Two spellings are the
same label when they agree after Unicode NFKC normalisation, case folding and collapsing runs
of white space (`C++`, `c++` and `C++ ` are one label; `C++`, `C#` and `C` are three). Different
labels get different slugs even when their slugs would be the same (`c`): the store's slug
registry gives the first label the slug itself and later ones `c-2`, `c-3`, ... (see
`articles.store.slugs`), and never changes a slug once given.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

# The longest slug the registry gives (a record's own slug may have 100 characters).
MAX_SLUG: Final = 100


@lru_cache(maxsize=65536)
def label_key(label: str) -> str:
    """The label's identity: NFKC, case-folded, white space collapsed (`' C++ '` -> `'c++'`)."""
    return " ".join(unicodedata.normalize("NFKC", label).casefold().split())


def numbered(base: str, number: int) -> str:
    """The `number`-th slug for `base`: the base itself for 1, else `base-<number>`.

    The base is shortened (at a hyphen when one is near the end) so the result stays within
    MAX_SLUG characters.
    """
    if number <= 1:
        return base[:MAX_SLUG]
    suffix = f"-{number}"
    room = MAX_SLUG - len(suffix)
    stem = base if len(base) <= room else base[:room].rstrip("-")
    return f"{stem}{suffix}"
