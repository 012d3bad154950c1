"""The validator's media and podcast-episode fields: attachments, durations, episodes.

Each reader takes the `RecordBuilder` of the record at hand, for its checks and messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from articles.formats.messages import kind, show
from articles.model import EPISODE_TYPES, Episode, Media, is_episode_media

if TYPE_CHECKING:
    from articles.formats.record import RecordBuilder

# The longest media duration taken, in seconds (a week: a stream's recording, not a typo).
MAX_DURATION = 7 * 24 * 3600
# A duration as text: seconds, MM:SS or H:MM:SS (Apple's itunes:duration forms), the
# seconds with a fraction as tools write them (`312.345`, `1:02:03.5`); the first field
# takes any size (`75:30` is 75 minutes, `25:00:00` a day and an hour).
# Digits are ASCII: `\d` and int() would read any script's (`٣٠` as 30).
_DURATION = re.compile(r"^(?:(?:([0-9]+):)?([0-9]+):)?([0-9]+(?:\.[0-9]+)?)$")
# Longer text is no duration of a week or less (and Python's int() refuses 4,300 digits).
_DURATION_TEXT_MAX = 32
# ISO 8601 durations of time, as schema.org writes them (`PT4M`, `PT3M30S`, `PT1H`, `P1DT2H`).
_ISO_DURATION = re.compile(
    r"P(?:(?P<d>[0-9]+)D)?(?:T(?=[0-9])(?:(?P<h>[0-9]+)H)?(?:(?P<m>[0-9]+)M)?"
    r"(?:(?P<s>[0-9]+(?:[.,][0-9]+)?)S)?)?",
    re.IGNORECASE,
)
# Transcript types by file extension, for records that give a transcript URL without a type
# (Podcasting 2.0's podcast:transcript requires one).
TRANSCRIPT_TYPES: dict[str, str] = {
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
}


def iso_duration_seconds(text: str) -> float | None:
    """The seconds of an ISO 8601 duration of days, hours, minutes and seconds (`PT3M30S` is
    210.0), or None when the text is not one (years and months have no fixed length, and
    ISO 8601 writes its numbers in ASCII digits)."""
    match = _ISO_DURATION.fullmatch(text.strip())
    if match is None or not any(match.groupdict().values()):
        return None
    seconds = float((match["s"] or "0").replace(",", "."))
    hours = int(match["d"] or 0) * 24 + int(match["h"] or 0)
    return hours * 3600 + int(match["m"] or 0) * 60 + seconds


def read_media(b: RecordBuilder, value: object) -> tuple[Media, ...]:
    """Attachments: each with its URL, its exact size in bytes (at least 1: podcast apps
    and Apple refuse a zero or missing length), MIME type, optional duration and title."""
    items = []
    for i, item in enumerate(b.listed(value, "media")):
        field = f"media[{i}]"
        if not isinstance(item, Mapping):
            raise b.fail(field, f"expected an object with url, length, type, got {kind(item)}")
        b.only(item, field, "media")
        if item.get("length") is None:
            raise b.fail(f"{field}.length", "required (the size in bytes), but missing")
        length = b.integer(item["length"], f"{field}.length", 0, 2**53)
        if length == 0:
            raise b.fail(
                f"{field}.length",
                "0 is not a size: give the file's exact size in bytes (podcast apps and "
                "Apple Podcasts refuse an enclosure of length 0)",
            )
        items.append(
            Media(
                url=b.url(item.get("url"), f"{field}.url", required=True) or "",
                length=length,
                type=b.mime(item.get("type"), f"{field}.type", required=True) or "",
                duration=read_duration(b, item.get("duration"), f"{field}.duration"),
                title=b.text(
                    item.get("title"), f"{field}.title", limit=b.max_title_length, no_markup=True
                ),
            )
        )
    return tuple(items)


def read_duration(b: RecordBuilder, value: object, field: str) -> int | None:
    """Whole seconds (fractions rounded) of a number, or of text as seconds, MM:SS or
    H:MM:SS (each with a fraction of a second or not) or an ISO 8601 duration.

    A duration that rounds to zero seconds is read as not given (None): it says nothing of
    the file, and a feed must not tell players the episode lasts 0:00.
    """
    if value is None:
        return None
    seconds: float
    if isinstance(value, bool):
        raise b.fail(field, f"expected seconds or HH:MM:SS, got {kind(value)}")
    if isinstance(value, int | float):
        if value != value or value < 0:  # NaN or negative
            raise b.fail(field, f"expected seconds or HH:MM:SS, got {kind(value)}")
        seconds = value
    elif isinstance(value, str) and len(value.strip()) > _DURATION_TEXT_MAX:
        raise b.fail(field, f"{show(value)} is no duration of a week or less")
    elif isinstance(value, str) and (iso := iso_duration_seconds(value)) is not None:
        seconds = iso  # `PT30M30S`, as schema.org's duration
    elif isinstance(value, str):
        match = _DURATION.match(value.strip())
        if match is None:
            other_digits = any(c.isdigit() and not c.isascii() for c in value)
            raise b.fail(
                field,
                "expected a number of seconds, MM:SS, HH:MM:SS or an ISO 8601 duration "
                "(e.g. 1830, 30:30, 00:30:30 or PT30M30S), "
                f"got {show(value)}" + ("; write its digits as ASCII 0-9" if other_digits else ""),
            )
        hours, minutes, secs = match.groups()
        if hours is not None and int(minutes) > 59:
            raise b.fail(
                field, f"{show(value)}: minutes after the hours of HH:MM:SS must be 0 to 59"
            )
        if minutes is not None and float(secs) >= 60:
            raise b.fail(field, f"{show(value)}: seconds after a ':' must be 0 to 59")
        seconds = int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(secs)
    else:
        raise b.fail(field, f"expected seconds or HH:MM:SS, got {kind(value)}")
    if seconds > MAX_DURATION:
        raise b.fail(field, f"{value} seconds is longer than a week ({MAX_DURATION})")
    return round(seconds) or None


def read_episode(b: RecordBuilder, value: object, media: tuple[Media, ...]) -> Episode | None:
    """The podcast episode's numbers, type, explicit flag, transcript and chapters.

    An episode needs something a podcast app plays: at least one audio or video medium.
    """
    if value is None:
        return None
    field = "episode"
    if not isinstance(value, Mapping):
        raise b.fail(field, f"expected an object, got {kind(value)}")
    b.only(value, field, "episode")
    if not media:
        raise b.fail(
            "media",
            "an episode needs its audio or video: give media with url, length and type",
        )
    if not any(is_episode_media(m) for m in media):
        raise b.fail(
            "media[0].type",
            f"{show(media[0].type)} is not audio or video; an episode's media must be "
            "one a podcast app plays (audio/... or video/...)",
        )
    episode_type = value.get("type")
    if episode_type is None:  # null is absent, as for every optional member
        episode_type = "full"
    if episode_type not in EPISODE_TYPES:
        raise b.fail(
            f"{field}.type",
            f"expected one of {', '.join(EPISODE_TYPES)}, got {show(episode_type)}",
        )
    explicit = value.get("explicit")
    if explicit is not None and not isinstance(explicit, bool):
        raise b.fail(f"{field}.explicit", f"expected true or false, got {kind(explicit)}")
    transcript_url = b.url(value.get("transcript_url"), f"{field}.transcript_url")
    transcript_type = b.mime(value.get("transcript_type"), f"{field}.transcript_type")
    if transcript_url and not transcript_type:
        path = urlsplit(transcript_url).path.lower()
        transcript_type = next(
            (t for ext, t in TRANSCRIPT_TYPES.items() if path.endswith(ext)), None
        )
        if transcript_type is None:
            raise b.fail(
                f"{field}.transcript_type",
                "required with a transcript_url whose type its name does not tell "
                "(text/vtt, application/x-subrip, application/json, text/html)",
            )
    if transcript_type and not transcript_url:
        raise b.fail(f"{field}.transcript_type", "given without a transcript_url")
    return Episode(
        season=b.optional_integer(value.get("season"), f"{field}.season", 1, 10**6),
        number=b.optional_integer(value.get("number"), f"{field}.number", 1, 10**7),
        type=episode_type,
        explicit=explicit,
        transcript_url=transcript_url,
        transcript_type=transcript_type,
        chapters_url=b.url(value.get("chapters_url"), f"{field}.chapters_url"),
    )
