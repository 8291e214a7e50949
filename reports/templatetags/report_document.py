"""Template filters of the written report (reports/document templates): figures from a snapshot."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils.safestring import mark_safe

from reports import charts
from reports import wording as w

register = template.Library()


@register.filter
def get(mapping: dict | None, key: Any) -> Any:
    """mapping[key] (dict lookups with a variable key)."""
    if not mapping:
        return None
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def value_text(cell_or_value: Any, unit: str) -> str:
    """A cell's (or a bare value's) value with its unit; empty for none."""
    value = cell_or_value.get("value") if isinstance(cell_or_value, dict) else cell_or_value
    return w.value_text(value, unit) if value not in (None, "") else ""


@register.filter
def cell_text(cell: dict | None, unit: str) -> str:
    """What a table cell shows: the value, or why there is none."""
    if cell is None:
        return "no result"
    if cell.get("value") in (None, ""):
        return "no entries"
    return w.value_text(cell["value"], unit)


@register.filter
def cell_bare(cell: dict | None, unit: str) -> str:
    """A table cell's value without a long unit (the caption names it): 95.0%, 9.07, $1,250.00."""
    if cell is None:
        return "no result"
    if cell.get("value") in (None, ""):
        return "no entries"
    return w.bare(cell["value"], unit)


@register.filter
def bare(cell: dict | None, unit: str) -> str:
    """Like cell_bare, but empty when there is no value (dense tables)."""
    if not cell or cell.get("value") in (None, ""):
        return ""
    return w.bare(cell["value"], unit)


@register.filter
def unit_note(unit: str) -> str:
    """' (per 100,000 days in care)' for the caption of a table of bare values."""
    suffix = w.unit_suffix(unit).strip()
    return f" ({suffix})" if suffix else ""


@register.filter
def count(value: Any) -> str:
    return w.count(value)


@register.filter
def month_label(period: str) -> str:
    return w.month_label(period)


@register.filter
def month_short(period: str) -> str:
    return w.month_label(period)[:3] + " " + period[:4]


@register.filter
def goal_text(metric: dict) -> str:
    return w.goal_text(metric.get("comparator", ""), metric.get("goal"), metric["unit"]) or "no goal set yet"


@register.filter
def direction_text(metric: dict) -> str:
    return {"HIGHER": "higher is better", "LOWER": "lower is better"}.get(metric.get("direction", ""), "")


@register.filter
def agency_name(code: str) -> str:
    return w.agency_name(code)


@register.filter
def meets_text(cell: dict | None) -> str:
    if not cell or cell.get("value") in (None, ""):
        return ""
    return {True: "met", False: "not met"}.get(cell.get("meets"), "")


@register.filter
def months_met(row: dict, months: list[str]) -> str:
    cells = [row["months"].get(p) for p in months]
    with_result = [c for c in cells if c and c.get("value") not in (None, "")]
    if not with_result:
        return ""
    met = sum(1 for c in with_result if c.get("meets") is True)
    return f"{met} of {len(with_result)}"


@register.filter
def pct(value: Any) -> str:
    return w.pct(value) if value not in (None, "") else ""


@register.filter
def iso_date(value: str | None) -> date | datetime | None:
    """An ISO date or timestamp from a snapshot, for the date filter."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return None


@register.filter
def domains(measures: list[dict]) -> list[tuple[str, list[dict]]]:
    """Measures grouped by domain, in the report's order."""
    out: list[tuple[str, list[dict]]] = []
    for measure in measures:
        if not out or out[-1][0] != measure["domain"]:
            out.append((measure["domain"], []))
        out[-1][1].append(measure)
    return out


@register.filter
def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


@register.filter
def has_values(metric: dict) -> bool:
    """Some month or the quarter has a value (not only 'no entries')."""
    cells = list(metric["months"].values()) + [metric.get("quarter")]
    return any(c and c.get("value") not in (None, "") for c in cells)


@register.filter
def has_rows(metric: dict) -> bool:
    """Some result is stored for the quarter, if only 'no entries'."""
    return any(c is not None for c in [*metric["months"].values(), metric.get("quarter")])


@register.filter
def any_agency_value(agencies: dict | None) -> bool:
    return any(
        c and c.get("value") not in (None, "")
        for row in (agencies or {}).values()
        for c in [*row["months"].values(), row.get("quarter")]
    )


@register.simple_tag
def chart_svg(spec: dict, element_id: str = "") -> str:
    return mark_safe(charts.to_svg(spec, element_id))  # built from numbers and escaped labels only


@register.filter
def slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


@register.filter
def lines(items: list[str] | None) -> str:
    """A list as one line per item (for a textarea)."""
    return "\n".join(items or [])


@register.filter
def css_string(value: str) -> str:
    """Text for a CSS string in a <style> element (the running header): quotes, backslashes,
    line breaks and '<' escaped the CSS way, so no value can end the string or the element."""
    out = []
    for ch in str(value):
        if ch in '"\\<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):X} ")
        else:
            out.append(ch)
    return mark_safe("".join(out))  # noqa: S308 - escaped above for the CSS string context
