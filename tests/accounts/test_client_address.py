"""The client address behind trusted proxies, for the login lock and the survey guess limit (issue 10, finding 10)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.http import client_address as client_ip
from tests.conftest import PASSWORD

PROXY = "10.0.0.5"


def request(forwarded: str | None = None, remote: str = PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", PROXY),  # no trusted proxy: a client-written header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the left entry was written by the client
        (2, "203.0.113.9, 10.0.0.4", "203.0.113.9"),  # two proxies: second from the right
        (2, "10.0.0.4", PROXY),  # fewer entries than proxies: the peer is the client
        (1, "not-an-address", PROXY),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (1, None, PROXY),
    ],
)
def test_the_client_is_the_entry_written_by_the_outermost_trusted_proxy(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request(forwarded)) == expected


@pytest.mark.django_db
def test_behind_a_proxy_the_login_lock_keys_on_the_client_not_the_proxy(personas, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    for _ in range(3):
        attacker.post(reverse("login"), {"username": "reviewer_a", "password": "wrong"})

    assert attacker.post(reverse("login"), {"username": "reviewer_a", "password": PASSWORD}).status_code == 429
    # Same proxy address, another client: not locked out by the attacker's failures.
    assert colleague.post(reverse("login"), {"username": "reviewer_a", "password": PASSWORD}).status_code == 302
