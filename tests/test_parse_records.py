"""Our JSON record format: leniencies, defaults, and a clear message for every bad field."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from articles.errors import InvalidArticle
from articles.formats import article_from_mapping, article_from_markdown
from articles.formats.record import LIST_MARKS
from articles.model import Article, Author, Link, Media, Section, Source, Tag, article_to_dict

SEOUL = ZoneInfo("Asia/Seoul")
WHERE = "seed.json: record 3"
# Letters and digits a label keeps as written: ASCII and Hangul syllables.
WORD = st.one_of(
    st.characters(min_codepoint=0x61, max_codepoint=0x7A),
    st.characters(min_codepoint=0x30, max_codepoint=0x39),
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
)


def parse(**fields: Any) -> Article:
    record = {"id": "a1", "title": "제목", "published": "2025-07-30", **fields}
    return article_from_mapping(record, where=WHERE, zone=SEOUL, default_language="ko")


def rejection(**fields: Any) -> InvalidArticle:
    with pytest.raises(InvalidArticle) as caught:
        parse(**fields)
    return caught.value


def test_minimal_record_gets_documented_defaults() -> None:
    article = parse()
    assert article.updated == article.published
    assert article.published.isoformat() == "2025-07-30T00:00:00+09:00"
    assert article.language == "ko"
    assert article.status == "published"
    assert article.slug == "jemog"  # from the title
    assert article.reading_time == 1
    assert (article.url, article.guid, article.section, article.image) == (None, None, None, None)


def test_article_to_dict_output_reads_back_unchanged(seed_article: Article) -> None:
    again = article_from_mapping(
        article_to_dict(seed_article), where=WHERE, zone=SEOUL, default_language="en"
    )
    assert again == seed_article


def test_record_with_guid_keeps_it() -> None:
    assert parse(guid="tag:feeds.example.org,2025:article/a1").guid == (
        "tag:feeds.example.org,2025:article/a1"
    )


def test_body_as_list_of_paragraphs_becomes_escaped_p_elements() -> None:
    article = parse(body=["첫 문단 <b>", "둘째 & 셋째"])
    assert article.body_html == "<p>첫 문단 &lt;b&gt;</p><p>둘째 &amp; 셋째</p>"


def test_body_as_plain_text_splits_paragraphs_on_blank_lines() -> None:
    article = parse(body="one\n\ntwo\nlines")
    assert article.body_html == "<p>one</p><p>two<br>lines</p>"


def test_body_markdown_is_rendered_and_raw_html_in_it_is_not_trusted() -> None:
    article = parse(body_markdown="# T\n\n*em* [a](x.html) <script>x</script>")
    assert "<em>em</em>" in article.body_html
    assert 'href="/articles/x.html"' in article.body_html
    assert "<script>" not in article.body_html


def test_only_one_body_field_is_allowed() -> None:
    error = rejection(body_html="<p>a</p>", body="b")
    assert error.field == "body"
    assert "give only one of body_html, body" in error.reason


def test_body_links_resolve_against_the_article_url() -> None:
    article = parse(url="https://news.example.com/2025/a1", body_html='<a href="b">b</a>')
    assert 'href="https://news.example.com/2025/b"' in article.body_html


def test_body_links_without_article_url_resolve_against_the_article_page() -> None:
    article = parse(body_html='<a href="../x">x</a><img src="y.png">')
    assert 'href="/x"' in article.body_html
    assert 'src="/articles/y.png"' in article.body_html


def test_base_url_makes_body_links_of_site_articles_absolute() -> None:
    article = article_from_mapping(
        {"id": "a1", "title": "t", "published": "2025-07-30", "body_html": '<a href="x">x</a>'},
        where=WHERE,
        zone=SEOUL,
        default_language="ko",
        base_url="https://news.example.com/",
    )
    assert 'href="https://news.example.com/articles/x"' in article.body_html


def test_section_as_label_gets_a_derived_slug() -> None:
    assert parse(section="아시아").section == Section(slug="asia", label="아시아")
    assert parse(section={"slug": "asia"}).section == Section(slug="asia", label="asia")


def test_tags_accept_strings_and_objects_and_drop_repeats() -> None:
    # A repeat is another spelling of one label (case, width, spaces); different labels stay
    # apart even when their slugs agree (the store's slug registry gives them their own).
    article = parse(
        tags=["외교", {"slug": "japan", "label": "일본"}, "Japan", " 외교", "JAPAN", "ｊａｐａｎ"]
    )
    assert article.tags == (Tag("oegyo", "외교"), Tag("japan", "일본"), Tag("japan", "Japan"))


@given(
    left=st.text(WORD, min_size=1, max_size=8),
    right=st.text(WORD, min_size=1, max_size=8),
    mark=st.sampled_from(LIST_MARKS),
    space=st.sampled_from(["", " "]),
)
@example(left="politics", right="korea", mark=",", space=" ")
def test_one_tag_text_holding_a_list_separator_is_refused_as_a_list_written_flat(
    left: str, right: str, mark: str, space: str
) -> None:
    """`tags: politics, korea` in Markdown front matter (YAML's one text), or `"tags": "a,b"`,
    was stored as the one tag `politics, korea` (`a-b`), where a list was meant. One text that
    holds a comma or semicolon (or their ideographic and full-width forms) is refused, saying
    to give a list; a list of one keeps such a label as one tag, and one text without them is
    still a list of one."""
    text = f"{left}{mark}{space}{right}"
    refused = rejection(tags=text)
    assert refused.field == "tags"
    assert f"holding {mark!r}" in refused.reason and "give a list" in refused.reason
    assert parse(tags=[text]).tags[0].label == text
    assert [t.label for t in parse(tags=[left, right]).tags] in ([left, right], [left])
    assert parse(tags=left).tags[0].label == left


def test_front_matter_tags_written_as_one_line_are_refused_naming_the_field() -> None:
    text = "---\nid: md5\ntitle: t\npublished: 2025-07-30\ntags: politics, korea\n---\nbody\n"
    with pytest.raises(InvalidArticle) as caught:
        article_from_markdown(text, where="story.md", zone=SEOUL, default_language="ko")
    assert caught.value.field == "tags"
    assert "'politics, korea' is one text holding ','" in str(caught.value)
    listed = text.replace("politics, korea", "[politics, korea]")
    article = article_from_markdown(listed, where="story.md", zone=SEOUL, default_language="ko")
    assert [t.label for t in article.tags] == ["politics", "korea"]


def test_authors_accept_names_and_objects() -> None:
    article = parse(authors=["조 기자", {"name": "Kim", "email": "kim@example.org"}])
    assert article.authors == (
        Author(name="조 기자", slug="jo-gija"),
        Author(name="Kim", slug="kim", email="kim@example.org"),
    )


@pytest.mark.parametrize("value", ["AA", "출처:AA", "출처 : AA", {"name": "AA"}])
def test_source_accepts_a_credit_line(value: object) -> None:
    assert parse(source=value).source == Source(name="AA", slug="aa")


def test_related_links_and_media() -> None:
    article = parse(
        related=["/articles/a0", {"url": "https://example.org/x", "title": "X"}],
        media=[{"url": "https://cdn.example.org/a.mp3", "length": 4096, "type": "audio/mpeg"}],
    )
    assert article.related == (Link("/articles/a0"), Link("https://example.org/x", "X"))
    assert article.media == (Media("https://cdn.example.org/a.mp3", 4096, "audio/mpeg"),)


def test_korean_iri_and_site_relative_urls_are_accepted() -> None:
    article = parse(url="https://news.example.com/기사/조현", image={"url": "/samples/x.png"})
    assert article.url == "https://news.example.com/기사/조현"
    assert article.image is not None and article.image.url == "/samples/x.png"


@pytest.mark.parametrize(
    ("given", "kept"), [("ko-kr", "ko-KR"), ("ZH-hant", "zh-Hant"), ("en", "en")]
)
def test_language_tags_are_checked_and_put_in_canonical_case(given: str, kept: str) -> None:
    assert parse(language=given).language == kept


def test_text_fields_are_cleaned_and_white_space_collapsed() -> None:
    article = parse(title="  a\x00b \n\t c\ud800 ", summary="e\u0301")
    assert article.title == "ab c"
    assert article.summary == "\u00e9"


def test_record_reading_time_wins_over_computation() -> None:
    assert parse(body=["가" * 5000], reading_time=4).reading_time == 4
    assert parse(body=["가" * 5000]).reading_time == 10


def test_extension_fields_are_ignored() -> None:
    assert parse(**{"x-cms-id": 17, "$schema": "../docs/record.schema.json"}).id == "a1"


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"id": None}, "id", "required, but missing"),
        ({"id": ""}, "id", "required, but empty"),
        ({"id": "a b"}, "id", "contains white space"),
        ({"id": "x" * 201}, "id", "at most 200"),
        ({"title": "   "}, "title", "required, but empty"),
        ({"title": 5}, "title", "expected text, got a number (5)"),
        ({"published": None}, "published", "required, but missing"),
        ({"published": "2025/13/45"}, "published", "cannot read '2025/13/45' as a date"),
        ({"updated": "2025-07-29"}, "updated", "earlier than published"),
        ({"language": "korean"}, "language", "not a BCP 47 language tag"),
        ({"status": "live"}, "status", "expected one of published, draft, withheld"),
        ({"url": "ftp://example.org/a"}, "url", "absolute http(s) URL"),
        ({"url": "example.org/a"}, "url", "absolute http(s) URL"),
        ({"url": "https://a b.example/a"}, "url", "contains white space"),  # in the host
        ({"slug": "Not A Slug"}, "slug", "is not a slug"),
        ({"publishd": "2025"}, "publishd", "did you mean 'published'?"),
        ({"colour": "red"}, "colour", "must start with 'x-'"),
        ({"section": {"slug": "a", "name": "b"}}, "section.name", "unknown field"),
        ({"section": 3}, "section", "expected a label or an object"),
        ({"tags": 3}, "tags", "expected a list"),
        ({"tags": [None]}, "tags[0]", "expected a label"),
        ({"authors": [{"name": "K", "email": "nope"}]}, "authors[0].email", "not an e-mail"),
        ({"image": {"alt": "x"}}, "image.url", "required, but missing"),
        ({"image": {"url": "/a.png", "width": 0}}, "image.width", "outside 1 to"),
        ({"media": [{"url": "/a.mp3", "length": -1, "type": "audio/mpeg"}]}, "media[0].length",
         "outside 0 to"),
        ({"media": [{"url": "/a.mp3", "length": "12", "type": "audio/mpeg"}]}, "media[0].length",
         "expected a whole number"),
        ({"media": [{"url": "/a.mp3", "length": True, "type": "audio/mpeg"}]}, "media[0].length",
         "expected a whole number"),
        ({"media": [{"url": "/a.mp3", "type": "audio/mpeg"}]}, "media[0].length", "required"),
        ({"media": [{"url": "/a.mp3", "length": 1, "type": "mp3"}]}, "media[0].type",
         "not a MIME type"),
        ({"reading_time": 0}, "reading_time", "outside 1 to"),
        ({"body": {"p": 1}}, "body", "expected text or a list of paragraphs"),
        ({"body_html": "x" * 1_000_001}, "body_html", "at most 1,000,000"),
        ({"guid": "not a uri"}, "guid", "expected a URI"),
    ],
)  # fmt: skip
def test_bad_fields_are_rejected_naming_record_field_and_problem(
    fields: dict[str, Any], field: str, reason: str
) -> None:
    error = rejection(**fields)
    assert error.where == WHERE
    assert error.field == field
    assert reason in error.reason
    assert str(error).startswith(f"{WHERE}: {field}: ")


def test_record_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(InvalidArticle, match="expected a JSON object, got a list"):
        article_from_mapping([], where=WHERE, zone=SEOUL, default_language="ko")


def test_integer_ids_are_read_as_text() -> None:
    assert parse(id=12345).id == "12345"


def test_offsets_in_the_record_are_kept() -> None:
    article = parse(published="2025-07-30T09:00:00+02:00")
    assert article.published.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("days_before", [1, 400])
def test_an_updated_before_published_is_advised_to_fix_the_time_not_to_embargo(
    days_before: int,
) -> None:
    # The version time is wrong (often swapped with `published`); an embargo is not the fix.
    published = datetime(2026, 11, 30, 10, tzinfo=timezone(timedelta(hours=9)))
    problem = rejection(
        published=published.isoformat(),
        updated=(published - timedelta(days=days_before)).isoformat(),
    )
    assert problem.field == "updated"
    assert "earlier than published" in problem.reason
    assert "embargo" not in problem.reason
    assert "swapped" in problem.reason and "leave `updated` out" in problem.reason
