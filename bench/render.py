"""Render benchmark: our writers against a naive feedgen baseline, in the same process.

    python bench/render.py                 # 50 entries, 200 runs per format
    python bench/render.py --entries 200 --runs 100

Both sides get the same 50 synthetic articles, prepared before timing. "ours" is
`render(feed, fmt)` on a Feed built once (the HTTP layer builds it once per request, so
`build_feed` is timed on its own and also added: "ours incl. build"). The baseline is what a
first version would do per request: one FeedGenerator filled from plain dicts with the core
fields (id, title, link, dates, author, summary, HTML content, categories), no fixes, then
`atom_str()`/`rss_str()`; for JSON Feed the same dicts through `json.dumps`. Runs of the two
sides are interleaved so machine noise falls on both; the table gives medians and the ratio
ours/baseline (below 1.0 means ours is faster). Figures also go to bench/results/render.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import NOW, log, save_results  # noqa: E402

from articles.model import Article  # noqa: E402
from articles.synthetic import generate  # noqa: E402
from feeds.config import SiteConfig  # noqa: E402
from feeds.model import DocumentLinks, Feed, FeedLinks, build_feed  # noqa: E402
from feeds.writers import FORMATS, render  # noqa: E402

BASE_URL = "https://news.example.com"


class Facet:
    kind = "all"
    value = ""


def articles(n: int) -> list[Article]:
    """The newest `n` visible synthetic articles, newest first, as the store would give them."""
    pool = [a for a in generate(n * 2, seed=1) if a.is_visible_at(NOW)]
    return sorted(pool, key=lambda a: (a.published, a.id), reverse=True)[:n]


def links() -> FeedLinks:
    documents = {
        fmt: DocumentLinks(
            self=f"{BASE_URL}/feeds/all.{fmt}", next=f"{BASE_URL}/feeds/all.{fmt}?page=2"
        )
        for fmt in FORMATS
    }
    return FeedLinks(html=f"{BASE_URL}/", documents=documents, hub="https://hub.example.com/")


def ours_build(config: SiteConfig, items: list[Article]) -> Feed:
    return build_feed(
        config,
        title=config.title,
        subtitle=config.description,
        facet=Facet(),
        articles=items,
        links=links(),
        article_url=lambda a: f"{BASE_URL}/articles/{a.id}",
        base_url=BASE_URL,
    )


def plain(items: list[Article]) -> list[dict[str, Any]]:
    """The articles as the plain dicts a naive view would read from the database."""
    return [
        {
            "id": a.guid,
            "title": a.title,
            "link": a.url or f"{BASE_URL}/articles/{a.id}",
            "published": a.published,
            "updated": a.updated,
            "summary": a.summary,
            "body": a.body_html,
            "author": a.authors[0].name if a.authors else "",
            "categories": [(t.slug, t.label) for t in a.tags],
        }
        for a in items
    ]


def naive_generator(config: SiteConfig, rows: list[dict[str, Any]]) -> Any:
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(f"{BASE_URL}/feeds/all")
    fg.title(config.title)
    fg.subtitle(config.description)
    fg.link(href=f"{BASE_URL}/feeds/all", rel="self")
    fg.link(href=f"{BASE_URL}/", rel="alternate")
    fg.language("ko")
    fg.updated(max(r["updated"] for r in rows))
    for row in rows:
        fe = fg.add_entry(order="append")
        fe.id(row["id"])
        fe.title(row["title"])
        fe.link(href=row["link"])
        fe.published(row["published"])
        fe.updated(row["updated"])
        fe.author({"name": row["author"]})
        fe.summary(row["summary"])
        fe.content(row["body"], type="html")
        for term, label in row["categories"]:
            fe.category(term=term, label=label)
    return fg


def naive_json(config: SiteConfig, rows: list[dict[str, Any]]) -> bytes:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": config.title,
        "home_page_url": f"{BASE_URL}/",
        "feed_url": f"{BASE_URL}/feeds/all.json",
        "items": [
            {
                "id": r["id"],
                "url": r["link"],
                "title": r["title"],
                "summary": r["summary"],
                "content_html": r["body"],
                "date_published": r["published"].isoformat(),
                "date_modified": r["updated"].isoformat(),
                "authors": [{"name": r["author"]}],
                "tags": [label for _, label in r["categories"]],
            }
            for r in rows
        ],
    }
    return json.dumps(doc).encode()


def baselines(config: SiteConfig, rows: list[dict[str, Any]]) -> dict[str, Callable[[], bytes]]:
    return {
        "atom": lambda: bytes(naive_generator(config, rows).atom_str()),
        "rss": lambda: bytes(naive_generator(config, rows).rss_str()),
        "json": lambda: naive_json(config, rows),
    }


def median_us(samples: list[int]) -> float:
    return round(statistics.median(samples) / 1000, 1)


def timed(fn: Callable[[], object]) -> int:
    started = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - started


def measure(
    fmt: str, config: SiteConfig, items: list[Article], naive: Callable[[], bytes], runs: int
) -> dict[str, Any]:
    """Interleaved runs of ours (render only, and build + render) and the baseline."""
    feed = ours_build(config, items)
    ours: list[int] = []
    ours_built: list[int] = []
    base: list[int] = []
    for run in range(runs):
        # Alternate who goes first, so neither side always runs on a warmer cache.
        steps = [
            (ours, lambda: render(feed, fmt)),
            (ours_built, lambda: render(ours_build(config, items), fmt)),
            (base, naive),
        ]
        for samples, fn in steps if run % 2 else reversed(steps):
            samples.append(timed(fn))
    pair_ratios = [o / b for o, b in zip(ours, base, strict=True)]
    return {
        "ours_median_us": median_us(ours),
        "ours_incl_build_median_us": median_us(ours_built),
        "baseline_median_us": median_us(base),
        "ratio": round(statistics.median(ours) / statistics.median(base), 2),
        "ratio_incl_build": round(statistics.median(ours_built) / statistics.median(base), 2),
        "median_pair_ratio": round(statistics.median(pair_ratios), 2),
        "ours_bytes": len(render(feed, fmt)),
        "baseline_bytes": len(naive()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args(argv)

    config = SiteConfig(tag_authority="news.example.com,2025")
    items = articles(args.entries)
    naive = baselines(config, plain(items))
    log(f"{len(items)} entries, {args.runs} runs per format, load {os.getloadavg()[0]:.2f}")
    for fmt in FORMATS:
        measure(fmt, config, items, naive[fmt], args.warmup)
    results = {fmt: measure(fmt, config, items, naive[fmt], args.runs) for fmt in FORMATS}

    print(f"render of {len(items)} entries, median of {args.runs} interleaved runs")
    header = (
        "format",
        "ours µs",
        "+build µs",
        "naive µs",
        "ratio",
        "+build",
        "ours KB",
        "naive KB",
    )
    print("{:<7}{:>10}{:>11}{:>10}{:>7}{:>8}{:>9}{:>10}".format(*header))
    for fmt, r in results.items():
        print(
            f"{fmt:<7}{r['ours_median_us']:>10}{r['ours_incl_build_median_us']:>11}"
            f"{r['baseline_median_us']:>10}{r['ratio']:>7}{r['ratio_incl_build']:>8}"
            f"{r['ours_bytes'] / 1024:>9.0f}{r['baseline_bytes'] / 1024:>10.0f}"
        )
    print("ratio = ours / naive (below 1 is faster); +build includes build_feed from Articles")
    save_results("render", {"entries": len(items), "runs": args.runs, "formats": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
