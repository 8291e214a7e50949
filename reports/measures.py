"""The regulation measures of 13 CSR 35-35.100 and where each is measured.

One measure is looked at from three sides in the quarterly Response and Evaluation report:
- the dashboard metric(s) computed by `metrics/` from the administrative extract (codes of
  spec/metrics.md section 2; the first code is the headline metric of the measure);
- the OSRI case-review item(s) and outcome(s) that judge the same practice case by case
  (keys as `reviews` stores them: "14", "12A", "WB1");
- the stakeholder-survey questions tagged with the measure (spec/surveys.md: a question carries
  metric codes such as `worker_child_visits` as measure tags).

This module is pure data. tests/reports/test_measures.py checks it against the metrics registry,
the OSRI instrument and the survey question bank, so a renamed code fails there, not on a page.
The pairing of metrics with OSRI items is a judgement of this app (the specs pair them only
through the survey tags, e.g. `worker_child_visits` with `item14`); docs/reports.md lists it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Metric codes of spec/metrics.md section 2 ("Phase III") that metrics/ does not compute yet.
# A measure may name them so its survey and review sides show now and its dashboard side
# appears as soon as metrics/ adds the definition; until then the page says "not computed yet".
PLANNED_METRIC_CODES: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Measure:
    code: str
    title: str
    domain: str  # Safety, Well-being, Permanency, Service (spec/metrics.md section 2)
    requirement: str  # what the regulation asks, in one sentence
    metrics: tuple[str, ...]  # headline metric first, then sub-measures
    osri_items: tuple[str, ...] = ()
    osri_outcomes: tuple[str, ...] = ()
    survey_tags: tuple[str, ...] = ()

    @property
    def headline_metric(self) -> str | None:
        return self.metrics[0] if self.metrics else None


MEASURES: tuple[Measure, ...] = (
    # --- Safety -------------------------------------------------------------------------------
    Measure(
        "worker_child_visits",
        "Worker/child visits",
        "Safety",
        "Each child in care the entire month is seen face-to-face by a caseworker at least once a month.",
        ("worker_child_visits", "worker_child_visits_in_residence"),
        osri_items=("14",),
        osri_outcomes=("WB1",),
        survey_tags=("worker_child_visits",),
    ),
    Measure(
        "victimization_in_care",
        "Victimization in foster care",
        "Safety",
        "Substantiated maltreatment of children in care stays at or below 9.07 reports per 100,000 days.",
        ("victimization_in_care",),
        # Item 1 judges the response to maltreatment reports, item 3 the safety assessment of the
        # child in the placement: the case-level view of the same harm.
        osri_items=("1", "3"),
        osri_outcomes=("S1", "S2"),
    ),
    Measure(
        "sentinel_events",
        "Sentinel events",
        "Safety",
        "Fatalities, near fatalities and serious injuries of children in custody are rare and reported within "
        "one business day.",
        ("sentinel_events", "sentinel_event_timely_report"),
        osri_items=("3",),
        osri_outcomes=("S2",),
    ),
    # --- Well-being ---------------------------------------------------------------------------
    Measure(
        "parent_child_visits",
        "Parent/child visits",
        "Well-being",
        "Children visit with each eligible parent at least once a month, unless a court order says otherwise.",
        ("parent_child_visits",),
        osri_items=("8",),
        osri_outcomes=("P2",),
        survey_tags=("parent_child_visits",),
    ),
    Measure(
        "hcy_exam_30_days",
        "Health exams (HCY/EPSDT) within 30 days of entry",
        "Well-being",
        "Every child entering care has a Healthy Children and Youth exam within 30 days.",
        ("hcy_exam_30_days",),
        osri_items=("17",),
        osri_outcomes=("WB3",),
        survey_tags=("hcy_exam_30_days",),
    ),
    Measure(
        "residential_placement",
        "Residential placements and QRTP assessments",
        "Well-being",
        "Children are placed in residential settings only when needed, and QRTP placements are assessed within "
        "30 days.",
        ("residential_placement", "qrtp_assessment_30_days"),
        # Residential treatment answers mental and behavioural health needs (item 18).
        osri_items=("18",),
        osri_outcomes=("WB3",),
    ),
    Measure(
        "trauma_training",
        "Trauma-informed training",
        "Well-being",
        "All case managers and supervisors complete trauma-informed training.",
        ("trauma_training",),
    ),
    Measure(
        "education",
        "Educational milestones",
        "Well-being",
        "School-age children are enrolled in school and progress at the end of the school year.",
        ("education_enrollment", "education_progress"),
        osri_items=("16",),
        osri_outcomes=("WB2",),
    ),
    # --- Permanency ---------------------------------------------------------------------------
    Measure(
        "worker_parent_visits",
        "Worker/parent visits",
        "Permanency",
        "Each parent has at least one face-to-face visit with the case manager a month.",
        ("worker_parent_visits",),
        osri_items=("15",),
        osri_outcomes=("WB1",),
        survey_tags=("worker_parent_visits",),
    ),
    Measure(
        "reentry_12_months",
        "Re-entry into care within 12 months",
        "Permanency",
        "No more than 5.6% of children who leave care to their families re-enter within 12 months.",
        ("reentry_12_months",),
        # Item 2: services to the family to prevent removal or re-entry into foster care.
        osri_items=("2",),
        osri_outcomes=("S2",),
    ),
    Measure(
        "timely_permanency",
        "Timely permanency",
        "Permanency",
        "Children achieve their court-approved permanency goal within the time set for the goal.",
        (
            "timely_permanency",
            "timely_permanency_reunification",
            "timely_permanency_guardianship",
            "timely_permanency_adoption",
        ),
        osri_items=("5", "6"),
        osri_outcomes=("P1",),
        survey_tags=("timely_permanency",),
    ),
    Measure(
        "placement_stability",
        "Placement stability",
        "Permanency",
        "Children entering care experience few placement moves (per 1,000 days in care).",
        ("placement_stability",),
        osri_items=("4",),
        osri_outcomes=("P1",),
    ),
    Measure(
        "case_plans",
        "Permanency and case plans",
        "Permanency",
        "Each child has a timely primary and concurrent permanency plan and a current social service plan.",
        ("concurrent_plan", "social_service_plan"),
        osri_items=("5", "13"),
        osri_outcomes=("P1", "WB1"),
    ),
    Measure(
        "older_youth_services",
        "Services to older youth",
        "Permanency",
        "Youth 14 and older receive services that prepare them for adulthood.",
        ("older_youth_services",),
        osri_items=("12A",),
        osri_outcomes=("WB1",),
        survey_tags=("older_youth_services",),
    ),
    # --- Service ------------------------------------------------------------------------------
    Measure(
        "workers_per_child",
        "Caseworker changes (case managers per child)",
        "Service",
        "Children experience as few changes of case manager as possible.",
        ("workers_per_child_lt12", "workers_per_child_12plus"),
        survey_tags=("workers_per_child_lt12", "workers_per_child_12plus"),
    ),
    Measure(
        "caseloads",
        "Caseloads and supervision",
        "Service",
        "Case managers carry manageable caseloads and supervisors a manageable number of case managers.",
        ("caseload_per_case_manager", "caseload_over_cap", "supervisor_ratio"),
    ),
    Measure(
        "cases_returned",
        "Cases returned to Children's Division",
        "Service",
        "Few cases are returned to Children's Division for catastrophic cost or by court order.",
        ("cases_returned", "cases_returned_cost"),
    ),
)

MEASURES_BY_CODE: dict[str, Measure] = {m.code: m for m in MEASURES}


def all_metric_codes() -> list[str]:
    return [code for m in MEASURES for code in m.metrics]


def all_item_keys() -> list[str]:
    return sorted({key for m in MEASURES for key in m.osri_items}, key=_item_order)


def all_outcome_keys() -> list[str]:
    return sorted({key for m in MEASURES for key in m.osri_outcomes})


def all_survey_tags() -> list[str]:
    return sorted({tag for m in MEASURES for tag in m.survey_tags})


def _item_order(key: str) -> tuple[int, str]:
    digits = "".join(ch for ch in key if ch.isdigit())
    return (int(digits), key)
