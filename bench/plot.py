"""Plot import rate and query time against store size, both stores: bench/results/scale.png.

Reads the figures the benchmarks wrote (`import*.json` from import_bench.py, `query.json`
from query_bench.py) in the results folder; draws nothing it has no figure for. Needs the
optional `bench` extra (matplotlib): `pip install -e '.[bench]'`.

    python bench/plot.py                      # bench/results/*.json -> bench/results/scale.png
    python bench/plot.py --results bench/results/quick
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from common import RESULTS, log

COLOURS = {"sqlite": "tab:blue", "postgresql": "tab:orange"}
MARKERS = {"section:asia": "o", "tag:ko-oegyo": "s", "author:gim-minjun": "^", "all:": "D"}


def import_runs(folder: Path) -> dict[str, dict[int, dict[str, Any]]]:
    """The latest unprofiled, successful run per store and size, over every import*.json
    written since the benchmark measured both stores (runs that name their `backend`)."""
    runs: dict[str, dict[int, dict[str, Any]]] = {}
    files = sorted(folder.glob("import*.json"), key=lambda p: p.stat().st_mtime)
    for path in files:
        if "profile" in path.name:
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        for run in document.get("runs", []):
            if run.get("exit_code") != 0 or run.get("profiled") or "backend" not in run:
                continue  # failed, profiled, or from before the code these figures are about
            backend = run["backend"]
            run = {
                **run,
                "load_average": document["machine"]["load_average"],
                "measured_at": document["measured_at"],
            }
            runs.setdefault(backend, {})[run["records"]] = run
    return runs


def query_runs(folder: Path) -> dict[str, list[dict[str, Any]]]:
    path = folder / "query.json"
    if not path.exists():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    if "backends" in document:
        return document["backends"]
    return {"sqlite": document.get("sizes", [])}  # the single-store format before PostgreSQL


def plot(folder: Path, output: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    imports, queries = import_runs(folder), query_runs(folder)
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 5.2))

    targets = {"sqlite": 6_500, "postgresql": 5_000}
    for backend, by_size in imports.items():
        sizes = sorted(by_size)
        rates = [by_size[n]["records_per_s"] for n in sizes]
        left.plot(sizes, rates, marker="o", color=COLOURS[backend], label=f"{backend} import")
        for n, rate in zip(sizes, rates, strict=True):
            run = by_size[n]
            left.annotate(
                f"{rate:,}/s, {max(run['peak_rss_mb'], run['peak_tree_pss_mb']):.0f} MB\n"
                f"{run['measured_at'][5:16].replace('T', ' ')}, load {run['load_average'][0]:.0f}",
                (n, rate),
                textcoords="offset points",
                xytext=(6, 8) if backend == "sqlite" else (6, -26),
                fontsize=8,
                color=COLOURS[backend],
            )
        left.axhline(
            targets[backend],
            color=COLOURS[backend],
            linestyle=":",
            linewidth=1,
            label=f"{backend} target at 1M ({targets[backend]:,}/s)",
        )
    left.set_xscale("log")
    left.set_xlabel("records in the file (one transaction)")
    left.set_ylabel("records per second (wall clock, start-up included)")
    left.set_title("flask articles import")
    left.set_ylim(bottom=0)
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8, loc="lower left")

    for backend, sizes in queries.items():
        for facet in MARKERS:
            points = [
                (r["articles"], r["facets"][facet]["median_us"] / 1000)
                for r in sizes
                if facet in r["facets"]
            ]
            if not points:
                continue
            right.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                marker=MARKERS[facet],
                color=COLOURS[backend],
                linestyle="-" if facet == "section:asia" else "--",
                label=f"{backend} {facet.rstrip(':')}",
            )
    right.set_xscale("log")
    right.set_xlabel("articles in the store")
    right.set_ylabel("ms, median (page_keys + fetch + Atom render)")
    right.set_title('"newest 50": query plus render')
    right.set_ylim(bottom=0)
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=7, ncol=2)

    query_load = ""
    if queries:
        document = json.loads((folder / "query.json").read_text(encoding="utf-8"))
        query_load = (
            f"; queries {document['measured_at'][5:16].replace('T', ' ')} UTC at load "
            f"average {document['machine']['load_average'][0]:.1f}"
        )
    figure.suptitle(
        "2-core shared virtual machine; each import point gives when (UTC) and the load "
        "average" + query_load,
        fontsize=9,
    )
    figure.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=110)
    plt.close(figure)
    log(f"plot -> {output}")
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of the JSON")
    parser.add_argument("--output", type=Path, help="PNG to write (default: <results>/scale.png)")
    args = parser.parse_args(argv)
    plot(args.results, args.output or args.results / "scale.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
