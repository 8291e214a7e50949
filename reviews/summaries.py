"""Supervisors' review summaries: aggregation over the stored rating rows (spec osri.md §4.3, §5.5).

Which reviews count: by default those in REPORTED statuses (approved, in second-level QA,
finalized), i.e. reviews that passed first-level QA; `statuses="all"` adds every review that is
not eliminated (in progress ones too), for a supervisor watching work as it happens.
The period filter selects reviews whose period under review ended within [start, end], the one
definition of a review's quarter (reviews.periods, shared with the quarterly report).

Performance is measured on applicable cases only: an item's applicable n counts reviews rated
Strength or ANI (effective rating, so QA overrides count), an outcome's counts reviews rated
Substantially, Partially or Not achieved. Every count is one grouped SQL query; only the ANI
reasons (a JSON list per rating row) are tallied in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts import charts
from accounts.models import User
from reviews.access import reviews_for_user
from reviews.calibration import counted
from reviews.instrument import get_instrument
from reviews.instrument.items import SCORING_ORDER
from reviews.instrument.outcomes import OUTCOME_KEYS
from reviews.models import Answer, ItemRating, OutcomeRating, ParticipantRating, Review
from reviews.periods import ended_between, quarter_bounds
from reviews.workflow import REPORTED

Status = Review.Status
STATUS_SETS: dict[str, tuple[str, ...]] = {
    "reported": tuple(REPORTED),
    "all": tuple(s for s in Status.values if s != Status.ELIMINATED),
}
GROUPS: dict[str, tuple[str, str]] = {
    # group key -> (lookup from the review, label)
    "agency": ("case__agency__code", "Agency"),
    "circuit": ("case__county__circuit_id", "Circuit"),
    "case_type": ("case__case_type", "Case type"),
}
CASE_TYPE_LABELS = {"FOSTER_CARE": "Foster care", "IN_HOME": "In-home", "IN_HOME_DR_AR": "In-home (DR/AR)"}

# Per-parent measures (the seed report's charts 5, 12 and 18): item, label, question, source.
PARENT_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("8", "Mother: visit frequency", "8A"),
    ("8", "Mother: visit quality", "8C"),
    ("8", "Father: visit frequency", "8B"),
    ("8", "Father: visit quality", "8D"),
    ("8", "Siblings: visit frequency", "8E"),
    ("8", "Siblings: visit quality", "8F"),
    ("14", "Child: caseworker visit frequency", "14A"),
    ("14", "Child: caseworker visit quality", "14B"),
    ("15", "Mother: caseworker visit frequency", "15B1"),
    ("15", "Mother: caseworker visit quality", "15C1"),
    ("15", "Father: caseworker visit frequency", "15B2"),
    ("15", "Father: caseworker visit quality", "15C2"),
)


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None
    end: dt.date | None = None
    agency: str = ""
    circuit: int | None = None
    case_type: str = ""
    statuses: str = "reported"

    def params(self) -> dict[str, str]:
        """The filters as query parameters (for drill-down and export links)."""
        values = {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "agency": self.agency,
            "circuit": str(self.circuit or ""),
            "case_type": self.case_type,
            "statuses": self.statuses,
        }
        return {k: v for k, v in values.items() if v}


def parse_filters(data: Any) -> tuple[Filters, list[str]]:
    """Filters from GET parameters; bad values are named and ignored."""
    errors = []

    def date(name: str) -> dt.date | None:
        text = (data.get(name) or "").strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            errors.append(f"{name}: {text!r} is not a date (YYYY-MM-DD)")
            return None

    circuit = None
    if (data.get("circuit") or "").strip():
        try:
            circuit = int(data["circuit"])
        except ValueError:
            errors.append(f"circuit: {data['circuit']!r} is not a circuit number")
    statuses = data.get("statuses") or "reported"
    if statuses not in STATUS_SETS:
        errors.append(f"statuses: {statuses!r} is not one of {', '.join(STATUS_SETS)}")
        statuses = "reported"
    case_type = data.get("case_type") or ""
    if case_type and case_type not in CASE_TYPE_LABELS:
        errors.append(f"case_type: {case_type!r} is not a case type")
        case_type = ""
    start, end = date("start"), date("end")
    quarter = (data.get("quarter") or "").strip().upper()
    if quarter:
        bounds = quarter_bounds(quarter)
        if bounds is None:
            errors.append(f"quarter: {quarter!r} is not a quarter like 2023Q3")
        else:
            start, end = bounds
    return (
        Filters(start, end, (data.get("agency") or "").strip().upper(), circuit, case_type, statuses),
        errors,
    )


def reviews_for_summary(user: User, filters: Filters) -> QuerySet[Review]:
    """The reviews a summary counts: the agencies where the user holds report.view, the filters, the
    counted statuses."""
    # The two blind reviews of a calibration case never count: its consensus review does.
    qs = counted(reviews_for_user(user, "report.view")).filter(status__in=STATUS_SETS[filters.statuses])
    # One definition of a review's period (reviews.periods): the day its period under review ended.
    qs = ended_between(qs, filters.start, filters.end)
    if filters.agency:
        qs = qs.filter(case__agency__code=filters.agency)
    if filters.circuit:
        qs = qs.filter(case__county__circuit_id=filters.circuit)
    if filters.case_type:
        qs = qs.filter(case__case_type=filters.case_type)
    return qs


@dataclass
class Row:
    group: str
    key: str
    label: str
    applicable: int
    achieved: int
    group_value: str = ""  # the raw group value for drill-down links (e.g. 16 for "Circuit 16")

    @property
    def percent(self) -> float | None:
        return round(100 * self.achieved / self.applicable, 1) if self.applicable else None


def _group_label(group_by: str, value: Any) -> str:
    if not group_by:
        return "All"
    if value is None:
        return "(none)"
    if group_by == "case_type":
        return CASE_TYPE_LABELS.get(value, value)
    if group_by == "circuit":
        return f"Circuit {value}"
    return str(value)


def _performance(model, field_name: str, keys, applicable_values, achieved_value, reviews, group_by: str, labels):
    group_lookup = f"review__{GROUPS[group_by][0]}" if group_by else None
    values = [group_lookup, field_name] if group_lookup else [field_name]
    rows = (
        model.objects.filter(review__in=reviews)
        .values(*values)
        .annotate(
            applicable=Count("id", filter=Q(effective__in=applicable_values)),
            achieved=Count("id", filter=Q(effective=achieved_value)),
        )
        .order_by()
    )
    found: dict[tuple[Any, str], dict] = {
        (r.get(group_lookup) if group_lookup else None, r[field_name]): r for r in rows
    }
    groups = sorted({g for g, _ in found}, key=lambda g: (g is None, str(g))) if group_lookup else [None]
    result = []
    for group in groups:
        for key in keys:
            r = found.get((group, key), {})
            result.append(
                Row(
                    _group_label(group_by, group),
                    key,
                    labels[key],
                    r.get("applicable", 0),
                    r.get("achieved", 0),
                    "" if group is None and not group_by else ("(none)" if group is None else str(group)),
                )
            )
    return result


def item_performance(reviews: QuerySet[Review], group_by: str = "") -> list[Row]:
    """Per item (and group): applicable n (Strength or ANI) and number of Strengths."""
    instrument = get_instrument()
    labels = {key: instrument.item(key).title for key in SCORING_ORDER}
    return _performance(ItemRating, "item", SCORING_ORDER, ["STRENGTH", "ANI"], "STRENGTH", reviews, group_by, labels)


def outcome_performance(reviews: QuerySet[Review], group_by: str = "") -> list[Row]:
    """Per outcome (and group): applicable n (rated, not NA) and number Substantially achieved."""
    instrument = get_instrument()
    labels = {key: instrument.outcome(key).statement for key in OUTCOME_KEYS}
    rated = ["SUBSTANTIALLY_ACHIEVED", "PARTIALLY_ACHIEVED", "NOT_ACHIEVED"]
    return _performance(
        OutcomeRating, "outcome", OUTCOME_KEYS, rated, "SUBSTANTIALLY_ACHIEVED", reviews, group_by, labels
    )


def parent_breakdown(reviews: QuerySet[Review]) -> list[Row]:
    """Per parent (mother, father, siblings) and aspect: cases where it applied and where it was sufficient.

    A case counts once even with several fathers: applicable when any person's answer is YES or NO,
    sufficient when applicable and nobody's answer is NO (the slot rule of spec §1.8). Items 8 and 15
    come from ParticipantRating; item 14 (the child) from the 14A / 14B answers of reviews where item 14
    is rated.
    """
    codes = [code for _, _, code in PARENT_MEASURES]
    per_code = {
        r["question_code"]: r
        for r in ParticipantRating.objects.filter(review__in=reviews, question_code__in=codes)
        .values("question_code")
        .annotate(
            applicable=Count("review", distinct=True, filter=Q(applicable=True)),
            with_no=Count("review", distinct=True, filter=Q(answer="NO")),
        )
        .order_by()
    }
    rated_14 = ItemRating.objects.filter(review__in=reviews, item="14", effective__in=["STRENGTH", "ANI"]).values(
        "review"
    )
    per_code.update(_child_visits(rated_14))
    rows = []
    for item, label, code in PARENT_MEASURES:
        r = per_code.get(code, {})
        applicable = r.get("applicable", 0)
        rows.append(Row(f"Item {item}", code, label, applicable, applicable - r.get("with_no", 0)))
    return rows


# Item 14 is about the child, not a parent: its answers are case-level. 14A1 = NEVER makes 14A = NO
# (the instrument derives it, so there may be no stored 14A answer) and leaves 14B not applicable.
NEVER_VISITED = Q(question_code="14A1", value="NEVER")
CHILD_VISIT_RULES: dict[str, tuple[Q, Q]] = {
    # code: (applicable, not sufficient)
    "14A": (
        Q(question_code="14A", value__in=["YES", "NO"]) | NEVER_VISITED,
        Q(question_code="14A", value="NO") | NEVER_VISITED,
    ),
    "14B": (Q(question_code="14B", value__in=["YES", "NO"]), Q(question_code="14B", value="NO")),
}


def _child_visits(rated_14) -> dict[str, dict[str, int]]:
    answers = Answer.objects.filter(review__in=rated_14, question_code__in=["14A", "14A1", "14B"], participant=None)
    totals = answers.aggregate(
        **{
            f"{code}_{name}": Count("review", distinct=True, filter=rule)
            for code, rules in CHILD_VISIT_RULES.items()
            for name, rule in zip(("applicable", "with_no"), rules, strict=True)
        }
    )
    return {
        code: {"applicable": totals[f"{code}_applicable"], "with_no": totals[f"{code}_with_no"]}
        for code in CHILD_VISIT_RULES
    }


@dataclass
class AniReasons:
    item: str
    title: str
    total: int
    reasons: list[tuple[str, int]]


def normalise_reason(reason: str) -> str:
    """'8B = NO (f1 = YES, f2 = NO)' -> '8B = NO'; '12B: 12B2 = NO' stays (it names the sub-item)."""
    return reason.split(" (")[0].strip()


def ani_reasons(reviews: QuerySet[Review]) -> list[AniReasons]:
    """For each item, how many calculated ANI ratings each deciding answer caused ("13 of 16 ANI had 14B = NO")."""
    instrument = get_instrument()
    totals: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {}
    rows = ItemRating.objects.filter(review__in=reviews, calculated="ANI", effective="ANI").values_list(
        "item", "reasons"
    )
    for item, reasons in rows:
        totals[item] += 1
        tally = counts.setdefault(item, Counter())
        for reason in {normalise_reason(r) for r in reasons or []}:
            tally[reason] += 1
    return [
        AniReasons(
            key, instrument.item(key).title, totals[key], sorted(counts[key].items(), key=lambda kv: (-kv[1], kv[0]))
        )
        for key in SCORING_ORDER
        if totals[key]
    ]


def drill_down(reviews: QuerySet[Review], params: Any) -> tuple[QuerySet[Review], str]:
    """The reviews behind one number of a summary table, and a description of the number."""
    group_by = params.get("group_by") or ""
    group = params.get("group")
    if group_by in GROUPS and group not in (None, ""):
        lookup = GROUPS[group_by][0]
        if group == "(none)":
            reviews = reviews.filter(**{f"{lookup}__isnull": True})
        else:
            reviews = reviews.filter(**{lookup: group})
    what = params.get("measure", "")
    if item := params.get("item"):
        ratings = {"achieved": ["STRENGTH"], "applicable": ["STRENGTH", "ANI"], "ani": ["ANI"]}.get(what, ["STRENGTH"])
        ids = ItemRating.objects.filter(item=item, effective__in=ratings).values("review")
        if reason := params.get("reason"):
            matching = [
                pk
                for pk, reasons in ItemRating.objects.filter(
                    review__in=reviews, item=item, calculated="ANI", effective="ANI"
                ).values_list("review", "reasons")
                if reason in {normalise_reason(r) for r in reasons or []}
            ]
            return reviews.filter(pk__in=matching), f"item {item} ANI with {reason}"
        return reviews.filter(pk__in=ids), f"item {item}: {what or 'achieved'}"
    if outcome := params.get("outcome"):
        rated = ["SUBSTANTIALLY_ACHIEVED", "PARTIALLY_ACHIEVED", "NOT_ACHIEVED"]
        ratings = rated if what == "applicable" else ["SUBSTANTIALLY_ACHIEVED"]
        ids = OutcomeRating.objects.filter(outcome=outcome, effective__in=ratings).values("review")
        return reviews.filter(pk__in=ids), f"outcome {outcome}: {what or 'achieved'}"
    if code := params.get("question"):
        if code in CHILD_VISIT_RULES:
            rated_14 = ItemRating.objects.filter(item="14", effective__in=["STRENGTH", "ANI"]).values("review")
            answers = Answer.objects.filter(participant=None, review__in=rated_14)
            applicable_rule, no_rule = CHILD_VISIT_RULES[code]
            applicable = answers.filter(applicable_rule).values("review")
            with_no = answers.filter(no_rule).values("review")
        else:
            rows = ParticipantRating.objects.filter(question_code=code)
            applicable = rows.filter(applicable=True).values("review")
            with_no = rows.filter(answer="NO").values("review")
        reviews = reviews.filter(pk__in=applicable)
        if what != "applicable":
            reviews = reviews.exclude(pk__in=with_no)
        return reviews, f"{code}: {what or 'sufficient'}"
    return reviews, "all counted reviews"


# Why parents were not applicable (Round 4 records a reason for 12B, 13 and 15; issue 12).
PARENT_NA_QUESTIONS = ("12B1", "12B2", "13B", "13C", "15B1", "15B2")


@dataclass(frozen=True)
class NaReasonRow:
    item: str
    code: str
    parent: str
    reason: str  # "" when the reviewer has not said why
    people: int  # NA answers with this reason (one per person, or one for a role answered once)
    cases: int


def parent_na_reasons(reviews: QuerySet[Review]) -> list[NaReasonRow]:
    """For each parent question of 12B, 13 and 15: how many NA answers gave each reason, in how many cases."""
    rows = (
        ParticipantRating.objects.filter(review__in=reviews, question_code__in=PARENT_NA_QUESTIONS, answer="NA")
        .values("item", "question_code", "slot", "na_reason")
        .annotate(people=Count("id"), cases=Count("review", distinct=True))
        .order_by("item", "question_code", "na_reason")
    )
    return [
        NaReasonRow(r["item"], r["question_code"], r["slot"].title(), r["na_reason"], r["people"], r["cases"])
        for r in rows
    ]


STATUS_SET_LABELS = {"reported": "Approved and later (passed first-level QA)", "all": "All but eliminated"}


def filter_context(filters: Filters, group_by: str, agencies: str) -> list[tuple[str, str]]:
    """The summary's filters in words, for an export to say what it shows.

    `agencies` says where the user may see summaries ("all agencies", "6ZA, 6ZB"), named when no
    agency is chosen.
    """
    agency = filters.agency or f"All you may see ({agencies})"
    return [
        ("Period under review from", filters.start.isoformat() if filters.start else "any date"),
        ("Period under review to", filters.end.isoformat() if filters.end else "any date"),
        ("Agency", agency),
        ("Circuit", str(filters.circuit) if filters.circuit else "All"),
        ("Case type", CASE_TYPE_LABELS.get(filters.case_type, "All")),
        ("Reviews counted", STATUS_SET_LABELS[filters.statuses]),
        ("Grouped by", GROUPS[group_by][1] if group_by else "Nothing"),
    ]


def summary_charts(items: list[Row], outcomes: list[Row], parents: list[Row]) -> dict[str, dict]:
    """The summary page's charts (accounts.charts): percent of applicable cases, with n, 0-100 %."""

    def percent_chart(title: str, rows: list[Row], measure: str, labels: list[str], short, horizontal=False):
        return charts.chart(
            title=title,
            labels=labels,
            short=short,
            series=[charts.Series(f"% {measure}", [r.percent for r in rows], n=[r.applicable for r in rows])],
            unit="%",
            axis_title=f"% {measure} (of applicable cases)",
            horizontal=horizontal,
        )

    return {
        "items": percent_chart(
            "Percent Strength by item",
            items,
            "Strength",
            [f"Item {r.key}: {r.label}" for r in items],
            [r.key for r in items],
        ),
        "outcomes": percent_chart(
            "Percent substantially achieved by outcome",
            outcomes,
            "substantially achieved",
            [f"{r.key}: {r.label}" for r in outcomes],
            [r.key for r in outcomes],
        ),
        "parents": percent_chart(
            "Percent sufficient by person and aspect (items 8, 14, 15)",
            parents,
            "sufficient",
            [f"{r.group}, {r.label} ({r.key})" for r in parents],
            [f"{r.key} {r.label}" for r in parents],
            horizontal=True,
        ),
    }
