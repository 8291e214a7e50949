"""Review summaries, survey results and the quarterly report through the API: the pages' figures, scope
and suppression, on the 2023Q3 fixture (tests/reports/conftest.py)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from reports import document
from reports.quarterly import Quarter, resolve_scope

SUMMARY = "/api/v1/reviews/summary/"
SURVEYS = "/api/v1/surveys/results/"


def report_url(quarter: str, scope: str) -> str:
    return reverse("api:quarterly_report", args=[quarter, scope])


# --- review summaries ---------------------------------------------------------------------------


def item(data, key, group="All"):
    return next(r for r in data["items"] if r["key"] == key and r["group"] == group)


def test_summary_figures_for_an_agency_quarter(q3, personas, api_for):
    data = api_for(personas.supervisor_a).get(SUMMARY, {"quarter": "2023Q3"}).json()
    # item 14 in 6ZA: Strength in 2 of 3 applicable (one after a QA override); 6ZB's review not counted
    assert (item(data, "14")["achieved"], item(data, "14")["applicable"], item(data, "14")["percent"]) == (2, 3, 66.7)
    assert data["reviews_counted"] == 3
    assert data["filters"] == {"start": "2023-07-01", "end": "2023-09-30", "statuses": "reported"}
    wb1 = next(r for r in data["outcomes"] if r["key"] == "WB1")
    assert (wb1["achieved"], wb1["applicable"]) == (1, 3)


def test_summary_by_agency_shows_only_the_agencies_in_scope(q3, personas, api_for):
    def groups(user):
        data = api_for(user).get(SUMMARY, {"quarter": "2023Q3", "group_by": "agency"}).json()
        return sorted({r["group"] for r in data["items"]})

    assert groups(personas.state_supervisor) == ["6ZA", "6ZB"]
    assert groups(personas.supervisor_a) == ["6ZA"]
    assert groups(personas.supervisor_a_reviewer_b) == ["6ZA"]  # a reviewer in 6ZB holds no report.view there
    assert groups(personas.qa_a_viewer_b) == ["6ZB"]  # QA in 6ZA holds no report.view there
    data = api_for(personas.state_supervisor).get(SUMMARY, {"quarter": "2023Q3", "group_by": "agency"}).json()
    assert (item(data, "14", "6ZB")["achieved"], item(data, "14", "6ZB")["applicable"]) == (0, 1)


def test_summary_equals_the_summary_page(q3, personas, api_for, client_for):
    for user in (personas.supervisor_a, personas.qa_a_viewer_b, personas.state_supervisor):
        for params in ({"quarter": "2023Q3"}, {"group_by": "circuit"}, {"group_by": "agency", "statuses": "all"}):
            page = client_for(user).get(reverse("reviews:summary"), params).context
            data = api_for(user).get(SUMMARY, params).json()
            assert [(r["key"], r["group"], r["applicable"], r["achieved"]) for r in data["items"]] == [
                (r.key, r.group, r.applicable, r.achieved) for r in page["items"]
            ]
            assert [(r["key"], r["group"], r["applicable"], r["achieved"]) for r in data["outcomes"]] == [
                (r.key, r.group, r.applicable, r.achieved) for r in page["outcomes"]
            ]


@pytest.mark.parametrize(
    "persona, status",
    [("supervisor_a", 404), ("supervisor_a_reviewer_b", 403), ("viewer_b", 200), ("state_admin", 200)],
)
def test_summary_of_another_agency(q3, personas, api_for, persona, status):
    assert api_for(getattr(personas, persona)).get(SUMMARY, {"agency": "6ZB"}).status_code == status


def test_summary_refusals_and_bad_filters(q3, personas, api_for):
    assert api_for(personas.reviewer_a).get(SUMMARY).status_code == 403
    assert api_for(personas.state_reviewer).get(SUMMARY).status_code == 403
    response = api_for(personas.supervisor_a).get(SUMMARY, {"quarter": "2023Q9", "group_by": "planet"})
    assert response.status_code == 400 and len(response.json()["errors"]) == 2


# --- survey results -------------------------------------------------------------------------------


def questions(data):
    return {q["code"]: q for q in data["questions"]}


def test_survey_results_suppressed_exactly_as_on_the_page(q3, personas, api_for, client_for):
    for user in (personas.supervisor_a, personas.viewer_b, personas.state_supervisor, personas.qa_a_viewer_b):
        for params in ({}, {"group": "youth"}, {"wave": q3.wave.pk}):
            page = client_for(user).get(reverse("surveys:results"), params).context
            data = api_for(user).get(SURVEYS, params).json()
            assert data["responses"] == page["responses_count"]
            expected = [
                (r.code, r.suppressed, None if r.suppressed else r.answered, r.percent_favourable)
                for r in page["results"]
            ]
            got = [
                (
                    q["code"],
                    q["suppressed"],
                    q["answered"],
                    None if q["percent_favourable"] is None else Decimal(q["percent_favourable"]),
                )
                for q in data["questions"]
            ]
            assert got == expected, (user, params)
            assert [c["text"] for c in data["comments"]] == [c.text for c in page["comments"]]


def test_a_suppressed_question_carries_no_figures(q3, personas, api_for):
    data = api_for(personas.viewer_b).get(SURVEYS).json()  # 6ZB: 3 youth responses, under the minimum of 5
    visits = questions(data)[q3.visits.code]
    assert visits["suppressed"] is True
    assert (visits["answered"], visits["n"], visits["percent_favourable"], visits["choices"]) == (None, None, None, [])
    assert data["min_cell"] == 5
    # statewide, the youth question passes the threshold: 12 answered, 72.7% favourable
    shown = questions(api_for(personas.state_supervisor).get(SURVEYS).json())[q3.visits.code]
    assert (shown["suppressed"], shown["answered"], shown["percent_favourable"]) == (False, 12, "72.7")


@pytest.mark.parametrize(
    "persona, status",
    [("supervisor_a", 404), ("supervisor_a_reviewer_b", 403), ("viewer_b", 200), ("state_supervisor", 200)],
)
def test_survey_results_of_another_agency(q3, personas, api_for, persona, status):
    assert api_for(getattr(personas, persona)).get(SURVEYS, {"agency": "6ZB"}).status_code == status


def test_survey_refusals(q3, personas, api_for):
    assert api_for(personas.reviewer_a).get(SURVEYS).status_code == 403
    assert api_for(personas.supervisor_a).get(SURVEYS, {"wave": 999999}).status_code == 404
    assert api_for(personas.supervisor_a).get(SURVEYS, {"group": "martians"}).status_code == 400


# --- the quarterly report -------------------------------------------------------------------------


def test_the_report_json_is_the_documents_report(q3, personas, api_for):
    user = personas.supervisor_a
    data = api_for(user).get(report_url("2023Q3", "6ZA")).json()
    expected = document.build(user, Quarter(2023, 3), resolve_scope(user, "6ZA"))["report"]
    expected = json.loads(json.dumps(expected, default=str))
    data.pop("generated_at"), expected.pop("generated_at")
    assert data == expected
    assert (data["quarter"], data["scope"], data["status"]) == ("2023Q3", "6ZA", "draft")
    visits = next(m for m in data["measures"] if m["code"] == "worker_child_visits")
    assert "90.0" in json.dumps(visits["metrics"])


@pytest.mark.parametrize(
    "persona, scope, status",
    [
        ("supervisor_a", "6ZB", 404),  # no role in 6ZB
        ("supervisor_a_reviewer_b", "6ZB", 403),  # a role there without report.view
        ("supervisor_a", "all", 403),  # statewide needs report.view in CD
        ("reviewer_a", "6ZA", 403),
        ("state_reviewer", "6ZA", 403),
        ("viewer_b", "6ZB", 200),
        ("qa_a_viewer_b", "6ZB", 200),
        ("state_supervisor", "all", 200),
        ("state_supervisor", "6ZB", 200),
    ],
)
def test_report_scope(q3, personas, api_for, persona, scope, status):
    assert api_for(getattr(personas, persona)).get(report_url("2023Q3", scope)).status_code == status


def test_no_published_version_is_404(q3, personas, api_for):
    path = reverse("api:published_report", args=["2023Q3", "6ZA"])
    assert api_for(personas.supervisor_a).get(path).status_code == 404
    assert api_for(personas.supervisor_b).get(path).status_code == 404
