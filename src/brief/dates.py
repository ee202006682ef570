"""Dates at the precision a source gives them: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

A fact dated "2024-02" happened some time in February 2024. It counts as known on a
given ``as_of`` only once its whole period has ended (``end <= as_of``): the brief as it
could have been written that day never uses a month that is still running.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

PRECISIONS = ("day", "month", "year")
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class FuzzyDate:
    start: dt.date
    end: dt.date
    precision: str
    text: str

    def label(self) -> str:
        """Human form that keeps the precision honest: '19 Apr 2024', 'Feb 2024', '2024'."""
        if self.precision == "day":
            return f"{self.start.day} {self.start:%b %Y}"
        if self.precision == "month":
            return f"{self.start:%b %Y}"
        return f"{self.start.year}"

    def long_label(self) -> str:
        if self.precision == "day":
            return f"{self.start.day} {self.start:%B %Y}"
        if self.precision == "month":
            return f"{self.start:%B %Y}"
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
