"""The test inputs copied into tests/data/ still equal the originals in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

COPIES = [
    ("seed/000_ccd83b53e90f73c2.txt", "seed/000_ccd83b53e90f73c2.txt"),
    ("ninjs/dpa_text.json", "fixtures/ninjs/dpa_text.json"),
    ("ninjs/tt_text_image_2.json", "fixtures/ninjs/tt_text_image_2.json"),
    ("cases/future-updated.step1.json", "cases/future-updated.step1.json"),
    ("cases/future-updated.step2.json", "cases/future-updated.step2.json"),
    ("cases/last-modified-on-delete.step1.json", "cases/last-modified-on-delete.step1.json"),
]


@pytest.mark.parametrize(("copy", "original"), COPIES)
def test_copy_equals_the_shared_original(copy: str, original: str) -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this clone: nothing to compare the copies with")
    assert (DATA / copy).read_bytes() == (SHARED / original).read_bytes()
