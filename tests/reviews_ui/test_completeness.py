"""One list decides what is missing: the navigator, the sidebar, the tabs and Submit agree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews import workflow
from reviews.completeness import missing_by_page, what_is_missing
from reviews.models import Answer, Review
from tests.reviews_ui.helpers import complete_review

S = Review.Status
pytestmark = pytest.mark.django_db


def _page(client, review, name="review_detail", *args):
    return client.get(reverse(f"reviews:{name}", args=[review.pk, *args]))


def test_missing_rationales_block_submission_as_the_navigator_lists_them(personas, client_for):
    review = complete_review(personas.reviewer_a)
    # The rationales of items 3 and 14 were never written (the defect: listed, yet Submit succeeded).
    Answer.objects.filter(review=review, question_code__in=["3", "14"]).delete()
    client = client_for(personas.reviewer_a)
    listed = [(m.kind, m.code) for m in _page(client, review).context["missing"]]
    assert listed == [("rationale", "3"), ("rationale", "14")]
    with pytest.raises(workflow.Refused) as refused:
        workflow.transition(review, "submit", personas.reviewer_a)
    assert refused.value.problems == ["Write the rating rationale for item(s) 3, 14."]
    review.refresh_from_db()
    assert review.status == S.IN_PROGRESS


def test_the_sidebar_and_tabs_count_what_the_navigator_lists(personas, client_for):
    review = complete_review(personas.reviewer_a, drop=("14A", "14B"))
    Answer.objects.filter(review=review, question_code="8").delete()
    context = _page(client_for(personas.reviewer_a), review).context
    items = {it.key: it for group in context["sidebar"] for it in group.items}
    assert (items["14"].missing, items["8"].missing, items["3"].missing) == (2, 1, 0)
    assert (items["14"].status, items["8"].status, items["3"].status, items["1"].status) == (
        "to do",
        "to do",
        "done",
        "NA",
    )
    assert items["11"].status == "ANI"
    assert missing_by_page(what_is_missing(review)) == {"14": 2, "8": 1}


def test_a_review_with_nothing_missing_submits(personas, client_for):
    review = complete_review(personas.reviewer_a)
    client = client_for(personas.reviewer_a)
    assert _page(client, review).context["missing"] == []
    workflow.transition(review, "submit", personas.reviewer_a)
    review.refresh_from_db()
    assert review.status == S.SUBMITTED


def test_placements_fewer_than_4a_are_missing_and_block_submission(personas):
    review = complete_review(personas.reviewer_a, drop=("4A1",))
    workflow.save_answers(review, personas.reviewer_a, {"4A": 2, "4B": "YES"}, expected_version=review.version)
    review.refresh_from_db()
    rows = [m for m in what_is_missing(review) if m.kind == "rows"]
    assert [(m.code, m.text) for m in rows] == [
        ("4A1", "4A1 lists 0 of the 2 placement(s) counted in 4A: add the others.")
    ]
    with pytest.raises(workflow.Refused, match=r"4A1 lists 0 of the 2 placement\(s\)"):
        workflow.transition(review, "submit", personas.reviewer_a)
    # One row, as saved while typing: accepted, still missing one.
    one = [{"placement_date": "2022-11-03", "placement_type": "FOSTER_NON_RELATIVE"}]
    workflow.save_answers(review, personas.reviewer_a, {"4A1": one}, expected_version=review.version)
    review.refresh_from_db()
    assert [m.text for m in what_is_missing(review) if m.kind == "rows"] == [
        "4A1 lists 1 of the 2 placement(s) counted in 4A: add the others."
    ]
    two = [*one, {"placement_date": "2023-02-01", "placement_type": "GROUP_HOME", "change_reason": "MORE_RESTRICTIVE"}]
    workflow.save_answers(review, personas.reviewer_a, {"4A1": two}, expected_version=review.version)
    review.refresh_from_db()
    assert what_is_missing(review) == []


def test_an_accepted_report_needs_a_row_and_goals_need_rows(personas):
    review = complete_review(personas.reviewer_a, drop=("1APP", "5B1"))
    workflow.save_answers(
        review, personas.reviewer_a, {"1APP": "YES", "1A": "YES"}, {"1": "Timely."}, expected_version=review.version
    )
    review.refresh_from_db()
    assert [m.code for m in what_is_missing(review) if m.kind == "rows"] == ["1A1", "5B1"]


def test_an_item_incomplete_without_a_listed_question_is_still_listed(personas, monkeypatch):
    review = complete_review(personas.reviewer_a)
    from reviews.instrument.round4 import Instrument

    # A rule that leaves an item Incomplete with every question answered (e.g. all-NA item 8).
    monkeypatch.setattr(Instrument, "missing_questions", lambda self, answers: [])
    from reviews.scoring import score_review

    scoring = score_review(review)
    scoring.items["16"] = "INCOMPLETE"
    entries = what_is_missing(review, scoring)
    assert [(m.kind, m.code, m.page) for m in entries] == [("incomplete", "16", "16")]
    assert entries[0].text.startswith("Item 16 is incomplete:")


def test_the_rationale_badge_follows_the_saved_rationale(personas, client_for):
    review = complete_review(personas.reviewer_a)
    Answer.objects.filter(review=review, question_code="14").delete()
    client = client_for(personas.reviewer_a)
    body = _page(client, review, "item", "14").content.decode()
    assert '<span id="rationale-needed-14"> <span class="badge text-bg-warning">needed</span></span>' in body
    response = client.post(
        reverse("reviews:narrative", args=[review.pk]),
        {"code": "14", "narrative-14": "Visits were monthly but short.", "version": review.version},
    )
    body = response.content.decode()
    # The save answer replaces the badge (out of band) with an empty one, and the navigator is empty.
    assert '<span id="rationale-needed-14" hx-swap-oob="true"></span>' in body
    assert "Nothing is missing" in body
