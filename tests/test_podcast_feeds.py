"""A podcast show's feeds, as podcast apps and Apple Podcasts read them.

The app serves a show (`[podcasts.briefing]`: the audio articles of section `briefing`) beside
text articles of the same section and audio of another; every document of the show is read
back with gPodder's podcastparser and with feedparser, and must carry every episode's URL,
length, type and duration, Apple's required tags, and nothing but the episodes' media.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import feedparser
import listparser
import podcastparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.model import Article, Author, Episode, Image, Media, Section, Tag
from articles.store import Facet
from feeds.config import ConfigError, load_config
from feeds.podcasts import podcast_guid, with_shows
from feeds.writers.podcast import ITUNES_NS, PODCAST_NS
from tests.fixtures.app import article

BASE = "https://news.example.com"
RSS_URL = f"{BASE}/feeds/podcast/briefing.rss"
SHOW: dict[str, Any] = {
    "title": "Morning Briefing",
    "description": "Five minutes of the day's news",
    "section": "briefing",
    "author": "Newsroom Audio",
    "owner_name": "Audio Desk",
    "owner_email": "audio@news.example.com",
    "artwork_url": "https://news.example.com/briefing-3000.jpg",
    "language": "en",
    "categories": ["News/Daily News", "Business/Investing"],
    "explicit": False,
    "type": "episodic",
    "copyright": "© 2025 Newsroom",
}
BRIEFING = Section("briefing", "Briefing")
START = datetime(2025, 7, 1, 6, 0, tzinfo=UTC)
EPISODES = 7
IT = f"{{{ITUNES_NS}}}"
P = f"{{{PODCAST_NS}}}"
MEDIA = "{http://search.yahoo.com/mrss/}"
ATOM = "http://www.w3.org/2005/Atom"

# Apple Podcasts' required and expected tags (Podcasts Connect's RSS feed requirements).
APPLE_CHANNEL_TAGS = (
    "title",
    "description",
    "language",
    "link",
    "copyright",
    f"{IT}image",
    f"{IT}category",
    f"{IT}explicit",
    f"{IT}author",
    f"{IT}owner",
    f"{IT}type",
)
APPLE_ITEM_TAGS = (
    "title",
    "enclosure",
    "guid",
    "pubDate",
    "description",
    f"{IT}duration",
    f"{IT}episode",
    f"{IT}season",
    f"{IT}episodeType",
)


def episode(number: int, **changes: Any) -> Article:
    published = START + timedelta(days=number)
    fields: dict[str, Any] = {
        "title": f"Briefing {number}: markets & weather",
        "language": "en",
        "section": BRIEFING,
        "image": Image(f"https://news.example.com/img/ep{number}.jpg", alt="Studio"),
        "media": (
            Media(
                f"https://cdn.example.com/audio/ep{number}.mp3",
                1_000_000 + number,
                "audio/mpeg",
                duration=300 + number,
                title="Audio",
            ),
        ),
        "episode": Episode(
            season=1 + number // 5,
            number=number,
            transcript_url=f"https://cdn.example.com/audio/ep{number}.vtt",
            transcript_type="text/vtt",
            chapters_url=f"/audio/ep{number}.chapters.json",
        ),
    }
    article_id = changes.pop("id", f"ep-{number:02d}")
    return article(article_id, published, **{**fields, **changes})


def corpus() -> list[Article]:
    episodes = [episode(n) for n in range(1, EPISODES + 1)]
    return [
        *episodes,
        # Same section, no audio: never an episode.
        article("text-1", START + timedelta(days=2, hours=1), section=BRIEFING),
        # Same section, only a PDF: not an episode either.
        article(
            "pdf-1",
            START + timedelta(days=3, hours=1),
            section=BRIEFING,
            media=(Media("https://cdn.example.com/a.pdf", 5000, "application/pdf"),),
        ),
        # Audio in another section: another show's, not this one's.
        episode(50, id="other-audio", section=Section("world", "World")),
        # A draft episode: not published.
        episode(60, id="draft-ep", status="draft"),
    ]


@pytest.fixture
def podcast_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(corpus(), site_url=BASE, podcasts={"briefing": SHOW})


@pytest.fixture
def pclient(podcast_app: Flask) -> FlaskClient:
    return podcast_app.test_client()


def get(client: FlaskClient, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


def expected_episodes() -> list[dict[str, Any]]:
    return [
        {
            "url": f"https://cdn.example.com/audio/ep{n}.mp3",
            "length": 1_000_000 + n,
            "type": "audio/mpeg",
            "duration": 300 + n,
        }
        for n in range(EPISODES, 0, -1)
    ]


# --------------------------------------------------------------------------- what apps read


def test_podcastparser_reads_every_episode_with_url_length_type_and_duration(
    pclient: FlaskClient,
) -> None:
    parsed = podcastparser.parse(RSS_URL, BytesIO(get(pclient, "/feeds/podcast/briefing.rss")))
    assert parsed["title"] == "Morning Briefing"
    assert parsed["itunes_categories"] == [["News", "Daily News"], ["Business", "Investing"]]
    assert parsed["itunes_owner"] == {"name": "Audio Desk", "email": "audio@news.example.com"}
    assert parsed["cover_url"] == SHOW["artwork_url"]
    assert parsed["explicit"] is False and parsed["type"] == "episodic"
    assert not parsed.get("import_prohibited")  # podcast:locked no
    got = [
        {
            "url": e["enclosures"][0]["url"],
            "length": e["enclosures"][0]["file_size"],
            "type": e["enclosures"][0]["mime_type"],
            "duration": e["total_time"],
        }
        for e in parsed["episodes"]
    ]
    assert got == expected_episodes()
    # One enclosure per episode: the lead image is not counted as media.
    assert [len(e["enclosures"]) for e in parsed["episodes"]] == [1] * EPISODES
    first = parsed["episodes"][0]
    assert first["number"] == EPISODES and first["season"] == 1 + EPISODES // 5
    assert first["type"] == "full"
    assert first["episode_art_url"] == f"https://news.example.com/img/ep{EPISODES}.jpg"
    # podcastparser 0.6.11 knows the Podcast Index namespace only by its older GitHub URI,
    # which the standard says readers must also accept; we write the standard's own URI
    # (https://podcastindex.org/namespace/1.0), so its transcript and chapters are read
    # in test_podcasting_2_0_tags instead.


def test_podcastparser_reads_the_atom_document_with_the_same_enclosures(
    pclient: FlaskClient,
) -> None:
    url = f"{BASE}/feeds/podcast/briefing.atom"
    parsed = podcastparser.parse(url, BytesIO(get(pclient, "/feeds/podcast/briefing.atom")))
    got = [
        (
            e["enclosures"][0]["url"],
            e["enclosures"][0]["file_size"],
            e["enclosures"][0]["mime_type"],
        )
        for e in parsed["episodes"]
    ]
    assert got == [(e["url"], e["length"], e["type"]) for e in expected_episodes()]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feedparser_reads_every_episode_intact(pclient: FlaskClient, fmt: str) -> None:
    parsed = feedparser.parse(get(pclient, f"/feeds/podcast/briefing.{fmt}"))
    assert parsed.bozo == 0
    assert parsed.feed.title == "Morning Briefing"
    got = [
        {
            "url": e.enclosures[0].href,
            "length": int(e.enclosures[0].length),
            "type": e.enclosures[0].type,
            "duration": int(e.itunes_duration),
        }
        for e in parsed.entries
    ]
    assert got == expected_episodes()
    assert all(len(e.enclosures) == 1 for e in parsed.entries)


def test_the_json_feed_has_the_same_episodes_as_attachments(pclient: FlaskClient) -> None:
    document = json.loads(get(pclient, "/feeds/podcast/briefing.json"))
    assert document["title"] == "Morning Briefing"
    got = [
        {
            "url": a["url"],
            "length": a["size_in_bytes"],
            "type": a["mime_type"],
            "duration": a["duration_in_seconds"],
        }
        for item in document["items"]
        for a in item["attachments"]
    ]
    assert got == expected_episodes()


# --------------------------------------------------------------------------- Apple's tags


def channel(client: FlaskClient, path: str = "/feeds/podcast/briefing.rss") -> Any:
    return etree.fromstring(get(client, path)).find("channel")


def test_every_tag_apple_requires_is_in_the_channel_and_each_item(pclient: FlaskClient) -> None:
    chan = channel(pclient)
    assert [tag for tag in APPLE_CHANNEL_TAGS if chan.find(tag) is None] == []
    assert chan.findtext("language") == "en"
    assert chan.findtext(f"{IT}explicit") == "false"  # true/false, as Apple documents now
    assert chan.find(f"{IT}image").get("href") == SHOW["artwork_url"]
    categories = [
        (c.get("text"), [s.get("text") for s in c.findall(f"{IT}category")])
        for c in chan.findall(f"{IT}category")
    ]
    assert categories == [("News", ["Daily News"]), ("Business", ["Investing"])]
    items = chan.findall("item")
    assert len(items) == EPISODES
    for item in items:
        assert [tag for tag in APPLE_ITEM_TAGS if item.find(tag) is None] == []
        enclosure = item.find("enclosure")
        assert int(enclosure.get("length")) > 0 and enclosure.get("type") == "audio/mpeg"
        assert item.find("guid").get("isPermaLink") == "false"


def test_podcasting_2_0_tags(pclient: FlaskClient) -> None:
    chan = channel(pclient)
    assert chan.findtext(f"{P}guid") == podcast_guid(RSS_URL)
    assert chan.findtext(f"{P}guid") == podcast_guid("news.example.com/feeds/podcast/briefing.rss")
    locked = chan.find(f"{P}locked")
    assert locked.text == "no" and locked.get("owner") == SHOW["owner_email"]
    item = chan.find("item")
    assert item.find(f"{P}transcript").attrib == {
        "url": f"https://cdn.example.com/audio/ep{EPISODES}.vtt",
        "type": "text/vtt",
    }
    assert item.find(f"{P}chapters").attrib == {
        # A site-relative chapters URL is made absolute under the public site.
        "url": f"{BASE}/audio/ep{EPISODES}.chapters.json",
        "type": "application/json+chapters",
    }
    assert item.findtext(f"{P}episode") == str(EPISODES)
    assert item.findtext(f"{P}season") == str(1 + EPISODES // 5)
    assert [p.text for p in item.findall(f"{P}person")] == ["TRT 한국어"]  # its byline


def test_podcast_person_is_written_for_each_byline_and_never_for_the_site(
    make_app: Callable[..., Flask],
) -> None:
    """An episode without a byline has no podcast:person: the show's author, who stands in
    as the entry's author where a format needs one (Atom), is not a host or a guest."""
    bylined = episode(
        EPISODES + 2,
        authors=(
            Author("Kim Ji-won", "kim-ji-won", uri="https://news.example.com/staff/kim"),
            Author("Lee Min", "lee-min"),
        ),
    )
    unsigned = episode(EPISODES + 1, authors=())
    app = make_app([*corpus(), unsigned, bylined], site_url=BASE, podcasts={"briefing": SHOW})
    client = app.test_client()
    items = channel(client).findall("item")
    people = [[(p.text, p.get("href")) for p in i.findall(f"{P}person")] for i in items]
    assert people[:2] == [
        [("Kim Ji-won", "https://news.example.com/staff/kim"), ("Lee Min", None)],
        [],
    ]
    # The Atom entry still names an author (RFC 4287 4.1.2): the show's.
    atom = etree.fromstring(get(client, "/feeds/podcast/briefing.atom"))
    names = atom.xpath("//a:entry[2]/a:author/a:name/text()", namespaces={"a": ATOM})
    assert names and names[0] != "Kim Ji-won"


def test_the_guid_is_the_same_on_every_page_and_archive(pclient: FlaskClient) -> None:
    guids = {
        channel(pclient, path).findtext(f"{P}guid")
        for path in (
            "/feeds/podcast/briefing.rss",
            "/feeds/podcast/briefing.rss?page=2&limit=3",
            "/feeds/podcast/briefing/archive/2025-07.rss",
        )
    }
    assert guids == {podcast_guid(RSS_URL)}


def test_a_configured_guid_and_lock_are_written_as_given(make_app: Callable[..., Flask]) -> None:
    guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    app = make_app(
        corpus(), site_url=BASE, podcasts={"briefing": {**SHOW, "guid": guid, "locked": True}}
    )
    chan = channel(app.test_client())
    assert chan.findtext(f"{P}guid") == guid and chan.findtext(f"{P}locked") == "yes"


# Host headers a client may send to the same server (the tester's: 127.0.0.1 vs localhost).
_HOSTS = st.one_of(
    st.sampled_from(["127.0.0.1:5333", "localhost:5333", "localhost", "[::1]:8080"]),
    st.from_regex(r"[a-z][a-z0-9-]{0,15}(\.[a-z]{2,6}){1,2}(:[1-9][0-9]{0,3})?", fullmatch=True),
)


def test_the_guid_never_varies_with_the_requests_host(make_app: Callable[..., Flask]) -> None:
    """The Podcast Index namespace: a show's guid is assigned once and never changes. With
    site_url it is derived from the show's public RSS URL, whatever Host a client sends;
    with a configured guid (and no site_url) it is that one."""
    configured = "9b024349-ccf0-5f69-a609-6b82873eab3c"
    apps = (
        (make_app(corpus(), site_url=BASE, podcasts={"briefing": SHOW}), podcast_guid(RSS_URL)),
        (make_app(corpus(), podcasts={"briefing": {**SHOW, "guid": configured}}), configured),
    )

    @settings(max_examples=40, deadline=None)
    @given(hosts=st.lists(_HOSTS, min_size=1, max_size=4))
    def every_host_gets_one_guid(hosts: list[str]) -> None:
        for app, guid in apps:
            client = app.test_client()
            for host in hosts:
                response = client.get("/feeds/podcast/briefing.rss", headers={"Host": host})
                assert response.status_code == 200, (host, response.get_data(as_text=True))
                chan = etree.fromstring(response.get_data()).find("channel")
                assert chan.findtext(f"{P}guid") == guid, host

    every_host_gets_one_guid()


def test_every_spelling_of_site_url_gives_the_show_one_guid(
    make_app: Callable[..., Flask],
) -> None:
    """A show's podcast:guid is derived from its feed URL and must never change (Podcast
    Index namespace). Scheme and host are case-insensitive and a default port is no part of
    the URL (RFC 3986 section 6.2.2, 6.2.3), so `HTTPS://News.Example.COM:443/` is the same
    root as `https://news.example.com`: the same feed URLs, the same guid. It was derived
    from the spelling as written (another guid for each)."""

    @settings(max_examples=30, deadline=None)
    @given(
        upper=st.lists(st.booleans(), min_size=len(BASE), max_size=len(BASE)),
        port=st.booleans(),
        slashes=st.integers(0, 2),
    )
    @example(upper=[True] * len(BASE), port=True, slashes=1)
    def one_guid(upper: list[bool], port: bool, slashes: int) -> None:
        spelled = "".join(c.upper() if u else c for c, u in zip(BASE, upper, strict=True))
        site_url = spelled + (":443" if port else "") + "/" * slashes
        app = make_app(corpus(), site_url=site_url, podcasts={"briefing": SHOW})
        assert app.extensions["feeds.config"].site_url == BASE
        response = app.test_client().get("/feeds/podcast/briefing.rss")
        chan = etree.fromstring(response.get_data()).find("channel")
        assert chan.findtext(f"{P}guid") == podcast_guid(RSS_URL), site_url
        assert chan.find(f"{{{ATOM}}}link[@rel='self']").get("href") == RSS_URL

    one_guid()


def test_a_show_with_neither_site_url_nor_guid_does_not_start(
    make_app: Callable[..., Flask],
) -> None:
    """Its podcast:guid would be the UUIDv5 of each request's own URL (127.0.0.1:5333 and
    localhost:5333 gave two): the app says, naming the show and the setting, what to set."""
    with pytest.raises(SystemExit) as caught:
        make_app(corpus(), podcasts={"briefing": SHOW})
    message = str(caught.value)
    assert message.startswith(
        "feeds: configuration error: create_app: podcasts.briefing: guid: the show's "
        "podcast:guid is derived from its RSS feed's URL, which without site_url is each "
        "request's (its Host)"
    )
    assert "set site_url to the site's public URL" in message
    assert "or give the show its guid (a UUID" in message
    assert "\n" not in message and "Traceback" not in message


def test_site_url_from_the_environment_is_enough_for_a_shows_guid(tmp_path: Path) -> None:
    toml = tmp_path / "site.toml"
    toml.write_text(
        '[podcasts.briefing]\ntitle = "Morning Briefing"\nsection = "briefing"\n'
        'owner_name = "Audio Desk"\nowner_email = "audio@news.example.com"\n'
        'artwork_url = "https://news.example.com/briefing-3000.jpg"\n'
        'categories = ["News/Daily News"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(environ={"FEEDS_CONFIG": str(toml)})
    assert str(caught.value).startswith(f"{toml}: podcasts.briefing: guid: ")
    config = load_config(environ={"FEEDS_CONFIG": str(toml), "FEEDS_SITE_URL": BASE})
    assert [show.slug for show in config.podcasts] == ["briefing"]


def test_episode_explicit_and_type_override_the_shows(make_app: Callable[..., Flask]) -> None:
    trailer = episode(1, episode=Episode(number=1, type="trailer", explicit=True))
    app = make_app([trailer], site_url=BASE, podcasts={"briefing": SHOW})
    item = channel(app.test_client()).find("item")
    assert item.findtext(f"{IT}episodeType") == "trailer"
    assert item.findtext(f"{IT}explicit") == "true"


# --------------------------------------------------------------------------- only episodes


def test_only_the_shows_published_audio_articles_are_episodes(pclient: FlaskClient) -> None:
    ids = [item.findtext("link") for item in channel(pclient).findall("item")]
    assert ids == [f"{BASE}/articles/ep-{n:02d}" for n in range(EPISODES, 0, -1)]


def test_no_lead_image_as_media_content_and_only_audio_enclosures(
    make_app: Callable[..., Flask],
) -> None:
    both = episode(
        1,
        media=(
            Media("https://cdn.example.com/notes.pdf", 5000, "application/pdf"),
            Media("https://cdn.example.com/ep1.mp3", 12345, "audio/mpeg", duration=61),
            Media("https://cdn.example.com/ep1.mp4", 99999, "video/mp4", duration=61),
        ),
    )
    app = make_app([both], site_url=BASE, podcasts={"briefing": SHOW})
    client = app.test_client()
    rss = get(client, "/feeds/podcast/briefing.rss")
    assert b"media:content" not in rss and b"application/pdf" not in rss
    item = etree.fromstring(rss).find("channel/item")
    assert item.find("enclosure").get("url") == "https://cdn.example.com/ep1.mp3"
    atom = feedparser.parse(get(client, "/feeds/podcast/briefing.atom"))
    assert [e.type for e in atom.entries[0].enclosures] == ["audio/mpeg", "video/mp4"]


def test_a_general_rss_feed_no_longer_counts_lead_images_as_media(pclient: FlaskClient) -> None:
    # The section's own feed (not the show) in RSS and Atom: podcastparser sees the same
    # enclosures in both, the lead images in neither.
    counts = {}
    for fmt in ("rss", "atom"):
        url = f"{BASE}/feeds/section/briefing.{fmt}"
        parsed = podcastparser.parse(url, BytesIO(get(pclient, f"/feeds/section/briefing.{fmt}")))
        counts[fmt] = sorted(
            (e["guid"], enc["url"]) for e in parsed["episodes"] for enc in e["enclosures"]
        )
    assert counts["rss"] and counts["rss"] == counts["atom"]
    assert not any(url.endswith(".jpg") for _, url in counts["rss"])


# --------------------------------------------------------------------------- like every feed


def test_the_show_is_in_the_index_the_opml_and_autodiscovery(pclient: FlaskClient) -> None:
    page = get(pclient, "/").decode()
    assert "Morning Briefing" in page
    for fmt, media_type in (
        ("rss", "application/rss+xml"),
        ("atom", "application/atom+xml"),
        ("json", "application/feed+json"),
    ):
        assert f'href="{BASE}/feeds/podcast/briefing.{fmt}"' in page
        assert media_type in page
    opml = listparser.parse(get(pclient, "/feeds.opml").decode())
    urls = {feed.url for feed in opml.feeds}
    assert f"{BASE}/feeds/podcast/briefing.atom" in urls
    show_page = get(pclient, "/podcast/briefing").decode()
    assert "Briefing 7" in show_page and "Text only" not in show_page


def test_conditional_get_compression_and_paging(pclient: FlaskClient) -> None:
    first = pclient.get("/feeds/podcast/briefing.rss", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    assert b"<itunes:duration>" in gzip.decompress(first.get_data())
    again = pclient.get(
        "/feeds/podcast/briefing.rss",
        headers={"If-None-Match": first.headers["ETag"], "Accept-Encoding": "gzip"},
    )
    assert again.status_code == 304
    page = etree.fromstring(get(pclient, "/feeds/podcast/briefing.rss?limit=3&page=2"))
    assert len(page.findall("channel/item")) == 3
    rels = {link.get("rel") for link in page.iterfind("channel/{http://www.w3.org/2005/Atom}link")}
    assert {"self", "first", "previous", "next", "last"} <= rels
    archive = feedparser.parse(get(pclient, "/feeds/podcast/briefing/archive/2025-07.atom"))
    assert len(archive.entries) == EPISODES


def test_an_unknown_show_is_a_404_saying_where_the_feeds_are(pclient: FlaskClient) -> None:
    response = pclient.get("/feeds/podcast/evening.rss")
    assert response.status_code == 404
    assert "no podcast/evening feed" in response.get_data(as_text=True)


def test_websub_topics_include_the_show_whose_feeds_changed() -> None:
    from feeds.podcasts import parse_shows

    shows = parse_shows({"briefing": SHOW, "tagged": {**SHOW, "tag": "audio"}}, "x")
    section = Facet("section", "briefing")
    assert Facet("podcast", "briefing") in with_shows({section}, shows)
    # The tagged show takes section briefing AND tag audio: both feeds must have changed.
    assert Facet("podcast", "tagged") not in with_shows({section}, shows)
    assert Facet("podcast", "tagged") in with_shows({section, Facet("tag", "audio")}, shows)


def test_a_tag_show_takes_tagged_audio_from_any_section(make_app: Callable[..., Flask]) -> None:
    tagged = episode(1, section=Section("world", "World"), tags=(Tag("audio", "Audio"),))
    untagged = episode(2)
    app = make_app(
        [tagged, untagged],
        site_url=BASE,
        podcasts={"tagged": {**{k: v for k, v in SHOW.items() if k != "section"}, "tag": "audio"}},
    )
    items = channel(app.test_client(), "/feeds/podcast/tagged.rss").findall("item")
    assert [i.findtext("link") for i in items] == [f"{BASE}/articles/ep-01"]


def test_a_browser_gets_the_shows_preview(pclient: FlaskClient) -> None:
    response = pclient.get(
        "/feeds/podcast/briefing.rss",
        headers={"Accept": "text/html", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"},
    )
    assert response.status_code == 200 and "Morning Briefing" in response.get_data(as_text=True)


@pytest.mark.parametrize("require_https", [True, False])
def test_a_show_requiring_https_never_serves_an_http_episode_stored_without_the_check(
    make_app: Callable[..., Flask], require_https: bool
) -> None:
    """The https rule is checked when a record is written with the show's settings loaded; an
    episode stored without them (an import by a process without the config, or before the
    show was configured: as `make_app` stores it, past the service) must still never reach
    the show's feeds when the show requires https."""
    plain = episode(
        EPISODES + 1,
        id="plain-http",
        media=(Media("http://cdn.example.com/audio/plain.mp3", 1234, "audio/mpeg", duration=61),),
    )
    app = make_app(
        [*corpus(), plain],
        site_url=BASE,
        podcasts={"briefing": {**SHOW, "require_https": require_https}},
    )
    client = app.test_client()
    for fmt in ("rss", "atom", "json"):
        body = get(client, f"/feeds/podcast/briefing.{fmt}")
        assert (b"http://cdn.example.com/audio/plain.mp3" in body) is not require_https, fmt
        assert (b"plain-http" in body) is not require_https, fmt
    episodes = podcastparser.parse(BASE, BytesIO(get(client, "/feeds/podcast/briefing.rss")))
    urls = [e["enclosures"][0]["url"] for e in episodes["episodes"]]
    assert all(u.startswith("https:") for u in urls) is require_https
    assert len(urls) == EPISODES + (0 if require_https else 1)


@pytest.mark.parametrize("author_setting", [{}, {"author_name": "Site Desk"}])
def test_an_episode_without_a_byline_is_credited_to_the_show_in_every_format(
    make_app: Callable[..., Flask], author_setting: dict[str, str]
) -> None:
    """The author standing in for a missing byline is the feed's: for a show, the show's
    author (its itunes:author, else its owner), never the site's `author_name` or title."""
    unsigned = episode(EPISODES + 1, authors=())
    no_author = {k: v for k, v in SHOW.items() if k != "author"}
    app = make_app(
        [*corpus(), unsigned],
        site_url=BASE,
        podcasts={"briefing": SHOW, "owned": {**no_author, "title": "Owned"}},
        **author_setting,
    )
    client = app.test_client()
    for slug, expected in (("briefing", "Newsroom Audio"), ("owned", "Audio Desk")):
        rss = feedparser.parse(get(client, f"/feeds/podcast/{slug}.rss"))
        atom = feedparser.parse(get(client, f"/feeds/podcast/{slug}.atom"))
        document = json.loads(get(client, f"/feeds/podcast/{slug}.json"))
        assert rss.entries[0].author == expected
        assert atom.entries[0].author == expected
        assert document["items"][0]["authors"] == [{"name": expected}]
        assert document["authors"] == [{"name": expected}]


def test_a_zero_duration_is_written_in_no_format(make_app: Callable[..., Flask]) -> None:
    """A stored duration of 0 (records read before zero meant 'not given') is no duration:
    RSS and Atom wrote itunes:duration 0 (players show 0:00) where JSON Feed wrote none."""
    silent = episode(
        EPISODES + 1,
        media=(Media("https://cdn.example.com/audio/zero.mp3", 5000, "audio/mpeg", duration=0),),
    )
    app = make_app([*corpus(), silent], site_url=BASE, podcasts={"briefing": SHOW})
    client = app.test_client()
    for fmt in ("rss", "atom"):
        root = etree.fromstring(get(client, f"/feeds/podcast/briefing.{fmt}"))
        first = root.find("channel/item") if fmt == "rss" else root.find(f"{{{ATOM}}}entry")
        assert first.find(f"{IT}duration") is None, fmt
    document = json.loads(get(client, "/feeds/podcast/briefing.json"))
    assert "duration_in_seconds" not in document["items"][0]["attachments"][0]


@pytest.mark.parametrize("show_type", ["episodic", "serial"])
def test_the_live_show_document_holds_every_episode_podcast_apps_read_no_pages(
    make_app: Callable[..., Flask], show_type: str
) -> None:
    """Apple Podcasts, Spotify and Overcast read the one document they are given, not RFC 5005
    pages: a show of more episodes than `items_per_feed` lost its oldest (a serial show its
    first) to every app. A show lists up to `episodes_per_feed` (1,000 unless set)."""
    many = [episode(n, id=f"many-{n:03d}") for n in range(1, 13)]
    app = make_app(
        many,
        site_url=BASE,
        items_per_feed=5,
        max_items_per_feed=6,
        podcasts={
            "briefing": {**SHOW, "type": show_type},
            "short": {**SHOW, "title": "Short", "episodes_per_feed": 4},
        },
    )
    client = app.test_client()
    parsed = podcastparser.parse(RSS_URL, BytesIO(get(client, "/feeds/podcast/briefing.rss")))
    assert sorted(e["number"] for e in parsed["episodes"]) == list(range(1, 13))
    assert "paged_feed_next" not in parsed
    for fmt in ("atom", "json"):
        body = get(client, f"/feeds/podcast/briefing.{fmt}").decode()
        assert all(f"ep{n}.mp3" in body for n in range(1, 13)), fmt
    # A show may set a smaller document: then its pages follow, as for every feed.
    short_url = f"{BASE}/feeds/podcast/short.rss"
    short = podcastparser.parse(short_url, BytesIO(get(client, "/feeds/podcast/short.rss")))
    assert [e["number"] for e in short["episodes"]] == [12, 11, 10, 9]
    assert short["paged_feed_next"] == f"{short_url}?page=2"
    second = get(client, "/feeds/podcast/short.rss?page=2")
    assert b"ep8.mp3" in second and b"ep4.mp3" not in second
    # ?limit above the site's max_items_per_feed is taken up to the show's own size.
    assert client.get("/feeds/podcast/briefing.rss?limit=12").status_code == 200
    assert client.get("/feeds/section/briefing.rss?limit=12").status_code == 400
    # Every other feed keeps items_per_feed.
    section = feedparser.parse(get(client, "/feeds/section/briefing.rss"))
    assert len(section.entries) == 5
