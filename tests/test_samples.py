"""The bundled samples: every part of the seed page has a home, and nothing is invented."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from zoneinfo import ZoneInfo

from articles.formats import read_records
from articles.model import Article, Image, Link, Section, Source
from articles.samples import IMAGES_DIR, SAMPLES_DIR, SEED_ID, sample_paths

SEOUL = ZoneInfo("Asia/Seoul")
SEED_PAGE = Path(__file__).resolve().parent / "data" / "seed"


def seed_lines() -> list[str]:
    (page,) = SEED_PAGE.glob("*.txt")
    return page.read_text(encoding="utf-8").split("\n")


def all_samples() -> list[Article]:
    articles = []
    for path in sample_paths():
        for parsed in read_records(path, zone=SEOUL, default_language="ko"):
            assert parsed.article is not None, str(parsed.error)
            articles.append(parsed.article)
    return articles


def test_sample_paths_exist_and_start_with_the_seed() -> None:
    paths = sample_paths()
    assert [p.name for p in paths] == ["seed.json", "related.json", "discover.json"]
    assert all(p.is_file() for p in paths)


def test_every_sample_record_parses_and_ids_are_unique() -> None:
    articles = all_samples()
    assert len(articles) == 22
    assert len({a.id for a in articles}) == 22
    assert articles[0].id == SEED_ID


def test_seed_record_carries_every_part_of_the_page(seed_article: Article) -> None:
    lines = seed_lines()
    assert seed_article.section == Section(slug="asia", label=lines[0])  # 아시아
    assert lines[1] == "4분 읽기" and seed_article.reading_time == 4
    assert seed_article.title == lines[2]
    assert seed_article.summary == lines[3]
    assert seed_article.image is not None and seed_article.image.caption == lines[5]
    assert seed_article.published.isoformat() == "2025-07-30T00:00:00+09:00"  # lines[6]
    assert seed_article.language == "ko" and seed_article.status == "published"
    assert seed_article.authors == ()  # the page names no author
    assert seed_article.source == Source(name="AA", slug="aa", url="https://www.aa.com.tr/")
    assert seed_article.url is None  # the page's own URL is not part of the seed


def test_seed_body_is_every_paragraph_of_the_page_in_order(seed_article: Article) -> None:
    lines = seed_lines()
    end = next(i for i, line in enumerate(lines) if line.startswith("관련"))
    paragraphs = [line for line in lines[7:end] if line.strip()]
    assert len(paragraphs) == 12
    expected = "".join(
        "<p>" + p.replace("&", "&amp;").replace("<", "&lt;") + "</p>" for p in paragraphs
    )
    assert seed_article.body_html == expected


def test_related_link_points_at_the_headline_only_related_record(seed_article: Article) -> None:
    (link,) = seed_article.related
    related_line = next(line for line in seed_lines() if line.startswith("관련"))
    assert link == Link(
        url="/articles/trt-ko-2025-07-cho-hyun-japan-us-visit", title=related_line[len("관련") :]
    )
    related = [a for a in all_samples() if f"/articles/{a.id}" == link.url]
    assert len(related) == 1
    assert related[0].title == "한국 외교부 장관, 동맹국과의 첫 회담을 위해 일본과 미국 방문"
    assert related[0].body_html == ""


def test_discover_records_are_the_twenty_headlines_with_distinct_placeholder_times() -> None:
    lines = seed_lines()
    headlines = [line for line in lines[lines.index("발견") + 1 :] if line.strip()]
    records = json.loads((SAMPLES_DIR / "discover.json").read_text(encoding="utf-8"))
    assert [r["title"] for r in records] == headlines
    assert len({r["published"] for r in records}) == 20
    assert all(r["published"].startswith("2025-07-29T") for r in records)
    assert all(set(r) == {"id", "title", "published", "language", "section"} for r in records)


def test_no_two_samples_share_a_timestamp() -> None:
    """Validators warn when two entries of one feed have the same atom:updated."""
    samples = all_samples()
    assert len({a.updated for a in samples}) == len(samples)


def test_seed_article_is_the_newest_sample(seed_article: Article) -> None:
    assert max(all_samples(), key=lambda a: a.published) == seed_article


def test_seed_image_is_the_bundled_placeholder_png_at_its_stated_size(
    seed_article: Article,
) -> None:
    image = seed_article.image
    assert image == Image(
        url="/samples/images/cho-hyun-tokyo.png",
        alt=image.alt if image else "",
        caption="조 장관은 취임 후 첫 해외 순방으로 일본과 미국을 방문 중이다.",
        width=1200,
        height=675,
        type="image/png",
    )
    assert image is not None and "자리 표시 이미지" in image.alt  # says it is a placeholder
    data = (IMAGES_DIR / "cho-hyun-tokyo.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 675)
    length = struct.unpack(">I", data[8:12])[0]
    assert (
        zlib.crc32(data[12 : 16 + length])
        == struct.unpack(">I", data[16 + length : 20 + length])[0]
    )


def test_no_sample_url_points_at_an_invented_remote_host() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in sample_paths())
    remote = {part.split('"')[0] for part in text.split('"https://')[1:]}
    assert remote == {"www.aa.com.tr/"}  # the agency's real homepage, and nothing else
