"""A follow run's writes are proportional to what it changed, not to the store.

The manifest is an SQLite file updated row by row (`feeds.export.manifest.Manifest`), and the
nginx config's per-document maps are include files by shard, named by their content
(`feeds.export.maps`): a follow run writes the rows of the documents whose entry changed and
new files for the shards holding them, and the config that names them; every other file is
left as it was. The config names only files that exist, in every generation, until the old
ones are retired. An export folder of the earlier version (one `manifest.json`) is taken over
without exporting anything again.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds.export import CONFIG_FOLDER, CONFIG_NAME, MANIFEST_NAME, Exporter
from feeds.export.files import Exported
from feeds.export.manifest import LEGACY_MANIFEST_NAME, Manifest, load_manifest
from feeds.export.maps import DOCUMENT_MAPS, MAPS_FOLDER, SHARDS, shard_of
from tests.fixtures.app import NOW, Clock
from tests.fixtures.http import SITE
from tests.test_export import assert_follow_run_matches_a_full_run, filler, manifest, plain

SITE_LISTINGS = frozenset(
    {"/", "/feeds.opml", "/feeds.opml?format=rss", "/feeds.opml?format=json", "/robots.txt"}
    | {"/sitemap.xml"}
)
INCLUDE = re.compile(r'include "([^"]+)";')


def map_files(out: Path) -> dict[str, tuple[int, int]]:
    """Every map shard file below DIR/_nginx/maps: name -> (inode, modification time in ns)."""
    folder = out / CONFIG_FOLDER / MAPS_FOLDER
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def named_files(out: Path) -> list[Path]:
    """The files the config includes."""
    text = (out / CONFIG_FOLDER / CONFIG_NAME).read_text(encoding="utf-8")
    return [Path(name) for name in INCLUDE.findall(text)]


def changed_paths(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def test_a_follow_run_writes_only_the_manifest_rows_and_map_shards_it_changed(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """One correction of an old article, in a store and in one four times larger: the follow
    run writes one manifest row per document whose entry changed, new files only for the map
    shards that hold such a document, and leaves every other shard file untouched."""
    for size in (24, 96):
        july = NOW - timedelta(days=40)
        app = make_app([*filler(size), plain("lone", july, language="en")], site_url=SITE)
        out = tmp_path / f"out-{size}"
        exporter = Exporter(app, out, workers=1)
        assert not exporter.run().failed
        before, files = manifest(out), map_files(out)
        assert not (out / CONFIG_FOLDER / LEGACY_MANIFEST_NAME).exists()
        edited = plain("lone", july, language="en", title="고침", updated=july + timedelta(hours=1))
        app.extensions["feeds.store"].upsert_many([edited], now=clock())
        report = exporter.run(changes_only=True)
        assert report.written > 0 and not report.failed
        after = manifest(out)
        changed = changed_paths(before, after)
        # The site's listings are dated by every write (the index, the OPML lists, robots.txt
        # and the sitemap index name every feed or month): a handful whatever the store's size.
        assert 0 < len(changed - SITE_LISTINGS) < len(before) / 4
        assert report.rows_saved == len(changed), report.line()
        shards = {shard_of(path) for path in changed}
        now_files = map_files(out)
        new = now_files.keys() - files.keys()
        assert new and len(new) <= len(shards) * len(DOCUMENT_MAPS)
        for name in new:
            assert int(name.split(".")[1]) in shards, name
        for name in now_files.keys() & files.keys():
            assert now_files[name] == files[name], f"{name} was written again"
        # The old shard files stay (retired): nginx may still name them until its reload.
        assert files.keys() <= now_files.keys()
        assert_follow_run_matches_a_full_run(app, out, report)


def test_every_config_names_only_files_that_exist_until_they_are_retired(
    make_app: Callable[..., Flask], tmp_path: Path, clock: Clock
) -> None:
    """Each generation of the config names map files that exist, with one file per map and
    shard; the files the previous config named stay until the grace after the run that
    replaced them (no reload command here) has passed."""
    july = NOW - timedelta(days=40)
    app = make_app([*filler(12), plain("lone", july, language="en")], site_url=SITE)
    out = tmp_path / "out"
    exporter = Exporter(app, out, workers=1, grace=3600)
    assert not exporter.run().failed
    generations = [named_files(out)]
    for hours in (1, 2, 3):
        edited = plain("lone", july, language="en", title=f"판 {hours}")
        edited = plain(
            "lone", july, language="en", title=edited.title, updated=july + timedelta(hours=hours)
        )
        app.extensions["feeds.store"].upsert_many([edited], now=clock())
        assert not exporter.run(changes_only=True).failed
        generations.append(named_files(out))
    assert generations[0] != generations[-1]
    for named in generations:
        assert named and all(path.is_file() for path in named)
        keys = [tuple(path.name.split(".")[:2]) for path in named]
        assert len(keys) == len(set(keys))
    # With no grace left, a later run removes what no config names any more.
    later = Exporter(app, out, workers=1, grace=0)
    assert not later.run().failed
    current = {path.name for path in named_files(out)}
    assert set(map_files(out)) == current


def test_an_export_of_the_earlier_version_is_taken_over_without_writing_documents(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    """A folder exported by the version that kept one `manifest.json`: the next run reads
    it, writes no document again, replaces it with the SQLite manifest and removes it."""
    app = make_app(site_url=SITE)
    out = tmp_path / "out"
    assert not Exporter(app, out, workers=1).run().failed
    documents = manifest(out)
    folder = out / CONFIG_FOLDER
    legacy = {
        "site_url": SITE,
        "change_seq": 1,
        "documents": documents,
        "retired": {"articles/gone.v-0.t-text-html": None},
    }
    (folder / LEGACY_MANIFEST_NAME).write_text(json.dumps(legacy), encoding="utf-8")
    os.remove(folder / MANIFEST_NAME)
    report = Exporter(app, out, workers=1).run()
    assert not report.failed and report.written == 0 and report.removed == 0, report.line()
    assert not (folder / LEGACY_MANIFEST_NAME).exists()
    assert manifest(out) == documents
    # Its retired file is still due for removal (after the grace: no reload command here).
    assert set(Manifest.open(folder / MANIFEST_NAME).retired) == {"articles/gone.v-0.t-text-html"}


entries = st.builds(
    Exported,
    file=st.text(min_size=1, max_size=8),
    etag=st.text(max_size=8),
    content_type=st.sampled_from(["text/html; charset=utf-8", "application/atom+xml"]),
    cache_control=st.text(max_size=8),
    vary=st.text(max_size=8),
    last_modified=st.text(max_size=8),
    app_compresses=st.booleans(),
    state=st.text(max_size=8),
)
documents = st.dictionaries(st.text(min_size=1, max_size=6), entries, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            documents,
            st.dictionaries(
                st.text(max_size=4),
                st.none() | st.floats(0, 2e9, allow_nan=False, allow_infinity=False),
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_the_manifest_holds_what_each_save_was_given(
    tmp_path_factory: object, steps: list[tuple[dict[str, Exported], dict[str, float | None]]]
) -> None:
    """Saved with `touched` naming exactly the paths whose entry differs from the previous
    save, the SQLite manifest read back holds every save's documents and retired files, and
    writes as many rows as entries changed."""
    folder = tmp_path_factory.mktemp("manifest")  # type: ignore[attr-defined]
    path = folder / MANIFEST_NAME
    manifest_ = Manifest.open(path)
    previous: dict[str, Exported] = {}
    for number, (docs, retired) in enumerate(steps):
        touched = {p for p in previous.keys() | docs.keys() if previous.get(p) != docs.get(p)}
        written = manifest_.save(dict(docs), touched, number, SITE, dict(retired))
        assert written == len(touched)
        again = Manifest.open(path)
        assert again.documents == docs and again.retired == retired
        assert (again.change_seq, again.site_url) == (number, SITE)
        assert {p: asdict(e) for p, e in load_manifest(path).items()} == {
            p: asdict(e) for p, e in docs.items()
        }
        previous = dict(docs)


def test_case_variants_and_a_feeds_documents_share_a_shard() -> None:
    """nginx maps the first of URIs differing only in case: they must be in one shard. A
    feed's pages, archives and facet page share one, so a change of the feed touches one."""
    assert shard_of("/articles/A1") == shard_of("/articles/a1")
    feed = {
        shard_of(p)
        for p in (
            "/feeds/tag/x.atom",
            "/feeds/tag/x.rss?page=2",
            "/feeds/tag/x/archive/2025-07.json",
            "/feeds/tag/X.atom",
            "/tag/x",
        )
    }
    assert len(feed) == 1 and 0 <= feed.pop() < SHARDS
