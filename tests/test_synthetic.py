"""The synthetic corpus: deterministic, realistic in shape, and unmistakably synthetic."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from articles.formats import article_from_mapping
from articles.model import Article, article_from_dict, article_to_dict
from articles.synthetic import (
    SECTIONS,
    SYNTHETIC_RIGHTS,
    generate,
    main,
    status_for,
    write_jsonl,
)

N = 200


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return list(generate(N, seed=7))


def test_same_n_and_seed_give_identical_articles(corpus: list[Article]) -> None:
    assert list(generate(N, seed=7)) == corpus


def test_another_seed_gives_other_articles(corpus: list[Article]) -> None:
    other = list(generate(N, seed=8))
    assert [a.title for a in other] != [a.title for a in corpus]
    assert [a.id for a in other] == [a.id for a in corpus]


def test_generates_exactly_n_articles_with_sequential_synthetic_ids(
    corpus: list[Article],
) -> None:
    assert len(corpus) == N
    assert [a.id for a in corpus] == [f"synthetic-{i:06d}" for i in range(1, N + 1)]
    assert list(generate(0)) == []


def test_every_article_is_labelled_synthetic(corpus: list[Article]) -> None:
    for article in corpus:
        assert article.rights == SYNTHETIC_RIGHTS
        assert article.summary.startswith("[synthetic] ")
        assert article.guid == f"tag:synthetic.example,2025:article/{article.id}"
        for url in (article.url, article.image.url if article.image else None):
            assert url is None or url.startswith("https://synthetic.example/")


def test_mix_is_mostly_korean_with_english(corpus: list[Article]) -> None:
    languages = Counter(a.language for a in corpus)
    assert set(languages) == {"ko", "en"}
    assert 0.45 <= languages["ko"] / N <= 0.75


def test_section_labels_follow_the_article_language(corpus: list[Article]) -> None:
    labels = {slug: (ko, en) for slug, ko, en in SECTIONS}
    seen: set[str] = set()
    for article in corpus:
        assert article.section is not None
        ko, en = labels[article.section.slug]
        assert article.section.label == (ko if article.language == "ko" else en)
        seen.add(article.section.slug)
    assert seen == set(labels)


def test_tags_and_authors_come_from_bounded_pools(corpus: list[Article]) -> None:
    tag_slugs: set[str] = set()
    author_slugs: set[str] = set()
    for article in corpus:
        assert 0 <= len(article.tags) <= 4
        assert len({t.slug for t in article.tags}) == len(article.tags)
        assert 1 <= len(article.authors) <= 2
        assert all(t.slug.isascii() and t.slug == t.slug.lower() for t in article.tags)
        if article.language == "ko":
            assert all(t.slug.startswith("ko-") for t in article.tags)
        tag_slugs.update(t.slug for t in article.tags)
        author_slugs.update(a.slug for a in article.authors)
    assert 80 <= len(tag_slugs) <= 210
    assert 20 <= len(author_slugs) <= 50
    assert {len(a.tags) for a in corpus} == {0, 1, 2, 3, 4}


def test_korean_articles_are_written_in_hangul(corpus: list[Article]) -> None:
    for article in corpus:
        hangul = sum("가" <= ch <= "힣" for ch in article.body_html)
        if article.language == "ko":
            assert hangul > 500
        else:
            assert hangul == 0


def test_bodies_are_several_kilobytes_of_paragraphs(corpus: list[Article]) -> None:
    for article in corpus:
        size = len(article.body_html.encode())
        assert 3000 <= size <= 10_000, article.id
        assert article.body_html.startswith("<p>")
        assert article.body_html.endswith("</p>")
        assert article.reading_time >= 1


def test_publish_times_rise_over_about_three_years(corpus: list[Article]) -> None:
    published = [a.published for a in corpus]
    assert all(p.utcoffset() is not None for p in published)
    assert all(earlier < later for earlier, later in zip(published, published[1:], strict=False))
    span = published[-1] - published[0]
    assert timedelta(days=2 * 365) < span <= timedelta(days=3 * 365)
    assert all(a.updated >= a.published for a in corpus)
    assert any(a.updated > a.published for a in corpus)


def test_start_moves_the_whole_corpus() -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    articles = list(generate(5, start=start))
    assert articles[0].published >= start
    assert articles[-1].published < start + timedelta(days=3 * 365)


def test_naive_start_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="start: must be time-zone aware"):
        list(generate(1, start=datetime(2025, 1, 1)))


def test_statuses_are_fixed_by_position(corpus: list[Article]) -> None:
    statuses = {a.id: a.status for a in corpus}
    assert statuses["synthetic-000050"] == "draft"
    assert statuses["synthetic-000150"] == "withheld"
    assert Counter(statuses.values()) == {"published": N - 2, "draft": 1, "withheld": 1}
    assert [status_for(i) for i in range(1, N + 1)] == [a.status for a in corpus]


def test_some_articles_carry_images_media_and_related_links(corpus: list[Article]) -> None:
    with_image = [a for a in corpus if a.image]
    assert 0.3 * N <= len(with_image) <= 0.7 * N
    media = [m for a in corpus for m in a.media]
    assert media
    assert all(m.length > 0 and m.type in {"audio/mpeg", "video/mp4"} for m in media)
    assert any(a.related for a in corpus)
    assert any(a.url is None for a in corpus)


def test_jsonl_round_trips_through_the_record_format(corpus: list[Article]) -> None:
    out = io.StringIO()
    assert write_jsonl(out, N, seed=7) == N
    lines = out.getvalue().splitlines()
    assert len(lines) == N
    assert [article_from_dict(json.loads(line)) for line in lines] == corpus


def test_jsonl_keeps_hangul_readable(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    write_jsonl(path, 3, seed=0)
    text = path.read_text(encoding="utf-8")
    assert "\\u" not in text
    assert text.count("\n") == 3


def test_cli_writes_n_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["4", "--seed", "7"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [f"synthetic-{i:06d}" for i in range(1, 5)]


def test_cli_rejects_a_negative_count(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["-3"])
    assert exit_info.value.code == 2
    assert "n: must be zero or more" in capsys.readouterr().err


def test_records_pass_validation_unchanged(corpus: list[Article]) -> None:
    """Synthetic records are valid input and already in the form `articles.formats` produces."""
    for article in corpus:
        raw = json.loads(json.dumps(article_to_dict(article)))
        parsed = article_from_mapping(
            raw,
            where=f"synthetic record {article.id}",
            zone=ZoneInfo("Asia/Seoul"),
            default_language="ko",
        )
        assert parsed == article, article.id
