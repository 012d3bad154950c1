"""Import JSON Lines files into a store with `articles.importer.import_sources`, nothing else.

The process the import benchmark measures when it calls the importer's API directly (rather
than `flask articles import`): no Flask app, the site's default zone, language and authority.

    python bench/import_runner.py sqlite:///x.db corpus.jsonl
"""

from __future__ import annotations

import sys

from articles.importer import import_sources
from articles.store import Store
from feeds.config import SiteConfig


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: import_runner.py DATABASE_URL FILE...", file=sys.stderr)
        return 2
    config = SiteConfig()
    store = Store(argv[0])
    report = import_sources(
        store,
        argv[1:],
        zone=config.zone,
        default_language=config.default_language,
        tag_authority=config.tag_authority,
    )
    print(report.summary())
    for line in report.errors[:20]:
        print(line, file=sys.stderr)
    store.dispose()
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
