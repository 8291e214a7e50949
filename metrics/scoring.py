"""Weights, the provider score and incentive qualification (spec/metrics.md section 5).

- `permanency_qualified`: the agency's timely_permanency value_rounded is strictly greater than the
  permanency goal in force for the agency's region (13 CSR 35-35.130(6)(C): "exceeding"; the region
  as metrics/regions.py chooses it, the statewide goal when the region has none); empty when no goal
  is set.
- `phase_goal_share`: sum(weight x meets) / sum(weight) over the *other* metrics with a non-null,
  non-zero weight and a non-empty `meets`; empty when there is none (the case with today's weights).
- `score`: the same share over every weighted metric including timely_permanency (display only).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from metrics import regions
from metrics.models import MetricResult, MetricRun

PERMANENCY = "timely_permanency"


@dataclass(frozen=True)
class ProviderScore:
    agency: str
    period: str
    permanency_value: Decimal | None
    regional_goal: Decimal | None
    permanency_qualified: bool | None
    phase_goal_share: Decimal | None
    score: Decimal | None
    region: str = ""


def _share(results: list[MetricResult]) -> Decimal | None:
    weighted = [r for r in results if r.weight and r.meets is not None]
    total = sum((r.weight for r in weighted), Decimal(0))
    if not total:
        return None
    return (sum((r.weight for r in weighted if r.meets), Decimal(0)) / total).quantize(Decimal("0.0001"))


def regional_goal(period_end, region: str = "") -> Decimal | None:
    return regions.goal(region, period_end)


def provider_scores(run: MetricRun, period: str) -> list[ProviderScore]:
    rows = list(MetricResult.objects.filter(run=run, period=period, dimension="AGENCY").order_by("key", "metric"))
    by_agency: dict[str, list[MetricResult]] = {}
    for r in rows:
        by_agency.setdefault(r.key, []).append(r)
    scores = []
    agency_regions: dict[tuple, dict[str, str]] = {}
    for agency, results in sorted(by_agency.items()):
        permanency = next((r for r in results if r.metric == PERMANENCY), None)
        value = permanency.value_rounded if permanency else None
        region, goal = "", None
        if permanency:
            bounds = (permanency.period_start, permanency.period_end)
            if bounds not in agency_regions:
                agency_regions[bounds] = regions.agency_regions(*bounds)
            region = agency_regions[bounds].get(agency, regions.STATEWIDE)
            goal = regional_goal(permanency.period_end, region)
        qualified = None if goal is None or value is None else value > goal
        scores.append(
            ProviderScore(
                agency=agency,
                period=period,
                permanency_value=value,
                regional_goal=goal,
                permanency_qualified=qualified,
                phase_goal_share=_share([r for r in results if r.metric != PERMANENCY]),
                score=_share(results),
                region=region,
            )
        )
    return scores
