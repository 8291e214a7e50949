"""Admin: reviews editable, computed rating rows and answers read-only."""

from __future__ import annotations

import pytest

from accounts.models import AuditEntry
from reviews.models import ItemRating, QANote, Review, ReviewStatusChange
from reviews.scoring import record_answers

from .factories import COMPLETE_FC, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789"))
    return client


@pytest.fixture
def review():
    review = make_review(people=(("c1", "CHILD"), ("m1", "MOTHER"), ("f1", "FATHER")))
    record_answers(review, COMPLETE_FC)
    return review


def test_review_change_page_shows_the_ratings(admin_client, review):
    response = admin_client.get(f"/admin/reviews/review/{review.pk}/change/")
    assert response.status_code == 200
    assert "SUBSTANTIALLY_ACHIEVED" in response.content.decode()


def test_rating_rows_cannot_be_edited_in_the_admin(admin_client, review):
    row = ItemRating.objects.get(review=review, item="14")
    response = admin_client.post(f"/admin/reviews/itemrating/{row.pk}/change/", {"effective": "STRENGTH"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.effective == "ANI"
    assert admin_client.get("/admin/reviews/itemrating/add/").status_code == 403
    assert admin_client.get("/admin/reviews/answer/add/").status_code == 403


def test_changing_the_case_type_in_the_admin_rescores_its_reviews(admin_client, review):
    case = review.case
    response = admin_client.post(
        f"/admin/reviews/case/{case.pk}/change/",
        {"case_id": case.case_id, "agency": case.agency_id, "county": case.county_id, "case_type": "IN_HOME"},
    )
    assert response.status_code == 302
    assert ItemRating.objects.get(review=review, item="4").effective == "NA"


# --- The record changes only through the workflow (issue 10, finding 6) ---------------------


def _form_data(response) -> dict:
    """The change form's current values, as the browser would post them back."""
    data = {}
    forms = [response.context["adminform"].form]
    inlines = response.context["inline_admin_formsets"] if "inline_admin_formsets" in response.context else []
    for inline in inlines:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list) else value
    return data


def _review_with_status(status: str):
    review = make_review()
    review.status = status
    review.save()
    return review


def test_answered_qa_notes_cannot_be_rewritten_or_deleted_in_the_admin(admin_client, review, personas):
    note = QANote.objects.create(
        review=review, question_code="14A", author=personas.qa_a, text="Why no visit in May?", reply="There was one."
    )
    url = f"/admin/reviews/qanote/{note.pk}/"
    changed = admin_client.post(url + "change/", {"review": review.pk, "question_code": "14A", "text": "Fine."})
    assert changed.status_code == 403
    assert admin_client.post(url + "delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/reviews/qanote/add/").status_code == 403
    note.refresh_from_db()
    assert (note.text, note.reply) == ("Why no visit in May?", "There was one.")
    assert admin_client.get(url + "change/").status_code == 200  # still readable


def test_the_review_status_cannot_be_set_by_hand_in_the_admin(admin_client):
    review = _review_with_status(Review.Status.APPROVED)
    url = f"/admin/reviews/review/{review.pk}/change/"
    page = admin_client.get(url)
    response = admin_client.post(url, {**_form_data(page), "status": Review.Status.FINALIZED})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVED
    assert not ReviewStatusChange.objects.exists()
    assert "status" not in page.context["adminform"].form.fields


def test_a_workflow_action_in_the_admin_writes_the_status_change_and_the_audit_entry(admin_client):
    review = _review_with_status(Review.Status.APPROVED)
    response = admin_client.post(
        "/admin/reviews/review/", {"action": "workflow_start_second_level", "_selected_action": [review.pk]}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.SECOND_LEVEL_QA
    change = ReviewStatusChange.objects.get(review=review)
    assert (change.action, change.from_status, change.to_status, change.user.username) == (
        "start_second_level",
        "approved",
        "second_level_qa",
        "root",
    )
    entry = AuditEntry.objects.get(action="reviews.qa.second_level_started")
    assert (entry.user.username, entry.object_id) == ("root", str(review.pk))


def test_a_workflow_action_the_rules_refuse_changes_nothing(admin_client):
    review = _review_with_status(Review.Status.APPROVED)
    response = admin_client.post(
        "/admin/reviews/review/", {"action": "workflow_finalize", "_selected_action": [review.pk]}, follow=True
    )
    assert "“Finalize” is not possible now: this review was approved at first level" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVED and not ReviewStatusChange.objects.exists()


def test_a_workflow_action_that_needs_a_reason_asks_for_it(admin_client):
    review = _review_with_status(Review.Status.FINALIZED)
    data = {"action": "workflow_unfinalize", "_selected_action": [review.pk]}
    asked = admin_client.post("/admin/reviews/review/", data)
    assert asked.status_code == 200 and 'name="note"' in asked.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.FINALIZED
    admin_client.post("/admin/reviews/review/", {**data, "confirm": "yes", "note": ""})
    review.refresh_from_db()
    assert review.status == Review.Status.FINALIZED  # a blank reason is refused by the workflow
    admin_client.post("/admin/reviews/review/", {**data, "confirm": "yes", "note": "Wrong period under review"})
    review.refresh_from_db()
    assert review.status == Review.Status.RETURNED
    change = ReviewStatusChange.objects.get(review=review)
    assert (change.action, change.note) == ("unfinalize", "Wrong period under review")
    assert AuditEntry.objects.get(action="reviews.review.unfinalized").data["note"] == "Wrong period under review"


def test_old_versions_cannot_be_restored_from_the_history_pages(admin_client, review):
    first = review.history.earliest("history_date")
    review.status = Review.Status.FINALIZED
    review.save()
    url = f"/admin/reviews/review/{review.pk}/history/{first.history_id}/"
    page = admin_client.get(url)
    assert page.status_code == 200  # readable
    assert admin_client.post(url, _form_data(page)).status_code == 403
    review.refresh_from_db()
    assert review.status == Review.Status.FINALIZED

    answer = review.answers.filter(participant=None).first()
    old = answer.history.earliest("history_date")
    answer.value = "CHANGED"
    answer.save()
    answer_url = f"/admin/reviews/answer/{answer.pk}/history/{old.history_id}/"
    assert admin_client.post(answer_url, {}).status_code == 403
    answer.refresh_from_db()
    assert answer.value == "CHANGED"
