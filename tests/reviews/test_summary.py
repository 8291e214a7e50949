"""Aggregates for reports: performance on applicable cases, per-parent measures, ANI reasons."""

from __future__ import annotations

import pytest

from reviews.models import Review
from reviews.scoring import record_answers, set_override
from reviews.summary import ani_reasons, item_performance, outcome_performance, participant_measures

from .factories import make_case, make_review

pytestmark = pytest.mark.django_db

PEOPLE = (("c1", "CHILD"), ("m1", "MOTHER"), ("f1", "FATHER"), ("f2", "FATHER"))

# Three foster care cases: items 14 and 15 and the father measures differ.
CASES = [
    {"14A": "YES", "14B": "YES", "15APP": "YES", "15B1": "YES", "15C1": "YES", "15B2": "YES", "15C2": "YES"},
    {"14A": "YES", "14B": "NO", "15APP": "YES", "15B1": "YES", "15C1": "YES", "15A2": "NEVER", "15B2": "NO"},
    {
        "14A": "NO",
        "14B": "NO",
        "15APP": "YES",
        "15B1": "YES",
        "15C1": "NO",
        "15B2": {"f1": "YES", "f2": "NO"},
        "15C2": {"f1": "YES", "f2": "NA"},
    },
    {"14A": "YES", "14B": "YES", "15APP": "NO"},
]


@pytest.fixture
def reviews():
    for number, answers in enumerate(CASES, start=1):
        review = make_review(make_case(f"S-{number}"), people=PEOPLE)
        record_answers(review, answers)
    return Review.objects.all()


def by_key(measures):
    return {m.key: (m.applicable, m.achieved, m.percent) for m in measures}


def test_item_performance_counts_applicable_cases_only(reviews):
    result = by_key(item_performance(reviews))
    assert result["14"] == (4, 2, 50.0)
    assert result["15"] == (3, 1, 33.3)
    assert result["7"] == (0, 0, None)  # incomplete everywhere: not applicable yet


def test_overrides_count_in_performance(reviews, personas):
    review = Review.objects.get(case__case_id="S-2")
    set_override(review, "14", "STRENGTH", "Seen alone at school.", personas.qa_a)
    assert by_key(item_performance(reviews))["14"] == (4, 3, 75.0)


def test_outcome_performance_skips_na_and_incomplete(reviews):
    result = by_key(outcome_performance(reviews))
    assert result["WB1"] == (0, 0, None)  # items 12 and 13 unanswered: INCOMPLETE in every case


def test_father_measures_count_each_case_once(reviews):
    result = by_key(participant_measures(reviews))
    # Frequency: case 1 sufficient, case 2 not, case 3 has one father not sufficient -> 1 of 3.
    assert result["15B2"] == (3, 1, 33.3)
    # Quality: case 1 YES, case 2 NA (never visited), case 3 f1 YES / f2 NA -> 2 of 2.
    assert result["15C2"] == (2, 2, 100.0)
    assert result["15B1"] == (3, 3, 100.0)
    assert result["15C1"] == (3, 2, 66.7)
    assert list(result)[:4] == ["15B1", "15B2", "15C1", "15C2"]


def test_ani_reasons_are_counted(reviews):
    assert ani_reasons(reviews, "14") == {"14B = NO": 2, "14A = NO": 1}
    assert ani_reasons(reviews, "15") == {"15B2 = NO": 2, "15C1 = NO": 1}
