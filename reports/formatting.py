"""How the report writes numbers: the metric's precision and unit, percentages with one decimal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from metrics.definitions.base import PRECISION

UNIT_SUFFIX = {
    "PERCENT": "%",
    "PER_100K_DAYS": " per 100,000 days",
    "PER_1K_DAYS": " per 1,000 days",
    "PER_1K_CHILDREN": " per 1,000 children",
    "AVERAGE": "",
    "RATIO": "",
    "USD": "",
}


def number(value: Decimal | None, places: int) -> str:
    """`value` with exactly `places` decimals (stored values are already rounded; this only pads)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"


def plain(value: Decimal | None) -> str:
    """A count without trailing zeros (54, 12.5)."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def metric_value(value: Decimal | None, unit: str) -> str:
    """95.0%, 9.07 per 100,000 days, $1,250.00, 1.74."""
    if value is None or value == "":
        return ""
    text = number(value, PRECISION.get(unit, 2))
    if unit == "USD":
        return f"${text}"
    return f"{text}{UNIT_SUFFIX.get(unit, '')}"


def metric_number(value: Decimal | None, unit: str) -> str:
    """The value at the metric's precision without the unit (for exports)."""
    return number(value, PRECISION.get(unit, 2)).replace(",", "") if value is not None else ""
