"""An entry id belongs to one article forever (RFC 4287 4.2.6), and a feed never holds an RFC
6721 tombstone and a live entry with the same id.

So a new article may not take the guid a deleted article had (whatever became of that id
since), unless it is that article's own id published again, nor the guid the site mints for
another id (that article would get it when stored): the API answers 409, the importer's line
names `guid`, on SQLite and PostgreSQL. A new article whose minted guid another article
took before this rule is told to give a guid of its own, not to leave it out.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.errors import ArticleDeleted, GuidConflict
from articles.ids import mint_guid, minted_id
from articles.importer import import_sources
from articles.service import ArticleService
from articles.store import Store, alembic_config
from tests.fixtures.api import ApiClient, api_client_for, record
from tests.fixtures.store import T0, make_article

AUTHORITY = "feeds.example.org,2025"  # the app's default tag_authority
ATOM = "{http://www.w3.org/2005/Atom}"
AT = "{http://purl.org/atompub/tombstones/1.0}"


def minted(article_id: str) -> str:
    return mint_guid(AUTHORITY, article_id)


@pytest.fixture
def api_on(make_app: Callable[..., Flask], database_url: str) -> ApiClient:
    """The API over the default corpus, on SQLite and on PostgreSQL."""
    return api_client_for(
        make_app(
            database_url=database_url,
            FEEDS_AUTO_MIGRATE=True,
            site_url="https://news.example.com",
        )
    )


def atom_ids(api: ApiClient, path: str = "/feeds/all.atom") -> tuple[set[str], set[str]]:
    """(the live entries' ids, the tombstones' refs) of an Atom feed."""
    response = api.client.get(path)
    assert response.status_code == 200, path
    root = etree.fromstring(response.data)
    live = {entry.findtext(f"{ATOM}id") or "" for entry in root.iter(f"{ATOM}entry")}
    stones = {stone.get("ref") or "" for stone in root.iter(f"{AT}deleted-entry")}
    return live, stones


def detail(response: Any) -> str:
    body: dict[str, Any] = response.get_json()
    return str(body["detail"])


# -- the user's two examples, through the API --------------------------------------------------


def test_a_deleted_articles_guid_is_refused_to_a_new_article(api_on: ApiClient) -> None:
    """Example A: old1 deleted, then new1 PUT with old1's guid was accepted: the feed held
    old1's tombstone and a live entry with the same id, and old1 could not come back."""
    api = api_on
    assert api.put("/api/articles/old1", json=record()).status_code == 201
    assert api.delete("/api/articles/old1").status_code == 204
    deleted_at = api.get("/api/articles/old1", token="read").get_json()["deleted_at"]
    taken = api.put("/api/articles/new1", json=record(guid=minted("old1")))
    assert taken.status_code == 409
    assert taken.mimetype == "application/problem+json"
    assert detail(taken) == (
        f"article 'new1': guid: {minted('old1')!r} was the guid of article 'old1' until it "
        f"was deleted at {deleted_at}, and an entry id is never another article's (readers "
        "would delete this one with it, or take it for that one); leave `guid` out to have "
        "one minted, or give one no other article has had"
    )
    assert api.get("/api/articles/new1", token="read").status_code == 404
    live, stones = atom_ids(api)
    assert minted("old1") in stones
    assert not live & stones
    # What `flask articles show old1` says is true: a record with this id publishes it again.
    shown = api.app.test_cli_runner().invoke(args=["articles", "show", "old1"])
    assert shown.exit_code == 1
    assert "storing a record with this id (import, or PUT in the API) publishes it again\n" in (
        shown.stderr
    )
    again = api.put("/api/articles/old1", json=record())
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["record"]["guid"] == minted("old1")
    live, stones = atom_ids(api)
    assert minted("old1") in live and minted("old1") not in stones
    fresh = api.put("/api/articles/new1", json=record())
    assert fresh.status_code == 201
    assert fresh.get_json()["record"]["guid"] == minted("new1")


def test_the_guid_minted_for_another_id_is_refused(api_on: ApiClient) -> None:
    """Example B: x9 PUT with the guid the store mints for y9 was accepted, and y9 could
    then never be created without a guid made up for it."""
    api = api_on
    taken = api.put("/api/articles/x9", json=record(guid=minted("y9")))
    assert taken.status_code == 409
    assert detail(taken) == (
        f"article 'x9': guid: {minted('y9')!r} is the guid this site mints for article 'y9': "
        "it would take that article's entry id; leave `guid` out to have one minted for this "
        "id, or give one of another form"
    )
    assert api.get("/api/articles/x9", token="read").status_code == 404
    created = api.put("/api/articles/y9", json=record())
    assert created.status_code == 201
    assert created.get_json()["record"]["guid"] == minted("y9")
    # Its own minted guid, given explicitly, and any other form are an article's own.
    own = api.put("/api/articles/x9", json=record(guid=minted("x9")))
    assert own.status_code == 201
    other = api.put("/api/articles/x8", json=record(guid=f"tag:{AUTHORITY}:article/y%39"))
    assert other.status_code == 201


def test_the_batch_endpoint_refuses_them_and_writes_nothing(api_on: ApiClient) -> None:
    api = api_on
    api.put("/api/articles/old1", json=record())
    api.delete("/api/articles/old1")
    cases = {
        "was the guid of article 'old1' until it was deleted": [
            record(id="ok1"),
            record(id="new1", guid=minted("old1")),
        ],
        "is the guid this site mints for article 'y9'": [record(id="x9", guid=minted("y9"))],
        "is also the guid of article 'y9'": [record(id="y9"), record(id="x9", guid=minted("y9"))],
    }
    for says, articles in cases.items():
        response = api.post("/api/articles/batch", json={"articles": articles})
        assert response.status_code == 409, response.get_json()
        assert says in detail(response)
        assert "guid: " in detail(response)
        # The field is named, at the refused record's place in the batch.
        (error,) = response.get_json()["errors"]
        assert error["field"] == f"articles[{len(articles) - 1}].guid"
        assert says in error["reason"]
    for article_id in ("ok1", "new1", "x9", "y9"):
        assert api.get(f"/api/articles/{article_id}", token="read").status_code == 404


# -- data written before the rule --------------------------------------------------------------


def test_a_minted_guid_another_article_holds_says_to_give_one_not_to_leave_it_out(
    api_on: ApiClient,
) -> None:
    """Rule 3: y9's minted guid taken by x9 before the rule (the store alone, which knows no
    tag authority, still writes it): a PUT of y9 without a guid was told to leave it out."""
    api = api_on
    api.store.upsert_many([make_article("x9", guid=minted("y9"))])
    response = api.put("/api/articles/y9", json=record())
    assert response.status_code == 409
    assert response.get_json()["errors"] == [
        {
            "field": "guid",
            "reason": f"{minted('y9')!r} (the guid minted for this id) already belongs to "
            "stored article 'x9'; give the record a `guid` of its own, one no other article "
            "has had",
        }
    ]
    assert detail(response) == (
        f"article 'y9': guid: {minted('y9')!r} (the guid minted for this id) already belongs "
        "to stored article 'x9'; give the record a `guid` of its own, one no other article has "
        "had"
    )
    assert "leave `guid` out" not in detail(response)
    api.store.delete("x9")
    response = api.put("/api/articles/y9", json=record())
    assert response.status_code == 409
    assert detail(response).startswith(
        f"article 'y9': guid: {minted('y9')!r} (the guid minted for this id) was the guid of "
        "article 'x9' until it was deleted at "
    )
    assert detail(response).endswith(
        "; give the record a `guid` of its own, one no other article has had"
    )
    given_one = api.put("/api/articles/y9", json=record(guid="urn:example:y9"))
    assert given_one.status_code == 201


def _take_guid_before_the_rule(store: Store, article_id: str, guid: str) -> None:
    """Store `article_id` under `guid`, a deleted article's, as writes before the rule did
    (the migration then kept the deleted article's guid for it)."""
    with store.engine.begin() as conn:
        kept = conn.execute(
            sa.text("SELECT article_id, deleted_at FROM retired_guids WHERE guid = :g"),
            {"g": guid},
        ).one()
        conn.execute(sa.text("DELETE FROM retired_guids WHERE guid = :g"), {"g": guid})
    store.upsert_many([make_article(article_id, guid=guid)])
    with store.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO retired_guids (guid, article_id, deleted_at) VALUES (:g, :i, :t)"),
            {"g": guid, "i": kept.article_id, "t": kept.deleted_at},
        )


def test_show_says_when_a_deleted_id_needs_a_guid_given_to_come_back(
    api_on: ApiClient,
) -> None:
    """`flask articles show old1` said a record with this id publishes it again, while the
    guid minted for old1 belonged to new1 (example A's data)."""
    api = api_on
    api.put("/api/articles/old1", json=record())
    api.delete("/api/articles/old1")
    _take_guid_before_the_rule(api.store, "new1", minted("old1"))
    shown = api.app.test_cli_runner().invoke(args=["articles", "show", "old1"])
    assert shown.exit_code == 1
    assert shown.stderr.endswith(
        "storing a record with this id (import, or PUT in the API) publishes it again only if "
        "the record gives a `guid` no other article has had: the guid minted for this id, "
        f"{minted('old1')!r}, belongs to article 'new1'\n"
    )
    response = api.put("/api/articles/old1", json=record())
    assert response.status_code == 409
    assert "leave `guid` out" not in detail(response)
    assert "already belongs to stored article 'new1'" in detail(response)
    assert api.put("/api/articles/old1", json=record(guid="urn:example:old1")).status_code == 201


def test_a_deleted_article_with_its_own_guid_comes_back_under_it(store: Store) -> None:
    service = ArticleService(store, tag_authority=AUTHORITY)
    service.create(make_article("old1", guid="urn:example:old1"))
    service.delete("old1")
    store.upsert_many([make_article("x", guid=minted("old1"))])  # before the rule
    with pytest.raises(ArticleDeleted) as caught:
        service.get("old1")
    assert str(caught.value).endswith(
        "publishes it again only if the record gives its old guid 'urn:example:old1': the guid "
        f"minted for this id, {minted('old1')!r}, belongs to article 'x'"
    )
    back = service.replace(make_article("old1", guid="urn:example:old1"))
    assert back.outcome == "created" and back.article is not None
    assert back.article.guid == "urn:example:old1"


# -- the write service and the store, on both back-ends ----------------------------------------


def test_a_deleted_id_comes_back_and_its_guids_stay_its_own(store: Store) -> None:
    """Publishing a deleted id again works as before (minted or given guid, any other);
    every guid it had stays its own, even after it came back under another."""
    service = ArticleService(store, tag_authority=AUTHORITY)
    service.create(make_article("old1", guid=None))
    service.delete("old1")
    again = service.create(make_article("old1", guid=None, minutes=1))
    assert again.article is not None and again.article.guid == minted("old1")
    service.delete("old1")
    other = service.create(make_article("old1", guid="urn:example:h", minutes=2))
    assert other.article is not None and other.article.guid == "urn:example:h"
    for guid in (minted("old1"), "urn:example:h"):
        with pytest.raises(GuidConflict) as caught:
            service.create(make_article("new2", guid=guid))
        assert (caught.value.other_id, caught.value.held) == (
            "old1",
            "deleted" if guid != "urn:example:h" else "stored",
        )
    service.delete("old1")
    back = service.create(make_article("old1", guid=minted("old1"), minutes=3))
    assert back.article is not None and back.article.guid == minted("old1")


def test_upsert_many_and_bulk_writes_apply_the_rule(store: Store) -> None:
    service = ArticleService(store, tag_authority=AUTHORITY)
    service.create(make_article("old1", guid=None))
    service.delete("old1")
    for records, held, other in (
        (
            [make_article("ok", guid=None), make_article("new1", guid=minted("old1"))],
            "deleted",
            "old1",
        ),
        ([make_article("x9", guid=minted("y9"))], "minted", "y9"),
    ):
        with pytest.raises(GuidConflict) as caught:
            service.upsert_many(records)
        assert (caught.value.held, caught.value.other_id) == (held, other)
        with pytest.raises(GuidConflict), service.bulk() as bulk:
            bulk.write([service.prepare(x) for x in records])
    assert store.get("ok") is None and store.get("new1") is None and store.get("x9") is None
    # The store without a tag authority (tests, tools) still refuses a deleted article's guid.
    with pytest.raises(GuidConflict, match="was the guid of article 'old1'"):
        store.upsert_many([make_article("new1", guid=minted("old1"))])


def test_guid_conflicts_names_each_refused_record_once(store: Store) -> None:
    service = ArticleService(store, tag_authority=AUTHORITY)
    service.create(make_article("old1", guid=None))
    service.delete("old1")
    batch = [
        service.prepare(make_article("x9", guid=minted("y9"))),  # y9's
        service.prepare(make_article("y9", guid=None)),  # its own: x9 was refused
        service.prepare(make_article("new1", guid=minted("old1"))),  # deleted old1's
        service.prepare(make_article("old1", guid=None)),  # old1 back under its own
        service.prepare(make_article("z1", guid="urn:z")),
        service.prepare(make_article("z2", guid="urn:z")),  # z1's, earlier
    ]
    with service.bulk() as bulk:
        found = {p: (c.held, c.other_id) for p, c in bulk.conflicts(batch).items()}
        bulk.rollback()
    assert found == {0: ("minted", "y9"), 2: ("deleted", "old1"), 5: ("input", "z1")}


# -- the importer, on both back-ends (COPY on PostgreSQL) ---------------------------------------


def _line(article_id: str, **fields: Any) -> bytes:
    data = {
        "id": article_id,
        "title": f"기사 {article_id}",
        "published": "2025-07-30T10:00:00+09:00",
        "section": {"slug": "asia", "label": "아시아"},
        "body_html": "<p>본문</p>",
        **fields,
    }
    return orjson.dumps(data) + b"\n"


@pytest.mark.parametrize("batch_size", [1, 1000])
@pytest.mark.parametrize("skip_invalid", [True, False])
def test_the_importer_refuses_them_on_the_records_line(
    store: Store, tmp_path: Path, batch_size: int, skip_invalid: bool
) -> None:
    service = ArticleService(store, tag_authority=AUTHORITY)
    service.create(make_article("old1", guid=None))
    deleted = service.delete("old1")
    assert deleted.outcome == "deleted"
    _, deleted_at = store.tombstone("old1") or ("", datetime.min)
    source = tmp_path / "a.jsonl"
    source.write_bytes(
        _line("new1", guid=minted("old1"))
        + _line("x9", guid=minted("y9"))
        + _line("y9")
        + _line("ok1")
    )
    report = import_sources(
        service, [str(source)], skip_invalid=skip_invalid, batch_size=batch_size
    )
    first = (
        f"{source}: line 1: article 'new1': guid: {minted('old1')!r} was the guid of article "
        f"'old1' until it was deleted at {deleted_at.isoformat()}, and an entry id is never "
        "another article's (readers would delete this one with it, or take it for that one); "
        "leave `guid` out to have one minted, or give one no other article has had"
    )
    second = (
        f"{source}: line 2: article 'x9': guid: {minted('y9')!r} is the guid this site mints "
        "for article 'y9': it would take that article's entry id; leave `guid` out to have one "
        "minted for this id, or give one of another form"
    )
    if skip_invalid:
        assert report.errors == [first, second]
        assert sorted(a.id for a in store.list_articles()) == ["ok1", "y9"]
        y9 = store.get("y9")
        assert y9 is not None and y9.guid == minted("y9")
    else:
        # The first refused batch fails the file: every refused record of it is named.
        assert report.errors[0] == first
        assert report.errors == ([first, second] if batch_size > 1 else [first])
        assert store.list_articles() == []


def test_the_importer_says_to_give_a_guid_when_the_minted_one_is_taken(
    store: Store, tmp_path: Path
) -> None:
    service = ArticleService(store, tag_authority=AUTHORITY)
    store.upsert_many([make_article("x9", guid=minted("y9"))])  # before the rule
    source = tmp_path / "a.jsonl"
    source.write_bytes(_line("y9"))
    report = import_sources(service, [str(source)])
    assert report.errors == [
        f"{source}: line 1: article 'y9': guid: {minted('y9')!r} (the guid minted for this "
        "id) already belongs to stored article 'x9'; give the record a `guid` of its own, one "
        "no other article has had"
    ]


# -- the migration -------------------------------------------------------------------------------


def test_the_migration_keeps_the_guids_deleted_articles_had(database_url: str) -> None:
    store = Store(database_url)
    store.migrate()
    service = ArticleService(store, tag_authority=AUTHORITY, clock=lambda: T0.replace(year=2026))
    for article_id in ("gone", "back", "hidden"):
        service.create(make_article(article_id, guid=None))
    service.delete("gone")
    service.delete("back")
    # Back as a draft under another guid: its old guid lingers in the feeds' tombstones only.
    service.create(make_article("back", guid="urn:example:back", status="draft", minutes=1))
    service.replace(make_article("hidden", guid=None, status="withheld", minutes=1))
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0018")
    store.migrate()
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT guid, article_id FROM retired_guids ORDER BY guid")
        ).all()
    assert [tuple(row) for row in rows] == [(minted("back"), "back"), (minted("gone"), "gone")]
    store.dispose()


# -- the property ------------------------------------------------------------------------------

# put (the id's record, no guid), delete, or put with one of the example's guids: the
# minted guid of any of its ids, or one of two of its own.
_STEPS = st.lists(
    st.tuples(st.sampled_from(("put", "delete", "guid")), st.integers(0, 2), st.integers(0, 4)),
    min_size=1,
    max_size=10,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=_STEPS)
def test_any_writes_keep_each_entry_id_one_articles(
    api_on: ApiClient, steps: list[tuple[str, int, int]]
) -> None:
    """Any sequence of PUTs (with or without a guid) and DELETEs over a few ids: a feed never
    holds a tombstone and a live entry with the same id, no article gets a guid minted for
    another id, a guid once stored is never another article's, and a record without a guid
    is always accepted (no id is ever blocked). The entry id an article last had in a feed
    readers saw it in, and that left it, has its tombstone there (the clock stands still:
    within the period), also when the article came back under another guid: that is another
    entry, so the one readers hold is still deleted (the tombstone was dropped with the id's
    return, and readers kept the old entry beside the new one). One tombstone per article and
    feed is kept: when it leaves the feed again, under its new guid, that one takes its place."""
    api = api_on
    example = uuid.uuid4().hex[:8]  # each example its own ids and section feed
    ids = [f"{example}-{name}" for name in ("a", "b", "c")]
    guids = [minted(each) for each in ids] + [f"urn:{example}:1", f"urn:{example}:2"]
    section = {"slug": f"s-{example}", "label": f"섹션 {example}"}
    owner: dict[str, str] = {}  # every guid stored, and whose it is
    seen: dict[str, set[str]] = {}  # per feed, the example's entry ids readers saw in it
    gone: dict[str, dict[str, str]] = {}  # per feed, each article's last entry id that left it
    for action, which, choice in steps:
        article_id = ids[which]
        path = f"/api/articles/{article_id}"
        if action == "delete":
            response = api.delete(path)
            assert response.status_code in (204, 404, 410)
        else:
            given_guid = guids[choice] if action == "guid" else None
            fields = {"guid": given_guid} if given_guid else {}
            response = api.put(path, json=record(section=section, **fields))
            if given_guid is None:
                assert response.status_code in (200, 201), response.get_json()
            else:
                assert response.status_code in (200, 201, 409, 422), response.get_json()
            if response.status_code in (200, 201):
                guid = response.get_json()["record"]["guid"]
                assert owner.setdefault(guid, article_id) == article_id, guid
                assert minted_id(AUTHORITY, guid) in (None, article_id), guid
            elif response.status_code == 409:
                assert given_guid is not None
                assert owner.get(given_guid, article_id) != article_id or (
                    minted_id(AUTHORITY, given_guid) not in (None, article_id)
                ), detail(response)
        for path in (f"/feeds/section/s-{example}.atom", "/feeds/all.atom"):
            if api.client.get(path).status_code != 200:
                assert not seen.get(path), (path, steps)  # served while it has tombstones
                continue
            live, stones = atom_ids(api, path)
            assert not live & stones, (steps, live & stones)
            ours = {guid for guid in live if guid in owner}
            for guid in seen.setdefault(path, set()) - ours:
                gone.setdefault(path, {})[owner[guid]] = guid
            seen[path] = ours
            expected = set(gone.get(path, {}).values()) - ours
            assert expected <= stones, (path, steps, expected - stones)
