"""Subscriber counts: aggregators' User-Agent reports and hashed direct clients, per day."""

from __future__ import annotations

import json
import timeit
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from articles.store import Store
from articles.store.schema import subscriber_salts_table, subscribers_table
from articles.store.subscribers import DIRECT, SubscriberRow, daily_salt, record_subscribers
from feeds.subscribers import (
    AGGREGATORS,
    COUNT,
    SubscriberCount,
    SubscriberCounter,
    parse_user_agent,
)
from feeds.subscribers_report import chart_name_problem
from tests.fixtures.app import NOW, Clock, article

FEED = "/feeds/all.atom"
FEEDLY = (
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; "
    "feed-id=feed/https://news.example.com/feeds/all.atom)"
)
INOREADER = "Mozilla/5.0 (compatible; inoreader.com; 7 subscribers)"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

# Real-looking User-Agents as the aggregators send them: (agent, name, subscribers, feed id).
AGENTS = [
    (FEEDLY, "Feedly", 42, "feed/https://news.example.com/feeds/all.atom"),
    ("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 1 subscriber)", "Feedly", 1, ""),
    ("FeedlyBot/1.0 (http://feedly.com; 3 subscribers)", "Feedly", 3, ""),
    (INOREADER, "Inoreader", 7, ""),
    (
        "InoReader/1.0 (+http://www.inoreader.com/feed-fetcher; 25 subscribers; )",
        "Inoreader",
        25,
        "",
    ),
    (
        "NewsBlur Feed Fetcher - 15 subscribers - https://www.newsblur.com/site/6186069/news "
        "(Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_1) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/62.0.3202.94 Safari/537.36)",
        "NewsBlur",
        15,
        "6186069",
    ),
    ("Feedbin feed-id:1384829 - 12 subscribers", "Feedbin", 12, "1384829"),
    (
        "Mozilla/5.0 (compatible; theoldreader.com; 4 subscribers; feed-id=5f1d3e2a9c)",
        "The Old Reader",
        4,
        "5f1d3e2a9c",
    ),
    (
        "Mozilla/5.0 (compatible; Feedspot/1.0 (+https://www.feedspot.com/fs/fetcher; "
        "like FeedFetcher-Google; 9 subscribers)",
        "Feedspot",
        9,
        "",
    ),
    (
        "Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 2 subscribers)",
        "BazQux",
        2,
        "",
    ),
    (
        "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 5 subscribers; "
        "feed-id=12345678901234567890)",
        "Google Feedfetcher",
        5,
        "12345678901234567890",
    ),
    ("Netvibes (http://www.netvibes.com/; 11 subscribers; feedID: 4242)", "Netvibes", 11, "4242"),
    ("Bloglines/3.1 (http://www.bloglines.com; 6 subscribers)", "Bloglines", 6, ""),
    ("Feeder.co (+https://feeder.co; 8 readers)", "Feeder.co", 8, ""),
    # Forms seen in published access logs and user-agent lists:
    ("Feedly/1.0 (poller; 131 subscribers;)", "Feedly", 131, ""),
    (
        "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 16 subscribers; like FeedFetcher-Google)",
        "Feedly",
        16,
        "",
    ),
    ("Inoreader/2.0 (+https://www.inoreader.com; 12 subscribers)", "Inoreader", 12, ""),
    ("NewsBlur Feed Fetcher - 1 subscribers", "NewsBlur", 1, ""),
    ("Feedbin - 1 subscribers", "Feedbin", 1, ""),
    (
        "Netvibes (http://www.netvibes.com/; 1 subscribers; feedID: 6639445)",
        "Netvibes",
        1,
        "6639445",
    ),
    (
        "Overcast/1.0 Podcast Sync (1190 subscribers; feed-id=554901; +http://overcast.fm/)",
        "Overcast",
        1190,
        "554901",
    ),
    ("NewsGatorOnline/2.0 (http://www.newsgator.com; 99 subscribers)", "NewsGatorOnline", 99, ""),
    (
        "Bloglovin/1.0 (rss crawler; http://www.bloglovin.com; 2,417 subscribers)",
        "Bloglovin",
        2417,
        "",
    ),
    ("kinjabot (; 1 Readers)", "kinjabot", 1, ""),
    ("SomeReader/2.1 (1,204 readers)", "SomeReader", 1204, ""),
    ("FeedLounge (, 3 subscribers, next refresh in approx. 28800 seconds)", "FeedLounge", 3, ""),
    (
        "Mozilla/5.0 (X11; U; Linux i686; en-US; rv:1.2.1; Rojo 1.0; Aggregating on behalf of "
        "15 subscriber(s) online at http://www.rojo.com/?feed-id=991) Gecko/20021130",
        "unknown",
        15,
        "991",
    ),
]


@pytest.mark.parametrize(("agent", "name", "subscribers", "feed_id"), AGENTS)
def test_each_aggregators_user_agent_gives_its_name_count_and_feed_id(
    agent: str, name: str, subscribers: int, feed_id: str
) -> None:
    assert parse_user_agent(agent) == (name, subscribers, feed_id)


@pytest.mark.parametrize(
    "agent",
    [
        BROWSER,
        "NetNewsWire (RSS Reader; https://netnewswire.com/)",
        "Miniflux/2.0.51; +https://miniflux.app",
        "curl/8.5.0",
        "",
        "Tiny Tiny RSS/23.04 (https://tt-rss.org/)",
    ],
)
def test_readers_and_browsers_are_direct_clients(agent: str) -> None:
    assert parse_user_agent(agent) is None


def test_the_pattern_table_is_data_with_the_groups_it_promises() -> None:
    assert "subscribers" in COUNT.groupindex
    for aggregator in AGGREGATORS:
        assert "feed_id" in aggregator.feed_id.groupindex


@given(st.text(max_size=300))
def test_any_user_agent_parses_without_error(agent: str) -> None:
    parsed = parse_user_agent(agent)
    if parsed is not None:
        name, subscribers, feed_id = parsed
        assert name and isinstance(subscribers, int) and subscribers >= 0
        assert len(feed_id) <= 200


@given(
    prefix=st.text(max_size=40),
    count=st.integers(min_value=0, max_value=10**12 - 1),
    suffix=st.text(max_size=40),
)
def test_a_count_embedded_anywhere_in_a_fetcher_agent_is_read_exactly(
    prefix: str, count: int, suffix: str
) -> None:
    agent = f"Feedly/1.0 (+http://www.feedly.com/fetcher.html; {count} subscribers; x){suffix}"
    assert parse_user_agent(agent) == ("Feedly", count, "")
    parsed = parse_user_agent(prefix + agent)  # whatever precedes, never an error or negative
    assert parsed is None or parsed[1] >= 0


# How fetchers write their agents: (template, name it is counted under, whether the template
# carries a feed id in the `feed-id=` form). {n} is the count, {w} its word, {fid} the feed id
# part ("" or "; feed-id=X"), {v} a version, {name} a product token of the generic form.
TEMPLATES = [
    (
        "Feedly/{v} (+http://www.feedly.com/fetcher.html; {n} {w}{fid}; like FeedFetcher-Google)",
        "Feedly",
    ),
    ("Feedly/{v} (poller; {n} {w}{fid};)", "Feedly"),
    ("Mozilla/5.0 (compatible; inoreader.com; {n} {w}{fid})", "Inoreader"),
    ("Inoreader/{v} (+https://www.inoreader.com; {n} {w}{fid})", "Inoreader"),
    ("Mozilla/5.0 (compatible; theoldreader.com; {n} {w}{fid})", "The Old Reader"),
    (
        "Mozilla/5.0 (compatible; Feedspot/{v} (+https://www.feedspot.com/fs/fetcher; "
        "like FeedFetcher-Google; {n} {w}{fid})",
        "Feedspot",
    ),
    ("Mozilla/5.0 (compatible; BazQux/{v}; +https://bazqux.com/fetcher; {n} {w}{fid})", "BazQux"),
    (
        "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; {n} {w}{fid})",
        "Google Feedfetcher",
    ),
    ("Bloglovin/{v} (rss crawler; http://www.bloglovin.com; {n} {w}{fid})", "Bloglovin"),
    ("Overcast/{v} Podcast Sync ({n} {w}{fid}; +http://overcast.fm/)", "Overcast"),
    ("{name}/{v} (+https://{host}/fetcher; {n} {w}{fid})", "{name}"),
    ("{name} (+https://{host}; {n} {w}{fid})", "{name}"),
    ("Mozilla/5.0 (compatible; {name}/{v}; +https://{host}; {n} {w}{fid})", "{name}"),
]
WORDS = [
    "subscribers",
    "subscriber",
    "Subscribers",
    "SUBSCRIBERS",
    "subscriber(s)",
    "readers",
    "reader",
    "Readers",
]
KNOWN = {a.name.lower() for a in AGGREGATORS} | {"mozilla", "newsblur", "feedbin", "netvibes"}


@st.composite
def reporting_agents(draw: st.DrawFn) -> tuple[str, str, int, str]:
    """(agent, expected name, expected count, expected feed id) in the fetchers' own forms."""
    template, name = draw(st.sampled_from(TEMPLATES))
    count = draw(st.integers(min_value=0, max_value=10**12 - 1))
    commas = draw(st.booleans()) and count < 10**12
    feed_id = draw(
        st.one_of(
            st.just(""), st.from_regex(r"[A-Za-z0-9][A-Za-z0-9/:._\-=]{0,60}", fullmatch=True)
        )
    )
    product = draw(
        st.from_regex(
            r"[A-Z][a-z]{2,12}(?:[A-Z][a-z]{1,8})?(?:\.(?:io|co|app))?", fullmatch=True
        ).filter(lambda p: p.lower() not in KNOWN and not any(k in p.lower() for k in KNOWN))
    )
    values = {
        "n": f"{count:,}" if commas else str(count),
        "w": draw(st.sampled_from(WORDS)),
        "fid": f"; feed-id={feed_id}" if feed_id else "",
        "v": draw(st.from_regex(r"[0-9]{1,2}(?:\.[0-9]{1,3}){0,2}", fullmatch=True)),
        "name": product,
        "host": product.lower().replace(".", "-") + ".example",
    }
    return template.format(**values), name.format(**values), count, feed_id


@given(reporting_agents())
def test_every_reporting_form_gives_its_name_exact_count_and_feed_id(
    case: tuple[str, str, int, str],
) -> None:
    agent, name, count, feed_id = case
    assert parse_user_agent(agent) == (name, count, feed_id[:200])


@given(
    template=st.sampled_from(
        [
            "NewsBlur Feed Fetcher - {n} {w} - https://www.newsblur.com/site/{id}/x (Mozilla/5.0)",
            "Feedbin feed-id:{id} - {n} {w}",
            "Netvibes (http://www.netvibes.com/; {n} {w}; feedID: {id})",
        ]
    ),
    count=st.integers(min_value=0, max_value=10**9),
    commas=st.booleans(),
    word=st.sampled_from(WORDS),
    numeric_id=st.integers(min_value=1, max_value=10**15),
)
def test_fetchers_with_their_own_feed_id_form_are_read_exactly(
    template: str, count: int, commas: bool, word: str, numeric_id: int
) -> None:
    agent = template.format(n=f"{count:,}" if commas else count, w=word, id=numeric_id)
    name = agent.split()[0]
    assert parse_user_agent(agent) == (name, count, str(numeric_id))


@pytest.mark.parametrize(
    "agent",
    [
        "Reader/1.0 (12345,678 subscribers)",  # not a thousands grouping
        "Reader/1.0 (1,2345 subscribers)",
        "Reader/1.0 (1,234,5678 readers)",
        "Reader/1.0 (subscribers: 12)",  # no number before the word
        "Reader/1.0 (12 subscriptions)",
        "Feedly/1.0 (-5 subscribers)",  # signed
        "Reader/1.0 (1e9 readers)",  # an exponent's tail
        "Reader/1.0 (2.5 readers)",  # a decimal's tail
    ],
)
def test_malformed_counts_are_not_counts(agent: str) -> None:
    assert parse_user_agent(agent) is None


# What may stand before a count's digits and leave it malformed: a sign, a decimal point or
# an exponent, a word it ends, other digits; and other scripts' digits for the count itself.
MALFORMED_BEFORE = ["-", "+", ".", "1.", "0.", "1e", "2E", "e+", "x", "v2_", "_", "a", "가"]
OTHER_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳४५６７"


@given(
    count=st.integers(min_value=0, max_value=10**12 - 1),
    commas=st.booleans(),
    before=st.sampled_from([" ", "; (", ";", "; ", " [", "/"]),
    malformed=st.one_of(st.none(), st.sampled_from(MALFORMED_BEFORE), st.just("digits")),
    word=st.sampled_from(WORDS),
)
def test_only_a_well_formed_non_negative_count_is_a_count(
    count: int, commas: bool, before: str, malformed: str | None, word: str
) -> None:
    """`-5 subscribers` is no count of 5, nor `(1e9 readers)` one of 9: the number must be a
    whole non-negative number of its own (ASCII digits, optional thousands commas)."""
    number = f"{count:,}" if commas else str(count)
    if malformed == "digits":
        number = "".join(
            OTHER_DIGITS[int(d) % len(OTHER_DIGITS)] if d != "," else d for d in number
        )
    elif malformed is not None:
        number = malformed + number
    agent = f"Fetcher/2.0 (+https://fetcher.example{before}{number} {word}; feed-id=f1)"
    parsed = parse_user_agent(agent)
    if malformed is None:
        assert parsed == ("Fetcher", count, "f1")
    else:
        assert parsed is None, (agent, parsed)


def test_a_long_hostile_agent_is_read_only_in_its_first_512_characters() -> None:
    agent = "Feedly/1.0 (" + "9" * 600 + " subscribers)"
    assert parse_user_agent(agent) is None


def _stored(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["feeds.store"].engine.connect() as conn:
        rows = conn.execute(sa.select(subscribers_table)).mappings().all()
    return [dict(r) for r in rows]


def _get(app: Flask, path: str, agent: str, address: str = "203.0.113.7", **headers: str) -> Any:
    return app.test_client().get(
        path,
        headers={"User-Agent": agent, **headers},
        environ_base={"REMOTE_ADDR": address},
    )


def test_successful_feed_requests_are_counted_and_stored_per_aggregator(app: Flask) -> None:
    assert _get(app, FEED, FEEDLY).status_code == 200
    assert _get(app, FEED, INOREADER).status_code == 200
    later = FEEDLY.replace("42 subscribers", "43 subscribers")
    assert _get(app, FEED, later).status_code == 200
    assert app.extensions["feeds.subscribers"].flush() == 2
    rows = {(r["source"], r["key"]): r["subscribers"] for r in _stored(app)}
    assert rows == {
        ("Feedly", "feed/https://news.example.com/feeds/all.atom"): 43,
        ("Inoreader", ""): 7,
    }
    assert {r["day"] for r in _stored(app)} == {NOW.date()}


def test_304_counts_and_errors_and_other_paths_do_not(app: Flask) -> None:
    first = _get(app, FEED, FEEDLY)
    again = _get(app, FEED, INOREADER, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert _get(app, "/feeds/no-such-feed.atom", "Other/1.0 (3 subscribers)").status_code == 404
    assert _get(app, "/", "Index/1.0 (5 subscribers)").status_code == 200
    app.extensions["feeds.subscribers"].flush()
    assert sorted(r["source"] for r in _stored(app)) == ["Feedly", "Inoreader"]


def test_responses_replayed_by_the_memo_are_counted(make_app: Callable[..., Flask]) -> None:
    app = make_app(site_url="https://news.example.com", response_memo_ms=60_000)
    first = _get(app, FEED, FEEDLY)
    app.extensions["feeds.store"].upsert_many([article("fresh", NOW - timedelta(minutes=5))])
    replayed = _get(app, FEED, INOREADER)
    assert replayed.headers["ETag"] == first.headers["ETag"]  # the memo answered, not the view
    app.extensions["feeds.subscribers"].flush()
    assert sorted(r["source"] for r in _stored(app)) == ["Feedly", "Inoreader"]


def test_direct_clients_are_stored_hashed_and_counted_once_per_day(
    app: Flask, clock: Clock
) -> None:
    addresses = ["203.0.113.7", "2001:db8::1", "198.51.100.23"]
    for address in addresses + addresses[:1]:
        assert _get(app, FEED, BROWSER, address=address).status_code == 200
    app.extensions["feeds.subscribers"].flush()
    rows = _stored(app)
    assert len(rows) == 3
    assert {r["source"] for r in rows} == {DIRECT}
    dump = json.dumps(rows, default=str)
    for address in addresses:
        assert address not in dump  # no raw address anywhere in the table
    assert all(len(r["key"]) == 32 and int(r["key"], 16) >= 0 for r in rows)
    # The same client the next day is a new row under a new salt: no link between days.
    clock.now += timedelta(days=1)
    _get(app, FEED, BROWSER, address=addresses[0])
    app.extensions["feeds.subscribers"].flush()
    keys = [r["key"] for r in _stored(app)]
    assert len(keys) == 4 == len(set(keys))


def test_latest_count_wins_and_old_salts_are_deleted(store: Store) -> None:
    day = NOW.date()
    rows = [
        SubscriberRow(day, FEED, "Feedly", "f1", 40, NOW + timedelta(minutes=10)),
        SubscriberRow(day, FEED, "Feedly", "f1", 99, NOW),  # older report arriving late
    ]
    record_subscribers(store.engine, rows[:1])
    record_subscribers(store.engine, rows[1:])
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(subscribers_table.c.subscribers)).scalars().all() == [40]
    first = daily_salt(store.engine, day - timedelta(days=3))
    assert daily_salt(store.engine, day - timedelta(days=3)) == first  # stable within the day
    daily_salt(store.engine, day)
    with store.engine.connect() as conn:
        days = conn.execute(sa.select(subscriber_salts_table.c.day)).scalars().all()
    assert days == [day]


class _Broken:
    def connect(self) -> None:
        raise sa.exc.OperationalError("SELECT", {}, Exception("database is down"))

    begin = connect
    dialect = sa.create_engine("sqlite://").dialect


def test_a_database_error_is_logged_once_and_never_reaches_the_request(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    counter = app.extensions["feeds.subscribers"]
    counter._engine = lambda: _Broken()
    for _ in range(2):
        assert _get(app, FEED, BROWSER).status_code == 200
        assert _get(app, FEED, FEEDLY).status_code == 200
        assert counter.flush() == 0
    assert len([r for r in caplog.records if "subscriber counts" in r.getMessage()]) == 1


def _filled(app: Flask, clock: Clock) -> None:
    _get(app, FEED, FEEDLY)
    _get(app, FEED, INOREADER)
    _get(app, "/feeds/all.rss", FEEDLY.replace("42", "5").replace("all.atom", "all.rss"))
    _get(app, FEED, BROWSER, address="203.0.113.7")
    _get(app, FEED, BROWSER, address="203.0.113.8")
    app.extensions["feeds.subscribers"].flush()
    clock.now += timedelta(days=1)
    _get(app, FEED, FEEDLY.replace("42", "44"))
    _get(app, FEED, BROWSER, address="203.0.113.7")
    app.extensions["feeds.subscribers"].flush()


def test_cli_prints_a_table_per_feed_and_aggregator(app: Flask, clock: Clock) -> None:
    _filled(app, clock)
    result = app.test_cli_runner().invoke(args=["feeds", "subscribers", "--days", "7"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert lines[0] == ["feed", "source", "subscribers"]
    assert [FEED, "Feedly", "44"] in lines  # the latest count of that feed id
    assert ["Inoreader", "7"] in lines
    day1, day2 = NOW.date().isoformat(), (NOW.date() + timedelta(days=1)).isoformat()
    assert ["direct", day1, "2"] in lines and ["direct", day2, "1"] in lines
    assert ["/feeds/all.rss", "Feedly", "5"] in lines


def test_cli_json_has_the_same_numbers(app: Flask, clock: Clock) -> None:
    _filled(app, clock)
    result = app.test_cli_runner().invoke(args=["feeds", "subscribers", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    feeds = {f["feed"]: f for f in data["feeds"]}
    atom = feeds[FEED]
    assert atom["aggregators"] == {"Feedly": 44, "Inoreader": 7}
    day1, day2 = NOW.date().isoformat(), (NOW.date() + timedelta(days=1)).isoformat()
    assert atom["direct_clients"] == {day1: 2, day2: 1}
    assert atom["daily_total"] == {day1: 42 + 7 + 2, day2: 44 + 1}
    assert atom["total"] == 44 + 7 + 1
    assert feeds["/feeds/all.rss"]["aggregators"] == {"Feedly": 5}


def test_cli_with_nothing_counted_says_so(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["feeds", "subscribers", "--days", "3"])
    assert result.exit_code == 0
    assert "no subscriber counts in the last 3 days" in result.output


def test_cli_chart_is_an_svg_document(app: Flask, clock: Clock, tmp_path: Any) -> None:
    _filled(app, clock)
    chart = tmp_path / "subscribers.svg"
    result = app.test_cli_runner().invoke(args=["feeds", "subscribers", "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    root = ElementTree.parse(chart).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    lines = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 2  # one per feed
    assert all(len(line.get("points", "").split()) == 30 for line in lines)  # one per day


@given(
    stem=st.text(
        st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters="./\\"),
        min_size=1,
        max_size=8,
    ),
    suffix=st.text(st.characters(min_codepoint=0x30, max_codepoint=0x7A), max_size=5),
)
def test_a_chart_name_is_taken_only_with_the_svg_extension_or_none(stem: str, suffix: str) -> None:
    """The rule `--chart` checks: a name ending in .svg (any case) or in no extension is taken,
    any other extension is refused, naming it."""
    name = f"out/{stem}.{suffix}" if suffix else f"out/{stem}"
    problem = chart_name_problem(name)
    if not suffix or suffix.lower() == "svg":
        assert problem is None
    else:
        assert problem is not None and f"name the file .svg, not .{suffix}" in problem


@pytest.mark.parametrize("name", ["subs.png", "subs.PDF", "subs.jpeg", "subs.SVG", "subs"])
def test_cli_chart_named_for_another_format_is_refused_before_writing(
    app: Flask, tmp_path: Any, name: str
) -> None:
    """`--chart subs.png` wrote SVG text into subs.png, which an image viewer then refused to
    open. It is refused naming the option, and nothing is written; subs.SVG and a name
    without extension get the chart."""
    path = tmp_path / name
    result = app.test_cli_runner().invoke(args=["feeds", "subscribers", "--chart", str(path)])
    if name in ("subs.SVG", "subs"):
        assert result.exit_code == 0, result.output
        assert ElementTree.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    else:
        assert result.exit_code == 2, result.output
        assert "Invalid value for '--chart'" in result.output
        assert "name the file .svg, not ." in result.output
        assert not path.exists()


def test_per_request_cost_is_a_dict_update(capsys: pytest.CaptureFixture[str]) -> None:
    """A measurement, not a timed assertion: printed with -s (see docs/subscribers.md)."""
    counter = SubscriberCounter(lambda: sa.create_engine("sqlite://"), Clock(), 3600)

    def ok(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [b""]

    app = SubscriberCount(ok, counter)
    environ = {"PATH_INFO": FEED, "HTTP_USER_AGENT": FEEDLY, "REMOTE_ADDR": "203.0.113.7"}
    n = 20_000
    bare = timeit.timeit(lambda: ok(environ, lambda *a: None), number=n) / n
    counted = timeit.timeit(lambda: app(environ, lambda *a: None), number=n) / n
    with capsys.disabled():
        print(f"\nsubscriber counting: {(counted - bare) * 1e6:.2f} us per feed request")
    assert len(counter._pending) == 1
