"""Importing records (all or nothing per file, counts, guids) and the `flask articles` commands."""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from hypothesis import given
from hypothesis import strategies as st

from articles.changes import ChangeListeners
from articles.cli import SERVICE_KEY, articles_cli
from articles.ids import mint_guid
from articles.importer import ImportProgress, ImportReport, expand_sources, import_sources
from articles.service import ArticleService
from articles.store import ALL, Facet, Store
from feeds.config import SiteConfig
from feeds.websub import publish_changes
from tests.fixtures.store import SCHEMA_HEAD, T0, make_article

CONFIG = SiteConfig(tag_authority="news.example.org,2025")
LATER = T0.replace(year=2030)


def record(article_id: str, **changes: Any) -> dict[str, Any]:
    """A record in our JSON format; keyword arguments replace or add fields."""
    data: dict[str, Any] = {
        "id": article_id,
        "title": f"기사 {article_id}",
        "published": "2025-07-30T10:00:00+09:00",
        "section": {"slug": "asia", "label": "아시아"},
        "tags": [{"slug": "japan", "label": "일본"}],
        "body_html": "<p>조현 한국 외교부 장관은 화요일, 도쿄에서 회담을 가졌다.</p>",
    }
    data.update(changes)
    return data


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def run_import(store: Store, *sources: str | Path, **options: Any) -> Any:
    return import_sources(
        store,
        [str(s) for s in sources],
        zone=CONFIG.zone,
        default_language="ko",
        tag_authority=CONFIG.tag_authority,
        **options,
    )


# -- the importer -------------------------------------------------------------------------------


def test_import_stores_every_record_and_mints_guids_for_new_ones(
    store: Store, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", [record("a1"), record("a2")])
    report = run_import(store, source)
    assert (report.files, report.new, report.updated, report.rejected) == (1, 2, 0, 0)
    assert report.ok
    stored = store.get("a1")
    assert stored is not None
    assert stored.guid == mint_guid(CONFIG.tag_authority, "a1")
    assert report.summary() == "imported 1 file: 2 new, 0 updated, 0 unchanged, 0 rejected"


def test_a_guid_given_in_the_record_is_kept(store: Store, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", [record("a1", guid="urn:uuid:1234")])
    run_import(store, source)
    stored = store.get("a1")
    assert stored is not None and stored.guid == "urn:uuid:1234"


def test_reimport_counts_unchanged_and_newer_records_as_updated(
    store: Store, tmp_path: Path
) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [record("a1"), record("a2")])
    run_import(store, first)
    again = run_import(store, first)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    newer = write_jsonl(
        tmp_path / "b.jsonl", [record("a1", title="새 제목", updated="2025-07-31T09:00:00+09:00")]
    )
    report = run_import(store, newer)
    assert (report.new, report.updated, report.unchanged) == (0, 1, 0)
    stored = store.get("a1")
    assert stored is not None and stored.title == "새 제목"


def test_a_file_with_a_bad_record_writes_nothing_and_every_bad_record_is_reported(
    store: Store, tmp_path: Path
) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [record("g1")])
    # The bad records come after more good ones than one batch holds, so some were flushed.
    mixed = write_jsonl(
        tmp_path / "mixed.jsonl",
        [record(f"m{i}") for i in range(5)]
        + [record("bad1", published="2025/13/45")]
        + [record("m9")]
        + [record("bad2", title="")],
    )
    report = run_import(store, good, mixed, batch_size=2)
    assert (report.files, report.new, report.rejected) == (2, 1, 2)
    assert not report.ok
    assert report.affected == {
        ALL,
        Facet("section", "asia"),
        Facet("tag", "japan"),
        Facet("language", "ko"),
    }
    assert report.errors == [
        f"{mixed}: line 6: published: cannot read '2025/13/45' as a date",
        f"{mixed}: line 8: title: required, but empty",
    ]
    assert [a.id for a in store.list_articles()] == ["g1"]


def test_skip_invalid_writes_the_good_records_and_still_reports_the_bad(
    store: Store, tmp_path: Path
) -> None:
    mixed = write_jsonl(
        tmp_path / "mixed.jsonl", [record("m1"), record("bad", published="soon"), record("m2")]
    )
    report = run_import(store, mixed, skip_invalid=True, batch_size=1)
    assert (report.new, report.rejected, len(report.errors)) == (2, 1, 1)
    assert "line 2: published" in report.errors[0]
    assert store.count() == 2


def test_an_unreadable_input_is_one_error_and_the_others_still_import(
    store: Store, tmp_path: Path
) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [record("g1")])
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x", ', encoding="utf-8")
    report = run_import(store, tmp_path / "missing.jsonl", broken, good)
    assert report.new == 1
    assert len(report.errors) == 2
    assert report.errors[0].startswith(f"{tmp_path / 'missing.jsonl'}: ")
    assert report.errors[1].startswith(f"{broken}: ")
    assert store.count() == 1


def test_a_guid_clash_rolls_back_that_file_with_a_message(store: Store, tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "a.jsonl",
        [record("a1", guid="urn:x:1"), record("a2", guid="urn:x:1")],
    )
    report = run_import(store, source)
    assert report.errors == [
        f"{source}: line 2: article 'a2': guid: 'urn:x:1' is also the guid of article 'a1' "
        "earlier in the input; an entry id is one article's: leave `guid` out to have one "
        "minted, or give one no other article has"
    ]
    assert (report.new, report.rejected) == (0, 1)
    assert store.count() == 0


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_skip_invalid_skips_only_the_records_whose_guid_is_taken(
    store: Store, tmp_path: Path, batch_size: int
) -> None:
    store.upsert_many([make_article("stored", guid="urn:x:stored")])
    source = write_jsonl(
        tmp_path / "a.jsonl",
        [
            record("a1", guid="urn:x:1"),
            record("a2", guid="urn:x:1"),  # taken by a1, earlier in this file
            record("a3", guid="urn:x:stored"),  # taken by a stored article
            record("stored", guid="urn:x:1", updated="2025-08-01T00:00:00+09:00"),  # keeps its own
            record("a1", guid="urn:x:other", updated="2025-08-01T00:00:00+09:00"),  # an update
            record("a4"),
        ],
    )
    report = run_import(store, source, skip_invalid=True, batch_size=batch_size)
    assert report.errors == [
        f"{source}: line 2: article 'a2': guid: 'urn:x:1' is also the guid of article 'a1' "
        "earlier in the input; an entry id is one article's: leave `guid` out to have one "
        "minted, or give one no other article has",
        f"{source}: line 3: article 'a3': guid: 'urn:x:stored' already belongs to stored "
        "article 'stored'; leave `guid` out to have one minted, or give one no other article "
        "has had",
    ]
    assert (report.new, report.updated, report.rejected) == (2, 2, 2)
    assert sorted(a.id for a in store.list_articles()) == ["a1", "a4", "stored"]
    guids = {a.id: a.guid for a in store.list_articles()}
    assert guids["a1"] == "urn:x:1" and guids["stored"] == "urn:x:stored"


def test_without_skip_invalid_a_taken_guid_still_rolls_back_the_file(
    store: Store, tmp_path: Path
) -> None:
    store.upsert_many([make_article("stored", guid="urn:x:stored")])
    source = write_jsonl(tmp_path / "a.jsonl", [record("a1"), record("a3", guid="urn:x:stored")])
    report = run_import(store, source)
    assert report.new == 0 and len(report.errors) == 1
    assert "already belongs to stored article 'stored'" in report.errors[0]
    assert [a.id for a in store.list_articles()] == ["stored"]


def test_repeated_ids_in_one_input_keep_the_newest_version(store: Store, tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "a.jsonl",
        [
            record("a1", title="v2", updated="2025-07-30T12:00:00+09:00"),
            record("a1", title="v1"),
        ],
    )
    report = run_import(store, source)
    assert (report.new, report.updated, report.unchanged, report.rejected) == (1, 0, 0, 0)
    assert report.skipped == 1 and report.ok
    assert report.notes == [
        f"{source}: line 2: article 'a1': skipped: older than the stored version "
        "(updated 2025-07-30T01:00:00+00:00 is earlier than the stored "
        "2025-07-30T03:00:00+00:00); send it with a later `updated` to replace it"
    ]
    stored = store.get("a1")
    assert stored is not None and stored.title == "v2"


def test_folders_are_read_file_by_file_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b.json", "a.jsonl", "sub/c.md", "notes.txt", ".hidden/d.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert expand_sources([tmp_path, "-"]) == [
        str(tmp_path / "a.jsonl"),
        str(tmp_path / "b.json"),
        str(tmp_path / "sub" / "c.md"),
        "-",
    ]


def test_stdin_is_read_when_the_source_is_a_dash(store: Store) -> None:
    stdin = io.StringIO(json.dumps(record("s1"), ensure_ascii=False) + "\n")
    report = run_import(store, "-", stdin=stdin)
    assert (report.new, report.errors) == (1, [])


def test_progress_is_reported_per_batch_and_per_file(store: Store, tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [record(f"a{i}") for i in range(5)])
    second = write_jsonl(tmp_path / "b.jsonl", [record("b1")])
    seen: list[ImportProgress] = []
    run_import(store, first, second, batch_size=2, on_progress=seen.append)
    total = first.stat().st_size + second.stat().st_size
    assert [p.records for p in seen] == [2, 4, 5, 6, 6]
    assert seen[-1].files_done == seen[-1].files_total == 2
    assert seen[-1].bytes_done == seen[-1].bytes_total == total


def test_progress_moves_within_one_large_json_lines_file(store: Store, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", [record(f"a{i}") for i in range(6)])
    seen: list[ImportProgress] = []
    run_import(store, source, batch_size=2, on_progress=seen.append)
    during = [p.bytes_done for p in seen if p.files_done == 0]
    assert len(during) == 3
    assert 0 < during[0] < during[1] < during[2] == source.stat().st_size


def test_a_bad_tag_authority_fails_before_reading(store: Store, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", [record("a1")])
    with pytest.raises(ValueError, match="tag_authority"):
        import_sources(
            store, [str(source)], zone=CONFIG.zone, default_language="ko", tag_authority="x"
        )


# -- the CLI ------------------------------------------------------------------------------------


@pytest.fixture
def cli(store: Store) -> Iterator[FlaskCliRunner]:
    """A FlaskCliRunner bound to a minimal Flask app carrying the service the CLI reads."""
    app = Flask(__name__)
    app.extensions[SERVICE_KEY] = service_for(store)
    app.cli.add_command(articles_cli)
    yield app.test_cli_runner()


def service_for(store: Store, listeners: ChangeListeners | None = None) -> ArticleService:
    return ArticleService(
        store,
        tag_authority=CONFIG.tag_authority,
        listeners=listeners,
        zone=CONFIG.zone,
        default_language=CONFIG.default_language,
    )


def invoke(cli: FlaskCliRunner, *args: str, input: str | None = None) -> Result:
    return cli.invoke(args=["articles", *args], input=input)


def test_cli_import_prints_one_summary_and_exits_zero(cli: FlaskCliRunner, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", [record("a1")])
    write_jsonl(tmp_path / "b.jsonl", [record("b1"), record("b2")])
    result = invoke(cli, "import", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 2 files: 3 new, 0 updated, 0 unchanged, 0 rejected\n"
    assert result.stderr == ""


def test_cli_import_lists_rejected_records_on_stderr_and_exits_one(
    cli: FlaskCliRunner, store: Store, tmp_path: Path
) -> None:
    source = tmp_path / "seed.json"
    source.write_text(
        json.dumps([record("a1"), record("a2"), record("a3", published="2025/13/45")]),
        encoding="utf-8",
    )
    result = invoke(cli, "import", str(source))
    assert result.exit_code == 1
    assert result.stderr == f"{source}: record 3: published: cannot read '2025/13/45' as a date\n"
    # The file is all or nothing: the summary says its good records were not written either,
    # and which option writes them (it said "imported 1 file: ... 1 rejected", as if the
    # good ones were in).
    assert result.stdout == (
        "imported 0 of 1 file, 1 refused: 0 new, 0 updated, 0 unchanged, 1 rejected; nothing "
        "of the refused file was written (each file is all or nothing): its 2 good records "
        "were held back; --skip-invalid writes them\n"
    )
    assert store.count() == 0
    skipped = invoke(cli, "import", "--skip-invalid", str(source))
    assert skipped.exit_code == 1
    assert skipped.stdout == (
        "imported 1 file: 2 new, 0 updated, 0 unchanged, 1 rejected (not written; the good "
        "records beside them were)\n"
    )
    assert store.count() == 2


def test_cli_import_reads_stdin(cli: FlaskCliRunner, store: Store) -> None:
    result = invoke(cli, "import", "-", input=json.dumps(record("s1")) + "\n")
    assert result.exit_code == 0, result.output
    assert store.get("s1") is not None


def test_cli_import_of_a_missing_file_is_one_line_without_traceback(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    result = invoke(cli, "import", str(tmp_path / "nope.json"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and "nope.json" in result.stderr


def test_cli_list_shows_a_table_and_filters(cli: FlaskCliRunner, store: Store) -> None:
    store.upsert_many(
        [make_article("a1", minutes=1), make_article("d1", minutes=2, status="draft")]
    )
    result = invoke(cli, "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "published", "state", "section", "title"]
    assert lines[1].split()[:4] == ["d1", "2025-07-30T01:02+00:00", "draft", "asia"]
    assert "기사 d1" in lines[1]
    drafts = invoke(cli, "list", "--status", "draft", "--json")
    assert [json.loads(line)["id"] for line in drafts.stdout.splitlines()] == ["d1"]
    bad = invoke(cli, "list", "--status", "gone")
    assert bad.exit_code == 2 and "gone" in bad.stderr


def test_cli_show_prints_the_record_and_fails_for_unknown_ids(
    cli: FlaskCliRunner, store: Store
) -> None:
    store.upsert_many([make_article("a1")])
    shown = invoke(cli, "show", "a1")
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["title"] == "기사 a1"
    assert "기사 a1" in shown.stdout  # not \\uXXXX escapes
    missing = invoke(cli, "show", "zz")
    assert missing.exit_code == 1
    assert missing.stderr == "Error: no article with id 'zz'\n"


def test_cli_delete_asks_first_unless_yes(cli: FlaskCliRunner, store: Store) -> None:
    store.upsert_many([make_article("a1")])
    declined = invoke(cli, "delete", "a1", input="n\n")
    assert declined.exit_code == 1
    assert store.get("a1") is not None
    done = invoke(cli, "delete", "a1", "--yes")
    assert done.exit_code == 0, done.output
    assert store.get("a1") is None
    assert store.page_keys(ALL, now=LATER, limit=5) == []
    assert store.count_visible(Facet("tag", "japan"), now=LATER) == 0
    assert invoke(cli, "delete", "a1", "--yes").exit_code == 1


def test_cli_migrate_and_schema_report_the_version(cli: FlaskCliRunner) -> None:
    migrated = invoke(cli, "migrate")
    assert migrated.exit_code == 0
    assert migrated.stdout.startswith(
        f"schema already at {SCHEMA_HEAD} (migrated from empty to {SCHEMA_HEAD} by "
    )
    assert invoke(cli, "schema").stdout == f"schema at {SCHEMA_HEAD} (current)\n"


def test_cli_migrate_on_a_new_instance_says_the_app_migrated_it_when_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feeds import create_app

    for name in ("DATABASE_URL", "FEEDS_DATABASE_URL", "FEEDS_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"FEEDS_INSTANCE_PATH": str(tmp_path / "instance"), "load_samples": False})
    result = app.test_cli_runner().invoke(args=["articles", "migrate"])
    assert result.exit_code == 0, result.output
    database = tmp_path / "instance" / "articles.db"
    assert re.fullmatch(
        rf"schema already at {SCHEMA_HEAD} \(migrated from empty to {SCHEMA_HEAD} by the app "
        rf"starting on {re.escape(str(database))} at \d{{4}}-\d\d-\d\d \d\d:\d\d UTC\)\n",
        result.stdout,
    ), result.stdout
    app.extensions["feeds.store"].dispose()


def test_cli_on_an_empty_database_says_to_migrate(tmp_path: Path) -> None:
    app = Flask(__name__)
    app.extensions[SERVICE_KEY] = service_for(Store(f"sqlite:///{tmp_path / 'empty.db'}"))
    app.cli.add_command(articles_cli)
    result = app.test_cli_runner().invoke(args=["articles", "list"])
    assert result.exit_code == 1
    assert "no such table: articles (run `flask articles migrate` first)" in result.stderr
    assert invoke(app.test_cli_runner(), "schema").exit_code == 1


@pytest.mark.parametrize("command", ["import", "list", "show", "delete", "migrate", "schema"])
def test_every_command_has_help_with_an_example(cli: FlaskCliRunner, command: str) -> None:
    result = invoke(cli, command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout


class FakeNotifier:
    """Stands in for feeds.websub.Notifier: records the topics instead of posting them."""

    enabled = True
    hub_url = "https://hub.example.org/"

    def __init__(self) -> None:
        self.topics: list[str] = []

    def publish(self, topics: list[str]) -> None:
        self.topics.extend(topics)


def test_cli_import_and_delete_ping_the_hub_about_changed_feeds(
    store: Store, tmp_path: Path
) -> None:
    notifier = FakeNotifier()
    app = Flask(__name__)
    app.extensions["feeds.config"] = SiteConfig(
        tag_authority=CONFIG.tag_authority, site_url="https://news.example.org"
    )
    app.extensions["feeds.websub"] = notifier
    listeners = ChangeListeners()
    # As feeds.websub.init_app does.
    listeners.subscribe(lambda change: publish_changes(change.facets))
    app.extensions[SERVICE_KEY] = service_for(store, listeners)
    app.cli.add_command(articles_cli)
    runner = app.test_cli_runner()
    source = write_jsonl(tmp_path / "a.jsonl", [record("a1")])
    assert invoke(runner, "import", str(source)).exit_code == 0
    assert "https://news.example.org/feeds/tag/japan.atom" in notifier.topics
    assert "https://news.example.org/feeds/all.json" in notifier.topics
    notifier.topics.clear()
    assert invoke(runner, "import", str(source)).exit_code == 0
    assert notifier.topics == []  # nothing changed, nothing to ping
    assert invoke(runner, "delete", "a1", "--yes").exit_code == 0
    assert "https://news.example.org/feeds/section/asia.rss" in notifier.topics


def test_cli_delete_without_an_answer_aborts_cleanly(cli: FlaskCliRunner, store: Store) -> None:
    store.upsert_many([make_article("a1")])
    result = invoke(cli, "delete", "a1", input="")  # end of input at the prompt
    assert result.exit_code == 1
    # What happened and what to do, not click's bare "Aborted!".
    assert "not deleted" in result.stderr and "--yes" in result.stderr
    assert "Aborted!" not in result.stderr
    assert "Traceback" not in result.output
    assert store.get("a1") is not None


def test_empty_stdin_is_named_once(cli: FlaskCliRunner) -> None:
    result = invoke(cli, "import", "-", input="")
    assert result.exit_code == 1
    assert result.stderr == "stdin: no input\n"
    assert (
        result.stdout
        == "imported 0 of 1 file, 1 failed: 0 new, 0 updated, 0 unchanged, 0 rejected\n"
    )


@given(
    files=st.integers(1, 5),
    data=st.data(),
    counts=st.tuples(*[st.integers(0, 3)] * 5),
)
def test_the_summary_never_counts_a_failed_file_as_imported(
    files: int, data: st.DataObject, counts: tuple[int, int, int, int, int]
) -> None:
    failed = data.draw(st.integers(0, files))
    new, updated, unchanged, rejected, skipped = counts
    report = ImportReport(files, new, updated, unchanged, rejected, failed, skipped)
    head, _, totals = report.summary().partition(": ")
    imported = re.fullmatch(r"imported (\d+)(?: of (\d+))? files?(?:, (\d+) failed)?", head)
    assert imported is not None, head
    assert int(imported[1]) == files - failed
    assert int(imported[2] or imported[1]) == files and int(imported[3] or 0) == failed
    assert totals.endswith(f"{rejected} rejected") and "failed" not in totals


class FailingStdin(io.StringIO):
    """Standard input whose device fails after `good` lines (EIO), as a broken pipe or disk."""

    def __init__(self, text: str, good: int) -> None:
        super().__init__(text)
        self.left = good

    def readline(self, size: int | None = -1, /) -> str:
        if self.left == 0:
            raise OSError(5, "Input/output error")
        self.left -= 1
        return super().readline(size)

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def read(self, size: int | None = -1, /) -> str:
        raise OSError(5, "Input/output error")


def test_an_input_failing_midway_counts_its_records_as_rejected_and_says_it_was_rolled_back(
    store: Store,
) -> None:
    lines = "".join(json.dumps(record(f"s{i}")) + "\n" for i in range(3))
    report = run_import(store, "-", stdin=FailingStdin(lines, good=2))
    assert report.errors == [
        "stdin: cannot read: Input/output error (nothing written from it: 2 good records "
        "rolled back)"
    ]
    assert (report.new, report.rejected, report.failed) == (0, 2, 1)
    assert report.summary().startswith("imported 0 of 1 file, 1 failed: 0 new,")
    assert report.summary().endswith(", 2 rejected")
    assert store.count() == 0


class PausingStdin(io.StringIO):
    """Stdin that stops after `before` lines until `go` is set: an import still reading."""

    def __init__(
        self, text: str, before: int, reading: threading.Event, go: threading.Event
    ) -> None:
        super().__init__(text)
        self.before, self.served = before, 0
        self.reading, self.go = reading, go

    def readline(self, size: int | None = -1, /) -> str:
        if self.served == self.before:
            self.reading.set()
            self.go.wait(60)
        self.served += 1
        return super().readline(size)

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def test_a_write_made_while_an_import_is_still_reading_does_not_wait_for_it(
    store: Store,
) -> None:
    """The write lock is taken once the file is read, not while it is parsed: a takedown
    sent through the API during a long import is written at once (SQLite: BEGIN IMMEDIATE,
    PostgreSQL: the advisory lock). Both writes land; the import stays all-or-nothing."""
    lines = "".join(json.dumps(record(f"s{i}")) + "\n" for i in range(4))
    reading, go = threading.Event(), threading.Event()
    reports: list[Any] = []
    importer = threading.Thread(
        target=lambda: reports.append(
            run_import(store, "-", stdin=PausingStdin(lines, 2, reading, go))
        )
    )
    # Had the import taken the lock before reading, the write below would wait for it; this
    # lets the import go on after 8 s so such a wait ends (and fails the test) rather than hang.
    release = threading.Timer(8, go.set)
    importer.start()
    release.start()
    try:
        assert reading.wait(30), "the import never started reading"
        started = time.monotonic()
        store.upsert_many([make_article("other")])
        waited = time.monotonic() - started
        assert not go.is_set() and waited < 4, f"the write waited {waited:.1f} s for the import"
    finally:
        go.set()
        release.cancel()
        importer.join(60)
    assert [(r.new, r.rejected) for r in reports] == [(4, 0)]
    assert store.count() == 5


def test_cli_list_tells_an_embargoed_article_from_a_live_one(
    cli: FlaskCliRunner, store: Store
) -> None:
    """`articles list` showed an embargoed article as `published`, like a live one."""
    now = datetime.now(UTC)
    store.upsert_many(
        [
            make_article(
                "live1", published=now - timedelta(days=1), updated=now - timedelta(days=1)
            ),
            make_article(
                "held1",
                published=now + timedelta(days=1),
                updated=now - timedelta(hours=1),
                embargoed=now + timedelta(days=1),
            ),
            make_article("draft1", status="draft"),
        ]
    )
    result = invoke(cli, "list")
    assert result.exit_code == 0, result.output
    states = {line.split()[0]: line.split()[2] for line in result.stdout.splitlines()[1:]}
    assert states == {"live1": "live", "held1": "embargoed", "draft1": "draft"}


@pytest.mark.parametrize("contents", [[], ["notes.txt"], [".hidden/a.json"], ["a.JSON.bak"]])
def test_a_folder_with_no_record_files_is_an_error_naming_it(
    cli: FlaskCliRunner, store: Store, tmp_path: Path, contents: list[str]
) -> None:
    """It said 'imported 0 files', exit 0: most likely the wrong folder was given."""
    folder = tmp_path / "wire"
    folder.mkdir()
    for name in contents:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text('{"id": "a1", "title": "T", "published": "2025-07-30"}')
    result = invoke(cli, "import", str(folder))
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert str(folder) in line and "no record files" in line and ".jsonl" in line
    assert "Traceback" not in result.output
    assert store.count() == 0


def test_a_folder_beside_an_empty_one_is_not_half_imported(
    cli: FlaskCliRunner, store: Store, tmp_path: Path
) -> None:
    good, empty = tmp_path / "good", tmp_path / "empty"
    good.mkdir()
    empty.mkdir()
    (good / "a.json").write_text('{"id": "a1", "title": "T", "published": "2025-07-30"}')
    result = invoke(cli, "import", str(good), str(empty))
    assert result.exit_code == 1 and str(empty) in result.stderr
    assert store.count() == 0
