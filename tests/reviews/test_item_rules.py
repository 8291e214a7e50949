"""Each item's NA, Strength and ANI paths, and each outcome's values. No database needed."""

from __future__ import annotations

import itertools

import pytest

from reviews.instrument.items import ITEMS
from reviews.instrument.outcomes import OUTCOMES_BY_KEY

from .helpers import FC, IH, score

S, A, NA, INC = "STRENGTH", "ANI", "NA", "INCOMPLETE"
SA, PA, NOT = "SUBSTANTIALLY_ACHIEVED", "PARTIALLY_ACHIEVED", "NOT_ACHIEVED"

# (label, item, case type, answers, expected rating, expected reasons or None to skip)
PATHS = [
    # Item 1
    ("1 gate no", "1", FC, {"1APP": "NO"}, NA, ("1APP = NO",)),
    ("1 timely", "1", FC, {"1A": "YES"}, S, ("1A = YES",)),
    ("1 late beyond control", "1", IH, {"1A": "NO", "1B": "YES"}, S, ("1A = NO", "1B = YES")),
    ("1 late within control", "1", FC, {"1A": "NO", "1B": "NO"}, A, ("1A = NO", "1B = NO")),
    ("1 late, 1B open", "1", FC, {"1A": "NO"}, INC, ("1B unanswered",)),
    # Item 2
    ("2 gate no", "2", IH, {"2APP": "NO"}, NA, ("2APP = NO",)),
    ("2 services tried", "2", FC, {"2A": "YES"}, S, ("2A = YES", "2B = NA (2A = YES)")),
    ("2 removal necessary", "2", FC, {"2A": "NO", "2B": "YES"}, S, ("2A = NO", "2B = YES")),
    ("2 removal not necessary", "2", FC, {"2A": "NO", "2B": "NO"}, A, ("2A = NO", "2B = NO")),
    ("2 no services, no removal", "2", IH, {"2A": "NO", "2B": "NA"}, A, ("2A = NO", "2B = NA")),
    # Item 3 (never NA)
    ("3 all fine FC", "3", FC, {"3A": "YES", "3B": "YES", "3C": "NA", "3D": "NA", "3E": "NO", "3F": "NO"}, S, None),
    ("3 all fine IH", "3", IH, {"3A": "NA", "3B": "YES", "3C": "YES", "3D": "NO"}, S, None),
    ("3 initial assessment missed", "3", FC, {"3A": "NO"}, A, ("3A = NO",)),
    (
        "3 unaddressed concern",
        "3",
        IH,
        {"3A": "YES", "3D1": ["RECURRING_MALTREATMENT"]},
        A,
        ("3D = YES (3D1 has a box ticked)",),
    ),
    ("3 placement concern", "3", FC, {"3F": "YES", "3B": "NO"}, A, ("3B = NO", "3F = YES")),
    ("3 open", "3", FC, {"3A": "YES", "3B": "YES", "3C": "YES", "3D": "NO", "3E": "NO"}, INC, ("3F unanswered",)),
    # Item 4
    ("4 one placement unstable", "4", FC, {"4A": 1, "4C": "NO"}, A, ("4C = NO",)),
    ("4 planned moves stable", "4", FC, {"4A": 3, "4B": "YES", "4C": "YES"}, S, ("4A = 3", "4B = YES", "4C = YES")),
    ("4 IH", "4", IH, {}, NA, None),
    # Item 5
    ("5 IH", "5", IH, {}, NA, None),
    ("5 gate no", "5", FC, {"5APP": "NO"}, NA, ("5APP = NO",)),
    ("5 goal late", "5", FC, {"5A2": "YES", "5B": "NO", "5C": "YES"}, A, ("5B = NO",)),
    (
        "5 no TPR criterion",
        "5",
        FC,
        {"5A2": "YES", "5B": "YES", "5C": "YES", "5D": "NO", "5E": "NO"},
        S,
        ("5A2, 5B, 5C are YES or NA", "5D = NO", "5E = NO"),
    ),
    (
        "5 petition filed",
        "5",
        FC,
        {"5A2": "YES", "5B": "YES", "5C": "YES", "5D": "YES", "5F": "YES"},
        S,
        ("5D = YES", "5F = YES"),
    ),
    (
        "5 documented exception",
        "5",
        FC,
        {"5A2": "YES", "5B": "NA", "5C": "YES", "5D": "NO", "5E": "YES", "5F": "NO", "5G": "YES"},
        S,
        ("5E = YES", "5F = NO", "5G = YES"),
    ),
    (
        "5 exception from 5G1",
        "5",
        FC,
        {
            "5A2": "YES",
            "5B": "YES",
            "5C": "YES",
            "5D": "YES",
            "5F": "NO",
            "5G1": {"RELATIVE_CARE": "YES", "COMPELLING_REASON": "NO", "SERVICES_NOT_PROVIDED": "NO"},
        },
        S,
        ("5D = YES", "5F = NO", "5G = YES (an exception in 5G1 is YES)"),
    ),
    (
        "5 no petition no exception",
        "5",
        FC,
        {"5A2": "YES", "5B": "YES", "5C": "YES", "5D": "YES", "5F": "NO", "5G": "NO"},
        A,
        ("5D = YES", "5F = NO", "5G = NO"),
    ),
    # Item 6
    ("6 IH", "6", IH, {}, NA, None),
    (
        "6 concurrent goals disagree: ANI wins",
        "6",
        FC,
        {"6A1": ["ADOPTION", "APPLA"], "6B": "YES", "6C": "NO"},
        A,
        ("6C = NO",),
    ),
    ("6 goals derive 6C NA", "6", FC, {"6A1": ["GUARDIANSHIP"], "6B": "YES"}, S, ("6B = YES",)),
    # Item 7
    ("7 gate no", "7", FC, {"7APP": "NO"}, NA, ("7APP = NO",)),
    ("7 together", "7", FC, {"7A": "YES"}, S, ("7A = YES",)),
    ("7 valid separation", "7", FC, {"7A": "NO", "7B": "YES"}, S, ("7A = NO", "7B = YES")),
    ("7 no valid reason", "7", FC, {"7A": "NO", "7B": "NO"}, A, ("7A = NO", "7B = NO")),
    # Item 8
    ("8 gate no", "8", FC, {"8APP": "NO"}, NA, ("8APP = NO",)),
    ("8 IH", "8", IH, {}, NA, None),
    ("8 open", "8", FC, {"8A": "YES", "8B": "YES", "8C": "YES", "8D": "YES", "8E": "YES"}, INC, ("8F unanswered",)),
    (
        "8 no siblings derive 8F NA",
        "8",
        FC,
        {"8A": "YES", "8B": "NA", "8C": "YES", "8E": "NA"},
        S,
        ("8A = YES", "8C = YES"),
    ),
    # Item 9
    ("9 gate no", "9", FC, {"9APP": "NO"}, NA, ("9APP = NO",)),
    ("9 connections kept, 9B ignored", "9", FC, {"9A": "YES", "9B": "NO", "9C": "NA", "9D": "NA"}, S, None),
    ("9 connections not kept", "9", FC, {"9A": "NO"}, A, ("9A = NO",)),
    ("9 Tribe not notified", "9", FC, {"9A": "YES", "9C": "NO", "9D": "YES"}, A, ("9C = NO",)),
    # Item 10
    ("10 gate no", "10", FC, {"10APP": "NO"}, NA, ("10APP = NO",)),
    ("10 stable relative", "10", FC, {"10A1": "YES", "10A2": "YES"}, S, ("10A1 = YES", "10A2 = YES")),
    ("10 relatives searched", "10", FC, {"10A1": "NO", "10B": "YES", "10C": "NA"}, S, ("10B = YES", "10C = NA")),
    (
        "10 paternal not searched",
        "10",
        FC,
        {"10A1": "NO", "10B": "YES", "10C": "NO", "10C1": ["LOCATE"]},
        A,
        ("10C = NO",),
    ),
    # Item 11
    ("11 gate no", "11", FC, {"11APP": "NO"}, NA, ("11APP = NO",)),
    (
        "11 mother supported, father NA",
        "11",
        FC,
        {"11A": "YES", "11A1": ["TRANSPORTATION"], "11B": "NA"},
        S,
        ("11A = YES",),
    ),
    ("11 father not supported", "11", FC, {"11A": "YES", "11B": "NO", "11B1": ["NONE"]}, A, ("11B = NO",)),
    # Item 12
    ("12B all NA", "12B", FC, {"12B1": "NA", "12B2": "NA", "12B3": "NA", "12B4": "NA"}, NA, ("12B1-12B4 are all NA",)),
    ("12C facility all period", "12C", FC, {"12C1": "NA", "12C2": "NA"}, NA, ("12C1 and 12C2 are NA",)),
    ("12C not assessed", "12C", FC, {"12C1": "NO", "12C2": "NA"}, A, ("12C1 = NO",)),
    ("12C IH without answers", "12C", IH, {}, NA, ("case type IN_HOME: no foster parents",)),
    ("12A services missing", "12A", IH, {"12A1": "YES", "12A2": "NO"}, A, ("12A2 = NO",)),
    # Item 13
    ("13 gate no", "13", FC, {"13APP": "NO"}, NA, ("13APP = NO",)),
    ("13 involved", "13", IH, {"13A": "NA", "13B": "YES", "13C": "NA"}, S, ("13B = YES",)),
    ("13 father not involved", "13", FC, {"13A": "YES", "13B": "YES", "13C": "NO"}, A, ("13C = NO",)),
    # Item 14 (never NA)
    ("14 never visited", "14", IH, {"14A1": "NEVER", "14B": "NA"}, A, ("14A = NO (14A1 = NEVER)",)),
    ("14 open", "14", FC, {"14A": "YES"}, INC, ("14B unanswered",)),
    # Item 15
    ("15 gate no", "15", IH, {"15APP": "NO"}, NA, ("15APP = NO",)),
    (
        "15 mother never visited",
        "15",
        FC,
        {"15A1": "NEVER", "15B1": "NO", "15B2": "YES", "15C2": "YES"},
        A,
        ("15B1 = NO",),
    ),
    # Item 16
    ("16 gate no", "16", IH, {"16APP": "NO"}, NA, ("16APP = NO",)),
    ("16 no needs", "16", FC, {"16A": "YES", "16B": "NA"}, S, ("16A = YES", "16B = NA")),
    ("16 needs not addressed", "16", FC, {"16A": "YES", "16B": "NO"}, A, ("16B = NO",)),
    # Item 17
    (
        "17 FC needs no gate",
        "17",
        FC,
        {"17A1": "YES", "17A2": "YES", "17B1": "NA", "17B2": "YES", "17B3": "YES"},
        S,
        None,
    ),
    ("17 dental not assessed", "17", FC, {"17A1": "YES", "17A2": "NO"}, A, ("17A2 = NO",)),
    ("17 IH gate no", "17", IH, {"17APP": "NO"}, NA, ("17APP = NO",)),
    ("17 IH medication not asked", "17", IH, {"17A1": "YES", "17A2": "YES", "17B2": "NA", "17B3": "NA"}, S, None),
    # Item 18
    ("18 gate no", "18", FC, {"18APP": "NO"}, NA, ("18APP = NO",)),
    ("18 psychotropic oversight", "18", FC, {"18A": "YES", "18B": "NO", "18C": "YES"}, A, ("18B = NO",)),
    ("18 IH served", "18", IH, {"18A": "YES", "18C": "YES"}, S, ("18A = YES", "no answer is NO")),
]


@pytest.mark.parametrize(
    ("label", "item", "case_type", "answers", "expected", "reasons"), PATHS, ids=[p[0] for p in PATHS]
)
def test_item_path(label, item, case_type, answers, expected, reasons):
    result = score(answers, case_type)
    assert result.problems == []
    assert result.calculated[item].value == expected
    if reasons is not None:
        assert result.calculated[item].reasons == reasons


@pytest.mark.parametrize("case_type", [FC, IH])
def test_items_3_12_and_14_are_never_na(case_type):
    everything_na = dict.fromkeys(("3A", "3B", "3C", "3D", "3E", "3F", "12A2", "14B"), "NA")
    result = score(everything_na, case_type)
    for item in ("3", "12", "14"):
        assert result.calculated[item].value != NA


def test_no_gate_answer_leaves_the_item_incomplete():
    result = score({"8A": "YES"}, FC, gates_yes=False)
    assert result.calculated["8"].value == INC
    assert result.calculated["8"].reasons == ("8APP unanswered",)


def test_a_no_is_decisive_even_before_the_gate_is_answered_for_other_items():
    result = score({"14A": "NO"}, FC, gates_yes=False)
    assert result.calculated["14"].value == A


@pytest.mark.parametrize("item", list(ITEMS), ids=lambda i: i.key)
def test_every_item_is_incomplete_or_na_with_no_answers(item):
    result = score({}, FC, gates_yes=False)
    assert result.calculated[item.key].value in (INC, NA)


# --- Outcomes: every value each outcome can take ------------------------------------------------

OUTCOME_VALUES = [
    ("S1", {"1": S}, SA),
    ("S1", {"1": A}, NOT),
    ("S1", {"1": NA}, NA),
    ("S1", {"1": INC}, INC),
    ("S2", {"2": S, "3": S}, SA),
    ("S2", {"2": A, "3": S}, PA),
    ("S2", {"2": A, "3": A}, NOT),
    ("S2", {"2": S, "3": INC}, INC),
    ("P1", {"4": S, "5": S, "6": S}, SA),
    ("P1", {"4": S, "5": A, "6": NA}, PA),
    ("P1", {"4": A, "5": NA, "6": A}, NOT),
    ("P1", {"4": NA, "5": NA, "6": NA}, NA),
    ("P1", {"4": S, "5": INC, "6": S}, INC),
    ("P2", {"7": S, "8": S, "9": S, "10": S, "11": S}, SA),
    ("P2", {"7": S, "8": A, "9": A, "10": A, "11": A}, PA),
    ("P2", {"7": A, "8": A, "9": A, "10": A, "11": A}, NOT),
    ("P2", {"7": A, "8": NA, "9": NA, "10": NA, "11": NA}, NOT),
    ("P2", {"7": NA, "8": NA, "9": NA, "10": NA, "11": NA}, NA),
    ("P2", {"7": NA, "8": INC, "9": S, "10": S, "11": S}, INC),
    ("WB1", {"12": S, "13": S, "14": S, "15": S}, SA),
    ("WB1", {"12": S, "13": NA, "14": A, "15": NA}, PA),
    ("WB1", {"12": A, "13": A, "14": A, "15": A}, NOT),
    ("WB1", {"12": S, "13": S, "14": INC, "15": S}, INC),
    ("WB2", {"16": S}, SA),
    ("WB2", {"16": INC}, INC),
    ("WB3", {"17": NA, "18": NA}, NA),
    ("WB3", {"17": NA, "18": S}, SA),
    ("WB3", {"17": S, "18": INC}, INC),
]


@pytest.mark.parametrize(("outcome", "items", "expected"), OUTCOME_VALUES)
def test_outcome_value(outcome, items, expected):
    assert OUTCOMES_BY_KEY[outcome].rate(items).value == expected


@pytest.mark.parametrize("outcome", ["S1", "WB2"])
def test_single_item_outcomes_can_never_be_partially_achieved(outcome):
    item = OUTCOMES_BY_KEY[outcome].items[0]
    assert {OUTCOMES_BY_KEY[outcome].rate({item: v}).value for v in (S, A, NA, INC)} == {SA, NOT, NA, INC}


def test_p2_tolerates_exactly_one_ani_in_every_combination():
    for combo in itertools.product((S, A, NA), repeat=5):
        ratings = dict(zip(("7", "8", "9", "10", "11"), combo, strict=True))
        strengths, anis = combo.count(S), combo.count(A)
        value = OUTCOMES_BY_KEY["P2"].rate(ratings).value
        if strengths + anis == 0:
            assert value == NA
        elif strengths and anis <= 1:
            assert value == SA
        elif strengths:
            assert value == PA
        else:
            assert value == NOT


def test_s2_is_never_na_on_a_scored_case():
    result = score({"2APP": "NO", "3A": "YES", "3B": "YES", "3C": "YES", "3D": "NO", "3E": "NO", "3F": "NO"})
    assert result.outcomes["S2"] == SA


def test_the_tables_cover_strength_ani_and_na_of_every_item():
    from .test_worked_examples import ITEM_EXAMPLES

    covered: dict[str, set[str]] = {}
    for _, item, _, _, value, _ in PATHS:
        covered.setdefault(item, set()).add(value)
    for _, _, _, expected in ITEM_EXAMPLES:
        for item, value in expected.items():
            covered.setdefault(item, set()).add(value)
    never_na = {"3", "12", "12A", "14"}
    for item in ITEMS:
        wanted = {S, A} if item.key in never_na else {S, A, NA}
        assert wanted <= covered.get(item.key, set()), item.key
