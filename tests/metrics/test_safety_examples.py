"""Worked examples W1-W4 and W15 of spec/metrics.md section 9 (safety domain)."""

from __future__ import annotations

import pytest

from metrics import config
from metrics.models import MetricResult
from tests.metrics.bundle import load
from tests.metrics.helpers import D, figures, result, run, units

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
