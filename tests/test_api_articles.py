"""Publishing API: articles created, replaced, corrected, withdrawn, deleted and listed over HTTP.

Every response here is also checked against docs/openapi.json (tests.fixtures.api).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from urllib.parse import quote

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import audit
from tests.fixtures.api import ApiClient, record
from tests.fixtures.app import NOW, Clock


def test_put_creates_with_201_location_etag_and_minted_guid(api: ApiClient) -> None:
    response = api.put("/api/articles/new-1", json=record())
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/articles/new-1"
    body = response.get_json()
    assert body["result"] == "created"
    assert body["etag"] == response.headers["ETag"]
    assert body["record"]["guid"] == "tag:feeds.example.org,2025:article/new-1"
    assert body["state"] == "live"
    assert api.store.get("new-1").title == "서울 기사"


def test_put_again_with_the_same_record_is_unchanged_and_writes_nothing(api: ApiClient) -> None:
    first = api.put("/api/articles/new-1", json=record()).get_json()
    again = api.put("/api/articles/new-1", json=record())
    assert again.status_code == 200
    assert again.get_json()["result"] == "unchanged"
    assert again.headers["ETag"] == first["etag"]
    assert [e.action for e in audit.history(api.store.engine, "new-1")] == ["create"]


def test_a_write_stamps_updated_with_the_write_time(api: ApiClient, clock: Clock) -> None:
    api.put("/api/articles/new-1", json=record())
    clock.now = NOW + timedelta(minutes=5)
    body = api.put("/api/articles/new-1", json=record(title="고침")).get_json()
    assert body["result"] == "replaced"
    assert datetime.fromisoformat(body["record"]["updated"]) == clock.now


def test_a_newer_updated_sent_by_the_client_is_kept(api: ApiClient) -> None:
    newer = (NOW + timedelta(seconds=30)).isoformat()
    body = api.put("/api/articles/new-1", json=record(updated=newer)).get_json()
    assert datetime.fromisoformat(body["record"]["updated"]) == NOW + timedelta(seconds=30)


def test_withdrawal_with_an_old_updated_is_not_unchanged_and_leaves_the_feed(
    api: ApiClient,
) -> None:
    """The issue's takedown: same record, status withheld, same `updated` -> it must apply."""
    stored = api.get("/api/articles/aug-1").get_json()["record"]
    assert "aug-1" in _feed_ids(api)
    withdrawn = {**stored, "status": "withheld"}
    body = api.put("/api/articles/aug-1", json=withdrawn).get_json()
    assert body["result"] == "replaced"
    assert body["state"] == "withheld"
    assert datetime.fromisoformat(body["record"]["updated"]) > datetime.fromisoformat(
        stored["updated"]
    )
    assert "aug-1" not in _feed_ids(api)


def test_patch_applies_a_merge_patch_and_recomputes_reading_time(api: ApiClient) -> None:
    api.put("/api/articles/new-1", json=record())
    long_body = "<p>" + "가" * 5000 + "</p>"
    response = api.patch(
        "/api/articles/new-1",
        json={"summary": None, "body_html": long_body, "section": {"label": "아시아 뉴스"}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200
    stored = response.get_json()["record"]
    assert stored["summary"] == ""
    assert stored["section"] == {"slug": "asia", "label": "아시아 뉴스"}
    assert stored["reading_time"] == 10  # 5,000 Korean characters at 500 a minute
    assert stored["tags"] == [{"slug": "korea", "label": "한국"}]
    history = audit.history(api.store.engine, "new-1")
    assert history[-1].action == "correct"
    assert set(history[-1].fields) == {"summary", "body_html", "section", "updated", "reading_time"}


def test_patch_with_a_new_body_form_replaces_the_stored_html(api: ApiClient) -> None:
    api.put("/api/articles/new-1", json=record())
    body = api.patch("/api/articles/new-1", json={"body_markdown": "*새* 본문"}).get_json()
    assert body["record"]["body_html"] == "<p><em>새</em> 본문</p>"


def test_patch_of_an_unknown_article_is_404(api: ApiClient) -> None:
    response = api.patch("/api/articles/nope", json={"title": "x"})
    assert response.status_code == 404
    assert "PUT" in response.get_json()["detail"]


def test_patch_that_breaks_the_record_lists_the_field(api: ApiClient) -> None:
    api.put("/api/articles/new-1", json=record())
    response = api.patch("/api/articles/new-1", json={"title": None, "status": "gone"})
    assert response.status_code == 422
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert fields == ["title", "status"]
    assert api.store.get("new-1").title == "서울 기사"


def test_patch_cannot_change_the_guid(api: ApiClient) -> None:
    api.put("/api/articles/new-1", json=record())
    response = api.patch("/api/articles/new-1", json={"guid": "tag:elsewhere.example,2025:x"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "guid"


def test_422_lists_every_bad_field_with_the_import_reason(api: ApiClient) -> None:
    bad = record(title="", published="2025/13/45", status="gone", tags=5, colour="red")
    response = api.put("/api/articles/bad", json=bad)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"].endswith(":invalid-record")
    assert {e["field"]: e["reason"] for e in problem["errors"]} == {
        "title": "required, but empty",
        "published": "cannot read '2025/13/45' as a date",
        "status": "expected one of published, draft, withheld, got 'gone'",
        "tags": "expected a list, got a number (5)",
        "colour": "unknown field (fields outside the record format must start with 'x-')",
    }
    assert api.store.get("bad") is None


def test_cross_field_rule_is_reported(api: ApiClient) -> None:
    response = api.put("/api/articles/bad", json=record(updated="2025-08-01T00:00:00+09:00"))
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["updated"]


def test_an_id_in_the_body_must_be_the_urls(api: ApiClient) -> None:
    response = api.put("/api/articles/a1", json=record(id="a2"))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "id"


@pytest.mark.parametrize("bad_id", ["a b", "tab\there", "x" * 201])
def test_ids_in_the_path_are_validated_like_record_ids(api: ApiClient, bad_id: str) -> None:
    response = api.put(f"/api/articles/{quote(bad_id)}", json=record())
    assert response.status_code == 404
    assert "cannot be an article id" in response.get_json()["detail"]


def test_ids_with_slashes_work(api: ApiClient) -> None:
    assert api.put("/api/articles/2025/07/x", json=record()).status_code == 201
    assert api.get("/api/articles/2025/07/x").get_json()["id"] == "2025/07/x"


def test_get_returns_any_state_with_etag_and_304(api: ApiClient) -> None:
    for article_id, state in [("draft", "draft"), ("embargoed", "embargoed"), ("aug-1", "live")]:
        response = api.get(f"/api/articles/{article_id}", token="read")
        assert response.status_code == 200
        assert response.get_json()["state"] == state
        again = api.get(
            f"/api/articles/{article_id}",
            token="read",
            headers={"If-None-Match": response.headers["ETag"]},
        )
        assert again.status_code == 304


def test_if_match_guards_against_lost_updates(api: ApiClient) -> None:
    version = api.put("/api/articles/new-1", json=record()).headers["ETag"]
    assert api.patch("/api/articles/new-1", json={"title": "A"}, headers={"If-Match": version})
    stale = api.patch("/api/articles/new-1", json={"title": "B"}, headers={"If-Match": version})
    assert stale.status_code == 412
    assert stale.headers["ETag"] != version
    assert api.store.get("new-1").title == "A"
    assert (
        api.put("/api/articles/new-1", json=record(), headers={"If-Match": version}).status_code
        == 412
    )
    assert api.delete("/api/articles/new-1", headers={"If-Match": version}).status_code == 412
    assert api.store.get("new-1") is not None


def test_if_none_match_star_makes_put_create_only(api: ApiClient) -> None:
    headers = {"If-None-Match": "*"}
    assert api.put("/api/articles/new-1", json=record(), headers=headers).status_code == 201
    again = api.put("/api/articles/new-1", json=record(title="2"), headers=headers)
    assert again.status_code == 412


def test_delete_removes_from_feeds_and_leaves_a_tombstone(api: ApiClient) -> None:
    assert "aug-2" in _feed_ids(api)
    response = api.delete("/api/articles/aug-2")
    assert response.status_code == 204
    assert "aug-2" not in _feed_ids(api)
    assert "aug-2" in [t[0] for t in api.store.tombstones()]
    gone = api.get("/api/articles/aug-2")
    assert gone.status_code == 410
    assert gone.get_json()["guid"] == "tag:feeds.example.org,2025:aug-2"
    assert api.delete("/api/articles/aug-2").status_code == 410  # as GET: gone, not unknown
    assert api.put("/api/articles/aug-2", json=record()).status_code == 201
    assert [e.action for e in audit.history(api.store.engine, "aug-2")] == ["delete", "create"]


def test_list_filters_and_pages_with_an_opaque_cursor(api: ApiClient) -> None:
    seen: list[str] = []
    path = "/api/articles?limit=3&section=asia"
    while True:
        response = api.get(path, token="read")
        assert response.status_code == 200
        body = response.get_json()
        seen += [a["id"] for a in body["articles"]]
        if body["next_cursor"] is None:
            assert "Link" not in response.headers
            break
        assert response.headers["Link"].endswith('rel="next"')
        path = response.headers["Link"][1 : response.headers["Link"].index(">")]
    expected = [a.id for a in api.store.list_articles(section="asia", limit=100)]
    assert seen == expected and len(seen) > 3


def test_paging_is_stable_while_articles_come_and_go(api: ApiClient) -> None:
    first = api.get("/api/articles?limit=2", token="read").get_json()
    api.put("/api/articles/newest", json=record(published="2025-08-10T20:00:00+09:00"))
    api.delete(f"/api/articles/{first['articles'][0]['id']}")
    second = api.get(f"/api/articles?limit=2&cursor={first['next_cursor']}", token="read")
    ids = [a["id"] for a in second.get_json()["articles"]]
    everything = [a.id for a in api.store.list_articles(limit=100)]
    last = first["articles"][-1]["id"]
    assert ids == everything[everything.index(last) + 1 :][:2]


def test_list_by_status_finds_drafts(api: ApiClient) -> None:
    body = api.get("/api/articles?status=draft", token="read").get_json()
    assert [a["id"] for a in body["articles"]] == ["draft"]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=abc", "status=gone", "colour=red", "cursor=%%%", "cursor=e30"]
)
def test_bad_list_queries_are_400_naming_the_parameter(api: ApiClient, query: str) -> None:
    response = api.get(f"/api/articles?{query}", token="read")
    assert response.status_code == 400
    assert response.get_json()["errors"]


def test_a_cursor_only_works_with_its_own_filters(api: ApiClient) -> None:
    cursor = api.get("/api/articles?limit=1", token="read").get_json()["next_cursor"]
    response = api.get(f"/api/articles?limit=1&status=draft&cursor={cursor}", token="read")
    assert response.status_code == 400


def test_batch_writes_all_records_and_reports_each(api: ApiClient) -> None:
    records = [record(id=f"b{i}") for i in range(3)] + [
        {"id": "aug-1", "title": "고침", "published": "2025-08-05T09:00:00+00:00"}
    ]
    response = api.post("/api/articles/batch", json={"articles": records})
    assert response.status_code == 200
    results = {a["id"]: a["result"] for a in response.get_json()["articles"]}
    assert results == {"b0": "created", "b1": "created", "b2": "created", "aug-1": "replaced"}
    assert api.store.get("aug-1").title == "고침"


def test_batch_with_one_bad_record_writes_nothing_and_lists_every_problem(
    api: ApiClient,
) -> None:
    records = [record(id="b0"), record(id="b1", status="gone"), record(id="b0"), {"title": "x"}]
    response = api.post("/api/articles/batch", json={"articles": records})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == [
        "articles[1].status",
        "articles[2].id",
        "articles[3].id",
    ]
    assert api.store.get("b0") is None


def test_batch_over_the_configured_size_is_refused(make_app) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures.api import api_client_for

    client = api_client_for(make_app(api_batch_max=2))
    response = client.post(
        "/api/articles/batch", json={"articles": [record(id=f"b{i}") for i in range(3)]}
    )
    assert response.status_code == 422
    assert "1 to 2" in response.get_json()["errors"][0]["reason"]


def test_guid_of_another_article_is_a_409(api: ApiClient) -> None:
    taken = api.get("/api/articles/aug-1").get_json()["record"]["guid"]
    response = api.put("/api/articles/new-1", json=record(guid=taken))
    assert response.status_code == 409
    assert api.store.get("new-1") is None


def _feed_ids(api: ApiClient) -> set[str]:
    parsed = feedparser.parse(api.client.get("/feeds/all.atom?limit=200").data)
    return {entry.link.rsplit("/", 1)[-1] for entry in parsed.entries}


def test_api_writes_go_through_the_write_service_and_are_announced(api: ApiClient) -> None:
    from articles.changes import Change
    from articles.cli import SERVICE_KEY
    from articles.store import Facet

    heard: list[Change] = []
    api.app.extensions[SERVICE_KEY].listeners.subscribe(heard.append)
    api.put("/api/articles/new-1", json=record())
    stored = api.patch("/api/articles/new-1", json={"title": "고침"}).get_json()["record"]
    assert api.put("/api/articles/new-1", json=stored).get_json()["result"] == "unchanged"
    api.delete("/api/articles/new-1")
    assert [(c.action, c.article_ids) for c in heard] == [
        ("create", ("new-1",)),
        ("correct", ("new-1",)),
        ("delete", ("new-1",)),
    ]
    assert Facet("section", "asia") in heard[0].facets


def test_keyset_listing_walks_the_offset_listing_on_every_backend(store) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures.app import default_articles
    from tests.fixtures.store import make_article

    same_time = [make_article(f"tie-{i}", minutes=5) for i in range(4)]
    store.upsert_many([*default_articles(), *same_time])
    for filters in ({}, {"section": "asia"}, {"tag": "japan"}, {"status": "published"}):
        everything = [a.id for a in store.list_articles(limit=100, **filters)]
        walked: list[str] = []
        before = None
        while True:
            page = store.list_articles(limit=3, before=before, **filters)
            walked += [a.id for a in page]
            if len(page) < 3:
                break
            before = (page[-1].published, page[-1].id)
        assert walked == everything, filters


def test_the_api_on_every_backend(make_app, database_url: str) -> None:  # type: ignore[no-untyped-def]
    """The write path end to end on SQLite and PostgreSQL: create, correct with If-Match,
    batch, list with the cursor, delete, and the audit trail, all in order."""
    from tests.fixtures.api import api_client_for

    client = api_client_for(make_app(database_url=database_url, FEEDS_AUTO_MIGRATE=True))
    created = client.put("/api/articles/pg-1", json=record())
    assert created.status_code == 201
    version = created.headers["ETag"]
    corrected = client.patch(
        "/api/articles/pg-1", json={"status": "withheld"}, headers={"If-Match": version}
    )
    assert corrected.status_code == 200 and corrected.get_json()["state"] == "withheld"
    stale = client.patch("/api/articles/pg-1", json={"title": "x"}, headers={"If-Match": version})
    assert stale.status_code == 412
    batch = client.post(
        "/api/articles/batch", json={"articles": [record(id=f"pg-b{i}") for i in range(5)]}
    )
    assert batch.status_code == 200
    seen, path = [], "/api/articles?limit=4"
    while path:
        body = client.get(path, token="read").get_json()
        seen += [a["id"] for a in body["articles"]]
        path = f"/api/articles?limit=4&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    assert seen == [a.id for a in client.store.list_articles(limit=100)]
    assert client.delete("/api/articles/pg-1").status_code == 204
    assert client.get("/api/articles/pg-1").status_code == 410
    history = audit.history(client.store.engine, "pg-1")
    assert [(e.actor, e.action) for e in history] == [
        ("cms", "create"),
        ("cms", "correct"),
        ("cms", "delete"),
    ]


_SPELLINGS = st.text(
    st.sampled_from(["e", "\u0301", "é", "ᄒ", "ᅡ", "하", "Å", "Å", "x"]), min_size=1, max_size=5
).filter(lambda s: unicodedata.category(s[0]) != "Mn")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=_SPELLINGS, second=_SPELLINGS)
def test_a_batch_reads_ids_in_nfc_as_a_urls_id_is(api: ApiClient, first: str, second: str) -> None:
    """A batch record's id in another normal form was refused as differing "from the id in
    the URL" (a batch has no URL), and two spellings of one id went unnoticed; PUT reads a
    URL's id in NFC, as every record's id is read."""
    ids = [f"b-{first}", f"b-{second}"]
    body = {"articles": [record(id=each, title=f"t {each}") for each in ids]}
    response = api.post("/api/articles/batch", json=body)
    same = unicodedata.normalize("NFC", ids[0]) == unicodedata.normalize("NFC", ids[1])
    if same:
        assert response.status_code == 422
        assert response.get_json()["errors"] == [
            {
                "field": "articles[1].id",
                "reason": f"{unicodedata.normalize('NFC', ids[1])!r} is also articles[0]",
            }
        ]
        return
    assert response.status_code == 200, response.get_json()
    written = [item["id"] for item in response.get_json()["articles"]]
    assert written == [unicodedata.normalize("NFC", each) for each in ids]
    for each in ids:
        assert api.get(f"/api/articles/{quote(each, safe='')}").get_json()[
            "id"
        ] == unicodedata.normalize("NFC", each)
