"""Celery tasks: import a bundle and compute a run, with progress the pages can show."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts.audit import log_action
from accounts.models import User
from metrics.compute import compute
from metrics.dates import Month
from metrics.extract.load import LoadResult, load_bundle
from metrics.models import ImportRun, MetricRun


def import_audit_data(result: LoadResult) -> dict:
    """Counts for the audit log of an import: outcome, problems, rows per file (no row contents)."""
    data = {"status": result.status, "errors": len(result.report.errors), "warnings": len(result.report.warnings)}
    if result.extract is not None:
        data |= {"extract": result.extract.extract_id, "rows": result.extract.row_counts}
    return data


@shared_task
def import_extract_task(import_run_id: int) -> str:
    """Load the uploaded bundle of an ImportRun; the run records progress and every problem."""
    run = ImportRun.objects.select_related("created_by").get(pk=import_run_id)
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])
    log_action("metrics.import.started", user=run.created_by, obj=run, data={"file": run.original_name})

    def progress(pct: int, step: str) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress=pct, step=step)

    try:
        result = load_bundle(run.path, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure must be shown on the page, not lost in a log
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, step=str(exc)[:200], finished_at=timezone.now()
        )
        # The message stays on the run's page; the log names the kind of failure only.
        log_action("metrics.import.failed", user=run.created_by, obj=run, data={"error": type(exc).__name__})
        raise
    ImportRun.objects.filter(pk=run.pk).update(
        status=result.status,
        progress=100,
        step=result.report.summary(),
        problems=result.report.as_dicts(),
        extract=result.extract,
        finished_at=timezone.now(),
    )
    log_action("metrics.import.finished", user=run.created_by, obj=run, data=import_audit_data(result))
    return result.status


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
