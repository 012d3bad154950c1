"""Episode records and their media: what is read, what is refused (import and write service),
and IPTC's AP audio items (ninjs 2.1 and 3.0) importing as articles with audio."""

from __future__ import annotations

import json
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats.values import MIME_ALIASES
from articles.importer import import_sources
from articles.model import Episode, Media
from tests.fixtures.records import NINJS_DIR, from_ninjs, from_record, refusal
from tests.test_podcast_feeds import SHOW

MP3 = {"url": "https://cdn.example.com/ep1.mp3", "length": 4096, "type": "audio/mpeg"}


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "ep-1",
        "title": "Briefing",
        "published": "2025-07-30T06:00:00Z",
        "section": "briefing",
        "media": [MP3],
    }
    return {**base, **changes}


def parse(raw: dict[str, Any]) -> Any:
    return from_record(raw, where="ep.json: record 1")


# --------------------------------------------------------------------------- the record


def test_an_episode_record_is_read_with_every_field() -> None:
    article = parse(
        record(
            media=[{**MP3, "duration": "00:30:30"}],
            episode={
                "season": 2,
                "number": 14,
                "type": "bonus",
                "explicit": False,
                "transcript_url": "https://cdn.example.com/ep1.srt",
                "chapters_url": "/chapters/ep1.json",
            },
        )
    )
    assert article.media == (Media(MP3["url"], 4096, "audio/mpeg", duration=1830),)
    assert article.episode == Episode(
        season=2,
        number=14,
        type="bonus",
        explicit=False,
        transcript_url="https://cdn.example.com/ep1.srt",
        transcript_type="application/x-subrip",  # told from .srt
        chapters_url="/chapters/ep1.json",
    )
    assert article.episode_media == article.media


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"media": [{**MP3, "length": 0}]}, "media[0].length", "0 is not a size"),
        (
            {"media": [{k: v for k, v in MP3.items() if k != "length"}]},
            "media[0].length",
            "required",
        ),
        ({"media": [{**MP3, "length": "big"}]}, "media[0].length", "whole number"),
        ({"media": [{**MP3, "duration": "1h30m"}]}, "media[0].duration", "HH:MM:SS"),
        ({"media": [{**MP3, "duration": "00:75:00"}]}, "media[0].duration", "HH:MM:SS"),
        ({"media": [{**MP3, "duration": "10:61"}]}, "media[0].duration", "0 to 59"),
        ({"media": [{**MP3, "duration": -5}]}, "media[0].duration", "seconds"),
        ({"media": [{**MP3, "duration": True}]}, "media[0].duration", "seconds"),
        (
            {"media": [{**MP3, "type": "application/pdf"}], "episode": {"number": 1}},
            "media[0].type",
            "not audio or video",
        ),
        ({"media": [], "episode": {"number": 1}}, "media", "needs its audio or video"),
        ({"episode": {"type": "teaser"}}, "episode.type", "full, trailer, bonus"),
        ({"episode": {"number": 0}}, "episode.number", "outside"),
        ({"episode": {"explicit": "no"}}, "episode.explicit", "true or false"),
        (
            {"episode": {"transcript_url": "https://x.example/t"}},
            "episode.transcript_type",
            "required",
        ),
        ({"episode": {"chapter": "x"}}, "episode.chapter", "unknown field"),
    ],
)
def test_bad_media_and_episode_data_is_refused_naming_record_and_field(
    change: dict[str, Any], field: str, words: str
) -> None:
    error = refusal(parse, record(**change))
    assert error.where == "ep.json: record 1" and error.field == field
    assert words in error.reason


@given(
    hours=st.integers(0, 99),
    minutes=st.integers(0, 59),
    seconds=st.integers(0, 59),
)
def test_hh_mm_ss_durations_are_read_as_seconds(hours: int, minutes: int, seconds: int) -> None:
    total = hours * 3600 + minutes * 60 + seconds
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    expected = total or None  # zero seconds: not given
    assert parse(record(media=[{**MP3, "duration": text}])).media[0].duration == expected
    assert parse(record(media=[{**MP3, "duration": total}])).media[0].duration == expected
    assert parse(record(media=[{**MP3, "duration": str(total)}])).media[0].duration == expected


@given(st.text(max_size=12))
def test_any_other_duration_text_is_refused_or_read_as_the_same_seconds(text: str) -> None:
    try:
        duration = parse(record(media=[{**MP3, "duration": text}])).media[0].duration
    except InvalidArticle as error:
        assert error.field == "media[0].duration"
        return
    parts = [float(p) for p in text.strip().split(":")]
    assert duration == (round(sum(p * 60**i for i, p in enumerate(reversed(parts)))) or None)


@given(
    hours=st.integers(0, 167),
    minutes=st.integers(0, 59),
    seconds=st.integers(0, 59),
    fraction=st.sampled_from(["", ".0", ".25", ".5", ".75", ".999", ".123456"]),
    form=st.sampled_from(["H:MM:SS", "MM:SS", "S"]),
)
def test_duration_text_in_every_clock_form_with_a_fraction_reads_as_rounded_seconds(
    hours: int, minutes: int, seconds: int, fraction: str, form: str
) -> None:
    """Apple's forms (H:MM:SS, MM:SS, seconds), as tools write them: minutes past 59 when no
    hours are given (`75:30`), a fraction of a second (`312.345`, `1:02:03.5`), hours past 24.
    A duration that rounds to zero seconds says nothing of the file: read as not given, as
    the number forms are (the feeds write no itunes:duration 0)."""
    total = hours * 3600 + minutes * 60 + seconds
    text = {
        "H:MM:SS": f"{hours}:{minutes:02d}:{seconds:02d}{fraction}",
        "MM:SS": f"{hours * 60 + minutes}:{seconds:02d}{fraction}",
        "S": f"{total}{fraction}",
    }[form]
    expected = round(total + float("0" + fraction)) or None
    for value in (text, total + float("0" + fraction)):
        assert parse(record(media=[{**MP3, "duration": value}])).media[0].duration == expected


@example("1" * 5000)
@example("1" * 5000 + ":00")
@example("P" + "9" * 5000 + "D")
@example("PT" + "9" * 5000 + "M")
@given(st.text(alphabet="0123456789:.PTDHMS", max_size=60))
def test_a_duration_of_any_length_is_refused_naming_the_field_or_read_within_a_week(
    text: str,
) -> None:
    """Never a traceback: a 5,000-digit duration raised Python's int() digit limit."""
    try:
        duration = parse(record(media=[{**MP3, "duration": text}])).media[0].duration
    except InvalidArticle as error:
        assert error.field == "media[0].duration" and error.where == "ep.json: record 1"
        return
    assert duration is None or 1 <= duration <= 7 * 24 * 3600


# Decimal digits of scripts other than ASCII (Arabic-Indic, Devanagari, fullwidth, ...), all
# of which Python's int(), float() and `\\d` read as digits.
_OTHER_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())


@example(seconds=30, form="{s}", digit="٣")  # the tester's: '٣٠' was read as 30 s
@settings(max_examples=200, deadline=None)
@given(
    seconds=st.integers(0, 7 * 24 * 3600 - 1),  # "{s}.5" of the last second is over a week
    form=st.sampled_from(["{s}", "{m}:{ss}", "{h}:{mm}:{ss}", "PT{s}S", "PT{h}H{m2}M", "{s}.5"]),
    digit=_OTHER_DIGITS,
)
def test_a_duration_is_read_in_ascii_digits_only(seconds: int, form: str, digit: str) -> None:
    """A duration written with another script's digits is refused naming the field, whatever
    its form; the same duration in ASCII digits is read."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    ascii_form = form.format(s=seconds, m=seconds // 60, ss=f"{s:02d}", h=h, mm=f"{m:02d}", m2=m)
    zero = ord(digit) - int(unicodedata.digit(digit))
    other = "".join(chr(zero + int(c)) if c.isdigit() else c for c in ascii_form)
    assert other != ascii_form
    error = refusal(parse, record(media=[{**MP3, "duration": other}]))
    assert error.field == "media[0].duration" and "ASCII 0-9" in error.reason
    read = parse(record(media=[{**MP3, "duration": ascii_form}])).media[0].duration
    assert read is None or read > 0


@pytest.mark.parametrize(
    "alias",
    ["audio/mp3", "audio/x-mp3", "audio/mpeg3", "audio/x-mpeg3", "audio/x-mpeg-3",
     "audio/x-mpeg", "audio/mpg", "audio/x-mpg", "Audio/MP3", " audio/mp3 "],
)  # fmt: skip
def test_an_unregistered_alias_of_mp3s_type_is_written_audio_mpeg(alias: str) -> None:
    """`type: "audio/mp3"` was stored and served as given: no registered type (IANA has
    audio/mpeg, RFC 3003, the type Apple Podcasts lists for .mp3)."""
    article = parse(record(media=[{**MP3, "type": alias}], episode={"number": 1}))
    assert article.media[0].type == "audio/mpeg"
    with_parameter = parse(record(media=[{**MP3, "type": f"{alias.strip()}; bitrate=128"}]))
    assert with_parameter.media[0].type == "audio/mpeg; bitrate=128"


@given(
    kind=st.sampled_from(["audio", "video", "application", "text", "image"]),
    subtype=st.from_regex(r"[a-z0-9][a-z0-9.+-]{0,20}", fullmatch=True),
)
def test_every_other_media_type_is_kept_as_given(kind: str, subtype: str) -> None:
    """Only the aliases change: `audio/x-m4a`, which Apple lists for .m4a, stays as it is."""
    given_type = f"{kind}/{subtype}"
    if given_type.lower() in MIME_ALIASES:
        return
    assert parse(record(media=[{**MP3, "type": given_type}])).media[0].type == given_type
    assert parse(record(media=[{**MP3, "type": "audio/x-m4a"}])).media[0].type == "audio/x-m4a"


@given(
    kind=st.sampled_from(["audio", "video", "application", "text", "image"]),
    subtype=st.from_regex(r"[a-z0-9][a-z0-9.+-]{0,20}", fullmatch=True),
    flips=st.lists(st.booleans(), min_size=40, max_size=40),
)
@example(kind="audio", subtype="mpeg", flips=[True] * 40)
def test_a_media_type_in_any_case_is_written_in_lower_case(
    kind: str, subtype: str, flips: list[bool]
) -> None:
    """`AUDIO/MPEG` was written as given: types are case-insensitive (RFC 6838 4.2), but
    Apple Podcasts and feed readers compare them as the registries write them, lower case.
    Parameters keep their case (a value may be case-sensitive)."""
    given_type = f"{kind}/{subtype}"
    mixed = "".join(c.upper() if flip else c for c, flip in zip(given_type, flips, strict=False))
    expected = MIME_ALIASES.get(given_type, given_type)
    media = [{**MP3, "type": f"{mixed}; Name=X"}]
    assert parse(record(media=media)).media[0].type == f"{expected}; Name=X"


# --------------------------------------------------------------------------- a show's https rule


@pytest.fixture
def show_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app([], site_url="https://news.example.com", podcasts={"briefing": SHOW})


def test_import_refuses_http_media_for_a_show_requiring_https(
    show_app: Flask, tmp_path: Path
) -> None:
    source = tmp_path / "episodes.jsonl"
    lines = [
        record(id="ok", media=[MP3]),
        record(id="plain", media=[{**MP3, "url": "http://cdn.example.com/ep2.mp3"}]),
    ]
    source.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    service = show_app.extensions["articles.service"]
    report = import_sources(service, [str(source)], skip_invalid=True)
    assert report.new == 1 and report.rejected == 1
    (line,) = report.errors
    assert f"{source}: line 2: media[0].url: the show 'briefing' requires https" in line
    store = show_app.extensions["feeds.store"]
    assert store.get("plain") is None and store.get("ok") is not None


def test_the_write_service_refuses_it_too_and_writes_nothing(show_app: Flask) -> None:
    service = show_app.extensions["articles.service"]
    plain = parse(record(media=[{**MP3, "url": "http://cdn.example.com/ep2.mp3"}]))
    with pytest.raises(InvalidArticle) as caught:
        service.create(plain)
    assert caught.value.field == "media[0].url" and "requires https" in caught.value.reason
    assert show_app.extensions["feeds.store"].get("ep-1") is None
    # The same record outside the show's section is no episode of it: stored as given.
    service.create(parse(record(section="world", media=[{**MP3, "url": "http://x.example/a.mp3"}])))


# The sites a show can be served under: an https or an http site_url, or none (the show then
# sets its guid, and its documents are served under each request's address).
_SITES = {
    "https": {"site_url": "https://news.example.com"},
    "http": {"site_url": "http://news.example.com"},
    "none": {},
}
_MEDIA_URLS = st.one_of(
    st.sampled_from(
        [
            "/rel.mp3",
            "/audio/ep 1.mp3",
            "https://cdn.example.com/ep.mp3",
            "http://cdn.example.com/ep.mp3",
            "HTTP://cdn.example.com/ep.mp3",
        ]
    ),
    st.builds(
        "{}{}/{}.mp3".format,
        st.sampled_from(["", "https://cdn.example.com", "http://cdn.example.com"]),
        st.from_regex(r"(/[a-z0-9]{1,8}){0,2}", fullmatch=True),
        st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True),
    ),
)


def test_an_episode_the_api_accepts_is_in_its_show(make_app: Callable[..., Flask]) -> None:
    """One https rule at write and at serve time: an http site_url made `/rel.mp3` an http
    enclosure, left out of the show in silence after a 201. Whatever the site, the show's
    rule and the media URL, the API either refuses the episode naming media[0].url, or it is
    in every document of the show, requested under any address."""
    from tests.fixtures.api import api_client_for

    guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    apis = {
        (site, strict): api_client_for(
            make_app(
                [],
                **settings_,
                podcasts={"briefing": {**SHOW, "guid": guid, "require_https": strict}},
            )
        )
        for site, settings_ in _SITES.items()
        for strict in (True, False)
    }
    written = iter(range(10**6))

    @settings(max_examples=60, deadline=None)
    @given(
        site=st.sampled_from(sorted(_SITES)),
        strict=st.booleans(),
        url=_MEDIA_URLS,
        host=st.sampled_from(["localhost", "127.0.0.1:5333", "news.example.com"]),
    )
    @example(site="http", strict=True, url="/rel.mp3", host="localhost")  # the tester's
    @example(site="none", strict=True, url="/rel.mp3", host="localhost")
    def accepted_means_served(site: str, strict: bool, url: str, host: str) -> None:
        api = apis[(site, strict)]
        article_id = f"ep-{next(written)}"
        body = {k: v for k, v in record(media=[{**MP3, "url": url}]).items() if k != "id"}
        response = api.put(f"/api/articles/{article_id}", json=body)
        if response.status_code != 201:
            assert response.status_code == 422, response.get_data(as_text=True)
            assert strict and "media[0].url" in response.get_data(as_text=True)
            assert "requires https media" in response.get_data(as_text=True)
            return
        for fmt in ("rss", "atom", "json"):
            served = api.client.get(f"/feeds/podcast/briefing.{fmt}", headers={"Host": host})
            assert served.status_code == 200
            assert article_id.encode() in served.get_data(), (site, strict, url, host, fmt)

    accepted_means_served()


def test_a_relative_media_url_is_refused_saying_where_it_is_served(
    make_app: Callable[..., Flask],
) -> None:
    for settings_, words in (
        (_SITES["http"], "is served as 'http://news.example.com/rel.mp3'"),
        (_SITES["none"], "served under each request's address"),
    ):
        app = make_app([], **settings_, podcasts={"briefing": {**SHOW, "guid": str(uuid.uuid4())}})
        with pytest.raises(InvalidArticle) as caught:
            app.extensions["articles.service"].create(
                parse(record(media=[{**MP3, "url": "/rel.mp3"}]))
            )
        assert caught.value.field == "media[0].url"
        assert caught.value.reason.startswith("the show 'briefing' requires https media")
        assert words in caught.value.reason and "set site_url" in caught.value.reason
    app = make_app([], **_SITES["https"], podcasts={"briefing": SHOW})
    created = app.extensions["articles.service"].create(
        parse(record(media=[{**MP3, "url": "/rel.mp3"}]))
    )
    assert created.outcome == "created"


def test_a_show_may_allow_http_media(make_app: Callable[..., Flask]) -> None:
    app = make_app(
        [],
        site_url="http://news.example.com",
        podcasts={"briefing": {**SHOW, "require_https": False}},
    )
    plain = parse(record(media=[{**MP3, "url": "http://cdn.example.com/ep2.mp3"}]))
    assert app.extensions["articles.service"].create(plain).outcome == "created"


# --------------------------------------------------------------------------- ninjs audio items


@pytest.mark.parametrize("name", ["2.1/ap_audio.json", "3.0/ap_audio.json"])
def test_aps_audio_item_imports_as_an_article_with_its_audio(name: str) -> None:
    raw = json.loads((NINJS_DIR / name).read_text(encoding="utf-8"))
    article = from_ninjs(raw, where=name)
    assert article.title == "Next up in impeachment hearings: A parade of key witnesses"
    assert article.summary == (
        "House Speaker Nancy Pelosi says the president committed an impeachable offense."
    )
    assert article.language == "en" and article.status == "published"
    assert article.source is not None and article.source.name == "ASSOCIATED PRESS"
    # The rendition named "main" (the MP3), not its MPEG twin or the NITF caption; ninjs
    # gives duration in seconds, so it is taken as given.
    (medium,) = article.media
    assert medium.url.startswith(
        "http://api.ap.org/media/v/content/8c9f92e2a4414c709a295b449f459a74.0/download?role=main"
    )
    assert "cid=62000ab669e047b2b00b5faa1d08f41d" in medium.url
    assert (medium.length, medium.type, medium.duration) == (189504, "audio/mpeg", 7896)
    assert article.episode_media == article.media


@pytest.mark.parametrize("name", ["2.1/ap_audio.json", "3.0/ap_audio.json"])
def test_a_rendition_without_a_size_is_refused_naming_the_renditions(name: str) -> None:
    raw = json.loads((NINJS_DIR / name).read_text(encoding="utf-8"))
    size = "sizeinbytes" if name.startswith("2") else "sizeInBytes"
    for rendition in raw["renditions"]:
        rendition.pop(size, None)
    with pytest.raises(InvalidArticle) as caught:
        from_ninjs(raw, where=name)
    assert caught.value.field == "media[0].length (from renditions)"


def test_a_picture_item_is_still_not_an_article() -> None:
    raw = json.loads((NINJS_DIR / "3.1" / "006_photo_only.json").read_text(encoding="utf-8"))
    with pytest.raises(InvalidArticle, match="'picture' item is not an article"):
        from_ninjs(raw, where="x")


# --------------------------------------------------------------------------- the publishing API


def test_the_api_refuses_bad_episode_media_with_a_4xx_naming_the_field(
    make_app: Callable[..., Flask],
) -> None:
    from tests.fixtures.api import api_client_for

    api = api_client_for(
        make_app([], site_url="https://news.example.com", podcasts={"briefing": SHOW})
    )
    cases = [
        ({"media": [{**MP3, "length": 0}]}, "media[0].length"),
        ({"media": [{**MP3, "duration": "5 minutes"}]}, "media[0].duration"),
        ({"media": [{**MP3, "url": "http://cdn.example.com/ep.mp3"}]}, "media[0].url"),
        ({"media": [{**MP3, "type": "text/plain"}], "episode": {"number": 1}}, "media[0].type"),
    ]
    for number, (change, field) in enumerate(cases):
        body = {k: v for k, v in record(**change).items() if k != "id"}
        response = api.put(f"/api/articles/ep-{number}", json=body)
        assert 400 <= response.status_code < 500, (field, response.get_data(as_text=True))
        assert field in response.get_data(as_text=True)
        assert api.store.get(f"ep-{number}") is None
    good = {k: v for k, v in record().items() if k != "id"}
    assert api.put("/api/articles/ep-ok", json=good).status_code == 201


def test_the_api_stores_and_serves_an_mp3_alias_as_audio_mpeg(
    make_app: Callable[..., Flask],
) -> None:
    from tests.fixtures.api import api_client_for

    api = api_client_for(
        make_app([], site_url="https://news.example.com", podcasts={"briefing": SHOW})
    )
    body = {k: v for k, v in record(media=[{**MP3, "type": "audio/mp3"}]).items() if k != "id"}
    response = api.put("/api/articles/ep-alias", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert api.store.get("ep-alias").media[0].type == "audio/mpeg"
    rss = api.client.get("/feeds/podcast/briefing.rss").get_data()
    assert b'type="audio/mpeg"' in rss and b"audio/mp3" not in rss


def test_import_lists_the_shows_rule_and_the_clocks_in_one_line(
    show_app: Flask, tmp_path: Path
) -> None:
    """Both site rules a record breaks are in its line, as in the API's 422 (the import
    named only the show's rule, and the clock's came after it was fixed)."""
    source = tmp_path / "episodes.jsonl"
    bad = record(
        id="plain",
        media=[{**MP3, "url": "http://cdn.example.com/ep2.mp3"}],
        updated="2099-01-01T00:00:00Z",
    )
    source.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    report = import_sources(show_app.extensions["articles.service"], [str(source)])
    (line,) = report.errors
    assert line.startswith(f"{source}: line 1: 2 problems: media[0].url: the show 'briefing' ")
    assert "; updated: " in line
