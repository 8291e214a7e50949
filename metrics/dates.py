"""Calendar helpers of section 1.1: add_months, 18th birthday, report months, rolling windows."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(d: date, n: int) -> date:
    """Calendar months with the day clamped to the month's end (2023-01-31 + 1 = 2023-02-28)."""
    month0 = d.month - 1 + n
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def birthday(dob: date, years: int) -> date:
    """The `years`-th birthday: add_months(dob, 12 * years) (a 29 February birthday -> 28 February)."""
    return add_months(dob, 12 * years)


def latest_dob_aged_under(d: date, years: int) -> date:
    """Children born after the returned date are under `years` on `d` (birthday(dob, years) > d)."""
    threshold = add_months(d, -12 * years)
    # A 29 February birthday falls on 28 February in common years: when d is the last day of a
    # common-year February, a child born on 29 February of a leap year is already `years` old.
    if d.month == 2 and d.day == calendar.monthrange(d.year, 2)[1] and calendar.isleap(threshold.year):
        threshold = date(threshold.year, 2, 29)
    return threshold


def day(d: date | None) -> int | None:
    return d.toordinal() if d is not None else None


@dataclass(frozen=True)
class Month:
    """A report month M with S(M) and E(M)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        year, month = text.split("-")
        value = cls(int(year), int(month))
        if not 1 <= value.month <= 12:
            raise ValueError(f"not a month: {text}")
        return value

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shift(self, n: int) -> Month:
        d = add_months(self.start, n)
        return Month(d.year, d.month)

    @property
    def rolling_start(self) -> date:
        """S(M-11): first day of the rolling 12 months ending M."""
        return self.shift(-11).start

    @property
    def quarter(self) -> str:
        return f"{self.year}-Q{(self.month - 1) // 3 + 1}"

    @property
    def is_quarter_end(self) -> bool:
        return self.month % 3 == 0


def months_between(first: Month, last: Month) -> list[Month]:
    out, m = [], first
    while (m.year, m.month) <= (last.year, last.month):
        out.append(m)
        m = m.shift(1)
    return out


def business_days_after(d: date, n: int, holidays: set[date]) -> date:
    """The n-th business day after d (Monday to Friday, not a holiday)."""
    current, counted = d, 0
    while counted < n:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            counted += 1
    return current
