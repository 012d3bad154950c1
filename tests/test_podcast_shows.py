"""Podcast show settings: Apple's categories, the start-up checks, podcast:guid.

The guid is checked against the Podcast Index namespace's own worked examples; the category
list against Apple's (every category and subcategory accepted, anything else refused with
the nearest spelling); every bad show setting stops the app with a message naming the show
and the setting.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from flask import Flask
from hypothesis import example, given
from hypothesis import strategies as st

from articles.formats.values import facet_slug
from articles.text import slugify
from feeds import create_app
from feeds.config import ConfigError, load_config
from feeds.podcasts import (
    APPLE_CATEGORIES,
    PODCAST_GUID_NAMESPACE,
    Category,
    ShowError,
    is_feed_slug,
    parse_category,
    parse_shows,
    podcast_guid,
)
from feeds.query import is_feed_name, parse_feed_path

SHOW: dict[str, Any] = {
    "title": "Morning Briefing",
    "section": "briefing",
    "author": "Newsroom Audio",
    "owner_name": "Audio Desk",
    "owner_email": "audio@news.example.com",
    "artwork_url": "https://news.example.com/briefing-3000.jpg",
    "categories": ["News/Daily News"],
    "explicit": False,
    "type": "episodic",
}


# --------------------------------------------------------------------------- podcast:guid


@pytest.mark.parametrize(
    ("feed_url", "guid"),
    [
        # The Podcast Index namespace's worked examples (podcast:guid, "Examples").
        ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
        ("https://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("http://podnews.net/rss/", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ],
)
def test_podcast_guid_matches_the_standards_worked_examples(feed_url: str, guid: str) -> None:
    assert podcast_guid(feed_url) == guid


def test_the_guid_namespace_is_the_standards() -> None:
    assert uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6") == PODCAST_GUID_NAMESPACE


@given(
    host=st.from_regex(r"[a-z][a-z0-9-]{0,20}\.[a-z]{2,6}", fullmatch=True),
    path=st.from_regex(r"(/[A-Za-z0-9._~-]{1,12}){0,3}", fullmatch=True),
    scheme=st.sampled_from(["http", "https", "HTTPS"]),
    slashes=st.integers(0, 3),
)
def test_the_guid_ignores_scheme_and_trailing_slashes(
    host: str, path: str, scheme: str, slashes: int
) -> None:
    guid = podcast_guid(f"{scheme}://{host}{path}" + "/" * slashes)
    assert guid == str(uuid.uuid5(PODCAST_GUID_NAMESPACE, f"{host}{path}"))
    assert uuid.UUID(guid).version == 5


# --------------------------------------------------------------------------- Apple's categories


def _every_category() -> list[str]:
    found = []
    for name, subs in APPLE_CATEGORIES.items():
        found.append(name)
        found.extend(f"{name}/{sub}" for sub in subs)
    return found


def test_apples_list_has_its_nineteen_categories() -> None:
    assert len(APPLE_CATEGORIES) == 19
    assert APPLE_CATEGORIES["News"] == (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    )
    assert APPLE_CATEGORIES["True Crime"] == ()


@pytest.mark.parametrize("value", _every_category())
def test_every_apple_category_and_subcategory_is_accepted(value: str) -> None:
    assert str(parse_category(value, "x")) == value


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("News/Daly News", "'News/Daily News'"),
        ("Newz", "'News'"),
        ("Technology/Gadgets", "Technology"),  # no subcategories at all
        ("Arts & Entertainment", "Apple Podcasts' categories"),  # the pre-2019 list
        ("Religion & Spirituality/Other", "Religion & Spirituality"),
    ],
)
def test_a_category_not_on_apples_list_is_refused_with_the_nearest(value: str, hint: str) -> None:
    with pytest.raises(ShowError) as caught:
        parse_category(value, "site.toml: podcasts.briefing: categories[0]")
    assert str(caught.value).startswith("site.toml: podcasts.briefing: categories[0]: ")
    assert hint in str(caught.value)


@pytest.mark.parametrize(
    ("category", "subcategory"),
    [(name, sub) for name, subs in APPLE_CATEGORIES.items() for sub in subs],
)
@pytest.mark.parametrize("spelling", ["{sub}", "/{sub}", " {sub} "])
def test_a_subcategory_without_its_category_is_refused_naming_the_full_value(
    category: str, subcategory: str, spelling: str
) -> None:
    """ "Daily News" alone is none of Apple's categories; the refusal says which category it
    is filed under and the value to write ('News/Daily News'), where it said only that it is
    not a category and listed the nineteen."""
    with pytest.raises(ShowError) as caught:
        parse_category(spelling.format(sub=subcategory), "site.toml: podcasts.b: categories[0]")
    message = str(caught.value)
    assert message.startswith("site.toml: podcasts.b: categories[0]: ")
    assert f"is a subcategory of {category!r}" in message
    assert repr(f"{category}/{subcategory}") in message


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        (
            ["News/Daily News", "News", "News/Daily News"],
            "categories[1]: 'News' is named already by 'News/Daily News' (categories[0])",
        ),
        (
            ["News/Daily News", "Business", "News/Daily News"],
            "categories[2]: 'News/Daily News' is listed already (categories[0]); list each "
            "category once",
        ),
        (["History", " History "], "categories[1]: 'History' is listed already (categories[0])"),
        (
            ["News", "News / Politics"],
            "categories[0]: 'News' is named already by 'News/Politics' (categories[1]): a "
            "subcategory is written inside its category's itunes:category, so 'News' would "
            "be written twice; drop 'News', or keep it and drop 'News/Politics'",
        ),
    ],
)
def test_a_category_listed_twice_is_refused(categories: list[str], message: str) -> None:
    """Each was written as a repeated itunes:category (News three times for the first)."""
    with pytest.raises(ShowError) as caught:
        parse_shows({"briefing": {**SHOW, "categories": categories}}, "site.toml")
    assert str(caught.value).startswith(f"site.toml: podcasts.briefing: {message}")


@given(picked=st.lists(st.sampled_from(_every_category()), min_size=1, max_size=3))
def test_the_categories_accepted_are_each_written_once(picked: list[str]) -> None:
    """Any one to three of Apple's categories: accepted exactly when no category is listed
    twice, itself or as the parent of another listed; then no itunes:category is repeated."""
    parents = {value.partition("/")[0] for value in picked if "/" in value}
    once = len(set(picked)) == len(picked) and not parents & set(picked)
    try:
        (show,) = parse_shows({"briefing": {**SHOW, "categories": picked}}, "site.toml")
    except ShowError as error:
        assert not once, error
        return
    assert once
    written = [str(c) for c in show.categories]
    assert written == picked
    top_level_alone = [c.name for c in show.categories if c.subcategory is None]
    nested = [(c.name, c.subcategory) for c in show.categories if c.subcategory]
    assert len(set(top_level_alone)) == len(top_level_alone)
    assert len(set(nested)) == len(nested)
    assert not set(top_level_alone) & {name for name, _ in nested}


# --------------------------------------------------------------------------- show settings


def test_a_show_is_read_with_its_settings() -> None:
    (show,) = parse_shows({"briefing": SHOW}, "site.toml")
    assert show.slug == "briefing" and show.section == "briefing" and show.tag is None
    assert show.categories == (Category("News", "Daily News"),)
    assert show.require_https and not show.locked and show.type == "episodic"


@pytest.mark.parametrize(
    ("change", "setting", "words"),
    [
        ({"title": ""}, "title", "required"),
        ({"owner_email": "audio desk"}, "owner_email", "not an e-mail address"),
        ({"owner_name": None}, "owner_name", "expected text"),
        ({"artwork_url": "https://x.example/art.gif"}, "artwork_url", "JPEG or PNG"),
        ({"artwork_url": "http://x.example/art.jpg"}, "artwork_url", "requires https"),
        ({"artwork_url": "art.jpg"}, "artwork_url", "absolute http(s) URL"),
        ({"categories": []}, "categories", "required"),
        ({"categories": ["News", "Arts", "History", "Music"]}, "categories", "at most three"),
        ({"categories": ["News/Dailly"]}, "categories[0]", "not a subcategory"),
        ({"explicit": "no"}, "explicit", "true or false"),
        ({"type": "daily"}, "type", "episodic or serial"),
        ({"section": None}, "section", "expected text"),
        ({"section": "Morning News"}, "section", "slug"),
        ({"locked": 1}, "locked", "true or false"),
        ({"guid": "not-a-uuid"}, "guid", "UUID"),
        ({"language": "korean language"}, "language", "language tag"),
        ({"language": "xx"}, "language", "not a registered"),
        ({"categorys": ["News"]}, "'categorys'", "did you mean 'categories'"),
        ({"author": "Kim, Lee, Park; " * 20}, "author", "at most 255"),
        ({"owner_name": "오디오 데스크 " * 40}, "owner_name", "at most 255"),
        ({"episodes_per_feed": 0}, "episodes_per_feed", "1 to 10,000"),
        ({"episodes_per_feed": "all"}, "episodes_per_feed", "whole number"),
        ({"episodes_per_feed": True}, "episodes_per_feed", "whole number"),
    ],
)
def test_every_bad_setting_is_refused_naming_show_and_setting(
    change: dict[str, Any], setting: str, words: str
) -> None:
    table = {**SHOW, **change}
    with pytest.raises(ShowError) as caught:
        parse_shows({"briefing": table}, "site.toml")
    message = str(caught.value)
    assert message.startswith("site.toml: podcasts.briefing: ")
    assert setting in message and words in message


@pytest.mark.parametrize(
    ("written", "canonical"), [("kor", "ko"), ("iw", "he"), ("ko_kr", "ko-KR")]
)
def test_a_show_language_is_written_in_its_canonical_form(written: str, canonical: str) -> None:
    (show,) = parse_shows({"briefing": {**SHOW, "language": written}}, "site.toml")
    assert show.language == canonical


def test_a_show_must_select_a_section_or_a_tag() -> None:
    table = {k: v for k, v in SHOW.items() if k != "section"}
    with pytest.raises(ShowError, match="section = .*tag = .*or both"):
        parse_shows({"briefing": table}, "site.toml")
    (tagged,) = parse_shows({"briefing": {**table, "tag": "audio"}}, "site.toml")
    assert tagged.selection.tag == "audio" and tagged.selection.section is None


def test_shows_come_from_the_toml_file(tmp_path: Path) -> None:
    toml = tmp_path / "site.toml"
    toml.write_text(
        'site_url = "https://news.example.com"\n'
        '[podcasts.briefing]\ntitle = "Morning Briefing"\nsection = "briefing"\n'
        'owner_name = "Audio Desk"\nowner_email = "audio@news.example.com"\n'
        'artwork_url = "https://news.example.com/briefing-3000.jpg"\n'
        'categories = ["News/Daily News", "Business/Investing"]\ntype = "serial"\n',
        encoding="utf-8",
    )
    config = load_config(environ={"FEEDS_CONFIG": str(toml)})
    (show,) = config.podcasts
    assert show.type == "serial" and [str(c) for c in show.categories] == [
        "News/Daily News",
        "Business/Investing",
    ]


def test_shows_cannot_be_set_from_the_environment() -> None:
    with pytest.raises(ConfigError, match=r"\[podcasts.<slug>\] tables"):
        load_config(environ={"FEEDS_PODCASTS": "briefing"})


def test_the_app_does_not_start_with_a_bad_show(tmp_path: Path) -> None:
    settings = {
        "FEEDS_INSTANCE_PATH": str(tmp_path),
        "database_url": f"sqlite:///{tmp_path}/a.db",
        "podcasts": {"briefing": {**SHOW, "categories": ["News/Daly News"]}},
    }
    with pytest.raises(SystemExit) as caught:
        create_app(settings)
    assert str(caught.value) == (
        "feeds: configuration error: create_app: podcasts.briefing: categories[0]: "
        "'Daly News' is not a subcategory of 'News' (did you mean 'News/Daily News'?); its "
        "subcategories: Business News, Daily News, Entertainment News, News Commentary, "
        "Politics, Sports News, Tech News"
    )


def test_a_show_changes_the_settings_fingerprint() -> None:
    site = {"site_url": "https://news.example.com"}
    plain = load_config(site, environ={})
    with_show = load_config({**site, "podcasts": {"briefing": SHOW}}, environ={})
    renamed = load_config(
        {**site, "podcasts": {"briefing": {**SHOW, "title": "Evening"}}}, environ={}
    )
    assert len({plain.fingerprint(), with_show.fingerprint(), renamed.fingerprint()}) == 3


# File names as CMSs and designers write them: Korean, spaces, brackets.
_FILE_NAMES = st.text(
    alphabet=st.sampled_from("아트워크 쇼abcXYZ019-_().~é"), min_size=1, max_size=20
).filter(lambda name: name.strip() == name and name not in (".", ".."))


@given(name=_FILE_NAMES)
def test_a_shows_urls_are_written_as_uris_whatever_the_file_name(name: str) -> None:
    """artwork_url and link are IRIs to a person; feeds must carry URIs (RSS 2.0 and the W3C
    validator: 'Invalid character in a URI'; JSON Feed's icon is a `uri`): percent-encoded
    as RFC 3987 section 3.1 maps them, the same resource."""
    artwork, link = f"https://news.example.com/{name}.png", f"https://news.example.com/{name}"
    (show,) = parse_shows({"briefing": {**SHOW, "artwork_url": artwork, "link": link}}, "t")
    for written, given_url in ((show.artwork_url, artwork), (show.link, link)):
        assert written.isascii() and " " not in written, written
        assert unquote(written) == given_url


@given(
    key=st.sampled_from(["section", "tag"]),
    label=st.text(alphabet=st.sampled_from("오디오 뉴스Morning News-아시아"), min_size=1).filter(
        # Settings are read stripped: a value that is slug-shaped once stripped is taken as a
        # slug (records may give their own, such as `ne--w`, which slugify would not make).
        lambda label: label.strip() and not is_feed_slug(label.strip())
    ),
)
def test_a_label_given_for_a_slug_is_refused_naming_its_slug(key: str, label: str) -> None:
    """`tag = "오디오"`: a newsroom knows its labels; the message says the slug to write."""
    with pytest.raises(ShowError, match=key) as caught:
        parse_shows({"briefing": {**SHOW, key: label}}, "site.toml")
    assert repr(slugify(label.strip())) in str(caught.value)


# --------------------------------------------------------------------------- the show's slug


@pytest.mark.parametrize(
    ("slug", "table"),
    [
        ("news.daily", 'podcasts."news.daily"'),
        ("a..b", 'podcasts."a..b"'),
        ("briefing.rss", 'podcasts."briefing.rss"'),
        ("Briefing", "podcasts.Briefing"),
        ("-briefing", "podcasts.-briefing"),
        ("briefing_", "podcasts.briefing_"),
        ("b" * 101, f"podcasts.{'b' * 101}"),
        ("오디오", 'podcasts."오디오"'),
    ],
)
def test_a_show_slug_no_feed_url_can_name_is_refused(slug: str, table: str) -> None:
    """`[podcasts."news.daily"]` was accepted, its page and the OPML linked its feeds, and
    /feeds/podcast/news.daily.rss was a 404: a show's slug is checked by the feed slug rule."""
    with pytest.raises(ShowError) as caught:
        parse_shows({slug: SHOW}, "site.toml")
    message = str(caught.value)
    assert message.startswith(f"site.toml: {table}: the show's slug names its feeds")
    assert "no '.'" in message and "rename the table" in message


@example(slug="news.daily")
@example(slug="a..b")
@example(slug="b" * 100)
@given(slug=st.text(alphabet=st.sampled_from("abzAZ09-_.~ é"), min_size=1, max_size=110))
def test_every_show_slug_accepted_is_a_feed_the_urls_reach(slug: str) -> None:
    """One rule: a slug a `[podcasts.<slug>]` table may have is one the feed URLs take, in every
    format, as itself (no redirect to another spelling); every other is refused at start-up."""
    try:
        (show,) = parse_shows({slug: SHOW}, "site.toml")
    except ShowError:
        assert facet_slug(slug) != slug
        return
    assert show.slug == slug == facet_slug(slug)
    assert is_feed_name(slug)
    for fmt in ("rss", "atom", "json"):
        query = parse_feed_path(f"podcast/{slug}.{fmt}", {}, limits=lambda _: (10, 10))
        assert (query.facet.kind, query.facet.value, query.fmt) == ("podcast", slug, fmt)


@given(slug=st.from_regex(r"[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?", fullmatch=True))
def test_every_facet_slug_names_a_feed(slug: str) -> None:
    assert is_feed_slug(slug) and is_feed_name(slug)


@given(
    key=st.sampled_from(["section", "tag"]),
    slug=st.sampled_from(["news.daily", "a..b", "audio.v2"]),
)
def test_a_section_or_tag_no_record_can_carry_is_refused(key: str, slug: str) -> None:
    """A record's section and tag slugs are feed slugs (no '.'): a show selecting `a.b` would
    stay empty for ever."""
    with pytest.raises(ShowError, match=f"{key}: expected a slug"):
        parse_shows({"briefing": {**SHOW, key: slug}}, "site.toml")


@pytest.mark.parametrize("slug", ["a", "news_daily-2", "b" * 100])
def test_a_configured_shows_documents_are_served_whatever_its_slug(
    make_app: Callable[..., Flask], slug: str
) -> None:
    app = make_app([], site_url="https://news.example.com", podcasts={slug: SHOW})
    client = app.test_client()
    for path in (f"/feeds/podcast/{slug}.{fmt}" for fmt in ("rss", "atom", "json")):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/podcast/{slug}").status_code == 200


def test_the_app_does_not_start_with_a_dotted_show_slug(tmp_path: Path) -> None:
    toml = tmp_path / "site.toml"
    toml.write_text(
        '[podcasts."news.daily"]\ntitle = "Daily"\nsection = "briefing"\n'
        'owner_name = "Audio Desk"\nowner_email = "audio@news.example.com"\n'
        'artwork_url = "https://news.example.com/briefing-3000.jpg"\n'
        'categories = ["News/Daily News"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(environ={"FEEDS_CONFIG": str(toml)})
    assert str(caught.value).startswith(
        f'{toml}: podcasts."news.daily": the show\'s slug names its feeds'
    )
    assert "e.g. [podcasts.news-daily]" in str(caught.value)


# --------------------------------------------------------------------------- owner_email


@pytest.mark.parametrize(
    "value",
    [
        "오디오@뉴스.example",  # a non-ASCII local part (RFC 6531): Apple takes ASCII only
        '"audio"@news.example.com',  # a quoted local part
        "<audio@news.example.com>",
        "audio@news_desk.example",  # '_' is no host name character
        "audio@news.example.com.",
        "audio..desk@news.example.com",
        ".audio@news.example.com",
        "audio@-news.example.com",
        "audio@news..example.com",
        "audio@news.example.com,desk.example",
    ],
)
def test_an_owner_email_that_is_no_address_stops_the_app(value: str) -> None:
    """itunes:email and podcast:locked's owner carry it; any text with an '@' and a dot after
    it was taken, and the W3C validator calls each of these "Invalid email address"."""
    with pytest.raises(ShowError) as caught:
        parse_shows({"briefing": {**SHOW, "owner_email": value}}, "site.toml")
    assert str(caught.value).startswith(
        f"site.toml: podcasts.briefing: owner_email: {value!r} is not an e-mail address"
    )


def test_an_owner_email_at_a_non_ascii_domain_is_written_in_idna() -> None:
    (show,) = parse_shows({"briefing": {**SHOW, "owner_email": "audio@뉴스.example"}}, "x")
    assert show.owner_email == "audio@xn--vg1b002a.example"


_ATEXT = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")


_EMAIL_PART = st.text(st.sampled_from(sorted(_ATEXT) + list('.@"<> _뉴스')), max_size=15)


@given(value=st.builds(lambda a, b: f"{a}@{b}", _EMAIL_PART, _EMAIL_PART))
def test_an_accepted_owner_email_is_an_ascii_addr_spec(value: str) -> None:
    """What is accepted is an RFC 5322 dot-atom at a host name (RFC 1123 labels, two or more),
    in ASCII: the address Apple Podcasts and the W3C validator's iTunes rules read."""
    try:
        (show,) = parse_shows({"briefing": {**SHOW, "owner_email": value}}, "site.toml")
    except ShowError as error:
        assert ": owner_email: " in str(error)
        return
    local, _, domain = show.owner_email.rpartition("@")
    assert show.owner_email.isascii()
    assert all(part and set(part) <= _ATEXT for part in local.split("."))
    labels = domain.split(".")
    assert len(labels) >= 2
    for label in labels:
        assert label and label[0].isalnum() and label[-1].isalnum()
        assert set(label) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
