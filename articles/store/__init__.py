"""The article database: tables, upsert, delete with tombstones, and the feed queries by Facet.

A package split by concern, like lemon24/reader's storage:

- `schema`   the tables (SQLAlchemy Core); the Alembic migrations create and change them
- `engine`   database URLs, the engine, SQLite pragmas and WAL, SQLAlchemy error translation
- `facets`   each facet kind defined once (`FacetKind` in `FACET_KINDS`), `Facet`
- `model`    the value types queries return (EntryKey, FacetInfo, UpsertResult)
- `write`    article -> rows, upsert, delete with tombstones, facet counts
- `read`     the feed and admin queries
- `migrate`  Alembic configuration and revisions
- `reads`    `StoreReads`, the read methods of `Store` (a mixin)
- `core`     `Store`, tying them together: connections, migrations, transactions

Everything callers use is re-exported here: `from articles.store import Store, Facet, ...`.
"""

from articles.store.core import WRITE_LOCK_KEY, Store
from articles.store.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    SQLITE_PAGE_SIZE,
    SQLITE_WRITE_CACHE_KIB,
    normalise_url,
)
from articles.store.facets import (
    ALL,
    FACET_KINDS,
    KIND_BY_SEGMENT,
    SELECTED_KINDS,
    Episodes,
    Facet,
    FacetKind,
    FacetKindName,
    article_facets,
)
from articles.store.migrate import MIGRATION_LOCK_KEY, MIGRATIONS_DIR, alembic_config
from articles.store.model import (
    EntryKey,
    FacetInfo,
    GuidHolders,
    MonthSummary,
    PageRow,
    Tombstone,
    TranslationLink,
    UpsertResult,
)
from articles.store.read import month_bounds
from articles.store.rows import PreparedArticle, prepare_article
from articles.store.schema import (
    articles_table,
    authors_table,
    change_sequence_table,
    deleted_table,
    embargo_lifts_table,
    facet_changes_table,
    facet_counts_table,
    languages_table,
    metadata,
    retired_guids_table,
    stamped_ahead_table,
    tags_table,
    tombstones_table,
    translations_table,
)
from articles.store.write import CHUNK_SIZE, StoreTransaction

__all__ = [
    "ALL",
    "CHUNK_SIZE",
    "FACET_KINDS",
    "KIND_BY_SEGMENT",
    "MIGRATIONS_DIR",
    "MIGRATION_LOCK_KEY",
    "SQLITE_BUSY_TIMEOUT_MS",
    "SQLITE_PAGE_SIZE",
    "SELECTED_KINDS",
    "SQLITE_WRITE_CACHE_KIB",
    "WRITE_LOCK_KEY",
    "EntryKey",
    "Episodes",
    "Facet",
    "FacetInfo",
    "FacetKind",
    "FacetKindName",
    "GuidHolders",
    "MonthSummary",
    "PageRow",
    "PreparedArticle",
    "Store",
    "StoreTransaction",
    "Tombstone",
    "TranslationLink",
    "UpsertResult",
    "alembic_config",
    "article_facets",
    "articles_table",
    "authors_table",
    "change_sequence_table",
    "deleted_table",
    "embargo_lifts_table",
    "facet_changes_table",
    "facet_counts_table",
    "languages_table",
    "metadata",
    "month_bounds",
    "normalise_url",
    "prepare_article",
    "retired_guids_table",
    "stamped_ahead_table",
    "tags_table",
    "tombstones_table",
    "translations_table",
]
