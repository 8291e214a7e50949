"""Valid extracts import: edge cases the rules allow (issue 10, finding 14), and a property test that
any bundle passing validation imports without an exception."""

from __future__ import annotations

import copy
import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import models as dj
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import models
from metrics.extract.load import load_bundle
from metrics.extract.schema import (
    BY_NAME,
    CONTACT_MODES,
    DISCHARGE_REASONS,
    FILES,
    FINDINGS,
    GOAL_TYPES,
    RELATIONSHIPS,
    SETTING_TYPES,
    VISIT_STATUS,
    WORKER_ROLES,
)
from metrics.models import MetricUnit, SubstantiatedReport
from tests.metrics.bundle import build, reference_rows
from tests.metrics.helpers import run

pytestmark = pytest.mark.django_db

# Each example writes, imports and computes a small bundle (about a second): a few by default, more
# with METRICS_PROPERTY_EXAMPLES=200 when changing the loader or the metrics.
PROPERTY_EXAMPLES = int(os.environ.get("METRICS_PROPERTY_EXAMPLES", "12"))


def test_a_substantiated_report_outside_every_episode_is_imported_and_counts_for_none(tmp_path):
    episodes = [
        {
            "episode_id": "E1",
            "child_id": "C1",
            "removal_date": "2022-01-10",
            "discharge_date": "2023-03-01",
            "discharge_reason": "REU",
        }
    ]
    reports = [
        # after the discharge: the child is in no episode on the report day
        {
            "report_id": "R1",
            "child_id": "C1",
            "allegation_seq": "1",
            "report_date": "2023-05-01",
            "disposition_date": "2023-05-20",
            "finding": "POE",
        },
        # inside the episode, for comparison
        {
            "report_id": "R2",
            "child_id": "C1",
            "allegation_seq": "1",
            "report_date": "2022-09-01",
            "disposition_date": "2022-09-20",
            "finding": "POE",
        },
    ]
    result = load_bundle(build(tmp_path, removal_episodes=episodes, maltreatment_reports=reports))
    assert result.status == "LOADED", [str(p) for p in result.report.errors]
    outside = SubstantiatedReport.objects.get(report_id="R1")
    assert (outside.episode_id, outside.removal_day, outside.under18_at_removal) == ("", None, None)
    inside = SubstantiatedReport.objects.get(report_id="R2")
    assert (inside.episode_id, inside.under18_at_removal) == ("E1", True)
    # The report counts for no episode: victimization sees only R2.
    run_ = run("2023-07", metrics=["victimization_in_care"])
    reports_seen = MetricUnit.objects.filter(run=run_, metric="victimization_in_care", unit_type="REPORT")
    assert sorted(reports_seen.values_list("event_id", "in_numerator")) == [("R2", True)]


# --------------------------------------------------------------------------------------------
# Property: any bundle that passes validation imports (and computes) without an exception
# --------------------------------------------------------------------------------------------

AS_OF = date(2023, 10, 31)
FIRST_DAY = date(1990, 1, 1)
AGENCIES = ["CD", "6ZA", "6ZB", "6ZT"]
FCCM = ["6ZA", "6ZB", "6ZT"]
COUNTIES = ["29095", "29510", "29189"]
# Printable text with the characters CSV must quote, and non-ASCII letters.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(',"\n\t'), max_size=40)


def _d(day: int) -> str:
    return date.fromordinal(day).isoformat()


@st.composite
def bundles(draw, max_children: int = 4):
    """A small bundle valid under every ERROR rule of spec 7.3/7.4, with the edge cases the rules
    allow: reports, visits and events outside every episode, open and same-day episodes, youth 18
    or older at removal, days without a PRIMARY assignment, overlapping placements and goals,
    optional files present or not, unknown columns, text with quotes, commas and line breaks."""
    end = AS_OF.toordinal()
    day = lambda lo, hi: draw(st.integers(min_value=lo, max_value=max(lo, hi)))  # noqa: E731
    maybe = lambda: draw(st.booleans())  # noqa: E731
    # manifest, agencies, circuits and counties: the defaults of tests/metrics/bundle.py
    reference = ("manifest.csv", "agencies.csv", "circuits.csv", "counties.csv")
    files: dict[str, list[dict]] = {spec.name.removesuffix(".csv"): [] for spec in FILES if spec.name not in reference}
    for name in ("case_plans", "older_youth_services", "education_records", "holidays"):
        if maybe():
            del files[name]

    workers = []
    for w in range(draw(st.integers(1, 3))):
        start = day(FIRST_DAY.toordinal(), end - 400)
        for p in range(draw(st.integers(1, 2))):
            stop = day(start, end) if p == 0 or maybe() else None
            workers.append(
                {
                    "worker_id": f"W{w}",
                    "period_start": _d(start),
                    "period_end": _d(stop) if stop else "",
                    "role": draw(st.sampled_from(WORKER_ROLES)),
                    "agency_code": draw(st.sampled_from(AGENCIES)),
                    "office_county_fips": draw(st.sampled_from(COUNTIES)),
                    "supervisor_worker_id": draw(st.sampled_from(["", "W0"])),
                    "fte": draw(st.sampled_from(["", "1", "0.5", "0.0001", "0.33335"])),
                }
            )
            if stop is None or stop >= end:
                break
            start = stop + 1
    files["workers"] = workers
    worker_ids = sorted({w["worker_id"] for w in workers})

    children, episodes, parents = [], [], []
    for c in range(draw(st.integers(1, max_children))):
        child = f"C{c}"
        dob = day(date(1995, 1, 1).toordinal(), end - 30)
        children.append(
            {"child_id": child, "date_of_birth": _d(dob), "sex": draw(st.sampled_from(["", "M", "F", "U"]))}
        )
        cursor = dob
        for e in range(draw(st.integers(0, 2))):
            latest = min(end, date.fromordinal(dob).replace(year=date.fromordinal(dob).year + 20).toordinal())
            if cursor > latest:
                break
            removal = day(cursor, latest)
            closed = maybe()
            discharge = (
                day(removal, min(end, removal + draw(st.sampled_from([0, 5, 40, 400, 3000])))) if closed else None
            )
            episodes.append(
                {
                    "episode_id": f"E{c}-{e}",
                    "child_id": child,
                    "removal_date": _d(removal),
                    "removal_manner": draw(st.sampled_from(["", "VOL", "CRT", "UND"])),
                    "jurisdiction_county_fips": draw(st.sampled_from(COUNTIES)),
                    "discharge_date": _d(discharge) if discharge else "",
                    "discharge_reason": draw(st.sampled_from(["", *DISCHARGE_REASONS])) if discharge else "",
                    "removal_number": str(e + 1) if maybe() else "",
                }
            )
            if discharge is None:
                break
            cursor = discharge + draw(st.sampled_from([0, 1, 200]))  # 0: re-removal on the discharge day (EP9)
        for p in range(draw(st.integers(0, 2))):
            parents.append(
                {
                    "parent_id": f"P{c}-{p}",
                    "child_id": child,
                    "relationship": draw(st.sampled_from(RELATIONSHIPS)),
                    "visitation_applicable": draw(st.sampled_from(["", "Y", "N"])),
                    "tpr_date": _d(day(dob, end)) if maybe() else "",
                }
            )
    files["children"], files["removal_episodes"], files["parents"] = children, episodes, parents
    dobs = {c["child_id"]: date.fromisoformat(c["date_of_birth"]).toordinal() for c in children}
    child_ids = sorted(dobs)

    def any_day_of(child: str) -> int:
        return day(dobs[child], end)

    for ep in episodes:
        removal = date.fromisoformat(ep["removal_date"]).toordinal()
        last = date.fromisoformat(ep["discharge_date"]).toordinal() if ep["discharge_date"] else end
        for n in range(draw(st.integers(0, 3))):
            start = day(removal, last)
            setting = draw(st.sampled_from(SETTING_TYPES))
            files["placements"].append(
                {
                    "placement_id": f"PL-{ep['episode_id']}-{n}",
                    "episode_id": ep["episode_id"],
                    "start_date": _d(start),
                    "end_date": _d(day(start, end)) if maybe() else "",
                    "setting_type": setting,
                    "provider_id": draw(st.sampled_from(["", "H1", "H2"])),
                    "provider_county_fips": draw(st.sampled_from(["", *COUNTIES])),
                    "qrtp_assessment_date": _d(day(start, end)) if maybe() else "",
                }
            )
        for n in range(draw(st.integers(0, 2))):
            start = day(removal, last)
            files["worker_assignments"].append(
                {
                    "assignment_id": f"A-{ep['episode_id']}-{n}",
                    "child_id": ep["child_id"],
                    "episode_id": ep["episode_id"],
                    "worker_id": draw(st.sampled_from(worker_ids)),
                    "assignment_role": draw(st.sampled_from(["PRIMARY", "PRIMARY", "SECONDARY"])),
                    "agency_code": draw(st.sampled_from(AGENCIES)),
                    "responsible_county_fips": draw(st.sampled_from(COUNTIES)),
                    "start_date": _d(start),
                    "end_date": _d(day(start, end)) if maybe() else "",
                }
            )
        for n in range(draw(st.integers(0, 2))):
            start = day(removal, end)
            files["permanency_goals"].append(
                {
                    "goal_id": f"G-{ep['episode_id']}-{n}",
                    "episode_id": ep["episode_id"],
                    "goal_rank": draw(st.sampled_from(["PRIMARY", "CONCURRENT"])),
                    "goal_type": draw(st.sampled_from(GOAL_TYPES)),
                    "start_date": _d(start),
                    "end_date": _d(day(start, end)) if maybe() else "",
                    "concurrent_exempt": draw(st.sampled_from(["", "Y", "N"])),
                }
            )
        if "case_plans" in files and maybe():
            files["case_plans"].append(
                {
                    "plan_id": f"CP-{ep['episode_id']}",
                    "episode_id": ep["episode_id"],
                    "plan_type": draw(st.sampled_from(["INITIAL", "UPDATE", "REVIEW"])),
                    "completed_date": _d(day(removal, end)) if maybe() else "",
                }
            )
        if maybe():
            files["returned_cases"].append(
                {
                    "return_id": f"RT-{ep['episode_id']}",
                    "child_id": ep["child_id"],
                    "episode_id": ep["episode_id"],
                    "from_agency_code": draw(st.sampled_from(FCCM)),
                    "return_date": _d(day(removal, end)),
                    "reason": draw(st.sampled_from(["CATASTROPHIC_COST", "COURT_ORDER", "OTHER"])),
                    "cost_amount": draw(st.sampled_from(["", "0", "1200.505", "9999999999.99"])),
                }
            )

    for n in range(draw(st.integers(0, 4))):
        child = draw(st.sampled_from(child_ids))
        files["worker_child_visits"].append(
            {
                "visit_id": f"V{n}",
                "child_id": child,
                "worker_id": draw(st.sampled_from(worker_ids)),
                "visit_date": _d(any_day_of(child)),  # inside an episode or not (VC2)
                "contact_mode": draw(st.sampled_from(CONTACT_MODES)),
                "location": draw(st.sampled_from(["", "CHILD_RESIDENCE", "SCHOOL"])),
                "status": draw(st.sampled_from(VISIT_STATUS)),
                "seen_alone": draw(st.sampled_from(["", "Y", "N"])),
            }
        )
    for n, parent in enumerate(parents):
        if maybe():
            files["worker_parent_visits"].append(
                {
                    "visit_id": f"WP{n}",
                    "parent_id": parent["parent_id"],
                    "child_id": parent["child_id"] if maybe() else "",
                    "worker_id": draw(st.sampled_from(worker_ids)),
                    "visit_date": _d(any_day_of(parent["child_id"])),
                    "contact_mode": draw(st.sampled_from(CONTACT_MODES)),
                    "status": draw(st.sampled_from(VISIT_STATUS)),
                }
            )
        if maybe():
            files["parent_child_visits"].append(
                {
                    "visit_id": f"PV{n}",
                    "child_id": parent["child_id"],
                    "parent_id": parent["parent_id"],
                    "visit_date": _d(any_day_of(parent["child_id"])),
                    "visit_mode": draw(st.sampled_from(["IN_PERSON", "VIRTUAL", "PHONE"])),
                    "status": draw(st.sampled_from(["COMPLETED", "CANCELLED_PARENT", "NO_SHOW"])),
                }
            )
        if maybe():
            start = any_day_of(parent["child_id"])
            files["parent_restrictions"].append(
                {
                    "restriction_id": f"X{n}",
                    "parent_id": parent["parent_id"],
                    "child_id": draw(st.sampled_from(["", parent["child_id"]])),
                    "restriction_type": draw(st.sampled_from(["NO_CONTACT_ORDER", "VISITS_SUSPENDED"])),
                    "start_date": _d(start),
                    "end_date": _d(day(start, end)) if maybe() else "",
                }
            )
    for n in range(draw(st.integers(0, 4))):
        child = draw(st.sampled_from(child_ids))
        reported = any_day_of(child)  # inside an episode or not: finding 14
        finding = draw(st.sampled_from(FINDINGS))
        files["maltreatment_reports"].append(
            {
                "report_id": f"R{n // 2}",  # two allegations of one report, sometimes
                "child_id": child,
                "allegation_seq": str(n),
                "report_date": _d(reported),
                "incident_date": _d(day(dobs[child], reported)) if maybe() else "",
                "disposition_date": _d(day(reported, end)) if finding != "PENDING" or maybe() else "",
                "finding": finding,
                "fatality": draw(st.sampled_from(["", "Y", "N"])),
            }
        )
    for n in range(draw(st.integers(0, 3))):
        child = draw(st.sampled_from(child_ids))
        files["hcy_exams"].append(
            {
                "exam_id": f"HX{n}",
                "child_id": child,
                "exam_date": _d(any_day_of(child)),
                "exam_type": draw(st.sampled_from(["HCY_FULL", "HCY_PARTIAL", "DENTAL"])),
                "status": draw(st.sampled_from(["COMPLETED", "SCHEDULED", "MISSED"])),
            }
        )
        event = any_day_of(child)
        awareness = day(event, end)
        files["sentinel_events"].append(
            {
                "event_id": f"SE{n}",
                "child_id": child,
                "event_date": _d(event),
                "awareness_date": _d(awareness),
                "event_type": draw(st.sampled_from(["FATALITY", "SERIOUS_BODILY_INJURY", "OTHER_CRITICAL"])),
                "reported_date": _d(day(event, end)) if maybe() else "",  # before awareness too (SE2)
                "reporting_agency_code": draw(st.sampled_from(["", *AGENCIES])),
            }
        )
        if "older_youth_services" in files:
            files["older_youth_services"].append(
                {
                    "service_id": f"OY{n}",
                    "child_id": child,
                    "service_date": _d(any_day_of(child)),
                    "service_type": draw(st.sampled_from(["TRANSITION_PLAN", "HOUSING"])),
                }
            )
        if "education_records" in files:
            files["education_records"].append(
                {
                    "record_id": f"ED{n}",
                    "child_id": child,
                    "school_year": draw(st.sampled_from(["2022-23", "2021-22"])),
                    "grade": draw(st.sampled_from(["", "K", "12"])),
                    "year_end_status": draw(st.sampled_from(["", "PROMOTED", "GRADUATED"])),
                }
            )
    for n, worker in enumerate(worker_ids):
        if maybe():
            status = draw(st.sampled_from(["COMPLETED", "IN_PROGRESS", "FAILED"]))
            files["trainings"].append(
                {
                    "training_id": f"T{n}",
                    "worker_id": worker,
                    "course_code": "TRAUMA_TOOLKIT",
                    "course_title": draw(TEXT),
                    "completion_date": _d(day(FIRST_DAY.toordinal(), end)) if status == "COMPLETED" else "",
                    "status": status,
                }
            )
    if "holidays" in files:
        files["holidays"] = [{"holiday_date": "2023-07-04", "name": draw(TEXT)}]
    if maybe():  # an unknown column (GEN7), ignored
        for row in files["children"]:
            row["nickname"] = draw(TEXT)
    return files


def _write_bundle(folder: Path, files: dict[str, list[dict]]) -> Path:
    return build(folder, auto_assign=False, auto_workers=False, **files)


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles())
def test_any_valid_bundle_imports_and_computes_without_an_exception(files):
    with tempfile.TemporaryDirectory() as folder:
        result = load_bundle(_write_bundle(Path(folder), files))
    assert result.status in ("LOADED", "UNCHANGED"), [str(p) for p in result.report.errors]
    assert result.extract.row_counts["children.csv"] == len(files["children"])
    assert SubstantiatedReport.objects.count() == len(
        {(r["report_id"], r["child_id"]) for r in files["maltreatment_reports"] if r["finding"] in ("POE", "CA")}
    )
    run_ = run("2023-07")
    assert run_.status == "DONE"


HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "x" * 65,
            "A" * 201,
            "bad\x00value",
            "99999999999",
            "-2147483649",
            "1_000",
            "\u0661\u0662",
            "NaN",
            "Infinity",
            "1E+20",
            "999999999999.995",
            "0.00001",
            "9999-12-31",
            "0001-01-01",
            "2101-01-01",
            "2023-02-29",
            '"',
            "=HYPERLINK(1)",
        ]
    ),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(date.isoformat),
)


@st.composite
def altered_bundles(draw):
    """A valid bundle with a few cells replaced by anything at all."""
    files = draw(bundles(max_children=2))
    files["agencies"] = copy.deepcopy(reference_rows()["agencies.csv"])
    cells = [(n, c) for n, rows in sorted(files.items()) if rows for c in BY_NAME[f"{n}.csv"].columns]
    # Half the changes go to the columns with bounds the database enforces (text, int, dec).
    bounded = [(n, c) for n, c in cells if c.type in ("text", "int", "dec")]
    for _ in range(draw(st.integers(1, 3))):
        name, column = draw(st.sampled_from(bounded if draw(st.booleans()) else cells))
        row = draw(st.sampled_from(files[name]))
        row[column.name] = draw(HOSTILE)
    return files


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(altered_bundles())
def test_any_bundle_is_either_refused_with_reasons_or_imported(files):
    with tempfile.TemporaryDirectory() as folder:
        result = load_bundle(_write_bundle(Path(folder), files))
    if result.status == "REJECTED":
        assert result.report.errors and all(p.rule and p.message for p in result.report.errors)
    else:
        assert result.status in ("LOADED", "UNCHANGED") and result.extract.is_current
        assert _misfits() == []


def _misfits() -> list[str]:
    """Stored values a stricter database would have refused (SQLite stores them anyway): text
    longer than its field or holding NUL, integers beyond 32 bits, decimals beyond their digits."""
    found = []
    for spec in FILES:
        model = getattr(models, spec.model)
        for field in model._meta.concrete_fields:
            values = [v for v in model.objects.values_list(field.name, flat=True) if v is not None]
            if isinstance(field, dj.CharField):
                bad = [v for v in values if len(v) > field.max_length or "\x00" in v]
            elif type(field) is dj.IntegerField:
                bad = [v for v in values if not -(2**31) <= v <= 2**31 - 1]
            elif isinstance(field, dj.DecimalField):
                limit = Decimal(10) ** (field.max_digits - field.decimal_places)
                bad = [v for v in values if not Decimal(v).is_finite() or abs(Decimal(v)) >= limit]
            else:
                bad = []
            if bad:
                found.append(f"{spec.model}.{field.name}: {bad[0]!r}"[:120])
    return found
