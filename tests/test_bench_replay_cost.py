"""bench/replay_cost.py, the app's own CPU time per replayed answer that the HTTP benchmark
reports beside the servers' figures: it runs against a real store and refuses a feed that does
not answer as the benchmark expects (a figure for a 404 or a miss would measure something else).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(tmp_path: Path, path: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDS_")}
    env.update(
        FEEDS_DATABASE_URL=f"sqlite:///{tmp_path / 'articles.db'}",
        FEEDS_LOAD_SAMPLES="1",
        FEEDS_ACCESS_LOG=os.devnull,
        FEEDS_SITE_URL="http://127.0.0.1:8",
        PYTHONPATH=str(ROOT),
    )
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "replay_cost.py"), path, "--host", "127.0.0.1:8"]
        + ["--calls", "20", "--repeats", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_each_replayed_answer_gets_a_cpu_time(tmp_path: Path) -> None:
    done = run(tmp_path, "/feeds/all.atom")
    assert done.returncode == 0, done.stderr
    costs = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(costs) == {"identity", "gzip", "not_modified"}
    assert all(isinstance(us, float) and us > 0 for us in costs.values())


def test_a_feed_that_does_not_answer_200_is_refused(tmp_path: Path) -> None:
    done = run(tmp_path, "/feeds/section/no-such-section.atom")
    assert done.returncode != 0
    assert "answered 404" in done.stderr
