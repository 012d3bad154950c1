"""Render benchmark: our writers against a naive feedgen baseline, in the same process.

    python bench/render.py                 # 50 entries, 200 runs per format
    python bench/render.py --entries 200 --runs 100

Both sides get the same 50 synthetic articles, prepared before timing. "ours" is
`render(feed, fmt)` on a Feed built once (the HTTP layer builds it once per request, so
`build_feed` is timed on its own and also added: "ours incl. build"). The baseline is what a
first version would do per request: one FeedGenerator filled from plain dicts with the same
fields through feedgen's own API and its media/dc extensions (id, title, link, dates, authors,
summary, HTML content, section and tags, related links, enclosures, lead image, source credit,
rights), no fixes (so its output loses what feedgen drops), then `atom_str()`/`rss_str()`; for
JSON Feed the same dicts through `json.dumps`. Runs of the two
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
            "authors": [author.name for author in a.authors],
            "categories": ([(a.section.slug, a.section.label)] if a.section else [])
            + [(t.slug, t.label) for t in a.tags],
            "image": a.image.url if a.image else None,
            "media": [(m.url, m.length, m.type) for m in a.media],
            "related": [(link.url, link.title) for link in a.related],
            "source": a.source.name if a.source else None,
            "rights": a.rights,
        }
        for a in items
    ]


def naive_generator(config: SiteConfig, rows: list[dict[str, Any]]) -> Any:
    """The same fields through feedgen's own API and extensions, as documented, no fixes."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("media")
    fg.load_extension("dc")
    fg.id(f"{BASE_URL}/feeds/all")
    fg.title(config.title)
    fg.subtitle(config.description)
    fg.link(href=f"{BASE_URL}/feeds/all", rel="self")
    fg.link(href="https://hub.example.com/", rel="hub")
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
        for name in row["authors"]:
            fe.author({"name": name})
        fe.summary(row["summary"])
        fe.content(row["body"], type="html")
        for term, label in row["categories"]:
            fe.category(term=term, label=label)
        for url, title in row["related"]:
            fe.link(href=url, rel="related", title=title)
        for url, length, mime in row["media"]:
            fe.enclosure(url, str(length), mime)
        if row["image"]:
            fe.media.content(url=row["image"], medium="image")
            fe.media.thumbnail(url=row["image"])
        if row["source"]:
            fe.dc.dc_source(row["source"])
        if row["rights"]:
            fe.rights(row["rights"])
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
                "authors": [{"name": name} for name in r["authors"]],
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


def measure(fmt: str, config: SiteConfig, items: list[Article], runs: int) -> dict[str, Any]:
    """Interleaved runs of both sides: render only, and with the per-request preparation
    (ours: `build_feed` from Articles; the baseline: the plain dicts from Articles)."""
    feed = ours_build(config, items)
    naive = baselines(config, plain(items))[fmt]
    samples: dict[str, list[int]] = {"ours": [], "ours_built": [], "base": [], "base_built": []}
    steps: list[tuple[str, Callable[[], object]]] = [
        ("ours", lambda: render(feed, fmt)),
        ("ours_built", lambda: render(ours_build(config, items), fmt)),
        ("base", naive),
        ("base_built", lambda: baselines(config, plain(items))[fmt]()),
    ]
    for run in range(runs):
        # Alternate who goes first, so neither side always runs on a warmer cache.
        for name, fn in steps if run % 2 else reversed(steps):
            samples[name].append(timed(fn))
    ours, base = samples["ours"], samples["base"]
    ours_built, base_built = samples["ours_built"], samples["base_built"]
    pair_ratios = [o / b for o, b in zip(ours, base, strict=True)]
    return {
        "ours_median_us": median_us(ours),
        "baseline_median_us": median_us(base),
        "ratio": round(statistics.median(ours) / statistics.median(base), 2),
        "ours_incl_build_median_us": median_us(ours_built),
        "baseline_incl_build_median_us": median_us(base_built),
        "ratio_incl_build": round(statistics.median(ours_built) / statistics.median(base_built), 2),
        "median_pair_ratio": round(statistics.median(pair_ratios), 2),
        # The fastest run is the least disturbed by other load on a shared machine.
        "ours_min_us": round(min(ours) / 1000, 1),
        "baseline_min_us": round(min(base) / 1000, 1),
        "min_ratio": round(min(ours) / min(base), 2),
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
    log(f"{len(items)} entries, {args.runs} runs per format, load {os.getloadavg()[0]:.2f}")
    for fmt in FORMATS:
        measure(fmt, config, items, args.warmup)
    results = {fmt: measure(fmt, config, items, args.runs) for fmt in FORMATS}

    print(f"render of {len(items)} entries, median of {args.runs} interleaved runs")
    header = ("format", "ours µs", "naive µs", "ratio", "ours+prep", "naive+prep", "ratio")
    print("{:<7}{:>9}{:>10}{:>7}{:>11}{:>12}{:>7}".format(*header))
    for fmt, r in results.items():
        print(
            f"{fmt:<7}{r['ours_median_us']:>9}{r['baseline_median_us']:>10}{r['ratio']:>7}"
            f"{r['ours_incl_build_median_us']:>11}{r['baseline_incl_build_median_us']:>12}"
            f"{r['ratio_incl_build']:>7}"
        )
    print(
        "µs = median; ratio = ours / naive (below 1 is faster); +prep = with the per-request\n"
        "preparation from Articles (ours: build_feed; naive: plain dicts); fastest-run ratios\n"
        "and sizes are in bench/results/render.json"
    )
    save_results("render", {"entries": len(items), "runs": args.runs, "formats": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
