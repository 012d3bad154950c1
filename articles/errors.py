"""The errors the articles package raises, each naming the record and field it is about."""

from __future__ import annotations


class ArticleError(Exception):
    """Base of every error about article records."""


class InvalidArticle(ArticleError):
    """A record that cannot become an Article.

    `where` names the input (`seed.json: record 3` or `feed.jsonl: line 12`), `field` the
    offending field (dotted for nested ones, e.g. `image.url`) and `reason` the problem, so the
    message reads `seed.json: record 3: published: cannot read '2025/13/45' as a date`.
    """

    def __init__(self, where: str, field: str, reason: str) -> None:
        self.where = where
        self.field = field
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.where, self.field, self.reason) if p]
        return ": ".join(parts)


class UnreadableInput(ArticleError):
    """A whole input that cannot be read: missing file, bad JSON document, unknown format."""


class ArticleNotFound(ArticleError):
    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(f"no article with id {article_id!r}")
