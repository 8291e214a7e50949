"""Small builders for review rows (synthetic data only)."""

from __future__ import annotations

import datetime as dt

from accounts.models import Agency
from reviews.models import Case, Participant, Review


def make_case(
    case_id: str = "TEST-0001", agency: str = "6ZA", case_type: str = "FOSTER_CARE", county: str | None = "29095"
) -> Case:
    return Case.objects.create(
        case_id=case_id, agency=Agency.objects.get(code=agency), case_type=case_type, county_id=county
    )


def make_review(
    case: Case | None = None, pur_start: dt.date = dt.date(2023, 4, 1), people: tuple[tuple[str, str], ...] = ()
) -> Review:
    review = Review.objects.create(case=case or make_case(), pur_start=pur_start)
    for key, role in people:
        Participant.objects.create(review=review, key=key, role=role, target=(role == "CHILD" and key == "c1"))
    return review


# A complete foster care answer set: every item rated, all outcomes decided.
COMPLETE_FC = {
    "1APP": "NO",
    "2APP": "NO",
    "3A": "NA",
    "3B": "YES",
    "3C": "NA",
    "3D": "NA",
    "3E": "NO",
    "3F": "NO",
    "4A": 1,
    "4C": "YES",
    "5APP": "YES",
    "5A2": "YES",
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
    "8B1": "NEVER",
    "8B": "NO",
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
    "11B": "NO",
    "12A1": "YES",
    "12A2": "YES",
    "12B1": "YES",
    "12B2": "NO",
    "12B3": "YES",
    "12B4": "NA",
    "12C1": "YES",
    "12C2": "YES",
    "13APP": "YES",
    "13A": "YES",
    "13B": "YES",
    "13C": "NO",
    "14A1": "MONTHLY_PLUS",
    "14A": "YES",
    "14B": "NO",
    "15APP": "YES",
    "15A1": "MONTHLY_PLUS",
    "15B1": "YES",
    "15C1": "YES",
    "15A2": "NEVER",
    "15B2": "NO",
    "16APP": "YES",
    "16A": "YES",
    "16B": "NA",
    "17A1": "YES",
    "17A2": "NO",
    "17B1": "NA",
    "17B2": "YES",
    "17B3": "YES",
    "18APP": "NO",
}

# The tables COMPLETE_FC leaves out (its scoring tests do not need them; completeness does):
# one placement for 4A = 1 and the one goal of 5A1.
COMPLETE_FC_ROWS = {
    "4A1": [{"placement_date": "2022-11-03", "placement_type": "FOSTER_NON_RELATIVE"}],
    "5B1": [{"goal": "REUNIFICATION", "established": "2022-12-15"}],
}


COMPLETE_FC_ITEMS = {
    "1": "NA",
    "2": "NA",
    "3": "STRENGTH",
    "4": "STRENGTH",
    "5": "STRENGTH",
    "6": "STRENGTH",
    "7": "NA",
    "8": "ANI",
    "9": "STRENGTH",
    "10": "STRENGTH",
    "11": "ANI",
    "12A": "STRENGTH",
    "12B": "ANI",
    "12C": "STRENGTH",
    "12": "ANI",
    "13": "ANI",
    "14": "ANI",
    "15": "ANI",
    "16": "STRENGTH",
    "17": "ANI",
    "18": "NA",
}

COMPLETE_FC_OUTCOMES = {
    "S1": "NA",
    "S2": "SUBSTANTIALLY_ACHIEVED",
    "P1": "SUBSTANTIALLY_ACHIEVED",
    "P2": "PARTIALLY_ACHIEVED",
    "WB1": "NOT_ACHIEVED",
    "WB2": "SUBSTANTIALLY_ACHIEVED",
    "WB3": "NOT_ACHIEVED",
}
