"""The rendered bytes of every format stay exactly what they were (tests/fixtures/golden.py).

The render path (feed model and writers) is tuned for speed; a faster path must write the
same bytes. The digests were recorded from the output before that work; see the fixture's
docstring for updating them after a change meant to change the output.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.fixtures.golden import GOLDEN, documents

RECORDED: dict[str, str] = json.loads(GOLDEN.read_text())
RENDERED = documents()


def test_the_golden_corpus_is_the_recorded_one() -> None:
    assert sorted(RENDERED) == sorted(RECORDED)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_document_bytes_are_unchanged(name: str) -> None:
    assert hashlib.sha256(RENDERED[name]).hexdigest() == RECORDED[name], (
        f"{name}: the rendered bytes changed; `python -m tests.fixtures.golden --dump DIR` "
        "writes the documents to diff against the last commit's"
    )
