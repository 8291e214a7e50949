"""A newcomer's tour: after `seed_demo`, every demo user can open every page the app links them to.

The crawl follows same-site links two clicks deep from the home page (GET only, no logout,
no downloads) and fails on any server error or refusal of a linked page: the app never links
someone to a page they may not open.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.demo import DEMO_USERS
from tests.smoke.crawl import crawl


@pytest.mark.django_db
def test_every_linked_page_opens_for_each_demo_user():
    from accounts.models import User

    # One test, one transaction: the demo data is rolled back afterwards like any fixture.
    call_command("seed_demo", "--children", "300", stdout=io.StringIO())
    problems = {}
    for username, *_ in DEMO_USERS:
        client = Client()
        client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
        seen = crawl(client)
        broken = {url: code for url, code in seen.items() if code not in (200, 302)}
        if broken:
            problems[username] = broken
        assert len(seen) > 3, f"{username} reaches almost nothing: {seen}"
    assert problems == {}, f"demo users are linked to pages that fail: {problems}"
