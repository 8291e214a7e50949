"""Celery tasks: import a bundle and compute a run, with progress the pages can show."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from metrics.compute import compute
from metrics.dates import Month
from metrics.extract.load import load_bundle
from metrics.models import ImportRun


@shared_task
def import_extract_task(import_run_id: int) -> str:
    """Load the uploaded bundle of an ImportRun; the run records progress and every problem."""
    run = ImportRun.objects.get(pk=import_run_id)
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])

    def progress(pct: int, step: str) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress=pct, step=step)

    try:
        result = load_bundle(run.path, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure must be shown on the page, not lost in a log
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, step=str(exc)[:200], finished_at=timezone.now()
        )
        raise
    ImportRun.objects.filter(pk=run.pk).update(
        status=result.status,
        progress=100,
        step=result.report.summary(),
        problems=result.report.as_dicts(),
        extract=result.extract,
        finished_at=timezone.now(),
    )
    return result.status


@shared_task
def compute_metrics_task(first: str, last: str | None = None, metrics: list[str] | None = None) -> int:
    """Compute and store a run for the months first..last; returns the run's id."""
    run = compute(Month.parse(first), Month.parse(last) if last else None, metrics=metrics)
    return run.pk
