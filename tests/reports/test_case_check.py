"""Review versus extract, case by case: each comparison with agreeing and disagreeing fixtures.

The comparisons are pure functions of the extract's facts about one child, the review's answers and the
period under review (2023-04-01 to 2023-06-30 here); one test loads a real bundle through the loader.
"""

from __future__ import annotations

import datetime as dt

import pytest

from reports.case_check import Facts, compare, compare_review, load_facts, months_between
from reports.models import CaseExtractLink
from tests.metrics.bundle import load
from tests.reviews.factories import make_case, make_review
from tests.reviews_ui.helpers import record_answers

D = dt.date.fromisoformat
START, END = D("2023-04-01"), D("2023-06-30")


def facts(**rows) -> Facts:
    base = {
        "episodes": [{"episode_id": "E1", "removal_date": D("2022-11-03"), "discharge_date": None}],
        "placements": [
            {
                "placement_id": "P1",
                "start_date": D("2022-11-03"),
                "end_date": D("2023-05-10"),
                "setting_type": "FFH_NONREL",
            },
            {"placement_id": "P2", "start_date": D("2023-05-10"), "end_date": None, "setting_type": "FFH_REL"},
        ],
        "child_visits": [
            {"visit_date": D(day), "contact_mode": "IN_PERSON", "status": "COMPLETED"}
            for day in ("2023-04-12", "2023-05-15", "2023-06-20")
        ],
        "parents": [
            {"parent_id": "M1", "relationship": "BIRTH_MOTHER"},
            {"parent_id": "F1", "relationship": "BIRTH_FATHER"},
        ],
        "parent_visits": [
            {"parent_id": "M1", "visit_date": D(day), "visit_mode": "IN_PERSON", "status": "COMPLETED"}
            for day in ("2023-04-03", "2023-05-03", "2023-06-03")
        ],
        "worker_parent_visits": [
            {"parent_id": "M1", "visit_date": D(day), "contact_mode": "IN_PERSON", "status": "COMPLETED"}
            for day in ("2023-04-04", "2023-05-04", "2023-06-04")
        ],
        "goals": [
            {"goal_rank": "PRIMARY", "goal_type": "REU", "start_date": D("2022-12-15"), "end_date": None},
        ],
        "exams": [{"exam_date": D("2023-05-02"), "exam_type": "HCY_FULL", "status": "COMPLETED"}],
        "reports": [],
    }
    base.update(rows)
    return Facts("C1", found=True, extract_id="x", as_of=D("2023-10-31"), **base)


AGREEING = {
    "14A1": "MONTHLY_PLUS",
    "8A1": {"f1": "MONTHLY_PLUS"},
    "8B1": {"f2": "NEVER"},
    "15A1": {"f1": "MONTHLY_PLUS"},
    "15A2": {"f2": "NEVER"},
    "4A": 2,
    "4A1": [
        {"placement_date": "2022-11-03", "placement_type": "FOSTER_NON_RELATIVE"},
        {"placement_date": "2023-05-10", "placement_type": "FOSTER_RELATIVE"},
    ],
    "5A1": ["REUNIFICATION"],
    "6A1": ["REUNIFICATION"],
    "6A3": "2022-11-03",
    "6A4": 7,
    "6A6": "NA",
    "17A1": "YES",
    "17A2": "YES",
    "1APP": "NO",
    "3B": "YES",
}


def checks(f: Facts, **answers) -> dict:
    merged = {k: v for k, v in {**AGREEING, **answers}.items() if v is not None}
    return {c.key: c for c in compare(f, merged, START, END)}


def test_everything_agrees_on_the_agreeing_fixture():
    result = checks(facts())
    assert sorted(result) == [
        "1-reports",
        "14-visits",
        "15-father",
        "15-mother",
        "17-exams",
        "4-count",
        "4-placements",
        "5-goals",
        "6-clock",
        "6-goals",
        "8-father",
        "8-mother",
    ]
    assert [c.key for c in result.values() if c.disagrees] == []
    assert result["14-visits"].extract == ("2023-04: 1 visit(s)", "2023-05: 1 visit(s)", "2023-06: 1 visit(s)")
    assert result["4-count"].reason == "Both count 2 placement setting(s)."


def test_item_14_a_month_without_a_recorded_visit_rated_as_visited():
    f = facts(
        child_visits=[
            {"visit_date": D("2023-04-12"), "contact_mode": "IN_PERSON", "status": "COMPLETED"},
            {"visit_date": D("2023-05-20"), "contact_mode": "PHONE", "status": "COMPLETED"},
            {"visit_date": D("2023-06-20"), "contact_mode": "IN_PERSON", "status": "ATTEMPTED"},
        ]
    )
    check = checks(f)["14-visits"]
    assert check.disagrees
    assert check.reason == (
        "Rated as visited at least once a month, but the extract records no worker/child visit in 2023-05, 2023-06."
    )
    # never visited, yet visits recorded; less than monthly, yet a visit every month
    assert checks(facts(), **{"14A1": "NEVER"})["14-visits"].disagrees
    assert checks(facts(), **{"14A1": "LESS_THAN_MONTHLY"})["14-visits"].reason == (
        "Rated as visited less than once a month, but the extract records a worker/child visit every month."
    )
    assert not checks(f, **{"14A1": "LESS_THAN_MONTHLY"})["14-visits"].disagrees


def test_item_14_unanswered_is_shown_but_not_flagged_and_months_out_of_care_do_not_count():
    check = checks(facts(), **{"14A1": None})["14-visits"]
    assert (check.compared, check.disagrees, check.reason) == (False, False, "Not answered yet.")
    # entered care on 2023-05-20: April is not a month in care, so no visit in April is no disagreement
    late = facts(
        episodes=[{"episode_id": "E1", "removal_date": D("2023-05-20"), "discharge_date": None}],
        child_visits=[
            {"visit_date": D(d), "contact_mode": "IN_PERSON", "status": "COMPLETED"}
            for d in ("2023-05-25", "2023-06-20")
        ],
    )
    assert checks(late)["14-visits"].extract == ("2023-05: 1 visit(s)", "2023-06: 1 visit(s)")
    assert not checks(late)["14-visits"].disagrees


def test_items_8_and_15_parent_visits_and_worker_parent_visits():
    f = facts(
        parent_visits=[],
        worker_parent_visits=[
            {"parent_id": "F1", "visit_date": D("2023-04-04"), "contact_mode": "IN_PERSON", "status": "COMPLETED"},
        ],
    )
    result = checks(f)
    assert result["8-mother"].disagrees
    assert result["8-mother"].reason.endswith("no mother/child visit in 2023-04, 2023-05, 2023-06.")
    assert result["15-mother"].disagrees  # rated monthly, no worker/mother visit at all
    assert result["15-father"].disagrees  # rated never, one worker/father visit recorded
    assert (
        result["15-father"].reason
        == "Rated as never visited, but the extract records 1 worker/father visit(s) in the period."
    )
    assert not result["8-father"].disagrees


def test_items_8_and_15_without_the_parent_in_the_extract_compare_nothing():
    result = checks(facts(parents=[{"parent_id": "M1", "relationship": "BIRTH_MOTHER"}]))
    for key in ("8-father", "15-father"):
        assert (result[key].compared, result[key].disagrees) == (False, False)
        assert result[key].reason == "The extract records no father of the child: nothing to compare."
    assert result["8-mother"].compared and not result["8-mother"].disagrees


def test_item_4_placements_count_dates_and_types():
    three = facts(
        placements=[
            *facts().placements[:1],
            {
                "placement_id": "P2",
                "start_date": D("2023-05-10"),
                "end_date": D("2023-06-01"),
                "setting_type": "SHELTER",
            },
            {"placement_id": "P3", "start_date": D("2023-06-01"), "end_date": None, "setting_type": "FFH_REL"},
            {
                "placement_id": "P4",
                "start_date": D("2023-06-10"),
                "end_date": D("2023-06-12"),
                "setting_type": "HOSPITAL",
            },
        ]
    )
    result = checks(three)
    assert result["4-count"].disagrees
    assert result["4-count"].reason == "The extract shows 3 placement setting(s) in the period, the review says 2."
    assert result["4-placements"].disagrees
    assert result["4-placements"].reason == (
        "Dates or types differ: placement 2 is SHELTER in the extract, FOSTER_RELATIVE in 4A1; "
        "4A1 lists 2 placement(s), the extract 3."
    )
    wrong_date = [dict(AGREEING["4A1"][0]), {"placement_date": "2023-05-11", "placement_type": "FOSTER_RELATIVE"}]
    assert (
        "placement 2 starts 2023-05-10 in the extract, 2023-05-11 in 4A1"
        in checks(facts(), **{"4A1": wrong_date})["4-placements"].reason
    )


def test_items_5_and_6_goals_and_the_permanency_clock():
    changed = facts(
        goals=[
            {"goal_rank": "PRIMARY", "goal_type": "REU", "start_date": D("2022-12-15"), "end_date": D("2023-05-31")},
            {"goal_rank": "PRIMARY", "goal_type": "ADO", "start_date": D("2023-06-01"), "end_date": None},
            {"goal_rank": "CONCURRENT", "goal_type": "RLV", "start_date": D("2023-06-01"), "end_date": None},
        ]
    )
    result = checks(changed)
    assert result["5-goals"].disagrees
    assert result["5-goals"].reason == (
        "The extract's goal(s) on 2023-06-30: ADOPTION, LIVE_WITH_RELATIVES; 5A1: REUNIFICATION."
    )
    assert result["6-goals"].disagrees  # 6A1 has no 'live with relatives': compared on adoption only
    assert not checks(changed, **{"5A1": ["ADOPTION", "LIVE_WITH_RELATIVES"], "6A1": ["ADOPTION"]})["6-goals"].disagrees
    clock = checks(facts(), **{"6A3": "2022-12-03", "6A4": 3, "6A6": "2023-06-01"})["6-clock"]
    assert clock.disagrees
    assert clock.reason == (
        "The clock differs: removal 2022-11-03 in the extract, 2022-12-03 in 6A3; 7 month(s) in care in the "
        "extract, 3 in 6A4; discharge none in the extract, 2023-06-01 in 6A6."
    )
    assert months_between(D("2022-11-03"), D("2023-06-30")) == 7
    assert not checks(facts(), **{"6A4": 8})["6-clock"].disagrees  # one month either way is tolerated


def test_item_17_hcy_exams():
    assert not checks(facts())["17-exams"].disagrees
    none = checks(
        facts(
            exams=[
                {"exam_date": D("2023-03-01"), "exam_type": "HCY_FULL", "status": "COMPLETED"},
                {"exam_date": D("2023-05-01"), "exam_type": "HCY_FULL", "status": "MISSED"},
            ]
        )
    )
    assert none["17-exams"].disagrees
    assert none["17-exams"].reason == (
        "Rated assessed according to 17A1, but the extract records no completed HCY exam in the period; dental "
        "needs assessed according to 17A2, but the extract records no dental or full HCY exam."
    )
    assert not checks(facts(exams=[]), **{"17A1": "NO", "17A2": "NA"})["17-exams"].disagrees


def test_items_1_and_3_substantiated_reports():
    found = facts(
        reports=[
            {"report_id": "R1", "report_date": D("2023-05-05")},
            {"report_id": "R0", "report_date": D("2023-01-05")},
        ]
    )
    result = checks(found)
    assert result["1-reports"].disagrees
    assert result["1-reports"].extract == ("2023-05-05 report R1",)
    assert result["1-reports"].reason == (
        "They differ: the extract records 1 substantiated report(s) in the period, 1APP says none."
    )
    listed = {"1APP": "YES", "1A1": [{"report_date": "2023-05-05", "disposition": "SUBSTANTIATED"}], "3B": "YES"}
    assert not checks(found, **listed)["1-reports"].disagrees
    unlisted = {**listed, "1A1": [{"report_date": "2023-05-05", "disposition": "NOT_SUBSTANTIATED"}], "3B": "NA"}
    assert checks(found, **unlisted)["1-reports"].reason == (
        "They differ: not listed as substantiated in 1A1: 2023-05-05; 3B says no ongoing assessment was needed, "
        "but a report was substantiated in the period."
    )
    assert not checks(facts())["1-reports"].disagrees


def test_answers_that_are_not_numbers_are_not_compared():
    result = checks(facts(), **{"4A": "two", "6A4": "many", "6A3": None, "6A6": None})
    assert (result["4-count"].compared, result["4-count"].disagrees) == (False, False)
    assert (result["6-clock"].compared, result["6-clock"].disagrees) == (False, False)


def test_a_child_missing_from_the_extract_gives_no_checks():
    assert compare(Facts("C9", found=False), AGREEING, START, END) == []


@pytest.mark.django_db
def test_compare_review_reads_the_loaded_extract(tmp_path):
    load(
        tmp_path,
        removal_episodes=[{"episode_id": "E1", "child_id": "C1", "removal_date": "2022-11-03"}],
        placements=[
            {
                "placement_id": "P1",
                "episode_id": "E1",
                "start_date": "2022-11-03",
                "end_date": "2023-05-10",
                "setting_type": "FFH_NONREL",
            },
            {
                "placement_id": "P2",
                "episode_id": "E1",
                "start_date": "2023-05-10",
                "end_date": "2023-06-01",
                "setting_type": "FFH_REL",
            },
            {"placement_id": "P3", "episode_id": "E1", "start_date": "2023-06-01", "setting_type": "GROUP_HOME"},
        ],
        worker_child_visits=[
            {
                "visit_id": "V1",
                "child_id": "C1",
                "worker_id": "W1",
                "visit_date": "2023-04-12",
                "contact_mode": "IN_PERSON",
                "status": "COMPLETED",
            },
            {
                "visit_id": "V2",
                "child_id": "C1",
                "worker_id": "W1",
                "visit_date": "2023-06-12",
                "contact_mode": "IN_PERSON",
                "status": "COMPLETED",
            },
        ],
    )
    assert [p["placement_id"] for p in load_facts("C1").placements] == ["P1", "P2", "P3"]
    review = make_review(make_case("CASE-1"))
    review.pur_end = END
    review.save()
    record_answers(review, {"14A1": "MONTHLY_PLUS", "4A": 2}, {})
    link = CaseExtractLink.objects.create(case=review.case, child_id="C1", episode_id="E1")
    comparison = compare_review(review, link)
    assert (comparison.start, comparison.end) == (START, END)
    assert sorted(c.key for c in comparison.flags) == ["14-visits", "4-count"]
    assert (
        comparison.for_item("4")[0].reason
        == "The extract shows 3 placement setting(s) in the period, the review says 2."
    )
