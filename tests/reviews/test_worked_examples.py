"""Every worked example E1-E28 of spec osri.md §8, table-driven. No database needed."""

from __future__ import annotations

import pytest

from reviews.instrument import ROUND4, Override, Participant
from reviews.instrument.outcomes import OUTCOMES_BY_KEY

from .helpers import FC, IH, problem_rules, score

S, A, NA, INC = "STRENGTH", "ANI", "NA", "INCOMPLETE"
SA, PA, NOT = "SUBSTANTIALLY_ACHIEVED", "PARTIALLY_ACHIEVED", "NOT_ACHIEVED"

# (example, case type, answers, {item: expected calculated rating})
ITEM_EXAMPLES = [
    ("E1", FC, {"4A": 1, "4B": "NA", "4C1": [], "4C": "YES"}, {"4": S}),
    (
        "E2",
        FC,
        {
            "4A": 3,
            "4A1": [
                {"placement_date": "2023-01-05", "placement_type": "FOSTER_NON_RELATIVE"},
                {
                    "placement_date": "2023-05-01",
                    "placement_type": "FOSTER_NON_RELATIVE",
                    "change_reason": "FOSTER_PARENT_REQUEST",
                },
                {"placement_date": "2023-06-01", "placement_type": "FOSTER_RELATIVE", "change_reason": "TO_RELATIVE"},
            ],
            "4B": "NO",
            "4C": "YES",
        },
        {"4": A},
    ),
    ("E3", FC, {"4A": 2, "4B": "YES", "4C1": ["TEMPORARY_SETTING"]}, {"4": A}),
    ("E4", IH, {}, {"4": NA}),
    ("E5", FC, {"6A1": ["REUNIFICATION"], "6B": "YES", "6C": "NA"}, {"6": S}),
    ("E6", FC, {"6A1": ["ADOPTION"], "6A4": 31, "6B": "NO", "6C": "NA"}, {"6": A}),
    (
        "E7",
        FC,
        {"6A1": ["APPLA"], "6A2": "NON_RELATIVE_FOSTER_PARENT", "6A5": "2023-02-01", "6B": "NA", "6C": "YES"},
        {"6": S},
    ),
    (
        "E8",
        FC,
        {"8A1": "WEEKLY", "8A": "YES", "8C": "YES", "8B": "NA", "8D": "NA", "8E": "NA", "8F": "NA"},
        {"8": S},
    ),
    ("E9", FC, {"8A": "YES", "8C": "YES", "8B1": "NEVER", "8B": "NO", "8D": "NA"}, {"8": A}),
    (
        "E10",
        FC,
        {"8APP": "YES", "8A": "NA", "8B": "NA", "8C": "NA", "8D": "NA", "8E1": "MONTHLY_PLUS", "8E": "YES", "8F": "NO"},
        {"8": A},
    ),
    (
        "E12",
        FC,
        {
            "12A1": "YES",
            "12A2": "NA",
            "12B1": "YES",
            "12B2": "NO",
            "12B3": "YES",
            "12B4": "NA",
            "12C1": "YES",
            "12C2": "YES",
        },
        {"12A": S, "12B": A, "12C": S, "12": A},
    ),
    (
        "E13",
        IH,
        {
            "12A1": "YES",
            "12A2": "YES",
            "12B1": "YES",
            "12B2": "NA",
            "12B3": "YES",
            "12B4": "NA",
            "12C1": "NA",
            "12C2": "NA",
        },
        {"12A": S, "12B": S, "12C": NA, "12": S},
    ),
    (
        "E14",
        FC,
        {
            "12A1": "NO",
            "12A2": "NA",
            "12B1": "YES",
            "12B2": "YES",
            "12B3": "YES",
            "12B4": "YES",
            "12C1": "YES",
            "12C2": "YES",
        },
        {"12A": A, "12B": S, "12C": S, "12": A},
    ),
    ("E15", FC, {"14A1": "MONTHLY_PLUS", "14A": "YES", "14B": "YES"}, {"14": S}),
    ("E16", FC, {"14A1": "WEEKLY", "14A": "YES", "14B": "NO"}, {"14": A}),
    ("E17", FC, {"14A1": "LESS_THAN_MONTHLY", "14A": "NO", "14B": "YES"}, {"14": A}),
    (
        "E18",
        FC,
        {"15A1": "MONTHLY_PLUS", "15B1": "YES", "15C1": "YES", "15A2": "NEVER", "15B2": "NO", "15C2": "NA"},
        {"15": A},
    ),
    ("E19", IH, {"15B1": "YES", "15C1": "YES", "15B2": "NA", "15C2": "NA"}, {"15": S}),
    ("E20", FC, {"15B1": "YES", "15C1": "NO", "15B2": "NA", "15C2": "NA"}, {"15": A}),
    ("E21", FC, {"1APP": "YES", "1A": "NO", "1B": "YES"}, {"1": S}),
    ("E21 variant: contracted provider", FC, {"1APP": "YES", "1A": "NO", "1B": "NO"}, {"1": A}),
    (
        "E21 draft form: counts from the reports table",
        FC,
        {
            "1APP": "YES",
            "1A1": [{"report_date": "2023-05-02", "initiated_timely": "YES", "contact_timely": "NO"}],
            "1B": "YES",
        },
        {"1": S},
    ),
    (
        "E23",
        FC,
        {"3A": "NA", "3B": "YES", "3C": "NA", "3D": "NA", "3E1": ["UNSUPERVISED_VISITS_INAPPROPRIATE"], "3F": "NO"},
        {"3": A},
    ),
]


@pytest.mark.parametrize(
    ("example", "case_type", "answers", "expected"), ITEM_EXAMPLES, ids=[row[0] for row in ITEM_EXAMPLES]
)
def test_worked_example_item_ratings(example, case_type, answers, expected):
    result = score(answers, case_type)
    assert result.problems == []
    assert {key: result.calculated[key].value for key in expected} == expected


def test_e3_rejects_a_stable_placement_with_an_instability_box_ticked():
    result = score({"4A": 2, "4B": "YES", "4C1": ["TEMPORARY_SETTING"], "4C": "YES"})
    assert problem_rules(result) == {("4C", "4C1-ticked-means-no")}


def test_e3_derives_4c_no_from_the_checklist():
    result = score({"4A": 2, "4B": "YES", "4C1": ["TEMPORARY_SETTING"]})
    assert result.answers["4C"] == "NO"
    assert result.calculated["4"].reasons == ("4C = NO (4C1 has a box ticked)",)


def test_e9_counts_father_frequency_but_not_father_quality():
    participants = [Participant("m1", "MOTHER"), Participant("f1", "FATHER")]
    result = score({"8A": "YES", "8C": "YES", "8B1": "NEVER", "8B": "NO", "8D": "NA"}, participants=participants)
    rows = {(r.participant, r.code): r.answer for r in result.participant_answers if r.item == "8"}
    assert rows[("f1", "8B")] == "NO"
    assert rows[("f1", "8D")] == "NA"  # recorded, but NA is not counted as applicable by reports
    assert rows[("m1", "8A")] == "YES"
    assert result.calculated["8"].reasons == ("8B = NO",)


def test_e11_two_father_figures_derive_the_slot_answers():
    participants = [Participant("f1", "FATHER"), Participant("f2", "FATHER")]
    answers = {"8B": {"f1": "YES", "f2": "NO"}, "8D": {"f1": "YES", "f2": "NA"}}
    result = score(answers, participants=participants)
    assert result.problems == []
    assert result.answers["8B"] == "NO"
    assert result.answers["8D"] == "YES"
    assert result.calculated["8"].value == A
    assert result.calculated["8"].reasons == ("8B = NO (f1 = YES, f2 = NO)",)


def test_e21_item_1_strength_gives_s1_substantially_achieved_and_the_variant_not_achieved():
    late_but_excused = score({"1APP": "YES", "1A": "NO", "1B": "YES"})
    contracted_provider = score({"1APP": "YES", "1A": "NO", "1B": "NO"})
    assert late_but_excused.outcomes["S1"] == SA
    assert contracted_provider.outcomes["S1"] == NOT


def test_e21_draft_form_derives_1a_no_from_a_late_face_to_face_contact():
    result = score(
        {"1APP": "YES", "1A1": [{"report_date": "2023-05-02", "initiated_timely": "YES", "contact_timely": "NO"}]}
    )
    assert result.answers["1A"] == "NO"
    assert result.calculated["1"].value == INC  # 1B (were the delays beyond control?) is still open
    assert result.calculated["1"].reasons == ("1B unanswered",)


def test_e23_visitation_concern_with_item_2_na_is_s2_not_achieved():
    result = score(
        {
            "2APP": "NO",
            "3A": "NA",
            "3B": "YES",
            "3C": "NA",
            "3D": "NA",
            "3E1": ["UNSUPERVISED_VISITS_INAPPROPRIATE"],
            "3F": "NO",
        }
    )
    assert result.answers["3E"] == "YES"
    assert result.calculated["2"].value == NA
    assert result.calculated["3"].reasons == ("3E = YES (3E1 has a box ticked)",)
    assert result.outcomes["S2"] == NOT


# (example, outcome, {item: rating}, expected outcome rating)
OUTCOME_EXAMPLES = [
    ("E22a", "S2", {"2": NA, "3": S}, SA),
    ("E22b", "S2", {"2": S, "3": A}, PA),
    ("E22c", "S2", {"2": NA, "3": A}, NOT),
    ("E22d", "S2", {"2": A, "3": A}, NOT),
    ("E24a", "P1", {"4": S, "5": NA, "6": S}, SA),
    ("E24b", "P1", {"4": A, "5": S, "6": A}, PA),
    ("E24c", "P1", {"4": A, "5": A, "6": A}, NOT),
    ("E24d", "P1", {"4": NA, "5": NA, "6": NA}, NA),
    ("E25a", "P2", {"7": NA, "8": A, "9": S, "10": S, "11": S}, SA),
    ("E25b", "P2", {"7": A, "8": A, "9": S, "10": NA, "11": S}, PA),
    ("E25c", "P2", {"7": NA, "8": A, "9": A, "10": NA, "11": NA}, NOT),
    ("E25d", "P2", {"7": NA, "8": NA, "9": S, "10": NA, "11": NA}, SA),
    ("E26a", "WB1", {"12": A, "13": S, "14": S, "15": S}, PA),
    ("E26b", "WB1", {"12": S, "13": S, "14": S, "15": NA}, SA),
    ("E26c", "WB1", {"12": A, "13": NA, "14": A, "15": A}, NOT),
    ("E27 WB2 NA", "WB2", {"16": NA}, NA),
    ("E27 WB2 ANI", "WB2", {"16": A}, NOT),
    ("E27 WB3 SA", "WB3", {"17": S, "18": NA}, SA),
    ("E27 WB3 not", "WB3", {"17": A, "18": NA}, NOT),
    ("E27 WB3 PA", "WB3", {"17": A, "18": S}, PA),
]


@pytest.mark.parametrize(
    ("example", "outcome", "items", "expected"), OUTCOME_EXAMPLES, ids=[row[0] for row in OUTCOME_EXAMPLES]
)
def test_worked_example_outcome_ratings(example, outcome, items, expected):
    assert OUTCOMES_BY_KEY[outcome].rate(items).value == expected


def test_e24d_in_home_case_rates_every_permanency_item_na_and_p1_p2_na():
    result = score({}, IH)
    assert [result.items[k] for k in ("4", "5", "6", "7", "8", "9", "10", "11")] == [NA] * 8
    assert result.outcomes["P1"] == NA
    assert result.outcomes["P2"] == NA


WB1_ALL_STRENGTH_BUT_14 = {
    "12A1": "YES",
    "12A2": "YES",
    "12B1": "YES",
    "12B2": "YES",
    "12B3": "YES",
    "12B4": "YES",
    "12C1": "YES",
    "12C2": "NA",
    "13A": "YES",
    "13B": "YES",
    "13C": "YES",
    "14A1": "WEEKLY",
    "14A": "YES",
    "14B": "NO",
    "15B1": "YES",
    "15C1": "YES",
    "15B2": "YES",
    "15C2": "YES",
}


def test_e28_override_flows_into_the_outcome():
    without = score(WB1_ALL_STRENGTH_BUT_14)
    assert without.items["14"] == A
    assert without.outcomes["WB1"] == PA

    override = Override("STRENGTH", "Worker saw the child alone at school; file note missing.", "qa_6za")
    result = score(WB1_ALL_STRENGTH_BUT_14, overrides={"14": override})
    assert result.calculated["14"].value == A
    assert result.items["14"] == S
    assert result.outcomes_calculated["WB1"].value == SA
    assert result.outcomes["WB1"] == SA
    assert result.block()["reasons"]["14"] == [
        "overridden to STRENGTH by qa_6za: Worker saw the child alone at school; file note missing. (calculated ANI)",
        "14B = NO",
    ]


def test_every_example_runs_on_the_current_instrument_version():
    assert ROUND4.version == "osri-r4"


# --- Round 4 corrections (issue 12): one worked example per change -------------------------------
# (example, case type, answers, {item: expected calculated rating}, expected {(code, rule)} problems)
PARENTS = [Participant("c1", "CHILD", target=True), Participant("m1", "MOTHER"), Participant("f1", "FATHER")]
ROUND4_EXAMPLES = [
    (
        "E29 short sibling separation: item 8 NA, no override needed",
        FC,
        {
            "7A": "NO",
            "7B": "NO",
            "8A": "NA",
            "8B": "NA",
            "8E": "NA",
            "8F": "NA",
        },
        {"7": A, "8": NA},
        set(),
    ),
    (
        "E29 variant: every item 8 answer NA without a sibling separation (7A = YES) is refused",
        FC,
        {"7A": "YES", **dict.fromkeys(("8A", "8B", "8C", "8D", "8E", "8F"), "NA")},
        {"7": S, "8": INC},
        {("8APP", "applicable-item-all-na")},
    ),
    (
        "E30 foster care, no safety concern: 3E1/3F1 'no safety concerns existed' make 3E/3F NO",
        FC,
        {"3A": "NA", "3B": "YES", "3C": "NA", "3D": "NA", "3E1": ["NO_CONCERNS"], "3F1": ["NO_CONCERNS"]},
        {"3": S},
        set(),
    ),
    (
        "E30 variant: 3F NA in a foster care case is refused",
        FC,
        {"3A": "NA", "3B": "YES", "3C": "NA", "3D": "NA", "3E1": ["NO_CONCERNS"], "3F": "NA"},
        {"3": S},
        {("3F", "3F-no-na-in-foster-care")},
    ),
    (
        "E30 variant: 'no safety concerns existed' cannot be ticked with a concern",
        FC,
        {"3E1": ["NO_CONCERNS", "UNSUPERVISED_VISITS_INAPPROPRIATE"]},
        {},
        {("3E1", "allowed-values")},
    ),
    (
        "E30 variant: 'no safety concerns existed' with 3E YES is refused",
        FC,
        {"3E1": ["NO_CONCERNS"], "3E": "YES"},
        {"3": A},
        {("3E", "3E1-no-concerns-means-no")},
    ),
    (
        "E31 item 1: one report initiated late (federal A = 1, B = 0), delay beyond control (federal C = YES)",
        FC,
        {
            "1APP": "YES",
            "1A1": [
                {"report_date": "2023-05-02", "initiated_timely": "NO", "contact_timely": "YES"},
                {"report_date": "2023-06-11", "initiated_timely": "YES", "contact_timely": "YES"},
            ],
            "1B": "YES",
        },
        {"1": S},
        set(),
    ),
    (
        "E32 placements: the current placement's reason is 'not applicable, this is the current placement'",
        FC,
        {
            "4A": 2,
            "4A1": [
                {
                    "placement_date": "2022-11-03",
                    "placement_type": "FOSTER_NON_RELATIVE",
                    "change_reason": "TO_RELATIVE",
                },
                {
                    "placement_date": "2023-02-14",
                    "placement_type": "FOSTER_RELATIVE",
                    "change_reason": "NA_CURRENT_PLACEMENT",
                },
            ],
            "4B": "YES",
            "4C": "YES",
        },
        {"4": S},
        set(),
    ),
    (
        "E32 variant: only the last placement can be the current one",
        FC,
        {
            "4A": 2,
            "4A1": [
                {
                    "placement_date": "2022-11-03",
                    "placement_type": "FOSTER_NON_RELATIVE",
                    "change_reason": "NA_CURRENT_PLACEMENT",
                },
                {
                    "placement_date": "2023-02-14",
                    "placement_type": "FOSTER_RELATIVE",
                    "change_reason": "NA_CURRENT_PLACEMENT",
                },
            ],
        },
        {},
        {("4A1", "4A1-current-placement-last")},
    ),
    (
        "E33 item 16: a 4-year-old in foster care is applicable; assessed, no needs found",
        FC,
        {"16APP": "YES", "16A": "YES", "16B": "NA"},
        {"16": S},
        set(),
    ),
    (
        "E34 item 13 in an in-home case: 13APP = NO is refused and the item is not rated NA",
        IH,
        {"13APP": "NO"},
        {"13": INC},
        {("13APP", "13APP-yes-in-in-home")},
    ),
    (
        "E36 father deceased: 12B, 13, 15 give why he is NA",
        FC,
        {
            "12A1": "YES",
            "12A2": "YES",
            "12B1": "YES",
            "12B3": "YES",
            "12B2": "NA",
            "12B2NA": "DECEASED",
            "12C1": "YES",
            "12C2": "NA",
            "13A": "YES",
            "13B": "YES",
            "13C": "NA",
            "13CNA": "DECEASED",
            "15A1": "MONTHLY_PLUS",
            "15B1": "YES",
            "15C1": "YES",
            "15B2": "NA",
            "15B2NA": "DECEASED",
        },
        {"12B": S, "12": S, "13": S, "15": S},
        set(),
    ),
    (
        "E36 variant: a reason for a parent who is applicable is refused",
        FC,
        {"13B": "YES", "13BNA": "WHEREABOUTS_UNKNOWN"},
        {},
        {("13BNA", "13BNA-only-when-13B-na")},
    ),
    (
        "E37 visit patterns: 14A1 and 8B1 have no NA",
        FC,
        {"14A1": "NA", "8B1": "NA"},
        {},
        {("14A1", "allowed-values"), ("8B1", "allowed-values")},
    ),
]


@pytest.mark.parametrize(
    ("example", "case_type", "answers", "expected", "problems"), ROUND4_EXAMPLES, ids=[r[0] for r in ROUND4_EXAMPLES]
)
def test_round4_correction_worked_example(example, case_type, answers, expected, problems):
    result = score(answers, case_type, participants=PARENTS)
    assert problem_rules(result) == problems
    assert {key: result.calculated[key].value for key in expected} == expected


def test_e29_item_8_na_says_why_and_p2_counts_item_7_only():
    answers = {"7A": "NO", "7B": "NO", "8A": "NA", "8B": "NA", "8E": "NA", "8F": "NA"}
    result = score({**answers, "9A": "YES", "9C": "NA", "9D": "NA", "10A1": "YES", "10A2": "YES", "11APP": "NO"})
    assert result.calculated["8"].reasons == (
        "8A-8F are all NA with a short sibling separation (7A = NO): rated NA, no override needed",
    )
    assert result.outcomes["P2"] == SA  # 7 ANI, 8 NA, 9 and 10 Strength, 11 NA: one ANI tolerated


def test_e29_item_8_waits_for_7a_before_deciding():
    result = score(dict.fromkeys(("8A", "8B", "8E", "8F"), "NA"))
    assert result.problems == []
    assert result.calculated["8"].value == INC
    assert result.calculated["8"].reasons == (
        "8A-8F are all NA: answer 7A (a short sibling separation makes item 8 NA)",
    )


def test_e30_the_no_concerns_box_fills_3e_no():
    result = score({"3E1": ["NO_CONCERNS"]})
    assert result.answers["3E"] == "NO"
    assert result.answers.derived["3E"] == "3E1: no safety concerns existed"


def test_e30_in_home_cases_still_take_3e_3f_as_not_asked():
    result = score({"3A": "YES", "3B": "YES", "3C": "YES", "3D": "NO"}, IH)
    assert result.problems == []
    assert result.calculated["3"].value == S


def test_e34_item_13_in_an_in_home_case_is_rated_from_its_answers():
    result = score({"13A": "YES", "13B": "YES", "13C": "NA", "13CNA": "OTHER"}, IH, participants=PARENTS)
    assert result.problems == []
    assert result.calculated["13"].value == S


@pytest.mark.parametrize(
    ("case_type", "key", "refused"),
    [
        (FC, "3", True),
        (FC, "12A", True),
        (FC, "12", True),
        (FC, "14", True),
        (FC, "4", True),
        (FC, "6", True),
        (IH, "3", True),
        (IH, "14", True),
        (IH, "4", False),
        (IH, "6", False),
        (FC, "12B", False),
        (FC, "8", False),
    ],
)
def test_e35_overrides_to_na_are_refused_for_items_that_are_never_na(case_type, key, refused):
    result = score({}, case_type, overrides={key: Override("NA", "QA thinks it does not apply.", "qa_6za")})
    rules = {(p.code, p.rule) for p in result.problems if p.code.startswith("overrides.")}
    assert rules == ({(f"overrides.{key}", "override-never-na")} if refused else set())


def test_e35_the_instrument_offers_only_allowed_override_values():
    assert ROUND4.override_values("3", FC) == ("STRENGTH", "ANI")
    assert ROUND4.override_values("4", FC) == ("STRENGTH", "ANI")
    assert ROUND4.override_values("4", IH) == ("STRENGTH", "ANI", "NA")
    assert ROUND4.override_values("S1", FC) == ("SUBSTANTIALLY_ACHIEVED", "PARTIALLY_ACHIEVED", "NOT_ACHIEVED", "NA")


def test_e36_reasons_are_per_person_and_reach_the_participant_rows():
    people = [*PARENTS, Participant("f2", "FATHER")]
    answers = {
        "15A1": "WEEKLY",
        "15B1": "YES",
        "15C1": "YES",
        "15B2": {"f1": "YES", "f2": "NA"},
        "15C2": {"f1": "YES"},
        "15B2NA": {"f2": "WHEREABOUTS_UNKNOWN"},
    }
    result = score(answers, participants=people)
    assert result.problems == []
    rows = {(r.participant, r.code): (r.answer, r.na_reason) for r in result.participant_answers if r.item == "15"}
    assert rows[("f2", "15B2")] == ("NA", "WHEREABOUTS_UNKNOWN")
    assert rows[("f1", "15B2")] == ("YES", "")
    assert result.calculated["15"].reasons == (
        "15B1 = YES",
        "15B2 = YES (f1 = YES, f2 = NA)",
        "15C1 = YES",
        "15C2 = YES (f1 = YES)",
        "15B2NA = WHEREABOUTS_UNKNOWN (f2)",
    )


def test_e36_a_missing_reason_and_an_other_reason_without_comment_are_listed():
    answers = {"12B1": "NA", "12B2": "YES", "12B4": "YES", "13C": "NA", "13CNA": "OTHER"}
    result = score(answers, participants=PARENTS)
    assert result.problems == []
    missing = ROUND4.missing_questions(result.answers)
    assert "12B1NA" in missing and "12B2NA" not in missing and "13CNA" not in missing
    assert "13CNA" in ROUND4.missing_narratives(result.answers, {})
    assert "13CNA" not in ROUND4.missing_narratives(result.answers, {"13CNA": "Father asked not to be involved."})


def test_e36_the_reason_question_is_asked_only_when_the_parent_is_na():
    answers = score({"13B": "YES"}).answers
    assert (
        ROUND4.not_asked(ROUND4.question("13BNA"), answers)
        == "Asked only when 13B is NA (the mother is not applicable)."
    )
    assert ROUND4.not_asked(ROUND4.question("13BNA"), score({"13B": "NA"}).answers) == ""
    assert ROUND4.not_asked(ROUND4.question("13B"), answers) == ""


def test_e37_worked_example_e8_leaves_the_na_fathers_pattern_unanswered():
    result = score({"8A1": "WEEKLY", "8A": "YES", "8C": "YES", "8B": "NA", "8E": "NA", "8F": "NA"})
    assert result.problems == []
    assert result.answers["8D"] == "NA"
    assert result.calculated["8"].value == S
