"""A review as one document: printable page, PDF and the interchange JSON, within the user's scope."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from reviews import workflow
from reviews.interchange import export_document
from reviews.models import Review
from reviews.scoring import set_override
from tests.reviews_ui.helpers import complete_review

S = Review.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def finalized(personas, make_user):
    review = complete_review(personas.reviewer_a, case_id="PRINT-1", status=S.FIRST_LEVEL_QA)
    note = workflow.add_note(review, personas.qa_a, "14B", "Was the child seen alone?")
    workflow.transition(review, "return", personas.qa_a)
    workflow.reply_note(note, personas.reviewer_a, "Yes, monthly at school.")
    workflow.transition(review, "submit", personas.reviewer_a)
    workflow.transition(review, "start_qa", personas.qa_a)
    workflow.resolve_note(note, personas.qa_a)
    set_override(review, "14", "STRENGTH", "Seen alone monthly at school.", personas.qa_a)
    workflow.transition(review, "approve", personas.qa_a)
    second = make_user("qa_a2", ("qa_reviewer", "6ZA"), first_name="Second", last_name="Checker")
    workflow.transition(review, "start_second_level", second)
    workflow.transition(review, "finalize", second)
    review.refresh_from_db()
    return review


def test_the_printed_review_holds_answers_ratings_reasons_narratives_and_notes(personas, client_for, finalized):
    body = client_for(personas.supervisor_a).get(reverse("reviews:review_print", args=[finalized.pk])).content.decode()
    assert "Case review PRINT-1" in body and "Draft" not in body
    assert "QA completed by: Quinn Qa, Second Checker" in body
    assert '<div class="answer"><strong>Once a week</strong></div>' in body  # 8A1 in words, not WEEKLY
    assert "Synthetic narrative for 14B." in body  # the "No" narrative
    assert "Synthetic rationale for item 14." in body  # the rating rationale
    assert "because 13C = NO" in body  # the reasons of a calculated rating
    assert "Override by Quinn Qa (calculated ANI): Seen alone monthly at school." in body
    assert "Was the child seen alone?" in body and "Yes, monthly at school." in body
    assert "Not asked in foster care cases." in body  # a question locked by the case type says why
    assert body.count('<section class="item">') == 18


def test_an_unfinished_review_prints_as_a_draft(personas, client_for):
    review = complete_review(personas.reviewer_a, drop=("14A",))
    body = client_for(personas.reviewer_a).get(reverse("reviews:review_print", args=[review.pk])).content.decode()
    assert "Draft: this review has not passed first-level QA" in body and "1 thing still missing." in body


def test_the_pdf_is_one_file(personas, client_for, finalized):
    response = client_for(personas.reviewer_a).get(reverse("reviews:review_pdf", args=[finalized.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="review-PRINT-1-2023-04-01.pdf"'
    assert response.content.startswith(b"%PDF-") and len(response.content) > 20_000
    assert AuditEntry.objects.filter(action="reviews.review.printed", user=personas.reviewer_a).count() == 1


def test_the_reviewer_downloads_the_review_as_interchange_json(personas, client_for, finalized):
    response = client_for(personas.reviewer_a).get(reverse("reviews:review_json", args=[finalized.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="review-PRINT-1-2023-04-01.json"'
    document = json.loads(response.content)
    assert document == json.loads(json.dumps(export_document(finalized)))
    assert (document["format"], document["case"]["case_id"], document["review"]["status"]) == (
        "osri-review",
        "PRINT-1",
        "finalized",
    )
    assert document["overrides"]["14"]["rating"] == "STRENGTH"


@pytest.mark.parametrize("name", ["review_print", "review_pdf", "review_json"])
def test_other_agencies_and_strangers_are_refused(personas, client_for, make_user, finalized, client, name):
    url = reverse(f"reviews:{name}", args=[finalized.pk])
    assert client_for(personas.reviewer_b).get(url).status_code == 404
    assert client_for(personas.qa_b).get(url).status_code == 404
    assert client_for(make_user("no_role")).get(url).status_code == 404
    assert client.get(url).status_code == 302  # not logged in: to the login page
    assert client_for(personas.state_supervisor).get(url).status_code == 200


def test_the_printable_page_runs_no_script_and_loads_nothing(personas, client_for, finalized):
    """The page keeps its print styles inline (it is also WeasyPrint's input), so it is served under
    its own policy: inline styles only, no script, nothing loaded; its links still work (not sandboxed)."""
    from config.security import PRINT_PAGE_POLICY

    response = client_for(personas.supervisor_a).get(reverse("reviews:review_print", args=[finalized.pk]))
    assert response["Content-Security-Policy"] == PRINT_PAGE_POLICY
    assert "script-src" not in response["Content-Security-Policy"] and "sandbox" not in PRINT_PAGE_POLICY
    body = response.content.decode()
    assert "<script" not in body and "onclick" not in body
    assert reverse("reviews:review_pdf", args=[finalized.pk]) in body
