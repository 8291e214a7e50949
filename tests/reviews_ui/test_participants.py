"""Removing a participant: confirmed, and the answers that depended on them are checked again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews import workflow
from reviews.completeness import item_number, what_is_missing
from reviews.instrument import ROUND4
from reviews.models import Answer, Participant, Review
from tests.reviews_ui.helpers import complete_review

S = Review.Status
pytestmark = pytest.mark.django_db
# The father questions COMPLETE_FC answers (once for the role), in instrument order.
FATHER_ANSWERS = ["8B1", "8B", "11B", "12B2", "12B4", "13C", "15A2", "15B2"]


@pytest.fixture
def two_fathers(personas):
    review = complete_review(personas.reviewer_a, case_id="PP-1")
    for key, label in (("f1", "legal father"), ("f2", "birth father")):
        Participant.objects.create(review=review, key=key, role="FATHER", label=label)
    # The two fathers differ on 8B: f1 visited enough, f2 never.
    workflow.save_answers(
        review, personas.reviewer_a, {"8B": {"f1": "YES", "f2": "NO"}}, expected_version=review.version
    )
    review.refresh_from_db()
    return review


def test_removing_a_father_flags_the_fathers_answers_and_blocks_submission(personas, two_fathers):
    review = two_fathers
    f2 = review.participants.get(key="f2")
    own, dependent = workflow.participant_dependents(review, f2)
    assert own == ["8B"]
    assert dependent == FATHER_ANSWERS
    flagged = workflow.remove_participant(review, personas.reviewer_a, f2, review.version)
    assert flagged == FATHER_ANSWERS
    assert not review.participants.filter(key="f2").exists()
    # f2's own answer went with them; f1's stays, flagged, and now decides 8B alone.
    assert list(
        review.answers.filter(question_code="8B")
        .exclude(participant=None)
        .values_list("participant__key", "value", "needs_review")
    ) == [("f1", "YES", True)]
    checks = [(m.kind, m.code, m.text) for m in what_is_missing(review) if m.kind == "recheck"]
    assert checks == [
        ("recheck", code, f"Check {code}: f2 (father, birth father) was removed from the participants.")
        for code in FATHER_ANSWERS
    ]
    review.refresh_from_db()
    with pytest.raises(workflow.Refused, match=r"Check the answer\(s\) to 8B1, 8B, 11B, 12B2, 12B4, 13C, 15A2, 15B2:"):
        workflow.transition(review, "submit", personas.reviewer_a)


def test_a_flag_clears_when_the_question_is_answered_again_or_kept(personas, client_for, two_fathers):
    review = two_fathers
    workflow.remove_participant(review, personas.reviewer_a, review.participants.get(key="f2"), review.version)
    review.refresh_from_db()
    workflow.save_answers(review, personas.reviewer_a, {"8B": {"f1": "YES"}}, expected_version=review.version)
    review.refresh_from_db()
    client = client_for(personas.reviewer_a)
    for code in [c for c in FATHER_ANSWERS if c != "8B"]:
        page = reverse("reviews:item", args=[review.pk, item_number(ROUND4.question(code).item)])
        assert f'data-recheck="{code}"' in client.get(page).content.decode()
        response = client.post(
            reverse("reviews:answer", args=[review.pk]), {"code": code, "keep": "1", "version": review.version}
        )
        assert f'data-recheck="{code}"' not in response.content.decode()
        review.refresh_from_db()
    assert not Answer.objects.filter(review=review, needs_review=True).exists()
    assert [m for m in what_is_missing(review) if m.kind == "recheck"] == []
    workflow.transition(review, "submit", personas.reviewer_a)


def test_only_the_assigned_reviewer_keeps_a_flagged_answer(personas, client_for, two_fathers):
    review = two_fathers
    workflow.remove_participant(review, personas.reviewer_a, review.participants.get(key="f2"), review.version)
    review.refresh_from_db()
    data = {"code": "8B", "keep": "1", "version": review.version}
    assert client_for(personas.qa_a).post(reverse("reviews:answer", args=[review.pk]), data).status_code == 403
    assert client_for(personas.reviewer_b).post(reverse("reviews:answer", args=[review.pk]), data).status_code == 404
    assert Answer.objects.filter(review=review, question_code="8B", needs_review=True).exists()


def test_the_removal_is_confirmed_in_the_pages(personas, client_for, two_fathers):
    review = two_fathers
    f2 = review.participants.get(key="f2")
    client = client_for(personas.reviewer_a)
    url = reverse("reviews:participant_remove", args=[review.pk, f2.pk])
    body = client.get(url).content.decode()
    assert (
        "The answers to <strong>8B1, 8B, 11B, 12B2, 12B4, 13C, 15A2, 15B2</strong> are about every father listed"
        in body
    )
    response = client.post(url, {"confirm": "1", "version": review.version}, follow=True)
    assert (
        "f2 (Father) removed. Check the answers to 8B1, 8B, 11B, 12B2, 12B4, 13C, 15A2, 15B2"
        in response.content.decode()
    )
    # A stale confirmation page (someone saved since) removes nothing.
    f1 = review.participants.get(key="f1")
    response = client.post(
        reverse("reviews:participant_remove", args=[review.pk, f1.pk]), {"confirm": "1", "version": 1}, follow=True
    )
    assert "Someone else saved this review" in response.content.decode()
    assert review.participants.filter(key="f1").exists()
