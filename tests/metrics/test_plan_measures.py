"""Section 3.3 snapshot measures with hand-computed expectations (snapshot 2023-07-31)."""

from __future__ import annotations

import pytest

from tests.metrics.bundle import load
from tests.metrics.helpers import D, figures, result, run, table, units

pytestmark = pytest.mark.django_db

CHILDREN = table(
    """
child_id,date_of_birth
P1,2008-01-01
P2,2009-07-31
P3,2012-01-01
P4,2005-06-01
P5,2012-01-01
P6,2007-03-03
"""
)
EPISODES = table(
    """
episode_id,child_id,removal_date
E1,P1,2023-01-01
E2,P2,2023-01-01
E3,P3,2023-01-01
E4,P4,2023-01-01
E5,P5,2023-07-01
E6,P6,2023-01-01
"""
)
GOALS = table(
    """
goal_id,episode_id,goal_rank,goal_type,start_date,concurrent_exempt
G1,E1,PRIMARY,REU,2023-01-20,
G1c,E1,CONCURRENT,ADO,2023-02-15,
G2,E2,PRIMARY,REU,2023-01-20,
G3,E3,PRIMARY,ADO,2023-04-01,
G3c,E3,CONCURRENT,GDN,2023-01-20,
G4,E4,PRIMARY,ADO,2023-01-10,Y
G6,E6,PRIMARY,REU,2023-01-10,
G6c,E6,CONCURRENT,REU,2023-01-10,
"""
)
PLANS = table(
    """
plan_id,episode_id,plan_type,completed_date
CP1,E1,INITIAL,2023-02-15
CP1r,E1,REVIEW,2023-06-01
CP2,E2,INITIAL,2023-02-15
CP3,E3,INITIAL,2023-04-01
CP6,E6,INITIAL,2023-01-05
"""
)
SERVICES = table(
    """
service_id,child_id,service_date,service_type
S1,P1,2023-03-01,LIFE_SKILLS
S4,P4,2022-07-31,TRANSITION_PLAN
S6,P6,2023-07-31,EMPLOYMENT
"""
)


def test_concurrent_plan_social_service_plan_and_older_youth_services(tmp_path):
    load(
        tmp_path,
        children=CHILDREN,
        removal_episodes=EPISODES,
        permanency_goals=GOALS,
        case_plans=PLANS,
        older_youth_services=SERVICES,
    )
    r = run(metrics=["concurrent_plan", "social_service_plan", "older_youth_services"])
    assert figures(result(r, "concurrent_plan")) == (2, 5, D("40.0"), None, None, "OK")
    assert figures(result(r, "social_service_plan")) == (2, 5, D("40.0"), None, None, "OK")
    assert figures(result(r, "older_youth_services")) == (2, 4, D("50.0"), None, None, "OK")
    reasons = dict(units(r, "concurrent_plan").values_list("child_id", "reason"))
    assert reasons == {
        "P1": "",
        "P2": "NO_TIMELY_CONCURRENT_GOAL",
        "P3": "NO_TIMELY_PRIMARY_GOAL",
        "P4": "",
        "P6": "NO_TIMELY_CONCURRENT_GOAL",
    }


def test_measures_whose_optional_file_is_absent_are_not_computed(tmp_path):
    loaded = load(tmp_path, children=CHILDREN, removal_episodes=EPISODES, permanency_goals=GOALS)
    assert {"FILE3"} <= loaded.report.rules()
    r = run()
    computed = set(r.results.values_list("metric", flat=True))
    assert "concurrent_plan" in computed
    assert not {"social_service_plan", "older_youth_services"} & computed


EDUCATION = table(
    """
record_id,child_id,school_year,enrolled_from,enrolled_to,grade,year_end_status
R1,P1,2022-23,2022-08-20,2023-05-25,9,PROMOTED
R3,P3,2023-24,2023-08-20,,6,
R6,P6,2022-23,2022-08-20,2023-05-25,12,GRADUATED
"""
)


def test_education_enrollment_counts_the_school_year_just_ended_in_summer(tmp_path):
    # P4 is 18 on 2023-06-01 (out); P1 enrolled in 2022-23 (summer: counts); P6 graduated; P2, P3, P5 not.
    load(tmp_path, children=CHILDREN, removal_episodes=EPISODES, education_records=EDUCATION)
    r = run(metrics=["education_enrollment"])
    assert figures(result(r, "education_enrollment")) == (2, 5, D("40.0"), None, None, "OK")
    assert set(units(r, "education_enrollment", in_numerator=True).values_list("child_id", flat=True)) == {"P1", "P6"}


def test_education_progress_is_reported_once_a_year_for_the_school_year(tmp_path):
    records = [
        *EDUCATION,
        {
            "record_id": "R2",
            "child_id": "P2",
            "school_year": "2022-23",
            "enrolled_from": "2022-08-20",
            "year_end_status": "RETAINED",
        },
    ]
    load(tmp_path, children=CHILDREN, removal_episodes=EPISODES, education_records=records)
    r = run("2023-05", "2023-07", metrics=["education_progress"])
    row = result(r, "education_progress", period="2022-23")
    assert figures(row) == (2, 3, D("66.7"), None, None, "OK")
    assert (row.period_type, str(row.period_start), str(row.period_end)) == ("SCHOOL_YEAR", "2022-07-01", "2023-06-30")
    assert set(r.results.filter(metric="education_progress").values_list("period", flat=True)) == {"2022-23"}
