"""The quarterly Response and Evaluation report: each measure from three sources, side by side.

For a quarter and a scope (one agency, or statewide for state staff) it assembles per measure of
`reports.measures`:
- dashboard metrics: the stored `MetricResult` rows of the quarter's three report months and the
  quarter row (pooled, spec/metrics.md 1.5), with benchmark, meets and band. Pages never
  recompute: rows come from finished runs of the current extract; when several runs hold the
  same metric and month, the latest run wins (as on the metrics dashboard).
- case reviews: % Strength per related OSRI item over applicable cases (Strength or ANI) and
  % Substantially achieved per related outcome (spec/osri.md 4.3), for reviews whose period under
  review ended in the quarter (Face Sheet E, the submission date) and whose status is in
  REPORTABLE_REVIEW_STATUSES.
- surveys: percent favourable with n per tagged question and respondent group, for responses
  submitted in the quarter, computed by `surveys.results.question_results`, so the surveys app's
  small-cell protection (primary and complementary, one pattern for every page, export and this
  report) holds here too; the number of responses is suppressed with it.

Every query is set-based: one per source for all measures together, whatever the number of
children, cases or respondents.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied

from accounts.models import Agency, User
from accounts.scoping import (
    agencies_with_capability,
    get_agency_for_user,
    has_capability,
    holds_statewide,
    scope_queryset,
    scope_queryset_by_codes,
)
from metrics.dates import Month
from metrics.definitions.base import PRECISION
from metrics.models import MetricResult, MetricRun
from metrics.registry import all_metrics
from reports.measures import MEASURES, Measure, all_item_keys, all_metric_codes, all_outcome_keys, all_survey_tags
from reviews import summaries
from reviews.calibration import counted
from reviews.models import Review
from reviews.periods import ended_between
from reviews.workflow import REPORTED
from surveys.models import MeasureTag, Question, RespondentGroup
from surveys.results import (
    QuestionResult,
    disclosure,
    min_cell,
    question_results,
    submitted_responses_for_user,
)

CAPABILITY = "report.view"
STATEWIDE = "all"  # the agency parameter meaning "every agency" (state staff only)

# Reviews that count in reports: approved at first-level QA or later (approved, in second-level QA,
# finalized). In-progress, submitted, returned and eliminated reviews may still change or are out
# of the sample (spec/osri.md 5.4). The reviews app's workflow owns the list; the same set feeds
# its Review summaries page.
REPORTABLE_REVIEW_STATUSES: tuple[str, ...] = tuple(REPORTED)
ITEM_KEYS = frozenset(all_item_keys())
OUTCOME_KEYS = frozenset(all_outcome_keys())

QUARTER_RE = re.compile(r"^\s*(\d{4})-?Q([1-4])\s*$", re.IGNORECASE)


class BadQuarter(ValueError):
    """The quarter parameter is not of the form 2023Q3."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER_RE.match(text or "")
        if not match:
            raise BadQuarter(f"Quarter {text!r} is not a quarter: write it like 2023Q3.")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        first, last = self.months[0], self.months[-1]
        return f"{first.start:%B}–{last.start:%B} {self.year}"

    @property
    def months(self) -> list[Month]:
        return [Month(self.year, 3 * self.number - 2 + i) for i in range(3)]

    @property
    def start(self) -> date:
        return self.months[0].start

    @property
    def end(self) -> date:
        return self.months[-1].end

    @property
    def metrics_period(self) -> str:
        """How metrics/ labels the quarter's QUARTER rows (2023-Q3)."""
        return self.months[-1].quarter

    def shift(self, n: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + n
        return Quarter(index // 4, index % 4 + 1)


# --------------------------------------------------------------------------------------------
# Scope: who sees which agency
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    agency: Agency | None  # None = statewide

    @property
    def is_statewide(self) -> bool:
        return self.agency is None

    @property
    def label(self) -> str:
        return "Statewide (all agencies)" if self.agency is None else f"{self.agency.code} — {self.agency.name}"

    @property
    def parameter(self) -> str:
        return STATEWIDE if self.agency is None else self.agency.code


def report_agencies(user: User) -> list[Agency]:
    """Agencies whose report the user may open: those where the user holds report.view."""
    return list(agencies_with_capability(user, CAPABILITY).order_by("code"))


def resolve_scope(user: User, agency_code: str | None) -> Scope:
    """The scope asked for in the URL, checked: 403 without report.view, 404 outside the user's agencies.

    No parameter means statewide for state staff, and the user's first agency otherwise.
    """
    if not has_capability(user, CAPABILITY):
        raise PermissionDenied("Reports need the report.view capability.")
    code = (agency_code or "").strip()
    if code.lower() == STATEWIDE or (not code and holds_statewide(user, CAPABILITY)):
        if not holds_statewide(user, CAPABILITY):
            raise PermissionDenied("Only state staff see the statewide report.")
        return Scope(None)
    if not code:
        allowed = report_agencies(user)
        if not allowed:
            raise PermissionDenied("You hold report.view in no agency.")
        return Scope(allowed[0])
    # Unknown agencies and those where the user holds no role look the same (404), so existence is
    # not disclosed; an agency where the user's roles lack report.view is 403.
    return Scope(get_agency_for_user(user, CAPABILITY, code=code.upper()))


# --------------------------------------------------------------------------------------------
# The report's building blocks
# --------------------------------------------------------------------------------------------


def percent(numerator: int, denominator: int) -> Decimal | None:
    """A share as a percentage rounded half-up to one decimal; None when nothing is applicable."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MetricCell:
    """One stored result (a month or the quarter) as the report shows it."""

    period: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None  # value_rounded
    meets: bool | None
    band: str
    status: str
    small_n: bool

    @classmethod
    def of(cls, r: MetricResult) -> MetricCell:
        return cls(
            period=r.period,
            numerator=r.numerator,
            denominator=r.denominator,
            value=r.value_rounded,
            meets=r.meets,
            band=r.band,
            status=r.status,
            small_n=r.small_n,
        )


@dataclass
class MetricLine:
    code: str
    title: str
    unit: str
    direction: str
    benchmark: Decimal | None
    comparator: str
    computed: bool  # False: planned in the spec, not yet computed by metrics/
    months: list[tuple[Month, MetricCell | None]] = field(default_factory=list)
    quarter: MetricCell | None = None
    previous: MetricCell | None = None  # the quarter before, for the report's "previous quarter" comparison

    @property
    def precision(self) -> int:
        return PRECISION.get(self.unit, 2)

    @property
    def has_data(self) -> bool:
        return self.quarter is not None or any(cell for _, cell in self.months)

    @property
    def months_meeting(self) -> int | None:
        """In how many of the three months the benchmark was met (the report's 'all three months')."""
        if self.benchmark is None:
            return None
        return sum(1 for _, cell in self.months if cell and cell.meets)


@dataclass(frozen=True)
class ReviewLine:
    """An OSRI item (% Strength) or outcome (% Substantially achieved) over applicable cases."""

    key: str
    kind: str  # "item" or "outcome"
    title: str
    achieved: int
    applicable: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.achieved, self.applicable)

    @property
    def label(self) -> str:
        return f"Item {self.key}" if self.kind == "item" else f"Outcome {self.key}"

    @property
    def achieved_word(self) -> str:
        return "Strength" if self.kind == "item" else "Substantially achieved"


@dataclass(frozen=True)
class SurveyLine:
    code: str
    text: str
    group: str
    group_label: str
    favourable: int
    n: int  # the percent-favourable base; 0 when suppressed (the real count is not disclosed)
    percent: Decimal | None
    suppressed: bool
    has_favourable: bool
    tags: tuple[str, ...] = ()

    @classmethod
    def of(cls, r: QuestionResult) -> SurveyLine:
        return cls(
            code=r.code,
            text=r.text,
            group=r.group,
            group_label=dict(RespondentGroup.choices).get(r.group, r.group),
            favourable=0 if r.suppressed else r.favourable,
            n=0 if r.suppressed else r.n,
            percent=r.percent_favourable,
            suppressed=r.suppressed,
            has_favourable=r.has_favourable,
            tags=tuple(r.tags),
        )


@dataclass
class AgencyMetricRow:
    """Statewide view: the headline metric of a measure for one agency."""

    code: str
    months: list[tuple[Month, MetricCell | None]]
    quarter: MetricCell | None

    @property
    def months_meeting(self) -> int:
        """Months at or better than the goal: the seed report lists agencies meeting it in 3, 2, 1 or 0 of 3."""
        return sum(1 for _, cell in self.months if cell and cell.meets)


@dataclass
class MeasureSection:
    measure: Measure
    metrics: list[MetricLine]
    items: list[ReviewLine]
    outcomes: list[ReviewLine]
    surveys: list[SurveyLine]
    by_agency: list[AgencyMetricRow] = field(default_factory=list)

    @property
    def headline(self) -> MetricLine | None:
        return self.metrics[0] if self.metrics else None

    @property
    def has_metric_data(self) -> bool:
        return any(line.has_data for line in self.metrics)

    @property
    def has_review_data(self) -> bool:
        return any(line.applicable for line in self.items + self.outcomes)

    def chart(self) -> dict:
        """Chart.js data for the headline metric's three months (values as floats, None = no data)."""
        line = self.headline
        if line is None:
            return {}
        return {
            "title": line.title,
            "labels": [f"{m.start:%b %Y}" for m, _ in line.months],
            "values": [float(c.value) if c and c.value is not None else None for _, c in line.months],
            "benchmark": float(line.benchmark) if line.benchmark is not None else None,
            "unit": line.unit,
        }


@dataclass
class QuarterlyReport:
    quarter: Quarter
    scope: Scope
    sections: list[MeasureSection]
    reviews_counted: int
    extract_as_of: date | None
    min_cell: int
    # No count of survey responses: a total over all groups minus the published groups would give
    # a suppressed group's size.

    @property
    def has_any_data(self) -> bool:
        return bool(
            self.reviews_counted
            or any(s.surveys for s in self.sections)
            or any(s.has_metric_data for s in self.sections)
        )


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


def _latest_results(user: User, codes: list[str], periods: list[str], dimension: str, keys: list[str] | None):
    """Stored rows of the current extract's finished runs; per (metric, period, key) the latest run."""
    qs = MetricResult.objects.filter(
        metric__in=codes,
        period__in=periods,
        dimension=dimension,
        run__status=MetricRun.Status.DONE,
        run__extract__is_current=True,
    )
    if keys is not None:
        qs = qs.filter(key__in=keys)
    if dimension == "AGENCY":
        qs = scope_queryset_by_codes(qs, user, capability=CAPABILITY, code_field="key")
    latest: dict[tuple[str, str, str], MetricResult] = {}
    for row in qs.select_related("run").order_by("run__started_at", "run_id"):
        latest[(row.metric, row.period, row.key)] = row  # a later run overwrites an earlier one
    return latest


def metric_lines(user: User, quarter: Quarter, scope: Scope) -> tuple[dict[str, MetricLine], date | None]:
    definitions = {m.code: m for m in all_metrics()}
    codes = all_metric_codes()
    periods = [str(m) for m in quarter.months] + [quarter.metrics_period, quarter.shift(-1).metrics_period]
    dimension, key = ("STATE", "MO") if scope.is_statewide else ("AGENCY", scope.agency.code)
    latest = _latest_results(user, codes, periods, dimension, [key])
    as_of = max((r.as_of_date for r in latest.values()), default=None)
    lines: dict[str, MetricLine] = {}
    for code in codes:
        metric = definitions.get(code)
        sample = next((r for (c, _, _), r in latest.items() if c == code), None)
        line = MetricLine(
            code=code,
            title=metric.title if metric else code.replace("_", " ").capitalize(),
            unit=sample.unit if sample else (metric.unit if metric else ""),
            direction=metric.direction if metric else "",
            # The benchmark in force is the one stored with the results; the definition's otherwise.
            benchmark=sample.benchmark if sample else (metric.benchmark if metric else None),
            comparator=sample.comparator if sample else (metric.comparator if metric else ""),
            computed=metric is not None,
        )
        for month in quarter.months:
            row = latest.get((code, str(month), key))
            line.months.append((month, MetricCell.of(row) if row else None))
        row = latest.get((code, quarter.metrics_period, key))
        line.quarter = MetricCell.of(row) if row else None
        line.previous = _cell(latest.get((code, quarter.shift(-1).metrics_period, key)))
        lines[code] = line
    return lines, as_of


def agency_breakdown(user: User, quarter: Quarter) -> dict[str, list[AgencyMetricRow]]:
    """Statewide view: each measure's headline metric per agency (months and quarter)."""
    codes = [m.headline_metric for m in MEASURES if m.headline_metric]
    periods = [str(m) for m in quarter.months] + [quarter.metrics_period]
    latest = _latest_results(user, codes, periods, "AGENCY", None)
    keys: dict[str, set[str]] = defaultdict(set)
    for metric, _, key in latest:
        keys[metric].add(key)
    out: dict[str, list[AgencyMetricRow]] = {}
    for code in codes:
        rows = []
        for key in sorted(keys[code]):
            months = [(m, _cell(latest.get((code, str(m), key)))) for m in quarter.months]
            rows.append(AgencyMetricRow(key, months, _cell(latest.get((code, quarter.metrics_period, key)))))
        out[code] = rows
    return out


def _cell(row: MetricResult | None) -> MetricCell | None:
    return MetricCell.of(row) if row else None


def reviews_in_quarter(user: User, quarter: Quarter, scope: Scope):
    # The one definition of a review's quarter (reviews.periods), shared with the review summaries.
    # The two blind reviews of a calibration case never count (reviews.calibration.counted).
    reviews = ended_between(
        counted(Review.objects.filter(status__in=REPORTABLE_REVIEW_STATUSES)), quarter.start, quarter.end
    )
    reviews = scope_queryset(reviews, user, capability=CAPABILITY, agency_field="case__agency")
    if scope.agency is not None:
        reviews = reviews.filter(case__agency=scope.agency)
    return reviews


def review_lines(
    user: User, quarter: Quarter, scope: Scope
) -> tuple[dict[str, ReviewLine], dict[str, ReviewLine], int]:
    """% Strength per item and % Substantially achieved per outcome, over applicable cases only.

    The counting is the reviews app's own (reviews.summaries, one grouped query each), so this
    report and the Review summaries page agree for the same set of reviews."""
    reviews = reviews_in_quarter(user, quarter, scope)
    items = {
        row.key: ReviewLine(row.key, "item", row.label, row.achieved, row.applicable)
        for row in summaries.item_performance(reviews)
        if row.key in ITEM_KEYS
    }
    outcomes = {
        row.key: ReviewLine(row.key, "outcome", row.label, row.achieved, row.applicable)
        for row in summaries.outcome_performance(reviews)
        if row.key in OUTCOME_KEYS
    }
    return items, outcomes, reviews.count()


def survey_results(user: User, quarter: Quarter, scope: Scope) -> list[SurveyLine]:
    """Tagged questions' results per respondent group, for responses submitted in the quarter.

    One agency or statewide, the surveys app's own results over every response of the scope,
    shown or suppressed by the one suppression pattern the surveys pages use
    (`surveys.results.disclosure`, primary and complementary). That pattern already hides what
    subtraction would give: when 6ZB's youth cell is small, 6ZA's youth cell is hidden too, so
    the statewide figure (published) minus 6ZA's (hidden) gives nothing.
    """
    responses = submitted_responses_for_user(user, CAPABILITY).filter(
        submitted_on__gte=quarter.start, submitted_on__lte=quarter.end
    )
    if scope.agency is not None:
        responses = responses.filter(agency=scope.agency)
    tagged = Question.objects.filter(pk__in=MeasureTag.objects.filter(code__in=all_survey_tags()).values("question_id"))
    cells = question_results(responses, questions=tagged, by_group=True, shown_by=disclosure())
    return [SurveyLine.of(r) for r in cells]


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def quarterly_report(user: User, quarter: Quarter, scope: Scope) -> QuarterlyReport:
    """Assemble the merged report; `scope` must come from `resolve_scope` (it checks access)."""
    if scope.is_statewide and not holds_statewide(user, CAPABILITY):
        # resolve_scope already refuses this; statewide rows are not scoped further below.
        raise PermissionDenied("Only state staff see the statewide report.")
    metrics, as_of = metric_lines(user, quarter, scope)
    items, outcomes, reviews_counted = review_lines(user, quarter, scope)
    survey_rows = survey_results(user, quarter, scope)
    by_agency = agency_breakdown(user, quarter) if scope.is_statewide else {}
    sections = []
    for measure in MEASURES:
        tags = set(measure.survey_tags)
        sections.append(
            MeasureSection(
                measure=measure,
                metrics=[metrics[code] for code in measure.metrics],
                items=[items[key] for key in measure.osri_items],
                outcomes=[outcomes[key] for key in measure.osri_outcomes],
                surveys=[line for line in survey_rows if tags & set(line.tags)],
                by_agency=by_agency.get(measure.headline_metric or "", []),
            )
        )
    return QuarterlyReport(
        quarter=quarter,
        scope=scope,
        sections=sections,
        reviews_counted=reviews_counted,
        extract_as_of=as_of,
        min_cell=min_cell(),
    )


def default_quarter(today: date) -> Quarter:
    """The latest quarter with stored quarterly metric results, else the last complete quarter."""
    periods = (
        MetricResult.objects.filter(
            period_type="QUARTER", run__status=MetricRun.Status.DONE, run__extract__is_current=True
        )
        .values_list("period", flat=True)
        .distinct()
    )
    quarters = [Quarter.parse(p) for p in periods if QUARTER_RE.match(p)]
    if quarters:
        return max(quarters)
    return Quarter.of(today).shift(-1)


def quarter_choices(today: date, selected: Quarter | None = None, count: int = 8) -> list[Quarter]:
    """The picker's quarters, newest first: the last `count` complete quarters, every quarter with
    quarterly metric results, and the one on screen."""
    last = Quarter.of(today).shift(-1)
    found = {last.shift(-i) for i in range(count)}
    periods = (
        MetricResult.objects.filter(period_type="QUARTER", run__extract__is_current=True)
        .values_list("period", flat=True)
        .distinct()
    )
    found |= {Quarter.parse(p) for p in periods if QUARTER_RE.match(p)}
    if selected is not None:
        found.add(selected)
    return sorted(found, reverse=True)
