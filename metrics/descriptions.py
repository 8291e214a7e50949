"""Who each metric counts and leaves out, in plain words (spec/metrics.md section 3).

The registry's `Metric.definition` says what a metric measures; the quarterly report also prints,
for every metric, the population it includes and what it excludes (the report's "Definition"
block). Pure data, kept beside the definitions so a change of rule and of wording meet in one
review; tests/metrics/test_descriptions.py checks that every registered metric has an entry.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Description:
    includes: str  # the denominator in words
    excludes: str  # what is left out ("" when nothing beyond the definition)


DESCRIPTIONS: dict[str, Description] = {
    "worker_child_visits": Description(
        "Children under 18 in foster care for the whole calendar month; a child counts as seen after at least "
        "one completed face-to-face visit by a caseworker during the month.",
        "Children who enter or leave care during the month and youth 18 or older on the first day; attempted, "
        "cancelled or telephone contacts and visits by someone who is not a caseworker. Children on runaway, in "
        "hospital or placed out of state stay in.",
    ),
    "worker_child_visits_in_residence": Description(
        "Every qualifying caseworker visit counted for worker/child visits in the month (not one per child).",
        "Visits that do not count for worker/child visits.",
    ),
    "victimization_in_care": Description(
        "Days in care over the last 12 months of children under 18 at removal, and the substantiated "
        "maltreatment reports about them made during the episode.",
        "Episodes that ended within nine days; reports made in the first days of an episode about earlier "
        "events; reports about the same child within one day of each other count once.",
    ),
    "sentinel_events": Description(
        "All days in care over the last 12 months of children in custody, and the fatalities, near fatalities "
        "and serious bodily injuries during an episode.",
        "Events outside an episode in care.",
    ),
    "sentinel_event_timely_report": Description(
        "Sentinel events the agency became aware of during the last 12 months; on time when reported to "
        "Central Office within one business day.",
        "",
    ),
    "parent_child_visits": Description(
        "Pairs of a child counted for worker/child visits and each parent eligible to visit for the whole month "
        "(birth, legal and adoptive parents, and others where visits apply).",
        "Parents whose rights were terminated or relinquished, deceased parents, and parents barred from contact "
        "by a court order at any time in the month.",
    ),
    "hcy_exam_30_days": Description(
        "Children under 18 entering care in the month; an exam counts when a full Healthy Children and Youth "
        "screening is completed within 30 days of entry.",
        "Partial screens (dental, vision or hearing alone) and exams dated before the removal. Children who "
        "leave care before day 30 stay in.",
    ),
    "residential_placement": Description(
        "All children in care at the end of the month; counted when the placement that day is a group home, "
        "residential treatment, QRTP or emergency shelter.",
        "Children on runaway or on a trial home visit at month end are not counted as in a congregate setting.",
    ),
    "qrtp_assessment_30_days": Description(
        "Placements in a qualified residential treatment program (QRTP) that began in the month; on time when "
        "the qualified-individual assessment is dated within 30 days of the start.",
        "",
    ),
    "trauma_training": Description(
        "Case managers and supervisors employed at the end of the month; counted when they have completed the "
        "trauma-informed training.",
        "",
    ),
    "education_enrollment": Description(
        "Children aged 6 to 17 in care for the whole month; counted when enrolled in school (or graduated).",
        "",
    ),
    "education_progress": Description(
        "Children in care on 30 June who were enrolled during the school year; counted when promoted or graduated.",
        "",
    ),
    "worker_parent_visits": Description(
        "Parents of children counted for worker/child visits (each parent once), with at least one completed "
        "face-to-face visit by a caseworker in the month counting as visited.",
        "Parents whose rights were terminated or relinquished and deceased parents. Court no-contact orders "
        "do not exclude; incarcerated parents and parents whose whereabouts are unknown stay in.",
    ),
    "reentry_12_months": Description(
        "Children who left care to reunification, a relative or guardianship in the 12 months ending a year "
        "before the report month; counted when they re-entered care within 12 months of leaving.",
        "Exits to adoption, emancipation, transfer, runaway or death; youth 18 or older at exit; exits without "
        "a discharge reason.",
    ),
    "timely_permanency": Description(
        "Episodes whose permanency deadline or permanency was reached in the last 12 months; on time when "
        "reunification came within 12 months, guardianship within 18 or adoption within 24 months of removal.",
        "Episodes of youth 18 or older at removal, completed episodes shorter than eight days, and episodes "
        "that ended for another reason (emancipation, transfer, runaway, death) first.",
    ),
    "timely_permanency_reunification": Description(
        "As timely permanency, for episodes resolved with a reunification or release to a relative.", ""
    ),
    "timely_permanency_guardianship": Description(
        "As timely permanency, for episodes resolved with a guardianship.", ""
    ),
    "timely_permanency_adoption": Description("As timely permanency, for episodes resolved with an adoption.", ""),
    "placement_stability": Description(
        "Children under 18 who entered care in the last 12 months: their placement moves per 1,000 days in care.",
        "Completed episodes shorter than eight days; days without placement information. Trial home visits, "
        "runaway, respite, hospital and detention stays are not moves.",
    ),
    "concurrent_plan": Description(
        "Children in care at month end for at least 60 days; counted with a primary and a different concurrent "
        "permanency goal, each set within 60 days of removal.",
        "",
    ),
    "social_service_plan": Description(
        "Children in care at month end for at least 60 days; counted with a case plan completed within 60 days "
        "of removal and completed or reviewed in the last 183 days.",
        "",
    ),
    "older_youth_services": Description(
        "Youth 14 and older in care at month end for at least 30 days; counted with a transition service "
        "recorded in the last 12 months.",
        "",
    ),
    "workers_per_child_lt12": Description(
        "Children in care at month end for less than 12 months with a primary case manager: the number of "
        "different primary case managers during the episode.",
        "Children with no primary case manager assigned.",
    ),
    "workers_per_child_12plus": Description(
        "Children in care at month end for 12 months or more with a primary case manager: the number of "
        "different primary case managers during the episode.",
        "Children with no primary case manager assigned.",
    ),
    "supervisor_ratio": Description(
        "Case-manager full-time equivalents per supervisor full-time equivalent at month end.", ""
    ),
    "caseload_per_case_manager": Description(
        "Case managers active at month end with at least one child: the children assigned to them.", ""
    ),
    "caseload_over_cap": Description(
        "Case managers active at month end with at least one child; counted when they carry more than the "
        "caseload cap.",
        "",
    ),
    "cases_returned": Description(
        "Children a contracted agency served in the month: the cases it returned to the Children's Division for "
        "catastrophic cost or by court order, per 1,000 children served.",
        "Returns for other reasons.",
    ),
    "cases_returned_cost": Description(
        "Cases returned to the Children's Division in the month with a recorded cost: the average cost per case.",
        "Returns without a recorded cost.",
    ),
}


def describe(code: str) -> Description:
    return DESCRIPTIONS.get(code, Description("", ""))
