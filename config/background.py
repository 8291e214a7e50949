"""Start a long task from a page without holding the request.

With a broker, the task goes to a Celery worker. Without one, Celery runs tasks eagerly, in the
caller: a long import would then hold the web request (and a gunicorn worker) for minutes. So
without a broker a task started here runs in a background thread of the web process, with its own
database connection (`TASKS_WITHOUT_BROKER = "thread"`), or, for the tests, inside the request
(`"inline"`). Call it from `transaction.on_commit`, so the task sees what the request saved.
"""

from __future__ import annotations

import logging
import threading

from celery import Task
from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

THREAD_PREFIX = "background-task"


def enqueue(task: Task, *args, **kwargs) -> threading.Thread | None:
    """Run `task(*args, **kwargs)` outside the request; returns the thread when one was started."""
    if not task.app.conf.task_always_eager:
        task.delay(*args, **kwargs)
        return None
    if settings.TASKS_WITHOUT_BROKER == "inline":
        task.delay(*args, **kwargs)
        return None
    thread = threading.Thread(target=_run, args=(task, args, kwargs), name=f"{THREAD_PREFIX} {task.name}", daemon=True)
    thread.start()
    return thread


def _run(task: Task, args: tuple, kwargs: dict) -> None:
    try:
        task.apply(args=args, kwargs=kwargs, throw=True)
    except Exception:  # noqa: BLE001 - nobody waits for this thread: the failure must reach the log
        logger.exception("background task %s failed", task.name)
    finally:
        # Django opened this thread's connections; nobody else will close them.
        connections.close_all()
