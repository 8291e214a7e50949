"""Separation of duties in the QA workflow, stale pages, and plain messages."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from reviews import workflow
from reviews.models import QANote, Review, ReviewStatusChange
from tests.reviews_ui.helpers import complete_review

S = Review.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def qa_a2(make_user):
    return make_user("qa_a2", ("qa_reviewer", "6ZA"), first_name="Second", last_name="Checker")


@pytest.fixture
def reviewer_and_qa(make_user):
    """Someone holding both roles in 6ZA (small agencies do this)."""
    return make_user("both_a", ("reviewer", "6ZA"), ("qa_reviewer", "6ZA"))


def test_nobody_does_qa_on_their_own_review(personas, reviewer_and_qa):
    review = complete_review(reviewer_and_qa)
    workflow.transition(review, "submit", reviewer_and_qa)
    assert [a.name for a in workflow.available_actions(review, reviewer_and_qa)] == ["eliminate"]
    with pytest.raises(workflow.Refused, match="You are a reviewer of this review: QA must be done by someone else"):
        workflow.transition(review, "start_qa", reviewer_and_qa)
    workflow.transition(review, "start_qa", personas.qa_a)
    for attempt in (
        lambda: workflow.transition(review, "approve", reviewer_and_qa),
        lambda: workflow.transition(review, "return", reviewer_and_qa, note="Mine."),
        lambda: workflow.add_note(review, reviewer_and_qa, "14B", "My own note."),
        lambda: workflow.override_rating(review, reviewer_and_qa, "14", "STRENGTH", "Mine."),
    ):
        with pytest.raises(workflow.Refused, match="separation of duties"):
            attempt()
    review.refresh_from_db()
    assert review.status == S.FIRST_LEVEL_QA
    assert not QANote.objects.filter(review=review).exists()
    assert review.item_ratings.get(item="14").override == ""


def test_second_level_qa_and_finalization_need_someone_other_than_the_approver(personas, qa_a2):
    review = complete_review(personas.reviewer_a, status=S.FIRST_LEVEL_QA)
    workflow.transition(review, "approve", personas.qa_a)
    assert workflow.available_actions(review, personas.qa_a) == [workflow.ACTIONS["eliminate"]]
    assert workflow.withheld_actions(review, personas.qa_a) == [
        "You approved this review at first level: second-level QA and finalization need another QA reviewer "
        "(separation of duties)."
    ]
    with pytest.raises(workflow.Refused, match="You approved this review at first level"):
        workflow.transition(review, "start_second_level", personas.qa_a)
    workflow.transition(review, "start_second_level", qa_a2)
    with pytest.raises(workflow.Refused, match="You approved this review at first level"):
        workflow.add_note(review, personas.qa_a, "14B", "A second look by the first approver.")
    with pytest.raises(workflow.Refused, match="You approved this review at first level"):
        workflow.transition(review, "return", personas.qa_a, note="Back to you.")
    with pytest.raises(workflow.Refused, match="You approved this review at first level"):
        workflow.transition(review, "finalize", personas.qa_a)
    workflow.transition(review, "finalize", qa_a2)
    review.refresh_from_db()
    assert review.status == S.FINALIZED
    assert list(review.status_changes.values_list("action", "user__username")) == [
        ("approve", "qa_a"),
        ("start_second_level", "qa_a2"),
        ("finalize", "qa_a2"),
    ]


def test_after_a_return_the_latest_approver_counts(personas, qa_a2):
    review = complete_review(personas.reviewer_a, status=S.FIRST_LEVEL_QA)
    workflow.transition(review, "approve", personas.qa_a)
    workflow.transition(review, "start_second_level", qa_a2)
    workflow.transition(review, "return", qa_a2, note="Check 14B.")
    workflow.transition(review, "submit", personas.reviewer_a)
    workflow.transition(review, "start_qa", qa_a2)
    workflow.transition(review, "approve", qa_a2)
    # qa_a2 approved this time: qa_a may now do the second level, qa_a2 may not.
    with pytest.raises(workflow.Refused, match="You approved this review at first level"):
        workflow.transition(review, "start_second_level", qa_a2)
    workflow.transition(review, "start_second_level", personas.qa_a)
    workflow.transition(review, "finalize", personas.qa_a)


@override_settings(REVIEWS_SEPARATE_DUTIES=False)
def test_a_deployment_may_turn_separation_of_duties_off(personas, reviewer_and_qa):
    review = complete_review(reviewer_and_qa)
    for action in ("submit", "start_qa", "approve", "start_second_level", "finalize"):
        workflow.transition(review, action, reviewer_and_qa)
    review.refresh_from_db()
    assert review.status == S.FINALIZED


def test_the_pages_withhold_the_step_and_say_why(personas, client_for, qa_a2):
    review = complete_review(personas.reviewer_a, status=S.FIRST_LEVEL_QA)
    workflow.transition(review, "approve", personas.qa_a)
    client = client_for(personas.qa_a)
    body = client.get(reverse("reviews:review_detail", args=[review.pk])).content.decode()
    assert "Start second-level QA" not in body
    assert "second-level QA and finalization need another QA reviewer" in body
    response = client.post(
        reverse("reviews:transition", args=[review.pk]),
        {"action": "start_second_level", "expected_status": S.APPROVED},
        follow=True,
    )
    assert "You approved this review at first level" in response.content.decode()
    review.refresh_from_db()
    assert review.status == S.APPROVED
    assert (
        "Start second-level QA"
        in client_for(qa_a2).get(reverse("reviews:review_detail", args=[review.pk])).content.decode()
    )


def test_a_stale_page_cannot_submit_again(personas, client_for):
    review = complete_review(personas.reviewer_a)
    client = client_for(personas.reviewer_a)
    detail = client.get(reverse("reviews:review_detail", args=[review.pk]))
    # Review pages are never kept by the browser: Back fetches them again.
    assert "no-store" in detail["Cache-Control"]
    assert 'name="expected_status" value="in_progress"' in detail.content.decode()
    url = reverse("reviews:transition", args=[review.pk])
    first = client.post(url, {"action": "submit", "expected_status": S.IN_PROGRESS}, follow=True)
    assert "The review was submitted for QA. It is read-only for you until QA returns it." in first.content.decode()
    # The same form again, from the page kept before the first press.
    again = client.post(url, {"action": "submit", "expected_status": S.IN_PROGRESS}, follow=True)
    body = again.content.decode()
    assert (
        "Nothing was done: your page was out of date. Since you opened it, this review has been submitted "
        "for QA and is waiting for a QA reviewer." in body
    )
    assert "cannot submit for qa" not in body.lower() and "the review is submitted for qa" not in body.lower()
    assert ReviewStatusChange.objects.filter(review=review, action="submit").count() == 1


def test_messages_use_plain_words(personas):
    review = complete_review(personas.reviewer_a, status=S.SUBMITTED)
    with pytest.raises(workflow.Refused) as refused:
        workflow.transition(review, "submit", personas.reviewer_a)
    assert refused.value.problems == [
        "“Submit for QA” is not possible now: this review has been submitted for QA and is waiting for a QA reviewer."
    ]
    with pytest.raises(workflow.Refused) as refused:
        workflow.save_answers(review, personas.reviewer_a, {"14B": "YES"}, expected_version=review.version)
    assert str(refused.value) == (
        "This review has been submitted for QA and is waiting for a QA reviewer: its answers cannot be changed now."
    )
    for action in workflow.ACTIONS.values():
        assert action.done and action.done[0].isupper() and action.done.endswith(".")
