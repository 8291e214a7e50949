"""Shared fixtures: personas in two agencies, logged-in clients, and the browser set-up."""

from __future__ import annotations

import os
import shutil
from types import SimpleNamespace

import pytest

# Playwright's sync API runs an event loop in the main thread; Django's ORM must still be
# usable from the test body (see ../shared/STACK.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Test-pass-2026!"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if os.path.exists(candidate):
        return candidate
    return shutil.which("chromium")


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process in tests, except those marked `broker` that use a real worker."""
    from config.celery import app

    if request.node.get_closest_marker("broker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _no_cached_disclosure():
    """No survey suppression pattern cached by one test is seen by the next (surveys.results)."""
    from surveys.results import forget_disclosure

    forget_disclosure()
    yield
    forget_disclosure()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush every table afterwards, migration data included: reload it."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or "transactional_db" in request.fixturenames):
        request.getfixturevalue("transactional_db")
        from accounts.models import Agency
        from accounts.reference import load_reference_data

        if not Agency.objects.exists():
            load_reference_data()


@pytest.fixture
def agency(db):
    from accounts.models import Agency

    def get(code: str) -> Agency:
        return Agency.objects.get(code=code)

    return get


@pytest.fixture
def make_user(db):
    from accounts.models import Agency, Membership, User

    def make(username: str, *memberships: tuple[str, str], **fields) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, **fields)
        for role, code in memberships:
            Membership.objects.create(user=user, agency=Agency.objects.get(code=code), role=role)
        return user

    return make


@pytest.fixture
def personas(make_user):
    """alice-style personas: every role in 6ZA, most in 6ZB, state staff in CD, and people holding
    different roles in two agencies (or a CD reviewer role beside an agency role)."""
    return SimpleNamespace(
        reviewer_a=make_user("reviewer_a", ("reviewer", "6ZA"), first_name="Rita", last_name="Reviewer"),
        qa_a=make_user("qa_a", ("qa_reviewer", "6ZA"), first_name="Quinn", last_name="Qa"),
        supervisor_a=make_user("supervisor_a", ("supervisor", "6ZA")),
        viewer_a=make_user("viewer_a", ("agency_viewer", "6ZA")),
        admin_a=make_user("admin_a", ("administrator", "6ZA")),
        reviewer_b=make_user("reviewer_b", ("reviewer", "6ZB")),
        qa_b=make_user("qa_b", ("qa_reviewer", "6ZB")),
        supervisor_b=make_user("supervisor_b", ("supervisor", "6ZB")),
        viewer_b=make_user("viewer_b", ("agency_viewer", "6ZB")),
        state_admin=make_user("state_admin", ("administrator", "CD")),
        state_supervisor=make_user("state_supervisor", ("supervisor", "CD")),
        # Roles in two agencies: each role's capabilities hold only in its own agency.
        supervisor_a_reviewer_b=make_user("supervisor_a_reviewer_b", ("supervisor", "6ZA"), ("reviewer", "6ZB")),
        qa_a_viewer_b=make_user("qa_a_viewer_b", ("qa_reviewer", "6ZA"), ("agency_viewer", "6ZB")),
        reviewer_a_viewer_b=make_user("reviewer_a_viewer_b", ("reviewer", "6ZA"), ("agency_viewer", "6ZB")),
        admin_a_reviewer_b=make_user("admin_a_reviewer_b", ("administrator", "6ZA"), ("reviewer", "6ZB")),
        # A CD role counts in every agency, but only with that role's capabilities.
        state_reviewer=make_user("state_reviewer", ("reviewer", "CD")),
        state_reviewer_supervisor_a=make_user("state_reviewer_supervisor_a", ("reviewer", "CD"), ("supervisor", "6ZA")),
    )


@pytest.fixture
def client_for(db):
    from django.test import Client

    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


# --- Browser tests (pytest-playwright with Debian chromium) ---------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no chromium found: install Debian's chromium (make test does this)")
        pytest.skip("no chromium found (/usr/bin/chromium); run `make test` to install it")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config, items):
    # Browser tests need a live server and a real transaction per test.
    for item in items:
        if "browser" in item.keywords and chromium_path() is None and os.environ.get("CI", "").lower() != "true":
            item.add_marker(pytest.mark.skip(reason="no chromium found (/usr/bin/chromium); run `make test`"))
