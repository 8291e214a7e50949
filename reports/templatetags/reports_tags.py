"""Template filters of the quarterly report."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


# Fixed fragments of a metric cell (no data in them, so nothing to escape).
NOT_COMPUTED = mark_safe('<span class="text-body-secondary">not computed yet</span>')
NO_RESULT = mark_safe('<span class="text-body-secondary">no result</span>')
NO_ENTRIES = mark_safe('<span class="text-body-secondary">no entries</span>')
MEETS = ' <span class="badge text-bg-success">meets</span>'
BELOW = ' <span class="badge text-bg-danger">below goal</span>'
SMALL_N = ' <abbr title="fewer than 10 units: read with caution" class="small">small n</abbr>'
STATUS_NOTE = {
    "PROVISIONAL": ' <span class="small text-warning-emphasis">provisional</span>',
    "DQ_FLAG": ' <span class="small text-warning-emphasis">data-quality flag</span>',
}


@register.simple_tag
def metric_cell(line, cell) -> str:
    """One stored result as shown in the report (value, goal met, band, cautions) or why there is none.

    A tag rather than an included template: the statewide page shows hundreds of cells."""
    if not line.computed:
        return NOT_COMPUTED
    if cell is None or cell == "":
        return NO_RESULT
    if cell.status == "NO_DENOMINATOR":
        return NO_ENTRIES
    html = str(
        format_html(
            '<span class="{}">{}</span>',
            f"band-{cell.band} px-1" if cell.band else "",
            formatting.metric_value(cell.value, line.unit),
        )
    )
    html += {True: MEETS, False: BELOW}.get(cell.meets, "")
    if cell.band:
        html += str(format_html(' <span class="small">band {}</span>', cell.band))
    if cell.small_n:
        html += SMALL_N
    html += STATUS_NOTE.get(cell.status, "")
    return mark_safe(html)  # the variable parts went through format_html; the rest is fixed text
