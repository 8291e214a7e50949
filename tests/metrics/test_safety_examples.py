"""Worked examples W1-W4 and W15 of spec/metrics.md section 9 (safety domain)."""

from __future__ import annotations

import pytest

from metrics import config
from metrics.models import MetricResult
from tests.metrics.bundle import load
from tests.metrics.helpers import D, assignment, figures, result, run, table, units

pytestmark = pytest.mark.django_db

W1_EPISODES = [
    ("E1", "C1", "2023-03-02", "", "", "2012-04-02"),
    ("E2", "C2", "2023-07-10", "", "", "2014-01-01"),
    ("E3", "C3", "2022-11-20", "2023-07-20", "REU", "2010-09-09"),
    ("E4", "C4", "2023-01-05", "2023-07-31", "REU", "2016-06-06"),
    ("E5", "C5", "2022-05-01", "", "", "2011-11-11"),
    ("E6", "C6", "2022-02-01", "", "", "2013-03-03"),
    ("E7", "C7", "2022-08-15", "", "", "2005-07-01"),
]
W1_VISITS = [
    ("V1", "C1", "W1", "2023-07-15", "IN_PERSON", "CHILD_RESIDENCE", "COMPLETED"),
    ("V2", "C2", "W1", "2023-07-12", "IN_PERSON", "CHILD_RESIDENCE", "COMPLETED"),
    ("V3", "C4", "W2", "2023-07-05", "IN_PERSON", "SCHOOL", "COMPLETED"),
    ("V4", "C5", "W2", "2023-07-09", "PHONE", "", "COMPLETED"),
    ("V5", "C5", "W2", "2023-07-20", "VIDEO", "CHILD_RESIDENCE", "COMPLETED"),
    ("V6", "C6", "W3", "2023-07-12", "IN_PERSON", "CHILD_RESIDENCE", "ATTEMPTED"),
    ("V7", "C7", "W3", "2023-07-18", "IN_PERSON", "CHILD_RESIDENCE", "COMPLETED"),
]


def load_w1(tmp_path):
    episodes = [
        {"episode_id": e, "child_id": c, "removal_date": r, "discharge_date": d, "discharge_reason": why}
        for e, c, r, d, why, _ in W1_EPISODES
    ]
    children = [{"child_id": c, "date_of_birth": dob} for _, c, *_, dob in W1_EPISODES]
    visits = [
        {"visit_id": v, "child_id": c, "worker_id": w, "visit_date": d, "contact_mode": m, "location": loc, "status": s}
        for v, c, w, d, m, loc, s in W1_VISITS
    ]
    return load(tmp_path, removal_episodes=episodes, children=children, worker_child_visits=visits)


@pytest.mark.parametrize(
    "video, metric, expected",
    [
        (False, "worker_child_visits", (2, 4, D("50.0"), False, "A", "OK")),
        (False, "worker_child_visits_in_residence", (1, 2, D("50.0"), False, None, "OK")),
        (True, "worker_child_visits", (3, 4, D("75.0"), False, "B", "OK")),
        (True, "worker_child_visits_in_residence", (2, 3, D("66.7"), True, None, "OK")),
    ],
)
def test_w1_worker_child_visits(tmp_path, video, metric, expected):
    load_w1(tmp_path)
    if video:
        config.change(count_video_worker_visits=True)
    r = run(metrics=["worker_child_visits", "worker_child_visits_in_residence"])
    for dimension, key in (("STATE", "MO"), ("AGENCY", "6ZA"), ("COUNTY", "29095"), ("CIRCUIT", "16")):
        assert figures(result(r, metric, dimension, key)) == expected


def test_w1_exclusions_are_stored_with_their_reason(tmp_path):
    load_w1(tmp_path)
    r = run(metrics=["worker_child_visits"])
    reasons = dict(units(r, "worker_child_visits").values_list("child_id", "reason"))
    assert reasons == {
        "C1": "",
        "C2": "NOT_FULL_MONTH",
        "C3": "NOT_FULL_MONTH",
        "C4": "",
        "C5": "NO_FACE_TO_FACE_VISIT",
        "C6": "NO_FACE_TO_FACE_VISIT",
        "C7": "OVER_18",
    }


def load_w2(tmp_path, child: str):
    """W2 with one of its two children (the expectations are stated per child)."""
    a = {"worker_id": "W1", "assignment_role": "PRIMARY", "agency_code": "6ZA", "responsible_county_fips": "29095"}
    b = {"worker_id": "W9", "assignment_role": "PRIMARY", "agency_code": "CD", "responsible_county_fips": "29047"}
    switch = {"C8": ("2023-07-12", "2023-07-13"), "C9": ("2023-06-15", "2023-06-16")}[child]
    episode = "E" + child[1:]
    assignments = [
        dict(
            a,
            assignment_id=f"A{child}a",
            child_id=child,
            episode_id=episode,
            start_date="2023-01-01",
            end_date=switch[0],
        ),
        dict(b, assignment_id=f"A{child}b", child_id=child, episode_id=episode, start_date=switch[1]),
    ]
    workers = [
        {
            "worker_id": "W1",
            "period_start": "2010-01-01",
            "role": "CASE_MANAGER",
            "agency_code": "6ZA",
            "office_county_fips": "29095",
        },
        {
            "worker_id": "W9",
            "period_start": "2010-01-01",
            "role": "CASE_MANAGER",
            "agency_code": "CD",
            "office_county_fips": "29047",
        },
    ]
    visit = {
        "visit_id": "V8",
        "child_id": "C8",
        "worker_id": "W1",
        "visit_date": "2023-07-05",
        "contact_mode": "IN_PERSON",
        "location": "CHILD_RESIDENCE",
        "status": "COMPLETED",
    }
    return load(
        tmp_path,
        removal_episodes=[{"episode_id": episode, "child_id": child, "removal_date": "2023-01-01"}],
        worker_assignments=assignments,
        workers=workers,
        worker_child_visits=[visit] if child == "C8" else [],
    )


@pytest.mark.parametrize(
    "dimension, key, expected",
    [
        ("AGENCY", "CD", (1, 1, D("100.0"), True, "E", "OK")),
        ("AGENCY", "6ZA", (0, 0, None, None, None, "NO_DENOMINATOR")),
        ("COUNTY", "29047", (1, 1, D("100.0"), True, "E", "OK")),
        ("CIRCUIT", "7", (1, 1, D("100.0"), True, "E", "OK")),
        ("STATE", "MO", (1, 1, D("100.0"), True, "E", "OK")),
    ],
)
def test_w2_child_month_goes_to_the_agency_with_most_days(tmp_path, dimension, key, expected):
    # C8: 6ZA 12 days, CD 19 days in July; the 6ZA worker's visit counts for CD.
    load_w2(tmp_path, "C8")
    r = run(metrics=["worker_child_visits"])
    assert figures(result(r, "worker_child_visits", dimension, key)) == expected
    assert not units(r, "worker_child_visits", agency_code="6ZA").exists()
    assert not MetricResult.objects.filter(run=r, dimension="COUNTY", key="29095").exists()


def test_w2_tie_goes_to_the_later_responsibility(tmp_path):
    # C9 in June: 15 days with 6ZA, 15 with CD -> CD (responsible on the latest tied day).
    load_w2(tmp_path, "C9")
    r = run("2023-06", metrics=["worker_child_visits"])
    assert figures(result(r, "worker_child_visits", "AGENCY", "CD", period="2023-06")) == (
        0,
        1,
        D("0.0"),
        False,
        "A",
        "OK",
    )
    assert figures(result(r, "worker_child_visits", "AGENCY", "6ZA", period="2023-06"))[-1] == "NO_DENOMINATOR"


W3_CHILDREN = table(
    """
child_id,date_of_birth
V1,2012-05-10
V2,2015-01-01
V3,2010-06-01
V4,2005-03-15
V5,2004-12-01
V6,2016-02-02
"""
)
W3_EPISODES = table(
    """
episode_id,child_id,removal_date,discharge_date,discharge_reason
EV1,V1,2021-03-01,,
EV2,V2,2023-03-01,2023-03-09,REU
EV3,V3,2023-01-10,,
EV4,V4,2022-09-01,,
EV5,V5,2023-02-01,,
EV6,V6,2022-06-01,2023-07-01,REU
"""
)
W3_REPORTS = table(
    """
report_id,child_id,report_date,incident_date,disposition_date,finding,perpetrator_relationship
R1,V1,2022-10-03,2022-09-28,2022-11-15,POE,FOSTER_PARENT
R2,V1,2022-10-04,,2022-11-20,POE,FOSTER_PARENT
R3,V1,2022-10-05,,2022-12-01,POE,OTHER
R4,V1,2023-07-20,,2023-08-15,POE,FACILITY_STAFF
R5,V1,2023-03-01,,2023-04-01,UNS,OTHER
R6,V2,2023-03-05,,2023-04-01,POE,FOSTER_PARENT
R7,V3,2023-01-18,,2023-02-20,POE,OTHER
R8,V3,2023-01-19,,2023-03-01,CA,OTHER
R9,V4,2023-01-05,,2023-02-10,POE,FOSTER_PARENT
R10,V4,2023-04-02,,2023-05-01,POE,OTHER
R11,V5,2023-03-10,,2023-04-01,POE,OTHER
R12,V6,2023-06-10,,2023-06-30,POE,PARENT
""",
    allegation_seq="1",
)
W4_ASSIGNMENTS = [
    assignment("V1", "EV1", "6ZA", "2021-03-01", "2023-01-31"),
    assignment("V1", "EV1", "CD", "2023-02-01"),
    assignment("V2", "EV2", "6ZA", "2023-03-01"),
    assignment("V3", "EV3", "CD", "2023-01-10"),
    assignment("V4", "EV4", "6ZB", "2022-09-01"),
    assignment("V5", "EV5", "6ZA", "2023-02-01"),
    assignment("V6", "EV6", "6ZA", "2022-06-01"),
]


def load_w3(tmp_path):
    thv = {
        "placement_id": "P6",
        "episode_id": "EV6",
        "start_date": "2023-05-01",
        "end_date": "2023-07-01",
        "setting_type": "THV",
    }
    return load(
        tmp_path,
        children=W3_CHILDREN,
        removal_episodes=W3_EPISODES,
        maltreatment_reports=W3_REPORTS,
        worker_assignments=W4_ASSIGNMENTS,
        placements=[thv],
    )


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, (5, 1097, D("455.79"), False, None, "OK")),
        ({"victim_date_rule": "REPORT_DATE_IN_WINDOW"}, (6, 1097, D("546.95"), False, None, "OK")),
        ({"victim_min_episode_days": 8, "victim_early_report_days": 7}, (5, 1105, D("452.49"), False, None, "OK")),
    ],
)
def test_w3_victimization_exclusions(tmp_path, changes, expected):
    load_w3(tmp_path)
    if changes:
        config.change(**changes)
    r = run(metrics=["victimization_in_care"])
    state = result(r, "victimization_in_care")
    assert figures(state) == expected
    assert state.value == (D(expected[0]) / D(expected[1]) * 100000).quantize(D("0.000001"))
    assert (state.period_type, str(state.period_start), str(state.period_end)) == (
        "ROLLING_12",
        "2022-08-01",
        "2023-07-31",
    )


def test_w3_each_report_has_its_reason(tmp_path):
    load_w3(tmp_path)
    r = run(metrics=["victimization_in_care"])
    reasons = dict(units(r, "victimization_in_care", unit_type="REPORT").values_list("event_id", "reason"))
    assert reasons == {
        "R1": "",
        "R2": "DEDUP_1_DAY",
        "R3": "",
        "R4": "DISPOSITION_OUTSIDE_WINDOW",
        "R6": "SHORT_EPISODE",
        "R7": "WITHIN_FIRST_9_DAYS",
        "R8": "",
        "R9": "",
        "R10": "OVER_18",
        "R11": "ENTERED_AT_18",
        "R12": "",
    }  # R5 is not substantiated, so it is not a unit at all
    days = {
        u.child_id: u.days
        for u in units(r, "victimization_in_care", unit_type="EPISODE_DAYS").exclude(days=0).order_by("child_id")
    }
    assert days == {"V1": 181, "V3": 203, "V4": 195, "V6": 334}  # V1's 184 6ZA days are a separate unit


@pytest.mark.parametrize(
    "agency, expected",
    [
        ("6ZA", (3, 518, D("579.15"), False, None, "OK")),
        ("CD", (1, 384, D("260.42"), False, None, "OK")),
        ("6ZB", (1, 195, D("512.82"), False, None, "OK")),
    ],
)
def test_w4_victimization_by_agency(tmp_path, agency, expected):
    load_w3(tmp_path)
    r = run(metrics=["victimization_in_care"])
    row = result(r, "victimization_in_care", "AGENCY", agency)
    assert figures(row) == expected
    assert row.small_n is True


W15_EVENTS = table(
    """
event_id,child_id,event_date,awareness_date,event_type,reported_date
SE1,Q1,2023-07-02,2023-07-03,SERIOUS_BODILY_INJURY,2023-07-05
SE2,Q2,2023-07-14,2023-07-14,NEAR_FATALITY,2023-07-17
SE3,Q3,2023-07-10,2023-07-11,SERIOUS_BODILY_INJURY,2023-07-13
"""
)


@pytest.mark.parametrize(
    "holidays, timely",
    [
        (True, (2, 3, D("66.7"), None, None, "OK")),
        (False, (1, 3, D("33.3"), None, None, "OK")),
    ],
)
def test_w15_sentinel_events_and_timely_reporting(tmp_path, holidays, timely):
    episodes = [{"episode_id": f"EQ{n}", "child_id": f"Q{n}", "removal_date": "2022-01-01"} for n in (1, 2, 3)]
    extra = {"holidays": [{"holiday_date": "2023-07-04", "name": "Independence Day"}]} if holidays else {}
    result_ = load(tmp_path, removal_episodes=episodes, sentinel_events=W15_EVENTS, **extra)
    assert ("HD1" in result_.report.rules()) is not holidays
    r = run(metrics=["sentinel_events", "sentinel_event_timely_report"])
    assert figures(result(r, "sentinel_event_timely_report")) == timely
    assert figures(result(r, "sentinel_events", "AGENCY", "6ZA")) == (3, 1095, D("273.97"), None, None, "OK")


def test_changing_a_setting_bumps_only_the_metrics_that_use_it(tmp_path):
    load_w3(tmp_path)
    first = run(metrics=["victimization_in_care", "worker_child_visits"])
    assert {result(first, m).definition_version for m in ("victimization_in_care", "worker_child_visits")} == {1}
    version = config.change(note="CFSR exclusions", victim_min_episode_days=8)
    assert version.version == 2 and version.values["victim_min_episode_days"] == 8
    second = run(metrics=["victimization_in_care", "worker_child_visits"])
    assert result(second, "victimization_in_care").definition_version == 2
    assert result(second, "worker_child_visits").definition_version == 1
    assert second.settings_version == 2
    config.change(victim_min_episode_days=9)  # back to the default: the first version number again
    assert result(run(metrics=["victimization_in_care"]), "victimization_in_care").definition_version == 1
