"""Regional permanency goals (spec section 3.2 timely_permanency, section 5 incentive).

The benchmark of a timely_permanency result is the goal of the result's region (`RegionalGoal`, per
region with an effective date; a region without a goal of its own uses the statewide goal, region ""):

| dimension | region |
|---|---|
| STATE | statewide ("") |
| COUNTY | `counties.csv` region of the county, else the region of its circuit |
| CIRCUIT | `circuits.csv` region of the circuit |
| AGENCY | `AgencyRegion` setting in force at the period's end (admin-editable); without one, the region where the agency had most responsibility days in the period (ties: the alphabetically first region); statewide if none of its days falls in a county with a region |

The provider score (scoring.py) uses the same agency region, so an agency's `benchmark`, `meets` and
incentive qualification agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Greatest, Least

from metrics.definitions.base import Metric, integer
from metrics.models import AgencyRegion, ExtractCircuit, ExtractCounty, RegionalGoal, ResponsibilitySpan

STATEWIDE = ""


def goal(region: str, on: date) -> Decimal | None:
    """The goal of `region` in force on `on`; the statewide goal when the region has none."""
    for candidate in dict.fromkeys((region, STATEWIDE)):
        row = RegionalGoal.objects.filter(region=candidate, effective_from__lte=on).order_by("-effective_from").first()
        if row is not None:
            return row.value
    return None


def circuit_regions() -> dict[str, str]:
    return {code: region for code, region in ExtractCircuit.objects.values_list("circuit_code", "region") if region}


def county_regions() -> dict[str, str]:
    """County -> its region, or its circuit's region when the county row has none."""
    circuits = circuit_regions()
    out = {}
    for fips, circuit, region in ExtractCounty.objects.values_list("county_fips", "circuit_code", "region"):
        region = region or circuits.get(circuit, "")
        if region:
            out[fips] = region
    return out


def agency_regions(period_start: date, period_end: date, counties: dict[str, str] | None = None) -> dict[str, str]:
    """Agency -> region for a period: the AgencyRegion setting, else the majority of responsibility days.

    Agencies absent from the answer use the statewide goal."""
    counties = county_regions() if counties is None else counties
    first, last = period_start.toordinal(), period_end.toordinal()
    # Responsibility days in the period per (agency, county): one GROUP BY; rolled up to regions here.
    days = (
        ResponsibilitySpan.objects.filter(start_day__lte=last, end_day__gte=first)
        .annotate(n=Least(F("end_day"), integer(last)) - Greatest(F("start_day"), integer(first)) + 1)
        .values("agency_code", "county_fips")
        .annotate(days=Sum("n"))
        .order_by()
    )
    by_region: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in days:
        region = counties.get(row["county_fips"])
        if region:
            by_region[row["agency_code"]][region] += row["days"] or 0
    out = {agency: min(totals, key=lambda region: (-totals[region], region)) for agency, totals in by_region.items()}
    settings: dict[str, str] = {}
    for row in AgencyRegion.objects.filter(effective_from__lte=period_end).order_by("agency_code", "effective_from"):
        settings[row.agency_code] = row.region  # the latest effective_from wins
    out.update(settings)
    return out


def benchmarks(metric: Metric, period_start: date, period_end: date) -> Callable[[str, str], Decimal | None] | None:
    """For a metric benchmarked against the regional goal: (dimension, key) -> that key's goal on
    `period_end`. None for every other metric (their benchmark is fixed)."""
    if not metric.extra.get("regional_goal"):
        return None
    counties = county_regions()
    regions = {
        "COUNTY": counties,
        "CIRCUIT": circuit_regions(),
        "AGENCY": agency_regions(period_start, period_end, counties),
    }
    goals: dict[str, Decimal | None] = {}

    def benchmark(dimension: str, key: str) -> Decimal | None:
        region = regions.get(dimension, {}).get(key, STATEWIDE)
        if region not in goals:
            goals[region] = goal(region, period_end)
        return goals[region]

    return benchmark
