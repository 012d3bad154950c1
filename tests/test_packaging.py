"""The distribution holds every package of the app: an install that is not editable
(`pip install .`, a container image) imports `feeds` and `articles` whole.

A hand-kept package list in pyproject.toml left out `articles.formats` and `feeds.export`, so
such an install could not import the app; the configuration now finds them (setuptools'
`packages.find`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_holds_every_package_and_data_file(tmp_path: Path) -> None:
    # Built from a copy, so nothing is written into the checkout (setuptools builds in place).
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "wsgi.py"):
        shutil.copy2(ROOT / name, source / name)
    for top in ("articles", "feeds"):
        shutil.copytree(ROOT / top, source / top, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = out.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {
        path.relative_to(ROOT).as_posix()
        for top in ("articles", "feeds")
        for path in (ROOT / top).rglob("__init__.py")
    }
    assert packages, "no package found"
    assert packages <= names, sorted(packages - names)
    modules = {
        path.relative_to(ROOT).as_posix()
        for top in ("articles", "feeds")
        for path in (ROOT / top).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert modules <= names, sorted(modules - names)
    assert "wsgi.py" in names
    for data in ("feeds/templates", "feeds/static", "articles/samples"):
        shipped = {
            path.relative_to(ROOT).as_posix()
            for path in (ROOT / data).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }
        assert shipped <= names, sorted(shipped - names)
