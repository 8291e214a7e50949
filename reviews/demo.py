"""Demo cases and reviews (synthetic). Idempotent: run it twice, nothing changes.

Seven hand-made reviews for 6ZA and 6ZB that the README's walk-through and tests use, and a
generated quarter of 53 more across every agency (60 in all, like one real quarter): both case
types and every workflow state, answers drawn over the instrument's own questions with a seeded
RNG (most items mostly Strength; items 14, 15 and 12B weaker; fathers answered apart from mothers;
the same ANI reasons recurring). Reviews go in through the interchange import, so they are scored
exactly as real imports are.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.models import Agency, User
from reviews.instrument import NO, ROUND4, YES, Participant, get_instrument
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
    people = FC_PEOPLE if foster_care else IH_PEOPLE
    _complete_narratives(case_type, answers, people, narratives, "Demo narrative: see case notes.")
    return {
        "overrides": overrides,
        "format": "osri-review",
        "format_version": 2,
        "instrument": "osri-r4",
        "case": {"case_id": case_id, "agency": agency, "county_fips": county, "case_type": case_type},
        "face_sheet": face_sheet,
        "participants": people,
        "answers": answers,
        "narratives": narratives,
        "review": {"status": status, "reviewers": reviewers},
    }


def _complete_narratives(case_type: str, answers: dict, people: list[dict], narratives: dict, text: str) -> None:
    """Give every "No" the instrument asks a narrative for (per-person ones and derived ones included) one,
    so the demo's reviews past submission are complete, as the workflow requires of real ones."""
    participants = [Participant(p["key"], p["role"], bool(p.get("target"))) for p in people]
    scoring = ROUND4.score(case_type, answers, participants, {}, {})
    for code in ROUND4.missing_narratives(scoring.answers, narratives):
        narratives[code] = text


@transaction.atomic
def seed(stdout, generated: bool = True) -> None:
    """The hand-made reviews, the sample and (unless `generated` is False, for quick tests) the quarter."""
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
    stdout.write(f"reviews: {len(DEMO_REVIEWS)} demo reviews ({summary}); {sample_note}\n")
    if generated:
        quarter = seed_quarter()
        summary = ", ".join(f"{n} {action}" for action, n in sorted(quarter.items()))
        stdout.write(f"reviews: {sum(quarter.values())} generated reviews of 2023Q3 ({summary})\n")
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


# --- A generated quarter -------------------------------------------------------------------------

QUARTER_SEED = 20230930
# Generated reviews per agency (6ZA and 6ZB also have the seven above): about 60 in all.
QUARTER_AGENCIES = {
    "6ZA": 8,
    "6ZB": 7,
    "6ZC": 5,
    "6ZJ": 4,
    "6ZK": 4,
    "6ZL": 4,
    "6ZM": 4,
    "6ZO": 4,
    "6ZR": 4,
    "6ZS": 4,
    "6ZV": 3,
    "6AW": 2,
}
# Workflow states of the generated reviews, dealt out in this order (most have passed QA).
QUARTER_STATUSES = (
    ["finalized"] * 25
    + ["approved"] * 7
    + ["second_level_qa"] * 5
    + ["submitted"] * 3
    + ["first_level_qa"] * 3
    + ["returned"] * 4
    + ["in_progress"] * 5
    + ["eliminated"]
)
# The agencies' own demo reviewers and QA reviewers (others have no demo users).
REVIEWERS = {"6ZA": "reviewer_6za", "6ZB": "reviewer_6zb"}
QA_USERS = {"6ZA": "qa_6za", "6ZB": "qa_6zb"}

# Chance that a question is answered NO (an area needing improvement), by case type. Items 14, 15
# and 12B are the weak ones, fathers (slot FATHER) weaker than mothers, as in real reviews.
WEAK_FOSTER_CARE = {
    "3B": 0.05,
    "4C": 0.08,
    "5B": 0.18,
    "5C": 0.12,
    "6B": 0.12,
    "8A": 0.06,
    "8B": 0.15,
    "9A": 0.06,
    "11A": 0.05,
    "11B": 0.10,
    "12A1": 0.06,
    "12A2": 0.10,
    "12B1": 0.10,
    "12B2": 0.25,
    "12B3": 0.08,
    "12B4": 0.15,
    "12C1": 0.08,
    "13A": 0.08,
    "13B": 0.12,
    "13C": 0.15,
    "14A": 0.20,
    "14B": 0.22,
    "15B1": 0.15,
    "15C1": 0.12,
    "15B2": 0.30,
    "15C2": 0.30,
    "16A": 0.08,
    "17A1": 0.06,
    "17A2": 0.08,
}
WEAK_IN_HOME = {
    "2A": 0.05,
    "3A": 0.08,
    "3B": 0.10,
    "3C": 0.08,
    "12A1": 0.08,
    "12A2": 0.10,
    "12B1": 0.15,
    "12B3": 0.10,
    "13A": 0.08,
    "13B": 0.14,
    "14A": 0.20,
    "14B": 0.22,
    "15B1": 0.18,
    "15C1": 0.15,
    "18A": 0.05,
    "18C": 0.12,
}
# The frequency question read with a visit question: a NO goes with visits that were too rare.
FREQUENCY_OF = {"14A": "14A1", "15B1": "15A1", "15B2": "15A2", "8B": "8B1"}
RARE = "LESS_THAN_MONTHLY"
# Why a question was answered NO: a few recurring reasons each, as real narratives repeat.
NO_NARRATIVES = {
    "14A": ["Caseworker visits were missed in two months of the period.", "Visits were less than monthly."],
    "14B": ["Visits did not address the child's needs and case planning.", "The child was not seen alone."],
    "15B1": ["Mother was not visited monthly.", "Visits with the mother were by phone only."],
    "15C1": ["Visits with the mother did not address case goals."],
    "15B2": ["Father was not visited monthly.", "No efforts to locate and visit the father."],
    "15C2": ["Visits with the father did not address case goals.", "Father not visited: whereabouts known."],
    "12B1": ["Mother's service needs were not assessed."],
    "12B2": ["Father's needs were not assessed.", "No assessment of the father during the period."],
    "12B3": ["Services for the mother were not provided."],
    "12B4": ["Services for the father were not provided.", "Father was not referred for services."],
    "8B": ["Visits with the father were not arranged.", "Father's visits were cancelled and not rescheduled."],
    "11B": ["No efforts to support the child's relationship with the father."],
    "13C": ["Father was not involved in case planning."],
    "5B": ["The permanency goal was not established timely."],
}
DEFAULT_NARRATIVE = "Documentation in the case record does not support a YES for the period."


def _strength_answers(case_type: str, fathers: list[str]) -> dict[str, Any]:
    """The hand-made template with every rated question at its Strength value."""
    foster_care = case_type == "FOSTER_CARE"
    answers = dict(FOSTER_CARE_ANSWERS if foster_care else IN_HOME_ANSWERS)
    if foster_care:
        answers.update({"14B": "YES", "17A2": "YES"})
        answers["8B1"] = dict.fromkeys(fathers, "TWICE_MONTHLY_PLUS")
        answers["8B"] = dict.fromkeys(fathers, "YES")
        answers["8D"] = dict.fromkeys(fathers, "YES")
    else:
        answers["18C"] = "YES"
    return answers


def generated_document(number: int, agency: str, county: str, case_type: str, status: str, rng) -> dict:
    """One synthetic review document, its answers drawn with `rng` from the instrument's questions."""
    instrument = get_instrument()
    foster_care = case_type == "FOSTER_CARE"
    fathers = ["f1"] + (["f2"] if foster_care and rng.random() < 0.5 else [])
    answers = _strength_answers(case_type, fathers)
    narratives: dict[str, str] = {}
    weak = WEAK_FOSTER_CARE if foster_care else WEAK_IN_HOME
    for code, chance in weak.items():
        question = instrument.questions[code]
        if code not in answers or NO not in question.allowed:
            continue
        if foster_care and question.slot == "FATHER":
            # Each father answered for himself: one may be visited and the other not.
            value = {key: NO if rng.random() < chance else YES for key in fathers}
            if NO not in value.values():
                answers[code] = value
                continue
            answers[code] = value
            if code in FREQUENCY_OF:
                answers[FREQUENCY_OF[code]] = {k: RARE if v == NO else "MONTHLY_PLUS" for k, v in value.items()}
        elif rng.random() < chance:
            answers[code] = NO
            if code in FREQUENCY_OF:
                answers[FREQUENCY_OF[code]] = RARE
        else:
            continue
        narratives[code] = rng.choice(NO_NARRATIVES.get(code, [DEFAULT_NARRATIVE]))
    if status == "in_progress":
        # Unfinished: the reviewer has not reached the well-being items yet.
        for code in ("14A", "14B", "15B1", "15C1", "16A", "17A1", "17A2", "18A", "18C"):
            answers.pop(code, None)
            narratives.pop(code, None)
    start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 80))
    end = dt.date(2023, 7, 3) + dt.timedelta(days=rng.randint(0, 85))
    face_sheet = {
        "C_start": start.isoformat(),
        "G": case_type,
        "H": "NO",
        "I": (start - dt.timedelta(days=rng.randint(60, 400))).isoformat(),
        "K": (start - dt.timedelta(days=rng.randint(30, 300))).isoformat() if foster_care else "NA",
        "L": "NOT_YET_DISCHARGED" if foster_care else "NA",
        "M": "NOT_CLOSED_BY_REVIEW",
        "N1": rng.choice([["NEGLECT"], ["NEGLECT", "SUBSTANCE_ABUSE_PARENT"], ["PHYSICAL_ABUSE"]]),
    }
    face_sheet["N2"] = face_sheet["N1"][0]
    if status != "in_progress":
        face_sheet["E"] = end.isoformat()
    narratives.update({str(n): f"Rationale for item {n}: see the answers and the case record." for n in range(1, 19)})
    people = [
        dict(p) for p in (FC_PEOPLE if foster_care else IH_PEOPLE) if p["role"] != "FATHER" or p["key"] in fathers
    ]
    if not foster_care:
        people.append({"key": "f1", "role": "FATHER"})
    child = people[0]
    child["date_of_birth"] = (end - dt.timedelta(days=rng.randint(2 * 365, 16 * 365))).isoformat()
    reviewer = REVIEWERS.get(agency)
    _complete_narratives(case_type, answers, people, narratives, DEFAULT_NARRATIVE)
    return {
        "format": "osri-review",
        "format_version": 2,
        "instrument": "osri-r4",
        "case": {
            "case_id": f"DEMO-{agency}-{number:04d}",
            "agency": agency,
            "county_fips": county,
            "case_type": case_type,
        },
        "face_sheet": face_sheet,
        "participants": people,
        "answers": answers,
        "narratives": narratives,
        "review": {
            "status": status,
            "reviewers": [reviewer] if reviewer and User.objects.filter(username=reviewer).exists() else [],
        },
    }


def _counties_by_agency() -> dict[str, list[str]]:
    """Counties per agency the way the synthetic extract assigns them (by judicial circuit)."""
    fccm = ["6ZA", "6ZB", "6ZC", "6ZJ", "6ZK", "6ZL", "6ZM", "6ZO", "6ZR", "6ZS", "6ZV"]
    with open(Path(settings.BASE_DIR) / "accounts" / "data" / "missouri_counties.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    result: dict[str, list[str]] = {}
    for row in rows:
        result.setdefault(fccm[int(row["judicial_circuit"]) % len(fccm)], []).append(row["county_fips"])
    result["6AW"] = [row["county_fips"] for row in rows if row["judicial_circuit"] in ("16", "22")]
    return result


def quarter_plan() -> list[tuple[int, str, str, str, str]]:
    """(number, agency, county, case type, status) of every generated review: the same on every run."""
    rng = random.Random(QUARTER_SEED)
    counties = _counties_by_agency()
    slots = [(agency, i) for agency, n in QUARTER_AGENCIES.items() for i in range(n)]
    statuses = list(QUARTER_STATUSES)
    rng.shuffle(statuses)
    plan = []
    for (agency, i), status in zip(slots, statuses, strict=True):
        case_type = "IN_HOME" if rng.random() < 0.35 else "FOSTER_CARE"
        plan.append((11 + i, agency, rng.choice(sorted(counties[agency])), case_type, status))
    return plan


def seed_quarter() -> dict[str, int]:
    """Import the generated quarter (skipping reviews already there) and its QA notes."""
    actions: dict[str, int] = {}
    existing = set(Review.objects.filter(case__case_id__startswith="DEMO-").values_list("case__case_id", flat=True))
    for number, agency, county, case_type, status in quarter_plan():
        # One RNG per review: a review's answers never depend on which others exist.
        rng = random.Random(f"{QUARTER_SEED}-{agency}-{number}")
        case_id = f"DEMO-{agency}-{number:04d}"
        if case_id in existing:
            actions["unchanged"] = actions.get("unchanged", 0) + 1
            continue
        result = import_document(generated_document(number, agency, county, case_type, status, rng))
        actions[result.action] = actions.get(result.action, 0) + 1
        case = result.review.case
        case.opened_on = dt.date(2022, 1, 3) + dt.timedelta(days=rng.randint(0, 330))
        case.save(update_fields=["opened_on"])
        qa = User.objects.filter(username=QA_USERS.get(agency, "")).first()
        if qa is not None and status in ("returned", "finalized"):
            weak = [a.question_code for a in result.review.answers.filter(value=NO).order_by("question_code")]
            code = weak[0] if weak else "14B"
            QANote.objects.get_or_create(
                review=result.review,
                question_code=code,
                author=qa,
                defaults={
                    "text": rng.choice(QA_QUESTIONS),
                    "reply": "" if status == "returned" else "Added the dates from the contact log.",
                    "resolved": status != "returned",
                },
            )
    return actions


QA_QUESTIONS = [
    "Please name the months without a visit in the narrative.",
    "Is this supported by the contact log? Add the dates.",
    "The narrative does not say why this is NO: please explain.",
]
