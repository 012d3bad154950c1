"""The bundled sample records: the seed article and the headline-only records of its page.

`seed.json` is the complete seed article; `related.json` the article its `관련` link names and
`discover.json` the twenty `발견` headlines, both headline-only. `images/` holds the seed's
placeholder lead image, served by the app at `/samples/images/`. docs/import-formats.md says
which values are real and which are placeholders.
"""

from __future__ import annotations

from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent
IMAGES_DIR = SAMPLES_DIR / "images"
# The URL path under which the app serves IMAGES_DIR; sample records use it for image URLs.
IMAGES_URL_PATH = "/samples/images/"
SEED_ID = "trt-ko-2025-07-30-cho-hyun-japan"


def sample_paths() -> list[Path]:
    """The sample record files, seed first, in the order they should be imported."""
    return [SAMPLES_DIR / name for name in ("seed.json", "related.json", "discover.json")]
