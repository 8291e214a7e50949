"""Review entry defects found in use, checked in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from reviews.models import Answer, Review
from reviews.scoring import record_answers
from tests.reviews_ui.helpers import complete_review
from tests.reviews_ui.test_browser_review_round import log_in

S = Review.Status
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saved(page: Page, action) -> None:
    """Do `action` and wait for the answer save it triggers to come back."""
    with page.expect_response(lambda r: r.url.endswith("/answer/") and r.status == 200):
        action()


def test_table_rows_are_saved_as_they_are_typed(live_server, page, personas):
    review = complete_review(personas.reviewer_a, drop=("4A1",))
    record_answers(review, {"4A": 2, "4B": "YES"})
    base = live_server.url
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/{review.pk}/items/4/")
    navigator = page.locator("#review-navigator")
    expect(navigator).to_contain_text("4A1 lists 0 of the 2 placement(s) counted in 4A")
    expect(page.locator('[data-tab-status="4"]')).to_have_text("to do")

    table = page.locator("#q-4A1")
    saved(page, lambda: table.get_by_label("row 1 Placement setting").select_option("FOSTER_NON_RELATIVE"))
    # The first cell alone is refused (the date is required), and says so next to the table.
    expect(page.locator("#status-q4A1-case")).to_contain_text("row 1: placement_date is required")
    saved(page, lambda: table.get_by_label("row 1 Placement date").fill("2022-11-03"))
    expect(page.locator("#status-q4A1-case")).to_contain_text("Saved")
    expect(navigator).to_contain_text("4A1 lists 1 of the 2 placement(s) counted in 4A")
    # Filling the last row offered a new empty one, without a page load.
    saved(page, lambda: table.get_by_label("row 2 Placement date").fill("2023-02-01"))
    saved(page, lambda: table.get_by_label("row 2 Placement setting").select_option("GROUP_HOME"))
    expect(table.get_by_label("row 3 Placement date")).to_have_value("")
    expect(navigator).not_to_contain_text("4A1")
    expect(page.locator('[data-tab-status="4"]')).to_have_text("done")

    # Leaving without any "Save table" button loses nothing.
    page.goto(f"{base}/reviews/{review.pk}/items/5/")
    page.goto(f"{base}/reviews/{review.pk}/items/4/")
    expect(page.locator("#q-4A1").get_by_label("row 2 Placement setting")).to_have_value("GROUP_HOME")
    rows = Answer.objects.get(review=review, question_code="4A1", participant=None).value
    assert [r["placement_type"] for r in rows] == ["FOSTER_NON_RELATIVE", "GROUP_HOME"]


def test_the_rationale_badge_and_the_navigator_clear_when_the_rationale_is_saved(live_server, page, personas):
    review = complete_review(personas.reviewer_a)
    Answer.objects.filter(review=review, question_code="14").delete()
    base = live_server.url
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/{review.pk}/items/14/")
    expect(page.locator("#rationale-needed-14")).to_have_text("needed")
    expect(page.locator('[data-missing="rationale:14"]')).to_be_visible()
    expect(page.locator('[data-tab-status="14"]')).to_have_text("to do")
    box = page.get_by_label("Rating rationale for item 14")
    with page.expect_response(lambda r: r.url.endswith("/narrative/")):
        box.fill("Visits were monthly, but the child was never seen alone.")
        box.blur()
    expect(page.locator("#rationale-needed-14")).to_have_text("")
    expect(page.locator("#review-navigator")).to_contain_text("Nothing is missing")
    expect(page.locator('[data-tab-status="14"]')).to_have_text("ANI")


def test_back_after_submitting_does_not_offer_submit_again(live_server, page, personas):
    review = complete_review(personas.reviewer_a)
    base = live_server.url
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/{review.pk}/")
    page.get_by_role("button", name="Submit for QA").click()
    expect(
        page.get_by_text("The review was submitted for QA. It is read-only for you until QA returns it.")
    ).to_be_visible()
    page.go_back()
    expect(page.locator("#review-status")).to_have_text("Submitted for QA")
    expect(page.get_by_role("button", name="Submit for QA")).to_have_count(0)
    review.refresh_from_db()
    assert review.status == S.SUBMITTED
