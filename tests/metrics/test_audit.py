"""Extract imports and metric computations leave audit entries: who, what outcome, counts."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import AuditEntry
from metrics.compute import NoExtract
from metrics.models import ImportRun, MetricRun
from tests.metrics.bundle import build, load

pytestmark = pytest.mark.django_db

EPISODE = {"episode_id": "E1", "child_id": "C1", "removal_date": "2023-01-01"}


def entries(prefix: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith=prefix).order_by("id"))


def _zip(folder) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, arcname=path.name)
    data.seek(0)
    data.name = "bundle.zip"
    return data


@pytest.fixture
def upload(client_for, personas, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"

    def post(**files):
        folder = build(tmp_path / f"b{ImportRun.objects.count()}", **files)
        with django_capture_on_commit_callbacks(execute=True):
            client_for(personas.state_admin).post(reverse("metrics:import"), {"bundle": _zip(folder)})
        return ImportRun.objects.latest("pk")

    return post


def test_an_import_from_the_page_is_audited_from_start_to_finish(upload, personas):
    run = upload(removal_episodes=[EPISODE])
    started, finished = entries("metrics.import.")
    assert [started.action, finished.action] == ["metrics.import.started", "metrics.import.finished"]
    assert {started.user, finished.user} == {personas.state_admin}
    assert started.object_id == finished.object_id == str(run.pk)
    assert started.data == {"file": "bundle.zip"}
    warnings = sum(1 for p in run.problems if p["severity"] == "WARNING")
    assert finished.data == {
        "status": "LOADED",
        "errors": 0,
        "warnings": warnings,
        "extract": "test-extract",
        "rows": run.extract.row_counts,
    }
    assert finished.data["rows"]["removal_episodes.csv"] == 1


def test_a_rejected_import_is_audited_with_its_error_count(upload):
    bad = {**EPISODE, "discharge_date": "2022-12-31", "discharge_reason": "REU"}
    run = upload(removal_episodes=[bad])
    assert run.status == "REJECTED"
    finished = entries("metrics.import.finished")[0]
    errors = sum(1 for p in run.problems if p["severity"] == "ERROR")
    assert errors >= 1 and finished.data["errors"] == errors
    assert (finished.data["status"], "extract" in finished.data) == ("REJECTED", False)


def test_an_import_that_crashes_is_audited_as_failed(upload, monkeypatch, personas):
    def crash(path, progress=None):
        raise RuntimeError("disk full while copying C1")

    monkeypatch.setattr("metrics.imports.load_bundle", crash)
    with pytest.raises(RuntimeError):
        upload(removal_episodes=[EPISODE])
    [failed] = entries("metrics.import.failed")
    # The message (which may echo extract values) stays on the run; the log keeps the kind.
    assert (failed.user, failed.data) == (personas.state_admin, {"error": "RuntimeError"})
    assert ImportRun.objects.get().status == "FAILED"


def test_an_import_from_the_command_line_is_audited(tmp_path):
    folder = build(tmp_path / "b", removal_episodes=[EPISODE])
    call_command("import_extract", str(folder), stdout=io.StringIO(), stderr=io.StringIO())
    started, finished = entries("metrics.import.")
    assert (started.user, started.data) == (None, {"file": str(folder), "via": "command"})
    assert (finished.data["via"], finished.data["status"], finished.data["extract"]) == (
        "command",
        "LOADED",
        "test-extract",
    )
    with pytest.raises(CommandError):
        call_command("import_extract", str(tmp_path / "missing"), stdout=io.StringIO(), stderr=io.StringIO())
    assert entries("metrics.import.failed")[0].data["error"] == "FileNotFoundError"


def test_a_computation_from_the_import_page_is_audited(
    client_for, personas, tmp_path, django_capture_on_commit_callbacks
):
    load(tmp_path, removal_episodes=[EPISODE])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.state_admin).post(reverse("metrics:compute"), {"first": "2023-07", "last": "2023-08"})
    run = MetricRun.objects.get()
    [entry] = entries("metrics.compute.")
    assert (entry.action, entry.user, entry.object_id) == (
        "metrics.compute.finished",
        personas.state_admin,
        str(run.pk),
    )
    assert entry.data == {
        "first": "2023-07",
        "last": "2023-08",
        "metrics": "all",
        "extract": "test-extract",
        "results": run.results.count(),
    }
    assert entry.data["results"] > 0


def test_a_computation_without_an_extract_is_audited_as_failed(
    client_for, personas, django_capture_on_commit_callbacks
):
    with pytest.raises(NoExtract), django_capture_on_commit_callbacks(execute=True):
        client_for(personas.state_admin).post(reverse("metrics:compute"), {"first": "2023-07", "last": "2023-07"})
    [entry] = entries("metrics.compute.")
    assert (entry.action, entry.user, entry.data["error"]) == (
        "metrics.compute.failed",
        personas.state_admin,
        "NoExtract",
    )


def test_recomputing_from_the_admin_names_the_administrator(
    client, django_user_model, tmp_path, django_capture_on_commit_callbacks
):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(root)
    load(tmp_path, removal_episodes=[EPISODE])
    call_command("compute_metrics", "--period", "2023-07", "--metric", "worker_child_visits", stdout=io.StringIO())
    [by_command] = entries("metrics.compute.")
    assert (by_command.user, by_command.data["metrics"]) == (None, ["worker_child_visits"])
    run = MetricRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/metrics/metricrun/", {"action": "recompute", "_selected_action": [run.pk]})
    by_admin = entries("metrics.compute.")[-1]
    assert (by_admin.action, by_admin.user) == ("metrics.compute.finished", root)
