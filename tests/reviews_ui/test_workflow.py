"""The guarded workflow: every action per role and status, notes, read-only finalized reviews, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from reviews import workflow
from reviews.models import QANote, Review, ReviewStatusChange
from reviews.scoring import InvalidAnswers, StaleReview
from tests.reviews_ui.helpers import complete_review

S = Review.Status
pytestmark = pytest.mark.django_db

# Who may take each action on a 6ZA review (reviewer_a is the assigned reviewer).
ALLOWED_ROLE = {
    "submit": "reviewer_a",
    "start_qa": "qa_a",
    "return": "qa_a",
    "approve": "qa_a",
    "start_second_level": "qa_a",
    "finalize": "qa_a",
    "unfinalize": "admin_a",
    "eliminate": "qa_a",
}
SOURCE = {
    "submit": S.IN_PROGRESS,
    "start_qa": S.SUBMITTED,
    "return": S.FIRST_LEVEL_QA,
    "approve": S.FIRST_LEVEL_QA,
    "start_second_level": S.APPROVED,
    "finalize": S.SECOND_LEVEL_QA,
    "unfinalize": S.FINALIZED,
    "eliminate": S.IN_PROGRESS,
}
TARGET = {
    "submit": S.SUBMITTED,
    "start_qa": S.FIRST_LEVEL_QA,
    "return": S.RETURNED,
    "approve": S.APPROVED,
    "start_second_level": S.SECOND_LEVEL_QA,
    "finalize": S.FINALIZED,
    "unfinalize": S.RETURNED,
    "eliminate": S.ELIMINATED,
}
PEOPLE = ["reviewer_a", "qa_a", "supervisor_a", "viewer_a", "admin_a", "reviewer_b", "qa_b", "state_supervisor"]
# Besides the one role above: eliminating is also open to administrators (sampling).
ALSO_ALLOWED = {("eliminate", "admin_a")}


def _cases():
    for action in ALLOWED_ROLE:
        for person in PEOPLE:
            allowed = person == ALLOWED_ROLE[action] or (action, person) in ALSO_ALLOWED
            yield pytest.param(action, person, allowed, id=f"{action}-{person}")


@pytest.mark.parametrize("action,person,allowed", list(_cases()))
def test_each_action_is_allowed_only_for_its_role(personas, action, person, allowed):
    review = complete_review(personas.reviewer_a, status=SOURCE[action])
    user = getattr(personas, person)
    if allowed:
        change = workflow.transition(review, action, user, note="A reason.")
        review.refresh_from_db()
        assert review.status == TARGET[action]
        assert (change.from_status, change.to_status, change.user) == (SOURCE[action], TARGET[action], user)
    else:
        with pytest.raises(workflow.NotAllowed):
            workflow.transition(review, action, user, note="A reason.")
        review.refresh_from_db()
        assert review.status == SOURCE[action]
        assert not ReviewStatusChange.objects.filter(review=review).exists()


def _wrong_states():
    for action, sources in ((a.name, a.sources) for a in workflow.ACTIONS.values()):
        for status in S.values:
            if status not in sources:
                yield pytest.param(action, status, id=f"{action}-from-{status}")


@pytest.mark.parametrize("action,status", list(_wrong_states()))
def test_each_action_is_refused_from_other_statuses(personas, action, status):
    review = complete_review(personas.reviewer_a, status=status)
    user = getattr(personas, ALLOWED_ROLE[action])
    with pytest.raises(workflow.Refused, match="is not possible now: this review"):
        workflow.transition(review, action, user, note="A reason.")
    review.refresh_from_db()
    assert review.status == status


def test_the_sources_of_each_action_match_the_state_machine():
    sources = {name: set(a.sources) for name, a in workflow.ACTIONS.items()}
    assert sources["submit"] == {S.IN_PROGRESS, S.RETURNED}
    assert sources["return"] == {S.FIRST_LEVEL_QA, S.SECOND_LEVEL_QA}
    assert sources["eliminate"] == set(S.values) - {S.FINALIZED, S.ELIMINATED}


def test_a_full_round_writes_history_and_audit_rows(personas, make_user):
    review = complete_review(personas.reviewer_a)
    # Second-level QA and finalization are another QA reviewer's (separation of duties).
    qa_a2 = make_user("qa_a2", ("qa_reviewer", "6ZA"))
    steps = [
        ("submit", personas.reviewer_a, ""),
        ("start_qa", personas.qa_a, ""),
        ("return", personas.qa_a, "Please check 14B."),
        ("submit", personas.reviewer_a, ""),
        ("start_qa", personas.qa_a, ""),
        ("approve", personas.qa_a, ""),
        ("start_second_level", qa_a2, ""),
        ("finalize", qa_a2, ""),
    ]
    for action, user, note in steps:
        workflow.transition(review, action, user, note=note)
    rows = list(ReviewStatusChange.objects.filter(review=review).values_list("action", "from_status", "to_status"))
    assert rows == [
        ("submit", S.IN_PROGRESS, S.SUBMITTED),
        ("start_qa", S.SUBMITTED, S.FIRST_LEVEL_QA),
        ("return", S.FIRST_LEVEL_QA, S.RETURNED),
        ("submit", S.RETURNED, S.SUBMITTED),
        ("start_qa", S.SUBMITTED, S.FIRST_LEVEL_QA),
        ("approve", S.FIRST_LEVEL_QA, S.APPROVED),
        ("start_second_level", S.APPROVED, S.SECOND_LEVEL_QA),
        ("finalize", S.SECOND_LEVEL_QA, S.FINALIZED),
    ]
    audit = list(
        AuditEntry.objects.filter(object_type="reviews.review", object_id=str(review.pk))
        .order_by("id")
        .values_list("action", "user__username")
    )
    assert audit == [
        ("reviews.review.submitted", "reviewer_a"),
        ("reviews.qa.started", "qa_a"),
        ("reviews.qa.returned", "qa_a"),
        ("reviews.review.submitted", "reviewer_a"),
        ("reviews.qa.started", "qa_a"),
        ("reviews.qa.approved", "qa_a"),
        ("reviews.qa.second_level_started", "qa_a2"),
        ("reviews.qa.finalized", "qa_a2"),
    ]
    assert ReviewStatusChange.objects.get(review=review, action="return").note == "Please check 14B."


def test_first_submission_sets_and_freezes_the_period_end(personas):
    review = complete_review(personas.reviewer_a)
    workflow.transition(review, "submit", personas.reviewer_a)
    review.refresh_from_db()
    today = timezone.localdate()
    assert review.pur_end == today
    assert review.face_sheet["E"] == today.isoformat()
    # A later resubmission keeps the first date, and the reviewer cannot edit E.
    Review.objects.filter(pk=review.pk).update(status=S.RETURNED, pur_end=dt.date(2023, 9, 30))
    review.refresh_from_db()
    workflow.save_face_sheet(review, personas.reviewer_a, {"E": "2024-01-01", "B": "Doe"}, review.version)
    workflow.transition(review, "submit", personas.reviewer_a)
    review.refresh_from_db()
    assert review.pur_end == dt.date(2023, 9, 30)
    assert review.face_sheet["E"] == today.isoformat()
    assert review.face_sheet["B"] == "Doe"


def test_submission_is_refused_while_an_item_is_incomplete(personas):
    review = complete_review(personas.reviewer_a, drop=("14A", "14B"))
    with pytest.raises(workflow.Refused) as refused:
        workflow.transition(review, "submit", personas.reviewer_a)
    assert refused.value.problems == ["Answer 2 question(s) still unanswered: 14A, 14B."]
    review.refresh_from_db()
    assert review.status == S.IN_PROGRESS and review.pur_end is None


def test_submission_needs_the_no_narratives(personas):
    review = complete_review(personas.reviewer_a)
    review.answers.filter(question_code="14B").update(narrative="")
    with pytest.raises(workflow.Refused, match=r"Write the “No” narrative for 14B \(answered with a concern\)"):
        workflow.transition(review, "submit", personas.reviewer_a)


def test_an_unassigned_reviewer_cannot_submit_or_edit(personas, make_user):
    other = make_user("reviewer_a2", ("reviewer", "6ZA"))
    review = complete_review(personas.reviewer_a)
    with pytest.raises(workflow.NotAllowed):
        workflow.transition(review, "submit", other)
    with pytest.raises(workflow.NotAllowed):
        workflow.save_answers(review, other, {"14B": "YES"}, expected_version=review.version)
    assert not workflow.can_edit(review, other)
    assert workflow.can_edit(review, personas.reviewer_a)


def test_open_notes_block_approval_until_resolved(personas):
    review = complete_review(personas.reviewer_a, status=S.FIRST_LEVEL_QA)
    note = workflow.add_note(review, personas.qa_a, "14B", "Was the child seen alone?")
    with pytest.raises(workflow.Refused, match=r"Resolve every QA note first \(open on 14B\)"):
        workflow.transition(review, "approve", personas.qa_a)
    workflow.resolve_note(note, personas.qa_a)
    workflow.transition(review, "approve", personas.qa_a)
    review.refresh_from_db()
    assert review.status == S.APPROVED


def test_open_notes_block_finalization(personas):
    review = complete_review(personas.reviewer_a, status=S.SECOND_LEVEL_QA)
    workflow.add_note(review, personas.qa_a, "8", "Item 8: check the father's visits.")
    with pytest.raises(workflow.Refused, match="open on 8"):
        workflow.transition(review, "finalize", personas.qa_a)


def test_return_needs_a_note_or_a_reason(personas):
    review = complete_review(personas.reviewer_a, status=S.FIRST_LEVEL_QA)
    with pytest.raises(workflow.Refused, match="Add a QA note"):
        workflow.transition(review, "return", personas.qa_a)
    workflow.add_note(review, personas.qa_a, "14B", "Was the child seen alone?")
    workflow.transition(review, "return", personas.qa_a)
    review.refresh_from_db()
    assert review.status == S.RETURNED


def test_resubmission_needs_a_reply_to_each_open_note(personas):
    review = complete_review(personas.reviewer_a, status=S.FIRST_LEVEL_QA)
    note = workflow.add_note(review, personas.qa_a, "14B", "Was the child seen alone?")
    workflow.transition(review, "return", personas.qa_a)
    with pytest.raises(workflow.Refused, match=r"Reply to the open QA note\(s\) on 14B\."):
        workflow.transition(review, "submit", personas.reviewer_a)
    workflow.reply_note(note, personas.reviewer_a, "Yes, at school.")
    workflow.transition(review, "submit", personas.reviewer_a)
    note.refresh_from_db()
    assert (note.reply, note.replied_by) == ("Yes, at school.", personas.reviewer_a)


def test_an_answered_note_cannot_be_deleted(personas):
    review = complete_review(personas.reviewer_a, status=S.FIRST_LEVEL_QA)
    answered = workflow.add_note(review, personas.qa_a, "14B", "Was the child seen alone?")
    workflow.transition(review, "return", personas.qa_a)
    workflow.reply_note(answered, personas.reviewer_a, "Yes, at school.")
    workflow.transition(review, "submit", personas.reviewer_a)
    workflow.transition(review, "start_qa", personas.qa_a)
    withdrawn = workflow.add_note(review, personas.qa_a, "8B", "Typo, ignore.")
    with pytest.raises(workflow.Refused, match="cannot be deleted"):
        workflow.delete_note(answered, personas.qa_a)
    workflow.delete_note(withdrawn, personas.qa_a)
    assert list(QANote.objects.filter(review=review).values_list("question_code", flat=True)) == ["14B"]
    assert AuditEntry.objects.filter(action="reviews.qa.note_deleted", data__question="8B").count() == 1


def test_notes_are_anchored_to_known_questions_or_items(personas):
    review = complete_review(personas.reviewer_a, status=S.FIRST_LEVEL_QA)
    with pytest.raises(workflow.Refused, match="neither a question code nor an item"):
        workflow.add_note(review, personas.qa_a, "99Z", "?")
    with pytest.raises(workflow.NotAllowed):
        workflow.add_note(review, personas.reviewer_a, "14B", "Reviewers do not write QA notes.")
    with pytest.raises(workflow.NotAllowed):
        workflow.add_note(review, personas.qa_b, "14B", "Other agency.")


def test_only_qa_overrides_and_only_with_a_reason(personas):
    review = complete_review(personas.reviewer_a, status=S.FIRST_LEVEL_QA)
    for user in (personas.reviewer_a, personas.supervisor_a, personas.qa_b):
        with pytest.raises(workflow.NotAllowed):
            workflow.override_rating(review, user, "14", "STRENGTH", "Seen alone at school.")
    with pytest.raises(InvalidAnswers, match="an override needs a reason"):
        workflow.override_rating(review, personas.qa_a, "14", "STRENGTH", "  ")
    workflow.override_rating(review, personas.qa_a, "14", "STRENGTH", "Seen alone at school.")
    row = review.item_ratings.get(item="14")
    assert (row.calculated, row.override, row.effective, row.override_by) == (
        "ANI",
        "STRENGTH",
        "STRENGTH",
        personas.qa_a,
    )
    # WB1 = items 12, 13, 14, 15: 14 is now a Strength but 12, 13, 15 stay ANI.
    assert review.outcome_ratings.get(outcome="WB1").effective == "PARTIALLY_ACHIEVED"
    assert AuditEntry.objects.filter(action="reviews.qa.override", data__key="14").count() == 1
    workflow.undo_override(review, personas.qa_a, "14")
    assert review.item_ratings.get(item="14").effective == "ANI"


def test_overrides_are_refused_outside_qa(personas):
    review = complete_review(personas.reviewer_a, status=S.IN_PROGRESS)
    with pytest.raises(workflow.Refused, match="while a review is in first- or second-level QA"):
        workflow.override_rating(review, personas.qa_a, "14", "STRENGTH", "Reason.")


def test_a_finalized_review_is_read_only_for_everyone(personas, make_user):
    review = complete_review(personas.reviewer_a, status=S.FINALIZED)
    note = QANote.objects.create(review=review, question_code="14B", author=personas.qa_a, text="Old note.")
    superuser = make_user("root", is_superuser=True)
    for user in (personas.reviewer_a, superuser):
        with pytest.raises(workflow.Refused, match="cannot be changed now"):
            workflow.save_answers(review, user, {"14B": "YES"}, expected_version=review.version)
        with pytest.raises(workflow.Refused, match="cannot be changed now"):
            workflow.save_face_sheet(review, user, {"B": "Doe"}, review.version)
        with pytest.raises(workflow.Refused, match="cannot be changed now"):
            workflow.reply_note(note, user, "Reply.")
    for user in (personas.qa_a, superuser):
        with pytest.raises(workflow.Refused, match="while a review is in first- or second-level QA"):
            workflow.add_note(review, user, "14B", "New note.")
        with pytest.raises(workflow.Refused, match="while a review is in first- or second-level QA"):
            workflow.override_rating(review, user, "14", "STRENGTH", "Reason.")
        with pytest.raises(workflow.Refused, match="while a review is in first- or second-level QA"):
            workflow.delete_note(note, user)
    assert review.answers.get(question_code="14B").value == "NO"
    assert review.item_ratings.get(item="14").effective == "ANI"


def test_reviewer_edits_only_while_in_progress_or_returned(personas):
    for status in S.values:
        review = complete_review(personas.reviewer_a, case_id=f"UI-{status}", status=status)
        assert workflow.can_edit(review, personas.reviewer_a) is (status in (S.IN_PROGRESS, S.RETURNED)), status


def test_a_stale_save_is_refused_and_nothing_changes(personas):
    review = complete_review(personas.reviewer_a)
    read_version = review.version
    workflow.save_answers(review, personas.reviewer_a, {"14B": "YES"}, expected_version=read_version)
    stale_copy = Review.objects.get(pk=review.pk)
    with pytest.raises(StaleReview):
        workflow.save_answers(stale_copy, personas.reviewer_a, {"13C": "YES"}, expected_version=read_version)
    assert review.answers.get(question_code="14B").value == "YES"
    assert review.answers.get(question_code="13C").value == "NO"
    assert Review.objects.get(pk=review.pk).version == read_version + 1


def test_unfinalize_and_eliminate_need_a_reason(personas):
    review = complete_review(personas.reviewer_a, status=S.FINALIZED)
    with pytest.raises(workflow.Refused, match="needs a reason"):
        workflow.transition(review, "unfinalize", personas.admin_a)
    workflow.transition(review, "unfinalize", personas.admin_a, note="Data change request 12.")
    review.refresh_from_db()
    assert review.status == S.RETURNED
    with pytest.raises(workflow.Refused, match="needs a reason"):
        workflow.transition(review, "eliminate", personas.qa_a)


def test_answer_changes_are_recorded_in_history_with_old_and_new_value(personas):
    review = complete_review(personas.reviewer_a)
    workflow.save_answers(review, personas.reviewer_a, {"14B": "YES"}, expected_version=review.version)
    values = list(
        review.answers.get(question_code="14B").history.order_by("history_id").values_list("value", flat=True)
    )
    # Created with its value, then its narrative added, then the change: old NO -> new YES.
    assert values == ["NO", "NO", "YES"]
