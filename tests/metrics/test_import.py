"""Importing bundles: one test per validation rule (message, and nothing written), re-import, zip."""

from __future__ import annotations

import copy
import zipfile

import pytest

from metrics.extract.load import load_bundle
from metrics.models import Child, Extract, RemovalEpisode, ResponsibilitySpan
from tests.metrics.bundle import build, reference_rows

pytestmark = pytest.mark.django_db


def base() -> dict[str, list[dict]]:
    """A small valid bundle with a row in every file."""
    return {
        "children": [
            {"child_id": "C1", "date_of_birth": "2012-04-02"},
            {"child_id": "C2", "date_of_birth": "2010-01-01"},
        ],
        "removal_episodes": [
            {"episode_id": "E1", "child_id": "C1", "removal_date": "2023-01-10", "removal_manner": "CRT"},
            {
                "episode_id": "E2",
                "child_id": "C2",
                "removal_date": "2022-05-01",
                "discharge_date": "2023-05-01",
                "discharge_reason": "REU",
            },
        ],
        "placements": [
            {
                "placement_id": "P1",
                "episode_id": "E1",
                "start_date": "2023-01-10",
                "setting_type": "FFH_NONREL",
                "provider_id": "H1",
            },
            {
                "placement_id": "P2",
                "episode_id": "E2",
                "start_date": "2022-05-01",
                "end_date": "2023-05-01",
                "setting_type": "QRTP",
                "qrtp_assessment_date": "2022-05-20",
            },
        ],
        "workers": [
            {
                "worker_id": "W1",
                "period_start": "2020-01-01",
                "role": "CASE_MANAGER",
                "agency_code": "6ZA",
                "office_county_fips": "29095",
                "supervisor_worker_id": "S1",
                "fte": "1.0",
            },
            {
                "worker_id": "S1",
                "period_start": "2019-01-01",
                "role": "SUPERVISOR",
                "agency_code": "6ZA",
                "office_county_fips": "29095",
            },
        ],
        "worker_assignments": [
            {
                "assignment_id": "A1",
                "child_id": "C1",
                "episode_id": "E1",
                "worker_id": "W1",
                "assignment_role": "PRIMARY",
                "agency_code": "6ZA",
                "responsible_county_fips": "29095",
                "start_date": "2023-01-10",
            },
            {
                "assignment_id": "A2",
                "child_id": "C2",
                "episode_id": "E2",
                "worker_id": "W1",
                "assignment_role": "PRIMARY",
                "agency_code": "6ZA",
                "responsible_county_fips": "29095",
                "start_date": "2022-05-01",
                "end_date": "2023-05-01",
            },
        ],
        "worker_child_visits": [
            {
                "visit_id": "V1",
                "child_id": "C1",
                "worker_id": "W1",
                "visit_date": "2023-07-05",
                "contact_mode": "IN_PERSON",
                "location": "CHILD_RESIDENCE",
                "status": "COMPLETED",
            },
        ],
        "parents": [{"parent_id": "M1", "child_id": "C1", "relationship": "BIRTH_MOTHER"}],
        "worker_parent_visits": [
            {
                "visit_id": "WP1",
                "parent_id": "M1",
                "worker_id": "W1",
                "visit_date": "2023-07-06",
                "contact_mode": "IN_PERSON",
                "status": "COMPLETED",
            },
        ],
        "parent_restrictions": [
            {
                "restriction_id": "X1",
                "parent_id": "M1",
                "restriction_type": "VISITS_SUSPENDED",
                "start_date": "2023-01-01",
                "end_date": "2023-02-01",
            },
        ],
        "parent_child_visits": [
            {
                "visit_id": "PV1",
                "child_id": "C1",
                "parent_id": "M1",
                "visit_date": "2023-07-08",
                "visit_mode": "IN_PERSON",
                "status": "COMPLETED",
            },
        ],
        "hcy_exams": [
            {
                "exam_id": "X1",
                "child_id": "C1",
                "exam_date": "2023-01-20",
                "exam_type": "HCY_FULL",
                "status": "COMPLETED",
            }
        ],
        "maltreatment_reports": [
            {
                "report_id": "R1",
                "child_id": "C1",
                "allegation_seq": "1",
                "report_date": "2023-03-01",
                "disposition_date": "2023-04-01",
                "finding": "UNS",
            },
        ],
        "permanency_goals": [
            {
                "goal_id": "G1",
                "episode_id": "E1",
                "goal_rank": "PRIMARY",
                "goal_type": "REU",
                "start_date": "2023-02-01",
            },
            {
                "goal_id": "G2",
                "episode_id": "E2",
                "goal_rank": "PRIMARY",
                "goal_type": "REU",
                "start_date": "2022-05-10",
            },
        ],
        "trainings": [
            {
                "training_id": "T1",
                "worker_id": "W1",
                "course_code": "TRAUMA_TOOLKIT",
                "status": "COMPLETED",
                "completion_date": "2022-01-01",
            }
        ],
        "returned_cases": [
            {
                "return_id": "RT1",
                "child_id": "C2",
                "episode_id": "E2",
                "from_agency_code": "6ZA",
                "return_date": "2023-04-01",
                "reason": "CATASTROPHIC_COST",
                "cost_amount": "1200.50",
            },
        ],
        "sentinel_events": [
            {
                "event_id": "SE1",
                "child_id": "C1",
                "event_date": "2023-07-02",
                "awareness_date": "2023-07-03",
                "event_type": "SERIOUS_BODILY_INJURY",
                "reported_date": "2023-07-04",
            },
        ],
        "holidays": [{"holiday_date": "2023-07-04", "name": "Independence Day"}],
    }


def write(tmp_path, files, **options):
    return build(tmp_path, auto_assign=False, auto_workers=False, **options, **files)


def test_the_base_bundle_is_valid_and_loads(tmp_path):
    result = load_bundle(write(tmp_path, base()))
    assert result.status == "LOADED", [str(p) for p in result.report.problems]
    assert result.report.errors == []
    assert (Child.objects.count(), RemovalEpisode.objects.count()) == (2, 2)


def set_value(file, index, column, value):
    def change(files):
        files[file][index][column] = value

    return change


def add_row(file, row):
    def change(files):
        files.setdefault(file, []).append(row)

    return change


# rule, severity, change, (file, line, column, value) the report must name
CASES = [
    (
        "GEN1",
        "ERROR",
        add_row(
            "hcy_exams",
            {
                "exam_id": "X1",
                "child_id": "C1",
                "exam_date": "2023-01-21",
                "exam_type": "DENTAL",
                "status": "COMPLETED",
            },
        ),
        ("hcy_exams.csv", 3, "exam_id", "X1"),
    ),
    ("GEN2", "ERROR", set_value("hcy_exams", 0, "child_id", "NOPE"), ("hcy_exams.csv", 2, "child_id", "NOPE")),
    (
        "GEN3",
        "ERROR",
        set_value("placements", 0, "setting_type", "CASTLE"),
        ("placements.csv", 2, "setting_type", "CASTLE"),
    ),
    (
        "GEN3",
        "ERROR",
        set_value("children", 0, "date_of_birth", "2012-02-30"),
        ("children.csv", 2, "date_of_birth", "2012-02-30"),
    ),
    ("GEN3", "ERROR", set_value("workers", 0, "fte", "1,0"), ("workers.csv", 2, "fte", "1,0")),
    (
        "GEN4",
        "ERROR",
        set_value("removal_episodes", 0, "jurisdiction_county_fips", ""),
        ("removal_episodes.csv", 2, "jurisdiction_county_fips", ""),
    ),
    (
        "GEN5",
        "ERROR",
        set_value("worker_child_visits", 0, "visit_date", "2023-11-01"),
        ("worker_child_visits.csv", 2, "visit_date", "2023-11-01"),
    ),
    (
        "GEN6",
        "ERROR",
        set_value("hcy_exams", 0, "exam_date", "1989-12-31"),
        ("hcy_exams.csv", 2, "exam_date", "1989-12-31"),
    ),
    (
        "GEN7",
        "WARNING",
        set_value("children", 0, "favourite_colour", "blue"),
        ("children.csv", 1, "favourite_colour", ""),
    ),
    ("MF1", "ERROR", set_value("manifest", 0, "schema_version", "2"), ("manifest.csv", 2, "schema_version", "2")),
    ("AG1", "ERROR", set_value("agencies", 0, "agency_type", "CD"), ("agencies.csv", None, "agency_type", "2")),
    (
        "CO1",
        "ERROR",
        add_row("counties", {"county_fips": "20001", "county_name": "Elsewhere", "circuit_code": "1"}),
        ("counties.csv", 117, "county_fips", "20001"),
    ),
    (
        "CH1",
        "ERROR",
        set_value("children", 0, "date_of_birth", "2024-01-01"),
        ("children.csv", 2, "date_of_birth", "2024-01-01"),
    ),
    (
        "CH2",
        "ERROR",
        add_row("children", {"child_id": "C1", "date_of_birth": "2012-04-02"}),
        ("children.csv", 4, "child_id", "C1"),
    ),
    (
        "EP1",
        "ERROR",
        set_value("removal_episodes", 0, "removal_date", "2012-04-01"),
        ("removal_episodes.csv", 2, "removal_date", "2012-04-01"),
    ),
    (
        "EP2",
        "ERROR",
        set_value("children", 1, "date_of_birth", "1992-01-01"),
        ("removal_episodes.csv", 3, "removal_date", "2022-05-01"),
    ),
    (
        "EP3",
        "ERROR",
        set_value("removal_episodes", 1, "discharge_date", "2022-04-30"),
        ("removal_episodes.csv", 3, "discharge_date", "2022-04-30"),
    ),
    (
        "EP4",
        "WARNING",
        set_value("removal_episodes", 1, "discharge_date", "2022-05-01"),
        ("removal_episodes.csv", 3, "discharge_date", "2022-05-01"),
    ),
    (
        "EP5",
        "ERROR",
        add_row(
            "removal_episodes",
            {"episode_id": "E3", "child_id": "C2", "removal_date": "2022-06-01", "jurisdiction_county_fips": "29095"},
        ),
        ("removal_episodes.csv", 4, "removal_date", "2022-06-01"),
    ),
    (
        "EP6",
        "WARNING",
        set_value("removal_episodes", 1, "discharge_reason", ""),
        ("removal_episodes.csv", 3, "discharge_reason", ""),
    ),
    (
        "EP7",
        "ERROR",
        set_value("removal_episodes", 0, "discharge_reason", "REU"),
        ("removal_episodes.csv", 2, "discharge_reason", "REU"),
    ),
    (
        "EP8",
        "WARNING",
        set_value("children", 1, "date_of_birth", "2004-01-01"),
        ("removal_episodes.csv", 3, "removal_date", "2022-05-01"),
    ),
    (
        "EP9",
        "WARNING",
        add_row(
            "removal_episodes",
            {"episode_id": "E3", "child_id": "C2", "removal_date": "2023-05-01", "jurisdiction_county_fips": "29095"},
        ),
        ("removal_episodes.csv", 4, "removal_date", "2023-05-01"),
    ),
    (
        "PL1",
        "ERROR",
        set_value("placements", 0, "start_date", "2023-01-09"),
        ("placements.csv", 2, "start_date", "2023-01-09"),
    ),
    (
        "PL2",
        "ERROR",
        set_value("placements", 0, "end_date", "2023-01-09"),
        ("placements.csv", 2, "end_date", "2023-01-09"),
    ),
    (
        "PL3",
        "WARNING",
        add_row(
            "placements",
            {"placement_id": "P3", "episode_id": "E1", "start_date": "2023-03-01", "setting_type": "GROUP_HOME"},
        ),
        ("placements.csv", 4, "start_date", "2023-03-01"),
    ),
    (
        "PL4",
        "WARNING",
        set_value("placements", 0, "start_date", "2023-01-12"),
        ("placements.csv", None, "episode_id", "E1"),
    ),
    (
        "PL5",
        "WARNING",
        set_value("placements", 0, "qrtp_assessment_date", "2023-02-01"),
        ("placements.csv", 2, "qrtp_assessment_date", "2023-02-01"),
    ),
    (
        "PL6",
        "WARNING",
        set_value("placements", 1, "end_date", "2023-06-01"),
        ("placements.csv", 3, "end_date", "2023-06-01"),
    ),
    (
        "WK1",
        "ERROR",
        add_row(
            "workers",
            {
                "worker_id": "W1",
                "period_start": "2021-01-01",
                "role": "SUPERVISOR",
                "agency_code": "6ZA",
                "office_county_fips": "29095",
            },
        ),
        ("workers.csv", 4, "period_start", "2021-01-01"),
    ),
    (
        "WK2",
        "WARNING",
        set_value("workers", 0, "supervisor_worker_id", "W1"),
        ("workers.csv", 2, "supervisor_worker_id", "W1"),
    ),
    ("WK3", "ERROR", set_value("workers", 0, "fte", "1.5"), ("workers.csv", 2, "fte", "1.5")),
    (
        "WA1",
        "ERROR",
        set_value("worker_assignments", 0, "episode_id", "E2"),
        ("worker_assignments.csv", 2, "episode_id", "E2"),
    ),
    (
        "WA2",
        "ERROR",
        set_value("worker_assignments", 0, "end_date", "2023-01-09"),
        ("worker_assignments.csv", 2, "end_date", "2023-01-09"),
    ),
    (
        "WA3",
        "ERROR",
        set_value("worker_assignments", 0, "start_date", "2023-01-09"),
        ("worker_assignments.csv", 2, "start_date", "2023-01-09"),
    ),
    (
        "WA4",
        "WARNING",
        add_row(
            "worker_assignments",
            {
                "assignment_id": "A3",
                "child_id": "C1",
                "episode_id": "E1",
                "worker_id": "S1",
                "assignment_role": "PRIMARY",
                "agency_code": "6ZA",
                "responsible_county_fips": "29095",
                "start_date": "2023-03-01",
            },
        ),
        ("worker_assignments.csv", 4, "start_date", "2023-03-01"),
    ),
    (
        "WA5",
        "WARNING",
        set_value("worker_assignments", 0, "start_date", "2023-01-15"),
        ("removal_episodes.csv", 2, "episode_id", "E1"),
    ),
    (
        "WA6",
        "WARNING",
        set_value("worker_assignments", 0, "agency_code", "6ZB"),
        ("worker_assignments.csv", 2, "agency_code", "6ZB"),
    ),
    (
        "VC1",
        "ERROR",
        set_value("worker_child_visits", 0, "worker_id", "W404"),
        ("worker_child_visits.csv", 2, "worker_id", "W404"),
    ),
    (
        "VC2",
        "WARNING",
        set_value("worker_child_visits", 0, "visit_date", "2023-01-05"),
        ("worker_child_visits.csv", 2, "visit_date", "2023-01-05"),
    ),
    (
        "VC3",
        "WARNING",
        set_value("workers", 0, "period_start", "2023-08-01"),
        ("worker_child_visits.csv", 2, "visit_date", "2023-07-05"),
    ),
    (
        "VP1",
        "ERROR",
        set_value("worker_parent_visits", 0, "parent_id", "F404"),
        ("worker_parent_visits.csv", 2, "parent_id", "F404"),
    ),
    ("PA1", "ERROR", set_value("parents", 0, "tpr_date", "2011-01-01"), ("parents.csv", 2, "tpr_date", "2011-01-01")),
    (
        "PA2",
        "WARNING",
        add_row("parents", {"parent_id": "M2", "child_id": "C1", "relationship": "BIRTH_MOTHER"}),
        ("parents.csv", 3, "relationship", "BIRTH_MOTHER"),
    ),
    (
        "PV1",
        "ERROR",
        set_value("parent_child_visits", 0, "child_id", "C2"),
        ("parent_child_visits.csv", 2, "parent_id", "M1"),
    ),
    (
        "HE1",
        "ERROR",
        set_value("hcy_exams", 0, "exam_date", "2012-04-01"),
        ("hcy_exams.csv", 2, "exam_date", "2012-04-01"),
    ),
    (
        "HE2",
        "WARNING",
        set_value("hcy_exams", 0, "exam_date", "2023-01-05"),
        ("hcy_exams.csv", 2, "exam_date", "2023-01-05"),
    ),
    (
        "MR1",
        "ERROR",
        set_value("maltreatment_reports", 0, "report_date", "2012-01-01"),
        ("maltreatment_reports.csv", 2, "report_date", "2012-01-01"),
    ),
    (
        "MR2",
        "ERROR",
        set_value("maltreatment_reports", 0, "disposition_date", ""),
        ("maltreatment_reports.csv", 2, "disposition_date", ""),
    ),
    (
        "MR3",
        "ERROR",
        set_value("maltreatment_reports", 0, "disposition_date", "2023-02-01"),
        ("maltreatment_reports.csv", 2, "disposition_date", "2023-02-01"),
    ),
    (
        "MR4",
        "ERROR",
        set_value("maltreatment_reports", 0, "incident_date", "2023-03-02"),
        ("maltreatment_reports.csv", 2, "incident_date", "2023-03-02"),
    ),
    (
        "PG1",
        "ERROR",
        set_value("permanency_goals", 0, "start_date", "2023-01-01"),
        ("permanency_goals.csv", 2, "start_date", "2023-01-01"),
    ),
    (
        "PG2",
        "WARNING",
        add_row(
            "permanency_goals",
            {
                "goal_id": "G3",
                "episode_id": "E1",
                "goal_rank": "PRIMARY",
                "goal_type": "ADO",
                "start_date": "2023-05-01",
            },
        ),
        ("permanency_goals.csv", 4, "start_date", "2023-05-01"),
    ),
    (
        "PG3",
        "WARNING",
        set_value("permanency_goals", 0, "start_date", "2023-06-01"),
        ("removal_episodes.csv", 2, "episode_id", "E1"),
    ),
    ("TR1", "ERROR", set_value("trainings", 0, "completion_date", ""), ("trainings.csv", 2, "completion_date", "")),
    (
        "RC1",
        "ERROR",
        set_value("returned_cases", 0, "from_agency_code", "CD"),
        ("returned_cases.csv", 2, "from_agency_code", "CD"),
    ),
    ("RC2", "WARNING", set_value("returned_cases", 0, "cost_amount", ""), ("returned_cases.csv", 2, "cost_amount", "")),
    (
        "RC3",
        "WARNING",
        set_value("returned_cases", 0, "reason", "COURT_ORDER"),
        ("returned_cases.csv", 2, "court_order_date", ""),
    ),
    (
        "SE1",
        "ERROR",
        set_value("sentinel_events", 0, "awareness_date", "2023-07-01"),
        ("sentinel_events.csv", 2, "awareness_date", "2023-07-01"),
    ),
    (
        "SE2",
        "WARNING",
        set_value("sentinel_events", 0, "reported_date", "2023-07-02"),
        ("sentinel_events.csv", 2, "reported_date", "2023-07-02"),
    ),
]


@pytest.mark.parametrize("rule, severity, change, where", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_is_reported_and_errors_write_nothing(tmp_path, rule, severity, change, where):
    good = load_bundle(write(tmp_path / "good", base(), extract_id="good"))
    assert good.status == "LOADED"
    before = (Child.objects.count(), RemovalEpisode.objects.count(), ResponsibilitySpan.objects.count())

    files = copy.deepcopy(base())
    files["manifest"] = [
        {
            "extract_id": "bad",
            "schema_version": "1",
            "state": "MO",
            "as_of_date": "2023-10-31",
            "source_system": "FACES",
        }
    ]
    for name, rows in reference_rows().items():
        files[name.removesuffix(".csv")] = rows
    change(files)
    result = load_bundle(write(tmp_path / "bad", files))

    found = [p for p in result.report.problems if p.rule == rule]
    assert found, f"{rule} not reported; got {[str(p) for p in result.report.problems]}"
    problem = found[0]
    assert problem.severity == severity
    assert (problem.file, problem.line, problem.column, problem.value) == where
    assert problem.message
    assert f"(rule {rule})" in str(problem) and problem.file in str(problem)
    current = Extract.objects.get(is_current=True)
    if severity == "ERROR":
        assert result.status == "REJECTED"
        assert current.extract_id == "good"
        assert (Child.objects.count(), RemovalEpisode.objects.count(), ResponsibilitySpan.objects.count()) == before
    else:
        assert result.status == "LOADED"
        assert current.extract_id == "bad"


def test_a_missing_required_file_is_an_error_and_all_problems_are_collected(tmp_path):
    files = base()
    files["children"][0]["date_of_birth"] = "nope"
    files["removal_episodes"][1]["discharge_date"] = "2022-01-01"
    result = load_bundle(write(tmp_path, files, omit=("hcy_exams.csv",)))
    assert result.status == "REJECTED"
    assert {"FILE1", "GEN3", "EP3"} <= result.report.rules()
    assert not Extract.objects.exists() and not Child.objects.exists()
    assert result.report.to_csv().splitlines()[0] == "severity,file,line,column,value,rule,message"


def test_reimporting_the_same_bundle_changes_nothing(tmp_path):
    path = write(tmp_path, base())
    first = load_bundle(path)
    ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    second = load_bundle(path)
    assert (first.status, second.status) == ("LOADED", "UNCHANGED")
    assert second.extract.pk == first.extract.pk
    assert list(Child.objects.order_by("pk").values_list("pk", flat=True)) == ids


def test_a_new_extract_replaces_the_previous_one(tmp_path):
    load_bundle(write(tmp_path / "a", base(), extract_id="a"))
    files = base()
    files["children"].append({"child_id": "C3", "date_of_birth": "2015-01-01"})
    load_bundle(write(tmp_path / "b", files, extract_id="b"))
    assert Child.objects.count() == 3
    assert list(Extract.objects.filter(is_current=True).values_list("extract_id", flat=True)) == ["b"]


def test_a_zip_bundle_loads_like_a_directory(tmp_path):
    folder = write(tmp_path / "dir", base())
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, arcname=f"extract/{path.name}")
    assert load_bundle(archive).status == "LOADED"
    assert Child.objects.count() == 2
