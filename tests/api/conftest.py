"""The read API's tests: the reports' 2023Q3 fixture (exact figures in tests/reports/conftest.py) and
clients that sign with a token, as scripts do."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.tokens import create_token
from tests.reports.conftest import q3  # noqa: F401 - the fixture, shared


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_for(db):
    """A client sending `Authorization: Token <key>` for the user (no session)."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user, by='test')}")
        return client

    return make
