"""bench/export_bench.py's sampled exporter (`--sample N`): it hooks the Exporter's planning
(`_plan`, `_plan_changes`) to keep a deterministic share of the feeds and article pages, in the
first run and in every follow run, so the `--follow` figure is measured on the same share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask

from bench.export_bench import sampled_exporter
from tests.fixtures.app import Clock, default_articles


def test_the_sampled_exporter_runs_and_follows(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    app = make_app(site_url="https://news.example.com")
    exporter = sampled_exporter(1)(app, tmp_path / "out", workers=1)
    first = exporter.run()
    assert not first.failed and first.written
    story = default_articles()[0]
    edited = dataclasses.replace(story, title="고침", updated=story.updated + timedelta(hours=1))
    app.extensions["feeds.store"].upsert_many([edited], now=clock())
    follow = exporter.run(changes_only=True)
    assert not follow.failed and follow.written
    assert follow.checked < first.checked  # a follow run: only what the edit reached
