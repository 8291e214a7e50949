"""Template filters of the quarterly report."""

from __future__ import annotations

from decimal import Decimal

from django import template

from reports import formatting

register = template.Library()


@register.filter
def metric_value(value: Decimal | None, unit: str) -> str:
    return formatting.metric_value(value, unit)


@register.filter
def plain(value: Decimal | None) -> str:
    return formatting.plain(value)


@register.filter
def one_decimal(value: Decimal | None) -> str:
    return formatting.number(value, 1)


@register.filter
def comparator(value: str) -> str:
    """>= as ≥, <= as ≤ (how the regulation writes goals)."""
    return {">=": "≥", "<=": "≤"}.get(value, value)
