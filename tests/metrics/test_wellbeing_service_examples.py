"""Worked examples W5, W6, W14, W16 and W17 of spec/metrics.md section 9."""

from __future__ import annotations

import pytest

from metrics import config
from metrics.models import MetricResult
from tests.metrics.bundle import load
from tests.metrics.helpers import D, assignment, figures, result, run, table, units

pytestmark = pytest.mark.django_db

W5_PARENTS = table(
    """
parent_id,child_id,relationship,tpr_date,date_of_death,whereabouts_unknown
M1,P1,BIRTH_MOTHER,,,
F1,P1,BIRTH_FATHER,,,
M2,P2,BIRTH_MOTHER,2023-06-20,,
F3,P2,BIRTH_FATHER,2023-07-15,,
M3,P3,BIRTH_MOTHER,,,Y
F4,P3,BIRTH_FATHER,,2020-02-02,
M5,P4,BIRTH_MOTHER,,,
"""
)
W5_VISITS = table(
    """
visit_id,child_id,parent_id,visit_date,visit_mode,supervision,status
PV1,P1,M1,2023-07-08,IN_PERSON,SUPERVISED,COMPLETED
PV2,P4,M5,2023-07-11,IN_PERSON,SUPERVISED,NO_SHOW
PV3,P4,M5,2023-07-25,VIRTUAL,,COMPLETED
PV4,P2,F3,2023-07-03,IN_PERSON,SUPERVISED,COMPLETED
"""
)


@pytest.mark.parametrize(
    "virtual, expected",
    [(False, (1, 3, D("33.3"), False, None, "OK")), (True, (2, 3, D("66.7"), True, None, "OK"))],
)
def test_w5_parent_child_visits(tmp_path, virtual, expected):
    episodes = [{"episode_id": f"E{c}", "child_id": c, "removal_date": "2023-01-01"} for c in ("P1", "P2", "P3", "P4")]
    restriction = {
        "restriction_id": "X1",
        "parent_id": "F1",
        "child_id": "P1",
        "restriction_type": "NO_CONTACT_ORDER",
        "start_date": "2023-06-01",
    }
    load(
        tmp_path,
        removal_episodes=episodes,
        parents=W5_PARENTS,
        parent_restrictions=[restriction],
        parent_child_visits=W5_VISITS,
    )
    if virtual:
        config.change(count_virtual_family_visits=True)
    r = run(metrics=["parent_child_visits"])
    assert figures(result(r, "parent_child_visits")) == expected
    reasons = {(u.child_id, u.parent_id): u.reason for u in units(r, "parent_child_visits")}
    assert reasons[("P1", "F1")] == "COURT_NO_CONTACT"
    assert reasons[("P2", "M2")] == reasons[("P2", "F3")] == "TPR"
    assert reasons[("P3", "F4")] == "DECEASED"
    assert reasons[("P3", "M3")] == "NO_VISIT"  # whereabouts unknown: stays in the denominator


W6_EPISODES = table(
    """
episode_id,child_id,removal_date,discharge_date,discharge_reason
H1,CH1,2023-07-03,,
H2,CH2,2023-07-10,,
H3,CH3,2023-07-20,2023-07-25,REU
H4,CH4,2023-07-28,,
"""
)
W6_EXAMS = table(
    """
exam_id,child_id,exam_date,exam_type,status
X1,CH1,2023-08-02,HCY_FULL,COMPLETED
X2,CH2,2023-08-10,HCY_FULL,COMPLETED
X4,CH4,2023-07-27,HCY_FULL,COMPLETED
X5,CH4,2023-08-05,DENTAL,COMPLETED
"""
)
W6_ASSIGNMENTS = [
    assignment("CH1", "H1", "CD", "2023-07-03", "2023-07-20"),
    assignment("CH1", "H1", "6ZB", "2023-07-21"),
    assignment("CH2", "H2", "CD", "2023-07-10", "2023-07-11"),
    assignment("CH2", "H2", "6ZB", "2023-07-12"),
    assignment("CH3", "H3", "CD", "2023-07-20"),
    assignment("CH4", "H4", "CD", "2023-07-28"),
]


def load_w6(tmp_path, as_of="2023-10-31"):
    return load(
        tmp_path, as_of=as_of, removal_episodes=W6_EPISODES, hcy_exams=W6_EXAMS, worker_assignments=W6_ASSIGNMENTS
    )


@pytest.mark.parametrize(
    "exclude_short, dimension, key, expected",
    [
        (False, "STATE", "MO", (1, 4, D("25.0"), False, None, "OK")),
        (False, "AGENCY", "CD", (1, 3, D("33.3"), False, None, "OK")),
        (False, "AGENCY", "6ZB", (0, 1, D("0.0"), False, None, "OK")),
        (False, "AGENCY", "6AW", (0, 0, None, None, None, "NO_DENOMINATOR")),
        (True, "STATE", "MO", (1, 3, D("33.3"), False, None, "OK")),
    ],
)
def test_w6_hcy_exam_within_30_days(tmp_path, exclude_short, dimension, key, expected):
    result_ = load_w6(tmp_path)
    assert "HE2" in result_.report.rules()  # X4 is a day before H4's removal
    if exclude_short:
        config.change(hcy_exclude_short_stays=True)
    r = run(metrics=["hcy_exam_30_days"])
    assert figures(result(r, "hcy_exam_30_days", dimension, key)) == expected


def test_w6_hcy_is_provisional_until_30_days_after_the_month(tmp_path):
    load_w6(tmp_path, as_of="2023-08-15")
    r = run(metrics=["hcy_exam_30_days"])
    assert figures(result(r, "hcy_exam_30_days")) == (1, 4, D("25.0"), False, None, "PROVISIONAL")


W14_WORKERS = table(
    """
worker_id,period_start,period_end,role,agency_code,office_county_fips,supervisor_worker_id,fte
W1,2020-01-06,,CASE_MANAGER,6ZA,29095,S1,1.0
W2,2023-07-10,,CASE_MANAGER,6ZA,29095,S1,1.0
W3,2021-05-01,,CASE_MANAGER,6ZA,29095,S1,0.5
W4,2019-01-01,2023-07-20,CASE_MANAGER,6ZA,29095,S1,1.0
S1,2018-03-01,,SUPERVISOR,6ZA,29095,,1.0
"""
)
W14_TRAININGS = table(
    """
training_id,worker_id,course_code,status,completion_date
T1,W1,TRAUMA_TOOLKIT,COMPLETED,2022-03-01
T2,W2,TRAUMA_TOOLKIT,IN_PROGRESS,
T3,W3,TRAUMA_TOOLKIT,COMPLETED,2023-08-05
T4,S1,TRAUMA_TOOLKIT,COMPLETED,2021-01-10
"""
)


def load_w14(tmp_path, w1_children: int):
    episodes, assignments = [], []
    for worker, count in (("W1", w1_children), ("W2", 3)):
        for n in range(count):
            child = f"K{worker}{n}"
            episodes.append({"episode_id": f"E{child}", "child_id": child, "removal_date": "2023-07-10"})
            assignments.append(assignment(child, f"E{child}", "6ZA", "2023-07-10", worker_id=worker))
    return load(
        tmp_path,
        removal_episodes=episodes,
        worker_assignments=assignments,
        workers=W14_WORKERS,
        trainings=W14_TRAININGS,
        auto_workers=False,
    )


@pytest.mark.parametrize(
    "w1_children, metric, expected",
    [
        (12, "trauma_training", (2, 4, D("50.0"), None, None, "OK")),
        (12, "supervisor_ratio", (D("2.5"), 1, D("2.50"), None, None, "OK")),
        (12, "caseload_per_case_manager", (15, 2, D("7.50"), None, None, "OK")),
        (12, "caseload_over_cap", (0, 2, D("0.0"), None, None, "OK")),
        (16, "caseload_per_case_manager", (19, 2, D("9.50"), None, None, "OK")),
        (16, "caseload_over_cap", (1, 2, D("50.0"), None, None, "OK")),
    ],
)
def test_w14_training_supervisors_caseloads(tmp_path, w1_children, metric, expected):
    load_w14(tmp_path, w1_children)
    r = run(metrics=[metric])
    assert figures(result(r, metric, "AGENCY", "6ZA")) == expected
    assert figures(result(r, metric)) == expected


W16_RETURNS = table(
    """
return_id,child_id,episode_id,from_agency_code,return_date,reason,cost_amount
RT1,Y1,EY1,6ZA,2023-07-12,CATASTROPHIC_COST,48000.00
RT2,Y2,EY2,6ZA,2023-07-20,COURT_ORDER,
RT3,Y3,EY3,6ZA,2023-07-25,OTHER,
"""
)


@pytest.mark.parametrize(
    "metric, expected",
    [
        ("cases_returned", (2, 200, D("10.00"), None, None, "OK")),
        ("cases_returned_cost", (48000, 1, D("48000.00"), None, None, "OK")),
    ],
)
def test_w16_cases_returned(tmp_path, metric, expected):
    episodes = [{"episode_id": f"EY{n}", "child_id": f"Y{n}", "removal_date": "2023-01-01"} for n in range(1, 201)]
    result_ = load(tmp_path, removal_episodes=episodes, returned_cases=W16_RETURNS)
    assert "RC3" in result_.report.rules()  # RT2 has no court_order_date
    r = run(metrics=[metric])
    assert figures(result(r, metric, "AGENCY", "6ZA")) == expected
    assert not MetricResult.objects.filter(run=r, metric=metric, dimension="AGENCY", key="CD").exists()


def test_w17_residential_share_and_qrtp_assessment(tmp_path):
    settings = ["FFH_NONREL"] * 5 + ["FFH_REL"] * 2 + ["GROUP_HOME", "QRTP", "RUNAWAY"]
    episodes, placements, assignments = [], [], []
    for n, setting in enumerate(settings, start=1):
        episodes.append({"episode_id": f"ER{n}", "child_id": f"CR{n}", "removal_date": "2023-01-01"})
        start = "2023-07-05" if setting == "QRTP" else "2023-01-01"
        placements.append(
            {
                "placement_id": f"PR{n}",
                "episode_id": f"ER{n}",
                "start_date": start,
                "setting_type": setting,
                "provider_id": f"H{n}",
                "qrtp_assessment_date": "2023-08-01" if setting == "QRTP" else "",
            }
        )
        if setting == "QRTP":
            placements.append(
                {
                    "placement_id": f"PR{n}a",
                    "episode_id": f"ER{n}",
                    "start_date": "2023-01-01",
                    "end_date": "2023-07-05",
                    "setting_type": "FFH_NONREL",
                    "provider_id": "H0",
                }
            )
        assignments.append(assignment(f"CR{n}", f"ER{n}", "CD", "2023-01-01"))
    episodes.append(
        {
            "episode_id": "ER11",
            "child_id": "CR11",
            "removal_date": "2023-01-01",
            "discharge_date": "2023-07-31",
            "discharge_reason": "REU",
        }
    )
    placements.append(
        {"placement_id": "PR11", "episode_id": "ER11", "start_date": "2023-01-01", "setting_type": "RESIDENTIAL"}
    )
    assignments.append(assignment("CR11", "ER11", "CD", "2023-01-01"))
    load(tmp_path, removal_episodes=episodes, placements=placements, worker_assignments=assignments)
    r = run(metrics=["residential_placement", "qrtp_assessment_30_days"])
    assert figures(result(r, "residential_placement", "AGENCY", "CD")) == (2, 10, D("20.0"), None, None, "OK")
    assert figures(result(r, "qrtp_assessment_30_days", "AGENCY", "CD")) == (1, 1, D("100.0"), None, None, "OK")
    distribution = sorted(units(r, "residential_placement").values_list("reason", flat=True))
    assert distribution == ["FFH_NONREL"] * 5 + ["FFH_REL"] * 2 + ["GROUP_HOME", "QRTP", "RUNAWAY"]
