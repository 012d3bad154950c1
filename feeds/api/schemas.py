"""The API's JSON shapes as pydantic models: they validate query strings and responses, and
the OpenAPI document's schemas are generated from them (`feeds.api.openapi`).

The article record itself is not modelled here: `articles.formats` is its one validator (the
import command's), and its JSON Schema comes from `articles.schema`, generated from
`articles.model`. Fields holding a record are plain JSON objects whose schema in the
document is a reference to that one (`#/components/schemas/ArticleRecord`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from articles.formats.values import facet_slug
from articles.languages import canonical_language
from articles.model import State, Status
from feeds.query import CANONICAL_NUMBER

# Stand-ins for references to schemas pydantic does not know; feeds.api.openapi replaces each
# `{"x-schema": name}` by `{"$ref": "#/components/schemas/<name>"}`.
SCHEMA_MARK = "x-schema"


Record = Annotated[dict[str, Any], WithJsonSchema({SCHEMA_MARK: "ArticleRecord"})]
StoredRecord = Annotated[dict[str, Any], WithJsonSchema({SCHEMA_MARK: "StoredArticleRecord"})]


# A precondition header's value (RFC 9110 13.1.1, 13.1.2): `*`, or a list of entity tags
# (8.8.3: an optionally weak, quoted opaque tag) separated by commas, empty elements allowed
# (5.6.1). One pattern for the OpenAPI document and for the API's check of If-Match and
# If-None-Match, in the syntax JSON Schema and Python's `re` share.
_ETAGC = "[!#-~\\x80-\\xff]"
_ENTITY_TAG = f'(W/)?"{_ETAGC}*"'
ENTITY_TAGS_PATTERN = (
    f"^[ \\t]*(\\*|(,[ \\t]*)*{_ENTITY_TAG}([ \\t]*,([ \\t]*{_ENTITY_TAG})?)*)[ \\t]*$"
)


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleResource(_Closed):
    """One stored article in any state, with its editorial state and version."""

    id: str = Field(description="The newsroom's id, as in the URL.")
    state: State = Field(
        description="live: in the feeds now; embargoed: published, but its time is still "
        "to come; draft or withheld: in no feed."
    )
    visible_from: datetime | None = Field(
        description="When it enters (or entered) the feeds: its `published` time for a "
        "published article, null for drafts and withheld articles."
    )
    etag: str = Field(
        description="The version, as in the ETag header: send it in If-Match to change "
        "exactly this version."
    )
    record: StoredRecord = Field(description="The record as stored (every field present).")


class ArticleWrite(ArticleResource):
    """The stored article after a write, and what the write did."""

    result: Literal["created", "replaced", "unchanged"] = Field(
        description="unchanged: the record said nothing new, so nothing was written."
    )


class ArticleList(_Closed):
    """A page of articles, newest `published` first."""

    articles: list[ArticleResource]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page (same filters); null on the last page."
    )


# A facet slug as the list's filters take it: `articles.formats.values.facet_slug`'s rule, with
# ASCII capitals allowed (read as lower case).
FACET_SLUG_PATTERN = "^[A-Za-z0-9]([A-Za-z0-9_-]{0,98}[A-Za-z0-9])?$"


def _slug_filter(description: str) -> Any:
    """A facet filter of the list: optional, not empty, at most 200 characters, documented
    with the slug pattern (the validator below reads and checks it)."""
    return Field(
        default=None,
        min_length=1,
        max_length=200,
        description=description,
        json_schema_extra={"pattern": FACET_SLUG_PATTERN},
    )


class ListQuery(_Closed):
    """Filters of the article list; every filter is optional."""

    status: Status | None = Field(default=None, description="Only this editorial status.")
    section: str | None = _slug_filter("Section slug, any case (`Asia` lists `asia`).")
    tag: str | None = _slug_filter("Tag slug, any case.")
    author: str | None = _slug_filter("Author slug, any case.")
    language: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="BCP 47 language tag, any case (`en-gb` lists the `en-GB` articles); "
        "a tag no registry holds is refused.",
        # The syntax every accepted tag has (RFC 5646 2.1, `_` read as `-`): a language of 2
        # or 3 letters (no registered one has 4 to 8), or a grandfathered `i-` tag; whether
        # the tag is registered the validator below decides. `A` and `abcd` were valid here.
        json_schema_extra={
            "pattern": "^([A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*|[iI]([-_][A-Za-z0-9]{1,8})+)$"
        },
    )
    source: str | None = _slug_filter("Source slug, any case.")
    limit: int = Field(default=50, ge=1, le=200, description="Articles per page.")
    cursor: str | None = Field(
        default=None, max_length=500, description="`next_cursor` of the previous page."
    )

    @field_validator("limit", mode="before")
    @classmethod
    def _one_spelling(cls, value: object) -> object:
        """A number in a URL is ASCII digits without a sign, spaces, `_` or a leading zero
        (pydantic, like int(), would read `05`, ` 5`, `+5` and `5_0`)."""
        if isinstance(value, str) and not CANONICAL_NUMBER.fullmatch(value):
            raise ValueError(
                "a whole number from 1 to 200, written in ASCII digits without a sign, spaces "
                "or leading zeros, e.g. 50"
            )
        return value

    @field_validator("section", "tag", "author", "source")
    @classmethod
    def _facet_slug(cls, value: str | None) -> str | None:
        """A facet's slug (`articles.formats.values.facet_slug`): capitals read as lower case
        (`Asia` lists `asia`, as `/feeds/section/ASIA.atom` redirects to its feed); a value
        no slug can be is refused, where it used to list nothing."""
        if value is None:
            return None
        slug = facet_slug(value)
        if slug is None:
            raise ValueError(
                f"{value[:40]!r} is no slug: slugs are lower-case letters a-z, digits, '-' and"
                " '_' (e.g. 'asia'); the article's record gives its section, tags, authors and"
                " source with their slugs"
            )
        return slug

    @field_validator("language")
    @classmethod
    def _canonical(cls, value: str | None) -> str | None:
        """BCP 47 tags are case-insensitive (RFC 5646 2.1.1): `en-gb` lists `en-GB`."""
        return None if value is None else canonical_language(value)


class BatchRequest(_Closed):
    """Records to create or replace together: all are written, or none."""

    articles: list[Record] = Field(min_length=1)


class BatchItem(_Closed):
    id: str
    result: Literal["created", "replaced", "unchanged"]
    etag: str


class BatchResult(_Closed):
    """What happened to each record of a batch, in the order sent."""

    articles: list[BatchItem]


class FieldError(_Closed):
    field: str = Field(
        description="The field, dotted for nested ones (`image.url`, `tags[2].slug`); "
        "prefixed with `articles[i].` in a batch; empty for the record as a whole."
    )
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem detail (application/problem+json)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A tag: URI naming the kind of problem, or about:blank.")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="What went wrong and what to do about it.")
    instance: str = Field(
        description="The request path as a URI reference (RFC 3986): the bytes sent,"
        " percent-encoded where they are not path characters."
    )
    errors: list[FieldError] = Field(
        description="Every field in error, with what is wrong (a record's fields, a query "
        "string's parameters); empty when the problem is about no field."
    )


class ValidationProblem(Problem):
    """A record (or batch) that breaks the record format: one entry per problem found."""

    errors: list[FieldError] = Field(min_length=1)


class GoneProblem(Problem):
    """The article was deleted: its entry id and when (feeds carry a tombstone for it)."""

    guid: str = Field(description="The entry id feeds knew it by.")
    deleted_at: datetime
