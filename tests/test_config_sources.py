"""Every configuration error is one line naming where the value came from and the setting once.

Found: `DATABASE_URL=` (set but empty) replaced the file's database_url, so the app served the
bundled samples; `hub_url = "ftp://hub"` was a traceback from feeds.websub; `FEEDS_ITEMS_PER_FED`
was ignored in silence where the same typo in the file is an error; `rate_limit: rate_limit:`
and a bad time zone without its file. The rules: an empty environment variable is ignored with
a warning, for every setting; every value is checked at load; an error names the file and key
(`site.toml: hub_url: ...`) or the variable (`FEEDS_HUB_URL: ...`) once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from feeds.config import ConfigError, SiteConfig, load_config

SETTINGS = sorted(f.name for f in fields(SiteConfig) if f.name != "podcasts")
# A value of each setting unlike its default, and valid.
FILE_VALUES = {
    "site_url": "https://news.example.com",
    "title": "T",
    "description": "D",
    "tag_authority": "example.com,2025",
    "default_language": "en",
    "timezone": "Europe/Berlin",
    "logo_url": "https://news.example.com/l.png",
    "icon_url": "/i.png",
    "rights": "R",
    "author_name": "A",
    "author_email": "a@example.com",
    "items_per_feed": 7,
    "max_items_per_feed": 70,
    "cache_max_age": 11,
    "stale_while_revalidate": 12,
    "stale_if_error": 13,
    "archive_max_age": 14,
    "tombstone_days": 15,
    "max_clock_skew": 16,
    "lift_check_seconds": 17,
    "render_cache_bytes": 18,
    "response_memo_ms": 19,
    "hub_url": "https://hub.example.com/",
    "trust_proxy_hops": 1,
    "trusted_hosts": "news.example.com",
    "database_url": "sqlite:////tmp/from-file.db",
    "load_samples": False,
    "moved_feeds": "/old=/feeds/all.atom",
    "rate_limit": "5/minute",
    "rate_limit_storage": "memory://x",
    "access_log": "-",
    "access_log_flush_ms": 20,
    "subscriber_counts": False,
    "api_batch_max": 21,
    "api_max_body_bytes": 4096,
}


def toml_line(name: str, value: object) -> str:
    if isinstance(value, bool):
        return f"{name} = {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"{name} = {value}"
    return f'{name} = "{value}"'


def write_config(tmp_path: Path, lines: list[str]) -> str:
    path = tmp_path / "site.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_every_setting_has_a_test_value() -> None:
    assert sorted(FILE_VALUES) == SETTINGS


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SETTINGS), st.sampled_from(["", " ", "\t"]))
def test_an_empty_variable_never_replaces_the_files_value(
    tmp_path_factory: pytest.TempPathFactory, name: str, blank: str
) -> None:
    tmp_path = tmp_path_factory.mktemp("cfg")
    path = write_config(tmp_path, [toml_line(name, FILE_VALUES[name])])
    variables = [f"FEEDS_{name.upper()}"] + (["DATABASE_URL"] * (name == "database_url"))
    for variable in variables:
        config = load_config(environ={"FEEDS_CONFIG": path, variable: blank})
        expected = FILE_VALUES[name]
        if name == "site_url":
            expected = str(expected).rstrip("/")
        assert getattr(config, name) == expected, variable


def test_an_empty_database_url_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_config(tmp_path, ['database_url = "sqlite:////tmp/x.db"'])
    with caplog.at_level(logging.WARNING, logger="feeds.config"):
        config = load_config(environ={"FEEDS_CONFIG": path, "DATABASE_URL": ""})
    assert config.database_url == "sqlite:////tmp/x.db"
    assert "DATABASE_URL is set but empty; it is ignored" in caplog.text


# (setting, bad value in the file, words of the reason)
BAD_VALUES = [
    ("hub_url", "ftp://hub", "must be an http:// or https:// URL, got 'ftp://hub'"),
    ("hub_url", "hub.example.com", "must be an http:// or https:// URL"),
    ("site_url", "http://x:99999", "is not a URL"),
    ("site_url", "https://news.example.com/?lang=ko", "has a query, which every feed"),
    ("site_url", "https://news.example.com/ko#top", "give the scheme, host and path alone"),
    ("site_url", "https://cms:s3cret@news.example.com", "has a user name or password"),
    ("logo_url", "ftp://x/l.png", "or a path starting with '/'"),
    ("icon_url", "//cdn/i.png", "must be an http:// or https:// URL"),
    ("timezone", "Mars/Base", "unknown time zone 'Mars/Base'"),
    ("rate_limit", "lots", "'lots' is not a limit such as '120/minute'"),
    ("rate_limit_storage", "redis", "expected a storage URI"),
    ("database_url", "mysql://h/db", "'mysql' is not a supported database"),
    ("database_url", "not a url", "not a database URL"),
    ("default_language", "korean", "BCP 47"),
    ("cache_max_age", -1, "must be 0 or more, got -1"),
    ("render_cache_bytes", -5, "must be 0 (0: no cache) or more"),
    ("trust_proxy_hops", -1, "must be 0 (0: no proxy) or more"),
    ("items_per_feed", 0, "must be 1 or more"),
    ("api_max_body_bytes", 10, "must be 1024 or more"),
    ("items_per_feed", "many", "expected a whole number in ASCII digits, got 'many'"),
    ("load_samples", "maybe", "expected true or false"),
]


@pytest.mark.parametrize(("name", "value", "reason"), BAD_VALUES)
def test_a_bad_value_in_the_file_names_the_file_and_key_once(
    tmp_path: Path, name: str, value: object, reason: str
) -> None:
    path = write_config(tmp_path, [toml_line(name, value)])
    with pytest.raises(ConfigError) as caught:
        load_config(environ={"FEEDS_CONFIG": path})
    message = str(caught.value)
    assert message.startswith(f"{path}: {name}: ")
    assert reason in message
    assert message.count(f"{name}:") == 1
    assert "\n" not in message


@pytest.mark.parametrize(("name", "value", "reason"), BAD_VALUES)
def test_a_bad_value_in_the_environment_names_the_variable_once(
    name: str, value: object, reason: str
) -> None:
    variable = f"FEEDS_{name.upper()}"
    with pytest.raises(ConfigError) as caught:
        load_config(environ={variable: str(value)})
    message = str(caught.value)
    assert message.startswith(f"{variable}: ")
    assert f"{name}:" not in message
    assert reason.replace("got -1", "got -1").split(" got ")[0] in message


def test_the_app_stops_with_one_line_on_a_bad_hub_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feeds import create_app

    path = write_config(tmp_path, ['hub_url = "ftp://hub"'])
    monkeypatch.setenv("FEEDS_CONFIG", path)
    with pytest.raises(SystemExit) as caught:
        create_app({"FEEDS_INSTANCE_PATH": str(tmp_path)})
    assert str(caught.value) == (
        f"feeds: configuration error: {path}: hub_url: must be an http:// or https:// URL, "
        "got 'ftp://hub'"
    )


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(SETTINGS), st.integers(min_value=0), st.sampled_from(["drop", "swap"]))
def test_a_misspelt_variable_is_an_error_with_the_setting_it_resembles(
    name: str, position: int, how: str
) -> None:
    letters = list(name)
    i = position % len(letters)
    if how == "drop":
        del letters[i]
    else:
        j = min(i + 1, len(letters) - 1)
        letters[i], letters[j] = letters[j], letters[i]
    typo = "".join(letters)
    if typo in SETTINGS:
        return
    variable = f"FEEDS_{typo.upper()}"
    with pytest.raises(ConfigError) as caught:
        load_config(environ={variable: "1"})
    assert str(caught.value).startswith(f"{variable}: unknown setting; did you mean '")


def test_the_reported_typo_names_its_setting() -> None:
    with pytest.raises(
        ConfigError, match="FEEDS_ITEMS_PER_FED: unknown setting; did you mean 'items_per_feed'"
    ):
        load_config(environ={"FEEDS_ITEMS_PER_FED": "3"})


def test_a_file_typo_gets_the_same_suggestion(tmp_path: Path) -> None:
    path = write_config(tmp_path, ["items_per_fed = 3"])
    with pytest.raises(
        ConfigError, match="unknown setting 'items_per_fed'; did you mean 'items_per_feed'"
    ):
        load_config(environ={"FEEDS_CONFIG": path})


def test_an_unrelated_feeds_variable_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="feeds.config"):
        load_config(environ={"FEEDS_QWERTYUIOP": "1", "FEEDS_INSTANCE_PATH": "/x"})
    assert "FEEDS_QWERTYUIOP is set but is not a setting; it is ignored" in caplog.text
    assert "INSTANCE_PATH" not in caplog.text


@given(
    text=st.text(
        alphabet=st.sampled_from("0123456789-+_ ٣०๕１") | st.characters(categories=["Nd"]),
        min_size=1,
        max_size=6,
    )
)
@example(text=" ")
def test_a_whole_number_setting_from_text_takes_ascii_digits_only(text: str) -> None:
    """From the environment (text): `FEEDS_ITEMS_PER_FEED=٣٠` was read as 30 and `1_000` as
    1000 (Python's int()); a setting is a whole number in ASCII digits, or refused, named."""
    try:
        config = load_config(environ={"FEEDS_CACHE_MAX_AGE": text})
    except ConfigError as exc:
        assert str(exc).startswith("FEEDS_CACHE_MAX_AGE: ")
        assert "\n" not in str(exc)
        ascii_number = re.fullmatch(r"-?[0-9]+", text.strip()) is not None
        assert not ascii_number or int(text) < 0  # or refused for its range
        return
    if not text.strip():
        # A blank variable is ignored with a warning (`_environment_settings`): the default.
        assert config.cache_max_age == load_config(environ={}).cache_max_age
        return
    assert re.fullmatch(r"-?[0-9]+", text.strip())
    assert config.cache_max_age == int(text)


@given(
    title=st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'), max_size=20
    ),
    crlf=st.booleans(),
)
@settings(max_examples=40, deadline=None)
@example(title="제목", crlf=True)
def test_a_settings_file_saved_with_a_utf8_byte_order_mark_reads_as_without(
    tmp_path_factory: pytest.TempPathFactory, title: str, crlf: bool
) -> None:
    """Some editors write a UTF-8 byte order mark first; such a file was refused with
    "not valid TOML: Invalid statement (at line 1, column 1)", pointing at nothing visible.
    With the mark the file reads as it does without it."""
    end = "\r\n" if crlf else "\n"
    text = f'site_url = "https://news.example.com"{end}title = "{title}"{end}'
    folder = tmp_path_factory.mktemp("bom")
    plain, marked = folder / "plain.toml", folder / "marked.toml"
    plain.write_bytes(text.encode())
    marked.write_bytes(b"\xef\xbb\xbf" + text.encode())
    read = [load_config(environ={"FEEDS_CONFIG": str(p)}) for p in (plain, marked)]
    assert read[0] == read[1]
    assert read[1].title == title


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (
            'site_url = "https://news.example.com"\n'.encode("utf-16"),
            "byte 0xff at line 1, column 1",
        ),
        (b'title = "ok"\ndescription = "caf\xe9"\n', "byte 0xe9 at line 2, column 19"),
        (b'title = "\xc3"\n', "byte 0xc3 at line 1, column 10"),
    ],
    ids=["utf-16", "latin-1", "cut-sequence"],
)
def test_a_settings_file_in_another_encoding_is_named_with_where_it_fails(
    tmp_path: Path, data: bytes, where: str
) -> None:
    """A settings file that is not UTF-8 (UTF-16 from a Windows editor, Latin-1) stopped the
    app with Python's bare "'utf-8' codec can't decode byte 0xff in position 0", naming no
    file. The error names the file, the byte and its line and column, and says to save it as
    UTF-8."""
    path = tmp_path / "site.toml"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as caught:
        load_config(environ={"FEEDS_CONFIG": str(path)})
    message = str(caught.value)
    assert message.startswith(f"{path}: not UTF-8 text ({where}): ")
    assert "save it in that encoding" in message
