"""One record of an import into store rows: the same in the importing process and in every
parse worker (`articles.import_pool`).

`Preparer.item` turns a parsed record (`articles.formats.ParsedRecord`) into an `Item`: the
store's rows (`articles.store.prepare_article`, its guid minted where the record has none), or
the one line saying why the record is refused (its own error, the site's rules, the clock).
`Preparer.chunk` does that for a chunk of JSON Lines and packs the answer as a worker sends it
back (`articles.import_pool.Chunk`: each record's verdict, the good rows pickled for the spool).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple, TextIO
from zoneinfo import ZoneInfo

from articles.errors import InvalidArticle
from articles.formats import LineParser, ParsedRecord, RawLine, read_records
from articles.import_pool import Chunk, Verdict
from articles.import_spool import pickled
from articles.service import ArticleCheck, GuidMinter
from articles.store import PreparedArticle, prepare_article

# Why the clock refuses a prepared record at a time (None: it does not), for `Preparer`.
TimeCheck = Callable[[PreparedArticle, datetime, str], InvalidArticle | None]


class Item(NamedTuple):
    """One record ready for the store: its rows, or the line reporting why it was rejected."""

    where: str
    offset: int
    error: str | None
    prepared: PreparedArticle | None


class Preparer:
    """Record -> store rows (guid minted where missing); the same here and in every worker."""

    def __init__(
        self,
        zone: ZoneInfo,
        default_language: str,
        minter: GuidMinter,
        backend: str,
        checks: Sequence[ArticleCheck] = (),
        time_problem: TimeCheck | None = None,
    ) -> None:
        self.lines = LineParser(zone=zone, default_language=default_language)
        self.minter = minter
        self.backend = backend
        self.checks = tuple(checks)
        self.time_problem = time_problem

    def item(self, record: ParsedRecord, now: datetime) -> Item:
        """The record's rows, or why it is refused: its own error, a site rule, the clock
        (`prepared_time_problem` at `now`, the time the input's reading began)."""
        article = record.article
        if record.error is not None or article is None:
            message = str(record.error or f"{record.where}: no article")
            return Item(record.where, record.offset, message, None)
        # The site's rules (a show's https media, ...) and the clock's, every problem of
        # them in the record's one line, as the API lists them in one 422.
        faults = list(dict.fromkeys(pair for check in self.checks for pair in check(article)))
        prepared = prepare_article(self.minter(article), self.backend)
        if self.time_problem is not None:
            problem = self.time_problem(prepared, now, record.where)
            if problem is not None:
                faults.extend(problem.faults)
        if faults:
            (field_name, reason), *_ = faults
            error = InvalidArticle(
                record.where, field_name, reason, article_id=article.id, faults=faults
            )
            return Item(record.where, record.offset, str(error), None)
        return Item(record.where, record.offset, None, prepared)

    def chunk(self, lines: list[RawLine], now: datetime) -> Chunk:
        """A chunk of lines as a worker sends it back: each record's verdict, and the good
        records' rows already pickled for the spool (see `Chunk`)."""
        verdicts: list[Verdict] = []
        good: list[tuple[Any, ...]] = []
        for raw in lines:
            record = self.lines.parse(raw)
            if record is not None:
                where, offset, error, prepared = self.item(record, now)
                verdicts.append((where, offset, error))
                if prepared is not None:
                    good.append(tuple(prepared))
        return verdicts, pickled(good)


def in_process(
    preparer: Preparer,
    source: str,
    now: datetime,
    zone: ZoneInfo,
    default_language: str,
    stdin: TextIO | None,
) -> Iterator[Item]:
    for record in read_records(source, zone=zone, default_language=default_language, stdin=stdin):
        yield preparer.item(record, now)
