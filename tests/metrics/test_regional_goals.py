"""timely_permanency is benchmarked against the goal of the result's region (spec section 3.2) and the
incentive test uses the agency's region (section 5); see metrics/regions.py.

Window R12(2023-07) = 2022-08-01 .. 2023-07-31. Regions: Jackson 29095 (circuit 16) "Kansas City",
Greene 29077 (circuit 31) "Southwest" from its circuit, Andrew 29003 (circuit 5) none.
In each of Jackson and Greene one episode reaches reunification on time and one passes its deadline:
50.0% in both counties, circuits and agencies (6ZA in Jackson, 6ZB in Greene).
"""

from __future__ import annotations

from datetime import date

import pytest

from metrics.models import AgencyRegion, RegionalGoal
from metrics.regions import agency_regions
from metrics.scoring import provider_scores
from tests.metrics.bundle import load, reference_rows
from tests.metrics.helpers import D, assignment, result, run

pytestmark = pytest.mark.django_db

JACKSON, GREENE, ANDREW = "29095", "29077", "29003"


def regions_rows() -> dict[str, list[dict]]:
    ref = reference_rows()
    counties = [{**c, "region": "Kansas City" if c["county_fips"] == JACKSON else ""} for c in ref["counties.csv"]]
    circuits = [{**c, "region": "Southwest" if c["circuit_code"] == "31" else ""} for c in ref["circuits.csv"]]
    return {"counties": counties, "circuits": circuits}


def episode(eid: str, removal: str, discharge: str = "", reason: str = "", county: str = JACKSON) -> dict:
    return {
        "episode_id": eid,
        "child_id": f"C{eid}",
        "removal_date": removal,
        "discharge_date": discharge,
        "discharge_reason": reason,
        "jurisdiction_county_fips": county,
    }


# (episode, agency, county): ON = reunified on time 2023-03-01; LATE = REU deadline 2022-09-01 passed
CASES = [
    (episode("ON1", "2022-09-01", "2023-03-01", "REU"), "6ZA", JACKSON),
    (episode("LATE1", "2021-09-01"), "6ZA", JACKSON),
    (episode("ON2", "2022-09-01", "2023-03-01", "REU", GREENE), "6ZB", GREENE),
    (episode("LATE2", "2021-09-01", county=GREENE), "6ZB", GREENE),
]


def load_cases(tmp_path, extra: list[tuple[dict, list[dict]]] = ()) -> None:
    episodes = [e for e, _, _ in CASES] + [e for e, _ in extra]
    assignments = [assignment(e["child_id"], e["episode_id"], a, e["removal_date"], county=c) for e, a, c in CASES]
    assignments += [a for _, rows in extra for a in rows]
    goals = [
        {
            "goal_id": f"G{e['episode_id']}",
            "episode_id": e["episode_id"],
            "goal_rank": "PRIMARY",
            "goal_type": "REU",
            "start_date": e["removal_date"],
        }
        for e in episodes
    ]
    load(tmp_path, removal_episodes=episodes, worker_assignments=assignments, permanency_goals=goals, **regions_rows())


def goals(**by_region: str) -> None:
    for region, value in by_region.items():
        name = {"state": "", "kc": "Kansas City", "sw": "Southwest"}[region]
        RegionalGoal.objects.create(region=name, effective_from=date(2023, 1, 1), value=D(value))


def bench(r, dimension: str, key: str) -> tuple:
    row = result(r, "timely_permanency", dimension, key)
    return (row.value_rounded, row.benchmark, row.meets)


def test_counties_circuits_and_agencies_in_two_regions_get_their_own_goal(tmp_path):
    goals(state="45.00", kc="40.00", sw="60.00")
    load_cases(tmp_path)
    r = run(metrics=["timely_permanency", "timely_permanency_reunification"])
    assert bench(r, "STATE", "MO") == (D("50.0"), D("45.0000"), True)
    assert bench(r, "COUNTY", JACKSON) == (D("50.0"), D("40.0000"), True)
    assert bench(r, "COUNTY", GREENE) == (D("50.0"), D("60.0000"), False)  # the county takes its circuit's region
    assert bench(r, "CIRCUIT", "16") == (D("50.0"), D("45.0000"), True)  # circuit 16 has no region of its own
    assert bench(r, "CIRCUIT", "31") == (D("50.0"), D("60.0000"), False)
    # agencies without a setting: the region of most of their days in care
    assert bench(r, "AGENCY", "6ZA") == (D("50.0"), D("40.0000"), True)
    assert bench(r, "AGENCY", "6ZB") == (D("50.0"), D("60.0000"), False)
    # an agency with no days at all: statewide
    assert bench(r, "AGENCY", "6ZC") == (None, D("45.0000"), None)
    # the sub-metrics follow the same rule
    row = result(r, "timely_permanency_reunification", "COUNTY", GREENE)
    assert (row.value_rounded, row.benchmark, row.meets) == (D("50.0"), D("60.0000"), False)


def test_a_region_without_a_goal_uses_the_statewide_goal_and_no_goal_leaves_it_empty(tmp_path):
    goals(state="45.00", sw="60.00")
    load_cases(tmp_path)
    r = run(metrics=["timely_permanency"])
    assert bench(r, "COUNTY", JACKSON) == (D("50.0"), D("45.0000"), True)
    assert bench(r, "COUNTY", GREENE) == (D("50.0"), D("60.0000"), False)
    RegionalGoal.objects.all().delete()
    r = run(metrics=["timely_permanency"])
    assert bench(r, "COUNTY", GREENE) == (D("50.0"), None, None)
    assert bench(r, "AGENCY", "6ZA") == (D("50.0"), None, None)


def test_agency_region_falls_back_to_the_majority_of_days_then_statewide(tmp_path):
    # 6ZC: 120 days of the window in Jackson (Kansas City), then 245 in Greene (Southwest) -> Southwest.
    split = episode("S1", "2022-08-01")
    split_rows = [
        assignment("CS1", "S1", "6ZC", "2022-08-01", "2022-11-28", county=JACKSON),
        assignment("CS1", "S1", "6ZC", "2022-11-29", county=GREENE),
    ]
    # 6ZJ: all its days in Andrew, a county with no region -> statewide.
    andrew = episode("N1", "2022-08-01", county=ANDREW)
    andrew_rows = [assignment("CN1", "N1", "6ZJ", "2022-08-01", county=ANDREW)]
    goals(state="45.00", kc="40.00", sw="60.00")
    load_cases(tmp_path, extra=[(split, split_rows), (andrew, andrew_rows)])
    window = (date(2022, 8, 1), date(2023, 7, 31))
    regions = agency_regions(*window)
    assert (regions["6ZA"], regions["6ZB"], regions["6ZC"]) == ("Kansas City", "Southwest", "Southwest")
    assert "6ZJ" not in regions
    r = run(metrics=["timely_permanency"])
    assert result(r, "timely_permanency", "AGENCY", "6ZC").benchmark == D("60.0000")
    assert result(r, "timely_permanency", "AGENCY", "6ZJ").benchmark == D("45.0000")
    # Over a window where 6ZC's Jackson days are the majority, it belongs to Kansas City.
    assert agency_regions(date(2022, 8, 1), date(2022, 12, 31))["6ZC"] == "Kansas City"
    # The admin setting overrides the days; the latest row in force at the period's end applies.
    AgencyRegion.objects.create(agency_code="6ZC", region="Kansas City", effective_from=date(2023, 1, 1))
    AgencyRegion.objects.create(agency_code="6ZC", region="", effective_from=date(2023, 8, 1))
    AgencyRegion.objects.create(agency_code="6ZJ", region="Southwest", effective_from=date(2023, 7, 31))
    r = run(metrics=["timely_permanency"])
    assert result(r, "timely_permanency", "AGENCY", "6ZC").benchmark == D("40.0000")
    assert result(r, "timely_permanency", "AGENCY", "6ZJ").benchmark == D("60.0000")
    assert agency_regions(date(2022, 9, 1), date(2023, 8, 31))["6ZC"] == ""  # set to statewide from August


@pytest.mark.parametrize(
    "setting, region, goal, qualified",
    [
        (None, "Kansas City", D("40.00"), True),  # 50.0 > 40 (Kansas City, where its days are)
        ("Southwest", "Southwest", D("60.00"), False),  # 50.0 is not above 60
        ("", "", D("50.00"), False),  # statewide: "exceeding" is strictly greater
    ],
)
def test_incentive_qualification_uses_the_agency_region(tmp_path, setting, region, goal, qualified):
    goals(state="50.00", kc="40.00", sw="60.00")
    if setting is not None:
        AgencyRegion.objects.create(agency_code="6ZA", region=setting, effective_from=date(2020, 1, 1))
    load_cases(tmp_path)
    r = run(metrics=["timely_permanency"])
    (score,) = [s for s in provider_scores(r, "2023-07") if s.agency == "6ZA"]
    assert (score.region, score.regional_goal, score.permanency_value) == (region, goal, D("50.0"))
    assert score.permanency_qualified is qualified
    # the stored result agrees with the score: same goal, and meets (>=) where qualified (>) may not
    row = result(r, "timely_permanency", "AGENCY", "6ZA")
    assert (row.benchmark, row.meets) == (goal, True if qualified else goal == D("50.00"))


def test_synthetic_bundles_carry_a_region_on_every_circuit_and_county(tmp_path):
    import csv

    from metrics.synthetic import CIRCUIT_REGION, generate

    generate(tmp_path, children=20, seed=3)
    with open(tmp_path / "circuits.csv", newline="") as fh:
        circuits = {r["circuit_code"]: r["region"] for r in csv.DictReader(fh)}
    with open(tmp_path / "counties.csv", newline="") as fh:
        counties = list(csv.DictReader(fh))
    assert len(circuits) == 46 and all(circuits.values()) and circuits == CIRCUIT_REGION
    assert len(counties) == 115 and all(c["region"] == circuits[c["circuit_code"]] for c in counties)
    assert (circuits["16"], circuits["22"], circuits["31"]) == ("Kansas City", "St. Louis", "Southwest")


def test_the_metric_page_shows_each_agency_its_own_goal(tmp_path, client_for, personas):
    from django.urls import reverse

    goals(state="45.00", kc="40.00", sw="60.00")
    load_cases(tmp_path)
    run(metrics=["timely_permanency"])
    response = client_for(personas.state_supervisor).get(
        reverse("metrics:metric", args=["timely_permanency"]), {"period": "2023-07"}
    )
    chart = response.context["chart"]
    by_agency = dict(zip(chart["labels"], chart["benchmarks"], strict=True))
    assert (chart["benchmark"], by_agency["6ZA"], by_agency["6ZB"], by_agency["6ZC"]) == (45.0, 40.0, 60.0, 45.0)
    page = response.content.decode()
    assert "(goal &gt;= 40.0)" in page and "(goal &gt;= 60.0)" in page
