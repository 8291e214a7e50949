"""What the metrics pages show, read from stored results (pages never recompute)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from accounts import charts
from accounts.models import STATE_AGENCY_CODE, Agency, User
from accounts.scoping import has_capability, scope_queryset_by_codes
from metrics import registry, successors
from metrics.compute import latest_run
from metrics.definitions.base import Metric
from metrics.models import MetricResult, MetricRun, MetricUnit

# Every metrics page shows data of the agencies where the user holds this capability.
CAPABILITY = "metrics.view"

BAND_CLASS = {"E": "success", "D": "info", "C": "warning", "B": "orange", "A": "danger"}
BAND_COLOUR = {"E": "#198754", "D": "#0dcaf0", "C": "#ffc107", "B": "#fd7e14", "A": "#dc3545", "": "#6c757d"}
# Text on a band's colour: white where it reaches 4.5:1 (green, red, grey), black on cyan, yellow, orange.
BAND_TEXT = {
    "#198754": "#fff",
    "#0dcaf0": "#000",
    "#ffc107": "#000",
    "#fd7e14": "#000",
    "#dc3545": "#fff",
    "#6c757d": "#fff",
}


def may_import(user: User) -> bool:
    """The extract is statewide, so only an administrator role held in CD (or a superuser) may load one."""
    cd = Agency.objects.filter(code=STATE_AGENCY_CODE).first()
    return cd is not None and has_capability(user, "metrics.import", cd)


@dataclass
class Row:
    result: MetricResult
    metric: Metric

    @property
    def value_text(self) -> str:
        """value_rounded at the metric's precision (91.3, 455.79, 2.50)."""
        return _fixed(self.result.value_rounded, self.metric.precision)

    @property
    def value_with_unit(self) -> str:
        """87.1% or 3.52 per 100,000 days in care."""
        if self.result.value_rounded is None:
            return "no entries"
        if self.metric.unit == "PERCENT":
            return f"{self.value_text}%"
        return f"{self.value_text} {self.metric.unit_label}"

    @property
    def benchmark_text(self) -> str:
        return _fixed(self.result.benchmark, self.metric.precision)

    @property
    def band_colour(self) -> str:
        if self.result.band:
            return BAND_COLOUR[self.result.band]
        if self.result.meets is True:
            return BAND_COLOUR["E"]
        if self.result.meets is False:
            return BAND_COLOUR["A"]
        return BAND_COLOUR[""]

    @property
    def band_text_colour(self) -> str:
        return BAND_TEXT[self.band_colour]


def _fixed(value, places: int) -> str:
    if value is None:
        return ""
    return format(value.quantize(Decimal(1).scaleb(-places)), "f")


def _band_label(result: MetricResult) -> str:
    if result.value_rounded is None:
        return "no entries"
    if result.band:
        return result.band
    if result.meets is None:
        return "no benchmark"
    return "meets" if result.meets else "does not meet"


def months_of(run: MetricRun) -> list[str]:
    return list(
        run.results.exclude(period_type="QUARTER").values_list("period", flat=True).distinct().order_by("period")
    )


def periods_of(run: MetricRun) -> list[str]:
    return sorted(set(run.results.values_list("period", flat=True)))


def scoped_results(user: User, run: MetricRun) -> QuerySet[MetricResult]:
    """Agency rows only for the agencies where the user holds metrics.view; state, circuit and county
    rows (aggregates over all agencies) for everyone who may view metrics."""
    results = run.results.all()
    if not has_capability(user, CAPABILITY):
        return results.none()
    agency_rows = scope_queryset_by_codes(
        results.filter(dimension="AGENCY"), user, capability=CAPABILITY, code_field="key"
    )
    return results.exclude(dimension="AGENCY") | agency_rows


def default_period(results: QuerySet[MetricResult]) -> str:
    """The latest period with every metric: of the periods reporting the most metrics, the one ending
    last, and of those the shortest (the month before its quarter and federal fiscal year)."""
    state = results.filter(dimension="STATE").values_list("period", "metric", "period_start", "period_end")
    metrics: dict[str, set[str]] = {}
    bounds: dict[str, tuple] = {}
    for period, metric, start, end in state:
        metrics.setdefault(period, set()).add(metric)
        first, last = bounds.get(period, (start, end))
        bounds[period] = (min(first, start), max(last, end))
    if not metrics:
        return ""
    # a rolling metric's month and fiscal year can cover the same days: the month is the report period
    kind = {p: 2 if "Q" not in p and not p.startswith("FFY") else 1 if "Q" in p else 0 for p in metrics}
    return max(metrics, key=lambda p: (len(metrics[p]), bounds[p][1], bounds[p][0], kind[p]))


def dashboard(user: User, period: str | None) -> dict:
    run = latest_run()
    if run is None:
        return {"run": None}
    periods = periods_of(run)
    period = period if period in periods else default_period(run.results.all()) or periods[-1]
    results = scoped_results(user, run).filter(period=period).exclude(period_type="QUARTER")
    if "Q" in period:
        results = scoped_results(user, run).filter(period=period, period_type="QUARTER")
    by_metric: dict[str, dict] = {}
    agencies: set[str] = set()
    for r in results.filter(dimension__in=["STATE", "AGENCY"]).order_by("metric", "key"):
        entry = by_metric.setdefault(r.metric, {"state": None, "agencies": {}})
        if r.dimension == "STATE":
            entry["state"] = r
        else:
            entry["agencies"][r.key] = r
            agencies.add(r.key)
    columns = sorted(agencies)
    rows = []
    for metric in registry.all_metrics():
        entry = by_metric.get(metric.code)
        if not entry:
            continue
        rows.append(
            {
                "metric": metric,
                "state": Row(entry["state"], metric) if entry["state"] else None,
                "cells": [Row(entry["agencies"][c], metric) if c in entry["agencies"] else None for c in columns],
            }
        )
    return {"run": run, "period": period, "periods": periods, "columns": columns, "rows": rows}


def metric_page(user: User, metric: Metric, period: str | None, join: bool = False) -> dict:
    """The metric page; `join` shows predecessors' months under their successor in the trend (D26)."""
    run = latest_run()
    if run is None:
        return {"run": None, "metric": metric}
    periods = sorted(set(run.results.filter(metric=metric.code).values_list("period", flat=True)))
    # the trend is monthly: quarters and federal fiscal years are not points on it
    months = [p for p in periods if "Q" not in p and not p.startswith("FFY")]
    if period not in periods:
        period = default_period(run.results.filter(metric=metric.code)) or (months or periods or [""])[-1]
    results = scoped_results(user, run).filter(metric=metric.code)
    this = results.filter(period=period)
    if "Q" in period:
        this = this.filter(period_type="QUARTER")
    else:
        this = this.exclude(period_type="QUARTER")
    agencies = [Row(r, metric) for r in this.filter(dimension="AGENCY").order_by("key")]
    circuits = [Row(r, metric) for r in this.filter(dimension="CIRCUIT")]
    circuits.sort(key=lambda row: int(row.result.key) if row.result.key.isdigit() else 0)
    state = this.filter(dimension="STATE").first()
    bands = Counter(_band_label(r.result) for r in circuits)
    # decision D26: on request, a discontinued agency's months are shown under its successor
    trend = successors.trend_series(user, run, metric, months, results, join)
    mean_of_months = None
    if "Q" in period and state and metric.period_type in ("MONTH", "ENTRY_MONTH"):
        # Display option (decision D10): the simple mean of the three monthly rounded values, as the
        # seed reports quarters; the stored quarterly value is the pooled one.
        monthly = [
            r.value_rounded
            for r in results.filter(
                dimension="STATE", period_start__gte=state.period_start, period_end__lte=state.period_end
            )
            .exclude(period_type="QUARTER")
            .order_by("period")
        ]
        if len(monthly) == 3 and all(v is not None for v in monthly):
            mean_of_months = _fixed(sum(monthly) / 3, metric.precision)
    chart = {
        "labels": [row.result.key for row in agencies],
        "values": [
            float(row.result.value_rounded) if row.result.value_rounded is not None else None for row in agencies
        ],
        "colours": [row.band_colour for row in agencies],
        "benchmark": float(state.benchmark) if state and state.benchmark is not None else None,
        # each agency's own benchmark (they differ where a regional goal applies)
        "benchmarks": [float(row.result.benchmark) if row.result.benchmark is not None else None for row in agencies],
        "months": months,
        # agencies with no entries in any month add nothing to the trend chart
        "trend": successors.chart_trend(trend, months),
        "unit": metric.unit,
    }
    return {
        "run": run,
        "metric": metric,
        "period": period,
        "mean_of_months": mean_of_months,
        "periods": periods,
        "state": Row(state, metric) if state else None,
        "agencies": agencies,
        "circuits": circuits,
        "circuit_bands": sorted(bands.items()),
        "join": join,
        "can_join": bool(successors.successor_map()),
        "joined": [s for s in trend if s.joined_from],
        "trend_series": trend,
        "months": months,
        "chart": chart,
        "charts": _metric_charts(metric, period, agencies, chart, state.comparator if state else ""),
    }


def _metric_charts(metric: Metric, period: str, agencies: list[Row], chart: dict, comparator: str) -> dict:
    """The metric page's two charts: value by agency against the benchmark, and the monthly trend."""
    unit = "%" if metric.unit == "PERCENT" else ""
    # n is the number of children or events counted, for percentages; a rate's denominator is days.
    counts = [int(row.result.denominator) for row in agencies] if unit == "%" else None
    own_goals = any(b is not None for b in chart["benchmarks"])
    common = {
        "unit": unit,
        "axis_title": metric.unit_label if unit == "%" else f"{metric.title} ({metric.unit_label})",
        "decimals": metric.precision,
        "goal_label": "Benchmark",
        "goal_text": ""
        if chart["benchmark"] is None
        else f"{comparator} {charts.format_value(chart['benchmark'], metric.precision, unit)}".strip(),
        "empty": "no entries",
    }
    by_agency = charts.chart(
        title=f"{metric.title}, {period}, by agency",
        labels=chart["labels"],
        series=[charts.Series(metric.unit_label, chart["values"], n=counts, colours=chart["colours"])],
        goal=chart["benchmarks"] if own_goals else chart["benchmark"],
        label_title="Agency",
        **common,
    )
    trend = charts.chart(
        title=f"{metric.title} by month",
        kind="line",
        labels=chart["months"],
        series=[charts.Series(key, values, emphasis=key == "MO") for key, values in chart["trend"].items()],
        goal=chart["benchmark"],
        label_title="Month",
        **common,
    )
    return {"by_agency": by_agency, "trend": trend}


def units_for(user: User, run: MetricRun, metric: Metric, period: str, agency_code: str) -> QuerySet[MetricUnit]:
    """Drill-down rows of one agency, scoped: only children of agencies where the user holds metrics.view."""
    qs = MetricUnit.objects.filter(run=run, metric=metric.code, period=period, agency_code=agency_code)
    return scope_queryset_by_codes(qs, user, capability=CAPABILITY, code_field="agency_code").order_by(
        "-in_denominator", "in_numerator", "child_id"
    )
