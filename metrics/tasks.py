"""Celery tasks: import a bundle and compute a run, with progress the pages can show."""

from __future__ import annotations

from celery import shared_task

from metrics.compute import compute
from metrics.dates import Month
from metrics.imports import run_import


@shared_task
def import_extract_task(import_run_id: int) -> str:
    """Load the uploaded bundle of an ImportRun (metrics.imports.run_import)."""
    return run_import(import_run_id)


@shared_task
def compute_metrics_task(first: str, last: str | None = None, metrics: list[str] | None = None) -> int:
    """Compute and store a run for the months first..last; returns the run's id."""
    run = compute(Month.parse(first), Month.parse(last) if last else None, metrics=metrics)
    return run.pk
