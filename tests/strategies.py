"""Hypothesis strategies for hostile but plausible article records, in every input format.

Values are built to be read by the importer (most records are accepted) while carrying what
breaks writers and readers: text of every Unicode plane (RTL, combining marks, emoji, plane 14
tags, private use), control and XML-invalid characters (U+0000-U+001F, U+FFFE, U+FFFF), lone
surrogates (as JSON escapes), `]]>`, `<` and `&` in plain text, HTML in plain-text fields,
labels that are one tag under different case or normalisation (NFC, NFD, NFKC) and labels
whose slugs collide, URLs with IRIs, quotes, spaces and `javascript:`, dates in every accepted
form and zone (offsets with seconds, zone names, Korean dates, far past, embargoes far in the
future), huge and tiny numbers, very long strings, many tags and authors, media and podcast
episode fields. Now and then a value is plainly wrong, so refusals are exercised too.

`records()` draws our record shape (a dict); `encoded(...)` writes one record as a file of one
of our input formats: our JSON (one object, or a list), JSON Lines, Markdown with YAML front
matter; `ninjs_items(version)` draws IPTC ninjs 1.x, 2.x and 3.x items written as JSON.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import yaml
from hypothesis import strategies as st

# "Now" of the property tests: every accepted date that is not an embargo lies before it.
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

# --------------------------------------------------------------------------------- text

# Pieces that have broken (or could break) an XML or JSON writer, a sanitiser or a reader.
HOSTILE_PIECES = (
    "]]>", "<![CDATA[x]]>", "<", ">", "&", "&amp;", "&lt;b&gt;", "&#0;", "&#xFFFE;", "&nbsp;",
    "<b>bold</b>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<!-- c -->",
    '"', "'", "\\", "%s", "{}", "javascript:alert(1)",
    "\u202e", "\u202c", "\u200f", "\u200e", "\u061c", "\u2066", "\u2069",  # bidi controls
    "\u0301", "e\u0301", "\u00e9", "A\u030a", "\u00c5", "\u1100\u1161", "\uac00",  # NFC/NFD
    "\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad",  # invisible
    "\ufffe", "\uffff", "\ufffd", "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f",
    "\x7f", "\x80", "\x85", "\x9f", "\u2028", "\u2029",  # XML-invalid, C1, line separators
    "\ud800", "\udfff", "\udbff\udc00",  # lone and paired surrogates (JSON escapes)
    "\U0001f600", "\U0001f1f0\U0001f1f7", "\U0001f469\U0001f3fd\u200d\U0001f4bb",  # emoji
    "\U00020000", "\U0002a6d6", "\U000e0001", "\U000e007f", "\U000f0000", "\U0010fffd",
    "\U0010ffff", "\U0001d54f", "\ue000",  # planes 2, 14, 15, 16, maths, private use
    "שלום", "مرحبا", "한국어", "日本語", "Ελληνικά", "ｆｕｌｌ", "\ufb01", "İ", "ß", "ǅ",
    "  ", "\t", "\n", "\r\n", "\r",
)  # fmt: skip
WORDS = ("Seoul", "서울", "외교부", "Tokyo", "東京", "القاهرة", "ירושלים", "Zürich", "naïve",
         "café", "Ωmega", "news", "AT&T", "C++", "x<y", "1 < 2 & 3 > 2", "🚀 launch")  # fmt: skip

any_char = st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)
hostile = st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(any_char, max_size=6), max_size=6).map(
    "".join
)
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
# Something a reader sees, wrapped in hostile pieces: the usual text of a record.
visible = st.builds(lambda a, w, b: a + w + b, hostile, words, hostile)
blank = st.sampled_from(["", " ", "\t\n", "\u200b", "\ufeff\u200d", "\x00\x01", "\u3000"])


def long_text(low: int, high: int) -> st.SearchStrategy[str]:
    """Text of about `low` to `high` characters (astral ones count once), near a limit."""
    return st.builds(
        lambda n, piece: (piece * (n // len(piece) + 1))[:n],
        st.integers(low, high),
        st.sampled_from(["가", "a", "\U0001f600", "e\u0301", "<&>", "]]>"]),
    )


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`good` about 24 times in 25, `bad` otherwise (a record has some twenty fields).

    The bad branch sits in the middle of the range: Hypothesis favours the ends of a range
    when it draws, and shrinks towards its start, which is then the good branch.
    """
    return st.integers(0, 24).flatmap(lambda n: bad if n == 12 else good)


plain_text = mostly(visible, hostile | blank | long_text(990, 1010))
optional_text = st.none() | visible | hostile | blank

# --------------------------------------------------------------------------------- labels

BASE_LABELS = ("Seoul", "café", "İstanbul", "straße", "서울", "Ελλάδα", "C++", "C#", "c--",
               "C", "AT&T", "at-t", "a/b", "a b", "ﬁsh", "ｆｕｌｌ",
               "東京", "عربي", "🚀")  # fmt: skip


def _variants(label: str) -> list[str]:
    """The same label in other case, normalisation and spacing: one tag to a reader."""
    return [
        label,
        label.upper(),
        label.lower(),
        label.casefold(),
        unicodedata.normalize("NFD", label),
        unicodedata.normalize("NFKC", label),
        f" {label}  ",
        label.replace(" ", "  "),
    ]


label_pool = st.sampled_from(BASE_LABELS).flatmap(lambda b: st.sampled_from(_variants(b)))
labels = mostly(label_pool | visible, hostile | blank | long_text(195, 205))
slugs = mostly(
    st.from_regex(r"\A[a-z0-9](?:[a-z0-9._-]{0,20}[a-z0-9])?\Z"),
    st.sampled_from(["Asia", "a b", "-x", "x-", "", "한국", "a" * 101]),
)
labelled = st.one_of(
    labels,
    st.fixed_dictionaries({"label": labels}, optional={"slug": slugs}),
    st.fixed_dictionaries({"slug": slugs}),
)

# --------------------------------------------------------------------------------- URLs

HOSTS = ("example.org", "news.example.com", "한국.kr", "例え.jp", "xn--3e0b707e.kr", "127.0.0.1",
         "a-1.example", "EXAMPLE.ORG", "a.b-c.d", "localhost", "example.org:8443")  # fmt: skip
SEGMENT_PIECES = ("a", "기사", "%20", "%EA%B8%B0", "100%", "'", '"', "<", ">", "&", "&amp;",
                  "(x)", "~", "|", "^", "`", "{}", "é", "e\u0301", "\u202e", "🚀", "ﬁ",
                  "]]>", "?", "#", ";", "=", "+", "@", ":")  # fmt: skip
segment = st.lists(st.sampled_from(SEGMENT_PIECES), max_size=4).map("".join)
path = st.lists(segment, max_size=4).map(lambda parts: "/" + "/".join(parts))
absolute_url = st.builds(
    lambda scheme, host, p, q, f: f"{scheme}://{host}{p}{q}{f}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(HOSTS),
    path,
    st.sampled_from(["", "?q=1", "?a=1&b=<2>", "?q=한국&x='y'", '?q="x"', "?"]),
    st.sampled_from(["", "#top", "#부분", "#"]),
)
BAD_URLS = ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
            "mailto:a@example.org", "//evil.example/x", "http://", "https://exa mple.org/",
            "https://example.org/a b", " https://example.org/ ", "ftp://example.org/x",
            "http://user:pw@example.org/", "http://example.org:99999/", "relative/path",
            "https://[::1/x", "https://[::1]/x", "https://a..example/", "https://-a.example/",
            "http://example.org:0/", "\x00https://example.org/")  # fmt: skip
urls = mostly(absolute_url | path, st.sampled_from(BAD_URLS))

# --------------------------------------------------------------------------------- dates


def _offset(seconds: int) -> timezone:
    return timezone(timedelta(seconds=seconds))


# Offsets within a day either way: whole hours, whole minutes and (local mean time) seconds.
offsets = st.one_of(
    st.integers(-12, 14).map(lambda h: _offset(h * 3600)),
    st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: _offset(m * 60)),
    st.integers(-(24 * 3600 - 1), 24 * 3600 - 1).map(_offset),
    st.just(UTC),
)
# Two days of margin before now: a date read in the site's zone stays in the past.
past_instants = st.datetimes(
    min_value=datetime(1000, 1, 3), max_value=(NOW - timedelta(days=2)).replace(tzinfo=None)
).flatmap(lambda d: offsets.map(lambda z: d.replace(tzinfo=z)))
future_instants = st.datetimes(
    min_value=(NOW + timedelta(days=2)).replace(tzinfo=None), max_value=datetime(9998, 12, 30)
).flatmap(lambda d: offsets.map(lambda z: d.replace(tzinfo=z)))
NAMED_ZONES = {0: ("GMT", "UT", "UTC", "Z"), 9 * 60: ("KST", "JST"), 2 * 60: ("CEST", "CAT"),
               -5 * 60: ("EST", "CDT"), 5 * 60 + 30: (), 10 * 60 + 30: ("ACDT",)}  # fmt: skip
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _rfc822(d: datetime, zone_name: str | None) -> str:
    offset = d.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    zone = zone_name or f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return (
        f"{DAYS[d.weekday()]}, {d.day:02d} {MONTHS[d.month - 1]} {d.year} "
        f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} {zone}"
    )


@st.composite
def date_text(draw: st.DrawFn, instant: datetime) -> str:
    """One spelling of `instant` (aware) that the importer reads as that instant, or as the
    same wall time in the site's zone where the spelling has no zone."""
    d = instant
    offset = d.utcoffset() or timedelta(0)
    whole_minutes = offset.total_seconds() % 60 == 0
    forms = ["iso", "iso-seconds-zone", "date", "korean", "slashes", "local-iso"]
    if whole_minutes:
        forms += ["rfc822", "iso-minutes"]
    form = draw(st.sampled_from(forms))
    if form == "iso":
        return d.isoformat()
    if form == "iso-seconds-zone":  # always carries seconds in the offset when it has any
        return d.isoformat(timespec="microseconds")
    if form == "iso-minutes":
        text = d.isoformat(timespec="minutes")
        return text.replace("+00:00", "Z") if offset == timedelta(0) else text
    if form == "rfc822":
        names = NAMED_ZONES.get(int(offset.total_seconds() // 60), ())
        name = draw(st.sampled_from([None, *names]))
        return _rfc822(d.replace(second=d.second), name)
    if form == "date":
        return d.date().isoformat()
    if form == "korean":
        hour = d.hour % 12 or 12
        half = "오후" if d.hour >= 12 else "오전"
        return f"{d.year}년 {d.month}월 {d.day}일 {half} {hour}:{d.minute:02d}"
    if form == "slashes":
        return f"{d.year:04d}/{d.month:02d}/{d.day:02d} {d.hour:02d}:{d.minute:02d}"
    return d.replace(tzinfo=None).isoformat(timespec="seconds")


BAD_DATES = ("2025/13/45", "yesterday", "", " ", "0000-01-01", "9999-12-31T23:59:59-12:00",
             "2025-07-30T09:00:00 IST", "1753833600", "2025-02-30", "July 2025")  # fmt: skip


@dataclass(frozen=True)
class Times:
    """A record's date fields, as spelled: published, updated (None: left out), embargoed."""

    published: str | None
    updated: str | None
    embargoed: str | None


@st.composite
def times(draw: st.DrawFn) -> Times:
    """Published at or before updated, both in the past; or an embargo far ahead (updated in
    the past); now and then a date that is wrong."""
    if draw(st.integers(0, 24)) == 12:
        return Times(draw(st.sampled_from(BAD_DATES)), None, None)
    first = draw(past_instants)
    if draw(st.integers(0, 6)) == 3:  # an embargo, up to the end of the accepted years
        end = draw(future_instants)
        spelled = draw(date_text(end))
        return Times(draw(st.sampled_from([None, spelled])), draw(date_text(first)), spelled)
    later = draw(past_instants)
    published, updated = sorted([first, later])
    # The date-only and local forms are read at the site's midnight/wall time: keep the
    # published spelling exact when an updated spelling is given (else updated might read
    # earlier than published, which is a refusal rather than a test of the feeds).
    published_text = draw(date_text(published))
    updated_text = None
    if draw(st.booleans()):
        updated_text = published.isoformat() if published == updated else updated.isoformat()
        if published != updated:
            published_text = published.isoformat()
    return Times(published_text, updated_text, None)


# --------------------------------------------------------------------------------- numbers

huge_and_tiny = st.sampled_from(
    [0, -1, 1, 2**31, 2**53, 2**63, 10**30, 10**400, -(10**30), 1e308, 5e-324, 0.5, -0.0,
     1.5, float("inf"), True, False, "12", None]
)  # fmt: skip


def sizes(low: int, high: int) -> st.SearchStrategy[Any]:
    return mostly(st.integers(low, high), huge_and_tiny)


# --------------------------------------------------------------------------------- bodies

HTML_PIECES = ("<p>", "</p>", "<a href=\"/rel/x\">rel</a>", "<a href='javascript:alert(1)'>j</a>",
               "<img src=\"/i.png\" alt=\"]]>\">", "<iframe src=//x></iframe>",
               "<svg onload=alert(1)>", "<table><tr><td>x</td></tr></table>", "<b><i>unclosed",
               "&nbsp;", "&#x1F600;", "&#xD800;", "&#0;", "&#65534;", "&bogus;", "<br>",
               "<p dir=rtl>نص</p>", "<style>p{}</style>", "<math><mi>x</mi></math>",
               "<a href=\"https://한국.kr/기사 1\">iri</a>", "<![CDATA[x]]>", "<?pi x?>",
               "<h1>title</h1>", "<script>x</script>")  # fmt: skip
html_body = st.lists(st.sampled_from(HTML_PIECES) | visible | hostile, max_size=8).map("".join)
MARKDOWN_PIECES = ("# Heading\n", "* item\n", "[link](/rel)", "[js](javascript:alert(1))",
                   "![img](/i.png)", "`code ]]>`", "```\n<b>&\n```\n", "<b>raw</b>",
                   "| a | b |\n|---|---|\n| 1 | 2 |\n", "~~strike~~", "\n\n", "---\n",
                   "<https://example.org/x>", "&amp;")  # fmt: skip
markdown_body = st.lists(st.sampled_from(MARKDOWN_PIECES) | visible, max_size=8).map("".join)
bodies = st.one_of(
    st.fixed_dictionaries({"body_html": html_body}),
    st.fixed_dictionaries({"body": visible | st.lists(optional_text, max_size=4)}),
    st.fixed_dictionaries({"body_markdown": markdown_body}),
    st.fixed_dictionaries({"body_html": long_text(20_000, 30_000)}),
    st.just({}),
)

# --------------------------------------------------------------------------------- parts

MIME_TYPES = ("audio/mpeg", "video/mp4", "audio/x-m4a", "audio/ogg; codecs=opus", "image/jpeg",
              "application/pdf", "audio", "text/html", "AUDIO/MPEG")  # fmt: skip
durations = st.one_of(
    st.integers(0, 7 * 24 * 3600),
    st.floats(0, 86400, allow_nan=False),
    st.sampled_from(["00:30:30", "1:02:03", "59:59", "1830", "0", "1:60", "-1", "1h", ""]),
    huge_and_tiny,
)
media_item = st.fixed_dictionaries(
    {
        "url": urls,
        "length": sizes(1, 2**40),
        "type": mostly(st.sampled_from(MIME_TYPES[:4]), st.sampled_from(MIME_TYPES)),
    },
    optional={"duration": durations, "title": optional_text},
)
episode = st.fixed_dictionaries(
    {},
    optional={
        "season": sizes(1, 10**6),
        "number": sizes(1, 10**7),
        "type": st.sampled_from(["full", "trailer", "bonus", "teaser"]),
        "explicit": st.booleans() | st.none(),
        "transcript_url": st.sampled_from(["https://cdn.example.org/t.vtt", "/t.srt", "/t"]) | urls,
        "transcript_type": st.sampled_from(["text/vtt", "application/json", "bogus"]),
        "chapters_url": urls,
    },
)
author = st.one_of(
    labels,
    st.fixed_dictionaries(
        {"name": labels},
        optional={
            "slug": slugs,
            "uri": urls,
            "email": mostly(
                st.sampled_from(["k@example.org", "기자@언론.kr", "a+b@x.co"]),
                st.sampled_from(["not-an-email", "a@b", "<a@b.c>"]),
            ),
        },
    ),
)
image = st.one_of(
    urls,
    st.fixed_dictionaries(
        {"url": urls},
        optional={
            "alt": optional_text,
            "caption": optional_text,
            "width": sizes(1, 100_000),
            "height": sizes(1, 100_000),
            "type": st.sampled_from(["image/png", "image/jpeg", "image"]),
        },
    ),
)
source = st.one_of(
    st.sampled_from(["출처:AA", "source: Reuters", "Credit：연합뉴스", "AA"]),
    labels,
    st.fixed_dictionaries({"name": labels}, optional={"slug": slugs, "url": urls}),
)
ids = mostly(
    st.one_of(
        st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._~:/-]{0,30}\Z"),
        st.sampled_from(
            ["기사-1", "مقال", "a/b/c", "x%20y", "a?b#c", "<id>", "a&b", "🚀", "e\u0301", "..", "."]
        ),
        st.integers(0, 10**12),
    ),
    st.sampled_from(["", " a", "a b", "a\x00", "a\u200b", "a" * 201, "\ud800"]) | huge_and_tiny,
)
LANGUAGES = ("ko", "en", "ar", "he", "zh-Hant-TW", "EN-us", "sr-Latn-RS", "de-CH-1996",
             "en-GB-oxendict", "ko-KR-x-newsroom", "yue", "ja")  # fmt: skip
languages = mostly(st.sampled_from(LANGUAGES), st.sampled_from(["ko_KR", "i-klingon", "", "x"]))
many = {"min_size": 0, "max_size": 6}


@st.composite
def records(draw: st.DrawFn, *, max_tags: int = 6) -> dict[str, Any]:
    """One record in our JSON shape, mostly acceptable, always hostile."""
    when = draw(times())
    record: dict[str, Any] = {"id": draw(ids), "title": draw(plain_text)}
    if when.published is not None:
        record["published"] = when.published
    if when.updated is not None:
        record["updated"] = when.updated
    if when.embargoed is not None:
        record["embargoed"] = when.embargoed
    record.update(draw(bodies))
    optional = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "summary": optional_text | long_text(19_990, 20_010),
                "language": languages,
                "section": labelled,
                "tags": st.lists(labelled, min_size=0, max_size=max_tags),
                "authors": st.lists(author, min_size=0, max_size=max_tags),
                "url": urls,
                "image": image,
                "related": st.lists(
                    urls | st.fixed_dictionaries({"url": urls}, optional={"title": plain_text}),
                    **many,
                ),
                "source": source,
                "rights": optional_text,
                "reading_time": sizes(1, 1000),
                "translations": st.lists(ids, max_size=3),
                "guid": mostly(
                    st.sampled_from(
                        [
                            "tag:example.org,2025:a1",
                            "urn:uuid:" + "0" * 32,
                            "https://example.org/기사/1",
                        ]
                    ),
                    st.sampled_from(["not a uri", ""]),
                ),
                "slug": slugs,
                "status": mostly(
                    st.just("published"), st.sampled_from(["draft", "withheld", "Published"])
                ),
                "x-cms": st.recursive(
                    st.none() | st.integers() | hostile,
                    lambda c: st.lists(c, max_size=3),
                    max_leaves=5,
                ),
            },
        )
    )
    record.update(optional)
    if draw(st.integers(0, 2)) == 1:  # an audio or video story, maybe a podcast episode
        record["media"] = draw(st.lists(media_item, min_size=1, max_size=3))
        if draw(st.booleans()):
            record["episode"] = draw(episode)
    if draw(st.integers(0, 40)) == 20:  # a misspelt field
        record[draw(st.sampled_from(["titel", "publishd", "bogus", "body_text"]))] = "x"
    return record


# --------------------------------------------------------------------------------- encoding


@dataclass(frozen=True)
class Encoded:
    """A record written as a file: its name, bytes, and the place errors must name."""

    name: str
    data: bytes
    where: str


def _has_surrogate(value: Any) -> bool:
    return "\\ud" in json.dumps(value).lower()


@st.composite
def encoded(draw: st.DrawFn, record: dict[str, Any], fmt: str) -> Encoded:
    """`record` as a file of `fmt` ("json", "jsonl" or "markdown")."""
    surrogates = _has_surrogate(record)
    ascii_only = surrogates or draw(st.booleans())
    if fmt == "json":
        if draw(st.booleans()):
            text = json.dumps(
                [record], ensure_ascii=ascii_only, indent=draw(st.sampled_from([None, 2]))
            )
            return Encoded("record.json", text.encode(), "record.json: record 1")
        text = json.dumps(record, ensure_ascii=ascii_only)
        return Encoded("record.json", text.encode(), "record.json")
    if fmt == "jsonl":
        text = json.dumps(record, ensure_ascii=ascii_only) + "\n"
        return Encoded("record.jsonl", text.encode(), "record.jsonl: line 1")
    if fmt == "markdown":
        front = dict(record)
        body = front.pop("body_markdown", None)
        if isinstance(body, str) and (_has_surrogate(body) or not body.strip()):
            front["body_markdown"] = body  # stays in the front matter, escaped there
            body = None
        dumped = yaml.safe_dump(front, allow_unicode=not ascii_only, sort_keys=False, width=80)
        text = f"---\n{dumped}---\n{body or ''}"
        return Encoded("record.md", text.encode(), "record.md")
    raise ValueError(fmt)


# --------------------------------------------------------------------------------- ninjs

NINJS_VERSIONS = ("1.x", "2.x", "3.x")


def _ninjs_name(name: str, version: str) -> str:
    camel = {"versioncreated": "versionCreated", "firstcreated": "firstCreated",
             "pubstatus": "pubStatus", "embargoed": "embargoedUntil",
             "copyrightholder": "copyrightHolder", "copyrightnotice": "copyrightNotice",
             "contenttype": "contentType", "sizeinbytes": "sizeInBytes"}  # fmt: skip
    return camel.get(name, name) if version == "3.x" else name


@st.composite
def ninjs_items(draw: st.DrawFn, version: str, *, max_tags: int = 6) -> dict[str, Any]:
    """An IPTC ninjs item of `version` (1.x, 2.x or 3.x) with the same hostile values."""

    def n(name: str) -> str:
        return _ninjs_name(name, version)

    when = draw(times())
    item: dict[str, Any] = {"uri": draw(ids)}
    if version == "3.x":
        item["standard"] = {"name": "ninjs", "version": draw(st.sampled_from(["3.0", "3.1"]))}
    headline = draw(plain_text)
    if version == "1.x":
        item["headline"] = headline
    else:
        item["headlines"] = [{"role": "main", "value": headline}]
    if when.published is not None:
        item[n("versioncreated")] = when.updated or when.published
        if when.updated is not None and when.embargoed is None:
            item[n("firstcreated")] = when.published
    if when.embargoed is not None:
        item[n("embargoed")] = when.embargoed
        item[n("versioncreated")] = when.updated
    body = draw(html_body)
    summary = draw(optional_text)
    if version == "1.x":
        item["body_html" if draw(st.booleans()) else "body_text"] = body
        if summary is not None:
            item["description_text"] = summary
    else:
        item["bodies"] = [{"role": "main", n("contenttype"): "text/html", "value": body}]
        if summary is not None:
            item["descriptions"] = [{"role": "summary", "value": summary}]
    extra = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "language": languages,
                n("pubstatus"): mostly(st.just("usable"), st.sampled_from(["withheld", "x"])),
                "by": labels,
                "keywords": st.lists(labels, max_size=max_tags),
                "subjects": st.lists(
                    st.fixed_dictionaries({"name": labels, "uri": st.just("medtop:1")}),
                    max_size=max_tags,
                ),
                "genres": st.lists(st.fixed_dictionaries({"name": labels}), max_size=2),
                n("copyrightholder"): labels,
                n("copyrightnotice"): optional_text,
            },
        )
    )
    if version == "1.x":
        if "subjects" in extra:
            extra["subject"] = extra.pop("subjects")
        if "genres" in extra:
            extra["genre"] = extra.pop("genres")
        if "by" in extra:
            extra["byline"] = extra.pop("by")
    item.update(extra)
    pictures = draw(
        st.lists(
            st.fixed_dictionaries(
                {"type": st.just("picture"),
                 "renditions": st.lists(
                     st.fixed_dictionaries(
                         {"href": urls},
                         optional={"width": sizes(1, 10_000), "height": sizes(1, 10_000),
                                   n("contenttype"): st.just("image/jpeg")},
                     ),
                     min_size=1, max_size=2,
                 )},
                optional={"descriptions": st.lists(
                    st.fixed_dictionaries({"value": optional_text}), max_size=1)},
            ),
            max_size=1,
        )
    )  # fmt: skip
    audio = draw(
        st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["audio", "video"]),
                 "renditions": st.lists(
                     st.fixed_dictionaries(
                         {"href": urls, n("sizeinbytes"): sizes(1, 2**40)},
                         optional={n("contenttype"): st.sampled_from(MIME_TYPES[:3]),
                                   "duration": durations, "name": st.just("main")},
                     ),
                     min_size=1, max_size=2,
                 )},
            ),
            max_size=1,
        )
    )  # fmt: skip
    associations = pictures + audio
    if associations:
        if version == "1.x":
            item["associations"] = {f"a{i}": a for i, a in enumerate(associations)}
        else:
            item["associations"] = associations
    return item


def ninjs_encoded(item: dict[str, Any], *, ascii_only: bool) -> Encoded:
    text = json.dumps(item, ensure_ascii=ascii_only or _has_surrogate(item))
    return Encoded("item.json", text.encode(), "item.json")
