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
