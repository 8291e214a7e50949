"""The README's demo path: the demo reviewer completes a review; QA approves; the supervisor sees it."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.demo import seed as seed_accounts
from accounts.models import User
from reviews import demo
from reviews.models import Review

pytestmark = pytest.mark.django_db


def logged_in(username: str) -> Client:
    user = User.objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD)  # the password the README gives
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_demo_reviewer_completes_a_review_that_reaches_the_supervisors_summary():
    seed_accounts(io.StringIO())
    demo.seed(io.StringIO())
    supervisor = logged_in("supervisor_6za")
    before = supervisor.get(reverse("reviews:summary")).context["review_count"]
    # 6ZA's reviews past first-level QA: the hand-made finalized one and six of the generated quarter.
    assert before == 7
    assert (
        before
        == Review.objects.filter(
            case__agency__code="6ZA", status__in=["approved", "second_level_qa", "finalized"]
        ).count()
    )

    reviewer = logged_in("reviewer_6za")
    review = Review.objects.get(case__case_id="DEMO-6ZA-0001")
    assert reviewer.get(reverse("reviews:review_list")).status_code == 200
    missing = [m.code for m in reviewer.get(reverse("reviews:review_detail", args=[review.pk])).context["missing"]]
    assert missing[:4] == ["14A", "14B", "15C2", "17A2"]
    # 15C2 is asked once per father (the demo case lists a legal and a birth father).
    for code, person, value in (
        ("14A", "", "YES"),
        ("14B", "", "YES"),
        ("15C2", "f1", "YES"),
        ("15C2", "f2", "YES"),
        ("17A2", "", "YES"),
    ):
        review.refresh_from_db()
        response = reviewer.post(
            reverse("reviews:answer", args=[review.pk]),
            {"code": code, "person": person, f"q{code}-{person or 'case'}-value": value, "version": review.version},
        )
        body = response.content.decode()
        assert "Saved ✓" in body, body.split("Not saved")[1][:300] if "Not saved" in body else code
    # The one "No" narrative the demo left out (8B: the birth father was never visited).
    review.refresh_from_db()
    reviewer.post(
        reverse("reviews:narrative", args=[review.pk]),
        {"code": "8B", "narrative-8B": "Birth father not visited: whereabouts known.", "version": review.version},
    )
    response = reviewer.post(reverse("reviews:transition", args=[review.pk]), {"action": "submit"}, follow=True)
    assert "The review was submitted for QA. It is read-only for you until QA returns it." in response.content.decode()

    qa = logged_in("qa_6za")
    for action in ("start_qa", "approve"):
        qa.post(reverse("reviews:transition", args=[review.pk]), {"action": action})
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVED
    response = supervisor.get(reverse("reviews:summary"))
    assert response.context["review_count"] == before + 1
    assert (
        "DEMO-6ZA-0001"
        in supervisor.get(reverse("reviews:summary_drill"), {"item": "14", "measure": "achieved"}).content.decode()
    )


def test_every_demo_review_page_renders_for_each_6za_role():
    seed_accounts(io.StringIO())
    demo.seed(io.StringIO())
    reviews = Review.objects.filter(case__agency__code="6ZA")
    # 4 hand-made, 8 generated, and the calibration round's 6 cases of two blind reviews and a consensus each
    # (their pages and who may open them: tests/reviews_ui/test_calibration_*.py).
    assert reviews.count() == 12 + 6 * 3
    reviews = reviews.exclude(case__case_id__startswith="DEMO-CAL-")
    # One review of each status and case type (the same templates render the rest).
    kinds = {}
    for review in reviews.order_by("case__case_id"):
        kinds.setdefault((review.status, review.case.case_type), review)
    reviews = list(kinds.values())
    assert len(reviews) == 10
    for username in ("reviewer_6za", "qa_6za", "supervisor_6za", "viewer_6za"):
        client = logged_in(username)
        for review in reviews:
            for url in (
                reverse("reviews:review_detail", args=[review.pk]),
                reverse("reviews:face_sheet", args=[review.pk]),
                reverse("reviews:item", args=[review.pk, "14"]),
                reverse("reviews:item", args=[review.pk, "18"]),
            ):
                assert client.get(url).status_code == 200, (username, url)
        for other in Review.objects.filter(case__agency__code="6ZB"):
            assert client.get(reverse("reviews:review_detail", args=[other.pk])).status_code == 404
