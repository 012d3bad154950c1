"""The words a date may hold: times of day before a 12-hour clock's hour, and weekday names.

`DAY_PERIODS` says which hours each word for a time of day covers (`hour_in_period` picks the
hour it names); the weekday tables let a reader check that a weekday the text gives is the
date's own (RFC 5322 3.3).
"""

from __future__ import annotations

import re

# Words for the time of day before an hour on a 12-hour clock, each with the hours (on a
# 24-hour clock, from and before) it covers: of the two times an hour names (3 is 03:00 and
# 15:00), the word picks the one it covers. a.m. and p.m. (오전/오후, 午前/午後, 上午/下午, AM/PM)
# are half the day each; the others are Korean (새벽 dawn, 아침 morning, 낮 daytime, 저녁
# evening, 밤 night), Chinese (凌晨, 早上, 早晨, 清晨, 中午, 傍晚, 晚上) and Japanese (未明, 朝, 昼,
# 夕方, 夜). An hour the word does not cover (`밤 3시`, `저녁 12시`: which day's night?) is
# refused, as is a word not here (`深夜`), and a 24-hour clock's hour after any of them.
_AM, _PM = (0, 12), (12, 24)
DAY_PERIODS: dict[str, tuple[int, int]] = {
    "오전": _AM, "午前": _AM, "上午": _AM, "AM": _AM,
    "오후": _PM, "午後": _PM, "下午": _PM, "PM": _PM,
    "새벽": (0, 7), "凌晨": (0, 7), "未明": (0, 7),
    "아침": (5, 12), "早上": (5, 12), "早晨": (5, 12), "清晨": (5, 12), "朝": (5, 12),
    "낮": (11, 18), "昼": (11, 18), "中午": (11, 14),
    "저녁": (16, 24), "傍晚": (16, 24), "夕方": (16, 24),
    "밤": (18, 24), "晚上": (18, 24), "夜": (18, 24),
}  # fmt: skip
# Weekday names in English (RFC 822's and in full), which a date may give beside the day.
ENGLISH_WEEKDAY = re.compile(
    r"(?<![A-Za-z])(?P<name>mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)(?![A-Za-z])",
    re.IGNORECASE,
)
# Monday is 0, as `datetime.weekday` counts.
WEEKDAY_NUMBERS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6,
    "月": 0, "火": 1, "水": 2, "木": 3, "金": 4, "土": 5, "日": 6,
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "天": 6,
}  # fmt: skip
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def hour_in_period(text: str, period: str, hour: int) -> int:
    """The hour on a 24-hour clock that `hour` (on a 12-hour clock) names in the time of day
    `period` (DAY_PERIODS); raises ValueError saying why when it names none.

    오전 12시 is midnight and 오후 12시 noon, as on a 12-hour clock; Japan's 午前0時 and 午後0時
    are the same two times.
    """
    word = period.replace(".", "").upper() if period.isascii() else period
    if word not in DAY_PERIODS:
        raise ValueError(
            f"cannot read {text!r} as a date: {period!r} is not a time of day this importer "
            f"knows (such as 오전, 오후, 밤, 午後, 下午, 晚上); give the time on a 24-hour clock"
        )
    start, end = DAY_PERIODS[word]
    if hour > 12:
        raise ValueError(
            f"cannot read {text!r} as a date: {hour} is an hour of a 24-hour clock, and {period} "
            "is said of one on a 12-hour clock; write one of the two"
        )
    named = [h for h in (hour % 12, hour % 12 + 12) if start <= h < end]
    if len(named) != 1:
        raise ValueError(
            f"cannot read {text!r} as a date: {period} is said of {start:02d}:00 to "
            f"{end:02d}:00, and {hour} o'clock is not in it; give the time on a 24-hour clock"
        )
    return named[0]


__all__ = [
    "DAY_PERIODS",
    "ENGLISH_WEEKDAY",
    "WEEKDAY_NAMES",
    "WEEKDAY_NUMBERS",
    "hour_in_period",
]
