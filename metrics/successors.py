"""Trend by month with discontinued agencies joined to their successor (spec section 6, D26).

Results keep the recorded agency code: 6ZT's months stay 6ZT in `MetricResult`. When the user asks
for it, the metric page's trend chart and its trend CSV show a predecessor's months under its
successor (`agencies.csv` `successor_agency_code`, followed to the last successor: 6ZT -> 6ZV), as one
series labelled "6ZV (incl. 6ZT before 2023-05)" (the month after the predecessor's `active_to`).

Each month of a joined series is computed from the run's units of the successor and its predecessors
together, with the metric's own aggregates (so distinct counts stay distinct and ratios are exact),
never by averaging the two agencies' percentages. Where only one of them has units that month, the
value equals that agency's stored result.

Scoping: a joined series is shown to a user who may see the successor (state staff, or staff of the
successor). It includes the predecessors' figures because the successor took over their cases; it
discloses no predecessor children (the drill-down stays scoped to the user's agencies). A user who may
see the predecessor but not the successor keeps the predecessor's own, unjoined series. Nobody else
sees either.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import QuerySet

from accounts.exports import csv_writer
from accounts.models import User
from accounts.scoping import scope_queryset_by_codes
from metrics.compute import _aggregates, evaluate
from metrics.definitions.base import Metric
from metrics.export import _fixed, _plain
from metrics.models import ExtractAgency, MetricResult, MetricRun, MetricUnit

TREND_CSV_COLUMNS = ["dimension", "key", "label", "joined_from", "period", "numerator", "denominator", "value_rounded"]


@dataclass
class Point:
    numerator: Decimal | None
    denominator: Decimal | None
    value_rounded: Decimal | None


@dataclass
class Series:
    dimension: str
    key: str
    label: str
    joined_from: list[str] = field(default_factory=list)
    points: dict[str, Point] = field(default_factory=dict)


def successor_map() -> dict[str, str]:
    """Predecessor -> its last successor in the loaded extract (chains followed, cycles ignored)."""
    direct = dict(
        ExtractAgency.objects.exclude(successor_agency_code="").values_list("agency_code", "successor_agency_code")
    )
    out = {}
    for code, successor in direct.items():
        seen = {code}
        while successor in direct and successor not in seen:
            seen.add(successor)
            successor = direct[successor]
        if successor != code:
            out[code] = successor
    return out


def _until(predecessor: ExtractAgency | None) -> str:
    """ " before 2023-05" for a contract ending 2023-04-30 (the first month without it); "" if unknown."""
    if predecessor is None or predecessor.active_to is None:
        return ""
    after = predecessor.active_to + timedelta(days=1)
    return f" before {after:%Y-%m}"


def joined_label(successor: str, predecessors: list[str]) -> str:
    agencies = {a.agency_code: a for a in ExtractAgency.objects.filter(agency_code__in=predecessors)}
    parts = [f"{p}{_until(agencies.get(p))}" for p in sorted(predecessors)]
    return f"{successor} (incl. {', '.join(parts)})"


def _pooled(run: MetricRun, metric: Metric, codes: list[str], periods: list[str]) -> dict[str, Point]:
    """period -> the metric's figures over the units of `codes` together (one GROUP BY)."""
    units = MetricUnit.objects.filter(run=run, metric=metric.code, period__in=periods, agency_code__in=codes)
    out = {}
    for g in units.values("period").annotate(**_aggregates(metric)).order_by():
        numerator, denominator = g["n_num"] or 0, g["n_den"] or 0
        out[g["period"]] = Point(
            Decimal(numerator), Decimal(denominator), evaluate(metric, numerator, denominator, None)["value_rounded"]
        )
    # FFY rows are copies of September's rolling value (compute.store_fiscal_year).
    for period in periods:
        if period.startswith("FFY") and f"{period[3:]}-09" in out:
            out[period] = out[f"{period[3:]}-09"]
    return out


def trend_series(
    user: User, run: MetricRun, metric: Metric, months: list[str], scoped: QuerySet[MetricResult], join: bool
) -> list[Series]:
    """STATE and AGENCY series over `months` from the user's scoped results; with `join`, predecessors'
    months under their successor (see the module docstring for who sees what)."""
    series: dict[str, Series] = {}
    rows = scoped.filter(dimension__in=["STATE", "AGENCY"], period__in=months).exclude(period_type="QUARTER")
    for r in rows.order_by("dimension", "key", "period"):
        s = series.setdefault(r.key, Series(r.dimension, r.key, r.key))
        s.points[r.period] = Point(r.numerator, r.denominator, r.value_rounded)
    if join:
        visible = set(
            scope_queryset_by_codes(
                ExtractAgency.objects.all(), user, capability="metrics.view", code_field="agency_code"
            ).values_list("agency_code", flat=True)
        )
        groups: dict[str, list[str]] = defaultdict(list)
        for predecessor, successor in successor_map().items():
            if successor in visible:
                groups[successor].append(predecessor)
        for successor, predecessors in sorted(groups.items()):
            codes = [successor, *sorted(predecessors)]
            recorded = run.results.filter(
                metric=metric.code, dimension="AGENCY", key__in=codes, period__in=months
            ).exclude(period_type="QUARTER")
            if not recorded.exists():
                continue  # neither agency has a row for this metric (e.g. a CD-only metric)
            pooled = _pooled(run, metric, codes, months)
            periods = set(recorded.values_list("period", flat=True))
            joined = Series(
                "AGENCY",
                successor,
                joined_label(successor, predecessors),
                joined_from=sorted(predecessors),
                points={p: pooled.get(p, Point(Decimal(0), Decimal(0), None)) for p in sorted(periods)},
            )
            for code in codes:
                series.pop(code, None)
            series[successor] = joined
    return [series[k] for k in sorted(series, key=lambda k: (k != "MO", k))]


def chart_trend(series: list[Series], months: list[str]) -> dict[str, list[float | None]]:
    """label -> one value per month, for the chart; series with no value in any month are left out."""
    out = {}
    for s in series:
        values = [s.points[m].value_rounded if m in s.points else None for m in months]
        if any(v is not None for v in values):
            out[s.label] = [float(v) if v is not None else None for v in values]
    return out


def trend_csv(series: list[Series], months: list[str], precision: int) -> str:
    """The trend as CSV: one row per series and month that has a row (numbers as in the results CSV)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(TREND_CSV_COLUMNS)
    for s in series:
        for m in months:
            point = s.points.get(m)
            if point is None:
                continue
            writer.writerow(
                [
                    s.dimension,
                    s.key,
                    s.label,
                    " ".join(s.joined_from),
                    m,
                    _plain(point.numerator),
                    _plain(point.denominator),
                    _fixed(point.value_rounded, precision),
                ]
            )
    return buffer.getvalue()
