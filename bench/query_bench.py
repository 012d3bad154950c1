"""Query and render time against store size: "the newest 50" of a section, a tag, an author and a
language.

One feed request's database work is `store.page_keys(facet, now=, limit=50)` (the cheap ETag
question) followed by `store.fetch(ids)` (the rows to render); the render is `build_feed` plus
the Atom writer over those articles. Stores of 1k, 100k and 1M synthetic articles are imported
once and cached (SQLite files in the data folder, PostgreSQL databases `<db>_bench_<n>`).
Each query is warmed up, then timed many times and the median reported; with both stores,
the runs alternate between them so both see the same minute of a machine whose speed drifts.
Target: every facet's median at 1M within 2x of its median at 1k (the query must use an
index, not scan the corpus).

    python bench/query_bench.py                       # SQLite: 1k, 100k, 1M
    python bench/query_bench.py --postgres postgresql://user:pw@127.0.0.1/db   # and PostgreSQL
    python bench/query_bench.py --sizes 1000 100000 --runs 100

With PostgreSQL, `breakdown` in the results splits one request's time: a pool checkout with
one round trip (`SELECT 1`), the server's own execution time of each query (EXPLAIN ANALYZE),
and the rest (the driver and decoding the rows).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any, cast

from common import NOW, SEED, log, save_results, stored

RATIO_TARGET = 2.0
LIMIT = 50
BASE_URL = "https://news.example.com"
# Facets every corpus size holds, chosen so each is a different share of the corpus: a big
# section (~22%), one Korean tag (~1.2%), one Korean byline (~2.4%) and the Korean language
# feed (RFC 4647 basic filtering, through the `article_languages` link table).
FACETS: tuple[tuple[str, str], ...] = (
    ("section", "asia"),
    ("tag", "ko-oegyo"),
    ("author", "gim-minjun"),
    ("language", "ko"),
    ("all", ""),
)


def _median_us(samples: list[int]) -> float:
    return round(statistics.median(samples) / 1000, 1)


def _p90_us(samples: list[int]) -> float:
    return round(statistics.quantiles(samples, n=10)[-1] / 1000, 1)


def renderer() -> Callable[[Any, list[Any]], bytes]:
    """build_feed + the Atom writer, as a feed request renders the fetched articles."""
    from feeds.config import SiteConfig
    from feeds.feed_types import DocumentLinks, FeedLinks
    from feeds.model import build_feed
    from feeds.writers import FORMATS, render

    config = SiteConfig()

    def links(facet: Any) -> FeedLinks:
        path = f"{BASE_URL}/feeds/{facet.kind}/{facet.value}"
        documents = {fmt: DocumentLinks(self=f"{path}.{fmt}", next=None) for fmt in FORMATS}
        return FeedLinks(html=f"{BASE_URL}/", documents=documents, hub=None)

    def run(facet: Any, articles: list[Any]) -> bytes:
        feed = build_feed(
            config,
            title=config.title,
            subtitle=config.description,
            facet=facet,
            articles=articles,
            links=links(facet),
            article_url=lambda a: f"{BASE_URL}/articles/{a.id}",
            base_url=BASE_URL,
        )
        return render(feed, "atom")

    return run


class Timer:
    """The samples of one facet on one store."""

    def __init__(self, store: Any, facet: Any, render: Callable[[Any, list[Any]], bytes]) -> None:
        self.store, self.facet, self.render = store, facet, render
        self.keys: list[int] = []
        self.fetch: list[int] = []
        self.rendered: list[int] = []
        self.rows = 0
        self.bytes = 0

    def once(self, keep: bool) -> None:
        t0 = time.perf_counter_ns()
        keys = self.store.page_keys(self.facet, now=NOW, limit=LIMIT)
        t1 = time.perf_counter_ns()
        articles = self.store.fetch([key.id for key in keys])
        t2 = time.perf_counter_ns()
        document = self.render(self.facet, articles)
        t3 = time.perf_counter_ns()
        if keep:
            self.keys.append(t1 - t0)
            self.fetch.append(t2 - t1)
            self.rendered.append(t3 - t2)
        self.rows, self.bytes = len(articles), len(document)

    def summary(self) -> dict[str, Any]:
        query = [k + f for k, f in zip(self.keys, self.fetch, strict=True)]
        total = [q + r for q, r in zip(query, self.rendered, strict=True)]
        return {
            "rows": self.rows,
            "atom_bytes": self.bytes,
            "page_keys_median_us": _median_us(self.keys),
            "fetch_median_us": _median_us(self.fetch),
            "query_median_us": _median_us(query),
            "render_median_us": _median_us(self.rendered),
            "median_us": _median_us(total),
            "p90_us": _p90_us(total),
        }


def breakdown(store: Any, facet: Any) -> dict[str, Any]:
    """PostgreSQL: where one request's query time goes (see the module docstring)."""
    from articles.store.read import articles_table, keys_query

    samples: list[int] = []
    for attempt in range(230):
        t0 = time.perf_counter_ns()
        with store._connect() as conn:
            conn.exec_driver_sql("SELECT 1").scalar()
        if attempt >= 30:
            samples.append(time.perf_counter_ns() - t0)
    keys = store.page_keys(facet, now=NOW, limit=LIMIT)
    ids = [key.id for key in keys]
    a = articles_table
    queries = {
        "page_keys": keys_query(facet, NOW).limit(LIMIT),
        "fetch": a.select().with_only_columns(a.c.id, a.c.doc).where(a.c.id.in_(ids)),
    }
    server: dict[str, Any] = {}
    with store._connect() as conn:
        for name, query in queries.items():
            sql = str(query.compile(store.engine, compile_kwargs={"literal_binds": True}))
            times = []
            for _ in range(20):
                plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql).scalar()
                times.append((plan[0]["Planning Time"], plan[0]["Execution Time"]))
            server[name] = {
                "planning_ms": round(statistics.median(t[0] for t in times), 3),
                "execution_ms": round(statistics.median(t[1] for t in times), 3),
                "plan": plan[0]["Plan"]["Node Type"]
                + (
                    f" ({plan[0]['Plan']['Plans'][0]['Node Type']})"
                    if "Plans" in plan[0]["Plan"]
                    else ""
                ),
            }
    return {"checkout_and_select_1_median_us": _median_us(samples), "server": server}


def bench_size(
    n: int,
    seed: int,
    runs: int,
    warmup: int,
    backends: list[str],
    postgres: str | None,
) -> dict[str, dict[str, Any]]:
    """Every facet on every backend at one store size, the backends' runs interleaved."""
    from articles.store import Facet, Store

    render = renderer()
    stores = {backend: Store(stored(n, backend, postgres, seed)) for backend in backends}
    try:
        results: dict[str, dict[str, Any]] = {
            backend: {"articles": n, "facets": {}} for backend in backends
        }
        for kind, value in FACETS:
            facet = Facet(cast(Any, kind), value)
            log(f"{n:,} articles: timing {kind} {value!r} x{runs} on {', '.join(backends)}")
            timers = {backend: Timer(stores[backend], facet, render) for backend in backends}
            for attempt in range(warmup + runs):
                for timer in timers.values():
                    timer.once(keep=attempt >= warmup)
            for backend, timer in timers.items():
                timing = timer.summary()
                timing["count_visible"] = stores[backend].count_visible(facet, now=NOW)
                results[backend]["facets"][f"{kind}:{value}"] = timing
        if "postgresql" in stores:
            results["postgresql"]["breakdown"] = breakdown(
                stores["postgresql"], Facet("section", "asia")
            )
        return results
    finally:
        for store in stores.values():
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


def report(by_backend: dict[str, list[dict[str, Any]]], ratio: dict[str, Any]) -> None:
    print(
        f"{'store':<10} {'articles':>10} {'facet':<18} {'rows':>5} {'keys us':>8} "
        f"{'fetch us':>9} {'render us':>9} {'median us':>10} {'p90 us':>8}"
    )
    for backend, results in by_backend.items():
        for r in results:
            for name, t in r["facets"].items():
                print(
                    f"{backend:<10} {r['articles']:>10,} {name:<18} {t['rows']:>5} "
                    f"{t['page_keys_median_us']:>8} {t['fetch_median_us']:>9} "
                    f"{t['render_median_us']:>9} {t['median_us']:>10} {t['p90_us']:>8}"
                )
    for backend, by_facet in ratio.items():
        results = by_backend[backend]
        largest = results[-1]["articles"]
        for name, r in by_facet.items():
            verdict = "ok" if r["full_page"] <= RATIO_TARGET else "MISSED"
            print(
                f"{backend:<10} {name:<18} {largest:,}/{results[0]['articles']:,}: "
                f"{r['raw']:.2f}x (rows {r['raw_rows'][0]} vs {r['raw_rows'][1]}); "
                f"{largest:,}/{r['full_page_baseline']:,} with full pages: "
                f"{r['full_page']:.2f}x (target <= {RATIO_TARGET}x: {verdict})"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--runs", type=int, default=300, help="timed runs per query")
    parser.add_argument("--warmup", type=int, default=30, help="untimed runs first")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also on PostgreSQL: a server URL whose user may create databases",
    )
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=("sqlite", "postgresql"),
        help="stores to query (default: SQLite, and PostgreSQL with --postgres)",
    )
    args = parser.parse_args(argv)
    backends = args.backends or (["sqlite", "postgresql"] if args.postgres else ["sqlite"])
    if "postgresql" in backends and not args.postgres:
        parser.error("--backends postgresql needs --postgres URL")
    by_backend: dict[str, list[dict[str, Any]]] = {backend: [] for backend in backends}
    for n in sorted(args.sizes):
        for backend, result in bench_size(
            n, args.seed, args.runs, args.warmup, backends, args.postgres
        ).items():
            by_backend[backend].append(result)
    ratio = {b: ratios(r) for b, r in by_backend.items() if len(r) > 1}
    report(by_backend, ratio)
    save_results(
        "query",
        {
            "limit": LIMIT,
            "runs": args.runs,
            "ratio_target": RATIO_TARGET,
            "render": "build_feed + Atom writer",
            "backends": by_backend,
            "ratio_largest_to_smallest": ratio,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
