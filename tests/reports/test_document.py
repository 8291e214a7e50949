"""The machine-readable report built from the stored figures: its JSON shape, circuits, suppression."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from reports import document
from reports.quarterly import Quarter, resolve_scope
from surveys.models import Response
from surveys.results import disclosure, question_results
from tests.reports import helpers as h

Q3 = Quarter(2023, 3)


def measure(snapshot, code):
    return next(m for m in snapshot["report"]["measures"] if m["code"] == code)


def test_the_json_has_the_issue_shape(q3, personas):
    user = personas.state_supervisor
    snapshot = document.build(user, Q3, resolve_scope(user, "all"))
    report = snapshot["report"]
    assert list(report) == ["quarter", "scope", "status", "version", "generated_at", "measures"]
    assert (report["quarter"], report["scope"], report["status"], report["version"]) == ("2023Q3", "all", "draft", 1)
    visits = measure(snapshot, "worker_child_visits")
    assert {"code", "title", "metrics", "reviews", "surveys", "analysis"} <= set(visits)
    metric = visits["metrics"][0]
    assert metric["metric"] == "worker_child_visits" and metric["goal"] == "95.0"
    assert metric["months"]["2023-07"] | {} == {
        "numerator": 29,
        "denominator": 30,
        "value": "96.7",
        "meets": True,
        "status": "OK",
        "small_n": False,
        "band": "E",
    }
    assert metric["quarter"]["value"] == "91.4" and metric["quarter"]["meets"] is False
    # 6ZA met the goal in July only; 6ZB had a result in July only, and met it
    assert metric["agencies_by_months_met"] == {"3": [], "2": [], "1": ["6ZA", "6ZB"], "0": []}
    assert all(set(s) >= {"text", "facts"} for s in visits["analysis"])
    json.dumps(snapshot)  # the whole snapshot is plain JSON


def test_circuits_meeting_the_goal_each_month_and_against_the_previous_quarter(q3, personas):
    wcv = "worker_child_visits"
    for circuit in ("1", "2", "3"):
        for month in ("2023-07", "2023-08", "2023-09"):
            meets = circuit != "3" or month != "2023-08"
            h.result(q3.run, wcv, month, circuit, 19, 20, "95.0" if meets else "50.0", meets=meets, dimension="CIRCUIT")
    for circuit in ("1", "2", "3"):
        for month in ("2023-04", "2023-05", "2023-06"):
            h.result(q3.run, wcv, month, circuit, 1, 2, "50.0", meets=circuit == "1", dimension="CIRCUIT")
    user = personas.state_supervisor
    metric = measure(document.build(user, Q3, resolve_scope(user, "all")), wcv)["metrics"][0]
    assert metric["circuits_meeting"] == {"2023-07": 3, "2023-08": 2, "2023-09": 3}
    assert metric["circuits_meeting_every_month"] == 2
    assert metric["previous_quarter_circuits_meeting_every_month"] == 1
    residence = measure(document.build(user, Q3, resolve_scope(user, "all")), wcv)["metrics"][1]
    assert residence["circuits_meeting"] is None  # nothing stored for the sub-measure's circuits


def test_an_agency_report_compares_with_the_state_and_has_no_agency_or_circuit_breakdown(q3, personas):
    user = personas.supervisor_a
    snapshot = document.build(user, Q3, resolve_scope(user, "6ZA"))
    metric = measure(snapshot, "worker_child_visits")["metrics"][0]
    assert metric["statewide"]["quarter"]["value"] == "91.4"
    assert (
        metric["agencies"] is None and metric["agencies_by_months_met"] is None and metric["circuits_meeting"] is None
    )
    assert metric["previous_quarter"]["value"] == "75.0"
    kinds = [s["kind"] for s in measure(snapshot, "worker_child_visits")["analysis"]]
    assert "against_state" in kinds and "quarter_trend" in kinds


def test_a_suppressed_survey_cell_reveals_nothing_alone_or_by_subtraction(q3, personas):
    state = document.build(personas.state_supervisor, Q3, resolve_scope(personas.state_supervisor, "all"))
    six_a = document.build(personas.supervisor_a, Q3, resolve_scope(personas.supervisor_a, "6ZA"))
    six_b = document.build(personas.supervisor_b, Q3, resolve_scope(personas.supervisor_b, "6ZB"))

    def youth(snapshot):
        return next(r for r in measure(snapshot, "worker_child_visits")["surveys"]["results"] if r["group"] == "youth")

    hidden = {"suppressed": True, "favourable": None, "n": None, "percent": None}
    assert youth(six_b) == youth(six_b) | hidden
    # 6ZA's 6 youth are hidden too (statewide minus 6ZA would give 6ZB's 3), and so is the statewide
    # figure: 6ZA's 3 youth of 2023Q2 are protected by its 6 of 2023Q3, which the statewide box holds.
    assert youth(six_a) == youth(six_a) | hidden
    assert youth(state) == youth(state) | hidden
    # The report shows what the surveys pages show: one suppression pattern.
    responses = Response.objects.filter(status="submitted", submitted_on__range=(Q3.start, Q3.end))
    shown_by = disclosure()
    for snapshot, selection in ((state, responses), (six_a, responses.filter(agency__code="6ZA"))):
        [pages] = [r for r in question_results(selection, by_group=True, shown_by=shown_by) if r.group == "youth"]
        assert pages.suppressed and youth(snapshot)["suppressed"]
    survey_text = " ".join(
        s["text"] for s in measure(six_b, "worker_child_visits")["analysis"] if s["table"].endswith("-surveys")
    )
    assert re.findall(r"\d+", survey_text) == ["5"]  # the rule's minimum only
    rows = [
        r for r in six_b["rows"] if r["source"] == "Stakeholder survey" and r["respondent_group"].startswith("Youth")
    ]
    assert rows and all(r["status"] == "SUPPRESSED" and not r["numerator"] and not r["denominator"] for r in rows)


# --- the command --------------------------------------------------------------------------------


def test_the_command_writes_every_format(q3, personas, tmp_path):
    for fmt in ("json", "html", "xlsx", "docx"):
        out = tmp_path / f"report.{fmt}"
        call_command("quarterly_report", quarter="2023Q3", agency="6ZA", fmt=fmt, out=str(out), stderr=io.StringIO())
        assert out.stat().st_size > 1000, fmt
    data = json.loads((tmp_path / "report.json").read_text())
    assert (data["quarter"], data["scope"], data["status"]) == ("2023Q3", "6ZA", "draft")
    assert (tmp_path / "report.docx").read_bytes()[:2] == b"PK"
    assert "Response and Evaluation Report" in (tmp_path / "report.html").read_text()


def test_the_command_refuses_bad_arguments_clearly(q3):
    with pytest.raises(CommandError, match="write it like 2023Q3"):
        call_command("quarterly_report", quarter="2023Q7")
    with pytest.raises(CommandError, match="'ZZZ' is not an agency"):
        call_command("quarterly_report", quarter="2023Q3", agency="ZZZ")
    with pytest.raises(CommandError, match="No published version of the 2023Q3 report for all"):
        call_command("quarterly_report", quarter="2023Q3", published=True)
    with pytest.raises(CommandError, match="binary"):
        call_command("quarterly_report", quarter="2023Q3", fmt="pdf")
