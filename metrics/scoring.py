"""Weights, the provider score and incentive qualification (spec/metrics.md section 5).

- `permanency_qualified`: the agency's timely_permanency value_rounded is strictly greater than the
  regional permanency goal in force (13 CSR 35-35.130(6)(C): "exceeding"); empty when no goal is set.
- `phase_goal_share`: sum(weight x meets) / sum(weight) over the *other* metrics with a non-null,
  non-zero weight and a non-empty `meets`; empty when there is none (the case with today's weights).
- `score`: the same share over every weighted metric including timely_permanency (display only).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from metrics.models import MetricResult, MetricRun, RegionalGoal

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


def _share(results: list[MetricResult]) -> Decimal | None:
    weighted = [r for r in results if r.weight and r.meets is not None]
    total = sum((r.weight for r in weighted), Decimal(0))
    if not total:
        return None
    return (sum((r.weight for r in weighted if r.meets), Decimal(0)) / total).quantize(Decimal("0.0001"))


def regional_goal(period_end, region: str = "") -> Decimal | None:
    goal = (
        RegionalGoal.objects.filter(region=region, effective_from__lte=period_end).order_by("-effective_from").first()
        or RegionalGoal.objects.filter(region="", effective_from__lte=period_end).order_by("-effective_from").first()
    )
    return goal.value if goal else None


def provider_scores(run: MetricRun, period: str) -> list[ProviderScore]:
    rows = list(MetricResult.objects.filter(run=run, period=period, dimension="AGENCY").order_by("key", "metric"))
    by_agency: dict[str, list[MetricResult]] = {}
    for r in rows:
        by_agency.setdefault(r.key, []).append(r)
    scores = []
    for agency, results in sorted(by_agency.items()):
        permanency = next((r for r in results if r.metric == PERMANENCY), None)
        value = permanency.value_rounded if permanency else None
        goal = regional_goal(permanency.period_end) if permanency else None
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
            )
        )
    return scores
