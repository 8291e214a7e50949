"""The quarterly Response and Evaluation report as data: the machine-readable report and its snapshot.

`build(user, quarter, scope)` reads the stored figures (through reports.quarterly, which reads
each app's own results and scoping) and returns a *snapshot*: a JSON-serialisable dict that holds
everything the report shows, so a published version renders from it alone and later
recomputations, reviews or survey responses never change it.

    {
      "report":  the machine-readable report (the `quarterly_report --format json` output and the
                 read API's shape): quarter, scope, status, version, generated_at, measures;
      "context": labels and counts for the title page and the "About the data" section;
      "texts":   the team's editable texts (introduction, successes, challenges, commentary ...);
      "charts":  per measure, the chart specifications (reports.charts draws them);
      "rows":    the data appendix, one row per figure (the CSV/XLSX export rows).
    }

Each measure of "report" carries `code`, `title`, `metrics`, `reviews`, `surveys` and `analysis`
(a list of `{"text", "facts", ...}` from reports.analysis), plus `domain` and `requirement` for
the page.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Agency, User
from metrics.descriptions import describe
from metrics.registry import all_metrics
from reports import analysis, charts, exports, extract_agreement
from reports import wording as w
from reports.formatting import metric_number
from reports.measures import all_metric_codes
from reports.quarterly import (
    STATEWIDE,
    MeasureSection,
    MetricCell,
    MetricLine,
    Quarter,
    Scope,
    _latest_results,
    metric_lines,
    quarterly_report,
    reviews_in_quarter,
)
from reviews import summaries
from reviews.instrument import get_instrument

TITLE = "Response and Evaluation Report for Case Management of Children in Foster Care"
LAW = "HB 1414 (2020)"

# Per-person review questions (reviews.summaries.PARENT_MEASURES) as the subject of a sentence.
PEOPLE_WORDS: dict[str, tuple[str, str]] = {
    "8A": ("the frequency of visits with the mother", "frequency"),
    "8C": ("the quality of visits with the mother", "quality"),
    "8B": ("the frequency of visits with the father", "frequency"),
    "8D": ("the quality of visits with the father", "quality"),
    "8E": ("the frequency of contact with siblings in care", "frequency"),
    "8F": ("the quality of contact with siblings in care", "quality"),
    "14A": ("the frequency of caseworker visits with the child", "frequency"),
    "14B": ("the quality of caseworker visits with the child", "quality"),
    "15B1": ("the frequency of caseworker visits with the mother", "frequency"),
    "15C1": ("the quality of caseworker visits with the mother", "quality"),
    "15B2": ("the frequency of caseworker visits with the father", "frequency"),
    "15C2": ("the quality of caseworker visits with the father", "quality"),
}


# --------------------------------------------------------------------------------------------
# Small conversions
# --------------------------------------------------------------------------------------------


def _num(value: Decimal | None) -> int | float | None:
    """A stored count as a JSON number: 19 (not 19.0000), 12.5 for FTE or money."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def cell_json(cell: MetricCell | None, unit: str) -> dict[str, Any] | None:
    if cell is None:
        return None
    return {
        "numerator": _num(cell.numerator),
        "denominator": _num(cell.denominator),
        "value": metric_number(cell.value, unit) if cell.value is not None else None,
        "meets": cell.meets,
        "status": cell.status,
        "small_n": cell.small_n,
        "band": cell.band,
    }


def _row_cell(row, unit: str) -> dict[str, Any] | None:
    return cell_json(MetricCell.of(row), unit) if row is not None else None


def next_due_date(quarter: Quarter) -> date:
    """The publication due date of a quarter's report: its end plus three months and a day
    (month ends kept: July–September is due by 1 January, October–December by 1 April)."""
    last = quarter.months[-1].shift(3)
    return date(last.year, last.month, calendar.monthrange(last.year, last.month)[1]) + timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Figures that quarterly_report does not carry: every agency, circuits, the state beside an agency
# --------------------------------------------------------------------------------------------


def _agency_cells(user: User, quarter: Quarter, codes: list[str], units: dict[str, str]) -> dict[str, dict]:
    """metric -> agency code -> {"months": {period: cell}, "quarter": cell} (statewide report)."""
    months = [str(m) for m in quarter.months]
    latest = _latest_results(user, codes, [*months, quarter.metrics_period], "AGENCY", None)
    out: dict[str, dict] = defaultdict(dict)
    keys: dict[str, set[str]] = defaultdict(set)
    for metric, _period, key in latest:
        keys[metric].add(key)
    for metric in codes:
        for key in sorted(keys[metric]):
            out[metric][key] = {
                "months": {p: _row_cell(latest.get((metric, p, key)), units[metric]) for p in months},
                "quarter": _row_cell(latest.get((metric, quarter.metrics_period, key)), units[metric]),
            }
    return out


def _circuit_counts(user: User, quarter: Quarter, codes: list[str]) -> dict[str, dict]:
    """Per metric: circuits meeting the goal each month, circuits with a result, circuits meeting
    it in all three months, and the same for the previous quarter (None when not stored)."""
    months = [str(m) for m in quarter.months]
    before = [str(m) for m in quarter.shift(-1).months]
    latest = _latest_results(user, codes, months + before, "CIRCUIT", None)
    per: dict[str, dict[str, dict[str, MetricCell]]] = defaultdict(lambda: defaultdict(dict))
    for (metric, period, key), row in latest.items():
        per[metric][period][key] = row
    out = {}
    for metric in codes:
        rows = per.get(metric, {})
        if not any(rows.get(p) for p in months):
            continue

        def every(periods: list[str], rows=rows) -> int | None:
            if not all(rows.get(p) for p in periods):
                return None
            circuits = set.intersection(*(set(rows[p]) for p in periods))
            return sum(1 for c in circuits if all(rows[p][c].meets is True for p in periods))

        out[metric] = {
            "meeting": {p: sum(1 for r in rows.get(p, {}).values() if r.meets is True) for p in months},
            "with_result": {p: sum(1 for r in rows.get(p, {}).values() if r.value_rounded is not None) for p in months},
            "every": every(months),
            "previous_every": every(before),
        }
    return out


# --------------------------------------------------------------------------------------------
# One measure
# --------------------------------------------------------------------------------------------


def _metric_json(
    line: MetricLine,
    definitions: dict,
    scope: Scope,
    quarter: Quarter,
    state: dict[str, MetricLine] | None,
    agencies: dict[str, dict],
    circuits: dict[str, dict],
) -> dict[str, Any]:
    metric = definitions.get(line.code)
    description = describe(line.code)
    months = [str(m) for m in quarter.months]
    has_goal = line.benchmark is not None
    data: dict[str, Any] = {
        "metric": line.code,
        "title": line.title,
        "unit": line.unit,
        "unit_label": w.UNIT_LABELS.get(line.unit, ""),
        "period_type": metric.period_type if metric else "",
        "direction": line.direction,
        "comparator": line.comparator if has_goal else "",
        "goal": metric_number(line.benchmark, line.unit) if has_goal else None,
        "computed": line.computed,
        "definition": metric.definition if metric else "",
        "includes": description.includes,
        "excludes": description.excludes,
        "months": {str(m): cell_json(c, line.unit) for m, c in line.months},
        "quarter": cell_json(line.quarter, line.unit),
        "previous_quarter": cell_json(line.previous, line.unit),
        "statewide": None,
        "agencies": None,
        "agencies_by_months_met": None,
        "circuits_meeting": None,
        "circuits_with_result": None,
        "circuits_meeting_every_month": None,
        "previous_quarter_circuits_meeting_every_month": None,
    }
    if state is not None and line.code in state:
        other = state[line.code]
        data["statewide"] = {
            "months": {str(m): cell_json(c, line.unit) for m, c in other.months},
            "quarter": cell_json(other.quarter, line.unit),
        }
    if scope.is_statewide:
        data["agencies"] = agencies.get(line.code, {})
        if has_goal:
            data["agencies_by_months_met"] = analysis.agencies_by_months_met(data["agencies"], months)
            counts = circuits.get(line.code)
            if counts:
                data["circuits_meeting"] = counts["meeting"]
                data["circuits_with_result"] = counts["with_result"]
                data["circuits_meeting_every_month"] = counts["every"]
                data["previous_quarter_circuits_meeting_every_month"] = counts["previous_every"]
    return data


def _reviews_json(section: MeasureSection, ani: dict, people: list, reviews_counted: int) -> dict[str, Any]:
    instrument = get_instrument()
    items = []
    for line in section.items:
        tally: dict[str, int] = {}
        for reason, n in ani.get(line.key, []):
            if text := w.reason_words(reason):
                tally[text] = tally.get(text, 0) + n
        items.append(
            {
                "item": line.key,
                "title": line.title,
                "purpose": w.item_purpose(instrument.item(line.key).purpose),
                "strength": line.achieved,
                "ani": line.applicable - line.achieved,
                "applicable": line.applicable,
                "percent_strength": str(line.percent) if line.percent is not None else None,
                "ani_reasons": [
                    {"reason": r, "count": n} for r, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
                ],
            }
        )
    outcomes = [
        {
            "outcome": line.key,
            "title": line.title,
            "substantially_achieved": line.achieved,
            "applicable": line.applicable,
            "percent": str(line.percent) if line.percent is not None else None,
        }
        for line in section.outcomes
    ]
    wanted = {f"Item {key}" for key in section.measure.osri_items}
    persons = []
    for row in people:
        if row.group in wanted and row.key in PEOPLE_WORDS and row.applicable:
            subject, aspect = PEOPLE_WORDS[row.key]
            persons.append(
                {
                    "item": row.group.removeprefix("Item "),
                    "question": row.key,
                    "label": row.label,
                    "subject": subject,
                    "aspect": aspect,
                    "applicable": row.applicable,
                    "sufficient": row.achieved,
                    "percent": str(w.percent(row.achieved, row.applicable)) if row.applicable else None,
                }
            )
    return {"reviews_counted": reviews_counted, "items": items, "outcomes": outcomes, "people": persons}


def _surveys_json(section: MeasureSection) -> dict[str, Any]:
    results = []
    for line in section.surveys:
        if line.suppressed:
            # A suppressed cell carries no number at all, not even a zero.
            results.append(
                {
                    "question": line.code,
                    "text": line.text,
                    "group": line.group,
                    "group_label": line.group_label,
                    "suppressed": True,
                    "favourable": None,
                    "n": None,
                    "percent": None,
                }
            )
            continue
        results.append(
            {
                "question": line.code,
                "text": line.text,
                "group": line.group,
                "group_label": line.group_label,
                "suppressed": False,
                "favourable": line.favourable if line.has_favourable else None,
                "n": line.n,
                "percent": str(line.percent) if line.percent is not None else None,
            }
        )
    return {
        "tagged": bool(section.measure.survey_tags),
        "results": results,
        # Versions frozen before complementary suppression pooled only the agencies' published
        # cells and said so (True); the statewide figure now counts every response.
        "withheld": False,
    }


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def build(
    user: User,
    quarter: Quarter,
    scope: Scope,
    *,
    status: str = "draft",
    version: int | None = None,
    texts: dict | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The snapshot of the report from the current stored figures (see the module docstring).

    `scope` must come from a permission check (reports.quarterly.resolve_scope or
    reports.publishing); the figures are read with `user`'s scoping as well."""
    now = now or timezone.now()
    version = version or 1
    base = quarterly_report(user, quarter, scope)
    definitions = {m.code: m for m in all_metrics()}
    codes = all_metric_codes()
    units = {line.code: line.unit for section in base.sections for line in section.metrics if line.code in definitions}
    units.update({code: definitions[code].unit for code in codes if code in definitions and code not in units})
    computed_codes = [c for c in codes if c in definitions]
    agencies = _agency_cells(user, quarter, computed_codes, units) if scope.is_statewide else {}
    circuits = _circuit_counts(user, quarter, computed_codes) if scope.is_statewide else {}
    state = None if scope.is_statewide else metric_lines(user, quarter, Scope(None))[0]
    reviews = reviews_in_quarter(user, quarter, scope)
    ani = {row.item: row.reasons for row in summaries.ani_reasons(reviews)}
    people = summaries.parent_breakdown(reviews) if base.reviews_counted else []

    context = {
        "title": TITLE,
        "law": LAW,
        "quarter_label": quarter.label,
        "previous_label": quarter.shift(-1).label,
        "next_quarter": str(quarter.shift(1)),
        "next_label": quarter.shift(1).label,
        "months": [str(m) for m in quarter.months],
        "scope": scope.parameter,
        "scope_label": scope_label(scope),
        "extract_as_of": base.extract_as_of.isoformat() if base.extract_as_of else None,
        "reviews_counted": base.reviews_counted,
        "min_cell": base.min_cell,
        "agencies": agencies_evaluated(scope),
        # issue 16: review versus extract; snapshots made before it have no such key and show nothing
        "extract_agreement": extract_agreement.for_report(user, quarter, scope),
    }
    measures = []
    chart_specs = {}
    for section in base.sections:
        measure = {
            "code": section.measure.code,
            "title": section.measure.title,
            "domain": section.measure.domain,
            "requirement": section.measure.requirement,
            "metrics": [
                _metric_json(line, definitions, scope, quarter, state, agencies, circuits) for line in section.metrics
            ],
            "reviews": _reviews_json(section, ani, people, base.reviews_counted),
            "surveys": _surveys_json(section),
        }
        measure["analysis"] = analysis.measure_sentences(measure, context)
        measures.append(measure)
        chart_specs[measure["code"]] = charts.measure_charts(measure, context)
    report = {
        "quarter": str(quarter),
        "scope": scope.parameter,
        "status": status,
        "version": version,
        "generated_at": now.isoformat(timespec="seconds"),
        "measures": measures,
    }
    return {
        "report": report,
        "context": context,
        "texts": texts if texts is not None else default_texts(quarter, scope),
        "charts": chart_specs,
        "rows": exports.merged_rows(base),
    }


def scope_label(scope: Scope) -> str:
    if scope.is_statewide:
        return "Statewide: Children's Division and all contracted agencies"
    return f"{scope.agency.name} ({scope.agency.code})"


def agencies_evaluated(scope: Scope) -> list[dict[str, str]]:
    """The agencies the report evaluates, for the introduction: CD and each active FCCM agency."""
    if scope.agency is not None:
        return [{"code": scope.agency.code, "name": scope.agency.name}]
    return [{"code": a.code, "name": a.name} for a in Agency.objects.filter(active=True).order_by("code")]


# --------------------------------------------------------------------------------------------
# The team's texts: defaults for a new report
# --------------------------------------------------------------------------------------------

INTRODUCTION = (
    "Section 210.112 RSMo, enacted by House Bill 1414 (2020), requires the Children's Division to evaluate, "
    "uniformly, transparently and objectively, the case management of children in foster care provided by the "
    "Division and by the agencies it contracts for foster care case management. The regulation 13 CSR 35-35.100 "
    "sets out the measures: safety, well-being, permanency and service.\n\n"
    "This report presents those measures for {quarter_label} for {scope}. The agencies evaluated are {agencies}. "
    "Its purpose is to give objective metrics of the quality of the services children and families receive, so "
    "that agencies, the Division and the oversight committee can see where practice is strong and where it "
    "needs attention.\n\n"
    "Every metric considers the factors the statute names: caseloads capped for contracted agencies, and cases "
    "returned to the Children's Division for catastrophic cost or by court order."
)

CONCLUSION = (
    "Implementation of the evaluation continues as planned. Quality-assurance meetings with each agency review "
    "these figures, the case reviews and the stakeholder feedback, and agree the actions named in the "
    "commentary above.\n\n"
    "The next reporting period is {next_label}; its report is due for publication by {due}."
)


def default_texts(quarter: Quarter, scope: Scope) -> dict[str, Any]:
    """The editable texts of a new report; the team edits them before publishing."""
    agencies = agencies_evaluated(scope)
    names = w.join([f"{a['name']} ({a['code']})" for a in agencies])
    scope_words = "every agency" if scope.is_statewide else scope.agency.name
    due = next_due_date(quarter.shift(1))
    return {
        "introduction": INTRODUCTION.format(quarter_label=quarter.label, scope=scope_words, agencies=names),
        "successes": [],
        "challenges": [],
        "commentary": {},
        "additional_data": "None this period.",
        "conclusion": CONCLUSION.format(next_label=quarter.shift(1).label, due=f"{due:%B} {due.day}, {due.year}"),
        "next_period": str(quarter.shift(1)),
        "next_due": due.isoformat(),
    }


def parse_scope_parameter(value: str) -> str:
    return STATEWIDE if value.lower() == STATEWIDE else value.upper()
