"""Reading results back in tests."""

from __future__ import annotations

from decimal import Decimal

from metrics.compute import compute
from metrics.dates import Month
from metrics.models import MetricResult, MetricUnit


def run(first: str = "2023-07", last: str | None = None, metrics: list[str] | None = None):
    return compute(Month.parse(first), Month.parse(last) if last else None, metrics=metrics)


def result(run_, metric: str, dimension: str = "STATE", key: str = "MO", period: str = "2023-07") -> MetricResult:
    return MetricResult.objects.get(run=run_, metric=metric, dimension=dimension, key=key, period=period)


def figures(r: MetricResult) -> tuple:
    """(numerator, denominator, value_rounded, meets, band, status) with plain numbers."""

    def plain(d: Decimal | None):
        if d is None:
            return None
        return int(d) if d == d.to_integral_value() else d

    return (plain(r.numerator), plain(r.denominator), r.value_rounded, r.meets, r.band or None, r.status)


def units(run_, metric: str, period: str = "2023-07", **filters):
    return MetricUnit.objects.filter(run=run_, metric=metric, period=period, **filters)


def D(text: str) -> Decimal:
    return Decimal(text)


def table(text: str, **defaults: str) -> list[dict]:
    """Rows from CSV text as the spec writes them (header first); `defaults` fill missing columns."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    header = lines[0].split(",")
    return [{**defaults, **dict(zip(header, line.split(","), strict=True))} for line in lines[1:]]


def assignment(child: str, episode: str, agency: str, start: str, end: str = "", county: str = "29095", **kw) -> dict:
    return {
        "assignment_id": kw.get("assignment_id", f"A-{episode}-{start}"),
        "child_id": child,
        "episode_id": episode,
        "worker_id": kw.get("worker_id", f"W-{agency}"),
        "assignment_role": "PRIMARY",
        "agency_code": agency,
        "responsible_county_fips": county,
        "start_date": start,
        "end_date": end,
    }
