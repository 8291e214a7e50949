"""Celery tasks of the written report: a draft's PDF or Word file, and a newly published version's
files, prepared in the background."""

from __future__ import annotations

from celery import shared_task

from reports import prepared, rendering
from reports.models import RenderedFile, ReportVersion


@shared_task
def prepare_file_task(pk: int, digest: str) -> str:
    """Render a draft's file (reports.prepared.run); 'done', 'failed' or 'skipped' (replaced meanwhile)."""
    return prepared.run(pk, digest)


@shared_task
def render_version_files_task(pk: int) -> list[str]:
    """Render a published version's PDF and Word files once, right after publication, so that the
    first reader to download them does not wait for the layout (reports.publishing.publish); the
    formats rendered by this call (a format a reader's download stored first is left as it is)."""
    version = ReportVersion.objects.filter(pk=pk).first()
    if version is None:
        return []
    done = []
    for fmt in RenderedFile.KEPT:
        if version.files.filter(format=fmt).exists():
            continue
        content = rendering.render(version.snapshot, fmt)
        _, created = RenderedFile.objects.get_or_create(version=version, format=fmt, defaults={"content": content})
        if created:
            done.append(fmt)
    return done
