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


def test_the_full_demo_is_one_quarter_at_scale_and_seeding_twice_changes_nothing():
    """The one test of the full-scale demo (the page crawls seed `--children 300`)."""
    from django.apps import apps

    from metrics.models import Child, Extract, MetricResult, MetricRun
    from reviews.models import Review
    from surveys.models import Response

    def counts() -> dict[str, int]:
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    # Metrics: 5,000 children over every active agency and circuit, computed for July-September 2023.
    assert Child.objects.count() == 5000
    extract = Extract.objects.get(is_current=True)
    assert extract.extract_id == "synthetic-2023-5000-2023-11-30"
    run = MetricRun.objects.get(period_from="2023-07", period_through="2023-09")
    results = MetricResult.objects.filter(run=run, metric="worker_child_visits", period="2023-Q3")
    children_per_agency = dict(results.filter(dimension="AGENCY").values_list("key", "denominator"))
    # Every active agency, the specialized 6AW included (6ZT closed in April 2023).
    active = {"CD", "6AW", "6ZA", "6ZB", "6ZC", "6ZJ", "6ZK", "6ZL", "6ZM", "6ZO", "6ZR", "6ZS", "6ZV"}
    assert {code for code, n in children_per_agency.items() if n >= 50} == active
    assert results.filter(dimension="CIRCUIT").count() == 46
    # Reviews: 60 over twelve agencies, plus 6ZA's calibration round (6 cases: two blind reviews and the
    # consensus each) and the review linked to the extract; surveys: two waves plus the report's 2023Q3 wave.
    ordinary = Review.objects.exclude(case__case_id__startswith="DEMO-CAL-").exclude(case__case_id="DEMO-6ZA-LINK")
    assert ordinary.count() == 60
    assert Review.objects.filter(case__case_id__startswith="DEMO-CAL-").count() == 6 * 3
    assert Review.objects.filter(case__case_id="DEMO-6ZA-LINK").count() == 1
    assert ordinary.values("case__agency").distinct().count() == 12
    assert Response.objects.filter(status="submitted").count() == 382 + 77 + 33
    assert set(Response.objects.values_list("group", flat=True)) == {
        "youth",
        "resource",
        "adoptive",
        "parent",
        "jo",
        "judge",
    }

    # Every review past submission is complete, as the workflow requires of real ones (no "No" without
    # its narrative on an approved review).
    from reviews.completeness import what_is_missing

    past_submission = Review.objects.exclude(status__in=["in_progress", "returned", "eliminated"])
    assert past_submission.count() > 40
    assert {r.case.case_id: what_is_missing(r) for r in past_submission if what_is_missing(r)} == {}

    # Every demo user's home page starts with something to look at or to do.
    from accounts.attention import attention_for
    from accounts.demo import DEMO_USERS

    lines = {name: [a.text for a in attention_for(User.objects.get(username=name))] for name, *_ in DEMO_USERS}
    assert all(lines.values()), lines
    assert "2 reviews returned to you with QA notes to answer" in lines["reviewer_6za"]
    assert "6 calibration cases of yours reconciled lately: see where you differed" in lines["reviewer2_6za"]
    # 1 generated, the 6 consensus reviews of the calibration round and the review linked to the extract.
    assert "8 reviews submitted and waiting for QA" in lines["qa_6za"]
    assert "1 written report in draft" in lines["supervisor_6za"]
    assert "1 written report in review, waiting for you to publish" in lines["state_supervisor"]
    assert any(line.startswith("6ZB met the goal on") for line in lines["viewer_6zb"])

    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    second = counts()
    changed = {label: (first[label], second[label]) for label in first if first[label] != second[label]}
    # Sessions and login records may come and go; the demo's own rows never do.
    assert {label for label in changed if not label.startswith(("sessions.", "axes."))} == set()
    assert "already loaded, July-September 2023 already computed" in again.getvalue()
    assert "53 generated reviews of 2023Q3 (53 unchanged)" in again.getvalue()
    assert "written reports for 2023Q3: already there" in again.getvalue()
