"""A foster care review in a real browser: entered, submitted, returned with a note, answered, approved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from reviews.models import QANote, Review
from reviews.scoring import record_answers
from tests.conftest import PASSWORD
from tests.reviews.factories import COMPLETE_FC, make_case
from tests.reviews_ui.helpers import COMPLETE_FC_ROWS, narratives_for

S = Review.Status


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def answer(page: Page, code: str, label: str) -> None:
    """Click one radio answer and wait for its htmx save to come back."""
    with page.expect_response(lambda r: r.url.endswith("/answer/") and r.status == 200):
        page.locator(f"#q-{code}").get_by_label(label, exact=True).check()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_review_goes_from_entry_through_qa_to_approval(live_server, page, browser, personas, tmp_path):
    base = live_server.url
    case = make_case("BROWSER-0001", agency="6ZA")

    # The reviewer starts the review from the case list.
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/")
    page.get_by_role("link", name="Start a review").click()
    page.get_by_label("Period under review: first day (Face Sheet C)").fill("2023-04-01")
    page.get_by_role("button", name="Start the review").click()
    expect(page.get_by_role("heading", name="Face Sheet")).to_be_visible()
    review = Review.objects.get(case=case)

    # Earlier sittings answered everything but item 14 (a short review to finish here).
    answers = {k: v for k, v in {**COMPLETE_FC, **COMPLETE_FC_ROWS}.items() if not k.startswith("14")}
    record_answers(review, answers, narratives_for(answers))

    page.goto(f"{base}/reviews/{review.pk}/items/14/")
    page.evaluate("window.__not_reloaded = true")
    expect(page.locator('[data-item="14"]')).to_have_text("Incomplete")
    with page.expect_response(lambda r: r.url.endswith("/answer/")):
        page.locator("#q-14A1").get_by_label("Less than twice a month, but at least once a month").check()
    answer(page, "14A", "Yes")
    answer(page, "14B", "No")
    # The rating and its reason appear without a page load, in the panel and the sidebar.
    expect(page.locator("#rating-panel")).to_contain_text("ANI")
    expect(page.locator("#rating-panel")).to_contain_text("because 14B = NO")
    expect(page.locator('[data-item="14"]')).to_have_text("ANI")
    # A "No" answer opens its narrative box; it saves as it is typed.
    with page.expect_response(lambda r: r.url.endswith("/narrative/")):
        page.get_by_label("Narrative for 14B (explain the concern)").fill(
            "Visits were short; the child was never seen alone."
        )
        page.get_by_label("Narrative for 14B (explain the concern)").blur()
    expect(page.locator("#status-narrative-14B")).to_contain_text("Saved")
    assert page.evaluate("window.__not_reloaded") is True
    page.screenshot(path=tmp_path / "item-14.png", full_page=True)
    assert review.answers.get(question_code="14B", participant=None).narrative.startswith("Visits were short")

    # The answers survive a closed tab: a fresh page shows them.
    page.reload()
    expect(page.locator("#q-14B").get_by_label("No", exact=True)).to_be_checked()

    page.goto(f"{base}/reviews/{review.pk}/")
    page.get_by_role("button", name="Submit for QA").click()
    expect(page.get_by_text("The review was submitted for QA.")).to_be_visible()
    review.refresh_from_db()
    assert review.status == S.SUBMITTED and review.pur_end is not None

    # QA starts first-level QA, notes 14B and returns the review.
    qa_context = browser.new_context()
    qa = qa_context.new_page()
    log_in(qa, base, "qa_a")
    qa.goto(f"{base}/reviews/qa/")
    qa.get_by_role("link", name="Open").click()
    qa.get_by_role("button", name="Start first-level QA").click()
    qa.goto(f"{base}/reviews/{review.pk}/items/14/")
    qa.locator("#q-14B summary").click()
    qa.get_by_label("QA note on 14B").fill("Was the child seen alone at school?")
    qa.get_by_role("button", name="Add note").first.click()
    expect(qa.locator("#q-14B")).to_contain_text("Was the child seen alone at school?")
    qa.goto(f"{base}/reviews/{review.pk}/")
    qa.get_by_label("Return to reviewer: note").fill("See the note on 14B.")
    qa.get_by_role("button", name="Return to reviewer").click()
    expect(qa.get_by_text("The review was returned to the reviewer")).to_be_visible()

    # The reviewer answers the note and resubmits.
    page.goto(f"{base}/reviews/{review.pk}/")
    page.get_by_label("Reply to the QA note on 14B").fill("Yes: monthly at school, see the contact log.")
    page.get_by_role("button", name="Reply").click()
    expect(page.get_by_text("Reply saved on the note about 14B.")).to_be_visible()
    page.get_by_role("button", name="Submit for QA").click()
    expect(page.get_by_text("The review was submitted for QA.")).to_be_visible()

    # QA resolves the note and approves.
    qa.goto(f"{base}/reviews/{review.pk}/")
    qa.get_by_role("button", name="Start first-level QA").click()
    qa.get_by_role("button", name="Resolve").click()
    qa.get_by_role("button", name="Approve (first level)").click()
    expect(qa.get_by_text("The review was approved at first level")).to_be_visible()
    review.refresh_from_db()
    assert review.status == S.APPROVED
    note = QANote.objects.get(review=review)
    assert (note.resolved, note.reply) == (True, "Yes: monthly at school, see the contact log.")
    qa_context.close()

    # The supervisor's summary counts the approved review.
    supervisor_context = browser.new_context()
    supervisor = supervisor_context.new_page()
    log_in(supervisor, base, "supervisor_a")
    supervisor.goto(f"{base}/reviews/summary/")
    expect(supervisor.locator("#review-count")).to_have_text("1")
    expect(supervisor.locator('#table-items tr[data-key="14"]')).to_contain_text("1")
    supervisor.screenshot(path=tmp_path / "summary.png", full_page=True)
    assert (tmp_path / "item-14.png").stat().st_size > 10000
    assert (tmp_path / "summary.png").stat().st_size > 10000
    supervisor_context.close()
