"""Korean, Japanese and Chinese dates, the year first.

`2025년 7월 30일 오후 3:20`, `2025. 7. 30. 오후 3:20`, `2025年7月30日 午後3時20分`,
`令和7年7月30日`, `2025年7月30日 下午3点`, and `2025.07.30 PM 03:20` as Korean sites write it;
the words for the time of day are read by `articles.dates.words`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from articles.dates.words import hour_in_period

# East Asian dates, the year first: `2025년 7월 30일`, `2025年7月30日`, `2025. 7. 30.` or
# `2025-07-30`, a Japanese era year (`令和7年`), optionally a weekday (`(수)`, `(水)`, `星期三`),
# then a time: `오후 3:20[:05]`, `15시 20분 [5초]`, `午後3時20分`, `下午3点20分`, `3시 반`.
# 오전/午前/上午 are a.m. and 오후/午後/下午 p.m.; with them the hour is 0 to 12.
EAST_ASIAN = re.compile(
    r"^(?:(?P<era>令和|平成|昭和)\s*(?P<ey>\d{1,2}|元)|(?P<y>\d{4}))\s*(?:년|年|[./-])"
    r"\s*(?P<m>\d{1,2})\s*(?:월|月|[./-])\s*(?P<d>\d{1,2})\s*(?:일|日|号|號)?\.?"
    r"(?:\s*[(（]?(?:(?P<wd>[월화수목금토일])(?:요일)?|(?P<wd2>[月火水木金土日])(?:曜日?)?"
    r"|(?:星期|礼拜|禮拜|周|週)(?P<wd3>[一二三四五六日天]))[)）]?)?"
    r"(?:\s*(?P<ampm>[가-힣]{1,2}|[\u3400-\u9fff]{1,2}|[AaPp]\.?[Mm]\.?)?\s*(?P<h>\d{1,2})"
    r"(?::(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ampm2>[AaPp]\.?[Mm]\.?))?"
    r"|\s*(?:시|時|时|点|點)(?:\s*(?P<half>반|半)|(?:\s*(?P<mi2>\d{1,2})\s*(?:분|分))?"
    r"(?:\s*(?P<s2>\d{1,2})\s*(?:초|秒))?)))?"
    r"(?:\s*(?P<offset>[+-]\d\d(?::?\d\d)?|[Zz]))?"  # `+0900`, `+09:00`, `Z`
    r"$"
)
_PERIOD_BEFORE_HOUR = re.compile(r"\d\.?\s+[AaPp]\.?[Mm]\.?\s*\d")
# The first year of each Japanese era still written in dates (令和元年 is 2019).
_ERAS = {"令和": 2019, "平成": 1989, "昭和": 1926}


def read_east_asian(text: str) -> datetime | None:
    if text.isascii() and not _PERIOD_BEFORE_HOUR.search(text):
        # `2025-07-30 09:00` and the like: ISO 8601 and the readers after it. `2025.07.30 PM
        # 03:20`, as Korean sites write it, is this form with a.m. or p.m. before the hour.
        return None
    match = EAST_ASIAN.match(text)
    if not match:
        return None
    if match["era"]:
        year = _ERAS[match["era"]] + (0 if match["ey"] == "元" else int(match["ey"]) - 1)
    else:
        year = int(match["y"])
    hour = int(match["h"] or 0)
    minute = 30 if match["half"] else int(match["mi"] or match["mi2"] or 0)
    second = int(match["s"] or match["s2"] or 0)
    if match["ampm"] and match["ampm2"]:
        raise ValueError(f"cannot read {text!r} as a date: it gives the time of day twice")
    period = match["ampm"] or match["ampm2"]
    if period:
        hour = hour_in_period(text, period, hour)
    end_of_day = hour == 24 and not (minute or second or period)  # `24시`: 24:00
    try:
        value = datetime(year, int(match["m"]), int(match["d"]), 0 if end_of_day else hour,
                         minute, second)  # fmt: skip
    except ValueError:
        return None
    if end_of_day:
        value += timedelta(days=1)
    if match["offset"]:
        digits = match["offset"].replace(":", "")
        if digits in ("Z", "z"):
            return value.replace(tzinfo=UTC)
        minutes = int(digits[1:3]) * 60 + int(digits[3:5] or 0)
        if minutes >= 24 * 60:
            return None
        sign = -1 if digits[0] == "-" else 1
        return value.replace(tzinfo=timezone(sign * timedelta(minutes=minutes)))
    return value


__all__ = ["EAST_ASIAN", "read_east_asian"]
