"""The two-agency world of the scoping tests, built once per test module.

Building it (reviews scored, an extract loaded and computed, survey waves fielded) takes seconds;
the crawl opens every URL for every persona against it. It is built inside a transaction that is
rolled back after the module, and each test runs in a savepoint within it, so tests still cannot
see each other's writes.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.accounts import world as w


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), transaction.atomic():
        built = w.build_world(tmp_path_factory.mktemp("bundle"))
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db, personas):
    w.assign(shared_world, list(vars(personas).values()))
    return shared_world
