"""A feed whose every article was removed keeps its facet's label and links no page that is
gone.

Found: after the only article with the tag 일본 was withdrawn, `/feeds/tag/ilbon.*` (still
served while it carries the tombstone) was titled "ilbon — ..." (the label came from the
feed's own articles, and none was left) and its `alternate` link, `<link>` and
`home_page_url` led to `/tag/ilbon`, which answers 404. The label now comes from the slug
registry (which never changes a row) and the link is the site's front page. Failed before.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from tests.fixtures.api import ApiClient, record

MERGE = {"Content-Type": "application/merge-patch+json"}
ATOM = "{http://www.w3.org/2005/Atom}"
HOME = "https://news.example.com/"


def _only_article(api: ApiClient) -> None:
    body = record(
        section={"slug": "dokdo-desk", "label": "독도 데스크"},
        tags=[{"label": "일본 외교"}],
        authors=["김민지"],
        source={"name": "연합 통신"},
    )
    assert api.put("/api/articles/only", json=body).status_code == 201


@pytest.mark.parametrize("how", ["withdraw", "delete"])
def test_every_facet_feed_of_a_removed_article_keeps_its_label(api: ApiClient, how: str) -> None:
    _only_article(api)
    stored = api.store.get("only")
    feeds = {
        "section": (stored.section.slug, "독도 데스크"),
        "tag": (stored.tags[0].slug, "일본 외교"),
        "author": (stored.authors[0].slug, "김민지"),
        "source": (stored.source.slug, "연합 통신"),
    }
    before = {k: api.client.get(f"/feeds/{k}/{slug}.atom") for k, (slug, _) in feeds.items()}
    assert all(r.status_code == 200 for r in before.values())
    if how == "withdraw":
        gone = api.patch("/api/articles/only", json={"status": "withheld"}, headers=MERGE)
        assert gone.status_code == 200
    else:
        assert api.delete("/api/articles/only").status_code == 204
    for kind, (slug, label) in feeds.items():
        page = api.client.get(f"/{'section' if kind == 'section' else kind}/{slug}")
        assert page.status_code in (404, 410)
        atom = api.client.get(f"/feeds/{kind}/{slug}.atom")
        assert atom.status_code == 200, (kind, atom.status_code)
        root = ElementTree.fromstring(atom.data)
        assert root.findtext(f"{ATOM}title", "").startswith(f"{label} — "), kind
        assert root.find(f"{ATOM}entry") is None
        alternates = [
            link.get("href")
            for link in root.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert alternates == [HOME], (kind, alternates)
        rss = ElementTree.fromstring(api.client.get(f"/feeds/{kind}/{slug}.rss").data)
        channel = rss.find("channel")
        assert channel is not None
        assert channel.findtext("title", "").startswith(f"{label} — ")
        assert channel.findtext("link") == HOME
        feed = json.loads(api.client.get(f"/feeds/{kind}/{slug}.json").data)
        assert feed["title"].startswith(f"{label} — ") and feed["home_page_url"] == HOME


def test_a_feed_with_articles_still_links_its_own_page(api: ApiClient) -> None:
    _only_article(api)
    slug = api.store.get("only").tags[0].slug
    root = ElementTree.fromstring(api.client.get(f"/feeds/tag/{slug}.atom").data)
    hrefs = [link.get("href") for link in root.findall(f"{ATOM}link")]
    assert f"{HOME}tag/{slug}" in hrefs
