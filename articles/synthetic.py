"""Deterministic synthetic articles for tests and benchmarks, clearly labelled as such.

`generate(n, seed=s)` yields the same `n` articles for the same `(n, seed)` on every machine and
Python version that keeps `random.Random`'s documented sequence. The mix imitates the newsroom
the product was made for: about 60% Korean and 40% English, eight sections, 0-4 tags from a
vocabulary of about 200, one or two bylines from a pool of 50, agency credit lines, HTML bodies
of 3-8 KB, some lead images and a few audio/video attachments, and publish times spread over
about three years, oldest first.

Nothing here can pass for real news: every id starts with `synthetic-`, every summary starts
with `[synthetic]`, every URL is under `synthetic.example` and `rights` is "Synthetic test data".

Statuses are fixed by position so tests can count on them: numbering from 1, articles 50, 250,
450, ... are drafts, 150, 350, 550, ... are withheld, and all others are published (1% drafts,
0.5% withheld).

Command line, streaming our JSON record format as JSON Lines in constant memory::

    python -m articles.synthetic 100000 --seed 1 > corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import IO

from anyascii import anyascii

from articles.ids import mint_guid
from articles.model import (
    Article,
    Author,
    Image,
    Link,
    Media,
    Section,
    Source,
    Status,
    Tag,
    article_to_dict,
)
from articles.synthetic_words import (
    ENGLISH_FIRST,
    ENGLISH_LAST,
    ENGLISH_WORDS,
    KOREAN_ENDINGS,
    KOREAN_GIVEN,
    KOREAN_SURNAMES,
    KOREAN_WORDS,
    SECTION_WEIGHTS,
    SECTIONS,
    SOURCE_WEIGHTS,
    SOURCES,
    TOPICS,
)

__all__ = ["DEFAULT_START", "SYNTHETIC_RIGHTS", "generate", "main", "status_for", "write_jsonl"]

SYNTHETIC_RIGHTS = "Synthetic test data"
SYNTHETIC_MARK = "[synthetic]"
BASE_URL = "https://synthetic.example"
TAG_AUTHORITY = "synthetic.example,2025"
# A fixed default keeps the corpus identical whatever day it is generated; the newest article of
# a default corpus is about three years after this, still in the past for any real `now`.
DEFAULT_START = datetime(2022, 8, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)

KST = timezone(timedelta(hours=9), "KST")

# How many sentences each language pool holds; bodies are drawn from these pools, which keeps
# generation fast enough for a million articles while every body is still different.
SENTENCE_POOL = 3000


def _slug(text: str) -> str:
    """An ASCII URL slug (romanising Hangul), as `articles.text` would make one."""
    return re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")


def _tags() -> tuple[tuple[Tag, ...], tuple[Tag, ...]]:
    english = tuple(Tag(slug=_slug(en), label=en) for en, _ in TOPICS)
    # Korean tags get their own romanised slugs so the two vocabularies never share a facet.
    korean = tuple(Tag(slug=f"ko-{_slug(ko)}", label=ko) for _, ko in TOPICS)
    return english, korean


def _authors() -> tuple[tuple[Author, ...], tuple[Author, ...]]:
    korean: list[Author] = []
    for index, given in enumerate(KOREAN_GIVEN):
        surname = KOREAN_SURNAMES[index % len(KOREAN_SURNAMES)]
        name = surname + given
        slug = _slug(f"{surname} {given}")
        korean.append(Author(name=name, slug=slug, uri=f"{BASE_URL}/authors/{slug}"))
    english: list[Author] = []
    for index, first in enumerate(ENGLISH_FIRST):
        name = f"{first} {ENGLISH_LAST[index]}"
        slug = _slug(name)
        email = f"{slug}@synthetic.example" if index % 3 == 0 else None
        english.append(Author(name=name, slug=slug, uri=f"{BASE_URL}/authors/{slug}", email=email))
    return tuple(english), tuple(korean)


ENGLISH_TAGS, KOREAN_TAGS = _tags()
ENGLISH_AUTHORS, KOREAN_AUTHORS = _authors()


def status_for(number: int) -> Status:
    """The status of the article numbered `number` (from 1): fixed by position, see above."""
    if number % 200 == 150:
        return "withheld"
    if number % 100 == 50:
        return "draft"
    return "published"


class _Writer:
    """The sentence pools and the per-language shapes of one generation run."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.korean = [self._korean_sentence() for _ in range(SENTENCE_POOL)]
        self.english = [self._english_sentence() for _ in range(SENTENCE_POOL)]
        # UTF-8 sizes, so a body can be filled to a byte target without encoding it.
        self.korean_bytes = [len(s.encode()) + 1 for s in self.korean]
        self.english_bytes = [len(s.encode()) + 1 for s in self.english]

    def _korean_sentence(self) -> str:
        words = self.rng.choices(KOREAN_WORDS, k=self.rng.randint(6, 14))
        return " ".join(words) + " " + self.rng.choice(KOREAN_ENDINGS)

    def _english_sentence(self) -> str:
        words = self.rng.choices(ENGLISH_WORDS, k=self.rng.randint(8, 20))
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def body(self, korean: bool, target: int, number: int) -> tuple[str, int]:
        """HTML paragraphs of about `target` UTF-8 bytes, and the number of words in them."""
        rng = self.rng
        pool = self.korean if korean else self.english
        sizes = self.korean_bytes if korean else self.english_bytes
        paragraphs: list[str] = []
        size = 0
        words = 0
        while size < target:
            picks = rng.choices(range(SENTENCE_POOL), k=rng.randint(2, 5))
            text = " ".join(pool[i] for i in picks)
            size += sum(sizes[i] for i in picks) + 7  # the <p></p> around it
            words += text.count(" ") + 1
            paragraphs.append(f"<p>{text}</p>")
        if number % 5 == 0:
            # Some bodies carry inline markup and an absolute link, as real ones do; `rel` is
            # written as the sanitiser writes it, so the record is already in canonical form.
            label = "관련 기사" if korean else "Related story"
            paragraphs.insert(
                len(paragraphs) // 2,
                f'<p><strong>{label}:</strong> <a href="{BASE_URL}/story/{number - 1}" '
                f'rel="noopener noreferrer">'
                f"{BASE_URL}/story/{number - 1}</a></p>",
            )
        return "\n".join(paragraphs), words

    def headline(self, korean: bool) -> str:
        rng = self.rng
        if korean:
            return " ".join(rng.choices(KOREAN_WORDS, k=rng.randint(5, 9)))
        words = rng.choices(ENGLISH_WORDS, k=rng.randint(6, 12))
        return " ".join(w.capitalize() if len(w) > 3 else w for w in words)

    def summary(self, korean: bool) -> str:
        pool = self.korean if korean else self.english
        return f"{SYNTHETIC_MARK} {self.rng.choice(pool)}"


def generate(n: int, *, seed: int = 0, start: datetime | None = None) -> Iterator[Article]:
    """Yield `n` synthetic articles, oldest first; the same `n`, `seed` and `start` give the same.

    `start` (aware) is the earliest publish time; the rest follow over about three years. Ids
    are `synthetic-000001` upwards; guids are minted under the `synthetic.example,2025`
    authority.
    """
    if n < 0:
        raise ValueError(f"n: must be zero or more, got {n}")
    first = DEFAULT_START if start is None else start
    if first.tzinfo is None or first.utcoffset() is None:
        raise ValueError(f"start: must be time-zone aware, got {first.isoformat()}")
    rng = random.Random(seed)
    writer = _Writer(rng)
    mint = partial(mint_guid, TAG_AUTHORITY)
    step = SPAN / max(n, 1)
    for index in range(n):
        yield _article(index + 1, writer, mint, first + step * index, step)


def _article(
    number: int,
    writer: _Writer,
    mint: Callable[[str], str],
    slot: datetime,
    step: timedelta,
) -> Article:
    rng = writer.rng
    korean = rng.random() < 0.6
    article_id = f"synthetic-{number:06d}"
    section_slug, section_ko, section_en = rng.choices(SECTIONS, weights=SECTION_WEIGHTS)[0]
    section = Section(slug=section_slug, label=section_ko if korean else section_en)
    tag_pool = KOREAN_TAGS if korean else ENGLISH_TAGS
    tags = tuple(rng.sample(tag_pool, rng.randint(0, 4)))
    # Mostly same-language bylines, with the occasional co-written or translated story.
    home, away = (KOREAN_AUTHORS, ENGLISH_AUTHORS) if korean else (ENGLISH_AUTHORS, KOREAN_AUTHORS)
    authors: tuple[Author, ...] = (rng.choice(home),)
    if rng.random() < 0.2:
        second = rng.choice(away if rng.random() < 0.3 else home)
        if second != authors[0]:
            authors += (second,)
    source_name, source_slug, source_url = rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0]
    source = Source(name=source_name, slug=source_slug, url=source_url)

    # Strictly increasing publish times (jitter inside the slot), shown in each language's zone.
    jitter = step * rng.random() * 0.9
    published = (slot + jitter).replace(microsecond=0).astimezone(KST if korean else UTC)
    updated = published
    if rng.random() < 0.3:
        updated = published + timedelta(minutes=rng.randint(1, 60 * 24 * 7))

    title = writer.headline(korean)
    body_html, words = writer.body(korean, rng.randint(3000, 8000), number)
    # About 180 Korean or 230 English words a minute.
    reading_time = max(1, round(words / (180 if korean else 230)))
    language = "ko" if korean else "en"
    slug = f"{section_slug}-{number:06d}"

    image = None
    if rng.random() < 0.5:
        image = Image(
            url=f"{BASE_URL}/images/{article_id}.jpg",
            alt="합성 사진" if korean else "Synthetic photo",
            caption=f"{SYNTHETIC_MARK} {title[:60].rstrip()}",
            width=1200,
            height=675,
            type="image/jpeg",
        )
    media: tuple[Media, ...] = ()
    if rng.random() < 0.05:
        duration = rng.randint(60, 1800)
        if rng.random() < 0.7:
            media = (
                Media(
                    url=f"{BASE_URL}/media/{article_id}.mp3",
                    length=duration * 16_000,
                    type="audio/mpeg",
                    duration=duration,
                    title="오디오" if korean else "Audio",
                ),
            )
        else:
            media = (
                Media(
                    url=f"{BASE_URL}/media/{article_id}.mp4",
                    length=duration * 250_000,
                    type="video/mp4",
                    duration=duration,
                    title="영상" if korean else "Video",
                ),
            )
    related: tuple[Link, ...] = ()
    if number > 1 and rng.random() < 0.3:
        other = rng.randint(1, number - 1)
        related = (Link(url=f"{BASE_URL}/{language}/story/{other}", title=writer.headline(korean)),)

    return Article(
        id=article_id,
        guid=mint(article_id),
        slug=slug,
        # A fifth of the stories live only on this site (no external canonical URL).
        url=None if number % 5 == 3 else f"{BASE_URL}/{language}/{section_slug}/{slug}",
        title=title,
        summary=writer.summary(korean),
        body_html=body_html,
        published=published,
        updated=updated,
        language=language,
        status=status_for(number),
        section=section,
        tags=tags,
        authors=authors,
        image=image,
        related=related,
        source=source,
        media=media,
        rights=SYNTHETIC_RIGHTS,
        reading_time=reading_time,
    )


def write_jsonl(
    path: str | Path | IO[str], n: int, seed: int = 0, *, start: datetime | None = None
) -> int:
    """Write `n` synthetic records as JSON Lines to a path or an open text stream; return `n`.

    Streams one record at a time, so memory stays flat for a million records.
    """
    if isinstance(path, str | Path):
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            return _write(fh, n, seed, start)
    return _write(path, n, seed, start)


def _write(out: IO[str], n: int, seed: int, start: datetime | None) -> int:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    for article in generate(n, seed=seed, start=start):
        out.write(dumps(article_to_dict(article)))
        out.write("\n")
        count += 1
    return count


def _parse_start(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"needs a time zone, e.g. {text}+00:00")
    return value


def main(argv: list[str] | None = None) -> int:
    """`python -m articles.synthetic N [--seed S] [--start ISO] [-o FILE]`."""
    parser = argparse.ArgumentParser(
        prog="python -m articles.synthetic",
        description="Write N synthetic (clearly labelled) article records as JSON Lines.",
        epilog="example: python -m articles.synthetic 100000 --seed 1 > corpus.jsonl",
    )
    parser.add_argument("n", type=int, help="how many records")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--start",
        type=_parse_start,
        default=None,
        help=f"earliest publish time, ISO 8601 with zone (default {DEFAULT_START.isoformat()})",
    )
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error(f"n: must be zero or more, got {args.n}")
    try:
        if args.output:
            write_jsonl(args.output, args.n, args.seed, start=args.start)
        else:
            write_jsonl(sys.stdout, args.n, args.seed, start=args.start)
    except BrokenPipeError:
        # `... | head` closes the pipe early; that is the reader's choice, not an error.
        sys.stderr.close()
        return 0
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
