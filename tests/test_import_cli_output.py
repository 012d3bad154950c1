"""`flask articles ...` output read by a program that stops early (`| head`): quiet, 141."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from articles.cli import EXIT_BROKEN_PIPE
from articles.samples import SEED_ID

ROOT = Path(__file__).resolve().parent.parent


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", "articles", *args]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of an instance whose first start created the schema and the samples."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "FEEDS_DATABASE_URL", "FEEDS_CONFIG")
    }
    env["FEEDS_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("cli") / "instance")
    subprocess.run(flask("schema"), cwd=ROOT, env=env, capture_output=True, timeout=60, check=True)
    return env


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["show", SEED_ID],
        ["schema"],
        ["import", str(ROOT / "articles" / "samples")],
    ],
    ids=lambda args: " ".join(args[:2]).replace("/", "_"),
)
def test_output_closed_by_its_reader_ends_quietly_with_the_sigpipe_status(
    env: dict[str, str], args: list[str]
) -> None:
    process = subprocess.Popen(
        flask(*args), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written, as `| head -0`
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert stderr == ""


def test_output_read_to_the_end_is_unchanged(env: dict[str, str]) -> None:
    result = subprocess.run(
        flask("list", "--limit", "2"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == [
        "id",
        "published",
        "state",
        "section",
        "title",
    ]
    assert len(result.stdout.splitlines()) == 3
