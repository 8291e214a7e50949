"""Demo cases and reviews for agencies 6ZA and 6ZB (synthetic). Idempotent: run it twice, nothing changes.

Reviews go in through the interchange import, so they are scored exactly as real imports are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from accounts.models import Agency, User
from reviews.interchange import import_document
from reviews.models import Case, QANote, Review, Sample
from reviews.sampling import SamplingError, draw_sample

FOSTER_CARE_ANSWERS: dict[str, Any] = {
    "1APP": "NO",
    "2APP": "NO",
    "3A": "NA",
    "3B": "YES",
    "3C": "NA",
    "3D": "NA",
    "3E1": ["NO_CONCERNS"],
    "3E": "NO",
    "3F1": ["NO_CONCERNS"],
    "3F": "NO",
    "4A": 2,
    # Round 4: each row's reason says why the child left that placement; the current one is "not applicable".
    "4A1": [
        {"placement_date": "2022-11-03", "placement_type": "FOSTER_NON_RELATIVE", "change_reason": "TO_RELATIVE"},
        {"placement_date": "2023-02-14", "placement_type": "FOSTER_RELATIVE", "change_reason": "NA_CURRENT_PLACEMENT"},
    ],
    "4B": "YES",
    "4C": "YES",
    "5APP": "YES",
    "5A1": ["REUNIFICATION"],
    "5A2": "YES",
    "5B1": [{"goal": "REUNIFICATION", "established": "2022-12-15", "months_in_care_before": 1}],
    "5B": "YES",
    "5C": "YES",
    "5D": "NO",
    "5E": "NO",
    "6A1": ["REUNIFICATION"],
    "6B": "YES",
    "7APP": "NO",
    "8APP": "YES",
    "8A1": "WEEKLY",
    "8A": "YES",
    "8C": "YES",
    "8B1": {"f1": "TWICE_MONTHLY_PLUS", "f2": "NEVER"},
    "8B": {"f1": "YES", "f2": "NO"},
    "8D": {"f1": "YES"},
    "8E": "NA",
    "9APP": "YES",
    "9A": "YES",
    "9B": "NA",
    "9C": "NA",
    "9D": "NA",
    "10APP": "YES",
    "10A1": "YES",
    "10A2": "YES",
    "11APP": "YES",
    "11A": "YES",
    "11A1": ["TRANSPORTATION"],
    "11B": "YES",
    "11B1": ["SCHOOL_AND_CASE_ACTIVITIES"],
    "12A1": "YES",
    "12A2": "YES",
    "12B1": "YES",
    "12B2": "YES",
    "12B3": "YES",
    "12B4": "YES",
    "12C1": "YES",
    "12C2": "NA",
    "13APP": "YES",
    "13A": "YES",
    "13B": "YES",
    "13C": "YES",
    "14A1": "MONTHLY_PLUS",
    "14A": "YES",
    "14B": "NO",
    "15APP": "YES",
    "15A1": "MONTHLY_PLUS",
    "15B1": "YES",
    "15C1": "YES",
    "15A2": "MONTHLY_PLUS",
    "15B2": "YES",
    "15C2": "YES",
    "16APP": "YES",
    "16A": "YES",
    "16B": "NA",
    "17A1": "YES",
    "17A2": "NO",
    "17B1": "NA",
    "17B2": "YES",
    "17B3": "NA",
    "18APP": "NO",
}

IN_HOME_ANSWERS: dict[str, Any] = {
    "1APP": "YES",
    "1A1": [{"report_date": "2023-05-02", "child": "Ava", "allegation": "neglect", "response": "ASSESSMENT"}],
    "1A": "NO",
    "1B": "YES",
    "2APP": "YES",
    "2A": "YES",
    "3A": "YES",
    "3B": "YES",
    "3C": "YES",
    "3D": "NO",
    "12A1": "YES",
    "12A2": "YES",
    "12B1": "YES",
    "12B2": "NA",
    "12B2NA": "WHEREABOUTS_UNKNOWN",
    "12B3": "YES",
    "12B4": "NA",
    "13APP": "YES",
    "13A": "YES",
    "13B": "YES",
    "13C": "NA",
    "13CNA": "WHEREABOUTS_UNKNOWN",
    "14A1": "WEEKLY",
    "14A": "YES",
    "14B": "YES",
    "15APP": "YES",
    "15A1": "WEEKLY",
    "15B1": "YES",
    "15C1": "YES",
    "15B2": "NA",
    "15B2NA": "WHEREABOUTS_UNKNOWN",
    "16APP": "NO",
    "17APP": "NO",
    "18APP": "YES",
    "18A": "YES",
    "18C": "NO",
}

FC_PEOPLE = [
    {"key": "c1", "role": "CHILD", "target": True, "date_of_birth": "2014-05-09"},
    {"key": "m1", "role": "MOTHER"},
    {"key": "f1", "role": "FATHER", "label": "legal father"},
    {"key": "f2", "role": "FATHER", "label": "birth father"},
    {"key": "fp1", "role": "FOSTER_PARENT"},
    {"key": "cw1", "role": "CASEWORKER"},
]
IH_PEOPLE = [
    {"key": "c1", "role": "CHILD", "date_of_birth": "2016-02-11"},
    {"key": "c2", "role": "CHILD", "date_of_birth": "2019-08-30"},
    {"key": "m1", "role": "MOTHER"},
    {"key": "cw1", "role": "CASEWORKER"},
]

# case id, agency, county FIPS, case type, status, reviewer, answers to drop (an unfinished review)
DEMO_REVIEWS = [
    ("DEMO-6ZA-0001", "6ZA", "29095", "FOSTER_CARE", "in_progress", "reviewer_6za", ("14A", "14B", "15C2", "17A2")),
    ("DEMO-6ZA-0002", "6ZA", "29095", "FOSTER_CARE", "first_level_qa", "reviewer_6za", ()),
    ("DEMO-6ZA-0003", "6ZA", "29047", "IN_HOME", "returned", "reviewer_6za", ()),
    ("DEMO-6ZA-0004", "6ZA", "29095", "FOSTER_CARE", "finalized", "reviewer_6za", ()),
    ("DEMO-6ZB-0001", "6ZB", "29113", "FOSTER_CARE", "second_level_qa", "reviewer_6zb", ()),
    ("DEMO-6ZB-0002", "6ZB", "29023", "IN_HOME", "finalized", "reviewer_6zb", ()),
    ("DEMO-6ZB-0003", "6ZB", "29113", "FOSTER_CARE", "in_progress", "reviewer_6zb", ("8APP", "8A", "8B", "8C", "8D")),
]
PUR_START = "2023-04-01"


def _document(case_id: str, agency: str, county: str, case_type: str, status: str, reviewer: str, drop) -> dict:
    foster_care = case_type == "FOSTER_CARE"
    answers = dict(FOSTER_CARE_ANSWERS if foster_care else IN_HOME_ANSWERS)
    for code in drop:
        answers.pop(code, None)
    reviewers = [reviewer] if User.objects.filter(username=reviewer).exists() else []
    face_sheet = {  # Round 4 letters: K = the child's latest removal
        "C_start": PUR_START,
        "G": case_type,
        "H": "NO",
        "I": "2022-11-02",
        "K": "2022-11-03" if foster_care else "NA",
        "L": "NOT_YET_DISCHARGED" if foster_care else "NA",
        "M": "NOT_CLOSED_BY_REVIEW",
        "N1": ["NEGLECT", "SUBSTANCE_ABUSE_PARENT"],
        "N2": "NEGLECT",
    }
    if status != "in_progress":
        face_sheet["E"] = "2023-07-18"
    narratives = {code: "Demo narrative: see case notes." for code, value in answers.items() if value == "NO"}
    # Every item's rating rationale statement (spec osri.md 0.3), keyed by item number.
    narratives.update({str(n): f"Demo rationale for item {n}: see the answers." for n in range(1, 19)})
    overrides = {}
    if case_id == "DEMO-6ZA-0004":
        # QA's override of item 14 after the reviewer's reply (the finalized demo review).
        overrides["14"] = {
            "rating": "STRENGTH",
            "reason": "Child seen alone monthly at school (contact log).",
            "by": "qa_6za",
        }
    return {
        "overrides": overrides,
        "format": "osri-review",
        "format_version": 2,
        "instrument": "osri-r4",
        "case": {"case_id": case_id, "agency": agency, "county_fips": county, "case_type": case_type},
        "face_sheet": face_sheet,
        "participants": FC_PEOPLE if foster_care else IH_PEOPLE,
        "answers": answers,
        "narratives": narratives,
        "review": {"status": status, "reviewers": reviewers},
    }


@transaction.atomic
def seed(stdout) -> None:
    actions: dict[str, int] = {}
    for row in DEMO_REVIEWS:
        result = import_document(_document(*row))
        actions[result.action] = actions.get(result.action, 0) + 1
        case = result.review.case
        if case.opened_on is None:
            case.opened_on = dt.date(2022, 11, 2)
            case.save(update_fields=["opened_on"])
    _qa_notes_and_overrides(stdout)
    _sampling_frame()
    sample_note = _sample()
    summary = ", ".join(f"{n} {action}" for action, n in sorted(actions.items()))
    stdout.write(f"reviews: {len(DEMO_REVIEWS)} demo reviews ({summary}); {sample_note}")
    from reviews import demo_calibration  # the 2023Q3 calibration round (it imports this module)

    demo_calibration.seed(stdout)


def _qa_notes_and_overrides(stdout) -> None:
    qa = User.objects.filter(username="qa_6za").first()
    if qa is None:
        stdout.write("reviews: qa_6za not found, demo QA notes skipped")
        return
    returned = Review.objects.get(case__case_id="DEMO-6ZA-0003", pur_start=PUR_START)
    QANote.objects.get_or_create(
        review=returned,
        question_code="18C",
        author=qa,
        defaults={"text": "Which service was missing? Please name it in the 18C narrative."},
    )
    finalized = Review.objects.get(case__case_id="DEMO-6ZA-0004", pur_start=PUR_START)
    QANote.objects.get_or_create(
        review=finalized,
        question_code="14B",
        author=qa,
        defaults={
            "text": "Was the child seen alone at school?",
            "reply": "Yes, monthly at school; the note is in the contact log.",
            "resolved": True,
        },
    )


def _sampling_frame() -> None:
    """A small synthetic population across the 2023 review sites (circuits 16, 36, 45) and statewide."""
    counties = ["29095", "29095", "29095", "29047", "29023", "29181", "29113", "29163", "29019", "29510"]
    agencies = {code: Agency.objects.get(code=code) for code in ("6ZA", "6ZB")}
    for number in range(1, 41):
        county = counties[number % len(counties)]
        Case.objects.get_or_create(
            case_id=f"DEMO-FC-{number:04d}",
            defaults={
                "agency": agencies["6ZA" if number % 2 else "6ZB"],
                "county_id": county,
                "case_type": "FOSTER_CARE",
                "opened_on": dt.date(2022, 1, 1) + dt.timedelta(days=7 * number),
            },
        )


def _sample() -> str:
    existing = Sample.objects.filter(quarter="2023Q3", seed=20230701).first()
    if existing:
        return f"sample 2023Q3 (seed {existing.seed}) already drawn"
    try:
        sample = draw_sample("2023Q3", [16, 36, 45], 12, 4, seed=20230701)
    except SamplingError as exc:
        return f"sample not drawn: {exc}"
    return f"sample 2023Q3 drawn with seed {sample.seed}: {sample.cases.count()} cases"
