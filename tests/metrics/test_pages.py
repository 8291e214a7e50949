"""Metrics pages: who may see what (refusals), drill-down scoping, CSV export and the import page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from metrics.models import ImportRun
from tests.metrics.bundle import build, load
from tests.metrics.helpers import assignment, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(tmp_path):
    episodes = [
        {"episode_id": "EA", "child_id": "CA", "removal_date": "2023-01-01"},
        {"episode_id": "EB", "child_id": "CB", "removal_date": "2023-01-01"},
    ]
    assignments = [assignment("CA", "EA", "6ZA", "2023-01-01"), assignment("CB", "EB", "6ZB", "2023-01-01")]
    visits = [
        {
            "visit_id": "V1",
            "child_id": "CA",
            "worker_id": "W-6ZA",
            "visit_date": "2023-07-03",
            "contact_mode": "IN_PERSON",
            "location": "CHILD_RESIDENCE",
            "status": "COMPLETED",
        }
    ]
    load(tmp_path, removal_episodes=episodes, worker_assignments=assignments, worker_child_visits=visits)
    return run("2023-07", metrics=["worker_child_visits"])


def test_anonymous_users_are_sent_to_log_in(client, computed):
    response = client.get(reverse("metrics:dashboard"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("url_name, args", [("metrics:dashboard", []), ("metrics:metric", ["worker_child_visits"])])
def test_a_reviewer_without_metrics_view_is_refused(client_for, personas, computed, url_name, args):
    assert client_for(personas.reviewer_a).get(reverse(url_name, args=args)).status_code == 403


def test_the_dashboard_shows_state_and_only_the_viewers_agency(client_for, personas, computed):
    page = client_for(personas.viewer_a).get(reverse("metrics:dashboard")).content.decode()
    assert "Worker/child visits" in page
    assert ">6ZA<" in page and ">6ZB<" not in page
    state_page = client_for(personas.state_supervisor).get(reverse("metrics:dashboard")).content.decode()
    assert ">6ZA<" in state_page and ">6ZB<" in state_page


def test_the_metric_page_shows_counts_and_its_csv_is_scoped(client_for, personas, computed):
    client = client_for(personas.viewer_a)
    page = client.get(reverse("metrics:metric", args=["worker_child_visits"]), {"period": "2023-07"}).content.decode()
    assert "1 / 2" in page  # statewide numerator / denominator
    assert "chart.umd.min.js" in page and 'data-qa-chart="by-agency-data"' in page and "js/charts.js" in page
    csv_text = client.get(
        reverse("metrics:metric", args=["worker_child_visits"]), {"period": "2023-07", "format": "csv"}
    ).content.decode()
    keys = {line.split(",")[10] for line in csv_text.splitlines()[1:] if ",AGENCY," in line}
    assert "6ZA" in keys and "6ZB" not in keys


def test_an_unknown_metric_is_404(client_for, personas, computed):
    assert client_for(personas.viewer_a).get(reverse("metrics:metric", args=["no_such_metric"])).status_code == 404


def test_drill_down_shows_own_agency_children(client_for, personas, computed):
    url = reverse("metrics:units", args=["worker_child_visits", "2023-07", "6ZA"])
    page = client_for(personas.supervisor_a).get(url).content.decode()
    # As table cells: a bare "CB" also turns up by chance in the page's random CSRF token.
    assert "<td>CA</td>" in page and "<td>CB</td>" not in page


def test_drill_down_into_another_agency_is_404(client_for, personas, computed):
    url = reverse("metrics:units", args=["worker_child_visits", "2023-07", "6ZB"])
    assert client_for(personas.supervisor_a).get(url).status_code == 404
    assert client_for(personas.viewer_a).get(url).status_code == 404


def test_state_staff_may_drill_down_into_any_agency(client_for, personas, computed):
    url = reverse("metrics:units", args=["worker_child_visits", "2023-07", "6ZB"])
    page = client_for(personas.state_supervisor).get(url).content.decode()
    assert "CB" in page and "NO_FACE_TO_FACE_VISIT" in page


def _zip(folder) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, arcname=path.name)
    data.seek(0)
    data.name = "bundle.zip"
    return data


@pytest.mark.parametrize("persona", ["admin_a", "viewer_a", "state_supervisor"])
def test_only_state_administrators_may_import(client_for, personas, persona):
    assert client_for(getattr(personas, persona)).get(reverse("metrics:import")).status_code == 403


def test_uploading_a_valid_bundle_loads_it(
    client_for, personas, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = build(
        tmp_path / "b", removal_episodes=[{"episode_id": "E1", "child_id": "C1", "removal_date": "2023-01-01"}]
    )
    client = client_for(personas.state_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:import"), {"bundle": _zip(folder)})
    run_ = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("metrics:import_detail", args=[run_.pk])
    assert (run_.status, run_.progress, run_.extract.extract_id) == ("LOADED", 100, "test-extract")
    assert "is loaded" in client.get(response["Location"]).content.decode()


def test_a_rejected_bundle_shows_its_report_and_csv(
    client_for, personas, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    bad = [
        {
            "episode_id": "E1",
            "child_id": "C1",
            "removal_date": "2023-01-05",
            "discharge_date": "2023-01-02",
            "discharge_reason": "REU",
        }
    ]
    folder = build(tmp_path / "b", removal_episodes=bad)
    client = client_for(personas.state_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:import"), {"bundle": _zip(folder)})
    run_ = ImportRun.objects.get()
    assert run_.status == "REJECTED" and run_.extract is None
    page = client.get(response["Location"]).content.decode()
    assert "EP3" in page and "removal_episodes.csv" in page
    report = client.get(response["Location"], {"format": "csv"}).content.decode().splitlines()
    assert report[0] == "severity,file,line,column,value,rule,message"
    assert any(line.startswith("ERROR,removal_episodes.csv,2,discharge_date,2023-01-02,EP3,") for line in report)


def test_a_non_zip_upload_is_refused_with_a_message(client_for, personas):
    junk = io.BytesIO(b"not a zip")
    junk.name = "bundle.csv"
    page = client_for(personas.state_admin).post(reverse("metrics:import"), {"bundle": junk}).content.decode()
    assert "must be a .zip" in page and not ImportRun.objects.exists()


def test_a_state_administrator_can_compute_months_from_the_import_page(
    client_for, personas, tmp_path, django_capture_on_commit_callbacks
):
    from metrics.models import MetricRun

    load(tmp_path, removal_episodes=[{"episode_id": "E1", "child_id": "C1", "removal_date": "2023-01-01"}])
    client = client_for(personas.state_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:compute"), {"first": "2023-07", "last": "2023-07"})
    assert response.status_code == 302 and response["Location"] == reverse("metrics:dashboard")
    run_ = MetricRun.objects.get()
    assert (run_.period_from, run_.period_through, run_.status) == ("2023-07", "2023-07", "DONE")


@pytest.mark.parametrize("persona", ["admin_a", "state_supervisor"])
def test_others_may_not_start_a_computation(client_for, personas, persona):
    response = client_for(getattr(personas, persona)).post(
        reverse("metrics:compute"), {"first": "2023-07", "last": "2023-07"}
    )
    assert response.status_code == 403


def test_a_bad_month_range_is_refused_with_a_message(client_for, personas):
    from metrics.models import MetricRun

    response = client_for(personas.state_admin).post(
        reverse("metrics:compute"), {"first": "2023-09", "last": "2023-07"}, follow=True
    )
    assert "the last not before the first" in response.content.decode() and not MetricRun.objects.exists()


def test_a_state_administrator_sees_the_upload_form(client_for, personas):
    page = client_for(personas.state_admin).get(reverse("metrics:import")).content.decode()
    assert 'type="file" name="bundle"' in page and "Recent imports" in page
