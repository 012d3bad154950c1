"""The naive baseline: a Flask app that queries and renders the feed with feedgen on every request.

No render cache, no ETag, no conditional GET: what a first attempt usually looks like. It reads
the same store the real app reads, through the same `Store` queries, so the difference measured
is what the real app's caching and conditional GET buy. Started by bench/http_bench.py as

    NAIVE_DATABASE_URL=sqlite:///... gunicorn --chdir bench naive_app:app
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Flask, Response

from articles.store import Facet, Store

ITEMS = 50
SITE = "http://127.0.0.1"


def create_naive_app(database_url: str) -> Flask:
    """The baseline app over the store at `database_url`."""
    app = Flask(__name__)
    store = Store(database_url)

    @app.get("/feeds/all.atom")
    def all_atom() -> Response:
        keys = store.page_keys(Facet("all"), now=datetime.now(UTC), limit=ITEMS)
        articles = store.fetch([key.id for key in keys])
        fg = FeedGenerator()
        fg.id(f"{SITE}/feeds/all.atom")
        fg.title("Naive feed")
        fg.link(href=f"{SITE}/", rel="alternate")
        fg.link(href=f"{SITE}/feeds/all.atom", rel="self")
        fg.language("ko")
        fg.author({"name": "Naive"})
        if articles:
            fg.updated(max(a.updated for a in articles))
        for article in articles:
            fe = fg.add_entry(order="append")
            fe.id(article.guid or article.id)
            fe.title(article.title)
            fe.link(href=article.url or f"{SITE}/articles/{article.id}")
            fe.published(article.published)
            fe.updated(article.updated)
            fe.summary(article.summary)
            fe.content(article.body_html, type="html")
            for author in article.authors:
                fe.author({"name": author.name})
            for tag in article.tags:
                fe.category(term=tag.slug, label=tag.label)
        return Response(fg.atom_str(pretty=False), content_type="application/atom+xml")

    return app


app = create_naive_app(os.environ.get("NAIVE_DATABASE_URL", "sqlite:///bench/.data/naive.db"))
