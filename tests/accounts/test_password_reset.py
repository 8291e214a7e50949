"""Password reset (issue 10, finding 12): it must not tell whether an address has an account, and it is
rate-limited per address and per client.

The request does the same work for any address: it hands the address to a background job and
answers. The job looks the account up and sends the e-mail, through the Celery worker, or, with no
broker, in a thread. Timing itself is not asserted (see the report in docs/operations.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts import passwords
from accounts.http import client_address
from accounts.tasks import send_password_reset
from accounts.throttle import count_attempt

RESET = "/accounts/password/reset/"
KNOWN = "rita.reviewer@example.org"
UNKNOWN = "nobody.here@example.org"


def page_text(response, email: str) -> str:
    """The page without what differs on every response (tokens, nonce) and without the address typed."""
    text = response.content.decode().replace(email, "(address)")
    return re.sub(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]+', r"\1", text)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rita(make_user):
    return make_user("rita", ("reviewer", "6ZA"), email=KNOWN)


@pytest.fixture
def handed_over(monkeypatch):
    """What the request hands to the background job, instead of running it."""
    calls: list[tuple] = []
    monkeypatch.setattr(passwords, "send_in_background", lambda *args: calls.append(args))
    return calls


@pytest.mark.django_db
def test_known_and_unknown_addresses_get_the_same_answer_and_take_the_same_path(client, rita, handed_over):
    known = client.post(RESET, {"email": KNOWN})
    unknown = client.post(RESET, {"email": UNKNOWN})
    assert (known.status_code, known["Location"]) == (302, reverse("password_reset_done"))
    assert (unknown.status_code, unknown["Location"]) == (302, reverse("password_reset_done"))
    # Both addresses are handed over the same way; nothing is looked up or sent in the request.
    assert handed_over == [(KNOWN, "testserver", False), (UNKNOWN, "testserver", False)]
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_job_mails_a_working_link_to_an_account_and_nothing_to_an_unknown_address(client, rita):
    send_password_reset(UNKNOWN, "qa.example.org", True)
    assert mail.outbox == []
    send_password_reset(KNOWN.upper(), "qa.example.org", True)
    assert [message.to for message in mail.outbox] == [[KNOWN]]
    link = re.search(r"https://qa\.example\.org(/accounts/password/reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_email_leaves_from_a_thread_not_from_the_request(client, make_user, monkeypatch):
    make_user("rita", ("reviewer", "6ZA"), email=KNOWN)
    finished = threading.Event()
    senders: list[threading.Thread] = []
    send = passwords._send_in_thread

    def watched(*args):
        try:
            send(*args)
        finally:
            senders.append(threading.current_thread())
            finished.set()

    monkeypatch.setattr(passwords, "_send_in_thread", watched)
    response = client.post(RESET, {"email": KNOWN})
    assert response.status_code == 302
    assert finished.wait(timeout=30)
    assert [thread.name for thread in senders] == ["password-reset"]
    assert senders[0] is not threading.main_thread()
    assert [message.to for message in mail.outbox] == [[KNOWN]]


@pytest.mark.django_db
def test_with_a_broker_the_email_goes_to_the_worker(client, rita, monkeypatch):
    from config.celery import app

    queued = []
    monkeypatch.setattr(send_password_reset, "delay", lambda *args: queued.append(args))
    app.conf.task_always_eager = False  # the autouse _celery_eager fixture puts it back
    before = set(threading.enumerate())
    client.post(RESET, {"email": UNKNOWN}, secure=True)
    assert queued == [(UNKNOWN, "testserver", True)]
    assert [t for t in set(threading.enumerate()) - before if t.name == "password-reset"] == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_resets_for_one_address_are_refused_past_the_limit(client, rita, handed_over, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    for n in range(3):
        assert client.post(RESET, {"email": KNOWN}, REMOTE_ADDR=f"10.0.0.{n}").status_code == 302
    refused = client.post(RESET, {"email": KNOWN.upper()}, REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert len(handed_over) == 3
    # Another address is not held back by it.
    assert client.post(RESET, {"email": UNKNOWN}, REMOTE_ADDR="10.0.0.9").status_code == 302


@pytest.mark.django_db
def test_resets_from_one_client_are_refused_past_the_limit_whatever_the_address(client, rita, handed_over, settings):
    settings.PASSWORD_RESET_CLIENT_LIMIT = 4
    for n in range(4):
        assert client.post(RESET, {"email": f"guess{n}@example.org"}, REMOTE_ADDR="10.1.1.1").status_code == 302
    # The refusal is the same for an address with an account and one without.
    known = client.post(RESET, {"email": KNOWN}, REMOTE_ADDR="10.1.1.1")
    unknown = client.post(RESET, {"email": UNKNOWN}, REMOTE_ADDR="10.1.1.1")
    assert known.status_code == unknown.status_code == 429
    assert page_text(known, KNOWN) == page_text(unknown, UNKNOWN)
    assert "Too many password reset requests" in page_text(known, KNOWN)
    assert len(handed_over) == 4
    assert client.post(RESET, {"email": KNOWN}, REMOTE_ADDR="10.2.2.2").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.7", "192.0.2.1"),  # no proxy trusted: the header is the client's own claim
        (1, "198.51.100.5", "198.51.100.5"),
        (1, "6.6.6.6, 198.51.100.5", "198.51.100.5"),  # a forged first entry is ignored
        (2, "6.6.6.6, 198.51.100.5, 10.0.0.2", "198.51.100.5"),
        (2, "198.51.100.5", "192.0.2.1"),  # fewer entries than proxies: not through every proxy
        (1, "not-an-address", "192.0.2.1"),  # not an address: the connection's
        (1, "", "192.0.2.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_number_of_proxies(proxies, forwarded_for, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    if forwarded_for:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(request) == expected


def test_parallel_attempts_are_each_counted_once():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=16) as pool:
        counts = list(pool.map(lambda _: count_attempt("test", "one-key", 60), range(200)))
    assert sorted(counts) == list(range(1, 201))


@pytest.mark.parametrize(
    ("cache_url", "expected"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache"),
        ("memcached://127.0.0.1", "CACHE_URL must be a redis:// or rediss:// URL, not 'memcached://127.0.0.1'"),
    ],
)
def test_cache_url_chooses_where_the_counters_live(cache_url, expected):
    code = "import config.settings as s; print(s.CACHES['default']['BACKEND'])"
    env = {"PATH": os.environ.get("PATH", ""), "SECRET_KEY": "x" * 50, "CACHE_URL": cache_url}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert expected in done.stdout + done.stderr
