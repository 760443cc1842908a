"""Dates as Vietnamese documents write them, to ISO 8601 with reduced precision.

Shared by the header (ngày ban hành), references (ngày of a cited act) and tasks (deadlines).

Forms handled (each has a test in ``tests/test_dates.py``)::

    ngày 05 tháng 3 năm 2026      -> 2026-03-05
    ngày   tháng 3 năm 2026       -> 2026-03       (blank day, left for the seal)
    ngày  tháng  năm 2026         -> 2026
    13/12/2025, 13-12-2025, 13.12.2025 -> 2025-12-13
    30/6 (with default_year=2026) -> 2026-06-30
    tháng 3/2026, tháng 03 năm 2026 -> 2026-03
    quý II/2026 / năm 2026        -> handled by callers (deadline module), not here
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline import regex_cache

# "ngày 05 tháng 3 năm 2026", "ngày   tháng 3 năm 2026", "ngày … tháng … năm 2026", and a
# handwritten day read by OCR as a short smudge ("ngày khỗ tháng 6 năm 2026": the day is unknown)
LONG_DATE = regex_cache.compile(
    r"ngày\s*(?:(?P<d>\d{1,2})|[^\d\s]{1,4}(?=\s+tháng))?[\s.…_]*"
    r"tháng\s*(?:(?P<m>\d{1,2})|[^\d\s]{1,4}(?=\s+năm))?[\s.…_]*năm\s*(?P<y>\d{4})?",
    re.IGNORECASE,
)
# "13/12/2025", "5-3-2026", "05.3.2026"; the year may be absent ("30/6")
# "1/2 ngày" (half a day) is a length, not the first of February
SHORT_DATE = regex_cache.compile(
    r"(?<![\d/])(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})(?:\s*[/.-]\s*(?P<y>\d{4}))?(?![\d/])"
    r"(?!\s*(?:ngày|giờ|buổi)(?![^\W\d_]))"
)
# "tháng 3/2026", "tháng 03 năm 2026", "tháng 3 năm 2026"
MONTH_YEAR = regex_cache.compile(r"tháng\s+(?P<m>\d{1,2})\s*(?:/|năm)\s*(?P<y>\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: its ISO form (reduced precision allowed) and where it stood."""

    iso: str
    start: int
    end: int


def iso(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """ISO 8601 with reduced precision; ``None`` when the parts do not make a real date.

    >>> iso(2026, 3, None), iso(2026, None, None), iso(None, 3, 5)
    ('2026-03', '2026', None)
    """
    if year is None or not 1900 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def parse_long(text: str) -> FoundDate | None:
    """The first "ngày .. tháng .. năm ...." date in ``text``, blanks kept as reduced precision."""
    for m in LONG_DATE.finditer(text):
        y, mo, d = _int(m.group("y")), _int(m.group("m")), _int(m.group("d"))
        if y is None:
            continue
        value = iso(y, mo, d if mo else None)
        if value:
            return FoundDate(value, m.start(), m.end())
    return None


def find_dates(text: str, default_year: int | None = None) -> list[FoundDate]:
    """Every date in ``text`` in order: long form, short d/m/y form, "tháng m/y".

    A short date without a year ("30/6") takes ``default_year`` (the document's year) and is
    skipped when there is none.
    """
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in LONG_DATE.finditer(text):
        y, mo, d = _int(m.group("y")), _int(m.group("m")), _int(m.group("d"))
        value = iso(y if y else default_year, mo, d if mo else None) if (y or default_year) and mo else None
        if value:
            found.append(FoundDate(value, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in MONTH_YEAR.finditer(text):
        if free(m.start(), m.end()):
            value = iso(int(m.group("y")), int(m.group("m")))
            if value:
                found.append(FoundDate(value, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    for m in SHORT_DATE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        y = _int(m.group("y")) or default_year
        value = iso(y, int(m.group("m")), int(m.group("d"))) if y else None
        if value:
            found.append(FoundDate(value, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def parse_date(text: str, default_year: int | None = None) -> str | None:
    """The first date in ``text`` as ISO (reduced precision allowed), or ``None``.

    >>> parse_date("Lào Cai, ngày 06 tháng 01 năm 2026"), parse_date("ngày 13/12/2025")
    ('2026-01-06', '2025-12-13')
    """
    dates = find_dates(text, default_year)
    return dates[0].iso if dates else None
