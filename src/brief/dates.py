"""Dates at the precision a source gives them (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), and the one
place where the brief writes a date in words.

A fact dated "2024-02" happened some time in February 2024. It counts as having happened by a
cut-off only once its whole period has ended (``end <= cut-off``): a brief never uses a month
that is still running. The same rule applies to when a fact became known (see ``knowledge``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class FuzzyDate:
    start: dt.date
    end: dt.date
    precision: str  # "day" | "month" | "year"
    text: str

    def label(self) -> str:
        """Human form that keeps the precision honest: '19 Apr 2024', 'Apr 2024', '2024'."""
        if self.precision == "day":
            return short_day(self.start)
        if self.precision == "month":
            return f"{self.start:%b %Y}"
        return f"{self.start.year}"


def parse_fuzzy_date(text: str) -> FuzzyDate:
    """Parse a reduced-precision ISO date; ``ValueError`` says what is wrong with it."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    if not 1900 <= year <= 2100:
        raise ValueError(f"year {year} in '{text}' is out of range 1900–2100")
    if month is None:
        return FuzzyDate(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", text)
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' is an impossible date: there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return FuzzyDate(dt.date(year, month, 1), dt.date(year, month, last), "month", text)
    if not 1 <= day <= last:
        raise ValueError(
            f"'{text}' is an impossible date: {calendar.month_name[month]} {year} has {last} days"
        )
    date = dt.date(year, month, day)
    return FuzzyDate(date, date, "day", text)


def long_day(day: dt.date) -> str:
    """'31 December 2024': how prose writes a day."""
    return f"{day.day} {day:%B %Y}"


def short_day(day: dt.date) -> str:
    """'31 Dec 2024': how charts, tables and captions write a day."""
    return f"{day.day} {day:%b %Y}"


def one_year_before(day: dt.date) -> dt.date:
    """The first day of the year that ends on ``day`` (29 February falls back to the 28th)."""
    start = day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)
    return start + dt.timedelta(days=1)
