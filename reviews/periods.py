"""Which quarter a review belongs to: one definition for every page and report.

A review belongs to the quarter in which its period under review ended. The period ends on Face
Sheet E, the day the review was first submitted to QA (spec osri.md 1.4), stored as
`Review.pur_end`; a review not yet submitted belongs to no quarter. The review summaries and the
quarterly report both select reviews with `ended_between`, and both pages state `QUARTER_RULE`.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import QuerySet

QUARTER_RULE = (
    "A review counts in the quarter in which its period under review ended (Face Sheet E, the day it was "
    "first submitted to QA); a review not yet submitted belongs to no quarter."
)
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_of(day: dt.date) -> str:
    """2023-08-15 -> "2023Q3"."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def review_quarter(review) -> str | None:
    """The quarter a review counts in, or None before its first submission."""
    return quarter_of(review.pur_end) if review.pur_end else None


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date] | None:
    """'2023Q3' -> (2023-07-01, 2023-09-30); None when the text is not a quarter."""
    match = QUARTER_RE.match(quarter.strip().upper())
    if not match:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    start = dt.date(year, 3 * number - 2, 1)
    next_start = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
    return start, next_start - dt.timedelta(days=1)


def ended_between(reviews: QuerySet, start: dt.date | None, end: dt.date | None) -> QuerySet:
    """Reviews whose period under review ended within [start, end] (either bound may be open).

    With no bound at all every review is kept, submitted or not."""
    if start:
        reviews = reviews.filter(pur_end__gte=start)
    if end:
        reviews = reviews.filter(pur_end__lte=end)
    return reviews
