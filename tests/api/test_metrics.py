"""Metric results, runs and imports through the API: the dashboard's scope, exact stored figures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from metrics import pages
from metrics.compute import latest_run
from metrics.models import ImportRun, MetricResult

URL = "/api/v1/metrics/results/"


def rows(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_url_is_versioned():
    assert reverse("api:metric_results") == URL


def test_agency_figures_exactly_as_stored(q3, personas, api_for):
    data = rows(api_for(personas.supervisor_a), metric="worker_child_visits", period="2023-Q3", dimension="AGENCY")
    assert data["count"] == 1
    (row,) = data["results"]
    assert (row["key"], row["numerator"], row["denominator"], row["value_rounded"], row["band"], row["meets"]) == (
        "6ZA",
        "54.0000",
        "60.0000",
        "90.00",
        "C",
        False,
    )
    assert row["run"] == f"r{q3.run.pk}"  # the current run only: older, running and stale runs are not read


def test_state_rows_for_every_metrics_viewer_agency_rows_only_in_scope(q3, personas, api_for):
    wanted = {"metric": "worker_child_visits", "period": "2023-07"}
    keys = lambda user: sorted((r["dimension"], r["key"]) for r in rows(api_for(user), **wanted)["results"])  # noqa: E731
    assert keys(personas.supervisor_a) == [("AGENCY", "6ZA"), ("STATE", "MO")]
    assert keys(personas.viewer_b) == [("AGENCY", "6ZB"), ("STATE", "MO")]
    assert keys(personas.state_supervisor) == [("AGENCY", "6ZA"), ("AGENCY", "6ZB"), ("STATE", "MO")]
    # roles in two agencies: metrics.view only where it is held
    assert keys(personas.supervisor_a_reviewer_b) == [("AGENCY", "6ZA"), ("STATE", "MO")]
    assert keys(personas.qa_a_viewer_b) == [("AGENCY", "6ZB"), ("STATE", "MO")]
    assert keys(personas.state_reviewer_supervisor_a) == [("AGENCY", "6ZA"), ("STATE", "MO")]


def test_the_same_rows_as_the_pages_scoping(q3, personas, api_for):
    for user in (personas.supervisor_a, personas.viewer_b, personas.qa_a_viewer_b, personas.state_admin):
        expected = set(pages.scoped_results(user, latest_run()).values_list("pk", flat=True))
        got = {r["id"] for r in rows(api_for(user), page_size=1000)["results"]}
        assert got == expected


@pytest.mark.parametrize(
    "persona, status",
    [("reviewer_a", 403), ("qa_b", 403), ("state_reviewer", 403), ("supervisor_a", 200)],
)
def test_refused_without_metrics_view(q3, personas, api_for, persona, status):
    assert api_for(getattr(personas, persona)).get(URL).status_code == status


@pytest.mark.parametrize(
    "persona, status",
    [
        ("supervisor_a", 404),  # no role in 6ZB: not disclosed
        ("supervisor_a_reviewer_b", 403),  # a role in 6ZB without metrics.view
        ("viewer_b", 200),
        ("state_supervisor", 200),
    ],
)
def test_another_agency_named_in_the_filter(q3, personas, api_for, persona, status):
    client = api_for(getattr(personas, persona))
    assert client.get(URL, {"dimension": "AGENCY", "key": "6ZB"}).status_code == status
    assert client.get(URL, {"key": "6zb"}).status_code == status


def test_one_result_by_id_is_404_outside_the_scope(q3, personas, api_for):
    b_row = MetricResult.objects.get(run=q3.run, metric="worker_child_visits", period="2023-07", key="6ZB")
    path = reverse("api:metric_result", args=[b_row.pk])
    assert api_for(personas.supervisor_a).get(path).status_code == 404
    assert api_for(personas.supervisor_a_reviewer_b).get(path).status_code == 404
    response = api_for(personas.viewer_b).get(path)
    assert response.status_code == 200 and response.json()["numerator"] == "10.0000"


def test_bad_filters_are_named(q3, personas, api_for):
    response = api_for(personas.supervisor_a).get(URL, {"metric": "nope", "dimension": "PLANET"})
    assert response.status_code == 400
    assert len(response.json()["errors"]) == 2


def test_pagination(q3, personas, api_for):
    client = api_for(personas.state_supervisor)
    first = rows(client, page_size=2)
    assert first["count"] == MetricResult.objects.filter(run=q3.run).count() and len(first["results"]) == 2
    second = client.get(first["next"]).json()
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})


def test_runs_show_their_status_and_which_is_current(q3, personas, api_for):
    data = api_for(personas.viewer_a).get(reverse("api:metric_runs")).json()
    current = [r for r in data["results"] if r["current"]]
    assert [r["id"] for r in current] == [q3.run.pk]
    assert {r["status"] for r in data["results"]} == {"DONE", "RUNNING"}
    assert api_for(personas.reviewer_a).get(reverse("api:metric_runs")).status_code == 403


def test_imports_for_state_administrators_only(q3, personas, api_for):
    run = ImportRun.objects.create(path="/tmp/x.zip", original_name="bundle.zip", status="REJECTED", error_count=1,
                                   problems=[{"severity": "ERROR", "file": "child.csv", "line": 2, "column": "id",
                                              "value": "", "rule": "R1", "message": "missing"}])  # fmt: skip
    admin = api_for(personas.state_admin)
    listed = admin.get(reverse("api:imports")).json()
    assert [(r["id"], r["status"], r["error_count"]) for r in listed["results"]] == [(run.pk, "REJECTED", 1)]
    detail = admin.get(reverse("api:import_detail", args=[run.pk])).json()
    assert detail["problems"][0]["rule"] == "R1"
    assert admin.get(reverse("api:import_detail", args=[run.pk + 1000])).status_code == 404
    for persona in ("admin_a", "state_supervisor", "supervisor_a", "admin_a_reviewer_b"):
        client = api_for(getattr(personas, persona))
        assert client.get(reverse("api:imports")).status_code == 403
        assert client.get(reverse("api:import_detail", args=[run.pk])).status_code == 403
