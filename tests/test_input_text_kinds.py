"""Text as files and front matter carry it: one rule for every encoding and every YAML scalar.

Found: a JSON, JSON Lines or Markdown file saved as UTF-16 with a byte order mark (Windows
tools' "Unicode") was refused as "not UTF-8 text (byte 0)", and a UTF-16 JSON Lines file gave
one bogus error per line; in front matter `title: 2025`, `title: yes`, `source: no` were refused
or read as YAML's numbers and booleans (`summary: 0x1F` became 31).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.errors import InvalidArticle, UnreadableInput
from articles.formats import article_from_mapping, article_from_markdown, read_records
from articles.urls import is_iri

SEOUL = ZoneInfo("Asia/Seoul")
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32"]
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1
).filter(lambda t: t.strip() and t.isprintable())


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


def documents(titles: list[str]) -> dict[str, str]:
    records = [
        {"id": f"r{i}", "title": title, "published": "2025-07-30", "body": f"{title}\n본문"}
        for i, title in enumerate(titles)
    ]
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in records)
    front = (
        f"---\nid: r0\ntitle: {json.dumps(titles[0], ensure_ascii=False)}\n"
        "published: 2025-07-30\n---\n본문\n"
    )
    return {".json": json.dumps(records, ensure_ascii=False), ".jsonl": lines, ".md": front}


def read(path: Path | str, stdin: bytes | None = None) -> list[tuple[str, str]]:
    stream = io.BytesIO(stdin) if stdin is not None else None
    found = []
    for parsed in read_records(path, zone=SEOUL, default_language="ko", stdin=stream):
        assert parsed.article is not None, parsed.error
        found.append((parsed.article.id, parsed.article.title))
    return found


@example(titles=["조 외교부 장관, 도쿄 방문"], encoding="utf-16", suffix=".jsonl")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    titles=st.lists(TEXT.map(lambda t: " ".join(t.split())), min_size=1, max_size=3),
    encoding=st.sampled_from(ENCODINGS),
    suffix=st.sampled_from([".json", ".jsonl", ".md"]),
)
def test_every_unicode_encoding_named_by_a_bom_reads_as_utf_8(
    tmp_path: Path, titles: list[str], encoding: str, suffix: str
) -> None:
    text = documents(titles)[suffix]
    path = tmp_path / f"wire{suffix}"
    path.write_bytes(text.encode("utf-8"))
    expected = read(path)
    path.write_bytes(encode(text, encoding))
    assert read(path) == expected
    if suffix != ".md":  # stdin tells Markdown by its first line; the file case covers it
        assert [title for _, title in read("-", encode(text, encoding))] == [
            title for _, title in expected
        ]


def test_utf_16_without_a_bom_is_refused_saying_so(tmp_path: Path) -> None:
    path = tmp_path / "wire.json"
    path.write_bytes(documents(["제목"])[".json"].encode("utf-16-le"))
    with pytest.raises(UnreadableInput, match="looks like UTF-16 without a byte order mark"):
        read(path)


# Plain YAML scalars that YAML 1.1 reads as numbers or booleans (PyYAML's safe loader).
YAML_NON_TEXT = ["2025", "yes", "no", "on", "off", "true", "False", "1e3", "0x1F", "0o17",
                 ".5", "1_000", "12:30", "-7", "+3", ".inf", "-.Inf", ".nan", "3.14"]  # fmt: skip


@example(field="title", value="2025")
@example(field="source", value="no")
@settings(max_examples=100, deadline=None)
@given(
    field=st.sampled_from(["title", "summary", "source", "rights", "section", "tags", "authors"]),
    value=st.sampled_from(YAML_NON_TEXT) | st.integers().map(str) | st.floats().map(str),
)
def test_a_text_field_in_front_matter_is_its_text_as_written(field: str, value: str) -> None:
    if field == "title":
        front = f"id: m1\ntitle: {value}\npublished: 2025-07-30\n"
    else:
        front = f"id: m1\ntitle: T\npublished: 2025-07-30\n{field}: {value}\n"
    article = article_from_markdown(
        f"---\n{front}---\n본문\n", where="m1.md", zone=SEOUL, default_language="ko"
    )
    got = {
        "title": lambda: article.title,
        "summary": lambda: article.summary,
        "rights": lambda: article.rights,
        "source": lambda: article.source.name if article.source else None,
        "section": lambda: article.section.label if article.section else None,
        "tags": lambda: article.tags[0].label,
        "authors": lambda: article.authors[0].name,
    }[field]()
    assert got == value


def test_numbers_stay_numbers_where_the_record_wants_numbers() -> None:
    front = (
        "id: 7\ntitle: T\npublished: 2025-07-30\nreading_time: 4\n"
        "image: {url: /a.png, width: 1200, height: 675, alt: 2025}\n"
    )
    article = article_from_markdown(
        f"---\n{front}---\n본문\n", where="m.md", zone=SEOUL, default_language="ko"
    )
    assert (article.id, article.reading_time) == ("7", 4)
    assert article.image is not None
    assert (article.image.width, article.image.height, article.image.alt) == (1200, 675, "2025")


EDGE = st.text(st.sampled_from("\ufeff\u200b\u2060 "), max_size=3)


@example(text="Title", before="\ufeff", after="")  # a BOM left over from a joined file
@settings(max_examples=150, deadline=None)
@given(text=TEXT.map(lambda t: " ".join(t.split())), before=EDGE, after=EDGE)
def test_invisible_characters_at_the_ends_of_text_are_trimmed_like_white_space(
    text: str, before: str, after: str
) -> None:
    def read(title: str) -> tuple[str, str, str]:
        raw = {"id": "a", "title": title, "published": "2025-07-30", "tags": [title],
               "authors": [title]}  # fmt: skip
        article = article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
        return article.title, article.tags[0].label, article.authors[0].name

    try:
        expected = read(text)
    except InvalidArticle:  # a text refused alone is refused padded too
        with pytest.raises(InvalidArticle):
            read(before + text + after)
        return
    assert read(before + text + after) == expected


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_a_cut_off_json_file_is_refused_saying_where_it_ends(tmp_path: Path, cut: int) -> None:
    text = documents(["제목", "둘째"])[".json"]
    cut = cut % len(text.rstrip())  # anywhere before the end of the document
    path = tmp_path / "wire.json"
    path.write_text(text[:cut], encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        read(path)
    message = str(caught.value)
    assert "line 1, column" in message
    assert any(
        reason in message
        for reason in (
            "no JSON value: the input is empty",
            "the text ends before the JSON value is complete",
            "text in quotes that is never closed",
        )
    ), message


HANGUL = st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=8)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=HANGUL, encoding=st.sampled_from(["cp949", "euc-kr"]), suffix=st.sampled_from(
    [".json", ".jsonl", ".md"]))  # fmt: skip
def test_korean_in_euc_kr_is_refused_naming_the_likely_encoding(
    tmp_path: Path, title: str, encoding: str, suffix: str
) -> None:
    try:
        data = documents([title])[suffix].encode(encoding)
    except UnicodeEncodeError:  # EUC-KR holds only 2,350 of the syllables
        return
    path = tmp_path / f"wire{suffix}"
    path.write_bytes(data)
    try:
        reasons = [str(p.error) for p in read_records(path, zone=SEOUL, default_language="ko")]
    except UnreadableInput as exc:
        reasons = [str(exc)]
    assert reasons and all("EUC-KR (CP949): save it as UTF-8" in r for r in reasons), reasons


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(titles=st.lists(TEXT.map(lambda t: " ".join(t.split())), min_size=1, max_size=4),
       boms=st.lists(st.booleans(), min_size=4, max_size=4))  # fmt: skip
def test_json_lines_joined_from_files_with_byte_order_marks_read_whole(
    tmp_path: Path, titles: list[str], boms: list[bool]
) -> None:
    # `cat a.jsonl b.jsonl`: each file's BOM starts a line (line 2 was refused with Python's
    # "unexpected UTF-8 BOM (decode using utf-8-sig)").
    lines = documents(titles)[".jsonl"].encode("utf-8").splitlines(keepends=True)
    path = tmp_path / "plain.jsonl"
    path.write_bytes(b"".join(lines))
    expected = read(path)
    joined = b"".join(b"\xef\xbb\xbf" * bom + line for bom, line in zip(boms, lines, strict=False))
    path.write_bytes(joined)
    assert read(path) == expected
    assert read("-", joined) == expected


# Characters an IRI holds as written, and the ones it cannot (RFC 3987: space, `"`, `<`, `>`,
# `\\`, `^`, backtick, `{`, `|`, `}`, a `%` starting no octet, private use, and section 4.1's
# bidirectional formatting characters, which can make a link display as another).
_BIDI_FORMATTING = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
URL_TEXT = st.text(
    st.sampled_from('abc 한/ .-_"<>\\^`{|}%\ue000' + _BIDI_FORMATTING), min_size=1, max_size=12
)
_IRI = re.compile(
    r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]\u00a0-\ud7ff\uac00-\ud7a3]|%[0-9A-Fa-f]{2})*"
)


@example(path="Seoul talks.jpg", query="", site=False)  # a CMS file name (was refused)
@example(path='a"b<c>{d}|e', query="100%", site=False)  # were kept as written
@example(path="a\u202eb", query="", site=False)  # a right-to-left override, was kept
@settings(max_examples=150, deadline=None)
@given(path=URL_TEXT, query=URL_TEXT | st.just(""), site=st.booleans())
def test_what_an_iri_cannot_hold_after_the_host_is_percent_encoded_as_browsers_send_it(
    path: str, query: str, site: bool
) -> None:
    base = "" if site else "https://cdn.example.com"
    written = f"{base}/{path}" + (f"?{query}" if query else "")
    raw = {"id": "u", "title": "T", "published": "2025-07-30", "url": written, "image": written}
    try:
        article = article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
    except InvalidArticle as exc:  # the text rule trims or collapses the spaces first
        assert exc.field in ("url", "image")
        return
    assert article.image is not None and article.image.url == article.url
    assert article.url is not None and _IRI.fullmatch(article.url), article.url
    collapsed = " ".join(written.split())
    # Encoded only, as RFC 3987 maps an IRI to a URI: the address is the one written.
    assert unquote(article.url) == unquote(collapsed)
    if is_iri(collapsed.replace(" ", "%20")):
        assert article.url == collapsed.replace(" ", "%20")  # only the spaces needed encoding


@pytest.mark.parametrize(
    "written",
    [
        "https://ex{a}.org/",
        'https://ex"a.org/',
        "https://ex%zz.org/",
        "https://e x.org/",
        *(f"https://ex{char}a.org/" for char in _BIDI_FORMATTING),
    ],
)
def test_a_host_that_is_not_a_host_name_is_refused_naming_the_field(written: str) -> None:
    raw = {"id": "u", "title": "T", "published": "2025-07-30", "url": written}
    with pytest.raises(InvalidArticle) as caught:
        article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
    assert caught.value.field == "url"


@given(
    user=st.text(alphabet="abcXYZ09-._~", min_size=1, max_size=8),
    password=st.none() | st.text(alphabet="abc09!$&'()*+,;=", max_size=8),
    path=st.sampled_from(["", "/", "/a?b=1", "/기사"]),
)
@example(user="0", password="&a;", path="")  # also an unknown character reference: named second
def test_a_user_name_or_password_before_the_host_is_refused(
    user: str, password: str | None, path: str
) -> None:
    """RFC 3986 3.2.1 and 7.5: credentials in a URL would be published to every reader."""
    userinfo = user if password is None else f"{user}:{password}"
    written = f"https://{userinfo}@example.com{path}"
    raw = {"id": "u", "title": "T", "published": "2025-07-30", "url": written}
    with pytest.raises(InvalidArticle) as caught:
        article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
    assert caught.value.field == "url"
    assert "user name or password" in caught.value.reason


@settings(max_examples=200, deadline=None)
@given(
    octets=st.lists(st.integers(0, 999), min_size=4, max_size=4),
    path=st.sampled_from(["", "/", "/a?b=1", ":8080/x"]),
)
@example(octets=[256, 256, 256, 256], path="/")  # was accepted; no browser can open it
def test_a_host_of_numbers_is_an_ipv4_address_or_refused(octets: list[int], path: str) -> None:
    """A host whose last label is a number is an IPv4 address (WHATWG URL: browsers refuse
    `256.256.256.256` and every link to it)."""
    written = "https://" + ".".join(map(str, octets)) + path
    raw = {"id": "u", "title": "T", "published": "2025-07-30", "url": written}
    if all(o <= 255 for o in octets):
        article = article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
        assert article.url == written
        return
    with pytest.raises(InvalidArticle) as caught:
        article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
    assert caught.value.field == "url" and "IPv4" in caught.value.reason


@pytest.mark.parametrize(
    "host",
    [
        "[::1]",  # the W3C validator: 'Invalid character in a URI' in RSS <link> and Atom
        "[2001:db8::7]",
        "[::ffff:192.0.2.1]",
        "[2001:db8::7]:8443",
        "[v1.fe]",  # RFC 3986's IPvFuture: no browser opens it
        "[fe80::1%25eth0]",  # a zone (RFC 6874): one machine's interface
        "[fe80::1%25en1]",
        "[1:2:3:4:5:6:7:8:9]",
        "[:::]",
        "[1::2::3]",
        "[:]",
    ],
)
def test_a_host_in_brackets_is_refused_naming_the_field(host: str) -> None:
    """An IPv6 address is RFC 3986's, but the W3C Feed Validation Service (RFC 2396's URI
    characters) flags its brackets in every feed that links it, and every feed must pass it."""
    raw = {"id": "u", "title": "T", "published": "2025-07-30", "url": f"https://{host}/x"}
    with pytest.raises(InvalidArticle) as caught:
        article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
    assert caught.value.field == "url"


def _octets(label: str) -> int:
    """A DNS label's length in octets: its ASCII form, `xn--` and Punycode for Unicode."""
    return len(label) if label.isascii() else len("xn--" + label.encode("punycode").decode())


# Labels near each edge of the rules: empty, a hyphen at either end, 63 and 64 octets, Hangul.
_LABELS = st.one_of(
    st.text(alphabet="abz09-", min_size=0, max_size=5),
    st.integers(60, 66).map(lambda n: "a" * n),
    st.integers(1, 60).map(lambda n: "가" * n),
    st.sampled_from(["-a", "a-", "-", "a-b", "xn--bcher-kva", "a_b", "news"]),
)


@settings(max_examples=400, deadline=None)
@given(
    labels=st.lists(_LABELS, min_size=1, max_size=6)
    | st.integers(60, 70).map(lambda n: ["abc"] * n),  # near 253 octets in all
    root=st.booleans(),
    path=st.sampled_from(["", "/", "/a?b=1", ":8080/x"]),
)
@example(labels=["example", "", "com"], root=False, path="/x")  # example..com
@example(labels=["-example", "com"], root=False, path="/")
@example(labels=["example-", "com"], root=False, path="/")
@example(labels=["a" * 64, "com"], root=False, path="/")
@example(labels=["abc"] * 64, root=False, path="/")  # 255 octets
def test_a_host_name_follows_dns_label_rules_or_is_refused(
    labels: list[str], root: bool, path: str
) -> None:
    """RFC 1034 3.1 and RFC 1123 2.1: labels of 1 to 63 octets (Unicode ones in their ASCII
    form) that neither begin nor end with '-', 253 octets in all; a trailing dot is the root."""
    if labels[-1].isdigit() or not labels[-1].strip("-").strip("0123456789"):
        labels = [*labels, "com"]  # a numeric last label is an IPv4 address, tested above
    host = ".".join(labels) + ("." if root else "")
    written = f"https://{host}{path}"
    raw = {"id": "u", "title": "T", "published": "2025-07-30", "url": written}
    valid = (
        all(labels)
        and not any(label.startswith("-") or label.endswith("-") for label in labels)
        and all(_octets(label) <= 63 for label in labels)
        and sum(map(_octets, labels)) + len(labels) - 1 <= 253
    )
    if valid:
        article = article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
        assert article.url == written
        return
    with pytest.raises(InvalidArticle) as caught:
        article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
    assert caught.value.field == "url" and "host" in caught.value.reason


@settings(max_examples=200, deadline=None)
@given(port=st.integers(0, 10**6), host=st.sampled_from(["example.com", "한국.example", "1.2.3.4"]))
@example(port=0, host="example.com")
@example(port=65536, host="example.com")
def test_a_port_is_1_to_65535_or_refused_naming_it(port: int, host: str) -> None:
    """Port 0 reaches no server and one above 65535 does not exist (TCP's 16 bits)."""
    written = f"https://{host}:{port}/x"
    raw = {"id": "u", "title": "T", "published": "2025-07-30", "url": written}
    if 1 <= port <= 65535:
        assert article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko").url == (
            written
        )
        return
    with pytest.raises(InvalidArticle) as caught:
        article_from_mapping(raw, where="r", zone=SEOUL, default_language="ko")
    assert caught.value.field == "url" and f"port {port} " in caught.value.reason
