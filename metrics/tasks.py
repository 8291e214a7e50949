"""Celery tasks: import a bundle and compute a run, with progress the pages can show."""

from __future__ import annotations

from celery import chord, group, shared_task
from django.db import OperationalError, transaction

from accounts.audit import log_action
from accounts.models import User
from metrics import fanout
from metrics.compute import compute
from metrics.dates import Month
from metrics.imports import import_audit_data, run_import
from metrics.models import MetricRun

__all__ = [
    "compute_fanned_out",
    "compute_metrics_task",
    "compute_part_task",
    "finish_run_task",
    "import_audit_data",
    "import_extract_task",
]


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


# --- a computation fanned out over workers (metrics/fanout.py) -------------------------------
# acks_late: the message is acknowledged when the task ends, so a worker killed mid-piece leaves it
# on the broker and another worker runs it again (reject_on_worker_lost); each piece deletes what an
# earlier attempt wrote before writing, so the retry leaves no duplicates.


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def compute_part_task(run_id: int, month: str, codes: list[str]) -> int:
    """One (month x metric group) piece of a run."""
    return fanout.compute_part(run_id, month, codes)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,), max_retries=3)
def finish_run_task(_parts: list, run_id: int, codes: list[str], user_id: int | None = None) -> int:
    """The chord's body: once every piece is stored, the run is assembled and becomes current."""
    run_pk = fanout.finish(run_id, codes)
    run = MetricRun.objects.get(pk=run_pk)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    log_action(
        "metrics.compute.finished",
        user=user,
        obj=run,
        data={"first": run.period_from, "last": run.period_through, "metrics": codes, "fanned_out": True,
              **compute_audit_data(run)},
    )  # fmt: skip
    return run_pk


@shared_task
def fail_run_task(*args, run_id: int) -> None:
    """The chord's error callback: the run is marked FAILED (never current); the previous run stays."""
    fanout.fail(run_id)
    log_action("metrics.compute.failed", data={"run": run_id, "fanned_out": True})


def compute_fanned_out(
    first: str, last: str | None = None, metrics: list[str] | None = None, user_id: int | None = None
) -> tuple[int, object]:
    """Start a computation of the months first..last as a Celery chord of (month x metric group)
    pieces; returns the run's id (RUNNING until the chord's body marks it DONE) and the chord's
    AsyncResult (`.get()` waits; needs a result backend with a broker). Without a broker (eager
    mode) everything has run when this returns."""
    run, pieces, codes = fanout.start(Month.parse(first), Month.parse(last) if last else None, metrics)
    work = chord(
        group(compute_part_task.si(run.pk, month, group_codes) for month, group_codes in pieces),
        finish_run_task.s(run.pk, codes, user_id),
    ).on_error(fail_run_task.si(run_id=run.pk))
    from config.celery import app

    if app.conf.task_always_eager:
        # Eager tasks propagate their exception before any error callback would run.
        try:
            return run.pk, work.apply_async()
        except Exception:
            fanout.fail(run.pk)
            raise
    holder: dict = {}
    transaction.on_commit(lambda: holder.setdefault("result", work.apply_async()))
    return run.pk, holder.get("result")
