"""Celery tasks of the written report: a draft's PDF or Word file, prepared in the background."""

from __future__ import annotations

from celery import shared_task

from reports import prepared


@shared_task
def prepare_file_task(pk: int, digest: str) -> str:
    """Render a draft's file (reports.prepared.run); 'done', 'failed' or 'skipped' (replaced meanwhile)."""
    return prepared.run(pk, digest)
