"""Celery tasks: import a bundle and compute a run, with progress the pages can show."""

from __future__ import annotations

from celery import shared_task

from accounts.audit import log_action
from accounts.models import User
from metrics.compute import compute
from metrics.dates import Month
from metrics.imports import import_audit_data, run_import
from metrics.models import MetricRun

__all__ = ["compute_metrics_task", "import_audit_data", "import_extract_task"]


@shared_task
def import_extract_task(import_run_id: int) -> str:
    """Load the uploaded bundle of an ImportRun (metrics.imports.run_import)."""
    return run_import(import_run_id)


@shared_task
def compute_metrics_task(
    first: str, last: str | None = None, metrics: list[str] | None = None, user_id: int | None = None
) -> int:
    """Compute and store a run for the months first..last; returns the run's id.

    `user_id` is who asked (the import page, the admin); the command line leaves it empty.
    """
    user = User.objects.filter(pk=user_id).first() if user_id else None
    asked = {"first": first, "last": last or first, "metrics": metrics or "all"}
    try:
        run = compute(Month.parse(first), Month.parse(last) if last else None, metrics=metrics)
    except Exception as exc:
        log_action("metrics.compute.failed", user=user, data={**asked, "error": type(exc).__name__})
        raise
    log_action("metrics.compute.finished", user=user, obj=run, data={**asked, **compute_audit_data(run)})
    return run.pk


def compute_audit_data(run: MetricRun) -> dict:
    return {"extract": run.extract.extract_id, "results": run.results.count()}
