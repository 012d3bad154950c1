"""The input rules hold on every import path: one process, the parallel JSON Lines workers and
standard input give the same stored articles for a UTF-16 file with byte order marks inside.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import articles.import_pool as import_pool
from articles.importer import import_sources
from articles.store import Store
from feeds.config import SiteConfig

CONFIG = SiteConfig(tag_authority="news.example.org,2025")


@pytest.fixture(autouse=True)
def _small_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_pool, "LINES_PER_TASK", 3)


def _records() -> list[dict[str, Any]]:
    return [
        {"id": f"k{i}", "title": f"제목 {i}", "published": date, "reading_time": minutes}
        for i, (date, minutes) in enumerate(
            [
                ("2025. 7. 30. 오후 3:20", "4분 읽기"),
                ("2025年7月30日 午後3時20分", "PT4M"),
                ("2025-07-30T09:00:00 GMT+9", "４"),
                ("Wed Jul 30 2025 09:00:00 GMT+0900 (Korean Standard Time)", 4.0),
                ("2025-07-30T15:20:00+09:00[Asia/Seoul]", "4 min read"),
            ]
            * 3
        )
    ]


def _stored(folder: Path, source: str, *, workers: int, stdin: Any = None) -> list[tuple[Any, ...]]:
    folder.mkdir()
    store = Store(f"sqlite:///{folder / 'feeds.db'}")
    store.migrate()
    try:
        report = import_sources(
            store,
            [source],
            zone=CONFIG.zone,
            default_language="ko",
            tag_authority=CONFIG.tag_authority,
            workers=workers,
            parallel_min_bytes=0,
            stdin=stdin,
        )
        assert report.rejected == 0, report
        return sorted(
            (a.id, a.title, a.published.isoformat(), a.reading_time) for a in store.list_articles()
        )
    finally:
        store.dispose()


def test_utf_16_json_lines_with_boms_import_alike_on_every_path(tmp_path: Path) -> None:
    lines = [json.dumps(r, ensure_ascii=False) + "\r\n" for r in _records()]
    # UTF-16 with its BOM, and a UTF-8 BOM character left inside at the start of line 4.
    text = "".join(lines[:3]) + "\ufeff" + "".join(lines[3:])
    path = tmp_path / "wire.jsonl"
    path.write_bytes(text.encode("utf-16"))
    one = _stored(tmp_path / "one", str(path), workers=0)
    parallel = _stored(tmp_path / "parallel", str(path), workers=2)
    piped = _stored(tmp_path / "stdin", "-", workers=0, stdin=io.BytesIO(path.read_bytes()))
    assert one == parallel == piped
    assert len(one) == 15
    assert {(published, minutes) for _, _, published, minutes in one} == {
        ("2025-07-30T15:20:00+09:00", 4),
        ("2025-07-30T09:00:00+09:00", 4),
    }
