"""A write's change times are read as it commits, however long it held the write lock.

An import (`ArticleService.bulk`, `upsert_many`) was dated when its transaction began. Files
imported one after another, the second taking the lock in the second the first committed,
then writing for minutes: a reader in those minutes was sent the first file's second as
`Last-Modified`, and the second file, dated in that same second, left it there when it
committed, so `If-Modified-Since` got a 304 for feeds that had gained its articles. The
feeds', pages' and months' change times a transaction summed are now moved to the time it
commits (never back).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from articles.cli import SERVICE_KEY
from articles.service import ArticleService
from tests.fixtures.app import NOW, Clock, article

# Documents the imported article (an August story in section asia) joins.
DOCUMENTS = [
    "/feeds/all.atom",
    "/feeds/section/asia.rss",
    "/feeds/all/archive/2025-08.atom",
    "/sitemaps/articles-2025-08.xml",
    "/sitemap.xml",
    "/section/asia",
    "/",
]
OLD = NOW - timedelta(days=1)  # the imported record's own times: an archive's


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "upsert_many"])
@pytest.mark.parametrize("path", DOCUMENTS)
def test_a_long_import_moves_last_modified_past_what_readers_were_told(
    app: Flask, clock: Clock, path: str, bulk: bool
) -> None:
    service: ArticleService = app.extensions[SERVICE_KEY]
    client = app.test_client()
    clock.now = NOW + timedelta(microseconds=100)
    service.upsert_many([article("first", OLD - timedelta(hours=1))])  # the first file
    clock.now = NOW + timedelta(microseconds=300)  # the next takes the lock, same second
    seen = {}

    def meanwhile() -> None:
        # The import writes for minutes; a reader fetches in the middle of it.
        clock.now = NOW + timedelta(seconds=60)
        seen["answer"] = client.get(path)
        clock.now = NOW + timedelta(seconds=120)

    new = article("imported", OLD)
    if bulk:
        with service.bulk() as writer:
            writer.write([service.prepare(new)])
            meanwhile()
    else:

        def slow() -> object:
            yield new
            meanwhile()

        service.upsert_many(slow())  # type: ignore[arg-type]
    before = seen["answer"]
    assert before.status_code == 200
    modified = before.headers["Last-Modified"]
    clock.now = NOW + timedelta(seconds=121)
    again = client.get(path, headers={"If-Modified-Since": modified})
    assert again.status_code == 200, (path, modified, again.headers)
    assert again.get_data() != before.get_data()
