import io

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, User

pytestmark = pytest.mark.django_db


def test_seed_demo_users_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", "--users-only", stdout=out)
    users, memberships = User.objects.count(), Membership.objects.count()
    # One per role in 6ZA plus a second 6ZA reviewer (calibration pairs), most roles in 6ZB, CD's
    # administrator and two CD supervisors.
    assert users == 13
    assert memberships == 13
    call_command("seed_demo", "--users-only", stdout=io.StringIO())
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert "reviewer_6za" in out.getvalue()
    assert User.objects.get(username="reviewer_6za").check_password(DEMO_PASSWORD)
    assert Membership.objects.get(user__username="viewer_6zb").agency.code == "6ZB"
    assert User.objects.get(username="state_admin").is_superuser
