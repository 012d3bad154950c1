"""Render benchmark: our writers against a naive feedgen baseline, in the same process.

    python bench/render.py                 # 50 entries, 200 runs per format (about a minute)
    python bench/render.py --entries 200 --runs 100
    python bench/render.py --clock cpu     # the thread's CPU time instead of wall time

Both sides get the same 50 synthetic articles. Before every run each side gets fresh copies
of them, as `Store.fetch` gives them (decoded from the stored JSON), made outside the timing.
"ours" is `render(feed, fmt)` on a Feed built once. "ours+build" is a cold render of the
document: `build_feed` from the fresh articles plus `render`, with the process's entry memo
(`feeds.entry_memo.EntryMemo`), as the HTTP layer does it: these articles were built before (the
warm-up, or another feed), so their entries are reused after comparing each article field
by field. "ours cold" is the same with no memo (`memo=None`): every entry built from
nothing, as for articles this process has never rendered. The baseline is what a first
version would do per request: one FeedGenerator filled from plain dicts with the same fields
through feedgen's own API and its media/dc extensions (id, title, link, dates, authors,
summary, HTML content, section and tags, related links, enclosures, lead image, source
credit, rights), no fixes (so its output loses what feedgen drops), then
`atom_str()`/`rss_str()`; for JSON Feed (feedgen has no writer) the same dicts through
`json.dumps`, with the same fields wherever JSON Feed 1.1 has a key for them (the subtitle,
hub, language, lead image and attachments too since 2026-11-30; before, it left those out
and did less work than the feedgen baselines); "naive+prep" adds making the plain dicts
from the fresh articles. Runs are interleaved so machine noise
falls on every side, alternating who goes first; the table gives medians and the ratios
ours/baseline (below 1.0 means ours is faster). Figures, with the load average before and
after, go to bench/results/render.json.
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

from articles.model import Article, article_from_dict, article_to_dict  # noqa: E402
from articles.synthetic import generate  # noqa: E402
from feeds.config import SiteConfig  # noqa: E402
from feeds.entry_memo import ENTRY_MEMO, EntryMemo  # noqa: E402
from feeds.feed_types import DocumentLinks, Feed, FeedLinks  # noqa: E402
from feeds.model import build_feed  # noqa: E402
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


def fetched(items: list[Article]) -> list[Article]:
    """Fresh copies of the articles, decoded from their JSON as `Store.fetch` makes them."""
    return [article_from_dict(json.loads(json.dumps(article_to_dict(a)))) for a in items]


def ours_build(
    config: SiteConfig, items: list[Article], memo: EntryMemo | None = ENTRY_MEMO
) -> Feed:
    return build_feed(
        config,
        title=config.title,
        subtitle=config.description,
        facet=Facet(),
        articles=items,
        links=links(),
        article_url=lambda a: f"{BASE_URL}/articles/{a.id}",
        base_url=BASE_URL,
        memo=memo,
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


def naive_item(row: dict[str, Any]) -> dict[str, Any]:
    """One item with the fields `naive_generator` gives feedgen, where JSON Feed 1.1 has a key
    for them (no related links, source credit or rights: it has none)."""
    item: dict[str, Any] = {
        "id": row["id"],
        "url": row["link"],
        "title": row["title"],
        "summary": row["summary"],
        "content_html": row["body"],
        "date_published": row["published"].isoformat(),
        "date_modified": row["updated"].isoformat(),
        "authors": [{"name": name} for name in row["authors"]],
        "tags": [label for _, label in row["categories"]],
    }
    if row["image"]:
        item["image"] = row["image"]
    if row["media"]:
        item["attachments"] = [
            {"url": url, "mime_type": mime, "size_in_bytes": length}
            for url, length, mime in row["media"]
        ]
    return item


def naive_json(config: SiteConfig, rows: list[dict[str, Any]]) -> bytes:
    """The same feed-level fields as `naive_generator` (title, subtitle, links, hub, language)
    and items, through `json.dumps` with its defaults."""
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": config.title,
        "description": config.description,
        "home_page_url": f"{BASE_URL}/",
        "feed_url": f"{BASE_URL}/feeds/all.json",
        "hubs": [{"type": "WebSub", "url": "https://hub.example.com/"}],
        "language": "ko",
        "items": [naive_item(r) for r in rows],
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


CLOCKS: dict[str, Callable[[], int]] = {
    "wall": time.perf_counter_ns,
    "cpu": time.thread_time_ns,
}


def measure(
    fmt: str, config: SiteConfig, items: list[Article], runs: int, clock: Callable[[], int]
) -> dict[str, Any]:
    """Interleaved runs of every side: render only, and with the per-request preparation
    (ours: `build_feed` from fresh Articles, with and without the entry memo; the baseline:
    the plain dicts from fresh Articles)."""
    feed = ours_build(config, items)
    naive = baselines(config, plain(items))[fmt]
    names = ("ours", "ours_built", "ours_cold", "base", "base_built")
    samples: dict[str, list[int]] = {name: [] for name in names}
    for run in range(runs):
        ours_items, base_items = fetched(items), fetched(items)
        steps: list[tuple[str, Callable[[], object]]] = [
            ("ours", lambda: render(feed, fmt)),
            ("ours_built", lambda got=ours_items: render(ours_build(config, got), fmt)),
            ("ours_cold", lambda got=ours_items: render(ours_build(config, got, None), fmt)),
            ("base", naive),
            ("base_built", lambda got=base_items: baselines(config, plain(got))[fmt]()),
        ]
        # Alternate who goes first, so neither side always runs on a warmer cache.
        for name, fn in steps if run % 2 else reversed(steps):
            started = clock()
            fn()
            samples[name].append(clock() - started)
    ours, base = samples["ours"], samples["base"]
    ours_built, ours_cold = samples["ours_built"], samples["ours_cold"]
    base_built = samples["base_built"]
    pair_ratios = [o / b for o, b in zip(ours, base, strict=True)]
    return {
        "ours_median_us": median_us(ours),
        "baseline_median_us": median_us(base),
        "ratio": round(statistics.median(ours) / statistics.median(base), 2),
        "ours_incl_build_median_us": median_us(ours_built),
        "ours_cold_median_us": median_us(ours_cold),
        "baseline_incl_build_median_us": median_us(base_built),
        "ratio_incl_build": round(statistics.median(ours_built) / statistics.median(base_built), 2),
        "ratio_cold": round(statistics.median(ours_cold) / statistics.median(base_built), 2),
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
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    args = parser.parse_args(argv)

    config = SiteConfig(tag_authority="news.example.com,2025")
    items = articles(args.entries)
    clock = CLOCKS[args.clock]
    load_before = os.getloadavg()
    log(f"{len(items)} entries, {args.runs} runs per format, load {load_before[0]:.2f}")
    for fmt in FORMATS:
        measure(fmt, config, items, args.warmup, clock)
    results = {fmt: measure(fmt, config, items, args.runs, clock) for fmt in FORMATS}
    load_after = os.getloadavg()

    print(
        f"render of {len(items)} entries, median of {args.runs} interleaved runs "
        f"({args.clock} clock; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after)"
    )
    header = ("format", "ours", "naive", "ratio", "ours+build", "ours cold", "naive+prep")
    print("{:<7}{:>8}{:>8}{:>7}{:>12}{:>11}{:>12}  ratios (+build, cold)".format(*header))
    for fmt, r in results.items():
        print(
            f"{fmt:<7}{r['ours_median_us']:>8}{r['baseline_median_us']:>8}{r['ratio']:>7}"
            f"{r['ours_incl_build_median_us']:>12}{r['ours_cold_median_us']:>11}"
            f"{r['baseline_incl_build_median_us']:>12}  {r['ratio_incl_build']}, {r['ratio_cold']}"
        )
    print(
        "µs, medians; ratio = ours / naive (below 1 is faster); +build = build_feed from fresh\n"
        "articles (entry memo warm) + render; cold = the same without the memo; +prep = the\n"
        "plain dicts made from fresh articles; details in bench/results/render.json"
    )
    save_results(
        "render",
        {
            "entries": len(items),
            "runs": args.runs,
            "clock": args.clock,
            "load_average_before": load_before,
            "load_average_after": load_after,
            "formats": results,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
