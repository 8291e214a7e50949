"""The analysis sentences, from hand-built figures: every sentence kind, its words and its facts.

No database: reports.analysis works on the report's JSON, so each test writes the figures the way
reports.document stores them and checks the exact sentence.
"""

from __future__ import annotations

import re

import pytest

from reports import analysis
from reports.wording import reason_words

MONTHS = ["2023-07", "2023-08", "2023-09"]
STATE = {
    "quarter_label": "July–September 2023",
    "previous_label": "April–June 2023",
    "months": MONTHS,
    "scope": "all",
    "min_cell": 5,
}
AGENCY = STATE | {"scope": "6ZA"}


def cell(value, numerator=None, denominator=None, meets=None, small_n=False, status="OK"):
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "meets": meets,
        "status": status,
        "small_n": small_n,
        "band": "",
    }


def metric(code="worker_child_visits", goal="95.0", months=(None, None, None), quarter=None, **extra):
    return {
        "metric": code,
        "title": "Worker/child visits" if code == "worker_child_visits" else extra.pop("title", code),
        "unit": extra.pop("unit", "PERCENT"),
        "period_type": extra.pop("period_type", "MONTH"),
        "direction": extra.pop("direction", "HIGHER"),
        "comparator": extra.pop("comparator", ">=" if goal else ""),
        "goal": goal,
        "computed": extra.pop("computed", True),
        "months": dict(zip(MONTHS, months, strict=True)),
        "quarter": quarter,
        "previous_quarter": extra.pop("previous_quarter", None),
        "statewide": extra.pop("statewide", None),
        "agencies": extra.pop("agencies", None),
        "agencies_by_months_met": extra.pop("agencies_by_months_met", None),
        "circuits_meeting": extra.pop("circuits_meeting", None),
        "circuits_with_result": extra.pop("circuits_with_result", None),
        "circuits_meeting_every_month": extra.pop("every", None),
        "previous_quarter_circuits_meeting_every_month": extra.pop("previous_every", None),
        **extra,
    }


def texts(sentences, kind=None):
    return [s["text"] for s in sentences if kind is None or s["kind"] == kind]


def one(sentences, kind):
    found = [s for s in sentences if s["kind"] == kind]
    assert len(found) == 1, [s["kind"] for s in sentences]
    return found[0]


VISITS = metric(
    months=(
        cell("96.7", 29, 30, True),
        cell("90.0", 18, 20, False),
        cell("85.0", 17, 20, False),
    ),
    quarter=cell("91.4", 64, 70, False),
)


# --- the metric at the report's scope --------------------------------------------------------


def test_goal_met_in_some_months_names_them_with_their_values():
    s = one(analysis.metric_sentences("wcv", VISITS, STATE), "goal_status")
    assert s["text"] == (
        "Statewide, the goal for worker/child visits (at least 95.0%) was met in July (96.7%) but not in "
        "August (90.0%) or September (85.0%). For the quarter the rate was 91.4%, not meeting the goal."
    )
    assert s["facts"]["months"]["2023-07"] == {"value": "96.7", "meets": True}
    assert s["facts"]["quarter"] == {"value": "91.4", "meets": False}
    assert s["table"] == "t-wcv-worker_child_visits"


def test_goal_met_in_every_month_and_in_none():
    every = metric(months=(cell("96.0", meets=True), cell("97.0", meets=True), cell("95.0", meets=True)))
    assert one(analysis.metric_sentences("m", every, AGENCY), "goal_status")["text"] == (
        "For 6ZA, the goal for worker/child visits (at least 95.0%) was met in all three months: "
        "July (96.0%), August (97.0%) and September (95.0%)."
    )
    none = metric(months=(cell("80.0", meets=False), cell("81.0", meets=False), None))
    assert one(analysis.metric_sentences("m", none, STATE), "goal_status")["text"] == (
        "Statewide, the goal for worker/child visits (at least 95.0%) was not met in any month: "
        "July (80.0%) and August (81.0%); no result in September."
    )


def test_a_lower_is_better_metric_is_never_said_to_be_below_its_goal_when_it_misses_it():
    reentry = metric(
        "reentry_12_months",
        goal="5.6",
        comparator="<=",
        direction="LOWER",
        title="Re-entry within 12 months",
        months=(cell("8.8", meets=False), cell("4.0", meets=True), cell("10.3", meets=False)),
        quarter=cell("10.3", meets=False),
    )
    text = one(analysis.metric_sentences("r", reentry, STATE), "goal_status")["text"]
    assert "(at most 5.6%)" in text and text.endswith("the rate was 10.3%, not meeting the goal.")
    assert "below the goal" not in text


def test_counts_behind_the_rate_name_required_seen_and_not_seen():
    s = one(analysis.metric_sentences("wcv", VISITS, STATE), "counts")
    assert s["text"] == (
        "In July 2023, 30 children required a caseworker visit: 29 were seen and 1 was not. "
        "In August 2023, 20 children required a caseworker visit: 18 were seen and 2 were not. "
        "In September 2023, 20 children required a caseworker visit: 17 were seen and 3 were not."
    )
    assert s["facts"]["months"]["2023-08"] == {"numerator": 18, "denominator": 20, "not_counted": 2}


def test_a_rate_per_days_says_its_counts_and_its_unit_once():
    victim = metric(
        "victimization_in_care",
        goal="9.07",
        comparator="<=",
        direction="LOWER",
        title="Victimization in foster care",
        unit="PER_100K_DAYS",
        period_type="ROLLING_12",
        months=(cell("0.00", 0, 21218, True), cell("4.64", 1, 21528, True), cell("4.64", 1, 21528, True)),
    )
    sentences = analysis.metric_sentences("v", victim, STATE)
    assert one(sentences, "counts")["text"].startswith(
        "In the 12 months to July 2023, no substantiated reports were counted over 21,218 days in care. "
        "In the 12 months to August 2023, 1 substantiated report was counted over 21,528 days in care."
    )
    assert one(sentences, "month_trend")["text"] == (
        "The statewide value (per 100,000 days in care) rose from 0.00 in July to 4.64 in August, then stayed "
        "there in September."
    )


def test_no_data_not_computed_and_no_denominator_are_each_said_plainly():
    missing = metric(months=(None, None, None))
    assert texts(analysis.metric_sentences("m", missing, STATE)) == [
        "No figures for worker/child visits are stored for July–September 2023."
    ]
    empty = metric(months=(cell(None, 0, 0, status="NO_DENOMINATOR"), None, None))
    assert texts(analysis.metric_sentences("m", empty, STATE)) == [
        "Nobody was in the denominator of worker/child visits in July–September 2023, so it has no value."
    ]
    planned = metric(computed=False)
    assert one(analysis.metric_sentences("m", planned, STATE), "not_computed")["text"].startswith(
        "Worker/child visits is not computed by the dashboard yet"
    )


def test_small_n_months_are_flagged_for_caution():
    small = metric(months=(cell("100.0", 2, 2, True, small_n=True), cell("50.0", 1, 2, False, small_n=True), None))
    s = one(analysis.metric_sentences("m", small, AGENCY), "small_n")
    assert s["text"] == (
        "The counts are small (fewer than 10) in July 2023 and August 2023, so one case more or less moves the "
        "rate a lot: read these figures with caution."
    )
    assert s["facts"]["months"] == ["2023-07", "2023-08"]


def test_the_trend_month_to_month_and_against_the_previous_quarter():
    line = VISITS | {"previous_quarter": cell("75.0", 45, 60, False)}
    sentences = analysis.metric_sentences("wcv", line, STATE)
    assert one(sentences, "month_trend")["text"] == (
        "The statewide rate fell from 96.7% in July to 90.0% in August, then fell to 85.0% in September."
    )
    assert one(sentences, "quarter_trend")["text"] == (
        "Compared with April–June 2023 (75.0%), the quarter's rate rose 16.4 percentage points to 91.4%, "
        "an improvement."
    )
    lower = line | {"direction": "LOWER"}
    assert one(analysis.metric_sentences("wcv", lower, STATE), "quarter_trend")["text"].endswith(", a decline.")


def test_one_agency_against_the_state():
    line = metric(
        months=(cell("100.0", meets=True), cell("50.0", meets=False), cell("86.4", meets=False)),
        quarter=cell("83.3", meets=False),
        statewide={
            "months": dict(zip(MONTHS, [cell("85.0"), cell("89.8"), cell("86.4")], strict=True)),
            "quarter": cell("87.1"),
        },
    )
    s = one(analysis.metric_sentences("m", line, AGENCY), "against_state")
    assert s["text"] == (
        "6ZA's rate was above the statewide rate in July (100.0% against 85.0%), below it in August "
        "(50.0% against 89.8%) and equal to it in September (86.4% against 86.4%). For the quarter: 83.3% "
        "against 87.1% statewide."
    )
    assert s["facts"]["comparison"]["quarter"] == {"agency": "83.3", "state": "87.1"}


# --- agencies and circuits (statewide) ---------------------------------------------------------


def agency(values, meets=None, quarter=None):
    meets = meets or [None] * 3
    return {
        "months": {
            p: (cell(v, meets=m) if v is not None else None) for p, v, m in zip(MONTHS, values, meets, strict=True)
        },
        "quarter": cell(quarter) if quarter is not None else None,
    }


AGENCIES = {
    "6ZK": agency(["96.0", "97.0", "99.0"], [True, True, True], "97.3"),
    "6ZM": agency(["95.0", "95.5", "96.0"], [True, True, True], "95.5"),
    "6ZA": agency(["95.0", "90.0", "80.0"], [True, False, False], "88.3"),
    "6ZL": agency(["94.0", "96.0", None], [False, True, None], "95.0"),
    "CD": agency(["80.0", "81.0", "82.0"], [False, False, False], "81.0"),
    "6ZB": agency([None, None, None]),  # no result in any month: left out
}


def test_agencies_are_grouped_by_the_months_they_met_the_goal():
    groups = analysis.agencies_by_months_met(AGENCIES, MONTHS)
    assert groups == {"3": ["6ZK", "6ZM"], "2": [], "1": ["6ZA", "6ZL"], "0": ["CD"]}
    line = metric(months=(cell("90.0", meets=False),) * 3, agencies=AGENCIES, agencies_by_months_met=groups)
    s = one(analysis.metric_sentences("wcv", line, STATE), "agencies_by_months_met")
    assert s["text"] == (
        "6ZK and 6ZM met the goal in all three months; 6ZA and 6ZL (6ZL had results in two months only) in one; "
        "Children's Division in none."
    )
    assert s["facts"]["months_with_result"] == {"6ZL": 2}
    assert s["table"] == "t-wcv-worker_child_visits-agencies"


def test_the_range_across_agencies_names_every_agency_at_a_tie():
    tied = AGENCIES | {"6ZR": agency(["81.0", "81.0", "81.0"], [False] * 3, "81.0")}
    line = metric(months=(cell("90.0", meets=False),) * 3, agencies=tied)
    s = one(analysis.metric_sentences("wcv", line, STATE), "agency_range")
    assert s["text"] == (
        "Agency values for the quarter ranged from 81.0% (6ZR and Children's Division) to 97.3% (6ZK), "
        "with a median of 91.7%."
    )
    assert s["facts"]["low"] == {"value": "81.0", "agencies": ["6ZR", "CD"]}


def test_a_metric_without_a_goal_compares_agencies_with_the_monthly_median():
    caseload = {
        "6ZA": agency(["1.00", "1.50", "2.00"], quarter="2.00"),
        "6ZB": agency(["2.00", "2.00", "2.00"], quarter="2.00"),
        "6ZC": agency(["3.00", "1.00", "4.00"], quarter="4.00"),
        "6ZD": agency(["4.00", "5.00", None], quarter="5.00"),
    }
    line = metric(
        "caseload_per_case_manager",
        goal=None,
        unit="AVERAGE",
        title="Children per case manager",
        months=(cell("2.77"), cell("3.00"), cell("3.05")),
        quarter=cell("3.05"),
        agencies=caseload,
    )
    sentences = analysis.metric_sentences("c", line, STATE)
    assert one(sentences, "values")["text"] == (
        "No goal has been set for children per case manager yet; statewide, the value was 2.77 in July, "
        "3.00 in August and 3.05 in September, and 3.05 for the quarter."
    )
    median = one(sentences, "agencies_by_median")
    # medians: July (2+3)/2 = 2.50, August 1.75, September 2.00; ties count as at or below
    assert median["facts"]["medians"] == {"2023-07": "2.50", "2023-08": "1.75", "2023-09": "2.00"}
    assert median["facts"]["groups"] == {"3": ["6ZA"], "2": ["6ZB"], "1": ["6ZC"], "0": ["6ZD"]}
    assert median["text"].endswith(
        "6ZA was at or below the median in all three months; 6ZB in two; 6ZC in one; 6ZD (results in two "
        "months only) above it in every month with a result."
    )
    assert one(sentences, "agency_range")["text"] == (
        "Agency values for the quarter ranged from 2.00 (6ZA and 6ZB) to 5.00 (6ZD), with a median of 3.00."
    )
    assert not [s for s in sentences if s["kind"] in ("circuits", "agencies_by_months_met")]


@pytest.mark.parametrize(
    "previous, ending",
    [
        (14, "18 circuits met it in all three months, four more than in April–June 2023 (14)."),
        (18, "18 circuits met it in all three months, the same number as in April–June 2023."),
        (20, "18 circuits met it in all three months, two fewer than in April–June 2023 (20)."),
        (None, "18 circuits met it in all three months."),
    ],
)
def test_circuits_each_month_and_every_month_against_last_quarter(previous, ending):
    line = VISITS | {
        "circuits_meeting": {"2023-07": 25, "2023-08": 22, "2023-09": 44},
        "circuits_with_result": {"2023-07": 44, "2023-08": 44, "2023-09": 44},
        "circuits_meeting_every_month": 18,
        "previous_quarter_circuits_meeting_every_month": previous,
    }
    s = one(analysis.metric_sentences("wcv", line, STATE), "circuits")
    assert s["text"] == (
        "25 of the 44 circuits with a result met the goal in July 2023, 22 of 44 in August and all 44 in "
        f"September. {ending}"
    )
    assert (s["facts"]["every_month"], s["facts"]["previous_every_month"]) == (18, previous)


# --- case reviews ----------------------------------------------------------------------------


def reviews(items=(), outcomes=(), people=(), counted=16):
    return {"reviews_counted": counted, "items": list(items), "outcomes": list(outcomes), "people": list(people)}


def item(key="14", strength=3, applicable=19, reasons=()):
    return {
        "item": key,
        "title": "Caseworker Visits With Child",
        "strength": strength,
        "ani": applicable - strength,
        "applicable": applicable,
        "percent_strength": None,
        "ani_reasons": [{"reason": r, "count": n} for r, n in reasons],
    }


def test_review_items_say_how_many_were_rated_strength_and_the_leading_ani_reason():
    alone = reason_words("14B = NO")
    sentences = analysis.review_sentences("wcv", reviews([item(reasons=[(alone, 13), ("something else", 4)])]))
    assert texts(sentences) == [
        "For item 14 (Caseworker Visits With Child), 3 of the 19 applicable cases (15.8%) were rated a Strength.",
        "Of the 16 cases rated an Area Needing Improvement, 13 were rated so at least in part because the quality "
        "of the caseworker's visits with the child was not sufficient.",
    ]
    assert sentences[1]["facts"] == {
        "item": "14",
        "ani": 16,
        "reason_count": 13,
        "reasons": [alone],
    }


def test_tied_ani_reasons_are_both_named():
    tied = item(strength=0, applicable=4, reasons=[(reason_words("14A = NO"), 2), (reason_words("14B = NO"), 2)])
    sentences = analysis.review_sentences("wcv", reviews([tied]))
    assert texts(sentences) == [
        "For item 14 (Caseworker Visits With Child), none of the 4 applicable cases (0.0%) was rated a Strength.",
        "Of the 4 cases rated an Area Needing Improvement, 2 were rated so at least in part because the "
        "caseworker's visits with the child were not frequent enough, and as many because the quality of the "
        "caseworker's visits with the child was not sufficient.",
    ]


def test_one_case_outcomes_people_and_no_reviews():
    sentences = analysis.review_sentences(
        "m",
        reviews(
            [item(strength=1, applicable=1)],
            [
                {
                    "outcome": "WB1",
                    "title": "Families have enhanced capacity.",
                    "substantially_achieved": 2,
                    "applicable": 2,
                    "percent": "100.0",
                }
            ],
            [
                {
                    "question": "15B1",
                    "subject": "the frequency of caseworker visits with the mother",
                    "aspect": "frequency",
                    "applicable": 3,
                    "sufficient": 2,
                }
            ],
        ),
    )
    assert texts(sentences) == [
        "For item 14 (Caseworker Visits With Child), the one applicable case was rated a Strength.",
        "3 cases were applicable for the frequency of caseworker visits with the mother; frequency was sufficient "
        "in 66.7% (2).",
        "Outcome WB1 (Families have enhanced capacity) was substantially achieved in both cases where it was rated "
        "(100.0%).",
    ]
    assert texts(analysis.review_sentences("m", reviews([item(strength=0, applicable=0)]))) == [
        "No case review of the quarter rated item 14 (Caseworker Visits With Child) applicable."
    ]
    assert texts(analysis.review_sentences("m", reviews([item()], counted=0))) == [
        "No case review of this quarter has been approved yet, so there are no case-review figures for this measure."
    ]
    assert texts(analysis.review_sentences("m", reviews())) == [
        "No case-review item of the OSRI measures this directly."
    ]


@pytest.mark.parametrize(
    "reason, words",
    [
        ("14B = NO", "the quality of the caseworker's visits with the child was not sufficient"),
        ("8B = NO (f1 = YES, f2 = NO)", "visits with the father were not frequent enough"),
        ("12B: 12B2 = NO", "the father's needs were not accurately assessed"),
        ("3D = YES", "safety concerns for children remaining in the home were not adequately addressed"),
        ("2B = NA", None),  # an answer that is not a concern is no reason in words
        ("all of 6B, 6C are NA although the item is applicable", None),
    ],
)
def test_rating_reasons_become_plain_words_never_codes(reason, words):
    assert reason_words(reason) == words


# --- surveys ---------------------------------------------------------------------------------


def survey(group, favourable=None, n=None, suppressed=False, label="Youth in care (12 and over)"):
    return {
        "question": "cm_visits",
        "text": "How often does your case manager visit you?",
        "group": group,
        "group_label": label,
        "suppressed": suppressed,
        "favourable": favourable,
        "n": n,
        "percent": None,
    }


def test_survey_sentences_give_percent_favourable_with_n_and_keep_suppressed_cells_silent():
    sentences = analysis.survey_sentences(
        "wcv",
        {
            "tagged": True,
            "results": [
                survey("youth", 4, 5),
                survey("resource", suppressed=True, label="Foster and resource parents"),
            ],
            "withheld": True,
        },
        STATE,
    )
    assert texts(sentences) == [
        "Of the 5 youth in care who answered “How often does your case manager visit you?”, 4 (80.0%) answered "
        "favourably.",
        "Answers of foster and resource parents to “How often does your case manager visit you?” are not shown: "
        "fewer than 5 responded.",
        "Statewide survey figures count only agencies with at least 5 responses in a group, so no agency's small "
        "count can be worked out from them.",
    ]
    suppressed = sentences[1]
    assert suppressed["facts"] == {"question": "cm_visits", "group": "resource", "suppressed": True, "min_cell": 5}
    assert re.findall(r"\d+", suppressed["text"]) == ["5"]  # the rule's minimum, never a count


def test_no_survey_data_and_no_linked_question():
    assert texts(analysis.survey_sentences("m", {"tagged": True, "results": [], "withheld": False}, STATE)) == [
        "No survey data is available for this measure this period."
    ]
    assert texts(analysis.survey_sentences("m", {"tagged": False, "results": [], "withheld": False}, STATE)) == [
        "No stakeholder survey question is linked to this measure."
    ]


def test_no_sentence_prints_an_internal_code():
    measure = {
        "code": "worker_child_visits",
        "metrics": [VISITS | {"agencies": AGENCIES}],
        "reviews": reviews([item(reasons=[(reason_words("14A = NO"), 3)])]),
        "surveys": {"tagged": True, "results": [survey("youth", 4, 5)], "withheld": False},
    }
    for s in analysis.measure_sentences(measure, STATE):
        assert not re.search(r"worker_child_visits|visit_frequency|PERCENT|\b\d+[A-C]\d? = |_", s["text"]), s["text"]
