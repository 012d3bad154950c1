"""Front matter cannot make the importer spend unbounded time or memory.

YAML anchors and aliases let a few lines stand for billions of values ("billion laughs"):
seven levels of nine aliases took 32 s and 328 MB and were then refused as an unknown field,
eight did not end. A record is plain data, so the first anchor or alias is refused while the
YAML is read, before any value is built, naming the file, the line and the problem; so is
nesting deeper than a record could need, and every tag beyond YAML's plain data (the loader
is PyYAML's safe one: `!!python/object` builds nothing).
"""

from __future__ import annotations

import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_markdown
from articles.formats.markdown import MAX_FRONT_MATTER_DEPTH

SEOUL = ZoneInfo("Asia/Seoul")
HEAD = "---\nid: a1\ntitle: t\npublished: 2025-07-30\n"


def parse(text: str) -> None:
    article_from_markdown(text, where="story.md", zone=SEOUL, default_language="ko")


def alias_bomb(levels: int, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return HEAD + "\n".join(lines) + "\n---\nbody\n"


@pytest.mark.parametrize("levels", [1, 7, 8, 30])
def test_an_alias_bomb_is_refused_at_its_first_anchor_at_once(levels: int) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidArticle) as caught:
        parse(alias_bomb(levels))
    assert time.perf_counter() - started < 1
    assert caught.value.where == "story.md"
    assert caught.value.field == "front matter"
    assert caught.value.reason.startswith("the YAML anchor &a0 at line 5, column 5")
    assert "anchors and aliases are not allowed" in caught.value.reason


# Where an anchor or an alias may stand in front matter: a field's value, a list item, a
# mapping's value or key, a merge.
PLACES = [
    "x-a: &n 1",
    "x-a: [1, &n 2]",
    "x-a: {k: &n v}",
    "x-a: &n {k: v}",
    "&n x-a: 1",
    "x-a: *n",
    "x-a: [*n]",
    "<<: *n",
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PLACES), st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True))
def test_every_anchor_or_alias_is_refused_naming_it(place: str, name: str) -> None:
    line = place.replace("&n", f"&{name}").replace("*n", f"*{name}")
    with pytest.raises(InvalidArticle) as caught:
        parse(HEAD + line + "\n---\n")
    assert caught.value.field == "front matter"
    sign = "&" if "&" in line else "*"
    kind = "anchor" if sign == "&" else "alias"
    assert caught.value.reason.startswith(f"the YAML {kind} {sign}{name} at line 5, column ")


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=MAX_FRONT_MATTER_DEPTH, max_value=50_000),
    st.sampled_from([("[", "]"), ("{k: ", "}"), ("[{k: ", "}]")]),
)
def test_nesting_deeper_than_a_record_needs_is_refused(
    depth: int, brackets: tuple[str, str]
) -> None:
    opening, closing = brackets
    text = HEAD + "x-a: " + opening * depth + "1" + closing * depth + "\n---\n"
    started = time.perf_counter()
    with pytest.raises(InvalidArticle) as caught:
        parse(text)
    assert time.perf_counter() - started < 2
    assert caught.value.field == "front matter"
    assert f"nested more than {MAX_FRONT_MATTER_DEPTH} levels deep at line 5" in caught.value.reason


def test_nesting_a_record_can_use_is_read() -> None:
    parse(HEAD + "x-a: " + "[" * 8 + "1" + "]" * 8 + "\n---\n")


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system [echo owned]",
        "!!python/object:builtins.dict {}",
        "!!python/name:os.system",
        "!custom 1",
    ],
)
def test_tags_beyond_plain_data_build_nothing(value: str) -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse(HEAD + f"x-a: {value}\n---\n")
    assert caught.value.field == "front matter"
    assert "could not determine a constructor" in caught.value.reason


def test_a_very_long_key_is_named_shortened(tmp_path: Path) -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse(HEAD + "? " + "k" * 200_000 + "\n: 1\n---\n")
    assert len(str(caught.value)) < 300
    assert "unknown field" in caught.value.reason


def test_the_import_command_refuses_a_bomb_in_one_line(tmp_path: Path) -> None:
    from feeds import create_app

    story = tmp_path / "bomb.md"
    story.write_text(alias_bomb(8), encoding="utf-8")
    app = create_app({"database_url": f"sqlite:///{tmp_path / 'db.sqlite'}", "load_samples": False})
    result = CliRunner().invoke(app.cli, ["articles", "import", str(story)], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"{story}: front matter: the YAML anchor &a0 at line 5" in result.output
    assert "Traceback" not in result.output
