"""When two labels are the same label, and the numbered slugs that keep different labels apart.

A tag or author is known by its label (a tag's text, an author's name). Two spellings are the
same label when a reader cannot tell them apart by letters: Unicode's compatibility caseless
match (The Unicode Standard, 3.13, D145: NFKC and full case folding, applied until stable), a
combining dot above dropped where it sits on a letter that already has its dot (a Soft_Dotted
letter such as i or j: full case folding turns the Turkish capital `İ` into `i` + U+0307), and
runs of white space collapsed. So `C++`, `c++` and `C++ ` are one label, and so are
`İstanbul`, `ISTANBUL` and `istanbul`; `C++`, `C#` and `C` are three, and so are `ı`
(dotless) and `i`, `o` and `ö`. Hangul is left as NFKC leaves it. Characters that show nothing
(Unicode's Default_Ignorable_Code_Point: zero-width space, joiners, soft hyphen, variation
selectors, the byte order mark, ...) are no letters and are left out, as Unicode's
NFKC_Casefold leaves them out: `외교` and `외` U+200B `교` are one label.

Different labels get different slugs even when their slugs would be the same (`c`): the
store's slug registry gives the first label the slug itself and later ones `c-2`, `c-3`, ...
(see `articles.store.slugs`), and never changes a slug once given.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

# The longest slug the registry gives (a record's own slug may have 100 characters).
MAX_SLUG: Final = 100

# Unicode's Soft_Dotted property (PropList.txt, unchanged since Unicode 14): letters whose dot
# an accent above replaces. Only the ones still there after NFKC and case folding matter.
SOFT_DOTTED: Final = frozenset(
    "\u0069\u006a\u012f\u0249\u0268\u029d\u02b2\u03f3\u0456\u0458\u1d62\u1d96\u1da4\u1da8"
    "\u1e2d\u1ecb\u2071\u2148\u2149\u2c7c\U0001df1a\U0001e04c\U0001e04d\U0001e068"
    + "".join(chr(0x1D422 + 52 * n + i) for n in range(13) for i in (0, 1))
)
COMBINING_DOT_ABOVE: Final = "\u0307"
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15): what
# NFKC_Casefold removes.
DEFAULT_IGNORABLE: Final = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_ABOVE: Final = 230  # canonical combining class "Above"


@lru_cache(maxsize=65536)
def label_key(label: str) -> str:
    """The label's identity (`' İstanbul '` -> `'istanbul'`, `'C++'` -> `'c++'`): see the
    module's docstring for the rule. Idempotent; NFKC text without white space runs, letters
    case-folded, default-ignorable characters left out."""
    folded = unicodedata.normalize("NFKD", DEFAULT_IGNORABLE.sub("", label))
    while True:  # D145's NFKD(casefold(NFKD(casefold(NFD(x))))): until folding is stable
        refolded = unicodedata.normalize("NFKD", folded.casefold())
        if refolded == folded:
            break
        folded = refolded
    if COMBINING_DOT_ABOVE in folded:
        folded = _without_soft_dots(folded)
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def _without_soft_dots(decomposed: str) -> str:
    """Drop each U+0307 that follows a Soft_Dotted letter with no mark of class 0 or 230
    between (SpecialCasing's After_Soft_Dotted): there the dot is the letter's own."""
    kept: list[str] = []
    soft = False
    for char in decomposed:
        if char == COMBINING_DOT_ABOVE and soft:
            continue
        combining = unicodedata.combining(char)
        if combining == 0:
            soft = char in SOFT_DOTTED
        elif combining == _ABOVE:
            soft = False
        kept.append(char)
    return "".join(kept)


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
