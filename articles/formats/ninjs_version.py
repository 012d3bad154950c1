"""Which ninjs a document is: placeholder during the split."""

from articles.formats.ninjs import article_from_ninjs, is_ninjs

__all__ = ["article_from_ninjs", "is_ninjs"]
