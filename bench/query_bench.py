"""Query time against corpus size: "the newest 50" of a section, a tag and an author.

One query is what a feed request costs the database: `store.page_keys(facet, now=, limit=50)`
(the cheap ETag question) followed by `store.fetch(ids)` (the rows to render). Stores of 1k,
100k and 1M synthetic articles are built once and cached under `bench/.data/`; each query is
warmed up, then timed many times and the median reported. Target: the 1M median within 2x of
the 1k median, i.e. the query must use an index, not scan the corpus.

    python bench/query_bench.py                       # 1k, 100k, 1M
    python bench/query_bench.py --sizes 1000 100000 --runs 100
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any, cast

from common import NOW, SEED, cached_store, log, save_results, sqlite_url

RATIO_TARGET = 2.0
LIMIT = 50
# Facets every corpus size holds, chosen so each is a different share of the corpus: a big
# section (~22%), one Korean tag (~1.2%) and one Korean byline (~2.4%).
FACETS: tuple[tuple[str, str], ...] = (
    ("section", "asia"),
    ("tag", "ko-oegyo"),
    ("author", "gim-minjun"),
    ("all", ""),
)


def _median_us(samples: list[int]) -> float:
    return round(statistics.median(samples) / 1000, 1)


def _p90_us(samples: list[int]) -> float:
    return round(statistics.quantiles(samples, n=10)[-1] / 1000, 1)


def time_facet(store: Any, facet: Any, runs: int, warmup: int) -> dict[str, Any]:
    """Median and p90 of page_keys, fetch and both together, in microseconds."""
    keys_ns: list[int] = []
    fetch_ns: list[int] = []
    total_ns: list[int] = []
    rows = 0
    for attempt in range(warmup + runs):
        t0 = time.perf_counter_ns()
        keys = store.page_keys(facet, now=NOW, limit=LIMIT)
        t1 = time.perf_counter_ns()
        articles = store.fetch([key.id for key in keys])
        t2 = time.perf_counter_ns()
        if attempt >= warmup:
            keys_ns.append(t1 - t0)
            fetch_ns.append(t2 - t1)
            total_ns.append(t2 - t0)
        rows = len(articles)
    return {
        "rows": rows,
        "page_keys_median_us": _median_us(keys_ns),
        "fetch_median_us": _median_us(fetch_ns),
        "median_us": _median_us(total_ns),
        "p90_us": _p90_us(total_ns),
    }


def bench_size(n: int, seed: int, runs: int, warmup: int) -> dict[str, Any]:
    from articles.store import Facet, Store

    path = cached_store(n, seed)
    store = Store(sqlite_url(path))
    try:
        result: dict[str, Any] = {
            "articles": n,
            "db_mb": round(path.stat().st_size / 1e6, 1),
            "facets": {},
        }
        for kind, value in FACETS:
            facet = Facet(cast(Any, kind), value)
            log(f"{n:,} articles: timing {kind} {value!r} x{runs}")
            timing = time_facet(store, facet, runs, warmup)
            timing["count_visible"] = store.count_visible(facet, now=NOW)
            result["facets"][f"{kind}:{value}"] = timing
        return result
    finally:
        store.dispose()


def ratios(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Median at the largest size over the median at the smallest, per facet.

    A facet can hold fewer than 50 visible articles in a small corpus (a tag of a 1k corpus has
    about a dozen), and fetching fewer rows is cheaper, which inflates the raw ratio. So each
    facet also gets a ratio against the smallest size whose page is full: same rows, only the
    corpus grows.
    """
    largest = results[-1]
    out: dict[str, dict[str, Any]] = {}
    for name, big in largest["facets"].items():
        small = results[0]["facets"][name]
        full = next((r for r in results if r["facets"][name]["rows"] == LIMIT), largest)
        out[name] = {
            "raw": round(big["median_us"] / small["median_us"], 2),
            "raw_rows": [small["rows"], big["rows"]],
            "full_page_baseline": full["articles"],
            "full_page": round(big["median_us"] / full["facets"][name]["median_us"], 2),
        }
    return out


def report(results: list[dict[str, Any]], ratio: dict[str, dict[str, Any]]) -> None:
    print(
        f"{'articles':>10} {'facet':<18} {'rows':>5} {'keys us':>8} {'fetch us':>9} "
        f"{'median us':>10} {'p90 us':>8}"
    )
    for r in results:
        for name, t in r["facets"].items():
            print(
                f"{r['articles']:>10,} {name:<18} {t['rows']:>5} {t['page_keys_median_us']:>8} "
                f"{t['fetch_median_us']:>9} {t['median_us']:>10} {t['p90_us']:>8}"
            )
    if len(results) > 1:
        largest = results[-1]["articles"]
        for name, r in ratio.items():
            verdict = "ok" if r["full_page"] <= RATIO_TARGET else "MISSED"
            print(
                f"{name:<18} {largest:,}/{results[0]['articles']:,}: {r['raw']:.2f}x "
                f"(rows {r['raw_rows'][0]} vs {r['raw_rows'][1]}); "
                f"{largest:,}/{r['full_page_baseline']:,} with full pages: "
                f"{r['full_page']:.2f}x (target <= {RATIO_TARGET}x: {verdict})"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--runs", type=int, default=300, help="timed runs per query")
    parser.add_argument("--warmup", type=int, default=30, help="untimed runs first")
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)
    results = [bench_size(n, args.seed, args.runs, args.warmup) for n in sizes]
    ratio = ratios(results) if len(results) > 1 else {}
    report(results, ratio)
    save_results(
        "query",
        {
            "limit": LIMIT,
            "runs": args.runs,
            "ratio_target": RATIO_TARGET,
            "sizes": results,
            "ratio_largest_to_smallest": ratio,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
