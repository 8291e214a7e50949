"""Reconciliation: the differences of two submitted blind reviews, the QA lead's choices, the consensus review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from reviews import calibration, reconciliation, summaries, workflow
from reviews.models import DualReview, Review, Sample, SampleCase
from reviews.scoring import record_answers
from tests.reviews.factories import COMPLETE_FC, COMPLETE_FC_ROWS, make_case
from tests.reviews_ui.helpers import narratives_for

S = Review.Status
pytestmark = pytest.mark.django_db

A = {**COMPLETE_FC, **COMPLETE_FC_ROWS}
# Side B differs on three answers: 14B (item 14), 16A (item 16) and 11B (item 11).
B = {**A, "14B": "YES", "16A": "NO", "11B": "YES"}


@pytest.fixture
def reviewer_a2(make_user):
    return make_user("reviewer_a2", ("reviewer", "6ZA"))


def make_dual(personas, reviewer_a2, case_id="REC-1", submitted=True):
    sample = Sample.objects.get_or_create(quarter="2023Q3", seed=7, defaults={"site_circuits": [16], "site_size": 5})[0]
    entry = SampleCase.objects.create(
        sample=sample, case=make_case(case_id), stratum="circuit 16 / FOSTER_CARE", draw_order=1
    )
    dual = calibration.mark(entry, personas.qa_a)
    first, second = calibration.start_dual_review(
        dual, personas.reviewer_a, reviewer_a2, dt.date(2023, 4, 1), personas.qa_a
    )
    for review, answers, side in ((first, A, "A"), (second, B, "B")):
        narratives = narratives_for(answers)
        narratives["14"] = f"Rationale of side {side} for item 14."
        record_answers(review, answers, narratives)
    if submitted:
        Review.objects.filter(pk=first.pk).update(status=S.SUBMITTED, pur_end=dt.date(2023, 7, 18))
        Review.objects.filter(pk=second.pk).update(status=S.SUBMITTED, pur_end=dt.date(2023, 7, 25))
    dual.refresh_from_db()
    return dual


@pytest.fixture
def dual(personas, reviewer_a2):
    return make_dual(personas, reviewer_a2)


def test_the_differences_of_the_two_reviews(dual):
    diffs = reconciliation.differences(dual)
    assert [(d.key, d.a, d.b) for d in diffs] == [("11B", "NO", "YES"), ("14B", "NO", "YES"), ("16A", "YES", "NO")]
    ratings = {(r.kind, r.key): (r.a, r.b) for r in reconciliation.rating_differences(dual)}
    assert ratings == {
        ("item", "11"): ("ANI", "STRENGTH"),
        ("item", "14"): ("ANI", "STRENGTH"),
        ("item", "16"): ("STRENGTH", "ANI"),
        ("outcome", "P2"): ("PARTIALLY_ACHIEVED", "SUBSTANTIALLY_ACHIEVED"),
        ("outcome", "WB1"): ("NOT_ACHIEVED", "PARTIALLY_ACHIEVED"),
        ("outcome", "WB2"): ("SUBSTANTIALLY_ACHIEVED", "NOT_ACHIEVED"),
    }
    item_14 = next(r for r in reconciliation.rating_differences(dual) if r.key == "14")
    # Each reviewer's narrative and reasons come along.
    assert item_14.narrative_a == "Rationale of side A for item 14."
    assert item_14.narrative_b == "Rationale of side B for item 14."
    assert item_14.reasons_a and item_14.reasons_b


def test_a_consensus_from_mixed_choices(dual, personas):
    problems = reconciliation.save_choices(
        dual,
        personas.qa_a,
        {
            "11B": {"take": "A"},
            "14B": {"take": "B"},
            "16A": {"take": "new", "value": "yes", "note": "The file shows the assessment was done."},
        },
    )
    assert problems == {}
    dual.refresh_from_db()
    consensus = reconciliation.create_consensus(dual, personas.qa_a)
    dual.refresh_from_db()
    assert dual.consensus == consensus and dual.reconciled_by == personas.qa_a
    assert not consensus.calibration
    assert consensus.status == S.SUBMITTED
    assert consensus.pur_start == dt.date(2023, 4, 1) and consensus.pur_end == dt.date(2023, 7, 25)
    assert set(consensus.reviewers.values_list("username", flat=True)) == {"reviewer_a", "reviewer_a2"}
    values = dict(consensus.answers.filter(participant=None).values_list("question_code", "value"))
    assert (values["11B"], values["14B"], values["16A"]) == ("NO", "YES", "YES")
    assert values["3B"] == A["3B"]  # agreed answers are carried over
    # Scored with the instrument like any review.
    assert consensus.item_ratings.get(item="16").calculated == "STRENGTH"
    assert consensus.item_ratings.count() == dual.first.item_ratings.count()
    # The two originals are unchanged and stay calibration reviews.
    assert dual.first.answers.get(question_code="16A", participant=None).value == "YES"
    assert dual.second.answers.get(question_code="16A", participant=None).value == "NO"
    actions = list(
        AuditEntry.objects.filter(action__startswith="reviews.calibration.").values_list("action", flat=True)
    )
    assert actions.count("reviews.calibration.choice") == 3
    assert "reviews.calibration.reconciled" in actions
    assert consensus.status_changes.get().action == "submit"
    # It goes through normal QA: the QA lead may start first-level QA on it.
    assert "start_qa" in [a.name for a in workflow.available_actions(consensus, personas.qa_a)]
    with pytest.raises(calibration.CalibrationError, match="already created"):
        reconciliation.create_consensus(dual, personas.qa_a)


def test_save_and_resume_and_refusals(dual, personas):
    assert reconciliation.save_choices(dual, personas.qa_a, {"11B": {"take": "B"}}) == {}
    dual.refresh_from_db()
    assert dual.choices == {"11B": {"take": "B", "note": ""}}
    assert reconciliation.open_keys(dual) == ["14B", "16A"]
    with pytest.raises(workflow.Refused, match="2 still open"):
        reconciliation.create_consensus(dual, personas.qa_a)
    # A bad entry saves nothing, not even the good ones beside it.
    problems = reconciliation.save_choices(
        dual,
        personas.qa_a,
        {"14B": {"take": "A"}, "16A": {"take": "new", "value": "MAYBE", "note": "x"}, "3B": {"take": "A"}},
    )
    assert problems["16A"].startswith("the new answer must be one of")
    assert "3B" in problems
    assert reconciliation.save_choices(dual, personas.qa_a, {"16A": {"take": "new", "value": "NO"}}) == {
        "16A": "a new answer needs a note saying why"
    }
    dual.refresh_from_db()
    assert dual.choices == {"11B": {"take": "B", "note": ""}}
    assert not Review.objects.filter(case=dual.case, calibration=False).exists()


def test_only_a_qa_reviewer_of_the_agency_reconciles_and_only_once_both_are_submitted(personas, reviewer_a2):
    dual = make_dual(personas, reviewer_a2, submitted=False)
    with pytest.raises(calibration.CalibrationError, match="once both reviews are submitted"):
        reconciliation.save_choices(dual, personas.qa_a, {})
    Review.objects.filter(pk__in=[dual.first_id, dual.second_id]).update(
        status=S.SUBMITTED, pur_end=dt.date(2023, 7, 1)
    )
    for user in (personas.reviewer_a, reviewer_a2, personas.supervisor_a, personas.qa_b):
        with pytest.raises(workflow.NotAllowed):
            reconciliation.save_choices(dual, user, {"11B": {"take": "A"}})
        with pytest.raises(workflow.NotAllowed):
            reconciliation.create_consensus(dual, user)


def reconcile_all_a(dual, user):
    assert reconciliation.save_choices(dual, user, {k: {"take": "A"} for k in reconciliation.open_keys(dual)}) == {}
    return reconciliation.create_consensus(DualReview.objects.get(pk=dual.pk), user)


def test_summaries_count_the_consensus_and_not_the_two_originals(dual, personas, client_for):
    consensus = reconcile_all_a(dual, personas.qa_a)
    # Every status (the consensus and the two originals are all submitted): the consensus alone counts.
    reviews = summaries.reviews_for_summary(personas.supervisor_a, summaries.parse_filters({"statuses": "all"})[0])
    assert set(reviews.filter(case=dual.case).values_list("pk", flat=True)) == {consensus.pk}
    rows = {row.key: row for row in summaries.item_performance(reviews)}
    assert rows["16"].applicable == 1 and rows["16"].achieved == 1  # A's STRENGTH, counted once
    # The read API counts the same single review.
    api = client_for(personas.supervisor_a).get("/api/v1/reviews/summary/", {"statuses": "all"}).json()
    assert api["reviews_counted"] == 1
    # Once finalized it is reported; the originals never are.
    Review.objects.filter(pk=consensus.pk).update(status=S.FINALIZED)
    reported = summaries.reviews_for_summary(personas.supervisor_a, summaries.parse_filters({})[0])
    assert list(reported.filter(case=dual.case).values_list("pk", flat=True)) == [consensus.pk]


def test_the_consensus_frees_the_case_for_the_next_period(dual, personas):
    consensus = reconcile_all_a(dual, personas.qa_a)
    assert workflow.open_review(dual.case) == consensus
    Review.objects.filter(pk=consensus.pk).update(status=S.FINALIZED)
    # The two calibration reviews stay submitted, but no longer hold the case.
    assert workflow.open_review(dual.case) is None
    assert workflow.period_start_problems(dual.case, dt.date(2023, 7, 26)) == []
    assert workflow.period_start_problems(dual.case, dt.date(2023, 7, 20))  # overlaps the consensus


def test_a_reconciled_blind_review_cannot_be_eliminated(dual, personas):
    """Once the pair has its consensus, the originals stay for the statistics: the consensus is eliminated instead."""
    first = dual.first
    assert "eliminate" in [a.name for a in workflow.available_actions(first, personas.qa_a)]
    consensus = reconcile_all_a(dual, personas.qa_a)
    first.refresh_from_db()
    assert "eliminate" not in [a.name for a in workflow.available_actions(first, personas.qa_a)]
    assert workflow.CALIBRATION_RECONCILED in workflow.withheld_actions(first, personas.qa_a)
    with pytest.raises(workflow.Refused, match="eliminate the consensus review"):
        workflow.transition(first, "eliminate", personas.qa_a, note="Not eligible.")
    first.refresh_from_db()
    assert first.status == S.SUBMITTED
    assert calibration.agreement_statistics("2023Q3")["pairs"] == 1
    assert "eliminate" in [a.name for a in workflow.available_actions(consensus, personas.qa_a)]


def test_the_reconciliation_page(dual, personas, client_for, reviewer_a2):
    url = reverse("reviews:calibration_reconcile", args=[dual.pk])
    for user in (personas.reviewer_a, reviewer_a2, personas.qa_b, personas.supervisor_a):
        assert client_for(user).get(url).status_code in (403, 404)
    client = client_for(personas.qa_a)
    page = client.get(url).content.decode()
    assert "11B" in page and "14B" in page and "16A" in page
    assert "Rationale of side A for item 14." in page and "Rationale of side B for item 14." in page
    # A rejected form keeps its input.
    response = client.post(
        url,
        {"take-11B": "A", "take-16A": "new", "value-16A": "MAYBE", "note-16A": "my reason", "action": "save"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "must be one of" in text and 'value="MAYBE"' in text and "my reason" in text
    dual.refresh_from_db()
    assert dual.choices == {}
    # Save part, resume, then create.
    response = client.post(url, {"take-11B": "A", "action": "save"})
    assert response.status_code == 302
    dual.refresh_from_db()
    assert dual.choices == {"11B": {"take": "A", "note": ""}}
    page = client.get(url).content.decode()
    assert 'name="take-11B" value="A" checked' in page
    response = client.post(
        url,
        {
            "take-11B": "A",
            "take-14B": "B",
            "take-16A": "new",
            "value-16A": "YES",
            "note-16A": "Seen in the file.",
            "action": "create",
        },
    )
    dual.refresh_from_db()
    assert dual.consensus_id
    assert response.status_code == 302 and response["Location"] == reverse(
        "reviews:review_detail", args=[dual.consensus_id]
    )


def test_both_reviewers_hear_of_the_reconciliation_on_their_home_page(dual, personas, reviewer_a2):
    from accounts.attention import attention_for

    line = "1 calibration case of yours reconciled lately: see where you differed"
    assert line not in [a.text for a in attention_for(reviewer_a2)]
    reconcile_all_a(dual, personas.qa_a)
    for user in (personas.reviewer_a, reviewer_a2):
        assert line in [a.text for a in attention_for(user)]
    assert line not in [a.text for a in attention_for(personas.reviewer_b)]
    reconciled_at = DualReview.objects.get(pk=dual.pk).reconciled_at
    DualReview.objects.filter(pk=dual.pk).update(reconciled_at=reconciled_at - dt.timedelta(days=91))
    assert line not in [a.text for a in attention_for(reviewer_a2)]
