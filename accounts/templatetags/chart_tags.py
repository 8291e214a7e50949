"""{% chart spec "id" %}: a chart (static/js/charts.js draws it) with its data table beneath."""

from __future__ import annotations

from django import template

from accounts import charts

register = template.Library()


@register.inclusion_tag("includes/chart.html")
def chart(spec: dict, chart_id: str, height: int | None = None) -> dict:
    if height is None:
        # Horizontal bars: a line per label; otherwise a fixed height.
        height = 60 + 30 * len(spec["labels"]) if spec["horizontal"] else 300
    return {"spec": spec, "id": chart_id, "data_id": f"{chart_id}-data", "height": height, "table": charts.table(spec)}
