"""Uploaded extract bundles hold children's records: deleted once their import has finished, kept
for Retry after a failure only METRICS_IMPORT_KEEP_FAILED_DAYS (`purge_extract_uploads`)."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from metrics.imports import discard_upload, purge_uploads, run_import
from metrics.models import ImportRun
from tests.metrics.bundle import build
from tests.metrics.test_import_runs import EPISODE, _run, _zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "media" / "extracts"
    folder.mkdir(parents=True)
    return folder


def _upload(folder, name="a.zip", days_old=0):
    path = folder / name
    path.write_bytes(b"PK")
    if days_old:
        then = time.time() - days_old * 86400
        os.utime(path, (then, then))
    return path


@pytest.mark.parametrize(
    "rows, status", [(EPISODE, "LOADED"), ([{**EPISODE[0], "removal_date": "2023-02-30"}], "REJECTED")]
)
def test_the_uploaded_bundle_is_deleted_when_its_import_finishes(
    client_for, personas, uploads, tmp_path, rows, status, django_capture_on_commit_callbacks
):
    folder = build(tmp_path / "bundle", removal_episodes=rows)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.state_admin).post(reverse("metrics:import"), {"bundle": _zip(folder)})
    run = ImportRun.objects.get()
    assert run.status == status
    assert run.path.startswith(str(uploads)) and list(uploads.iterdir()) == []


def test_a_failed_import_keeps_its_bundle_for_retry(uploads, monkeypatch):
    path = _upload(uploads)
    run = _run(path, status=ImportRun.Status.QUEUED)
    monkeypatch.setattr("metrics.imports.load_bundle", lambda *a, **k: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises(OSError):
        run_import(run.pk)
    assert ImportRun.objects.get().status == "FAILED" and path.is_file()


def test_a_bundle_outside_the_upload_folder_is_never_deleted(uploads, tmp_path):
    own = tmp_path / "mine.zip"
    own.write_bytes(b"PK")
    assert discard_upload(own) is False and own.is_file()
    assert discard_upload(uploads / ".." / "extracts" / "missing.zip") is False


def test_purge_keeps_what_a_run_needs_and_deletes_the_rest(uploads, settings):
    settings.METRICS_IMPORT_KEEP_FAILED_DAYS = 14
    now = timezone.now()
    queued = _run(_upload(uploads, "queued.zip"), status=ImportRun.Status.QUEUED)
    recent = _run(_upload(uploads, "failed-recent.zip"), status=ImportRun.Status.FAILED)
    ImportRun.objects.filter(pk=recent.pk).update(finished_at=now - timedelta(days=13))
    old = _run(_upload(uploads, "failed-old.zip"), status=ImportRun.Status.FAILED)
    ImportRun.objects.filter(pk=old.pk).update(finished_at=now - timedelta(days=15))
    _run(_upload(uploads, "loaded.zip"), status=ImportRun.Status.LOADED)  # its deletion had failed
    _upload(uploads, "orphan-new.zip")  # uploaded a moment ago: its run may not be recorded yet
    _upload(uploads, "orphan-old.zip", days_old=2)
    assert purge_uploads(now) == ["failed-old.zip", "loaded.zip", "orphan-old.zip"]
    assert sorted(p.name for p in uploads.iterdir()) == ["failed-recent.zip", "orphan-new.zip", "queued.zip"]
    assert queued.pk and purge_uploads(now) == []


def test_the_command_says_what_it_deleted(uploads, settings):
    settings.METRICS_IMPORT_KEEP_FAILED_DAYS = 0
    old = _run(_upload(uploads, "failed.zip"), status=ImportRun.Status.FAILED)
    ImportRun.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(hours=1))
    out = io.StringIO()
    call_command("purge_extract_uploads", stdout=out)
    assert out.getvalue() == "Deleted 1 uploaded bundle (failed imports are kept 0 days for Retry).\n"
    assert list(uploads.iterdir()) == []
