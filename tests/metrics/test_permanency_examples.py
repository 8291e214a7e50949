"""Worked examples W7-W11 of spec/metrics.md section 9 (permanency and workers per child)."""

from __future__ import annotations

import pytest

from tests.metrics.bundle import load
from tests.metrics.helpers import D, assignment, figures, result, run, table, units

pytestmark = pytest.mark.django_db


def test_w7_worker_parent_visits_count_a_parent_once_per_key(tmp_path):
    episodes = [{"episode_id": f"E{k}", "child_id": k, "removal_date": "2023-01-01"} for k in ("K1", "K2", "K3", "K4")]
    assignments = [
        assignment("K1", "EK1", "6ZA", "2023-01-01"),
        *[assignment(k, f"E{k}", "CD", "2023-01-01") for k in ("K2", "K3", "K4")],
    ]
    parents = table(
        """
parent_id,child_id,relationship,tpr_date,whereabouts_unknown
M6,K1,BIRTH_MOTHER,,
M6,K2,BIRTH_MOTHER,,
F6,K1,BIRTH_FATHER,,
M7,K3,BIRTH_MOTHER,2023-05-02,
F7,K3,BIRTH_FATHER,,
M8,K4,BIRTH_MOTHER,,Y
F8,K4,BIRTH_FATHER,,
"""
    )
    visits = table(
        """
visit_id,parent_id,child_id,worker_id,visit_date,contact_mode,location,status
WP1,M6,K1,W1,2023-07-11,IN_PERSON,PARENT_HOME,COMPLETED
WP2,F7,K3,W4,2023-07-20,IN_PERSON,FACILITY,COMPLETED
WP3,F8,K4,W4,2023-07-06,PHONE,,COMPLETED
"""
    )
    workers = table(
        """
worker_id,period_start,role,agency_code,office_county_fips
W1,2010-01-01,CASE_MANAGER,6ZA,29095
W4,2010-01-01,CASE_MANAGER,CD,29095
W-6ZA,2010-01-01,CASE_MANAGER,6ZA,29095
W-CD,2010-01-01,CASE_MANAGER,CD,29095
"""
    )
    restriction = {
        "restriction_id": "X2",
        "parent_id": "F7",
        "child_id": "K3",
        "restriction_type": "NO_CONTACT_ORDER",
        "start_date": "2023-01-01",
    }
    load(
        tmp_path,
        removal_episodes=episodes,
        worker_assignments=assignments,
        parents=parents,
        parent_restrictions=[restriction],
        worker_parent_visits=visits,
        workers=workers,
    )
    r = run(metrics=["worker_parent_visits"])
    assert figures(result(r, "worker_parent_visits")) == (2, 5, D("40.0"), False, None, "OK")
    assert figures(result(r, "worker_parent_visits", "AGENCY", "6ZA")) == (1, 2, D("50.0"), True, None, "OK")
    assert figures(result(r, "worker_parent_visits", "AGENCY", "CD")) == (2, 4, D("50.0"), True, None, "OK")


W8_EPISODES = table(
    """
episode_id,child_id,removal_date,discharge_date,discharge_reason,agency
EA1,RA,2022-01-03,2022-07-15,REU,6ZA
EA2,RA,2023-07-15,,,6ZA
EB1,RB,2021-10-01,2022-07-15,REU,CD
EB2,RB,2023-07-16,,,CD
EC1,RC,2020-01-01,2022-03-01,ADO,CD
ED1,RD,2021-06-01,2021-12-01,GDN,6ZA
ED2,RD,2022-01-10,2022-05-01,REU,6ZA
ED3,RD,2022-06-01,,,6ZA
EE1,RE,2021-09-01,2022-06-15,REU,CD
EF1,RF,2021-05-05,2022-02-10,,CD
"""
)


@pytest.mark.parametrize(
    "dimension, key, expected",
    [
        # RF's exit has no reason: 1 of the 8 discharges statewide (12.5%) and 1 of CD's 4 exceed the
        # 10% EP6 data-quality limit of section 7.6, so those rows carry DQ_FLAG; 6ZA's exits are complete.
        ("STATE", "MO", (2, 3, D("66.7"), False, "A", "DQ_FLAG")),
        ("AGENCY", "6ZA", (2, 2, D("100.0"), False, "A", "OK")),
        ("AGENCY", "CD", (0, 1, D("0.0"), True, "D", "DQ_FLAG")),
    ],
)
def test_w8_reentry_within_12_months(tmp_path, dimension, key, expected):
    episodes = [{k: v for k, v in e.items() if k != "agency"} for e in W8_EPISODES]
    assignments = [assignment(e["child_id"], e["episode_id"], e["agency"], e["removal_date"]) for e in W8_EPISODES]
    children = [
        {"child_id": c, "date_of_birth": "2004-05-01" if c == "RE" else "2012-01-01"}
        for c in "RA RB RC RD RE RF".split()
    ]
    loaded = load(tmp_path, removal_episodes=episodes, worker_assignments=assignments, children=children)
    assert "EP6" in loaded.report.rules()
    r = run(metrics=["reentry_12_months"])
    row = result(r, "reentry_12_months", dimension, key)
    assert figures(row) == expected
    assert (row.period_type, str(row.period_start), str(row.period_end)) == ("EXIT_COHORT", "2021-08-01", "2022-07-31")
    reasons = dict(units(r, "reentry_12_months").values_list("episode_id", "reason"))
    assert reasons["EC1"] == "EXIT_NOT_IN_SCOPE" and reasons["EE1"] == "OVER_18"
    assert reasons["EF1"] == "NO_DISCHARGE_REASON" and reasons["ED2"] == "NOT_FIRST_EXIT"
    assert reasons["EB1"] == "NO_REENTRY"


def test_w9_case_managers_per_child(tmp_path):
    episodes = table(
        """
episode_id,child_id,removal_date,discharge_date,discharge_reason
EA1,A1,2023-02-01,,
EA2,A2,2022-03-15,,
EA3,A3,2022-07-31,,
EA4,A4,2023-07-20,,
EA5,A5,2022-01-01,2023-07-31,REU
"""
    )
    assignments = [
        assignment("A1", "EA1", "6ZA", "2023-02-01", "2023-03-10", worker_id="W1"),
        assignment("A1", "EA1", "6ZA", "2023-03-11", "2023-05-31", worker_id="W2"),
        assignment("A1", "EA1", "6ZA", "2023-06-01", worker_id="W1"),
        assignment("A2", "EA2", "6ZA", "2022-03-15", "2022-09-30", worker_id="W3"),
        assignment("A2", "EA2", "6ZA", "2022-10-01", "2023-03-31", worker_id="W4"),
        assignment("A2", "EA2", "6ZA", "2023-04-01", worker_id="W5"),
        assignment("A3", "EA3", "6ZA", "2022-07-31", "2023-01-15", worker_id="W6"),
        assignment("A3", "EA3", "6ZA", "2023-01-16", worker_id="W7"),
        assignment("A5", "EA5", "6ZA", "2022-01-01", worker_id="W8"),
    ]
    loaded = load(tmp_path, removal_episodes=episodes, worker_assignments=assignments, auto_assign=False)
    assert loaded.extract.quality["WA5"]["ALL"] > 0  # A4 has no assignment: its days fall back to CD
    r = run(metrics=["workers_per_child_lt12", "workers_per_child_12plus"])
    assert figures(result(r, "workers_per_child_lt12")) == (2, 1, D("2.00"), None, None, "OK")
    assert figures(result(r, "workers_per_child_12plus")) == (5, 2, D("2.50"), None, None, "OK")
    a4 = units(r, "workers_per_child_lt12", child_id="A4").get()
    assert (a4.in_denominator, a4.reason, a4.agency_code) == (False, "UNASSIGNED_CHILD", "CD")


def test_w10_placement_stability(tmp_path):
    episodes = table(
        """
episode_id,child_id,removal_date,discharge_date,discharge_reason
ES1,S1,2023-01-10,,
ES2,S2,2023-07-25,2023-07-30,REU
ES3,S3,2022-06-01,,
ES4,S4,2022-10-01,2023-02-01,REU
"""
    )
    placements = table(
        """
placement_id,episode_id,setting_type,provider_id,start_date,end_date
PS1,ES1,FFH_NONREL,H1,2023-01-10,2023-03-01
PS2,ES1,GROUP_HOME,G1,2023-03-01,2023-05-01
PS3,ES1,RUNAWAY,,2023-05-01,2023-05-05
PS4,ES1,GROUP_HOME,G1,2023-05-05,
PS5,ES4,FFH_REL,K1,2022-10-01,2022-11-15
PS6,ES4,FFH_NONREL,H2,2022-11-15,2023-01-01
PS7,ES4,THV,,2023-01-01,2023-02-01
PS8,ES2,FFH_NONREL,H3,2023-07-25,2023-07-30
PS9,ES3,FFH_NONREL,H4,2022-06-01,
"""
    )
    load(tmp_path, removal_episodes=episodes, placements=placements)
    r = run(metrics=["placement_stability"])
    assert figures(result(r, "placement_stability")) == (2, 326, D("6.13"), None, None, "OK")


W11_EPISODES = table(
    """
episode_id,child_id,removal_date,discharge_date,discharge_reason
ET1,T1,2022-08-20,2023-07-10,REU
ET2,T2,2021-06-15,2023-07-20,ADO
ET3,T3,2021-12-01,,
ET4,T4,2022-05-01,2023-06-15,REU
ET5,T5,2022-01-10,2023-04-01,EMA
ET6,T6,2022-03-01,2023-05-01,GDN
ET7,T7,2023-06-01,2023-06-05,REU
"""
)


def w11_goals(t6_keeps_reunification: bool) -> list[dict]:
    rows = """
goal_id,episode_id,goal_rank,goal_type,start_date,end_date
G1,ET1,PRIMARY,REU,2022-08-20,
G2a,ET2,PRIMARY,REU,2021-06-15,2021-07-31
G2b,ET2,PRIMARY,ADO,2021-08-01,
G3a,ET3,PRIMARY,REU,2021-12-01,2022-08-31
G3b,ET3,PRIMARY,GDN,2022-09-01,
G4,ET4,PRIMARY,REU,2022-05-01,
G5,ET5,PRIMARY,EMA,2022-01-10,
G7,ET7,PRIMARY,REU,2023-06-01,
"""
    if t6_keeps_reunification:
        rows += "G6,ET6,PRIMARY,REU,2022-03-01,\n"
    else:
        rows += "G6a,ET6,PRIMARY,REU,2022-03-01,2023-02-14\nG6b,ET6,PRIMARY,GDN,2023-02-15,\n"
    return table(rows)


@pytest.mark.parametrize(
    "variant, metric, expected",
    [
        (False, "timely_permanency", (3, 5, D("60.0"), None, None, "OK")),
        (False, "timely_permanency_reunification", (2, 2, D("100.0"), None, None, "OK")),
        (False, "timely_permanency_guardianship", (1, 2, D("50.0"), None, None, "OK")),
        (False, "timely_permanency_adoption", (0, 1, D("0.0"), None, None, "OK")),
        (True, "timely_permanency", (2, 5, D("40.0"), None, None, "OK")),
        (True, "timely_permanency_reunification", (2, 3, D("66.7"), None, None, "OK")),
        (True, "timely_permanency_guardianship", (0, 1, D("0.0"), None, None, "OK")),
    ],
)
def test_w11_timely_permanency(tmp_path, variant, metric, expected):
    thv = {"placement_id": "P4", "episode_id": "ET4", "start_date": "2023-03-01", "setting_type": "THV"}
    home = {
        "placement_id": "P4a",
        "episode_id": "ET4",
        "start_date": "2022-05-01",
        "end_date": "2023-03-01",
        "setting_type": "FFH_NONREL",
        "provider_id": "H1",
    }
    load(tmp_path, removal_episodes=W11_EPISODES, permanency_goals=w11_goals(variant), placements=[home, thv])
    r = run(metrics=[metric])
    assert figures(result(r, metric)) == expected


def test_w11_resolution_dates(tmp_path):
    thv = {"placement_id": "P4", "episode_id": "ET4", "start_date": "2023-03-01", "setting_type": "THV"}
    load(tmp_path, removal_episodes=W11_EPISODES, permanency_goals=w11_goals(False), placements=[thv])
    r = run(metrics=["timely_permanency"])
    got = {u.episode_id: (u.reason or "ON_TIME") for u in units(r, "timely_permanency")}
    assert got == {
        "ET1": "ON_TIME",
        "ET2": "LATE_DEADLINE",
        "ET3": "LATE_DEADLINE",
        "ET4": "ON_TIME",
        "ET6": "ON_TIME",
    }
    # T2 resolves late on 2023-06-16 (day after the adoption deadline), T3 on 2023-06-02.
    days = {u.episode_id: u.days for u in units(r, "timely_permanency")}
    from datetime import date

    assert days["ET2"] == (date(2023, 6, 16) - date(2021, 6, 15)).days
    assert days["ET3"] == (date(2023, 6, 2) - date(2021, 12, 1)).days


@pytest.mark.parametrize(
    "goal, qualified, meets",
    [(None, None, None), ("50.00", True, True), ("60.00", False, True), ("65.00", False, False)],
)
def test_incentive_qualification_needs_a_value_above_the_regional_goal(tmp_path, goal, qualified, meets):
    from datetime import date

    from metrics.models import RegionalGoal
    from metrics.scoring import provider_scores

    if goal:
        RegionalGoal.objects.create(region="", effective_from=date(2023, 1, 1), value=D(goal))
    thv = {"placement_id": "P4", "episode_id": "ET4", "start_date": "2023-03-01", "setting_type": "THV"}
    load(tmp_path, removal_episodes=W11_EPISODES, permanency_goals=w11_goals(False), placements=[thv])
    r = run(metrics=["timely_permanency"])
    row = result(r, "timely_permanency", "AGENCY", "6ZA")
    assert (row.value_rounded, row.meets, row.weight) == (D("60.0"), meets, D("0.5"))
    (score,) = [s for s in provider_scores(r, "2023-07") if s.agency == "6ZA"]
    assert score.permanency_qualified is qualified  # strictly greater than the goal
    assert score.phase_goal_share is None  # no other metric carries a non-zero weight today
    assert score.score == (None if meets is None else D("1.0000") if meets else D("0.0000"))


def test_a_month_not_yet_complete_at_the_as_of_date_is_provisional(tmp_path):
    episodes = [{k: v for k, v in e.items() if k != "agency"} for e in W8_EPISODES]
    load(tmp_path, as_of="2023-07-20", removal_episodes=episodes)
    r = run(metrics=["reentry_12_months"])
    assert result(r, "reentry_12_months", "AGENCY", "6ZA").status == "PROVISIONAL"
