"""Dates as documents write them: one month table, one set of date patterns, one China offset.

Every function here is total: any string in, a value out, never an exception.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone

# China Standard Time: what every layout's times are written in unless they say otherwise.
CHINA_OFFSET = "+08:00"

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES, 1):
    MONTHS[_name.lower()] = _number
    MONTHS[_name[:3].lower()] = _number
MONTHS["sept"] = 9


def _names_pattern(names: list[str]) -> str:
    """An alternation of `names` as written Capitalised or in CAPITALS (not in lower case:
    "may" and "mar" are words), longest first."""
    forms = {form for name in names for form in (name.capitalize(), name.upper())}
    return "(?:" + "|".join(sorted(forms, key=lambda form: (-len(form), form))) + ")"


# A month's name or its abbreviation: "Mar", "March", "SEPT", "Sept".
MONTH = _names_pattern(sorted(MONTHS))
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY = _names_pattern([*WEEKDAYS, *(day[:3] for day in WEEKDAYS), "Tues", "Thur", "Thurs"])
_YEAR = r"(?:19|20)\d\d"
_ORDINAL = r"(?:st|nd|rd|th)?"

# "Jan 19, 2021 06:27 PM", "January 9 2021 6:27 p.m.", "Apr 01, 2022 14:30": a byline's stamp.
DATE_TIME = (
    rf"(?P<mon>{MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    r"(?:,?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s*(?P<ampm>[AaPp])\.?\s*[Mm]\.?)?)?"
)
# "2025-08-19", "2025/8/19", "2025.08.19": the numeric date of digest source lines.
ISO_DATE = rf"(?P<year>{_YEAR})[-/.](?P<month>\d{{1,2}})[-/.](?P<day>\d{{1,2}})"
# A clock time after a numeric date: "04:05", "04:05:59".
CLOCK = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"

# Dates with a year, each with named groups month, day, year.
FULL_DATES = (
    # "March 26, 2025", "Mar. 26 2025", "October 14th, 2024", "Sept 30th 2024"
    re.compile(rf"\b(?P<month>{MONTH})\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>{_YEAR})\b"),
    # "26 March 2025", "12 September, 2023"
    re.compile(rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>{MONTH})\.?,?\s+(?P<year>{_YEAR})\b"),
    # "2025-03-26", "2025/3/26", "2025.03.26"
    re.compile(rf"\b{ISO_DATE}\b"),
    # "2025年3月26日"
    re.compile(rf"(?P<year>{_YEAR})\s*年\s*(?P<month>\d{{1,2}})\s*月\s*(?P<day>\d{{1,2}})\s*日"),
)  # fmt: skip
# Dates without a year, each with named groups month and day.
MONTH_DAYS = (
    # "March 26", "October 14th" (not followed by a year)
    re.compile(rf"\b(?P<month>{MONTH})\.?\s+(?P<day>\d{{1,2}}){_ORDINAL}\b(?!\s*,?\s*\d)"),
    # "26 March", "14th of October"
    re.compile(rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>{MONTH})\b"),
    # "3月26日"
    re.compile(r"(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
)


def unnamed(pattern: re.Pattern[str]) -> str:
    """`pattern`'s text with its named groups made plain, to be combined with others."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern)


def month_number(token: str) -> int | None:
    """ "Mar", "march", "Sept.", "3" → 3; None for anything else."""
    if token.isdigit():
        number = int(token)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(token.casefold().rstrip("."))


def valid_month_day(month: int, day: int) -> bool:
    """Whether `day` exists in `month` in some year (February 29 does)."""
    try:
        date(2024, month, day)  # a leap year
    except ValueError:
        return False
    return True


def date_of(match: re.Match[str]) -> date | None:
    """The date a `FULL_DATES` match writes, or None when there is no such day."""
    month = month_number(match.group("month"))
    if month is None:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


def month_day_of(match: re.Match[str]) -> tuple[int, int] | None:
    """(month, day) of a `FULL_DATES` or `MONTH_DAYS` match, when such a day exists."""
    month = month_number(match.group("month"))
    day = int(match.group("day"))
    if month and valid_month_day(month, day):
        return month, day
    return None


def clock(hour: str | None, minute: str | None, ampm: str | None) -> tuple[int, int] | None:
    """("06", "27", "P") → (18, 27); 12 AM is midnight, 12 PM noon; None when impossible."""
    if hour is None or minute is None:
        return None
    h, m = int(hour), int(minute)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.upper() == "P" else 0)
    if h > 23 or m > 59:
        return None
    return h, m


def utc_offset(spec: str | None) -> str:
    """ "+8", "+08:00", "-5", "+530" → "+08:00"-style; China time when missing or odd."""
    if not spec:
        return CHINA_OFFSET
    m = re.fullmatch(r"([+-])\s*(\d{1,2})(?::?(\d{2}))?", spec.strip())
    if not m:
        return CHINA_OFFSET
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return CHINA_OFFSET
    return f"{m.group(1)}{hours:02d}:{minutes:02d}"


def _timezone(offset: str) -> timezone:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def iso_published(match: re.Match[str], offset: str = CHINA_OFFSET) -> tuple[str, datetime | None]:
    """ISO 8601 text for a `DATE_TIME` match: with time and offset, or a bare date; the
    datetime (None for a bare date) for ordering. ("", None) for an impossible date."""
    groups = match.groupdict()
    month = MONTHS.get(groups["mon"].lower().rstrip("."))
    if month is None:
        return "", None
    try:
        day = datetime(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        return "", None
    time = clock(groups.get("hour"), groups.get("minute"), groups.get("ampm"))
    if time is None:
        return day.date().isoformat(), None
    stamp = day.replace(hour=time[0], minute=time[1], tzinfo=_timezone(offset))
    return stamp.isoformat(), stamp


def iso_numeric(
    year: str, month: str, day: str, hour: str | None = None, minute: str | None = None,
    second: str | None = None, offset: str = CHINA_OFFSET,
) -> str:  # fmt: skip
    """ "2025", "8", "19", "04", "05" → "2025-08-19T04:05:00+08:00"; the date alone without a
    time; "" for an impossible date or time."""
    try:
        day_ = date(int(year), int(month), int(day))
        if hour is None or minute is None:
            return day_.isoformat()
        stamp = datetime(
            day_.year, day_.month, day_.day, int(hour), int(minute), int(second or 0),
            tzinfo=_timezone(offset),
        )  # fmt: skip
    except ValueError:
        return ""
    return stamp.isoformat()


# ------------------------------------------------------------------------- years of dates

_YEAR_RE = re.compile(_YEAR)
# How far from a year a full date written with single spaces can reach: "September. 30th,
# 2024" starts 17 characters before it, "2024 年 12 月 31 日" ends 12 after it (and the pattern
# looks at one more). A year the scan skipped starts at most 3 characters after one it found
# ("192019年"), so the stretch after a found year is longer by that much.
_DATE_BEFORE_YEAR = 22
_DATE_AFTER_YEAR = 17


def full_dates(text: str) -> list[date]:
    """Every full date written in `text` (each pattern's matches, in order, with repeats).

    Every full date holds a year, so only the stretches around years are matched, in the
    text with its whitespace runs folded (no pattern depends on how long a run is): linear
    in the text, however many numbers it holds.
    """
    folded = " ".join(text.split())
    stretches: list[list[int]] = []
    for year in _YEAR_RE.finditer(folded):
        start = max(0, year.start() - _DATE_BEFORE_YEAR)
        end = min(len(folded), year.end() + _DATE_AFTER_YEAR)
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = end
        else:
            stretches.append([start, end])
    found: list[date] = []
    for pattern in FULL_DATES:
        for start, end in stretches:
            for match in pattern.finditer(folded, start, end):
                day = date_of(match)
                if day is not None:
                    found.append(day)
    return found


# Full dates within this many days of a brief's date vote for its year.
YEAR_VOTE_WINDOW_DAYS = 120


def year_from_dates(month_day: tuple[int, int], dates: list[date]) -> int | None:
    """The year of a document dated `month_day` (no year written), from the full dates in it.

    A brief reports on what happened around its date: each candidate year (the years of the
    full dates, and the year after each) gets a vote from every full date within
    `YEAR_VOTE_WINDOW_DAYS` of the brief's date in that year, so "March 26, 2025" and
    "the year ended December 31, 2024" both vote 2025 for a March 27 brief. The most votes
    win (ties: the closer dates, then the later year). None when no full date is that near.
    """
    month, day = month_day
    best: tuple[int, int, int] | None = None
    for year in sorted({d.year for d in dates} | {d.year + 1 for d in dates}):
        try:
            brief_date = date(year, month, day)
        except ValueError:
            continue
        near = [
            gap
            for gap in (abs((d - brief_date).days) for d in dates)
            if gap <= YEAR_VOTE_WINDOW_DAYS
        ]
        if not near:
            continue
        key = (len(near), -sum(near), year)
        if best is None or key > best:
            best = key
    return best[2] if best is not None else None


def most_common_year(dates: list[date]) -> int | None:
    """The year most of `dates` fall in (ties: the latest), None without dates."""
    counts = Counter(d.year for d in dates)
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))
