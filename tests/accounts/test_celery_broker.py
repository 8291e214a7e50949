"""The real broker path: a worker started by the test consumes a task through Redis."""

import os
import time

import pytest

from accounts.models import AuditEntry, Membership
from accounts.tasks import count_memberships


def _broker_reachable(url: str) -> bool:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError:
        return False
    return True


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_task_goes_through_the_real_broker_and_worker(personas):
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true" and os.environ.get("REQUIRE_BROKER"):
            pytest.fail("REQUIRE_BROKER is set but CELERY_BROKER_URL is not")
        pytest.skip("CELERY_BROKER_URL not set: tasks run eagerly in this configuration")
    if not _broker_reachable(url):
        pytest.fail(f"CELERY_BROKER_URL={url} is set but the broker does not answer")

    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    assert app.conf.task_always_eager is False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        count_memberships.delay("6ZA")
        # The worker consumed the message from Redis and wrote to the test database.
        deadline = time.monotonic() + 30
        while not AuditEntry.objects.filter(action="accounts.worker.checked").exists():
            assert time.monotonic() < deadline, "no worker consumed the task within 30 s"
            time.sleep(0.2)
    entry = AuditEntry.objects.get(action="accounts.worker.checked")
    assert entry.agency.code == "6ZA"
    # The worker counted the rows the test's personas put in 6ZA (5 single-agency, 5 multi-agency).
    assert entry.data == {"memberships": Membership.objects.filter(agency__code="6ZA").count()} == {"memberships": 10}
