"""Publishing API ingest rate: records per second through PUT (one record a request) and
POST /api/articles/batch, on SQLite and PostgreSQL.

The app is driven in process through its WSGI interface (Flask's test client), so the figure
is the app's own cost per record (token check, JSON, validation with the import's validator,
the write service's transaction with its audit row, the change announcement) without a
server or network in front. Records are the synthetic corpus (`articles.synthetic`), each
written to a fresh database once.

    python bench/api_bench.py                                  # SQLite, 2,000 records
    python bench/api_bench.py --records 5000 --postgres postgresql+psycopg://feeds:feeds@127.0.0.1/feeds_bench
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from typing import Any

from common import corpus_file, log, save_results

BATCH = 100


def _app(database_url: str, folder: str) -> Any:
    from feeds import create_app

    return create_app(
        {
            "FEEDS_INSTANCE_PATH": folder,
            "FEEDS_AUTO_MIGRATE": True,
            "database_url": database_url,
            "load_samples": False,
            "api_batch_max": BATCH,
        }
    )


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def run(database_url: str, records: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    """Write every record once; records/s over the whole run and per-request latencies."""
    with tempfile.TemporaryDirectory() as folder:
        if database_url.startswith("postgresql"):
            _reset_postgres(database_url)
        url = database_url or f"sqlite:///{folder}/articles.db"
        app = _app(url, folder)
        token = app.extensions["feeds.api.tokens"].create("bench", "write")
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        latencies: list[float] = []
        started = time.perf_counter()
        if mode == "single":
            for record in records:
                body = json.dumps(record, ensure_ascii=False).encode()
                t0 = time.perf_counter()
                response = client.put(f"/api/articles/{record['id']}", data=body, headers=headers)
                latencies.append(time.perf_counter() - t0)
                assert response.status_code == 201, response.get_data(as_text=True)[:300]
        else:
            for i in range(0, len(records), BATCH):
                body = json.dumps({"articles": records[i : i + BATCH]}, ensure_ascii=False)
                t0 = time.perf_counter()
                response = client.post("/api/articles/batch", data=body.encode(), headers=headers)
                latencies.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.get_data(as_text=True)[:300]
        elapsed = time.perf_counter() - started
        assert app.extensions["feeds.store"].count() == len(records)
        app.extensions["feeds.store"].dispose()
    return {
        "records": len(records),
        "seconds": round(elapsed, 2),
        "records_per_s": round(len(records) / elapsed),
        "request_median_ms": round(statistics.median(latencies) * 1000, 2),
        "request_p90_ms": round(statistics.quantiles(latencies, n=10)[-1] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL to measure as well")
    args = parser.parse_args()
    lines = corpus_file(args.records).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines[: args.records]]
    backends = {"sqlite": ""} | ({"postgresql": args.postgres} if args.postgres else {})
    results: dict[str, Any] = {}
    for backend, url in backends.items():
        for mode in ("single", "batch"):
            log(f"{backend} {mode}: {len(records):,} records")
            results[f"{backend}-{mode}"] = figures = run(url, records, mode)
            log(f"  {figures}")
    save_results("api", {"batch_size": BATCH, "results": results})
    print(f"{'run':<20} {'records/s':>10} {'median ms':>10} {'p90 ms':>8}")
    for name, figures in results.items():
        print(
            f"{name:<20} {figures['records_per_s']:>10,} {figures['request_median_ms']:>10} "
            f"{figures['request_p90_ms']:>8}"
        )


if __name__ == "__main__":
    sys.exit(main())
