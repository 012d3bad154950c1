"""Podcast render benchmark: a 50-episode show, our writer extensions against feedgen's own
podcast extension used naively, in the same process.

    python bench/podcast_render.py              # 50 episodes, 200 interleaved runs
    python bench/podcast_render.py --episodes 200 --runs 100
    python bench/podcast_render.py --clock cpu  # the thread's CPU time instead of wall time

Both sides get the same 50 synthetic episodes (audio, duration, season and number,
transcript and chapters URLs); before every run each side gets fresh copies of them, as
`Store.fetch` decodes them, made outside the timing. "ours" is
`feeds.writers.podcast.render_show(feed, "rss", show)` on a show Feed built once; "ours
incl. build" adds `build_feed` (with the process's entry memo, as the HTTP layer uses it:
these articles were built before) and `show_feed`; "cold" is the same with no memo. The
baseline is what a first version would write per request: one FeedGenerator with
`load_extension("podcast")`, filled from plain dicts through feedgen's documented API (channel
itunes_author/owner/image/category/explicit/type, item enclosure, itunes_duration,
itunes_episode/season/episode_type, itunes_image), then `rss_str()`; with preparation, the
plain dicts made from the fresh articles. feedgen's extension has no Podcasting 2.0 tags, so
the baseline writes fewer elements than ours. Runs are interleaved, alternating who goes
first; the summary gives medians and the ratio ours/baseline (below 1.0 is faster). Figures,
with the load average before and after, go to bench/results/podcast-render.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import NOW, log, save_results  # noqa: E402

from articles.model import (  # noqa: E402
    Article,
    Episode,
    Media,
    Section,
    article_from_dict,
    article_to_dict,
)
from articles.store import Facet  # noqa: E402
from articles.synthetic import generate  # noqa: E402
from feeds.config import SiteConfig  # noqa: E402
from feeds.entry_memo import ENTRY_MEMO, EntryMemo  # noqa: E402
from feeds.feed_types import DocumentLinks, Feed, FeedLinks  # noqa: E402
from feeds.model import build_feed  # noqa: E402
from feeds.podcasts import Show, parse_shows, show_feed  # noqa: E402
from feeds.writers import FORMATS  # noqa: E402
from feeds.writers.podcast import render_show  # noqa: E402

BASE_URL = "https://news.example.com"
SHOW_SETTINGS = {
    "title": "Morning Briefing",
    "description": "Five minutes of the day's news",
    "section": "briefing",
    "author": "Newsroom Audio",
    "owner_name": "Audio Desk",
    "owner_email": "audio@news.example.com",
    "artwork_url": "https://news.example.com/briefing-3000.jpg",
    "language": "ko",
    "categories": ["News/Daily News"],
}


def episodes(n: int) -> list[Article]:
    """`n` synthetic articles made episodes (audio, duration, numbers), newest first."""
    pool = [a for a in generate(n * 2, seed=1) if a.is_visible_at(NOW)]
    chosen = sorted(pool, key=lambda a: (a.published, a.id), reverse=True)[:n]
    return [
        replace(
            a,
            section=Section("briefing", "브리핑"),
            media=(
                Media(
                    f"https://cdn.example.com/audio/{a.id}.mp3",
                    4_000_000 + number,
                    "audio/mpeg",
                    duration=240 + number,
                ),
            ),
            episode=Episode(
                season=1 + number // 20,
                number=n - number,
                transcript_url=f"https://cdn.example.com/audio/{a.id}.vtt",
                transcript_type="text/vtt",
                chapters_url=f"https://cdn.example.com/audio/{a.id}.json",
            ),
        )
        for number, a in enumerate(chosen)
    ]


def links() -> FeedLinks:
    facet = "/feeds/podcast/briefing"
    documents = {
        fmt: DocumentLinks(self=f"{BASE_URL}{facet}.{fmt}", next=f"{BASE_URL}{facet}.{fmt}?page=2")
        for fmt in FORMATS
    }
    return FeedLinks(
        html=f"{BASE_URL}/podcast/briefing", documents=documents, hub="https://hub.example.com/"
    )


def fetched(items: list[Article]) -> list[Article]:
    """Fresh copies of the articles, decoded from their JSON as `Store.fetch` makes them."""
    return [article_from_dict(json.loads(json.dumps(article_to_dict(a)))) for a in items]


def ours_build(
    config: SiteConfig, show: Show, items: list[Article], memo: EntryMemo | None = ENTRY_MEMO
) -> Feed:
    feed = build_feed(
        config,
        title=show.title,
        subtitle=show.description,
        facet=Facet("podcast", show.slug),
        articles=items,
        links=links(),
        article_url=lambda a: f"{BASE_URL}/articles/{a.id}",
        base_url=BASE_URL,
        memo=memo,
    )
    return show_feed(feed, show, BASE_URL)


def plain(items: list[Article]) -> list[dict[str, Any]]:
    """The episodes as the plain dicts a naive view would read from the database."""
    rows = []
    for a in items:
        medium = a.media[0]
        assert a.episode is not None
        rows.append(
            {
                "id": a.guid,
                "title": a.title,
                "link": a.url or f"{BASE_URL}/articles/{a.id}",
                "published": a.published,
                "summary": a.summary,
                "body": a.body_html,
                "media": (medium.url, medium.length, medium.type, medium.duration),
                "image": a.image.url if a.image else None,
                "season": a.episode.season,
                "number": a.episode.number,
            }
        )
    return rows


def naive_rss(show: Show, rows: list[dict[str, Any]]) -> bytes:
    """feedgen's podcast extension, as its documentation shows it."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title(show.title)
    fg.description(show.description)
    fg.link(href=f"{BASE_URL}/feeds/podcast/briefing.rss", rel="self")
    fg.link(href=f"{BASE_URL}/podcast/briefing", rel="alternate")
    fg.language(show.language)
    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_owner(name=show.owner_name, email=show.owner_email)
    fg.podcast.itunes_image(show.artwork_url)
    # feedgen checks categories against Apple's pre-2019 list: "News" has no "Daily News".
    fg.podcast.itunes_category("News & Politics")
    fg.podcast.itunes_explicit("no")  # its check refuses "false"
    fg.podcast.itunes_type("episodic")
    fg.lastBuildDate(max(r["published"] for r in rows))
    for row in rows:
        fe = fg.add_entry(order="append")
        fe.id(row["id"])
        fe.guid(row["id"], permalink=False)
        fe.title(row["title"])
        fe.link(href=row["link"])
        fe.published(row["published"])
        fe.description(row["summary"] or row["title"])
        fe.content(row["body"], type="CDATA")
        url, length, mime, duration = row["media"]
        fe.enclosure(url, str(length), mime)
        fe.podcast.itunes_duration(duration)
        fe.podcast.itunes_season(row["season"])
        fe.podcast.itunes_episode(row["number"])
        fe.podcast.itunes_episode_type("full")
        if row["image"] and row["image"].endswith((".jpg", ".png")):
            fe.podcast.itunes_image(row["image"])
    return bytes(fg.rss_str())


def median_us(samples: list[int]) -> float:
    return round(statistics.median(samples) / 1000, 1)


CLOCKS: dict[str, Callable[[], int]] = {
    "wall": time.perf_counter_ns,
    "cpu": time.thread_time_ns,
}


def measure(
    config: SiteConfig, show: Show, items: list[Article], runs: int, clock: Callable[[], int]
) -> dict[str, Any]:
    feed = ours_build(config, show, items)
    rows = plain(items)
    names = ("ours", "ours_built", "ours_cold", "base", "base_built")
    samples: dict[str, list[int]] = {name: [] for name in names}
    for run in range(runs):
        ours_items, base_items = fetched(items), fetched(items)
        steps: list[tuple[str, Callable[[], object]]] = [
            ("ours", lambda: render_show(feed, "rss", show)),
            (
                "ours_built",
                lambda got=ours_items: render_show(ours_build(config, show, got), "rss", show),
            ),
            (
                "ours_cold",
                lambda got=ours_items: render_show(
                    ours_build(config, show, got, None), "rss", show
                ),
            ),
            ("base", lambda: naive_rss(show, rows)),
            ("base_built", lambda got=base_items: naive_rss(show, plain(got))),
        ]
        for name, fn in steps if run % 2 else reversed(steps):
            started = clock()
            fn()
            samples[name].append(clock() - started)
    ours, base = samples["ours"], samples["base"]
    base_built = statistics.median(samples["base_built"])
    return {
        "ours_median_us": median_us(ours),
        "baseline_median_us": median_us(base),
        "ratio": round(statistics.median(ours) / statistics.median(base), 2),
        "ours_incl_build_median_us": median_us(samples["ours_built"]),
        "ours_cold_median_us": median_us(samples["ours_cold"]),
        "baseline_incl_build_median_us": median_us(samples["base_built"]),
        "ratio_incl_build": round(statistics.median(samples["ours_built"]) / base_built, 2),
        "ratio_cold": round(statistics.median(samples["ours_cold"]) / base_built, 2),
        "ours_min_us": round(min(ours) / 1000, 1),
        "baseline_min_us": round(min(base) / 1000, 1),
        "ours_bytes": len(render_show(feed, "rss", show)),
        "baseline_bytes": len(naive_rss(show, rows)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--episodes", type=int, default=50)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    args = parser.parse_args(argv)

    config = SiteConfig(tag_authority="news.example.com,2025")
    (show,) = parse_shows({"briefing": SHOW_SETTINGS}, "bench")
    items = episodes(args.episodes)
    clock = CLOCKS[args.clock]
    load_before = os.getloadavg()
    log(f"{len(items)} episodes, {args.runs} runs, load {load_before[0]:.2f}")
    measure(config, show, items, args.warmup, clock)
    result = measure(config, show, items, args.runs, clock)
    load_after = os.getloadavg()
    print(
        f"RSS of a {len(items)}-episode show, median of {args.runs} interleaved runs "
        f"({args.clock} clock; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after)"
    )
    print(
        f"writer: ours {result['ours_median_us']} µs, feedgen podcast extension "
        f"{result['baseline_median_us']} µs, ratio {result['ratio']}"
    )
    print(
        f"with preparation: ours {result['ours_incl_build_median_us']} µs (entry memo warm), "
        f"{result['ours_cold_median_us']} µs (cold) vs "
        f"{result['baseline_incl_build_median_us']} µs, ratios {result['ratio_incl_build']}, "
        f"{result['ratio_cold']}"
    )
    print(f"bytes: ours {result['ours_bytes']:,}, feedgen {result['baseline_bytes']:,}")
    save_results(
        "podcast-render",
        {
            "episodes": len(items),
            "runs": args.runs,
            "clock": args.clock,
            "load_average_before": load_before,
            "load_average_after": load_after,
            "rss": result,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
