"""The life of an extract import started from the page: queued, running (with a heartbeat), then
loaded, unchanged, rejected or failed; a run whose worker died is marked failed and may be retried.

The import itself is `metrics.extract.load.load_bundle`; this module records it on an ImportRun.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import log_action
from config.background import enqueue
from metrics.extract.load import LoadResult, load_bundle
from metrics.extract.report import ERROR, WARNING
from metrics.models import ImportRun

logger = logging.getLogger(__name__)

Status = ImportRun.Status


class RetryRefused(Exception):
    """The run cannot be retried; the message says why."""


def start_import(path: str | Path, original_name: str, user, retry_of: ImportRun | None = None) -> ImportRun:
    """Record a queued run for the bundle at `path` and start it once the caller's transaction commits."""
    from metrics.tasks import import_extract_task

    with transaction.atomic():
        run = ImportRun.objects.create(path=str(path), original_name=original_name, created_by=user, retry_of=retry_of)
        transaction.on_commit(lambda: enqueue(import_extract_task, run.pk))
    return run


def retry_import(run: ImportRun, user) -> ImportRun:
    """A new run of a failed run's bundle (the failed one stays in the list as it was)."""
    if run.status != Status.FAILED:
        raise RetryRefused("Only a failed import can be retried.")
    if not Path(run.path).is_file():
        raise RetryRefused("The uploaded file is no longer on the server: upload the bundle again.")
    return start_import(run.path, run.original_name, user, retry_of=run)


def run_import(run_id: int) -> str:
    """Load the bundle of a queued run; the run records progress, every problem and the outcome.

    A run already finished, or marked failed because it went silent, is not run again (Celery may
    deliver a task again after its worker died)."""
    now = timezone.now()
    claimed = ImportRun.objects.filter(pk=run_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now, progress=0, step="starting"
    )
    if not claimed:
        return "SKIPPED"
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    log_action("metrics.import.started", user=run.created_by, obj=run, data={"file": run.original_name})
    with Heartbeat(run.pk, settings.METRICS_IMPORT_HEARTBEAT_SECONDS) as heartbeat:
        try:
            result = load_bundle(run.path, progress=heartbeat.progress)
        except Exception as exc:
            # The details (a database error can quote extract values) go to the log, not the page.
            logger.exception("extract import %s failed", run.pk)
            ImportRun.objects.filter(pk=run.pk).update(
                status=Status.FAILED,
                step=f"Failed: unexpected {type(exc).__name__}; nothing was loaded. The server log has the details.",
                finished_at=timezone.now(),
            )
            # The message stays on the run's page; the audit log names the kind of failure only.
            log_action("metrics.import.failed", user=run.created_by, obj=run, data={"error": type(exc).__name__})
            raise
    report = result.report
    ImportRun.objects.filter(pk=run.pk).update(
        status=result.status,
        progress=100,
        step=report.summary(),
        problems=report.as_dicts(),
        error_count=report.totals[ERROR],
        warning_count=report.totals[WARNING],
        extract=result.extract,
        heartbeat_at=timezone.now(),
        finished_at=timezone.now(),
    )
    log_action("metrics.import.finished", user=run.created_by, obj=run, data=import_audit_data(result))
    # Loaded, unchanged or rejected: the bundle is not needed again (only a failed run is retried).
    discard_upload(run.path)
    return result.status


def upload_folder() -> Path:
    """Where the import page stores uploaded bundles (MEDIA_ROOT/extracts)."""
    return Path(settings.MEDIA_ROOT) / "extracts"


def discard_upload(path: str | Path) -> bool:
    """Delete an uploaded bundle; never a file outside the upload folder. True if one was deleted."""
    path = Path(path)
    try:
        inside = path.resolve().parent == upload_folder().resolve()
    except OSError:
        return False
    if not inside or not path.is_file():
        return False
    path.unlink(missing_ok=True)
    return True


def purge_uploads(now=None) -> list[str]:
    """Delete the uploaded bundles no run needs: those of failed runs that finished more than
    METRICS_IMPORT_KEEP_FAILED_DAYS ago and are not being retried, and files of no queued, running
    or failed run (left by a finished run whose deletion failed, or by a crash between upload and
    record) once a day old. Returns the names deleted."""
    now = now or timezone.now()
    keep_since = now - timedelta(days=settings.METRICS_IMPORT_KEEP_FAILED_DAYS)
    folder = upload_folder()
    if not folder.is_dir():
        return []
    needed = set(
        ImportRun.objects.filter(
            Q(status__in=[Status.QUEUED, Status.RUNNING]) | Q(status=Status.FAILED, finished_at__gte=keep_since)
        ).values_list("path", flat=True)
    )
    needed = {Path(p).resolve() for p in needed}
    day_ago = (now - timedelta(days=1)).timestamp()
    deleted = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.resolve() in needed:
            continue
        recorded = ImportRun.objects.filter(path=str(path)).exists()
        if not recorded and path.stat().st_mtime > day_ago:
            continue  # just uploaded: its run may not be recorded yet
        path.unlink(missing_ok=True)
        deleted.append(path.name)
    if deleted:
        logger.info("deleted %s uploaded extract bundles no run needs", len(deleted))
    return deleted


def import_audit_data(result: LoadResult) -> dict:
    """Counts for the audit log of an import: outcome, problems, rows per file (no row contents)."""
    report = result.report
    data = {"status": result.status, "errors": report.totals[ERROR], "warnings": report.totals[WARNING]}
    if result.extract is not None:
        data |= {"extract": result.extract.extract_id, "rows": result.extract.row_counts}
    return data


class Heartbeat:
    """Writes the run's progress and `heartbeat_at` from a thread of its own, at each progress step
    and every `every` seconds in between, through that thread's own database connection.

    So the page sees progress while the import's write transaction is open (on PostgreSQL a write
    inside it would be invisible until the commit), and the beats stop when the process dies, which
    is how a dead run is told from a slow one. `every = 0`: no thread, each progress step is written
    by the caller (the tests' setting)."""

    def __init__(self, run_id: int, every: int) -> None:
        self.run_id, self.every = run_id, every
        self.state: tuple[int, str] | None = None
        self.wake, self.stop = threading.Event(), threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if self.every > 0:
            self.thread = threading.Thread(target=self._beat, name=f"import {self.run_id} heartbeat", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.thread is not None:
            self.stop.set()
            self.wake.set()
            self.thread.join()

    def progress(self, pct: int, step: str) -> None:
        self.state = (pct, step)
        if self.thread is None or connection.vendor == "sqlite":
            # SQLite has one writer: while the import writes its tables only the import's own
            # connection can write, so each step is written there too. It becomes visible with the
            # commit, before a stale check waiting for the database can look at the run again.
            self._write()
        if self.thread is not None:
            self.wake.set()

    def _beat(self) -> None:
        try:
            while not self.stop.is_set():
                self.wake.wait(self.every)
                self.wake.clear()
                try:
                    self._write()
                except DatabaseError:
                    # SQLite: the import's write transaction holds the database; try again later.
                    logger.info("import %s: heartbeat not written (database busy)", self.run_id)
        finally:
            connections.close_all()

    def _write(self) -> None:
        fields = {"heartbeat_at": timezone.now()}
        if self.state is not None:
            fields["progress"], fields["step"] = self.state[0], self.state[1][:200]
        ImportRun.objects.filter(pk=self.run_id, status=Status.RUNNING).update(**fields)


def stale_limit() -> timedelta:
    return timedelta(minutes=settings.METRICS_IMPORT_STALE_MINUTES)


def fail_stale_imports(now=None) -> list[int]:
    """Mark failed the runs whose worker died: running without a heartbeat for
    METRICS_IMPORT_STALE_MINUTES, and, without a broker (tasks run in a thread of the web process),
    runs still queued after as long, whose thread never started. With a broker a queued run may just
    be waiting for a worker, so it is left alone. Returns the ids marked."""
    from config.celery import app

    now = now or timezone.now()
    since = now - stale_limit()
    stale = Q(status=Status.RUNNING) & (Q(heartbeat_at__lt=since) | Q(heartbeat_at__isnull=True, created_at__lt=since))
    if app.conf.task_always_eager:
        stale |= Q(status=Status.QUEUED, created_at__lt=since)
    ids = list(ImportRun.objects.filter(stale).values_list("pk", flat=True))
    if not ids:
        return []
    minutes = settings.METRICS_IMPORT_STALE_MINUTES
    try:
        with transaction.atomic():
            ImportRun.objects.filter(stale, pk__in=ids).update(
                status=Status.FAILED,
                step=(
                    f"Failed: no sign of life for {minutes} minutes, so its worker stopped (a restart, or out "
                    "of memory). Retry it."
                ),
                finished_at=now,
            )
    except DatabaseError:
        # SQLite while an import writes its tables: that import holds the database (and is alive,
        # though its heartbeat cannot be written meanwhile). The page is shown; the next check marks.
        logger.info("stale imports %s not marked: database busy", ids)
        return []
    logger.warning("extract imports %s marked failed: no heartbeat for %s minutes", ids, minutes)
    return ids
