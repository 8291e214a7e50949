"""Decisions D27-D30 of spec/metrics.md section 6, as hand-built worked examples.

D27: on one date a permanency discharge decides first, then event 4 (turned 18 under a goal with a
     deadline), then any other discharge.
D28: a permanency discharge on or after the 18th birthday is judged by its date like any other.
D29: two PRIMARY assignment rows overlapping at month end: the later start owns the overlap (then the
     larger assignment id); a child is in one caseload only.
D30: `cases_returned` denominators (county, circuit, state) are the children FCCM agencies served.
Plus: no comparator on a result row without a benchmark.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.metrics.bundle import load
from tests.metrics.helpers import D, assignment, figures, result, run, table, units

pytestmark = pytest.mark.django_db

# Resolutions in R12(2023-07) = 2022-08-01 .. 2023-07-31.
BIRTHDAY_CHILDREN = table(
    """
child_id,date_of_birth
B1,2005-07-15
B2,2005-07-15
B3,2005-07-15
B4,2005-06-10
B5,2005-03-01
B6,2005-06-01
"""
)
BIRTHDAY_EPISODES = table(
    """
episode_id,child_id,removal_date,discharge_date,discharge_reason
EB1,B1,2022-09-01,2023-07-15,EMA
EB2,B2,2022-09-01,2023-07-15,REU
EB3,B3,2022-09-01,2023-07-15,
EB4,B4,2023-01-15,2023-07-20,REU
EB5,B5,2022-05-01,2023-07-10,REU
EB6,B6,2022-12-01,2023-07-05,REU
"""
)
BIRTHDAY_GOALS = table(
    """
goal_id,episode_id,goal_rank,goal_type,start_date,end_date
G1,EB1,PRIMARY,REU,2022-09-01,
G2,EB2,PRIMARY,REU,2022-09-01,
G3,EB3,PRIMARY,REU,2022-09-01,
G4,EB4,PRIMARY,NYE,2023-01-15,
G5,EB5,PRIMARY,LTFC,2022-05-01,
G6,EB6,PRIMARY,REU,2022-12-01,
"""
)


def _load_birthdays(tmp_path):
    load(
        tmp_path,
        children=[dict(c) for c in BIRTHDAY_CHILDREN],
        removal_episodes=[dict(e) for e in BIRTHDAY_EPISODES],
        permanency_goals=[dict(g) for g in BIRTHDAY_GOALS],
    )


def test_d27_d28_resolutions_around_the_18th_birthday(tmp_path):
    _load_birthdays(tmp_path)
    r = run(metrics=["timely_permanency", "timely_permanency_reunification"])
    got = {u.episode_id: (u.reason or "ON_TIME", date.fromordinal(u.event_day)) for u in units(r, "timely_permanency")}
    assert got == {
        # D27: emancipation on the 18th birthday under a reunification goal: late (turned 18)
        "EB1": ("LATE_18", date(2023, 7, 15)),
        # D27: a permanency discharge on the birthday decides first (on time: deadline 2023-09-01)
        "EB2": ("ON_TIME", date(2023, 7, 15)),
        # D27: a discharge without a reason on the birthday: late (turned 18)
        "EB3": ("LATE_18", date(2023, 7, 15)),
        # D28: reunification after the 18th birthday, no deadline-bearing goal at 18: judged by its date
        "EB4": ("ON_TIME", date(2023, 7, 20)),
        # D28: the same, after the 12-month deadline (2023-05-01): late exit
        "EB5": ("LATE_EXIT", date(2023, 7, 10)),
        # a deadline-bearing goal at 18 resolves the episode on the birthday; the later exit does not count
        "EB6": ("LATE_18", date(2023, 6, 1)),
    }
    reunification = {u.episode_id for u in units(r, "timely_permanency_reunification")}
    assert reunification == {"EB1", "EB2", "EB3", "EB4", "EB5", "EB6"}
    # EB3's exit without a reason is 1 of 6 exits (EP6 > 10 %): the state row is flagged, not changed
    assert figures(result(r, "timely_permanency")) == (2, 6, D("33.3"), None, None, "DQ_FLAG")


def test_no_comparator_without_a_benchmark(tmp_path):
    from metrics.models import MetricResult, RegionalGoal

    _load_birthdays(tmp_path)
    r = run(metrics=["timely_permanency"])
    rows = MetricResult.objects.filter(run=r, metric="timely_permanency")
    assert rows.exists()
    assert set(rows.values_list("benchmark", "comparator").distinct()) == {(None, "")}

    RegionalGoal.objects.create(region="", effective_from=date(2023, 1, 1), value=D("50.00"))
    r = run(metrics=["timely_permanency"])
    row = result(r, "timely_permanency")
    assert (row.benchmark, row.comparator, row.meets) == (D("50.00"), ">=", False)


def _caseload_bundle(tmp_path):
    """Worker A (Jul 25 - Aug 8) and worker B (Jul 29 - Sep 20) both PRIMARY for child C1 on Jul 31
    (the generated-bundle example of the issue); C2's two rows start on the same day."""
    episodes = table(
        """
episode_id,child_id,removal_date,discharge_date,discharge_reason
EC1,C1,2023-07-25,,
EC2,C2,2023-06-01,,
EC3,C3,2023-06-01,,
"""
    )
    assignments = [
        assignment("C1", "EC1", "6ZA", "2023-07-25", "2023-08-08", worker_id="WA", assignment_id="A1"),
        assignment("C1", "EC1", "6ZA", "2023-07-29", "2023-09-20", worker_id="WB", assignment_id="A2"),
        assignment("C2", "EC2", "6ZA", "2023-06-01", worker_id="WA", assignment_id="A3"),
        assignment("C2", "EC2", "6ZA", "2023-06-01", worker_id="WB", assignment_id="A4"),
        assignment("C3", "EC3", "6ZA", "2023-06-01", worker_id="WA", assignment_id="A5"),
    ]
    return load(tmp_path, removal_episodes=episodes, worker_assignments=assignments, auto_assign=False)


def test_d29_a_child_is_in_one_caseload_only(tmp_path):
    loaded = _caseload_bundle(tmp_path)
    assert any(p.rule == "WA4" for p in loaded.report.problems)
    r = run(metrics=["caseload_per_case_manager", "caseload_over_cap"])
    per_worker = dict(units(r, "caseload_per_case_manager", in_denominator=True).values_list("worker_id", "num"))
    # C1: B started later and owns the overlap; C2: same start, the larger assignment id (A4, worker B)
    assert {w: int(n) for w, n in per_worker.items()} == {"WA": 1, "WB": 2}
    # three distinct children, two case managers
    assert figures(result(r, "caseload_per_case_manager")) == (3, 2, D("1.50"), None, None, "OK")
    assert figures(result(r, "caseload_over_cap")) == (0, 2, D("0.0"), None, None, "OK")


def test_d30_cases_returned_denominators_are_children_served_by_fccm_agencies(tmp_path):
    episodes = table(
        """
episode_id,child_id,removal_date,discharge_date,discharge_reason
ER1,R1,2023-01-01,,
ER2,R2,2023-01-01,,
ER3,R3,2023-01-01,,
ER4,R4,2023-01-01,,
"""
    )
    assignments = [
        assignment("R1", "ER1", "6ZA", "2023-01-01", "2023-07-10"),
        assignment("R1", "ER1", "CD", "2023-07-11"),
        assignment("R2", "ER2", "6ZB", "2023-01-01"),
        # R3 is with CD all along: not a child an FCCM agency served
        assignment("R3", "ER3", "CD", "2023-01-01"),
        assignment("R4", "ER4", "6ZA", "2023-01-01"),
    ]
    returns = table(
        """
return_id,child_id,episode_id,from_agency_code,return_date,reason,cost_amount
RT1,R1,ER1,6ZA,2023-07-10,CATASTROPHIC_COST,1000.00
"""
    )
    load(
        tmp_path,
        removal_episodes=episodes,
        worker_assignments=assignments,
        returned_cases=returns,
        auto_assign=False,
    )
    r = run(metrics=["cases_returned"])
    # 1 return per 3 children served by FCCM agencies (R1, R2, R4), not per 4 children in care
    assert figures(result(r, "cases_returned")) == (1, 3, D("333.33"), None, None, "OK")
    assert figures(result(r, "cases_returned", "AGENCY", "6ZA")) == (1, 2, D("500.00"), None, None, "OK")
    assert figures(result(r, "cases_returned", "AGENCY", "6ZB")) == (0, 1, D("0.00"), None, None, "OK")
    assert figures(result(r, "cases_returned", "COUNTY", "29095")) == (1, 3, D("333.33"), None, None, "OK")
    assert not _has_result(r, "cases_returned", "AGENCY", "CD")


def _has_result(run_, metric, dimension, key) -> bool:
    from metrics.models import MetricResult

    return MetricResult.objects.filter(run=run_, metric=metric, dimension=dimension, key=key).exists()
