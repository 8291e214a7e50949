"""A draft's PDF and Word files, prepared in the background rather than in the request.

A statewide PDF takes half a minute to lay out: rendering it in the request held a web worker that
long. Instead `obtain` looks for a file rendered from exactly this snapshot (the key is a digest of
the snapshot JSON, without the moment it was made, and the format); if there is none it records a
`PreparedFile` and starts one job for it (a Celery task with a broker, a background thread without
one: config.background). The Report row is locked while deciding, so two requests never start two
jobs for the same digest and format. One entry is kept per report and format: a newer digest (the
texts or the figures changed) replaces the older entry, and a job still running for the older one
finds it gone and leaves the new one alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from config.background import enqueue
from reports import rendering
from reports.models import PreparedFile, Report

logger = logging.getLogger(__name__)

FORMATS = PreparedFile.KEPT
# A job that has not finished after this long is taken as lost (its worker or web process ended):
# the entry shows as failed and may be tried again.
STALE_AFTER = timedelta(minutes=15)
ERROR_LENGTH = 2000


def digest(snapshot: dict[str, Any]) -> str:
    """SHA-256 of the snapshot, leaving out `generated_at` (a draft is built anew on every request)."""
    report = {key: value for key, value in snapshot.get("report", {}).items() if key != "generated_at"}
    text = json.dumps({**snapshot, "report": report}, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_stale(entry: PreparedFile) -> bool:
    return entry.in_progress and timezone.now() - entry.created_at > STALE_AFTER


def current(report: Report, fmt: str) -> PreparedFile | None:
    """The report's entry for the format, a lost job shown as failed (the file and the snapshot are
    read when used: the page polls this every 2 seconds)."""
    entry = PreparedFile.objects.filter(report=report, format=fmt).defer("content", "snapshot").first()
    if entry is not None and is_stale(entry):
        _finish(entry.pk, entry.digest, status=PreparedFile.Status.FAILED, error="The job did not finish in time.")
        entry.refresh_from_db()
    return entry


def obtain(report: Report, snapshot: dict[str, Any], fmt: str, user=None) -> tuple[PreparedFile, bool]:
    """The entry for this snapshot and format, and whether a job was started for it now.

    A failed entry for the same digest is returned as it is (the page offers to try again: `retry`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: only {', '.join(FORMATS)} are prepared in the background")
    key = digest(snapshot)
    with transaction.atomic():
        Report.objects.select_for_update(of=("self",)).filter(pk=report.pk).first()
        entry = current(report, fmt)
        if entry is not None and entry.digest == key:
            return entry, False
        now = timezone.now()
        values = {
            "digest": key,
            "snapshot": json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder)),
            "status": PreparedFile.Status.PENDING,
            "content": None,
            "error": "",
            "requested_by": user if user is not None and user.is_authenticated else None,
            "created_at": now,
            "finished_at": None,
        }
        entry, _ = PreparedFile.objects.update_or_create(report=report, format=fmt, defaults=values)
        _start(entry)
    entry.refresh_from_db()  # the job may have run already (no broker, `inline`)
    return entry, True


def retry(report: Report, fmt: str, user=None) -> PreparedFile | None:
    """Start a failed entry again (same snapshot); None when there is nothing to try again."""
    with transaction.atomic():
        Report.objects.select_for_update(of=("self",)).filter(pk=report.pk).first()
        entry = current(report, fmt)
        if entry is None or entry.status != PreparedFile.Status.FAILED:
            return entry
        entry.status, entry.error, entry.content = PreparedFile.Status.PENDING, "", None
        entry.created_at, entry.finished_at = timezone.now(), None
        if user is not None and user.is_authenticated:
            entry.requested_by = user
        entry.save()
        _start(entry)
    return entry


def _start(entry: PreparedFile) -> None:
    from reports.tasks import prepare_file_task

    pk, key = entry.pk, entry.digest
    transaction.on_commit(lambda: enqueue(prepare_file_task, pk, key))


def run(pk: int, key: str) -> str:
    """The job: render the entry's snapshot, unless the entry has since been replaced or done."""
    claimed = PreparedFile.objects.filter(pk=pk, digest=key, status=PreparedFile.Status.PENDING).update(
        status=PreparedFile.Status.RUNNING
    )
    if not claimed:
        return "skipped"
    entry = PreparedFile.objects.only("snapshot", "format").get(pk=pk)
    try:
        content = rendering.render(entry.snapshot, entry.format)
    except Exception as exc:  # noqa: BLE001 - the page shows the failure and offers to try again
        logger.exception("preparing %s of report %s failed", entry.format, entry.report_id)
        _finish(pk, key, status=PreparedFile.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH])
        return "failed"
    _finish(pk, key, status=PreparedFile.Status.DONE, content=content)
    return "done"


def _finish(pk: int, key: str, **values) -> None:
    PreparedFile.objects.filter(pk=pk, digest=key).update(finished_at=timezone.now(), **values)
