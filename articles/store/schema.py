"""The tables, as SQLAlchemy Core objects (the Alembic migrations create and change them).

Times are stored as UTC instants (timestamptz on PostgreSQL, fixed-width UTC text on SQLite so
text order is time order); the article's original offset lives on in the JSON document.
Nothing here depends on the order of a table's columns: every statement names its columns.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from articles.errors import InvalidValue
from articles.store.documents import Doc


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware datetime stored as a UTC instant and read back as an aware UTC datetime.

    SQLite has no time zone type: SQLAlchemy writes the wall-clock digits, so values are
    converted to UTC first, which also makes the fixed-width text sort in time order.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise InvalidValue(
                "datetime", f"naive {value.isoformat()} cannot be stored: add a zone"
            )
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = sa.MetaData()
# Ids break ties in feed order; byte order ("C") on PostgreSQL matches SQLite's, whatever the
# database's default collation, so both back-ends list equal-time articles the same way.
Id = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")

articles_table = sa.Table(
    "articles",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("guid", sa.Text, nullable=False, unique=True),
    sa.Column("slug", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("section_slug", sa.Text),
    sa.Column("section_label", sa.Text),
    sa.Column("source_slug", sa.Text),
    sa.Column("source_label", sa.Text),
    sa.Column("published", UTCDateTime, nullable=False),
    sa.Column("updated", UTCDateTime, nullable=False),
    # Whether the article has audio or video media (`Article.episode_media`): a podcast
    # show's episodes are its section's or tag's articles with this set.
    sa.Column("episode", sa.Boolean, nullable=False, server_default=sa.false()),
    # Last, so SQLite reads the narrow columns without touching the document's overflow pages.
    sa.Column("doc", Doc, nullable=False),
)

# Each feed index ends with (updated, guid) so page_keys is answered from the index alone.
sa.Index(
    "ix_articles_status_published",
    articles_table.c.status,
    articles_table.c.published.desc(),
    articles_table.c.id.desc(),
    articles_table.c.updated,
    articles_table.c.guid,
)
for _column in ("section_slug", "source_slug"):
    sa.Index(
        f"ix_articles_status_{_column}_published",
        articles_table.c.status,
        articles_table.c[_column],
        articles_table.c.published.desc(),
        articles_table.c.id.desc(),
        articles_table.c.updated,
        articles_table.c.guid,
    )
# A show's episodes: the published articles with audio or video, newest first; the show's
# section or tag is checked on each (episodes are a small share of the articles).
sa.Index(
    "ix_articles_status_episode_published",
    articles_table.c.status,
    articles_table.c.episode,
    articles_table.c.published.desc(),
    articles_table.c.id.desc(),
)


def _facet_link_table(name: str, value: str, label: str | None) -> sa.Table:
    """A facet link with status and published copied in, for one-range-scan feeds: one row
    per (article, value), the value's label beside it (None: the value is its own label)."""
    table = sa.Table(
        name,
        metadata,
        sa.Column(
            "article_id",
            Id,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(value, sa.Text, primary_key=True),
        *([sa.Column(label, sa.Text, nullable=False)] if label else []),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("published", UTCDateTime, nullable=False),
    )
    sa.Index(
        f"ix_{name}_{value}_status_published",
        table.c[value],
        table.c.status,
        table.c.published.desc(),
        table.c.article_id.desc(),
    )
    return table


tags_table = _facet_link_table("article_tags", "tag_slug", "tag_label")
authors_table = _facet_link_table("article_authors", "author_slug", "author_name")
# Language feeds by RFC 4647 basic filtering: one row per language range that selects the
# article's tag (articles.languages.language_ranges): `zh-Hant-TW`, `zh-Hant` and `zh` for a
# `zh-Hant-TW` article, so the feed of `zh` is one range scan like a tag's. The article's own
# tag stays in `articles.language`.
languages_table = _facet_link_table("article_languages", "language", None)

# The other language versions each article's record names (articles.model.Translation), so a
# document's ETag can include its entries' counterparts and a page can find the articles that
# name it, both from narrow rows. `other_id` need not be stored (yet): links are made only to
# visible articles.
translations_table = sa.Table(
    "article_translations",
    metadata,
    sa.Column("article_id", Id, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("other_id", Id, primary_key=True),
)
sa.Index("ix_article_translations_other_id", translations_table.c.other_id)

# How many published articles each feed has, whatever their publish time, kept in step by every
# write. A feed's visible count is this minus its embargoed rows (published > now), which are
# few: so counting costs two index seeks instead of a pass over the whole feed.
facet_counts_table = sa.Table(
    "facet_counts",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, primary_key=True),
    sa.Column("published_count", sa.Integer, nullable=False),
)

# Deleted articles: the guid readers knew, when, and what the article was (its own language tag;
# the feeds it was in got their RFC 6721 tombstones in feed_tombstones when it was deleted).
deleted_table = sa.Table(
    "deleted_articles",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("guid", sa.Text, nullable=False),
    sa.Column("deleted_at", UTCDateTime, nullable=False),
    sa.Column("published", UTCDateTime, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("section_slug", sa.Text),
    sa.Column("source_slug", sa.Text),
    sa.Column("tag_slugs", sa.JSON, nullable=False),
    sa.Column("author_slugs", sa.JSON, nullable=False),
)
sa.Index("ix_deleted_articles_deleted_at", deleted_table.c.deleted_at.desc())

# The guid of every article ever deleted, kept for good: an entry id is never another
# article's (RFC 4287 4.2.6; readers deleted the entry with an RFC 6721 tombstone), even once
# that id is published again, under another guid (its `deleted_articles` row and tombstones
# then go). `article_id` is the article that had it; `deleted_at` its first deletion.
retired_guids_table = sa.Table(
    "retired_guids",
    metadata,
    sa.Column("guid", sa.Text, primary_key=True),
    sa.Column("article_id", Id, nullable=False),
    sa.Column("deleted_at", UTCDateTime, nullable=False),
)

# Versions the server dated ahead of the clock (`articles.store.stamps`): a burst of writes
# stamps each a second of its own, up to the lead ahead. `written` is the time of the write
# that stored the version: against an incoming record it counts as of then, not of its stamp
# (a record made after the write replaces it). One row per article whose stored version is
# such a stamp; removed when a version dated otherwise replaces it, or the article goes.
stamped_ahead_table = sa.Table(
    "stamped_ahead",
    metadata,
    sa.Column("article_id", Id, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("written", UTCDateTime, nullable=False),
)

# RFC 6721 tombstones: one row per feed an entry left while readers could have seen it
# (deleted, withdrawn, put back under embargo after it was visible, or taken out of that feed
# alone: a tag, author, section, source, language or an episode's media taken away), written
# by the write that took it away and removed by the write that makes it visible there again.
# `published` places it in its month's archive; `removed_at` is the `when` feeds show, for a
# configured period. `reason` is `MOVED` while the article's stored version is not in that
# feed: such a tombstone is shown however visible the article is elsewhere.
MOVED: Final = "moved"
tombstones_table = sa.Table(
    "feed_tombstones",
    metadata,
    sa.Column("article_id", Id, primary_key=True),
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, primary_key=True),
    sa.Column("guid", sa.Text, nullable=False),
    sa.Column("published", UTCDateTime, nullable=False),
    sa.Column("removed_at", UTCDateTime, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)
sa.Index(
    "ix_feed_tombstones_kind_value_removed_at",
    tombstones_table.c.kind,
    tombstones_table.c.value,
    tombstones_table.c.removed_at.desc(),
)

# When a write last changed what readers of each feed can see (an entry added, corrected,
# withdrawn or deleted): a lower bound of every document's Last-Modified, so deleting the
# newest entry never moves a feed's date backwards. `seq` is the store's change sequence
# (below) as that write left it: the feeds changed since a reading of it are those with a
# higher `seq`, whatever the writers' clocks said (`Store.changed_feeds`).
facet_changes_table = sa.Table(
    "facet_changes",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, primary_key=True),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False, server_default="0"),
)
sa.Index("ix_facet_changes_seq", facet_changes_table.c.seq)

# When a write last changed an article's page other than through the article's own `updated`:
# a linked version in another language appearing, leaving or changing its language or URL
# (`articles.store.linked`), the article replaced with the same `updated` but other content,
# or deleted (its id may come back). A lower bound of the page's Last-Modified, as
# `facet_changes` is of a feed's; rows only for articles such a write touched.
page_changes_table = sa.Table(
    "article_page_changes",
    metadata,
    sa.Column("article_id", Id, primary_key=True),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

# When a write last changed what readers see of the articles published in each UTC month
# ("2025-07"): an article of that month added, corrected, withdrawn, deleted, put back under
# embargo, or moved to or from it (its `published` before and after). What every document
# listing a month's articles (the monthly sitemaps, the news sitemap of the last days) dates
# its changes by, as `facet_changes` dates a feed's; an embargo lifting is no write (the
# article's own `published` dates it).
month_changes_table = sa.Table(
    "month_changes",
    metadata,
    sa.Column("month", sa.Text, primary_key=True),
    sa.Column("changed_at", UTCDateTime, nullable=False),
)

# The versions of the documents made from the articles: each `fingerprint` (a hash of what
# shapes the documents besides the articles: the reader's settings and code version) and
# `since`, when it last became the version in use (the first process to start with it after
# another one wrote it). A lower bound of every Last-Modified made under that version, so a new
# setting or release that changes the bytes moves every date forward (`Store.adopt_version`).
document_versions_table = sa.Table(
    "document_versions",
    metadata,
    sa.Column("fingerprint", sa.Text, primary_key=True),
    sa.Column("since", UTCDateTime, nullable=False),
)

# The store's change sequence: one row (name 'articles') whose `seq` every write transaction
# that changes an article (insert, replacement, deletion) adds one to, in that transaction.
# Whoever keeps a copy of what the articles show (the static export's --follow) reads it to
# learn of every write, from any process, without comparing timestamps.
change_sequence_table = sa.Table(
    "change_sequence",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
)

# Which articles each write transaction changed: one row per flush of a write transaction,
# `seq` the change sequence as that transaction left it, `ids` a JSON list of the article ids
# it inserted, replaced or deleted. Kept for the last LOG_KEEP sequence numbers; the
# change_sequence row 'article_log' is the reading from which the log is complete (writes
# with a higher `seq` are all in it). `Store.changed_articles` reads it.
article_change_log_table = sa.Table(
    "article_change_log",
    metadata,
    sa.Column("entry", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("ids", sa.Text, nullable=False),
)
sa.Index("ix_article_change_log_seq", article_change_log_table.c.seq)

# Embargoed articles whose lift is still to be announced (WebSub): written with the article,
# claimed once (by any process) with an atomic UPDATE of `announced_at` when the time comes.
embargo_lifts_table = sa.Table(
    "embargo_lifts",
    metadata,
    sa.Column("article_id", Id, primary_key=True),
    sa.Column("lift_at", UTCDateTime, nullable=False),
    sa.Column("announced_at", UTCDateTime),
)
sa.Index("ix_embargo_lifts_lift_at", embargo_lifts_table.c.lift_at)

# Every schema upgrade `Store.migrate` ran: when, from and to which revision, and who asked
# (the app starting on a new SQLite file, `flask articles migrate`, ...).
schema_migrations_table = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("applied_at", UTCDateTime, nullable=False),
    sa.Column("from_revision", sa.Text),
    sa.Column("to_revision", sa.Text, nullable=False),
    sa.Column("applied_by", sa.Text, nullable=False),
)

# Publishing API tokens (`articles.tokens`): only a SHA-256 of each secret is kept; a revoked
# token keeps its row so its name is never reused.
api_tokens_table = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("token_hash", sa.Text, nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_used_at", UTCDateTime),
    sa.Column("revoked_at", UTCDateTime),
)

# The audit trail (`articles.audit`): one row per write, in the write's transaction.
audit_table = sa.Table(
    "article_audit",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("article_id", Id, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("fields", sa.JSON, nullable=False),
)
sa.Index("ix_article_audit_article_id_seq", audit_table.c.article_id, audit_table.c.seq)

# The slug each tag or author label was given (articles.slugs): the first label readers see
# has it, a different label whose slug would be the same gets `slug-2`, `slug-3`, ... `label` is
# the spelling that first claimed it, `base` the slug it asked for (numbered from there).
# `shown_from` is when readers first could see an article carrying the label: once it is not
# after a write's time the row is never changed or removed (not even when the last article
# with the label is deleted), so a label's feed URL never changes. Until then (NULL: only
# drafts and withheld articles carry it; later: only embargoed ones) the slug is provisional
# and `articles.store.slug_claims` renumbers it so it never outranks a label readers see.
# So are sections' and sources' labels whose slug the record left to derive; a section's or
# source's slug a record gives itself is claimed for good at once (`shown_from` is the epoch).
slugs_table = sa.Table(
    "slugs",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("label_key", sa.Text, primary_key=True),
    sa.Column("slug", sa.Text, nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("base", sa.Text, nullable=False),
    sa.Column("shown_from", UTCDateTime),
    sa.UniqueConstraint("kind", "slug", name="uq_slugs_kind_slug"),
)
sa.Index("ix_slugs_kind_shown_from", slugs_table.c.kind, slugs_table.c.shown_from)

# Feed audience, one row per UTC day, feed path, source and key (articles.store.subscribers):
# an aggregator's latest reported subscriber count per feed id it names (`source` is its name,
# `key` the feed id or ''), or one direct client (`source` is '', `key` the client's address
# hashed with that day's salt, `subscribers` 1). No raw address is ever stored.
subscribers_table = sa.Table(
    "subscribers",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("feed", sa.Text, primary_key=True),
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("subscribers", sa.Integer, nullable=False),
    sa.Column("seen", UTCDateTime, nullable=False),
)

# The secret salt of each UTC day for hashing direct clients' addresses, shared by every worker
# process; a day's salt is deleted the day after next, so that day's hashes cannot be reversed.
subscriber_salts_table = sa.Table(
    "subscriber_salts",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("salt", sa.Text, nullable=False),
)
